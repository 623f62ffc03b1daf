#!/bin/sh
# capture-sets.sh FTSIM: a capture folder holds one set. Run from the
# source tree.
#  - a run into a folder that holds another scenario's captures leaves
#    exactly its own set, byte for byte what it writes into an empty one;
#  - a *.pcap ftsim did not write (not in the folder's .ftsim-captures)
#    makes it refuse (exit 2, the file named) and leave the folder as it
#    was;
#  - runs into one folder at the same time do not interleave: afterwards
#    the folder holds one run's set whole;
#  - a run waits for the folder's lock, saying so;
#  - a run of several scenarios (DIR/SCENARIO/ each) and a run of one
#    replace each other's sets too.
set -u
ftsim=$1
A=scenarios/02-forced-tunnel-breaks-kms.yaml
B=scenarios/10-hidden-platform-rule.yaml
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

# Many flows, so that a run takes long enough to overlap another.
head=$(sed '/^flows:/,$d' "$A")
{
	printf '%s\n' "$head"
	echo "flows:"
	for i in $(seq 0 149); do
		echo "  - {name: f$i, from: vm1, to: 23.102.1.$((i + 1)), port: $((1000 + i))}"
	done
} >"$tmp/big.yaml"
A2=$tmp/big.yaml

"$ftsim" run --pcap "$tmp/ref-a" "$A2" >/dev/null
"$ftsim" run --pcap "$tmp/ref-b" "$B" >/dev/null
list() { (cd "$1" && ls -- *.pcap 2>/dev/null | tr '\n' ' '); }

# same DIR REF: DIR holds exactly REF's captures, byte for byte.
same() {
	[ "$(list "$1")" = "$(list "$2")" ] || return 1
	for f in "$2"/*.pcap; do
		cmp -s "$f" "$1/$(basename "$f")" || return 1
	done
	return 0
}

"$ftsim" run --pcap "$tmp/d" "$A2" >/dev/null
"$ftsim" run --pcap "$tmp/d" "$B" >/dev/null
same "$tmp/d" "$tmp/ref-b" ||
	{ echo "FAIL: a second run left a mix: $(list "$tmp/d")" >&2; fail=1; }
"$ftsim" run --pcap "$tmp/d" "$A2" >/dev/null
same "$tmp/d" "$tmp/ref-a" ||
	{ echo "FAIL: a third run left a mix: $(list "$tmp/d")" >&2; fail=1; }

# A capture ftsim did not write.
echo "not ours" >"$tmp/d/mine.pcap"
before=$(cd "$tmp/d" && ls -A | tr '\n' ' ')
"$ftsim" run --pcap "$tmp/d" "$B" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -ne 2 ] || ! grep -q "mine.pcap: a capture ftsim did not write" "$tmp/err"; then
	echo "FAIL: a foreign capture: exit $rc, stderr:" >&2; cat "$tmp/err" >&2; fail=1
fi
[ "$(cd "$tmp/d" && ls -A | tr '\n' ' ')" = "$before" ] ||
	{ echo "FAIL: the refused run changed the folder" >&2; fail=1; }
rm "$tmp/d/mine.pcap"
same "$tmp/d" "$tmp/ref-a" || { echo "FAIL: the earlier set is damaged" >&2; fail=1; }

# Several scenarios write a folder each, and those folders are the set:
# a single run's captures go, and a later single run removes them.
C=scenarios/03-udr-kms-fix.yaml
"$ftsim" run --pcap "$tmp/m" "$A2" >/dev/null
"$ftsim" run --pcap "$tmp/m" "$B" "$C" >/dev/null
got=$(cd "$tmp/m" && ls -A | tr '\n' ' ')
[ "$got" = ".ftsim-captures .ftsim-lock hidden-platform-rule udr-kms-fix " ] ||
	{ echo "FAIL: a run of two scenarios left: $got" >&2; fail=1; }
"$ftsim" run --pcap "$tmp/m" "$B" "$A" >/dev/null
got=$(cd "$tmp/m" && ls -A | tr '\n' ' ')
[ "$got" = ".ftsim-captures .ftsim-lock forced-tunnel-breaks-kms hidden-platform-rule " ] ||
	{ echo "FAIL: a second run of two scenarios left: $got" >&2; fail=1; }
same "$tmp/m/hidden-platform-rule" "$tmp/ref-b" ||
	{ echo "FAIL: a scenario's folder is not its set" >&2; fail=1; }
"$ftsim" run --pcap "$tmp/m" "$B" >/dev/null
same "$tmp/m" "$tmp/ref-b" && [ -z "$(find "$tmp/m" -mindepth 1 -type d)" ] ||
	{ echo "FAIL: a single run after two left: $(cd "$tmp/m" && ls -A | tr '\n' ' ')" >&2; fail=1; }

# Concurrent runs: one whole set afterwards, never a mix.
for i in 1 2 3 4; do
	"$ftsim" run --pcap "$tmp/c$i" "$A2" >/dev/null 2>"$tmp/c$i-a.err" &
	pa=$!
	"$ftsim" run --pcap "$tmp/c$i" "$B" >/dev/null 2>"$tmp/c$i-b.err" &
	pb=$!
	wait $pa; ra=$?
	wait $pb; rb=$?
	if [ $ra -ne 0 ] || [ $rb -ne 0 ]; then
		echo "FAIL: concurrent runs exited $ra and $rb:" >&2
		cat "$tmp/c$i-a.err" "$tmp/c$i-b.err" >&2
		fail=1
	elif ! same "$tmp/c$i" "$tmp/ref-a" && ! same "$tmp/c$i" "$tmp/ref-b"; then
		echo "FAIL: concurrent runs left a mix: $(list "$tmp/c$i")" >&2
		fail=1
	fi
done

# A run waits while another holds the folder's lock.
if command -v flock >/dev/null; then
	flock "$tmp/d/.ftsim-lock" sleep 2 &
	pl=$!
	# until it holds the lock
	for _ in $(seq 100); do
		flock -n "$tmp/d/.ftsim-lock" true || break
		sleep 0.05
	done
	"$ftsim" run --pcap "$tmp/d" "$B" >/dev/null 2>"$tmp/err"
	rc=$?
	wait $pl
	if [ $rc -ne 0 ] || ! grep -q "waiting for another ftsim writing captures" "$tmp/err"; then
		echo "FAIL: a run under another's lock: exit $rc, stderr:" >&2
		cat "$tmp/err" >&2; fail=1
	fi
	same "$tmp/d" "$tmp/ref-b" || { echo "FAIL: the waiting run's set" >&2; fail=1; }
fi
[ $fail -eq 0 ] && echo "capture-sets.sh: one set per folder, runs one after the other"
exit $fail
