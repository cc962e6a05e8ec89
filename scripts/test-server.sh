#!/usr/bin/env bash
# Server tests: unit tests, then the integration tests against real server
# processes on SQLite and on a throwaway PostgreSQL cluster started here.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/pg.sh
pg_start
trap pg_stop EXIT

READERPOLL_TEST_DATABASE_URL="$PG_URL" READERPOLL_REQUIRE_POSTGRES=1 \
  cargo test -p readerpoll-server
