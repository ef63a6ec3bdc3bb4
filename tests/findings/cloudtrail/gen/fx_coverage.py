"""Rules for behaviours a peer's labelled CloudTrail tests showed uncovered
(issue 13): RDS destruction and tampering, Lambda deletion, cross-account
S3 copies, replication removal, CodeBuild exposure, bulk termination,
machine images, IAM roles and policy removal, opt-in regions, password
policy discovery, traffic mirroring, NACL egress, broad ingress ranges and
VPC endpoint network activity.  Kept in their own module so that the
records of the other modules (and their generated ids) stay stable."""
from ct import *
import zlib

EC2 = 'ec2.amazonaws.com'
RDS = 'rds.amazonaws.com'
IAM = 'iam.amazonaws.com'
S3 = 's3.amazonaws.com'
LAM = 'lambda.amazonaws.com'

atk = adm = tfr = None

def _who():
    global atk, adm, tfr
    atk = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    adm = user('ops-admin', key='AKIAXC2JH7NQB6PS2XJ9')
    tfr = role('terraform-apply', 'tf-1763460131', key='ASIAXC2JH7NQF3K9D2LM')

def slr(name, svc, session):
    """A session of an AWS service-linked role, as a service acting for the
    account writes it (invokedBy names the service)."""
    al = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
    h = zlib.crc32(name.encode())
    rid_ = 'AROAXC2JH7NQ' + ''.join(al[(h >> (5 * i)) & 31] for i in range(6)) + 'SLR'
    return {"type": "AssumedRole", "principalId": f"{rid_}:{session}",
            "arn": f"arn:aws:sts::{ACCT}:assumed-role/{name}/{session}", "accountId": ACCT,
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": rid_,
                                                 "arn": f"arn:aws:iam::{ACCT}:role/aws-service-role/{svc}/{name}",
                                                 "accountId": ACCT, "userName": name},
                               "webIdFederationData": {},
                               "attributes": {"creationDate": tick(0), "mfaAuthenticated": "false"}},
            "invokedBy": svc}

