#!/bin/sh
# captures.sh FTSIM: the captures of every bundled scenario, checked by
# tools ftsim did not write.
#
#  - tshark reads every file without a malformed packet, an error-level
#    expert note or a bad IPv4/TCP/UDP checksum;
#  - the source address of each flow's SYN (or datagram) at a
#    destination's capture point is the source_seen of `run --json`;
#  - a second run writes byte-identical files (cmp);
#  - --capture keeps only the points it names.
set -u
ftsim=$1
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
set --

if ! command -v tshark >/dev/null || ! command -v jq >/dev/null; then
	echo "captures.sh: tshark and jq are needed (scripts/install-deps.sh" \
	     "with FTSIM_TEST_DEPS=1 installs them)" >&2
	exit 1
fi

checks="-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
bad='_ws.malformed || _ws.expert.severity >= "Error" || ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad"'
nfiles=0
for s in "$top"/scenarios/*.yaml; do
	name=$(basename "$s" .yaml)
	"$ftsim" run --pcap "$work/a/$name" "$s" >/dev/null 2>&1
	rc=$?
	if [ "$rc" -gt 1 ]; then
		echo "FAIL $name: ftsim run --pcap exited $rc" >&2; fail=1; continue
	fi
	"$ftsim" run --pcap "$work/b/$name" "$s" >/dev/null 2>&1
	if [ "$(ls "$work/a/$name" | tr '\n' ' ')" != "$(ls "$work/b/$name" | tr '\n' ' ')" ]; then
		echo "FAIL $name: two runs wrote different sets of files" >&2; fail=1
	fi
	# Hidden: only the set's manifest and lock (docs/format.md).
	if ls -A "$work/a/$name" | grep -v '^\.ftsim-\(captures\|lock\)$' | grep -q '^\.'; then
		echo "FAIL $name: a temporary file was left behind" >&2; fail=1
	fi
	for f in "$work/a/$name"/*.pcap; do
		[ -e "$f" ] || continue
		nfiles=$((nfiles + 1))
		if ! cmp -s "$f" "$work/b/$name/$(basename "$f")"; then
			echo "FAIL $name/$(basename "$f"): differs between two runs" >&2
			fail=1
		fi
		# Every file, one after the other, for one tshark pass below.
		set -- "$@" "$f"
	done
	# The source each destination saw, as its capture shows it: the
	# first SYN (or datagram) from each source port at the dest-*
	# points, against --json's source_seen.
	ls "$work/a/$name"/dest-*.pcap >/dev/null 2>&1 || continue
	mergecap -a -w "$work/dest-$name.pcap" "$work/a/$name"/dest-*.pcap
	tshark -r "$work/dest-$name.pcap" -T fields -e tcp.srcport \
	    -e udp.srcport -e ip.src \
	    -Y "(tcp.flags.syn == 1 && tcp.flags.ack == 0) || (udp && !(dns.flags.response == 1))" \
	    2>/dev/null | awk -F '\t' '{ p = $1 != "" ? $1 : $2; if (!(p in s)) s[p] = $3 }
	    END { for (p in s) print p, s[p] }' >"$work/seen-$name"
	"$ftsim" run --json "$s" 2>/dev/null | jq -r '.flows[] |
	    select(.delivered and .source_seen != null) |
	    [.source_port, .source_seen, (.path | last)] | @tsv' |
	while IFS="$(printf '\t')" read -r sport seen node; do
		[ -e "$work/a/$name/dest-$node.pcap" ] || continue
		got=$(awk -v p="$sport" '$1 == p { print $2 }' "$work/seen-$name")
		if [ "$got" != "$seen" ]; then
			echo "FAIL $name: dest-$node.pcap shows source '$got' for" \
			     "port $sport, --json says $seen" >&2
			exit 1
		fi
		echo "$name $sport" >>"$work/checked"
	done || fail=1
done
[ "$nfiles" -gt 0 ] || { echo "FAIL: no capture written" >&2; exit 1; }

# tshark over every file at once: no malformed packet, no error-level
# expert note, no bad checksum, and every packet read.
mergecap -a -w "$work/all.pcap" "$@"
# shellcheck disable=SC2086
out=$(tshark -r "$work/all.pcap" $checks -Y "$bad" 2>&1 | grep -v '^Running as user')
if [ -n "$out" ]; then
	echo "FAIL: tshark reports:" >&2; echo "$out" | head -20 >&2; fail=1
fi
want=0
for f in "$@"; do
	n=$(capinfos -c -M "$f" | awk '/Number of packets/ { print $NF }')
	[ "$n" -gt 0 ] || { echo "FAIL: $f has no packet" >&2; fail=1; }
	want=$((want + n))
done
# shellcheck disable=SC2086
got=$(tshark -r "$work/all.pcap" $checks 2>/dev/null | wc -l)
if [ "$got" -ne "$want" ]; then
	echo "FAIL: tshark read $got packets of $want" >&2; fail=1
fi

# --capture: only the points named (a kind, and a full name).
s="$top/scenarios/02-forced-tunnel-breaks-kms.yaml"
"$ftsim" run --pcap "$work/sel" --capture dest,nic-vm1 "$s" >/dev/null 2>&1
got=$(ls "$work/sel" | tr '\n' ' ')
if [ "$got" != "dest-kms.pcap nic-vm1.pcap " ]; then
	echo "FAIL --capture dest,nic-vm1 wrote: $got" >&2; fail=1
fi
nseen=$(cat "$work/checked" 2>/dev/null | wc -l)
[ "$nseen" -gt 20 ] || { echo "FAIL: only $nseen sources checked" >&2; fail=1; }
[ "$fail" = 0 ] && echo "captures.sh: $nfiles capture files, $want packets," \
    "$nseen sources seen at destinations checked"
exit "$fail"
