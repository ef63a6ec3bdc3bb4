/* SPDX-License-Identifier: BSD-2-Clause */
/* The event model: every normalised field over both sources. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "test.h"

/* An EKS event by an IAM role through aws-iam-authenticator, creating the
 * cluster-system-anonymous ClusterRoleBinding (the CON318 scenario). */
#define EKS_IAM                                                                                   \
	"{'kind':'Event','apiVersion':'audit.k8s.io/v1','level':'RequestResponse',"                  \
	"'auditID':'9d3e5f0a-1111-2222-3333-444455556666','stage':'ResponseComplete',"               \
	"'requestURI':'/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?fieldManager=kubectl-create',"          \
	"'verb':'create','user':{'username':'arn:aws:sts::111122223333:assumed-role/Admin/alice',"   \
	"'uid':'aws-iam-authenticator:111122223333:AROAEXAMPLEID','groups':['system:authenticated'],"  \
	"'extra':{'accessKeyId':['ASIAEXAMPLEKEY'],'arn':['arn:aws:sts::111122223333:assumed-role/Admin/alice'],"  \
	"'canonicalArn':['arn:aws:iam::111122223333:role/Admin'],'principalId':['AROAEXAMPLEID'],"   \
	"'sessionName':['alice']}},'sourceIPs':['203.0.113.7','10.0.0.5'],"                          \
	"'userAgent':'kubectl/v1.29.0 (linux/amd64) kubernetes/abc',"                                 \
	"'objectRef':{'resource':'clusterrolebindings','name':'cluster-system-anonymous',"          \
	"'apiGroup':'rbac.authorization.k8s.io','apiVersion':'v1'},"                                  \
	"'responseStatus':{'metadata':{},'code':201},"                                                \
	"'requestObject':{'kind':'ClusterRoleBinding','apiVersion':'rbac.authorization.k8s.io/v1',"  \
	"'metadata':{'name':'cluster-system-anonymous'},"                                             \
	"'subjects':[{'kind':'User','name':'system:anonymous'},{'kind':'Group','name':'system:masters'}]," \
	"'roleRef':{'kind':'ClusterRole','name':'cluster-admin'}},"                                   \
	"'requestReceivedTimestamp':'2026-03-01T10:00:00.100000Z','stageTimestamp':'2026-03-01T10:00:00.123456Z'," \
	"'annotations':{'authorization.k8s.io/decision':'allow',"                                     \
	"'authorization.k8s.io/reason':'RBAC: allowed by ClusterRoleBinding \\'admins\\''}}"

#define EKS_ANON                                                                                  \
	"{'kind':'Event','apiVersion':'audit.k8s.io/v1','level':'Metadata','auditID':'a2',"         \
	"'stage':'ResponseComplete','requestURI':'/api/v1/namespaces/default/secrets','verb':'list'," \
	"'user':{'username':'system:anonymous','groups':['system:unauthenticated']},"                 \
	"'sourceIPs':['198.51.100.9'],'userAgent':'curl/8.0',"                                        \
	"'objectRef':{'resource':'secrets','namespace':'default','apiVersion':'v1'},"                 \
	"'responseStatus':{'metadata':{},'code':200},"                                                \
	"'requestReceivedTimestamp':'2026-03-01T10:05:00.000000Z','stageTimestamp':'2026-03-01T10:05:00.010000Z'," \
	"'annotations':{'authorization.k8s.io/decision':'allow','authorization.k8s.io/reason':"      \
	"'RBAC: allowed by ClusterRoleBinding \\'cluster-system-anonymous\\' of ClusterRole \\'cluster-admin\\' to User \\'system:anonymous\\''}}"

