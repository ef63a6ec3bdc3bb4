#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the inputs of secret-scan's golden CLI cases (tests/cli/secret-scan).

incident.jsonl   an EKS incident: secrets in pod env and args, a Secret
                 written and read back (two stages of one request each),
                 a Helm release, a docker config, a kubectl exec with a
                 password and a bearer token, a TokenRequest, identities
                 with access key ids everywhere
cloudtrail.json.gz  CloudTrail S3 object: an ECS task definition with env,
                 AssumeRole with its session token, CreateAccessKey (an id
                 only), a CodeBuild project, an RDS password masked
lookup.json      `aws cloudtrail lookup-events` output: the record inside a
                 string
bad.jsonl        a record cut short between two with secrets
deep.jsonl       JSON inside a string inside a string ... past the depth cap
slow.jsonl       a value that makes slow.secrets' regex backtrack past the
                 match limit
case.tar.gz      incident.jsonl and cloudtrail.json.gz in an archive

    python3 tests/secrets/cli/make-inputs.py
"""
import base64
import gzip
import io
import json
import os
import random
import string
import tarfile
import urllib.parse

R = random.Random(31)
HERE = os.path.dirname(os.path.abspath(__file__))
ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def rnd(a, n):
    return "".join(R.choice(a) for _ in range(n))


def mixed(n, a=ALNUM):
    while True:
        s = rnd(a, n)
        if any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s):
            return s


def kid(p="AKIA"):
    return p + rnd(B32, 16)


def uid():
    return "%08x-%04x-4%03x-8%03x-%012x" % (R.getrandbits(32), R.getrandbits(16), R.getrandbits(12),
                                          R.getrandbits(12), R.getrandbits(48))


ALICE = {"username": "arn:aws:sts::491326785603:assumed-role/Developer/alice",
         "uid": "aws-iam-authenticator:491326785603:AROAXG3N7K2MP3SSODEVA",
         "groups": ["developers", "system:authenticated"],
         "extra": {"accessKeyId": [kid("ASIA")], "arn": ["arn:aws:sts::491326785603:assumed-role/Developer/alice"],
                   "principalId": ["AROAXG3N7K2MP3SSODEVA"], "sessionName": ["alice"]}}
MALLORY = {"username": "system:serviceaccount:payments:ci-runner", "uid": uid(),
           "groups": ["system:serviceaccounts", "system:serviceaccounts:payments", "system:authenticated"],
           "extra": {"authentication.kubernetes.io/credential-id": ["JTI=" + uid()],
                     "authentication.kubernetes.io/pod-name": ["ci-runner-5d8f7"]}}


def k8s(t, user, verb, resource, name, stage="ResponseComplete", ns="payments", sub=None, uri=None, req=None,
        resp=None, code=None, aid=None, ip="52.48.9.211"):
    ref = {"resource": resource, "namespace": ns, "name": name, "apiVersion": "v1"}
    if sub:
        ref["subresource"] = sub
    e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1",
         "level": "RequestResponse" if resp is not None else "Request" if req is not None else "Metadata",
         "auditID": aid or uid(), "stage": stage,
         "requestURI": uri or "/api/v1/namespaces/%s/%s%s" % (ns, resource, "" if verb == "create" else "/" + name),
         "verb": verb, "user": user, "sourceIPs": [ip], "userAgent": "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350",
         "objectRef": ref}
    if stage != "RequestReceived":
        e["responseStatus"] = {"metadata": {}, "code": code or (201 if verb == "create" else 200)}
    if req is not None:
        e["requestObject"] = req
    if resp is not None and stage != "RequestReceived":
        e["responseObject"] = resp
    e["requestReceivedTimestamp"] = "2026-11-20T10:%s.000000Z" % t
    e["stageTimestamp"] = "2026-11-20T10:%s.%06dZ" % (t, 0 if stage == "RequestReceived" else 84213)
    e["annotations"] = {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": "RBAC: allowed"}
    return e


def b64(s):
    return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


gh = "ghp_" + mixed(36)
dbpw = mixed(14) + "!"
stripe = "sk_live_" + mixed(24)
recs = []
# 1. a deployment with secrets in env and args, applied with kubectl
dep = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "ledger", "namespace": "payments"},
       "spec": {"template": {"spec": {"containers": [{"name": "ledger", "image": "registry.example.com/ledger:2.4",
                                                       "args": ["--listen=:8080", "--db-password", dbpw],
                                                       "env": [{"name": "GITHUB_TOKEN", "value": gh},
                                                               {"name": "LOG_LEVEL", "value": "info"},
                                                               {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {
                                                                   "name": "ledger-db", "key": "password"}}}]}]}}}}
applied = json.loads(json.dumps(dep))
applied["metadata"]["annotations"] = {"kubectl.kubernetes.io/last-applied-configuration": json.dumps(dep) + "\n"}
e = k8s("01:10", ALICE, "create", "deployments", "", req=applied, uri="/apis/apps/v1/namespaces/payments/deployments")
e["objectRef"]["apiGroup"] = "apps"
del e["objectRef"]["name"]
recs.append(e)
# 2. a Secret written: RequestReceived and ResponseComplete of one request
aid = uid()
sec = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "ledger-db", "namespace": "payments"}, "type": "Opaque",
       "data": {"password": b64(dbpw), "stripe-key": b64(stripe), "username": b64("ledger")}}
recs.append(k8s("02:00", ALICE, "create", "secrets", "", stage="RequestReceived", req=sec, aid=aid))
recs.append(k8s("02:00", ALICE, "create", "secrets", "", req=sec, resp=dict(sec, metadata=dict(sec["metadata"], uid=uid())),
                aid=aid))
# 3. the same Secret read back by the CI runner's service account
recs.append(k8s("05:30", MALLORY, "get", "secrets", "ledger-db", req=None, resp=sec, ip="10.0.41.7"))
# 4. a docker config and a Helm release
dcj = json.dumps({"auths": {"registry.example.com": {"auth": b64("ci:" + mixed(20))}}})
recs.append(k8s("06:00", ALICE, "create", "secrets", "", req={"apiVersion": "v1", "kind": "Secret", "type":
                                                                 "kubernetes.io/dockerconfigjson", "metadata": {"name": "regcred"},
                                                                 "data": {".dockerconfigjson": b64(dcj)}}))
rel = b64(gzip.compress(json.dumps({"name": "ledger", "config": {"postgresql": {"auth": {
    "password": mixed(16)}}}}).encode(), mtime=0))
recs.append(k8s("06:30", ALICE, "update", "secrets", "sh.helm.release.v1.ledger.v3",
                req={"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
                     "metadata": {"name": "sh.helm.release.v1.ledger.v3"}, "data": {"release": b64(rel)}}))
# 5. kubectl exec with a password and a bearer token
cmd = ["sh", "-c", "mysql -uroot -p%s ledger -e 'select 1'; curl -s -H 'Authorization: Bearer %s' "
       "http://ledger.payments.svc:8080/admin" % (mixed(12), mixed(40, ALNUM + "._-"))]
q = "&".join("command=" + urllib.parse.quote(a, safe="") for a in cmd)
recs.append(k8s("07:45", MALLORY, "create", "pods", "ledger-7c9d4", sub="exec", code=101, ip="10.0.41.7",
                uri="/api/v1/namespaces/payments/pods/ledger-7c9d4/exec?%s&container=ledger&stdin=true&stdout=true" % q))
# 6. a TokenRequest: the minted token in the response
hdr = base64.urlsafe_b64encode(b'{"alg":"RS256","kid":"k8s-2026"}').decode().rstrip("=")
pl = base64.urlsafe_b64encode(json.dumps({"aud": ["https://kubernetes.default.svc"], "exp": 1795000000,
                                          "iat": 1794996400,
                                          "iss": "https://oidc.eks.eu-west-1.amazonaws.com/id/8E1D2C3B",
                                          "kubernetes.io": {"namespace": "kube-system",
                                                            "serviceaccount": {"name": "clusterrole-aggregator"}},
                                          "sub": "system:serviceaccount:kube-system:clusterrole-aggregator"}).encode()
                              ).decode().rstrip("=")
tok = hdr + "." + pl + "." + rnd(ALNUM + "-_", 342)
recs.append(k8s("08:02", MALLORY, "create", "serviceaccounts", "clusterrole-aggregator", ns="kube-system", sub="token",
                ip="10.0.41.7", uri="/api/v1/namespaces/kube-system/serviceaccounts/clusterrole-aggregator/token",
                req={"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1", "spec": {"expirationSeconds": 3600}},
                resp={"kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
                      "spec": {"expirationSeconds": 3600}, "status": {"token": tok,
                                                                    "expirationTimestamp": "2026-11-20T11:08:02Z"}}))
# 7. nothing: a Metadata-level secret list, a pod list by alice (her key id everywhere)
recs.append(k8s("09:00", ALICE, "list", "secrets", "", uri="/api/v1/namespaces/payments/secrets"))
recs.append(k8s("09:01", ALICE, "list", "pods", "", uri="/api/v1/namespaces/payments/pods?limit=500"))


def write_jsonl(name, rs):
    with open(os.path.join(HERE, name), "w") as f:
        for r in rs:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")


write_jsonl("incident.jsonl", recs)


def ct(t, source, name, req, resp, key=None):
    return {"eventVersion": "1.09",
            "userIdentity": {"type": "IAMUser", "principalId": "AIDAXG3N7K2MP3SSOCIUS",
                             "arn": "arn:aws:iam::491326785603:user/ci-deployer", "accountId": "491326785603",
                             "accessKeyId": key or kid(), "userName": "ci-deployer"},
            "eventTime": "2026-11-20T10:%sZ" % t, "eventSource": source, "eventName": name, "awsRegion": "eu-west-1",
            "sourceIPAddress": "203.0.113.77", "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.1",
            "requestParameters": req, "responseElements": resp, "requestID": uid(), "eventID": uid(),
            "readOnly": False, "eventType": "AwsApiCall", "managementEvent": True,
            "recipientAccountId": "491326785603", "eventCategory": "Management"}


deployer = kid()
ctrecs = [
    ct("03:00", "ecs.amazonaws.com", "RegisterTaskDefinition",
       {"family": "ledger-worker", "containerDefinitions": [{"name": "worker", "image": "ledger:2.4", "environment": [
           {"name": "AWS_ACCESS_KEY_ID", "value": kid()}, {"name": "AWS_SECRET_ACCESS_KEY", "value": mixed(40, B64)},
           {"name": "SLACK_WEBHOOK", "value": "https://hooks.slack.com/services/T%s/B%s/%s" % (
               rnd(string.ascii_uppercase + string.digits, 8), rnd(string.ascii_uppercase + string.digits, 10),
               mixed(24))}]}]}, {"taskDefinition": {"family": "ledger-worker", "revision": 12}}, deployer),
    ct("04:10", "sts.amazonaws.com", "AssumeRole", {"roleArn": "arn:aws:iam::491326785603:role/LedgerDeploy",
                                                    "roleSessionName": "ci", "durationSeconds": 3600},
       {"credentials": {"accessKeyId": kid("ASIA"), "sessionToken": "IQoJb3JpZ2luX2VjE" + rnd(B64, 360),
                        "expiration": "Nov 20, 2026, 11:04:10 AM"},
        "assumedRoleUser": {"assumedRoleId": "AROAXG3N7K2MP3SSOLDEP:ci",
                            "arn": "arn:aws:sts::491326785603:assumed-role/LedgerDeploy/ci"}}, deployer),
    ct("04:30", "iam.amazonaws.com", "CreateAccessKey", {"userName": "backup"},
       {"accessKey": {"userName": "backup", "accessKeyId": kid(), "status": "Active",
                      "createDate": "Nov 20, 2026 10:04:30 AM"}}, deployer),
    ct("05:00", "codebuild.amazonaws.com", "CreateProject",
       {"name": "ledger-build", "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0",
                                                "environmentVariables": [
                                                    {"name": "NPM_TOKEN", "value": "npm_" + mixed(36), "type": "PLAINTEXT"},
                                                    {"name": "DB_PASSWORD", "value": "/ledger/db", "type": "PARAMETER_STORE"}]}},
       None, deployer),
    ct("05:40", "rds.amazonaws.com", "ModifyDBInstance", {"dBInstanceIdentifier": "ledger", "masterUserPassword": "****",
                                                          "applyImmediately": True}, None, deployer),
]
buf = io.BytesIO()
with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as g:
    g.write(json.dumps({"Records": ctrecs}, separators=(",", ":")).encode())
open(os.path.join(HERE, "cloudtrail.json.gz"), "wb").write(buf.getvalue())

# aws cloudtrail lookup-events: each record as an escaped string
inner = ct("06:15", "codebuild.amazonaws.com", "StartBuild",
           {"projectName": "ledger-build", "environmentVariablesOverride": [
               {"name": "GITLAB_TOKEN", "value": "glpat-" + mixed(20), "type": "PLAINTEXT"}]}, None, deployer)
look = {"Events": [{"EventId": inner["eventID"], "EventName": "StartBuild", "ReadOnly": "false",
                    "AccessKeyId": deployer, "EventTime": "2026-11-20T10:06:15+00:00",
                    "EventSource": "codebuild.amazonaws.com", "Username": "ci-deployer",
                    "Resources": [], "CloudTrailEvent": json.dumps(inner, separators=(",", ":"))}]}
open(os.path.join(HERE, "lookup.json"), "w").write(json.dumps(look, indent=4) + "\n")

# a record cut short between two records holding secrets
b1 = k8s("10:00", ALICE, "create", "pods", "", req={"kind": "Pod", "spec": {"containers": [{"name": "x", "env": [
    {"name": "STRIPE_KEY", "value": "sk_live_" + mixed(24)}]}]}})
b2 = k8s("10:05", ALICE, "create", "pods", "", req={"kind": "Pod", "spec": {"containers": [{"name": "x", "env": [
    {"name": "HF_TOKEN", "value": "hf_" + rnd(string.ascii_letters, 34)}]}]}})
with open(os.path.join(HERE, "bad.jsonl"), "w") as f:
    f.write(json.dumps(b1, separators=(",", ":")) + "\n")
    f.write(json.dumps(b1, separators=(",", ":"))[:300] + "\n")
    f.write(json.dumps(b2, separators=(",", ":")) + "\n")

# JSON in a string in a string ... seven deep, a token at the bottom
v = {"token": "ghp_" + mixed(36)}
for i in range(7):
    v = {"level%d" % i: json.dumps(v)}
write_jsonl("deep.jsonl", [k8s("11:00", ALICE, "create", "configmaps", "", req={"kind": "ConfigMap", "data": v})])

# a value that backtracks: slow.secrets has (?:a|aa)+$, keyword aaaa
write_jsonl("slow.jsonl", [k8s("12:00", ALICE, "create", "configmaps", "", req={"kind": "ConfigMap", "data": {
    "x": "a" * 4000 + "c"}})])

# an archive of the incident
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.USTAR_FORMAT) as tf:
    for name in ("incident.jsonl", "cloudtrail.json.gz"):
        data = open(os.path.join(HERE, name), "rb").read()
        ti = tarfile.TarInfo("case-4711/" + name)
        ti.size = len(data)
        ti.mtime = 1795000000
        ti.uname = ti.gname = "ir"
        tf.addfile(ti, io.BytesIO(data))
data = buf.getvalue()
# the gzip header's time: fixed, so the archive is the same every time
data = data[:4] + b"\0\0\0\0" + data[8:]
open(os.path.join(HERE, "case.tar.gz"), "wb").write(data)
print("written")
