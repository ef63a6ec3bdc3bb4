/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of rbac-diff's patch application (merge, strategic merge,
 * JSON patch, server-side apply).  aws-auth's reader has its own test,
 * tests/unit/test_awsauth.c.
 * Prints "ok NAME" / "FAIL NAME: ..." and a closing count; exits 1 on any
 * failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac.h"

static int passed, failed;

static json_t *
J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &e);

	if (v == NULL) {
		fprintf(stderr, "bad test JSON: %s: %s\n", text, e.text);
		exit(2);
	}
	return v;
}

/* Apply `patch` of type t to `doc` and compare with `want` (NULL: must fail). */
static void
check(const char *name, const char *doc, const char *patch, enum rd_patch t, const char *want)
{
	json_t *d = doc ? J(doc) : NULL, *p = J(patch), *copy = d ? json_deep_copy(d) : NULL;
	char err[200] = "";
	json_t *got = rd_patch_apply(d, p, t, err, sizeof(err));
	json_t *w = want ? J(want) : NULL;
	char *gs = got ? json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY) : NULL;

	if (d && !json_equal(d, copy)) {
		printf("FAIL %s: the input document was modified\n", name);
		failed++;
	} else if (w == NULL && got != NULL) {
		printf("FAIL %s: expected a failure, got %s\n", name, gs);
		failed++;
	} else if (w == NULL && err[0] == '\0') {
		printf("FAIL %s: failed without a reason\n", name);
		failed++;
	} else if (w && (got == NULL || !json_equal(got, w))) {
		printf("FAIL %s: got %s (%s), want %s\n", name, gs ? gs : "NULL", err, want);
		failed++;
	} else {
		printf("ok %s%s%s\n", name, w ? "" : ": ", w ? "" : err);
		passed++;
	}
	free(gs);
	json_decref(got);
	json_decref(w);
	json_decref(d);
	json_decref(copy);
	json_decref(p);
}

static void
check_guess(const char *name, const char *body, const char *uri, enum rd_patch want)
{
	json_t *b = J(body);
	enum rd_patch got = rd_patch_guess(b, uri);

	if (got != want) {
		printf("FAIL %s: guessed %s, want %s\n", name, rd_patch_name(got), rd_patch_name(want));
		failed++;
	} else {
		printf("ok %s\n", name);
		passed++;
	}
	json_decref(b);
}

#define CRB "{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}}," \
	"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"}," \
	"\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"},{\"kind\":\"Group\",\"name\":\"devs\"}]}"
#define ROLE "{\"kind\":\"Role\",\"metadata\":{\"name\":\"r\",\"finalizers\":[\"x\",\"y\",\"z\"]}," \
	"\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]}," \
	"{\"apiGroups\":[\"apps\"],\"resources\":[\"deployments\"],\"verbs\":[\"list\"]}]}"

/* ---- stress: pseudo-random inputs must neither crash nor leak ---- */

static unsigned long rng = 0x318u;

static unsigned
rnd(unsigned n)
{
	rng = rng * 6364136223846793005ul + 1442695040888963407ul;
	return (unsigned)(rng >> 33) % n;
}

static json_t *
rnd_json(int depth)
{
	static const char *const keys[] = { "subjects", "rules", "roleRef", "metadata", "a", "b", "$patch",
		"$retainKeys", "$deleteFromPrimitiveList/b", "$setElementOrder/subjects" };
	static const char *const strs[] = { "replace", "delete", "merge", "x", "", "a/b", "~1" };
	json_t *v;
	unsigned i, n;

	switch (depth > 4 ? rnd(3) : rnd(6)) {
	case 0: return json_string(strs[rnd(7)]);
	case 1: return json_integer((json_int_t)rnd(5));
	case 2: return json_null();
	case 3:
		v = json_array();
		for (i = 0, n = rnd(4); i < n; i++)
			json_array_append_new(v, rnd_json(depth + 1));
		return v;
	default:
		v = json_object();
		for (i = 0, n = rnd(4); i < n; i++)
			json_object_set_new(v, keys[rnd(10)], rnd_json(depth + 1));
		return v;
	}
}

