# Sourced: starts and stops a throwaway PostgreSQL cluster on loopback for
# tests and benchmarks. Sets PG_URL. Needs Debian's postgresql package
# (scripts/bootstrap.sh installs it). PostgreSQL refuses to run as root, so
# as root the cluster runs as the `postgres` user.

pg_start() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$bin" ]; then
    echo "pg.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
    return 1
  fi
  PG_DIR=$(mktemp -d /tmp/readerpoll-pg.XXXXXX)
  PG_PORT=${PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
  PG_AS=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  "${PG_AS[@]}" "$bin/initdb" -D "$PG_DIR/data" -U readerpoll --auth=trust -E UTF8 >/dev/null
  "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -o \
    "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=on" start >/dev/null
  "${PG_AS[@]}" "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U readerpoll readerpoll
  PG_BIN=$bin
  PG_URL="postgres://readerpoll@127.0.0.1:$PG_PORT/readerpoll"
  export PG_URL
  echo "pg.sh: PostgreSQL on $PG_URL"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
