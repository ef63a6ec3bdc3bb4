/* SPDX-License-Identifier: BSD-2-Clause */
/* Summary columns of a record: who, from where, did what, to what. */
#include <stdlib.h>
#include <string.h>

#include "fe.h"

static const struct {
	const char *name;
	enum fe_col col;
} named[] = {
	{ "time", COL_TIME }, { "actor", COL_ACTOR }, { "ip", COL_IP }, { "action", COL_ACTION },
	{ "target", COL_TARGET }, { "code", COL_CODE }, { "location", COL_LOCATION },
	{ "command", COL_COMMAND },
};

int
fe_cols_parse(struct fe_cols *c, const char *list, const char **bad)
{
	char *dup = strdup(list), *save = NULL, *tok;
	size_t i;

	memset(c, 0, sizeof(*c));
	if (dup == NULL)
		return K8A_FATAL;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (c->n == (int)(sizeof(c->col) / sizeof(c->col[0]))) {
			*bad = "too many fields";
			free(dup);
			return -1;
		}
		c->col[c->n] = COL_FIELD;
		for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
			if (strcmp(tok, named[i].name) == 0)
				c->col[c->n] = named[i].col;
		c->path[c->n] = c->col[c->n] == COL_FIELD ? strdup(tok) : NULL;
		if (c->col[c->n++] == COL_FIELD && c->path[c->n - 1] == NULL) {
			free(dup);
			return K8A_FATAL; /* a column left empty would read as an absent field */
		}
	}
	free(dup);
	if (c->n == 0) {
		*bad = "empty field list";
		return -1;
	}
	return 0;
}

void
fe_cols_default(struct fe_cols *c, int with_command)
{
	memset(c, 0, sizeof(*c));
	for (c->n = 0; c->n < 7; c->n++)
		c->col[c->n] = named[c->n].col;
	if (with_command)
		c->col[c->n++] = COL_COMMAND;
}

void
fe_cols_free(struct fe_cols *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		free(c->path[i]);
	c->n = 0;
}

void
fe_cols_header(FILE *fp, const struct fe_cols *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		if (i)
			fputc('\t', fp);
		if (c->col[i] == COL_FIELD)
			fe_put(fp, c->path[i]);
		else
			fputs(named[c->col[i]].name, fp);
	}
	fputc('\n', fp);
}

static void
append(char *out, size_t outsz, size_t *off, const char *s)
{
	size_t n;

	if (s == NULL || *off >= outsz)
		return;
	n = strlen(s);
	if (n > outsz - 1 - *off)
		n = outsz - 1 - *off;
	memcpy(out + *off, s, n);
	*off += n;
	out[*off] = '\0';
}

void
fe_actor(k8a_event *ev, char *out, size_t outsz)
{
	const char *u = k8a_event_str(ev, K8A_F_USER);
	const char *key = k8a_event_str(ev, K8A_F_ACCESS_KEY);
	const char *as = k8a_event_str(ev, K8A_F_IMPERSONATED);
	size_t off = 0;

	out[0] = '\0';
	append(out, outsz, &off, u);
	if (key || as) {
		append(out, outsz, &off, " (");
		if (key) {
			append(out, outsz, &off, "key ");
			append(out, outsz, &off, key);
		}
		if (as) {
			append(out, outsz, &off, key ? ", as " : "as ");
			append(out, outsz, &off, as);
		}
		append(out, outsz, &off, ")");
	}
}

void
fe_ips(k8a_event *ev, char *out, size_t outsz)
{
	json_t *root = k8a_event_json(ev), *ips, *ip;
	size_t off = 0, i;

	out[0] = '\0';
	if (root && k8a_event_source(ev) == K8A_SRC_K8S &&
	    json_is_array(ips = json_object_get(root, "sourceIPs"))) {
		json_array_foreach(ips, i, ip) {
			if (i)
				append(out, outsz, &off, ",");
			append(out, outsz, &off, json_string_value(ip));
		}
		return;
	}
	append(out, outsz, &off, k8a_event_str(ev, K8A_F_SOURCE_IP));
}