#define EKS_IMPERSONATED                                                                          \
	"{'kind':'Event','apiVersion':'audit.k8s.io/v1','level':'Metadata','auditID':'a3',"         \
	"'stage':'ResponseComplete','requestURI':'/api/v1/namespaces/kube-system/pods/p1/exec?command=id&container=c',"      \
	"'verb':'create','user':{'username':'kubernetes-admin','groups':['system:masters']},"       \
	"'impersonatedUser':{'username':'system:serviceaccount:kube-system:default','groups':['system:serviceaccounts']}," \
	"'sourceIPs':['192.0.2.1'],'objectRef':{'resource':'pods','namespace':'kube-system','name':'p1',"  \
	"'subresource':'exec','apiVersion':'v1'},'responseStatus':{'metadata':{},'status':'Failure','reason':'Forbidden','code':403}," \
	"'stageTimestamp':'2026-03-01T10:06:00Z','annotations':{'authorization.k8s.io/decision':'forbid','authorization.k8s.io/reason':''}}"

#define V1BETA1                                                                                   \
	"{'kind':'Event','apiVersion':'audit.k8s.io/v1beta1','metadata':{'creationTimestamp':'2019-01-01T00:00:02Z'}," \
	"'level':'Metadata','timestamp':'2019-01-01T00:00:01Z','auditID':'b1','stage':'ResponseComplete',"  \
	"'requestURI':'/api/v1/pods','verb':'list','user':{'username':'kubelet',"                    \
	"'uid':'heptio-authenticator-aws:123456789012:AROA2PRXA4MTEFOJD26WP'},"                      \
	"'sourceIPs':['1.2.3.4'],'objectRef':{'resource':'pods'},'responseStatus':{'code':200}}"

#define CT_IAMUSER                                                                                \
	"{'eventVersion':'1.08','userIdentity':{'type':'IAMUser','principalId':'AIDAEXAMPLE',"       \
	"'arn':'arn:aws:iam::111122223333:user/bob','accountId':'111122223333','accessKeyId':'AKIAEXAMPLE'," \
	"'userName':'bob'},'eventTime':'2026-03-01T11:00:00Z','eventSource':'iam.amazonaws.com',"    \
	"'eventName':'CreateAccessKey','awsRegion':'us-east-1','sourceIPAddress':'203.0.113.8',"   \
	"'userAgent':'aws-cli/2.15.0','errorCode':'AccessDenied','errorMessage':'User: bob is not authorized'," \
	"'requestParameters':{'userName':'carol'},'responseElements':null,'requestID':'r1',"         \
	"'eventID':'e1','readOnly':false,'eventType':'AwsApiCall','recipientAccountId':'111122223333'}"

#define CT_ASSUMED                                                                                \
	"{'eventVersion':'1.09','userIdentity':{'type':'AssumedRole','principalId':'AROAEXAMPLE:alice@example.com'," \
	"'arn':'arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com','accountId':'111122223333',"   \
	"'accessKeyId':'ASIAEXAMPLE','sessionContext':{'sessionIssuer':{'type':'Role','principalId':'AROAEXAMPLE'," \
	"'arn':'arn:aws:iam::111122223333:role/Admin','accountId':'111122223333','userName':'Admin'}," \
	"'attributes':{'creationDate':'2026-03-01T09:00:00Z','mfaAuthenticated':'false'}}},"         \
	"'eventTime':'2026-03-01T11:01:00Z','eventSource':'eks.amazonaws.com','eventName':'CreateAccessEntry'," \
	"'awsRegion':'eu-west-1','sourceIPAddress':'203.0.113.9','userAgent':'aws-cli/2.15.0',"     \
	"'requestParameters':{'clusterName':'prod','principalArn':'arn:aws:iam::111122223333:role/Evil'}," \
	"'eventID':'e2','recipientAccountId':'111122223333'}"

