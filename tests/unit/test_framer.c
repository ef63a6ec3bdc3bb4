/* SPDX-License-Identifier: BSD-2-Clause */
/* The framer: every framing cut into records, with exact origins. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* Offset of the n-th (0-based) occurrence of `needle` in `doc`. */
static int
at(const char *doc, const char *needle, int n)
{
	const char *p = doc;

	for (;;) {
		const char *q = strstr(p, needle);
		if (q == NULL)
			return -1000000;
		if (n-- == 0)
			return (int)(q - doc);
		p = q + 1;
	}
}

/* ---- JSON lines ---- */

K8A_TEST(lines_basic)
{
	CHECK_EQ_STR(t_read("{\"a\":1}\n{\"b\":2}\n"),
		"1:-1@0 {\"a\":1}\n"
		"2:-1@8 {\"b\":2}\n");
}

K8A_TEST(lines_crlf_blank_bom_no_final_newline)
{
	/* BOM(3) {"a":1}\r\n(9) \r\n(2) \n(1) {"b":2}\r\n(9) {"c":3} */
	CHECK_EQ_STR(t_read("\xef\xbb\xbf{\"a\":1}\r\n\r\n\n{\"b\":2}\r\n{\"c\":3}"),
		"1:-1@3 {\"a\":1}\n"
		"4:-1@15 {\"b\":2}\n"
		"5:-1@24 {\"c\":3}\n");
}

K8A_TEST(lines_surrounding_whitespace_trimmed)
{
	CHECK_EQ_STR(t_read("  {\"a\":1}  \t\n\t{\"b\":2}\n"),
		"1:-1@0 {\"a\":1}\n"
		"2:-1@13 {\"b\":2}\n");
}

K8A_TEST(lines_cloudwatch_export_prefix)
{
	/* the offset is that of the line (prefix included) */
	CHECK_EQ_STR(t_read("2021-08-11T09:29:13.095Z {\"kind\":\"Event\"}\n"
			    "2021-08-11T09:29:14Z {\"b\":2}\r\n"
			    "2021-08-11T09:29:15.000000Z {\"c\":3}"),
		"1:-1@0 {\"kind\":\"Event\"}\n"
		"2:-1@42 {\"b\":2}\n"
		"3:-1@72 {\"c\":3}\n");
}

K8A_TEST(lines_cloudwatch_truncated_warns_and_goes_on)
{
	const char *doc = "2021-08-11T09:29:13.095Z {\"a\":1}\n"
			  "2021-08-11T09:29:13.096Z {\"kind\":\"Event\",\"requestObject\":{\"x\":\"yyyy[Truncated...]\n"
			  "2021-08-11T09:29:13.097Z {\"b\":2}\n";
	char want[256];

	snprintf(want, sizeof(want), "1:-1@0 {\"a\":1}\n"
		"WARN mem:2: record truncated by CloudWatch Logs ([Truncated...])\n"
		"3:-1@%d {\"b\":2}\n", at(doc, "2021-08-11T09:29:13.097Z", 0));
	CHECK_EQ_STR(t_read(doc), want);
}

K8A_TEST(lines_truncated_without_prefix)
{
	CHECK_EQ_STR(t_read("{\"a\":1}\n{\"kind\":\"Event\",\"x\":\"y[Truncated...]\n{\"b\":2}\n"),
		"1:-1@0 {\"a\":1}\n"
		"WARN mem:2: record truncated by CloudWatch Logs ([Truncated...])\n"
		"3:-1@45 {\"b\":2}\n");
}

K8A_TEST(lines_bad_outline_warns_per_line)
{
	CHECK_EQ_STR(t_read("{\"a\":1}\n"
			    "{\"a\":\n"
			    "not json\n"
			    "[\"x\"]\n"
			    "{\"b\":2}\n"),
		"1:-1@0 {\"a\":1}\n"
		"WARN mem:2: incomplete JSON object (truncated record?)\n"
		"WARN mem:3: not a JSON object\n"
		"WARN mem:4: not a JSON object\n"
		"5:-1@29 {\"b\":2}\n");
}

K8A_TEST(lines_invalid_inside_valid_outline)
{
	/* the framer only checks the outline; the parse fails later, with a
	 * reason, and the stream goes on */
	k8a_reader *r = k8a_reader_new();
	const char *in = "{\"a\":1}\n{\"a\":}\n{\"b\":2}\n";
	k8a_event *ev;

	REQUIRE(r != NULL);
	k8a_reader_add_memory(r, in, strlen(in), "mem");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		CHECK(k8a_event_json(ev) == NULL);
		CHECK(strstr(k8a_event_error(ev), "invalid JSON") != NULL);
		CHECK_EQ_INT(k8a_event_origin(ev)->line, 2);
		CHECK_EQ_STR(k8a_event_where(ev), "mem:2");
		CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_UNKNOWN);
		CHECK(k8a_event_str(ev, K8A_F_VERB) == NULL);
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK(ev != NULL && k8a_event_origin(ev)->line == 3);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
}

