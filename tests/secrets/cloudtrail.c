/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CloudTrail records as a trail delivers them (eventVersion 1.09, members
 * in CloudTrail's order), their identities (an access key id on every
 * record that has a caller key, marked as a hard negative), routine
 * traffic, and the AWS redaction markers exactly where
 * research/secret-scan.md 5.3 found them: HIDDEN_DUE_TO_SECURITY_REASONS,
 * <sensitiveDataRemoved>, ****, and fields left out.
 */
#include <stdio.h>
#include <string.h>

#include "ct.h"

const char *ct_region = REGION;
const char *const apps_ct[NAPPS_CT] = { "payments-api", "checkout", "ledger", "search", "notifier", "billing" };

/* ---- the envelope ---- */
void
ct_defaults(struct ct *c, const char *src, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->src = src;
	c->name = name;
	c->event_type = "AwsApiCall";
}

json_t *
ct_json(struct ct *c)
{
	json_t *o = json_object();
	const char *svc = ar_strndup(c->src, strcspn(c->src, "."));

	json_object_set_new(o, "eventVersion", json_string("1.09"));
	json_object_set_new(o, "userIdentity", c->identity);
	json_object_set_new(o, "eventTime", json_string(stamp_s(now_us)));
	json_object_set_new(o, "eventSource", json_string(c->src));
	json_object_set_new(o, "eventName", json_string(c->name));
	json_object_set_new(o, "awsRegion", json_string(ct_region));
	json_object_set_new(o, "sourceIPAddress", json_string(c->ip));
	json_object_set_new(o, "userAgent", json_string(c->ua));
	if (c->error_code) {
		json_object_set_new(o, "errorCode", json_string(c->error_code));
		json_object_set_new(o, "errorMessage", json_string(c->error_msg));
	}
	json_object_set_new(o, "requestParameters", c->req ? c->req : json_null());
	json_object_set_new(o, "responseElements", c->resp ? c->resp : json_null());
	if (c->extra)
		json_object_set_new(o, "additionalEventData", c->extra);
	json_object_set_new(o, "requestID", json_string(uuid()));
	json_object_set_new(o, "eventID", json_string(uuid()));
	json_object_set_new(o, "readOnly", json_boolean(c->ro));
	if (c->resources)
		json_object_set_new(o, "resources", c->resources);
	json_object_set_new(o, "eventType", json_string(c->event_type));
	json_object_set_new(o, "managementEvent", json_boolean(!c->data_event));
	json_object_set_new(o, "recipientAccountId", json_string(ACCT));
	if (c->data_event)
		json_object_set_new(o, "sharedEventID", json_string(uuid()));
	json_object_set_new(o, "eventCategory", json_string(c->data_event ? "Data" : "Management"));
	if (!c->service_caller)
		json_object_set_new(o, "tlsDetails", json_pack("{s:s,s:s,s:s}", "tlsVersion", "TLSv1.3", "cipherSuite",
			"TLS_AES_128_GCM_SHA256", "clientProvidedHostHeader", ar_printf("%s.%s.amazonaws.com", svc, ct_region)));
	return o;
}

/* ---- identities ---- */
static char *
unique_id(const char *prefix)
{
	return ar_printf("%s%s", prefix, rstr(17, A_B32));
}

static const char *const roles[] = {
	"eks-nodegroup-general-role", "karpenter-node-role", "gitlab-deployer", "ebs-csi-driver-irsa",
	"aws-load-balancer-controller-irsa", "payments-api-irsa", "codebuild-payments-service-role",
};

static const char *const sdk_uas[] = {
	"aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/sts#1.30.3",
	"aws-sdk-go/1.55.5 (go1.22.5; linux; amd64)",
	"Boto3/1.34.151 md/Botocore#1.34.151 ua/2.0 os/linux#6.1.102 md/arch#x86_64 lang/python#3.12.4",
	"aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard",
	"aws-sdk-java/2.26.25 Linux/6.1.102 OpenJDK_64-Bit_Server_VM/21.0.4+7-LTS Java/21.0.4",
};

