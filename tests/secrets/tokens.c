/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The 46 secret types of tests/secrets/README (the contract's type ids), each
 * drawn at random in the shapes the providers issue: lengths, prefixes,
 * alphabets and checksums as in research/secret-scan.md 8.1, with the names
 * people configure them under.  make_secret() also fills in the ways the
 * secret is written down: NAME=value assignments, a file, an argv, a shell
 * command.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gen.h"

#define OIDC_ID "B7E3C1A09F4D2E6815C0A9D3F7B2E4C1"

/* ---- building a secret ---- */
static void
kv_add(struct secret *s, const char *name, const char *value, enum role role, const char *neg)
{
	struct kv *k = &s->kv[s->nkv++];

	memset(k, 0, sizeof(*k));
	k->name = name;
	k->value = value;
	k->role = role;
	k->neg = neg;
	if (role == R_SECRET)
		s->main = s->nkv - 1;
}

/* the usual case: one assignment holding the secret */
static void
one(struct secret *s, const char *name, const char *value)
{
	s->value = value;
	kv_add(s, name, value, R_SECRET, NULL);
}

static const char *
pick_name(int n, const char *const *names)
{
	return names[rnd((unsigned)n)];
}
#define NAME(...) pick_name((int)NELEM(((const char *const[]){ __VA_ARGS__ })), \
	(const char *const[]){ __VA_ARGS__ })

/* ---- AWS ---- */
/*
 * A key id that decodes to the corpus account: after the four-letter
 * prefix, 16 base32 characters of 10 bytes whose first six hold
 * (account << 7) with the top bit set, as AWS issues them.
 */
static char *
key_id_from(const char *prefix, uint64_t r1, uint64_t r2)
{
	unsigned char b[10];
	uint64_t z = (1ULL << 47) | (UINT64_C(318645903217) << 7) | (r1 & 0x7f);
	char *out = ar_alloc(21);
	int i, bits = 0, o = 4;
	unsigned v = 0;

	for (i = 0; i < 6; i++)
		b[i] = (unsigned char)(z >> (40 - 8 * i));
	for (i = 6; i < 10; i++)
		b[i] = (unsigned char)(r2 >> (8 * (i - 6)));
	memcpy(out, prefix, 4);
	for (i = 0; i < 10; i++) {
		v = v << 8 | b[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = A_B32[v >> bits & 31];
		}
	}
	out[20] = '\0';
	return out;
}

/*
 * A key id that decodes to the corpus account: after the four-letter
 * prefix, 16 base32 characters of 10 bytes whose first six hold
 * (account << 7) with the top bit set, as AWS issues them.
 */
char *
aws_key_id(const char *prefix)
{
	uint64_t r1 = rnd64();

	return key_id_from(prefix, r1, rnd64());
}

/* The same key id for the same h: one session's key, one user's key. */
char *
aws_key_id_for(const char *prefix, uint64_t h)
{
	uint64_t z = h * 0x9e3779b97f4a7c15ULL + 0x7f4a7c15;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return key_id_from(prefix, z, z >> 7 ^ h);
}

void
secret_aws_key_pair(char **keyid, char **secret, const char *prefix)
{
	*keyid = aws_key_id(prefix);
	*secret = rstr_min_entropy(40, A_B64, 4.6);
}

char *
aws_session_token(void)
{
	static const unsigned char ec[] = "!\n\torigin_ec\x10\x00\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"
					  "\x1a\x09" REGION "\"G0E\x02 ";
	static const unsigned char fwo[] = "\x17\n\x06" "er/aws\x10\x00\x1a\x0c";
	unsigned char b[1024];
	size_t head, n;

	if (rnd(4)) {
		head = sizeof(ec) - 1;
		memcpy(b, ec, head);
		b[13] = (unsigned char)(0x80 + rnd(0x30));
		n = rnd_between(720, 860);
	} else {
		head = sizeof(fwo) - 1;
		memcpy(b, fwo, head);
		b[11] = (unsigned char)(0x80 + rnd(0x30));
		n = rnd_between(250, 300);
	}
	rnd_bytes(b + head, n - head);
	return b64(b, n);
}

static void
mk_aws_key_pair(struct secret *s)
{
	char *id, *sec;

	secret_aws_key_pair(&id, &sec, "AKIA");
	s->value = sec;
	kv_add(s, "AWS_ACCESS_KEY_ID", id, R_NEUTRAL, NULL);
	kv_add(s, "AWS_SECRET_ACCESS_KEY", sec, R_SECRET, NULL);
	s->file = "credentials";
	s->filebody = ar_printf("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = " REGION "\n",
		id, sec);
	s->tool = NAME("aws s3 sync /data s3://acme-backups/nightly/", "aws sts get-caller-identity",
		"aws ecr get-login-password --region " REGION);
	s->argv[0] = ar_printf("--access-key=%s", id);
	s->argv[1] = ar_printf("--secret-key=%s", sec);
	s->argc = 2;
	s->argv_at = 1;
}

static void
mk_aws_secret_key(struct secret *s)
{
	one(s, NAME("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY", "aws_secret_access_key"), rstr_min_entropy(40, A_B64, 4.6));
	s->tool = "aws s3 ls";
}

static void
mk_aws_session_token(struct secret *s)
{
	one(s, "AWS_SESSION_TOKEN", aws_session_token());
	s->tool = "aws s3 cp s3://acme-data/export.csv -";
}

static void
mk_aws_bedrock_key(struct secret *s)
{
	if (rnd(4)) {
		const char *raw = ar_printf("BedrockAPIKey-%s-at-" ACCT ":%s", rstr(4, A_LOWER_ALNUM),
			rstr(rnd_between(60, 140), A_B64));
		one(s, "AWS_BEARER_TOKEN_BEDROCK", ar_printf("ABSK%s", b64s(raw)));
	} else {
		const char *q = ar_printf("bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm="
			"AWS4-HMAC-SHA256&X-Amz-Credential=%s%%2F20261101%%2F" REGION "%%2Fbedrock%%2Faws4_request"
			"&X-Amz-Date=20261101T%02u%02u00Z&X-Amz-Expires=43200&X-Amz-Security-Token=%s"
			"&X-Amz-Signature=%s&X-Amz-SignedHeaders=host&Version=1",
			aws_key_id("ASIA"), rnd(24), rnd(60), query_escape(aws_session_token()), rstr(64, A_HEX));
		one(s, "AWS_BEARER_TOKEN_BEDROCK", ar_printf("bedrock-api-key-%s", b64s(q)));
	}
	s->tool = "python3 /app/summarise.py";
}

static void
mk_aws_key_id(struct secret *s)
{
	one(s, "AWS_ACCESS_KEY_ID", aws_key_id("AKIA"));
	s->tool = "aws configure list";
}

