#!/bin/sh
# advise.sh FTSIM: `ftsim advise` on every bundled scenario. Its exit
# code is 0 when every service works and 1 when one is broken; each
# proven fix it writes (-o) is a change file that `ftsim whatif` takes
# and shows: the whatif exits 1 (changed), every range it reports as
# changed is a service address (the KMS, SUSE, DNS and IMDS addresses of
# the advise JSON), every flow it reports as changed goes to one, and
# advise on the scenario after the fix (whatif --write-after) finds
# nothing broken but what it said it could not fix. Bad input exits 2
# with nothing on stdout. Needs jq. Run from the source tree.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
command -v jq >/dev/null || { echo "jq is not installed: skipped" >&2; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0

for s in scenarios/*.yaml tests/scenarios/advise-no-clean-fix.yaml \
	 tests/scenarios/advise-firewall-fix.yaml; do
	n=$((n + 1))
	rm -f "$tmp/fix.yaml" "$tmp/after.yaml"
	"$ftsim" advise --json -o "$tmp/fix.yaml" "$s" >"$tmp/adv.json" 2>"$tmp/err"
	rc=$?
	broken=$(jq .broken "$tmp/adv.json")
	want=0; [ "$broken" -gt 0 ] && want=1
	if [ $rc -ne $want ]; then
		echo "FAIL: advise $s: exit $rc with $broken broken" >&2
		cat "$tmp/err" >&2; fail=1; continue
	fi
	nfix=$(jq '.fixes | length' "$tmp/adv.json")
	if [ "$nfix" -eq 0 ]; then
		[ -e "$tmp/fix.yaml" ] && { echo "FAIL: advise $s wrote a change without a fix" >&2; fail=1; }
		continue
	fi
	[ "$(jq -r .change "$tmp/adv.json")" = "$tmp/fix.yaml" ] ||
		{ echo "FAIL: advise $s: change not named in the JSON" >&2; fail=1; }
	# The proof printed: nothing but service addresses.
	[ "$(jq .proof.service_addresses_only "$tmp/adv.json")" = true ] &&
	[ "$(jq '.proof.broken_after | length' "$tmp/adv.json")" = \
	  "$(jq '[.unfixed[].services[]] | length' "$tmp/adv.json")" ] ||
		{ echo "FAIL: advise $s: proof does not hold" >&2; fail=1; }
	# whatif takes the change and shows it.
	"$ftsim" whatif --json --services --write-after "$tmp/after.yaml" \
		"$s" "$tmp/fix.yaml" >"$tmp/wi.json" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL: whatif $s + advise fix: exit $rc" >&2
		cat "$tmp/err" >&2; fail=1; continue
	fi
	jq -r '.services[].address' "$tmp/adv.json" | sort -u >"$tmp/svc"
	# Every changed range is a service address (the fixes change /32s).
	jq -r '.exhaustive.vms[] | (.next_hop + .outcome)[] | .cidrs[]' \
		"$tmp/wi.json" | sort -u >"$tmp/ranges"
	if [ ! -s "$tmp/ranges" ] || sed 's|/32$||' "$tmp/ranges" |
	   grep -qvxF -f "$tmp/svc"; then
		echo "FAIL: whatif $s + advise fix: ranges beyond the services:" >&2
		cat "$tmp/ranges" >&2; fail=1
	fi
	# After the fix, advise finds broken only what it could not fix.
	"$ftsim" advise --json "$tmp/after.yaml" >"$tmp/adv2.json" 2>"$tmp/err"
	left=$(jq '[.unfixed[].services[]] | length' "$tmp/adv.json")
	[ "$(jq .broken "$tmp/adv2.json")" = "$left" ] ||
		{ echo "FAIL: advise $s: $(jq .broken "$tmp/adv2.json") broken after the fix, $left expected" >&2; fail=1; }
done

# Exit codes: 0 all works, 1 broken (a CI gate), 2 bad input.
"$ftsim" advise scenarios/01-no-forced-tunnel.yaml >/dev/null 2>&1
[ $? -eq 0 ] || { echo "FAIL: advise 01 should exit 0" >&2; fail=1; }
"$ftsim" advise scenarios/02-forced-tunnel-breaks-kms.yaml >/dev/null 2>&1
[ $? -eq 1 ] || { echo "FAIL: advise 02 should exit 1" >&2; fail=1; }
for bad in "tests/bad/no-such-file.yaml" "--services kms,ntp scenarios/02-forced-tunnel-breaks-kms.yaml" \
	   "--services , scenarios/02-forced-tunnel-breaks-kms.yaml" "" \
	   "scenarios/01-no-forced-tunnel.yaml scenarios/02-forced-tunnel-breaks-kms.yaml"; do
	# shellcheck disable=SC2086
	"$ftsim" advise $bad >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || [ -s "$tmp/out" ] || [ ! -s "$tmp/err" ]; then
		echo "FAIL: advise $bad: exit $rc, want 2 with a message and no stdout" >&2
		fail=1
	fi
done
# A fix that cannot be written: exit 2, nothing left under the name.
"$ftsim" advise -o "$tmp/no/such/dir/fix.yaml" scenarios/02-forced-tunnel-breaks-kms.yaml >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "cannot write" "$tmp/err" ||
	{ echo "FAIL: advise -o into a missing folder" >&2; fail=1; }
# Nothing to fix: no file written.
"$ftsim" advise -o "$tmp/none.yaml" scenarios/01-no-forced-tunnel.yaml >/dev/null 2>&1
[ -e "$tmp/none.yaml" ] && { echo "FAIL: advise wrote a change with nothing to fix" >&2; fail=1; }

[ $fail -eq 0 ] && echo "advise: $n scenarios, every fix proven by whatif"
exit $fail
