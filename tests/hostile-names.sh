#!/bin/sh
# hostile-names.sh FTSIM: names that would climb out of an output folder
# (tests/scenarios/hostile-names.yaml: NSG, VM, subnet, VNet, flow and
# scenario names with '/', "..", ".") never make ftsim write outside the
# folder it was given: flowlog --out, run --pcap (one scenario and
# several), replay --pcap and report -o, all run deep in a sandbox whose
# every file must then lie in one of those folders. Names that a path
# would merge are refused (exit 2), not allowed to overwrite each other.
# Run from the source tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
top=$PWD
H=$top/tests/scenarios/hostile-names.yaml
S02=$top/scenarios/02-forced-tunnel-breaks-kms.yaml
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
work=$tmp/box/a/b/c/d/e/f/g/h
mkdir -p "$work"

run() {
	(cd "$work" && "$ftsim" "$@" >/dev/null 2>"$tmp/err")
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL: ftsim $*: exit $rc" >&2
		cat "$tmp/err" >&2
		fail=1
	fi
}

run flowlog "$H" --out fl
run run --pcap pc "$H"
run run --pcap pc2 "$H" "$S02"
run replay --scenario "$H" --from ../../../../vm --pcap rp "pc/nic-.._.._.._.._vm.pcap"
if command -v dot >/dev/null && command -v gnuplot >/dev/null; then
	run report -o rep "$H" "$S02"
	[ -f "$work/rep/index.html" ] || { echo "FAIL: no report" >&2; fail=1; }
fi
# Something was written, in each folder.
for d in fl pc pc2 rp; do
	if [ -z "$(find "$work/$d" -type f 2>/dev/null)" ]; then
		echo "FAIL: nothing written in $d" >&2
		fail=1
	fi
done
# And nothing anywhere else.
out=$(cd "$tmp/box" && find . -type f | grep -v '^\./a/b/c/d/e/f/g/h/\(fl\|pc\|pc2\|rp\|rep\)/')
if [ -n "$out" ]; then
	echo "FAIL: files written outside the output folders:" >&2
	echo "$out" >&2
	fail=1
fi
out=$(cd "$tmp/box" && find . -type d | grep -v '^\.\(/a\(/b\(/c\(/d\(/e\(/f\(/g\(/h\(/\(fl\|pc\|pc2\|rp\|rep\)\(/.*\)\?\)\?\)\?\)\?\)\?\)\?\)\?\)\?\)\?\)\?$')
if [ -n "$out" ]; then
	echo "FAIL: folders made outside the output folders:" >&2
	echo "$out" >&2
	fail=1
fi

# Names that one path would merge are refused.
refused() {
	what=$1
	shift
	(cd "$work" && "$ftsim" "$@" >/dev/null 2>"$tmp/err")
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q "$what" "$tmp/err"; then
		echo "FAIL: ftsim $*: exit $rc, expected 2 and '$what':" >&2
		cat "$tmp/err" >&2
		fail=1
	fi
}
refused "make the same flow log path" flowlog "$top/tests/scenarios/nsg-path-clash.yaml" --out clash
refused "make the same flow log path" flowlog "$top/tests/scenarios/nsg-path-clash.yaml"
refused "would both write their captures" run --pcap twice "$S02" "$S02"
[ -e "$work/clash" ] && { echo "FAIL: clash/ written" >&2; fail=1; }
[ -e "$work/twice" ] && { echo "FAIL: twice/ written" >&2; fail=1; }

[ $fail -eq 0 ] && echo "hostile-names.sh: every output stayed in its folder"
exit $fail
