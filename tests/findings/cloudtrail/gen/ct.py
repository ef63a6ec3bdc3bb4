"""Helpers that build realistic CloudTrail records (test fixtures, samples)."""
import json, random, datetime, uuid as _uuid

ACCT = '482913650127'        # the victim account
EXT = '739104582266'         # an attacker-controlled account
REGION = 'us-east-1'
_rng = random.Random(20261120)

def seed(n):
    _rng.seed(n)

def rid():
    return str(_uuid.UUID(int=_rng.getrandbits(128), version=4))

def keyid(prefix='AKIA'):
    al = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
    return prefix + ''.join(_rng.choice(al) for _ in range(16))

def pid(prefix):
    al = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
    return prefix + ''.join(_rng.choice(al) for _ in range(17))

_t = [datetime.datetime(2026, 11, 18, 9, 12, 4)]
def at(s):
    _t[0] = datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%SZ')
def tick(sec=None):
    _t[0] += datetime.timedelta(seconds=sec if sec is not None else _rng.randint(2, 40))
    return _t[0].strftime('%Y-%m-%dT%H:%M:%SZ')

_ids = {}
def _stable(name, prefix):
    if (name, prefix) not in _ids:
        _ids[(name, prefix)] = pid(prefix)
    return _ids[(name, prefix)]

def user(name, key=None, acct=ACCT, mfa=None, console=False):
    u = {"type": "IAMUser", "principalId": _stable(name, 'AIDA'),
         "arn": f"arn:aws:iam::{acct}:user/{name}", "accountId": acct,
         "accessKeyId": key or _stable(name + '/key', 'AKIA')[:20], "userName": name}
    if mfa is not None or console:
        u["sessionContext"] = {"sessionIssuer": {}, "webIdFederationData": {},
                               "attributes": {"creationDate": tick(0), "mfaAuthenticated": "true" if mfa else "false"}}
    return u

def role(rname, session, key=None, acct=ACCT, mfa=False, ec2=False):
    rid_ = _stable(rname, 'AROA')
    u = {"type": "AssumedRole", "principalId": f"{rid_}:{session}",
         "arn": f"arn:aws:sts::{acct}:assumed-role/{rname}/{session}", "accountId": acct,
         "accessKeyId": key or _stable(rname + session, 'ASIA')[:20],
         "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": rid_,
                                              "arn": f"arn:aws:iam::{acct}:role/{rname}",
                                              "accountId": acct, "userName": rname},
                            "webIdFederationData": {},
                            "attributes": {"creationDate": tick(0), "mfaAuthenticated": "true" if mfa else "false"}}}
    if ec2:
        u["sessionContext"]["ec2RoleDelivery"] = "2.0"
    return u

def root(key=None, acct=ACCT):
    u = {"type": "Root", "principalId": acct, "arn": f"arn:aws:iam::{acct}:root", "accountId": acct}
    if key:
        u["accessKeyId"] = key
    return u

def service(svc, acct=ACCT):
    return {"type": "AWSService", "invokedBy": svc}

CLI = 'aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-48-generic md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#{cmd}'
BOTO = 'Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux#6.1.112-122.189.amzn2023.x86_64 md/arch#x86_64 lang/python#3.11.10 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.54'
CONSOLE = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
TF = 'APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/{svc}#1.38.0'

HOSTS = {'s3.amazonaws.com': None, 'iam.amazonaws.com': 'iam.amazonaws.com', 'sts.amazonaws.com': 'sts.amazonaws.com',
         'signin.amazonaws.com': 'signin.aws.amazon.com'}

def ev(src, name, rp=None, re=None, who=None, ip='203.0.113.24', ua=None, err=None, msg=None,
       ro=False, region=None, etype='AwsApiCall', extra=None, when=None, category='Management'):
    region = region or REGION
    svc = src.split('.')[0]
    host = HOSTS.get(src, f"{svc}.{region}.amazonaws.com")
    e = {"eventVersion": "1.10" if svc != 'signin' else "1.08",
         "userIdentity": who if who is not None else user('deploy-ci'),
         "eventTime": when or tick(), "eventSource": src, "eventName": name,
         "awsRegion": region, "sourceIPAddress": ip,
         "userAgent": ua if ua is not None else CLI.format(cmd=svc + '.' + name.lower()),
         }
    if err:
        e["errorCode"] = err
        if msg:
            e["errorMessage"] = msg
    e["requestParameters"] = rp
    e["responseElements"] = re
    if extra:
        e.update(extra)
    e["requestID"] = rid()
    e["eventID"] = rid()
    e["readOnly"] = ro
    e["eventType"] = etype
    e["managementEvent"] = category == 'Management'
    e["recipientAccountId"] = (who or {}).get('accountId', ACCT) if etype != 'AwsServiceEvent' else ACCT
    e["eventCategory"] = category
    if host:
        e["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                           "clientProvidedHostHeader": host}
    return e

def dump(records, path):
    with open(path, 'w') as f:
        for r in records:
            f.write(json.dumps(r, separators=(',', ':')) + '\n')

def pdoc(statements, indent=True):
    d = {"Version": "2012-10-17", "Statement": statements}
    return json.dumps(d, indent=4) if indent else json.dumps(d, separators=(',', ':'))

def urlenc(s):
    import urllib.parse
    return urllib.parse.quote(s, safe='*-_.')

def fmt_date(s=None):
    t = _t[0]
    h = t.hour % 12 or 12
    return f"{t.strftime('%b')} {t.day}, {t.year} {h}:{t.strftime('%M:%S')} {'AM' if t.hour < 12 else 'PM'}"