#define CT_SERVICE                                                                                \
	"{'eventVersion':'1.08','userIdentity':{'type':'AWSService','invokedBy':'eks.amazonaws.com'}," \
	"'eventTime':'2026-03-01T11:02:00Z','eventSource':'sts.amazonaws.com','eventName':'AssumeRole'," \
	"'awsRegion':'us-east-1','sourceIPAddress':'eks.amazonaws.com','userAgent':'eks.amazonaws.com'," \
	"'eventID':'e3','recipientAccountId':'111122223333','sharedEventID':'s1'}"

#define CT_ROOT                                                                                   \
	"{'eventVersion':'1.08','userIdentity':{'type':'Root','principalId':'111122223333',"         \
	"'arn':'arn:aws:iam::111122223333:root','accountId':'111122223333','accessKeyId':''},"      \
	"'eventTime':'2026-03-01T11:03:00Z','eventSource':'signin.amazonaws.com','eventName':'ConsoleLogin'," \
	"'awsRegion':'us-east-1','sourceIPAddress':'198.51.100.1','userAgent':'Mozilla/5.0',"       \
	"'responseElements':{'ConsoleLogin':'Success'},'eventID':'e4','recipientAccountId':'111122223333'}"

K8A_TEST(event_eks_iam_all_fields)
{
	k8a_event *ev = t_event(J(EKS_IAM));

	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_K8S);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_TIME), "2026-03-01T10:00:00.123456Z");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ID), "9d3e5f0a-1111-2222-3333-444455556666");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER), "arn:aws:sts::111122223333:assumed-role/Admin/alice");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_UID), "aws-iam-authenticator:111122223333:AROAEXAMPLEID");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ARN), "arn:aws:sts::111122223333:assumed-role/Admin/alice");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CANONICAL_ARN), "arn:aws:iam::111122223333:role/Admin");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCESS_KEY), "ASIAEXAMPLEKEY");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SESSION), "alice");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_PRINCIPAL), "AROAEXAMPLEID");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCOUNT), "111122223333");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_IMPERSONATED), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SOURCE_IP), "203.0.113.7");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_PEER_IP), "10.0.0.5");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER_AGENT), "kubectl/v1.29.0 (linux/amd64) kubernetes/abc");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_VERB), "create");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_API_GROUP), "rbac.authorization.k8s.io");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_RESOURCE), "clusterrolebindings");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SUBRESOURCE), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_NAMESPACE), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_NAME), "cluster-system-anonymous");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CODE), "201");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_DECISION), "allow");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_REASON), "RBAC: allowed by ClusterRoleBinding \"admins\"");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_STAGE), "ResponseComplete");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_URI),
		"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?fieldManager=kubectl-create");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_REGION), NULL);
	CHECK_EQ_INT(k8a_event_code(ev), 201);
	CHECK_EQ_INT(k8a_event_time(ev), 1772359200123456LL);
	/* out-of-range field numbers are absent, not a crash */
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_COUNT_), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, (enum k8a_field)-1), NULL);
	/* the accessors are stable when asked twice */
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCOUNT), "111122223333");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SESSION), "alice");
}

K8A_TEST(event_k8s_service_field)
{
	/* k8saudit.h documents K8A_F_SERVICE for Kubernetes as "the k8s API
	 * group path"; today it is absent for Kubernetes events. */
	k8a_event *ev = t_event(J(EKS_IAM));

	REQUIRE(ev != NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SERVICE), NULL);
}

K8A_TEST(event_eks_anonymous)
{
	k8a_event *ev = t_event(J(EKS_ANON));

	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_K8S);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER), "system:anonymous");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_UID), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ARN), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CANONICAL_ARN), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCESS_KEY), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SESSION), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_PRINCIPAL), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCOUNT), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SOURCE_IP), "198.51.100.9");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_PEER_IP), "198.51.100.9");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_VERB), "list");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_API_GROUP), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_RESOURCE), "secrets");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_NAMESPACE), "default");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_NAME), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CODE), "200");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_REASON),
		"RBAC: allowed by ClusterRoleBinding \"cluster-system-anonymous\" of ClusterRole "
		"\"cluster-admin\" to User \"system:anonymous\"");
	CHECK_EQ_INT(k8a_event_code(ev), 200);
}

