#!/usr/bin/env bash
# `npm start`: set up, build, and serve the demo article with the reference
# server on an embedded SQLite file.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build-wasm.sh
cargo build --release -p readerpoll-server
mkdir -p data
exec target/release/readerpoll-server serve \
  --addr "127.0.0.1:${PORT:-8080}" --www www --db data/readerpoll.sqlite3
