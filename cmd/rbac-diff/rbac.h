/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff internals: patch application.  It works on jansson values
 * only, so tests/rbac/test_patch.c can drive it without any input files.
 */
#ifndef RBAC_DIFF_H
#define RBAC_DIFF_H

#include <stddef.h>
#include <jansson.h>

/* How a PATCH body is to be read.  Audit events do not record the
 * request's Content-Type, so rd_patch_guess() infers it from the body. */
enum rd_patch {
	RD_PATCH_MERGE,     /* application/merge-patch+json, RFC 7396 */
	RD_PATCH_STRATEGIC, /* application/strategic-merge-patch+json */
	RD_PATCH_JSON,      /* application/json-patch+json, RFC 6902 */
	RD_PATCH_APPLY      /* application/apply-patch+yaml (server-side apply) */
};

/* The type a patch body most likely had: an array is a JSON patch; a body
 * with "$patch", "$retainKeys", "$setElementOrder/..." or
 * "$deleteFromPrimitiveList/..." directives is a strategic merge patch; a
 * full object (apiVersion and kind) sent with fieldManager= in the request
 * URI is server-side apply; anything else is a merge patch (for RBAC
 * objects a strategic merge patch without directives means the same). */
enum rd_patch rd_patch_guess(json_t *body, const char *uri);
const char *rd_patch_name(enum rd_patch t);

/* Apply `patch` to `doc` (which is not changed; NULL means no object yet).
 * Returns a new reference to the patched document, or NULL with a reason
 * in err.  Lists in strategic merge patches are replaced whole, as the API
 * server does for fields without a patch merge key (RBAC's subjects and
 * rules have none); "$patch": "replace" / "delete", "$retainKeys" and
 * "$deleteFromPrimitiveList/<field>" are honoured. */
json_t *rd_patch_apply(json_t *doc, json_t *patch, enum rd_patch t, char *err, size_t errsz);

#endif
