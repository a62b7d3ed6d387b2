#!/bin/bash
# Builds everything under AddressSanitizer and UndefinedBehaviorSanitizer and
# runs every test (unit, integration against real Dovecot servers, fuzz
# replay, and a short libFuzzer run). On a fresh Debian bookworm machine, run
# as root: missing packages are installed with apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config clang libclang-rt-14-dev
    libboost-dev libboost-program-options-dev
    libsqlite3-dev libssl-dev zlib1g-dev libpcre2-dev libgtest-dev libgmock-dev
    dovecot-imapd dovecot-lmtpd interimap pullimap sqlite3 perl procps openssl microsocks
    python3 python3-aiosmtpd man-db groff-base
    dpkg-dev file lintian systemd)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "Missing packages: ${missing[*]} (run as root, or install them first)" >&2
        exit 1
    fi
    echo ">>> Installing ${missing[*]}"
    # Only the programs are needed; keep the system-wide Dovecot daemon stopped.
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

jobs=$(nproc)
echo ">>> Building (sanitize preset)"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j"$jobs"

# The Debian packages, from a Release build of their own, which the test
# packaging.debian installs; built here rather than by that test so that the
# build does not compete with the other tests for the cores.
echo ">>> Building the Debian packages"
packaging/build-debs.sh build-sanitize/packaging-deb

echo ">>> Running the tests"
start=$(date +%s)
ctest --preset sanitize -j"$jobs"
echo ">>> ctest took $(( $(date +%s) - start )) s"

if [ -f tests/fuzz/CMakeLists.txt ]; then
    echo ">>> Fuzzing the IMAP response parser for 30 s (clang, libFuzzer)"
    CXX=clang++ CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug \
        -DINTERIMAP_FUZZ=ON >/dev/null
    cmake --build build-fuzz -j"$jobs" --target imap_parser_fuzzer
    corpus=$(mktemp -d)
    cp tests/fuzz/corpus/imap_parser/* "$corpus"/
    build-fuzz/tests/fuzz/imap_parser_fuzzer -max_total_time=30 -print_final_stats=1 "$corpus" 2>&1 | tail -3
    rm -rf "$corpus"
fi
echo ">>> All tests passed"
