from ct import *

S3 = 's3.amazonaws.com'
XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OWNER = "8e1f0a6c3d2b5e4f7a9c0b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f"
ALL = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTH = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOGD = "http://acs.amazonaws.com/groups/s3/LogDelivery"

def s3ev(name, bucket, extra, who, err=None, re=None, ro=False, data=False):
    rp = {"bucketName": bucket, "Host": f"{bucket}.s3.amazonaws.com"}
    rp.update(extra)
    e = ev(S3, name, rp, re, who=who, err=err, ro=ro, category='Data' if data else 'Management',
           extra={"additionalEventData": {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
                  "AuthenticationMethod": "AuthHeader", "x-amz-id-2": "Zx9Qm2vYk8pL3rT6wN1cB4hG7jF0dS5aE2uI8oP3qR6tY9vX2zC5bN8mK1jH4gF7dS0aQ3wE6rT9y=",
                  "bytesTransferredOut": 0}, "resources": [{"type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}", "accountId": ACCT}]})
    e["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": f"{bucket}.s3.amazonaws.com"}
    return e

def grant(uri=None, cid=None, perm='READ'):
    if uri:
        g = {"Grantee": {"xmlns:xsi": XSI, "xsi:type": "Group", "URI": uri}, "Permission": perm}
    else:
        g = {"Grantee": {"xmlns:xsi": XSI, "xsi:type": "CanonicalUser", "ID": cid or OWNER}, "Permission": perm}
    return g

def acl(grants, canned=None, headers=None):
    rp = {"acl": [""]}
    if grants is not None:
        rp["AccessControlPolicy"] = {"xmlns": XMLNS, "Owner": {"ID": OWNER},
                                     "AccessControlList": {"Grant": grants if len(grants) != 1 else grants[0]}}
    if canned:
        rp["x-amz-acl"] = [canned]
    if headers:
        rp.update(headers)
    return rp

