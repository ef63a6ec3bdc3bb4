"""Regenerate samples/sysdig/cloudtrail: the Sysdig/SCARLETEEL-like story
in CloudTrail, as S3 deliveries plus a digest (see samples/sysdig/README)."""
import os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ct, json, gzip, os, hashlib, random, datetime, shutil, urllib.parse
from ct import ev, pdoc, rid, keyid, pid, CLI, BOTO, CONSOLE, TF

A = '310947582214'; R = 'us-east-1'
ct.ACCT = A; ct.REGION = R
ct.seed(20261120)
BUCKET = f'northwind-cloudtrail-{A}'
OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../../../samples/sysdig/cloudtrail'))
ATK = '203.0.113.66'          # attacker
OFFICE = '198.51.100.10'      # corporate egress
NAT = '52.204.117.33'         # EKS/ECS NAT gateway
RUNNER = '34.228.91.17'       # CI runner
ct.at('2026-11-20T09:46:30Z')
E = []
def add(e): E.append(e); return e
def T(s): ct.at('2026-11-20T' + s + 'Z')
def ses(rname, session, key, issuer_time='2026-11-20T09:40:11Z', **kw):
    r = ct.role(rname, session, key=key, acct=A, **kw)
    r['sessionContext']['attributes']['creationDate'] = issuer_time
    return r
def usr(name, key):
    return {"type": "IAMUser", "principalId": ct._stable(name, 'AIDA'), "arn": f"arn:aws:iam::{A}:user/{name}", "accountId": A,
            "accessKeyId": key, "userName": name}
# cast
MARTA_KEY = 'AKIAUQ4ZP7LKD2MWX6RB'
marta = usr('marta.dev', MARTA_KEY)
ci = ses('gitlab-ci-deployer', 'gitlab-1763630791', 'ASIAUQ4ZP7LKHW3TN8QE', '2026-11-20T09:46:31Z')
nodes = [ses('eks-node-payments-prod', iid, k, '2026-11-20T06:12:40Z', ec2=True)
         for iid, k in (('i-04c1e7a9b3d5f2608', 'ASIAUQ4ZP7LKNB5V2YCJ'), ('i-0b92f3d6e8a1c4705', 'ASIAUQ4ZP7LKQ7MRX4EW'))]
adm = ct.user('ops-admin', key='ASIAUQ4ZP7LKT6JZ2HNP', acct=A, mfa=True)
adm['sessionContext']['attributes']['creationDate'] = '2026-11-20T09:50:02Z'
ecs_as = ses('AWSServiceRoleForApplicationAutoScaling_ECSService', 'AutoScaling', 'ASIAUQ4ZP7LKV3CS8KDA')
ecs_as['invokedBy'] = 'ecs.application-autoscaling.amazonaws.com'
irsa = {"type": "WebIdentityUser", "principalId": f"arn:aws:iam::{A}:oidc-provider/oidc.eks.{R}.amazonaws.com/id/9E1D4C7B2A5F8E3D6C0B9A8F7E6D5C4B:sts.amazonaws.com:system:serviceaccount:payments:exporter",
        "userName": "system:serviceaccount:payments:exporter", "identityProvider": f"arn:aws:iam::{A}:oidc-provider/oidc.eks.{R}.amazonaws.com/id/9E1D4C7B2A5F8E3D6C0B9A8F7E6D5C4B"}
CLUSTER = 'payments-prod'
REPO = 'payments-api'
EXPORTS = f'payments-exports-{A}'
CTGROUP = f'aws-cloudtrail-logs-{A}-7d3c1f0e'
DOCKER = 'docker/27.3.1 go/go1.22.7 git-commit/41ca978 kernel/6.8.0-1017-aws os/linux arch/amd64 UpstreamClient(Docker-Client/27.3.1 \\(linux\\))'
AWSCLI = 'aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/linux#6.8.0-48-generic md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#debian.12 md/prompt#off md/command#{cmd}'
def cli(cmd): return AWSCLI.format(cmd=cmd)
def d1(x): return hashlib.sha256(x.encode()).hexdigest()
def creds(k): return {"accessKeyId": k, "sessionToken": "IQoJb3JpZ2luX2VjEOr//////////wEaCXVzLWVhc3QtMSJHMEUCIQC" + keyid('')[:20], "expiration": "Nov 20, 2026, 11:46:31 AM"}

