#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# make bench-report: a page of 20,000 findings (CON318's findings, 400
# times over 400 hours, the actors spread over 30 names), its size and the
# time its script takes to draw it in headless Chromium (the page's own
# data-render-ms, by its clock under headless virtual time), the wall time
# of the browser run, and of a screenshot against one of a small page.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
K8SAUDIT_RULES_DIR=${K8SAUDIT_RULES_DIR:-$top_srcdir/rules}
export K8SAUDIT_RULES_DIR
tmp=${TMPDIR:-/tmp}/bench-report.$$
trap '[ -n "$KEEP" ] || rm -rf "$tmp"' EXIT
mkdir -p "$tmp" || exit 1
"$top_builddir/k8saudit-findings" --json "$top_srcdir/samples/con318" >"$tmp/one.jsonl"
n=$(wc -l <"$tmp/one.jsonl")
i=0
while [ $((i * n)) -lt 20000 ]; do
	day=$(printf '%02d' $((i / 24 % 28 + 1)))
	hour=$(printf '%02d' $((i % 24)))
	sed -e "s/2026-11-20T10:/2026-11-${day}T${hour}:/g" -e "s/mallory/mallory$((i % 30))/g" \
		-e "s/system:anonymous/system:anonymous$((i % 7))/g" "$tmp/one.jsonl"
	i=$((i + 1))
done | head -n 20000 >"$tmp/findings.jsonl"
echo "findings: $(wc -l <"$tmp/findings.jsonl")"
s=$(date +%s.%N)
"$top_builddir/k8saudit-report" --results "$tmp/findings.jsonl" -o "$tmp/page.html" || exit 1
e=$(date +%s.%N)
echo "k8saudit-report: $(awk "BEGIN { printf \"%.2f\", $e - $s }") s, page $(wc -c <"$tmp/page.html") bytes"
for c in chromium chromium-browser; do
	command -v "$c" >/dev/null 2>&1 || continue
	s=$(date +%s.%N)
	"$c" --headless --disable-gpu --no-sandbox --no-first-run --user-data-dir="$tmp/profile" \
		--virtual-time-budget=2000 --dump-dom "file://$tmp/page.html" >"$tmp/dom" 2>/dev/null
	e=$(date +%s.%N)
	echo "drawn by the page's script in $(grep -o 'data-render-ms="[0-9]*"' "$tmp/dom" | tr -dc 0-9) ms" \
		"($(grep -o '<circle class="mark' "$tmp/dom" | wc -l) marks);" \
		"chromium start to DOM dump: $(awk "BEGIN { printf \"%.2f\", $e - $s }") s"
	# the wall time of a screenshot, against that of a small page (CON318):
	# the difference is what reading, drawing and painting the data costs
	"$top_builddir/k8saudit-report" --results "$tmp/one.jsonl" -o "$tmp/small.html" || exit 1
	for p in small page; do
		s=$(date +%s.%N)
		"$c" --headless --disable-gpu --no-sandbox --no-first-run --user-data-dir="$tmp/profile" \
			--virtual-time-budget=2000 --screenshot="$tmp/$p.png" "file://$tmp/$p.html" >/dev/null 2>&1
		e=$(date +%s.%N)
		echo "screenshot of the $p page: $(awk "BEGIN { printf \"%.2f\", $e - $s }") s"
	done
	exit 0
done
echo "chromium not installed: drawing time not measured"