void
ct_role(struct ct *c, const char *role)
{
	/* instance profiles name the session after the instance; SDKs after the time */
	int node = strstr(role, "node-role") != NULL || strstr(role, "nodegroup") != NULL;
	const char *sess = node ? ar_printf("i-0%s", rstr(16, A_HEX)) : rnd(2) ? ar_printf("%u", 1700000000 + rnd(100000000)) :
		ar_printf("botocore-session-%u", 1700000000 + rnd(100000000));
	const char *rid = unique_id("AROA");

	c->identity = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:{s:s,s:s,s:s,s:s,s:s},s:{s:s,s:s}}}", "type", "AssumedRole",
		"principalId", ar_printf("%s:%s", rid, sess),
		"arn", ar_printf("arn:aws:sts::" ACCT ":assumed-role/%s/%s", role, sess), "accountId", ACCT,
		"accessKeyId", aws_key_id("ASIA"), "sessionContext", "sessionIssuer", "type", "Role", "principalId", rid,
		"arn", ar_printf("arn:aws:iam::" ACCT ":role/%s", role), "accountId", ACCT, "userName", role,
		"attributes", "creationDate", stamp_s(now_us - (int64_t)rnd(3000) * 1000000), "mfaAuthenticated", "false");
	mark_negative("/userIdentity/accessKeyId", "identity-key-id");
	mark_negative("/userIdentity/principalId", "identity-principal-id");
	mark_negative("/userIdentity/sessionContext/sessionIssuer/principalId", "identity-principal-id");
	c->ip = ar_printf("10.0.%u.%u", rnd(192), 1 + rnd(254));
	/* workloads run Linux SDKs; the macOS CLI is people's */
	c->ua = sdk_uas[(unsigned[]){ 0, 1, 2, 4 }[rnd(4)]];
}

static const char *const users[] = { "bob", "terraform", "ci-legacy", "backup-agent" };

void
ct_user(struct ct *c, const char *user)
{
	uint64_t h = 0;
	const char *p;

	for (p = user; *p; p++)
		h = h * 131 + (unsigned char)*p;
	c->identity = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", "IAMUser", "principalId",
		ar_printf("AIDA%s%c", aws_key_id_for("AIDA", h) + 4, A_B32[h % 32]), "arn", ar_printf("arn:aws:iam::" ACCT ":user/%s", user),
		"accountId", ACCT, "accessKeyId", aws_key_id_for("AKIA", h), "userName", user);
	mark_negative("/userIdentity/accessKeyId", "identity-key-id");
	mark_negative("/userIdentity/principalId", "identity-principal-id");
	c->ip = public_ip_ct();
	c->ua = PICK(sdk_uas);
}

void
ct_sso(struct ct *c)
{
	static const char *const people[] = { "alice", "chen", "ops-admin" };
	unsigned k = rnd(NELEM(people));
	const char *who = people[k];
	uint64_t hour = (uint64_t)(epoch_s(now_us) / 3600);

	ct_role(c, "AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55");
	json_decref(c->identity);
	c->identity = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:{s:s,s:s,s:s,s:s,s:s},s:{s:s,s:s}}}", "type", "AssumedRole",
		"principalId", ar_printf("AROA%s:%s", rstr(17, A_B32), who),
		"arn", ar_printf("arn:aws:sts::" ACCT ":assumed-role/AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55/%s", who),
		"accountId", ACCT, "accessKeyId", aws_key_id_for("ASIA", hour * 64 + 8 + k), "sessionContext", "sessionIssuer",
		"type", "Role", "principalId", unique_id("AROA"),
		"arn", "arn:aws:iam::" ACCT ":role/aws-reserved/sso.amazonaws.com/" REGION "/AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55",
		"accountId", ACCT, "userName", "AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55", "attributes",
		"creationDate", stamp_s(now_us - 1800000000), "mfaAuthenticated", "false");
	c->ip = public_ip_ct();
	c->ua = PICK(((const char *[]){ sdk_uas[3], "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
		"(KHTML, like Gecko) Version/17.5 Safari/605.1.15" }));
}

void
ct_service(struct ct *c, const char *svc)
{
	c->identity = json_pack("{s:s,s:s}", "type", "AWSService", "invokedBy", svc);
	c->ip = svc;
	c->ua = svc;
	c->service_caller = 1;
}

