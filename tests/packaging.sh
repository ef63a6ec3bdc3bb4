#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# What a distribution of k8saudit must carry: a LICENSE that is the one
# every source file's SPDX tag names, a bug-report address, and a README
# for every sample.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
cd "$top_srcdir" || exit 2

if grep -q '^BSD 2-Clause License' LICENSE 2>/dev/null; then
	t_ok "LICENSE is the BSD 2-Clause licence"
else
	t_fail "LICENSE" "missing, or not the BSD 2-Clause licence"
fi
others=$(grep -rhoI 'SPDX-License-Identifier: [A-Za-z0-9.+-][A-Za-z0-9.+-]*' lib cmd tests man rules .ci configure.ac Makefile.am 2>/dev/null |
	sort -u | grep -v 'SPDX-License-Identifier: BSD-2-Clause$')
if [ -z "$others" ]; then
	t_ok "every SPDX tag names BSD-2-Clause"
else
	t_fail "SPDX tags other than the LICENSE's" "$others"
fi
untagged=$(for f in lib/*.[ch] cmd/*/*.[ch]; do grep -L 'SPDX-License-Identifier' "$f"; done)
if [ -z "$untagged" ]; then
	t_ok "every source file has an SPDX tag"
else
	t_fail "source files without an SPDX tag" "$untagged"
fi
if grep -q '^#define PACKAGE_BUGREPORT "[^"]' "$top_builddir/config.h" 2>/dev/null; then
	t_ok "a bug-report address (AC_INIT)"
else
	t_fail "no bug-report address in AC_INIT"
fi
if "$GREP" --version | grep -q '^Report bugs to: .'; then
	t_ok "--version names where to report bugs"
else
	t_fail "--version does not name where to report bugs"
fi
for d in samples/*/; do
	if [ -s "${d}README" ]; then
		t_ok "${d}README"
	else
		t_fail "${d} has no README"
	fi
done
t_done
