/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the aws-auth reader the tools share (cmd/common/awsauth.c):
 * each case gives mapRoles / mapUsers / mapAccounts texts and the entries
 * expected, one line each:
 *   LIST LINE in|out ARN USERNAME [GROUPS] (WHY)
 * and "LIST: WHY" for a list none of which takes effect.
 * Prints "ok NAME" / "FAIL NAME: ..." and a closing "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsauth.h"

static int passed, failed;

static char *
render(const struct fe_awsauth *aa)
{
	char *out = NULL;
	size_t len = 0, i, j;
	FILE *fp = open_memstream(&out, &len);
	int l;

	if (fp == NULL)
		exit(2);
	for (l = 0; l < FE_AA_NLISTS; l++)
		if (aa->why[l])
			fprintf(fp, "%s: %s\n", fe_aa_list_name((enum fe_aa_list)l), aa->why[l]);
	for (i = 0; i < aa->n; i++) {
		const struct fe_aa_entry *e = &aa->e[i];
		fprintf(fp, "%s %lu %s %s %s [", fe_aa_list_name(e->list), e->line, e->in_effect ? "in" : "out",
			e->arn ? e->arn : "-", e->username ? e->username : "-");
		for (j = 0; j < e->ngroups; j++)
			fprintf(fp, "%s%s", j ? "," : "", e->groups[j]);
		fprintf(fp, "]%s%s%s%s\n", e->why ? " (" : "", e->why ? e->why : "", e->why ? ")" : "",
			fe_aa_masters(e) ? " masters" : "");
	}
	fclose(fp);
	return out;
}

static void
check(const char *name, const char *roles, const char *users, const char *accounts, const char *want)
{
	json_t *data = json_object();
	struct fe_awsauth aa;
	char *got;

	if (roles)
		json_object_set_new(data, "mapRoles", json_string(roles));
	if (users)
		json_object_set_new(data, "mapUsers", json_string(users));
	if (accounts)
		json_object_set_new(data, "mapAccounts", json_string(accounts));
	fe_awsauth_read(&aa, data);
	got = render(&aa);
	if (strcmp(got, want) != 0) {
		printf("FAIL %s:\n--- got\n%s--- want\n%s", name, got, want);
		failed++;
	} else {
		printf("ok %s\n", name);
		passed++;
	}
	free(got);
	fe_awsauth_free(&aa);
	json_decref(data);
}

/* Pseudo-random fragments: the reader must neither crash nor leak. */
static void
stress(void)
{
	static const char *const frags[] = { "- ", "-", "  ", "\t", "\n", "a: ", "b:", "'", "\"", "[", "]", ",",
		"#", " #", "|", ">", "x", "groups:", "rolearn: r", "\r\n", "---", "\\", ":", "&a ", "*a", "<<: ",
		"{", "}", "!!str ", "? " };
	unsigned long rng = 0x318u;
	char buf[512];
	int i;

	for (i = 0; i < 20000; i++) {
		size_t n = 0;
		unsigned k, parts;
		struct fe_awsauth aa;
		json_t *data;
		rng = rng * 6364136223846793005ul + 1442695040888963407ul;
		parts = (unsigned)(rng >> 33) % 40;
		for (k = 0; k < parts; k++) {
			const char *f;
			rng = rng * 6364136223846793005ul + 1442695040888963407ul;
			f = frags[(rng >> 33) % (sizeof(frags) / sizeof(frags[0]))];
			if (n + strlen(f) >= sizeof(buf))
				break;
			memcpy(buf + n, f, strlen(f));
			n += strlen(f);
		}
		buf[n] = '\0';
		data = json_pack("{s:s,s:s}", "mapRoles", buf, "mapAccounts", buf);
		fe_awsauth_read(&aa, data);
		fe_awsauth_free(&aa);
		json_decref(data);
	}
	printf("ok stress/20000-texts\n");
	passed++;
}

