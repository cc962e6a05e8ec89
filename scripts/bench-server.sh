#!/usr/bin/env bash
# Server benchmark on loopback: one "viral" poll (overtime-hours) under load
# from wrk.
#   (a) durable votes/s and latency on SQLite (fresh temp database): as
#       fast as the connections go, then paced at the target rate for the
#       latency at that load
#   (b) the same on PostgreSQL (throwaway cluster from scripts/pg.sh)
#   (c) result reads/s on SQLite
# Every vote carries a key no other request uses, so each one is a real
# write. After each vote run the poll's voter count is compared with the
# number of 2xx answers wrk saw. Prints a summary table with the targets.
#
# Knobs: BENCH_DURATION (seconds, default 10), BENCH_THREADS (2),
# BENCH_CONNECTIONS (64), BENCH_PG=0 skips PostgreSQL.
# Exits 1 when a run is not a valid measurement (non-2xx answers, socket
# errors or a count mismatch); missing a target only shows in the table.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10}
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
POLL=overtime-hours
SEED_VOTERS=581
TARGET_VOTES=3000
TARGET_P99_MS=50
TARGET_READS=20000

say() { printf 'bench-server: %s\n' "$*"; }

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    say "wrk is missing; install it (Debian: apt-get install wrk) and run this again" >&2
    exit 1
  fi
  say "installing wrk"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq wrk >/dev/null
fi

say "cargo build --release -p readerpoll-server"
cargo build --release -q -p readerpoll-server
BIN=target/release/readerpoll-server