# ------------------------------------------------------------------ background
T('09:46:31')
add(ev('sts.amazonaws.com', 'AssumeRoleWithWebIdentity', {"roleArn": f"arn:aws:iam::{A}:role/gitlab-ci-deployer", "roleSessionName": "gitlab-1763630791", "durationSeconds": 3600},
       {"credentials": creds('ASIAUQ4ZP7LKHW3TN8QE'), "subjectFromWebIdentityToken": "project_path:northwind/payments-api:ref_type:branch:ref:main",
        "assumedRoleUser": {"assumedRoleId": f"{ct._stable('gitlab-ci-deployer', 'AROA')}:gitlab-1763630791", "arn": f"arn:aws:sts::{A}:assumed-role/gitlab-ci-deployer/gitlab-1763630791"},
        "provider": f"arn:aws:iam::{A}:oidc-provider/gitlab.example.com", "audience": "https://gitlab.example.com"},
       who={"type": "WebIdentityUser", "principalId": f"arn:aws:iam::{A}:oidc-provider/gitlab.example.com:https://gitlab.example.com:project_path:northwind/payments-api:ref_type:branch:ref:main",
            "userName": "project_path:northwind/payments-api:ref_type:branch:ref:main", "identityProvider": f"arn:aws:iam::{A}:oidc-provider/gitlab.example.com"},
       ip=RUNNER, ua=cli('sts.assume-role-with-web-identity'), ro=True, when=ct.tick(0)))
def ci_push(tag, digest, who, ip, ua, t0):
    T(t0)
    add(ev('ecr.amazonaws.com', 'GetAuthorizationToken', {"registryIds": [A]} if who is ci else {}, None, who=who, ip=ip, ua=ua if who is not ci else cli('ecr.get-login-password'), ro=True))
    layers = [digest[i:] + digest[:i] for i in (7, 19, 31)]
    add(ev('ecr.amazonaws.com', 'BatchCheckLayerAvailability', {"repositoryName": REPO, "registryId": A, "layerDigests": ["sha256:" + l for l in layers]}, None, who=who, ip=ip, ua=ua, ro=True))
    add(ev('ecr.amazonaws.com', 'InitiateLayerUpload', {"repositoryName": REPO, "registryId": A}, {"uploadId": rid(), "partSize": 20971520}, who=who, ip=ip, ua=ua))
    add(ev('ecr.amazonaws.com', 'CompleteLayerUpload', {"repositoryName": REPO, "registryId": A, "uploadId": rid(), "layerDigests": ["sha256:" + layers[0]]},
           {"registryId": A, "repositoryName": REPO, "uploadId": rid(), "layerDigest": "sha256:" + layers[0]}, who=who, ip=ip, ua=ua))
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
                      "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 7481, "digest": "sha256:" + digest[::-1]},
                      "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 3623807 + i * 91731, "digest": "sha256:" + l} for i, l in enumerate(layers)]}, indent=3)
    return add(ev('ecr.amazonaws.com', 'PutImage', {"repositoryName": REPO, "registryId": A, "imageTag": tag, "imageManifest": man,
                  "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json"},
                  {"image": {"registryId": A, "repositoryName": REPO, "imageId": {"imageDigest": "sha256:" + digest, "imageTag": tag}, "imageManifest": man,
                             "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json"}}, who=who, ip=ip, ua=ua))