K8A_TEST(lines_first_record_has_bad_outline)
{
	/* Sniffing must not be thrown off by a bad first line: today the
	 * incomplete first object makes the framer choose VALUES, and every
	 * record of the file is lost behind one "malformed JSON" warning at
	 * line 2. */
	CHECK_EQ_STR(t_read("{\"a\":1\n{\"b\":2}\n{\"c\":3}\n"),
		"WARN mem:1: incomplete JSON object (truncated record?)\n"
		"2:-1@7 {\"b\":2}\n"
		"3:-1@15 {\"c\":3}\n");
}

K8A_TEST(lines_first_record_unterminated_string)
{
	/* A log whose first line was cut inside a string (a copy taken
	 * mid-write, a tail -c): the framer sniffs VALUES because the first
	 * value is incomplete, and the whole stream is lost. */
	CHECK_EQ_STR(t_read("{\"kind\":\"Event\",\"auditID\":\"x\n{\"b\":2}\n{\"c\":3}\n"),
		"WARN mem:1: incomplete JSON object (truncated record?)\n"
		"2:-1@29 {\"b\":2}\n"
		"3:-1@37 {\"c\":3}\n");
}

K8A_TEST(values_objects_back_to_back_without_newline)
{
	/* Firehose with dataMessageExtraction but no AppendDelimiterToRecord:
	 * events concatenated without separator.  The sniffer takes the
	 * first object as a JSON line (no newline seen, end of data) and
	 * the whole text becomes one unparseable record. */
	CHECK_EQ_STR(t_read("{\"a\":1}{\"b\":2}{\"c\":3}"),
		"1:-1@0 {\"a\":1}\n"
		"1:-1@7 {\"b\":2}\n"
		"1:-1@14 {\"c\":3}\n");
}

/* ---- VALUES: containers ---- */

K8A_TEST(records_single_line)
{
	CHECK_EQ_STR(t_read("{\"Records\":[{\"a\":1},{\"b\":2}]}\n"),
		"1:0@12 {\"a\":1}\n"
		"1:1@20 {\"b\":2}\n");
}

K8A_TEST(records_pretty_printed)
{
	const char *doc = "{\n"
			  "  \"Records\": [\n"
			  "    {\n"
			  "      \"a\": 1\n"
			  "    },\n"
			  "    {\"b\": 2}\n"
			  "  ]\n"
			  "}\n";
	char want[256];

	snprintf(want, sizeof(want), "3:0@%d {\n      \"a\": 1\n    }\n6:1@%d {\"b\": 2}\n",
		(int)(strstr(doc, "{\n      ") - doc), (int)(strstr(doc, "{\"b\"") - doc));
	CHECK_EQ_STR(t_read(doc), want);
}

K8A_TEST(records_member_order_and_other_members)
{
	/* members before and after the array, nested arrays inside records */
	CHECK_EQ_STR(t_read("{\"x\":[1,2],\"Records\":[{\"a\":[{\"b\":[]}]}],\"y\":{\"z\":\"]}\"}}"),
		"1:0@22 {\"a\":[{\"b\":[]}]}\n");
}

K8A_TEST(records_empty_array)
{
	uint64_t skipped = 1;
	struct t_input in = { "{\"Records\":[]}", (size_t)-1, "mem" };

	CHECK_EQ_STR(t_transcript(&in, 1, NULL, &skipped), "");
	CHECK_EQ_INT(skipped, 0);
}

K8A_TEST(bare_array)
{
	CHECK_EQ_STR(t_read("[{\"a\":1},\n {\"b\":2}\n]\n"),
		"1:0@1 {\"a\":1}\n"
		"2:1@11 {\"b\":2}\n");
}

K8A_TEST(bare_array_non_object_element_warns)
{
	CHECK_EQ_STR(t_read("[{\"a\":1},42,{\"b\":2}]"),
		"1:0@1 {\"a\":1}\n"
		"WARN mem:1[1]: array element is not an object\n"
		"1:2@12 {\"b\":2}\n");
}

K8A_TEST(event_list)
{
	const char *doc = "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},"
			  "\"items\":[{\"kind\":\"Event\",\"auditID\":\"1\"},\n{\"kind\":\"Event\",\"auditID\":\"2\"}]}";
	char want[256];

	snprintf(want, sizeof(want), "1:0@%d {\"kind\":\"Event\",\"auditID\":\"1\"}\n"
		"2:1@%d {\"kind\":\"Event\",\"auditID\":\"2\"}\n",
		at(doc, "{\"kind\":\"Event\"", 0), at(doc, "{\"kind\":\"Event\"", 1));
	CHECK(at(doc, "{\"kind\":\"Event\"", 0) == 74);
	CHECK_EQ_STR(t_read(doc), want);
}

K8A_TEST(pretty_printed_single_events)
{
	/* objects spanning several lines, one after the other */
	CHECK_EQ_STR(t_read("{\n \"a\": 1\n}\n{\n \"b\": [2]\n}\n"),
		"1:-1@0 {\n \"a\": 1\n}\n"
		"4:-1@12 {\n \"b\": [2]\n}\n");
}

