#!/bin/sh
# replay.sh FTSIM: `ftsim replay` of the captures `ftsim run --pcap`
# writes, and of captures made by other tools.
#
#  - for every bundled scenario and every VM that sends a flow, replaying
#    the VM's NIC capture gives each scenario flow of that VM the verdict
#    `run --json` gave it (delivered, tcp_connect, activation, source,
#    hairpin, drop reason, asymmetry), and the same exit code;
#  - where every flow of a scenario leaves one VM (none comes from an
#    address: on-premises, the Internet), the replay's per-hop
#    captures are byte-identical to the run's (cmp), and always to a
#    second replay's;
#  - tshark finds no malformed packet or bad checksum in what replay
#    writes;
#  - pcapng, several link types (text2pcap), non-IPv4, ICMP, a cut snap
#    length and a BPF filter are read and counted as documented;
#  - a truncated, empty or foreign file, an unknown link type and a bad
#    filter exit 2 with FILE: error: and write nothing.
set -u
ftsim=$1
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
nrep=0
set --

for tool in tshark jq text2pcap editcap mergecap; do
	if ! command -v $tool >/dev/null; then
		echo "replay.sh: $tool is needed (scripts/install-deps.sh with" \
		     "FTSIM_TEST_DEPS=1 installs it)" >&2
		exit 1
	fi
done