GOOD = 'b1c94e0f7a3d25e6c8f0a9b7d4e2c1f3a5b8d0e9f7c6a4b2d1e3f5a7c9b0d2e4'
EVIL = '4e7a1c9d3b5f8e2a0c6d4b1f9e7a3c5d8b2f0e6a4c1d9b7f3e5a2c8d0b6f4e1a'
ci_push('2.14.1', GOOD, ci, RUNNER, DOCKER, '09:47:02')
T('09:48:20')
add(ev('ecs.amazonaws.com', 'RegisterTaskDefinition', {"family": "payments-api", "taskRoleArn": f"arn:aws:iam::{A}:role/payments-api-task",
       "executionRoleArn": f"arn:aws:iam::{A}:role/ecsTaskExecutionRole", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "512", "memory": "1024",
       "containerDefinitions": [{"name": "api", "image": f"{A}.dkr.ecr.{R}.amazonaws.com/{REPO}:2.14.1", "essential": True,
                                 "portMappings": [{"containerPort": 8080, "protocol": "tcp"}], "command": ["gunicorn", "-b", "0.0.0.0:8080", "app:app"]}]},
       {"taskDefinition": {"taskDefinitionArn": f"arn:aws:ecs:{R}:{A}:task-definition/payments-api:57", "revision": 57, "status": "ACTIVE"}}, who=ci, ip=RUNNER, ua=cli('ecs.register-task-definition')))
add(ev('ecs.amazonaws.com', 'UpdateService', {"cluster": "payments-fargate", "service": "payments-api", "taskDefinition": "payments-api:57", "forceNewDeployment": False},
       {"service": {"serviceName": "payments-api", "launchType": "FARGATE", "desiredCount": 3, "enableExecuteCommand": True}}, who=ci, ip=RUNNER, ua=cli('ecs.update-service')))
for n, t in zip(nodes, ('09:49:05', '09:49:41')):
    T(t)
    add(ev('ecr.amazonaws.com', 'GetAuthorizationToken', {}, None, who=n, ip=NAT, ua='aws-sdk-go/1.55.5 (go1.22.8; linux; amd64) ecr-credential-provider', ro=True))
    add(ev('ec2.amazonaws.com', 'DescribeInstances', {"instancesSet": {"items": [{"instanceId": n['arn'].rsplit('/', 1)[1]}]}, "filterSet": {}}, None, who=n, ip=NAT,
           ua='aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.8 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.173.0', ro=True))
T('09:50:02')
add(ev('signin.amazonaws.com', 'ConsoleLogin', None, {"ConsoleLogin": "Success"}, who={"type": "IAMUser", "principalId": ct._stable('ops-admin', 'AIDA'),
       "arn": f"arn:aws:iam::{A}:user/ops-admin", "accountId": A, "userName": "ops-admin"}, ip=OFFICE, ua=CONSOLE, etype='AwsConsoleSignIn',
       extra={"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true", "MobileVersion": "No", "MFAIdentifier": f"arn:aws:iam::{A}:mfa/ops-admin-yubikey", "MFAUsed": "Yes"}}))
T('09:51:10')
for nm, rp in (('DescribeAlarms', {"stateValue": "ALARM", "maxRecords": 100}), ('DescribeClusters', {"clusters": ["payments-fargate"], "include": ["TAGS"]}),
               ('ListClusters', {})):
    src = 'monitoring.amazonaws.com' if nm == 'DescribeAlarms' else ('ecs.amazonaws.com' if nm == 'DescribeClusters' else 'eks.amazonaws.com')
    add(ev(src, nm, rp, None, who=adm, ip=OFFICE, ua=CONSOLE, ro=True, extra={"sessionCredentialFromConsole": "true"}))
T('09:52:33')
for i in range(3):
    add(ev('sts.amazonaws.com', 'AssumeRoleWithWebIdentity', {"roleArn": f"arn:aws:iam::{A}:role/payments-exporter-irsa", "roleSessionName": f"botocore-session-176363{1150 + i * 300}", "durationSeconds": 3600},
           {"credentials": creds(keyid('ASIA')), "subjectFromWebIdentityToken": "system:serviceaccount:payments:exporter", "audience": "sts.amazonaws.com",
            "provider": f"arn:aws:iam::{A}:oidc-provider/oidc.eks.{R}.amazonaws.com/id/9E1D4C7B2A5F8E3D6C0B9A8F7E6D5C4B"}, who=irsa, ip=NAT, ua=BOTO, ro=True,
           extra={"recipientAccountId": A}, when=ct.tick(300 if i else 0)))
