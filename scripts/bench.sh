#!/usr/bin/env bash
# Performance figures (DESIGN.md §10), each printed as a ratio against a baseline measured in the
# same run on the same machine, so the numbers mean something on any hardware.
# Usage: scripts/bench.sh [registry|labels|log|verify|store|console|all]
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

if [[ $what == all || $what == store ]]; then
  echo "== PostgreSQL store vs SQLite, same machine, same run: lot issue, mint, the verify page; two nodes vs one =="
  work=$(mktemp -d /tmp/agritrace-bench-store-XXXXXX)
  pg_dir=$(mktemp -d /tmp/agritrace-bench-pg-XXXXXX)  # as root the cluster runs as nobody: under /tmp
  serve_pids=()
  stop_store_bench() {
    kill -TERM "${serve_pids[@]}" 2>/dev/null || true
    wait "${serve_pids[@]}" 2>/dev/null || true
    scripts/pg_cluster.sh stop "$pg_dir" >/dev/null || true
    rm -rf "$work"
  }
  trap stop_store_bench EXIT
  # The TTL stops the cluster even if this script is killed before its trap runs.
  pg_url=$(scripts/pg_cluster.sh start "$pg_dir" 1800)
  pg_db() { echo "${pg_url/\/\/\/agritrace\?/\/\/\/$1?}"; }  # another database of the cluster
  # Runs the command after $1 and prints $1 (what it does) per second of its wall time.
  per_second() {
    local n=$1 t0 t1
    shift
    t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
    python3 -c "import sys; print(f'{int(sys.argv[1]) / (float(sys.argv[3]) - float(sys.argv[2])):.0f}')" "$n" "$t0" "$t1"
  }
  # Starts `agritrace serve` on registry $1 at port $2 (its scan journal in $work) and waits for
  # it to answer; its pid is the last of serve_pids.
  start_node() {
    $A --db "$1" serve --listen "127.0.0.1:$2" --threads 64 --rate-limit 0 \
      --scan-journal "$work/journal-$2" 2>"$work/serve-$2.log" & serve_pids+=($!)
    for _ in $(seq 50); do
      curl -sf "http://127.0.0.1:$2/healthz" >/dev/null && return
      kill -0 "${serve_pids[-1]}" 2>/dev/null || break  # it exited: no use waiting
      sleep 0.2
    done
    tail -n 20 "$work/serve-$2.log" >&2
    echo "agritrace serve on port $2 ($1) did not start" >&2
    exit 1
  }
  # Scans the node at port $1 accepted, read once the count stops moving: requests wrk left in
  # flight are still answered after it stops.
  queued() {
    local now last=-1
    while now=$(curl -sf "http://127.0.0.1:$1/metrics" | awk '/^agritrace_scans_queued_total/ {print $2}')
          [ -n "$now" ] && [ "$now" != "$last" ]; do
      last=$now
      sleep 0.5
    done
    [ -n "$now" ] || echo "no scan count from the node at port $1" >&2
    echo "$now"
  }
  stop_nodes() {
    kill -TERM "${serve_pids[@]}"
    for pid in "${serve_pids[@]}"; do wait "$pid" || true; done
    serve_pids=()
  }

  lots=${STORE_LOTS:-1000}
  sqlite_out=$("$B/bench_registry" "$lots" 0)
  psql -q "$pg_url" -c 'CREATE DATABASE bench_lots'
  pg_out=$(AGRITRACE_KEY_DIR=$work/lot-keys "$B/bench_registry" "$lots" 0 "$(pg_db bench_lots)")
  echo "$sqlite_out"
  echo "$pg_out"
  sqlite_lots=$(echo "$sqlite_out" | get lots_per_s); pg_lots=$(echo "$pg_out" | get lots_per_s)
  echo "lot issue: postgresql/s=$pg_lots sqlite/s=$sqlite_lots ratio=$(ratio "$pg_lots" "$sqlite_lots")"

  # One registry on SQLite, copied whole to PostgreSQL: both hold lot A's codes, and lot B, issued
  # but not minted, is then minted into each, timed, so both mint into the same registry.
  new_registry "$work"
  codes=${STORE_CODES_MINT:-100000}
  lot_a=$(issue_lot "$codes"); lot_b=$(issue_lot "$codes")
  $A label mint --lot "$lot_a" --count "$codes" >/dev/null
  export AGRITRACE_KEY_DIR=$work/keys
  if ! $A migrate --from "$AGRITRACE_DB" --to "$pg_url" >"$work/migrate.log" 2>&1; then
    cat "$work/migrate.log" >&2
    exit 1
  fi
  sqlite_mint=$(per_second "$codes" "$A" --db "$AGRITRACE_DB" label mint --lot "$lot_b" --count "$codes")
  pg_mint=$(per_second "$codes" "$A" --db "$pg_url" label mint --lot "$lot_b" --count "$codes")
  echo "label mint of $codes codes (CLI, one transaction): postgresql codes/s=$pg_mint sqlite codes/s=$sqlite_mint ratio=$(ratio "$pg_mint" "$sqlite_mint")"

  # The verify page on the same 20,000 codes of lot A, same wrk settings as the verify mode.
  sqlite3 "$AGRITRACE_DB" \
    "SELECT code FROM units WHERE lot_id = (SELECT id FROM lots WHERE code = '$lot_a') LIMIT 20000" \
    > "$work/codes.txt"
  codes_lua "$work"
  q() { CODES_FILE=$work/codes.txt ROUTE=/q/ "$@" -s "$work/codes.lua"; }
  start_node "$AGRITRACE_DB" 18083
  q wrk_run http://127.0.0.1:18083 > "$work/sqlite.txt"
  sqlite_answered=$(queued 18083)
  stop_nodes
  sqlite_stored=$(sqlite3 "$AGRITRACE_DB" "SELECT COUNT(*) FROM scans")
  read -r sqlite_rps sqlite_p50 sqlite_p99 sqlite_err sqlite_done < <(summary "$work/sqlite.txt")
  echo "GET /q/{code}, one node on SQLite: req/s=$sqlite_rps p50_ms=$sqlite_p50 p99_ms=$sqlite_p99 errors=$sqlite_err; scans answered $sqlite_answered, stored $sqlite_stored"

  start_node "$pg_url" 18084
  q wrk_run http://127.0.0.1:18084 > "$work/pg1.txt"
  pg_answered=$(queued 18084)
  stop_nodes
  read -r pg_rps pg_p50 pg_p99 pg_err pg_done < <(summary "$work/pg1.txt")
  echo "GET /q/{code}, one node on PostgreSQL: req/s=$pg_rps p50_ms=$pg_p50 p99_ms=$pg_p99 errors=$pg_err ratio_to_sqlite=$(ratio "$pg_rps" "$sqlite_rps") (target >= 0.5)"

  # Two nodes on the same database, each its own journal; the one-node run's client threads and
  # connections split between them (wrk -t1 -c32 at each), so only the servers double.
  start_node "$pg_url" 18084
  start_node "$pg_url" 18085
  q wrk -t1 -c32 -d"${DURATION:-10}"s --latency http://127.0.0.1:18084 > "$work/pg2a.txt" & wrk_a=$!
  q wrk -t1 -c32 -d"${DURATION:-10}"s --latency http://127.0.0.1:18085 > "$work/pg2b.txt" & wrk_b=$!
  wait $wrk_a; wait $wrk_b
  pg_answered=$((pg_answered + $(queued 18084) + $(queued 18085)))
  stop_nodes
  read -r a_rps _ a_p99 a_err a_done < <(summary "$work/pg2a.txt")
  read -r b_rps _ b_p99 b_err b_done < <(summary "$work/pg2b.txt")
  two_rps=$((a_rps + b_rps))
  echo "GET /q/{code}, two nodes on one PostgreSQL: req/s=$two_rps ($a_rps + $b_rps) p99_ms=$a_p99/$b_p99 errors=$((a_err + b_err)) ratio_to_one_node=$(ratio "$two_rps" "$pg_rps") (the nodes share this machine's cores with PostgreSQL and wrk)"
  pg_stored=$(psql -qtA "$pg_url" -c "SELECT COUNT(*) FROM scans")
  echo "PostgreSQL, both runs: wrk counted $((pg_done + a_done + b_done)) responses; nodes answered $pg_answered scans; stored: $pg_stored; lost: $((pg_answered - pg_stored))"
  echo "SQLite: wrk counted $sqlite_done responses; answered $sqlite_answered scans; stored: $sqlite_stored; lost: $((sqlite_answered - sqlite_stored))"
  unset AGRITRACE_KEY_DIR
  trap - EXIT
  stop_store_bench
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
