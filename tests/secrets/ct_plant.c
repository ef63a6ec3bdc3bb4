/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The CloudTrail leak positions of research/secret-scan.md 5.3: what AWS
 * does not hide.  STS session tokens in responseElements, ECS container
 * environments, CodeBuild PLAINTEXT variables, Glue connection
 * properties, CloudFormation parameters; the request and its echo in the
 * response are both labelled.  Also the lookup-events wrapper.
 */
#include <string.h>

#include "ct.h"

static json_t *
env_array(struct job *j, enum pos p, const char *base, struct sites *ss, int codebuild)
{
	json_t *env = json_array();
	size_t i;
	int k;

	json_array_append_new(env, json_pack("{s:s,s:s}", "name", "AWS_REGION", "value", REGION));
	json_array_append_new(env, json_pack("{s:s,s:s}", "name", "APP_ENV", "value", "production"));
	for (k = 0; k < j->n; k++)
		env_add(env, base, &j->s[k], p, ss);
	if (rnd(2))
		env_add_neg(env, base, neg_env(), ss);
	if (codebuild)
		for (i = 0; i < json_array_size(env); i++)
			json_object_set_new(json_array_get(env, i), "type", json_string("PLAINTEXT"));
	return env;
}

static json_t *
plant_ecs(struct job *j, enum pos p)
{
	const char *app = apps_ct[rnd(NAPPS_CT)];
	struct sites ss = { .n = 0 };
	struct ct c;

	if (rnd(3)) {
		json_t *env = env_array(j, p, "/containerDefinitions/0/environment", &ss, 0);
		json_t *defs = json_pack("[{s:s,s:s,s:i,s:i,s:[{s:i,s:s}],s:b,s:o,s:{s:s,s:{s:s,s:s,s:s}}}]", "name", app,
			"image", ar_printf(ACCT ".dkr.ecr." REGION ".amazonaws.com/%s:v2.%u.%u", app, rnd(20), rnd(10)),
			"cpu", 256, "memory", 512, "portMappings", "containerPort", 8080, "protocol", "tcp", "essential", 1,
			"environment", env, "logConfiguration", "logDriver", "awslogs", "options", "awslogs-group",
			ar_printf("/ecs/%s", app), "awslogs-region", REGION, "awslogs-stream-prefix", "ecs");
		unsigned rev = 1 + rnd(60);
		ct_defaults(&c, "ecs.amazonaws.com", "RegisterTaskDefinition");
		if (rnd(2))
			ct_user(&c, "terraform");
		else
			ct_role(&c, "gitlab-deployer");
		c.req = json_pack("{s:s,s:O,s:s,s:s,s:s,s:[s],s:s,s:s}", "family", app, "containerDefinitions", defs,
			"taskRoleArn", ar_printf("arn:aws:iam::" ACCT ":role/%s-task", app), "executionRoleArn",
			"arn:aws:iam::" ACCT ":role/ecsTaskExecutionRole", "networkMode", "awsvpc", "requiresCompatibilities",
			"FARGATE", "cpu", "256", "memory", "512");
		c.resp = json_pack("{s:{s:s,s:o,s:s,s:i,s:[],s:s,s:[s,s],s:[s],s:s,s:s,s:s,s:s}}", "taskDefinition",
			"taskDefinitionArn", ar_printf("arn:aws:ecs:" REGION ":" ACCT ":task-definition/%s:%u", app, rev),
			"containerDefinitions", defs, "family", app, "revision", (int)rev, "volumes", "status", "ACTIVE",
			"compatibilities", "EC2", "FARGATE", "requiresCompatibilities", "FARGATE", "cpu", "256", "memory", "512",
			"registeredAt", stamp_aws(now_us),
			"registeredBy", ar_printf("arn:aws:iam::" ACCT ":user/terraform"));
		sites_emit(&ss, "/requestParameters", 0, -1);
		sites_emit(&ss, "/responseElements/taskDefinition", 0, -1);
	} else {
		json_t *env = env_array(j, p, "/containerOverrides/0/environment", &ss, 0);
		json_t *ov = json_pack("{s:[{s:s,s:o}]}", "containerOverrides", "name", app, "environment", env);
		ct_defaults(&c, "ecs.amazonaws.com", "RunTask");
		ct_role(&c, "gitlab-deployer");
		c.req = json_pack("{s:s,s:i,s:s,s:O,s:s}", "cluster", "payments-fargate", "count", 1, "launchType", "FARGATE",
			"overrides", ov, "taskDefinition", ar_printf("%s:%u", app, 1 + rnd(60)));
		c.resp = json_pack("{s:[{s:s,s:s,s:o,s:s,s:s}],s:[]}", "tasks", "taskArn",
			ar_printf("arn:aws:ecs:" REGION ":" ACCT ":task/payments-fargate/%s", rstr(32, A_HEX)), "clusterArn",
			"arn:aws:ecs:" REGION ":" ACCT ":cluster/payments-fargate", "overrides", ov, "lastStatus",
			"PROVISIONING", "launchType", "FARGATE", "failures");
		sites_emit(&ss, "/requestParameters/overrides", 0, -1);
		sites_emit(&ss, "/responseElements/tasks/0/overrides", 0, -1);
	}
	return ct_json(&c);
}