K8A_TEST(event_eks_impersonated)
{
	k8a_event *ev = t_event(J(EKS_IMPERSONATED));

	REQUIRE(ev != NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER), "kubernetes-admin");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_IMPERSONATED), "system:serviceaccount:kube-system:default");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SUBRESOURCE), "exec");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_NAMESPACE), "kube-system");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_NAME), "p1");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CODE), "403");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_DECISION), "forbid");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_REASON), "");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER_AGENT), NULL);
	CHECK_EQ_INT(k8a_event_code(ev), 403);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_TIME), "2026-03-01T10:06:00Z");
}

K8A_TEST(event_v1beta1_timestamp_only)
{
	k8a_event *ev = t_event(J(V1BETA1));

	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_K8S);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_TIME), "2019-01-01T00:00:01Z");
	CHECK_EQ_INT(k8a_event_time(ev), 1546300801000000LL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER), "kubelet");
	/* no user.extra: the account comes from the authenticator uid */
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCOUNT), "123456789012");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ARN), NULL);
}

K8A_TEST(event_time_fallbacks)
{
	k8a_event *ev;

	ev = t_event("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x\",\"verb\":\"get\","
		     "\"requestReceivedTimestamp\":\"2026-01-01T00:00:00Z\"}");
	REQUIRE(ev != NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_TIME), "2026-01-01T00:00:00Z");
	ev = t_event("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1beta1\",\"auditID\":\"x\",\"verb\":\"get\","
		     "\"metadata\":{\"creationTimestamp\":\"2019-01-01T00:00:02Z\"}}");
	REQUIRE(ev != NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_TIME), "2019-01-01T00:00:02Z");
	ev = t_event("{\"auditID\":\"x\",\"verb\":\"get\"}");
	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_K8S);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_TIME), NULL);
	CHECK(k8a_event_time(ev) == INT64_MIN);
	ev = t_event("{\"auditID\":\"x\",\"verb\":\"get\",\"stageTimestamp\":\"yesterday\"}");
	REQUIRE(ev != NULL);
	CHECK(k8a_event_time(ev) == INT64_MIN);
}

K8A_TEST(event_scrubbed_uid_is_not_an_account)
{
	/* aws-iam-authenticator writes "aws-iam-authenticator:administrative:<user>"
	 * for scrubbed accounts (research A2.2); "administrative" is not an AWS
	 * account, yet event.c:211 (colon_field(uid, 2)) returns it. */
	k8a_event *ev = t_event("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x\",\"verb\":\"get\","
				"\"user\":{\"username\":\"kubernetes-admin\","
				"\"uid\":\"aws-iam-authenticator:administrative:kubernetes-admin\"}}");

	REQUIRE(ev != NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCOUNT), NULL);
}

K8A_TEST(event_cloudtrail_iam_user)
{
	k8a_event *ev = t_event(J(CT_IAMUSER));

	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_CLOUDTRAIL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_TIME), "2026-03-01T11:00:00Z");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ID), "e1");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER), "bob");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_UID), "AIDAEXAMPLE");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ARN), "arn:aws:iam::111122223333:user/bob");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CANONICAL_ARN), "arn:aws:iam::111122223333:user/bob");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCESS_KEY), "AKIAEXAMPLE");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SESSION), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_PRINCIPAL), "AIDAEXAMPLE");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCOUNT), "111122223333");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_IMPERSONATED), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SOURCE_IP), "203.0.113.8");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_PEER_IP), "203.0.113.8");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER_AGENT), "aws-cli/2.15.0");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_VERB), "CreateAccessKey");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SERVICE), "iam.amazonaws.com");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_API_GROUP), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_RESOURCE), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SUBRESOURCE), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_NAMESPACE), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_NAME), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CODE), "AccessDenied");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_DECISION), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_REASON), "User: bob is not authorized");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_STAGE), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_URI), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_REGION), "us-east-1");
	CHECK_EQ_INT(k8a_event_code(ev), 0);
	CHECK_EQ_INT(k8a_event_time(ev), 1772362800000000LL);
}