/* ---- Google, Azure, other clouds ---- */
static void
mk_gcp_api_key(struct secret *s)
{
	one(s, NAME("GOOGLE_API_KEY", "GOOGLE_MAPS_API_KEY", "FIREBASE_API_KEY", "GCP_API_KEY"),
		ar_printf("AIza%s", rstr(35, A_WORD)));
	s->tool = "node dist/geocode.js";
}

static void
mk_gcp_service_account(struct secret *s)
{
	const char *proj = ar_printf("%s-%s-%u", PICK(((const char *[]){ "acme", "shop", "data" })),
		PICK(((const char *[]){ "prod", "analytics", "ml" })), rnd_between(100000, 999999));
	const char *sa = PICK(((const char *[]){ "bigquery-export", "gcs-sync", "vertex-client", "pubsub-bridge" }));
	const char *kid = rstr(40, A_HEX);
	json_t *o = json_object();
	char *pretty;

	json_object_set_new(o, "type", json_string("service_account"));
	json_object_set_new(o, "project_id", json_string(proj));
	json_object_set_new(o, "private_key_id", json_string(kid));
	json_object_set_new(o, "private_key", json_string(pem_rsa_pkcs8()));
	json_object_set_new(o, "client_email", json_string(ar_printf("%s@%s.iam.gserviceaccount.com", sa, proj)));
	json_object_set_new(o, "client_id", json_string(ar_printf("1%s", rstr(20, A_DIGITS))));
	json_object_set_new(o, "auth_uri", json_string("https://accounts.google.com/o/oauth2/auth"));
	json_object_set_new(o, "token_uri", json_string("https://oauth2.googleapis.com/token"));
	json_object_set_new(o, "auth_provider_x509_cert_url", json_string("https://www.googleapis.com/oauth2/v1/certs"));
	json_object_set_new(o, "client_x509_cert_url", json_string(ar_printf(
		"https://www.googleapis.com/robot/v1/metadata/x509/%s%%40%s.iam.gserviceaccount.com", sa, proj)));
	json_object_set_new(o, "universe_domain", json_string("googleapis.com"));
	pretty = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	s->filebody = ar_printf("%s\n", pretty);
	free(pretty);
	one(s, NAME("GOOGLE_CREDENTIALS", "GCP_SA_KEY", "GOOGLE_APPLICATION_CREDENTIALS_JSON"), aws_dumps(o));
	json_decref(o);
	s->value = kid; /* what verify.c looks for: the key's id, written the same in every form */
	s->file = NAME("credentials.json", "key.json", "service-account.json");
	s->flags = SF_STRUCT;
}

