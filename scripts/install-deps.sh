#!/usr/bin/env bash
# Installs the Debian packages ftsim needs to build and test. Idempotent:
# packages already present are not touched, and apt-get runs only when
# something is missing. Run as root (or with sudo available).
set -eu

# libdpdk-dev (with libbsd-dev, which rte_acl's headers include): the
# benchmark's DPDK peer; gnuplot-nox: scripts/bench.sh's plots and the
# plots of `ftsim report`; graphviz: `dot` draws `ftsim diagram` and the
# report's path diagrams.
pkgs="build-essential cmake pkg-config libyaml-dev libjansson-dev libnet1-dev
      libpcap-dev check gnuplot-nox graphviz libdpdk-dev libbsd-dev"
# Test-only: clang and its runtime (libclang-rt-dev pulls libclang-rt-14-dev:
# libFuzzer and the sanitizers) for the sanitizer build and tests/fuzz,
# valgrind and cppcheck for scripts/check-tools.sh, tshark for the
# captures, python3 (xml.etree reads the JUnit report), jq (compares JSON
# with Azure's examples), iproute2 (the kernel oracle test: ip -batch in a
# network namespace), chromium (opens `ftsim report`'s index.html headless),
# strace (tests/faults.sh holds ftsim in a write to deliver a signal
# mid-write), man-db and groff-base (tests/manpage.sh renders the man
# page), zsh (tests/completions.sh runs the zsh completion), dpkg-dev
# (dpkg-shlibdeps: the Debian package's Depends).
[ "${FTSIM_TEST_DEPS:-0}" = 1 ] && pkgs="$pkgs clang libclang-rt-dev valgrind cppcheck tshark python3 jq iproute2 chromium strace man-db groff-base zsh dpkg-dev"

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# tshark asks whether non-root users may capture; answer no, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
