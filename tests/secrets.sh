#!/bin/sh
# secret-scan against the labelled corpus (tests/secrets/README): generates
# the corpus, runs `secret-scan --json --fingerprint-key` over it and scores
# the output with tests/secrets/score.sh, which fails below 97% overall
# recall or 95% precision (occurrences, and unique secrets).  Skips (exit
# 77) while secret-scan is not built.
#
#   SECRET_SCAN=/path/to/secret-scan sh tests/secrets.sh   another build
#   SECRETS_SEED, SECRETS_PLANTS, SECRETS_ROUTINE          another corpus
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

SCAN=${SECRET_SCAN:-$top_builddir/secret-scan}
GEN=$top_builddir/tests/secrets/gen
# a fixed case key, so that fingerprints are the same from run to run
# (--fingerprint-key names a key file)
KEY=$TMP/case.key
printf 'k8saudit-secret-corpus-2026\n' >"$KEY"

if [ ! -x "$SCAN" ]; then
	t_skip "secret-scan on the labelled corpus" "$SCAN is not built"
	t_done
fi
if ! t_have jq; then
	t_skip "secret-scan on the labelled corpus" "jq is not installed"
	t_done
fi
if [ ! -x "$GEN" ]; then
	t_fail "secret-scan on the labelled corpus" "$GEN is not built"
	t_done
fi

C=$TMP/corpus
if ! "$GEN" -s "${SECRETS_SEED:-1}" -p "${SECRETS_PLANTS:-5}" -n "${SECRETS_ROUTINE:-6000}" "$C" 2>"$TMP/gen.err"; then
	t_fail "generating the corpus" "$(head -c 300 "$TMP/gen.err")"
	t_done
fi
"$SCAN" --json --fingerprint-key "$KEY" "$C/input" >"$TMP/scan.jsonl" 2>"$TMP/scan.err"
rc=$?
if [ $rc -le 1 ] && [ ! -s "$TMP/scan.err" ]; then
	t_ok "secret-scan reads the corpus without a message (exit $rc)"
else
	t_fail "secret-scan on the corpus" "exit $rc: $(head -c 500 "$TMP/scan.err")"
fi
sh "$top_srcdir/tests/secrets/score.sh" -l 40 "$C" "$TMP/scan.jsonl" >"$TMP/score.out" 2>&1
rc=$?
sed 's/^/    /' "$TMP/score.out"
if [ $rc = 0 ]; then
	t_ok "secret-scan: $(grep '^overall recall' "$TMP/score.out" | tr -s ' ')"
else
	t_fail "secret-scan below the goal" "$(grep -E '^(FAIL|score.sh)' "$TMP/score.out" | tr '\n' ' ')"
fi
t_done
