#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# k8saudit-report's pages, opened in headless Chromium (Debian package
# chromium; skipped with a note when it is not installed, CI installs it).
#
#  1. Without a browser: the page holds report.js and report.css exactly,
#     and its Content-Security-Policy allows nothing but them (default-src
#     'none', their SHA-256); --results of the tools' JSON (or of
#     scale-out partials, merged) gives the same
#     data as the log paths.
#  2. CON318: the page draws without a script error; the timeline has one
#     mark per finding, the exposure band of ClusterRoleBinding
#     cluster-system-anonymous from 10:15:41.207331 to 10:52:14.902214 with
#     the 26 anonymous requests inside it, the binding in the RBAC history
#     and mallory's identity chain (ASIA key <- AssumeRole <- AKIA key of
#     IAM user mallory); no request leaves the page (net log) and nothing
#     is logged to the console.
#  3. Sysdig: the same checks of marks and actors.
#  4. A hostile log (tests/report/hostile.jsonl, read under a file name
#     that is itself a payload): every payload is text; no element, event
#     handler, link or script comes from the data.
#
# Last line: "N passed, N failed, N skipped".
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

REPORT=$top_builddir/k8saudit-report
K8SAUDIT_BINDIR=$top_builddir
export K8SAUDIT_BINDIR
KEY=$top_srcdir/tests/secrets/case.key
if [ ! -x "$REPORT" ]; then
	t_fail "k8saudit-report" "$REPORT is not built"
	t_done
fi
cd "$top_srcdir" || exit 99

page() { # name report-arguments...
	p_name=$1
	shift
	if "$REPORT" --fingerprint-key "$KEY" -o "$TMP/$p_name.html" "$@" 2>"$TMP/$p_name.report.err"; then
		t_ok "$p_name: page written ($(wc -c <"$TMP/$p_name.html") bytes)"
	else
		t_fail "$p_name: k8saudit-report" "$(head -n 3 "$TMP/$p_name.report.err")"
	fi
}
page con318 samples/con318
page sysdig samples/sysdig
mkdir -p "$TMP/hostile"
cp tests/report/hostile.jsonl "$TMP/hostile/\"><img src=x onerror=alert(10)>.log"
page hostile --title '<script>alert("title")</script>' "$TMP/hostile"

# ---- 1. the page as written ----
# the text between an opening tag (a line of its own start) and its end
inline() { # file tag
	awk -v tag="$2" '
		{ buf = buf $0 "\n" }
		END {
			start = "<" tag ">"; stop = "</" tag ">"
			i = index(buf, start); rest = substr(buf, i + length(start))
			printf "%s", substr(rest, 1, index(rest, stop) - 1)
		}' "$1"
}
inline "$TMP/con318.html" script >"$TMP/script"
inline "$TMP/con318.html" style >"$TMP/style"
if cmp -s "$TMP/script" cmd/k8saudit-report/report.js && cmp -s "$TMP/style" cmd/k8saudit-report/report.css; then
	t_ok "the page holds report.js and report.css as they are"
else
	t_fail "inline script and style" "differ from cmd/k8saudit-report/report.js, report.css"
fi
csp=$(grep -o '<meta http-equiv="Content-Security-Policy" content="[^"]*"' "$TMP/con318.html")
case $csp in
*"default-src 'none';"*"script-src 'sha256-"*"style-src 'sha256-"*"connect-src 'none'"*) t_ok "CSP: default-src 'none', script and style by hash" ;;
*) t_fail "CSP" "$csp" ;;
esac
if t_have openssl base64; then
	js=$(openssl dgst -sha256 -binary "$TMP/script" | base64)
	css=$(openssl dgst -sha256 -binary "$TMP/style" | base64)
	case $csp in
	*"script-src 'sha256-$js'; style-src 'sha256-$css';"*) t_ok "CSP hashes are those of the inline script and style" ;;
	*) t_fail "CSP hashes" "want sha256-$js and sha256-$css in: $csp" ;;
	esac
else
	t_skip "CSP hashes" "openssl not installed"
fi
n=$(grep -c '<script' "$TMP/hostile.html")
[ "$n" = 2 ] && t_ok "hostile: two <script> elements as written (data and code)" ||
	t_fail "hostile: <script> elements as written" "$n"