int
main(void)
{
	char *deep;

	check("block-lists",
		"- rolearn: arn:aws:iam::111122223333:role/node\n"
		"  username: system:node:{{EC2PrivateDNSName}}\n"
		"  groups:\n"
		"    - system:bootstrappers\n"
		"    - system:nodes\n"
		"- rolearn: arn:aws:iam::111122223333:role/admin\n"
		"  username: admin\n"
		"  groups:\n"
		"  - system:masters\n",
		NULL, NULL,
		"mapRoles 1 in arn:aws:iam::111122223333:role/node system:node:{{EC2PrivateDNSName}} "
		"[system:bootstrappers,system:nodes]\n"
		"mapRoles 6 in arn:aws:iam::111122223333:role/admin admin [system:masters] masters\n");
	check("flow-quotes-comments", NULL,
		"# mapped by hand\n"
		"- userarn: \"arn:aws:iam::111122223333:user/ops # not a comment\"\n"
		"  username: 'o''brien'   # a comment\n"
		"  groups: [\"system:masters\", 'devs', plain]\n",
		NULL,
		"mapUsers 2 in arn:aws:iam::111122223333:user/ops # not a comment o'brien "
		"[system:masters,devs,plain] masters\n");
	check("accounts-any-scalar", NULL, NULL, "- \"111122223333\"\n- 444455556666\n- ~\n- [x]\n",
		"mapAccounts 1 in 111122223333 - []\n"
		"mapAccounts 2 in 444455556666 - []\n"
		"mapAccounts 3 out - - [] (an empty item)\n"
		"mapAccounts 4 out - - [] (an item that is not a scalar)\n");
	check("crlf-and-blank-lines", "\r\n- rolearn: a\r\n\r\n  username: b\r\n", NULL, NULL, "mapRoles 2 in a b []\n");
	check("blank-lists-are-skipped", "", "  \n", "``", "");
	check("empty-flow-list", "[]\n", NULL, NULL, "");
	/* the authenticator takes no groups from a string: no system:masters */
	check("groups-as-a-string",
		"- rolearn: arn:aws:iam::111122223333:role/admin\n  username: admin\n  groups: system:masters\n", NULL, NULL,
		"mapRoles 1 in arn:aws:iam::111122223333:role/admin admin [] "
		"(groups \"system:masters\" is a string, not a list: no groups)\n");
	/* invalid YAML: none of mapRoles takes effect; mapUsers still does */
	check("invalid-yaml-voids-the-list",
		"- rolearn: arn:aws:iam::111122223333:role/ok\n  groups: [system:masters\n",
		"- userarn: arn:aws:iam::111122223333:user/u\n  groups: [system:masters]\n", NULL,
		"mapRoles: not valid YAML: line 3: did not find expected ',' or ']' while parsing a flow sequence\n"
		"mapUsers 1 in arn:aws:iam::111122223333:user/u - [system:masters] masters\n");
	check("tab-indentation-is-invalid", "- rolearn: a\n\t- x\n", NULL, NULL,
		"mapRoles: not valid YAML: line 2: found a tab character that violates indentation while scanning a plain scalar\n");
	check("no-arn", "- username: x\n  groups: [system:masters]\n- rolearn: \"\"\n  groups: [system:masters]\n", NULL,
		NULL,
		"mapRoles 1 out - x [system:masters] (no rolearn)\n"
		"mapRoles 3 out  - [system:masters] (no rolearn)\n");
	check("later-entry-for-the-same-arn-wins",
		"- rolearn: arn:aws:iam::1:role/A\n  groups: [system:masters]\n- rolearn: ARN:AWS:IAM::1:ROLE/a\n  groups: [dev]\n",
		NULL, NULL,
		"mapRoles 1 out arn:aws:iam::1:role/A - [system:masters] (a later entry (line 3) maps the same ARN)\n"
		"mapRoles 3 in ARN:AWS:IAM::1:ROLE/a - [dev]\n");
	check("keys-in-any-case", "- RoleArn: r\n  UserName: u\n  Groups: [system:masters]\n", NULL, NULL,
		"mapRoles 1 in r u [system:masters] masters\n");
	check("keys-differing-in-case-the-last-sorted-wins", "- rolearn: a\n  RoleArn: b\n- rolearn: c\n  rolearn: d\n",
		NULL, NULL, "mapRoles 1 in a - []\nmapRoles 3 in d - []\n");
	check("yaml-1.1-scalars-are-not-strings", "- rolearn: r\n  username: yes\n  groups: [system:masters, 12, ~]\n",
		NULL, NULL,
		"mapRoles 1 in r - [system:masters,,] (username is not a string; a group that is not a string is read as \"\") "
		"masters\n");
	check("quoted-scalars-are-strings", "- rolearn: r\n  username: \"yes\"\n  groups: ['12']\n", NULL, NULL,
		"mapRoles 1 in r yes [12]\n");
	check("not-a-list", "rolearn: r\ngroups: [system:masters]\n", NULL, NULL, "mapRoles: not a list\n");
	check("item-not-a-mapping", "- arn:aws:iam::1:role/r\n", NULL, NULL,
		"mapRoles 1 out arn:aws:iam::1:role/r - [] (an item that is not a mapping)\n");
	check("aliases-and-merge-keys", "- &a {rolearn: r1, groups: [system:masters]}\n- <<: *a\n  rolearn: r2\n", NULL,
		NULL, "mapRoles 1 in r1 - [system:masters] masters\nmapRoles 2 in r2 - [system:masters] masters\n");
	check("sso-entry", "- sso: {permissionSetName: Admin, accountID: \"111122223333\"}\n  groups: [system:masters]\n",
		NULL, NULL, "mapRoles 1 in sso:Admin@111122223333 - [system:masters] masters\n");
	deep = malloc(200002);
	if (deep) {
		memset(deep, '[', 100000);
		memset(deep + 100000, ']', 100000);
		deep[200000] = '\n';
		deep[200001] = '\0';
		check("deep-nesting", deep, NULL, NULL, "mapRoles 1 out - - [] (an item that is not a mapping)\n");
		free(deep);
	}
	stress();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
