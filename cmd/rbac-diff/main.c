/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: replay RBAC (Roles, ClusterRoles, their bindings), the
 * aws-auth ConfigMap and EKS access entries from Kubernetes audit logs and
 * CloudTrail, in time order; print the change log, the state at a moment,
 * the difference between two moments, who could do what, granted vs used
 * permissions, and the chain of AWS credentials behind every change.
 *
 * Only what matters is kept: the RBAC-relevant requests (bodies trimmed),
 * the CloudTrail events that minted temporary keys, and aggregates of the
 * requests asked about.  Memory follows the number of RBAC objects and
 * changes, not the number of events.
 */
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <unistd.h>

#include "fe.h"
#include "rd.h"

static const char synopsis[] =
	"[-s] [-j N] [--header] [--json] [--all] [-w EXPR] [--since TIME] [--until TIME] [--strict]\n"
	"       [--snapshot PATH[@TIME]]... [--at TIME | --from TIME [--to TIME]\n"
	"       | --who-can VERB RESOURCE [-n NS] | --granted-vs-used SUBJECT [--suggest]\n"
	"       | --exposure] [--shard K/N] [--partial FILE] [PATH...]\n"
	"       rbac-diff [--json] [--all] [--header] --state FILE [--state-reset] [-o FILE] [PATH...]\n"
	"       rbac-diff [report options] --merge [--partial FILE] PARTIAL...";

enum {
	O_JSON, O_ALL, O_SNAPSHOT, O_AT, O_FROM, O_TO, O_WHO, O_NS, O_GVU, O_SUGGEST, O_EXPOSURE,
	O_HEADER, O_WHERE, O_SINCE, O_UNTIL, O_STRICT, O_THREADS, O_SHARD, O_LIMIT, O_PARTIAL, O_MERGE, O_STATE, O_STATE_RESET, O_OUTPUT, O_SILENT, O_HELP, O_VERSION,
};

static const struct fe_opt opts[] = {
	[O_JSON] = { "json", 0, 0, NULL, "print one JSON object per line" },
	[O_ALL] = { "all", 'a', 0, NULL, "also show requests that failed (they change nothing)" },
	[O_SNAPSHOT] = { "snapshot", 0, 1, "PATH[@TIME]", "seed the state with kubectl get -o json output as of TIME (or before the logs)" },
	[O_AT] = { "at", 0, 1, "TIME", "print the state at TIME; with --who-can or --granted-vs-used, decide at TIME" },
	[O_FROM] = { "from", 0, 1, "TIME", "print what differs between the states at TIME and at --to" },
	[O_TO] = { "to", 0, 1, "TIME", "the later moment for --from (default: the end of the logs)" },
	[O_WHO] = { "who-can", 0, 1, "VERB RESOURCE", "every subject that could VERB RESOURCE (resource[.group][/sub] or /url)" },
	[O_NS] = { "namespace", 'n', 1, "NS", "with --who-can: in namespace NS (default: any)" },
	[O_GVU] = { "granted-vs-used", 0, 1, "SUBJECT", "what SUBJECT's bindings grant vs what its requests used" },
	[O_SUGGEST] = { "suggest", 0, 0, NULL, "with --granted-vs-used: print least-privilege RBAC as YAML (or JSON)" },
	[O_EXPOSURE] = { "exposure", 0, 0, NULL, "when anonymous or all users held a binding, and what anonymous did then" },
	[O_HEADER] = { "header", 0, 0, NULL, "print a header line naming the columns" },
	[O_WHERE] = { "where", 'w', 1, "EXPR", "report only the changes and requests whose records EXPR holds for (repeatable: any); the state is replayed from every record" },
	[O_SINCE] = { "since", 0, 1, "TIME", "report only changes and requests at or after TIME (RFC 3339, or 30m, 2h, 7d ago)" },
	[O_UNTIL] = { "until", 0, 1, "TIME", "report only changes and requests before TIME" },
	[O_STRICT] = FE_OPT_STRICT,
	[O_THREADS] = { "threads", 'j', 1, "N", FE_OPT_THREADS_HELP },
	[O_SHARD] = FE_OPT_SHARD,
	[O_LIMIT] = FE_OPT_LIMIT,
	[O_PARTIAL] = FE_OPT_PARTIAL,
	[O_MERGE] = FE_OPT_MERGE,
	[O_STATE] = FE_OPT_STATE,
	[O_STATE_RESET] = FE_OPT_STATE_RESET,
	[O_OUTPUT] = { "output", 'o', 1, "FILE", "append the change log to FILE; with --state each change exactly once" },
	[O_SILENT] = { "no-messages", 's', 0, NULL, "suppress messages about unreadable inputs" },
	[O_HELP] = FE_OPT_HELP,
	[O_VERSION] = FE_OPT_VERSION,
	{ NULL, 0, 0, NULL, NULL },
};

