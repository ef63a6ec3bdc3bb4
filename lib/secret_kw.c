/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Keywords: which ones occur in a text, and whether an occurrence counts.
 *
 * The scanner looks at every three bytes of the text, case-folded, in a
 * 64 Kibit filter of the keywords' rarest three bytes; a hit is checked
 * against the keywords filed under that hash.  One pass, whatever the
 * number of keywords.
 *
 * Whether an occurrence counts is one rule, read from a record's raw bytes
 * by the prefilter and from decoded strings by the scan, so that the
 * prefilter never skips a record the scan would report something in:
 *   - a keyword of the secret itself (a token prefix) counts anywhere but
 *     at the start of an accessKeyId value (the identity of every
 *     CloudTrail record and EKS request, not a leak);
 *   - a keyword of a name counts only where a name is: in a member key
 *     whose value is a string, in the value of a name member ({"name":
 *     "DB_PASSWORD", "value": ...}), before "=" or ": " (VAR=value, YAML),
 *     or in a --flag; and never inside an annotation or label key of the
 *     k8s.io and kubernetes.io domains (authorization.k8s.io/decision).
 * The raw reading accepts every way the decoded form can be written (JSON
 * escapes, JSON inside strings, percent-encoding in URIs), so it counts at
 * least where the scan does.  Escapes that could hide a keyword's bytes
 * make a candidate by themselves.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define KW_AVX2 1
#endif

#include "secret.h"

/* The 1000 three-byte sequences (case-folded as the filter folds them)
 * most common in audit records and CloudTrail, most common first, counted
 * over k8saudit's samples and test fixtures and the benchmark generator's
 * output (83% of all sequences there): a keyword's filtered bytes are
 * chosen among the others when it has any, else the least common. */