static json_t *
rnd_ops(void)
{
	static const char *const ops[] = { "add", "remove", "replace", "move", "copy", "test", "nope" };
	static const char *const paths[] = { "", "/", "/subjects", "/subjects/0", "/subjects/-", "/subjects/1",
		"/rules/0/verbs", "/a/b", "/metadata/a~1b", "/x~2", "/subjects/00", "/a" };
	json_t *a = json_array();
	unsigned i, n = rnd(4);

	for (i = 0; i < n; i++) {
		json_t *op = json_object();
		json_object_set_new(op, "op", json_string(ops[rnd(7)]));
		if (rnd(8))
			json_object_set_new(op, "path", json_string(paths[rnd(12)]));
		if (rnd(2))
			json_object_set_new(op, "from", json_string(paths[rnd(12)]));
		if (rnd(3))
			json_object_set_new(op, "value", rnd_json(2));
		json_array_append_new(a, op);
	}
	return a;
}

static void
stress(void)
{
	int i;

	for (i = 0; i < 20000; i++) {
		json_t *doc = rnd(4) ? rnd_json(0) : NULL, *patch, *out;
		enum rd_patch t = (enum rd_patch)rnd(4);
		char err[200];
		patch = t == RD_PATCH_JSON && rnd(4) ? rnd_ops() : rnd_json(0);
		out = rd_patch_apply(doc, patch, t, err, sizeof(err));
		json_decref(out);
		json_decref(patch);
		json_decref(doc);
	}
	printf("ok stress/20000-patches\n");
	passed++;
}

