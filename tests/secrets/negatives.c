/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hard negatives: values that look like secrets, or sit under names that
 * sound like secrets, and are not - what a scanner must leave alone
 * (research/secret-scan.md 8.1, "must not be reported").  Each comes with
 * its kind, written to negatives.tsv so that a false alarm on one can be
 * told from a false alarm on ordinary noise.
 */
#include <string.h>

#include "gen.h"

static struct kv
nkv(const char *name, const char *value, const char *kind)
{
	struct kv k;

	memset(&k, 0, sizeof(k));
	k.name = name;
	k.value = value;
	k.role = R_NEGATIVE;
	k.neg = kind;
	return k;
}

static const char *const placeholders[] = {
	"${DB_PASSWORD}", "$(API_TOKEN)", "{{ .Values.db.password }}", "<your-api-key>", "changeme",
	"xxxxxxxxxxxxxxxxxxxxxxxx", "REPLACE_ME", "${{ secrets.NPM_TOKEN }}", "%SMTP_PASSWORD%", "********",
	"<password>", "{{ stripe_secret_key }}", "${vault:secret/data/payments#password}", "change-me-in-prod",
	"$(cat /run/secrets/db)", "TODO", "<nil>", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	"sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
};
static const char *const doc_values[] = {
	"password", "secret", "example", "dummy", "test", "none", "disabled", "your-password-here",
	"not-a-real-secret", "insecure", "default", "admin", "sample-token", "12345",
};

struct kv
neg_env_kind(const char *kind)
{
	if (strcmp(kind, "aws-example") == 0)
		return rnd(2) ? nkv("AWS_ACCESS_KEY_ID", rnd(2) ? "AKIAIOSFODNN7EXAMPLE" : "AKIAI44QH8DHBEXAMPLE", kind) :
			nkv("AWS_SECRET_ACCESS_KEY", rnd(2) ? "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" :
				"je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY", kind);
	if (strcmp(kind, "placeholder") == 0)
		return nkv(PICK(((const char *[]){ "DB_PASSWORD", "API_TOKEN", "STRIPE_SECRET_KEY", "GITHUB_TOKEN",
						    "SMTP_PASSWORD", "CLIENT_SECRET" })), PICK(placeholders), kind);
	if (strcmp(kind, "doc-value") == 0)
		return nkv(PICK(((const char *[]){ "EXAMPLE_PASSWORD", "DEMO_TOKEN", "TEST_SECRET", "SAMPLE_API_KEY" })),
			PICK(doc_values), kind);
	if (strcmp(kind, "git-sha") == 0)
		return nkv(PICK(((const char *[]){ "GIT_COMMIT", "GIT_SHA", "REVISION", "SOURCE_VERSION", "BUILD_COMMIT" })),
			rstr(40, A_HEX), kind);
	if (strcmp(kind, "digest") == 0)
		return nkv(PICK(((const char *[]){ "IMAGE_DIGEST", "CONFIG_SHA256", "ARTIFACT_CHECKSUM" })),
			rnd(2) ? ar_printf("sha256:%s", rstr(64, A_HEX)) : rstr(64, A_HEX), kind);
	if (strcmp(kind, "uuid") == 0)
		return nkv(PICK(((const char *[]){ "AZURE_CLIENT_ID", "TENANT_ID", "INSTALLATION_ID", "CLIENT_ID",
						    "DD_SITE_ID", "LICENSE_ID" })), uuid(), kind);
	if (strcmp(kind, "base64-config") == 0) {
		const char *j = ar_printf("{\"features\":{\"newCheckout\":%s,\"searchV2\":true},\"rollout\":%u,\"region\":\"" REGION "\"}",
			rnd(2) ? "true" : "false", rnd(100));
		return nkv(PICK(((const char *[]){ "FEATURE_FLAGS_B64", "APP_CONFIG_BASE64", "BOOTSTRAP_CONFIG" })), b64s(j), kind);
	}
	if (strcmp(kind, "path") == 0)
		return rnd(2) ? nkv("AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", kind) :
			nkv(PICK(((const char *[]){ "DB_PASSWORD_FILE", "TLS_KEY_PATH", "GOOGLE_APPLICATION_CREDENTIALS" })),
				PICK(((const char *[]){ "/etc/secrets/db-password", "/var/run/secrets/tls/tls.key",
							 "/var/secrets/google/key.json" })), kind);
	if (strcmp(kind, "arn") == 0)
		return nkv(PICK(((const char *[]){ "DB_SECRET_ARN", "API_KEY_SECRET_ID", "TOKEN_PARAMETER" })),
			rnd(2) ? ar_printf("arn:aws:secretsmanager:" REGION ":" ACCT ":secret:prod/payments/%s-%s",
					 PICK(((const char *[]){ "db", "stripe", "api" })), rstr(6, A_ALNUM)) :
				 ar_printf("arn:aws:ssm:" REGION ":" ACCT ":parameter/prod/%s/api-token", PICK(((const char *[]){ "web", "api" }))),
			kind);
	if (strcmp(kind, "sentence") == 0)
		return nkv(PICK(((const char *[]){ "PASSWORD_POLICY", "TOKEN_HELP", "SECRET_ROTATION_NOTE" })),
			PICK(((const char *[]){ "Passwords must be at least 12 characters and rotated every 90 days",
						 "Tokens are issued by the platform team; ask in #platform",
						 "Rotate the signing secret after every incident" })), kind);
	if (strcmp(kind, "public-key") == 0)
		return rnd(2) ? nkv("SSH_AUTHORIZED_KEY", ssh_public_key(), kind) : nkv("SOPS_AGE_RECIPIENTS", age_public(), kind);
	if (strcmp(kind, "key-name") == 0)
		return nkv(PICK(((const char *[]){ "SECRET_NAME", "TOKEN_ENDPOINT", "API_KEY_HEADER", "PASSWORD_HASH_ALGO",
						    "AUTH_MODE", "CREDENTIALS_PROVIDER" })),
			PICK(((const char *[]){ "db-credentials", "https://oauth2.googleapis.com/token", "X-API-Key",
						 "argon2id", "oidc", "aws-iam" })), kind);
	die("no negative kind %s", kind);
}

struct kv
neg_env(void)
{
	static const char *const kinds[] = {
		"aws-example", "placeholder", "placeholder", "doc-value", "git-sha", "digest", "uuid",
		"base64-config", "path", "arn", "sentence", "public-key", "key-name",
	};

	return neg_env_kind(PICK(kinds));
}

/* A documentation-like file: examples and placeholders, no real value. */
const char *
neg_doc_file(const char **kind)
{
	switch (rnd(4)) {
	case 0:
		*kind = "aws-example";
		return "# Local development\n\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n"
		       "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
		       "export AWS_DEFAULT_REGION=us-west-2\n";
	case 1:
		*kind = "placeholder";
		return ar_printf("# copy to .env and fill in\nDATABASE_URL=postgres://user:password@localhost:5432/app\n"
			"STRIPE_SECRET_KEY=%s\nGITHUB_TOKEN=<your-token>\nSESSION_SECRET=changeme\n", PICK(placeholders));
	case 2:
		*kind = "doc-value";
		return "database:\n  host: localhost\n  user: postgres\n  password: postgres  # local only\n"
		       "redis:\n  password: \"\"\nadmin:\n  password: admin\n";
	default:
		*kind = "placeholder";
		return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: example\nstringData:\n"
		       "  token: \"{{ .Values.token }}\"\n  password: \"${PASSWORD}\"\n";
	}
}
