#!/usr/bin/env bash
# Builds the widget into www/readerpoll/, the directory a site serves:
#   reader-poll.js   the custom element (minified from www/element/) with the
#                    wasm-bindgen glue bundled in
#   wp-polls.js      the WP-Polls adapter's page side, loaded only by such polls
#   live.js          live results (the `live` attribute), loaded only by such polls
#   reader-poll.css  its styles (minified)
#   locales/         the non-English texts (minified JSON), fetched only by
#                    pages in those languages
#   pkg/             the wasm (release, wasm-opt -Oz)
#   reader-survey.js the survey build's module (its glue bundled in), with
#   reader-survey.css and pkg/readerpoll_survey_bg.wasm: the crate built
#                    with the `survey` feature, which the element loads only
#                    for a survey, so a page with only polls downloads none
#                    of it
# and beside each file its .br and .gz.
# Skips the work when no input changed.
set -euo pipefail
cd "$(dirname "$0")/.."

out=www/readerpoll
stamp=$out/.inputs
inputs=$(cat Cargo.toml Cargo.lock $(find src -name '*.rs' | sort) $(find www/element -type f | sort) \
  scripts/build-wasm.sh scripts/minify-names.mjs | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ] && [ -f "$out/pkg/readerpoll_bg.wasm" ]; then
  echo "build-wasm: up to date"
  exit 0
fi

# The shipped wasm is built with the standard library compiled from source
# (the rust-src component, which scripts/bootstrap.sh installs) at the
# release profile's opt-level "z", and with panics that abort on the spot:
# the prebuilt std is optimised for speed and keeps the panic machinery and
# `core::fmt` alive even under `panic = "abort"`. Together ~3.7 KB gzipped;
# leaving out source locations (which only panics and `unwrap_throw`
# messages would show) saves 0.25 KB more.
# `-Zbuild-std` is unstable, so RUSTC_BOOTSTRAP lets this stable toolchain
# take it; the flag is scoped to this one command and its own target
# directory, so tests and the server build exactly as usual. Nothing in the
# crate's source depends on it: plain `cargo build` still builds the same
# widget, only larger.
# $1: the target directory; the rest: cargo's extra flags (the feature).
build_crate() {
  local dir=$1
  shift
  RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
    cargo build --release --target wasm32-unknown-unknown --lib \
    -Zbuild-std=std,panic_abort --target-dir "$dir" "$@"
}
echo "build-wasm: cargo build --release (wasm32, std from source)"
build_crate target/widget
echo "build-wasm: cargo build --release --features survey (the survey build)"
# Its own target directory, so neither build invalidates the other's.
build_crate target/widget-survey --features survey
rm -rf "$out"
mkdir -p "$out/pkg" "$out/survey-pkg"
# The element always passes the wasm's URL, so the glue needs no default.
wasm-bindgen --target web --no-typescript --omit-default-module-path --out-dir "$out/pkg" \
  target/widget/wasm32-unknown-unknown/release/readerpoll.wasm
wasm-bindgen --target web --no-typescript --omit-default-module-path --out-dir "$out/survey-pkg" \
  target/widget-survey/wasm32-unknown-unknown/release/readerpoll.wasm

echo "build-wasm: wasm-opt -Oz"
features="--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue"
# --converge repeats -Oz while it still shrinks the module; a second round
# after --flatten --rereloop (which rebuilds control flow) saves ~0.3 KB
# gzipped more, and one more -Oz after that ~0.1 KB. Functions with one caller are inlined only while small
# (binaryen inlines them all by default): the module gets ~1.5 KB larger,
# but its gzipped size ~1.3 KB smaller, since calls repeat where inlined
# bodies do not. 20 was the best of 10 to 200. The target_features section
# only tells other tools which features the code uses; browsers ignore it.
# Rust puts its 1 MB stack first and its data above it, so the lowest KB of
# memory is never a valid address (--low-memory-unused, which Emscripten
# also assumes): loads and stores may then fold constant offsets.
for pkg in "$out/pkg" "$out/survey-pkg"; do
  # shellcheck disable=SC2086 # $features is a list of flags
  node_modules/.bin/wasm-opt --low-memory-unused --one-caller-inline-max-function-size=20 \
    -Oz --converge --flatten --rereloop -Oz --converge -Oz \
    --strip-debug --strip-producers --strip-target-features $features \
    "$pkg/readerpoll_bg.wasm" -o "$pkg/readerpoll_bg.wasm"
  # shellcheck disable=SC2086 # $features is a list of flags
  node scripts/minify-names.mjs node_modules/.bin/wasm-opt "$pkg" $features
done
mv "$out/survey-pkg/readerpoll_bg.wasm" "$out/pkg/readerpoll_survey_bg.wasm"

echo "build-wasm: minifying JS and CSS"
esbuild=node_modules/.bin/esbuild
# The element with the glue and the crate's JS snippets (snippets/, see
# transport::net) bundled in: one module, fetched while the page parses;
# the glue's own files are then not needed.
$esbuild --bundle --minify --format=esm --log-level=warning \
  --alias:readerpoll-glue="./$out/pkg/readerpoll.js" \
  www/element/reader-poll.js --outfile="$out/reader-poll.js"
rm -r "$out/pkg/readerpoll.js" "$out/pkg/snippets"
# The survey build's glue, bundled the same way into the survey module the
# element imports when a definition turns out to be a survey.
$esbuild --bundle --minify --format=esm --log-level=warning \
  --alias:readerpoll-survey-glue="./$out/survey-pkg/readerpoll.js" \
  www/element/reader-survey.js --outfile="$out/reader-survey.js"
rm -r "$out/survey-pkg"
$esbuild --minify --log-level=warning \
  www/element/reader-survey.css --outfile="$out/reader-survey.css"
$esbuild --minify --format=esm --log-level=warning \
  www/element/wp-polls.js --outfile="$out/wp-polls.js"
$esbuild --minify --format=esm --log-level=warning \
  www/element/live.js --outfile="$out/live.js"
$esbuild --minify --log-level=warning \
  www/element/reader-poll.css --outfile="$out/reader-poll.css"
mkdir -p "$out/locales"
node -e '
  const fs = require("node:fs");
  for (const file of fs.readdirSync("www/element/locales")) {
    const texts = JSON.parse(fs.readFileSync(`www/element/locales/${file}`, "utf8"));
    fs.writeFileSync(`'"$out"'/locales/${file}`, JSON.stringify(texts));
  }'
# Compressed once here, so a server can send them as they are (the
# reference server does, by Accept-Encoding): brotli at its best quality,
# gzip at level 9.
node -e '
  const fs = require("node:fs");
  const path = require("node:path");
  const zlib = require("node:zlib");
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
  for (const file of walk("'"$out"'").filter((f) => /\.(js|wasm|css|json)$/.test(f))) {
    const data = fs.readFileSync(file);
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(data, { params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
  }'
echo "$inputs" > "$stamp"
echo "build-wasm: done"