K8A_TEST(event_cloudtrail_assumed_role)
{
	k8a_event *ev = t_event(J(CT_ASSUMED));

	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_CLOUDTRAIL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER), "arn:aws:sts::111122223333:assumed-role/Admin/alice@example.com");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SESSION), "alice@example.com");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CANONICAL_ARN), "arn:aws:iam::111122223333:role/Admin");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_PRINCIPAL), "AROAEXAMPLE:alice@example.com");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCESS_KEY), "ASIAEXAMPLE");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCOUNT), "111122223333");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SERVICE), "eks.amazonaws.com");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_VERB), "CreateAccessEntry");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_REGION), "eu-west-1");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CODE), NULL);
}

K8A_TEST(event_cloudtrail_aws_service)
{
	k8a_event *ev = t_event(J(CT_SERVICE));

	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_CLOUDTRAIL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER), "eks.amazonaws.com");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ARN), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_UID), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SESSION), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CANONICAL_ARN), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCOUNT), "111122223333");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SOURCE_IP), "eks.amazonaws.com");
}

K8A_TEST(event_cloudtrail_root)
{
	k8a_event *ev = t_event(J(CT_ROOT));

	REQUIRE(ev != NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER), "arn:aws:iam::111122223333:root");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ARN), "arn:aws:iam::111122223333:root");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_PRINCIPAL), "111122223333");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCOUNT), "111122223333");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SESSION), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCESS_KEY), "");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_VERB), "ConsoleLogin");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SERVICE), "signin.amazonaws.com");
}

K8A_TEST(event_cloudtrail_at_timestamp)
{
	/* re-shipped through Logstash: eventTime gone, @timestamp kept */
	k8a_event *ev = t_event("{\"eventVersion\":\"1.08\",\"eventName\":\"ListBuckets\","
				"\"eventSource\":\"s3.amazonaws.com\",\"@timestamp\":\"2026-01-01T00:00:00.000Z\"}");

	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_CLOUDTRAIL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_TIME), "2026-01-01T00:00:00.000Z");
	CHECK_EQ_INT(k8a_event_time(ev), 1767225600000000LL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER), NULL);
	/* eventTime wins when both are there */
	ev = t_event("{\"eventVersion\":\"1.08\",\"eventName\":\"X\",\"eventTime\":\"2026-01-02T00:00:00Z\","
		     "\"@timestamp\":\"2026-01-01T00:00:00.000Z\"}");
	REQUIRE(ev != NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_TIME), "2026-01-02T00:00:00Z");
}

K8A_TEST(event_source_detection)
{
	k8a_event *ev;

	ev = t_event("{\"kind\":0}");
	REQUIRE(ev != NULL);
	CHECK(k8a_event_json(ev) != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_UNKNOWN);
	CHECK(strstr(k8a_event_error(ev), "not a Kubernetes audit event or CloudTrail record") != NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_VERB), NULL);
	CHECK_EQ_INT(k8a_event_code(ev), 0);

	ev = t_event("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\"}");
	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_K8S);

	ev = t_event("{\"kind\":\"Event\",\"apiVersion\":\"v1\",\"reason\":\"Pulled\"}"); /* a core/v1 Event */
	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_UNKNOWN);

	ev = t_event("{\"eventName\":\"X\",\"eventSource\":\"s3.amazonaws.com\"}");
	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_CLOUDTRAIL);

	ev = t_event("{\"eventName\":\"X\"}");
	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_UNKNOWN);

	ev = t_event("{\"eventName\":1,\"eventVersion\":\"1.08\"}");
	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_UNKNOWN);

	ev = t_event("{\"a\":}");
	REQUIRE(ev != NULL);
	CHECK(k8a_event_json(ev) == NULL);
	CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_UNKNOWN);
	CHECK(strncmp(k8a_event_error(ev), "invalid JSON", 12) == 0);
	CHECK(k8a_event_time(ev) == INT64_MIN);
	/* asking again gives the same answer without reparsing */
	CHECK(k8a_event_json(ev) == NULL);
	CHECK(strncmp(k8a_event_error(ev), "invalid JSON", 12) == 0);
}

