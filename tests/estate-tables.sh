#!/bin/sh
# estate-tables.sh FTSIM: `ftsim routes` against published effective
# route tables (tests/data/estates, see its README for where each comes
# from), on the scenarios that rebuild their networks
# (tests/scenarios/estates). Every row and every column width must match.
# One thing is compared as a set: the rows of a run of
# VirtualNetworkGateway rows, whose order the published tables show is not
# stable (an active-active gateway's two next hops swap from one table to
# the next; README "What the tables show", items 3 and 9).
#
# Each case: scenario, VM, table, and optionally a pattern: the published
# output was filtered with `grep PATTERN`, so ours is too.
set -u
ftsim=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
s=tests/scenarios/estates
d=tests/data/estates
fails=0

# Sort each run of VirtualNetworkGateway rows, keep the rest in place.
norm() {
	awk '
	function flush() { if (n) { cmd = "sort"; for (i = 0; i < n; i++) print run[i] | cmd; close(cmd) } n = 0 }
	/^VirtualNetworkGateway / { run[n++] = $0; next }
	{ flush(); print }
	END { flush() }' "$1"
}

check() {
	scn=$1 vm=$2 table=$3 pat=${4:-}
	if ! "$ftsim" routes "$s/$scn" --vm "$vm" >"$dir/out" 2>"$dir/err"; then
		echo "estate-tables: $scn --vm $vm: exit $?: $(cat "$dir/err")" >&2
		fails=$((fails + 1))
		return
	fi
	if [ -n "$pat" ]; then
		grep -F -- "$pat" "$dir/out" >"$dir/got" || true
	else
		cp "$dir/out" "$dir/got"
	fi
	norm "$dir/got" >"$dir/a"
	norm "$d/$table" >"$dir/b"
	if ! diff -u "$dir/b" "$dir/a" >"$dir/diff"; then
		echo "estate-tables: $scn --vm $vm differs from $table:" >&2
		cat "$dir/diff" >&2
		fails=$((fails + 1))
	fi
}

check wth036-challenge1.yaml testvm1 wth036-01-testvm1VMNic.table
check wth036-challenge1.yaml testvm2 wth036-01-testvm2VMNic.table
check wth036-challenge2.yaml testvm1 wth036-02-testvm1VMNic.table
check wth036-challenge2.yaml testvm2 wth036-02-testvm2VMNic.table
check wth036-challenge2.yaml testvm1 wth036-07-testvm1VMNic-before.grep.table 0.0.0.0/0
check wth036-challenge2.yaml testvm2 wth036-07-testvm2VMNic-before.grep.table 0.0.0.0/0
check wth036-default.yaml testvm1 wth036-07-testvm1VMNic-after.grep.table 0.0.0.0/0
check wth036-default.yaml testvm2 wth036-07-testvm2VMNic-after.grep.table 0.0.0.0/0
check rsdefault.yaml spoke-vnet-vm-vmLinux-0 rsdefault-spoke-vnet-vm-vmLinux-0.table
check rsdefault.yaml hub-vnet-vm-vmLinux-0 rsdefault-hub-vnet-vm-vmLinux-0.table
check rsdefault.yaml remote-vnet-vm-vmLinux-0 rsdefault-remote-vnet-vm-vmLinux-0.table
check vwan-natvpner.yaml spoke1VM vwan-natvpner-spoke1VM.table
[ "$fails" -eq 0 ] || { echo "estate-tables: $fails of 12 tables differ" >&2; exit 1; }
echo "estate-tables: 12 published tables match"
