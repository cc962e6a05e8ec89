#!/usr/bin/env bash
# Installs what building and testing readerpoll needs, and nothing that is
# already there: the wasm32 target, wasm-bindgen-cli at the exact version in
# Cargo.lock, Debian's Chromium + chromedriver and PostgreSQL, npm packages.
# Shared by `npm start` and `npm test`; quick when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'bootstrap: %s\n' "$*"; }
need() {
  printf 'bootstrap: cannot install %s here (%s).\n' "$1" "$2" >&2
  printf 'bootstrap: please install it and run this again.\n' >&2
  exit 1
}

command -v cargo >/dev/null || need "Rust (cargo)" "no cargo on PATH; see https://rustup.rs"
command -v node >/dev/null || need "Node.js 20+" "no node on PATH"

if command -v rustup >/dev/null; then
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # The shipped wasm builds the standard library from source (see
  # scripts/build-wasm.sh).
  if [ ! -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then
    say "adding the rust-src component"
    rustup component add rust-src
  fi
else
  rustc --print target-list | grep -qx wasm32-unknown-unknown \
    || need "the wasm32-unknown-unknown target" "no rustup"
  [ -d "$(rustc --print sysroot)/lib/rustlib/src/rust/library" ] \
    || need "the rust-src component" "no rustup"
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/"/, "", $3); print $3; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ -z "$want" ]; then
  need "wasm-bindgen-cli" "no wasm-bindgen version found in Cargo.lock"
fi
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (found: ${have:-none}); this takes a few minutes"
  cargo install wasm-bindgen-cli --version "$want" --force
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    need "${missing[*]}" "installing Debian packages needs root and apt-get"
  fi
  say "installing ${missing[*]} from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm packages: install when node_modules is missing or older than the lock.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
