#!/usr/bin/env bash
# A private PostgreSQL cluster for tests and benchmarks: initialised in a temporary directory, listening on a free
# loopback port, trust authentication (nothing but this machine can reach it). Prints shell lines to eval:
#
#   eval "$(scripts/pg-cluster.sh start)"     # exports TEST_DATABASE_URL and SEATKEEPER_PG_DIR
#   scripts/pg-cluster.sh stop "$SEATKEEPER_PG_DIR"
#   scripts/pg-cluster.sh pause DIR / resume DIR   # stop the server (as an outage would), start it again, same port
#
# start --durable keeps fsync on (benchmarks); the default turns it off, which is safe for throw-away test data.
# As root the cluster runs as the `postgres` user, because initdb refuses to run as root.
set -euo pipefail

usage() {
  echo "usage: $0 start [--durable] | stop DIR | pause DIR | resume DIR" >&2
  exit 2
}

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r) /usr/local/pgsql/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  done
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  echo "pg-cluster: PostgreSQL server binaries (initdb, pg_ctl) not found. Install them (Debian/Ubuntu: apt-get install -y postgresql), set PG_BIN to their directory, or set TEST_DATABASE_URL to a server where you may create databases." >&2
  exit 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

start() {
  local durable=0
  [ "${1:-}" = "--durable" ] && durable=1
  local bin dir port
  bin="$(find_bin)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/seatkeeper-pg.XXXXXX")"
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "pg-cluster: running as root needs a 'postgres' user to own the cluster" >&2; exit 1; }
    chown postgres: "$dir"
  fi
  # ICU en-US as the default collation, as most servers sort; the sort keys that need byte order say so themselves.
  as_owner "$bin/initdb" -D "$dir/data" --auth=trust -U postgres --encoding=UTF8 --locale=C.UTF-8 \
    --locale-provider=icu --icu-locale=en-US >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; rm -rf "$dir"; exit 1; }
  local settings="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=400"
  if [ "$durable" -eq 0 ]; then
    settings="$settings -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  # A port can be taken between choosing and binding: try a few.
  local tries
  for tries in 1 2 3 4 5; do
    port="$(free_port)"
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "-p $port $settings" start >/dev/null 2>&1; then
      echo "-p $port $settings" >"$dir/options"
      echo "export SEATKEEPER_PG_DIR=$dir"
      echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres"
      return
    fi
  done
  echo "pg-cluster: the server did not start; its log:" >&2
  cat "$dir/server.log" >&2 || true
  rm -rf "$dir"
  exit 1
}

stop() {
  local dir="${1:-}"
  [ -n "$dir" ] && [ -d "$dir/data" ] || { echo "pg-cluster: no cluster in '${dir}'" >&2; exit 1; }
  local bin
  bin="$(find_bin)"
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

# Stops the server as an outage would (fast shutdown: sessions are ended), keeping the cluster and its port.
pause() {
  local dir="${1:-}"
  [ -n "$dir" ] && [ -f "$dir/options" ] || { echo "pg-cluster: no cluster in '${dir}'" >&2; exit 1; }
  as_owner "$(find_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
}

# Starts a paused server again with the options it had; returns once it accepts connections.
resume() {
  local dir="${1:-}"
  [ -n "$dir" ] && [ -f "$dir/options" ] || { echo "pg-cluster: no cluster in '${dir}'" >&2; exit 1; }
  as_owner "$(find_bin)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o "$(cat "$dir/options")" start >/dev/null
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  pause) shift; pause "$@" ;;
  resume) shift; resume "$@" ;;
  *) usage ;;
esac
