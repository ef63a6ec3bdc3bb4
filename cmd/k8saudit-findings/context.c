/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the input teaches about the cluster, for second-signal grading
 * (grade.c) and the history that "first seen" needs: the cluster's own
 * addresses (where its nodes and control plane call from), when each
 * principal was first seen, and when the input starts.  Learned from every
 * record the main thread is handed: the candidates of some rule, and the
 * first record of each principal and address in each input file, which
 * the judge forwards for this (judge.c).  --baseline inputs teach the same
 * and raise nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

/* A cap on what is remembered: past it, principals are not remembered
 * (and count as first seen: never a lower grade for want of memory). */
#define MAX_PRINCIPALS 200000
#define MAX_RANGES 4096

int
context_init(struct context *c)
{
	memset(c, 0, sizeof(*c));
	c->start[0] = c->start[1] = c->start[2] = INT64_MAX;
	c->cluster = iplist_new();
	c->ranges = json_object();
	c->first = json_object();
	if (c->cluster == NULL || c->ranges == NULL || c->first == NULL)
		return -1;
	return 0;
}

void
context_free(struct context *c)
{
	iplist_free(c->cluster);
	json_decref(c->ranges);
	json_decref(c->first);
	memset(c, 0, sizeof(*c));
}

/* Principals whose address is the cluster's own: its nodes (kubelets
 * authenticate with a certificate of their node), the control plane's
 * controllers and EKS's own components (eks:*, whose credentials AWS
 * holds); not service accounts, whose tokens can be taken away. */
static int
teaches_address(const char *u)
{
	return strncmp(u, "system:node:", 12) == 0 || strcmp(u, "system:kube-controller-manager") == 0 ||
	       strcmp(u, "system:kube-scheduler") == 0 || strncmp(u, "eks:", 4) == 0;
}

/* Remember a range of the cluster's: 0, -1 when out of memory, -2 when
 * it is not a range. */
static int
add_range(struct context *c, const char *range)
{
	int rc;

	if (json_object_get(c->ranges, range))
		return 0;
	if (json_object_size(c->ranges) >= MAX_RANGES) {
		c->ranges_capped = 1;
		return 0;
	}
	if ((rc = iplist_add(c->cluster, range, NULL)) != 0)
		return rc == -2 ? -1 : -2;
	return json_object_set_new(c->ranges, range, json_true()) == 0 ? 0 : -1;
}

/* A node's private IPv4 address stands for its VPC's /16 (the VPC CNI
 * gives pods addresses of the node's subnet, and the subnet is not in the
 * log); a private IPv6 address, or a public one AWS owns, for itself. */
static int
learn_address(struct context *c, const char *peer)
{
	char range[64];
	unsigned a, b, x, y;

	if (k8a_ip_class(peer, strlen(peer)) == K8A_IP_PRIVATE && sscanf(peer, "%u.%u.%u.%u", &a, &b, &x, &y) == 4 &&
	    strchr(peer, ':') == NULL)
		snprintf(range, sizeof(range), "%u.%u.0.0/16", a, b);
	else if (k8a_ip_class(peer, strlen(peer)) == K8A_IP_PRIVATE)
		snprintf(range, sizeof(range), "%s", peer);
	else if (c->aws && iplist_match(c->aws, peer, NULL))
		/* a public address only when AWS owns it (--aws-ip-ranges):
		 * a node's credential used from elsewhere must not teach */
		snprintf(range, sizeof(range), "%s", peer);
	else
		return 0;
	/* what was made of an address is always a range */
	return add_range(c, range) == -1 ? -1 : 0;
}

/* One record's lesson: its source, time, principal and peer address. */
struct lesson {
	enum k8a_source src;
	int64_t t;
	const char *user, *peer;
	char ubuf[512], pbuf[64];
};

/* A peeked string as a C string in buf; 0 when it does not fit. */
static int
peeked(const char *s, size_t n, char *buf, size_t bufsz, const char **out)
{
	if (s == NULL) {
		*out = NULL;
		return 1;
	}
	if (n >= bufsz || memchr(s, '\0', n) != NULL)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	*out = buf;
	return 1;
}

/* The lesson from the skim, without parsing (most records handed over
 * only teach, and a parse would cost more than the rest of their way):
 * 1, or 0 when only a parse can tell. */
static int
peek_lesson(k8a_event *ev, struct lesson *l)
{
	const char *s;
	size_t n;

	if ((l->src = k8a_event_peek_source(ev)) == K8A_SRC_UNKNOWN || !k8a_event_peek(ev, K8A_F_TIME, &s, &n))
		return 0;
	if (s == NULL || k8a_time_parse(s, n, &l->t) != K8A_OK)
		l->t = INT64_MIN;
	if (l->src != K8A_SRC_K8S)
		return 1;
	if (!k8a_event_peek(ev, K8A_F_USER, &s, &n) || !peeked(s, n, l->ubuf, sizeof(l->ubuf), &l->user))
		return 0;
	if (!k8a_event_peek(ev, K8A_F_PEER_IP, &s, &n) || !peeked(s, n, l->pbuf, sizeof(l->pbuf), &l->peer))
		return 0;
	return 1;
}