char *
public_ip_ct(void)
{
	return ar_printf("%u.%u.%u.%u", PICK(((unsigned[]){ 52, 54, 3, 18, 35, 81, 145 })), rnd(256), rnd(256), 1 + rnd(254));
}

/* some identity for an ordinary call */
void
ct_someone(struct ct *c)
{
	unsigned k = rnd(100);

	if (k < 70)
		ct_role(c, PICK(roles));
	else if (k < 85)
		ct_user(c, PICK(users));
	else
		ct_sso(c);
}

/* ---- STS: every successful call returns a session token, labelled ---- */
json_t *
ct_sts(const struct secret *s)
{
	const char *token = s->value;
	struct ct c;
	const char *role = PICK(roles);
	unsigned k = rnd(10);
	const char *exp;

	exp = stamp_aws(now_us + (int64_t)(3600 + rnd(3)) * 1000000);
	if (k < 5) {
		ct_defaults(&c, "sts.amazonaws.com", "AssumeRole");
		if (rnd(2))
			ct_service(&c, "ec2.amazonaws.com");
		else
			ct_someone(&c);
		c.req = json_pack("{s:s,s:s,s:i}", "roleArn", ar_printf("arn:aws:iam::" ACCT ":role/%s", role),
			"roleSessionName", ar_printf("i-0%s", rstr(16, A_HEX)), "durationSeconds", 3600);
	} else if (k < 8) {
		ct_defaults(&c, "sts.amazonaws.com", "AssumeRoleWithWebIdentity");
		c.identity = json_pack("{s:s,s:s,s:s,s:s}", "type", "WebIdentityUser", "principalId",
			"arn:aws:iam::" ACCT ":oidc-provider/oidc.eks." REGION ".amazonaws.com/id/B7E3C1A09F4D2E6815C0A9D3F7B2E4C1:sts.amazonaws.com:system:serviceaccount:payments:api",
			"userName", "system:serviceaccount:payments:api", "identityProvider",
			"arn:aws:iam::" ACCT ":oidc-provider/oidc.eks." REGION ".amazonaws.com/id/B7E3C1A09F4D2E6815C0A9D3F7B2E4C1");
		c.ip = ar_printf("10.0.%u.%u", rnd(192), 1 + rnd(254));
		c.ua = sdk_uas[0];
		c.req = json_pack("{s:s,s:s,s:i}", "roleArn", ar_printf("arn:aws:iam::" ACCT ":role/%s", role),
			"roleSessionName", ar_printf("botocore-session-%u", 1700000000 + rnd(100000000)), "durationSeconds", 3600);
	} else if (k < 9) {
		ct_defaults(&c, "sts.amazonaws.com", "GetSessionToken");
		ct_user(&c, PICK(users));
		c.req = json_pack("{s:i}", "durationSeconds", 43200);
	} else {
		ct_defaults(&c, "sts.amazonaws.com", "GetFederationToken");
		ct_user(&c, "backup-agent");
		c.req = json_pack("{s:s,s:i}", "name", "backup", "durationSeconds", 3600);
	}
	c.resp = json_pack("{s:{s:s,s:s,s:s}}", "credentials", "accessKeyId", aws_key_id("ASIA"), "sessionToken", token,
		"expiration", exp);
	if (strcmp(c.name, "AssumeRole") == 0 || strcmp(c.name, "AssumeRoleWithWebIdentity") == 0)
		json_object_set_new(c.resp, "assumedRoleUser", json_pack("{s:s,s:s}", "assumedRoleId",
			ar_printf("AROA%s:%s", rstr(17, A_B32), rstr(10, A_DIGITS)), "arn",
			ar_printf("arn:aws:sts::" ACCT ":assumed-role/%s/%s", role, rstr(10, A_DIGITS))));
	mark_negative("/responseElements/credentials/accessKeyId", "identity-key-id");
	label("/responseElements/credentials/sessionToken", s, P_STS, st0());
	if (strcmp(c.name, "AssumeRoleWithWebIdentity") == 0) {
		json_object_set_new(c.resp, "subjectFromWebIdentityToken", json_string("system:serviceaccount:payments:api"));
		json_object_set_new(c.resp, "audience", json_string("sts.amazonaws.com"));
	}
	c.resources = json_pack("[{s:s,s:s,s:s}]", "accountId", ACCT, "type", "AWS::IAM::Role", "ARN",
		ar_printf("arn:aws:iam::" ACCT ":role/%s", role));
	return ct_json(&c);
}