static json_t *
plant_codebuild(struct job *j, enum pos p)
{
	const char *app = apps_ct[rnd(NAPPS_CT)];
	struct sites ss = { .n = 0 };
	struct ct c;

	if (rnd(2)) {
		json_t *env = env_array(j, p, "/environmentVariables", &ss, 1);
		json_t *envo = json_pack("{s:s,s:s,s:s,s:o,s:b,s:s}", "type", "LINUX_CONTAINER", "image",
			"aws/codebuild/standard:7.0", "computeType", "BUILD_GENERAL1_SMALL", "environmentVariables", env,
			"privilegedMode", 1, "imagePullCredentialsType", "CODEBUILD");
		json_t *src = json_pack("{s:s,s:s,s:s}", "type", "GITLAB", "location",
			ar_printf("https://gitlab.com/acme/%s.git", app), "buildspec", "buildspec.yml");
		ct_defaults(&c, "codebuild.amazonaws.com", rnd(2) ? "CreateProject" : "UpdateProject");
		if (rnd(2))
			ct_user(&c, "terraform");
		else
			ct_sso(&c);
		c.req = json_pack("{s:s,s:O,s:{s:s},s:O,s:s}", "name", app, "source", src, "artifacts", "type", "NO_ARTIFACTS",
			"environment", envo, "serviceRole", "arn:aws:iam::" ACCT ":role/codebuild-payments-service-role");
		c.resp = json_pack("{s:{s:s,s:s,s:o,s:{s:s},s:o,s:s,s:i,s:s,s:s}}", "project", "name", app, "arn",
			ar_printf("arn:aws:codebuild:" REGION ":" ACCT ":project/%s", app), "source", src, "artifacts", "type",
			"NO_ARTIFACTS", "environment", envo, "serviceRole", "arn:aws:iam::" ACCT ":role/codebuild-payments-service-role",
			"timeoutInMinutes", 60, "created",
			stamp_aws(now_us - (int64_t)rnd(86400 * 30) * 1000000), "lastModified", stamp_aws(now_us));
		sites_emit(&ss, "/requestParameters/environment", 0, -1);
		sites_emit(&ss, "/responseElements/project/environment", 0, -1);
	} else {
		json_t *env = env_array(j, p, "", &ss, 1);
		const char *id = ar_printf("%s:%s", app, uuid());
		ct_defaults(&c, "codebuild.amazonaws.com", "StartBuild");
		ct_role(&c, "gitlab-deployer");
		c.req = json_pack("{s:s,s:O}", "projectName", app, "environmentVariablesOverride", env);
		c.resp = json_pack("{s:{s:s,s:s,s:i,s:s,s:s,s:s,s:{s:s,s:s,s:s,s:o}}}", "build", "id", id, "arn",
			ar_printf("arn:aws:codebuild:" REGION ":" ACCT ":build/%s", id), "buildNumber", (int)(100 + rnd(900)),
			"currentPhase", "QUEUED", "buildStatus", "IN_PROGRESS", "projectName", app, "environment", "type",
			"LINUX_CONTAINER", "image", "aws/codebuild/standard:7.0", "computeType", "BUILD_GENERAL1_SMALL",
			"environmentVariables", env);
		sites_emit(&ss, "/requestParameters/environmentVariablesOverride", 0, -1);
		sites_emit(&ss, "/responseElements/build/environment/environmentVariables", 0, -1);
	}
	return ct_json(&c);
}

static json_t *
plant_glue(struct job *j, enum pos p)
{
	struct secret *s = &j->s[0];
	const char *app = apps_ct[rnd(NAPPS_CT)];
	int url = strcmp(types[s->type].id, "url-credential") == 0;

	if (url) {
		/* a Glue MongoDB / DocumentDB connection: the URL holds the password */
		s->value = ar_printf("mongodb://etl:%s@%s-docdb.cluster-c9x2kq1m0abc." REGION ".docdb.amazonaws.com:27017/%s"
			"?tls=true&replicaSet=rs0&readPreference=secondaryPreferred", rstr_min_entropy(20, A_ALNUM, 3.8), app, app);
		s->kv[s->main].value = s->value;
	}
	json_t *props;
	struct ct c;

	ct_defaults(&c, "glue.amazonaws.com", rnd(3) ? "CreateConnection" : "UpdateConnection");
	ct_sso(&c);
	if (url)
		props = json_pack("{s:s,s:s}", "CONNECTION_URL", s->value, "JDBC_ENFORCE_SSL", "true");
	else
		props = json_pack("{s:s,s:s,s:s,s:s}", "JDBC_CONNECTION_URL",
			ar_printf("jdbc:postgresql://%s-db.cluster-c9x2kq1m0abc." REGION ".rds.amazonaws.com:5432/%s", app, app),
			"USERNAME", "etl", "PASSWORD", s->value, "JDBC_ENFORCE_SSL", "true");
	c.req = json_pack("{s:s,s:{s:s,s:s,s:o,s:{s:s,s:[s],s:s}}}", "catalogId", ACCT, "connectionInput", "name",
		ar_printf("%s-%s", app, url ? "documents" : "warehouse"), "connectionType", url ? "MONGODB" : "JDBC",
		"connectionProperties", props, "physicalConnectionRequirements", "subnetId",
		ar_printf("subnet-0%s", rstr(16, A_HEX)), "securityGroupIdList", ar_printf("sg-0%s", rstr(16, A_HEX)),
		"availabilityZone", REGION "a");
	if (c.name[0] == 'U')
		json_object_set_new(c.req, "name", json_string(ar_printf("%s-%s", app, url ? "documents" : "warehouse")));
	label(url ? "/requestParameters/connectionInput/connectionProperties/CONNECTION_URL" :
		    "/requestParameters/connectionInput/connectionProperties/PASSWORD", s, p, st0());
	return ct_json(&c);
}

