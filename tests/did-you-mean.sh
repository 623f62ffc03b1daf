#!/bin/sh
# did-you-mean.sh FTSIM: a VM or flow name that is not in the scenario
# (--vm of routes, rules, nexthop, verify; --from of replay; --flow of
# diagram) is an error, exit 2, that names the nearest name when one is
# near enough to be a typo, and no name otherwise. Run from the source
# tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
s2=scenarios/02-forced-tunnel-breaks-kms.yaml
s10=scenarios/10-hidden-platform-rule.yaml

# said WANT ARGS...: exit 2, nothing on stdout, stderr is the line WANT.
said() {
	want=$1; shift
	"$ftsim" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || [ -s "$tmp/out" ] || [ "$(cat "$tmp/err")" != "$want" ]; then
		echo "FAIL: ftsim $*: exit $rc, stderr:" >&2
		cat "$tmp/err" >&2
		echo "want: $want" >&2
		fail=1
	fi
}
said "$s2: error: no VM named 'vm2'; did you mean 'vm1'?" routes $s2 --vm vm2
said "$s2: error: no VM named 'mv1'; did you mean 'vm1'?" rules $s2 --vm mv1
said "$s2: error: no VM named 'database'" routes $s2 --vm database
said "$s2: error: no VM named 'vm11'; did you mean 'vm1'?" nexthop $s2 --vm vm11 --dest 1.1.1.1
said "$s10: error: no VM named 'winmv'; did you mean 'winvm'?" verify $s10 --vm winmv \
	--direction Outbound --protocol TCP --local 10.2.1.4:1 --remote 1.1.1.1:1
said "<stdin>: error: no VM named 'vm2'; did you mean 'vm1'?" routes - --vm vm2 <$s2
said "$s2: error: no flow named 'kms-activaton'; did you mean 'kms-activation'?" \
	diagram $s2 --flow kms-activaton
said "$s2: error: no flow named 'nothing-like-it'" diagram $s2 --flow nothing-like-it
said "$s2: error: no VM named 'vm2'; did you mean 'vm1'?" replay --scenario $s2 --from vm2 /dev/null
exit $fail