# the tools' JSON, given with --results, makes the same report
if t_have jq; then
	K8SAUDIT_RULES_DIR=$K8SAUDIT_RULES_DIR
	"$top_builddir/k8saudit-findings" --json samples/con318 >"$TMP/f.jsonl"
	"$top_builddir/k8saudit-findings" --json --list-rules >"$TMP/rules.jsonl"
	"$top_builddir/rbac-diff" --json samples/con318 >"$TMP/r.jsonl"
	"$top_builddir/rbac-diff" --json --exposure samples/con318 >"$TMP/x.jsonl"
	"$top_builddir/secret-scan" --json --fingerprint-key "$KEY" samples/con318 >"$TMP/s.jsonl"
	"$REPORT" --json --results "$TMP/f.jsonl" --results "$TMP/rules.jsonl" --results "$TMP/r.jsonl" \
		--results "$TMP/x.jsonl" --results "$TMP/s.jsonl" | jq -S 'del(.scope)' >"$TMP/from-results"
	"$REPORT" --json --fingerprint-key "$KEY" samples/con318 | jq -S 'del(.scope)' >"$TMP/from-logs"
	if [ -s "$TMP/from-logs" ] && cmp -s "$TMP/from-results" "$TMP/from-logs"; then
		t_ok "--results of the tools' JSON gives the data the log paths give"
	else
		t_fail "--results" "differs from the report of the logs"
		t_diff "$TMP/from-logs" "$TMP/from-results"
	fi
	# scale-out: the partials of three shards (k8saudit-findings
	# --partial), given with --results in any order, are merged into the
	# findings of one run
	for k in 0 1 2; do
		"$top_builddir/k8saudit-findings" --shard $k/3 --partial "$TMP/part.$k" samples/con318
	done
	"$REPORT" --json --results "$TMP/part.2" --results "$TMP/rules.jsonl" --results "$TMP/r.jsonl" \
		--results "$TMP/part.0" --results "$TMP/x.jsonl" --results "$TMP/s.jsonl" --results "$TMP/part.1" |
		jq -S 'del(.scope)' >"$TMP/from-partials"
	if [ -s "$TMP/from-partials" ] && cmp -s "$TMP/from-partials" "$TMP/from-logs"; then
		t_ok "--results of three shards' partials gives the data the log paths give"
	else
		t_fail "--results of partials" "differs from the report of the logs"
		t_diff "$TMP/from-logs" "$TMP/from-partials"
	fi
else
	t_skip "--results against the logs" "jq not installed"
fi

# ---- 2-4. in the browser ----
CHROMIUM=
for c in chromium chromium-browser; do
	if t_have "$c"; then
		CHROMIUM=$c
		break
	fi
done
if [ -z "$CHROMIUM" ]; then
	echo "note: chromium not installed (apt-get install chromium): the pages are not opened"
	t_skip "pages in the browser" "chromium not installed"
	t_done
fi

# Open the page, scripts run (virtual time), every host name fails to
# resolve; the DOM after the scripts, the console on stderr, the net log.
open_page() { # name
	o_name=$1
	HOME=$TMP/home "$CHROMIUM" --headless --disable-gpu --no-sandbox --no-first-run \
		--user-data-dir="$TMP/profile-$o_name" --disable-background-networking \
		--host-resolver-rules='MAP * ~NOTFOUND' --proxy-server='127.0.0.1:9' \
		--log-net-log="$TMP/$o_name.netlog" --enable-logging=stderr --v=0 \
		--virtual-time-budget=10000 --dump-dom "file://$TMP/$o_name.html" \
		>"$TMP/$o_name.dom" 2>"$TMP/$o_name.chromium.err"
	if grep -q 'data-rendered="yes"' "$TMP/$o_name.dom"; then
		t_ok "$o_name: drawn"
	else
		t_fail "$o_name: not drawn" "$(grep -v dbus "$TMP/$o_name.chromium.err" | tail -n 3)"
	fi
	if grep -q '<div id="k8a-error"' "$TMP/$o_name.dom"; then
		t_fail "$o_name: script error" "$(grep -o '<div id="k8a-error"[^<]*' "$TMP/$o_name.dom")"
	else
		t_ok "$o_name: no script error on the page"
	fi
	if grep -q ':CONSOLE' "$TMP/$o_name.chromium.err"; then
		t_fail "$o_name: console messages" "$(grep ':CONSOLE' "$TMP/$o_name.chromium.err" | head -n 3)"
	else
		t_ok "$o_name: nothing logged to the console (no error, no CSP violation)"
	fi
	# requests the page made carry its network isolation key (file://)
	if grep '"network_isolation_key":"file://' "$TMP/$o_name.netlog" | grep -o '"url":"[^"]*"' |
	    grep -v '"url":"file:' >"$TMP/$o_name.requests"; then
		t_fail "$o_name: requests left the page" "$(head -n 3 "$TMP/$o_name.requests")"
	else
		t_ok "$o_name: no request left the page"
	fi
	# no link or source but the page's own anchors
	if grep -oE ' (src|href|action|formaction|srcdoc)="[^"#][^"]*"' "$TMP/$o_name.dom" >"$TMP/$o_name.links"; then
		t_fail "$o_name: external references in the DOM" "$(head -n 3 "$TMP/$o_name.links")"
	else
		t_ok "$o_name: no external src or href in the DOM"
	fi
}

