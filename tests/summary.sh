#!/bin/sh
# Add up the "N passed, N failed[, N skipped]" closing lines of every test
# script run by `make check` (automake keeps each script's output in a .log
# beside its .trs) and print the total as the last line.  A script whose log
# has no such line counts as one test with its automake result.
: "${top_builddir:=.}"
total_p=0 total_f=0 total_s=0
for trs in $(find "$top_builddir/tests" -name '*.trs' | sort); do
	log=${trs%.trs}.log
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" 2>/dev/null | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/')
		s=$(echo "$line" | sed -nE 's/.*, ([0-9]+) skipped.*/\1/p')
		total_p=$((total_p + p))
		total_f=$((total_f + f))
		total_s=$((total_s + ${s:-0}))
	fi
	# a script that crashed or failed without counting still fails
	res=$(sed -n 's/^:test-result: //p' "$trs" | head -n 1)
	case $res in
	FAIL|ERROR|XPASS) [ -z "$line" ] || [ "${f:-0}" = 0 ] && total_f=$((total_f + 1)) ;;
	PASS) [ -n "$line" ] || total_p=$((total_p + 1)) ;;
	SKIP) [ -n "$line" ] || total_s=$((total_s + 1)) ;;
	esac
	f=0
done
echo "$total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" = 0 ]
