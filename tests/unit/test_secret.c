/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secret engine's parts (secret_*.c: internal, but exported): the
 * decoders, the offline enrichment, fingerprints and previews, the
 * keyword rule the prefilter and the scan share, type loading, and a few
 * scans of whole records through the public API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "secret.h"
#include "test.h"

static struct k8a_buf b;

K8A_TEST(secret_base64)
{
	CHECK_EQ_INT(k8a__b64_decode("aGVsbG8gd29ybGQ=", 16, 0, &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "hello world", 11);
	/* padding is optional; URL alphabet only when allowed */
	CHECK_EQ_INT(k8a__b64_decode("aGVsbG8gd29ybGQ", 15, 0, &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "hello world", 11);
	CHECK_EQ_INT(k8a__b64_decode("-_-_", 4, 0, &b), -1);
	CHECK_EQ_INT(k8a__b64_decode("-_-_", 4, 1, &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "\xfb\xff\xbf", 3);
	CHECK_EQ_INT(k8a__b64_decode("+/+/", 4, 2, &b), 0);
	/* one alphabet per value, no stray bits, no white space, no length 4k+1 */
	CHECK_EQ_INT(k8a__b64_decode("+_+_", 4, 2, &b), -1);
	CHECK_EQ_INT(k8a__b64_decode("aGVsbG9=", 8, 0, &b), -1);
	CHECK_EQ_INT(k8a__b64_decode("aGVs bG8=", 9, 0, &b), -1);
	CHECK_EQ_INT(k8a__b64_decode("aGVsb", 5, 0, &b), -1);
	CHECK_EQ_INT(k8a__b64_decode("", 0, 0, &b), -1);
	CHECK_EQ_INT(k8a__b64_decode("====", 4, 0, &b), -1);
	/* worth trying: long enough, mixed */
	CHECK_EQ_INT(k8a__b64_plausible("dGhpcyBpcyBub3Qgc2hvcnQ=", 24), 1);
	CHECK_EQ_INT(k8a__b64_plausible("justonewordhereplease", 21), 0);
	CHECK_EQ_INT(k8a__b64_plausible("aGVsbG8=", 8), 0);
	CHECK_EQ_INT(k8a__b64_plausible("not base64 at all, no", 21), 0);
	k8a_buf_free(&b);
}

K8A_TEST(secret_gunzip)
{
	unsigned char gz[256];
	uLongf n;
	z_stream z;
	static const char text[] = "{\"config\":{\"password\":\"hunter22\"}}";

	memset(&z, 0, sizeof(z));
	REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)text;
	z.avail_in = sizeof(text) - 1;
	z.next_out = gz;
	z.avail_out = sizeof(gz);
	REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
	n = sizeof(gz) - z.avail_out;
	deflateEnd(&z);
	CHECK_EQ_INT(k8a__gunzip(gz, n, 1 << 20, &b), 0);
	CHECK_EQ_MEM(b.p, b.len, text, sizeof(text) - 1);
	/* the cap: the first bytes, and -2 */
	CHECK_EQ_INT(k8a__gunzip(gz, n, 10, &b), -2);
	CHECK_EQ_INT(b.len, 10);
	/* cut short, or not gzip */
	CHECK_EQ_INT(k8a__gunzip(gz, n - 12, 1 << 20, &b), -1);
	CHECK_EQ_INT(k8a__gunzip((const unsigned char *)text, sizeof(text) - 1, 1 << 20, &b), -1);
	k8a_buf_free(&b);
}

K8A_TEST(secret_pct_and_text)
{
	k8a__pct_decode("a%3Db+c%2", 9, 1, &b);
	CHECK_EQ_STR(b.p, "a=b c%2");
	k8a__pct_decode("a+b", 3, 0, &b);
	CHECK_EQ_STR(b.p, "a+b");
	k8a_buf_free(&b);
	CHECK_EQ_INT(k8a__is_text("user:pa55\n", 10), 1);
	CHECK_EQ_INT(k8a__is_text("caf\xc3\xa9", 5), 1);
	CHECK_EQ_INT(k8a__is_text("a\x01", 2), 0);
	CHECK_EQ_INT(k8a__is_text("\xff\xfe", 2), 0);
	CHECK(k8a__entropy("aaaaaaaa", 8) == 0);
	CHECK(k8a__entropy("abcdefgh", 8) == 3);
}

K8A_TEST(secret_aws_account)
{
	/* the published example; old AKIAI/AKIAJ ids do not tell */
	CHECK_EQ_INT(k8a__aws_account("ASIAY34FZKBOKMUTVV7A", 20), 609629065308LL);
	CHECK_EQ_INT(k8a__aws_account("AKIAIOSFODNN7EXAMPLE", 20), -1);
	CHECK_EQ_INT(k8a__aws_account("AROAY34FZKBOKMUTVV7A", 20), -1);
	CHECK_EQ_INT(k8a__aws_account("ASIAY34FZKBOKMUTVV7", 19), -1);
	CHECK_EQ_INT(k8a__aws_account("ASIAY34FZKBOKMUTVV1A", 20), -1);
}

/* A JWT of these claims (header alg RS256), signature "sig". */
static char *
make_jwt(const char *claims)
{
	static const char *hdr = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0"; /* {"alg":"RS256","kid":"k1"} */
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = strlen(claims), i, k = 0;
	char *out = malloc(strlen(hdr) + n * 2 + 16);
	uint32_t acc = 0;
	int bits = 0;

	k = (size_t)sprintf(out, "%s.", hdr);
	for (i = 0; i < n; i++) {
		acc = acc << 8 | (unsigned char)claims[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[k++] = tbl[acc >> bits & 63];
		}
	}
	if (bits)
		out[k++] = tbl[acc << (6 - bits) & 63];
	strcpy(out + k, ".c2ln");
	return out;
}

K8A_TEST(secret_jwt_claims)
{
	char *t = make_jwt("{\"iss\":\"https://kubernetes.default.svc\",\"sub\":\"system:serviceaccount:kube-system:x\","
			   "\"exp\":1795000000,\"kubernetes.io\":{\"namespace\":\"kube-system\",\"serviceaccount\":{\"name\":\"x\"}}}");
	json_t *o = json_object();
	char *s;

	CHECK_EQ_INT(k8a__jwt_claims(t, strlen(t), (int64_t)1795000001 * 1000000, o), 0);
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK_EQ_STR(s, "{\"alg\":\"RS256\",\"exp\":1795000000,\"expired_at_log_time\":true,\"expires\":\"2026-11-18T11:06:40.000000Z\","
			"\"iss\":\"https://kubernetes.default.svc\",\"kid\":\"k1\",\"namespace\":\"kube-system\","
			"\"serviceaccount\":\"x\",\"sub\":\"system:serviceaccount:kube-system:x\"}");
	free(s);
	json_decref(o);
	/* before its expiry; and with no time, no verdict */
	o = json_object();
	k8a__jwt_claims(t, strlen(t), (int64_t)1794999999 * 1000000, o);
	CHECK(json_is_false(json_object_get(o, "expired_at_log_time")));
	json_decref(o);
	o = json_object();
	k8a__jwt_claims(t, strlen(t), INT64_MIN, o);
	CHECK(json_object_get(o, "expired_at_log_time") == NULL);
	json_decref(o);
	free(t);
	/* not JWTs */
	o = json_object();
	CHECK_EQ_INT(k8a__jwt_claims("eyJhbGciOiJub25lIn0", 19, 0, o), -1);
	CHECK_EQ_INT(k8a__jwt_claims("a.b.c", 5, 0, o), -1);
	CHECK_EQ_INT(json_object_size(o), 0);
	json_decref(o);
}

K8A_TEST(secret_pem_type)
{
	static const char rsa[] = "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n";
	static const char p8[] = "x -----BEGIN PRIVATE KEY-----\nMIIE";
	static const char ossh[] = "-----BEGIN OPENSSH PRIVATE KEY-----";
	static const char cert[] = "-----BEGIN CERTIFICATE-----";

	CHECK_EQ_STR(k8a__pem_type(rsa, sizeof(rsa) - 1), "RSA");
	CHECK_EQ_STR(k8a__pem_type(p8, sizeof(p8) - 1), "PKCS#8");
	CHECK_EQ_STR(k8a__pem_type(ossh, sizeof(ossh) - 1), "OPENSSH");
	CHECK_EQ_STR(k8a__pem_type(cert, sizeof(cert) - 1), NULL);
}

K8A_TEST(secret_enrich_url_and_auth)
{
	static const char url[] = "postgres://ledger:pw@db.payments.svc:5432/x";
	static const char basic[] = "Authorization: Basic dXNlcjpwYXNzd29yZA==";
	json_t *o = json_object();
	char *s;

	k8a__enrich(EN_URL, "pw", 2, url, sizeof(url) - 1, INT64_MIN, o);
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK_EQ_STR(s, "{\"host\":\"db.payments.svc:5432\",\"scheme\":\"postgres\",\"user\":\"ledger\"}");
	free(s);
	json_decref(o);
	o = json_object();
	k8a__enrich(EN_HTTP_AUTH, basic + 21, sizeof(basic) - 22, basic, sizeof(basic) - 1, INT64_MIN, o);
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK_EQ_STR(s, "{\"scheme\":\"Basic\",\"user\":\"user\"}");
	free(s);
	json_decref(o);
}

K8A_TEST(secret_fingerprint)
{
	char fp[65];

	/* RFC 4231, test case 2 */
	CHECK_EQ_INT(k8a_secret_fingerprint("Jefe", 4, "what do ya want for nothing?", 28, fp), K8A_OK);
	CHECK_EQ_STR(fp, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	CHECK_EQ_INT(k8a_secret_fingerprint(NULL, 0, "x", 1, fp), K8A_FAILED);
	CHECK_EQ_STR(fp, "");
}

K8A_TEST(secret_pointer_pattern)
{
	char out[128];

	k8a_secret_pointer_pattern("/spec/containers/0/env/12/value", out, sizeof(out));
	CHECK_EQ_STR(out, "/spec/containers/*/env/*/value");
	k8a_secret_pointer_pattern("/data/0a/1", out, sizeof(out));
	CHECK_EQ_STR(out, "/data/0a/*");
	k8a_secret_pointer_pattern("/a/123456", out, 6);
	CHECK_EQ_STR(out, "/a/*");
}

/* ---- the keyword rule ---- */

static struct kwtab kt;

static void
kw_setup(void)
{
	if (kt.n)
		return;
	kw_add(&kt, "password", KW_NAME, 0);
	kw_add(&kt, "auth", KW_WORD, 1);
	kw_add(&kt, "AKIA", KW_STRONG, 2);
	kw_add(&kt, "://", KW_STRONG, 3);
	kw_add(&kt, "secrets", KW_MARK, (size_t)-1);
	kw_build(&kt);
}

struct seen {
	const char *kw;
	size_t off;
	int counted;
	int ctx;
};

static int
first_cb(void *arg, const struct kwent *e, size_t off)
{
	struct seen *s = arg;

	(void)e;
	if (s->kw == NULL) {
		s->kw = e->s;
		s->off = off;
	}
	return 0;
}

/* Does the first keyword occurrence in raw text count?  (0 as well when
 * the scanner drops it as one that can count nowhere.) */
static int
counts_raw(const char *text)
{
	struct seen s = { 0 };
	size_t i;

	kw_setup();
	kw_scan(&kt, text, strlen(text), first_cb, &s);
	if (s.kw == NULL)
		return 0;
	for (i = 0; i < kt.n && strcmp(kt.e[i].s, s.kw) != 0; i++)
		;
	return kw_counts(&kt.e[i], text, strlen(text), s.off, 1, 0);
}

K8A_TEST(secret_keyword_contexts_raw)
{
	/* A: a key whose value is a string (or strings), also as JSON in a string */
	CHECK_EQ_INT(counts_raw("{\"db_password\":\"x\"}"), 1);
	CHECK_EQ_INT(counts_raw("{\"db_password\" : [ \"x\"]}"), 1);
	CHECK_EQ_INT(counts_raw("{\"a\":\"{\\\"dbPassword\\\":\\\"x\\\"}\"}"), 1);
	CHECK_EQ_INT(counts_raw("{\"passwordPolicy\":{\"min\":8}}"), 0);
	CHECK_EQ_INT(counts_raw("{\"passwordPolicy\":[{\"min\":8}]}"), 0);
	/* B: a name member followed by a value member */
	CHECK_EQ_INT(counts_raw("{\"name\":\"DB_PASSWORD\",\"value\":\"x\"}"), 1);
	CHECK_EQ_INT(counts_raw("{\"name\":\"DB_PASSWORD\",\"valueFrom\":{}}"), 0);
	CHECK_EQ_INT(counts_raw("{\"name\":\"password-reset\",\"apiVersion\":\"v1\"}"), 0);
	/* C: NAME=value, name: value, also percent-encoded */
	CHECK_EQ_INT(counts_raw("\"PGPASSWORD=x psql\""), 1);
	CHECK_EQ_INT(counts_raw("\"password: x\""), 1);
	CHECK_EQ_INT(counts_raw("\"password:x\""), 0);
	CHECK_EQ_INT(counts_raw("command=PGPASSWORD%3Dx"), 1);
	CHECK_EQ_INT(counts_raw("\"password\\t= x\""), 1);
	/* D: a --flag, also after %20 in a URI */
	CHECK_EQ_INT(counts_raw("[\"--db-password\",\"x\"]"), 1);
	CHECK_EQ_INT(counts_raw("command=mysql%20--password%20x"), 1);
	CHECK_EQ_INT(counts_raw("command=mysql+--password+x"), 1);
	/* not names: in a path, in an annotation or label key of k8s.io */
	CHECK_EQ_INT(counts_raw("\"/etc/password/file\""), 0);
	CHECK_EQ_INT(counts_raw("{\"example.kubernetes.io/password\":\"x\"}"), 0);
	/* words: a word, a camelCase hump, not inside a longer word */
	CHECK_EQ_INT(counts_raw("{\"REDIS_AUTH\":\"x\"}"), 1);
	CHECK_EQ_INT(counts_raw("{\"basicAuth\":\"x\"}"), 1);
	CHECK_EQ_INT(counts_raw("{\"authority\":\"x\"}"), 0);
	CHECK_EQ_INT(counts_raw("{\"authorization.k8s.io/decision\":\"allow\"}"), 0);
	/* strong keywords count anywhere but as an accessKeyId value */
	CHECK_EQ_INT(counts_raw("{\"note\":\"AKIAQWERTYUIOPASDFGH\"}"), 1);
	CHECK_EQ_INT(counts_raw("{\"accessKeyId\":\"AKIAQWERTYUIOPASDFGH\"}"), 0);
	CHECK_EQ_INT(counts_raw("{\"accessKeyId\":[\"AKIAQWERTYUIOPASDFGH\"]}"), 0);
	CHECK_EQ_INT(counts_raw("{\"AccessKeyId\":\"AKIAQWERTYUIOPASDFGH\"}"), 1);
	/* marks: whole JSON strings only */
	CHECK_EQ_INT(counts_raw("{\"resource\":\"secrets\"}"), 1);
	CHECK_EQ_INT(counts_raw("{\"uri\":\"/api/v1/secrets\"}"), 0);
}

K8A_TEST(secret_keyword_contexts_decoded)
{
	size_t i;
	const struct kwent *pw = NULL;

	kw_setup();
	for (i = 0; i < kt.n; i++)
		if (strcmp(kt.e[i].s, "password") == 0)
			pw = &kt.e[i];
	REQUIRE(pw != NULL);
	/* a name from a key or a {name, value} counts wherever the keyword is in it */
	CHECK_EQ_INT(kw_counts(pw, "x password y", 12, 2, 0, KC_KEY), 1);
	CHECK_EQ_INT(kw_counts(pw, "x password y", 12, 2, 0, KC_MEMBER), 1);
	/* in text only before = or ": ", or in a --flag */
	CHECK_EQ_INT(kw_counts(pw, "db_password = x", 15, 3, 0, KC_ASSIGN), 1);
	CHECK_EQ_INT(kw_counts(pw, "password hash", 13, 0, 0, KC_ASSIGN | KC_FLAG), 0);
	CHECK_EQ_INT(kw_counts(pw, "--password x", 12, 2, 0, KC_FLAG), 1);
	CHECK_EQ_INT(kw_counts(pw, "--password x", 12, 2, 0, KC_ASSIGN), 0);
	CHECK_EQ_INT(kw_counts(pw, "a.k8s.io/password", 17, 9, 0, KC_KEY), 0);
}

K8A_TEST(secret_first_raw_and_escapes)
{
	int mo = 0;
	const char *s;

	kw_setup();
	s = "{\"a\":\"b\"}\n{\"db_password\":\"x\"}\n";
	CHECK_EQ_INT(kw_first_raw(&kt, s, strlen(s), 0, NULL), 15);
	/* escapes that could hide a keyword's bytes make a candidate */
	s = "{\"note\":\"\\u0041KIA\"}";
	CHECK_EQ_INT(kw_first_raw(&kt, s, strlen(s), 0, NULL), 9);
	s = "{\"note\":\"http:\\/\\/x\"}";
	CHECK_EQ_INT(kw_first_raw(&kt, s, strlen(s), 0, NULL), 14);
	s = "{\"u\":\"/x?a=%41KIA\"}";
	CHECK_EQ_INT(kw_first_raw(&kt, s, strlen(s), 0, NULL), 11);
	/* escapes of other bytes do not (Go's \u0026) */
	s = "{\"u\":\"/x?a=b\\u0026c=d%2F\"}";
	CHECK_EQ_INT(kw_first_raw(&kt, s, strlen(s), 0, NULL), strlen(s));
	/* a mark alone */
	s = "{\"resource\":\"secrets\"}";
	CHECK_EQ_INT(kw_first_raw(&kt, s, strlen(s), 0, &mo), strlen(s));
	CHECK_EQ_INT(mo, 1);
	CHECK_EQ_INT(kw_first_raw(&kt, s, strlen(s), 1, NULL), 13);
}

/* ---- types and whole records ---- */

static char diag[4096];

static void
diag_cb(void *arg, const char *where, const char *msg)
{
	size_t l = strlen(diag);

	(void)arg;
	snprintf(diag + l, sizeof(diag) - l, "%s: %s\n", where, msg);
}

K8A_TEST(secret_types_load)
{
	static const char text[] =
		"# comment\n"
		"type demo-token\n"
		"title      Demo token\n"
		"confidence medium\n"
		"keywords   demo_\n"
		"regex      (?<![a-z_])(?<secret>demo_[a-z0-9]{8,})\n"
		"           (?![a-z0-9])\n"
		"public     demo_\n"
		"end\n"
		"type demo-token\n"
		"title x\n"
		"confidence high\n"
		"end\n"
		"type short-name\n"
		"title x\n"
		"confidence high\n"
		"names pw\n"
		"end\n"
		"type no-conf\n"
		"title x\n"
		"names password\n"
		"end\n";
	k8a_secret_set *s = k8a_secret_set_new();
	struct k8a_secret_type_info ti;

	diag[0] = '\0';
	CHECK_EQ_INT(k8a_secret_set_load_text(s, text, sizeof(text) - 1, "demo.secrets", diag_cb, NULL), 3);
	CHECK_EQ_STR(diag, "demo.secrets:10: type demo-token defined twice\n"
			   "demo.secrets:17: names 'pw' shorter than 3 bytes\n"
			   "demo.secrets:19: type no-conf: no confidence\n");
	CHECK_EQ_INT(k8a_secret_set_count(s), 1);
	REQUIRE(k8a_secret_set_type(s, 0, &ti) == K8A_OK);
	CHECK_EQ_STR(ti.id, "demo-token");
	CHECK_EQ_STR(ti.confidence, "medium");
	CHECK_EQ_STR(ti.regex, "(?<![a-z_])(?<secret>demo_[a-z0-9]{8,})(?![a-z0-9])");
	CHECK_EQ_STR(ti.keywords[0], "demo_");
	CHECK(ti.keywords[1] == NULL);
	CHECK_EQ_INT(ti.line, 2);
	CHECK_EQ_INT(k8a_secret_set_type(s, 1, &ti), K8A_FAILED);
	/* frozen once a scanner exists */
	k8a_secret_scan_free(k8a_secret_scan_new(s));
	CHECK_EQ_INT(k8a_secret_set_load_text(s, text, 10, "x", NULL, NULL), K8A_FAILED);
	k8a_secret_set_free(s);
}

/* Scan one record with the source tree's types: "type pointer decode..;" per hit. */
static const char *
scan1(const char *rec, int *rc)
{
	static k8a_secret_set *s;
	static k8a_secret_scan *sc;
	static char out[4096];
	k8a_event *ev = k8a_event_new();
	struct k8a_origin o = { "test", NULL, 1, -1, 0 };
	const struct k8a_secret_hit *h;
	size_t n, i, j, l;

	if (s == NULL) {
		s = k8a_secret_set_new();
		if (k8a_secret_set_load(s, K8A_SRCDIR "/rules/secrets", NULL, NULL) != 0)
			return "cannot load the types";
		sc = k8a_secret_scan_new(s);
		k8a_secret_scan_set_key(sc, "k", 1);
	}
	k8a_event_set(ev, rec, strlen(rec), &o);
	*rc = k8a_secret_scan_event(sc, ev, &h, &n);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		l = strlen(out);
		snprintf(out + l, sizeof(out) - l, "%s %s", h[i].type, h[i].pointer);
		for (j = 0; j < h[i].ndecode; j++) {
			l = strlen(out);
			snprintf(out + l, sizeof(out) - l, " %s", h[i].decode[j]);
		}
		l = strlen(out);
		snprintf(out + l, sizeof(out) - l, ";");
	}
	k8a_event_free(ev);
	return out;
}

#define K8S_HEAD                                                                                     \
	"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\"," \
	"\"verb\":\"create\",\"user\":{\"username\":\"u\",\"extra\":{\"accessKeyId\":[\"AKIAQWERTYUIOPASDFGH\"]}},"

K8A_TEST(secret_scan_records)
{
	int rc;

	/* a GitHub token in Secret data: github-token, through base64, not k8s-secret-value */
	CHECK_EQ_STR(scan1(K8S_HEAD "\"objectRef\":{\"resource\":\"secrets\"},\"requestObject\":{\"kind\":\"Secret\","
			   "\"data\":{\"t\":\"Z2hwX0ExYjJDM2Q0RTVmNkc3aDhJOWowSzFsMk0zbjRPNXA2UTdyOA==\"}}}", &rc),
		"github-token /requestObject/data/t base64;");
	CHECK_EQ_INT(rc, K8A_OK);
	/* the identity's key id is not reported; one in a payload is, with low confidence */
	CHECK_EQ_STR(scan1(K8S_HEAD "\"objectRef\":{\"resource\":\"pods\"}}", &rc), "");
	CHECK_EQ_STR(scan1(K8S_HEAD "\"requestObject\":{\"note\":\"AKIAQYLPMN5HHHFPZAM2\"}}", &rc),
		"aws-key-id /requestObject/note;");
	/* {name, value}: the name gives the context; a reference is no leak */
	CHECK_EQ_STR(scan1(K8S_HEAD "\"requestObject\":{\"env\":[{\"name\":\"API_TOKEN\",\"value\":\"q8Zr2LxW7vNf4Ks9Tg3Hb6Pm\"},"
			   "{\"name\":\"DB_PASSWORD\",\"valueFrom\":{\"secretKeyRef\":{\"name\":\"db\",\"key\":\"pw\"}}}]}}", &rc),
		"generic-secret /requestObject/env/0/value;");
	/* kubectl exec: the query decoded, the arguments joined */
	CHECK_EQ_STR(scan1(K8S_HEAD "\"requestURI\":\"/api/v1/namespaces/d/pods/p/exec?command=sh&command=-c"
			   "&command=PGPASSWORD%3Dq8Zr2LxW7v+psql&container=c\",\"objectRef\":{\"resource\":\"pods\"}}", &rc),
		"cli-password /requestURI url-query:command;");
	/* a record that is not JSON */
	scan1("{\"kind\":", &rc);
	CHECK_EQ_INT(rc, K8A_WARN);
}
