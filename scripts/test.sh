#!/usr/bin/env bash
# Install what is missing, then build and run the whole test suite twice:
# a normal build and an AddressSanitizer + UndefinedBehaviorSanitizer
# build (leak checking on); replay every fuzz harness's corpus and
# crashers (clang build); run cppcheck and gcc's -fanalyzer
# (scripts/check-tools.sh); build Release once more (-O3: warnings the
# other optimisation levels miss). Every build treats warnings as errors
# (FTSIM_WERROR). FTSIM_CHECK_VALGRIND=1 also runs the suite
# under valgrind (minutes: not by default). Exits non-zero if anything
# fails.
set -euo pipefail
cd "$(dirname "$0")/.."
FTSIM_TEST_DEPS=1 scripts/install-deps.sh
jobs=$(nproc)

echo "== normal build"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFTSIM_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")

echo "== sanitizer build (ASan + UBSan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DFTSIM_SANITIZE=ON -DFTSIM_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --output-on-failure -j"$jobs")

echo "== fuzz harnesses, regression mode (clang, ASan + UBSan)"
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DFTSIM_FUZZ=ON -DFTSIM_WERROR=ON >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzzers
(cd build-fuzz && ctest -L fuzz --output-on-failure)

echo "== release build (-O3, warnings as errors; built, not run)"
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DFTSIM_WERROR=ON >/dev/null
cmake --build build-release -j"$jobs" >/dev/null

echo "== static checks"
scripts/check-tools.sh cppcheck analyzer
if [ "${FTSIM_CHECK_VALGRIND:-0}" = 1 ]; then
	scripts/check-tools.sh valgrind
fi
