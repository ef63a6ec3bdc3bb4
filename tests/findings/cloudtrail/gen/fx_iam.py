from ct import *
import json

IAM = 'iam.amazonaws.com'

def fixtures():
    F = {}
    at('2026-11-18T10:02:11Z')
    atk = user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M')
    adm = user('ops-admin', key='AKIAXC2JH7NQB6PS2XJ9')
    tfr = role('terraform-apply', 'tf-1763460131', key='ASIAXC2JH7NQF3K9D2LM')
    def cak(who, target=None, err=None, ip='198.51.100.77'):
        rp = {"userName": target} if target else None
        uname = target or who.get('userName')
        re = None if err else {"accessKey": {"userName": uname, "accessKeyId": keyid('AKIA'), "status": "Active", "createDate": fmt_date()}}
        return ev(IAM, 'CreateAccessKey', rp, re, who=who, err=err, ip=ip,
                  msg=None if not err else f'User: {who["arn"]} is not authorized to perform: iam:CreateAccessKey on resource: user {target}')
    F['CT-IAM-001'] = (
        [cak(atk, 'ci-deployer'), cak(tfr, 'reporting-bot', ip='3.91.12.7')],
        [cak(atk), cak(atk, 'dev-jsmith'), cak(atk, 'ops-admin', err='AccessDenied')])
    F['CT-IAM-002'] = (
        [cak(atk), cak(adm, 'ops-admin', ip='203.0.113.24')],
        [cak(atk, 'ci-deployer'), cak(root(key='ASIAXC2JH7NQM8RV3CHP')), cak(atk, err='LimitExceeded')])
    F['CT-IAM-003'] = (
        [cak(root(key='ASIAXC2JH7NQM8RV3CHP'), ip='198.51.100.77')],
        [cak(atk), cak(root(key='ASIAXC2JH7NQM8RV3CHP'), 'ops-admin')])
    def cu(who, name, err=None):
        return ev(IAM, 'CreateUser', {"userName": name, "tags": []}, None if err else {"user": {"path": "/", "userName": name, "userId": pid('AIDA'),
                  "arn": f"arn:aws:iam::{ACCT}:user/{name}", "createDate": fmt_date()}}, who=who, err=err)
    F['CT-IAM-004'] = (
        [cu(atk, 'backup-svc'), cu(tfr, 'grafana-reader')],
        [cu(atk, 'ops-admin', err='EntityAlreadyExists'), ev(IAM, 'GetUser', {"userName": "backup-svc"}, None, who=atk, ro=True)])
    def aug(who, group, u, err=None):
        return ev(IAM, 'AddUserToGroup', {"groupName": group, "userName": u}, None, who=who, err=err)
    F['CT-IAM-005'] = (
        [aug(atk, 'Admins', 'backup-svc'), aug(atk, 'platform-administrators', 'backup-svc')],
        [aug(adm, 'developers', 'new-hire'), aug(atk, 'Admins', 'backup-svc', err='AccessDenied'),
         ev(IAM, 'RemoveUserFromGroup', {"groupName": "Admins", "userName": "backup-svc"}, None, who=adm)])
    F['CT-IAM-006'] = (
        [ev(IAM, 'AttachGroupPolicy', {"groupName": "ops", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}, None, who=atk),
         aug(atk, 'ops', 'backup-svc')],
        [ev(IAM, 'AttachGroupPolicy', {"groupName": "ops", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}, None, who=adm),
         aug(adm, 'ops', 'new-hire')])
    F['CT-IAM-007'] = (
        [aug(adm, 'developers', 'new-hire')],
        [aug(atk, 'Admins', 'backup-svc'), aug(adm, 'developers', 'new-hire', err='NoSuchEntity')])
    def att(kind, name, arn, who=atk, err=None):
        k = {'User': 'userName', 'Role': 'roleName', 'Group': 'groupName'}[kind]
        return ev(IAM, f'Attach{kind}Policy', {k: name, "policyArn": arn}, None, who=who, err=err)
    F['CT-IAM-008'] = (
        [att('User', 'backup-svc', 'arn:aws:iam::aws:policy/AdministratorAccess'),
         att('Role', 'ec2-app', 'arn:aws:iam::aws:policy/AdministratorAccess', who=tfr),
         att('Group', 'ops', 'arn:aws-us-gov:iam::aws:policy/AdministratorAccess')],
        [att('User', 'backup-svc', 'arn:aws:iam::aws:policy/ReadOnlyAccess'),
         att('User', 'backup-svc', f'arn:aws:iam::{ACCT}:policy/AdministratorAccess-Boundary'),
         att('User', 'backup-svc', 'arn:aws:iam::aws:policy/AdministratorAccess', err='AccessDenied')])
    F['CT-IAM-009'] = (
        [att('User', 'backup-svc', 'arn:aws:iam::aws:policy/IAMFullAccess'), att('Role', 'ci', 'arn:aws:iam::aws:policy/PowerUserAccess')],
        [att('User', 'backup-svc', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess'), att('User', 'x', 'arn:aws:iam::aws:policy/AdministratorAccess')])
    star_iam = pdoc([{"Sid": "VisualEditor0", "Effect": "Allow", "Action": "iam:*", "Resource": "*"}])
    star_all_list = pdoc([{"Effect": "Allow", "Action": ["s3:GetObject", "*"], "Resource": ["*"]}], indent=False)
    enc = urlenc(pdoc([{"Effect": "Allow", "Action": "*:*", "Resource": "*"}], indent=False))
    def pup(verb, who, doc, extra=None, err=None):
        k = {'PutUserPolicy': {"userName": "backup-svc"}, 'PutRolePolicy': {"roleName": "ec2-app"}, 'PutGroupPolicy': {"groupName": "ops"},
             'CreatePolicyVersion': {"policyArn": f"arn:aws:iam::{ACCT}:policy/ci-deploy", "setAsDefault": True}}[verb]
        rp = dict(k); rp.update({"policyName": "maintenance", "policyDocument": doc}) if verb != 'CreatePolicyVersion' else rp.update({"policyDocument": doc})
        return ev(IAM, verb, rp, None, who=who, err=err)
    F['CT-IAM-010'] = (
        [pup('PutUserPolicy', atk, star_iam), pup('PutRolePolicy', atk, star_all_list), pup('PutGroupPolicy', atk, enc),
         pup('CreatePolicyVersion', tfr, pdoc([{"Effect": "Allow", "Action": ["iam:*"], "Resource": "*"}]))],
        [pup('PutUserPolicy', adm, pdoc([{"Effect": "Allow", "Action": "iam:*", "Resource": f"arn:aws:iam::{ACCT}:user/backup-svc"}])),
         pup('PutUserPolicy', adm, pdoc([{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}])),
         pup('PutRolePolicy', adm, pdoc([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}])),
         pup('PutUserPolicy', adm, pdoc([{"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}])),
         pup('PutUserPolicy', atk, star_iam, err='AccessDenied')])
    def lp(verb, who, target, err=None):
        rp = {"userName": target, "passwordResetRequired": False} if target else {"passwordResetRequired": False}
        re = {"loginProfile": {"userName": target, "createDate": fmt_date(), "passwordResetRequired": False}} if verb == 'CreateLoginProfile' and not err else None
        return ev(IAM, verb, rp, re, who=who, err=err)
    F['CT-IAM-011'] = (
        [lp('CreateLoginProfile', atk, 'backup-svc'), lp('UpdateLoginProfile', atk, 'ops-admin'), lp('UpdateLoginProfile', tfr, 'alice')],
        [lp('UpdateLoginProfile', atk, 'dev-jsmith'), lp('UpdateLoginProfile', atk, None),
         lp('CreateLoginProfile', atk, 'ops-admin', err='EntityAlreadyExists')])
    trust_ext = pdoc([{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
                      {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{EXT}:root"}, "Action": "sts:AssumeRole"}])
    trust_any = pdoc([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}], indent=False)
    trust_own = pdoc([{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:role/ci-deployer"}, "Action": "sts:AssumeRole"}])
    trust_svc = pdoc([{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}])
    trust_oidc = pdoc([{"Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{ACCT}:oidc-provider/oidc.eks.{REGION}.amazonaws.com/id/4C9A1E6B2D8F3057AE1B9C4D2F6E8A10"},
                        "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {f"oidc.eks.{REGION}.amazonaws.com/id/4C9A1E6B2D8F3057AE1B9C4D2F6E8A10:sub": "system:serviceaccount:payments:api"}}}])
    def uarp(doc, err=None, who=atk):
        return ev(IAM, 'UpdateAssumeRolePolicy', {"roleName": "ec2-app", "policyDocument": doc}, None, who=who, err=err)
    def crole(doc, who=tfr):
        return ev(IAM, 'CreateRole', {"roleName": "vendor-audit", "assumeRolePolicyDocument": doc, "maxSessionDuration": 3600},
                  {"role": {"path": "/", "roleName": "vendor-audit", "roleId": pid('AROA'), "arn": f"arn:aws:iam::{ACCT}:role/vendor-audit",
                            "createDate": fmt_date(), "assumeRolePolicyDocument": urlenc(doc)}}, who=who)
    F['CT-IAM-012'] = (
        [uarp(trust_ext), uarp(trust_any), crole(pdoc([{"Effect": "Allow", "Principal": {"AWS": EXT}, "Action": "sts:AssumeRole",
                                                         "Condition": {"StringEquals": {"sts:ExternalId": "9f8e7d6c"}}}]))],
        [uarp(trust_own, who=adm), uarp(trust_svc, who=adm), crole(trust_oidc), uarp(trust_ext, err='AccessDenied')])
    def mfa(verb, who, err=None):
        rp = {"userName": who.get('userName', 'AWS ROOT USER') if who['type'] != 'Root' else 'AWS ROOT USER', "serialNumber": f"arn:aws:iam::{ACCT}:mfa/{who.get('userName', 'root-account-mfa-device')}"}
        if verb == 'DeleteVirtualMFADevice':
            rp = {"serialNumber": rp["serialNumber"]}
        return ev(IAM, verb, rp, None, who=who, err=err)
    rt = root(key='ASIAXC2JH7NQM8RV3CHP')
    F['CT-IAM-013'] = (
        [mfa('DeactivateMFADevice', atk), mfa('DeleteVirtualMFADevice', atk)],
        [mfa('DeactivateMFADevice', rt), mfa('DeactivateMFADevice', atk, err='AccessDenied'), mfa('EnableMFADevice', atk)])
    F['CT-IAM-014'] = (
        [mfa('DeactivateMFADevice', rt)],
        [mfa('DeactivateMFADevice', atk), mfa('DeactivateMFADevice', rt, err='NoSuchEntity')])
    sess = user('dev-jsmith', key='ASIAXC2JH7NQ9HD4TYEK', mfa=False)
    cons = user('dev-jsmith', key='ASIAXC2JH7NQ2WC5BFUN', mfa=True)
    F['CT-IAM-015'] = (
        [ev(IAM, 'CreateVirtualMFADevice', {"virtualMFADeviceName": "dev-jsmith-2", "path": "/"}, {"virtualMFADevice": {"serialNumber": f"arn:aws:iam::{ACCT}:mfa/dev-jsmith-2"}}, who=sess, ip='198.51.100.77'),
         ev(IAM, 'EnableMFADevice', {"userName": "dev-jsmith", "serialNumber": f"arn:aws:iam::{ACCT}:mfa/dev-jsmith-2", "authenticationCode1": "HIDDEN_DUE_TO_SECURITY_REASONS", "authenticationCode2": "HIDDEN_DUE_TO_SECURITY_REASONS"}, None, who=sess, ip='198.51.100.77')],
        [ev(IAM, 'EnableMFADevice', {"userName": "dev-jsmith", "serialNumber": f"arn:aws:iam::{ACCT}:mfa/dev-jsmith"}, None, who=cons, ua=CONSOLE, extra={"sessionCredentialFromConsole": "true"}),
         ev(IAM, 'EnableMFADevice', {"userName": "dev-jsmith", "serialNumber": f"arn:aws:iam::{ACCT}:mfa/dev-jsmith"}, None, who=atk)])
    strong = {"minimumPasswordLength": 16, "requireSymbols": True, "requireNumbers": True, "requireUppercaseCharacters": True,
              "requireLowercaseCharacters": True, "allowUsersToChangePassword": True, "maxPasswordAge": 90, "passwordReusePrevention": 24}
    F['CT-IAM-016'] = (
        [ev(IAM, 'DeleteAccountPasswordPolicy', None, None, who=atk),
         ev(IAM, 'UpdateAccountPasswordPolicy', dict(strong, minimumPasswordLength=6), None, who=atk),
         ev(IAM, 'UpdateAccountPasswordPolicy', dict(strong, requireSymbols=False), None, who=atk, err='AccessDenied')],
        [ev(IAM, 'UpdateAccountPasswordPolicy', strong, None, who=adm),
         ev(IAM, 'GetAccountPasswordPolicy', None, None, who=atk, ro=True)])
    F['CT-IAM-017'] = (
        [ev(IAM, 'CreateGroup', {"groupName": "break-glass"}, {"group": {"path": "/", "groupName": "break-glass", "groupId": pid('AGPA'), "arn": f"arn:aws:iam::{ACCT}:group/break-glass", "createDate": fmt_date()}}, who=atk),
         ev(IAM, 'DeleteGroup', {"groupName": "auditors"}, None, who=atk)],
        [ev(IAM, 'CreateGroup', {"groupName": "developers"}, None, who=adm, err='EntityAlreadyExists'), ev(IAM, 'ListGroups', {}, None, who=adm, ro=True)])
    F['CT-IAM-018'] = (
        [ev(IAM, 'DeleteRolePermissionsBoundary', {"roleName": "ci-deployer"}, None, who=atk),
         ev(IAM, 'DeleteUserPermissionsBoundary', {"userName": "dev-jsmith"}, None, who=atk)],
        [ev(IAM, 'PutRolePermissionsBoundary', {"roleName": "ci-deployer", "permissionsBoundary": f"arn:aws:iam::{ACCT}:policy/dev-boundary"}, None, who=adm),
         ev(IAM, 'DeleteRolePermissionsBoundary', {"roleName": "ci-deployer"}, None, who=atk, err='AccessDenied')])
    ra = 'rolesanywhere.amazonaws.com'
    F['CT-IAM-019'] = (
        [ev(ra, 'CreateTrustAnchor', {"name": "lab-ca", "enabled": True, "source": {"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQk1...\n-----END CERTIFICATE-----\n"}}},
            {"trustAnchor": {"trustAnchorId": "0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f", "name": "lab-ca", "enabled": True}}, who=atk),
         ev(ra, 'CreateProfile', {"name": "lab-profile", "enabled": True, "roleArns": [f"arn:aws:iam::{ACCT}:role/ec2-app"], "durationSeconds": 3600}, None, who=atk)],
        [ev(ra, 'ListTrustAnchors', {}, None, who=adm, ro=True),
         ev(ra, 'CreateTrustAnchor', {"name": "lab-ca", "enabled": True}, None, who=atk, err='AccessDeniedException')])
    inst = role('web-tier-instance-role', 'i-0a7c3e9f1b2d4c6e8', key='ASIAXC2JH7NQKE5TQ4VB', ec2=True)
    lam = role('thumbnailer-exec', 'thumbnailer', key='ASIAXC2JH7NQ3SRD6MAU')
    LAMUA = 'Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.227-239.884.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.145'
    F['CT-IAM-020'] = (
        [ev(IAM, 'CreateUser', {"userName": "sysadm2"}, None, who=inst, ip='54.211.37.120', ua=BOTO),
         ev(IAM, 'AttachRolePolicy', {"roleName": "thumbnailer-exec", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}, None, who=lam, ip='34.229.18.4', ua=LAMUA)],
        [ev(IAM, 'ListRoles', {}, None, who=inst, ip='54.211.37.120', ua=BOTO, ro=True),
         ev(IAM, 'CreateUser', {"userName": "sysadm2"}, None, who=tfr),
         ev(IAM, 'CreateUser', {"userName": "sysadm2"}, None, who=inst, ua=BOTO, err='AccessDenied')])
    F['CT-IAM-021'] = (
        [ev(IAM, 'CreateOpenIDConnectProvider', {"url": "https://token.actions.githubusercontent.com", "clientIDList": ["sts.amazonaws.com"], "thumbprintList": ["6938fd4d98bab03faadb97b34396831e3780aea1"]}, None, who=atk),
         ev(IAM, 'UpdateSAMLProvider', {"sAMLProviderArn": f"arn:aws:iam::{ACCT}:saml-provider/Okta", "sAMLMetadataDocument": "<md:EntityDescriptor ...>"}, None, who=atk),
         ev('sso.amazonaws.com', 'DisableExternalIdPConfigurationForDirectory', {"directoryId": "d-9067a1b2c3"}, None, who=atk)],
        [ev(IAM, 'ListSAMLProviders', {}, None, who=adm, ro=True),
         ev(IAM, 'CreateOpenIDConnectProvider', {"url": "https://token.actions.githubusercontent.com"}, None, who=atk, err='EntityAlreadyExists')])
    awssvc = {"type": "AWSService", "invokedBy": "iam.amazonaws.com"}
    F['CT-IAM-022'] = (
        [ev(IAM, 'AttachUserPolicy', {"userName": "dev-jsmith", "policyArn": "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3"}, None,
            who=role('AWSSupport-Quarantine', 'AWSCompromisedKeyQuarantine'), ip='AWS Internal', ua='AWS Internal'),
         ev(IAM, 'PutUserPolicy', {"userName": "dev-jsmith", "policyName": "AWSExposedCredentialPolicy_DO_NOT_REMOVE",
            "policyDocument": pdoc([{"Effect": "Deny", "Action": ["iam:AttachUserPolicy", "ec2:RunInstances", "lambda:CreateFunction"], "Resource": "*"}])}, None,
            who=role('AWSSupport-Quarantine', 'AWSExposedCredentialPolicy'), ip='AWS Internal', ua='AWS Internal')],
        [ev(IAM, 'DetachUserPolicy', {"userName": "dev-jsmith", "policyArn": "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3"}, None, who=atk),
         att('User', 'dev-jsmith', 'arn:aws:iam::aws:policy/ReadOnlyAccess', who=adm)])
    F['CT-IAM-023'] = (
        [cu(atk, 'backup-svc'), att('User', 'backup-svc', 'arn:aws:iam::aws:policy/AdministratorAccess'), cak(atk, 'backup-svc')],
        [cu(adm, 'new-hire'), aug(adm, 'developers', 'new-hire'), lp('CreateLoginProfile', adm, 'new-hire')])
    newkey = keyid('AKIA')
    c = cak(atk, 'ci-deployer', ip='198.51.100.77'); c["responseElements"]["accessKey"]["accessKeyId"] = newkey
    used = user('ci-deployer', key=newkey)
    c2 = cak(adm, 'ops-admin', ip='203.0.113.24'); k2 = c2["responseElements"]["accessKey"]["accessKeyId"]
    F['CT-IAM-024'] = (
        [c, ev('sts.amazonaws.com', 'GetCallerIdentity', None, None, who=used, ip='192.0.2.199', ro=True)],
        [c2, ev('sts.amazonaws.com', 'GetCallerIdentity', None, None, who=user('ops-admin', key=k2), ip='203.0.113.24', ro=True)])
    return F

# Near misses met on a peer's labelled events (issue 13), appended so that
# the records above keep their generated ids.
def _precision(F):
    at('2026-11-18T11:40:00Z')
    # IAM user alice switched to a role in the console: the session is named
    # after her, and changing her own password is UpdateLoginProfile on
    # userName alice by that session.
    sw = role('iam-self-service', 'alice', key='ASIAXC2JH7NQ4HZW8RMB', mfa=True)
    console = {"sessionCredentialFromConsole": "true"}
    F['CT-IAM-011'][1].append(ev(IAM, 'UpdateLoginProfile', {"userName": "alice", "passwordResetRequired": False}, None, who=sw,
                                 ip='AWS Internal', ua='AWS Internal', extra=console))
    # the same console session changing someone else's password, and an API
    # session that merely names itself after its target, still count
    F['CT-IAM-011'][0].extend([
        ev(IAM, 'UpdateLoginProfile', {"userName": "bob", "passwordResetRequired": False}, None, who=sw, ip='AWS Internal', ua='AWS Internal', extra=console),
        ev(IAM, 'UpdateLoginProfile', {"userName": "ops-admin", "passwordResetRequired": False}, None,
           who=role('terraform-apply', 'ops-admin', key='ASIAXC2JH7NQD2V6LQPA'), ip='198.51.100.77', ua=BOTO)])
    # IAM Identity Center registering its own SAML provider in a member
    # account through its service-linked role
    slr = {"type": "AssumedRole", "principalId": "AROAXC2JH7NQSSO4LINKD:AWS-SSO",
           "arn": f"arn:aws:sts::{ACCT}:assumed-role/AWSServiceRoleForSSO/AWS-SSO", "accountId": ACCT,
           "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAXC2JH7NQSSO4LINKD",
               "arn": f"arn:aws:iam::{ACCT}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO", "accountId": ACCT,
               "userName": "AWSServiceRoleForSSO"}, "webIdFederationData": {},
               "attributes": {"creationDate": tick(0), "mfaAuthenticated": "false"}},
           "invokedBy": "sso.amazonaws.com"}
    name = "AWSSSO_5e1f0c9a3b7d2e4f_DO_NOT_DELETE"
    F['CT-IAM-021'][1].append(ev(IAM, 'CreateSAMLProvider', {"sAMLMetadataDocument": "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MTIzNDU2Nzg5MDEy\">...</md:EntityDescriptor>",
                                 "name": name}, {"sAMLProviderArn": f"arn:aws:iam::{ACCT}:saml-provider/{name}"},
                                 who=slr, ip='sso.amazonaws.com', ua='sso.amazonaws.com'))
    # a person creating a provider under the same name is not Identity Center
    F['CT-IAM-021'][0].append(ev(IAM, 'CreateSAMLProvider', {"sAMLMetadataDocument": "<md:EntityDescriptor ...>", "name": name},
                                 {"sAMLProviderArn": f"arn:aws:iam::{ACCT}:saml-provider/{name}"},
                                 who=user('dev-jsmith', key='AKIAXC2JH7NQR4D7WZ3M'), ip='198.51.100.77'))
    # chen, signed in through IAM Identity Center (a permission set's role,
    # the session named by Identity Center after her), resets the console
    # password of her own IAM user from the CLI: no console flag.  The same
    # session resetting bob's, and a role of the same name outside the
    # reserved path, still count.
    sso = role('AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55', 'chen', key='ASIAXC2JH7NQ6TB3KSEW')
    sso["sessionContext"]["sessionIssuer"]["arn"] = (f"arn:aws:iam::{ACCT}:role/aws-reserved/sso.amazonaws.com/"
                                                     "AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55")
    fake = role('AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55', 'chen', key='ASIAXC2JH7NQ7PD4MTFX')
    F['CT-IAM-011'][1].append(ev(IAM, 'UpdateLoginProfile', {"userName": "chen", "passwordResetRequired": False}, None, who=sso,
                                 ip='203.0.113.24', ua=BOTO))
    F['CT-IAM-011'][0].extend([
        ev(IAM, 'UpdateLoginProfile', {"userName": "bob", "passwordResetRequired": False}, None, who=sso, ip='203.0.113.24', ua=BOTO),
        ev(IAM, 'UpdateLoginProfile', {"userName": "chen", "passwordResetRequired": False}, None, who=fake, ip='198.51.100.77', ua=BOTO)])
    return F

_orig_iam = fixtures
def fixtures():
    return _precision(_orig_iam())
