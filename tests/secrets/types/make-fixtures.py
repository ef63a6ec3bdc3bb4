#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the per-type fixtures of secret-scan (tests/secrets.sh reads them).

For every secret type, TYPE.pos.jsonl holds records each of which must give
at least one occurrence of TYPE and of no other type, and TYPE.neg.jsonl
records that must give nothing at all: look-alikes, placeholders, redaction
markers, references, identifiers at identity paths.  Records are realistic
Kubernetes audit events and CloudTrail records; the secrets are random (a
fixed seed), shaped like the real ones, and fake.

    python3 tests/secrets/types/make-fixtures.py      # rewrites the files

The generated files are committed; the test suite needs no Python.
"""
import base64
import gzip
import json
import os
import random
import string
import urllib.parse

R = random.Random(12)
HERE = os.path.dirname(os.path.abspath(__file__))
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
T0 = "2026-11-20T10:%02d:%02d.%06dZ"
seq = [0]


def rnd(alphabet, n):
    return "".join(R.choice(alphabet) for _ in range(n))


def mixed(n, alphabet=ALNUM):
    """Random, with upper, lower and digits (so entropy floors pass)."""
    while True:
        s = rnd(alphabet, n)
        if any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s):
            return s


def stamp():
    seq[0] += 1
    k = seq[0]
    return T0 % (k // 60 % 60, k % 60, k * 7919 % 1000000)


def audit_id():
    return "%08x-%04x-4%03x-8%03x-%012x" % (R.getrandbits(32), R.getrandbits(16), R.getrandbits(12),
                                          R.getrandbits(12), R.getrandbits(48))


def key_id(prefix="AKIA"):
    return prefix + rnd(B32, 16)


USER = {"username": "arn:aws:sts::491326785603:assumed-role/Developer/alice",
        "uid": "aws-iam-authenticator:491326785603:AROAXG3N7K2MP3SSODEVA",
        "groups": ["developers", "system:authenticated"],
        "extra": {"accessKeyId": [key_id("ASIA")],
                  "arn": ["arn:aws:sts::491326785603:assumed-role/Developer/alice"],
                  "canonicalArn": ["arn:aws:iam::491326785603:role/Developer"],
                  "principalId": ["AROAXG3N7K2MP3SSODEVA"],
                  "sessionName": ["alice"]}}


def k8s(verb, resource, name, ns="payments", sub=None, uri=None, req=None, resp=None, level=None, code=None):
    ref = {"resource": resource, "namespace": ns, "name": name, "apiVersion": "v1"}
    if sub:
        ref["subresource"] = sub
    if uri is None:
        uri = "/api/v1/namespaces/%s/%s%s" % (ns, resource, "" if verb == "create" else "/" + name)
    t = stamp()
    e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1",
         "level": level or ("RequestResponse" if resp is not None else "Request" if req is not None else "Metadata"),
         "auditID": audit_id(), "stage": "ResponseComplete", "requestURI": uri, "verb": verb, "user": USER,
         "sourceIPs": ["52.48.9.211"], "userAgent": "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350",
         "objectRef": ref, "responseStatus": {"metadata": {}, "code": code or (201 if verb == "create" else 200)}}
    if req is not None:
        e["requestObject"] = req
    if resp is not None:
        e["responseObject"] = resp
    e["requestReceivedTimestamp"] = t
    e["stageTimestamp"] = t
    e["annotations"] = {"authorization.k8s.io/decision": "allow",
                        "authorization.k8s.io/reason": "RBAC: allowed by RoleBinding \"dev\" of ClusterRole \"edit\" to Group \"developers\""}
    return e


def pod(env=None, args=None, command=None, headers=None, image="registry.example.com/payments/api:1.8.2"):
    c = {"name": "api", "image": image}
    if command:
        c["command"] = command
    if args:
        c["args"] = args
    if env:
        c["env"] = [{"name": n, "value": v} for n, v in env]
    if headers:
        c["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": 8080,
                                          "httpHeaders": [{"name": n, "value": v} for n, v in headers]}}
    return {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "api-7c9d", "namespace": "payments"},
            "spec": {"containers": [c], "serviceAccountName": "api"}}


def env(*pairs):
    return k8s("create", "pods", "api-7c9d", req=pod(env=list(pairs)))


def deploy_env(*pairs):
    d = {"kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "api", "namespace": "payments"},
         "spec": {"template": {"spec": pod(env=list(pairs))["spec"]}}}
    e = k8s("patch", "deployments", "api", req=d)
    e["objectRef"]["apiGroup"] = "apps"
    e["requestURI"] = "/apis/apps/v1/namespaces/payments/deployments/api"
    return e


def args(*a):
    return k8s("create", "pods", "api-7c9d", req=pod(args=list(a)))


def command(*a):
    return k8s("create", "pods", "api-7c9d", req=pod(command=list(a)))


def headers(*h):
    return k8s("create", "pods", "api-7c9d", req=pod(headers=list(h)))


def exec_(*argv):
    q = "&".join("command=" + urllib.parse.quote(a, safe="") for a in argv)
    uri = "/api/v1/namespaces/payments/pods/api-7c9d/exec?%s&container=api&stdin=true&stdout=true&tty=true" % q
    return k8s("create", "pods", "api-7c9d", sub="exec", uri=uri, code=101)


def configmap(key, text):
    cm = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "app-config", "namespace": "payments"},
          "data": {key: text}}
    return k8s("create", "configmaps", "app-config", req=cm)


def secret_data(key, raw, stype="Opaque", ns="payments"):
    if isinstance(raw, str):
        raw = raw.encode()
    s = {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "app", "namespace": ns}, "type": stype,
         "data": {key: base64.b64encode(raw).decode()}}
    return k8s("create", "secrets", "app", ns=ns, req=s)


def secret_string(key, text):
    s = {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "app", "namespace": "payments"},
         "type": "Opaque", "stringData": {key: text}}
    return k8s("create", "secrets", "app", req=s)


def last_applied(obj):
    """A Deployment applied with kubectl: the manifest again, as a string."""
    m = dict(obj)
    m["metadata"] = dict(m["metadata"])
    m["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": json.dumps(obj) + "\n"}
    e = k8s("patch", "deployments", "api", req=m)
    e["objectRef"]["apiGroup"] = "apps"
    return e


def ct(source, name, req=None, resp=None, err=None):
    r = {"eventVersion": "1.09",
         "userIdentity": {"type": "AssumedRole", "principalId": "AROAXG3N7K2MP3SSODEVA:alice",
                          "arn": "arn:aws:sts::491326785603:assumed-role/Developer/alice",
                          "accountId": "491326785603", "accessKeyId": key_id("ASIA"),
                          "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAXG3N7K2MP3SSODEVA",
                                                               "arn": "arn:aws:iam::491326785603:role/Developer",
                                                               "accountId": "491326785603", "userName": "Developer"},
                                             "attributes": {"creationDate": "2026-11-20T09:58:01Z",
                                                            "mfaAuthenticated": "false"}}},
         "eventTime": stamp()[:19] + "Z", "eventSource": source, "eventName": name, "awsRegion": "eu-west-1",
         "sourceIPAddress": "52.48.9.211", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.1",
         "requestParameters": req, "responseElements": resp,
         "requestID": audit_id(), "eventID": audit_id(), "readOnly": False, "eventType": "AwsApiCall",
         "managementEvent": True, "recipientAccountId": "491326785603", "eventCategory": "Management"}
    if err:
        r["errorCode"] = err
    return r


def ecs_env(*pairs):
    return ct("ecs.amazonaws.com", "RegisterTaskDefinition",
              {"family": "api", "containerDefinitions": [
                  {"name": "api", "image": "491326785603.dkr.ecr.eu-west-1.amazonaws.com/api:1.8",
                   "environment": [{"name": n, "value": v} for n, v in pairs]}]},
              {"taskDefinition": {"family": "api", "revision": 7}})


def codebuild_env(*pairs):
    return ct("codebuild.amazonaws.com", "CreateProject",
              {"name": "api-build", "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                                                    "environmentVariables": [{"name": n, "value": v, "type": "PLAINTEXT"}
                                                                             for n, v in pairs]}}, None)


def pem(kind="RSA PRIVATE KEY", lines=10):
    body = "\n".join(rnd(B64, 64) for _ in range(lines))
    return "-----BEGIN %s-----\n%s\n%s=\n-----END %s-----\n" % (kind, body, rnd(B64, 23), kind)


def jwt(claims, alg="RS256"):
    b = lambda o: base64.urlsafe_b64encode(json.dumps(o, separators=(",", ":")).encode()).decode().rstrip("=")
    return b({"alg": alg, "kid": rnd(ALNUM + "-_", 43)}) + "." + b(claims) + "." + rnd(ALNUM + "-_", 342)


def sa_claims(exp=1795000000):
    return {"aud": ["https://kubernetes.default.svc"], "exp": exp, "iat": exp - 3600,
            "iss": "https://oidc.eks.eu-west-1.amazonaws.com/id/8E1D2C3B4A5F4E6D9C8B7A6F5E4D3C2B",
            "kubernetes.io": {"namespace": "payments", "serviceaccount": {"name": "api", "uid": audit_id()}},
            "nbf": exp - 3600, "sub": "system:serviceaccount:payments:api"}


POS = {}
NEG = {}


def pos(t, *recs):
    POS.setdefault(t, []).extend(recs)


def neg(t, *recs):
    NEG.setdefault(t, []).extend(recs)


# ---- AWS ----
def aws_secret():
    return mixed(40, B64)


kid, sec = key_id(), aws_secret()
pos("aws-key-pair",
    env(("AWS_ACCESS_KEY_ID", kid), ("AWS_SECRET_ACCESS_KEY", sec)),
    configmap("credentials", "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = eu-west-1\n"
              % (key_id(), aws_secret())),
    ecs_env(("AWS_ACCESS_KEY_ID", key_id()), ("AWS_SECRET_ACCESS_KEY", aws_secret())),
    configmap("sts.json", json.dumps({"Credentials": {"AccessKeyId": key_id("ASIA"), "SecretAccessKey": aws_secret(),
                                                      "Expiration": "2026-11-20T12:00:00Z"}})),
    args("aws", "configure", "import", key_id(), aws_secret()))
neg("aws-key-pair",
    env(("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")),
    configmap("build", "commit %s by %s\n" % (rnd(HEX, 40), key_id()[:4].lower() + "-ci")),
    # an identity key id and a 40-character value in the payload: no pair
    ct("s3.amazonaws.com", "PutBucketPolicy", {"bucketName": "logs-491326785603",
                                               "policyHash": mixed(40, B64)}, None),
    ct("iam.amazonaws.com", "CreateAccessKey", {"userName": "ci-legacy"},
       {"accessKey": {"userName": "ci-legacy", "accessKeyId": key_id(), "status": "Active",
                      "createDate": "Nov 20, 2026 10:00:00 AM"}}))

pos("aws-secret-key",
    env(("AWS_SECRET_ACCESS_KEY", aws_secret())),
    configmap("app.env", "AWS_REGION=eu-west-1\nAWS_SECRET_ACCESS_KEY=%s\n" % aws_secret()),
    secret_string("aws_secret_access_key", aws_secret()),
    codebuild_env(("AWS_SECRET_ACCESS_KEY", aws_secret())),
    configmap("s3.json", json.dumps({"s3": {"bucket": "reports", "secretAccessKey": aws_secret()}})))
neg("aws-secret-key",
    env(("AWS_SECRET_ACCESS_KEY", "****")),
    env(("AWS_SECRET_ACCESS_KEY", "${AWS_SECRET_ACCESS_KEY}")),
    env(("AWS_SECRET_ACCESS_KEY", rnd(HEX, 40))),
    env(("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")),
    k8s("create", "pods", "api-7c9d", req={"kind": "Pod", "spec": {"containers": [{"name": "api", "env": [
        {"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": {"secretKeyRef": {"name": "aws", "key": "secret"}}}]}]}}))


def session_token(prefix="IQoJb3JpZ2luX2Vj"):
    return prefix + rnd(B64, 300) + "=="


pos("aws-session-token",
    ct("sts.amazonaws.com", "AssumeRole", {"roleArn": "arn:aws:iam::491326785603:role/Deploy", "roleSessionName": "ci",
                                           "durationSeconds": 3600},
       {"credentials": {"accessKeyId": key_id("ASIA"), "sessionToken": session_token(),
                        "expiration": "Nov 20, 2026, 11:00:00 AM"},
        "assumedRoleUser": {"assumedRoleId": "AROAXG3N7K2MP3SSODEPL:ci",
                            "arn": "arn:aws:sts::491326785603:assumed-role/Deploy/ci"}}),
    env(("AWS_SESSION_TOKEN", session_token("FwoGZXIvYXdzE"))),
    configmap("creds", "[tmp]\naws_session_token = %s\n" % session_token()),
    env(("SESSION", rnd(B64, 40) + " " + session_token())))
neg("aws-session-token",
    env(("AWS_SESSION_TOKEN", "")),
    env(("AWS_SESSION_TOKEN", "HIDDEN_DUE_TO_SECURITY_REASONS")),
    env(("AWS_SESSION_TOKEN", "<session-token>")),
    env(("DOCS_EXAMPLE", "IQoJb3JpZ2luX2Vj")),
    ct("sts.amazonaws.com", "GetSessionToken", {"durationSeconds": 900}, None, err="AccessDenied"))

pos("aws-bedrock-key",
    env(("AWS_BEARER_TOKEN_BEDROCK", "ABSK" + rnd(B64, 132))),
    configmap("bedrock", "key: ABSK%s\n" % rnd(B64, 180)))
neg("aws-bedrock-key",
    env(("BEDROCK_MODEL", "ABSK-anthropic.claude")),
    env(("MODEL_ARN", "arn:aws:bedrock:eu-west-1::foundation-model/ABSK" + rnd(B64, 20))))

pos("aws-key-id",
    env(("AWS_ACCESS_KEY_ID", key_id())),
    configmap("notes", "rotate %s next week\n" % key_id()),
    args("--access-key", key_id()))
neg("aws-key-id",
    env(("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")),
    ct("ec2.amazonaws.com", "DescribeInstances", {"instancesSet": {}}, None),
    ct("iam.amazonaws.com", "UpdateAccessKey", {"userName": "ci-legacy", "accessKeyId": key_id(), "status": "Inactive"},
       None),
    ct("iam.amazonaws.com", "CreateAccessKey", {"userName": "ci-legacy"},
       {"accessKey": {"userName": "ci-legacy", "accessKeyId": key_id(), "status": "Active",
                      "createDate": "Nov 20, 2026 10:00:00 AM"}}),
    k8s("get", "pods", "api-7c9d"),
    env(("ROLE_ARN", "arn:aws:iam::491326785603:role/" + key_id("AROA"))))

# ---- Google, Azure, other clouds ----
pos("gcp-api-key",
    env(("GOOGLE_MAPS_API_KEY", "AIza" + rnd(ALNUM + "-_", 35))),
    configmap("config.js", "window.cfg = {apiKey: \"AIza%s\"};\n" % rnd(ALNUM + "-_", 35)),
    exec_("curl", "-s", "https://maps.googleapis.com/maps/api/geocode/json?address=x&key=AIza" + rnd(ALNUM, 35)))
neg("gcp-api-key",
    env(("GOOGLE_MAPS_API_KEY", "AIza" + rnd(ALNUM, 20))),
    env(("NOTE", "AIzaSyExampleKeyThatIsTooShort")))

sa = {"type": "service_account", "project_id": "payments-prod", "private_key_id": rnd(HEX, 40),
      "private_key": pem("PRIVATE KEY"), "client_email": "api@payments-prod.iam.gserviceaccount.com",
      "client_id": "1" + rnd(string.digits, 20), "token_uri": "https://oauth2.googleapis.com/token"}
pos("gcp-service-account",
    secret_data("key.json", json.dumps(sa, indent=2)),
    configmap("gcp.json", json.dumps(dict(sa, private_key=pem("PRIVATE KEY")))))
neg("gcp-service-account",
    configmap("gcp.json", json.dumps({"type": "service_account", "project_id": "payments-prod",
                                      "client_email": "api@payments-prod.iam.gserviceaccount.com"})),
    configmap("adc.json", json.dumps({"type": "external_account", "audience": "//iam.googleapis.com/x",
                                      "credential_source": {"file": "/var/run/token"}})))

pos("azure-client-secret",
    env(("AZURE_CLIENT_SECRET", rnd(ALNUM, 3) + "8Q~" + mixed(34, ALNUM + "_~.-"))),
    args("--client-secret=" + rnd(ALNUM, 3) + "7Q~" + mixed(34, ALNUM + "_.")))
neg("azure-client-secret",
    env(("AZURE_TENANT", "abc8Q~short")),
    env(("NOTE", "see Q~ docs")))

acct_key = mixed(86, B64) + "=="
pos("azure-storage-key",
    env(("AZURE_STORAGE_CONNECTION_STRING",
         "DefaultEndpointsProtocol=https;AccountName=payreports;AccountKey=%s;EndpointSuffix=core.windows.net" % acct_key)),
    env(("AZURE_STORAGE_KEY", mixed(86, B64) + "==")))
neg("azure-storage-key",
    env(("AZURE_STORAGE_CONNECTION_STRING",
         "DefaultEndpointsProtocol=https;AccountName=payreports;AccountKey=${KEY};EndpointSuffix=core.windows.net")),
    env(("AZURE_STORAGE_ACCOUNT", "payreports")))

sig = urllib.parse.quote(base64.b64encode(os.urandom(0) + bytes(R.getrandbits(8) for _ in range(32))).decode(), safe="")
pos("azure-sas-token",
    env(("REPORT_URL", "https://payreports.blob.core.windows.net/reports/q3.pdf?sv=2022-11-02&ss=b&srt=co&sp=rl"
         "&se=2026-12-31T00:00:00Z&st=2026-11-01T00:00:00Z&spr=https&sig=" + sig)))
neg("azure-sas-token",
    env(("REPORT_URL", "https://payreports.blob.core.windows.net/reports/q3.pdf?sv=2022-11-02&sig=short")),
    env(("DOCS", "https://learn.microsoft.com/azure/storage/common/storage-sas-overview?tabs=sig")))

pos("alibaba-access-key",
    env(("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI" + mixed(20))),
    configmap("oss", "accessKeyId: LTAI%s\n" % mixed(20)))
neg("alibaba-access-key",
    env(("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI" + mixed(10))),
    env(("NOTE", "XLTAI" + mixed(20) + "X")))

pos("digitalocean-token",
    env(("DIGITALOCEAN_TOKEN", "dop_v1_" + rnd(HEX, 64))),
    args("--access-token", "doo_v1_" + rnd(HEX, 64)))
neg("digitalocean-token",
    env(("DIGITALOCEAN_TOKEN", "dop_v1_" + "x" * 64)),
    env(("DOCS_EXAMPLE", "dop_v1_" + rnd(HEX, 40))),
    env(("DO_REGION", "dop_v1_ams3")))

pos("cloudflare-token",
    env(("CLOUDFLARE_API_TOKEN", mixed(40, ALNUM + "_-"))),
    env(("CF_API_KEY", rnd(HEX, 37))),
    configmap("origin-ca", "key: v1.0-%s-%s\n" % (rnd(HEX, 24), rnd(HEX, 146))))
neg("cloudflare-token",
    env(("CLOUDFLARE_ZONE_ID", rnd(HEX, 32))),
    env(("CLOUDFLARE_EMAIL", "ops@example.com")))

pos("vault-token",
    env(("VAULT_TOKEN", "hvs." + mixed(95, ALNUM + "_-"))),
    env(("VAULT_TOKEN", "s." + mixed(24))),
    exec_("vault", "login", "hvb." + mixed(150, ALNUM + "_-")))
neg("vault-token",
    env(("VAULT_ADDR", "https://vault.payments.svc:8200")),
    env(("VAULT_TOKEN", "hvs.short")))

pos("terraform-token",
    env(("TF_TOKEN_app_terraform_io", mixed(14) + ".atlasv1." + mixed(67, ALNUM + "_-"))),
    configmap("credentials.tfrc.json",
              json.dumps({"credentials": {"app.terraform.io": {"token": mixed(14) + ".atlasv1." + mixed(67)}}})))
neg("terraform-token",
    env(("TF_WORKSPACE", "payments.atlasv1.prod")),
    configmap("notes", "token format: xxxxxxxxxxxxxx.atlasv1.yyyy\n"))

# ---- Kubernetes ----
tok = jwt(sa_claims())
tr = k8s("create", "serviceaccounts", "api", sub="token",
         uri="/api/v1/namespaces/payments/serviceaccounts/api/token",
         req={"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
              "spec": {"audiences": ["https://kubernetes.default.svc"], "expirationSeconds": 3600}},
         resp={"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
               "spec": {"audiences": ["https://kubernetes.default.svc"], "expirationSeconds": 3600},
               "status": {"token": tok, "expirationTimestamp": "2026-11-20T11:00:00Z"}})
trv = k8s("create", "tokenreviews", "", ns="", uri="/apis/authentication.k8s.io/v1/tokenreviews",
          req={"kind": "TokenReview", "apiVersion": "authentication.k8s.io/v1", "spec": {"token": jwt(sa_claims(1700000000))}})
del trv["objectRef"]["namespace"]
pos("jwt", tr, trv, env(("ID_TOKEN", jwt({"iss": "https://accounts.example.com", "sub": "svc-42", "exp": 1790000000}))),
    secret_data("token", jwt(sa_claims()), stype="kubernetes.io/service-account-token"))
neg("jwt",
    env(("HEADER", base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("="))),
    env(("NOTE", "eyJhbGciOiJIUzI1NiJ9.payload")),
    env(("CONFIG_B64", base64.b64encode(json.dumps({"log": "info", "replicas": 3}).encode()).decode())))

bt = rnd(string.ascii_lowercase + string.digits, 6) + "." + rnd(string.ascii_lowercase + string.digits, 16)
pos("k8s-bootstrap-token",
    args("kubeadm", "join", "10.0.1.20:6443", "--token", bt, "--discovery-token-ca-cert-hash", "sha256:" + rnd(HEX, 64)),
    exec_("sh", "-c", "kubeadm join 10.0.1.20:6443 --token %s --discovery-token-unsafe-skip-ca-verification"
          % (rnd(string.ascii_lowercase + string.digits, 6) + "." + rnd(string.ascii_lowercase + string.digits, 16))),
    env(("BOOTSTRAP_TOKEN", rnd(string.ascii_lowercase + string.digits, 6) + "." +
         rnd(string.ascii_lowercase + string.digits, 16))))
neg("k8s-bootstrap-token",
    args("kubeadm", "join", "10.0.1.20:6443", "--token", "$(cat /etc/kubeadm/token)", "--v=5"),
    args("kubeadm", "token", "list", "--token-ttl", "24h0m0s"),
    env(("DOCS_EXAMPLE", "abcdef.0123456789abcdef")),
    env(("BOOTSTRAP_TOKEN", "")))


def kubeconfig(user):
    return ("apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: %s\n"
            "    server: https://8E1D2C3B.gr7.eu-west-1.eks.amazonaws.com\n  name: prod\ncontexts:\n"
            "- context:\n    cluster: prod\n    user: admin\n  name: prod\ncurrent-context: prod\nusers:\n"
            "- name: admin\n  user:\n%s" % (base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMIIC\n").decode(), user))


pos("kubeconfig-credential",
    configmap("kubeconfig", kubeconfig("    token: %s\n" % mixed(48))),
    secret_string("config", kubeconfig("    client-certificate-data: %s\n    client-key-data: %s\n"
                                       % (base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMIIC\n").decode(),
                                          base64.b64encode(pem("EC PRIVATE KEY", 3).encode()).decode()))),
    configmap("kubeconfig", kubeconfig("    username: admin\n    password: %s\n" % mixed(20))))
neg("kubeconfig-credential",
    configmap("kubeconfig", kubeconfig("    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                                       "      command: aws\n      args: [eks, get-token, --cluster-name, prod]\n")),
    configmap("notes", "token: see the wiki\n"))


def dockercfg(host, user, pw):
    return json.dumps({"auths": {host: {"auth": base64.b64encode(("%s:%s" % (user, pw)).encode()).decode()}}})


pos("registry-credential",
    secret_data(".dockerconfigjson", dockercfg("registry.example.com", "ci", mixed(24)),
                stype="kubernetes.io/dockerconfigjson"),
    secret_data(".dockercfg", json.dumps({"https://index.docker.io/v1/": {
        "auth": base64.b64encode(("bob:" + mixed(18)).encode()).decode(), "email": "bob@example.com"}}),
        stype="kubernetes.io/dockercfg"),
    configmap("config.json", json.dumps({"auths": {"ghcr.io": {"username": "ci-bot", "password": mixed(30)}}})))
neg("registry-credential",
    configmap("config.json", json.dumps({"credHelpers": {"491326785603.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"}})),
    configmap("config.json", json.dumps({"auths": {"registry.example.com": {}}})))

pos("k8s-secret-value",
    secret_data("api-salt", bytes(R.getrandbits(8) for _ in range(32))),
    secret_string("signing-seed", mixed(28)),
    secret_data("db-host-and-port", "db-primary.payments.svc:5432/" + mixed(12)),
    k8s("patch", "secrets", "app", req={"data": {"session-key": base64.b64encode(mixed(32).encode()).decode()}}))
neg("k8s-secret-value",
    secret_data("ca.crt", "-----BEGIN CERTIFICATE-----\nMIIC" + rnd(B64, 60) + "\n-----END CERTIFICATE-----\n"),
    secret_data("namespace", "payments"),
    secret_data("enabled", "true"),
    k8s("get", "secrets", "app"),
    k8s("list", "secrets", "", uri="/api/v1/namespaces/payments/secrets"))

# ---- private keys ----
pos("private-key",
    configmap("id_rsa", pem()),
    secret_data("tls.key", pem("EC PRIVATE KEY", 3), stype="kubernetes.io/tls"),
    env(("SIGNING_KEY", pem("PRIVATE KEY", 8))),
    configmap("deploy_key", pem("OPENSSH PRIVATE KEY", 6)))
neg("private-key",
    configmap("ca.pem", "-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n" % rnd(B64, 64)),
    configmap("id_rsa.pub", "ssh-rsa AAAAB3NzaC1yc2E%s ops@example.com\n" % rnd(B64, 60)),
    configmap("readme", "put the key between -----BEGIN RSA PRIVATE KEY----- and the END line\n"))

pos("age-secret-key",
    env(("SOPS_AGE_KEY", "AGE-SECRET-KEY-1" + rnd("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58))),
    secret_string("keys.txt", "# created: 2026-11-01\n# public key: age1%s\nAGE-SECRET-KEY-1%s\n"
                  % (rnd("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58), rnd("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58))))
neg("age-secret-key",
    env(("SOPS_AGE_RECIPIENTS", "age1" + rnd("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58))),
    env(("NOTE", "AGE-SECRET-KEY-1BIO")))

ppk = ("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ops\nPublic-Lines: 2\n%s\n%s\n"
       "Private-Lines: 1\n%s\nPrivate-MAC: %s\n" % (rnd(B64, 64), rnd(B64, 20), rnd(B64, 44), rnd(HEX, 64)))
pos("putty-private-key", configmap("ops.ppk", ppk))
neg("putty-private-key",
    configmap("readme", "Save it as PuTTY-User-Key-File-3 with puttygen.\n"))

# ---- where secrets are written ----
pos("url-credential",
    env(("DATABASE_URL", "postgres://payments:%s@db-primary.payments.svc:5432/ledger?sslmode=require" % mixed(16))),
    env(("REDIS_URL", "redis://:%s@redis.payments.svc:6379/0" % mixed(20))),
    exec_("sh", "-c", "curl -s https://ci:%s@artifacts.example.com/api/v1/builds" % mixed(14)),
    ct("glue.amazonaws.com", "CreateConnection", {"connectionInput": {"name": "ledger", "connectionProperties": {
        "JDBC_CONNECTION_URL": "jdbc:mysql://etl:%s@ledger.cluster-x.eu-west-1.rds.amazonaws.com:3306/ledger" % mixed(16)}}},
       None))
neg("url-credential",
    env(("DATABASE_URL", "postgres://payments@db-primary.payments.svc:5432/ledger")),
    env(("DATABASE_URL", "postgres://payments:${DB_PASSWORD}@db-primary:5432/ledger")),
    env(("API", "https://api.example.com/v1/status")),
    env(("DSN", "mysql://app:****@db:3306/app")))

bearer = mixed(40, ALNUM + "._-")
pos("http-authorization",
    headers(("Authorization", "Bearer " + bearer)),
    args("curl", "-s", "-H", "Authorization: Basic " + base64.b64encode(("ops:" + mixed(16)).encode()).decode(),
         "https://internal.example.com/api"),
    exec_("curl", "-H", "X-API-Key: " + mixed(32), "https://api.example.com/v2/orders"))
neg("http-authorization",
    args("curl", "-H", "Authorization: Bearer $TOKEN", "https://api.example.com"),
    headers(("Authorization", "")),
    headers(("Authorization", "Bearer ${API_TOKEN}")),
    k8s("get", "pods", "api-7c9d"))

pos("cli-password",
    args("--password", mixed(14) + "!"),
    args("--db-password=" + mixed(16)),
    exec_("sh", "-c", "mysql -uroot -p%s ledger < /tmp/dump.sql" % mixed(12)),
    exec_("sh", "-c", "PGPASSWORD=%s psql -h db -U app ledger" % mixed(12)),
    command("/app/server", "--listen=:8080", "--api-key", mixed(32)))
neg("cli-password",
    args("--password-file=/etc/app/password", "--token-ttl=24h"),
    args("--no-password", "--port", "8080"),
    exec_("sh", "-c", "mysql -uroot -p ledger"),
    args("--password", "--verbose"))

pos("generic-secret",
    env(("API_TOKEN", mixed(32))),
    env(("DB_PASSWORD", mixed(12) + "#")),
    configmap("application.yaml", "spring:\n  datasource:\n    url: jdbc:postgresql://db/ledger\n    password: %s\n"
              % mixed(18)),
    codebuild_env(("SONAR_TOKEN", rnd(HEX, 40) + "q")),
    ct("cloudformation.amazonaws.com", "CreateStack", {"stackName": "ledger", "parameters": [
        {"parameterKey": "DbMasterPassword", "parameterValue": mixed(20)}]}, None),
    ct("elasticache.amazonaws.com", "CreateReplicationGroup", {"replicationGroupId": "sessions",
                                                                "authToken": mixed(32)}, None),
    last_applied({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "payments"},
                  "spec": {"template": {"spec": {"containers": [{"name": "api", "env": [
                      {"name": "CLIENT_SECRET", "value": mixed(30)}]}]}}}}))
neg("generic-secret",
    env(("DB_PASSWORD", "changeme")),
    env(("TOKEN_PATH", "/var/run/secrets/kubernetes.io/serviceaccount/token")),
    env(("SECRET_NAME", "payments-db")),
    env(("API_TOKEN", "aaaaaaaaaaaaaaaaaaaaaaaa")),
    env(("PASSWORD_MIN_LENGTH", "12")),
    env(("AUTH_URL", "https://auth.example.com/oauth2/token")),
    env(("GIT_COMMIT_TOKEN", rnd(HEX, 40))),
    env(("BUILD_TOKEN", audit_id())),
    ct("rds.amazonaws.com", "CreateDBInstance", {"dBInstanceIdentifier": "ledger", "masterUsername": "admin",
                                                 "masterUserPassword": "****"}, None),
    ct("ssm.amazonaws.com", "PutParameter", {"name": "/payments/db/password", "type": "SecureString",
                                             "value": "HIDDEN_DUE_TO_SECURITY_REASONS"}, None),
    ct("signin.amazonaws.com", "ConsoleLogin", None, {"ConsoleLogin": "Failure"}),
    deploy_env(("DB_PASSWORD", "{{ .Values.db.password }}")),
    configmap("images", "api: registry.example.com/api@sha256:%s\n" % rnd(HEX, 64)))

# ---- source hosting, CI, packages ----
pos("github-token",
    env(("GITHUB_TOKEN", "ghp_" + mixed(36))),
    args("--github-token=gho_" + mixed(36)),
    secret_data("token", "github_pat_" + mixed(22) + "_" + mixed(59)),
    exec_("git", "clone", "https://x-access-token:ghs_%s@github.com/acme/payments.git" % mixed(36)))
neg("github-token",
    env(("GITHUB_TOKEN", "ghp_" + "x" * 36)),
    env(("DOCS_EXAMPLE", "ghp_" + mixed(20))),
    env(("REPO", "github.com/acme/ghp_tools")))

pos("gitlab-token",
    env(("GITLAB_TOKEN", "glpat-" + mixed(20, ALNUM + "_-"))),
    args("register", "--token", "glrt-" + mixed(20)),
    env(("TRIGGER", "glptt-" + rnd(HEX, 40))))
neg("gitlab-token",
    env(("GITLAB_TOKEN", "glpat-" + "X" * 20)),
    env(("DOCS_EXAMPLE", "glpat-" + mixed(10))),
    env(("NOTE", "glpat-xxxxxxxxxxxxxxxxxxxx")))

pos("atlassian-token",
    env(("JIRA_API_TOKEN", "ATATT3" + mixed(186, ALNUM + "_-="))),
    env(("CONFLUENCE_API_TOKEN", mixed(24))))
neg("atlassian-token",
    env(("JIRA_URL", "https://acme.atlassian.net")),
    env(("JIRA_API_TOKEN", "ATATT3short")))

pos("npm-token",
    env(("NPM_TOKEN", "npm_" + mixed(36))),
    configmap(".npmrc", "//registry.npmjs.org/:_authToken=npm_%s\n" % mixed(36)))
neg("npm-token",
    env(("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/")),
    env(("NPM_TOKEN", "npm_" + "0" * 36)),
    env(("DOCS_EXAMPLE", "npm_" + mixed(20))))

pos("pypi-token",
    env(("TWINE_PASSWORD", "pypi-AgEIcHlwaS5vcmc" + mixed(70, ALNUM + "_-"))))
neg("pypi-token",
    env(("TWINE_REPOSITORY_URL", "https://upload.pypi.org/legacy/")),
    env(("NOTE", "pypi-AgEIcHlwaS5vcmcshort")))

pos("dockerhub-token",
    env(("DOCKERHUB_TOKEN", "dckr_pat_" + mixed(27, ALNUM + "_-"))),
    exec_("sh", "-c", "echo dckr_oat_%s | docker login -u acme --password-stdin" % mixed(32)))
neg("dockerhub-token",
    env(("DOCKERHUB_USER", "acme")),
    env(("DOCKERHUB_TOKEN", "dckr_pat_short")))

pos("jfrog-token",
    env(("ARTIFACTORY_API_KEY", "AKCp" + mixed(69))),
    env(("JFROG_ACCESS_TOKEN", "cmVmd" + mixed(59))))
neg("jfrog-token",
    env(("ARTIFACTORY_URL", "https://acme.jfrog.io/artifactory")),
    env(("NOTE", "AKCp" + mixed(20))))

# ---- messaging ----
pos("slack-token",
    env(("SLACK_BOT_TOKEN", "xoxb-%s-%s-%s" % (rnd(string.digits, 12), rnd(string.digits, 13), mixed(24)))),
    configmap("alerts.yaml", "slack:\n  token: xoxp-%s-%s-%s-%s\n" % (rnd(string.digits, 11), rnd(string.digits, 11),
                                                                     rnd(string.digits, 13), rnd(HEX, 32))),
    env(("SLACK_APP_TOKEN", "xapp-1-A%s-%s-%s" % (rnd(string.ascii_uppercase + string.digits, 10),
                                                  rnd(string.digits, 13), rnd(HEX, 64)))))
neg("slack-token",
    env(("SLACK_CHANNEL", "#payments-alerts")),
    env(("SLACK_BOT_TOKEN", "xoxb-")))

pos("chat-webhook",
    env(("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T%s/B%s/%s" % (
        rnd(string.ascii_uppercase + string.digits, 8), rnd(string.ascii_uppercase + string.digits, 10), mixed(24)))),
    configmap("alertmanager.yml", "receivers:\n- name: teams\n  msteams_configs:\n  - webhook_url: "
              "https://acme.webhook.office.com/webhookb2/%s@%s/IncomingWebhook/%s/%s\n"
              % (audit_id(), audit_id(), rnd(HEX, 32), audit_id())),
    env(("DISCORD_WEBHOOK", "https://discord.com/api/webhooks/%s/%s" % (rnd(string.digits, 19),
                                                                          mixed(68, ALNUM + "_-")))))
neg("chat-webhook",
    env(("SLACK_WEBHOOK_URL", "https://hooks.slack.com/")),
    env(("DOCS", "https://api.slack.com/messaging/webhooks")))

pos("chat-bot-token",
    env(("TELEGRAM_BOT_TOKEN", "%s:AA%s" % (rnd(string.digits, 10), mixed(33, ALNUM + "_-")))),
    configmap("notify.sh", "curl -s https://api.telegram.org/bot%s:AA%s/sendMessage -d chat_id=42\n"
              % (rnd(string.digits, 10), mixed(33, ALNUM + "_-"))),
    env(("DISCORD_BOT_TOKEN", "M%s.%s.%s" % (mixed(25), mixed(6, ALNUM + "_-"), mixed(38, ALNUM + "_-")))))
neg("chat-bot-token",
    env(("TELEGRAM_CHAT_ID", "-1001234567890")),
    env(("DISCORD_GUILD", "1234567890")))

pos("twilio-api-key",
    env(("TWILIO_API_KEY", "SK" + rnd(HEX, 32))))
neg("twilio-api-key",
    env(("TWILIO_ACCOUNT_SID", "AC" + rnd(HEX, 32))),
    env(("TWILIO_REGION", "ie1")))

pos("mail-api-key",
    env(("SENDGRID_API_KEY", "SG.%s.%s" % (mixed(22, ALNUM + "_-"), mixed(43, ALNUM + "_-")))),
    env(("MAILGUN_API_KEY", "key-" + rnd(HEX, 32))),
    env(("MAILCHIMP_API_KEY", rnd(HEX, 32) + "-us12")))
neg("mail-api-key",
    env(("MAILGUN_DOMAIN", "mg.example.com")),
    env(("NOTE", "SG.short.value")))

# ---- payments ----
pos("stripe-key",
    env(("STRIPE_SECRET_KEY", "sk_live_" + mixed(24))),
    secret_string("stripe", "rk_test_" + mixed(30)))
neg("stripe-key",
    env(("STRIPE_PUBLISHABLE_KEY", "pk_live_" + mixed(24))),
    env(("NOTE", "sk_live_")))

pos("commerce-token",
    env(("SHOPIFY_ACCESS_TOKEN", "shpat_" + rnd(HEX, 32))),
    env(("SQUARE_ACCESS_TOKEN", "EAAA" + mixed(60, ALNUM + "_-"))),
    env(("SQUARE_TOKEN", "sq0atp-" + mixed(22, ALNUM + "_-"))))
neg("commerce-token",
    env(("SHOPIFY_SHOP", "acme.myshopify.com")),
    env(("BLOB", "EAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")))

# ---- AI ----
pos("openai-key",
    env(("OPENAI_API_KEY", "sk-proj-" + mixed(74, ALNUM + "_-") + "T3BlbkFJ" + mixed(74, ALNUM + "_-"))),
    env(("OPENAI_KEY", "sk-" + mixed(20) + "T3BlbkFJ" + mixed(20))))
neg("openai-key",
    env(("OPENAI_BASE_URL", "https://api.openai.com/v1")),
    env(("NOTE", "sk-proj-short")))

pos("anthropic-key",
    env(("ANTHROPIC_API_KEY", "sk-ant-api03-" + mixed(93, ALNUM + "_-") + "AA")))
neg("anthropic-key",
    env(("ANTHROPIC_MODEL", "claude-sonnet")),
    env(("NOTE", "sk-ant-api03-short")))

pos("huggingface-token",
    env(("HF_TOKEN", "hf_" + rnd(string.ascii_letters, 34))))
neg("huggingface-token",
    env(("HF_HOME", "/cache/hf_home")),
    env(("HF_TOKEN", "hf_" + "x" * 34)),
    env(("DOCS_EXAMPLE", "hf_" + rnd(string.ascii_letters, 20))))

# ---- observability and SaaS ----
pos("observability-token",
    env(("NEW_RELIC_API_KEY", "NRAK-" + rnd(string.ascii_uppercase + string.digits, 27))),
    env(("GRAFANA_SA_TOKEN", "glsa_" + mixed(32) + "_" + rnd(HEX, 8))),
    env(("DD_API_KEY", rnd(HEX, 32))),
    env(("SENTRY_AUTH_TOKEN", "sntryu_" + rnd(HEX, 64))))
neg("observability-token",
    env(("DD_SITE", "datadoghq.eu")),
    env(("NEW_RELIC_API_KEY", "NRAK-SHORT")))

pos("saas-token",
    env(("POSTMAN_API_KEY", "PMAK-%s-%s" % (rnd(HEX, 24), rnd(HEX, 34)))),
    env(("LINEAR_API_KEY", "lin_api_" + mixed(40))),
    env(("DOPPLER_TOKEN", "dp.pt." + mixed(43))),
    env(("PULUMI_ACCESS_TOKEN", "pul-" + rnd(HEX, 40))),
    env(("DT_API_TOKEN", "dt0c01.%s.%s" % (rnd(string.ascii_uppercase + string.digits, 24),
                                           rnd(string.ascii_uppercase + string.digits, 64)))))
neg("saas-token",
    env(("POSTMAN_COLLECTION", "PMAK-tutorial")),
    env(("PULUMI_BACKEND_URL", "s3://pulumi-state")))

# written encoded under a name that says secret: judged decoded
pos("github-token", env(("GITHUB_TOKEN_B64", base64.b64encode(("ghp_" + mixed(36)).encode()).decode())))
pos("generic-secret", env(("DB_PASSWORD_BASE64", base64.b64encode(mixed(18).encode()).decode())))
neg("generic-secret", env(("TLS_CERT_B64", base64.b64encode(b"-----BEGIN CERTIFICATE-----\nMIIC").decode())))


def write(path, recs):
    with open(path, "w") as f:
        for r in recs:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


for t, recs in POS.items():
    write(os.path.join(HERE, t + ".pos.jsonl"), recs)
for t, recs in NEG.items():
    write(os.path.join(HERE, t + ".neg.jsonl"), recs)
print("%d types, %d positive and %d negative records" % (
    len(POS), sum(len(v) for v in POS.values()), sum(len(v) for v in NEG.values())))
