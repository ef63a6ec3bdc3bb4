"""Rules added after the first fixture set; kept in their own module so
that the records of the other modules (and their generated ids) stay
stable."""
from ct import *

def fixtures():
    F = {}
    at('2026-11-18T22:41:07Z')
    inst = role('web-tier-instance-role', 'i-0a7c3e9f1b2d4c6e8', key='ASIAXC2JH7NQKE5TQ4VB', ec2=True)
    mac = 'aws-cli/2.22.4 md/awscrt#0.22.0 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#s3.ls'
    mac1 = '[aws-cli/1.18.136 Python/3.8.5 Darwin/19.5.0 botocore/1.17.59]'
    agent = 'aws-sdk-go/1.44.260 (go1.22.8; linux; amd64) amazon-ssm-agent/3.3.1142.0'
    F['CT-ID-009'] = (
        [ev('s3.amazonaws.com', 'ListBuckets', {"Host": "s3.amazonaws.com"}, None, who=inst, ip='198.51.100.77', ua=mac, ro=True),
         ev('s3.amazonaws.com', 'ListObjects', {"bucketName": "cardholder-data-prod", "Host": "cardholder-data-prod.s3.amazonaws.com", "prefix": "", "list-type": "2"},
            None, who=inst, ip='198.51.100.77', ua=mac1, ro=True, category='Data')],
        [ev('ssm.amazonaws.com', 'UpdateInstanceInformation', {"instanceId": "i-0a7c3e9f1b2d4c6e8", "agentVersion": "3.3.1142.0"}, None, who=inst, ip='54.211.37.120', ua=agent),
         ev('s3.amazonaws.com', 'ListBuckets', {"Host": "s3.amazonaws.com"}, None, who=inst, ip='54.211.37.120', ua=BOTO, ro=True),
         ev('s3.amazonaws.com', 'ListBuckets', {"Host": "s3.amazonaws.com"}, None, who=role('sso-readonly', 'marta', key='ASIAXC2JH7NQ5C8VZ1QE'), ip='198.51.100.10', ua=mac, ro=True)])
    return F

def _iplists():
    at('2026-11-18T23:10:00Z')
    who = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    def gci(ip):
        return ev('sts.amazonaws.com', 'GetCallerIdentity', None, None, who=who, ip=ip, ro=True)
    def lb(ip):
        return ev('s3.amazonaws.com', 'ListBuckets', {"Host": "s3.amazonaws.com"}, None, who=who, ip=ip, ro=True)
    return {
        # threat-list.txt: 198.51.100.64/26 and 203.0.113.66
        'CT-ID-010': ([gci('198.51.100.77'), lb('203.0.113.66')],
                      [gci('198.51.100.10'), lb('203.0.113.67'), gci('AWS Internal'),
                       ev('sts.amazonaws.com', 'AssumeRole', {"roleArn": "arn:aws:iam::482913650127:role/x", "roleSessionName": "i-0a7c3e9f1b2d4c6e8"}, None,
                          who={"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}, ip='ec2.amazonaws.com', ua='ec2.amazonaws.com', ro=True)]),
        # tor-exits.txt: 192.0.2.17, 192.0.2.44, 2001:db8:4f::1
        'CT-ID-011': ([gci('192.0.2.17'), lb('2001:db8:4f::1')],
                      [gci('192.0.2.18'), lb('198.51.100.77')]),
    }

_orig_extra = fixtures
def fixtures():
    F = _orig_extra()
    F.update(_iplists())
    return F