/* ---- routine calls and redaction markers ---- */
static json_t *
kms(void)
{
	struct ct c;

	ct_defaults(&c, "kms.amazonaws.com", rnd(3) ? "Decrypt" : "GenerateDataKey");
	if (rnd(2))
		ct_service(&c, PICK(((const char *[]){ "secretsmanager.amazonaws.com", "ebs.amazonaws.com", "eks.amazonaws.com" })));
	else
		ct_someone(&c);
	c.ro = 1;
	c.req = json_pack("{s:s,s:{s:s}}", "encryptionAlgorithm", "SYMMETRIC_DEFAULT", "encryptionContext",
		"aws:ebs:id", ar_printf("vol-0%s", rstr(16, A_HEX)));
	c.resources = json_pack("[{s:s,s:s,s:s}]", "accountId", ACCT, "type", "AWS::KMS::Key", "ARN",
		ar_printf("arn:aws:kms:" REGION ":" ACCT ":key/%s", uuid()));
	return ct_json(&c);
}

static json_t *
describe(void)
{
	struct ct c;
	int k = (int)rnd(3);

	ct_defaults(&c, "ec2.amazonaws.com", k == 0 ? "DescribeInstances" : k == 1 ? "DescribeNetworkInterfaces" : "DescribeSecurityGroups");
	ct_someone(&c);
	c.ro = 1;
	c.req = k == 0 ? json_pack("{s:{s:[{s:s}]},s:{}}", "instancesSet", "items", "instanceId",
				   ar_printf("i-0%s", rstr(16, A_HEX)), "filterSet") :
			 json_pack("{s:{}}", "filterSet");
	return ct_json(&c);
}

static json_t *
ecr(void)
{
	struct ct c;

	ct_defaults(&c, "ecr.amazonaws.com", rnd(2) ? "GetAuthorizationToken" : "BatchGetImage");
	ct_role(&c, "eks-nodegroup-general-role");
	c.ro = 1;
	if (c.name[0] == 'B') {
		c.req = json_pack("{s:s,s:s,s:[{s:s}],s:[s,s]}", "registryId", ACCT, "repositoryName",
			apps_ct[rnd(NAPPS_CT)], "imageIds", "imageDigest", ar_printf("sha256:%s", rstr(64, A_HEX)),
			"acceptedMediaTypes", "application/vnd.docker.distribution.manifest.v2+json",
			"application/vnd.oci.image.manifest.v1+json");
		mark_negative("/requestParameters/imageIds/0/imageDigest", "digest");
	} else
		c.req = json_pack("{s:[s]}", "registryIds", ACCT);
	return ct_json(&c);
}

static json_t *
s3_data(void)
{
	struct ct c;
	unsigned char hid[60];

	ct_defaults(&c, "s3.amazonaws.com", rnd(3) ? "GetObject" : "PutObject");
	ct_someone(&c);
	c.data_event = 1;
	c.ro = c.name[0] == 'G';
	c.req = json_pack("{s:s,s:s,s:s}", "bucketName", "acme-prod-data", "Host", "acme-prod-data.s3." REGION ".amazonaws.com",
		"key", ar_printf("exports/%u/%s.parquet", 2026, uuid()));
	rnd_bytes(hid, sizeof(hid));
	/* x-amz-id-2 is a random-looking request id, not a secret */
	c.extra = json_pack("{s:s,s:s,s:i,s:i,s:s,s:s,s:s}", "SignatureVersion", "SigV4", "CipherSuite",
		"TLS_AES_128_GCM_SHA256", "bytesTransferredIn", 0, "bytesTransferredOut", (int)rnd(900000),
		"AuthenticationMethod", "AuthHeader", "x-amz-id-2", b64(hid, sizeof(hid)),
		"Host", "acme-prod-data.s3." REGION ".amazonaws.com");
	mark_negative("/additionalEventData/x-amz-id-2", "request-id");
	c.resources = json_pack("[{s:s,s:s},{s:s,s:s,s:s}]", "type", "AWS::S3::Object", "ARN",
		"arn:aws:s3:::acme-prod-data/exports/", "accountId", ACCT, "type", "AWS::S3::Bucket", "ARN",
		"arn:aws:s3:::acme-prod-data");
	return ct_json(&c);
}