/* ---- CloudWatch subscription envelopes (Firehose) ---- */

#define ENV_DATA(msgs)                                                                      \
	"{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"111122223333\",\"logGroup\":\"/aws/eks/c/cluster\","  \
	"\"logStream\":\"kube-apiserver-audit-0\",\"subscriptionFilters\":[\"f\"],\"logEvents\":[" msgs "]}"
#define ENV_CONTROL                                                                         \
	"{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\",\"logStream\":\"\","  \
	"\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\",\"timestamp\":1510109208016,"           \
	"\"message\":\"CWL CONTROL MESSAGE: Checking health of destination Firehose.\"}]}"
#define LOGEV(id, msg) "{\"id\":\"" id "\",\"timestamp\":1510109208016,\"message\":\"" msg "\"}"

static const char firehose[] =
	ENV_DATA(LOGEV("1", "{\\\"kind\\\":\\\"Event\\\",\\\"auditID\\\":\\\"a1\\\"}") ","
		 LOGEV("2", "{\\\"kind\\\":\\\"Event\\\",\\\"auditID\\\":\\\"a2\\\"}"))
	ENV_CONTROL
	ENV_DATA(LOGEV("3", "{\\\"kind\\\":\\\"Event\\\",\\\"auditID\\\":\\\"a3\\\"}"));

static void
check_firehose(const char *got, uint64_t skipped)
{
	const char *e1 = strstr(firehose, "{\"id\":\"1\"");
	const char *e2 = strstr(firehose, "{\"id\":\"2\"");
	const char *e3 = strstr(firehose, "{\"id\":\"3\"");
	char want[512];

	snprintf(want, sizeof(want),
		"1:0@%d {\"kind\":\"Event\",\"auditID\":\"a1\"}\n"
		"1:1@%d {\"kind\":\"Event\",\"auditID\":\"a2\"}\n"
		"1:0@%d {\"kind\":\"Event\",\"auditID\":\"a3\"}\n",
		(int)(e1 - firehose), (int)(e2 - firehose), (int)(e3 - firehose));
	CHECK_EQ_STR(got, want);
	CHECK_EQ_INT(skipped, 1);
}

K8A_TEST(firehose_envelopes_back_to_back)
{
	struct t_input in = { firehose, (size_t)-1, "mem" };
	uint64_t skipped = 0;
	const char *got = t_transcript(&in, 1, NULL, &skipped);

	check_firehose(got, skipped);
}

K8A_TEST(firehose_gzip_members_concatenated)
{
	/* Firehose writes one gzip member per envelope */
	size_t cut1 = (size_t)(strstr(firehose, "{\"messageType\":\"CONTROL") - firehose);
	size_t cut2 = (size_t)(strstr(firehose + cut1 + 1, "{\"messageType\"") - firehose);
	size_t n1, n2, n3;
	unsigned char *g1 = t_gzip(firehose, cut1, &n1);
	unsigned char *g2 = t_gzip(firehose + cut1, cut2 - cut1, &n2);
	unsigned char *g3 = t_gzip(firehose + cut2, strlen(firehose) - cut2, &n3);
	unsigned char *all;
	struct t_input in;
	uint64_t skipped = 0;
	const char *got;

	REQUIRE(g1 && g2 && g3);
	all = t_alloc(n1 + n2 + n3);
	memcpy(all, g1, n1);
	memcpy(all + n1, g2, n2);
	memcpy(all + n1 + n2, g3, n3);
	in.p = all;
	in.n = n1 + n2 + n3;
	in.name = "fh.gz";
	got = t_transcript(&in, 1, NULL, &skipped);
	check_firehose(got, skipped);
}

K8A_TEST(firehose_newline_separated)
{
	char *doc = t_alloc(sizeof(firehose) + 8);
	size_t cut = (size_t)(strstr(firehose, "{\"messageType\":\"CONTROL") - firehose);
	uint64_t skipped = 0;
	struct t_input in;
	const char *got;

	memcpy(doc, firehose, cut);
	doc[cut] = '\n';
	memcpy(doc + cut + 1, firehose + cut, sizeof(firehose) - cut);
	in.p = doc;
	in.n = (size_t)-1;
	in.name = "mem";
	got = t_transcript(&in, 1, NULL, &skipped);
	CHECK(strstr(got, "1:1@") != NULL && strstr(got, "auditID\":\"a2") != NULL);
	CHECK(strstr(got, "2:0@") != NULL && strstr(got, "auditID\":\"a3") != NULL);
	CHECK(strstr(got, "WARN") == NULL);
	CHECK_EQ_INT(skipped, 1);
}

/* ---- aws-cli dumps ---- */

