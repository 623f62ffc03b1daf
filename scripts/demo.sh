#!/usr/bin/env bash
# Install what is missing, build ftsim, and replay the forced-tunneling
# scenario: the KMS request leaves through the on-premises edge and
# activation is refused.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
exec build/cli/ftsim run "${@:-scenarios/02-forced-tunnel-breaks-kms.yaml}"
