#!/bin/sh
# A fuzz harness in regression mode: every committed input once, each
# under a per-input time limit, and the slowest one measured.
#
#   regress.sh HARNESS TIMEOUT PERCENT DIR...
#
# Runs HARNESS (a libFuzzer program) over every file of the DIRs, named
# one by one so that libFuzzer prints how long each took, with
# -timeout=TIMEOUT seconds per input. Fails if an input crashes, leaks or
# times out, and also if the slowest input took more than PERCENT % of
# TIMEOUT: that input is named, so that it is made faster or the limit
# raised before a slower machine turns it into a timeout.
set -u
harness=$1
timeout=$2
pct=$3
shift 3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

for d in "$@"; do
	[ -d "$d" ] && find "$d" -type f
done | LC_ALL=C sort >"$tmp/inputs"
n=$(wc -l <"$tmp/inputs")
if [ "$n" -eq 0 ]; then
	echo "$harness: no input"
	exit 0
fi
# One process for every input (xargs could split a long list: every part
# is a run of its own, each checked).
status=0
xargs -d '\n' "$harness" -timeout="$timeout" <"$tmp/inputs" >"$tmp/log" 2>&1 ||
	status=$?
if [ $status -ne 0 ]; then
	cat "$tmp/log"
	echo "$harness: an input failed (exit $status)" >&2
	exit 1
fi
# "Executed FILE in N ms", one line per input.
ran=$(grep -c '^Executed .* in [0-9]* ms$' "$tmp/log")
if [ "$ran" -ne "$n" ]; then
	cat "$tmp/log"
	echo "$harness: $n inputs, $ran executed" >&2
	exit 1
fi
slow=$(sed -n 's/^Executed \(.*\) in \([0-9]*\) ms$/\2 \1/p' "$tmp/log" |
	LC_ALL=C sort -k1,1n | tail -n 1)
ms=${slow%% *}
file=${slow#* }
limit=$((timeout * 1000 * pct / 100))
echo "$harness: $n inputs; slowest $file, $ms ms (limit ${timeout} s per input)"
if [ "$ms" -gt "$limit" ]; then
	echo "$harness: $file took $ms ms, over $pct % of the ${timeout} s" \
	     "per-input limit: make it faster or raise FTSIM_FUZZ_TIMEOUT" >&2
	exit 1
fi
exit 0