K8A_TEST(filter_log_events)
{
	const char *doc = J("{'events':[{'logStreamName':'kube-apiserver-audit-1','timestamp':1791354062000,"
			    "'message':'{\\'kind\\':\\'Event\\',\\'verb\\':\\'get\\'}','ingestionTime':1791354063000,"
			    "'eventId':'e1'},{'logStreamName':'s','timestamp':1,"
			    "'message':'{\\'kind\\':\\'Event\\',\\'x\\':\\'y[Truncated...]','eventId':'e2'},"
			    "{'timestamp':2,'message':' {\\'b\\':2} '}],"
			    "'searchedLogStreams':[{'logStreamName':'s','searchedCompletely':true}],'nextToken':null}");
	char want[512];

	snprintf(want, sizeof(want),
		"1:0@11 {\"kind\":\"Event\",\"verb\":\"get\"}\n"
		"WARN mem:1[1]: record truncated by CloudWatch Logs ([Truncated...])\n"
		"1:2@%d {\"b\":2}\n",
		(int)(strstr(doc, "{\"timestamp\":2") - doc));
	CHECK_EQ_STR(t_read(doc), want);
}

K8A_TEST(get_log_events_without_message_warns)
{
	CHECK_EQ_STR(t_read(J("{'events':[{'timestamp':1},{'timestamp':2,'message':'{}'}],"
			      "'nextForwardToken':'f/1'}")),
		"WARN mem:1[0]: log event without a message string\n"
		"1:1@27 {}\n");
}

K8A_TEST(lookup_events_unescaped)
{
	/* CloudTrailEvent is a JSON string: \" \\ \u escapes and a surrogate pair */
	const char *doc = J("{'Events':[{'EventId':'1','EventName':'ConsoleLogin','CloudTrailEvent':"
			    "'{\\'eventVersion\\':\\'1.09\\',\\'eventName\\':\\'ConsoleLogin\\',"
			    "\\'userAgent\\':\\'caf\\u00e9 \\ud83d\\ude00 a\\\\\\'b\\\\\\\\c\\'}'}],"
			    "'NextToken':null}");
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev = NULL;
	size_t n;
	const char *raw;
	static const char want[] = "{\"eventVersion\":\"1.09\",\"eventName\":\"ConsoleLogin\","
				   "\"userAgent\":\"caf\xc3\xa9 \xf0\x9f\x98\x80 a\\\"b\\\\c\"}";

	REQUIRE(r != NULL);
	k8a_reader_add_memory(r, doc, strlen(doc), "le.json");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		raw = k8a_event_raw(ev, &n);
		CHECK_EQ_MEM(raw, n, want, sizeof(want) - 1);
		CHECK_EQ_INT(k8a_event_source(ev), K8A_SRC_CLOUDTRAIL);
		CHECK_EQ_STR(k8a_event_str(ev, K8A_F_USER_AGENT), "caf\xc3\xa9 \xf0\x9f\x98\x80 a\"b\\c");
		CHECK_EQ_INT(k8a_event_origin(ev)->index, 0);
		CHECK_EQ_INT(k8a_event_origin(ev)->offset, 11);
		CHECK_EQ_STR(k8a_event_where(ev), "le.json:1[0]");
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
}

K8A_TEST(lookup_events_bad_string_warns)
{
	CHECK_EQ_STR(t_read(J("{'Events':[{'CloudTrailEvent':'{\\x}'},{'CloudTrailEvent':42},"
			      "{'CloudTrailEvent':'{}'}]}")),
		"WARN mem:1[0]: lookup-events entry without a CloudTrailEvent string\n"
		"WARN mem:1[1]: lookup-events entry without a CloudTrailEvent string\n"
		"1:2@61 {}\n");
}

K8A_TEST(lookup_events_as_lines)
{
	/* jq -c '.Events[]' output: one wrapped event per line */
	CHECK_EQ_STR(t_read(J("{'EventId':'1','CloudTrailEvent':'{\\'eventName\\':\\'A\\'}'}\n"
			      "{'EventId':'2','CloudTrailEvent':'{\\'eventName\\':\\'B\\'}'}\n")),
		"1:-1@0 {\"eventName\":\"A\"}\n"
		"2:-1@58 {\"eventName\":\"B\"}\n");
}

/* ---- AKS ---- */

K8A_TEST(aks_records)
{
	const char *doc = J("{'records':[{'category':'kube-audit','properties':{'log':"
			    "'{\\'kind\\':\\'Event\\',\\'auditID\\':\\'k1\\',\\'a\\':\\'\\\\u00e9\\'}\\n',"
			    "'pod':'kube-apiserver-1','stream':'stdout'},'time':'t'},"
			    "{'category':'kube-audit','properties':{'log':'{\\'kind\\':\\'Event\\',\\'auditID\\':\\'k2\\'}'}}]}");
	char want[512];

	snprintf(want, sizeof(want),
		"1:0@12 {\"kind\":\"Event\",\"auditID\":\"k1\",\"a\":\"\\u00e9\"}\n"
		"1:1@%d {\"kind\":\"Event\",\"auditID\":\"k2\"}\n",
		(int)(strstr(doc, "},{") - doc + 2));
	CHECK_EQ_STR(t_read(doc), want);
}