WORK=$(mktemp -d /tmp/readerpoll-bench.XXXXXX)
SERVER_PID=
PG_STARTED=0
cleanup() {
  stop_server
  if [ "$PG_STARTED" = 1 ]; then pg_stop; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_server NAME [ENV=VALUE...]: a server on a free loopback port with a
# fresh SQLite file (or the database DATABASE_URL names); sets BASE.
start_server() {
  local name=$1
  shift
  local log=$WORK/$name.out
  : >"$log"
  # The vote runs leave every connection idle while the last votes drain
  # (up to 10 s): a longer header timeout than the default 10 s keeps the
  # server from closing them, which wrk would count as socket errors.
  env "$@" RUST_LOG=warn "$BIN" serve --addr 127.0.0.1:0 --www www \
    --db "$WORK/$name.sqlite3" --rate-limit 0 --header-timeout 60 >"$log" 2>"$WORK/$name.err" &
  SERVER_PID=$!
  local i
  for i in $(seq 1 200); do
    BASE=$(sed -n 's/^readerpoll listening on \(http:\/\/[^ ]*\).*/\1/p' "$log" || true)
    if [ -n "$BASE" ]; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
    sleep 0.05
  done
  say "the server did not start:" >&2
  cat "$WORK/$name.err" >&2
  exit 1
}

stop_server() {
  if [ -n "$SERVER_PID" ]; then
    local i
    kill "$SERVER_PID" 2>/dev/null || true
    for i in $(seq 1 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}

voters() {
  node -e '
    fetch(process.argv[1]).then(async (r) => {
      if (!r.ok) throw new Error(`GET ${process.argv[1]}: ${r.status}`);
      console.log((await r.json()).tally.voters);
    }).catch((e) => { console.error(e.message); process.exit(1); });
  ' "$BASE/api/polls/$POLL"
}

# field NAME LINE: the value of NAME=... in a RESULT line.
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

ROWS=()
INVALID=0

# record LABEL RESULT CHECK TARGET VERDICT
record() {
  local r=$2
  local errors=$(( $(field connect_err "$r") + $(field read_err "$r") + $(field write_err "$r") + $(field timeouts "$r") ))
  if [ "$(field non2xx "$r")" != 0 ] || [ "$errors" != 0 ] || [ "$3" = MISMATCH ]; then
    INVALID=1
  fi
  ROWS+=("$(printf '%-27s %10s %8s %8s %8s %9s %7s %6s  %-9s %-26s %s' \
    "$1" "$(field rps "$r")" "$(field p50_ms "$r")" "$(field p99_ms "$r")" "$(field max_ms "$r")" \
    "$(field s2xx "$r")" "$(field non2xx "$r")" "$errors" "$3" "$4" "$5")")
}

# vote_run LABEL DRAIN [RATE]: wrk against the running server; sets RESULT
# and CHECK. New votes stop after DURATION seconds; wrk runs DRAIN seconds
# more so the answers still in flight arrive before it stops. With RATE,
# votes are paced to RATE per second.
vote_run() {
  local before after expect
  before=$(voters)
  say "$1: $THREADS threads, $CONNECTIONS connections, ${DURATION}s of votes${3:+ at $3/s} (voters before: $before)"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$((DURATION + $2))s" --timeout 10s --latency \
    -s bench/wrk-vote.lua "$BASE/api/polls/$POLL/votes" -- "$1-$$-$RANDOM" "$DURATION" ${3:+"$3" "$THREADS"} \
    | tee "$WORK/wrk.log" | sed 's/^/  /'
  RESULT=$(grep '^RESULT ' "$WORK/wrk.log")
  after=$(voters)
  expect=$((SEED_VOTERS + $(field s2xx "$RESULT")))
  if [ "$before" = "$SEED_VOTERS" ] && [ "$after" = "$expect" ]; then CHECK=OK; else CHECK=MISMATCH; fi
  say "$1: voters after = $after, expected $SEED_VOTERS + $(field s2xx "$RESULT") (2xx) = $expect: $CHECK"
  if [ "$CHECK" = MISMATCH ] && [ "$after" -gt "$expect" ]; then
    say "$1: $((after - expect)) votes were counted without wrk seeing the answer (still in flight when it stopped)"
  fi
}

read_run() {
  say "$1: $THREADS threads, $CONNECTIONS connections, ${DURATION}s of GET /api/polls/$POLL"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
    -s bench/wrk-read.lua "$BASE/api/polls/$POLL" \
    | tee "$WORK/wrk.log" | sed 's/^/  /'
  RESULT=$(grep '^RESULT ' "$WORK/wrk.log")
}

verdict_votes() {
  awk -v rps="$(field rps "$1")" -v p99="$(field p99_ms "$1")" \
    -v t="$TARGET_VOTES" -v p="$TARGET_P99_MS" \
    'BEGIN { print (rps >= t * 0.98 && p99 < p) ? "met" : "MISSED" }'
}

verdict_rate() {
  awk -v rps="$(field rps "$1")" -v t="$TARGET_VOTES" 'BEGIN { print (rps >= t) ? "met" : "MISSED" }'
}

verdict_reads() {
  awk -v rps="$(field rps "$1")" -v t="$TARGET_READS" 'BEGIN { print (rps >= t) ? "met" : "MISSED" }'
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# (a) votes on SQLite: flat out, then at the target rate
start_server sqlite-votes
vote_run sqlite-votes 3
stop_server
record "(a) votes, SQLite" "$RESULT" "$CHECK" ">=$TARGET_VOTES/s" "$(verdict_rate "$RESULT")"
start_server sqlite-paced
vote_run sqlite-paced 3 "$TARGET_VOTES"
stop_server
record "(a) votes at $TARGET_VOTES/s, SQLite" "$RESULT" "$CHECK" "$TARGET_VOTES/s with p99<${TARGET_P99_MS}ms" "$(verdict_votes "$RESULT")"

# (b) votes on PostgreSQL
if [ "${BENCH_PG:-1}" != 0 ]; then
  source scripts/pg.sh
  pg_start
  PG_STARTED=1
  start_server pg-votes DATABASE_URL="$PG_URL"
  vote_run pg-votes 10
  stop_server
  record "(b) votes, PostgreSQL" "$RESULT" "$CHECK" "(none; SQLite's for scale)" \
    "$(awk -v r="$(field rps "$RESULT")" -v t="$TARGET_VOTES" 'BEGIN { printf "%.0f%% of %d/s", 100 * r / t, t }')"
fi

# (c) reads on SQLite
start_server sqlite-reads
read_run sqlite-reads
stop_server
record "(c) reads, SQLite" "$RESULT" "-" ">=$TARGET_READS/s" "$(verdict_reads "$RESULT")"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo
echo "Summary: wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per run, loopback, $(nproc) CPUs ($cpu)"
echo "load average before the runs: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-27s %10s %8s %8s %8s %9s %7s %6s  %-9s %-26s %s\n' \
  run "req/s" "p50 ms" "p99 ms" "max ms" 2xx non2xx errors check target verdict
for row in "${ROWS[@]}"; do echo "$row"; done
if [ "$INVALID" = 1 ]; then
  say "some run had non-2xx answers, socket errors or a count mismatch" >&2
  exit 1
fi
