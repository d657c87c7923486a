#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests and benchmarks of the PostgreSQL store
# (schemas/postgresql): trust authentication, UTF8, locale C (text sorts bytewise, as in SQLite),
# one database `agritrace`, listening only on a Unix socket in DIR; with PG_TCP=1 also on
# 127.0.0.1 at a free port (its URL in DIR/tcp_url). Whoever reaches the socket or the port is a
# superuser: for tests only.
#   scripts/pg_cluster.sh start DIR [TTL_SECONDS]  prints the connection URL (also in DIR/url)
#   scripts/pg_cluster.sh replica PRIMARY DIR [TTL] a streaming replica of the cluster in PRIMARY
#                                                  (pg_basebackup -R), read-only; prints its URL
#   scripts/pg_cluster.sh stop DIR                 stops it, removes DIR; safe to repeat
# A watchdog stops the cluster and removes DIR after TTL_SECONDS (default 3600) if `stop` never
# comes, so a test that dies leaves no server behind.
# As root (CI) the server runs as `nobody`, since initdb and postgres refuse root: DIR must then
# be somewhere nobody can reach, so pass a fresh `mktemp -d` (under /tmp), not a path in /root.
#   dir=$(mktemp -d); url=$(scripts/pg_cluster.sh start "$dir" 600)
#   psql "$url" -c 'SELECT 1'; scripts/pg_cluster.sh stop "$dir"
# PG_BIN overrides /usr/lib/postgresql/15/bin (Debian's postgresql package). PG_NO_FSYNC=1 starts
# the cluster without fsync (for ctest's throwaway databases, whose many CREATE DATABASE and
# CREATE TABLE each waited for the disk); a benchmark's cluster keeps PostgreSQL's defaults.
set -euo pipefail
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
marker=.pg_cluster  # in every DIR start made: stop removes no other non-empty directory

die() { echo "$1" >&2; exit "${2:-1}"; }
usage() { die "用法 / usage: $0 start DIR [TTL_SECONDS] | replica PRIMARY_DIR DIR [TTL_SECONDS] | stop DIR" 2; }

if [ "$(id -u)" -eq 0 ]; then
  pg_user=nobody
  as_pg=(runuser -u nobody --)
else
  pg_user=$(id -un)
  as_pg=()
fi
# A PostgreSQL program as the cluster's user; LC_ALL=C: the caller's locale may not exist.
pg() { "${as_pg[@]}" env LC_ALL=C "$pgbin/$1" "${@:2}"; }

# A port nothing listens on now; postgres's own bind decides, and start retries on a race.
free_port() {
  local p
  while :; do
    p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}

# Runs in its own session (setsid), so the caller's Ctrl-C or exit does not end it, and stop can
# end it with its sleep as one process group. It acts only while DIR/watchdog.pid still names it.
# shellcheck disable=SC2016  # expanded by the watchdog's bash, not here
watchdog_sh='dir=$1 ttl=$2; shift 2
cd /
echo $$ > "$dir/watchdog.pid"
sleep "$ttl"
[ "$(cat "$dir/watchdog.pid" 2>/dev/null)" = "$$" ] || exit 0
"$@" stop -D "$dir/data" -m immediate -s || true
rm -rf -- "$dir"'

kill_watchdog() {
  local dir=$1 w
  w=$(cat "$dir/watchdog.pid" 2>/dev/null || true)
  rm -f -- "$dir/watchdog.pid"
  # The pid must still be our watchdog of this DIR, not a pid reused since.
  if [[ $w =~ ^[0-9]+$ ]] &&
     tr '\0' ' ' <"/proc/$w/cmdline" 2>/dev/null | grep -qF " pg-watchdog $dir "; then
    kill -- "-$w" 2>/dev/null || true
  fi
}

