#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""For one Sigma rule, a record that must fire it and a near miss that
must not, written as NAME.hit.jsonl and NAME.miss.jsonl in OUTDIR, and its
id on standard output.  An oracle written apart from the C translation:
it reads the rule's YAML and builds records from Sigma's semantics (the
values' case changed, wildcards and modifiers applied).  The near miss is
the hit record with the fewest changes that make the condition false.

    sigma-gen.py OUTDIR RULE.yml...

Prints "ID NAME" per rule; a rule using what this generator cannot build
a record for is said on standard error (exit 3 at the end)."""
import copy
import fnmatch
import ipaddress
import json
import os
import re
import sys

import yaml

K8S = {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Request",
       "auditID": "00000000-0000-4000-8000-000000000001", "stage": "ResponseComplete",
       "requestURI": "/api/v1/namespaces/default/configmaps/app", "verb": "watch",
       "user": {"username": "gen-user", "groups": ["system:authenticated"]},
       "sourceIPs": ["198.51.100.20"], "userAgent": "gen-agent/1.0",
       "objectRef": {"resource": "configmaps", "namespace": "default", "name": "app", "apiVersion": "v1"},
       "responseStatus": {"metadata": {}, "code": 200},
       "requestReceivedTimestamp": "2026-11-20T10:00:00.000000Z",
       "stageTimestamp": "2026-11-20T10:00:00.100000Z",
       "annotations": {"authorization.k8s.io/decision": "allow", "authorization.k8s.io/reason": ""}}
CT = {"eventVersion": "1.08", "userIdentity": {"type": "IAMUser", "principalId": "AIDAGEN",
      "arn": "arn:aws:iam::111122223333:user/gen", "accountId": "111122223333",
      "accessKeyId": "AKIAGENGENGENGEN0000", "userName": "gen"},
      "eventTime": "2026-11-20T10:00:00Z", "eventSource": "gen.amazonaws.com", "eventName": "GenEvent",
      "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.21", "userAgent": "gen-agent/1.0",
      "requestParameters": None, "responseElements": None, "requestID": "gen-1",
      "eventID": "00000000-0000-4000-9000-000000000001", "readOnly": True, "eventType": "AwsApiCall",
      "managementEvent": True, "recipientAccountId": "111122223333", "eventCategory": "Management"}
NOMATCH = "k8a-near-miss-value"


class Cannot(Exception):
    pass


def get(rec, path):
    for k in path.split("."):
        if not isinstance(rec, dict) or k not in rec:
            return None
        rec = rec[k]
    return rec


def put(rec, path, v):
    ks = path.split(".")
    for k in ks[:-1]:
        if not isinstance(rec.get(k), dict):
            rec[k] = {}
        rec = rec[k]
    if v is None:
        rec.pop(ks[-1], None)
    else:
        rec[ks[-1]] = v


def unwild(v):
    """A text a Sigma pattern matches: * and ? filled in, escapes resolved."""
    out, i = [], 0
    while i < len(v):
        c = v[i]
        if c == "\\" and i + 1 < len(v) and v[i + 1] in "*?\\":
            out.append(v[i + 1])
            i += 2
            continue
        out.append({"*": "Wx", "?": "Q"}.get(c, c))
        i += 1
    return "".join(out)


def regex_sample(rx):
    s = rx
    for a, b in ((".+", "abc"), (".*", ""), ("\\.", "."), ("\\/", "/"), ("^", ""), ("$", "")):
        s = s.replace(a, b)
    if not re.search(rx, s):
        raise Cannot("cannot build a text for the regex %r" % rx)
    return s


def hit_value(mods, vals, rec):
    """A value of the field that the values and modifiers accept."""
    v = vals[0]
    if "exists" in mods:
        return "present" if v is True or str(v).lower() == "true" else None
    if "fieldref" in mods:
        other = get(rec, v)
        if other is None:
            other = "ref-value"
            put(rec, v, other)
        return other
    if "re" in mods:
        return regex_sample(str(v))
    if "cidr" in mods:
        return str(next(ipaddress.ip_network(str(v), strict=False).hosts()))
    for m, d in (("gt", 1), ("gte", 0), ("lt", -1), ("lte", 0)):
        if m in mods:
            return v + d
    unsupported = set(mods) - {"contains", "startswith", "endswith", "all", "cased"}
    if unsupported:
        raise Cannot("modifier %s" % ",".join(sorted(unsupported)))
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and not mods:
        return v
    texts = [unwild(str(x)) for x in (vals if "all" in mods else [v])]
    t = " ".join(texts)
    if "cased" not in mods:
        t = t.swapcase()  # Sigma compares without case
    if "contains" in mods or "all" in mods:
        return "Pre-" + t + "-post"
    if "startswith" in mods:
        return t + "-tail"
    if "endswith" in mods:
        return "head-" + t
    return t


def miss_value(mods, vals):
    v = vals[0]
    if "exists" in mods:
        return None if v is True or str(v).lower() == "true" else "present"
    if v is None and not mods:
        return "not-null"
    if any(m in mods for m in ("gt", "gte")):
        return v - 1000
    if any(m in mods for m in ("lt", "lte")):
        return v + 1000
    if "cidr" in mods:
        return "192.0.2.255" if ":" not in str(v) else "2001:db8::ffff"
    if isinstance(v, str) and unwild(v).replace("Wx", "").replace("Q", "") == "" and "*" in v:
        return None  # a pattern of wildcards alone: only absence misses it
    return NOMATCH


class Gen:
    def __init__(self, det):
        self.det = det
        self.fixed = set()

    def names(self, pat):
        keys = [k for k in self.det if k != "condition"]
        if pat == "them":
            return [k for k in keys if not k.startswith("_")]
        return [k for k in keys if fnmatch.fnmatchcase(k, pat)]

    # conditions: ("and", a, b) ("or", a, b) ("not", a) ("id", name)
    def parse(self, s):
        toks = re.findall(r"\(|\)|[^\s()]+", s)
        pos = [0]

        def peek():
            return toks[pos[0]].lower() if pos[0] < len(toks) else None

        def take():
            pos[0] += 1
            return toks[pos[0] - 1]

        def p_or():
            x = p_and()
            while peek() == "or":
                take()
                x = ("or", x, p_and())
            return x

        def p_and():
            x = p_un()
            while peek() == "and":
                take()
                x = ("and", x, p_un())
            return x

        def p_un():
            t = peek()
            if t == "not":
                take()
                return ("not", p_un())
            if t == "(":
                take()
                x = p_or()
                take()
                return x
            w = take()
            if w in ("1", "all") and peek() == "of":
                take()
                ns = self.names(take())
                x = ("id", ns[0])
                for n in ns[1:]:
                    x = ("or" if w == "1" else "and", x, ("id", n))
                return x
            return ("id", w)

        return p_or()

    def fields(self, m):
        for k, v in m.items():
            parts = k.split("|")
            vals = v if isinstance(v, list) else [v]
            yield parts[0], parts[1:], vals

    def set_ident(self, name, rec, want):
        s = self.det[name]
        if isinstance(s, list) and s and not isinstance(s[0], dict):
            raise Cannot("keywords")
        maps = s if isinstance(s, list) else [s]
        if want:
            for f, mods, vals in self.fields(maps[0]):
                put(rec, f, hit_value(mods, vals, rec))
                self.fixed.add(f)
            return
        for m in maps:
            for f, mods, vals in self.fields(m):
                if f not in self.fixed:
                    put(rec, f, miss_value(mods, vals))
                    break
            else:
                raise Cannot("every field of %s is needed elsewhere" % name)

    def sat(self, x, rec, want):
        op = x[0]
        if op == "id":
            self.set_ident(x[1], rec, want)
        elif op == "not":
            self.sat(x[1], rec, not want)
        elif (op == "and") == want:
            # both must hold (or both fail): what must hold first
            for y in sorted(x[1:], key=lambda y: y[0] == "not"):
                self.sat(y, rec, want)
        else:
            self.sat(x[1], rec, want)


def one(rule_path, out):
    with open(rule_path) as f:
        rule = yaml.safe_load(f)
    ls = rule.get("logsource", {})
    base = K8S if ls.get("product") == "kubernetes" else CT
    det = rule["detection"]
    cond = det["condition"]
    if isinstance(cond, list):
        cond = cond[0]
    g = Gen(det)
    tree = g.parse(cond)
    hit = copy.deepcopy(base)
    try:
        g.sat(tree, hit, True)
        miss = copy.deepcopy(hit)
        g.fixed = set()
        g.sat(tree, miss, False)
    except Cannot as e:
        print("%s: %s" % (rule_path, e), file=sys.stderr)
        return 3
    name = os.path.splitext(os.path.basename(rule_path))[0]
    with open(os.path.join(out, name + ".hit.jsonl"), "w") as f:
        f.write(json.dumps(hit) + "\n")
    with open(os.path.join(out, name + ".miss.jsonl"), "w") as f:
        f.write(json.dumps(miss) + "\n")
    print(rule["id"], name)
    return 0


def main():
    rc = 0
    for path in sys.argv[2:]:
        rc = one(path, sys.argv[1]) or rc
    sys.exit(rc)


main()
