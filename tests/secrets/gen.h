/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The labelled secret corpus generator (tests/secrets/gen.c): what its
 * files share.  See gen.c for the corpus layout and README for the labels.
 */
#ifndef SECRETS_GEN_H
#define SECRETS_GEN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(a) ((a)[rnd(NELEM(a))])

/* ---- util.c: randomness, a per-record arena, strings ---- */
void rng_seed(uint64_t seed);
uint64_t rnd64(void);
unsigned rnd(unsigned n);
unsigned rnd_between(unsigned lo, unsigned hi); /* lo..hi inclusive */
void rnd_bytes(unsigned char *p, size_t n);

extern const char A_ALNUM[], A_UPPER_ALNUM[], A_LOWER_ALNUM[], A_UPPER[], A_LOWER[], A_DIGITS[],
	A_HEX[], A_HEXU[], A_B64[], A_B64URL[], A_B32[], A_BECH32[], A_WORD[], A_PASS[];
char *rstr(size_t n, const char *alphabet);      /* arena */
double entropy(const char *s);
char *rstr_min_entropy(size_t n, const char *alphabet, double min);

void *ar_alloc(size_t n);
char *ar_strdup(const char *s);
char *ar_strndup(const char *s, size_t n);
char *ar_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ar_reset(void);

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

char *uuid(void);                       /* arena */
char *ptr_key(const char *key);         /* RFC 6901 escape of one key, arena */
char *lower_dash(const char *name);     /* AWS_SECRET_KEY -> aws-secret-key */
char *camel(const char *name);          /* AWS_SECRET_KEY -> AwsSecretKey */

/* time: microseconds since the corpus epoch (default 2026-11-01T00:00:00Z) */
extern int64_t now_us;
void set_epoch(int64_t unix_seconds);
char *stamp_aws(int64_t us);  /* Nov 1, 2026, 1:00:00 AM */
char *stamp_us(int64_t us);   /* 2026-11-01T00:00:00.123456Z */
char *stamp_s(int64_t us);    /* 2026-11-01T00:00:00Z */
int64_t epoch_s(int64_t us);  /* Unix seconds */

/* ---- encode.c ---- */
char *b64(const void *p, size_t n);          /* standard, padded; arena */
char *b64url(const void *p, size_t n);       /* URL alphabet, no padding; arena */
char *b64s(const char *s);                   /* b64 of a C string */
unsigned char *b64_decode(const char *s, size_t *n); /* both alphabets; NULL if invalid; arena */
unsigned char *gz(const void *p, size_t n, size_t *outn);     /* arena */
unsigned char *gunz(const void *p, size_t n, size_t *outn);   /* NULL if invalid; arena */
char *query_escape(const char *s);           /* Go's url.QueryEscape; arena */
char *url_unescape(const char *s);           /* %XX and + ; arena */
char *wrap(const char *s, int width);        /* lines of width, each ending in \n; arena */
char *go_dumps(json_t *v);                   /* compact, & < > as \u0026 ...; arena */
char *aws_dumps(json_t *v);                  /* compact, as CloudTrail writes; arena */

/* ---- der.c: key and certificate material ---- */
char *pem_private_key(int *kind_out);        /* any of the PEM kinds; arena */
char *pem_rsa_pkcs8(void);
char *pem_ec(void);
char *pem_certificate(const char *cn);       /* a public certificate (not a secret) */
char *pem_csr(const char *cn);
char *ssh_public_key(void);                  /* "ssh-ed25519 AAAA... comment" */
char *putty_key(void);
char *age_key_file(char **secret_out);       /* keys.txt; *secret_out the AGE-SECRET-KEY-1 line */
char *age_public(void);

/* ---- decode steps: how a labelled string leads to its secret ---- */
enum step_kind { ST_BASE64, ST_GZIP, ST_JSON, ST_URL };
struct step {
	enum step_kind kind;
	const char *ptr; /* ST_JSON: where the string is inside the document */
};
#define MAXSTEPS 6

struct steps {
	struct step s[MAXSTEPS];
	int n;
};
/* ---- tokens.c: the 46 types ---- */
enum role { R_SECRET, R_NEUTRAL, R_NEGATIVE, R_OTHER };

struct kv {
	const char *name, *value;
	enum role role;
	const char *neg; /* R_NEGATIVE: the hard negative's kind */
	struct steps st; /* R_SECRET: from the value to the secret (base64 of a kubeconfig...) */
};

#define SF_MULTILINE 1u  /* cannot go into argv, URIs or NAME=value lines */
#define SF_STRUCT 2u     /* a document (kubeconfig, docker config, SA JSON): own file only */

