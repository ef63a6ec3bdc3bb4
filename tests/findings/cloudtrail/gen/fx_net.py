from ct import *
import zlib

EC2 = 'ec2.amazonaws.com'

def fixtures():
    F = {}
    at('2026-11-18T15:40:02Z')
    atk = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    adm = user('ops-admin', key='AKIAXC2JH7NQB6PS2XJ9')
    tfr = role('terraform-apply', 'tf-1763460131', key='ASIAXC2JH7NQF3K9D2LM')
    sg = 'sg-0d4e1f2a3b5c6d7e8'
    def perm(proto, fp, tp, v4=(), v6=()):
        return {"ipProtocol": proto, "fromPort": fp, "toPort": tp, "groups": {},
                "ipRanges": {"items": [{"cidrIp": c} for c in v4]} if v4 else {},
                "ipv6Ranges": {"items": [{"cidrIpv6": c} for c in v6]} if v6 else {}, "prefixListIds": {}}
    def rules_(perms):
        out = []
        for p in perms:
            for c in [r["cidrIp"] for r in p["ipRanges"].get("items", [])]:
                out.append({"groupOwnerId": ACCT, "groupId": sg, "securityGroupRuleId": "sgr-0%016x" % (zlib.crc32(c.encode()) * 2654435761 & 0xffffffffffffffff),
                            "isEgress": False, "ipProtocol": p["ipProtocol"], "fromPort": p["fromPort"], "toPort": p["toPort"], "cidrIpv4": c})
            for c in [r["cidrIpv6"] for r in p["ipv6Ranges"].get("items", [])]:
                out.append({"groupOwnerId": ACCT, "groupId": sg, "securityGroupRuleId": "sgr-0%016x" % (zlib.crc32((c + "v6").encode()) * 2654435761 & 0xffffffffffffffff),
                            "isEgress": False, "ipProtocol": p["ipProtocol"], "fromPort": p["fromPort"], "toPort": p["toPort"], "cidrIpv6": c})
        return out
    def asgi(perms, who=atk, err=None):
        return ev(EC2, 'AuthorizeSecurityGroupIngress', {"groupId": sg, "ipPermissions": {"items": perms}},
                  None if err else {"requestId": rid(), "_return": True, "securityGroupRuleSet": {"items": rules_(perms)}}, who=who, err=err)
    def flat(cidr, port, who=atk):
        return ev(EC2, 'AuthorizeSecurityGroupIngress', {"groupId": sg, "ipPermissions": {}, "ipProtocol": "tcp", "fromPort": port, "toPort": port, "cidrIp": cidr},
                  {"requestId": rid(), "_return": True, "securityGroupRuleSet": {"items": [{"groupOwnerId": ACCT, "groupId": sg, "securityGroupRuleId": "sgr-0a1b2c3d4e5f60718",
                   "isEgress": False, "ipProtocol": "tcp", "fromPort": port, "toPort": port, "cidrIpv4": cidr}]}}, who=who)
    def msgr(cidr, fp, tp, proto='tcp', who=atk):
        return ev(EC2, 'ModifySecurityGroupRules', {"ModifySecurityGroupRulesRequest": {"GroupId": sg, "SecurityGroupRule": {"SecurityGroupRuleId": "sgr-0a1b2c3d4e5f60718",
                  "SecurityGroupRule": {"CidrIpv4": cidr, "IpProtocol": proto, "FromPort": fp, "ToPort": tp, "Description": ""}, "tag": 1}}},
                  {"ModifySecurityGroupRulesResponse": {"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "return": True, "requestId": rid()}}, who=who)
    F['CT-NET-001'] = (
        [asgi([perm('tcp', 22, 22, v4=['0.0.0.0/0'])]), flat('208.236.235.254/0', 3389),
         asgi([perm('-1', -1, -1, v6=['::/0'])]), msgr('0.0.0.0/0', 5432, 5432),
         asgi([perm('tcp', 0, 65535, v4=['0.0.0.0/0'])])],
        [asgi([perm('tcp', 22, 22, v4=['10.20.0.0/16'])], who=adm), asgi([perm('tcp', 443, 443, v4=['0.0.0.0/0'], v6=['::/0'])], who=tfr),
         asgi([perm('tcp', 22, 22, v4=['0.0.0.0/0'])], err='Client.InvalidPermission.Duplicate'), flat('203.0.113.10/32', 22, who=adm)])
    F['CT-NET-002'] = (
        [asgi([perm('tcp', 443, 443, v4=['0.0.0.0/0'], v6=['::/0'])], who=tfr), flat('0.0.0.0/0', 8080), msgr('0.0.0.0/0', 80, 80)],
        [asgi([perm('tcp', 22, 22, v4=['0.0.0.0/0'])]), asgi([perm('tcp', 443, 443, v4=['172.16.0.0/12'])], who=tfr)])
    F['CT-NET-003'] = (
        [asgi([perm('tcp', 5432, 5432, v4=['10.20.0.0/16'])], who=tfr),
         ev(EC2, 'RevokeSecurityGroupIngress', {"groupId": sg, "ipPermissions": {"items": [perm('tcp', 22, 22, v4=['203.0.113.10/32'])]}}, {"_return": True}, who=adm),
         ev(EC2, 'CreateSecurityGroup', {"groupName": "tmp-debug", "groupDescription": "debug", "vpcId": "vpc-0a1b2c3d4e5f60718"}, {"groupId": "sg-0f1e2d3c4b5a69788", "_return": True}, who=atk)],
        [asgi([perm('tcp', 22, 22, v4=['0.0.0.0/0'])]), ev(EC2, 'DescribeSecurityGroups', {"securityGroupSet": {}, "securityGroupIdSet": {}, "filterSet": {}}, None, who=adm, ro=True)])
    def nacl(cidr, action='allow', egress=False, err=None, who=atk, verb='CreateNetworkAclEntry'):
        return ev(EC2, verb, {"networkAclId": "acl-0e7d6c5b4a3928170", "ruleNumber": 90, "egress": egress, "ruleAction": action,
                  "icmpTypeCode": {}, "portRange": {"from": 0, "to": 65535}, "aclProtocol": "-1", "cidrBlock": cidr},
                  None if err else {"requestId": rid(), "_return": True}, who=who, err=err)
    F['CT-NET-004'] = (
        [nacl('0.0.0.0/0'), nacl('0.0.0.0/0', verb='ReplaceNetworkAclEntry')],
        [nacl('0.0.0.0/0', action='deny'), nacl('0.0.0.0/0', egress=True, who=tfr), nacl('10.0.0.0/8', who=tfr), nacl('0.0.0.0/0', err='NetworkAclEntryAlreadyExists')])
    F['CT-NET-005'] = (
        [ev(EC2, 'CreateRoute', {"routeTableId": "rtb-0c1d2e3f4a5b6c7d8", "destinationCidrBlock": "0.0.0.0/0", "gatewayId": "igw-0a9b8c7d6e5f40312"}, {"_return": True}, who=atk),
         ev(EC2, 'CreateVpcPeeringConnection', {"vpcId": "vpc-0a1b2c3d4e5f60718", "peerVpcId": "vpc-0f9e8d7c6b5a43210", "peerOwnerId": EXT}, None, who=atk)],
        [ev(EC2, 'DescribeRouteTables', {"routeTableIdSet": {}, "filterSet": {}}, None, who=adm, ro=True),
         ev(EC2, 'CreateRoute', {"routeTableId": "rtb-0c1d2e3f4a5b6c7d8", "destinationCidrBlock": "0.0.0.0/0"}, None, who=atk, err='Client.UnauthorizedOperation')])
    F['CT-NET-006'] = (
        [ev(EC2, 'CreateTrafficMirrorSession', {"CreateTrafficMirrorSessionRequest": {"NetworkInterfaceId": "eni-0a1b2c3d4e5f60718", "TrafficMirrorTargetId": "tmt-0f1e2d3c4b5a69788",
            "TrafficMirrorFilterId": "tmf-0123456789abcdef0", "SessionNumber": 1}}, None, who=atk),
         ev(EC2, 'CreateTrafficMirrorTarget', {"CreateTrafficMirrorTargetRequest": {"NetworkInterfaceId": "eni-0bbbbbbbbbbbbbbb1"}}, None, who=atk)],
        [ev(EC2, 'DescribeTrafficMirrorSessions', {"DescribeTrafficMirrorSessionsRequest": ""}, None, who=adm, ro=True)])
    RDS = 'rds.amazonaws.com'
    F['CT-NET-007'] = (
        [ev(RDS, 'AuthorizeDBSecurityGroupIngress', {"dBSecurityGroupName": "legacy-db", "cIDRIP": "0.0.0.0/0"}, None, who=atk)],
        [ev(RDS, 'AuthorizeDBSecurityGroupIngress', {"dBSecurityGroupName": "legacy-db", "cIDRIP": "10.20.0.0/16"}, None, who=adm)])
    ECA = 'elasticache.amazonaws.com'
    F['CT-NET-008'] = (
        [ev(ECA, 'AuthorizeCacheSecurityGroupIngress', {"cacheSecurityGroupName": "sessions", "eC2SecurityGroupName": "default", "eC2SecurityGroupOwnerId": EXT}, None, who=atk)],
        [ev(ECA, 'DescribeCacheSecurityGroups', {}, None, who=adm, ro=True)])
    return F

# Issue 13, appended so that the records above keep their generated ids:
# RDS DB security groups opened to a broad range other than /0.
def _broad(F):
    at('2026-11-18T16:30:00Z')
    atk = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    adm = user('ops-admin', key='AKIAXC2JH7NQB6PS2XJ9')
    RDS = 'rds.amazonaws.com'
    F['CT-NET-007'][0].extend([ev(RDS, 'AuthorizeDBSecurityGroupIngress', {"dBSecurityGroupName": "legacy-db", "cIDRIP": c}, None, who=atk)
                               for c in ('0.0.0.0/1', '52.0.0.0/8')])
    F['CT-NET-007'][1].append(ev(RDS, 'AuthorizeDBSecurityGroupIngress', {"dBSecurityGroupName": "legacy-db", "cIDRIP": "10.0.0.0/8"}, None, who=adm))
    return F

_orig_net = fixtures
def fixtures():
    return _broad(_orig_net())
