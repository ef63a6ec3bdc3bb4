/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff's patch application (cmd/rbac-diff/patch.c): merge patches,
 * strategic merge patches with their directives, JSON patches and
 * server-side apply, as audit events record them.  The input is a
 * document and a patch, JSON texts separated by a NUL byte; the first
 * byte picks the patch type (or lets rd_patch_guess() choose).
 * Invariants, for any document and patch:
 *  - applying ends, frees all it took, and gives a document or a reason;
 *  - the document patched is never changed (rbac-diff keeps it as the
 *    object's state before the request);
 *  - patching again with the same patch gives the same result.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rbac.h"

static json_t *
load(const char *p, size_t n)
{
	return json_loadb(p, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const uris[] = { "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/x",
		"/apis/rbac.authorization.k8s.io/v1/namespaces/d/roles/r?fieldManager=kubectl" };
	const char *p, *z;
	json_t *doc, *patch, *before, *out, *again;
	enum rd_patch t;
	char err[512], err2[512];

	if (size < 1)
		return 0;
	p = (const char *)data + 1;
	z = memchr(p, '\0', size - 1);
	if (z == NULL)
		return 0;
	doc = load(p, (size_t)(z - p));
	if ((patch = load(z + 1, size - 1 - (size_t)(z + 1 - p))) == NULL) {
		json_decref(doc);
		return 0;
	}
	if (data[0] % 5 == 4)
		t = rd_patch_guess(patch, uris[(data[0] / 5) & 1]);
	else
		t = (enum rd_patch)(data[0] % 5);
	(void)rd_patch_name(t);
	before = doc ? json_deep_copy(doc) : NULL;
	err[0] = err2[0] = '\0';
	out = rd_patch_apply(doc, patch, t, err, sizeof(err));
	if (out == NULL && err[0] == '\0')
		fuzz_fail("fuzz_patch", "%s patch failed without a reason", rd_patch_name(t));
	if (doc && !json_equal(doc, before))
		fuzz_fail("fuzz_patch", "a %s patch changed the document it was applied to", rd_patch_name(t));
	again = rd_patch_apply(doc, patch, t, err2, sizeof(err2));
	if ((out == NULL) != (again == NULL) || (out && !json_equal(out, again)) || strcmp(err, err2) != 0)
		fuzz_fail("fuzz_patch", "a %s patch applied twice gave two results", rd_patch_name(t));
	json_decref(out);
	json_decref(again);
	json_decref(before);
	json_decref(doc);
	json_decref(patch);
	return 0;
}
