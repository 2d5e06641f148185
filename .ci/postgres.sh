#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on loopback for the production-database tests and prints
# the JDBC URL to use (UPSHIFT_TEST_POSTGRES_URL). Usage: .ci/postgres.sh start|stop [DIR]
set -euo pipefail
dir=${2:-/tmp/upshift-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
case "$1" in
  start)
    # a free loopback port, so a server already running elsewhere on the machine does not matter
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
      || shuf -i 20000-60000 -n 1)
    rm -rf "$dir" && mkdir -p "$dir" && chown postgres "$dir"
    su postgres -c "$bin/initdb -D '$dir/data' -A trust -U postgres --no-sync" >/dev/null
    su postgres -c "$bin/pg_ctl -D '$dir/data' -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off' -l '$dir/log' -w start" >/dev/null \
      || { cat "$dir/log" >&2; exit 1; }
    su postgres -c "$bin/createdb -h 127.0.0.1 -p $port upshift"
    echo "jdbc:postgresql://127.0.0.1:$port/upshift?user=postgres"
    ;;
  stop)
    su postgres -c "$bin/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null || true
    ;;
esac
