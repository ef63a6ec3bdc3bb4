#!/usr/bin/env python3
# Writes the CON318 fixture under tests/rbac/con318/ (synthetic, made for
# these tests): an EKS audit log exported from CloudWatch Logs to S3 and the
# CloudTrail objects of the same hour in their S3 layout.  Accounts, keys
# and addresses are documentation values.  Run from anywhere; deterministic.
import gzip, io, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "con318")
ACCT = "111122223333"
CLUSTER = "payments-prod"
KEY_USER = "AKIAIOSFODNN7JENKINS"      # jenkins-deployer's long-term key
KEY_CI = "ASIAQNZGKIQY2CIPIPE1"        # ci-pipeline role session
KEY_ADMIN = "ASIAQNZGKIQY7EKSADM1"     # eks-admin role session (the attacker's)
KEY_IR = "ASIAQNZGKIQY9RESPOND"        # responder, minted outside these logs
KEY_NODE = "ASIAQNZGKIQY4NODE001"      # node instance role (EC2 service)
ATTACKER_IP = "203.0.113.45"
ANON_IP = "192.0.2.77"
CI_IP = "198.51.100.23"

def ts(hms, frac="000000"):
    return "2026-11-03T%s.%sZ" % (hms, frac)

def eks_user(role, session, key, uid_suffix):
    return {
        "username": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCT, role, session),
        "uid": "aws-iam-authenticator:%s:%s" % (ACCT, uid_suffix),
        "groups": ["system:authenticated"],
        "extra": {
            "accessKeyId": [key],
            "arn": ["arn:aws:sts::%s:assumed-role/%s/%s" % (ACCT, role, session)],
            "canonicalArn": ["arn:aws:iam::%s:role/%s" % (ACCT, role)],
            "principalId": [uid_suffix],
            "sessionName": [session],
        },
    }

ADMIN = eks_user("eks-admin", "jenkins", KEY_ADMIN, "AROAQNZGKIQYEKSADMIN")
CI = eks_user("ci-pipeline", "build-4711", KEY_CI, "AROAQNZGKIQYCIPIPELN")
IR = eks_user("IR-Responder", "alice", KEY_IR, "AROAQNZGKIQYRESPONDR")
CREATOR = {"username": "kubernetes-admin", "uid": "aws-iam-authenticator:%s:AIDAQNZGKIQYCREATOR1" % ACCT,
           "groups": ["system:masters", "system:authenticated"],
           "extra": {"accessKeyId": ["AKIAIOSFODNN7CREATOR"], "arn": ["arn:aws:iam::%s:user/platform-admin" % ACCT],
                     "canonicalArn": ["arn:aws:iam::%s:user/platform-admin" % ACCT], "sessionName": [""]}}
ANON = {"username": "system:anonymous", "groups": ["system:unauthenticated"]}
SA = {"username": "system:serviceaccount:default:ci-bot", "uid": "6c1f6a4e-2b7d-4f3e-9a51-0d8e2c4b7a19",
      "groups": ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]}

KUBECTL = "kubectl/v1.30.2 (linux/amd64) kubernetes/3968350"
n = 0
def ev(t, user, verb, uri, obj, code, ip, ua=KUBECTL, req=None, resp=None, level="RequestResponse", reason=""):
    global n
    n += 1
    e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level,
         "auditID": "0c318000-0000-4000-8000-%012d" % n, "stage": "ResponseComplete",
         "requestURI": uri, "verb": verb, "user": user, "sourceIPs": [ip], "userAgent": ua,
         "objectRef": obj, "responseStatus": {"metadata": {}, "code": code}}
    if code == 403:
        e["responseStatus"].update({"status": "Failure", "reason": "Forbidden",
                                    "message": "forbidden: %s" % reason})
    elif code >= 400:
        e["responseStatus"].update({"status": "Failure", "reason": {409: "Conflict", 422: "Invalid"}.get(code, "BadRequest"),
                                    "message": reason})
    if req is not None:
        e["requestObject"] = req
    if resp is not None:
        e["responseObject"] = resp
    e["requestReceivedTimestamp"] = ts(t, "101000")
    e["stageTimestamp"] = ts(t, "204000")
    e["annotations"] = {"authorization.k8s.io/decision": "allow" if code < 400 else "forbid",
                        "authorization.k8s.io/reason": reason}
    return e