static json_t *
ssm(void)
{
	struct ct c;

	if (rnd(4)) {
		ct_defaults(&c, "ssm.amazonaws.com", "GetParameters");
		ct_someone(&c);
		c.ro = 1;
		c.req = json_pack("{s:[s],s:b}", "names", ar_printf("/prod/%s/db-password", apps_ct[rnd(NAPPS_CT)]),
			"withDecryption", 1);
		return ct_json(&c);
	}
	ct_defaults(&c, "ssm.amazonaws.com", "PutParameter");
	ct_sso(&c);
	/* CloudTrail hides the value, whatever its type */
	c.req = json_pack("{s:s,s:s,s:s,s:b,s:s}", "name", ar_printf("/prod/%s/api-token", apps_ct[rnd(NAPPS_CT)]),
		"value", "HIDDEN_DUE_TO_SECURITY_REASONS", "type", rnd(3) ? "SecureString" : "String", "overwrite", 1,
		"tier", "Standard");
	c.resp = json_pack("{s:i,s:s}", "version", 1 + (int)rnd(9), "tier", "Standard");
	mark_negative("/requestParameters/value", "redaction-marker");
	return ct_json(&c);
}

static json_t *
secretsmanager(void)
{
	struct ct c;

	if (rnd(6)) {
		ct_defaults(&c, "secretsmanager.amazonaws.com", "GetSecretValue");
		ct_someone(&c);
		c.ro = 1;
		c.req = json_pack("{s:s}", "secretId", ar_printf("arn:aws:secretsmanager:" REGION ":" ACCT ":secret:prod/%s/db-%s",
			apps_ct[rnd(NAPPS_CT)], rstr(6, A_ALNUM)));
		mark_negative("/requestParameters/secretId", "arn");
		return ct_json(&c);
	}
	/* the secret string is not in the record; the idempotency token is a uuid */
	ct_defaults(&c, "secretsmanager.amazonaws.com", rnd(2) ? "CreateSecret" : "PutSecretValue");
	ct_sso(&c);
	c.req = c.name[0] == 'C' ? json_pack("{s:s,s:s,s:s}", "name", ar_printf("prod/%s/api-key", apps_ct[rnd(NAPPS_CT)]),
					     "clientRequestToken", uuid(), "description", "rotated by ops") :
				   json_pack("{s:s,s:s}", "secretId", ar_printf("prod/%s/api-key", apps_ct[rnd(NAPPS_CT)]),
					     "clientRequestToken", uuid());
	mark_negative("/requestParameters/clientRequestToken", "uuid");
	c.resp = json_pack("{s:s,s:s}", "arn", ar_printf("arn:aws:secretsmanager:" REGION ":" ACCT ":secret:prod/api-key-%s",
		rstr(6, A_ALNUM)), "versionId", uuid());
	return ct_json(&c);
}

static json_t *
run_instances(void)
{
	struct ct c;

	ct_defaults(&c, "ec2.amazonaws.com", rnd(3) ? "RunInstances" : "CreateLaunchTemplateVersion");
	ct_service(&c, "autoscaling.amazonaws.com");
	if (c.name[0] == 'R') {
		c.req = json_pack("{s:{s:[{s:s}]},s:s,s:i,s:i,s:s}", "instancesSet", "items", "imageId",
			ar_printf("ami-0%s", rstr(16, A_HEX)), "instanceType", "m6i.large", "minCount", 1, "maxCount", 1,
			"userData", "<sensitiveDataRemoved>");
		mark_negative("/requestParameters/userData", "redaction-marker");
	} else {
		c.req = json_pack("{s:{s:s,s:{s:s,s:s}}}", "CreateLaunchTemplateVersionRequest", "LaunchTemplateId",
			ar_printf("lt-0%s", rstr(16, A_HEX)), "LaunchTemplateData", "UserData", "<sensitiveDataRemoved>",
			"InstanceType", "m6i.large");
		mark_negative("/requestParameters/CreateLaunchTemplateVersionRequest/LaunchTemplateData/UserData", "redaction-marker");
	}
	return ct_json(&c);
}

