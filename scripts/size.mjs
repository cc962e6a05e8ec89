// What a reader downloads for the widget, gzipped (level 9), per file and in
// total. Exits 1 when the total grows past CEILING.
//
// TARGET is the product budget (30 KB: less than jQuery alone). The widget
// is not there yet (see the README's "Size" section for where the bytes
// go), so the gate is a ratchet: CEILING is the last measured total plus a
// little slack. It is lowered whenever the widget shrinks, and raised only
// for a correctness fix that needs the bytes, with the reason in its commit.
import { readdirSync, statSync } from 'node:fs';

const TARGET = 30 * 1024;
const CEILING = 40.3 * 1024;
const files = [
  ['www/readerpoll/pkg/readerpoll_bg.wasm', 'wasm (wasm-opt -Oz)'],
  ['www/readerpoll/reader-poll.js', 'element module with the wasm-bindgen glue (minified)'],
  ['www/readerpoll/reader-poll.css', 'styles (minified)'],
];

// The `.gz` (level 9) and `.br` files scripts/build-wasm.sh writes beside
// each file, which the reference server sends: what a reader downloads.
const gz = (path) => statSync(`${path}.gz`).size;
const brotli = (path) => statSync(`${path}.br`).size;

let total = 0;
let totalBr = 0;
console.log(`${'file'.padEnd(38)}     raw      gzip    brotli  what`);
for (const [path, what] of files) {
  const [size, zipped, br] = [statSync(path).size, gz(path), brotli(path)];
  total += zipped;
  totalBr += br;
  console.log(`${path.padEnd(38)} ${String(size).padStart(7)} ${String(zipped).padStart(9)} ${String(br).padStart(9)}  ${what}`);
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`total gzipped: ${total} bytes (${kb(total)}); brotli: ${totalBr} bytes (${kb(totalBr)})`);
console.log(`target ${kb(TARGET)}: ${total <= TARGET ? 'met' : `missed by ${kb(total - TARGET)}`}`);
console.log(`ceiling ${kb(CEILING)}: ${total <= CEILING ? 'ok' : 'EXCEEDED'}`);
// Downloaded only by polls that need them, so not in the total. Of the
// language files a page fetches at most one; the largest is shown.
const locales = readdirSync('www/readerpoll/locales')
  .filter((f) => f.endsWith('.json'))
  .map((f) => `www/readerpoll/locales/${f}`);
const largest = locales.reduce((a, b) => (gz(b) > gz(a) ? b : a));
const tags = locales.map((f) => f.slice(-7, -5)).join(', ');
for (const [path, what] of [
  ['www/readerpoll/wp-polls.js', 'WP-Polls adapter, protocol="wp-polls" only'],
  ['www/readerpoll/live.js', 'live results, polls with the `live` attribute only'],
  [largest, `largest of the texts for ${tags}; their pages only`],
]) {
  console.log(
    `${path.padEnd(38)} ${String(statSync(path).size).padStart(7)} ${String(gz(path)).padStart(9)} ${String(brotli(path)).padStart(9)}  ${what}`
  );
}

// A survey page: the element above loads the survey build instead of the
// poll's wasm and styles, so it downloads the element module, the survey
// module (with the survey build's glue), the survey wasm and the survey
// styles. SURVEY_TARGET is the product budget; the survey widget is not
// there yet (the README's "Size" section says where its bytes go), so its
// gate is a ratchet like the poll's: SURVEY_CEILING is the last measured
// total plus a little slack, lowered as the survey build shrinks.
const SURVEY_TARGET = 48 * 1024;
const SURVEY_CEILING = 65.75 * 1024;
const surveyFiles = [
  ['www/readerpoll/reader-poll.js', 'element module (as on every poll page)'],
  ['www/readerpoll/reader-survey.js', 'survey module with its wasm-bindgen glue'],
  ['www/readerpoll/pkg/readerpoll_survey_bg.wasm', 'survey wasm (the `survey` feature build)'],
  ['www/readerpoll/reader-survey.css', 'survey styles'],
];
let surveyTotal = 0;
let surveyBr = 0;
console.log('\nsurvey page:');
for (const [path, what] of surveyFiles) {
  const [size, zipped, br] = [statSync(path).size, gz(path), brotli(path)];
  surveyTotal += zipped;
  surveyBr += br;
  console.log(`${path.padEnd(38)} ${String(size).padStart(7)} ${String(zipped).padStart(9)} ${String(br).padStart(9)}  ${what}`);
}
console.log(`survey page total gzipped: ${surveyTotal} bytes (${kb(surveyTotal)}); brotli: ${surveyBr} bytes (${kb(surveyBr)})`);
console.log(`survey target ${kb(SURVEY_TARGET)}: ${surveyTotal <= SURVEY_TARGET ? 'met' : `missed by ${kb(surveyTotal - SURVEY_TARGET)}`}`);
console.log(`survey ceiling ${kb(SURVEY_CEILING)}: ${surveyTotal <= SURVEY_CEILING ? 'ok' : 'EXCEEDED'}`);
if (total > CEILING || surveyTotal > SURVEY_CEILING) process.exit(1);