verdict='{name, delivered, tcp_connect, activation, source_seen, source_class, hairpin, drop_reason, asymmetric}'
for s in "$top"/scenarios/*.yaml; do
	name=$(basename "$s" .yaml)
	"$ftsim" run --json --pcap "$work/run/$name" "$s" >"$work/$name.json" 2>/dev/null
	runrc=$?
	[ "$runrc" -le 1 ] || { echo "FAIL $name: run exited $runrc" >&2; fail=1; continue; }
	vms=$(jq -r '[.flows[].from | select(test("^[0-9.]+$") | not)] | unique | .[]' "$work/$name.json")
	nvms=$(echo "$vms" | wc -w)
	# Flows from an address (on-premises, the Internet) are in the run's
	# captures and in no VM's: the per-hop files compare only without.
	nhosts=$(jq '[.flows[].from | select(test("^[0-9.]+$"))] | length' "$work/$name.json")
	solo=0
	[ "$nvms" -eq 1 ] && [ "$nhosts" -eq 0 ] && solo=1
	for vm in $vms; do
		cap="$work/run/$name/nic-$vm.pcap"
		out="$work/rep/$name-$vm"
		"$ftsim" replay --json --scenario "$s" --from "$vm" --pcap "$out" \
		    "$cap" >"$work/$name-$vm.json" 2>"$work/err"
		rc=$?
		nrep=$((nrep + 1))
		if [ "$rc" -gt 1 ]; then
			echo "FAIL $name: replay --from $vm exited $rc:" >&2
			cat "$work/err" >&2; fail=1; continue
		fi
		want=$(jq -c --arg vm "$vm" "[.flows[] | select(.from == \$vm) | $verdict] | sort_by(.name)" "$work/$name.json")
		got=$(jq -c "[.flows[] | select(.scenario_flow != null) | .name = .scenario_flow | $verdict] | sort_by(.name)" "$work/$name-$vm.json")
		if [ "$want" != "$got" ]; then
			echo "FAIL $name --from $vm: replay's verdicts differ from run's" >&2
			echo "  run:    $want" >&2
			echo "  replay: $got" >&2
			fail=1
		fi
		# One VM's replay fails exactly when run fails (all flows are
		# that VM's); otherwise only when its own flows fail.
		vmfail=$(jq --arg vm "$vm" '[.flows[] | select(.from == $vm and .ok == false)] | length' "$work/$name.json")
		if { [ "$vmfail" -gt 0 ] && [ "$rc" -ne 1 ]; } ||
		   { [ "$vmfail" -eq 0 ] && [ "$rc" -ne 0 ]; }; then
			echo "FAIL $name --from $vm: replay exited $rc with $vmfail failing flow(s)" >&2
			fail=1
		fi
		"$ftsim" replay --scenario "$s" --from "$vm" --pcap "$out.2" \
		    "$cap" >/dev/null 2>&1
		if ! diff -r "$out" "$out.2" >/dev/null; then
			echo "FAIL $name --from $vm: two replays wrote different files" >&2
			fail=1
		fi
		for f in "$out"/*.pcap; do
			[ -e "$f" ] || continue
			set -- "$@" "$f"
			[ "$solo" -eq 1 ] || continue
			if ! cmp -s "$f" "$work/run/$name/$(basename "$f")"; then
				echo "FAIL $name: replay's $(basename "$f") differs from run's" >&2
				fail=1
			fi
		done
		if [ "$solo" -eq 1 ] &&
		   [ "$(ls "$out" | tr '\n' ' ')" != "$(ls "$work/run/$name" | tr '\n' ' ')" ]; then
			echo "FAIL $name: replay wrote other files than run" >&2; fail=1
		fi
	done
done

checks="-o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE"
bad='_ws.malformed || _ws.expert.severity >= "Error" || ip.checksum.status == "Bad" || tcp.checksum.status == "Bad" || udp.checksum.status == "Bad"'
if [ $# -gt 0 ]; then
	mergecap -a -w "$work/all.pcap" "$@"
	nbad=$(tshark -r "$work/all.pcap" $checks -Y "$bad" 2>/dev/null | wc -l)
	if [ "$nbad" -ne 0 ]; then
		echo "FAIL tshark: $nbad bad packet(s) in replay's captures" >&2
		tshark -r "$work/all.pcap" $checks -Y "$bad" 2>&1 | head >&2
		fail=1
	fi
fi
echo "replay.sh: $nrep replays of $# capture files checked"

# Captures made by other tools: text2pcap from the hex in tests/replay/.
kms="$top/scenarios/02-forced-tunnel-breaks-kms.yaml"
expect_counts() {	# FILE WANT-JSON [REPLAY ARGS...]
	f=$1 want=$2
	shift 2
	got=$("$ftsim" replay --json --scenario "$kms" --from vm1 "$@" "$f" |
	      jq -c '[.packets.judged, (.flows | length), .packets.skipped["not-ipv4"], .packets.skipped["other-protocol"], .packets.skipped.fragment, .packets.skipped.cut, .packets.skipped["not-the-vm"], .packets.skipped.unsolicited, .flows[0].source_seen]')
	if [ "$got" != "$want" ]; then
		echo "FAIL $(basename "$f") $*: want $want, got $got" >&2
		fail=1
	fi
}
# judged, flows, not-ipv4, other-protocol, fragment, cut, not-the-vm,
# unsolicited, the first flow's source seen
mixed='[2,1,2,1,1,0,1,1,"198.51.100.10"]'
text2pcap -q -F pcap -l 1 "$top/tests/replay/ether.hex" "$work/ether.pcap" >/dev/null 2>&1
expect_counts "$work/ether.pcap" "$mixed"
editcap -F pcapng "$work/ether.pcap" "$work/ether.pcapng" >/dev/null
expect_counts "$work/ether.pcapng" "$mixed"
expect_counts "$work/ether.pcap" '[1,1,0,0,0,0,0,0,"198.51.100.10"]' --filter 'tcp[tcpflags] == tcp-syn'
editcap -s 40 "$work/ether.pcap" "$work/cut.pcap" >/dev/null
expect_counts "$work/cut.pcap" '[0,0,2,1,1,4,0,0,null]'
for lt in raw:101 null:0 sll:113 sll2:276 vlan:1; do
	text2pcap -q -F pcap -l "${lt#*:}" "$top/tests/replay/${lt%:*}.hex" "$work/${lt%:*}.pcap" >/dev/null 2>&1
	expect_counts "$work/${lt%:*}.pcap" '[1,1,0,0,0,0,0,0,"198.51.100.10"]'
done
# Malformed headers (TCP data offset 4, IHL 4, a total length beyond the
# frame) are counted as cut, not judged.
text2pcap -q -F pcap -l 101 "$top/tests/replay/malformed.hex" "$work/malformed.pcap" >/dev/null 2>&1
expect_counts "$work/malformed.pcap" '[1,1,0,0,0,3,0,0,"198.51.100.10"]'

# Bad captures: exit 2, FILE: error:, no output.
head -c 200 "$work/ether.pcap" >"$work/truncated.pcap"
: >"$work/empty.pcap"
printf 'not a capture\n' >"$work/text.pcap"
editcap -T ieee-802-11 "$work/ether.pcap" "$work/wifi.pcap" >/dev/null
for f in truncated empty text wifi; do
	"$ftsim" replay --scenario "$kms" --from vm1 --pcap "$work/bad-$f" \
	    "$work/$f.pcap" >"$work/out" 2>"$work/err"
	rc=$?
	if [ "$rc" -ne 2 ] || ! grep -q "^$work/$f.pcap: error: " "$work/err" ||
	   [ -s "$work/out" ] ||
	   [ -n "$(ls -A "$work/bad-$f" 2>/dev/null | grep -v '^\.ftsim-lock$')" ]; then
		echo "FAIL bad capture $f: exit $rc, stderr:" >&2
		cat "$work/err" >&2; fail=1
	fi
done
"$ftsim" replay --scenario "$kms" --from vm1 --filter 'tcp port' \
    "$work/ether.pcap" >"$work/out" 2>"$work/err"
if [ $? -ne 2 ] || ! grep -q "^--filter: error: 'tcp port'" "$work/err"; then
	echo "FAIL bad filter: stderr:" >&2; cat "$work/err" >&2; fail=1
fi
# The filter's size cap: 3,000 `port N` terms are refused at once (they
# would compile for minutes); a filter of exactly 1,024 bytes compiles.
long=$(i=1000; sep=""; while [ $i -lt 4000 ]; do printf '%sport %d' "$sep" $i; sep=" or "; i=$((i + 1)); done)
timeout 60 "$ftsim" replay --scenario "$kms" --from vm1 --filter "$long" \
    "$work/ether.pcap" >"$work/out" 2>"$work/err"
if [ $? -ne 2 ] || ! grep -q "^--filter: error: 38996 bytes, over the cap of 1024" "$work/err"; then
	echo "FAIL long filter: stderr:" >&2; cat "$work/err" >&2; fail=1
fi
cap=$(printf '%s' "$long" | head -c 1024 | sed 's/ or port [0-9]*$//')
cap="$cap$(printf '%*s' $((1024 - ${#cap})) '')"
timeout 60 "$ftsim" replay --scenario "$kms" --from vm1 --filter "$cap" \
    "$work/ether.pcap" >"$work/out" 2>"$work/err"
if [ $? -ne 0 ] || [ ${#cap} -ne 1024 ]; then
	echo "FAIL a ${#cap}-byte filter: stderr:" >&2; cat "$work/err" >&2; fail=1
fi
exit $fail
