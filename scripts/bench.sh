#!/usr/bin/env bash
# Performance figures (DESIGN.md §10), each printed as a ratio against a baseline measured in the
# same run on the same machine, so the numbers mean something on any hardware.
# Usage: scripts/bench.sh [registry|labels|log|verify|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
scripts/install-deps.sh bench
BUILD_TYPE=Release scripts/build.sh build-release >/dev/null
B=$PWD/build-release/bench
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
get() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | head -n1; }

if [[ $what == all || $what == registry ]]; then
  echo "== registry: lot issue and Ed25519 signing =="
  out=$("$B/bench_registry" 1000 20000)
  echo "$out"
  ours=$(echo "$out" | get signs_per_s)
  ossl=$(openssl speed -seconds 3 ed25519 2>/dev/null | awk '/Ed25519/ && /EdDSA/ {print $(NF-1)}')
  echo "openssl speed ed25519: sign/s=$ossl"
  echo "signing ratio (ours / openssl speed) = $(ratio "$ours" "$ossl")"
fi

if [[ $what == all || $what == log ]]; then
  echo "== transparency log: 1,000,000 events =="
  "$B/bench_log" "${LOG_EVENTS:-1000000}"
fi

if [[ $what == all || $what == labels ]]; then
  echo "== labels: unique unit labels per second vs a single-thread raw QRcode_encodeString loop =="
  "$B/bench_labels" "${LABELS:-20000}"
  echo "== mint and store unit codes vs a raw SQLite insert loop of the same rows =="
  "$B/bench_labels" --store "${STORE_CODES:-200000}"
  echo "== peak RSS: 10,000 vs 1,000,000 labels (must not grow with the count) =="
  for fmt in zpl tspl svg; do
    small=$("$B/bench_labels" --rss 10000 --format $fmt | get peak_rss_kb)
    large=$("$B/bench_labels" --rss 1000000 --format $fmt | get peak_rss_kb)
    echo "format=$fmt rss_10k_kb=$small rss_1m_kb=$large ratio=$(ratio "$large" "$small") (target <= 1.20)"
  done
fi
