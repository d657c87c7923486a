#!/usr/bin/env bash
# Performance figures (DESIGN.md §10), each printed as a ratio against a baseline measured in the
# same run on the same machine, so the numbers mean something on any hardware.
# Usage: scripts/bench.sh [registry|labels|log|verify|console|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
scripts/install-deps.sh bench
# BENCH_BUILD=build measures an existing build tree instead of making build-release.
bench_build=${BENCH_BUILD:-build-release}
[ -n "${BENCH_BUILD:-}" ] || BUILD_TYPE=Release scripts/build.sh build-release >/dev/null
B=$PWD/$bench_build/bench
ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
get() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | head -n1; }
A="$PWD/$bench_build/agritrace"

# A registry in $1 with one region, cooperative and product, as AGRITRACE_DB.
new_registry() {
  export AGRITRACE_DB=$1/registry.db
  $A init --base-url https://v.bench.example --name bench.example >/dev/null
  printf '469025,白沙黎族自治县\n469025100000,牙叉镇\n469025100201,南溪村,1\n' > "$1/r.csv"
  $A region import "$1/r.csv" >/dev/null
  $A org add --name 合作社 --credit-code 91350100M000100Y43 --kind cooperative --region 469025 >/dev/null
  $A product add --org 1 --name 白沙绿茶 --category 茶叶 --net-content-g 250 >/dev/null
}
# Issues a lot of $1 units packed yesterday and prints its code.
issue_lot() {
  local d
  d=$(TZ=Asia/Shanghai date -d yesterday +%F)
  $A --json lot issue --product 1 --origin 469025100201 --harvested "$d" --packed "$d" --units "$1" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["code"])'
}
# $1/codes.lua: a wrk script that GETs $ROUTE followed by the codes of $CODES_FILE in turn.
codes_lua() {
  cat > "$1/codes.lua" <<'LUA'
local codes = {}
for line in io.lines(os.getenv("CODES_FILE")) do codes[#codes + 1] = line end
local i = 0
function init(args) i = math.random(#codes) end
function request()
  i = i % #codes + 1
  return wrk.format("GET", os.getenv("ROUTE") .. codes[i])
end
LUA
}
# wrk against the server; summary prints: requests/s, p50 ms, p99 ms, errors, responses.
wrk_run() { wrk -t2 -c64 -d"${DURATION:-10}"s --latency "$@"; }
summary() {
  python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"\s%s\s+([\d.]+)(us|ms|s)" % label, t)
    if not m: return float("nan")
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
done = int(re.search(r"(\d+) requests in", t).group(1))
errs = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", t))
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(f"{rps:.0f} {ms('50%'):.2f} {ms('99%'):.2f} {errs + (int(non2xx.group(1)) if non2xx else 0)} {done}")
PY
}

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
  echo "== transparency log: 1,000,000 events (appended/s, inclusion proofs/s, proofs served over HTTP/s) =="
  "$B/bench_log" "${LOG_EVENTS:-1000000}"
fi

if [[ $what == all || $what == labels ]]; then
  echo "== labels: unique unit labels per second vs a single-thread raw QRcode_encodeString loop =="
  "$B/bench_labels" "${LABELS:-20000}"
  echo "== mint and store unit codes vs a raw SQLite insert loop of the same rows =="
  "$B/bench_labels" --store "${STORE_CODES:-200000}"
  echo "== peak RSS: 10,000 vs 1,000,000 labels (must not grow with the count) =="
  for fmt in zpl tspl svg pdf; do
    small=$("$B/bench_labels" --rss 10000 --format $fmt | get peak_rss_kb)
    large=$("$B/bench_labels" --rss 1000000 --format $fmt | get peak_rss_kb)
    echo "format=$fmt rss_10k_kb=$small rss_1m_kb=$large ratio=$(ratio "$large" "$small") (target <= 1.20)"
  done
fi

if [[ $what == all || $what == verify ]]; then
  echo "== verify service under wrk -t2 -c64 vs nginx serving a static 2 KB file =="
  work=$(mktemp -d /tmp/agritrace-bench-verify-XXXXXX)
  new_registry "$work"
  lot=$(issue_lot 20000)
  $A label mint --lot "$lot" --count 20000 >/dev/null
  sqlite3 "$AGRITRACE_DB" "SELECT code FROM units" > "$work/codes.txt"
  codes_lua "$work"
  port=18080; nginx_port=18081
  # nginx baseline: a static 2 KB file, same machine, same wrk settings.
  mkdir -p "$work/nginx/html" "$work/nginx/logs"
  chmod 755 "$work" "$work/nginx" "$work/nginx/html"  # nginx's workers run as www-data
  head -c 2048 /dev/urandom | base64 -w 0 | head -c 2048 > "$work/nginx/html/static.txt"
  cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:$nginx_port; root $work/nginx/html; }
}
NGINX
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" & nginx_pid=$!
  $A serve --listen 127.0.0.1:$port --threads 64 --rate-limit 0 2>"$work/serve.log" & serve_pid=$!
  trap 'kill $nginx_pid $serve_pid 2>/dev/null || true' EXIT
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

  wrk_run "http://127.0.0.1:$nginx_port/static.txt" > "$work/nginx.txt"
  read -r nginx_rps nginx_p50 nginx_p99 nginx_err _ < <(summary "$work/nginx.txt")
  echo "nginx static 2 KB: req/s=$nginx_rps p50_ms=$nginx_p50 p99_ms=$nginx_p99 errors=$nginx_err"
  if [ "$nginx_err" != 0 ]; then
    echo "nginx baseline answered errors: the ratio below is meaningless; see $work/nginx/logs" >&2
  fi
  total=0
  for route in /api/v1/verify/ /q/; do
    CODES_FILE=$work/codes.txt ROUTE=$route wrk_run -s "$work/codes.lua" "http://127.0.0.1:$port" > "$work/wrk.txt"
    read -r rps p50 p99 err done < <(summary "$work/wrk.txt")
    total=$((total + done))
    echo "GET ${route}{code}: req/s=$rps p50_ms=$p50 p99_ms=$p99 errors=$err ratio_to_nginx=$(ratio "$rps" "$nginx_rps") (targets: >= 0.5, p99 <= 25 ms, 0 errors)"
  done
  answered=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^agritrace_scans_queued_total/ {print $2}')
  kill -TERM $serve_pid; wait $serve_pid || true
  kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null || true
  trap - EXIT
  stored=$(sqlite3 "$AGRITRACE_DB" "SELECT COUNT(*) FROM scans")
  echo "wrk counted $total responses; server queued $answered scans; stored after shutdown: $stored; lost: $((answered - stored))"
  rm -rf "$work"
