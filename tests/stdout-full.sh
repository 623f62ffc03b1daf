#!/bin/sh
# stdout-full.sh FTSIM: every command that prints, with stdout on
# /dev/full (every write fails with ENOSPC), must exit 2 naming the
# cause on stderr; text and JSON forms alike. Run from the source tree.
set -u
ftsim=$1
[ -w /dev/full ] || { echo "stdout-full.sh: no /dev/full, skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
S02=scenarios/02-forced-tunnel-breaks-kms.yaml
S10=scenarios/10-hidden-platform-rule.yaml
AZ=tests/data/azure-export

# A capture to replay.
"$ftsim" run --pcap "$tmp/pcap" "$S02" >/dev/null || { echo "cannot make a capture" >&2; exit 1; }

check() {
	n=$((n + 1))
	"$@" >/dev/full 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q "No space left on device" "$tmp/err"; then
		echo "FAIL: ftsim $* > /dev/full: exit $rc, stderr:" >&2
		cat "$tmp/err" >&2
		fail=1
	fi
}

check "$ftsim" run "$S02"
check "$ftsim" run --json "$S02"
check "$ftsim" run --json "$S02" "$S10"
check "$ftsim" run --tap "$S02"
check "$ftsim" run --ladder "$S02"
check "$ftsim" run --junit "$tmp/j.xml" "$S02"
check "$ftsim" run --pcap "$tmp/pcap2" "$S02"
check "$ftsim" routes "$S02" --vm vm1
check "$ftsim" routes "$S02" --vm vm1 --json
check "$ftsim" rules "$S10" --vm winvm
check "$ftsim" rules "$S10" --vm winvm --json
check "$ftsim" nexthop "$S02" --vm vm1 --dest 23.102.135.246
check "$ftsim" nexthop "$S02" --vm vm1 --dest 23.102.135.246 --json
check "$ftsim" verify "$S10" --vm winvm --direction Outbound --protocol TCP \
	--local 10.2.1.4:49152 --remote 23.102.135.246:1688
check "$ftsim" verify "$S10" --vm winvm --direction Outbound --protocol TCP \
	--local 10.2.1.4:49152 --remote 23.102.135.246:1688 --json
check "$ftsim" flowlog "$S10"
check "$ftsim" flowlog "$S10" --out "$tmp/fl"
check "$ftsim" whatif "$S02" scenarios/changes/arm-kms-udr.yaml
check "$ftsim" whatif --json "$S02" scenarios/changes/arm-kms-udr.yaml
check "$ftsim" diff "$S02" scenarios/03-udr-kms-fix.yaml
check "$ftsim" advise "$S02"
check "$ftsim" advise --json "$S02"
check "$ftsim" diff --json "$S02" scenarios/03-udr-kms-fix.yaml
check "$ftsim" import "$AZ/arm-export.json" "$AZ/effective-routes.json"
check "$ftsim" replay --scenario "$S02" --from vm1 "$tmp/pcap/nic-vm1.pcap"
check "$ftsim" replay --json --scenario "$S02" --from vm1 "$tmp/pcap/nic-vm1.pcap"
check "$ftsim" diagram "$S02"
check "$ftsim" version
check "$ftsim" help

# What the writes to /dev/full left: no temporary file in the folders.
if find "$tmp" -name '.*.??????' | grep -q .; then
	echo "FAIL: temporary files left:" >&2
	find "$tmp" -name '.*.??????' >&2
	fail=1
fi
[ $fail -eq 0 ] && echo "stdout-full.sh: $n commands exit 2 on a full stdout"
exit $fail
