#!/usr/bin/env bash
# Long libFuzzer runs (docs/fuzzing.md). Usage: scripts/fuzz.sh [TARGET|all] [SECONDS]
# Builds build-fuzz/ with clang if needed, then runs TARGET (default: every target the build
# has) for SECONDS each (default 600), from a working corpus outside the repository
# (build-fuzz/corpus-work/TARGET) seeded with tests/fuzz/corpus/TARGET. A crash, leak, timeout
# or out-of-memory input is copied into tests/fuzz/regressions/TARGET/, which ctest replays,
# and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."
want=${1:-all}
seconds=${2:-600}
dir=${AGRITRACE_FUZZ_DIR:-build-fuzz}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "用法 / usage: $0 [TARGET|all] [SECONDS]（秒数须为正整数 / SECONDS must be a positive whole number）" >&2
  exit 2
fi

# Two runs started together take turns to configure and build. Configuring writes
# fuzz-targets.txt: "name max_len" a line (tests/fuzz/CMakeLists.txt).
mkdir -p "$dir"
(
  flock 9
  CC=clang CXX=clang++ cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} \
    -DAGRITRACE_FUZZ=ON -DAGRITRACE_BENCH=OFF >/dev/null
) 9>"$dir/.fuzz-build.lock"
declare -A max_len
while read -r name len; do max_len[$name]=$len; done <"$dir/fuzz-targets.txt"
if [ "$want" = all ]; then
  targets=$(cut -d' ' -f1 "$dir/fuzz-targets.txt")
elif [ -n "${max_len[$want]:-}" ]; then
  targets=$want
else
  echo "没有这个模糊测试目标 / no such fuzz target: $want; targets: $(cut -d' ' -f1 "$dir/fuzz-targets.txt" | tr '\n' ' ')" >&2
  exit 2
fi
# Only the targets asked for are built.
(
  flock 9
  cmake --build "$dir" -j"$(nproc)" --target $(printf '%s_fuzz ' $targets)
) 9>"$dir/.fuzz-build.lock"

failed=()
for t in $targets; do
  work="$dir/corpus-work/$t" artifacts="$dir/fuzz-artifacts/$t" log="$dir/fuzz-logs/$t.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  rm -f "$artifacts"/*
  echo "== $t: ${seconds} s, max_len ${max_len[$t]}, log $log"
  set +e
  # libFuzzer writes new inputs into the first directory only: the repository's stays as it is.
  "$dir/tests/fuzz/${t}_fuzz" -max_total_time="$seconds" -max_len="${max_len[$t]}" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true
  if [ $rc -ne 0 ]; then
    failed+=("$t")
    mkdir -p "tests/fuzz/regressions/$t"
    shopt -s nullglob
    for f in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
      cp "$f" "tests/fuzz/regressions/$t/"
      echo "输入已保存 / input kept: tests/fuzz/regressions/$t/$(basename "$f")"
    done
    shopt -u nullglob
    grep -E -A30 'ERROR: |runtime error|invariant failed' "$log" | head -60 || tail -40 "$log"
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "发现问题 / findings in: ${failed[*]} (logs in $dir/fuzz-logs/)" >&2
  exit 1
fi