static const char common3[] =
	"\":\"\",\"\":{:{\"ion},\"e\":,\"aestent\"},ste\"re,\"stiotemsysyst.ios.id\":staubekubatis\":rol"
	"n\":serio/aututhame\"aunamernem:odereson\"id\"k8s.k88s.{\"aage\"sysiome\"icaon.n.kapithemesespver"
	",\"rntionsolenod:\"aetetimimeuse026cats\",\"usersterivecontichen,\"uawsbe-\"areve\"ap6-1-11:\"2/v1"
	"com202-0111-\"}}26-z\",\"2000:rnatataccp\":rceoururcsou01tgrorououpomp1-0ueseququereq1t0t00rsie\","
	"seseasdatleroritesmet\"stnetnt\"ontrneberessdit\"mees/nsearneraps\"ollspolle:\"ricethopongenv1\""
	"pivce\"ceihorrizizazatervtrontrampuntounntet\",tammp\"\"naaududitaginttreetaccocouer\"adaatatad}},"
	"rvi\"cota\"vicate,\"ceac-not\":234-coceaall678t-10.0st-901a\":.co012ace456123345890789567lowllo-10"
	"-we:12weseu-u-we-sind12:spapacute-1.0:0vente\" |\"ces.eu10-,\"n:\"enal\"kuaseiam0-0rea.0.putmpuip-"
	"p-1te.e.i.in-0-1.c-role/\"evstraroroao/v1\",sec:\"kletect\"lee\"}leaatutustoresontsssuws-ns\"5dc"
	"vaj4va-sydina5ddcb}}}oa5ajojxzbggxzjzj4jo\"cbggg67jxj4vg6767jus\"uidtideco,\"eekses.es\"er-m:siti"
	":serin:\"s.kuget:\"m{\"kpe\"{\"sr\":typypejecs-nciptra:awal\"bjeobjprinerde-al-,\"vtedws:1\"}kin"
	"ipaust\"ty:\"/rn:n:aclulus\"sond\"\"ki\"1010.rn\"ed\"not,\"lef\"d\"}ali/de\"awde\"|\" uri,\"p::1"
	"\"almplragreceipene:\"vlinecil\":,\"om:ainclidncipalvel\"v1/rege\":{}/ap:kuple:20{\"rlevel\"etiref"
	"nuxinuf\":{},:\"cannnnoota\"an,\"go/ri\":i-000}dec{\"1errmanl\",{\"mvedananago\"}atoeceerb/amd64"
	"sonasoupsks-\"\"}\"ve\"gr{\"uipsrb\"dtitureivsturrocodb\":ri\"edtit.t.k0},}}*isiciso/dw\",0:1ow\""
	"amdmd6-au},{,{\"a\",64)\":2ux/200e/e\"/av1/2:actr4) \"ob:au) k ku(lix/a (l/ekger}*{*{\"\"prm:negr"
	"deg:noup-ingm-ao\",s-i-iaam-ts\"r|\"natina-gel-rralp-gts:ord\"uier|out1/next\"se-mandi cl/kur\","
	"pre1.2v1.rdier/\"exmeoeou,\"te-n/naure0-1appoorcoo29.lic.29eledesre\"onisur{\"i9.3le\"e-cumextr"
	"ra\"rba\"ip{\"tcce\"ac|\"s:{{{{\".3 ala3 (m\",stsy\":bacpodkey/co:\"pondut=s/kasscalssipropersum"
	"hea002trurueeat\"asmed/noartsthasts:ittirs\"ebi|u0u00-leearbin\"rbbooe-llebam::iam:::\"latctch:\"i"
	"attpised-owef\",r-mead\"lamen:\"dyidsskskeeyiup\"\"caigrpigis/non: ae |weded  toto |\"\" alng d b"
	" byby g |\" o ofof le \" tac:c: nt:{\"l:sts::s:sd-r:as:\"1/aw:roasisiaod-/po:arooto/nbellasbea?ti"
	"2:rano/i-tbertba50s/co/ponnnnarapio\"canlarnic/le/prs.kor/ceror:r:1e/ir/p7a5gs.\"i-t:ksigem\"4\"}"
	"\"si50figso/a:\"\"e:if7a3f7tstots0f\"ppe:bode:m:b:ipt/vet/:\"us/3/3fpi/0.1end-na-uif cy ci/vs/iset"
	"=10/ipoinndp10sdpopoioryt=10s\"m:cupdpda\"upcrewat{\"nredchese\"on-t-cemopaty\"}ement  seo st |"
	"0\"}memer:den:coforh\",0.90-44.er/vnds2\",f\"}\"pach\"zonmordis:tr\":tonfnfifigst\":\"n0.e10:epl"
	"azoamamazpliargadyrgogococdryp,\"m6z\"s:ke,\"schder0z\"m:kdy\"orm\"die/lse/al?l?t:\"wrt--46\"no"
	"et\"ue,em|m|\"at\"edeertpen.94ds\"ratl\"}mapmatigmgmarmas/$/$f$foue\"3z\"9z\"\"po94\"2z\"arprpekar"
	"ule1z\"-18=tr\"enhedduledu7z\"8z\"ce-5z\"4z\":1026tt-mh\":6tiyprth\":\"tct\"tls\"ge\"ek\"tlpidisk"
	"dpridpskpkpr\"pi0\",s-c\"12:11apsityd\",|\"amoncev.amnit0 ({\"c-sc8131361-2625|\"e3623\",/cr681ona"
	"athethdef8-4-20-id-48.0 -433-4ncert\"ial9\",-12 roito-prymed-ud-ne-u:end-c-44tia:14:\"gv0.:09ws."
	"eris/6naw/68mins.c:07web:13:08nt-:00:06:05-ap:042\"}:01/v0\"su{\"j:02jtio/c:03-bal-i\"jtti=0-5lem"
	"us-ortricslitslpordns174eus132\"derege-p25/:\"ft=503:stoon=6re6\",26rd-brepcas\"crromc\"}r/kistanc"
	"b\",ome9.ee-aheus/an-cps/odsry\"cor5.eore";

/* Rank of a (folded) sequence among common3, 0 for the most common; -1
 * when it is not there. */
static int
common_rank(const unsigned char *t)
{
	size_t k;

	for (k = 0; k + 3 <= sizeof(common3) - 1; k += 3)
		if ((t[0] | 0x20) == (unsigned char)common3[k] && (t[1] | 0x20) == (unsigned char)common3[k + 1] &&
		    (t[2] | 0x20) == (unsigned char)common3[k + 2])
			return (int)(k / 3);
	return -1;
}

