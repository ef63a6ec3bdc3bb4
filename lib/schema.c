/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The members of the two record schemas, Kubernetes audit.k8s.io Event
 * and the CloudTrail record, so that a field name that is neither an alias
 * nor one of them (a typo: "usr", "Verb") is reported instead of quietly
 * selecting nothing.  Below free-form objects (request and response
 * bodies, parameters, annotations, extra) every path is legal.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* Dotted paths without indexes; a trailing '*' accepts any path below. */
static const char *const members[] = {
	/* audit.k8s.io/v1 Event (and v1beta1's metadata and timestamp) */
	"kind", "apiVersion", "level", "auditID", "stage", "requestURI", "verb",
	"user", "user.username", "user.uid", "user.groups", "user.extra*",
	"impersonatedUser", "impersonatedUser.username", "impersonatedUser.uid",
	"impersonatedUser.groups", "impersonatedUser.extra*",
	"sourceIPs", "userAgent",
	"objectRef", "objectRef.resource", "objectRef.namespace", "objectRef.name", "objectRef.uid",
	"objectRef.apiGroup", "objectRef.apiVersion", "objectRef.resourceVersion", "objectRef.subresource",
	"responseStatus", "responseStatus.metadata*", "responseStatus.status", "responseStatus.message",
	"responseStatus.reason", "responseStatus.details*", "responseStatus.code",
	"requestObject*", "responseObject*", "requestReceivedTimestamp", "stageTimestamp",
	"annotations*", "metadata*", "timestamp",
	/* CloudTrail record */
	"eventVersion", "userIdentity", "userIdentity.type", "userIdentity.principalId", "userIdentity.arn",
	"userIdentity.accountId", "userIdentity.accessKeyId", "userIdentity.userName",
	"userIdentity.invokedBy", "userIdentity.identityProvider", "userIdentity.credentialId",
	"userIdentity.sessionContext", "userIdentity.sessionContext.sessionIssuer*",
	"userIdentity.sessionContext.webIdFederationData*", "userIdentity.sessionContext.attributes*",
	"userIdentity.sessionContext.sourceIdentity", "userIdentity.sessionContext.ec2RoleDelivery",
	"userIdentity.sessionContext.assumedRoot", "userIdentity.onBehalfOf*", "userIdentity.inScopeOf*",
	"eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "errorCode",
	"errorMessage", "requestParameters*", "responseElements*", "additionalEventData*", "requestID",
	"eventID", "readOnly", "resources", "resources.ARN", "resources.accountId", "resources.type",
	"eventType", "managementEvent", "recipientAccountId", "serviceEventDetails*", "sharedEventID",
	"vpcEndpointId", "vpcEndpointAccountId", "eventCategory", "addendum*",
	"sessionCredentialFromConsole", "edgeDeviceDetails*", "tlsDetails", "tlsDetails.tlsVersion",
	"tlsDetails.cipherSuite", "tlsDetails.clientProvidedHostHeader", "insightDetails*",
};

/* Is the path of keys k[0..n) in the schemas? */
static int
known_path(const char *const *k, size_t n)
{
	size_t m, i;

	for (m = 0; m < sizeof(members) / sizeof(members[0]); m++) {
		const char *p = members[m];
		for (i = 0; i < n; i++) {
			size_t kl = strlen(k[i]);
			if (strncmp(p, k[i], kl) != 0)
				break;
			p += kl;
			if (*p == '*')
				return 1;
			if (i + 1 < n && *p++ != '.')
				break;
		}
		if (i == n && (*p == '\0' || *p == '*'))
			return 1;
	}
	return 0;
}

/* Edit distance of a and b, ignoring case, capped at 9. */
static unsigned
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned row[64], prev, cur;

	if (la > 62 || lb > 62)
		return 9;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			row[j] = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]) ? prev :
				 1 + (prev < row[j - 1] ? (prev < row[j] ? prev : row[j]) :
							   (row[j - 1] < row[j] ? row[j - 1] : row[j]));
			prev = cur;
		}
	}
	return row[lb] > 9 ? 9 : row[lb];
}

int
k8a_schema_known(const char *const *keys, size_t n)
{
	return n > 0 && known_path(keys, n);
}

void
k8a_schema_closest(const char *name, const char *const *aliases, size_t naliases, char *out, size_t outsz)
{
	char cand[128];
	unsigned bd = 10, d;
	size_t i, l;

	out[0] = '\0';
	for (i = 0; i < naliases; i++)
		if ((d = distance(name, aliases[i])) < bd) {
			bd = d;
			snprintf(out, outsz, "%s", aliases[i]);
		}
	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		l = strcspn(members[i], "*");
		if (l >= sizeof(cand))
			continue;
		memcpy(cand, members[i], l);
		cand[l] = '\0';
		if ((d = distance(name, cand)) < bd) {
			bd = d;
			snprintf(out, outsz, "%s", cand);
		}
	}
}
