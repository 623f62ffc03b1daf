#!/bin/bash
# report-faults.sh FTSIM: `ftsim report` and `ftsim diagram -o` stopped
# or starved. Run from the source tree.
#  - SIGINT or SIGTERM while a helper program (gnuplot, dot) runs: the
#    helper is killed, the report's DIR.tmp.* folder (diagram's
#    OUT.tmpPID file) is removed, nothing is left under the final name,
#    the message names it, exit 128 + the signal;
#  - the disk filling up while dot writes (root: a small tmpfs): the
#    message names the cause, "No space left on device", not dot's
#    "gvwrite_no_z problem", and nothing is left.
set -u
ftsim=$1
case $ftsim in /*) ;; *) ftsim=$PWD/$ftsim ;; esac
S=$PWD/scenarios/02-forced-tunnel-breaks-kms.yaml
command -v dot >/dev/null && command -v gnuplot >/dev/null ||
	{ echo "report-faults.sh: dot and gnuplot needed: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
mnt=""
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail=0
realdot=$(command -v dot)
realgnuplot=$(command -v gnuplot)

# A helper that says it started (its pid), then waits to be killed.
mkdir "$tmp/slow"
for prog in dot gnuplot; do
	printf '#!/bin/sh\necho $$ >"%s/%s.pid"\nexec sleep 60\n' "$tmp" "$prog" \
		>"$tmp/slow/$prog"
	chmod +x "$tmp/slow/$prog"
done
ln -s "$realdot" "$tmp/slow/realdot"

# interrupt NAME SIG HELPER FINAL-GLOB CMD...: run CMD with HELPER slow,
# send SIG once the helper runs, then check.
interrupt() {
	local name=$1 sig=$2 helper=$3 final=$4
	shift 4
	rm -f "$tmp/$helper.pid"
	if [ "$helper" = gnuplot ]; then
		# the real dot, a slow gnuplot
		PATH=$tmp/slow2:$PATH "$@" >/dev/null 2>"$tmp/err" &
	else
		PATH=$tmp/slow:$PATH "$@" >/dev/null 2>"$tmp/err" &
	fi
	local pid=$! i
	for i in $(seq 300); do
		[ -s "$tmp/$helper.pid" ] && break
		sleep 0.1
	done
	if [ ! -s "$tmp/$helper.pid" ]; then
		echo "FAIL $name: $helper never started" >&2
		kill -KILL $pid 2>/dev/null; wait $pid; fail=1; return
	fi
	kill -"$sig" $pid
	wait $pid
	local rc=$? want=$((128 + $(kill -l "$sig")))
	[ $rc -eq $want ] || { echo "FAIL $name: exit $rc, want $want" >&2; fail=1; }
	grep -q "interrupted by SIG$sig: .* not written" "$tmp/err" ||
		{ echo "FAIL $name: message:" >&2; cat "$tmp/err" >&2; fail=1; }
	if kill -0 "$(cat "$tmp/$helper.pid")" 2>/dev/null; then
		echo "FAIL $name: $helper still runs" >&2
		kill "$(cat "$tmp/$helper.pid")"
		fail=1
	fi
	# shellcheck disable=SC2086
	left=$(ls -d $final 2>/dev/null)
	[ -z "$left" ] || { echo "FAIL $name: left: $left" >&2; fail=1; }
}
mkdir "$tmp/slow2"
cp "$tmp/slow/gnuplot" "$tmp/slow2/gnuplot"

for sig in INT TERM; do
	interrupt "report SIG$sig in gnuplot" $sig gnuplot "$tmp/rep*" \
		"$ftsim" report -o "$tmp/rep" "$S"
	interrupt "report SIG$sig in dot" $sig dot "$tmp/rep*" \
		"$ftsim" report -o "$tmp/rep" "$S"
	interrupt "diagram SIG$sig in dot" $sig dot "$tmp/d.svg*" \
		"$ftsim" diagram "$S" -o "$tmp/d.svg"
done

# The disk fills up as dot starts (root: a tmpfs of 8 MiB).
if [ "$(id -u)" = 0 ] && mkdir "$tmp/mnt" &&
   mount -t tmpfs -o size=8m tmpfs "$tmp/mnt" 2>/dev/null; then
	mnt=$tmp/mnt
	mkdir "$tmp/fill"
	printf '#!/bin/sh\ncat /dev/zero >"%s/filler" 2>/dev/null\nexec "%s" "$@"\n' \
		"$mnt" "$realdot" >"$tmp/fill/dot"
	chmod +x "$tmp/fill/dot"
	PATH=$tmp/fill:$PATH "$ftsim" report -o "$mnt/rep" "$S" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 2 ] || ! grep -q "^ftsim: cannot write $mnt/rep: No space left on device" "$tmp/err"; then
		echo "FAIL full disk: exit $rc, stderr:" >&2; cat "$tmp/err" >&2; fail=1
	fi
	rm -f "$mnt/filler"
	left=$(ls -A "$mnt")
	[ -z "$left" ] || { echo "FAIL full disk: left: $left" >&2; fail=1; }
else
	echo "report-faults.sh: not root or no tmpfs: the full-disk case skipped"
fi
[ $fail -eq 0 ] && echo "report-faults.sh: interrupted and starved reports leave nothing"
exit $fail