/* How common a byte is in audit records (0 rare .. 9 everywhere), to pick
 * the three bytes of a keyword the filter looks for. */
static int
commonness(unsigned char c)
{
	static const char freq[] = "etaoinsrhlducmfpgwybvkxjqz";
	const char *f;

	c = (unsigned char)tolower(c);
	if ((f = strchr(freq, c)) != NULL && c)
		return 9 - (int)((f - freq) / 3);
	if (c >= '0' && c <= '9')
		return 6;
	if (strchr("\":,/.-_", c))
		return 7;
	return 1;
}

static inline uint32_t
fold3(const unsigned char *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16) | 0x202020u;
}

static inline uint32_t
hash3(uint32_t w)
{
	return (w * 0x9E3779B1u) >> KW_FILTER_SHIFT;
}

static int
kw_eq(const struct kwent *e, const char *p)
{
	size_t i;

	if (e->kind == KW_STRONG || e->kind == KW_MARK) {
		for (i = 0; i < e->n; i++)
			if (p[i] != e->s[i])
				return 0;
		return 1;
	}
	for (i = 0; i < e->n; i++)
		if (tolower((unsigned char)p[i]) != (unsigned char)e->s[i])
			return 0;
	return 1;
}

static int
add_entry(struct kwtab *t, const char *s, size_t n, enum kw_kind kind, size_t type)
{
	struct kwent *e;
	size_t i;

	for (i = 0; i < t->n; i++) {
		e = &t->e[i];
		if (e->kind == kind && e->n == n && memcmp(e->s, s, n) == 0)
			goto found;
	}
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 128;
		struct kwent *ne = realloc(t->e, nc * sizeof(*ne));
		if (ne == NULL)
			return -1;
		t->e = ne;
		t->cap = nc;
	}
	e = &t->e[t->n];
	memset(e, 0, sizeof(*e));
	if ((e->s = malloc(n + 1)) == NULL)
		return -1;
	memcpy(e->s, s, n);
	e->s[n] = '\0';
	e->n = n;
	e->kind = kind;
	e->quoted = kind == KW_MARK;
	t->n++;
found:
	if (type == (size_t)-1)
		return 0;
	for (i = 0; i < e->ntypes; i++)
		if (e->types[i] == type)
			return 0;
	{
		size_t *nt = realloc(e->types, (e->ntypes + 1) * sizeof(*nt));
		if (nt == NULL)
			return -1;
		e->types = nt;
		nt[e->ntypes++] = type;
	}
	return 0;
}