T('09:53:40')
add(ev('kms.amazonaws.com', 'Decrypt', {"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": {"SecretARN": f"arn:aws:secretsmanager:{R}:{A}:secret:prod/payments/db-Qm3xTb", "SecretVersionId": rid()}},
       None, who={"type": "AWSService", "invokedBy": "secretsmanager.amazonaws.com"}, ip='secretsmanager.amazonaws.com', ua='secretsmanager.amazonaws.com', ro=True,
       etype='AwsApiCall', extra={"resources": [{"accountId": A, "type": "AWS::KMS::Key", "ARN": f"arn:aws:kms:{R}:{A}:key/5d0c9b8a-7f6e-4d3c-a2b1-0f9e8d7c6b5a"}]}))
add(ev('secretsmanager.amazonaws.com', 'GetSecretValue', {"secretId": "prod/payments/db"}, None, who=ses('payments-api-task', 'f3b2c1d0e9a84b7c9d6e5f4a3b2c1d0e', 'ASIAUQ4ZP7LKZ4PG7MCN'),
       ip=NAT, ua=BOTO, ro=True))
T('09:55:12')
add(ev('ecs.amazonaws.com', 'UpdateService', {"cluster": "payments-fargate", "service": "payments-api", "desiredCount": 4}, None, who=ecs_as, ip='ecs.application-autoscaling.amazonaws.com',
       ua='ecs.application-autoscaling.amazonaws.com'))
add(ev('ec2.amazonaws.com', 'DescribeSecurityGroups', {"securityGroupSet": {}, "securityGroupIdSet": {"items": [{"groupId": "sg-07e2c9a4b1d3f5e68"}]}, "filterSet": {}}, None,
       who=ses('AWSServiceRoleForAmazonEKS', 'AmazonEKS', 'ASIAUQ4ZP7LKJE6WQ2FB'), ip='eks.amazonaws.com', ua='eks.amazonaws.com', ro=True))

# ------------------------------------------------------------------ the attack
# 0. stolen long-term key of marta.dev, no MFA, recon
T('09:58:12')
add(ev('sts.amazonaws.com', 'GetCallerIdentity', None, None, who=marta, ip=ATK, ua=cli('sts.get-caller-identity'), ro=True))
for nm, rp, src in (('ListUsers', {}, 'iam'), ('ListGroupsForUser', {"userName": "marta.dev"}, 'iam'), ('ListAttachedUserPolicies', {"userName": "marta.dev"}, 'iam'),
                    ('ListGroups', {}, 'iam'), ('ListBuckets', {"Host": "s3.amazonaws.com"}, 's3'), ('ListClusters', {}, 'eks'),
                    ('ListClusters', {}, 'ecs'), ('DescribeLogGroups', {"limit": 50}, 'logs')):
    add(ev(f'{src}.amazonaws.com', nm, rp, None, who=marta, ip=ATK, ua=cli(f'{src}.{nm.lower()}'), ro=True))
# 1. access keys for self and others
T('10:00:41')
def cak(target, newkey, err=None, who=marta):
    rp = {"userName": target} if target else None
    re = None if err else {"accessKey": {"userName": target or who['userName'], "accessKeyId": newkey, "status": "Active", "createDate": ct.fmt_date()}}
    return add(ev('iam.amazonaws.com', 'CreateAccessKey', rp, re, who=who, ip=ATK, ua=cli('iam.create-access-key'), err=err,
                  msg=None if not err else f"Cannot exceed quota for AccessKeysPerUser: 2"))
cak(None, 'AKIAUQ4ZP7LKF5XNC3HS')
cak('ci-deployer', 'AKIAUQ4ZP7LKRB2YT8VG')
cak('ops-admin', None, err='LimitExceeded')
# 2-4. new user, admin group, inline iam:*
T('10:01:55')
add(ev('iam.amazonaws.com', 'CreateUser', {"userName": "support-backup"}, {"user": {"path": "/", "userName": "support-backup", "userId": "AIDAUQ4ZP7LKX9E2RM6TW",
       "arn": f"arn:aws:iam::{A}:user/support-backup", "createDate": ct.fmt_date()}}, who=marta, ip=ATK, ua=cli('iam.create-user')))
