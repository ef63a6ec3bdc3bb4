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

# The hardened build (configure's default, not with the sanitizers):
# every program PIE, every binary full RELRO (GNU_RELRO and BIND_NOW),
# the stack protector and _FORTIFY_SOURCE's checked calls linked in.
elf() {
	if [ -x "$top_builddir/.libs/$1" ]; then echo "$top_builddir/.libs/$1"; else echo "$top_builddir/$1"; fi
}
if grep -q -- '--disable-hardening\|--enable-sanitizers' "$top_builddir/config.status" 2>/dev/null; then
	t_skip "hardening" "configured without it (--disable-hardening or the sanitizers)"
elif ! command -v readelf >/dev/null 2>&1; then
	t_skip "hardening" "no readelf"
else
	for b in $(elf k8saudit-grep) $(elf k8saudit-findings) $(elf rbac-diff) \
		"$top_builddir/lib/.libs/libk8saudit.so"; do
		what=
		readelf -l "$b" 2>/dev/null | grep -q GNU_RELRO || what="$what no GNU_RELRO;"
		readelf -d "$b" 2>/dev/null | grep -q 'BIND_NOW\|FLAGS_1.*NOW' || what="$what no BIND_NOW;"
		readelf --dyn-syms -W "$b" 2>/dev/null | grep -q '__stack_chk_fail' || what="$what no stack protector;"
		readelf --dyn-syms -W "$b" 2>/dev/null | grep -q '__[a-z]*printf_chk' || what="$what no _FORTIFY_SOURCE;"
		case $b in
		*.so) ;;
		*) readelf -h "$b" 2>/dev/null | grep -q 'Type:.*DYN' || what="$what not PIE;" ;;
		esac
		if [ -z "$what" ]; then
			t_ok "hardened: ${b##*/}"
		else
			t_fail "hardened: ${b##*/}" "$what"
		fi
	done
fi
t_done