int
context_learn(struct context *c, k8a_event *ev)
{
	struct lesson l;
	json_t *v;

	if (!peek_lesson(ev, &l)) {
		l.src = k8a_event_source(ev);
		l.t = k8a_event_time(ev);
		l.user = k8a_event_str(ev, K8A_F_USER);
		l.peer = k8a_event_str(ev, K8A_F_PEER_IP);
	}
	if (l.t != INT64_MIN && (unsigned)l.src < 3 && l.t < c->start[l.src])
		c->start[l.src] = l.t;
	if (l.src != K8A_SRC_K8S || l.user == NULL)
		return 0;
	if (l.peer && teaches_address(l.user) && learn_address(c, l.peer) != 0)
		return -1;
	if (l.t == INT64_MIN)
		return 0;
	if ((v = json_object_get(c->first, l.user)) != NULL) {
		if (l.t < json_integer_value(v))
			json_integer_set(v, l.t);
		return 0;
	}
	if (json_object_size(c->first) >= MAX_PRINCIPALS) {
		c->first_capped = 1;
		return 0;
	}
	return json_object_set_new(c->first, l.user, json_integer(l.t)) == 0 ? 0 : -1;
}

/* ---- carried from run to run (--state, k8saudit-state(5)) ---- */

static json_t *
time_json(int64_t t)
{
	return t == INT64_MAX ? json_null() : json_integer(t);
}

json_t *
context_persist(const struct context *c)
{
	json_t *o = json_object(), *start = json_array(), *ranges = json_array();
	const char *k;
	json_t *v;
	int i;

	for (i = 0; i < 3; i++)
		json_array_append_new(start, time_json(c->start[i]));
	/* in the order learned: the evidence names the first few */
	json_object_foreach(c->ranges, k, v)
		json_array_append_new(ranges, json_string(k));
	json_object_set_new(o, "start", start);
	json_object_set_new(o, "ranges", ranges);
	json_object_set_new(o, "first", json_deep_copy(c->first));
	return o; /* a part missing for want of memory is noted (fe_nomem) */
}

int
context_restore(struct context *c, const json_t *j)
{
	json_t *start = json_object_get(j, "start"), *ranges = json_object_get(j, "ranges");
	json_t *first = json_object_get(j, "first"), *v;
	const char *k;
	size_t i;
	int rc;

	if (!json_is_object(j) || !json_is_array(start) || json_array_size(start) != 3 ||
	    !json_is_array(ranges) || !json_is_object(first))
		return -2;
	json_array_foreach(start, i, v) {
		if (!json_is_integer(v) && !json_is_null(v))
			return -2;
		if (json_is_integer(v) && json_integer_value(v) < c->start[i])
			c->start[i] = json_integer_value(v);
	}
	json_array_foreach(ranges, i, v)
		if (!json_is_string(v) || (rc = add_range(c, json_string_value(v))) != 0)
			return json_is_string(v) ? rc : -2;
	json_object_foreach(first, k, v) {
		if (!json_is_integer(v))
			return -2;
		if (json_object_set(c->first, k, v) != 0)
			return -1;
	}
	return 0;
}

void
context_done(struct context *c)
{
	iplist_sort(c->cluster);
	if (c->ranges_capped)
		fe_diag(NULL, "more than %d cluster addresses learned from node traffic: the rest count as "
			"outside the cluster", MAX_RANGES);
	if (c->first_capped)
		fe_diag(NULL, "more than %d principals: the rest count as first seen", MAX_PRINCIPALS);
}

int
context_in_cluster(const struct context *c, const char *addr)
{
	return iplist_match(c->cluster, addr, NULL);
}

int64_t
context_first_seen(const struct context *c, const char *user)
{
	json_t *v = user ? json_object_get(c->first, user) : NULL;

	return v ? json_integer_value(v) : INT64_MIN;
}

int64_t
context_start(const struct context *c, enum k8a_source src)
{
	return (unsigned)src < 3 ? c->start[src] : INT64_MAX;
}

int
context_history(const struct context *c, enum k8a_source src, int64_t t)
{
	int64_t s = context_start(c, src);

	return s != INT64_MAX && t != INT64_MIN && t - s >= CONTEXT_HISTORY;
}

void
context_ranges(const struct context *c, char *out, size_t outsz)
{
	const char *k;
	json_t *v;
	size_t n = 0, at = 0, total = json_object_size(c->ranges);

	out[0] = '\0';
	json_object_foreach(c->ranges, k, v) {
		int w;
		if (n == 4) {
			snprintf(out + at, outsz - at, " and %zu more", total - n);
			break;
		}
		w = snprintf(out + at, outsz - at, "%s%s", n ? ", " : "", k);
		if (w < 0 || (size_t)w >= outsz - at)
			break;
		at += (size_t)w;
		n++;
	}
}