/* Bytes a URI writes percent-encoded (kubectl encodes all but these). */
static int
unreserved(unsigned char c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

int
kw_add(struct kwtab *t, const char *s, enum kw_kind kind, size_t type)
{
	size_t n = strlen(s), i, k;
	char buf[512];
	static const char hex[2][17] = { "0123456789ABCDEF", "0123456789abcdef" };
	int reserved = 0, c;

	if (n > SECRET_KEYWORD_MAX) /* the loader refuses them: a bug */
		return -1;
	if (kind == KW_NAME || kind == KW_WORD) {
		for (i = 0; i < n; i++)
			buf[i] = (char)tolower((unsigned char)s[i]);
		return add_entry(t, buf, n, kind, type);
	}
	if (add_entry(t, s, n, kind, type) != 0)
		return -1;
	for (i = 0; i < n; i++)
		reserved |= !unreserved((unsigned char)s[i]);
	if (!reserved || kind != KW_STRONG)
		return 0;
	/* the same keyword as a URI writes it (exec commands, query strings) */
	for (c = 0; c < 2; c++) {
		for (i = 0, k = 0; i < n; i++) {
			unsigned char b = (unsigned char)s[i];
			if (unreserved(b))
				buf[k++] = (char)b;
			else {
				buf[k++] = '%';
				buf[k++] = hex[c][b >> 4];
				buf[k++] = hex[c][b & 15];
			}
		}
		if (add_entry(t, buf, k, kind, type) != 0)
			return -1;
	}
	return 0;
}

/* How often the filter would stop on the three bytes at s: their rank
 * among the common sequences, a hash shared with a common sequence (the
 * filter cannot tell them apart), and how many other keywords filter on
 * the same bytes (each is compared on every stop).  Lower is better. */
static int
anchor_cost(const struct kwtab *t, const struct kwent *self, const unsigned char *s)
{
	uint32_t w = fold3(s), h = hash3(w);
	int r = common_rank(s), cost = commonness(s[0]) + commonness(s[1]) + commonness(s[2]);
	size_t k;

	if (r >= 0)
		cost += 100 + (1000 - r) * 10;
	for (k = 0; k + 3 <= sizeof(common3) - 1; k += 3) {
		uint32_t c = fold3((const unsigned char *)common3 + k);
		if (c != w && hash3(c) == h) {
			cost += 3000;
			break;
		}
	}
	for (k = 0; k < t->n; k++)
		if (&t->e[k] != self && t->e[k].n >= 3 && fold3((const unsigned char *)t->e[k].s + t->e[k].anchor) == w)
			cost += 200;
	return cost;
}

void
kw_build(struct kwtab *t)
{
	size_t i, j, best;
	int cost, bc, pass;

	memset(t->filter, 0, sizeof(t->filter));
	memset(t->bucket, 0, sizeof(t->bucket));
	memset(t->esc, 0, sizeof(t->esc));
	/* twice: the second pass sees where the others filter */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < t->n; i++) {
			struct kwent *e = &t->e[i];
			best = 0;
			bc = INT32_MAX;
			for (j = 0; j + 3 <= e->n; j++) {
				cost = anchor_cost(t, e, (const unsigned char *)e->s + j);
				if (cost < bc) {
					bc = cost;
					best = j;
				}
			}
			e->anchor = best;
		}
	for (i = 0; i < t->n; i++) {
		struct kwent *e = &t->e[i];
		e->h = hash3(fold3((const unsigned char *)e->s + e->anchor));
		t->filter[e->h] = 1;
		e->next = t->bucket[e->h & (KW_BUCKETS - 1)];
		t->bucket[e->h & (KW_BUCKETS - 1)] = (uint32_t)(i + 1);
		for (j = 0; j < e->n; j++) {
			unsigned char c = (unsigned char)e->s[j];
			t->esc[c] = 1;
			t->esc[tolower(c)] = 1;
			t->esc[toupper(c)] = 1;
		}
	}
}

void
kw_free(struct kwtab *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->e[i].s);
		free(t->e[i].types);
	}
	free(t->e);
	memset(t, 0, sizeof(*t));
}

/* An occurrence of e at p[off] that can count nowhere (kw_counts() would
 * say 0 in every context): a word going on in lower case (auth in
 * authenticated), a name right before .k8s.io/ (authorization.k8s.io/...),
 * a mark not a whole string.  Every audit record has a few of these. */
static int
never_counts(const struct kwent *e, const char *p, size_t n, size_t off)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t end = off + e->n;

	switch (e->kind) {
	case KW_STRONG:
		return 0;
	case KW_MARK:
		return off == 0 || p[off - 1] != '"' || end >= n || (p[end] != '"' && p[end] != '\\');
	case KW_WORD:
		if (end < n && islower(u[end]))
			return 1;
		/* FALLTHROUGH */
	case KW_NAME:
		return end < n && p[end] == '.' &&
		       ((n - end >= 8 && memcmp(p + end, ".k8s.io/", 8) == 0) ||
			(n - end >= 15 && memcmp(p + end, ".kubernetes.io/", 15) == 0));
	}
	return 0;
}

/* The occurrences whose anchor sits at position i (hash h). */
static int
hits_at(const struct kwtab *t, const char *p, size_t n, size_t i, uint32_t h, kw_cb cb, void *arg)
{
	uint32_t k = t->bucket[h & (KW_BUCKETS - 1)];

	while (k) {
		const struct kwent *e = &t->e[k - 1];
		size_t off;
		k = e->next;
		if (e->h != h || i < e->anchor || i - e->anchor + e->n > n)
			continue;
		off = i - e->anchor;
		if (kw_eq(e, p + off) && !never_counts(e, p, n, off) && cb(arg, e, off))
			return 1;
	}
	return 0;
}