K8A_TEST(aks_lines)
{
	/* storage-account export PT1H.json: one diagnostic record per line */
	CHECK_EQ_STR(t_read(J("{'category':'kube-audit','properties':{'log':'{\\'kind\\':\\'Event\\',\\'auditID\\':\\'k1\\'}'}}\n"
			      "{'category':'kube-audit','properties':{'log':'{\\'kind\\':\\'Event\\',\\'auditID\\':\\'k2\\'}'}}\n")),
		"1:-1@0 {\"kind\":\"Event\",\"auditID\":\"k1\"}\n"
		"2:-1@89 {\"kind\":\"Event\",\"auditID\":\"k2\"}\n");
}

K8A_TEST(aks_truncated_log_string)
{
	/* properties.log cut at 16 KiB leaves invalid JSON inside a valid string */
	CHECK_EQ_STR(t_read(J("{'records':[{'properties':{'log':'{\\'kind\\':\\'Event\\',\\'x\\':\\'abc'}},"
			      "{'properties':{'log':'{}'}}]}")),
		"1:0@12 {\"kind\":\"Event\",\"x\":\"abc\n"
		"1:1@69 {}\n");
}

/* ---- EventBridge ---- */

K8A_TEST(eventbridge_lines)
{
	CHECK_EQ_STR(t_read(J("{'version':'0','id':'x','detail-type':'AWS API Call via CloudTrail','source':'aws.iam',"
			      "'detail':{'eventVersion':'1.08','eventName':'CreateUser'}}\n"
			      "{'version':'0','detail-type':'AWS API Call via CloudTrail',"
			      "'detail':{'eventName':'DeleteUser'}}\n")),
		"1:-1@0 {\"eventVersion\":\"1.08\",\"eventName\":\"CreateUser\"}\n"
		"2:-1@146 {\"eventName\":\"DeleteUser\"}\n");
}

K8A_TEST(eventbridge_in_array)
{
	CHECK_EQ_STR(t_read(J("[{'detail-type':'AWS API Call via CloudTrail','detail':{'eventName':'A'}}]")),
		"1:0@1 {\"eventName\":\"A\"}\n");
}

/* ---- skipped objects, empty and foreign input ---- */

K8A_TEST(cloudtrail_digest_skipped)
{
	struct t_input in[2] = {
		{ J("{'awsAccountId':'111122223333','digestStartTime':'2026-01-01T00:00:00Z',"
		    "'digestEndTime':'2026-01-01T01:00:00Z','digestS3Bucket':'b','digestS3Object':'o',"
		    "'newestEventTime':'x','oldestEventTime':'y','previousDigestS3Bucket':null,"
		    "'logFiles':[{'s3Bucket':'b','s3Object':'o'}]}"),
		  (size_t)-1, "digest.json" },
		{ "{\"Records\":[{\"a\":1}]}", (size_t)-1, "ct.json" },
	};
	uint64_t skipped = 0;

	CHECK_EQ_STR(t_transcript(in, 2, NULL, &skipped), "1:0@12 {\"a\":1}\n");
	CHECK_EQ_INT(skipped, 1);
}

K8A_TEST(digest_sniff_cannot_be_triggered_by_record_values)
{
	/* sniff() (frame.c) skips a stream as a CloudTrail digest when the
	 * first block (up to 1 MiB) contains "digestStartTime" and
	 * "digestS3Object" anywhere and no "Records".  Any client that can
	 * put two strings in an audit record (user agent, object name) makes
	 * the whole file vanish silently: no record, no warning, only
	 * k8a_reader_skipped() goes up. */
	struct t_input in = {
		J("{'kind':'Event','apiVersion':'audit.k8s.io/v1','auditID':'1','verb':'get'}\n"
		  "{'kind':'Event','apiVersion':'audit.k8s.io/v1','auditID':'2','verb':'delete',"
		  "'userAgent':'digestStartTime','objectRef':{'resource':'secrets','name':'digestS3Object'}}\n"
		  "{'kind':'Event','apiVersion':'audit.k8s.io/v1','auditID':'3','verb':'get'}\n"),
		(size_t)-1, "audit.log"
	};
	uint64_t skipped = 0;
	const char *got = t_transcript(&in, 1, NULL, &skipped);

	CHECK(strstr(got, "auditID\":\"1") != NULL);
	CHECK(strstr(got, "auditID\":\"2") != NULL);
	CHECK(strstr(got, "auditID\":\"3") != NULL);
	CHECK_EQ_INT(skipped, 0);
}

K8A_TEST(cloudwatch_write_test_skipped)
{
	struct t_input in[2] = {
		{ "Permission Check Successful", (size_t)-1, "aws-logs-write-test" },
		{ "{\"a\":1}\n", (size_t)-1, "000000" },
	};
	uint64_t skipped = 0;

	CHECK_EQ_STR(t_transcript(in, 2, NULL, &skipped), "1:-1@0 {\"a\":1}\n");
	CHECK_EQ_INT(skipped, 1);
}