int
main(void)
{
	/* ---- JSON merge patch (RFC 7396) ---- */
	check("merge/replaces-subjects-whole", CRB,
		"{\"subjects\":[{\"kind\":\"User\",\"name\":\"system:anonymous\"}]}", RD_PATCH_MERGE,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},"
		"\"subjects\":[{\"kind\":\"User\",\"name\":\"system:anonymous\"}]}");
	check("merge/nested-objects-merge", CRB, "{\"metadata\":{\"labels\":{\"b\":\"3\",\"c\":\"4\"}},\"roleRef\":{\"name\":\"cluster-admin\"}}",
		RD_PATCH_MERGE,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"a\":\"1\",\"b\":\"3\",\"c\":\"4\"}},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},"
		"\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"},{\"kind\":\"Group\",\"name\":\"devs\"}]}");
	check("merge/null-deletes", CRB, "{\"subjects\":null,\"metadata\":{\"labels\":null}}", RD_PATCH_MERGE,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\"},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"}}");
	check("merge/rules-replaced-whole", ROLE, "{\"rules\":[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}]}",
		RD_PATCH_MERGE,
		"{\"kind\":\"Role\",\"metadata\":{\"name\":\"r\",\"finalizers\":[\"x\",\"y\",\"z\"]},"
		"\"rules\":[{\"apiGroups\":[\"*\"],\"resources\":[\"*\"],\"verbs\":[\"*\"]}]}");
	check("merge/onto-nothing", NULL, "{\"a\":{\"b\":null,\"c\":1}}", RD_PATCH_MERGE, "{\"a\":{\"c\":1}}");
	check("merge/not-an-object-fails", CRB, "[1,2]", RD_PATCH_MERGE, NULL);

	/* ---- strategic merge patch ---- */
	check("smp/subjects-have-no-merge-key", CRB,
		"{\"subjects\":[{\"kind\":\"User\",\"name\":\"bob\"}],\"$setElementOrder/subjects\":[{\"name\":\"bob\"}]}",
		RD_PATCH_STRATEGIC,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"bob\"}]}");
	check("smp/rules-replaced-whole", ROLE,
		"{\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"secrets\"],\"verbs\":[\"get\",\"list\"]}]}", RD_PATCH_STRATEGIC,
		"{\"kind\":\"Role\",\"metadata\":{\"name\":\"r\",\"finalizers\":[\"x\",\"y\",\"z\"]},"
		"\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"secrets\"],\"verbs\":[\"get\",\"list\"]}]}");
	check("smp/patch-replace-map", CRB, "{\"metadata\":{\"labels\":{\"$patch\":\"replace\",\"z\":\"9\"}}}", RD_PATCH_STRATEGIC,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"z\":\"9\"}},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},"
		"\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"},{\"kind\":\"Group\",\"name\":\"devs\"}]}");
	check("smp/patch-delete-map", CRB, "{\"metadata\":{\"labels\":{\"$patch\":\"delete\"}}}", RD_PATCH_STRATEGIC,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\"},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},"
		"\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"},{\"kind\":\"Group\",\"name\":\"devs\"}]}");
	check("smp/delete-list-element-directive-dropped", CRB,
		"{\"subjects\":[{\"kind\":\"User\",\"name\":\"carol\"},{\"$patch\":\"delete\",\"name\":\"alice\"}]}", RD_PATCH_STRATEGIC,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"carol\"}]}");
	check("smp/retain-keys", CRB, "{\"$retainKeys\":[\"kind\",\"metadata\",\"subjects\"],\"subjects\":[]}", RD_PATCH_STRATEGIC,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},\"subjects\":[]}");
	check("smp/delete-from-primitive-list", ROLE,
		"{\"metadata\":{\"$deleteFromPrimitiveList/finalizers\":[\"y\"]}}", RD_PATCH_STRATEGIC,
		"{\"kind\":\"Role\",\"metadata\":{\"name\":\"r\",\"finalizers\":[\"x\",\"z\"]},"
		"\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]},"
		"{\"apiGroups\":[\"apps\"],\"resources\":[\"deployments\"],\"verbs\":[\"list\"]}]}");
	check("smp/null-deletes", CRB, "{\"roleRef\":null,\"subjects\":null,\"metadata\":null}", RD_PATCH_STRATEGIC,
		"{\"kind\":\"ClusterRoleBinding\"}");
	check("smp/whole-object-delete-fails", CRB, "{\"$patch\":\"delete\"}", RD_PATCH_STRATEGIC, NULL);

	/* ---- JSON patch (RFC 6902) ---- */
	check("jsonpatch/append-subject", CRB,
		"[{\"op\":\"add\",\"path\":\"/subjects/-\",\"value\":{\"kind\":\"Group\",\"name\":\"system:unauthenticated\"}}]",
		RD_PATCH_JSON,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"alice\"},"
		"{\"kind\":\"Group\",\"name\":\"devs\"},{\"kind\":\"Group\",\"name\":\"system:unauthenticated\"}]}");
	check("jsonpatch/insert-subject-first", CRB,
		"[{\"op\":\"add\",\"path\":\"/subjects/0\",\"value\":{\"kind\":\"User\",\"name\":\"mallory\"}}]", RD_PATCH_JSON,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"mallory\"},"
		"{\"kind\":\"User\",\"name\":\"alice\"},{\"kind\":\"Group\",\"name\":\"devs\"}]}");
	check("jsonpatch/remove-subject", CRB, "[{\"op\":\"remove\",\"path\":\"/subjects/0\"}]", RD_PATCH_JSON,
		"{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"view\"},\"subjects\":[{\"kind\":\"Group\",\"name\":\"devs\"}]}");
	check("jsonpatch/replace-rule-verbs", ROLE, "[{\"op\":\"replace\",\"path\":\"/rules/1/verbs\",\"value\":[\"*\"]}]",
		RD_PATCH_JSON,
		"{\"kind\":\"Role\",\"metadata\":{\"name\":\"r\",\"finalizers\":[\"x\",\"y\",\"z\"]},"
		"\"rules\":[{\"apiGroups\":[\"\"],\"resources\":[\"pods\"],\"verbs\":[\"get\"]},"
		"{\"apiGroups\":[\"apps\"],\"resources\":[\"deployments\"],\"verbs\":[\"*\"]}]}");
	check("jsonpatch/add-rule-and-test", ROLE,
		"[{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"r\"},"
		"{\"op\":\"add\",\"path\":\"/rules/-\",\"value\":{\"apiGroups\":[\"\"],\"resources\":[\"pods/exec\"],\"verbs\":[\"create\"]}},"
		"{\"op\":\"remove\",\"path\":\"/rules/0\"}]", RD_PATCH_JSON,
		"{\"kind\":\"Role\",\"metadata\":{\"name\":\"r\",\"finalizers\":[\"x\",\"y\",\"z\"]},"
		"\"rules\":[{\"apiGroups\":[\"apps\"],\"resources\":[\"deployments\"],\"verbs\":[\"list\"]},"
		"{\"apiGroups\":[\"\"],\"resources\":[\"pods/exec\"],\"verbs\":[\"create\"]}]}");
	check("jsonpatch/move-and-copy", "{\"a\":{\"x\":1},\"b\":[1,2]}",
		"[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"},{\"op\":\"move\",\"from\":\"/b/0\",\"path\":\"/b/-\"}]",
		RD_PATCH_JSON, "{\"a\":{\"x\":1},\"b\":[2,1],\"c\":{\"x\":1}}");
	check("jsonpatch/escaped-pointer",
		"{\"metadata\":{\"annotations\":{\"a/b\":\"1\",\"m~n\":\"2\"}}}",
		"[{\"op\":\"replace\",\"path\":\"/metadata/annotations/a~1b\",\"value\":\"x\"},"
		"{\"op\":\"remove\",\"path\":\"/metadata/annotations/m~0n\"}]", RD_PATCH_JSON,
		"{\"metadata\":{\"annotations\":{\"a/b\":\"x\"}}}");
	check("jsonpatch/test-fails", CRB, "[{\"op\":\"test\",\"path\":\"/roleRef/name\",\"value\":\"edit\"}]",
		RD_PATCH_JSON, NULL);
	check("jsonpatch/remove-out-of-range", CRB, "[{\"op\":\"remove\",\"path\":\"/subjects/5\"}]", RD_PATCH_JSON, NULL);
	check("jsonpatch/replace-missing", CRB, "[{\"op\":\"replace\",\"path\":\"/nope\",\"value\":1}]", RD_PATCH_JSON, NULL);
	check("jsonpatch/bad-index", CRB, "[{\"op\":\"add\",\"path\":\"/subjects/01\",\"value\":1}]", RD_PATCH_JSON, NULL);
	check("jsonpatch/move-into-itself", "{\"a\":{\"b\":{}}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b/c\"}]",
		RD_PATCH_JSON, NULL);
	check("jsonpatch/unknown-op", CRB, "[{\"op\":\"frob\",\"path\":\"/a\"}]", RD_PATCH_JSON, NULL);
	check("jsonpatch/not-an-array", CRB, "{\"op\":\"add\"}", RD_PATCH_JSON, NULL);
	check("jsonpatch/failure-is-atomic", CRB,
		"[{\"op\":\"remove\",\"path\":\"/subjects/0\"},{\"op\":\"remove\",\"path\":\"/nope\"}]", RD_PATCH_JSON, NULL);

	/* ---- server-side apply: read as a merge ---- */
	check("apply/sets-subjects-and-roleref", CRB,
		"{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\"},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"system:anonymous\"}]}",
		RD_PATCH_APPLY,
		"{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"b\",\"labels\":{\"a\":\"1\",\"b\":\"2\"}},"
		"\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"system:anonymous\"}]}");

	/* ---- guessing the type ---- */
	check_guess("guess/array-is-json-patch", "[{\"op\":\"remove\",\"path\":\"/x\"}]", NULL, RD_PATCH_JSON);
	check_guess("guess/directive-is-strategic", "{\"metadata\":{\"labels\":{\"$patch\":\"replace\"}}}", NULL, RD_PATCH_STRATEGIC);
	check_guess("guess/set-element-order-is-strategic", "{\"$setElementOrder/subjects\":[]}", NULL, RD_PATCH_STRATEGIC);
	check_guess("guess/apply", "{\"apiVersion\":\"v1\",\"kind\":\"X\"}", "/apis/x?fieldManager=kubectl&force=true", RD_PATCH_APPLY);
	check_guess("guess/plain-is-merge", "{\"subjects\":[]}", "/apis/x", RD_PATCH_MERGE);
	check_guess("guess/full-object-without-field-manager-is-merge", "{\"apiVersion\":\"v1\",\"kind\":\"X\"}", "/apis/x", RD_PATCH_MERGE);

	stress();

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