/* The filter's verdicts on positions base .. base+63, a bit each. */
static inline uint64_t
block_scalar(const struct kwtab *t, const unsigned char *u)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < 64; i++) {
		uint32_t w;
		memcpy(&w, u + i, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w = __builtin_bswap32(w);
#endif
		m |= (uint64_t)t->filter[hash3((w | 0x20202020u) & 0xffffffu)] << i;
	}
	return m;
}

#ifdef KW_AVX2
/* The same, the hashes eight at a time (each 32-bit lane holds the three
 * bytes of one position), the lookups one by one: 1.4x the scalar loop.
 * Reads u[0..76). */
__attribute__((target("avx2"))) static uint64_t
block_avx2(const struct kwtab *t, const unsigned char *u)
{
	const __m256i shuf = _mm256_setr_epi8(0, 1, 2, -128, 1, 2, 3, -128, 2, 3, 4, -128, 3, 4, 5, -128,
		0, 1, 2, -128, 1, 2, 3, -128, 2, 3, 4, -128, 3, 4, 5, -128);
	const __m256i fold = _mm256_set1_epi32(0x00202020), mul = _mm256_set1_epi32((int)0x9E3779B1u);
	uint32_t idx[64] __attribute__((aligned(32)));
	uint64_t m = 0;
	size_t k;

	for (k = 0; k < 64; k += 8) {
		__m256i v = _mm256_set_m128i(_mm_loadu_si128((const __m128i *)(u + k + 4)),
			_mm_loadu_si128((const __m128i *)(u + k)));
		v = _mm256_or_si256(_mm256_shuffle_epi8(v, shuf), fold);
		v = _mm256_srli_epi32(_mm256_mullo_epi32(v, mul), KW_FILTER_SHIFT);
		_mm256_store_si256((__m256i *)(idx + k), v);
	}
	for (k = 0; k < 64; k++)
		m |= (uint64_t)t->filter[idx[k]] << k;
	return m;
}

static int
have_avx2(void)
{
	static int have = -1;

	if (have < 0)
		have = __builtin_cpu_supports("avx2") ? 1 : 0;
	return have;
}
#endif

void
kw_scan(const struct kwtab *t, const char *p, size_t n, kw_cb cb, void *arg)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i, base = 0;
#ifdef KW_AVX2
	int avx2 = have_avx2();
#endif

	if (n < 3 || t->n == 0)
		return;
	/* 64 positions at a time without a branch each: the positions whose
	 * three bytes pass the filter become bits, then only those are looked
	 * at (about one in a hundred) */
	for (base = 0; base + 76 <= n; base += 64) {
		uint64_t m;
#ifdef KW_AVX2
		m = avx2 ? block_avx2(t, u + base) : block_scalar(t, u + base);
#else
		m = block_scalar(t, u + base);
#endif
		while (m) {
			size_t k = base + (size_t)__builtin_ctzll(m);
			m &= m - 1;
			if (hits_at(t, p, n, k, hash3(fold3(u + k)), cb, arg))
				return;
		}
	}
	for (i = base; i + 3 <= n; i++) {
		uint32_t h = hash3(fold3(u + i));
		if (t->filter[h] && hits_at(t, p, n, i, h, cb, arg))
			return;
	}
}

/* ---- where an occurrence counts ---- */

static int
is_ident(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-';
}

static int
is_path(unsigned char c)
{
	return is_ident(c) || c == '/' || c == '~';
}

void
kw_ident(const char *p, size_t n, size_t off, size_t len, size_t *a, size_t *b)
{
	size_t i = off, j = off + len;

	while (i > 0 && off - i < SECRET_RAW_REACH && is_ident((unsigned char)p[i - 1]))
		i--;
	while (j < n && j - off < SECRET_RAW_REACH && is_ident((unsigned char)p[j]))
		j++;
	*a = i;
	*b = j;
}

int
kw_k8s_domain(const char *p, size_t n, size_t off, size_t len)
{
	size_t i = off, j = off + len;

	while (i > 0 && off - i < 256 && is_path((unsigned char)p[i - 1]))
		i--;
	while (j < n && j - off < 256 && is_path((unsigned char)p[j]))
		j++;
	return memmem(p + i, j - i, "k8s.io/", 7) != NULL || memmem(p + i, j - i, "kubernetes.io/", 14) != NULL;
}

