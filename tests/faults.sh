#!/usr/bin/env bash
# faults.sh FTSIM CASE: every kind of file ftsim writes, interrupted or
# out of space, leaves nothing under its final name and no temporary file
# behind, and ftsim exits non-zero naming the file and the cause.
#
# The writers: run --pcap DIR (captures), run --junit FILE (the report),
# flowlog --out DIR (flow logs), import -o FILE (the imported scenario).
# whatif, diff and the other commands write only to stdout.
#
# CASE is one of
#   signal  SIGINT and SIGTERM delivered mid-write: ftsim runs under
#           strace, which holds every write(2) for a while; the signal is
#           sent once the temporary file exists. Exit 128 + the signal,
#           "interrupted by SIG...: FILE not written". Needs strace and
#           ptrace (skipped, exit 77, otherwise).
#   ulimit  a full disk as `ulimit -f 1`: a write fails with EFBIG
#           (SIGXFSZ is ignored). Exit 2, "cannot write FILE: File too
#           large". Needs nothing.
#   tmpfs   a full disk as a 64 KiB tmpfs filled up: ENOSPC. Exit 2,
#           "cannot write FILE: No space left on device". Needs root and
#           mount (skipped, exit 77, otherwise).
set -u
ftsim=$1
case=$2
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
mnt=""
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
fails=0
checks=0
fail() { echo "faults.sh: $*" >&2; fails=$((fails + 1)); }

# An input whose outputs take many write(2) calls and more than the
# 1 KiB of `ulimit -f 1`: scenario 02 with 200 flows to as many
# destinations (one capture file each).
head=$(sed '/^flows:/,$d' "$top/scenarios/02-forced-tunnel-breaks-kms.yaml")
{
	printf '%s\n' "$head"
	echo "flows:"
	for i in $(seq 0 199); do
		echo "  - {name: f$i, from: vm1, to: 23.102.1.$((i + 1)), port: $((1000 + i)), expect: {delivered: false}}"
	done
} >"$work/big.yaml"
export_json=$top/tests/data/azure-export/arm-export.json

# writer NAME: sets args (with OUT where the output goes), final (the
# file or directory that must not exist) and what (the file the message
# names: a path or a pattern).
writer() {
	local out=$1 name=$2
	case $name in
	pcap)	args=(run --pcap "$out/cap" "$work/big.yaml")
		final=$out/cap; what="$out/cap/[^ ]*\.pcap" ;;
	junit)	args=(run --junit "$out/report.xml" "$work/big.yaml")
		final=$out/report.xml; what="$out/report.xml" ;;
	flowlog) args=(flowlog --out "$out/fl" "$work/big.yaml")
		final=$out/fl; what="$out/fl/[^ ]*/PT1H\.json" ;;
	import)	args=(import -o "$out/imported.yaml" "$export_json")
		final=$out/imported.yaml; what="$out/imported.yaml" ;;
	esac
}

# no_output NAME DIR FINAL: nothing under the final name, no temporary
# file (a hidden .NAME.XXXXXX) anywhere under DIR.
no_output() {
	local name=$1 dir=$2 final=$3 left
	if [ -d "$final" ]; then
		left=$(find "$final" -type f \( -name '*.pcap' -o -name '*.json' \) | head -3)
		[ -z "$left" ] || fail "$name: files left under their final name: $left"
	elif [ -e "$final" ]; then
		fail "$name: $final exists"
	fi
	left=$(find "$dir" -name '.*' ! -name . ! -name .ftsim-lock \
		! -name .ftsim-captures | head -3)
	[ -z "$left" ] || fail "$name: temporary files left: $left"
}

# expect NAME RC WANT-RC ERRFILE PATTERN: the exit status and the message.
expect() {
	local name=$1 rc=$2 want=$3 err=$4 pat=$5
	checks=$((checks + 1))
	[ "$rc" = "$want" ] || fail "$name: exit $rc, expected $want"
	grep -Eq -- "$pat" "$err" ||
		fail "$name: stderr does not match '$pat': $(head -c 600 "$err")"
}

