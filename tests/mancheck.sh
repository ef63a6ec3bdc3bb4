#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# mancheck.sh - keep the manuals honest.
#
#  1. Every long option a built tool prints in --help appears in its
#     manual man/<tool>.1, as "Fl \-name" (or "\-\-name"), and every
#     ".It Fl \-name" item of the manual is an option --help prints.
#     Tools that were not built are skipped.
#  2. Every manual in man/ passes "mandoc -Tlint -Wwarning" (skipped with
#     a note when mandoc is not installed; CI installs it).
#  3. Every command in the EXAMPLES of k8saudit-grep(1) that reads
#     samples/ runs from the top of the source tree with exit status 0 or
#     1, never 2.  Examples piping into jq(1) are skipped without jq.
#
# make check exports top_srcdir and top_builddir; both default to the
# repository root.  The last line of output is "N passed, N failed".

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
: "${K8SAUDIT_RULES_DIR:=$top_srcdir/rules}"; export K8SAUDIT_RULES_DIR
top_builddir=${top_builddir:-$top_srcdir}
LC_ALL=C
TZ=UTC
export LC_ALL TZ

pass=0
fail=0
tmp=${TMPDIR:-/tmp}/mancheck.$$
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp" || exit 2

ok() {
	pass=$((pass + 1))
	echo "ok   $*"
}

notok() {
	fail=$((fail + 1))
	echo "FAIL $*"
}

note() {
	echo "note $*"
}

# ---- 1. --help against the manual ----
for tool in k8saudit-grep k8saudit-findings rbac-diff secret-scan k8saudit-report; do
	bin=$top_builddir/$tool
	if [ ! -x "$bin" ]; then
		note "$tool: not built, options not checked"
		continue
	fi
	page=$top_builddir/man/$tool.1 # made from man/$tool.1.in
	[ -f "$page" ] || page=$top_srcdir/man/$tool.1
	if [ ! -f "$page" ]; then
		notok "$tool: no manual man/$tool.1"
		continue
	fi
	if ! "$bin" --help >"$tmp/help" 2>"$tmp/help.err"; then
		notok "$tool: --help failed: $(head -n 1 "$tmp/help.err")"
		continue
	fi
	# Option lines of the help look like "  -w, --where EXPR  ..." or
	# "      --since TIME  ...".
	sed -n 's/^ *\(-[A-Za-z0-9], \)\{0,1\}--\([A-Za-z0-9][A-Za-z0-9-]*\).*/\2/p' \
		"$tmp/help" | sort -u >"$tmp/opts"
	if [ ! -s "$tmp/opts" ]; then
		notok "$tool: --help lists no long options"
		continue
	fi
	# The manual spells it "Fl \-opt" (or "\-\-opt"): compare with the
	# escapes removed.
	sed 's/\\-/-/g' "$page" >"$tmp/page"
	while read -r opt; do
		if grep -E -q -e "(Fl -|--)$opt([^A-Za-z0-9-]|\$)" "$tmp/page"; then
			ok "$tool: --$opt in man/$tool.1"
		else
			notok "$tool: --$opt printed by --help but missing from man/$tool.1"
		fi
	done <"$tmp/opts"
	# And the other way: every long option the manual lists as an item
	# of its option lists must still exist.
	awk '/^\.Sh / { on = ($2 == "DESCRIPTION" || $2 == "OPTIONS") } on && /^\.It Fl /' \
		"$tmp/page" | grep -o 'Fl -[A-Za-z0-9][A-Za-z0-9-]*' | sed 's/^Fl -//' |
		sort -u >"$tmp/manopts"
	stale=0
	while read -r opt; do
		if ! grep -q -x -e "$opt" "$tmp/opts"; then
			notok "$tool: --$opt is in man/$tool.1 but not printed by --help"
			stale=1
		fi
	done <"$tmp/manopts"
	if [ $stale -eq 0 ]; then
		ok "$tool: every option item of man/$tool.1 is in --help"
	fi
done