def fixtures():
    F = {}
    at('2026-11-18T16:05:30Z')
    atk = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    adm = user('ops-admin', key='AKIAXC2JH7NQB6PS2XJ9')
    tfr = role('terraform-apply', 'tf-1763460131', key='ASIAXC2JH7NQF3K9D2LM')
    b = 'customer-exports-prod'
    owner_fc = grant(perm='FULL_CONTROL')
    F['CT-S3-001'] = (
        [s3ev('PutBucketAcl', b, acl([owner_fc, grant(ALL, perm='WRITE')]), atk),
         s3ev('PutBucketAcl', b, acl([grant(ALL, perm='FULL_CONTROL')]), atk),
         s3ev('PutBucketAcl', b, acl(None, canned='public-read-write'), atk),
         s3ev('PutBucketAcl', b, acl(None, headers={"x-amz-grant-write": [f'uri="{AUTH}"']}), atk),
         s3ev('PutBucketAcl', b, acl([owner_fc, grant(LOGD, perm='WRITE'), grant(AUTH, perm='READ'), grant(ALL, perm='WRITE_ACP')]), atk)],
        [s3ev('PutBucketAcl', b, acl([owner_fc, grant(ALL, perm='READ')]), atk),
         s3ev('PutBucketAcl', b, acl([owner_fc, grant(LOGD, perm='WRITE'), grant(LOGD, perm='READ_ACP')]), adm),
         s3ev('PutBucketAcl', b, acl([owner_fc]), adm),
         s3ev('PutBucketAcl', b, acl([owner_fc, grant(ALL, perm='WRITE')]), atk, err='AccessDenied'),
         s3ev('PutBucketAcl', b, acl(None, canned='private'), adm)])
    F['CT-S3-002'] = (
        [s3ev('PutBucketAcl', b, acl([owner_fc, grant(ALL, perm='READ')]), atk),
         s3ev('PutBucketAcl', b, acl(None, canned='public-read'), atk),
         s3ev('PutBucketAcl', b, acl([owner_fc, grant(AUTH, perm='READ_ACP')]), atk)],
        [s3ev('PutBucketAcl', b, acl([owner_fc, grant(ALL, perm='WRITE')]), atk),
         s3ev('PutBucketAcl', b, acl([owner_fc, grant(LOGD, perm='WRITE')]), adm),
         s3ev('PutBucketAcl', b, acl(None, canned='bucket-owner-full-control'), adm)])
    def pol(stmts):
        return {"bucketPolicy": {"Version": "2012-10-17", "Statement": stmts if len(stmts) != 1 else stmts[0]}, "policy": [""]}
    pub_get = {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/*"}
    pub_put = {"Sid": "Upload", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["s3:PutObject", "s3:GetObject"], "Resource": f"arn:aws:s3:::{b}/*"}
    deny_tls = {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    org_get = {"Sid": "OrgRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/*",
               "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-7k2m9x4q1z"}}}
    xacct = {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{EXT}:root"}, "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": [f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"]}
    own = {"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:role/reporting"}, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/*"}
    cf = {"Sid": "CloudFront", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{b}/*",
          "Condition": {"StringEquals": {"AWS:SourceArn": f"arn:aws:cloudfront::{ACCT}:distribution/E2QWRUHAPOMQZL"}}}
    F['CT-S3-003'] = (
        [s3ev('PutBucketPolicy', b, pol([pub_get]), atk), s3ev('PutBucketPolicy', b, pol([deny_tls, pub_put]), atk),
         s3ev('PutBucketPolicy', b, pol([deny_tls, own, cf, pub_get]), atk)],
        [s3ev('PutBucketPolicy', b, pol([deny_tls, org_get]), adm), s3ev('PutBucketPolicy', b, pol([deny_tls, own]), adm),
         s3ev('PutBucketPolicy', b, pol([cf]), tfr), s3ev('PutBucketPolicy', b, pol([pub_get]), atk, err='AccessDenied')])
    F['CT-S3-004'] = (
        [s3ev('PutBucketPolicy', b, pol([xacct]), atk), s3ev('PutBucketPolicy', b, pol([deny_tls, dict(xacct, Principal={"AWS": EXT})]), atk)],
        [s3ev('PutBucketPolicy', b, pol([deny_tls, own]), adm), s3ev('PutBucketPolicy', b, pol([cf]), tfr), s3ev('PutBucketPolicy', b, pol([pub_get]), atk)])
    def pab(vals, err=None, who=atk):
        return s3ev('PutBucketPublicAccessBlock', b, {"publicAccessBlock": [""], "PublicAccessBlockConfiguration": dict({"xmlns": XMLNS}, **vals)}, who, err=err)
    allt = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}
    F['CT-S3-005'] = (
        [s3ev('DeleteBucketPublicAccessBlock', b, {"publicAccessBlock": [""]}, atk),
         pab(dict(allt, BlockPublicAcls=False, IgnorePublicAcls=False)), pab({k: False for k in allt})],
        [pab(allt, who=tfr), s3ev('DeleteBucketPublicAccessBlock', b, {"publicAccessBlock": [""]}, atk, err='AccessDenied'),
         s3ev('GetBucketPublicAccessBlock', b, {"publicAccessBlock": [""]}, adm, ro=True)])
    def apab(name, vals=None, err=None, who=atk):
        rp = {"accountId": ACCT}
        if vals is not None:
            rp["PublicAccessBlockConfiguration"] = dict({"xmlns": XMLNS}, **vals)
        e = ev(S3, name, rp, None, who=who, err=err)
        e["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader": f"{ACCT}.s3-control.{REGION}.amazonaws.com"}
        return e
    F['CT-S3-006'] = (
        [apab('DeleteAccountPublicAccessBlock'), apab('PutAccountPublicAccessBlock', dict(allt, BlockPublicPolicy=False, RestrictPublicBuckets=False))],
        [apab('PutAccountPublicAccessBlock', allt, who=adm), apab('DeleteAccountPublicAccessBlock', err='AccessDenied')])
    def own_(v, who=atk, err=None):
        return s3ev('PutBucketOwnershipControls', b, {"ownershipControls": [""], "OwnershipControls": {"xmlns": XMLNS, "Rule": {"ObjectOwnership": v}}}, who, err=err)
    F['CT-S3-007'] = (
        [own_('BucketOwnerPreferred'), own_('ObjectWriter')],
        [own_('BucketOwnerEnforced', who=tfr), own_('ObjectWriter', err='AccessDenied')])
    F['CT-S3-008'] = (
        [s3ev('DeleteBucketPublicAccessBlock', b, {"publicAccessBlock": [""]}, atk), own_('ObjectWriter'),
         s3ev('PutBucketAcl', b, acl([owner_fc, grant(ALL, perm='WRITE')]), atk)],
        [s3ev('PutBucketAcl', b, acl([owner_fc, grant(LOGD, perm='WRITE')]), adm), pab(allt, who=tfr)])
    F['CT-S3-009'] = (
        [s3ev('DeleteBucketEncryption', b, {"encryption": [""]}, atk)],
        [s3ev('PutBucketEncryption', b, {"encryption": [""], "ServerSideEncryptionConfiguration": {"xmlns": XMLNS, "Rule": {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}, "BucketKeyEnabled": True}}}, adm),
         s3ev('DeleteBucketEncryption', b, {"encryption": [""]}, atk, err='AccessDenied')])
    def ver(cfg, who=atk, err=None):
        return s3ev('PutBucketVersioning', b, {"versioning": [""], "VersioningConfiguration": dict({"xmlns": XMLNS}, **cfg)}, who, err=err)
    F['CT-S3-010'] = (
        [ver({"Status": "Suspended"}), ver({"Status": "Enabled", "MfaDelete": "Disabled"})],
        [ver({"Status": "Enabled"}, who=tfr), ver({"Status": "Suspended"}, err='AccessDenied')])
    def repl(acct, who=atk):
        dest = {"Bucket": f"arn:aws:s3:::dr-copy-{acct}"}
        if acct:
            dest["Account"] = acct
            dest["AccessControlTranslation"] = {"Owner": "Destination"}
        return s3ev('PutBucketReplication', b, {"replication": [""], "ReplicationConfiguration": {"xmlns": XMLNS, "Role": f"arn:aws:iam::{ACCT}:role/s3-replication",
                    "Rule": {"ID": "all", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""}, "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": dest}}}, who)
    F['CT-S3-011'] = (
        [repl(EXT)],
        [repl(ACCT, who=tfr), repl(None, who=tfr)])
    F['CT-S3-012'] = (
        [s3ev('DeleteBucket', 'audit-archive-2025', {}, atk)],
        [s3ev('DeleteBucket', 'audit-archive-2025', {}, atk, err='BucketNotEmpty'), s3ev('CreateBucket', 'scratch-4471', {"CreateBucketConfiguration": {"xmlns": XMLNS, "LocationConstraint": "eu-west-1"}}, adm)])
    def dobj(keys):
        return s3ev('DeleteObjects', b, {"delete": [""], "Delete": {"xmlns": XMLNS, "Quiet": True, "Object": [{"Key": k} for k in keys]}}, atk, data=True)
    F['CT-S3-013'] = (
        [dobj([f"exports/2026/11/{n:04d}.parquet" for n in range(60)]),
         s3ev('PutObject', b, {"key": "README_RESTORE_FILES.txt", "x-amz-acl": ["private"]}, atk, data=True)],
        [s3ev('DeleteObject', b, {"key": "exports/2026/11/tmp.csv"}, adm, data=True)])
    F['CT-S3-014'] = (
        [ev(S3, 'ListBuckets', {"Host": "s3.amazonaws.com"}, None, who=atk, ro=True, ip='198.51.100.77')],
        [ev(S3, 'ListBuckets', {"Host": "s3.amazonaws.com"}, None, who=tfr, ro=True),
         ev(S3, 'ListBuckets', {"Host": "s3.amazonaws.com"}, None, who=atk, ro=True, err='AccessDenied')])
    return F
