#!/usr/bin/env bash
# Installs what is missing, builds with -Wall -Wextra -Werror, runs every test through ctest,
# then the same tests again under AddressSanitizer and UBSan (on PostgreSQL only store_tests),
# then replays each libFuzzer target's corpus and crash inputs and fuzzes each for 15 s
# (tests/fuzz, docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test

# Line tables are all a failing test's backtrace needs; full debug info cost a quarter of the
# compile time.
scripts/build.sh build -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
(cd build && ctest --output-on-failure -j"$(nproc)")

if [ "${AGRITRACE_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== AddressSanitizer + UBSan =="
  # The benchmarks are built (and kept compiling) in build/ above; here they would only cost time.
  BUILD_TYPE=Debug scripts/build.sh build-asan -DAGRITRACE_SANITIZE=ON -DAGRITRACE_BENCH=OFF
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # The suites' second run on PostgreSQL ("pg:") repeats the same C++ on another store, and cost
  # seven of this stage's minutes; the PostgreSQL backend itself still runs here, in store_tests.
  (cd build-asan && ctest --output-on-failure -j"$(nproc)" -E '^pg:')
fi

if [ "${AGRITRACE_SKIP_FUZZ:-0}" != 1 ]; then
  echo "== libFuzzer targets: corpus replay and 15 s each =="
  # Sanitizer options of the stage above are not libFuzzer's: it sets its own.
  (unset ASAN_OPTIONS UBSAN_OPTIONS
   CC=clang CXX=clang++ scripts/build.sh build-fuzz -DAGRITRACE_FUZZ=ON -DAGRITRACE_BENCH=OFF
   cd build-fuzz && ctest --output-on-failure -j"$(nproc)")
fi