writers="pcap junit flowlog import"

case $case in
signal)
	if ! command -v strace >/dev/null ||
	   ! strace -f -qq -o /dev/null true 2>/dev/null; then
		echo "faults.sh: strace cannot trace here (not installed, or" \
		     "ptrace not permitted): signal cases skipped" >&2
		exit 77
	fi
	for sig in INT TERM; do
		num=$(kill -l "$sig")
		for name in $writers; do
			out=$work/sig-$sig-$name
			mkdir -p "$out"
			writer "$out" "$name"
			# Every write(2) waits 0.5 s: the run is slowed, not
			# changed, and a signal sent while the temporary file
			# exists lands in a write (an import is one write).
			# sh writes its pid, then becomes ftsim. LeakSanitizer
			# cannot run under a tracer: off for these runs.
			ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 \
			strace -f -qq -o /dev/null -e trace=write \
				-e inject=write:delay_enter=500000 -- \
				sh -c 'echo $$ >"$0"; exec "$@"' "$out.pid" \
				"$ftsim" "${args[@]}" >/dev/null 2>"$out.err" &
			spid=$!
			# Wait for the temporary file (at most 60 s).
			tmp=""
			for _ in $(seq 3000); do
				tmp=$(find "$out" -name '.*.??????' -type f | head -1)
				[ -n "$tmp" ] && break
				kill -0 "$spid" 2>/dev/null || break
				sleep 0.02
			done
			if [ -z "$tmp" ]; then
				wait "$spid"
				fail "$name SIG$sig: no temporary file seen" \
				     "(exit $?): $(head -c 600 "$out.err")"
				continue
			fi
			kill -s "$sig" "$(cat "$out.pid")"
			wait "$spid"
			rc=$?
			expect "$name SIG$sig" "$rc" $((128 + num)) "$out.err" \
				"^ftsim: interrupted by SIG$sig: $what not written"
			no_output "$name SIG$sig" "$out" "$final"
		done
	done
	;;
ulimit)
	for name in $writers; do
		out=$work/ulimit-$name
		mkdir -p "$out"
		writer "$out" "$name"
		# 1 KiB: every output here is larger. stderr goes to a file
		# under the same limit; its message is shorter.
		(ulimit -f 1; exec "$ftsim" "${args[@]}") >/dev/null \
			2>"$out.err"
		rc=$?
		expect "$name ulimit -f" "$rc" 2 "$out.err" \
			"^ftsim: cannot write $what: File too large$"
		no_output "$name ulimit -f" "$out" "$final"
	done
	;;
tmpfs)
	mnt=$work/full
	mkdir -p "$mnt"
	if [ "$(id -u)" != 0 ] ||
	   ! mount -t tmpfs -o size=64k ftsim-faults "$mnt" 2>/dev/null; then
		mnt=""
		echo "faults.sh: mounting a tmpfs needs root (and mount" \
		     "permission): tmpfs cases skipped; ulimit -f covers a" \
		     "full disk without" >&2
		exit 77
	fi
	# Fill it: every write then fails with ENOSPC.
	dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
	for name in $writers; do
		out=$mnt/$name
		mkdir -p "$out"
		writer "$out" "$name"
		"$ftsim" "${args[@]}" >/dev/null 2>"$work/$name.err"
		rc=$?
		expect "$name tmpfs" "$rc" 2 "$work/$name.err" \
			"^ftsim: cannot write $what: No space left on device$"
		no_output "$name tmpfs" "$out" "$final"
	done
	;;
*)
	echo "usage: faults.sh FTSIM signal|ulimit|tmpfs" >&2
	exit 2
	;;
esac
echo "faults.sh $case: $checks cases, $fails problems"
[ "$fails" = 0 ]
