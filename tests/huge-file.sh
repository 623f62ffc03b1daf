#!/bin/sh
# huge-file.sh DIR FTSIM SANITIZED: a 100 MB scenario file (made here, in
# the build directory, never checked in) is refused with its size, exit 2
# and nothing on stdout, whether ftsim can see the size (a regular file)
# or must read to find out (a pipe). Without sanitizers ftsim runs under a
# 160 MB address-space limit: reading the file whole would break it.
set -u
dir=$1 ftsim=$2 sanitized=$3
f=$dir/huge-100M.yaml
out=$dir/huge.out err=$dir/huge.err
trap 'rm -f "$f" "$out" "$err"' EXIT
{ echo "scenario: huge"; yes "# padding, padding, padding, padding, padding" |
	head -c 104857600; } >"$f"
[ "$sanitized" = ON ] || ulimit -v 163840
fail=0
check() {	# check WANT-STDERR EXIT
	if [ "$2" != 2 ] || [ -s "$out" ] || [ "$(cat "$err")" != "$1" ]; then
		echo "want exit 2 and: $1" >&2
		echo "got exit $2 and:" >&2; cat "$err" >&2
		fail=1
	fi
}
size=$(wc -c <"$f" | tr -d ' ')
"$ftsim" run "$f" >"$out" 2>"$err"
check "$f:1:1: error: scenario file is larger than 16 MiB ($size bytes)" $?
cat "$f" | "$ftsim" run /dev/stdin >"$out" 2>"$err"
check "/dev/stdin:1:1: error: scenario file is larger than 16 MiB" $?
exit $fail