def _rds():
    F = {}
    at('2026-11-19T02:10:00Z')
    db, cl = 'payments-prod', 'orders-aurora'
    def ddi(who=atk, err=None, skip=True):
        rp = {"dBInstanceIdentifier": db, "skipFinalSnapshot": skip, "deleteAutomatedBackups": skip}
        if not skip:
            rp["finalDBSnapshotIdentifier"] = f"{db}-final"
        return ev(RDS, 'DeleteDBInstance', rp, None if err else {"dBInstanceIdentifier": db, "dBInstanceStatus": "deleting",
                  "dBInstanceArn": f"arn:aws:rds:{REGION}:{ACCT}:db:{db}", "engine": "postgres", "deletionProtection": False},
                  who=who, err=err, ip='198.51.100.77',
                  msg=None if err != 'InvalidParameterCombination' else 'Cannot delete protected DB Instance, please disable deletion protection and try again.')
    F['CT-DATA-010'] = (
        [ddi(), ev(RDS, 'DeleteDBCluster', {"dBClusterIdentifier": cl, "skipFinalSnapshot": False, "finalDBSnapshotIdentifier": f"{cl}-final"},
                   {"dBClusterIdentifier": cl, "status": "deleting", "dBClusterArn": f"arn:aws:rds:{REGION}:{ACCT}:cluster:{cl}"}, who=tfr)],
        [ddi(err='InvalidParameterCombination'), ddi(err='AccessDenied'),
         ev(RDS, 'ModifyDBInstance', {"dBInstanceIdentifier": db, "allocatedStorage": 200}, None, who=tfr),
         ev(RDS, 'CreateDBInstanceReadReplica', {"dBInstanceIdentifier": f"{db}-replica", "sourceDBInstanceIdentifier": db}, None, who=tfr),
         ev(RDS, 'DescribeDBInstances', {"dBInstanceIdentifier": db}, None, who=adm, ro=True)])
    snap = 'payments-2026-11-18'
    def dds(verb, ident, who=atk, err=None, ip='198.51.100.77', ua=None):
        key = 'dBSnapshotIdentifier' if verb == 'DeleteDBSnapshot' else 'dBClusterSnapshotIdentifier'
        re = None if err else {key: ident, "status": "deleted", "snapshotType": "manual" if not ident.startswith('awsbackup') else "awsbackup"}
        return ev(RDS, verb, {key: ident}, re, who=who, err=err, ip=ip, ua=ua,
                  msg='Cannot delete the snapshot because it is in use by a running copy.' if err == 'InvalidDBSnapshotState' else None)
    backup = slr('AWSServiceRoleForBackup', 'backup.amazonaws.com', 'AWSBackup-AWSServiceRoleForBackup')
    F['CT-DATA-011'] = (
        [dds('DeleteDBSnapshot', snap), dds('DeleteDBClusterSnapshot', f'{cl}-2026-11-17')],
        [dds('DeleteDBSnapshot', snap, err='InvalidDBSnapshotState'),
         dds('DeleteDBSnapshot', 'awsbackup:job-3f9e2a1c-7b4d-4e8f-a6c5-0d1e2f3a4b5c', who=backup, ip='backup.amazonaws.com', ua='backup.amazonaws.com'),
         ev(RDS, 'CreateDBSnapshot', {"dBSnapshotIdentifier": "payments-pre-migration", "dBInstanceIdentifier": db}, None, who=adm),
         ev(RDS, 'DescribeDBSnapshots', {"dBInstanceIdentifier": db}, None, who=adm, ro=True)])
    dbi = 'db-7KQ2M4N6P8R0T2V4X6Z8B0D2F4'
    cri = 'cluster-H3J5L7N9Q1S3U5W7Y9A1C3E5G7'
    F['CT-DATA-012'] = (
        [ev(RDS, 'DeleteDBInstanceAutomatedBackup', {"dbiResourceId": dbi},
            {"dBInstanceAutomatedBackupsArn": f"arn:aws:rds:{REGION}:{ACCT}:auto-backup:ab-5m7p9r1t3v5x7z9b1d3f5h7j9l", "dbiResourceId": dbi,
             "dBInstanceIdentifier": db, "status": "deleting", "engine": "postgres", "allocatedStorage": 100}, who=atk, ip='198.51.100.77'),
         ev(RDS, 'DeleteDBClusterAutomatedBackup', {"dbClusterResourceId": cri},
            {"dbClusterResourceId": cri, "dBClusterIdentifier": cl, "status": "deleting", "engine": "aurora-postgresql"}, who=atk, ip='198.51.100.77')],
        [ev(RDS, 'DeleteDBInstanceAutomatedBackup', {"dbiResourceId": dbi}, None, who=atk, err='AccessDenied'),
         ev(RDS, 'DescribeDBInstanceAutomatedBackups', {"dbiResourceId": dbi}, None, who=adm, ro=True),
         ev(RDS, 'StartDBInstanceAutomatedBackupsReplication', {"sourceDBInstanceArn": f"arn:aws:rds:{REGION}:{ACCT}:db:{db}", "backupRetentionPeriod": 7},
            None, who=tfr, region='us-west-2')])
    arn_cl = f"arn:aws:rds:{REGION}:{ACCT}:cluster:{cl}"
    F['CT-DATA-013'] = (
        [ev(RDS, 'StopActivityStream', {"resourceArn": arn_cl, "applyImmediately": True},
            {"kmsKeyId": f"arn:aws:kms:{REGION}:{ACCT}:key/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
             "kinesisStreamName": "aws-rds-das-cluster-H3J5L7N9Q1S3U5W7Y9A1C3E5G7", "status": "stopping"}, who=atk, ip='198.51.100.77')],
        [ev(RDS, 'StopActivityStream', {"resourceArn": arn_cl, "applyImmediately": True}, None, who=atk, err='AccessDenied'),
         ev(RDS, 'StartActivityStream', {"resourceArn": arn_cl, "mode": "async", "kmsKeyId": "alias/das", "applyImmediately": True},
            {"kinesisStreamName": "aws-rds-das-cluster-H3J5L7N9Q1S3U5W7Y9A1C3E5G7", "status": "starting", "mode": "async"}, who=adm)])
    def cds(src, region, who=atk, err=None, cluster=False, source_region=None):
        if cluster:
            rp = {"sourceDBClusterSnapshotIdentifier": src, "targetDBClusterSnapshotIdentifier": "orders-copy", "copyTags": True}
            re = {"dBClusterSnapshotIdentifier": "orders-copy", "status": "copying"}
        else:
            rp = {"sourceDBSnapshotIdentifier": src, "targetDBSnapshotIdentifier": "payments-copy", "copyTags": True}
            re = {"dBSnapshotIdentifier": "payments-copy", "status": "copying"}
        if source_region:
            rp["sourceRegion"] = source_region
            re["sourceRegion"] = source_region
        return ev(RDS, 'CopyDBClusterSnapshot' if cluster else 'CopyDBSnapshot', rp, None if err else re, who=who, err=err, region=region)
    F['CT-DATA-014'] = (
        [cds(f"arn:aws:rds:us-east-1:{ACCT}:snapshot:{snap}", 'ap-southeast-3', source_region='us-east-1'),
         cds(f"arn:aws:rds:us-east-1:{ACCT}:cluster-snapshot:{cl}-2026-11-17", 'eu-west-1', cluster=True)],
        [cds(snap, 'us-east-1', who=adm), cds(f"arn:aws:rds:us-east-1:{ACCT}:snapshot:{snap}", 'us-east-1', who=adm),
         cds(f"arn:aws:rds:us-east-1:{ACCT}:snapshot:{snap}", 'ap-southeast-3', err='AccessDenied', source_region='us-east-1')])
    F['CT-DATA-015'] = (
        [ev(RDS, 'AddRoleToDBInstance', {"dBInstanceIdentifier": db, "roleArn": f"arn:aws:iam::{ACCT}:role/rds-s3-export", "featureName": "s3Export"}, None, who=atk),
         ev(RDS, 'AddRoleToDBCluster', {"dBClusterIdentifier": cl, "roleArn": f"arn:aws:iam::{ACCT}:role/aurora-lambda-invoke", "featureName": "Lambda"}, None, who=atk)],
        [ev(RDS, 'RemoveRoleFromDBInstance', {"dBInstanceIdentifier": db, "roleArn": f"arn:aws:iam::{ACCT}:role/rds-s3-export", "featureName": "s3Export"}, None, who=adm),
         ev(RDS, 'AddRoleToDBCluster', {"dBClusterIdentifier": cl, "roleArn": f"arn:aws:iam::{ACCT}:role/aurora-lambda-invoke"}, None, who=atk,
            err='DBClusterRoleAlreadyExists')])
    return F