K8A_TEST(event_raw_before_parse)
{
	/* the raw bytes come without parsing, even for invalid JSON */
	k8a_event *ev = t_event("{\"verb\":\"get\",,}");
	size_t n = 0;
	const char *raw;

	REQUIRE(ev != NULL);
	raw = k8a_event_raw(ev, &n);
	CHECK_EQ_MEM(raw, n, "{\"verb\":\"get\",,}", 16);
	CHECK(k8a_event_raw(ev, NULL) == raw);
	CHECK_EQ_STR(k8a_event_where(ev), "event:1");
	CHECK_EQ_INT(k8a_event_origin(ev)->index, -1);
	CHECK_EQ_INT(k8a_event_origin(ev)->offset, 0);
}

K8A_TEST(event_code_types)
{
	k8a_event *ev = t_event("{\"auditID\":\"x\",\"verb\":\"get\",\"responseStatus\":{\"code\":\"403\"}}");

	REQUIRE(ev != NULL);
	/* a code that is not an integer is absent */
	CHECK_EQ_INT(k8a_event_code(ev), 0);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CODE), NULL);
	ev = t_event("{\"auditID\":\"x\",\"verb\":\"get\",\"responseStatus\":{\"code\":500}}");
	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_code(ev), 500);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CODE), "500");
}

K8A_TEST(event_extra_values_as_strings)
{
	/* user.extra values are arrays; a plain string is taken as well */
	k8a_event *ev = t_event("{\"auditID\":\"x\",\"verb\":\"get\",\"user\":{\"username\":\"u\","
				"\"extra\":{\"accessKeyId\":\"AKIASTRING\",\"arn\":[],\"sessionName\":[\"\"]}}}");

	REQUIRE(ev != NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCESS_KEY), "AKIASTRING");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ARN), NULL);
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SESSION), "");
	CHECK_EQ_STR(k8a_event_str(ev, K8A_F_ACCOUNT), NULL);
}

