/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The aws-auth ConfigMap reader (cmd/common/awsauth.c): the YAML texts of
 * mapRoles, mapUsers and mapAccounts, as they arrive in a ConfigMap's
 * data, go through libyaml and the authenticator's rules.  The input is
 * the three texts, separated by NUL bytes.  Invariants, for any texts:
 *  - reading ends and frees all it took (never fails: what does not take
 *    effect is kept with a reason);
 *  - every entry belongs to a list whose text was given, starts on a line
 *    of that text, and has its groups as strings; an entry out of effect
 *    says why, and one that is in effect with system:masters says so
 *    through fe_aa_masters() only if it has that group.
 */
#include <stdlib.h>
#include <string.h>

#include "awsauth.h"
#include "fe.h"
#include "fuzz.h"

static const char *const keys[FE_AA_NLISTS] = { "mapRoles", "mapUsers", "mapAccounts" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *e = p + size;
	unsigned long lines[FE_AA_NLISTS] = { 0 };
	json_t *cm = json_object();
	struct fe_awsauth aa;
	size_t i, j;
	int l;

	for (l = 0; l < FE_AA_NLISTS && p <= e; l++) {
		const char *z = memchr(p, '\0', (size_t)(e - p));
		size_t n = z ? (size_t)(z - p) : (size_t)(e - p), k;
		/* jansson holds valid UTF-8 only, as audit events give it */
		json_t *s = json_stringn(p, n);
		if (s != NULL) {
			json_object_set_new(cm, keys[l], s);
			lines[l] = 1;
			/* YAML's line breaks: LF, CR, CRLF, NEL, LS, PS */
			for (k = 0; k < n; k++)
				lines[l] += p[k] == '\n' || (p[k] == '\r' && (k + 1 == n || p[k + 1] != '\n')) ||
					    (k + 1 < n && memcmp(p + k, "\xc2\x85", 2) == 0) ||
					    (k + 2 < n && (memcmp(p + k, "\xe2\x80\xa8", 3) == 0 ||
							      memcmp(p + k, "\xe2\x80\xa9", 3) == 0));
		}
		p += n + 1;
	}
	fe_awsauth_read(&aa, cm);
	if (fe_nomem())
		abort();
	for (i = 0; i < aa.n; i++) {
		const struct fe_aa_entry *en = &aa.e[i];
		int masters = 0;
		if ((unsigned)en->list >= FE_AA_NLISTS || lines[en->list] == 0)
			fuzz_fail("fuzz_awsauth", "entry %zu of a list not given", i);
		if (en->line < 1 || en->line > lines[en->list])
			fuzz_fail("fuzz_awsauth", "entry %zu of %s on line %lu of %lu", i, keys[en->list], en->line,
				lines[en->list]);
		if (!en->in_effect && (en->why == NULL || en->why[0] == '\0'))
			fuzz_fail("fuzz_awsauth", "entry %zu out of effect without a reason", i);
		for (j = 0; j < en->ngroups; j++) {
			if (en->groups[j] == NULL)
				fuzz_fail("fuzz_awsauth", "entry %zu: group %zu is NULL", i, j);
			masters |= strcmp(en->groups[j], "system:masters") == 0;
		}
		if (fe_aa_masters(en) && !(masters && en->in_effect))
			fuzz_fail("fuzz_awsauth", "entry %zu said to have system:masters", i);
	}
	for (l = 0; l < FE_AA_NLISTS; l++)
		if (aa.why[l] && aa.why[l][0] == '\0')
			fuzz_fail("fuzz_awsauth", "%s: an empty reason", keys[l]);
	fe_awsauth_free(&aa);
	json_decref(cm);
	return 0;
}
