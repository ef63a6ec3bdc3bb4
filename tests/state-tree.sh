# Sourced by tests/state.sh and tests/state-kill.sh: a tree of logs that
# grows in three steps, in time order, as an S3 sync target does.
#
#   state_tree_src DIR    every object, under DIR: correlation fixtures,
#                         each moved to a day of its own in May 2024
#                         (fx/NN-RULE.jsonl), two of them cut in halves so
#                         that a burst spans two runs; the con318 EKS audit
#                         log cut by time into eks/part-0..5.gz (and the
#                         first half of part-5 apart); the CloudTrail
#                         objects of con318 and leaked-credentials; the
#                         grading fixture cut in two (fx/12-grading.a:
#                         node traffic and principals first seen, May 12;
#                         fx/14-grading.b: what is graded by them, May 14),
#                         so that a run that forgot what the input taught
#                         grades otherwise
#   state_tree_step N SRC TREE   copy the objects of step N (1, 2, 3), or
#                         of step 4: part-5 rewritten whole (re-exported)
state_tree_src() {
	_d=$1
	mkdir -p "$_d/eks" "$_d/fx" "$_d/half" || return 1
	_day=0
	for _r in ANOM-001 ANOM-002 ANOM-003 ANOM-009 AUTH-011 SSRF-001 BURST-001 SEQ-001 BURST-002 \
	    BURST-003 BURST-004 BURST-005 BURST-006; do
		_day=$((_day + 1))
		_dd=$(printf %02d $_day)
		_in=$top_srcdir/tests/findings/k8s/K8S-$_r.pos.jsonl
		sed "s/2024-05-01T/2024-05-${_dd}T/g" "$_in" >"$_d/fx/$_dd-$_r.jsonl" || return 1
		case $_r in BURST-001 | BURST-006)
			_n=$(wc -l <"$_in")
			head -n $((_n / 2)) "$_d/fx/$_dd-$_r.jsonl" >"$_d/fx/$_dd-$_r.a.jsonl"
			tail -n +$((_n / 2 + 1)) "$_d/fx/$_dd-$_r.jsonl" >"$_d/fx/$_dd-$_r.b.jsonl"
			rm -f "$_d/fx/$_dd-$_r.jsonl"
		esac
	done
	_g=$top_srcdir/tests/cli/findings/grading.jsonl
	head -n 5 "$_g" | sed 's/2026-11-20T/2024-05-12T/g' >"$_d/fx/12-grading.a.jsonl" &&
	tail -n +6 "$_g" | sed 's/2026-11-20T/2024-05-14T/g' >"$_d/fx/14-grading.b.jsonl" || return 1
	gzip -dc "$top_srcdir"/samples/con318/eks-audit/exportedlogs/*/*/000000.gz | sort >"$_d/eks.txt"
	split -n l/6 -d -a 1 "$_d/eks.txt" "$_d/eks/part-" && rm -f "$_d/eks.txt"
	_n=$(wc -l <"$_d/eks/part-5")
	head -n $((_n / 2)) "$_d/eks/part-5" | gzip -n >"$_d/half/part-5.gz"
	for _f in "$_d"/eks/part-?; do gzip -n "$_f"; done
	cp -R "$top_srcdir/samples/con318/cloudtrail/AWSLogs" "$_d/" &&
	cp -R "$top_srcdir/samples/leaked-credentials/cloudtrail/AWSLogs/." "$_d/AWSLogs/"
}

state_tree_step() {
	(
	cd "$2" || exit 1
	case $1 in
	1) list="fx/0[1-6]-* fx/07-BURST-001.a.jsonl" ;;
	2) list="fx/07-BURST-001.b.jsonl fx/0[89]-* fx/1[0-2]-* fx/13-BURST-006.a.jsonl" ;;
	3) list="fx/13-BURST-006.b.jsonl fx/14-grading.b.jsonl eks/part-[0-4].gz $(find AWSLogs -type f)" ;;
	4) list="eks/part-5.gz" ;;
	esac
	for f in $list; do
		mkdir -p "$3/$(dirname "$f")" && cp -p "$f" "$3/$f" || exit 1
	done
	# in step 3 the last part of the EKS log is half written
	[ "$1" != 3 ] || cp -p half/part-5.gz "$3/eks/part-5.gz"
	)
}
