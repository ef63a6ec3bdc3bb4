/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What k8s.c (audit event envelope, identities, pod specs), k8s_noise.c
 * (routine traffic) and k8s_plant.c (the leak positions) share.
 */
#ifndef SECRETS_K8S_H
#define SECRETS_K8S_H

#include "gen.h"
#include "sites.h"

struct ev {
	const char *level, *verb, *uri, *ua, *ip, *reason;
	const char *resource, *group, *version, *ns, *name, *sub;
	int code, nonresource;
	json_t *user, *req, *resp; /* stolen by ev_json */
	const char *pod_security;   /* an extra annotation, or NULL */
};
json_t *ev_json(struct ev *e);
void ev_defaults(struct ev *e);
const char *kubectl_ua(int human);
extern const char kubelet_ua[];

/* identities; the key ids they hold are marked as hard negatives */
#define NNODES 16
extern char nodes[NNODES][64], node_ip[NNODES][20], node_inst[NNODES][24];
json_t *user_node(int nd);
json_t *user_sa(const char *ns, const char *name);
json_t *user_ctrl(const char *name);
json_t *user_kcm(const char *controller);
struct human {
	const char *username, *arn, *canon, *group, *session, *ua_os;
	int sso;
};
extern const struct human humans[];
extern const int nhumans;
json_t *user_human(const struct human *h);
const char *human_reason(const struct human *h);
char *public_ip(void);

/* objects */
extern const char *const apps[];
extern const int napps;
extern const char *const app_namespaces[];
extern const int napp_namespaces;
const char *image_ref(const char *app, int digest);
json_t *container(const char *name, const char *image, json_t *env, json_t *command, json_t *args, json_t *probe);
json_t *pod_spec(const char *app, json_t *containers);
json_t *obj_meta(const char *name, const char *ns, json_t *labels, json_t *annotations);
void add_server_fields(json_t *obj, const char *manager);
json_t *managed_fields(const char *manager, const char *op, json_t *fields);
char *pod_name(const char *app);

json_t *routine_env(const char *app, const char *ns, const char *base, struct sites *ss);

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"

#endif