add(ev('iam.amazonaws.com', 'AddUserToGroup', {"groupName": "Admins", "userName": "support-backup"}, None, who=marta, ip=ATK, ua=cli('iam.add-user-to-group')))
add(ev('iam.amazonaws.com', 'PutUserPolicy', {"userName": "support-backup", "policyName": "backup-maintenance",
       "policyDocument": pdoc([{"Sid": "Maint", "Effect": "Allow", "Action": "iam:*", "Resource": "*"}], indent=False)}, None, who=marta, ip=ATK, ua=cli('iam.put-user-policy')))
add(ev('iam.amazonaws.com', 'CreateLoginProfile', {"userName": "support-backup", "passwordResetRequired": False},
       {"loginProfile": {"userName": "support-backup", "createDate": ct.fmt_date(), "passwordResetRequired": False}}, who=marta, ip=ATK, ua=cli('iam.create-login-profile')))
cak('support-backup', 'AKIAUQ4ZP7LKW7HD4QZM')
sb = usr('support-backup', 'AKIAUQ4ZP7LKW7HD4QZM')
# 5. cover tracks
T('10:03:08')
tarn = f'arn:aws:cloudtrail:{R}:{A}:trail/org-trail'
add(ev('cloudtrail.amazonaws.com', 'StopLogging', {"name": tarn}, None, who=marta, ip=ATK, ua=cli('cloudtrail.stop-logging'), err='AccessDenied',
       msg=f'User: arn:aws:iam::{A}:user/marta.dev is not authorized to perform: cloudtrail:StopLogging on resource: {tarn} with an explicit deny in a service control policy'))
add(ev('sts.amazonaws.com', 'GetCallerIdentity', None, None, who=sb, ip=ATK, ua=cli('sts.get-caller-identity'), ro=True))
add(ev('logs.amazonaws.com', 'DescribeLogStreams', {"logGroupName": CTGROUP, "orderBy": "LastEventTime", "descending": True}, None, who=sb, ip=ATK, ua=cli('logs.describe-log-streams'), ro=True))
add(ev('logs.amazonaws.com', 'DeleteLogStream', {"logGroupName": CTGROUP, "logStreamName": f"{A}_CloudTrail_{R}"}, None, who=sb, ip=ATK, ua=cli('logs.delete-log-stream')))
add(ev('eks.amazonaws.com', 'UpdateClusterConfig', {"name": CLUSTER, "clientRequestToken": rid(), "logging": {"clusterLogging": [{"types": ["audit", "authenticator"], "enabled": False}]}},
       {"update": {"id": rid(), "status": "InProgress", "type": "LoggingUpdate", "params": [{"type": "ClusterLogging", "value": "{\"clusterLogging\":[{\"types\":[\"audit\",\"authenticator\"],\"enabled\":false}]}"}],
                   "createdAt": "Nov 20, 2026, 10:03:52 AM", "errors": []}}, who=sb, ip=ATK, ua=cli('eks.update-cluster-config')))
# 6. security group opened to the world
T('10:05:47')
SG = 'sg-0c5e8a2d4f6b1e397'
add(ev('ec2.amazonaws.com', 'DescribeSecurityGroups', {"securityGroupSet": {}, "securityGroupIdSet": {}, "filterSet": {"items": [{"name": "tag:aws:eks:cluster-name", "valueSet": {"items": [{"value": CLUSTER}]}}]}},
       None, who=sb, ip=ATK, ua=cli('ec2.describe-security-groups'), ro=True))
