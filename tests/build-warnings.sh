#!/bin/sh
# Every source of ftsim compiled at the optimisation levels of the
# Release (-O3) and MinSizeRel (-Os) builds with warnings as errors:
# gcc's maybe-uninitialized and similar warnings depend on inlining, and
# the normal build (-O2) does not see them. Compiled only, not linked.
#   build-warnings.sh CC TOP
set -u
cc=$1
top=$2
flags="-std=c11 -D_DEFAULT_SOURCE -I$top $(pkg-config --cflags yaml-0.1 jansson libpcap) \
-Wall -Wextra -Wshadow -Wstrict-prototypes -Wvla -Werror"
case $(uname -m) in x86_64) flags="$flags -mpopcnt" ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
for opt in -O3 -Os; do
	for src in "$top"/topology/*.c "$top"/sim/*.c "$top"/capture/*.c "$top"/cli/*.c; do
		# shellcheck disable=SC2086
		if ! $cc $flags $opt -c -o "$tmp/o.o" "$src" 2>"$tmp/err"; then
			echo "$opt: $src:" >&2
			cat "$tmp/err" >&2
			status=1
		fi
	done
done
[ $status -eq 0 ] && echo "every source compiles clean at -O3 and -Os"
exit $status
