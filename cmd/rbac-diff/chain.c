/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: the identity pivot.  STS calls that return credentials are
 * kept (keyed by the access key id they minted); a change's access key is
 * followed back through them, hop by hop, to the long-term credential or
 * the identity provider or service that started it.
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

static const char *const minting[] = {
	"AssumeRole", "AssumeRoleWithWebIdentity", "AssumeRoleWithSAML", "GetSessionToken",
	"GetFederationToken", NULL,
};

void
rd_mint_add(struct rd *rd, k8a_event *ev)
{
	json_t *root = k8a_event_json(ev), *rp, *re, *ui, *m;
	const char *name = k8a_event_str(ev, K8A_F_VERB), *key, *assumed;
	size_t i;

	for (i = 0; minting[i]; i++)
		if (strcmp(name, minting[i]) == 0)
			break;
	if (minting[i] == NULL || json_object_get(root, "errorCode"))
		return;
	re = json_object_get(root, "responseElements");
	key = rd_jstr(json_object_get(re, "credentials"), "accessKeyId");
	if (key == NULL || json_object_get(rd->mint, key))
		return;
	rp = json_object_get(root, "requestParameters");
	ui = json_object_get(root, "userIdentity");
	m = json_object();
	rd_set_str(m, "event", name);
	json_object_set_new(m, "time", fe_time_json(k8a_event_time(ev)));
	rd_set_str(m, "event_id", k8a_event_str(ev, K8A_F_ID));
	json_object_set_new(m, "source", fe_source_json(ev));
	rd_set_str(m, "source_ip", k8a_event_str(ev, K8A_F_SOURCE_IP));
	rd_set_str(m, "user_agent", k8a_event_str(ev, K8A_F_USER_AGENT));
	rd_set_str(m, "role_arn", rd_jstr(rp, "roleArn"));
	rd_set_str(m, "session", rd_jstr(rp, "roleSessionName") ? rd_jstr(rp, "roleSessionName") : rd_jstr(rp, "name"));
	assumed = rd_jstr(json_object_get(re, "assumedRoleUser"), "arn");
	if (assumed == NULL)
		assumed = rd_jstr(json_object_get(re, "federatedUser"), "arn");
	rd_set_str(m, "assumed_arn", assumed);
	rd_set_str(m, "caller_type", rd_jstr(ui, "type"));
	rd_set_str(m, "caller_arn", rd_jstr(ui, "arn"));
	rd_set_str(m, "caller_access_key", rd_jstr(ui, "accessKeyId"));
	rd_set_str(m, "caller_user", rd_jstr(ui, "userName"));
	rd_set_str(m, "identity_provider", rd_jstr(ui, "identityProvider") ? rd_jstr(ui, "identityProvider") : rd_jstr(rp, "principalArn"));
	rd_set_str(m, "invoked_by", rd_jstr(ui, "invokedBy"));
	json_object_set_new(rd->mint, key, m);
	rd->touched++;
	rd->minted++;
}

static json_t *
terminal(const char *key, const char *type, const char *principal, const char *how, int long_term)
{
	json_t *t = json_object();

	rd_set_str(t, "access_key", key);
	rd_set_str(t, "type", type);
	rd_set_str(t, "principal", principal);
	rd_set_str(t, "how", how);
	json_object_set_new(t, "long_term", json_boolean(long_term));
	return t;
}

static json_t *
owner_end(const char *key, const char *type, const char *arn)
{
	if (type == NULL && arn) {
		if (strstr(arn, ":assumed-role/"))
			type = "AssumedRole";
		else if (strstr(arn, ":federated-user/"))
			type = "FederatedUser";
		else if (strstr(arn, ":user/"))
			type = "IAMUser";
		else if (strlen(arn) > 5 && strcmp(arn + strlen(arn) - 5, ":root") == 0)
			type = "Root";
	}
	if (type && strcmp(type, "Root") == 0)
		return terminal(key, "Root", arn, "root user access key", 1);
	if (key && strncmp(key, "AKIA", 4) == 0)
		return terminal(key, type ? type : "IAMUser", arn, "IAM user access key", 1);
	return terminal(key, type, arn, "temporary key; the event that minted it is not in the input", 0);
}

