#!/usr/bin/env bash
# Checks beyond the test suite, each a separate build:
#
#   scripts/check-tools.sh [valgrind] [cppcheck] [analyzer]   (default: all)
#
# valgrind  the whole ctest suite (unit tests and every ftsim run) under
#           valgrind memcheck in build-valgrind/: any memory error or
#           definite/indirect leak fails (logs in build-valgrind/valgrind/)
# cppcheck  cppcheck over the sources (warning, performance, portability);
#           suppressions only inline, each with its reason
# analyzer  gcc's -fanalyzer over the sources (build-analyzer/, Debug: the
#           analyzer works best unoptimised); any warning fails the build
#
# Exits non-zero if any check fails. scripts/test.sh runs cppcheck and the
# analyzer; valgrind takes minutes, so it is run by hand (README).
set -euo pipefail
cd "$(dirname "$0")/.."
FTSIM_TEST_DEPS=1 scripts/install-deps.sh
jobs=$(nproc)
checks=("$@")
[ ${#checks[@]} -eq 0 ] && checks=(cppcheck analyzer valgrind)

check_cppcheck() {
	cppcheck --std=c11 --enable=warning,performance,portability \
		--error-exitcode=1 --inline-suppr --quiet -I. -D_DEFAULT_SOURCE \
		topology sim capture cli tests/unit tests/fuzz
}

check_analyzer() {
	cmake -S . -B build-analyzer -DCMAKE_BUILD_TYPE=Debug -DFTSIM_ANALYZER=ON \
		-DBUILD_TESTING=OFF >/dev/null
	cmake --build build-analyzer -j"$jobs" >/dev/null
}

check_valgrind() {
	local logs=$PWD/build-valgrind/valgrind
	cmake -S . -B build-valgrind -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		"-DFTSIM_TEST_WRAPPER=valgrind;--quiet;--error-exitcode=99;--leak-check=full;--show-leak-kinds=definite,indirect;--errors-for-leak-kinds=definite,indirect;--log-file=$logs/%p.log" \
		>/dev/null
	cmake --build build-valgrind -j"$jobs" >/dev/null
	rm -rf "$logs"
	mkdir -p "$logs"
	local rc=0
	(cd build-valgrind && ctest --output-on-failure -j"$jobs") || rc=1
	# Every report, also from runs whose test passed for another reason.
	if find "$logs" -type f -size +0 | grep -q .; then
		find "$logs" -type f -size +0 -exec cat {} + >&2
		rc=1
	fi
	return $rc
}

status=0
for c in "${checks[@]}"; do
	case $c in
	cppcheck|analyzer|valgrind) ;;
	*) echo "usage: $0 [valgrind] [cppcheck] [analyzer]" >&2; exit 2 ;;
	esac
	echo "== $c"
	start=$SECONDS
	if "check_$c"; then
		echo "$c: clean ($((SECONDS - start)) s)"
	else
		echo "$c: FAILED" >&2
		status=1
	fi
done
exit $status