fi

if [[ $what == all || $what == console ]]; then
  codes=${CONSOLE_CODES:-3000000}; lots=${CONSOLE_LOTS:-30}
  echo "== console pages with $codes codes in $lots lots; the verify page with and without console use =="
  work=$(mktemp -d /tmp/agritrace-bench-console-XXXXXX)
  new_registry "$work"
  per_lot=$(( (codes + lots - 1) / lots ))
  for i in $(seq "$lots"); do
    lot=$(issue_lot "$per_lot")
    $A label mint --lot "$lot" --count "$per_lot" >/dev/null
    printf '\rminted %d of %d lots' "$i" "$lots" >&2
  done
  echo >&2
  echo "codes in the registry: $(sqlite3 "$AGRITRACE_DB" "SELECT COUNT(*) FROM units")"
  sqlite3 "$AGRITRACE_DB" "SELECT code FROM units WHERE lot_id = (SELECT MAX(id) FROM lots) LIMIT 20000" \
    > "$work/codes.txt"
  codes_lua "$work"
  echo 'bench-clerk-pass' | $A user add --username bench.clerk --role clerk --org 1 --password-stdin >/dev/null
  echo 'bench-bureau-pass' | $A user add --username bench.bureau --role bureau --password-stdin >/dev/null
  port=18082
  $A serve --listen 127.0.0.1:$port --threads 64 --rate-limit 0 2>"$work/serve.log" & serve_pid=$!
  trap 'kill $serve_pid 2>/dev/null || true' EXIT
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

  # Scans first, so the lot page's chart and copied-code lists have rows to read.
  CODES_FILE=$work/codes.txt ROUTE=/q/ wrk_run -s "$work/codes.lua" "http://127.0.0.1:$port" > "$work/alone.txt"
  read -r alone_rps alone_p50 alone_p99 alone_err _ < <(summary "$work/alone.txt")
  echo "GET /q/{code} alone: req/s=$alone_rps p50_ms=$alone_p50 p99_ms=$alone_p99 errors=$alone_err"

  clerk_pages=(/console/ "/console/?page=2" "/console/lots/$lot" "/console/lots/$lot/labels"
               /console/products /console/lots/new)
  bureau_pages=(/console/ /console/orgs /console/orgs/1 /console/certs /console/audit
                "/console/lots/$lot")
  pages() {  # user password new-password rounds
    python3 bench/console_pages.py "http://127.0.0.1:$port" "$1" "$2" "$3" "$4" "${@:5}"
  }
  # Right after a burst, pages that count copied codes also read the scans not yet folded into the
  # tallies (at most fold_rows = 50,000, at most fold_interval = 1 s old): one such load, shown
  # apart; then the writer folds them, and the pages are timed as a clerk meets them.
  echo "-- the clerk's home right after the scans, before the fold (1 load) --"
  pages bench.clerk bench-clerk-pass bench-clerk-pass-2 1 /console/
  sleep 3
  rounds=${CONSOLE_ROUNDS:-200}
  echo "-- clerk pages ($rounds loads each) --"
  pages bench.clerk bench-clerk-pass-2 bench-clerk-pass-2 "$rounds" "${clerk_pages[@]}"
  echo "-- bureau pages ($rounds loads each) --"
  pages bench.bureau bench-bureau-pass bench-bureau-pass-2 "$rounds" "${bureau_pages[@]}"

  # The consumer page while the console is in use: ten page loads a second (a busy office, far
  # more than a cooperative's clerks make), so that what is measured is the pages' cost, not a
  # client loop taking one of the two cores.
  ( export PAUSE_MS=100; while :; do pages bench.clerk bench-clerk-pass-2 bench-clerk-pass-2 50 "${clerk_pages[@]}" >/dev/null 2>&1 || exit; done ) &
  busy_pid=$!
  CODES_FILE=$work/codes.txt ROUTE=/q/ wrk_run -s "$work/codes.lua" "http://127.0.0.1:$port" > "$work/busy.txt"
  kill $busy_pid 2>/dev/null; wait $busy_pid 2>/dev/null || true
  read -r busy_rps busy_p50 busy_p99 busy_err _ < <(summary "$work/busy.txt")
  echo "GET /q/{code} while the console is in use: req/s=$busy_rps p50_ms=$busy_p50 p99_ms=$busy_p99 errors=$busy_err ratio_to_alone=$(ratio "$busy_rps" "$alone_rps")"
  kill -TERM $serve_pid; wait $serve_pid || true
  trap - EXIT
  rm -rf "$work"
fi