static void
mk_azure_client_secret(struct secret *s)
{
	const char *v = ar_printf("%s%cQ~%s", rstr(3, A_ALNUM), A_DIGITS[rnd(10)], rstr(34, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_~.-"));

	kv_add(s, "AZURE_TENANT_ID", uuid(), R_NEGATIVE, "uuid");
	kv_add(s, "AZURE_CLIENT_ID", uuid(), R_NEGATIVE, "uuid");
	kv_add(s, "AZURE_CLIENT_SECRET", v, R_SECRET, NULL);
	s->value = v;
	s->tool = "az storage blob list --container-name exports --account-name acmeexports";
}

static void
mk_azure_storage_key(struct secret *s)
{
	unsigned char k[64];
	const char *key, *acct = PICK(((const char *[]){ "acmeprodlogs", "shopbackups01", "mlartifactsweu" }));

	rnd_bytes(k, sizeof(k));
	key = b64(k, sizeof(k));
	if (rnd(2))
		one(s, "AZURE_STORAGE_CONNECTION_STRING", ar_printf("DefaultEndpointsProtocol=https;AccountName=%s;"
			"AccountKey=%s;EndpointSuffix=core.windows.net", acct, key));
	else {
		kv_add(s, "AZURE_STORAGE_ACCOUNT", acct, R_OTHER, NULL);
		kv_add(s, "AZURE_STORAGE_KEY", key, R_SECRET, NULL);
	}
	s->value = key;
	s->tool = "az storage blob upload-batch -d backups -s /backup";
}

static void
mk_azure_sas_token(struct secret *s)
{
	unsigned char sig[32];
	const char *esig;

	rnd_bytes(sig, sizeof(sig));
	esig = query_escape(b64(sig, sizeof(sig)));
	one(s, NAME("AZURE_BLOB_SAS_URL", "BACKUP_CONTAINER_SAS_URL"),
		ar_printf("https://%s.blob.core.windows.net/%s?sp=racwdl&st=2026-10-2%uT08:00:00Z&se=2027-10-2%uT16:00:00Z"
			"&spr=https&sv=2022-11-02&sr=c&sig=%s",
			PICK(((const char *[]){ "acmeprodlogs", "shopbackups01" })),
			PICK(((const char *[]){ "backups", "exports", "velero" })), rnd(9), rnd(9), esig));
	s->value = esig;
	s->tool = "azcopy copy /backup/db.dump \"$AZURE_BLOB_SAS_URL\"";
}

static void
mk_alibaba_access_key(struct secret *s)
{
	one(s, "ALIBABA_CLOUD_ACCESS_KEY_ID", ar_printf("LTAI5t%s", rstr(18, A_ALNUM)));
	s->tool = "aliyun oss ls oss://acme-cn-assets";
}

static void
mk_digitalocean_token(struct secret *s)
{
	one(s, NAME("DIGITALOCEAN_ACCESS_TOKEN", "DIGITALOCEAN_TOKEN", "DO_TOKEN"),
		ar_printf("do%c_v1_%s", "opr"[rnd(3)], rstr(64, A_HEX)));
	s->tool = "doctl kubernetes cluster list";
}

static void
mk_cloudflare_token(struct secret *s)
{
	switch (rnd(3)) {
	case 0:
		one(s, NAME("CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"), rstr_min_entropy(40, A_WORD, 4.2));
		break;
	case 1:
		kv_add(s, "CLOUDFLARE_EMAIL", "dns-admin@acme.example", R_OTHER, NULL);
		kv_add(s, "CLOUDFLARE_API_KEY", rstr_min_entropy(37, A_HEX, 3.4), R_SECRET, NULL);
		s->value = s->kv[1].value;
		break;
	default:
		one(s, "CLOUDFLARE_ORIGIN_CA_KEY", ar_printf("v1.0-%s-%s", rstr(24, A_HEX), rstr(146, A_HEX)));
	}
	s->tool = "flarectl dns list --zone acme.example";
}

static void
mk_vault_token(struct secret *s)
{
	switch (rnd(4)) {
	case 0:
		one(s, "VAULT_TOKEN", ar_printf("hvb.AAAAAQ%s", rstr(rnd_between(140, 190), A_WORD)));
		break;
	case 1:
		one(s, "VAULT_TOKEN", ar_printf("s.%s", rstr_min_entropy(24, A_ALNUM, 4.0)));
		break;
	default:
		one(s, NAME("VAULT_TOKEN", "VAULT_DEV_ROOT_TOKEN_ID"), ar_printf("hvs.CAESI%s", rstr(rnd_between(86, 110), A_WORD)));
	}
	s->tool = "vault kv get -field=password secret/payments/db";
}

static void
mk_terraform_token(struct secret *s)
{
	one(s, NAME("TF_TOKEN_app_terraform_io", "TFE_TOKEN", "TF_API_TOKEN"),
		ar_printf("%s.atlasv1.%s", rstr(14, A_ALNUM), rstr(rnd_between(60, 70), A_ALNUM)));
	s->tool = "terraform -chdir=/work/infra plan -input=false";
}

/* ---- Kubernetes ---- */
static char *
jwt(json_t *header, json_t *payload, size_t sig)
{
	unsigned char sb[256];
	char *h = aws_dumps(header), *p = aws_dumps(payload);

	rnd_bytes(sb, sig);
	json_decref(header);
	json_decref(payload);
	return ar_printf("%s.%s.%s", b64url(h, strlen(h)), b64url(p, strlen(p)), b64url(sb, sig));
}

static json_t *
rs256_header(void)
{
	unsigned char kid[32];

	rnd_bytes(kid, sizeof(kid));
	return json_pack("{s:s,s:s}", "alg", "RS256", "kid", b64url(kid, sizeof(kid)));
}

char *
jwt_sa(const char *ns, const char *sa, int projected)
{
	json_int_t iat = (json_int_t)epoch_s(now_us) - (json_int_t)rnd(3000);

	if (projected) {
		json_t *p = json_pack("{s:[s],s:I,s:I,s:s,s:s,s:{s:s,s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},s:I},s:I,s:s}",
			"aud", projected == 2 ? "sts.amazonaws.com" : "https://kubernetes.default.svc",
			"exp", iat + 86400, "iat", iat,
			"iss", "https://oidc.eks." REGION ".amazonaws.com/id/" OIDC_ID, "jti", uuid(),
			"kubernetes.io", "namespace", ns,
			"node", "name", ar_printf("ip-10-0-%u-%u." REGION ".compute.internal", rnd(192), 1 + rnd(254)),
			"uid", uuid(),
			"pod", "name", ar_printf("%s-%s-%s", sa, rstr(10, A_LOWER_ALNUM), rstr(5, A_LOWER_ALNUM)),
			"uid", uuid(),
			"serviceaccount", "name", sa, "uid", uuid(), "warnafter", iat + 3607,
			"nbf", iat, "sub", ar_printf("system:serviceaccount:%s:%s", ns, sa));
		return jwt(rs256_header(), p, 256);
	}
	return jwt(rs256_header(), json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "iss", "kubernetes/serviceaccount",
		"kubernetes.io/serviceaccount/namespace", ns,
		"kubernetes.io/serviceaccount/secret.name", ar_printf("%s-token-%s", sa, rstr(5, A_LOWER_ALNUM)),
		"kubernetes.io/serviceaccount/service-account.name", sa,
		"kubernetes.io/serviceaccount/service-account.uid", uuid(),
		"sub", ar_printf("system:serviceaccount:%s:%s", ns, sa)), 256);
}

static char *
jwt_other(void)
{
	json_int_t iat = (json_int_t)epoch_s(now_us) - (json_int_t)rnd(3000);

	if (rnd(2))
		return jwt(json_pack("{s:s,s:s}", "alg", "HS256", "typ", "JWT"),
			json_pack("{s:s,s:s,s:I,s:I,s:s}", "iss", "argocd", "sub", "ci:apiKey", "nbf", iat, "iat", iat,
				"jti", uuid()), 32);
	return jwt(json_pack("{s:s,s:s,s:s}", "alg", "ES256", "typ", "JWT", "kid", rstr(20, A_HEX)),
		json_pack("{s:s,s:s,s:s,s:I,s:I,s:s,s:s}", "iss", "https://token.actions.githubusercontent.com",
			"sub", "repo:acme/payments:ref:refs/heads/main", "aud", "sts.amazonaws.com",
			"exp", iat + 300, "iat", iat, "repository", "acme/payments", "workflow", "deploy"), 64);
}

static void
mk_jwt(struct secret *s)
{
	static const char *const sas[][2] = {
		{ "payments", "api" }, { "monitoring", "prometheus" }, { "argocd", "argocd-server" },
		{ "kube-system", "cluster-autoscaler" }, { "default", "default" }, { "ci", "deployer" },
	};
	int k = (int)rnd(NELEM(sas)), form = (int)rnd(4);

	if (form == 3)
		one(s, NAME("ARGOCD_AUTH_TOKEN", "OIDC_ID_TOKEN"), jwt_other());
	else
		one(s, NAME("KUBE_TOKEN", "K8S_SA_TOKEN", "KUBERNETES_TOKEN"), jwt_sa(sas[k][0], sas[k][1], form));
	s->tool = "kubectl --server=https://" OIDC_ID ".gr7." REGION ".eks.amazonaws.com get pods -A";
	s->cmd = ar_printf("curl -sk -H \"Authorization: Bearer %s\" https://kubernetes.default.svc/api/v1/namespaces", s->value);
	s->argv[0] = "--token";
	s->argv[1] = s->value;
	s->argc = 2;
	s->argv_at = 1;
}

static void
mk_bootstrap_token(struct secret *s)
{
	const char *t = ar_printf("%s.%s", rstr(6, A_LOWER_ALNUM), rstr_min_entropy(16, A_LOWER_ALNUM, 3.3));
	const char *hash = ar_printf("sha256:%s", rstr(64, A_HEX));

	one(s, "KUBEADM_TOKEN", t);
	s->cmd = ar_printf("kubeadm join 10.0.0.10:6443 --token %s --discovery-token-ca-cert-hash %s", t, hash);
	s->prog = "kubeadm";
	s->argv[0] = "join";
	s->argv[1] = "10.0.0.10:6443";
	s->argv[2] = "--token";
	s->argv[3] = t;
	s->argv[4] = "--discovery-token-ca-cert-hash";
	s->argv[5] = hash;
	s->argc = 6;
	s->argv_at = 3;
	s->file = "join.sh";
	s->filebody = ar_printf("#!/bin/sh\nset -e\n%s\n", s->cmd);
}

static char *
kubeconfig(const char *user_yaml)
{
	return ar_printf("apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: %s\n"
		"    server: https://" OIDC_ID ".gr7." REGION ".eks.amazonaws.com\n  name: " CLUSTER "\n"
		"contexts:\n- context:\n    cluster: " CLUSTER "\n    user: %s\n  name: " CLUSTER "\n"
		"current-context: " CLUSTER "\nkind: Config\npreferences: {}\nusers:\n- name: %s\n  user:\n%s",
		b64s(pem_certificate("kubernetes")), "deployer", "deployer", user_yaml);
}

static void
mk_kubeconfig(struct secret *s)
{
	const char *cred;

	switch (rnd(3)) {
	case 0:
		cred = b64s(pem_ec());
		s->filebody = kubeconfig(ar_printf("    client-certificate-data: %s\n    client-key-data: %s\n",
			b64s(pem_certificate("deployer")), cred));
		break;
	case 1:
		cred = ar_printf("https://sts." REGION ".amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"
			"&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%s%%2F20261101%%2F" REGION "%%2Fsts%%2Faws4_request"
			"&X-Amz-Date=20261101T%02u%02u%02uZ&X-Amz-Expires=60&X-Amz-SignedHeaders=host%%3Bx-k8s-aws-id"
			"&X-Amz-Signature=%s", aws_key_id("AKIA"), rnd(24), rnd(60), rnd(60), rstr(64, A_HEX));
		cred = ar_printf("k8s-aws-v1.%s", b64url(cred, strlen(cred)));
		s->filebody = kubeconfig(ar_printf("    token: %s\n", cred));
		break;
	default:
		cred = rstr_min_entropy(20, A_ALNUM, 3.8);
		s->filebody = kubeconfig(ar_printf("    password: %s\n    username: admin\n", cred));
	}
	s->value = cred;
	s->file = NAME("kubeconfig", "config", "value");
	s->flags = SF_STRUCT | SF_MULTILINE;
	/* CI variables hold kubeconfigs base64-encoded */
	kv_add(s, NAME("KUBE_CONFIG", "KUBECONFIG_B64"), b64s(s->filebody), R_SECRET, NULL);
	s->kv[0].st = st_add(st0(), ST_BASE64, NULL);
}

static void
mk_registry_credential(struct secret *s)
{
	const char *reg = PICK(((const char *[]){ "registry.gitlab.com", "ghcr.io", "harbor.acme.internal",
						    "https://index.docker.io/v1/", "quay.io" }));
	const char *user = PICK(((const char *[]){ "ci-bot", "robot$acme+puller", "deploy", "acme-ci" }));
	const char *pw = rstr_min_entropy(rnd_between(20, 32), A_ALNUM, 3.8);
	json_t *o;

	o = json_pack("{s:{s:{s:s,s:s,s:s}}}", "auths", reg, "username", user, "password", pw,
		"auth", b64s(ar_printf("%s:%s", user, pw)));
	s->filebody = go_dumps(o);
	json_decref(o);
	s->value = pw;
	s->file = ".dockerconfigjson";
	s->flags = SF_STRUCT;
	kv_add(s, "DOCKER_AUTH_CONFIG", s->filebody, R_SECRET, NULL);
	s->kv[0].st = st_add(st0(), ST_JSON, ar_printf("/auths/%s/password", ptr_key(reg)));
}

char *
random_password(void)
{
	return rstr_min_entropy(rnd_between(14, 28), A_PASS, 3.6);
}

static void
mk_k8s_secret_value(struct secret *s)
{
	const char *v;

	switch (rnd(4)) {
	case 0:
		v = rstr(64, A_HEX);
		break;
	case 1: {
		unsigned char k[32];
		rnd_bytes(k, sizeof(k));
		v = b64(k, sizeof(k));
		break;
	}
	default:
		v = random_password();
	}
	one(s, NAME("password", "db-password", "admin-password", "encryption-key", "SESSION_SECRET",
		    "jwt-signing-key", "webhook-secret", "redis-password", "rabbitmq-erlang-cookie"), v);
}

/* ---- keys ---- */
static void
mk_private_key(struct secret *s)
{
	int kind;
	const char *k = pem_private_key(&kind);

	one(s, NAME("PRIVATE_KEY", "GITHUB_APP_PRIVATE_KEY", "JWT_PRIVATE_KEY", "SSH_PRIVATE_KEY"), k);
	s->file = kind == 4 ? "id_ed25519" : kind == 7 ? "signing-key.asc" : NAME("tls.key", "private.pem", "id_rsa", "server.key");
	s->filebody = k;
	s->flags = SF_MULTILINE;
}

static void
mk_age(struct secret *s)
{
	char *sec;

	s->filebody = age_key_file(&sec);
	s->file = "keys.txt";
	one(s, NAME("SOPS_AGE_KEY", "AGE_SECRET_KEY"), sec);
	s->tool = "sops --decrypt /config/secrets.enc.yaml";
}

static void
mk_putty(struct secret *s)
{
	const char *k = putty_key();

	one(s, "PUTTY_KEY", k);
	s->file = NAME("deploy.ppk", "id_ed25519.ppk", "bastion.ppk");
	s->filebody = k;
	s->flags = SF_MULTILINE;
}

/* ---- URLs, headers, command lines, generic ---- */
static void
mk_url_credential(struct secret *s)
{
	const char *pw = rnd(4) ? rstr_min_entropy(rnd_between(16, 28), A_ALNUM, 3.8) :
				  ar_printf("%s%%21%s", rstr(10, A_ALNUM), rstr(8, A_ALNUM));
	const char *u;

	switch (rnd(8)) {
	case 0:
		u = ar_printf("postgres://payments:%s@payments-db.cluster-c9x2kq1m0abc." REGION ".rds.amazonaws.com:5432/payments?sslmode=require", pw);
		break;
	case 1:
		u = ar_printf("mysql://orders:%s@orders-mysql.data.svc.cluster.local:3306/orders", pw);
		break;
	case 2:
		u = ar_printf("mongodb+srv://svc-catalog:%s@cluster0.ab1cd.mongodb.net/catalog?retryWrites=true&w=majority", pw);
		break;
	case 3:
		u = ar_printf("redis://:%s@redis-master.cache.svc.cluster.local:6379/0", pw);
		break;
	case 4:
		u = ar_printf("amqps://orders:%s@b-4f1c2a9b-e0d3-4a55-9c1b-2d7e8f901234.mq." REGION ".amazonaws.com:5671", pw);
		break;
	case 5:
		u = ar_printf("https://deploy:%s@nexus.acme.internal/repository/npm-private/", pw);
		break;
	case 6:
		u = ar_printf("rediss://default:%s@clustercfg.sessions.x1y2z3.euw1.cache.amazonaws.com:6379", pw);
		break;
	default:
		u = ar_printf("ftp://backup:%s@ftp.partner.example:21/incoming/", pw);
	}
	one(s, NAME("DATABASE_URL", "DB_URL", "BROKER_URL", "CONNECTION_STRING", "UPSTREAM_URL"), u);
	s->tool = "/app/bin/migrate up";
	s->argv[0] = ar_printf("--database-url=%s", u);
	s->argc = 1;
}

static void
mk_http_authorization(struct secret *s)
{
	const char *tok, *hdr;

	switch (rnd(4)) {
	case 0:
		tok = b64s(ar_printf("%s:%s", PICK(((const char *[]){ "admin", "metrics", "ci" })), random_password()));
		hdr = ar_printf("Basic %s", tok);
		break;
	case 1:
		tok = rstr_min_entropy(rnd_between(32, 48), A_ALNUM, 4.0);
		hdr = ar_printf("Bearer %s", tok);
		break;
	case 2:
		tok = rstr_min_entropy(40, A_HEX, 3.4);
		hdr = ar_printf("token %s", tok);
		break;
	default:
		tok = rstr_min_entropy(32, A_ALNUM, 4.0);
		hdr = NULL;
	}
	if (hdr)
		one(s, "UPSTREAM_AUTHORIZATION", hdr);
	else
		one(s, "X_API_KEY_HEADER", tok);
	s->value = tok;
	s->cmd = ar_printf("curl -sf -H \"%s: %s\" https://billing.acme.internal/v1/invoices?limit=10",
		hdr ? "Authorization" : "X-API-Key", hdr ? hdr : tok);
	s->prog = "curl";
	s->argv[0] = "-sf";
	s->argv[1] = "-H";
	s->argv[2] = ar_printf("%s: %s", hdr ? "Authorization" : "X-API-Key", hdr ? hdr : tok);
	s->argv[3] = "https://billing.acme.internal/healthz";
	s->argc = 4;
	s->argv_at = 2;
	s->file = "upstream.conf";
	s->filebody = ar_printf("location /billing/ {\n    proxy_pass https://billing.acme.internal/;\n"
		"    proxy_set_header %s \"%s\";\n}\n", hdr ? "Authorization" : "X-API-Key", hdr ? hdr : tok);
}

static void
mk_cli_password(struct secret *s)
{
	const char *pw = rstr_min_entropy(rnd_between(12, 22), A_ALNUM, 3.5);

	s->value = pw;
	kv_add(s, "DB_PASSWORD", pw, R_SECRET, NULL);
	switch (rnd(8)) {
	case 0:
		s->cmd = ar_printf("mysql -h orders-mysql -u app -p%s orders", pw);
		s->prog = "mysql";
		s->argv[0] = "-h"; s->argv[1] = "orders-mysql"; s->argv[2] = "-uapp";
		s->argv[3] = ar_printf("-p%s", pw); s->argv[4] = "orders";
		s->argc = 5; s->argv_at = 3;
		break;
	case 1:
		s->cmd = ar_printf("mysqldump -uroot -p%s --all-databases --single-transaction", pw);
		s->prog = "mysqldump";
		s->argv[0] = "--single-transaction"; s->argv[1] = "-uroot"; s->argv[2] = ar_printf("-p%s", pw);
		s->argc = 3; s->argv_at = 2;
		break;
	case 2:
		s->cmd = ar_printf("PGPASSWORD=%s psql -h payments-db -U payments -c 'select count(*) from ledger'", pw);
		s->prog = "sh";
		s->argv[0] = "-c"; s->argv[1] = ar_printf("PGPASSWORD=%s pg_dump -h payments-db -U payments payments > /backup/p.sql", pw);
		s->argc = 2; s->argv_at = 1;
		break;
	case 3:
		s->cmd = ar_printf("redis-cli -h redis-master -a %s INFO keyspace", pw);
		s->prog = "redis-server";
		s->argv[0] = "--requirepass"; s->argv[1] = pw;
		s->argc = 2; s->argv_at = 1;
		break;
	case 4:
		s->cmd = ar_printf("argocd login argocd.acme.internal --username admin --password %s --grpc-web", pw);
		s->prog = "/usr/local/bin/argocd-sync";
		s->argv[0] = "--username=admin"; s->argv[1] = ar_printf("--password=%s", pw);
		s->argc = 2; s->argv_at = 1;
		break;
	case 5:
		s->cmd = ar_printf("helm repo add acme https://charts.acme.internal --username ci --password %s", pw);
		s->argv[0] = "--client-id=payments-api"; s->argv[1] = ar_printf("--client-secret=%s", pw);
		s->argc = 2; s->argv_at = 1;
		break;
	case 6:
		s->cmd = ar_printf("java -jar /app/app.jar --spring.datasource.password=%s", pw);
		s->argv[0] = "--db-password"; s->argv[1] = pw;
		s->argc = 2; s->argv_at = 1;
		break;
	default:
		s->cmd = ar_printf("influx bucket list --host http://influxdb:8086 --token %s", pw);
		s->argv[0] = ar_printf("--api-key=%s", pw);
		s->argc = 1; s->argv_at = 0;
	}
	s->file = "backup.sh";
	s->filebody = ar_printf("#!/bin/sh\nset -eu\n%s\ngzip -9 /backup/*.sql\n", s->cmd);
}

static void
mk_generic_secret(struct secret *s)
{
	const char *v;

	switch (rnd(4)) {
	case 0:
		v = rstr(64, A_HEX);
		break;
	case 1: {
		unsigned char k[32];
		rnd_bytes(k, sizeof(k));
		v = b64(k, sizeof(k));
		break;
	}
	default:
		v = rstr_min_entropy(rnd_between(20, 40), A_ALNUM, 3.9);
	}
	one(s, NAME("SESSION_SECRET", "JWT_SECRET", "COOKIE_SECRET", "APP_SECRET_KEY", "ENCRYPTION_KEY",
		    "DB_PASSWORD", "REDIS_PASSWORD", "WEBHOOK_SIGNING_SECRET", "OAUTH_CLIENT_SECRET",
		    "INTERNAL_API_KEY", "SMTP_PASSWORD", "LDAP_BIND_PASSWORD", "KEYCLOAK_ADMIN_PASSWORD"), v);
	s->tool = "/app/server";
}

/* ---- code hosting and packages ---- */
static const char B62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void
mk_github_token(struct secret *s)
{
	const char *v;

	if (rnd(4) == 0)
		v = ar_printf("github_pat_11%s_%s", rstr(20, A_UPPER_ALNUM), rstr(59, A_ALNUM));
	else {
		/* the last six characters are the CRC-32 of the random part, base 62 */
		const char *body = rstr(30, A_ALNUM);
		uLong c = crc32(0, (const Bytef *)body, 30);
		char sum[7];
		int i;
		for (i = 5; i >= 0; i--) {
			sum[i] = B62[c % 62];
			c /= 62;
		}
		sum[6] = '\0';
		v = ar_printf("gh%c_%s%s", "pousr"[rnd(5)], body, sum);
	}
	one(s, NAME("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT", "RENOVATE_TOKEN"), v);
	s->tool = "gh repo clone acme/payments /work/payments";
}

static void
mk_gitlab_token(struct secret *s)
{
	const char *v;

	switch (rnd(5)) {
	case 0:
		v = ar_printf("gldt-%s", rstr(20, A_WORD));
		break;
	case 1:
		v = ar_printf("glrt-%s", rstr(20, A_WORD));
		break;
	case 2:
		v = ar_printf("glptt-%s", rstr(40, A_HEX));
		break;
	case 3:
		v = ar_printf("GR1348941%s", rstr(20, A_WORD));
		break;
	default:
		v = ar_printf("glpat-%s", rstr(20, A_WORD));
	}
	one(s, NAME("GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_DEPLOY_TOKEN", "RUNNER_TOKEN"), v);
	s->tool = "glab mr list --repo acme/payments";
}

static void
mk_atlassian_token(struct secret *s)
{
	one(s, NAME("JIRA_API_TOKEN", "ATLASSIAN_API_TOKEN", "CONFLUENCE_API_TOKEN"),
		ar_printf("ATATT3xFfGF0%s=%s", rstr(171, A_WORD), rstr(8, A_HEXU)));
	s->tool = "python3 /app/sync_issues.py";
}

static void
mk_npm_token(struct secret *s)
{
	one(s, NAME("NPM_TOKEN", "NODE_AUTH_TOKEN"), ar_printf("npm_%s", rstr(36, A_ALNUM)));
	s->file = ".npmrc";
	s->filebody = ar_printf("registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=%s\n", s->value);
	s->tool = "npm publish --access restricted";
}

static void
mk_pypi_token(struct secret *s)
{
	one(s, NAME("PYPI_TOKEN", "TWINE_PASSWORD", "PYPI_API_TOKEN"),
		ar_printf("pypi-AgEIcHlwaS5vcmc%s", rstr(rnd_between(150, 190), A_WORD)));
	s->file = ".pypirc";
	s->filebody = ar_printf("[pypi]\nusername = __token__\npassword = %s\n", s->value);
	s->tool = "twine upload dist/*";
}

static void
mk_dockerhub_token(struct secret *s)
{
	kv_add(s, "DOCKERHUB_USERNAME", "acmeci", R_OTHER, NULL);
	if (rnd(3))
		kv_add(s, "DOCKERHUB_TOKEN", ar_printf("dckr_pat_%s", rstr(27, A_WORD)), R_SECRET, NULL);
	else
		kv_add(s, "DOCKERHUB_TOKEN", ar_printf("dckr_oat_%s", rstr(32, A_WORD)), R_SECRET, NULL);
	s->value = s->kv[1].value;
	s->tool = "docker buildx build --push -t acme/payments:latest .";
}

static void
mk_jfrog_token(struct secret *s)
{
	if (rnd(2))
		one(s, NAME("ARTIFACTORY_API_KEY", "JFROG_API_KEY"), ar_printf("AKCp8%s", rstr(68, A_ALNUM)));
	else
		one(s, NAME("JFROG_ACCESS_TOKEN", "ARTIFACTORY_TOKEN"),
			ar_printf("cmVmdGtuOjAxOj%s", rstr(50, A_ALNUM)));
	s->tool = "jf rt upload build/*.jar libs-release-local/";
}

/* ---- messaging and mail ---- */
static void
mk_slack_token(struct secret *s)
{
	switch (rnd(3)) {
	case 0:
		one(s, "SLACK_USER_TOKEN", ar_printf("xoxp-%s-%s-%s-%s", rstr(12, A_DIGITS), rstr(12, A_DIGITS),
			rstr(13, A_DIGITS), rstr(32, A_HEX)));
		break;
	case 1:
		one(s, "SLACK_APP_TOKEN", ar_printf("xapp-1-A%s-%s-%s", rstr(10, A_UPPER_ALNUM), rstr(13, A_DIGITS),
			rstr(64, A_HEX)));
		break;
	default:
		one(s, NAME("SLACK_BOT_TOKEN", "SLACK_TOKEN"), ar_printf("xoxb-%s-%s-%s", rstr(12, A_DIGITS),
			rstr(13, A_DIGITS), rstr(24, A_ALNUM)));
	}
	s->tool = "python3 -m bot.notify --channel deploys";
}

static void
mk_chat_webhook(struct secret *s)
{
	if (rnd(3))
		one(s, NAME("SLACK_WEBHOOK_URL", "ALERTMANAGER_SLACK_URL"),
			ar_printf("https://hooks.slack.com/services/T0%s/B0%s/%s", rstr(8, A_UPPER_ALNUM),
				rstr(9, A_UPPER_ALNUM), rstr(24, A_ALNUM)));
	else
		one(s, "TEAMS_WEBHOOK_URL", ar_printf("https://acme.webhook.office.com/webhookb2/%s@%s/IncomingWebhook/%s/%s/V2%s",
			uuid(), uuid(), rstr(32, A_HEX), uuid(), rstr(43, A_WORD)));
	s->file = "alertmanager.yml";
	s->filebody = ar_printf("global:\n  resolve_timeout: 5m\nroute:\n  receiver: ops\nreceivers:\n- name: ops\n"
		"  %s:\n  - %s: %s\n    send_resolved: true\n",
		strstr(s->value, "slack") ? "slack_configs" : "msteams_configs",
		strstr(s->value, "slack") ? "api_url" : "webhook_url", s->value);
	s->tool = "/bin/notify-deploy";
}

static void
mk_chat_bot_token(struct secret *s)
{
	if (rnd(2))
		one(s, "TELEGRAM_BOT_TOKEN", ar_printf("%s:AA%s", rstr(rnd_between(9, 10), A_DIGITS), rstr(33, A_WORD)));
	else {
		const char *id = ar_printf("1%s", rstr(18, A_DIGITS));
		char *bid = b64s(id), *eq = strchr(bid, '=');
		if (eq)
			*eq = '\0';
		one(s, "DISCORD_BOT_TOKEN", ar_printf("%s.%s.%s", bid, rstr(6, A_WORD), rstr(38, A_WORD)));
	}
	s->tool = "node bot.js";
}

static void
mk_twilio(struct secret *s)
{
	kv_add(s, "TWILIO_ACCOUNT_SID", ar_printf("AC%s", rstr(32, A_HEX)), R_NEGATIVE, "identifier");
	kv_add(s, "TWILIO_API_KEY", ar_printf("SK%s", rstr(32, A_HEX)), R_SECRET, NULL);
	s->value = s->kv[1].value;
	s->tool = "python3 /app/send_sms.py";
}

static void
mk_mail(struct secret *s)
{
	switch (rnd(3)) {
	case 0:
		one(s, "SENDGRID_API_KEY", ar_printf("SG.%s.%s", rstr(22, A_WORD), rstr(43, A_WORD)));
		break;
	case 1:
		one(s, "MAILGUN_API_KEY", ar_printf("key-%s", rstr(32, A_HEX)));
		break;
	default:
		one(s, "MAILCHIMP_API_KEY", ar_printf("%s-us%u", rstr(32, A_HEX), rnd_between(10, 21)));
	}
	s->tool = "/app/bin/mailer --queue newsletters";
}

/* ---- payments, AI, observability, SaaS ---- */
static void
mk_stripe(struct secret *s)
{
	one(s, NAME("STRIPE_SECRET_KEY", "STRIPE_API_KEY", "STRIPE_RESTRICTED_KEY"),
		ar_printf("%s_%s_51%s", rnd(3) ? "sk" : "rk", rnd(4) ? "live" : "test", rstr(97, A_ALNUM)));
	s->tool = "/app/bin/reconcile --since 24h";
}

static void
mk_commerce(struct secret *s)
{
	switch (rnd(4)) {
	case 0:
		one(s, "SHOPIFY_ACCESS_TOKEN", ar_printf("shpat_%s", rstr(32, A_HEX)));
		break;
	case 1:
		one(s, "SHOPIFY_API_SECRET", ar_printf("shpss_%s", rstr(32, A_HEX)));
		break;
	case 2:
		one(s, "SQUARE_ACCESS_TOKEN", ar_printf("EAAA%s", rstr(60, A_WORD)));
		break;
	default:
		one(s, "SQUARE_ACCESS_TOKEN", ar_printf("sq0atp-%s", rstr(22, A_WORD)));
	}
	s->tool = "/app/bin/sync-orders";
}

static void
mk_openai(struct secret *s)
{
	switch (rnd(4)) {
	case 0:
		one(s, "OPENAI_API_KEY", ar_printf("sk-%sT3BlbkFJ%s", rstr(20, A_ALNUM), rstr(20, A_ALNUM)));
		break;
	case 1:
		one(s, "OPENAI_API_KEY", ar_printf("sk-svcacct-%sT3BlbkFJ%s", rstr(74, A_WORD), rstr(74, A_WORD)));
		break;
	default:
		one(s, "OPENAI_API_KEY", ar_printf("sk-proj-%sT3BlbkFJ%s", rstr(74, A_WORD), rstr(74, A_WORD)));
	}
	s->tool = "python3 -m summariser";
}

static void
mk_anthropic(struct secret *s)
{
	one(s, "ANTHROPIC_API_KEY", ar_printf("sk-ant-%s-%sAA", rnd(5) ? "api03" : "admin01", rstr(93, A_WORD)));
	s->tool = "python3 -m triage";
}

static void
mk_huggingface(struct secret *s)
{
	one(s, NAME("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"), ar_printf("hf_%s", rstr(34, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")));
	s->tool = "huggingface-cli download acme/ranker --local-dir /models";
}

static void
mk_observability(struct secret *s)
{
	switch (rnd(7)) {
	case 0:
		one(s, NAME("DD_API_KEY", "DATADOG_API_KEY"), rstr_min_entropy(32, A_HEX, 3.4));
		break;
	case 1:
		one(s, NAME("DD_APP_KEY", "DATADOG_APP_KEY"), rstr_min_entropy(40, A_HEX, 3.4));
		break;
	case 2:
		one(s, "NEW_RELIC_API_KEY", ar_printf("NRAK-%s", rstr(27, A_UPPER_ALNUM)));
		break;
	case 3:
		one(s, "NEW_RELIC_LICENSE_KEY", ar_printf("%sNRAL", rstr(36, A_HEX)));
		break;
	case 4:
		one(s, "GRAFANA_SERVICE_ACCOUNT_TOKEN", ar_printf("glsa_%s_%s", rstr(32, A_ALNUM), rstr(8, A_HEX)));
		break;
	case 5: {
		const char *j = ar_printf("{\"iat\":%lld,\"url\":\"https://sentry.io\",\"region_url\":\"https://de.sentry.io\",\"org\":\"acme\"}",
			(long long)epoch_s(now_us));
		char *b = b64s(j), *eq = strchr(b, '=');
		if (eq)
			*eq = '\0';
		one(s, "SENTRY_AUTH_TOKEN", ar_printf("sntrys_%s_%s", b, rstr(43, A_ALNUM)));
		break;
	}
	default:
		one(s, "SENTRY_AUTH_TOKEN", ar_printf("sntryu_%s", rstr(64, A_HEX)));
	}
	s->tool = "/opt/agent/bin/agent run";
}

static void
mk_saas(struct secret *s)
{
	switch (rnd(5)) {
	case 0:
		one(s, "POSTMAN_API_KEY", ar_printf("PMAK-%s-%s", rstr(24, A_HEX), rstr(34, A_HEX)));
		break;
	case 1:
		one(s, "LINEAR_API_KEY", ar_printf("lin_api_%s", rstr(40, A_ALNUM)));
		break;
	case 2:
		one(s, "DOPPLER_TOKEN", ar_printf("dp.pt.%s", rstr(43, A_ALNUM)));
		break;
	case 3:
		one(s, "PULUMI_ACCESS_TOKEN", ar_printf("pul-%s", rstr(40, A_HEX)));
		break;
	default:
		one(s, "DT_API_TOKEN", ar_printf("dt0c01.%s.%s", rstr(24, A_UPPER_ALNUM), rstr(64, A_UPPER_ALNUM)));
	}
	s->tool = "/app/bin/sync";
}

/* ---- the table ---- */
/* single-line tokens go everywhere a value can */
#define T_TOK (PB(P_POD_ENV) | PB(P_WORKLOAD_ENV) | PB(P_ARGS) | PB(P_EXEC_POST) | PB(P_EXEC_WS) | \
	       PB(P_CHANGE_CAUSE) | PB(P_SECRET_DATA) | PB(P_SECRET_STRINGDATA) | PB(P_SECRET_LAST_APPLIED) | \
	       PB(P_CONFIGMAP) | PB(P_HELM_RELEASE) | PB(P_CLOUDWATCH) | PB(P_ECS_ENV) | PB(P_CODEBUILD_ENV) | \
	       PB(P_CFN) | PB(P_LOOKUP))
/* documents: files, environment values, never argv or URIs */
#define T_FILE (PB(P_POD_ENV) | PB(P_WORKLOAD_ENV) | PB(P_SECRET_DATA) | PB(P_SECRET_STRINGDATA) | \
		PB(P_SECRET_LAST_APPLIED) | PB(P_CONFIGMAP) | PB(P_HELM_RELEASE) | PB(P_CLOUDWATCH) | \
		PB(P_ECS_ENV) | PB(P_CODEBUILD_ENV) | PB(P_LOOKUP))
#define T_SECRET_ONLY (PB(P_SECRET_DATA) | PB(P_SECRET_STRINGDATA) | PB(P_SECRET_LAST_APPLIED) | PB(P_CLOUDWATCH))
#define T_CMD (PB(P_ARGS) | PB(P_EXEC_POST) | PB(P_EXEC_WS) | PB(P_CONFIGMAP) | PB(P_CLOUDWATCH))

const struct stype types[] = {
	{ "aws-key-pair", mk_aws_key_pair, T_TOK },
	{ "aws-secret-key", mk_aws_secret_key, T_TOK },
	{ "aws-session-token", mk_aws_session_token, T_TOK | PB(P_STS) },
	{ "aws-bedrock-key", mk_aws_bedrock_key, T_TOK },
	{ "aws-key-id", mk_aws_key_id, T_TOK & ~(PB(P_SECRET_DATA) | PB(P_SECRET_STRINGDATA) |
						 PB(P_SECRET_LAST_APPLIED) | PB(P_HELM_RELEASE)) },
	{ "gcp-api-key", mk_gcp_api_key, T_TOK },
	{ "gcp-service-account", mk_gcp_service_account, T_FILE },
	{ "azure-client-secret", mk_azure_client_secret, T_TOK },
	{ "azure-storage-key", mk_azure_storage_key, T_TOK },
	{ "azure-sas-token", mk_azure_sas_token, T_TOK },
	{ "alibaba-access-key", mk_alibaba_access_key, T_TOK },
	{ "digitalocean-token", mk_digitalocean_token, T_TOK },
	{ "cloudflare-token", mk_cloudflare_token, T_TOK },
	{ "vault-token", mk_vault_token, T_TOK },
	{ "terraform-token", mk_terraform_token, T_TOK },
	{ "jwt", mk_jwt, PB(P_TOKEN_REQUEST) | PB(P_TOKEN_REVIEW) | PB(P_SECRET_DATA) | PB(P_POD_ENV) |
			 PB(P_ARGS) | PB(P_EXEC_POST) | PB(P_EXEC_WS) | PB(P_CODEBUILD_ENV) | PB(P_CLOUDWATCH) },
	{ "k8s-bootstrap-token", mk_bootstrap_token, PB(P_ARGS) | PB(P_EXEC_POST) | PB(P_EXEC_WS) |
			 PB(P_SECRET_DATA) | PB(P_TOKEN_REVIEW) | PB(P_CONFIGMAP) | PB(P_CLOUDWATCH) },
	{ "kubeconfig-credential", mk_kubeconfig, PB(P_SECRET_DATA) | PB(P_SECRET_STRINGDATA) |
			 PB(P_SECRET_LAST_APPLIED) | PB(P_CONFIGMAP) | PB(P_POD_ENV) | PB(P_CODEBUILD_ENV) |
			 PB(P_CLOUDWATCH) },
	{ "registry-credential", mk_registry_credential, PB(P_DOCKERCONFIG) | PB(P_SECRET_LAST_APPLIED) |
			 PB(P_POD_ENV) | PB(P_CONFIGMAP) | PB(P_CODEBUILD_ENV) | PB(P_CLOUDWATCH) },
	{ "k8s-secret-value", mk_k8s_secret_value, T_SECRET_ONLY },
	{ "private-key", mk_private_key, T_FILE },
	{ "age-secret-key", mk_age, T_TOK },
	{ "putty-private-key", mk_putty, PB(P_CONFIGMAP) | PB(P_SECRET_DATA) | PB(P_SECRET_STRINGDATA) |
			 PB(P_SECRET_LAST_APPLIED) | PB(P_CLOUDWATCH) },
	{ "url-credential", mk_url_credential, T_TOK | PB(P_GLUE) | PB(P_CRD) },
	{ "http-authorization", mk_http_authorization, PB(P_ARGS) | PB(P_EXEC_POST) | PB(P_EXEC_WS) |
			 PB(P_PROBE_HEADER) | PB(P_CONFIGMAP) | PB(P_POD_ENV) | PB(P_WORKLOAD_ENV) |
			 PB(P_ECS_ENV) | PB(P_CODEBUILD_ENV) | PB(P_CLOUDWATCH) | PB(P_LOOKUP) },
	{ "cli-password", mk_cli_password, T_CMD },
	{ "generic-secret", mk_generic_secret, PB(P_POD_ENV) | PB(P_WORKLOAD_ENV) | PB(P_CONFIGMAP) |
			 PB(P_ECS_ENV) | PB(P_CODEBUILD_ENV) | PB(P_CFN) | PB(P_GLUE) | PB(P_HELM_RELEASE) |
			 PB(P_CHANGE_CAUSE) | PB(P_CRD) | PB(P_LOOKUP) | PB(P_CLOUDWATCH) },
	{ "github-token", mk_github_token, T_TOK },
	{ "gitlab-token", mk_gitlab_token, T_TOK },
	{ "atlassian-token", mk_atlassian_token, T_TOK },
	{ "npm-token", mk_npm_token, T_TOK },
	{ "pypi-token", mk_pypi_token, T_TOK },
	{ "dockerhub-token", mk_dockerhub_token, T_TOK },
	{ "jfrog-token", mk_jfrog_token, T_TOK },
	{ "slack-token", mk_slack_token, T_TOK },
	{ "chat-webhook", mk_chat_webhook, T_TOK },
	{ "chat-bot-token", mk_chat_bot_token, T_TOK },
	{ "twilio-api-key", mk_twilio, T_TOK },
	{ "mail-api-key", mk_mail, T_TOK },
	{ "stripe-key", mk_stripe, T_TOK },
	{ "commerce-token", mk_commerce, T_TOK },
	{ "openai-key", mk_openai, T_TOK },
	{ "anthropic-key", mk_anthropic, T_TOK },
	{ "huggingface-token", mk_huggingface, T_TOK },
	{ "observability-token", mk_observability, T_TOK },
	{ "saas-token", mk_saas, T_TOK },
};
const int ntypes = (int)NELEM(types);

int
type_index(const char *id)
{
	int i;

	for (i = 0; i < ntypes; i++)
		if (strcmp(types[i].id, id) == 0)
			return i;
	die("no type %s", id);
}

void
make_secret(struct secret *s, int type)
{
	const struct kv *m;
	const char *flag;

	memset(s, 0, sizeof(*s));
	s->type = type;
	types[type].make(s);
	m = &s->kv[s->main];
	if (s->argc == 0) {
		flag = lower_dash(m->name);
		if (rnd(2)) {
			s->argv[0] = ar_printf("--%s=%s", flag, m->value);
			s->argc = 1;
			s->argv_at = 0;
		} else {
			s->argv[0] = ar_printf("--%s", flag);
			s->argv[1] = m->value;
			s->argc = 2;
			s->argv_at = 1;
		}
	}
	if (s->cmd == NULL && (s->flags & (SF_MULTILINE | SF_STRUCT)) == 0) {
		const char *assign = "";
		int i;
		for (i = 0; i < s->nkv; i++)
			assign = ar_printf("%s%s=%s ", assign, s->kv[i].name, s->kv[i].value);
		s->cmd = ar_printf("%s%s", assign, s->tool ? s->tool : "/app/run.sh");
	}
	if (s->filebody == NULL) {
		const char *body = "";
		int i;
		for (i = 0; i < s->nkv; i++)
			body = ar_printf("%s%s=%s\n", body, s->kv[i].name, s->kv[i].value);
		s->file = NAME("app.env", ".env", "secrets.env", "runtime.env");
		s->filebody = body;
	}
}