add(ev('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {"groupId": SG, "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {},
       "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}, "ipv6Ranges": {}, "prefixListIds": {}}]}},
       {"requestId": rid(), "_return": True, "securityGroupRuleSet": {"items": [{"groupOwnerId": A, "groupId": SG, "securityGroupRuleId": "sgr-0e3b7d1f5a9c2468b",
        "isEgress": False, "ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "cidrIpv4": "0.0.0.0/0"}]}}, who=sb, ip=ATK, ua=cli('ec2.authorize-security-group-ingress')))
# 7. poisoned image pushed over the existing tag
ci_push('2.14.1', EVIL, sb, ATK, DOCKER, '10:07:30')
E[-5]["userAgent"] = cli('ecr.get-login-password')
# 8. kubeconfig, then cluster admin via access entry
T('10:10:14')
add(ev('eks.amazonaws.com', 'DescribeCluster', {"name": CLUSTER}, None, who=sb, ip=ATK, ua=cli('eks.update-kubeconfig'), ro=True))
pa = f"arn:aws:iam::{A}:user/support-backup"
add(ev('eks.amazonaws.com', 'CreateAccessEntry', {"name": CLUSTER, "principalArn": pa, "type": "STANDARD"},
       {"accessEntry": {"clusterName": CLUSTER, "principalArn": pa, "kubernetesGroups": [], "accessEntryArn": f"arn:aws:eks:{R}:{A}:access-entry/{CLUSTER}/user/{A}/support-backup/1ec9b1d4-3f2a-8e7d-6c5b-4a39f8e7d6c5",
        "createdAt": "Nov 20, 2026, 10:10:39 AM", "modifiedAt": "Nov 20, 2026, 10:10:39 AM", "tags": {}, "username": pa, "type": "STANDARD"}}, who=sb, ip=ATK, ua=cli('eks.create-access-entry')))
add(ev('eks.amazonaws.com', 'AssociateAccessPolicy', {"name": CLUSTER, "principalArn": pa, "policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
       "accessScope": {"type": "cluster"}}, {"clusterName": CLUSTER, "principalArn": pa, "associatedAccessPolicy": {"policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
       "accessScope": {"type": "cluster", "namespaces": []}, "associatedAt": "Nov 20, 2026, 10:10:58 AM", "modifiedAt": "Nov 20, 2026, 10:10:58 AM"}}, who=sb, ip=ATK, ua=cli('eks.associate-access-policy')))
# 9. ECS Exec into the Fargate task
T('10:12:31')
TASK = f'arn:aws:ecs:{R}:{A}:task/payments-fargate/8d3f1a6c2e9b4d7f0a5c3e1b9d7f2a4c'
add(ev('ecs.amazonaws.com', 'ListTasks', {"cluster": "payments-fargate", "serviceName": "payments-api"}, None, who=sb, ip=ATK, ua=cli('ecs.list-tasks'), ro=True))
add(ev('ecs.amazonaws.com', 'ExecuteCommand', {"cluster": "payments-fargate", "container": "api", "command": "/bin/sh", "interactive": True, "task": TASK},
       {"clusterArn": f"arn:aws:ecs:{R}:{A}:cluster/payments-fargate", "containerArn": f"arn:aws:ecs:{R}:{A}:container/payments-fargate/8d3f1a6c2e9b4d7f0a5c3e1b9d7f2a4c/5b1e9c3a-7d2f-4e6a-8c0b-2d4f6a8c0e1b",
        "containerName": "api", "interactive": True, "session": {"sessionId": "ecs-execute-command-0f4d2b8e6a1c3e5d7", "streamUrl": f"wss://ssmmessages.{R}.amazonaws.com/v1/data-channel/ecs-execute-command-0f4d2b8e6a1c3e5d7?role=publish_subscribe&cell-number=AAEAAZ",
        "tokenValue": "HIDDEN_DUE_TO_SECURITY_REASONS"}, "taskArn": TASK}, who=sb, ip=ATK, ua=cli('ecs.execute-command')))
# 10. exports bucket made publicly writable
T('10:14:50')
XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"; XSI = "http://www.w3.org/2001/XMLSchema-instance"
OWNER = "4c7e1a9d3f5b8e2c0a6d4f1b9e7c3a5d8f2b0e6c4a1d9f7b3e5c2a8d0f6b4e1c"
def s3(name, extra, ro=False):
    rp = {"bucketName": EXPORTS, "Host": f"{EXPORTS}.s3.amazonaws.com"}; rp.update(extra)
    e = ev('s3.amazonaws.com', name, rp, None, who=sb, ip=ATK, ua=cli('s3api.' + name.lower()), ro=ro,
           extra={"additionalEventData": {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0, "AuthenticationMethod": "AuthHeader",
                  "x-amz-id-2": "p0Lx3Tq8ZkV1mN6cR9wB2yH5jG4fD7sA0eU3iO8pQ1rT6yX9vC2zB5nM8kJ1hG4fE7dS0aW3qE6rT9u=", "bytesTransferredOut": 0},
                  "resources": [{"type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{EXPORTS}", "accountId": A}]})
    e["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": f"{EXPORTS}.s3.amazonaws.com"}
    return add(e)
s3('GetBucketAcl', {"acl": [""]}, ro=True)
s3('DeleteBucketPublicAccessBlock', {"publicAccessBlock": [""]})
s3('PutBucketOwnershipControls', {"ownershipControls": [""], "OwnershipControls": {"xmlns": XMLNS, "Rule": {"ObjectOwnership": "ObjectWriter"}}})
s3('PutBucketAcl', {"acl": [""], "AccessControlPolicy": {"xmlns": XMLNS, "Owner": {"ID": OWNER}, "AccessControlList": {"Grant": [
    {"Grantee": {"xmlns:xsi": XSI, "xsi:type": "CanonicalUser", "ID": OWNER}, "Permission": "FULL_CONTROL"},
    {"Grantee": {"xmlns:xsi": XSI, "xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "READ"},
    {"Grantee": {"xmlns:xsi": XSI, "xsi:type": "Group", "URI": "http://acs.amazonaws.com/groups/global/AllUsers"}, "Permission": "WRITE"}]}}})
# 11. the new user signs in to the console, no MFA
T('10:17:03')
add(ev('signin.amazonaws.com', 'ConsoleLogin', None, {"ConsoleLogin": "Success"}, who={"type": "IAMUser", "principalId": "AIDAUQ4ZP7LKX9E2RM6TW",
       "arn": f"arn:aws:iam::{A}:user/support-backup", "accountId": A, "userName": "support-backup"}, ip=ATK,
       ua='Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', etype='AwsConsoleSignIn',
       extra={"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true", "MobileVersion": "No", "MFAUsed": "No"}}))

# ------------------------------------------------------------------ more background, interleaved in time
for t, who, ip in (('10:02:40', nodes[0], NAT), ('10:06:05', nodes[1], NAT), ('10:11:22', nodes[0], NAT), ('10:16:40', nodes[1], NAT)):
    T(t)
    add(ev('ecr.amazonaws.com', 'GetAuthorizationToken', {}, None, who=who, ip=ip, ua='aws-sdk-go/1.55.5 (go1.22.8; linux; amd64) ecr-credential-provider', ro=True))
    add(ev('sts.amazonaws.com', 'AssumeRole', {"roleArn": f"arn:aws:iam::{A}:role/eks-node-payments-prod", "roleSessionName": who['arn'].rsplit('/', 1)[1]},
           {"credentials": creds(keyid('ASIA')), "assumedRoleUser": {"assumedRoleId": f"{ct._stable('eks-node-payments-prod', 'AROA')}:{who['arn'].rsplit('/', 1)[1]}",
            "arn": who['arn']}}, who={"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}, ip='ec2.amazonaws.com', ua='ec2.amazonaws.com', ro=True,
           extra={"sharedEventID": rid()}))
for t in ('09:59:30', '10:04:44', '10:09:58', '10:15:12'):
    T(t)
    add(ev('secretsmanager.amazonaws.com', 'GetSecretValue', {"secretId": "prod/payments/db"}, None, who=ses('payments-api-task', 'f3b2c1d0e9a84b7c9d6e5f4a3b2c1d0e', 'ASIAUQ4ZP7LKZ4PG7MCN'), ip=NAT, ua=BOTO, ro=True))
    add(ev('kms.amazonaws.com', 'Decrypt', {"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": {"SecretARN": f"arn:aws:secretsmanager:{R}:{A}:secret:prod/payments/db-Qm3xTb"}}, None,
           who={"type": "AWSService", "invokedBy": "secretsmanager.amazonaws.com"}, ip='secretsmanager.amazonaws.com', ua='secretsmanager.amazonaws.com', ro=True))
T('10:08:15')
for nm, rp in (('DescribeClusters', {"clusters": ["payments-fargate"]}), ('DescribeServices', {"cluster": "payments-fargate", "services": ["payments-api"]})):
    add(ev('ecs.amazonaws.com', nm, rp, None, who=adm, ip=OFFICE, ua=CONSOLE, ro=True, extra={"sessionCredentialFromConsole": "true"}))
T('10:13:40')
add(ev('ec2.amazonaws.com', 'DescribeInstances', {"instancesSet": {}, "filterSet": {"items": [{"name": "tag:eks:cluster-name", "valueSet": {"items": [{"value": CLUSTER}]}}]}}, None,
       who=ses('gitlab-ci-deployer', 'gitlab-1763631220', 'ASIAUQ4ZP7LKB8QM3XUD'), ip=RUNNER, ua=TF.format(svc='ec2'), ro=True))
add(ev('s3.amazonaws.com', 'GetBucketPolicy', {"bucketName": f"terraform-state-{A}", "Host": f"terraform-state-{A}.s3.amazonaws.com", "policy": [""]}, None,
       who=ses('gitlab-ci-deployer', 'gitlab-1763631220', 'ASIAUQ4ZP7LKB8QM3XUD'), ip=RUNNER, ua=TF.format(svc='s3'), ro=True, err='NoSuchBucketPolicy',
       msg='The bucket policy does not exist'))

# ------------------------------------------------------------------ write S3 deliveries
E.sort(key=lambda e: e['eventTime'])
shutil.rmtree(OUT, ignore_errors=True)
base = f'{OUT}/AWSLogs/{A}/CloudTrail/{R}/2026/11/20'
os.makedirs(base)
rng = random.Random(7)
alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
files = {}
for e in E:
    t = datetime.datetime.strptime(e['eventTime'], '%Y-%m-%dT%H:%M:%SZ')
    m = (t.minute // 5 + 1) * 5
    stamp = (t.replace(minute=0, second=0) + datetime.timedelta(minutes=m)).strftime('%Y%m%dT%H%MZ')
    files.setdefault(stamp, []).append(e)
logfiles = []
for stamp, recs in sorted(files.items()):
    rng.shuffle(recs)                     # CloudTrail does not order records within a file
    name = f'{A}_CloudTrail_{R}_{stamp}_' + ''.join(rng.choice(alnum) for _ in range(16)) + '.json.gz'
    body = json.dumps({"Records": recs}, separators=(',', ':'))
    with open(f'{base}/{name}', 'wb') as f:
        f.write(gzip.compress(body.encode(), mtime=0))
    times = sorted(r['eventTime'] for r in recs)
    logfiles.append({"s3Bucket": BUCKET, "s3Object": f"AWSLogs/{A}/CloudTrail/{R}/2026/11/20/{name}", "hashValue": hashlib.sha256(body.encode()).hexdigest(),
                     "hashAlgorithm": "SHA-256", "newestEventTime": times[-1], "oldestEventTime": times[0]})
dbase = f'{OUT}/AWSLogs/{A}/CloudTrail-Digest/{R}/2026/11/20'
os.makedirs(dbase)
dname = f'{A}_CloudTrail-Digest_{R}_org-trail_{R}_20261120T103000Z.json.gz'
prev = f'AWSLogs/{A}/CloudTrail-Digest/{R}/2026/11/20/{A}_CloudTrail-Digest_{R}_org-trail_{R}_20261120T093000Z.json.gz'
digest = {"awsAccountId": A, "digestStartTime": "2026-11-20T09:30:00Z", "digestEndTime": "2026-11-20T10:30:00Z", "digestS3Bucket": BUCKET,
          "digestS3Object": f"AWSLogs/{A}/CloudTrail-Digest/{R}/2026/11/20/{dname}", "digestPublicKeyFingerprint": "3d5e1c2b7a9f0e4d6c8b1a2f3e5d7c9b",
          "digestSignatureAlgorithm": "SHA256withRSA", "newestEventTime": E[-1]['eventTime'], "oldestEventTime": E[0]['eventTime'],
          "previousDigestS3Bucket": BUCKET, "previousDigestS3Object": prev, "previousDigestHashValue": hashlib.sha256(prev.encode()).hexdigest(),
          "previousDigestHashAlgorithm": "SHA-256", "previousDigestSignature": hashlib.sha512(prev.encode()).hexdigest() * 4, "logFiles": logfiles}
with open(f'{dbase}/{dname}', 'wb') as f:
    f.write(gzip.compress(json.dumps(digest, separators=(',', ':')).encode(), mtime=0))
print(len(E), 'events in', len(files), 'files')