/* Fields of the wrong JSON type are absent, never a crash. */
K8A_TEST(event_wrong_types)
{
	static const char *const docs[] = {
		"{'kind':'Event','apiVersion':'audit.k8s.io/v1','auditID':7,'verb':['get'],'user':'root',"
		"'sourceIPs':'1.2.3.4','objectRef':[1],'responseStatus':{'code':'x'},'annotations':[],"
		"'impersonatedUser':'x','stageTimestamp':5,'userAgent':{},'stage':null,'requestURI':1}",
		"{'kind':'Event','apiVersion':'audit.k8s.io/v1','user':{'username':1,'uid':'aws-iam-authenticator',"
		"'extra':{'arn':[1],'canonicalArn':'arn:aws:iam::','accessKeyId':{}}},'sourceIPs':[],"
		"'responseStatus':{'code':1e400}}",
		"{'kind':'Event','apiVersion':'audit.k8s.io/v1','user':{'extra':[]},'sourceIPs':[null,2]}",
		"{'eventVersion':'1.08','eventName':'X','userIdentity':'root','sessionContext':1}",
		"{'eventVersion':'1.08','eventName':'X','userIdentity':{'type':'AssumedRole','arn':'no-slash',"
		"'sessionContext':{'sessionIssuer':[]}},'eventTime':{},'errorCode':1}",
		"{'eventVersion':'1.08','eventName':'X','userIdentity':{'type':'AssumedRole','arn':'a/'}}",
	};
	size_t i;
	int f;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		k8a_event *ev = t_event(J(docs[i]));
		if (!CHECK(ev != NULL))
			continue;
		if (k8a_event_json(ev) == NULL) {
			/* 1e400 is out of range for jansson: an invalid record */
			CHECK(k8a_event_error(ev)[0] != '\0');
			continue;
		}
		for (f = 0; f < K8A_F_COUNT_; f++) {
			const char *s = k8a_event_str(ev, (enum k8a_field)f);
			if (s != NULL)
				CHECK(strlen(s) < 1000);
		}
		k8a_event_code(ev);
		CHECK(k8a_event_time(ev) == INT64_MIN);
	}
	/* spot checks */
	{
		k8a_event *ev = t_event(J(docs[0]));
		REQUIRE(ev != NULL);
		CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_K8S);
		CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER), NULL);
		CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SOURCE_IP), NULL);
		CHECK_EQ_STR(k8a_event_str(ev, K8A_F_VERB), NULL);
		CHECK_EQ_INT(k8a_event_code(ev), 0);
		ev = t_event(J(docs[5]));
		REQUIRE(ev != NULL);
		CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SESSION), "");
		ev = t_event(J(docs[4]));
		REQUIRE(ev != NULL);
		CHECK_EQ_STR(k8a_event_str(ev, K8A_F_SESSION), NULL);
		CHECK_EQ_STR(k8a_event_str(ev, K8A_F_CANONICAL_ARN), NULL);
	}
}

K8A_TEST(event_strerror_and_version)
{
	int codes[] = { K8A_OK, K8A_EOF, K8A_WARN, K8A_FAILED, K8A_FATAL, 12345 };
	size_t i, j;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		const char *s = k8a_strerror(codes[i]);
		CHECK(s != NULL && s[0] != '\0');
		for (j = 0; j < i && s; j++)
			if (i < 5 && strcmp(s, k8a_strerror(codes[j])) == 0)
				k8a_test_fail(__FILE__, __LINE__, "codes %d and %d share \"%s\"", codes[i], codes[j], s);
	}
	CHECK(strstr(k8a_version_details(), K8A_VERSION_STRING) != NULL);
}

/* ---- memory running out inside a parse ---- */

/* jansson's allocations, failed at the Nth while armed.  Installed before
 * main, so the library's watch over jansson chains to it. */
static unsigned long jfail_at, jcalls;
static int jarmed;

static void *
jtest_malloc(size_t n)
{
	if (jarmed && ++jcalls == jfail_at)
		return NULL;
	return malloc(n);
}

static void __attribute__((constructor))
jtest_install(void)
{
	json_set_alloc_funcs(jtest_malloc, free);
}

/* Every allocation of a record's parse failing in turn: the event says
 * "out of memory", never invalid JSON, and nothing crashes or leaks.
 * (jansson 2.14 corrupted the heap on some of these when it saw the
 * failure itself: ASan tells; the library now serves the failing
 * allocation from a spare block and reports the parse out of memory.) */
K8A_TEST(event_parse_out_of_memory_at_every_allocation)
{
	const char *json = J(EKS_IAM);
	unsigned long n;

	for (n = 1; n < 10000; n++) {
		k8a_event *ev = t_event(json);
		json_t *root;

		REQUIRE(ev != NULL);
		jcalls = 0;
		jfail_at = n;
		jarmed = 1;
		root = k8a_event_json(ev);
		jarmed = 0;
		if (jcalls < n) { /* no allocation failed: every N was tried */
			CHECK(root != NULL);
			CHECK(n > 20);
			break;
		}
		CHECK(root == NULL);
		CHECK_EQ_INT(k8a_event_nomem(ev), 1);
		CHECK_EQ_STR(k8a_event_error(ev), "out of memory");
	}
}