def _exposure():
    F = {}
    at('2026-11-19T03:00:00Z')
    CB = 'codebuild.amazonaws.com'
    parn = f"arn:aws:codebuild:{REGION}:{ACCT}:project/payments-api-build"
    def upv(vis, who=atk, err=None):
        rp = {"projectArn": parn, "projectVisibility": vis}
        if vis == 'PUBLIC_READ':
            rp["resourceAccessRole"] = f"arn:aws:iam::{ACCT}:role/service-role/codebuild-public-logs"
        re = None if err else {"projectArn": parn, "projectVisibility": vis,
                               "publicProjectAlias": "b2c8e1f0-4a7d-4e3b-9c6a-5d8f0e2a1b3c" if vis == 'PUBLIC_READ' else None}
        if re and re["publicProjectAlias"] is None:
            del re["publicProjectAlias"]
        return ev(CB, 'UpdateProjectVisibility', rp, re, who=who, err=err)
    F['CT-DATA-016'] = (
        [upv('PUBLIC_READ')],
        [upv('PRIVATE', who=adm), upv('PUBLIC_READ', err='AccessDeniedException'),
         ev(CB, 'CreateProject', {"name": "payments-api-build", "source": {"type": "GITHUB", "location": "https://github.com/example/payments-api"},
            "artifacts": {"type": "NO_ARTIFACTS"}, "environment": {"type": "LINUX_CONTAINER", "image": "aws/codebuild/standard:7.0", "computeType": "BUILD_GENERAL1_SMALL"},
            "serviceRole": f"arn:aws:iam::{ACCT}:role/service-role/codebuild-payments"}, None, who=tfr)])
    iid = 'i-0a7c3e9f1b2d4c6e8'
    def ci(who=atk, err=None, ip='198.51.100.77', ua=None):
        return ev(EC2, 'CreateImage', {"instanceId": iid, "name": "web-1-backup", "noReboot": True, "blockDeviceMapping": {}},
                  None if err else {"requestId": rid(), "imageId": "ami-0c4e6a8b0d2f4a6c8"}, who=who, err=err, ip=ip, ua=ua)
    backup = slr('AWSServiceRoleForBackup', 'backup.amazonaws.com', 'AWSBackup-AWSServiceRoleForBackup')
    F['CT-DATA-017'] = (
        [ci(), ev(EC2, 'CopyImage', {"sourceRegion": "us-east-1", "sourceImageId": "ami-0c4e6a8b0d2f4a6c8", "name": "web-1-backup", "encrypted": False},
                  {"requestId": rid(), "imageId": "ami-09b1d3f5a7c9e1b3d"}, who=atk, ip='198.51.100.77', region='ap-southeast-3')],
        [ci(err='Client.InvalidInstanceID.NotFound'), ci(who=backup, ip='backup.amazonaws.com', ua='backup.amazonaws.com'),
         ev(EC2, 'DescribeImages', {"imagesSet": {"items": [{"imageId": "ami-0c4e6a8b0d2f4a6c8"}]}, "filterSet": {}}, None, who=adm, ro=True),
         ev(EC2, 'CreateSnapshot', {"volumeId": "vol-0d1e2f3a4b5c6d7e8", "description": "nightly"}, None, who=tfr)])
    return F

