/* SPDX-License-Identifier: BSD-2-Clause */
/* Summary columns of a record: who, from where, did what, to what. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"

/* Columns with a printing of their own; every other name (the ip,
 * action and code columns among them) is a field, read as expressions read
 * it (k8a_fieldref), so that what a column shows, -w selects. */
static const struct {
	const char *name;
	enum fe_col col;
} named[] = {
	{ "time", COL_TIME }, { "actor", COL_ACTOR }, { "ip", COL_FIELD }, { "action", COL_FIELD },
	{ "target", COL_TARGET }, { "code", COL_FIELD }, { "location", COL_LOCATION },
	{ "command", COL_COMMAND },
};

/* Add the column called name. 0, -1 with *bad set, or K8A_FATAL (no
 * memory: a column left empty would read as an absent field). */
static int
add_col(struct fe_cols *c, const char *name, const char **bad)
{
	struct k8a_err err;
	size_t i;

	if (c->n == (int)(sizeof(c->col) / sizeof(c->col[0]))) {
		*bad = "too many fields";
		return -1;
	}
	c->col[c->n] = COL_FIELD;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strcmp(name, named[i].name) == 0)
			c->col[c->n] = named[i].col;
	c->field[c->n] = NULL;
	if ((c->name[c->n] = strdup(name)) == NULL)
		return K8A_FATAL;
	if (c->col[c->n] == COL_FIELD && (c->field[c->n] = k8a_fieldref_new(name, &err)) == NULL) {
		snprintf(c->err, sizeof(c->err), "%s", err.msg);
		*bad = c->err;
		free(c->name[c->n]);
		return err.code == K8A_FATAL ? K8A_FATAL : -1;
	}
	c->n++;
	return 0;
}

int
fe_cols_parse(struct fe_cols *c, const char *list, const char **bad)
{
	char *dup = strdup(list), *save = NULL, *tok;
	int rc;

	memset(c, 0, sizeof(*c));
	if (dup == NULL)
		return K8A_FATAL;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if ((rc = add_col(c, tok, bad)) != 0) {
			free(dup);
			fe_cols_free(c);
			return rc;
		}
	free(dup);
	if (c->n == 0) {
		*bad = "empty field list";
		return -1;
	}
	return 0;
}

int
fe_cols_default(struct fe_cols *c, int with_command)
{
	const char *bad;

	return fe_cols_parse(c, with_command ? "time,actor,ip,action,target,code,location,command" :
		"time,actor,ip,action,target,code,location", &bad);
}

void
fe_cols_free(struct fe_cols *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		free(c->name[i]);
		k8a_fieldref_free(c->field[i]);
	}
	c->n = 0;
}

void
fe_cols_header(FILE *fp, const struct fe_cols *c)
{
	int i;

	for (i = 0; i < c->n; i++) {
		if (i)
			fputc('\t', fp);
		fe_put(fp, c->name[i]);
	}
	fputc('\n', fp);
}

void
fe_append(char *out, size_t outsz, size_t *off, const char *s)
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
	fe_append(out, outsz, &off, u);
	if (key || as) {
		fe_append(out, outsz, &off, " (");
		if (key) {
			fe_append(out, outsz, &off, "key ");
			fe_append(out, outsz, &off, key);
		}
		if (as) {
			fe_append(out, outsz, &off, key ? ", as " : "as ");
			fe_append(out, outsz, &off, as);
		}
		fe_append(out, outsz, &off, ")");
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
				fe_append(out, outsz, &off, ",");
			fe_append(out, outsz, &off, json_string_value(ip));
		}
		return;
	}
	fe_append(out, outsz, &off, k8a_event_str(ev, K8A_F_SOURCE_IP));
}

void
fe_action(k8a_event *ev, char *out, size_t outsz)
{
	static k8a_fieldref *action;
	json_t *v;

	out[0] = '\0';
	if (action == NULL && (action = k8a_fieldref_new("action", NULL)) == NULL) {
		fe_nomem_note(); /* a known alias: only memory can fail */
		return;
	}
	if ((v = k8a_fieldref_value(action, ev)) != NULL)
		snprintf(out, outsz, "%s", json_string_value(v));
	json_decref(v);
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
				fe_append(out, outsz, &off, v);
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
			fe_append(out, outsz, &off, k8a_event_str(ev, K8A_F_URI));
			return;
		}
		fe_append(out, outsz, &off, res);
		if (sub) {
			fe_append(out, outsz, &off, "/");
			fe_append(out, outsz, &off, sub);
		}
		if (ns || name) {
			fe_append(out, outsz, &off, " ");
			if (ns) {
				fe_append(out, outsz, &off, ns);
				fe_append(out, outsz, &off, "/");
			}
			fe_append(out, outsz, &off, name ? name : "*");
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
	s = fe_json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY); /* NULL: noted, the row is not written */
	fe_put(c->fp, s);
	free(s);
}

static int
put_one_cb(json_t *v, void *arg)
{
	put_one(v, arg);
	return 0;
}

static void
put_field(FILE *fp, k8a_event *ev, const k8a_fieldref *f)
{
	struct cell c = { fp, 0 };

	k8a_fieldref_each(f, ev, put_one_cb, &c);
	if (c.n == 0)
		fputc('-', fp);
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
			fe_put_time(fp, k8a_event_time(ev));
			break;
		case COL_ACTOR:
			fe_actor(ev, buf, sizeof(buf));
			fe_put(fp, buf);
			break;
		case COL_TARGET:
			fe_target(ev, buf, sizeof(buf));
			fe_put(fp, buf);
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
			put_field(fp, ev, c->field[i]);
			break;
		}
	}
	fputc('\n', fp);
}

int
fe_put_json_line(FILE *fp, k8a_event *ev)
{
	size_t n;
	const char *raw = k8a_event_raw(ev, &n);
	char why[128];

	if (memchr(raw, '\n', n) == NULL && memchr(raw, '\r', n) == NULL) {
		/* copied as it is, so it must be JSON as it is: a NUL or
		 * invalid UTF-8 in a log line would break what reads it */
		if (!k8a_json_valid(raw, n, why, sizeof(why))) {
			fe_diag(k8a_event_where(ev), "%s", why);
			return -1;
		}
		fwrite(raw, 1, n, fp);
		fputc('\n', fp);
		return 0;
	}
	if (k8a_event_json(ev) == NULL) {
		fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
		return -1;
	}
	json_dumpf(k8a_event_json(ev), fp, JSON_COMPACT);
	fputc('\n', fp);
	return 0;
}

json_t *
fe_cols_json(const struct fe_cols *c, k8a_event *ev)
{
	json_t *o = json_object(), *v;
	char buf[8192], *cmd;
	int i;

	for (i = 0; o && i < c->n; i++) {
		switch (c->col[i]) {
		case COL_TIME:
			v = fe_time_json(k8a_event_time(ev));
			break;
		case COL_ACTOR:
			v = fe_actor_json(ev);
			break;
		case COL_TARGET:
			fe_target(ev, buf, sizeof(buf));
			v = buf[0] ? json_string(buf) : json_null();
			break;
		case COL_LOCATION:
			v = fe_source_json(ev);
			break;
		case COL_COMMAND:
			cmd = k8a_exec_command_dup(k8a_event_str(ev, K8A_F_URI));
			v = cmd ? json_string(cmd) : json_null();
			free(cmd);
			break;
		default:
			if ((v = k8a_fieldref_value(c->field[i], ev)) == NULL)
				v = json_null();
			break;
		}
		json_object_set_new(o, c->name[i], v);
	}
	return o;
}
