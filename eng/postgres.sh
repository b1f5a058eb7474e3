#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests, drills and benchmarks, from Debian's postgresql package: a new cluster in
# a folder of its own, listening on 127.0.0.1 only, trust authentication (loopback, test data), run as the postgres
# user when started by root (PostgreSQL refuses to run as root).
#   eng/postgres.sh start DIR [PORT]   initialise DIR (if new) and start; prints the Npgsql connection string
#   eng/postgres.sh stop DIR           fast shutdown (in-flight transactions roll back; committed ones are durable)
#   eng/postgres.sh restart DIR        stop then start on the same port (the drills' "restart PostgreSQL")
set -euo pipefail
cmd=${1:?usage: postgres.sh start|stop|restart DIR [PORT]}
dir=${2:?usage: postgres.sh start|stop|restart DIR [PORT]}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql); eng/test.sh installs it" >&2
  exit 1
fi
as=()
if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
[ "$(id -u)" = 0 ] && chown postgres "$dir"
cd / # the postgres user may not enter the caller's working directory
if [ ${#as[@]} -gt 0 ] && ! "${as[@]}" test -w "$dir"; then
  echo "postgres.sh: the postgres user cannot reach $dir: make its parent folders traversable (chmod o+x), e.g. a folder made with mktemp -d and chmod 755" >&2
  exit 1
fi
data="$dir/data"

start() {
  local port=${1:-}
  if [ -z "$port" ]; then
    port=$(cat "$dir/port" 2>/dev/null || python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  fi
  echo "$port" > "$dir/port"
  if [ ! -f "$data/PG_VERSION" ]; then
    "${as[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 -c fsync=on -c synchronous_commit=on" start >/dev/null \
    || { tail -20 "$dir/server.log" >&2; exit 1; }
  echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
}

case "$cmd" in
  start) start "${3:-}" ;;
  stop) "${as[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null ;;
  restart) "${as[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null; start "$(cat "$dir/port")" ;;
  *) echo "postgres.sh: unknown command $cmd" >&2; exit 2 ;;
esac