static json_t *
plant_cfn(struct job *j, enum pos p)
{
	const char *app = apps_ct[rnd(NAPPS_CT)];
	json_t *params = json_array();
	struct sites ss = { .n = 0 };
	struct ct c;
	int i, k;

	json_array_append_new(params, json_pack("{s:s,s:s}", "parameterKey", "Environment", "parameterValue", "production"));
	for (i = 0; i < j->n; i++) {
		const struct secret *s = &j->s[i];
		for (k = 0; k < s->nkv; k++) {
			site_kv(&ss, ar_printf("/%zu/parameterValue", json_array_size(params)), s, &s->kv[k], p, s->kv[k].st);
			json_array_append_new(params, json_pack("{s:s,s:s}", "parameterKey", camel(s->kv[k].name),
				"parameterValue", s->kv[k].value));
		}
	}
	json_array_append_new(params, json_pack("{s:s,s:s}", "parameterKey", "InstanceType", "parameterValue", "t3.medium"));
	ct_defaults(&c, "cloudformation.amazonaws.com", rnd(3) ? "CreateStack" : "UpdateStack");
	if (rnd(2))
		ct_user(&c, "terraform");
	else
		ct_role(&c, "gitlab-deployer");
	c.req = json_pack("{s:s,s:s,s:o,s:[s]}", "stackName", ar_printf("%s-stack", app), "templateURL",
		ar_printf("https://acme-cfn-templates.s3." REGION ".amazonaws.com/%s/main.yaml", app), "parameters", params,
		"capabilities", "CAPABILITY_NAMED_IAM");
	c.resp = json_pack("{s:s}", "stackId", ar_printf("arn:aws:cloudformation:" REGION ":" ACCT ":stack/%s-stack/%s", app, uuid()));
	sites_emit(&ss, "/requestParameters/parameters", 0, -1);
	return ct_json(&c);
}

json_t *
ct_plant(struct job *j)
{
	enum pos p = j->pos == P_LOOKUP ? j->inner : j->pos;

	switch (p) {
	case P_STS:
		return ct_sts(&j->s[0]);
	case P_ECS_ENV:
		return plant_ecs(j, p);
	case P_CODEBUILD_ENV:
		return plant_codebuild(j, p);
	case P_GLUE:
		return plant_glue(j, p);
	case P_CFN:
		return plant_cfn(j, p);
	default:
		die("no CloudTrail placer for %s", pos_names[p]);
	}
}

/* An element of `aws cloudtrail lookup-events` output around a record. */
json_t *
ct_lookup_entry(json_t *rec)
{
	json_t *id = json_object_get(rec, "userIdentity");
	const char *user = json_string_value(json_object_get(id, "userName"));
	const char *key = json_string_value(json_object_get(id, "accessKeyId"));
	const char *arn = json_string_value(json_object_get(id, "arn"));
	json_t *e = json_object();

	if (user == NULL && arn)
		user = strrchr(arn, '/') ? strrchr(arn, '/') + 1 : arn;
	json_object_set_new(e, "EventId", json_string(json_string_value(json_object_get(rec, "eventID"))));
	json_object_set_new(e, "EventName", json_string(json_string_value(json_object_get(rec, "eventName"))));
	json_object_set_new(e, "ReadOnly", json_string(json_is_true(json_object_get(rec, "readOnly")) ? "true" : "false"));
	if (key)
		json_object_set_new(e, "AccessKeyId", json_string(key));
	json_object_set_new(e, "EventTime", json_string(ar_printf("%.19s+00:00",
		json_string_value(json_object_get(rec, "eventTime")))));
	json_object_set_new(e, "EventSource", json_string(json_string_value(json_object_get(rec, "eventSource"))));
	if (user)
		json_object_set_new(e, "Username", json_string(user));
	json_object_set_new(e, "Resources", json_array());
	json_object_set_new(e, "CloudTrailEvent", json_string(aws_dumps(rec)));
	return e;
}