/* Nothing to read (a zero-byte object of a synced tree, the empty stdin
 * of a pipe) is no trouble: no records and no warning. */
K8A_TEST(empty_input_is_quiet)
{
	struct t_input in[3] = {
		{ "", 0, "empty" },
		{ "\n  \r\n\t\n", (size_t)-1, "blank" },
		{ "{\"a\":1}", (size_t)-1, "next" },
	};

	CHECK_EQ_STR(t_transcript(in, 3, NULL, NULL), "1:-1@0 {\"a\":1}\n");
}

K8A_TEST(empty_compressed_input_is_quiet)
{
	size_t n;
	void *gz = t_gzip("", 0, &n);
	struct t_input in = { gz, n, "e.gz" };

	REQUIRE(gz != NULL);
	CHECK_EQ_STR(t_transcript(&in, 1, NULL, NULL), "");
}

K8A_TEST(foreign_input_fails_that_input_only)
{
	struct t_input in[2] = {
		{ "hello world\n", (size_t)-1, "README" },
		{ "{\"a\":1}", (size_t)-1, "next" },
	};
	const char *got = t_transcript(in, 2, NULL, NULL);

	CHECK(strncmp(got, "WARN README", 11) == 0);
	CHECK(strstr(got, "not a recognised audit log format (starts with \"hello world.\")") != NULL);
	CHECK(strstr(got, "\n1:-1@0 {\"a\":1}\n") != NULL);
}

/* ---- malformed documents in VALUES mode ---- */

K8A_TEST(values_malformed_stops_stream_next_input_read)
{
	struct t_input in[2] = {
		{ "{\"Records\":[{\"a\":1},{\"b\":2},{\"c\":\"", (size_t)-1, "bad.json" },
		{ "{\"Records\":[{\"d\":4}]}", (size_t)-1, "good.json" },
	};
	const char *got = t_transcript(in, 2, NULL, NULL);

	CHECK_EQ_STR(got,
		"1:0@12 {\"a\":1}\n"
		"1:1@20 {\"b\":2}\n"
		"WARN bad.json:1[2]: malformed JSON inside an array\n"
		"1:0@12 {\"d\":4}\n");
}

K8A_TEST(values_garbage_after_document)
{
	struct t_input in[2] = {
		{ "[{\"a\":1}]\nxyz\n[{\"b\":2}]", (size_t)-1, "g.json" },
		{ "{\"c\":3}\n", (size_t)-1, "next" },
	};

	CHECK_EQ_STR(t_transcript(in, 2, NULL, NULL),
		"1:0@1 {\"a\":1}\n"
		"WARN g.json:2: expected a JSON object or array\n"
		"1:-1@0 {\"c\":3}\n");
}

/* ---- large records and block boundaries ---- */

/* Lines of filler records, then one record crossing the 1 MiB read
 * block; check every origin. */