json_t *
rd_chain(struct rd *rd, const char *key, const char *arn, const char *type)
{
	json_t *chain, *m, *seen;
	const char *cur = key;
	int depth;

	if (key == NULL)
		return NULL;
	/* Without STS events there is nothing to follow: say only what a
	 * long-term key is. */
	if (json_object_size(rd->mint) == 0 && strncmp(key, "AKIA", 4) != 0)
		return NULL;
	chain = json_array();
	seen = json_object();
	for (depth = 0; depth < 16 && cur; depth++) {
		json_t *hop;
		const char *ctype, *ev;

		if (json_object_get(seen, cur)) {
			json_array_append_new(chain, terminal(cur, NULL, NULL, "the chain loops back to this key", 0));
			json_decref(seen);
			return chain;
		}
		json_object_set_new(seen, cur, json_true());
		if ((m = json_object_get(rd->mint, cur)) == NULL) {
			json_array_append_new(chain, owner_end(cur, type, arn));
			json_decref(seen);
			return chain;
		}
		hop = json_deep_copy(m);
		json_object_set_new(hop, "access_key", json_string(cur));
		{ /* put the key first for readers */
			json_t *h2 = json_object();
			const char *k;
			json_t *v;
			json_object_set(h2, "access_key", json_object_get(hop, "access_key"));
			json_object_foreach(hop, k, v)
				if (strcmp(k, "access_key") != 0)
					json_object_set(h2, k, v);
			json_decref(hop);
			hop = h2;
		}
		json_array_append_new(chain, hop);
		ctype = rd_jstr(m, "caller_type");
		ev = rd_jstr(m, "event");
		if (strcmp(ev, "AssumeRoleWithSAML") == 0 || strcmp(ev, "AssumeRoleWithWebIdentity") == 0 ||
		    (ctype && (strcmp(ctype, "SAMLUser") == 0 || strcmp(ctype, "WebIdentityUser") == 0))) {
			json_t *t = terminal(NULL, strcmp(ev, "AssumeRoleWithSAML") == 0 ? "SAML" : "WebIdentity",
				rd_jstr(m, "identity_provider") ? rd_jstr(m, "identity_provider") : rd_jstr(m, "caller_user"),
				"federated sign-in", 0);
			/* the federated user: a person, or for EKS IRSA a service account */
			rd_set_str(t, "user", rd_jstr(m, "caller_user"));
			json_array_append_new(chain, t);
			json_decref(seen);
			return chain;
		}
		if (ctype && strcmp(ctype, "AWSService") == 0) {
			json_array_append_new(chain, terminal(NULL, "AWSService",
				rd_jstr(m, "invoked_by") ? rd_jstr(m, "invoked_by") : rd_jstr(m, "source_ip"),
				"credentials issued to an AWS service", 0));
			json_decref(seen);
			return chain;
		}
		cur = rd_jstr(m, "caller_access_key");
		type = ctype;
		arn = rd_jstr(m, "caller_arn");
		if (cur == NULL) {
			json_array_append_new(chain, terminal(NULL, ctype, arn, "caller key not recorded", 0));
			json_decref(seen);
			return chain;
		}
	}
	if (cur)
		json_array_append_new(chain, terminal(cur, NULL, NULL, "chain longer than 16 hops", 0));
	json_decref(seen);
	return chain;
}

/* " label value" when there is a value. */
static void
app_field(char *out, size_t outsz, size_t *off, const char *label, const char *value)
{
	if (value) {
		fe_append(out, outsz, off, label);
		fe_append(out, outsz, off, value);
	}
}

void
rd_chain_text(json_t *chain, char *out, size_t outsz)
{
	size_t i, off = 0;
	json_t *h;

	out[0] = '\0';
	json_array_foreach(chain, i, h) {
		if (i)
			fe_append(out, outsz, &off, " <= ");
		if (rd_jstr(h, "access_key")) {
			fe_append(out, outsz, &off, rd_jstr(h, "access_key"));
			fe_append(out, outsz, &off, " ");
		}
		if (rd_jstr(h, "event")) {
			fe_append(out, outsz, &off, rd_jstr(h, "event"));
			app_field(out, outsz, &off, " ", rd_jstr(h, "role_arn"));
			app_field(out, outsz, &off, " session ", rd_jstr(h, "session"));
			app_field(out, outsz, &off, " from ", rd_jstr(h, "source_ip"));
		} else {
			if (rd_jstr(h, "type"))
				fe_append(out, outsz, &off, rd_jstr(h, "type"));
			else if (off >= 1 && out[off - 1] == ' ')
				out[--off] = '\0';
			app_field(out, outsz, &off, " ", rd_jstr(h, "principal"));
			app_field(out, outsz, &off, " user ", rd_jstr(h, "user"));
			fe_append(out, outsz, &off, json_is_true(json_object_get(h, "long_term")) ? " (long-term)" :
				" (");
			if (!json_is_true(json_object_get(h, "long_term"))) {
				fe_append(out, outsz, &off, rd_jstr(h, "how"));
				fe_append(out, outsz, &off, ")");
			}
		}
	}
}