def _compute():
    F = {}
    at('2026-11-19T04:00:00Z')
    fn = 'thumbnailer'
    F['CT-CMP-017'] = (
        [ev(LAM, 'DeleteFunction20150331', {"functionName": fn}, None, who=atk, ip='198.51.100.77'),
         ev(LAM, 'DeleteFunction20150331', {"functionName": f"arn:aws:lambda:{REGION}:{ACCT}:function:audit-forwarder"}, None, who=atk, ip='198.51.100.77')],
        [ev(LAM, 'DeleteFunction20150331', {"functionName": "no-such-fn"}, None, who=atk, err='ResourceNotFoundException',
            msg=f'Function not found: arn:aws:lambda:{REGION}:{ACCT}:function:no-such-fn'),
         ev(LAM, 'DeleteFunctionConcurrency20171031', {"functionName": fn}, None, who=tfr),
         ev(LAM, 'DeleteFunctionUrlConfig20211031', {"functionName": fn}, None, who=tfr),
         ev(LAM, 'GetFunction20150331v2', {"functionName": fn}, None, who=adm, ro=True)])
    ids = ['i-0%016x' % (0x4b2d6f8a1c3e5a7 + n * 104729) for n in range(14)]
    def ti(iids, who=atk, err=None, ip='198.51.100.77', ua=None):
        rp = {"instancesSet": {"items": [{"instanceId": i} for i in iids]}}
        re = None if err else {"requestId": rid(), "instancesSet": {"items": [{"instanceId": i, "currentState": {"code": 32, "name": "shutting-down"},
                               "previousState": {"code": 16, "name": "running"}} for i in iids]}}
        return ev(EC2, 'TerminateInstances', rp, re, who=who, err=err, ip=ip, ua=ua,
                  msg='You are not authorized to perform this operation.' if err == 'Client.UnauthorizedOperation' else None)
    asg = slr('AWSServiceRoleForAutoScaling', 'autoscaling.amazonaws.com', 'AutoScaling')
    pos = [ti(ids[:12])]
    # the same count one instance at a time, within the window
    at('2026-11-19T04:20:00Z')
    who2 = role('incident-admin', 'mallory', key='ASIAXC2JH7NQ9MW3TYRE')
    pos += [ti([i], who=who2, ip='203.0.113.200') for i in ids[2:12]]
    at('2026-11-19T05:00:00Z')
    neg = [ti(ids[:12], who=asg, ip='autoscaling.amazonaws.com', ua='autoscaling.amazonaws.com'),
           ti(ids[:3], who=adm),
           ti(ids[:12], err='Client.UnauthorizedOperation'),
           ti(ids[:12], who=tfr, err='Client.DryRunOperation')]
    # twelve instances one by one, 15 minutes apart: never ten in a window
    for i in ids[:12]:
        tick(900)
        neg.append(ti([i], who=tfr, ip='3.91.12.7'))
    F['CT-CMP-018'] = (pos, neg)
    return F