K8A_TEST(lines_record_straddles_block_boundary)
{
	const size_t total = ((size_t)1 << 20) + 4096;
	char *buf = t_alloc(total + 1);
	size_t off = 0, i, nrec = 0, straddler = 0;
	size_t *offs = t_alloc(sizeof(size_t) * 20000);
	k8a_reader *r;
	k8a_event *ev;
	int rc, bad = 0;

	while (off + 200 < total) {
		int n;
		if (off < ((size_t)1 << 20) && off + 300 > ((size_t)1 << 20) && straddler == 0) {
			/* a 300-byte record from just before the boundary */
			straddler = nrec + 1;
			n = snprintf(buf + off, total - off, "{\"n\":%zu,\"pad\":\"%0*d\"}\n", nrec, 270, 7);
		} else
			n = snprintf(buf + off, total - off, "{\"n\":%zu,\"pad\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n", nrec);
		offs[nrec++] = off;
		off += (size_t)n;
	}
	buf[off] = '\0';
	REQUIRE(straddler != 0);
	REQUIRE(offs[straddler - 1] < ((size_t)1 << 20));
	REQUIRE(offs[straddler] > ((size_t)1 << 20));
	r = k8a_reader_new();
	REQUIRE(r != NULL);
	k8a_reader_add_memory(r, buf, off, "big");
	for (i = 0; (rc = k8a_reader_next(r, &ev)) == K8A_OK; i++) {
		const struct k8a_origin *o = k8a_event_origin(ev);
		size_t n, want;
		const char *raw = k8a_event_raw(ev, &n);
		if (i >= nrec)
			break;
		want = (size_t)(strchr(buf + offs[i], '\n') - (buf + offs[i]));
		if (o->line != i + 1 || o->offset != offs[i] || n != want ||
		    memcmp(raw, buf + offs[i], n) != 0) {
			if (bad++ < 3)
				k8a_test_fail(__FILE__, __LINE__, "record %zu: line %llu offset %llu len %zu",
					i, (unsigned long long)o->line, (unsigned long long)o->offset, n);
		}
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK_EQ_INT(i, nrec);
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(k8a_reader_bytes(r), off);
	k8a_reader_free(r);
}

K8A_TEST(values_record_straddles_block_boundary)
{
	const size_t total = ((size_t)1 << 20) + 8192;
	char *buf = t_alloc(total + 1);
	size_t off, i, nrec = 0;
	size_t *offs = t_alloc(sizeof(size_t) * 20000);
	k8a_reader *r;
	k8a_event *ev;
	int rc, bad = 0;

	off = (size_t)snprintf(buf, total, "{\n  \"Records\": [\n");
	while (off + 400 < total) {
		int n;
		offs[nrec] = off + 4;
		n = snprintf(buf + off, total - off, "%s    {\"n\": %zu, \"pad\": \"%0*d\"}\n",
			nrec ? "," : "", nrec, 150 + (int)(nrec % 100), 0);
		if (nrec)
			offs[nrec]++;
		nrec++;
		off += (size_t)n;
	}
	off += (size_t)snprintf(buf + off, total - off, "  ]\n}\n");
	r = k8a_reader_new();
	REQUIRE(r != NULL);
	k8a_reader_add_memory(r, buf, off, "big.json");
	for (i = 0; (rc = k8a_reader_next(r, &ev)) == K8A_OK; i++) {
		const struct k8a_origin *o = k8a_event_origin(ev);
		size_t n, want;
		const char *raw = k8a_event_raw(ev, &n);
		if (i >= nrec)
			break;
		want = (size_t)(strchr(buf + offs[i], '}') + 1 - (buf + offs[i]));
		if (o->line != i + 3 || o->index != (int64_t)i || o->offset != offs[i] || n != want ||
		    memcmp(raw, buf + offs[i], n) != 0) {
			if (bad++ < 3)
				k8a_test_fail(__FILE__, __LINE__,
					"record %zu: line %llu index %lld offset %llu (want %zu) len %zu",
					i, (unsigned long long)o->line, (long long)o->index,
					(unsigned long long)o->offset, offs[i], n);
		}
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK_EQ_INT(i, nrec);
	CHECK_EQ_INT(bad, 0);
	CHECK(nrec > 4000);
	k8a_reader_free(r);
}

K8A_TEST(lines_record_of_3_megabytes)
{
	const size_t big = 3u << 20;
	char *buf = t_alloc(big + 64);
	size_t off = 0;
	k8a_reader *r;
	k8a_event *ev;
	size_t n;
	const char *raw;

	off += (size_t)sprintf(buf, "{\"a\":1}\n{\"big\":\"");
	memset(buf + off, 'x', big);
	off += big;
	off += (size_t)sprintf(buf + off, "\"}\n{\"c\":3}\n");
	r = k8a_reader_new();
	REQUIRE(r != NULL);
	k8a_reader_add_memory(r, buf, off, "big");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		raw = k8a_event_raw(ev, &n);
		CHECK_EQ_INT(n, big + 10);
		CHECK(n > 10 && memcmp(raw, "{\"big\":\"xxx", 11) == 0 && memcmp(raw + n - 4, "xx\"}", 4) == 0);
		CHECK_EQ_INT(k8a_event_origin(ev)->line, 2);
		CHECK_EQ_INT(k8a_event_origin(ev)->offset, 8);
		CHECK(k8a_event_json(ev) != NULL);
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		CHECK_EQ_INT(k8a_event_origin(ev)->line, 3);
		CHECK_EQ_INT(k8a_event_origin(ev)->offset, 8 + big + 11);
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
}

K8A_TEST(values_record_of_3_megabytes)
{
	const size_t big = 3u << 20;
	char *buf = t_alloc(big + 64);
	size_t off = 0;
	k8a_reader *r;
	k8a_event *ev;
	size_t n;

	off += (size_t)sprintf(buf, "{\"Records\":[{\"a\":1},{\"big\":\"");
	memset(buf + off, 'y', big);
	off += big;
	off += (size_t)sprintf(buf + off, "\"},{\"c\":3}]}");
	r = k8a_reader_new();
	REQUIRE(r != NULL);
	k8a_reader_add_memory(r, buf, off, "big");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		k8a_event_raw(ev, &n);
		CHECK_EQ_INT(n, big + 10);
		CHECK_EQ_INT(k8a_event_origin(ev)->index, 1);
		CHECK_EQ_INT(k8a_event_origin(ev)->offset, 20);
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		CHECK_EQ_INT(k8a_event_origin(ev)->index, 2);
		CHECK_EQ_INT(k8a_event_origin(ev)->offset, 20 + big + 11);
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
}

/* ---- small and odd documents ---- */

K8A_TEST(values_tiny_documents)
{
	CHECK_EQ_STR(t_read("{}"), "1:-1@0 {}\n");
	CHECK_EQ_STR(t_read("[]"), "");
	CHECK_EQ_STR(t_read("  [ ]  \n"), "");
	CHECK_EQ_STR(t_read("[{}]"), "1:0@1 {}\n");
	CHECK_EQ_STR(t_read("\xef\xbb\xbf[{}]"), "1:0@4 {}\n");
	CHECK_EQ_STR(t_read("{"), "WARN mem:1: unexpected end of data inside a JSON document\n");
	CHECK_EQ_STR(t_read("["), "WARN mem:1[0]: unexpected end of data inside a JSON document\n");
	CHECK(strncmp(t_read("\xef\xbb"), "WARN mem:1: not a recognised audit log format", 45) == 0);
	CHECK_EQ_STR(t_read("\xef\xbb\xbf"), "");
}

K8A_TEST(values_container_variants)
{
	/* "Records" that is not an array: a plain record */
	CHECK_EQ_STR(t_read("{\"Records\":{\"a\":1},\n\"x\":2}"), "1:-1@0 {\"Records\":{\"a\":1},\n\"x\":2}\n");
	/* containers back to back */
	CHECK_EQ_STR(t_read("{\"Records\":[]}{\"Records\":[{\"a\":1}]}\n{\"items\":[{\"b\":2}]}"),
		"1:0@26 {\"a\":1}\n"
		"2:0@46 {\"b\":2}\n");
	/* arrays of arrays are not records */
	CHECK_EQ_STR(t_read("[[{\"a\":1}],{\"b\":2}]"),
		"WARN mem:1[0]: array element is not an object\n"
		"1:1@11 {\"b\":2}\n");
	/* a bare array of lookup-events entries and of envelopes' events */
	CHECK_EQ_STR(t_read("[{\"CloudTrailEvent\":\"{\\\"eventName\\\":\\\"A\\\"}\"}]"),
		"1:0@1 {\"eventName\":\"A\"}\n");
}

K8A_TEST(insights_query_results)
{
	const char *doc = J("{'results':[[{'field':'@timestamp','value':'2024-01-15 10:30:00.123'},"
			    "{'field':'@message','value':'{\\'kind\\':\\'Event\\',\\'auditID\\':\\'q1\\'}'},"
			    "{'field':'@ptr','value':'p'}],"
			    "[{'field':'@timestamp','value':'x'}],"
			    "[{'field':'@message','value':'{\\'kind\\':\\'Event\\',\\'auditID\\':\\'q2\\'}'}]],"
			    "'statistics':{'recordsMatched':2.0},'status':'Complete'}");
	const char *got = t_read(doc);

	CHECK(strstr(got, "1:0@12 {\"kind\":\"Event\",\"auditID\":\"q1\"}\n") != NULL);
	CHECK(strstr(got, "WARN mem:1[1]: query result row without @message\n") != NULL);
	CHECK(strstr(got, ":2@") != NULL && strstr(got, "\"auditID\":\"q2\"}\n") != NULL);
}

K8A_TEST(cloudwatch_export_non_json_stream)
{
	const char *got;

	/* the authenticator stream exported next to the audit stream: text,
	 * reported (once or per line), never returned */
	got = t_read("2021-08-11T10:09:43.000Z time=\"2021-08-11T10:09:43Z\" level=info msg=\"access granted\"\n"
		     "2021-08-11T10:09:44.000Z time=\"2021-08-11T10:09:44Z\" level=info msg=\"access granted\"\n");
	CHECK(strncmp(got, "WARN mem:1: ", 12) == 0);
	CHECK(strstr(got, "@") == NULL);
	/* a text line inside an audit export is one bad record */
	CHECK_EQ_STR(t_read("2021-08-11T10:09:42.000Z {\"a\":0}\n"
			    "2021-08-11T10:09:43.000Z time=\"2021-08-11T10:09:43Z\" level=info msg=\"access granted\"\n"
			    "2021-08-11T10:09:44.000Z {\"a\":1}\n"),
		"1:-1@0 {\"a\":0}\n"
		"WARN mem:2: not a JSON object\n"
		"3:-1@118 {\"a\":1}\n");
}

K8A_TEST(lines_leading_blank_lines)
{
	CHECK_EQ_STR(t_read("\n\r\n  \n{\"a\":1}\n"), "4:-1@6 {\"a\":1}\n");
}

K8A_TEST(lines_first_record_longer_than_a_block)
{
	/* A JSON-lines log whose first record is over 1 MiB (a large
	 * RequestResponse event) is still read as lines: a bad line later is
	 * one warning, not the end of the stream. */
	const size_t big = (size_t)3 << 19;
	char *buf = t_alloc(big + 128);
	size_t off = 0, l2;
	char want[256];

	off += (size_t)sprintf(buf, "{\"big\":\"");
	memset(buf + off, 'b', big);
	off += big;
	off += (size_t)sprintf(buf + off, "\"}\n");
	l2 = off;
	off += (size_t)sprintf(buf + off, "{\"a\":\n{\"c\":3}\n{\"d\":4}\n");
	snprintf(want, sizeof(want), "1:-1@0 {\"big\":\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
		"WARN mem:2: incomplete JSON object (truncated record?)\n"
		"3:-1@%zu {\"c\":3}\n"
		"4:-1@%zu {\"d\":4}\n", l2 + 6, l2 + 14);
	CHECK_EQ_STR(t_read(buf), want);
}
