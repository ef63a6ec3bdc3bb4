/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What cloudtrail.c (envelope, identities, routine calls) and ct_plant.c
 * (the leak positions) share.
 */
#ifndef SECRETS_CT_H
#define SECRETS_CT_H

#include "gen.h"
#include "sites.h"

struct ct {
	const char *src, *name, *ip, *ua, *event_type, *error_code, *error_msg;
	json_t *identity, *req, *resp, *extra, *resources; /* stolen by ct_json */
	int ro, data_event, service_caller;
};
void ct_defaults(struct ct *c, const char *src, const char *name);
json_t *ct_json(struct ct *c);

void ct_role(struct ct *c, const char *role);
void ct_user(struct ct *c, const char *user);
void ct_sso(struct ct *c);
void ct_service(struct ct *c, const char *svc);
void ct_someone(struct ct *c);
char *public_ip_ct(void);
json_t *ct_sts(const struct secret *s);

#define NAPPS_CT 6
extern const char *const apps_ct[NAPPS_CT];

#endif
