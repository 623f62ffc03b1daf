#!/usr/bin/env bash
# Build ftsim-bench (RelWithDebInfo, DPDK peer when libdpdk is installed),
# run the full benchmark and plot it: results/bench.json, results/lpm.tsv,
# results/nsg.tsv, results/{lpm,nsg}.{svg,png}. Extra arguments go to
# ftsim-bench (e.g. --quick, --reps 7, --check).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target ftsim-bench
mkdir -p results
build/bench/ftsim-bench --json --tsv results/ "$@" > results/bench.json.tmp
mv results/bench.json.tmp results/bench.json
gnuplot -e "dir='results'" results/bench.gp
echo "bench: results/bench.json, results/lpm.svg, results/nsg.svg (and .png)"