has() { # name label fixed-string
	if grep -qF -- "$3" "$TMP/$1.dom"; then
		t_ok "$1: $2"
	else
		t_fail "$1: $2" "no '$3' in the DOM"
	fi
}

count_is() { # name label want got
	if [ "$3" = "$4" ]; then
		t_ok "$1: $2 ($4)"
	else
		t_fail "$1: $2" "$4, want $3"
	fi
}

# the tags of the DOM, attribute values removed (they are quoted, with
# " escaped; text has < and > escaped, so what is left in <> is markup)
tags() {
	sed -E 's/="[^"]*"//g' "$TMP/$1.dom" | grep -o '<[^>]*>'
}

findings_of() { # path: how many findings k8saudit-findings reports
	"$top_builddir/k8saudit-findings" --json "$1" | wc -l | tr -d ' '
}

open_page con318
n=$(findings_of samples/con318)
count_is con318 "one mark per finding" "$n" "$(grep -o '<circle class="mark' "$TMP/con318.dom" | wc -l | tr -d ' ')"
has con318 "marks counted on the chart" "data-marks=\"$n\""
has con318 "the exposure band" 'class="band" x="'
has con318 "the band is the anonymous binding, 10:15:41 to 10:52:14" \
	'data-binding="ClusterRoleBinding/cluster-system-anonymous" data-start="2026-11-20T10:15:41.207331Z" data-end="2026-11-20T10:52:14.902214Z"'
has con318 "the 26 anonymous requests inside the window" '<dt>Requests inside</dt><dd>26 (20 succeeded)</dd>'
has con318 "the binding in the RBAC history" '<div class="mono danger">+User:system:anonymous  (anonymous)</div>'
has con318 "the role it bound" '<div class="mono danger">+roleRef:ClusterRole/cluster-admin  (cluster-admin)</div>'
has con318 "identity chain: EKS key <- AssumeRole of eks-admin" \
	'ASIAXG3N7K2MZ4QCV7DE ← AssumeRole arn:aws:iam::491326785603:role/eks-admin (session mallory) at 2026-11-20T10:14:02.000000Z from 185.220.101.47'
has con318 "identity chain: <- long-term key of IAM user mallory" \
	'AKIAXG3N7K2MFJ6WLPQB (long-term key): IAM user access key arn:aws:iam::491326785603:user/mallory'
has con318 "anonymous is the most severe actor" '<div class="card sev-b4" data-actor="'
has con318 "ATT&CK technique names by the actor's rules" 'T1098.006 Account Manipulation: Additional Container Cluster Roles'
has con318 "a secret to rotate, by preview" 'IQoJb3JpZ2luX2VjEHca...'
open_page sysdig
n=$(findings_of samples/sysdig)
count_is sysdig "one mark per finding" "$n" "$(grep -o '<circle class="mark' "$TMP/sysdig.dom" | wc -l | tr -d ' ')"
has sysdig "the attacker's first identity" '<h3><span class="sev sev-4">critical</span> marta.dev</h3>'
has sysdig "the backdoor user" 'support-backup'
has sysdig "the public bucket finding" 'CT-S3-001'

open_page hostile
tags hostile >"$TMP/hostile.tags"
bad=$(grep -ciE '^<(img|iframe|object|embed|form|base|link|frame|video|audio|source|math)( |>|/)' "$TMP/hostile.tags")
count_is hostile "no element injected by the data" 0 "$bad"
count_is hostile "<script> elements: the data's and the code's" 2 "$(grep -c '^<script' "$TMP/hostile.tags")"
count_is hostile "links: the six of the table of contents" 6 "$(grep -c '^<a ' "$TMP/hostile.tags")"
count_is hostile "no event handler attributes" 0 "$(grep -ciE ' on[a-z]+( |>|/)' "$TMP/hostile.tags")"
has hostile "the binding's name, as text" '&lt;img src=x onerror=alert(2)&gt;'
has hostile "the file name, as text" '&lt;img src=x onerror=alert(10)&gt;.log'
has hostile "the user name, as text" "&lt;script&gt;alert('user')&lt;/script&gt;"
has hostile "the title, as text" '<h1 id="title">&lt;script&gt;alert("title")&lt;/script&gt;</h1>'
has hostile "the annotation, cut and as text" 'javascript:alert(3)&lt;/script&gt;&lt;script&gt;alert(4)&lt;/script&gt;&lt;!--'
has hostile "the RTL override kept as a character, in text" "$(printf '\342\200\256')kubectl/AAAA"
has hostile "a long user agent cut, saying so" '… [3993 more bytes]'
has hostile "the secret's data key, as text" '/responseObject/data/&lt;img src=x onerror=alert(9)&gt;'
t_done
