#!/usr/bin/env bash
# ctest's PostgreSQL fixture (tests/CMakeLists.txt): `start STATE` starts a throwaway cluster
# (scripts/pg_cluster.sh) and writes its directory to STATE for the store tests to find its URL;
# `stop STATE` stops it, run by ctest also when a test failed. The cluster's own watchdog stops
# it after an hour should ctest itself be killed.
set -euo pipefail
cd "$(dirname "$0")/../.."
state=${2:?usage: $0 start|stop STATE}
case "$1" in
  start)
    [ -f "$state" ] && scripts/pg_cluster.sh stop "$(cat "$state")" || true
    dir=$(mktemp -d /tmp/agritrace-pg-XXXXXX)
    # Without fsync: a throwaway cluster needs no durability, and each test's CREATE DATABASE and
    # schema waited for the disk.
    PG_NO_FSYNC=1 scripts/pg_cluster.sh start "$dir" 3600 >/dev/null
    echo "$dir" >"$state"
    ;;
  stop)
    [ -f "$state" ] || exit 0
    scripts/pg_cluster.sh stop "$(cat "$state")"
    rm -f "$state"
    ;;
  *) echo "usage: $0 start|stop STATE" >&2; exit 2 ;;
esac