/* Word boundaries: not inside a longer word, camelCase humps count.
 * raw: a letter right after a backslash escape (\n, \t) is a start. */
static int
word_bounded(const char *p, size_t n, size_t off, size_t len, int raw)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t end = off + len;
	int before, after;

	before = off == 0 || !isalpha(u[off - 1]) || (islower(u[off - 1]) && isupper(u[off])) ||
		 (raw && off >= 2 && u[off - 2] == '\\');
	after = end >= n || !isalpha(u[end]) || (isupper(u[end]) && islower(u[end - 1]));
	return before && after;
}

/* White space as the raw text may write it: itself, a JSON escape (\t,
 * \n, \r, with any number of backslashes for JSON inside strings), '+' and
 * %20 / %09 in a URI.  Returns the index after it. */
static size_t
raw_ws(const char *p, size_t n, size_t i, int newlines)
{
	for (;;) {
		size_t k = i;
		if (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '+' || (newlines && (p[i] == '\n' || p[i] == '\r'))))
			i++;
		else if (i + 2 < n && p[i] == '%' && p[i + 1] == '2' && p[i + 2] == '0')
			i += 3;
		else if (i + 2 < n && p[i] == '%' && p[i + 1] == '0' && p[i + 2] == '9')
			i += 3;
		else if (i < n && p[i] == '\\') {
			while (k < n && p[k] == '\\')
				k++;
			if (k < n && (p[k] == 't' || (newlines && (p[k] == 'n' || p[k] == 'r'))))
				i = k + 1;
			else
				return i;
		} else
			return i;
	}
}

static size_t
skip_bs(const char *p, size_t n, size_t i)
{
	while (i < n && p[i] == '\\')
		i++;
	return i;
}

/* A percent-encoded byte c at p[i] (either hex case)? */
static int
pct_is(const char *p, size_t n, size_t i, int c)
{
	static const char hex[] = "0123456789abcdef";

	return i + 2 < n && p[i] == '%' && tolower((unsigned char)p[i + 1]) == hex[c >> 4] &&
	       tolower((unsigned char)p[i + 2]) == hex[c & 15];
}

/* (A) in a member key whose value is a string: the first quote after the
 * occurrence closes the key and ": \"" or ": [\"" follows. */
static int
raw_key(const char *p, size_t n, size_t end)
{
	const char *q = memchr(p + end, '"', n - end < SECRET_RAW_REACH ? n - end : SECRET_RAW_REACH);
	size_t i;

	if (q == NULL)
		return 0;
	i = raw_ws(p, n, (size_t)(q - p) + 1, 1);
	if (i >= n || p[i] != ':')
		return 0;
	i = raw_ws(p, n, i + 1, 1);
	if (i < n && p[i] == '[')
		i = raw_ws(p, n, i + 1, 1);
	i = skip_bs(p, n, i);
	return i < n && p[i] == '"';
}

static const char *const name_members[] = {
	"name", "Name", "key", "Key", "parameterKey", "ParameterKey", "parameterName", "ParameterName",
};
static const char *const value_members[] = { "value", "Value", "parameterValue", "ParameterValue" };

/* After the string holding the occurrence: , "value": -- the value member
 * right after the name member (the scan asks the same). */
static int
value_follows(const char *p, size_t n, size_t end)
{
	const char *q = memchr(p + end, '"', n - end < SECRET_RAW_REACH ? n - end : SECRET_RAW_REACH);
	size_t i, k;

	if (q == NULL)
		return 0;
	i = raw_ws(p, n, (size_t)(q - p) + 1, 1);
	if (i >= n || p[i] != ',')
		return 0;
	i = skip_bs(p, n, raw_ws(p, n, i + 1, 1));
	if (i >= n || p[i] != '"')
		return 0;
	i++;
	for (k = 0; k < sizeof(value_members) / sizeof(value_members[0]); k++) {
		size_t l = strlen(value_members[k]), j;
		if (i + l >= n || memcmp(p + i, value_members[k], l) != 0)
			continue;
		j = skip_bs(p, n, i + l);
		if (j < n && p[j] == '"' && (j = raw_ws(p, n, j + 1, 1)) < n && p[j] == ':')
			return 1;
	}
	return 0;
}

