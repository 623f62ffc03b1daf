#!/bin/sh
# run-case.sh: one command-line regression case, as ctest runs them.
#
#   run-case.sh exit CODE -- CMD...        CMD must exit with CODE
#   run-case.sh golden FILE CODE -- CMD... stdout must equal FILE (diff -u)
#   run-case.sh stderr FILE CODE -- CMD... stderr must equal FILE, stdout empty
#
# Set FTSIM_UPDATE_GOLDEN=1 to rewrite FILE from the output instead.
set -u
mode=$1; shift
case $mode in
exit)
	want=$1; shift; [ "$1" = "--" ] && shift
	"$@" >/dev/null 2>&1
	got=$?
	[ "$got" = "$want" ] && exit 0
	echo "exit code $got, want $want: $*" >&2
	exit 1 ;;
golden|stderr)
	file=$1; want=$2; shift 2; [ "$1" = "--" ] && shift
	out=$(mktemp); err=$(mktemp)
	trap 'rm -f "$out" "$err"' EXIT
	"$@" >"$out" 2>"$err"
	got=$?
	if [ "$mode" = stderr ]; then
		if [ -s "$out" ]; then
			echo "stdout not empty on bad input:" >&2; cat "$out" >&2; exit 1
		fi
		cp "$err" "$out"
	fi
	if [ "${FTSIM_UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$out" "$file"
	elif ! diff -u "$file" "$out"; then
		exit 1
	fi
	[ "$got" = "$want" ] && exit 0
	echo "exit code $got, want $want: $*" >&2
	[ "$mode" = golden ] && cat "$err" >&2
	exit 1 ;;
*)
	echo "run-case.sh: unknown mode $mode" >&2; exit 2 ;;
esac