struct secret {
	int type;
	const char *value;      /* the secret itself, as a scanner should find it */
	struct kv kv[4];        /* how it is configured: NAME=value assignments */
	int nkv, main;          /* kv[main].value holds value */
	unsigned flags;
	const char *file;       /* a natural file name for it (ConfigMap/Secret key) */
	const char *filebody;   /* the file's text */
	const char *tool;       /* the command the NAME=value assignments are for */
	const char *cmd;        /* a shell command holding it, or NULL */
	const char *prog;       /* the program the argv is for */
	const char *argv[6];    /* an argv holding it; argv_at is the item with the secret */
	int argc, argv_at;
};

struct stype {
	const char *id;
	void (*make)(struct secret *);
	uint64_t positions; /* 1 << enum pos */
};
extern const struct stype types[];
extern const int ntypes;
int type_index(const char *id);
void make_secret(struct secret *s, int type);
void secret_aws_key_pair(char **keyid, char **secret, const char *prefix);
char *aws_key_id(const char *prefix);        /* of the corpus account; arena */
char *aws_key_id_for(const char *prefix, uint64_t h); /* the same for the same h */
char *aws_session_token(void);
char *jwt_sa(const char *ns, const char *sa, int projected);
char *random_password(void);

/* ---- positions ---- */
enum pos {
	P_POD_ENV, P_WORKLOAD_ENV, P_LAST_APPLIED, P_ARGS, P_PROBE_HEADER,
	P_EXEC_POST, P_EXEC_WS, P_CHANGE_CAUSE,
	P_SECRET_DATA, P_SECRET_STRINGDATA, P_SECRET_LAST_APPLIED, P_CONFIGMAP,
	P_TOKEN_REQUEST, P_TOKEN_REVIEW, P_DOCKERCONFIG, P_HELM_RELEASE, P_CRD,
	P_CLOUDWATCH,
	P_STS, P_ECS_ENV, P_CODEBUILD_ENV, P_GLUE, P_CFN, P_LOOKUP,
	NPOS
};
extern const char *const pos_names[NPOS];
#define PB(p) (1ull << (p))
#define K8S_POSITIONS (PB(NPOS) - 1 - (PB(P_STS) | PB(P_ECS_ENV) | PB(P_CODEBUILD_ENV) | PB(P_GLUE) | \
			PB(P_CFN) | PB(P_LOOKUP)))
/* positions that are scheduled (the others are copies: last-applied of workloads) */
#define DERIVED_POSITIONS PB(P_LAST_APPLIED)

struct steps st0(void);
struct steps st_add(struct steps a, enum step_kind k, const char *ptr);
struct steps st_cat(struct steps a, struct steps b);

/* Labels the string at ptr (relative to the record) as holding secret s at
 * position p, reached through the decode steps st.  The wrapper prefix
 * (json-string, for records inside a JSON string) is added by gen.c. */
void label(const char *ptr, const struct secret *s, enum pos p, struct steps st);
/* A string where a report counts neither way, or a hard negative. */
void mark_neutral(const char *ptr, const char *why);
void mark_negative(const char *ptr, const char *kind);
/* Marks the companions of s (key ids beside AWS secrets, client ids...)
 * placed at ptr_fmt with %d = the index given for each companion. */
void mark_companion(const char *ptr, const struct kv *kv);

/* ---- negatives.c: hard negatives ---- */
struct kv neg_env(void);                    /* a name/value a scanner must leave alone */
struct kv neg_env_kind(const char *kind);
const char *neg_doc_file(const char **kind); /* a documentation-like file for a ConfigMap */

/* ---- a planned record: up to four secrets at one position ---- */
struct job {
	enum pos pos;
	int n;
	struct secret s[4];
	enum pos inner; /* wrappers: the position inside */
};

/* ---- k8s.c ---- */
json_t *k8s_plant(struct job *j);     /* one audit event carrying the job's secrets */
json_t *k8s_noise(void);              /* one routine audit event */
void k8s_init(void);

/* ---- cloudtrail.c ---- */
json_t *ct_plant(struct job *j);
json_t *ct_noise(void);
json_t *ct_lookup_entry(json_t *rec);   /* a lookup-events element around rec (steals nothing) */
extern const char *ct_region;

/* ---- verify.c ---- */
int verify_label(const char *record_text, const char *ptr, const char *secret, const struct steps *st,
    char *why, size_t whylen);

#define ACCT "318645903217"
#define CLUSTER "prod-eks"
#define REGION "eu-west-1"

#endif