static json_t *
rds(void)
{
	struct ct c;
	const char *db = ar_printf("%s-db", apps_ct[rnd(NAPPS_CT)]);

	ct_defaults(&c, "rds.amazonaws.com", "CreateDBInstance");
	ct_user(&c, "terraform");
	c.req = json_pack("{s:s,s:s,s:s,s:s}", "dBInstanceIdentifier", db, "dBInstanceClass", "db.r6g.large",
		"engine", "postgres", "masterUserPassword", "****");
	c.resp = json_pack("{s:s,s:s,s:{s:s}}", "dBInstanceIdentifier", db, "dBInstanceStatus", "creating",
		"pendingModifiedValues", "masterUserPassword", "****");
	mark_negative("/requestParameters/masterUserPassword", "redaction-marker");
	mark_negative("/responseElements/pendingModifiedValues/masterUserPassword", "redaction-marker");
	return ct_json(&c);
}

static json_t *
console_login(void)
{
	struct ct c;

	ct_defaults(&c, "signin.amazonaws.com", "ConsoleLogin");
	c.event_type = "AwsConsoleSignIn";
	c.ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
	c.ip = public_ip_ct();
	if (rnd(3) == 0) {
		/* a failed login with an unknown user name: people type passwords there */
		c.identity = json_pack("{s:s,s:s,s:s}", "type", "IAMUser", "accountId", ACCT, "userName",
			"HIDDEN_DUE_TO_SECURITY_REASONS");
		mark_negative("/userIdentity/userName", "redaction-marker");
		c.error_msg = "Failed authentication";
		c.resp = json_pack("{s:s}", "ConsoleLogin", "Failure");
	} else {
		c.identity = json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", "IAMUser", "principalId", unique_id("AIDA"), "arn",
			"arn:aws:iam::" ACCT ":user/bob", "accountId", ACCT, "userName", "bob");
		mark_negative("/userIdentity/principalId", "identity-principal-id");
		c.resp = json_pack("{s:s}", "ConsoleLogin", "Success");
	}
	c.extra = json_pack("{s:s,s:s,s:s}", "LoginTo", "https://console.aws.amazon.com/console/home", "MobileVersion", "No",
		"MFAUsed", "Yes");
	c.service_caller = 1;
	return ct_json(&c);
}

static json_t *
sns_publish(void)
{
	struct ct c;

	ct_defaults(&c, "sns.amazonaws.com", "Publish");
	ct_role(&c, "payments-api-irsa");
	c.data_event = 1;
	c.req = json_pack("{s:s,s:s,s:s}", "topicArn", "arn:aws:sns:" REGION ":" ACCT ":payment-events", "message",
		"HIDDEN_DUE_TO_SECURITY_REASONS", "subject", "HIDDEN_DUE_TO_SECURITY_REASONS");
	c.resp = json_pack("{s:s}", "messageId", uuid());
	mark_negative("/requestParameters/message", "redaction-marker");
	mark_negative("/requestParameters/subject", "redaction-marker");
	return ct_json(&c);
}

static json_t *
lambda(void)
{
	struct ct c;
	const char *fn = ar_printf("%s-%s", apps_ct[rnd(NAPPS_CT)], PICK(((const char *[]){ "resizer", "webhook", "cleanup" })));

	/* the environment is left out of the record entirely */
	ct_defaults(&c, "lambda.amazonaws.com", rnd(2) ? "CreateFunction20150331" : "UpdateFunctionConfiguration20150331v2");
	ct_user(&c, "terraform");
	c.req = json_pack("{s:s,s:s,s:s,s:s,s:i}", "functionName", fn, "runtime", "python3.12", "role",
		ar_printf("arn:aws:iam::" ACCT ":role/%s-lambda", fn), "handler", "app.handler", "timeout", 30);
	c.resp = json_pack("{s:s,s:s,s:s,s:s}", "functionName", fn, "functionArn",
		ar_printf("arn:aws:lambda:" REGION ":" ACCT ":function:%s", fn), "runtime", "python3.12", "codeSha256",
		b64(rstr(32, A_ALNUM), 32));
	mark_negative("/responseElements/codeSha256", "digest");
	return ct_json(&c);
}

