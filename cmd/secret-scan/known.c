/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * secret-scan --state (k8saudit-state(5)): the secrets earlier runs saw,
 * so that a secret seen again is an occurrence, not a new secret.  The
 * tool's section of the state is one JSON object:
 *   key      the fingerprint key's id (16 hex digits of SHA-256 of the
 *            key): fingerprints made under another key mean nothing
 *   secrets  the first 16 hex digits of every fingerprint seen, sorted
 *   printed  occurrence id (16 hex digits) -> the time of its record, for
 *            an object read again; forgotten seven days after the newest
 *            record seen, as k8saudit-findings forgets finding ids
 *   maxtime  the newest record time seen (usec)
 * The fingerprints are kept in memory as an open-addressing set of 64-bit
 * numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "scan.h"

static int
fp_number(const char *fp, uint64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < 16; i++) {
		int c = (unsigned char)fp[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	return fp[16] == '\0' || (fp[16] >= '0' && fp[16] <= '9') || (fp[16] >= 'a' && fp[16] <= 'f') ? 0 : -1;
}

/* Slot of v: its place, or the empty one where it goes. */
static size_t
slot_of(const struct known *k, uint64_t v)
{
	size_t i = (size_t)((v * 0x9e3779b97f4a7c15ull) >> 7) & (k->nslot - 1);

	while (k->slot[i].v != 0 && k->slot[i].v != v)
		i = (i + 1) & (k->nslot - 1);
	return i;
}

/* Add v (not 0) with mark; the mark it had, or -1 when new; -2 memory. */
static int
put(struct known *k, uint64_t v, int mark)
{
	size_t i;

	if ((k->n + 1) * 2 > k->nslot) {
		size_t ns = k->nslot ? k->nslot * 2 : 1024, j;
		struct known_slot *old = k->slot, *nw = calloc(ns, sizeof(*nw));
		size_t on = k->nslot;
		if (nw == NULL)
			return -2;
		k->slot = nw;
		k->nslot = ns;
		for (j = 0; j < on; j++)
			if (old[j].v != 0)
				k->slot[slot_of(k, old[j].v)] = old[j];
		free(old);
	}
	i = slot_of(k, v);
	if (k->slot[i].v == v)
		return k->slot[i].mark;
	k->slot[i].v = v;
	k->slot[i].mark = mark;
	k->n++;
	return -1;
}

static void
key_id(const unsigned char *key, size_t keylen, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)k8a_hash64(key, keylen));
}

int
known_load(struct known *k, const json_t *sec, const unsigned char *key, size_t keylen, const char *state)
{
	json_t *list = json_object_get(sec, "secrets"), *v;
	const char *kid = json_string_value(json_object_get(sec, "key"));
	char mine[17];
	size_t i;

	memset(k, 0, sizeof(*k));
	k->on = 1;
	key_id(key, keylen, mine);
	if (sec == NULL)
		return 0; /* the first run */
	if (kid == NULL || !json_is_array(list)) {
		fe_diag(state, "corrupt: the secret-scan section has no key id or no list of secrets");
		return -1;
	}
	if (strcmp(kid, mine) != 0) {
		fe_diag(state, "made with another fingerprint key (id %.16s, this one's is %s): its fingerprints "
			"mean nothing under this key; use that key, or --state-reset", kid, mine);
		return -1;
	}
	if (fe_printed_load(&k->printed, json_object_get(sec, "printed"),
		json_integer_value(json_object_get(sec, "maxtime")), state,
		"printed occurrences of the secret-scan section") != 0)
		return -1;
	json_array_foreach(list, i, v) {
		uint64_t n;
		const char *s = json_string_value(v);
		if (s == NULL || strlen(s) != 16 || fp_number(s, &n) != 0 || n == 0) {
			fe_diag(state, "corrupt: secret %zu of the secret-scan section is not 16 hex digits", i);
			return -1;
		}
		if (put(k, n, KNOWN_EARLIER) == -2) {
			fe_nomem_diag(state);
			return -1;
		}
	}
	return 0;
}

int
known_see(struct known *k, const char *fingerprint)
{
	uint64_t v;
	int rc;

	if (!k->on)
		return KNOWN_NEW;
	if (fp_number(fingerprint, &v) != 0 || v == 0)
		return KNOWN_NEW; /* no fingerprint: never matched */
	if ((rc = put(k, v, KNOWN_THIS_RUN)) == -2)
		return K8A_FATAL;
	return rc == -1 ? KNOWN_NEW : rc;
}

int
known_printed(struct known *k, k8a_event *ev, const struct k8a_secret_hit *h)
{
	const char *rec = k8a_event_str(ev, K8A_F_ID);
	uint64_t id;
	char *buf;
	size_t rl, pl, tl, fl;

	if (!k->on)
		return 0;
	if (rec == NULL || *rec == '\0')
		rec = k8a_event_where(ev);
	rl = strlen(rec);
	pl = strlen(h->pointer);
	tl = strlen(h->type);
	fl = strlen(h->fingerprint);
	if ((buf = malloc(rl + pl + tl + fl + 3)) == NULL)
		return K8A_FATAL;
	memcpy(buf, rec, rl + 1);
	memcpy(buf + rl + 1, h->pointer, pl + 1);
	memcpy(buf + rl + pl + 2, h->type, tl + 1);
	memcpy(buf + rl + pl + tl + 3, h->fingerprint, fl);
	id = k8a_hash64(buf, rl + pl + tl + fl + 3);
	free(buf);
	return fe_printed_see(&k->printed, id, k8a_event_time(ev));
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

json_t *
known_persist(const struct known *k, const unsigned char *key, size_t keylen)
{
	json_t *sec = json_object(), *list = json_array(), *printed;
	uint64_t *all = malloc((k->n ? k->n : 1) * sizeof(*all));
	char hex[17];
	size_t i, n = 0;

	if (sec == NULL || list == NULL || all == NULL) {
		json_decref(sec);
		json_decref(list);
		free(all);
		fe_nomem_note();
		return NULL;
	}
	for (i = 0; i < k->nslot; i++)
		if (k->slot[i].v != 0)
			all[n++] = k->slot[i].v;
	qsort(all, n, sizeof(*all), cmp_u64);
	for (i = 0; i < n; i++) {
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)all[i]);
		json_array_append_new(list, json_string(hex));
	}
	free(all);
	key_id(key, keylen, hex);
	json_object_set_new(sec, "key", json_string(hex));
	json_object_set_new(sec, "secrets", list);
	json_object_set_new(sec, "maxtime", json_integer(k->printed.maxtime));
	if ((printed = fe_printed_persist(&k->printed)) == NULL) {
		json_decref(sec);
		return NULL;
	}
	json_object_set_new(sec, "printed", printed);
	return sec;
}

void
known_free(struct known *k)
{
	free(k->slot);
	fe_printed_free(&k->printed);
	memset(k, 0, sizeof(*k));
}
