#!/bin/sh
# Every source of ftsim compiled at the optimisation levels of the
# Release (-O3) and MinSizeRel (-Os) builds, and with Debian's hardening
# flags (dpkg-buildflags, hardening=+all: _FORTIFY_SOURCE, stack
# protector, format security) when dpkg-buildflags is there, with
# warnings as errors: gcc's maybe-uninitialized and similar warnings
# depend on inlining, and the normal build (-O2) does not see them.
# Compiled only, not linked.
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
hard=""
if command -v dpkg-buildflags >/dev/null; then
	hard="$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS) \
$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CPPFLAGS)"
	hard=$(printf '%s' "$hard" | tr ' \n' '\001\001' | tr -s '\001' ' ')
fi
for opt in -O3 -Os ${hard:+"$hard"}; do
	for src in "$top"/topology/*.c "$top"/sim/*.c "$top"/capture/*.c "$top"/cli/*.c; do
		# shellcheck disable=SC2086
		if ! $cc $flags $opt -c -o "$tmp/o.o" "$src" 2>"$tmp/err"; then
			echo "$opt: $src:" >&2
			cat "$tmp/err" >&2
			status=1
		fi
	done
done
[ $status -eq 0 ] && echo "every source compiles clean at -O3 and -Os${hard:+, and with $hard}"
exit $status