static json_t *
iam(void)
{
	struct ct c;
	unsigned k = rnd(100);

	if (k < 94) {
		ct_defaults(&c, "iam.amazonaws.com", "GetRole");
		ct_someone(&c);
		c.ro = 1;
		c.req = json_pack("{s:s}", "roleName", PICK(roles));
	} else if (k < 98) {
		/* the secret access key is never in the record */
		ct_defaults(&c, "iam.amazonaws.com", "CreateAccessKey");
		ct_user(&c, "terraform");
		c.req = json_pack("{s:s}", "userName", "ci-legacy");
		c.resp = json_pack("{s:{s:s,s:s,s:s,s:s}}", "accessKey", "userName", "ci-legacy", "accessKeyId",
			aws_key_id("AKIA"), "status", "Active", "createDate", stamp_s(now_us));
		mark_negative("/responseElements/accessKey/accessKeyId", "identity-key-id");
	} else {
		ct_defaults(&c, "iam.amazonaws.com", "CreateLoginProfile");
		ct_user(&c, "terraform");
		c.req = json_pack("{s:s,s:b}", "userName", "contractor-7", "passwordResetRequired", 1);
		c.resp = json_pack("{s:{s:s,s:s,s:b}}", "loginProfile", "userName", "contractor-7", "createDate",
			stamp_s(now_us), "passwordResetRequired", 1);
	}
	return ct_json(&c);
}

static json_t *
eks(void)
{
	struct ct c;

	ct_defaults(&c, "eks.amazonaws.com", rnd(2) ? "DescribeCluster" : "ListNodegroups");
	ct_someone(&c);
	c.ro = 1;
	c.req = json_pack("{s:s}", "name", CLUSTER);
	return ct_json(&c);
}

static json_t *
sts_misc(void)
{
	struct ct c;

	if (rnd(4)) {
		ct_defaults(&c, "sts.amazonaws.com", "GetCallerIdentity");
		ct_someone(&c);
		c.ro = 1;
		return ct_json(&c);
	}
	ct_defaults(&c, "sts.amazonaws.com", "AssumeRole");
	ct_user(&c, PICK(users));
	c.error_code = "AccessDenied";
	c.error_msg = ar_printf("User: arn:aws:iam::" ACCT ":user/%s is not authorized to perform: sts:AssumeRole on resource: "
		"arn:aws:iam::" ACCT ":role/eks-admin", "ci-legacy");
	c.req = json_pack("{s:s,s:s}", "roleArn", "arn:aws:iam::" ACCT ":role/eks-admin", "roleSessionName", "ci");
	return ct_json(&c);
}