# ---- 2. mandoc lint ----
pages=$(ls "$top_srcdir"/man/*.[1-9] 2>/dev/null)
for in in "$top_srcdir"/man/*.[1-9].in; do
	[ -f "$in" ] || continue
	made=$top_builddir/man/$(basename "$in" .in)
	if [ -f "$made" ]; then
		pages="$pages $made"
	else
		notok "man/$(basename "$in" .in) was not made from $(basename "$in")"
	fi
done
if [ -z "$pages" ]; then
	notok "no manuals in man/"
elif ! command -v mandoc >/dev/null 2>&1; then
	note "mandoc not installed: manuals not linted"
else
	for page in $pages; do
		name=man/$(basename "$page")
		if [ ! -s "$page" ]; then
			notok "$name: empty"
			continue
		fi
		mandoc -Tlint -Wwarning "$page" >"$tmp/lint" 2>&1
		rc=$?
		if [ $rc -eq 0 ] && [ ! -s "$tmp/lint" ]; then
			ok "$name: mandoc -Tlint -Wwarning"
		else
			notok "$name: mandoc -Tlint -Wwarning (status $rc)"
			sed 's/^/    /' "$tmp/lint"
		fi
	done
fi

# ---- 3. EXAMPLES of k8saudit-grep(1) ----
# Each example is a "$ k8saudit-grep ..." line inside a literal display
# of the EXAMPLES section, with the lines that continue it (until the
# next "$ " line or the end of the display).  mdoc's \e is a backslash.
page=$top_srcdir/man/k8saudit-grep.1
bin=$top_builddir/k8saudit-grep
if [ ! -f "$page" ]; then
	notok "man/k8saudit-grep.1 missing"
elif [ ! -x "$bin" ]; then
	note "k8saudit-grep: not built, examples not run"
else
	# A wrapper earlier in PATH records a status of 2 or more even when
	# the tool runs inside a pipeline.
	mkdir -p "$tmp/bin"
	cat >"$tmp/bin/k8saudit-grep" <<EOF
#!/bin/sh
"$bin" "\$@"
rc=\$?
if [ \$rc -ge 2 ]; then echo \$rc >>"$tmp/trouble"; fi
exit \$rc
EOF
	chmod +x "$tmp/bin/k8saudit-grep"
	sed 's/\\e/\\/g; s/\\&//g' "$page" | awk -v dir="$tmp" '
		/^\.Sh / { inex = ($2 == "EXAMPLES"); next }
		!inex { next }
		/^\.Bd / { inbd = 1; next }
		/^\.Ed/ { if (cur != "") emit(); inbd = 0; next }
		!inbd { next }
		{
			line = $0
			if (line ~ /^\$ /) {
				if (cur != "")
					emit()
				cur = substr(line, 3)
			} else if (cur != "")
				cur = cur "\n" line
		}
		function emit() {
			n++
			f = sprintf("%s/ex.%03d", dir, n)
			printf "%s\n", cur > f
			close(f)
			cur = ""
		}
	'
	found=0
	for ex in "$tmp"/ex.*; do
		[ -f "$ex" ] || continue
		grep -q 'samples/' "$ex" || continue
		grep -q '^k8saudit-grep' "$ex" || continue
		found=$((found + 1))
		cmd=$(tr '\n' ' ' <"$ex" | sed 's/  */ /g; s/ $//')
		short=$(printf '%s' "$cmd" | cut -c 1-100)
		if grep -q 'jq ' "$ex" && ! command -v jq >/dev/null 2>&1; then
			note "example skipped, jq not installed: $short"
			continue
		fi
		rm -f "$tmp/trouble"
		(cd "$top_srcdir" && PATH="$tmp/bin:$PATH" sh "$ex") \
			>"$tmp/ex.out" 2>"$tmp/ex.err"
		rc=$?
		if [ -f "$tmp/trouble" ]; then
			rc=$(head -n 1 "$tmp/trouble")
		fi
		if [ $rc -ge 2 ]; then
			notok "example exits ${rc}: $short"
			head -n 5 "$tmp/ex.err" | sed 's/^/    /'
		else
			ok "example exits ${rc}: $short"
		fi
	done
	if [ $found -eq 0 ]; then
		notok "man/k8saudit-grep.1: no EXAMPLES reading samples/"
	fi
fi

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