/* (B) in the value of a name member followed by a value member: the first
 * quote before the occurrence opens a value whose key is one of
 * name_members, and a value member comes next. */
static int
raw_member(const char *p, size_t n, size_t off, size_t end)
{
	size_t i = off, lim = off > SECRET_RAW_REACH ? off - SECRET_RAW_REACH : 0, k;

	while (i > lim && p[i - 1] != '"')
		i--;
	if (i == lim || i < 2)
		return 0;
	i--; /* the opening quote */
	/* backwards: backslashes, white space, ':', white space, '"' */
	while (i > 0 && p[i - 1] == '\\')
		i--;
	for (;;) {
		if (i > 0 && (p[i - 1] == ' ' || p[i - 1] == '\t' || p[i - 1] == '\n' || p[i - 1] == '\r'))
			i--;
		else if (i > 1 && strchr("ntr", p[i - 1]) && p[i - 2] == '\\') {
			i -= 2;
			while (i > 0 && p[i - 1] == '\\')
				i--;
		} else
			break;
	}
	if (i == 0 || p[i - 1] != ':')
		return 0;
	i--;
	while (i > 0 && (p[i - 1] == ' ' || p[i - 1] == '\t' || p[i - 1] == '\n' || p[i - 1] == '\r'))
		i--;
	if (i == 0 || p[i - 1] != '"')
		return 0;
	i--;
	while (i > 0 && p[i - 1] == '\\')
		i--;
	for (k = 0; k < sizeof(name_members) / sizeof(name_members[0]); k++) {
		size_t l = strlen(name_members[k]);
		if (i >= l + 1 && memcmp(p + i - l, name_members[k], l) == 0 && p[i - l - 1] == '"')
			return value_follows(p, n, end);
	}
	return 0;
}

/* (C) before "=" or ": " in text.  raw: also %3D, %3A and the white space
 * forms of raw_ws(). */
static int
assign_after(const char *p, size_t n, size_t end, int raw)
{
	size_t i = end, k;

	while (i < n && i - end < SECRET_RAW_REACH && is_ident((unsigned char)p[i]))
		i++;
	if (raw)
		i = raw_ws(p, n, i, 0);
	else
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
	if (i >= n)
		return 0;
	if (p[i] == '=' || (raw && pct_is(p, n, i, '=')))
		return 1;
	if (p[i] == ':')
		k = i + 1;
	else if (raw && pct_is(p, n, i, ':'))
		k = i + 3;
	else
		return 0;
	if (raw)
		return raw_ws(p, n, k, 0) > k;
	return k < n && (p[k] == ' ' || p[k] == '\t');
}

/* (D) in a --flag: the identifier around it starts with '-'.  raw: a
 * URI writes the separator before it as %20 (or '+'), whose hex digits
 * look like identifier bytes: a '-' after one starts a flag too. */
static int
flag_before(const char *p, size_t n, size_t off, size_t len, int raw)
{
	size_t a, b, k;

	kw_ident(p, n, off, len, &a, &b);
	if (p[a] == '-')
		return 1;
	for (k = off; raw && k > a; k--) {
		int hi, lo;
		if (p[k - 1] != '-')
			continue;
		if (k - 1 >= 1 && p[k - 2] == '+')
			return 1;
		if (k - 1 >= 3 && p[k - 4] == '%' && (hi = k8a_hexval((unsigned char)p[k - 3])) >= 0 &&
		    (lo = k8a_hexval((unsigned char)p[k - 2])) >= 0 && !is_ident((unsigned char)(hi << 4 | lo)))
			return 1;
	}
	return 0;
}

/* The value of an accessKeyId member starts here (raw). */
static int
identity_before(const char *p, size_t off)
{
	static const char k1[] = "\"accessKeyId\":\"", k2[] = "\"accessKeyId\":[\"";

	return (off >= sizeof(k1) - 1 && memcmp(p + off - (sizeof(k1) - 1), k1, sizeof(k1) - 1) == 0) ||
	       (off >= sizeof(k2) - 1 && memcmp(p + off - (sizeof(k2) - 1), k2, sizeof(k2) - 1) == 0);
}

