from ct import *
import json

EC2 = 'ec2.amazonaws.com'
RDS = 'rds.amazonaws.com'

def fixtures():
    F = {}
    at('2026-11-18T17:31:12Z')
    atk = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    adm = user('ops-admin', key='AKIAXC2JH7NQB6PS2XJ9')
    tfr = role('terraform-apply', 'tf-1763460131', key='ASIAXC2JH7NQF3K9D2LM')
    snap = 'snap-0b9c8d7e6f5a41302'
    ami = 'ami-0f1e2d3c4b5a69788'
    def mss(item, who=atk, err=None, verb='add'):
        return ev(EC2, 'ModifySnapshotAttribute', {"snapshotId": snap, "attributeType": "CREATE_VOLUME_PERMISSION",
                  "createVolumePermission": {verb: {"items": [item]}}}, None if err else {"requestId": rid(), "_return": True}, who=who, err=err)
    def mia(item, who=atk, err=None, verb='add'):
        return ev(EC2, 'ModifyImageAttribute', {"imageId": ami, "attributeType": "launchPermission",
                  "launchPermission": {verb: {"items": [item]}}}, None if err else {"requestId": rid(), "_return": True}, who=who, err=err)
    def mdsa(vals, who=atk, err=None, attr='restore'):
        return ev(RDS, 'ModifyDBSnapshotAttribute', {"dBSnapshotIdentifier": "payments-2026-11-18", "attributeName": attr, "valuesToAdd": vals},
                  None if err else {"dBSnapshotIdentifier": "payments-2026-11-18", "dBSnapshotAttributes": [{"attributeName": attr, "attributeValues": vals}]}, who=who, err=err)
    F['CT-DATA-001'] = (
        [mss({"group": "all"}), mia({"group": "all"}), mdsa(["all"])],
        [mss({"userId": EXT}), mss({"group": "all"}, verb='remove', who=adm), mia({"group": "all"}, err='Client.UnauthorizedOperation'), mdsa([EXT])])
    F['CT-DATA-002'] = (
        [mss({"userId": EXT}), mia({"userId": EXT}), mdsa([EXT]),
         mia({"organizationArn": "arn:aws:organizations::926371549208:organization/o-7k2m9x4q1z"}, who=tfr)],
        [mss({"group": "all"}), mss({"userId": EXT}, verb='remove', who=adm), mdsa([EXT], err='AccessDenied'),
         ev(EC2, 'ModifySnapshotAttribute', {"snapshotId": snap, "attributeType": "CREATE_VOLUME_PERMISSION", "createVolumePermission": {"add": {"items": [{"userId": ACCT}]}}}, {"_return": True}, who=adm)])
    db = 'payments-prod'
    F['CT-DATA-003'] = (
        [ev(RDS, 'ModifyDBInstance', {"dBInstanceIdentifier": db, "publiclyAccessible": True, "applyImmediately": True}, {"dBInstanceIdentifier": db, "publiclyAccessible": False}, who=atk),
         ev(RDS, 'RestoreDBInstanceFromDBSnapshot', {"dBInstanceIdentifier": "restore-tmp", "dBSnapshotIdentifier": "payments-2026-11-18", "publiclyAccessible": True},
            {"dBInstanceIdentifier": "restore-tmp", "publiclyAccessible": True, "dBInstanceStatus": "creating"}, who=atk),
         ev(RDS, 'StartExportTask', {"exportTaskIdentifier": "exp-1", "sourceArn": f"arn:aws:rds:{REGION}:{ACCT}:snapshot:payments-2026-11-18",
            "s3BucketName": "tmp-export-77", "iamRoleArn": f"arn:aws:iam::{ACCT}:role/rds-s3-export", "kmsKeyId": "alias/aws/rds"}, None, who=atk)],
        [ev(RDS, 'ModifyDBInstance', {"dBInstanceIdentifier": db, "dBInstanceClass": "db.r6g.xlarge"}, None, who=tfr),
         ev(RDS, 'RestoreDBInstanceFromDBSnapshot', {"dBInstanceIdentifier": "restore-tmp", "dBSnapshotIdentifier": "payments-2026-11-18", "publiclyAccessible": False},
            {"dBInstanceIdentifier": "restore-tmp", "publiclyAccessible": False}, who=adm),
         ev(RDS, 'ModifyDBInstance', {"dBInstanceIdentifier": db, "publiclyAccessible": True}, None, who=atk, err='AccessDenied')])
    F['CT-DATA-004'] = (
        [ev(RDS, 'ModifyDBInstance', {"dBInstanceIdentifier": db, "masterUserPassword": "HIDDEN_DUE_TO_SECURITY_REASONS", "applyImmediately": True},
            {"dBInstanceIdentifier": db, "pendingModifiedValues": {"masterUserPassword": "****"}}, who=atk),
         ev(RDS, 'ModifyDBCluster', {"dBClusterIdentifier": "orders-aurora", "deletionProtection": False}, None, who=atk)],
        [ev(RDS, 'ModifyDBCluster', {"dBClusterIdentifier": "orders-aurora", "deletionProtection": True}, None, who=tfr),
         ev(RDS, 'ModifyDBInstance', {"dBInstanceIdentifier": db, "backupRetentionPeriod": 14}, None, who=tfr)])
    pub = pdoc([{"Sid": "AllowPull", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}])
    org = pdoc([{"Sid": "OrgPull", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"], "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-7k2m9x4q1z"}}}])
    kms_pub = pdoc([{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "kms:*", "Resource": "*"},
                    {"Sid": "Anyone", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*"}])
    kms_ok = pdoc([{"Sid": "Enable IAM User Permissions", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "kms:*", "Resource": "*"},
                   {"Sid": "ViaEBS", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["kms:Decrypt", "kms:CreateGrant"], "Resource": "*",
                    "Condition": {"StringEquals": {"kms:CallerAccount": ACCT, "kms:ViaService": f"ec2.{REGION}.amazonaws.com"}}}])
    sns_default = pdoc([{"Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["SNS:Publish", "SNS:Subscribe"],
                         "Resource": f"arn:aws:sns:{REGION}:{ACCT}:alerts", "Condition": {"StringEquals": {"AWS:SourceOwner": ACCT}}}], indent=False)
    sqs_pub = pdoc([{"Effect": "Allow", "Principal": "*", "Action": "sqs:*", "Resource": f"arn:aws:sqs:{REGION}:{ACCT}:orders"}], indent=False)
    F['CT-DATA-005'] = (
        [ev('ecr.amazonaws.com', 'SetRepositoryPolicy', {"repositoryName": "payments-api", "policyText": pub, "force": False}, {"registryId": ACCT, "repositoryName": "payments-api", "policyText": pub}, who=atk),
         ev('kms.amazonaws.com', 'PutKeyPolicy', {"keyId": "arn:aws:kms:us-east-1:482913650127:key/3f2e1d0c-9b8a-4765-b4c3-d2e1f0a9b8c7", "policyName": "default", "policy": kms_pub,
            "bypassPolicyLockoutSafetyCheck": False}, None, who=atk),
         ev('sqs.amazonaws.com', 'SetQueueAttributes', {"queueUrl": f"https://sqs.{REGION}.amazonaws.com/{ACCT}/orders", "attributes": {"Policy": sqs_pub}}, None, who=atk),
         ev('secretsmanager.amazonaws.com', 'PutResourcePolicy', {"secretId": "prod/payments/db", "resourcePolicy": pdoc([{"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}]),
            "blockPublicPolicy": False}, None, who=atk)],
        [ev('ecr.amazonaws.com', 'SetRepositoryPolicy', {"repositoryName": "payments-api", "policyText": org}, None, who=tfr),
         ev('kms.amazonaws.com', 'PutKeyPolicy', {"keyId": "3f2e1d0c-9b8a-4765-b4c3-d2e1f0a9b8c7", "policyName": "default", "policy": kms_ok}, None, who=tfr),
         ev('sns.amazonaws.com', 'SetTopicAttributes', {"topicArn": f"arn:aws:sns:{REGION}:{ACCT}:alerts", "attributeName": "Policy", "attributeValue": sns_default}, None, who=tfr),
         ev('ecr.amazonaws.com', 'SetRepositoryPolicy', {"repositoryName": "payments-api", "policyText": pub}, None, who=atk, err='AccessDeniedException')])
    KMS = 'kms.amazonaws.com'
    kid = f"arn:aws:kms:{REGION}:{ACCT}:key/3f2e1d0c-9b8a-4765-b4c3-d2e1f0a9b8c7"
    F['CT-DATA-006'] = (
        [ev(KMS, 'ScheduleKeyDeletion', {"keyId": kid, "pendingWindowInDays": 7}, {"keyId": kid, "deletionDate": "Nov 25, 2026, 12:00:00 AM", "keyState": "PendingDeletion", "pendingWindowInDays": 7}, who=atk),
         ev(KMS, 'DisableKey', {"keyId": kid}, None, who=atk)],
        [ev(KMS, 'CancelKeyDeletion', {"keyId": kid}, {"keyId": kid}, who=adm), ev(KMS, 'Decrypt', {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"}, None, who=atk, ro=True),
         ev(KMS, 'ScheduleKeyDeletion', {"keyId": kid, "pendingWindowInDays": 7}, None, who=atk, err='AccessDeniedException')])
    SM = 'secretsmanager.amazonaws.com'
    names = ['prod/payments/db', 'prod/payments/stripe', 'prod/orders/db', 'prod/orders/redis', 'prod/auth/jwt-signing', 'prod/auth/oauth-client',
             'prod/search/opensearch', 'prod/mail/sendgrid', 'prod/ci/github-token', 'prod/ci/dockerhub', 'prod/analytics/snowflake', 'prod/backup/s3-key']
    F['CT-DATA-007'] = (
        [ev(SM, 'GetSecretValue', {"secretId": n}, None, who=atk, ro=True, ip='198.51.100.77') for n in names],
        [ev(SM, 'GetSecretValue', {"secretId": 'prod/payments/db'}, None, who=role('payments-task', 'ecs-task-5c2f8e1a'), ro=True, ip='10.20.3.14') for _ in range(12)])
    F['CT-DATA-008'] = (
        [ev(SM, 'BatchGetSecretValue', {"filters": [{"key": "name", "values": ["prod/"]}]}, None, who=atk, ro=True, ip='198.51.100.77')],
        [ev(SM, 'BatchGetSecretValue', {"secretIdList": ["prod/payments/db", "prod/payments/stripe"]}, None, who=role('payments-task', 'ecs-task-5c2f8e1a'), ro=True),
         ev(SM, 'BatchGetSecretValue', {"filters": [{"key": "tag-key", "values": ["env"]}]}, None, who=atk, ro=True, err='AccessDeniedException')])
    SSM = 'ssm.amazonaws.com'
    F['CT-DATA-009'] = (
        [ev(SSM, 'GetParameters', {"names": [f"/prod/{s}/{k}" for s in ('payments', 'orders') for k in ('db-password', 'api-key', 'jwt', 'smtp', 'redis', 'hmac')], "withDecryption": True}, None, who=atk, ro=True, ip='198.51.100.77')],
        [ev(SSM, 'GetParameter', {"name": "/prod/payments/db-password", "withDecryption": True}, None, who=role('payments-task', 'ecs-task-5c2f8e1a'), ro=True),
         ev(SSM, 'GetParameters', {"names": ["/prod/app/feature-flags", "/prod/app/region"], "withDecryption": False}, None, who=adm, ro=True)])
    return F

# Issue 13, appended so that the records above keep their generated ids: an
# Aurora cluster snapshot shared with another account.
def _cluster_share(F):
    at('2026-11-18T18:10:00Z')
    atk = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    def mdcsa(vals, err=None):
        ident = "orders-aurora-2026-11-17"
        return ev(RDS, 'ModifyDBClusterSnapshotAttribute', {"dBClusterSnapshotIdentifier": ident, "attributeName": "restore", "valuesToAdd": vals},
                  None if err else {"dBClusterSnapshotIdentifier": ident, "dBClusterSnapshotAttributes": [{"attributeName": "restore", "attributeValues": vals}]},
                  who=atk, err=err, ip='198.51.100.77')
    F['CT-DATA-002'][0].append(mdcsa([EXT]))
    F['CT-DATA-002'][1].extend([mdcsa([ACCT]), mdcsa([EXT], err='AccessDenied')])
    return F

_orig_data = fixtures
def fixtures():
    return _cluster_share(_orig_data())
