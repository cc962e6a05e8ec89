#!/usr/bin/env bash
# `npm test`: every check, fail-fast. Ends with the end-to-end suite so the
# last lines are its summary.
set -euo pipefail
cd "$(dirname "$0")/.."

stage() { printf '\n==> %s\n' "$*"; }

stage "bootstrap"
bash scripts/bootstrap.sh

stage "format"
cargo fmt --all --check

stage "clippy (host, all targets)"
cargo clippy --workspace --all-targets -- -D warnings

stage "clippy (wasm32)"
cargo clippy --lib --tests --target wasm32-unknown-unknown -- -D warnings

stage "clippy (wasm32, the survey build)"
cargo clippy --lib --test survey_decode --target wasm32-unknown-unknown --features survey -- -D warnings

stage "native tests: core, view, transport payloads"
cargo test -p readerpoll

stage "browser tests: DOM layer in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --target wasm32-unknown-unknown --test browser

stage "browser tests: the survey build's decoder"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test --target wasm32-unknown-unknown --features survey --test survey_decode

stage "server tests (SQLite and PostgreSQL)"
bash scripts/test-server.sh

stage "build widget + size"
bash scripts/build-wasm.sh
node scripts/size.mjs

stage "build server"
cargo build --release -p readerpoll-server

stage "end-to-end tests: Playwright + Chromium"
node --test --test-concurrency=1 tests/e2e/