static int
change_cmp(const void *a, const void *b)
{
	const struct rd_change *x = *(const struct rd_change *const *)a;
	const struct rd_change *y = *(const struct rd_change *const *)b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
req_cmp(const void *a, const void *b)
{
	const struct rd_req *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t;
}

/* Collect, put the changes in time order, follow their keys, replay, and
 * print the report asked for. */
static int
run(struct rd *rd)
{
	size_t i;
	int status;

	if (rd->who_verb)
		rd_parse_query(&rd->q, rd->who_verb, rd->who_res);
	if (rd->state_path && (rd->part = fe_partial_new(rd->nargs, rd->args)) == NULL) {
		fe_nomem_diag(NULL);
		return FE_EXIT_TROUBLE;
	}
	if ((rd->state_path || rd->output) && rd_state_open(rd) != 0)
		return FE_EXIT_TROUBLE;
	if (rd_collect(rd) != 0)
		return FE_EXIT_TROUBLE;
	if (rd->partial) {
		/* the merge reports; a shard says only whether it went well */
		json_t *meta = json_pack("{s:o}", "question", rd_question(rd));
		if (meta == NULL)
			fe_nomem_diag(NULL);
		if (meta == NULL || fe_partial_write(rd->part, rd->partial, "rbac-diff", meta, rd->records, rd->trouble,
		    rd->sc.limit[FE_LIMIT_STATE]) != 0)
			rd->trouble = 1;
		json_decref(meta);
		return rd->trouble ? FE_EXIT_TROUBLE : FE_EXIT_OK;
	}
	if (rd->nch)
		qsort(rd->ch, rd->nch, sizeof(*rd->ch), change_cmp);
	if (rd->nreqs)
		qsort(rd->reqs, rd->nreqs, sizeof(*rd->reqs), req_cmp);
	for (i = 0; i < rd->nch; i++) {
		json_t *actor = json_object_get(rd->ch[i]->record, "actor");
		const char *key = rd_jstr(actor, "access_key");
		if (key)
			rd->ch[i]->chain = rd_chain(rd, key, rd_jstr(actor, "arn"), rd_jstr(actor, "type"));
	}
	rd_replay(rd, INT64_MAX);
	if (fe_nomem()) { /* the changes, chains or state are incomplete */
		fe_nomem_diag(NULL);
		return FE_EXIT_TROUBLE;
	}
	if (rd->state_path && rd_state_mark(rd) != 0)
		return FE_EXIT_TROUBLE;
	if (rd->who_verb)
		status = rd_report_who(rd);
	else if (rd->gvu)
		status = rd_report_gvu(rd);
	else if (rd->exposure)
		status = rd_report_exposure(rd);
	else if (rd->has_from)
		status = rd_report_fromto(rd);
	else if (rd->has_at)
		status = rd_report_at(rd);
	else
		status = rd_report_changes(rd);
	/* the changes written, then the state that says so */
	if ((rd->state_path || rd->output) && !fe_nomem() && rd_state_commit(rd) != 0)
		rd->trouble = 1;
	if (fe_finish_stdout() != 0)
		rd->trouble = 1;
	if (rd->dropped_reqs)
		fe_diag(NULL, "%zu anonymous requests beyond the first 200000 were not kept", rd->dropped_reqs);
	if (fe_nomem()) { /* a report stops at the first row it could not make whole */
		fe_nomem_diag(NULL);
		return FE_EXIT_TROUBLE;
	}
	return rd->trouble ? FE_EXIT_TROUBLE : status;
}

/* --partial and --merge with what they cannot go with.  0, or -1 after a
 * usage error. */
static int
scaleout_check(const struct rd *rd, int argc)
{
	const struct fe_scope *sp = &rd->sc;

	if (rd->partial && (sp->nwhere || sp->has_since || sp->has_until || rd->nsnaps || rd->has_at || rd->has_from ||
			    rd->json || rd->all || rd->header || rd->suggest)) {
		/* the merge replays and reports: what it reports is its business */
		fe_usage_error(synopsis, "--partial: writes no report: -w, --since, --until, --snapshot, --at, --from, "
			"--to, --json, --all, --header and --suggest go with --merge");
		return -1;
	}
	if ((rd->state_path || rd->output) && (rd->partial || rd->merge || rd->nsnaps || rd->has_at || rd->has_from ||
					  rd->who_verb || rd->gvu || rd->exposure)) {
		/* the change log is what grows with the tree */
		fe_usage_error(synopsis, "--state and -o go with the change log only: not with --partial, --merge, "
			"--snapshot, --at, --from, --who-can, --granted-vs-used or --exposure");
		return -1;
	}
	if (rd->state_reset && rd->state_path == NULL) {
		fe_usage_error(synopsis, "--state-reset: only with --state");
		return -1;
	}
	if (rd->merge && sp->nshards) {
		fe_usage_error(synopsis, "--merge: --shard goes with the shards (--partial)");
		return -1;
	}
	if (rd->merge && fe_optind >= argc) {
		fe_usage_error(synopsis, "--merge: no partial results given");
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct rd rd;
	const char *arg;
	int o, i, rc;

	fe_init(argv[0]);
	rd_init(&rd);
	while ((o = fe_getopt(argc, argv, opts, &arg)) != -1) {
		switch (o) {
		case O_JSON: rd.json = 1; break;
		case O_ALL: rd.all = 1; break;
		case O_SNAPSHOT:
			if (rd_add_snapshot(&rd, arg) != 0) {
				fe_usage_error(synopsis, "--snapshot: out of memory");
				rd_free(&rd);
				return FE_EXIT_TROUBLE;
			}
			break;
		case O_AT:
		case O_FROM:
		case O_TO: {
			int64_t t;
			char why[256];
			int w = fe_parse_when(arg, &t);
			if (w != 0) {
				fe_usage_error(synopsis, "--%s: %s", opts[o].lng,
					fe_when_error(w, arg, why, sizeof(why)));
				rd_free(&rd);
				return FE_EXIT_TROUBLE;
			}
			if (o == O_AT)
				rd.at = t, rd.has_at = 1;
			else if (o == O_FROM)
				rd.from = t, rd.has_from = 1;
			else
				rd.to = t, rd.has_to = 1;
			break;
		}
		case O_WHO:
			/* The resource is the next argument. */
			if (optind >= argc || argv[optind][0] == '\0') {
				fe_usage_error(synopsis, "--who-can needs VERB and RESOURCE");
				rd_free(&rd);
				return FE_EXIT_TROUBLE;
			}
			rd.who_verb = arg;
			rd.who_res = argv[optind++];
			break;
		case O_NS: rd.ns = arg; break;
		case O_GVU: rd.gvu = arg; break;
		case O_SUGGEST: rd.suggest = 1; break;
		case O_EXPOSURE: rd.exposure = 1; break;
		case O_HEADER: rd.header = 1; break;
		case O_PARTIAL: rd.partial = arg; break;
		case O_STATE: rd.state_path = arg; break;
		case O_STATE_RESET: rd.state_reset = 1; break;
		case O_OUTPUT: rd.output = arg; break;
		case O_MERGE: rd.merge = 1; break;
		case O_WHERE: case O_SINCE: case O_UNTIL: case O_STRICT: case O_THREADS: case O_SHARD: case O_LIMIT: case O_SILENT:
			if ((rc = fe_scope_opt(&rd.sc, opts[o].lng, arg, synopsis)) != 0) {
				if (rc == K8A_FATAL)
					fe_diag(NULL, "out of memory");
				rd_free(&rd);
				return FE_EXIT_TROUBLE;
			}
			rd.threads = rd.sc.threads;
			rd.silent = rd.sc.silent;
			break;
		case O_HELP:
			fe_help(stdout, synopsis,
				"Replay Roles, ClusterRoles, RoleBindings, ClusterRoleBindings, the aws-auth\n"
				"ConfigMap and EKS access entries from Kubernetes audit logs and CloudTrail\n"
				"in time order.  By default print the change log (TSV: time, verb, kind,\n"
				"namespace/name, actor, source IP, changes, dangerous grants, identity chain).\n"
				"CloudTrail given too is used to follow each change's access key back to the\n"
				"long-term credential that minted it.  See rbac-diff(1).",
				opts);
			rd_free(&rd);
			return fe_finish_stdout() ? FE_EXIT_TROUBLE : FE_EXIT_OK;
		case O_VERSION:
			fe_version();
			rd_free(&rd);
			return fe_finish_stdout() ? FE_EXIT_TROUBLE : FE_EXIT_OK;
		default:
			rd_free(&rd);
			return FE_EXIT_TROUBLE;
		}
	}
	if ((rd.has_to && !rd.has_from) || (rd.has_from && (rd.has_at || rd.who_verb || rd.gvu))) {
		fe_usage_error(synopsis, "--from goes with --to only (and --to needs --from)");
		rd_free(&rd);
		return FE_EXIT_TROUBLE;
	}
	if (rd.has_from && rd.has_to && rd.from > rd.to) {
		/* an interval that ends before it starts compares nothing */
		fe_usage_error(synopsis, "--from is later than --to");
		rd_free(&rd);
		return FE_EXIT_TROUBLE;
	}
	if ((rd.who_verb != NULL) + (rd.gvu != NULL) + rd.exposure > 1) {
		fe_usage_error(synopsis, "choose one of --who-can, --granted-vs-used, --exposure");
		rd_free(&rd);
		return FE_EXIT_TROUBLE;
	}
	if (rd.suggest && !rd.gvu) {
		fe_usage_error(synopsis, "--suggest goes with --granted-vs-used");
		rd_free(&rd);
		return FE_EXIT_TROUBLE;
	}
	if (rd.ns && !rd.who_verb) {
		fe_usage_error(synopsis, "-n goes with --who-can");
		rd_free(&rd);
		return FE_EXIT_TROUBLE;
	}
	if ((rd.sc.where || rd.sc.has_since || rd.sc.has_until) && (rd.has_at || rd.has_from || rd.who_verb || rd.gvu)) {
		/* a state is made of every change: a subset would be a wrong one */
		fe_usage_error(synopsis, "-w, --since and --until choose what the change log and --exposure report; "
			"--at, --from, --who-can and --granted-vs-used decide on the whole history");
		rd_free(&rd);
		return FE_EXIT_TROUBLE;
	}
	if (fe_scope_check(&rd.sc, synopsis) != 0 || scaleout_check(&rd, argc) != 0) {
		rd_free(&rd);
		return FE_EXIT_TROUBLE;
	}
	if (rd.merge) {
		rd.nmerge = argc - fe_optind;
		rd.mergev = argv + fe_optind;
	} else {
		if (fe_optind >= argc && rd.nsnaps == 0)
			rd_add_path(&rd, "-"); /* with snapshots alone, no logs */
		for (i = fe_optind; i < argc; i++)
			rd_add_path(&rd, argv[i]);
	}
	rd.nargs = argc - fe_optind;
	rd.args = argv + fe_optind;
	if (rd.partial && (rd.part = fe_partial_new(argc - fe_optind, argv + fe_optind)) == NULL) {
		fe_nomem_diag(NULL);
		rd_free(&rd);
		return FE_EXIT_TROUBLE;
	}
	rc = run(&rd);
	rd_free(&rd);
	return rc;
}

