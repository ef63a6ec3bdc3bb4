from ct import *

def fixtures():
    F = {}
    at('2026-11-18T09:12:04Z')
    adm = user('ops-admin')
    atk = user('svc-backup', ip := None) if False else user('svc-backup')
    trail = 'management-events'
    tarn = f'arn:aws:cloudtrail:{REGION}:{ACCT}:trail/{trail}'
    ct = 'cloudtrail.amazonaws.com'
    F['CT-LOG-001'] = (
        [ev(ct, 'StopLogging', {"name": tarn}, None, who=atk, ip='198.51.100.77'),
         ev(ct, 'StopLogging', {"name": trail}, None, who=role('OrganizationAccountAccessRole', 'incident-x'), ip='198.51.100.77', ua=BOTO)],
        [ev(ct, 'StopLogging', {"name": tarn}, None, who=atk, ip='198.51.100.77', err='AccessDenied',
            msg=f'User: arn:aws:iam::{ACCT}:user/svc-backup is not authorized to perform: cloudtrail:StopLogging on resource: {tarn} because no identity-based policy allows the cloudtrail:StopLogging action'),
         ev(ct, 'StartLogging', {"name": tarn}, None, who=adm),
         ev(ct, 'GetTrailStatus', {"name": tarn}, None, who=adm, ro=True)])
    F['CT-LOG-002'] = (
        [ev(ct, 'DeleteTrail', {"name": tarn}, None, who=atk, ip='198.51.100.77')],
        [ev(ct, 'DeleteTrail', {"name": 'old-trail'}, None, who=atk, err='TrailNotFoundException',
            msg=f'Unknown trail: arn:aws:cloudtrail:{REGION}:{ACCT}:trail/old-trail for the user: {ACCT}'),
         ev(ct, 'DescribeTrails', {"trailNameList": [], "includeShadowTrails": True}, None, who=adm, ro=True)])
    F['CT-LOG-003'] = (
        [ev(ct, 'DeleteTrail', {"name": 'old-trail'}, None, who=atk, err='TrailNotFoundException',
            msg=f'Unknown trail: arn:aws:cloudtrail:{REGION}:{ACCT}:trail/old-trail for the user: {ACCT}'),
         ev(ct, 'StopLogging', {"name": tarn}, None, who=atk, err='AccessDenied',
            msg=f'User: arn:aws:iam::{ACCT}:user/svc-backup is not authorized to perform: cloudtrail:StopLogging on resource: {tarn}')],
        [ev(ct, 'StopLogging', {"name": tarn}, None, who=atk),
         ev(ct, 'UpdateTrail', {"name": tarn, "isMultiRegionTrail": False}, None, who=atk, err='AccessDenied')])
    resp = {"name": trail, "s3BucketName": f"aws-cloudtrail-logs-{ACCT}-3f1c0a2e", "includeGlobalServiceEvents": True,
            "isMultiRegionTrail": True, "trailARN": tarn, "logFileValidationEnabled": True, "isOrganizationTrail": False}
    F['CT-LOG-004'] = (
        [ev(ct, 'UpdateTrail', {"name": tarn, "isMultiRegionTrail": False}, dict(resp, isMultiRegionTrail=False), who=atk),
         ev(ct, 'UpdateTrail', {"name": tarn, "s3BucketName": "log-archive-tmp-8812"}, dict(resp, s3BucketName="log-archive-tmp-8812"), who=atk),
         ev(ct, 'UpdateTrail', {"name": tarn, "includeGlobalServiceEvents": False}, dict(resp, includeGlobalServiceEvents=False), who=atk)],
        [ev(ct, 'UpdateTrail', {"name": tarn, "enableLogFileValidation": True}, resp, who=adm, ua=TF.format(svc='cloudtrail')),
         ev(ct, 'UpdateTrail', {"name": tarn, "isMultiRegionTrail": False}, None, who=atk, err='AccessDenied')])
    F['CT-LOG-005'] = (
        [ev(ct, 'PutEventSelectors', {"trailName": trail, "eventSelectors": [{"readWriteType": "All", "includeManagementEvents": False,
              "dataResources": [{"type": "AWS::S3::Object", "values": []}], "excludeManagementEventSources": []}]},
            {"trailARN": tarn, "eventSelectors": [{"readWriteType": "All", "includeManagementEvents": False,
              "dataResources": [{"type": "AWS::S3::Object", "values": []}], "excludeManagementEventSources": []}]}, who=atk),
         ev(ct, 'PutEventSelectors', {"trailName": trail, "eventSelectors": [{"readWriteType": "ReadOnly", "includeManagementEvents": True,
              "dataResources": [], "excludeManagementEventSources": []}]}, None, who=atk),
         ev(ct, 'PutEventSelectors', {"trailName": trail, "advancedEventSelectors": [{"name": "S3 data only",
              "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]}, None, who=atk)],
        [ev(ct, 'PutEventSelectors', {"trailName": trail, "eventSelectors": [{"readWriteType": "All", "includeManagementEvents": True,
              "dataResources": [{"type": "AWS::S3::Object", "values": [f"arn:aws:s3:::customer-exports-{ACCT}/"]}], "excludeManagementEventSources": []}]}, None, who=adm),
         ev(ct, 'PutEventSelectors', {"trailName": trail, "advancedEventSelectors": [
              {"name": "Management events", "fieldSelectors": [{"field": "eventCategory", "equals": ["Management"]}]},
              {"name": "S3 data", "fieldSelectors": [{"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]}]}]}, None, who=adm)])
    F['CT-LOG-006'] = (
        [ev(ct, 'CreateTrail', {"name": "org-audit", "s3BucketName": f"aws-cloudtrail-logs-{ACCT}-org", "isMultiRegionTrail": True,
             "enableLogFileValidation": True, "cloudWatchLogsLogGroupArn": f"arn:aws:logs:{REGION}:{ACCT}:log-group:aws-cloudtrail-logs-{ACCT}-org:*",
             "cloudWatchLogsRoleArn": f"arn:aws:iam::{ACCT}:role/CloudTrailRoleForCloudWatchLogs"},
            dict(resp, name="org-audit", trailARN=f'arn:aws:cloudtrail:{REGION}:{ACCT}:trail/org-audit'), who=adm, ua=TF.format(svc='cloudtrail'))],
        [ev(ct, 'CreateTrail', {"name": "org-audit", "s3BucketName": "missing-bucket"}, None, who=adm, err='S3BucketDoesNotExistException',
            msg='S3 bucket does not exist: missing-bucket')])
    s3 = 's3.amazonaws.com'
    def lc(days, bucket):
        return {"bucketName": bucket, "Host": f"{bucket}.s3.amazonaws.com", "lifecycle": "",
                "LifecycleConfiguration": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
                  "Rule": {"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": days}}}}
    ctb = f"aws-cloudtrail-logs-{ACCT}-3f1c0a2e"
    F['CT-LOG-007'] = (
        [ev(ct, 'CreateTrail', {"name": trail, "s3BucketName": ctb, "isMultiRegionTrail": True}, resp, who=adm),
         ev(s3, 'PutBucketLifecycle', lc(1, ctb), None, who=atk, ip='198.51.100.77')],
        [ev(s3, 'PutBucketLifecycle', lc(1, 'ci-build-scratch'), None, who=adm),
         ev(s3, 'PutBucketLifecycle', lc(365, ctb), None, who=adm)])
    lg = f'aws-cloudtrail-logs-{ACCT}-3f1c0a2e'
    logs = 'logs.amazonaws.com'
    F['CT-LOG-008'] = (
        [ev(logs, 'DeleteLogStream', {"logGroupName": lg, "logStreamName": f"{ACCT}_CloudTrail_{REGION}"}, None, who=atk, ip='198.51.100.77'),
         ev(logs, 'DeleteLogStream', {"logGroupName": "org-audit", "logStreamName": f"{ACCT}_CloudTrail_eu-west-1"}, None, who=atk, ip='198.51.100.77')],
        [ev(logs, 'DeleteLogStream', {"logGroupName": "/aws/lambda/thumbnailer", "logStreamName": "2026/11/18/[$LATEST]8f3c9d2e41b04a7c9e1f2a3b4c5d6e7f"}, None, who=adm),
         ev(logs, 'DeleteLogStream', {"logGroupName": lg, "logStreamName": f"{ACCT}_CloudTrail_{REGION}"}, None, who=atk, err='AccessDeniedException')])
    F['CT-LOG-009'] = (
        [ev(logs, 'DeleteLogGroup', {"logGroupName": lg}, None, who=atk, ip='198.51.100.77'),
         ev(logs, 'DeleteLogGroup', {"logGroupName": "CloudTrail/DefaultLogGroup"}, None, who=atk)],
        [ev(logs, 'DeleteLogGroup', {"logGroupName": "/aws/lambda/thumbnailer"}, None, who=adm),
         ev(logs, 'DeleteLogGroup', {"logGroupName": lg}, None, who=atk, err='ResourceNotFoundException', msg='The specified log group does not exist.')])
    F['CT-LOG-010'] = (
        [ev(logs, 'DeleteLogGroup', {"logGroupName": "/aws/eks/prod-eu/cluster"}, None, who=atk),
         ev(logs, 'DeleteLogGroup', {"logGroupName": "vpc-flow-logs-prod"}, None, who=atk)],
        [ev(logs, 'DeleteLogGroup', {"logGroupName": lg}, None, who=atk),
         ev(logs, 'CreateLogGroup', {"logGroupName": "/aws/lambda/thumbnailer"}, None, who=adm)])
    F['CT-LOG-011'] = (
        [ev(ct, 'CreateTrail', {"name": "audit", "s3BucketName": ctb, "cloudWatchLogsLogGroupArn": f"arn:aws:logs:{REGION}:{ACCT}:log-group:security-audit:*",
            "cloudWatchLogsRoleArn": f"arn:aws:iam::{ACCT}:role/CloudTrail_CloudWatchLogs_Role"}, None, who=adm),
         ev(logs, 'DeleteLogGroup', {"logGroupName": "security-audit"}, None, who=atk)],
        [ev(ct, 'CreateTrail', {"name": "audit", "s3BucketName": ctb, "cloudWatchLogsLogGroupArn": f"arn:aws:logs:{REGION}:{ACCT}:log-group:security-audit:*",
            "cloudWatchLogsRoleArn": f"arn:aws:iam::{ACCT}:role/CloudTrail_CloudWatchLogs_Role"}, None, who=adm),
         ev(logs, 'DeleteLogGroup', {"logGroupName": "/aws/lambda/thumbnailer"}, None, who=adm)])
    F['CT-LOG-012'] = (
        [ev(logs, 'PutRetentionPolicy', {"logGroupName": lg, "retentionInDays": 1}, None, who=atk),
         ev(logs, 'DeleteSubscriptionFilter', {"logGroupName": lg, "filterName": "to-siem-firehose"}, None, who=atk)],
        [ev(logs, 'PutRetentionPolicy', {"logGroupName": lg, "retentionInDays": 365}, None, who=adm),
         ev(logs, 'PutRetentionPolicy', {"logGroupName": "/aws/lambda/thumbnailer", "retentionInDays": 3}, None, who=adm)])
    e2 = 'ec2.amazonaws.com'
    F['CT-LOG-013'] = (
        [ev(e2, 'DeleteFlowLogs', {"DeleteFlowLogsRequest": {"FlowLogId": {"content": "fl-0c41d9a8e77b2f310", "tag": 1}}},
            {"DeleteFlowLogsResponse": {"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "requestId": rid(), "unsuccessful": ""}}, who=atk)],
        [ev(e2, 'DeleteFlowLogs', {"DeleteFlowLogsRequest": {"FlowLogId": {"content": "fl-0c41d9a8e77b2f310", "tag": 1}}}, None, who=atk,
            err='Client.UnauthorizedOperation', msg='You are not authorized to perform this operation.'),
         ev(e2, 'CreateFlowLogs', {"CreateFlowLogsRequest": {"ResourceId": {"content": "vpc-0a1b2c3d4e5f60718", "tag": 1}, "ResourceType": "VPC",
            "TrafficType": "ALL", "LogDestinationType": "s3", "LogDestination": f"arn:aws:s3:::vpc-flow-{ACCT}"}}, None, who=adm)])
    r53 = 'route53resolver.amazonaws.com'
    F['CT-LOG-014'] = (
        [ev(r53, 'DeleteResolverQueryLogConfig', {"resolverQueryLogConfigId": "rqlc-2f6a0c1d9e8b7a65"}, {"resolverQueryLogConfig": {"id": "rqlc-2f6a0c1d9e8b7a65", "status": "DELETING"}}, who=atk),
         ev(r53, 'DisassociateResolverQueryLogConfig', {"resolverQueryLogConfigId": "rqlc-2f6a0c1d9e8b7a65", "resourceId": "vpc-0a1b2c3d4e5f60718"}, None, who=atk)],
        [ev(r53, 'AssociateResolverQueryLogConfig', {"resolverQueryLogConfigId": "rqlc-2f6a0c1d9e8b7a65", "resourceId": "vpc-0a1b2c3d4e5f60718"}, None, who=adm),
         ev(r53, 'ListResolverQueryLogConfigs', {}, None, who=adm, ro=True)])
    gd = 'guardduty.amazonaws.com'
    det = '6ac9a3f2e1b04d7c8e5f2a1b3c4d5e6f'
    F['CT-LOG-015'] = (
        [ev(gd, 'DeleteDetector', {"detectorId": det}, None, who=atk),
         ev(gd, 'UpdateDetector', {"detectorId": det, "enable": False}, None, who=atk),
         ev(gd, 'DisassociateFromAdministratorAccount', {"detectorId": det}, None, who=atk)],
        [ev(gd, 'UpdateDetector', {"detectorId": det, "enable": True, "findingPublishingFrequency": "FIFTEEN_MINUTES"}, None, who=adm),
         ev(gd, 'DeleteDetector', {"detectorId": det}, None, who=atk, err='AccessDeniedException')])
    F['CT-LOG-016'] = (
        [ev(gd, 'CreateIPSet', {"detectorId": det, "name": "office", "format": "TXT", "location": "https://s3.amazonaws.com/tmp-lists-2291/trusted.txt", "activate": True}, {"ipSetId": "a1b2c3d4e5f6"}, who=atk),
         ev(gd, 'CreateFilter', {"detectorId": det, "name": "noise", "action": "ARCHIVE", "findingCriteria": {"criterion": {"severity": {"gte": 1}}}}, {"name": "noise"}, who=atk)],
        [ev(gd, 'CreateFilter', {"detectorId": det, "name": "prod-high", "action": "NOOP", "findingCriteria": {"criterion": {"severity": {"gte": 7}}}}, {"name": "prod-high"}, who=adm),
         ev(gd, 'ListIPSets', {"detectorId": det}, None, who=adm, ro=True)])
    cfg = 'config.amazonaws.com'
    F['CT-LOG-017'] = (
        [ev(cfg, 'StopConfigurationRecorder', {"configurationRecorderName": "default"}, None, who=atk),
         ev(cfg, 'DeleteDeliveryChannel', {"deliveryChannelName": "default"}, None, who=atk)],
        [ev(cfg, 'StartConfigurationRecorder', {"configurationRecorderName": "default"}, None, who=adm),
         ev(cfg, 'StopConfigurationRecorder', {"configurationRecorderName": "default"}, None, who=atk, err='AccessDeniedException')])
    sh = 'securityhub.amazonaws.com'
    F['CT-LOG-018'] = (
        [ev(sh, 'BatchUpdateFindings', {"FindingIdentifiers": [{"Id": f"arn:aws:securityhub:{REGION}:{ACCT}:subscription/aws-foundational-security-best-practices/v/1.0.0/IAM.4/finding/9f1e2d3c", "ProductArn": f"arn:aws:securityhub:{REGION}::product/aws/securityhub"}], "Workflow": {"Status": "SUPPRESSED"}}, None, who=atk),
         ev(sh, 'DisableSecurityHub', {}, None, who=atk)],
        [ev(sh, 'GetFindings', {"MaxResults": 100}, None, who=adm, ro=True),
         ev(sh, 'EnableSecurityHub', {"EnableDefaultStandards": True}, None, who=adm)])
    mc = 'macie2.amazonaws.com'
    F['CT-LOG-019'] = (
        [ev(mc, 'DisableMacie', {}, None, who=atk),
         ev(mc, 'UpdateMacieSession', {"status": "PAUSED"}, None, who=atk)],
        [ev(mc, 'UpdateMacieSession', {"status": "ENABLED", "findingPublishingFrequency": "FIFTEEN_MINUTES"}, None, who=adm),
         ev(mc, 'CreateFindingsFilter', {"name": "pii", "action": "NOOP", "findingCriteria": {}}, None, who=adm)])
    mon = 'monitoring.amazonaws.com'
    F['CT-LOG-020'] = (
        [ev(mon, 'DeleteAlarms', {"alarmNames": ["root-account-usage", "cloudtrail-config-changes"]}, None, who=atk),
         ev(mon, 'DisableAlarmActions', {"alarmNames": ["unauthorized-api-calls"]}, None, who=atk)],
        [ev(mon, 'PutMetricAlarm', {"alarmName": "root-account-usage", "metricName": "RootAccountUsage", "namespace": "CISBenchmark"}, None, who=adm),
         ev(mon, 'DescribeAlarms', {"alarmNames": ["root-account-usage"]}, None, who=adm, ro=True)])
    evb = 'events.amazonaws.com'
    F['CT-LOG-021'] = (
        [ev(evb, 'DisableRule', {"name": "guardduty-findings-to-slack", "eventBusName": "default"}, None, who=atk),
         ev(evb, 'DeleteRule', {"name": "securityhub-critical", "eventBusName": "default", "force": False}, None, who=atk)],
        [ev(evb, 'DeleteRule', {"name": "AutoScalingManagedRule", "force": True}, None,
            who=dict(role('AWSServiceRoleForAutoScaling', 'AutoScaling'), invokedBy='autoscaling.amazonaws.com'), ip='autoscaling.amazonaws.com', ua='autoscaling.amazonaws.com'),
         ev(evb, 'EnableRule', {"name": "guardduty-findings-to-slack"}, None, who=adm)])
    bkt = 'customer-exports-prod'
    F['CT-LOG-022'] = (
        [ev(s3, 'PutBucketLogging', {"bucketName": bkt, "Host": f"{bkt}.s3.amazonaws.com", "logging": "",
             "BucketLoggingStatus": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}}, None, who=atk)],
        [ev(s3, 'PutBucketLogging', {"bucketName": bkt, "Host": f"{bkt}.s3.amazonaws.com", "logging": "",
             "BucketLoggingStatus": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
                                     "LoggingEnabled": {"TargetBucket": f"s3-access-logs-{ACCT}", "TargetPrefix": f"{bkt}/"}}}, None, who=adm)])
    waf = 'wafv2.amazonaws.com'
    F['CT-LOG-023'] = (
        [ev(waf, 'DisassociateWebACL', {"resourceArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:loadbalancer/app/shop-prod/4f2b8c1d9e0a7b6c"}, None, who=atk),
         ev(waf, 'DeleteLoggingConfiguration', {"resourceArn": f"arn:aws:wafv2:{REGION}:{ACCT}:regional/webacl/shop-prod/0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f"}, None, who=atk)],
        [ev(waf, 'AssociateWebACL', {"webACLArn": f"arn:aws:wafv2:{REGION}:{ACCT}:regional/webacl/shop-prod/0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f",
             "resourceArn": f"arn:aws:elasticloadbalancing:{REGION}:{ACCT}:loadbalancer/app/shop-prod/4f2b8c1d9e0a7b6c"}, None, who=adm)])
    F['CT-LOG-024'] = (
        [ev(e2, 'DisableEbsEncryptionByDefault', {"DisableEbsEncryptionByDefaultRequest": ""},
            {"DisableEbsEncryptionByDefaultResponse": {"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/", "ebsEncryptionByDefault": False, "requestId": rid()}}, who=atk)],
        [ev(e2, 'EnableEbsEncryptionByDefault', {"EnableEbsEncryptionByDefaultRequest": ""}, None, who=adm),
         ev(e2, 'GetEbsEncryptionByDefault', {"GetEbsEncryptionByDefaultRequest": ""}, None, who=adm, ro=True)])
    org = 'organizations.amazonaws.com'
    F['CT-LOG-025'] = (
        [ev(org, 'LeaveOrganization', None, None, who=role('OrganizationAccountAccessRole', 'x'), err='AccessDeniedException',
            msg=f'You don\'t have permissions to access this resource.'),
         ev(org, 'LeaveOrganization', None, None, who=root())],
        [ev(org, 'DescribeOrganization', None, None, who=adm, ro=True)])
    F['CT-LOG-026'] = (
        [ev(org, 'DetachPolicy', {"policyId": "p-4x9kq2m7", "targetId": "ou-a1b2-3c4d5e6f"}, None, who=role('OrganizationAdmin', 'jdoe')),
         ev(org, 'DisablePolicyType', {"rootId": "r-k3f9", "policyType": "SERVICE_CONTROL_POLICY"}, None, who=role('OrganizationAdmin', 'jdoe'))],
        [ev(org, 'AttachPolicy', {"policyId": "p-4x9kq2m7", "targetId": "ou-a1b2-3c4d5e6f"}, None, who=role('OrganizationAdmin', 'jdoe')),
         ev(org, 'DetachPolicy', {"policyId": "p-4x9kq2m7", "targetId": "ou-a1b2-3c4d5e6f"}, None, who=atk, err='AccessDeniedException')])
    iam = 'iam.amazonaws.com'
    F['CT-LOG-027'] = (
        [ev(iam, 'PutUserPolicy', {"omitted": True, "originalSize": 131184, "reason": "requestParameters too large"}, None, who=atk),
         ev(iam, 'CreatePolicyVersion', {"omitted": "true", "originalSize": "131076", "reason": "requestParameters too large"}, None, who=atk)],
        [ev(iam, 'PutUserPolicy', {"userName": "ci", "policyName": "ecr-push", "policyDocument": pdoc([{"Effect": "Allow", "Action": ["ecr:PutImage"], "Resource": "*"}])}, None, who=adm),
         ev('cloudformation.amazonaws.com', 'CreateStack', {"omitted": True, "originalSize": 262144, "reason": "requestParameters too large"}, None, who=adm)])
    br = 'bedrock.amazonaws.com'
    F['CT-LOG-028'] = (
        [ev(br, 'DeleteModelInvocationLoggingConfiguration', None, None, who=atk),
         ev(br, 'DeleteGuardrail', {"guardrailIdentifier": "gr-8k2m4n6p0q"}, None, who=atk)],
        [ev(br, 'PutModelInvocationLoggingConfiguration', {"loggingConfig": {"textDataDeliveryEnabled": True}}, None, who=adm),
         ev(br, 'GetModelInvocationLoggingConfiguration', None, None, who=adm, ro=True)])
    return F

# Near misses met on a peer's labelled events (issue 13), appended so that
# the records above keep their generated ids: a lifecycle rule written
# disabled expires nothing.
def _precision(F):
    at('2026-11-18T12:30:00Z')
    s3 = 's3.amazonaws.com'
    ctb = f"aws-cloudtrail-logs-{ACCT}-3f1c0a2e"
    def put(rules):
        return ev(s3, 'PutBucketLifecycle', {"bucketName": ctb, "Host": f"{ctb}.s3.amazonaws.com", "lifecycle": "",
                  "LifecycleConfiguration": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/", "Rule": rules}}, None,
                  who=user('svc-backup'), ip='198.51.100.77')
    def r(days, status, rid_='expire'):
        return {"ID": rid_, "Status": status, "Filter": {"Prefix": ""}, "Expiration": {"Days": days}}
    F['CT-LOG-007'][1].extend([put(r(1, 'Disabled', 'nuke-after-1-day')),
                               put([r(1, 'Disabled', 'nuke-after-1-day'), r(400, 'Enabled', 'archive')])])
    F['CT-LOG-007'][0].append(put([r(400, 'Enabled', 'archive'), r(1, 'Enabled', 'nuke-after-1-day')]))
    return F

_orig_logging = fixtures
def fixtures():
    return _precision(_orig_logging())