RBAC = "rbac.authorization.k8s.io"
def obj(res, name=None, ns=None, group=RBAC):
    o = {"resource": res, "apiVersion": "v1"}
    if group:
        o["apiGroup"] = group
    if ns:
        o["namespace"] = ns
    if name:
        o["name"] = name
    return o

CRB = {"kind": "ClusterRoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
       "metadata": {"name": "cluster-system-anonymous"},
       "subjects": [{"kind": "User", "apiGroup": RBAC, "name": "system:anonymous"}],
       "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": "cluster-admin"}}
CRB_STORED = json.loads(json.dumps(CRB))
CRB_STORED["metadata"].update({"uid": "e1b2c3d4-0318-4a5b-9c6d-7e8f9a0b1c2d", "resourceVersion": "771203",
                               "creationTimestamp": "2026-11-03T10:03:41Z"})

ROLE = {"kind": "Role", "apiVersion": "rbac.authorization.k8s.io/v1",
        "metadata": {"name": "ci-deployer", "namespace": "default"},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]},
                  {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list", "create", "update", "patch", "delete"]}]}
RB = {"kind": "RoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1",
      "metadata": {"name": "ci-bot", "namespace": "default"},
      "subjects": [{"kind": "ServiceAccount", "name": "ci-bot", "namespace": "default"}],
      "roleRef": {"apiGroup": RBAC, "kind": "Role", "name": "ci-deployer"}}

MAPROLES_0 = """- rolearn: arn:aws:iam::111122223333:role/payments-prod-node-role
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
"""
MAPROLES_1 = MAPROLES_0 + """- rolearn: arn:aws:iam::111122223333:role/eks-admin
  username: eks-admin:{{SessionName}}
  groups: ["system:masters"]   # break-glass
"""
def cm(maproles):
    return {"kind": "ConfigMap", "apiVersion": "v1",
            "metadata": {"name": "aws-auth", "namespace": "kube-system", "uid": "5f0e2a9c-1d3b-4e6f-8a7c-9b0d1e2f3a4b"},
            "data": {"mapRoles": maproles, "mapUsers": "[]\n"}}

A = "RBAC: allowed by ClusterRoleBinding \"cluster-system-anonymous\" of ClusterRole \"cluster-admin\" to User \"system:anonymous\""
events = [
    ev("09:40:02", CREATOR, "update", "/api/v1/namespaces/kube-system/configmaps/aws-auth",
       obj("configmaps", "aws-auth", "kube-system", None), 200, "198.51.100.10",
       req=cm(MAPROLES_0), resp=cm(MAPROLES_0)),
    ev("09:45:10", CREATOR, "create", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles",
       obj("roles", "ci-deployer", "default"), 201, "198.51.100.10", req=ROLE, resp=ROLE),
    ev("09:45:11", CREATOR, "create", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings",
       obj("rolebindings", "ci-bot", "default"), 201, "198.51.100.10", req=RB, resp=RB),
    ev("09:50:00", ANON, "list", "/api/v1/secrets", obj("secrets", group=None), 403, ANON_IP, ua="curl/8.5.0",
       level="Metadata", reason="secrets is forbidden: User \"system:anonymous\" cannot list resource \"secrets\""),
    ev("09:55:30", SA, "list", "/api/v1/namespaces/default/pods", obj("pods", ns="default", group=None), 200,
       "10.0.12.31", ua="ci-bot/1.0", level="Request", reason="RBAC: allowed by RoleBinding \"ci-bot/default\" of Role \"ci-deployer\" to ServiceAccount \"ci-bot/default\""),
    ev("09:55:31", SA, "patch", "/apis/apps/v1/namespaces/default/deployments/web", obj("deployments", "web", "default", "apps"),
       200, "10.0.12.31", ua="ci-bot/1.0", req={"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "web:4711"}]}}}}),
    ev("09:55:32", SA, "get", "/api/v1/namespaces/default/secrets/web-tls", obj("secrets", "web-tls", "default", None), 403,
       "10.0.12.31", ua="ci-bot/1.0", level="Metadata", reason="secrets \"web-tls\" is forbidden"),
    ev("10:02:05", ADMIN, "list", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", obj("clusterrolebindings"),
       200, ATTACKER_IP, level="Request"),
    ev("10:03:10", CI, "create", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
       obj("clusterrolebindings", "cluster-system-anonymous"), 403, CI_IP, req=CRB,
       reason="clusterrolebindings.rbac.authorization.k8s.io is forbidden"),
    ev("10:03:41", ADMIN, "create", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
       obj("clusterrolebindings", "cluster-system-anonymous"), 201, ATTACKER_IP, req=CRB, resp=CRB_STORED),
    ev("10:05:10", ANON, "list", "/api/v1/secrets", obj("secrets", group=None), 200, ANON_IP, ua="curl/8.5.0",
       level="Metadata", reason=A),
    ev("10:06:30", ANON, "get", "/api/v1/namespaces/kube-system/secrets/aws-creds",
       obj("secrets", "aws-creds", "kube-system", None), 200, ANON_IP, ua="curl/8.5.0", level="Metadata", reason=A),
    ev("10:07:02", ANON, "create", "/api/v1/namespaces/default/serviceaccounts/default/token",
       dict(obj("serviceaccounts", "default", "default", None), subresource="token"), 201, ANON_IP, ua="curl/8.5.0",
       level="Metadata", reason=A),
    ev("10:12:30", ADMIN, "patch", "/api/v1/namespaces/kube-system/configmaps/aws-auth",
       obj("configmaps", "aws-auth", "kube-system", None), 200, ATTACKER_IP,
       req={"data": {"mapRoles": MAPROLES_1}}, resp=cm(MAPROLES_1)),
    # Level Request: the patch body is logged, the stored object is not.
    ev("10:14:00", ADMIN, "patch", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles/ci-deployer",
       obj("roles", "ci-deployer", "default"), 200, ATTACKER_IP, level="Request",
       req=[{"op": "add", "path": "/rules/-", "value": {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}}]),
    ev("10:41:55", IR, "delete", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/cluster-system-anonymous",
       obj("clusterrolebindings", "cluster-system-anonymous"), 200, "198.51.100.200",
       req={"kind": "DeleteOptions", "apiVersion": "v1"},
       resp={"kind": "Status", "apiVersion": "v1", "status": "Success"}),
    ev("10:43:12", ANON, "list", "/api/v1/secrets", obj("secrets", group=None), 403, ANON_IP, ua="curl/8.5.0",
       level="Metadata", reason="secrets is forbidden: User \"system:anonymous\" cannot list resource \"secrets\""),
]

def ct(t, name, src, ui, ip, ua, rp, re=None, eid=None):
    global n
    n += 1
    r = {"eventVersion": "1.09", "userIdentity": ui, "eventTime": "2026-11-03T%sZ" % t, "eventSource": src,
         "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": ip, "userAgent": ua,
         "requestParameters": rp, "responseElements": re, "requestID": "c318%08d-aaaa-4bbb-8ccc-000000000000" % n,
         "eventID": "c318%08d-eeee-4fff-8000-000000000000" % n, "readOnly": False, "eventType": "AwsApiCall",
         "managementEvent": True, "recipientAccountId": ACCT, "eventCategory": "Management"}
    return r

def creds(key, role, session):
    return {"credentials": {"accessKeyId": key, "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLE", "expiration": "Nov 3, 2026, 11:00:00 AM"},
            "assumedRoleUser": {"assumedRoleId": "AROAQNZGKIQYEXAMPLE:%s" % session,
                                "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCT, role, session)}}

def role_ui(role, session, key, pid):
    return {"type": "AssumedRole", "principalId": "%s:%s" % (pid, session),
            "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCT, role, session), "accountId": ACCT, "accessKeyId": key,
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": pid,
                                                 "arn": "arn:aws:iam::%s:role/%s" % (ACCT, role), "accountId": ACCT, "userName": role},
                               "attributes": {"creationDate": "2026-11-03T09:58:12Z", "mfaAuthenticated": "false"}}}

USER_UI = {"type": "IAMUser", "principalId": "AIDAQNZGKIQYJENKINS1", "arn": "arn:aws:iam::%s:user/jenkins-deployer" % ACCT,
           "accountId": ACCT, "accessKeyId": KEY_USER, "userName": "jenkins-deployer"}
records = [
    ct("09:30:00", "AssumeRole", "sts.amazonaws.com", {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"},
       "ec2.amazonaws.com", "ec2.amazonaws.com",
       {"roleArn": "arn:aws:iam::%s:role/payments-prod-node-role" % ACCT, "roleSessionName": "i-0a1b2c3d4e5f60718"},
       creds(KEY_NODE, "payments-prod-node-role", "i-0a1b2c3d4e5f60718")),
    ct("09:58:12", "AssumeRole", "sts.amazonaws.com", USER_UI, CI_IP, "aws-cli/2.15.30 Python/3.11.8 Linux/6.1",
       {"roleArn": "arn:aws:iam::%s:role/ci-pipeline" % ACCT, "roleSessionName": "build-4711"},
       creds(KEY_CI, "ci-pipeline", "build-4711")),
    ct("10:01:03", "AssumeRole", "sts.amazonaws.com", role_ui("ci-pipeline", "build-4711", KEY_CI, "AROAQNZGKIQYCIPIPELN"),
       ATTACKER_IP, "aws-cli/2.15.30 Python/3.11.8 Linux/6.1",
       {"roleArn": "arn:aws:iam::%s:role/eks-admin" % ACCT, "roleSessionName": "jenkins"},
       creds(KEY_ADMIN, "eks-admin", "jenkins")),
    ct("10:20:44", "CreateAccessEntry", "eks.amazonaws.com", role_ui("eks-admin", "jenkins", KEY_ADMIN, "AROAQNZGKIQYEKSADMIN"),
       ATTACKER_IP, "aws-cli/2.15.30 Python/3.11.8 Linux/6.1",
       {"name": CLUSTER, "principalArn": "arn:aws:iam::%s:role/backup-operator" % ACCT},
       {"accessEntry": {"clusterName": CLUSTER, "principalArn": "arn:aws:iam::%s:role/backup-operator" % ACCT,
                        "kubernetesGroups": [], "username": "arn:aws:sts::%s:assumed-role/backup-operator/{{SessionName}}" % ACCT,
                        "type": "STANDARD"}}),
    ct("10:21:02", "AssociateAccessPolicy", "eks.amazonaws.com", role_ui("eks-admin", "jenkins", KEY_ADMIN, "AROAQNZGKIQYEKSADMIN"),
       ATTACKER_IP, "aws-cli/2.15.30 Python/3.11.8 Linux/6.1",
       {"name": CLUSTER, "principalArn": "arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fbackup-operator",
        "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", "accessScope": {"type": "cluster"}},
       {"clusterName": CLUSTER, "principalArn": "arn:aws:iam::%s:role/backup-operator" % ACCT}),
    ct("10:30:00", "ListBuckets", "s3.amazonaws.com", role_ui("eks-admin", "jenkins", KEY_ADMIN, "AROAQNZGKIQYEKSADMIN"),
       ATTACKER_IP, "aws-cli/2.15.30 Python/3.11.8 Linux/6.1", None),
]

def write_gz(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as g:
        g.write(data.encode())
    with open(path, "wb") as f:
        f.write(buf.getvalue())

# CloudWatch Logs export: each line is "<ingestion time> <message>".
lines = "".join("%s %s\n" % (e["stageTimestamp"][:-8] + "Z", json.dumps(e, separators=(",", ":"))) for e in events)
write_gz(os.path.join(OUT, "eks", "exportedlogs", "0a3c318f-5b2e-4c7d-9e1f-2a3b4c5d6e7f",
                      "kube-apiserver-audit-71976ca11bea5d3083393f7d32dab75b", "000000.gz"), lines)
# CloudTrail delivers records out of order; write them reversed.
trail = json.dumps({"Records": list(reversed(records))}, separators=(",", ":"))
write_gz(os.path.join(OUT, "cloudtrail", "AWSLogs", ACCT, "CloudTrail", "us-east-1", "2026", "11", "03",
                      "%s_CloudTrail_us-east-1_20261103T1030Z_c318Xk2Lq9Pz.json.gz" % ACCT), trail)

# ---- patches.jsonl: one object's history through every kind of patch ----
OPS = {"username": "ops@example.com", "groups": ["devs", "system:authenticated"]}
n = 1000
def pe(t, verb, name, code=200, req=None, resp=None, uri=None, user=OPS, ns=None, res="clusterrolebindings",
       level="RequestResponse", reason=""):
    e = ev(t, user, verb, uri or "/apis/rbac.authorization.k8s.io/v1/%s/%s" % (res, name or ""),
           obj(res, name, ns), code, "10.1.2.3", ua="kubectl/v1.31.0 (darwin/arm64) kubernetes/9edcffc",
           req=req, resp=resp, level=level, reason=reason)
    e["requestReceivedTimestamp"] = e["stageTimestamp"] = "2026-11-04T%sZ" % t
    return e

def crb(name, role, subjects):
    return {"kind": "ClusterRoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": {"name": name},
            "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role}, "subjects": subjects}
U = lambda name: {"kind": "User", "apiGroup": RBAC, "name": name}
G = lambda name: {"kind": "Group", "apiGroup": RBAC, "name": name}
SAS = lambda ns, name: {"kind": "ServiceAccount", "namespace": ns, "name": name}
PR = {"kind": "ClusterRole", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": {"name": "pod-reader"},
      "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]}
patches = [
    pe("08:00:00", "create", "pod-reader", 201, req=PR, resp=PR, res="clusterroles"),
    pe("08:00:01", "create", "readers", 201, req=crb("readers", "pod-reader", [U("alice")])),
    # merge patch, Request level: applied to the last known state; subjects replaced whole
    pe("08:01:00", "patch", "readers", req={"subjects": [U("alice"), U("bob")]}, level="Request"),
    # strategic merge patch with a directive: lists still replaced whole
    pe("08:02:00", "patch", "readers", req={"$setElementOrder/subjects": [{"name": "bob"}, {"name": "system:authenticated"}],
                                            "subjects": [U("bob"), G("system:authenticated")]}, level="Request"),
    # JSON patch appending a service account and switching the role
    pe("08:03:00", "patch", "readers", level="Request",
       req=[{"op": "add", "path": "/subjects/-", "value": SAS("kube-system", "default")},
            {"op": "replace", "path": "/roleRef/name", "value": "edit"}]),
    # a JSON patch whose test fails: the request failed, nothing changes
    pe("08:03:30", "patch", "readers", 422, level="Request", reason="the server rejected our request due to an error in our request",
       req=[{"op": "test", "path": "/roleRef/name", "value": "view"}, {"op": "remove", "path": "/subjects"}]),
    # a JSON patch that cannot be applied to what we know (the server said 200)
    pe("08:03:40", "patch", "readers", level="Request",
       req=[{"op": "remove", "path": "/subjects/7"}]),
    # server-side apply creating a binding (201): applied to an empty object
    pe("08:04:00", "patch", "ssa-binding", 201, level="Request",
       uri="/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/ssa-binding?fieldManager=kubectl&fieldValidation=Strict&force=false",
       req=crb("ssa-binding", "cluster-admin", [G("system:unauthenticated")])),
    # a patch of an object never seen: prior state unknown, body shown with ~
    pe("08:05:00", "patch", "legacy", level="Request", req={"subjects": [U("carol")]}),
    # JSON patch of an unknown object: nothing can be said
    pe("08:05:30", "patch", "legacy2", level="Request", req=[{"op": "add", "path": "/subjects/-", "value": U("dave")}]),
    # Metadata level: content not recorded
    pe("08:06:00", "create", "quiet", 201, level="Metadata"),
    # a subject name an attacker chose, with a tab and a terminal escape
    pe("08:07:00", "create", "evil", 201, req=crb("evil", "view", [U("mallory\t\u001b[31mred\u202e")])),
    # roles in a namespace, then all of them deleted at once
    pe("08:08:00", "create", "r1", 201, res="roles", ns="team-a",
       req={"kind": "Role", "metadata": {"name": "r1", "namespace": "team-a"},
            "rules": [{"apiGroups": [""], "resources": ["pods/exec", "pods"], "verbs": ["create", "get"]},
                      {"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]},
                      {"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "verbs": ["bind", "escalate"]},
                      {"apiGroups": [""], "resources": ["users"], "verbs": ["impersonate"]},
                      {"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]},
                      {"apiGroups": [""], "resources": ["pods/status"], "verbs": ["patch"]}]}),
    pe("08:08:30", "create", "r1-binding", 201, res="rolebindings", ns="team-a",
       req={"kind": "RoleBinding", "metadata": {"name": "r1-binding", "namespace": "team-a"},
            "roleRef": {"apiGroup": RBAC, "kind": "Role", "name": "r1"}, "subjects": [SAS("team-a", "default")]}),
    pe("08:09:00", "deletecollection", None, 200, res="roles", ns="team-a",
       uri="/apis/rbac.authorization.k8s.io/v1/namespaces/team-a/roles"),
    # an update that lost a conflict
    pe("08:10:00", "update", "readers", 409, req=crb("readers", "cluster-admin", [U("bob")]),
       reason="Operation cannot be fulfilled on clusterrolebindings.rbac.authorization.k8s.io \"readers\": the object has been modified"),
    pe("08:11:00", "delete", "readers", 200),
]
with open(os.path.join(HERE, "patches.jsonl"), "w") as f:
    for e in patches:
        f.write(json.dumps(e, separators=(",", ":")) + "\n")

# ---- otrf-pivot.jsonl: one EKS change made with the instance credentials
# that the OTRF ec2_proxy_s3_exfiltration dataset shows being stolen
# (key ASIA5FLZVX4OPVKKVBMX, used from 1.2.3.4); read together with that
# dataset, rbac-diff follows the key to the EC2 service's AssumeRole.
WAF = {"username": "arn:aws:sts::123456789123:assumed-role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0/i-0317f6c6b66ae9c40",
       "uid": "aws-iam-authenticator:123456789123:AROA5FLZVX4OEXAMPLE1", "groups": ["system:authenticated"],
       "extra": {"accessKeyId": ["ASIA5FLZVX4OPVKKVBMX"],
                 "arn": ["arn:aws:sts::123456789123:assumed-role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0/i-0317f6c6b66ae9c40"],
                 "canonicalArn": ["arn:aws:iam::123456789123:role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0"],
                 "sessionName": ["i-0317f6c6b66ae9c40"]}}
pv = ev("01:05:00", WAF, "create", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", obj("clusterrolebindings", "waf-debug"),
        201, "1.2.3.4", ua="kubectl/v1.19.0 (linux/amd64) kubernetes/e199641",
        req=crb("waf-debug", "cluster-admin", [G("system:authenticated")]))
pv["requestReceivedTimestamp"] = pv["stageTimestamp"] = "2020-09-14T01:05:00.000000Z"
with open(os.path.join(HERE, "otrf-pivot.jsonl"), "w") as f:
    f.write(json.dumps(pv, separators=(",", ":")) + "\n")

# ---- hostile.jsonl: malformed RBAC bodies and patches (must not crash) ----
def he(i, verb, res, name, req=None, code=201, ns=None):
    d = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "RequestResponse", "stage": "ResponseComplete",
         "auditID": "0c318000-0000-4000-8000-%012d" % (2000 + i), "verb": verb, "requestURI": "/apis/x",
         "user": {"username": "x"}, "sourceIPs": ["10.0.0.1"], "responseStatus": {"code": code},
         "objectRef": {"apiGroup": RBAC, "resource": res}, "stageTimestamp": "2026-11-05T00:00:%02dZ" % i}
    if name is not None:
        d["objectRef"]["name"] = name
    if ns:
        d["objectRef"]["namespace"] = ns
    if req is not None:
        d["requestObject"] = req
    return d
deep = {}
cur = deep
for k in range(200):
    cur["a"] = {}
    cur = cur["a"]
hostile = [
    he(1, "create", "clusterrolebindings", "b1", {"kind": "ClusterRoleBinding", "subjects": "notalist", "roleRef": 5}),
    he(2, "create", "clusterroles", "r1", {"kind": "ClusterRole", "rules": [5, "x", {"verbs": "*"},
        {"verbs": [1, None], "resources": [{}]}, {"nonResourceURLs": 5}]}),
    he(3, "patch", "clusterroles", "r1", [{"op": "add", "path": "/rules/-", "value": deep}], 200),
    he(4, "patch", "clusterroles", "r1", deep, 200),
    he(5, "patch", "clusterroles", "r1", [{"op": "move", "from": "/rules", "path": "/rules/0"}], 200),
    he(6, "patch", "clusterroles", "r1", [{"op": "add", "path": "x"}, {"op": 5}], 200),
    he(7, "patch", "clusterroles", "r1", "a string", 200),
    he(8, "create", "rolebindings", None, {"kind": "RoleBinding", "metadata": {"name": 5}}, ns="n"),
    he(9, "delete", "roles", "gone", None, 200, ns="n"),
    he(10, "create", "clusterrolebindings", "b2", {"kind": "ClusterRoleBinding", "metadata": {"name": "b2"},
        "roleRef": {"kind": "ClusterRole", "name": "r1"},
        "subjects": [{"kind": "User"}, {"name": "x"}, 5, {"kind": "ServiceAccount", "name": "default"}]}),
    he(11, "update", "configmaps", "aws-auth", {"kind": "ConfigMap", "metadata": {"name": "aws-auth", "namespace": "kube-system"},
        "data": {"mapRoles": "- - - -\n  : :\n- groups: system:masters\n  rolearn: [\n- {a: b}\n\t- x\n" + "  " * 300 + "- deep\n",
                 "mapUsers": 5, "mapAccounts": "[1, '2', \"3\"]"}}, 200, ns="kube-system"),
]
del hostile[10]["objectRef"]["apiGroup"]
with open(os.path.join(HERE, "hostile.jsonl"), "w") as f:
    for d in hostile:
        f.write(json.dumps(d, separators=(",", ":")) + "\n")
    f.write('{"kind":"Event","verb":"create","objectRef":{"apiGroup":"rbac.authorization.k8s.io","resource":"roles"}}\n')
    f.write('{"Records":[{"eventSource":"sts.amazonaws.com","eventName":"AssumeRole","responseElements":{"credentials":{"accessKeyId":5}}},'
            '{"eventSource":"eks.amazonaws.com","eventName":"AssociateAccessPolicy","requestParameters":{"principalArn":"%zz%4"}}]}\n')

# ---- chains.jsonl: every way a key can be minted, in one mixed stream ----
# (Kubernetes audit events and CloudTrail records side by side, one per line)
def kchange(t, key, who, name):
    u = {"username": who, "groups": ["system:authenticated"],
         "extra": {"accessKeyId": [key], "arn": [who]}}
    e = ev(t, u, "create", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", obj("clusterrolebindings", name),
           201, "198.51.100.77", req=crb(name, "view", [U("someone")]))
    e["requestReceivedTimestamp"] = e["stageTimestamp"] = "2026-11-06T%sZ" % t
    return e
def mint(t, name, ui, key, rp, ip="198.51.100.80"):
    r = ct(t, name, "sts.amazonaws.com", ui, ip, "aws-cli/2.15.30", rp,
           {"credentials": {"accessKeyId": key, "sessionToken": "x", "expiration": "later"}})
    r["eventTime"] = "2026-11-06T%sZ" % t
    return r
IRSA = {"type": "WebIdentityUser", "principalId": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sts.amazonaws.com:system:serviceaccount:ci:deployer",
        "userName": "system:serviceaccount:ci:deployer",
        "identityProvider": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"}
SAML = {"type": "SAMLUser", "principalId": "SAMPLEc7qEXAMPLE=:alice@example.com", "userName": "alice@example.com",
        "identityProvider": "arn:aws:iam::111122223333:saml-provider/Okta"}
BOB = {"type": "IAMUser", "principalId": "AIDAQNZGKIQYBOB00001", "arn": "arn:aws:iam::111122223333:user/bob",
       "accountId": ACCT, "accessKeyId": "AKIAQNZGKIQYBOB00001", "userName": "bob"}
ROOT = {"type": "Root", "principalId": ACCT, "arn": "arn:aws:iam::111122223333:root", "accountId": ACCT,
        "accessKeyId": "AKIAQNZGKIQYROOT0001"}
CAROL = {"type": "IAMUser", "principalId": "AIDAQNZGKIQYCAROL001", "arn": "arn:aws:iam::111122223333:user/carol",
         "accountId": ACCT, "accessKeyId": "AKIAQNZGKIQYCAROL001", "userName": "carol"}
def assumed(role, key):
    return {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/%s/s" % role, "accountId": ACCT,
            "accessKeyId": key}
chains = [
    mint("01:00:00", "AssumeRoleWithWebIdentity", IRSA, "ASIAQNZGKIQYIRSA0001",
         {"roleArn": "arn:aws:iam::111122223333:role/ci-deployer", "roleSessionName": "botocore-session-1"}, ip="203.0.113.9"),
    kchange("01:00:10", "ASIAQNZGKIQYIRSA0001", "arn:aws:sts::111122223333:assumed-role/ci-deployer/botocore-session-1", "via-irsa"),
    mint("01:01:00", "AssumeRoleWithSAML", SAML, "ASIAQNZGKIQYSAML0001",
         {"roleArn": "arn:aws:iam::111122223333:role/Admins", "principalArn": "arn:aws:iam::111122223333:saml-provider/Okta"}),
    kchange("01:01:10", "ASIAQNZGKIQYSAML0001", "arn:aws:sts::111122223333:assumed-role/Admins/alice@example.com", "via-saml"),
    mint("01:02:00", "GetSessionToken", BOB, "ASIAQNZGKIQYGST00001", {"durationSeconds": 3600}),
    kchange("01:02:10", "ASIAQNZGKIQYGST00001", "arn:aws:iam::111122223333:user/bob", "via-session-token"),
    mint("01:03:00", "GetSessionToken", ROOT, "ASIAQNZGKIQYROOTSES1", {}),
    kchange("01:03:10", "ASIAQNZGKIQYROOTSES1", "arn:aws:iam::111122223333:root", "via-root"),
    mint("01:04:00", "AssumeRole", assumed("loop-b", "ASIAQNZGKIQYLOOPB001"), "ASIAQNZGKIQYLOOPA001",
         {"roleArn": "arn:aws:iam::111122223333:role/loop-a", "roleSessionName": "a"}),
    mint("01:04:01", "AssumeRole", assumed("loop-a", "ASIAQNZGKIQYLOOPA001"), "ASIAQNZGKIQYLOOPB001",
         {"roleArn": "arn:aws:iam::111122223333:role/loop-b", "roleSessionName": "b"}),
    kchange("01:04:10", "ASIAQNZGKIQYLOOPA001", "arn:aws:sts::111122223333:assumed-role/loop-a/a", "via-loop"),
    mint("01:05:00", "GetFederationToken", CAROL, "ASIAQNZGKIQYFED00001", {"name": "carol-fed"}),
    kchange("01:05:10", "ASIAQNZGKIQYFED00001", "arn:aws:sts::111122223333:federated-user/carol-fed", "via-federation"),
    kchange("01:06:10", "AKIAQNZGKIQYDAVE0001", "arn:aws:iam::111122223333:user/dave", "via-user-key"),
    kchange("01:07:10", "ASIAQNZGKIQYUNKNOWN1", "arn:aws:sts::111122223333:assumed-role/other/x", "via-unknown-key"),
]
with open(os.path.join(HERE, "chains.jsonl"), "w") as f:
    for r in chains:
        f.write(json.dumps(r, separators=(",", ":")) + "\n")

# ---- anon-rolebinding.jsonl: anonymous given a Role in one namespace ----
SR = {"kind": "Role", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": {"name": "secret-reader", "namespace": "payments"},
      "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]}]}
SRB = {"kind": "RoleBinding", "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": {"name": "anon-read", "namespace": "payments"},
       "roleRef": {"apiGroup": RBAC, "kind": "Role", "name": "secret-reader"}, "subjects": [G("system:unauthenticated")]}
RA = "RBAC: allowed by RoleBinding \"anon-read/payments\" of Role \"secret-reader\" to Group \"system:unauthenticated\""
def at(t, e):
    e["requestReceivedTimestamp"] = e["stageTimestamp"] = "2026-11-07T%sZ" % t
    return e
anonrb = [
    at("02:00:00", ev("", OPS, "create", "/apis/rbac.authorization.k8s.io/v1/namespaces/payments/roles", obj("roles", "secret-reader", "payments"), 201, "10.1.2.3", req=SR)),
    at("02:00:01", ev("", OPS, "create", "/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings", obj("rolebindings", "anon-read", "payments"), 201, "10.1.2.3", req=SRB)),
    at("02:01:00", ev("", ANON, "list", "/api/v1/namespaces/payments/secrets", obj("secrets", ns="payments", group=None), 200, ANON_IP, ua="curl/8.5.0", level="Metadata", reason=RA)),
    at("02:01:30", ev("", ANON, "list", "/api/v1/namespaces/default/secrets", obj("secrets", ns="default", group=None), 403, ANON_IP, ua="curl/8.5.0", level="Metadata")),
    at("02:02:00", ev("", ANON, "get", "/api/v1/namespaces/payments/secrets/stripe", obj("secrets", "stripe", "payments", None), 200, ANON_IP, ua="curl/8.5.0", level="Metadata", reason=RA)),
    at("02:03:00", ev("", OPS, "delete", "/apis/rbac.authorization.k8s.io/v1/namespaces/payments/rolebindings/anon-read", obj("rolebindings", "anon-read", "payments"), 200, "10.1.2.3")),
    at("02:04:00", ev("", ANON, "list", "/api/v1/namespaces/payments/secrets", obj("secrets", ns="payments", group=None), 403, ANON_IP, ua="curl/8.5.0", level="Metadata")),
]
with open(os.path.join(HERE, "anon-rolebinding.jsonl"), "w") as f:
    for e in anonrb:
        f.write(json.dumps(e, separators=(",", ":")) + "\n")
