// Shortens the names the wasm module and its wasm-bindgen glue use for each
// other, in both files at once.
//
// wasm-bindgen names every import `__wbg_<method>_<16 hex digits>` and the
// glue spells each one out again as a key of its import object. The hashes
// do not compress, so with ~110 imports those names came to ~2.5 KB of the
// gzipped wasm and more of the glue. `wasm-opt
// --minify-imports-and-exports-and-modules` renames them in the wasm and
// prints the mapping; this script applies the same mapping to the glue and
// refuses to finish unless every name on both sides matches.
//
// Usage: node scripts/minify-names.mjs <wasm-opt> <pkg dir> [wasm-opt feature flags...]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [wasmOpt, dir, ...features] = process.argv.slice(2);
const wasmPath = join(dir, 'readerpoll_bg.wasm');
const gluePath = join(dir, 'readerpoll.js');

// The mapping goes to stdout as JSON-like text (with trailing commas), so it
// is read line by line rather than parsed.
const mapping = execFileSync(
  wasmOpt,
  [wasmPath, '--minify-imports-and-exports-and-modules', ...features, '-o', wasmPath],
  { encoding: 'utf8' }
);
const imports = new Map();
const exports = new Map();
for (const [, a, b, c] of mapping.matchAll(/\["([^"]*)", "([^"]*)"(?:, "([^"]*)")?\]/g)) {
  if (c === undefined) exports.set(a, b);
  else imports.set(b, c);
}

const module = new WebAssembly.Module(readFileSync(wasmPath));
const wasmImports = WebAssembly.Module.imports(module);
const wasmExports = WebAssembly.Module.exports(module).map((e) => e.name);
const modules = [...new Set(wasmImports.map((i) => i.module))];
const fail = (why) => {
  console.error(`minify-names: ${why}`);
  process.exit(1);
};
if (modules.length !== 1) fail(`expected one import module, found ${modules.join(', ')}`);
if (imports.size !== wasmImports.length) fail('the mapping does not cover every import');
if (exports.size !== wasmExports.length) fail('the mapping does not cover every export');

const escape = (s) => s.replace(/[$]/g, '\\$');
let glue = readFileSync(gluePath, 'utf8');
const replaceAll = (pattern, replacement, what) => {
  const before = glue;
  glue = glue.replace(pattern, replacement);
  if (glue === before) fail(`${what} not found in the glue`);
};
replaceAll(/(["'])\.\/readerpoll_bg\.js\1(?=\s*:\s*import0)/, () => `"${modules[0]}"`, 'the import module');
for (const [from, to] of imports) {
  // Keys of the import object: `name: function(...`.
  replaceAll(new RegExp(`(^|[\\s{,])${escape(from)}(?=\\s*:)`, 'gm'), (_, pre) => `${pre}"${to}"`, `import ${from}`);
}
for (const [from, to] of exports) {
  // Some exports (wasm-bindgen's abort hooks) are not used by the glue.
  glue = glue.replace(new RegExp(`\\bwasm\\.${escape(from)}\\b`, 'g'), () => `wasm["${to}"]`);
}
// Whatever still names an old import or export would fail at instantiation
// or at its first call, so check here instead.
for (const from of imports.keys()) {
  if (new RegExp(`\\b${escape(from)}\\b`).test(glue)) fail(`import ${from} is still in the glue`);
}
for (const from of exports.keys()) {
  if (new RegExp(`\\bwasm\\.${escape(from)}\\b|["'\`]${escape(from)}["'\`]`).test(glue)) {
    fail(`export ${from} is still in the glue`);
  }
}
writeFileSync(gluePath, glue);