def _s3():
    F = {}
    at('2026-11-19T06:00:00Z')
    exfil = role('reporting-etl', 'etl-1763521200', key='ASIAXC2JH7NQH5RW2KXN')
    def add(bi=0, bo=0):
        return {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": bi,
                "AuthenticationMethod": "AuthHeader", "x-amz-id-2": "Qm4Xz8Lr2Vt6Np0Hk3Jb7Fw1Cy5Ds9Ge2Ua6Io0Pe4Rt8Yw3Zx7Cv1Bn5Mk9Lj=", "bytesTransferredOut": bo}
    def copy(src, src_acct, dst, dst_acct, key='exports/customers-2026-11.csv.gz', who=exfil, err=None, verb='CopyObject', ip='198.51.100.77'):
        rp = {"bucketName": dst, "Host": f"{dst}.s3.amazonaws.com", "key": key, "x-amz-copy-source": f"{src}/{key}"}
        if verb == 'UploadPartCopy':
            rp.update({"partNumber": "1", "uploadId": "Xq3LmV8rT2nW6pY0sB4dF7hJ1kM5cZ9g"})
        re = None if err else ({"CopyObjectResult": {"LastModified": "2026-11-19T06:00:07.000Z", "ETag": "9b2cf535f27731c974343645a3985328"}}
                               if verb == 'CopyObject' else None)
        e = ev(S3, verb, rp, re, who=who, err=err, ip=ip, category='Data',
               extra={"additionalEventData": add(), "resources": [
                   {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{dst}/{key}"},
                   {"accountId": dst_acct, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{dst}"},
                   {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{src}/{key}"},
                   {"accountId": src_acct, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{src}"}]})
        e["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": f"{dst}.s3.amazonaws.com"}
        e["readOnly"] = False
        if err:
            e["errorMessage"] = "Access Denied"
        return e
    victim = 'customer-exports-prod'
    outside = {"type": "AWSAccount", "principalId": "AROA3X7K2M9Q4W1E5R8TY:exfil", "accountId": EXT}
    ext_copy = copy(victim, ACCT, 'dl-sync-739104582266', EXT, who=outside)
    ext_copy["recipientAccountId"] = ACCT
    F['CT-S3-015'] = (
        [copy(victim, ACCT, 'dl-sync-739104582266', EXT),
         copy(victim, ACCT, 'dl-sync-739104582266', EXT, verb='UploadPartCopy'),
         ext_copy],
        [copy(victim, ACCT, 'customer-exports-archive', ACCT, who=tfr, ip='3.91.12.7'),
         copy(victim, ACCT, 'dl-sync-739104582266', EXT, err='AccessDenied'),
         copy('customer-exports-archive', ACCT, victim, ACCT, key='exports/customers-2026-10.csv.gz', who=tfr, ip='3.91.12.7')])
    def s3m(name, bucket, extra, who, err=None, ro=False):
        rp = {"bucketName": bucket, "Host": f"{bucket}.s3.amazonaws.com"}
        rp.update(extra)
        e = ev(S3, name, rp, None, who=who, err=err, ro=ro, extra={"additionalEventData": add(),
               "resources": [{"type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}", "accountId": ACCT}]})
        e["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": f"{bucket}.s3.amazonaws.com"}
        return e
    F['CT-S3-016'] = (
        [s3m('DeleteBucketReplication', victim, {"replication": ""}, atk)],
        [s3m('DeleteBucketReplication', victim, {"replication": ""}, atk, err='AccessDenied'),
         s3m('GetBucketReplication', victim, {"replication": ""}, adm, ro=True),
         s3m('PutBucketReplication', victim, {"replication": "", "ReplicationConfiguration": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
             "Role": f"arn:aws:iam::{ACCT}:role/s3-replication", "Rule": {"ID": "dr", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
             "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": "arn:aws:s3:::customer-exports-dr"}}}}, tfr)])
    return F

def _iam():
    F = {}
    at('2026-11-19T07:00:00Z')
    trust = pdoc([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}])
    def cr(name, who=atk, err=None):
        return ev(IAM, 'CreateRole', {"roleName": name, "assumeRolePolicyDocument": trust, "path": "/"},
                  None if err else {"role": {"path": "/", "roleName": name, "roleId": pid('AROA'), "arn": f"arn:aws:iam::{ACCT}:role/{name}",
                                             "createDate": fmt_date(), "assumeRolePolicyDocument": urlenc(trust)}}, who=who, err=err)
    F['CT-IAM-025'] = (
        [cr('ec2-maintenance'), cr('batch-worker', who=tfr)],
        [cr('ec2-maintenance', err='EntityAlreadyExists'),
         ev(IAM, 'CreateServiceLinkedRole', {"aWSServiceName": "elasticbeanstalk.amazonaws.com"}, None, who=adm),
         ev(IAM, 'GetRole', {"roleName": "ec2-maintenance"}, None, who=adm, ro=True)])
    F['CT-IAM-026'] = (
        [ev(IAM, 'DeleteGroupPolicy', {"groupName": "contractors", "policyName": "deny-iam-and-billing"}, None, who=atk),
         ev(IAM, 'DeleteRolePolicy', {"roleName": "ci-deployer", "policyName": "deny-prod-data"}, None, who=atk),
         ev(IAM, 'DetachUserPolicy', {"userName": "dev-jsmith", "policyArn": f"arn:aws:iam::{ACCT}:policy/deny-outside-office-ip"}, None, who=atk)],
        [ev(IAM, 'DeleteGroupPolicy', {"groupName": "contractors", "policyName": "deny-iam-and-billing"}, None, who=atk, err='NoSuchEntity',
            msg='The group policy with name deny-iam-and-billing cannot be found.'),
         ev(IAM, 'PutGroupPolicy', {"groupName": "contractors", "policyName": "read-only-s3",
            "policyDocument": pdoc([{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}])}, None, who=adm),
         ev(IAM, 'ListGroupPolicies', {"groupName": "contractors"}, None, who=adm, ro=True)])
    config = slr('AWSServiceRoleForConfig', 'config.amazonaws.com', 'AWSConfig-Describe')
    hub = slr('AWSServiceRoleForSecurityHub', 'securityhub.amazonaws.com', 'securityhub')
    def gpp(who, err=None, ip='198.51.100.77', ua=None):
        return ev(IAM, 'GetAccountPasswordPolicy', None, None, who=who, err=err, ro=True, ip=ip, ua=ua,
                  msg=f'The Password Policy with domain name {ACCT} cannot be found.' if err == 'NoSuchEntity' else None)
    F['CT-IAM-027'] = (
        [gpp(atk), gpp(role('dev-readonly', 'aws-go-sdk-1763472045', key='ASIAXC2JH7NQT6B3YHAZ'), err='NoSuchEntity', ua=BOTO)],
        [gpp(config, ip='config.amazonaws.com', ua='config.amazonaws.com'),
         gpp(hub, ip='securityhub.amazonaws.com', ua='securityhub.amazonaws.com'),
         ev(IAM, 'UpdateAccountPasswordPolicy', {"minimumPasswordLength": 16, "requireSymbols": True, "requireNumbers": True,
            "requireUppercaseCharacters": True, "requireLowercaseCharacters": True}, None, who=adm)])
    return F

def _region():
    at('2026-11-19T07:30:00Z')
    ACC = 'account.amazonaws.com'
    return {'CT-LOG-029': (
        [ev(ACC, 'EnableRegion', {"RegionName": "ap-southeast-3"}, None, who=atk, ip='198.51.100.77'),
         ev(ACC, 'EnableRegion', {"AccountId": ACCT, "RegionName": "me-central-1"}, None, who=role('OrganizationAccountAccessRole', 'incident-x'), ip='198.51.100.77', ua=BOTO)],
        [ev(ACC, 'EnableRegion', {"RegionName": "ap-southeast-3"}, None, who=atk, err='AccessDeniedException'),
         ev(ACC, 'GetRegionOptStatus', {"RegionName": "ap-southeast-3"}, None, who=adm, ro=True),
         ev(ACC, 'ListRegions', {"RegionOptStatusContains": ["ENABLED", "ENABLED_BY_DEFAULT"]}, None, who=adm, ro=True),
         ev(ACC, 'DisableRegion', {"RegionName": "af-south-1"}, None, who=adm)])}

def _net():
    F = {}
    at('2026-11-19T08:00:00Z')
    sg = 'sg-0d4e1f2a3b5c6d7e8'
    def perm(proto, fp, tp, v4=(), v6=()):
        return {"ipProtocol": proto, "fromPort": fp, "toPort": tp, "groups": {},
                "ipRanges": {"items": [{"cidrIp": c} for c in v4]} if v4 else {},
                "ipv6Ranges": {"items": [{"cidrIpv6": c} for c in v6]} if v6 else {}, "prefixListIds": {}}
    def rules_(perms):
        out = []
        for n, p in enumerate(perms):
            for c in [r["cidrIp"] for r in p["ipRanges"].get("items", [])]:
                out.append({"groupOwnerId": ACCT, "groupId": sg, "securityGroupRuleId": "sgr-0%016x" % (0x5a3c1e9f7b2d4068 + len(out)), "isEgress": False,
                            "ipProtocol": p["ipProtocol"], "fromPort": p["fromPort"], "toPort": p["toPort"], "cidrIpv4": c})
            for c in [r["cidrIpv6"] for r in p["ipv6Ranges"].get("items", [])]:
                out.append({"groupOwnerId": ACCT, "groupId": sg, "securityGroupRuleId": "sgr-0%016x" % (0x5a3c1e9f7b2d4068 + len(out)), "isEgress": False,
                            "ipProtocol": p["ipProtocol"], "fromPort": p["fromPort"], "toPort": p["toPort"], "cidrIpv6": c})
        return out
    def asgi(perms, who=atk, err=None, verb='AuthorizeSecurityGroupIngress'):
        return ev(EC2, verb, {"groupId": sg, "ipPermissions": {"items": perms}},
                  None if err else {"requestId": rid(), "_return": True, "securityGroupRuleSet": {"items": rules_(perms)}}, who=who, err=err)
    def flat(cidr, port, who=atk):
        return ev(EC2, 'AuthorizeSecurityGroupIngress', {"groupId": sg, "ipPermissions": {}, "ipProtocol": "tcp", "fromPort": port, "toPort": port, "cidrIp": cidr},
                  {"requestId": rid(), "_return": True}, who=who)
    def msgr(cidr, fp, tp, who=atk):
        return ev(EC2, 'ModifySecurityGroupRules', {"ModifySecurityGroupRulesRequest": {"GroupId": sg, "SecurityGroupRule": {"SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60718",
                  "SecurityGroupRule": {"CidrIpv4": cidr, "IpProtocol": "tcp", "FromPort": fp, "ToPort": tp, "Description": ""}, "tag": 1}}},
                  {"ModifySecurityGroupRulesResponse": {"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "return": True, "requestId": rid()}}, who=who)
    F['CT-NET-009'] = (
        # /0 split in two halves; a public /8; a public /15; all of IPv6's global unicast space
        [asgi([perm('tcp', 22, 22, v4=['0.0.0.0/1', '128.0.0.0/1'])]), flat('3.0.0.0/8', 443), msgr('52.94.0.0/15', 5432, 5432),
         asgi([perm('tcp', 443, 443, v6=['2000::/3'])]), flat('64.0.0.0/2', 8080)],
        [asgi([perm('tcp', 22, 22, v4=['10.0.0.0/8'])], who=adm), asgi([perm('tcp', 5432, 5432, v4=['172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'])], who=tfr),
         flat('203.0.113.0/24', 22, who=adm), msgr('198.51.0.0/17', 443, 443, who=adm), asgi([perm('tcp', 443, 443, v6=['fd00::/8', '2001:db8::/32'])], who=tfr),
         asgi([perm('tcp', 22, 22, v4=['0.0.0.0/0'])]), asgi([perm('tcp', 22, 22, v4=['0.0.0.0/1'])], err='Client.InvalidPermission.Duplicate'),
         asgi([perm('-1', -1, -1, v4=['0.0.0.0/1', '128.0.0.0/1'])], verb='AuthorizeSecurityGroupEgress', who=tfr)])
    def nacl(cidr, egress, action='allow', err=None, who=atk, verb='CreateNetworkAclEntry', v6=False):
        rp = {"networkAclId": "acl-0e7d6c5b4a3928170", "ruleNumber": 95, "egress": egress, "ruleAction": action,
              "icmpTypeCode": {}, "portRange": {"from": 0, "to": 65535}, "aclProtocol": "-1"}
        rp["ipv6CidrBlock" if v6 else "cidrBlock"] = cidr
        return ev(EC2, verb, rp, None if err else {"requestId": rid(), "_return": True}, who=who, err=err)
    F['CT-NET-010'] = (
        [nacl('0.0.0.0/0', True), nacl('::/0', True, v6=True, verb='ReplaceNetworkAclEntry')],
        [nacl('0.0.0.0/0', True, action='deny', who=adm), nacl('10.0.0.0/8', True, who=tfr), nacl('0.0.0.0/0', False),
         nacl('0.0.0.0/0', True, err='NetworkAclEntryAlreadyExists')])
    return F

def _mirror():
    F = {}
    def tm(name, body, who=atk, err=None, msg=None, ro=False):
        req = {f"{name}Request": body}
        re = None if err or ro else {f"{name}Response": {"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "requestId": rid()}}
        return ev(EC2, name, req, re, who=who, err=err, msg=msg, ro=ro)
    F['CT-NET-011'] = (
        [tm('ModifyTrafficMirrorSession', {"TrafficMirrorSessionId": "tms-0c2e4a6b8d0f1a3c5", "TrafficMirrorTargetId": "tmt-0e1d2c3b4a5968778"}),
         tm('ModifyTrafficMirrorFilterRule', {"TrafficMirrorFilterRuleId": "tmfr-0a9b8c7d6e5f4a3b2", "DestinationCidrBlock": "0.0.0.0/0", "SourceCidrBlock": "0.0.0.0/0"}),
         tm('DeleteTrafficMirrorSession', {"TrafficMirrorSessionId": "tms-0c2e4a6b8d0f1a3c5"}),
         tm('DeleteTrafficMirrorTarget', {"TrafficMirrorTargetId": "tmt-0e1d2c3b4a5968778"})],
        [tm('DescribeTrafficMirrorSessions', {"MaxResults": 1000}, who=adm, ro=True),
         tm('CreateTrafficMirrorFilter', {"ClientToken": rid()}, who=adm),
         tm('DeleteTrafficMirrorSession', {"TrafficMirrorSessionId": "tms-0c2e4a6b8d0f1a3c5"}, err='Client.InvalidTrafficMirrorSessionId.NotFound',
            msg="The traffic mirror session ID 'tms-0c2e4a6b8d0f1a3c5' does not exist")])
    F['CT-NET-012'] = (
        [tm('CreateTrafficMirrorSession', {"ClientToken": rid(), "NetworkInterfaceId": "eni-0c61fbc84fca41380", "SessionNumber": 1,
            "TrafficMirrorFilterId": "tmf-010db9a7d8056cc2d", "TrafficMirrorTargetId": "tmt-0fd4b591901182794"},
            err='Client.NetworkInterfaceNotSupported', msg='eni-0c61fbc84fca41380 must be attached to a supported instance'),
         tm('CreateTrafficMirrorTarget', {"ClientToken": rid(), "NetworkInterfaceId": "eni-0fd6cc8547555878f"},
            err='Client.UnauthorizedOperation', msg='You are not authorized to perform this operation.'),
         tm('DeleteTrafficMirrorSession', {"TrafficMirrorSessionId": "tms-0c2e4a6b8d0f1a3c5"}, err='Client.InvalidTrafficMirrorSessionId.NotFound',
            msg="The traffic mirror session ID 'tms-0c2e4a6b8d0f1a3c5' does not exist")],
        [tm('CreateTrafficMirrorSession', {"ClientToken": rid(), "NetworkInterfaceId": "eni-0c61fbc84fca41380", "SessionNumber": 1,
            "TrafficMirrorFilterId": "tmf-010db9a7d8056cc2d", "TrafficMirrorTargetId": "tmt-0fd4b591901182794"}),
         tm('DescribeTrafficMirrorTargets', {"MaxResults": 1000}, who=atk, ro=True, err='Client.UnauthorizedOperation',
            msg='You are not authorized to perform this operation.')])
    return F

def _vpce():
    F = {}
    vpce = 'vpce-0a1b2c3d4e5f60718'
    def ne(src, name, who, err=None, rp=None, ip='10.20.3.14'):
        e = ev(src, name, rp, None, who=who, err=err, ip=ip, etype='AwsVpceEvent', category='NetworkActivity',
               msg='The request was denied due to a VPC endpoint policy' if err == 'VpceAccessDenied' else None,
               extra={"vpcEndpointId": vpce, "vpcEndpointAccountId": ACCT, "sharedEventID": rid()})
        for k in ('userAgent', 'readOnly', 'managementEvent', 'tlsDetails', 'responseElements'):
            e.pop(k, None)
        if rp is None:
            e.pop('requestParameters', None)
        e["recipientAccountId"] = ACCT
        return e
    outside = {"type": "AWSAccount", "principalId": "AROA3X7K2M9Q4W1E5R8TY:exfil", "accountId": EXT}
    app = role('payments-task', 'ecs-task-5c2f8e1a', key='ASIAXC2JH7NQJ8V4XCLM')
    obj = {"bucketName": "dl-sync-739104582266", "Host": "dl-sync-739104582266.s3.us-east-1.amazonaws.com", "key": "part-0001.gz"}
    F['CT-NET-013'] = (
        [ne(S3, 'PutObject', outside, err='VpceAccessDenied', rp=obj),
         ne('secretsmanager.amazonaws.com', 'GetSecretValue', app, err='VpceAccessDenied', rp={"secretId": f"arn:aws:secretsmanager:{REGION}:{EXT}:secret:staging-Xk2m9Q"})],
        [ne(S3, 'GetObject', app, rp={"bucketName": "payments-assets", "Host": "payments-assets.s3.us-east-1.amazonaws.com", "key": "logo.png"}),
         ev(S3, 'GetObject', {"bucketName": "payments-assets", "key": "logo.png"}, None, who=app, err='AccessDenied', msg='Access Denied', category='Data')])
    F['CT-NET-014'] = (
        [ne(S3, 'PutObject', outside, rp=obj), ne(S3, 'ListBuckets', outside)],
        [ne(S3, 'GetObject', app, rp={"bucketName": "payments-assets", "Host": "payments-assets.s3.us-east-1.amazonaws.com", "key": "logo.png"}),
         ne(S3, 'PutObject', outside, err='VpceAccessDenied', rp=obj),
         ev(S3, 'PutObject', obj, None, who=app, category='Data', extra={"vpcEndpointId": vpce, "vpcEndpointAccountId": EXT})])
    return F

def fixtures():
    _who()
    F = {}
    for part in (_rds, _exposure, _compute, _s3, _iam, _region, _net, _mirror, _vpce):
        F.update(part())
    return F
