/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The page: a fixed skeleton, the style and the script (report.css and
 * report.js, compiled in), and the data as JSON in a <script> element that
 * is never run.  The Content-Security-Policy allows nothing but that one
 * style and that one script, by their SHA-256: no request can leave the
 * page, and no markup smuggled into the data could run.
 */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "report.h"

extern const char report_js[], report_css[];

/* 'sha256-<base64>' of s, for the policy. */
static void
csp_hash(const char *s, char *out, size_t outsz)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	unsigned char b64[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];

	SHA256((const unsigned char *)s, strlen(s), md);
	EVP_EncodeBlock(b64, md, SHA256_DIGEST_LENGTH);
	snprintf(out, outsz, "'sha256-%s'", (const char *)b64);
}

/* Text as HTML: the five characters that mean something escaped. */
static void
put_html(FILE *fp, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '&': fputs("&amp;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*s, fp);
		}
}

struct jsout {
	FILE *fp;
	int err;
};

/* jansson's output, with what could end the <script> element or start a
 * comment in it escaped; these bytes only occur inside JSON strings, where
 * \uXXXX means the same. */
static int
put_json_chunk(const char *buf, size_t n, void *arg)
{
	struct jsout *o = arg;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '<')
			fputs("\\u003c", o->fp);
		else if (c == '>')
			fputs("\\u003e", o->fp);
		else if (c == '&')
			fputs("\\u0026", o->fp);
		else if (c == 0xe2 && i + 2 < n && (unsigned char)buf[i + 1] == 0x80 &&
		    ((unsigned char)buf[i + 2] == 0xa8 || (unsigned char)buf[i + 2] == 0xa9)) {
			fputs((unsigned char)buf[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", o->fp);
			i += 2;
		} else
			fputc(c, o->fp);
	}
	if (ferror(o->fp))
		o->err = 1;
	return o->err ? -1 : 0;
}

int
page_put_json(FILE *fp, json_t *doc)
{
	struct jsout o = { fp, 0 };

	/* JSON_ENSURE_ASCII: U+2028/2029 and every other non-ASCII character
	 * as \u escapes, so a chunk never splits a character we look for */
	if (json_dump_callback(doc, put_json_chunk, &o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_ESCAPE_SLASH) != 0)
		return -1;
	return o.err || ferror(fp) ? -1 : 0;
}

int
page_write(FILE *fp, json_t *doc)
{
	char js[128], css[128];
	const char *title = json_string_value(json_object_get(json_object_get(doc, "scope"), "title"));

	csp_hash(report_js, js, sizeof(js));
	csp_hash(report_css, css, sizeof(css));
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"script-src %s; style-src %s; img-src 'none'; connect-src 'none'; font-src 'none'; "
		"object-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'\">\n"
		"<meta name=\"referrer\" content=\"no-referrer\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"generator\" content=\"k8saudit-report %s\">\n<title>",
		js, css, K8A_VERSION_STRING);
	put_html(fp, title);
	fputs("</title>\n<style>", fp);
	fputs(report_css, fp);
	fputs("</style>\n</head>\n<body>\n<header class=\"top\"><h1 id=\"title\">", fp);
	put_html(fp, title);
	fputs("</h1><p id=\"subtitle\"></p>"
		"<noscript><p>This report is drawn by its own inline script; allow JavaScript for this file "
		"(it makes no network requests).</p></noscript></header>\n"
		"<nav class=\"toc\" aria-label=\"Sections\"><a href=\"#scope\">Scope</a><a href=\"#tl\">Timeline</a>"
		"<a href=\"#actors\">Actors</a><a href=\"#rbac\">RBAC history</a><a href=\"#secrets\">Secrets to rotate</a>"
		"<a href=\"#findings\">Findings</a></nav>\n<main>\n"
		"<section id=\"scope\" aria-labelledby=\"h-scope\"><h2 id=\"h-scope\">1. Scope</h2></section>\n"
		"<section id=\"tl\" aria-labelledby=\"h-tl\"><h2 id=\"h-tl\">2. Timeline</h2>\n"
		"<div class=\"legend\"><span><i class=\"s4\"></i>critical</span><span><i class=\"s3\"></i>high</span>"
		"<span><i class=\"s2\"></i>medium</span><span><i class=\"s1\"></i>low</span><span><i class=\"s0\"></i>info</span>"
		"<span><i class=\"ch\"></i>RBAC change</span><span><i class=\"bd\"></i>exposure window</span>"
		"<span class=\"muted\" id=\"tl-range\"></span><button id=\"tl-reset\" type=\"button\">Reset zoom</button></div>\n"
		"<p class=\"muted noprint\">Drag across the chart to zoom in, double-click to zoom out.  Keyboard: focus the "
		"chart, then \xe2\x86\x90/\xe2\x86\x92 to step through the marks, \xe2\x86\x91/\xe2\x86\x93 to change lanes, "
		"Enter to open the finding, + and \xe2\x88\x92 to zoom, Shift+\xe2\x86\x90/\xe2\x86\x92 to pan, 0 to reset.</p>\n"
		"<div id=\"timeline-wrap\"><svg id=\"timeline\" tabindex=\"0\" role=\"img\" "
		"aria-label=\"Timeline: one lane per actor; findings, RBAC changes and exposure windows\" "
		"aria-describedby=\"tl-status\"></svg></div>\n"
		"<div id=\"tl-status\" aria-live=\"polite\"></div></section>\n"
		"<section id=\"actors\" aria-labelledby=\"h-actors\"><h2 id=\"h-actors\">3. Actors, most severe first</h2></section>\n"
		"<section id=\"rbac\" aria-labelledby=\"h-rbac\"><h2 id=\"h-rbac\">4. RBAC history</h2></section>\n"
		"<section id=\"secrets\" aria-labelledby=\"h-secrets\"><h2 id=\"h-secrets\">5. Secrets to rotate</h2>"
		"<p class=\"muted\">Previews and keyed fingerprints only; the secrets themselves are not in this file.</p></section>\n"
		"<section id=\"findings\" aria-labelledby=\"h-findings\"><h2 id=\"h-findings\">6. Every finding</h2></section>\n"
		"</main>\n<script type=\"application/json\" id=\"k8a-data\">", fp);
	if (page_put_json(fp, doc) != 0)
		return -1;
	fputs("</script>\n<script>", fp);
	fputs(report_js, fp);
	fputs("</script>\n</body>\n</html>\n", fp);
	return ferror(fp) ? -1 : 0;
}