/* ECS, CodeBuild, CloudFormation, Glue calls that carry no secret */
static json_t *
benign_config(void)
{
	struct ct c;
	unsigned k = rnd(4);
	const char *app = apps_ct[rnd(NAPPS_CT)];

	if (k == 0) {
		ct_defaults(&c, "ecs.amazonaws.com", "RegisterTaskDefinition");
		ct_user(&c, "terraform");
		c.req = json_pack("{s:s,s:[{s:s,s:s,s:i,s:b,s:[{s:s,s:s},{s:s,s:s}],s:[{s:s,s:s}]}],s:[s],s:s,s:s,s:s}",
			"family", app, "containerDefinitions", "name", app, "image", ar_printf(ACCT ".dkr.ecr." REGION ".amazonaws.com/%s:v2.4.1", app),
			"memory", 512, "essential", 1, "environment", "name", "LOG_LEVEL", "value", "info", "name", "AWS_REGION",
			"value", REGION, "secrets", "name", "DB_PASSWORD", "valueFrom",
			ar_printf("arn:aws:secretsmanager:" REGION ":" ACCT ":secret:prod/%s/db-%s", app, rstr(6, A_ALNUM)),
			"requiresCompatibilities", "FARGATE", "networkMode", "awsvpc", "cpu", "256", "memory", "512");
		mark_negative("/requestParameters/containerDefinitions/0/secrets/0/valueFrom", "secret-ref");
	} else if (k == 1) {
		ct_defaults(&c, "codebuild.amazonaws.com", "StartBuild");
		ct_role(&c, "gitlab-deployer");
		c.req = json_pack("{s:s,s:[{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s}]}", "projectName", app,
			"environmentVariablesOverride", "name", "DB_PASSWORD", "value", ar_printf("/prod/%s/db-password", app),
			"type", "PARAMETER_STORE", "name", "NPM_TOKEN", "value", ar_printf("prod/%s/npm:token", app), "type",
			"SECRETS_MANAGER", "name", "GIT_COMMIT", "value", rstr(40, A_HEX), "type", "PLAINTEXT");
		mark_negative("/requestParameters/environmentVariablesOverride/0/value", "secret-ref");
		mark_negative("/requestParameters/environmentVariablesOverride/1/value", "secret-ref");
		mark_negative("/requestParameters/environmentVariablesOverride/2/value", "git-sha");
	} else if (k == 2) {
		ct_defaults(&c, "cloudformation.amazonaws.com", "CreateStack");
		ct_user(&c, "terraform");
		c.req = json_pack("{s:s,s:s,s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}],s:[s]}", "stackName", ar_printf("%s-stack", app),
			"templateURL", ar_printf("https://acme-cfn.s3.amazonaws.com/%s.yaml", app), "parameters",
			"parameterKey", "InstanceType", "parameterValue", "t3.medium", "parameterKey", "VpcId", "parameterValue",
			ar_printf("vpc-0%s", rstr(16, A_HEX)), "parameterKey", "DBPasswordSecretArn", "parameterValue",
			ar_printf("arn:aws:secretsmanager:" REGION ":" ACCT ":secret:prod/%s/db-%s", app, rstr(6, A_ALNUM)),
			"capabilities", "CAPABILITY_NAMED_IAM");
		c.resp = json_pack("{s:s}", "stackId", ar_printf("arn:aws:cloudformation:" REGION ":" ACCT ":stack/%s-stack/%s", app, uuid()));
		mark_negative("/requestParameters/parameters/2/parameterValue", "arn");
	} else {
		ct_defaults(&c, "glue.amazonaws.com", "CreateConnection");
		ct_user(&c, "terraform");
		c.req = json_pack("{s:s,s:{s:s,s:s,s:{s:s,s:s}}}", "catalogId", ACCT, "connectionInput", "name",
			ar_printf("%s-warehouse", app), "connectionType", "JDBC", "connectionProperties", "JDBC_CONNECTION_URL",
			ar_printf("jdbc:postgresql://%s-db.cluster-c9x2kq1m0abc." REGION ".rds.amazonaws.com:5432/%s", app, app),
			"SECRET_ID", ar_printf("prod/%s/glue", app));
		mark_negative("/requestParameters/connectionInput/connectionProperties/SECRET_ID", "secret-ref");
	}
	return ct_json(&c);
}

json_t *
ct_noise(void)
{
	unsigned r = rnd(1000);

	if (r < 170)
		return kms();
	if (r < 260) {
		struct secret s;
		make_secret(&s, type_index("aws-session-token"));
		return ct_sts(&s);
	}
	if (r < 400)
		return describe();
	if (r < 480)
		return ecr();
	if (r < 580)
		return s3_data();
	if (r < 640)
		return ssm();
	if (r < 690)
		return secretsmanager();
	if (r < 720)
		return eks();
	if (r < 760)
		return sts_misc();
	if (r < 775)
		return run_instances();
	if (r < 790)
		return rds();
	if (r < 810)
		return console_login();
	if (r < 840)
		return sns_publish();
	if (r < 855)
		return lambda();
	if (r < 900)
		return iam();
	return benign_config();
}