void
fe_action(k8a_event *ev, char *out, size_t outsz)
{
	const char *verb = k8a_event_str(ev, K8A_F_VERB);
	const char *svc = k8a_event_str(ev, K8A_F_SERVICE);
	size_t off = 0;

	out[0] = '\0';
	if (svc) {
		const char *dot = strstr(svc, ".amazonaws.com");
		char tmp[128];
		size_t n = dot ? (size_t)(dot - svc) : strlen(svc);
		if (n >= sizeof(tmp))
			n = sizeof(tmp) - 1;
		memcpy(tmp, svc, n);
		tmp[n] = '\0';
		append(out, outsz, &off, tmp);
		append(out, outsz, &off, ":");
	}
	append(out, outsz, &off, verb);
}

/* CloudTrail requests name their target in many ways; these cover most. */
static const char *const ct_targets[] = {
	"roleArn", "userName", "roleName", "groupName", "policyArn", "bucketName", "name",
	"clusterName", "functionName", "logGroupName", "trailName", "instanceId", "groupId",
	"secretId", "keyId", "repositoryName", "accessKeyId", NULL,
};

void
fe_target(k8a_event *ev, char *out, size_t outsz)
{
	size_t off = 0;

	out[0] = '\0';
	if (k8a_event_source(ev) == K8A_SRC_CLOUDTRAIL) {
		json_t *rp = json_object_get(k8a_event_json(ev), "requestParameters");
		size_t i;
		for (i = 0; ct_targets[i]; i++) {
			const char *v = json_string_value(json_object_get(rp, ct_targets[i]));
			if (v) {
				append(out, outsz, &off, v);
				return;
			}
		}
		return;
	}
	{
		const char *res = k8a_event_str(ev, K8A_F_RESOURCE);
		const char *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE);
		const char *ns = k8a_event_str(ev, K8A_F_NAMESPACE);
		const char *name = k8a_event_str(ev, K8A_F_NAME);
		if (res == NULL) {
			append(out, outsz, &off, k8a_event_str(ev, K8A_F_URI));
			return;
		}
		append(out, outsz, &off, res);
		if (sub) {
			append(out, outsz, &off, "/");
			append(out, outsz, &off, sub);
		}
		if (ns || name) {
			append(out, outsz, &off, " ");
			if (ns) {
				append(out, outsz, &off, ns);
				append(out, outsz, &off, "/");
			}
			append(out, outsz, &off, name ? name : "*");
		}
	}
}

/* One cell for all the values a path reaches: strings as they are,
 * other values as compact JSON, joined with ','. */
struct cell {
	FILE *fp;
	int n;
};

static void
put_one(json_t *v, void *arg)
{
	struct cell *c = arg;
	char *s;

	if (json_is_null(v))
		return;
	if (json_is_array(v) && json_array_size(v) == 0)
		return;
	if (c->n++)
		fputc(',', c->fp);
	if (json_is_string(v)) {
		fe_putn(c->fp, json_string_value(v), json_string_length(v));
		return;
	}
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	fe_put(c->fp, s);
	free(s);
}

static void
put_path(FILE *fp, json_t *root, const char *path)
{
	struct cell c = { fp, 0 };

	if (root != NULL)
		k8a_json_path_each(root, path, put_one, &c);
	if (c.n == 0)
		fputc('-', fp);
}

/* Aliases understood by --fields beyond the named columns. */
static const struct {
	const char *name;
	enum k8a_field f;
} field_alias[] = {
	{ "user", K8A_F_USER }, { "uid", K8A_F_UID }, { "arn", K8A_F_ARN },
	{ "canonicalarn", K8A_F_CANONICAL_ARN }, { "key", K8A_F_ACCESS_KEY },
	{ "accesskey", K8A_F_ACCESS_KEY }, { "session", K8A_F_SESSION },
	{ "principal", K8A_F_PRINCIPAL }, { "account", K8A_F_ACCOUNT },
	{ "as", K8A_F_IMPERSONATED }, { "impersonated", K8A_F_IMPERSONATED },
	{ "peer", K8A_F_PEER_IP }, { "ua", K8A_F_USER_AGENT }, { "verb", K8A_F_VERB },
	{ "service", K8A_F_SERVICE }, { "apigroup", K8A_F_API_GROUP },
	{ "resource", K8A_F_RESOURCE }, { "subresource", K8A_F_SUBRESOURCE },
	{ "namespace", K8A_F_NAMESPACE }, { "ns", K8A_F_NAMESPACE }, { "name", K8A_F_NAME },
	{ "decision", K8A_F_DECISION }, { "reason", K8A_F_REASON }, { "stage", K8A_F_STAGE },
	{ "uri", K8A_F_URI }, { "region", K8A_F_REGION }, { "id", K8A_F_ID },
};

