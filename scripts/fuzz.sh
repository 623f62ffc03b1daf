#!/usr/bin/env bash
# Fuzz every libFuzzer harness of tests/fuzz for a set time, one after the
# other, with ASan+UBSan (clang build in build-fuzz/).
#
#   scripts/fuzz.sh [SECONDS] [NAME...]    default 60 s each, every harness
#
# Each harness starts from its seeds (the project's own scenarios, bad
# inputs, Service Tags samples, tests/fuzz/tricky-prefixes.txt) plus what
# earlier runs found, kept in build-fuzz/corpus/NAME/. A crash, leak, hang
# (over FTSIM_FUZZ_TIMEOUT s, 120 by default: the regression tests' limit,
# which the slowest seed fits; libFuzzer's slow-unit reports use the same
# limit, not its 10 s, so that an input as slow as the seeds that build
# two million routes before refusing them is not taken for a problem) or
# out-of-memory input is written to tests/fuzz/crashers/NAME/,
# where `ctest -L fuzz` replays it from then on: fix the bug, keep the file.
# Prints executions and coverage per harness (libFuzzer's cov: and ft:) and
# appends them to build-fuzz/fuzz-stats.txt. Exits 1 if anything was found.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
timeout=${FTSIM_FUZZ_TIMEOUT:-120}
[ $# -gt 0 ] && shift
case $secs in ''|*[!0-9]*) echo "usage: $0 [SECONDS] [NAME...]" >&2; exit 2 ;; esac

FTSIM_TEST_DEPS=1 scripts/install-deps.sh
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DFTSIM_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzzers >/dev/null

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for f in build-fuzz/tests/fuzz/*.seeds; do
		names+=("$(basename "$f" .seeds)")
	done
fi

found=0
for name in "${names[@]}"; do
	bin=build-fuzz/tests/fuzz/fuzz_$name
	[ -x "$bin" ] || { echo "fuzz.sh: no harness $name" >&2; exit 2; }
	corpus=build-fuzz/corpus/$name
	crashers=tests/fuzz/crashers/$name
	mkdir -p "$corpus" "$crashers"
	mapfile -t seeds < "build-fuzz/tests/fuzz/$name.seeds"
	log=build-fuzz/fuzz-$name.log
	before=$(find "$crashers" -type f ! -name ".*" | wc -l)
	echo "== $name: ${secs}s"
	dict=()
	[ -f "tests/fuzz/$name.dict" ] && dict=(-dict="tests/fuzz/$name.dict")
	rc=0
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	"$bin" -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 \
		-report_slow_units="$timeout" \
		-print_final_stats=1 -artifact_prefix="$crashers/" "${dict[@]}" \
		"$corpus" "${seeds[@]}" >"$log" 2>&1 || rc=$?
	after=$(find "$crashers" -type f ! -name ".*" | wc -l)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	line="$(date -u +%FT%TZ) $name seconds=$secs execs=${execs:-?} cov=${cov:-?} ft=${ft:-?} new_crashers=$((after - before)) exit=$rc"
	echo "$line"
	echo "$line" >> build-fuzz/fuzz-stats.txt
	if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
		found=1
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 >&2 || true
		echo "fuzz.sh: $name found a problem; full log: $log" >&2
	fi
done
exit $found
