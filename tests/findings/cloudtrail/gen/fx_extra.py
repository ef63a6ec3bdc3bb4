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

def _distros():
    at('2026-11-18T23:40:00Z')
    who = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    parrot = 'aws-cli/1.32.40 Python/3.11.2 Linux/6.5.0-13parrot1-amd64 botocore/1.34.40'
    parrot2 = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-13parrot1-amd64 exe/x86_64.parrot.6 prompt/off command/iam.list-roles'
    pentoo = 'aws-cli/2.13.5 Python/3.11.4 Linux/6.4.9-pentoo exe/x86_64.gentoo.2 prompt/off command/sts.get-caller-identity'
    kali = 'Boto3/1.34.46 md/Botocore#1.34.46 ua/2.0 os/linux#6.6.9-amd64 md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.46 Linux/6.6.9-kali1-amd64'
    def c(name, ua, src='sts.amazonaws.com', rp=None):
        return ev(src, name, rp, None, who=who, ua=ua, ro=True, ip='198.51.100.77')
    return {
        'CT-ID-012': ([c('GetCallerIdentity', parrot), c('ListRoles', parrot2, 'iam.amazonaws.com', {})],
                      [c('GetCallerIdentity', kali), c('GetCallerIdentity', pentoo), c('GetCallerIdentity', CLI.format(cmd='sts.get-caller-identity'))]),
        'CT-ID-013': ([c('GetCallerIdentity', pentoo)],
                      [c('GetCallerIdentity', parrot), c('GetCallerIdentity', kali)]),
    }

_orig_extra2 = fixtures
def fixtures():
    F = _orig_extra2()
    F.update(_distros())
    return F