int
kw_counts(const struct kwent *e, const char *p, size_t n, size_t off, int raw, int ctx)
{
	size_t end = off + e->n;

	switch (e->kind) {
	case KW_MARK:
		return off > 0 && p[off - 1] == '"' && end < n && (p[end] == '"' || p[end] == '\\');
	case KW_STRONG:
		return !raw || !identity_before(p, off);
	case KW_WORD:
		if (!word_bounded(p, n, off, e->n, raw))
			return 0;
		/* FALLTHROUGH */
	case KW_NAME:
		if (kw_k8s_domain(p, n, off, e->n))
			return 0;
		if (raw)
			return raw_key(p, n, end) || raw_member(p, n, off, end) || assign_after(p, n, end, 1) ||
			       flag_before(p, n, off, e->n, 1);
		return (ctx & (KC_KEY | KC_MEMBER)) || ((ctx & KC_ASSIGN) && assign_after(p, n, end, 0)) ||
		       ((ctx & KC_FLAG) && flag_before(p, n, off, e->n, 0));
	}
	return 0;
}

/* ---- the record prefilter ---- */

/* An escape that may hide a keyword's byte: \u00XX of such a byte, \/
 * when '/' is one, or a URI's %XX of a byte that needs no encoding (the
 * scan decodes requestURI).  Offset of the first, or n. */
static size_t
first_escape(const struct kwtab *t, const char *p, size_t n, size_t limit)
{
	const char *q = p, *e = p + n, *lim = p + limit;

	/* any number of backslashes: JSON inside strings is decoded too */
	while (q < lim && (q = memchr(q, '\\', (size_t)(lim - q))) != NULL) {
		const char *r = q;
		while (r < e && *r == '\\')
			r++;
		if (r < e && *r == 'u' && r + 5 <= e && r[1] == '0' && r[2] == '0') {
			int hi = k8a_hexval((unsigned char)r[3]), lo = k8a_hexval((unsigned char)r[4]);
			if (hi >= 0 && lo >= 0 && t->esc[hi << 4 | lo]) {
				limit = (size_t)(q - p);
				break;
			}
		} else if (r < e && *r == '/' && t->esc['/']) {
			limit = (size_t)(q - p);
			break;
		}
		q = r;
	}
	lim = p + limit;
	for (q = p; q < lim && (q = memchr(q, '%', (size_t)(lim - q))) != NULL && q + 2 < e; q++) {
		int hi = k8a_hexval((unsigned char)q[1]), lo = k8a_hexval((unsigned char)q[2]);
		if (hi >= 0 && lo >= 0 && unreserved((unsigned char)(hi << 4 | lo)))
			return (size_t)(q - p);
	}
	return limit;
}

struct first_arg {
	const char *p;
	size_t n;
	int marks;
	size_t first;	/* counted keyword */
	size_t mark;	/* counted mark */
};

static int
first_cb(void *arg, const struct kwent *e, size_t off)
{
	struct first_arg *a = arg;

	/* Occurrences come in the order of their filtered bytes, not of their
	 * starts; but one that is found first is in the first line holding
	 * any (no keyword spans a newline), which is all the reader needs. */
	if (e->kind == KW_MARK) {
		if (off < a->mark && kw_counts(e, a->p, a->n, off, 1, 0)) {
			a->mark = off;
			return a->marks; /* the reader's prefilter stops at a mark */
		}
		return 0;
	}
	if (kw_counts(e, a->p, a->n, off, 1, 0)) {
		a->first = off;
		return 1;
	}
	return 0;
}

size_t
kw_first_raw(const struct kwtab *t, const char *p, size_t n, int marks, int *mark_only)
{
	struct first_arg a = { p, n, marks, n, n };
	size_t limit;

	kw_scan(t, p, n, first_cb, &a);
	limit = marks && a.mark < a.first ? a.mark : a.first;
	limit = first_escape(t, p, n, limit);
	if (mark_only)
		*mark_only = limit == n && a.mark < n;
	return limit;
}
