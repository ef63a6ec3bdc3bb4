/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The aws-auth ConfigMap's mappings (mapRoles, mapUsers, mapAccounts) as
 * aws-iam-authenticator reads them, for every tool that reports them.
 * Not installed.
 */
#ifndef K8A_AWSAUTH_H
#define K8A_AWSAUTH_H

#include <stddef.h>
#include <jansson.h>

enum fe_aa_list { FE_AA_ROLES, FE_AA_USERS, FE_AA_ACCOUNTS, FE_AA_NLISTS };

/* One entry of a list: what is written, and what of it takes effect. */
struct fe_aa_entry {
	enum fe_aa_list list;
	char *arn;          /* rolearn, userarn or the account; NULL when none */
	char *username;     /* NULL when none or not a string */
	char **groups;      /* the groups that take effect */
	size_t ngroups;
	unsigned long line; /* where the entry starts in its list's text, from 1 */
	int in_effect;      /* 0: the authenticator drops the whole entry */
	char *why;          /* what does not take effect and why, or NULL */
};

struct fe_awsauth {
	struct fe_aa_entry *e;
	size_t n, cap;
	char *why[FE_AA_NLISTS]; /* why none of a list takes effect, or NULL */
};

/* "mapRoles", "mapUsers", "mapAccounts". */
const char *fe_aa_list_name(enum fe_aa_list l);

/* Read the lists of a ConfigMap's data (its "mapRoles", "mapUsers" and
 * "mapAccounts" strings; absent ones are empty).  Never fails: what the
 * authenticator would reject is kept with in_effect 0 or a why; running
 * out of memory is noted (fe_nomem(), fe.h), and the lists are then not to
 * be used. */
void fe_awsauth_read(struct fe_awsauth *aa, json_t *data);
void fe_awsauth_free(struct fe_awsauth *aa);

/* 1 when the entry takes effect with the group system:masters. */
int fe_aa_masters(const struct fe_aa_entry *e);

#endif
