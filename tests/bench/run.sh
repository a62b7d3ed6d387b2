#!/bin/bash
# The synchronisation benchmark (see README.md beside this file):
#   tests/bench/run.sh [--rounds N] [--quick] [--setup loopback|away] [--only ours|reference]
# OURS=path (default build/bin/interimap) and REFERENCE=path (default
# /usr/bin/interimap) name the two programs. Run as root (or as a user that
# Dovecot accepts as mail user) on a machine with dovecot-imapd installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in doveadm python3 cc; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is missing (apt-get install dovecot-imapd python3 gcc)" >&2; exit 1; }
done
exec python3 tests/bench/bench.py "$@"