static void
put_field(FILE *fp, k8a_event *ev, const char *path)
{
	size_t i;

	for (i = 0; i < sizeof(field_alias) / sizeof(field_alias[0]); i++)
		if (strcmp(path, field_alias[i].name) == 0) {
			fe_put(fp, k8a_event_str(ev, field_alias[i].f));
			return;
		}
	if (strcmp(path, "groups") == 0 || strcmp(path, "group") == 0)
		path = "user.groups";
	else if (strcmp(path, "container") == 0) {
		char c[256];
		if (k8a_exec_container(k8a_event_str(ev, K8A_F_URI), c, sizeof(c)) > 0)
			fe_put(fp, c);
		else
			fputc('-', fp);
		return;
	} else if (strcmp(path, "error") == 0)
		path = k8a_event_source(ev) == K8A_SRC_CLOUDTRAIL ? "errorCode" : "responseStatus.reason";
	else if (strcmp(path, "type") == 0) {
		enum k8a_source s = k8a_event_source(ev);
		fputs(s == K8A_SRC_K8S ? "k8s" : s == K8A_SRC_CLOUDTRAIL ? "cloudtrail" : "unknown", fp);
		return;
	}
	put_path(fp, k8a_event_json(ev), path);
}

void
fe_cols_print(FILE *fp, const struct fe_cols *c, k8a_event *ev, int show_path)
{
	char buf[8192];
	int i;

	for (i = 0; i < c->n; i++) {
		if (i)
			fputc('\t', fp);
		switch (c->col[i]) {
		case COL_TIME:
			fe_put(fp, k8a_event_str(ev, K8A_F_TIME));
			break;
		case COL_ACTOR:
			fe_actor(ev, buf, sizeof(buf));
			fe_put(fp, buf);
			break;
		case COL_IP:
			fe_ips(ev, buf, sizeof(buf));
			fe_put(fp, buf);
			break;
		case COL_ACTION:
			fe_action(ev, buf, sizeof(buf));
			fe_put(fp, buf);
			break;
		case COL_TARGET:
			fe_target(ev, buf, sizeof(buf));
			fe_put(fp, buf);
			break;
		case COL_CODE:
			fe_put(fp, k8a_event_str(ev, K8A_F_CODE));
			break;
		case COL_LOCATION:
			if (show_path)
				fe_put(fp, k8a_event_where(ev));
			else {
				const char *w = k8a_event_where(ev);
				const char *p = k8a_event_origin(ev)->path;
				size_t pl = strlen(p);
				fe_put(fp, strncmp(w, p, pl) == 0 && w[pl] == ':' ? w + pl + 1 : w);
			}
			break;
		case COL_COMMAND: {
			/* already terminal-safe, quoted for a shell */
			char *cmd = k8a_exec_command_dup(k8a_event_str(ev, K8A_F_URI));
			fputs(cmd ? cmd : "-", fp);
			free(cmd);
			break;
		}
		case COL_FIELD:
			put_field(fp, ev, c->path[i]);
			break;
		}
	}
	fputc('\n', fp);
}

void
fe_put_json_line(FILE *fp, k8a_event *ev)
{
	size_t n;
	const char *raw = k8a_event_raw(ev, &n);

	if (memchr(raw, '\n', n) == NULL && memchr(raw, '\r', n) == NULL) {
		fwrite(raw, 1, n, fp);
		fputc('\n', fp);
		return;
	}
	if (k8a_event_json(ev) != NULL) {
		json_dumpf(k8a_event_json(ev), fp, JSON_COMPACT);
		fputc('\n', fp);
	}
}