# start DIR TTL [PRIMARY]: a new cluster, or with PRIMARY a streaming replica of that one.
start() {
  local arg=$1 ttl=${2:-3600} primary=${3:-} dir port listen='' tries=1 i
  [[ $ttl =~ ^[1-9][0-9]*$ ]] || die "TTL 须为正整数秒 / TTL_SECONDS must be a positive integer: $ttl" 2
  [ -x "$pgbin/initdb" ] ||
    die "未找到 PostgreSQL 15（apt-get install postgresql）/ PostgreSQL 15 not found in $pgbin (apt-get install postgresql)"
  if [ -e "$arg" ] && ! { [ -d "$arg" ] && [ -z "$(ls -A -- "$arg")" ]; }; then
    die "目录须不存在或为空 / DIR must be absent or empty: $arg" 2
  fi
  mkdir -p -- "$arg"
  dir=$(cd -- "$arg" && pwd -P)
  # DIR goes unquoted into the URL and into postgresql.conf; a socket path has at most 107 bytes.
  [[ $dir =~ ^[A-Za-z0-9._/+-]+$ ]] ||
    die "目录名只能含字母、数字和 ._/+- / DIR may only contain letters, digits and ._/+-: $dir" 2
  [ $((${#dir} + 15)) -le 107 ] || die "目录路径太长 / DIR is too long for a socket path: $dir" 2
  touch -- "$dir/$marker"
  if [ ${#as_pg[@]} -gt 0 ]; then
    # Group root may enter it: root connects through the socket without bypassing permissions.
    chown "$pg_user:$(id -g)" "$dir"
    chmod 0750 "$dir"
    "${as_pg[@]}" test -w "$dir" -a -x "$dir" ||
      die "$pg_user 进不了 $dir（用 /tmp 下的 mktemp -d）/ $pg_user cannot reach $dir (use a mktemp -d under /tmp)"
  else
    chmod 0700 "$dir"
  fi
  # The cluster's user may not be able to read the caller's working directory.
  cd "$dir"

  # Before initdb, so that even a start that fails half-way is cleaned up in the end.
  setsid bash -c "$watchdog_sh" pg-watchdog "$dir" "$ttl" "${as_pg[@]}" env LC_ALL=C \
    "$pgbin/pg_ctl" </dev/null >/dev/null 2>&1 &
  for i in $(seq 50); do [ -s "$dir/watchdog.pid" ] && break; sleep 0.1; done
  [ -s "$dir/watchdog.pid" ] || die "看门狗没有启动 / the watchdog did not start"

  if [ -n "$primary" ]; then
    # The primary's files as of now (-c fast: a checkpoint at once, not spread over minutes),
    # and -R: standby.signal plus primary_conninfo, so it follows the primary's WAL as it
    # streams. initdb's trust rules allow replication on the socket.
    if ! pg pg_basebackup -h "$primary" -p 5432 -U "$pg_user" -D "$dir/data" -R -X stream -c fast \
         --no-sync >"$dir/initdb.log" 2>&1; then
      tail -n 20 "$dir/initdb.log" >&2
      die "pg_basebackup 失败（清理：$0 stop $dir）/ pg_basebackup failed (clean up: $0 stop $dir)"
    fi
  else
    if ! pg initdb -D "$dir/data" -U "$pg_user" -A trust -E UTF8 --locale=C --no-sync \
         >"$dir/initdb.log" 2>&1; then
      tail -n 20 "$dir/initdb.log" >&2
      die "initdb 失败（清理：$0 stop $dir）/ initdb failed (clean up: $0 stop $dir)"
    fi
    echo "include 'pg_cluster.conf'" >>"$dir/data/postgresql.conf"
  fi

  port=5432  # names the socket file only, which is private to DIR
  if [ "${PG_TCP:-0}" = 1 ]; then listen=127.0.0.1; tries=20; fi
  for ((i = 1; ; i++)); do
    [ -z "$listen" ] || port=$(free_port)
    printf "listen_addresses = '%s'\nport = %s\nunix_socket_directories = '%s'\n" \
      "$listen" "$port" "$dir" >"$dir/data/pg_cluster.conf"
    if [ "${PG_NO_FSYNC:-0}" = 1 ]; then
      printf "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n" \
        >>"$dir/data/pg_cluster.conf"
    fi
    : >"$dir/log"
    chown "$pg_user" "$dir/log"
    if pg pg_ctl start -D "$dir/data" -l "$dir/log" -w -t 60 -s >&2; then break; fi
    # Another process took the port between free_port and the bind: try another.
    if [ -n "$listen" ] && [ "$i" -lt "$tries" ] && grep -q 'Address already in use' "$dir/log"; then
      continue
    fi
    tail -n 20 "$dir/log" >&2
    die "PostgreSQL 启动失败（清理：$0 stop $dir）/ PostgreSQL did not start (clean up: $0 stop $dir)"
  done

  if [ -z "$primary" ] && ! pg createdb -h "$dir" -p "$port" -U "$pg_user" agritrace >&2; then
    pg pg_ctl stop -D "$dir/data" -m immediate -s >&2 || true
    die "建库失败（清理：$0 stop $dir）/ createdb failed (clean up: $0 stop $dir)"
  fi
  # The port is in the URL even for the socket: it names the socket file, and PGPORT must not.
  echo "postgresql:///agritrace?host=$dir&port=$port&user=$pg_user" >"$dir/url"
  [ -z "$listen" ] || echo "postgresql://$pg_user@127.0.0.1:$port/agritrace" >"$dir/tcp_url"
  cat "$dir/url"
}

stop() {
  local arg=$1 dir pid
  if [ ! -e "$arg" ]; then
    echo "已停止：$arg 不存在 / already stopped: $arg does not exist" >&2
    return 0
  fi
  dir=$(cd -- "$arg" && pwd -P)
  if [ ! -e "$dir/$marker" ] && [ -n "$(ls -A -- "$dir")" ]; then
    die "不是 pg_cluster.sh 建的目录，不删除 / not a pg_cluster.sh directory, left alone: $dir" 2
  fi
  cd /
  kill_watchdog "$dir"
  if [ -f "$dir/data/postmaster.pid" ]; then
    pg pg_ctl stop -D "$dir/data" -m fast -t 30 -s 2>/dev/null ||
      pg pg_ctl stop -D "$dir/data" -m immediate -t 30 -s 2>/dev/null || true
  fi
  # A server still running keeps its directory: removing it would hide the server, not stop it.
  pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = postgres ]; then
    die "PostgreSQL（pid $pid）停不下来，保留 $dir / PostgreSQL (pid $pid) did not stop, $dir kept"
  fi
  rm -rf -- "$dir"
}

case "${1:-}" in
  start)
    if [ $# -lt 2 ] || [ $# -gt 3 ]; then usage; fi
    start "$2" "${3:-3600}" ;;
  replica)
    if [ $# -lt 3 ] || [ $# -gt 4 ]; then usage; fi
    [ -f "$2/$marker" ] && [ -S "$2/.s.PGSQL.5432" ] ||
      die "主库未运行：$2 / no running pg_cluster.sh primary in $2" 2
    start "$3" "${4:-3600}" "$(cd -- "$2" && pwd -P)" ;;
  stop)
    if [ $# -ne 2 ]; then usage; fi
    stop "$2" ;;
  *) usage ;;
esac
