// First paint of the widget in Debian's Chromium: loads a page N times,
// each in a fresh browser context with the cache disabled, and measures the
// time from navigation start until the first poll
// (<reader-poll poll="overtime-hours">) has its ballot or results in its
// shadow root (`.poll fieldset input`). Also a CPU-throttled run (4x), and
// the bytes the widget's assets take on the wire.
//
// The reference point is a plain JS poll on a bare page (bench/vanilla/).
// The like-for-like comparison is the widget on the same bare page
// (bench/bare/), fetching its poll from the server as the plain one does;
// the demo article, with its stylesheet, text and six polls, is measured
// too, as what a reader of a real article sees.
//
//   node bench/first-paint.mjs        (npm run bench)
//
// Environment: BENCH_LOADS (default 20), BENCH_NO_BUILD=1 to skip the
// builds, CHROMIUM (default /usr/bin/chromium).

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launch, startServer } from '../tests/e2e/harness.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LOADS = Number(process.env.BENCH_LOADS ?? 20);
const THROTTLE = 4;
const POLL = 'overtime-hours';
const ASSETS = ['reader-poll.js', 'pkg/readerpoll_bg.wasm', 'reader-poll.css'];
const VANILLA = ['index.html', 'poll.js'];

function run(command, args) {
  const r = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

// Runs in the page before its own scripts: records performance.now() (ms
// since navigation start) in window.__pollReady the moment the poll's
// inputs are in the DOM. The widget renders into a shadow root, which a
// document-wide MutationObserver does not see, so each new shadow root of
// the poll gets an observer of its own.
function readyProbe({ widget, poll }) {
  const done = () => {
    if (window.__pollReady === undefined) window.__pollReady = performance.now();
  };
  if (widget) {
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      const root = attach.call(this, init);
      if (this.localName === 'reader-poll' && this.getAttribute('poll') === poll) {
        const check = () => root.querySelector('.poll fieldset input') && done();
        new MutationObserver(check).observe(root, { childList: true, subtree: true });
      }
      return root;
    };
  } else {
    const check = () => document.querySelector('#poll .poll fieldset input') && done();
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
  }
}

/** One load in a fresh context: { ms, bytes: Map(url -> encoded bytes), requests }. */
async function load(browser, url, { widget, throttle }) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    if (throttle) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    const urls = new Map();
    const bytes = new Map();
    cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
    cdp.on('Network.loadingFinished', (e) => bytes.set(urls.get(e.requestId), e.encodedDataLength));
    await page.addInitScript(readyProbe, { widget, poll: POLL });
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__pollReady !== undefined, null, { timeout: 60000, polling: 50 });
    const ms = await page.evaluate(() => window.__pollReady);
    // The element's User Timing marks: where the time went.
    const marks = await page.evaluate(() =>
      Object.fromEntries(
        performance
          .getEntriesByType('mark')
          .filter((m) => m.name.startsWith('readerpoll:'))
          .map((m) => [m.name.slice('readerpoll:'.length), m.startTime])
      )
    );
    await page.waitForLoadState('load');
    return { ms, marks, bytes, requests: urls.size };
  } finally {
    await context.close();
  }
}

function quantile(sorted, q) {
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), min: s[0], max: s[s.length - 1] };
}

const pad = (v, n) => String(v).padStart(n);
const ms = (v) => v.toFixed(1);

async function main() {
  if (process.env.BENCH_NO_BUILD !== '1') {
    run('cargo', ['build', '--release', '-q', '-p', 'readerpoll-server']);
    run('bash', ['scripts/build-wasm.sh']);
  }
  const demo = await startServer([], { www: join(ROOT, 'www') });
  const plain = await startServer([], { www: join(ROOT, 'bench/vanilla') });
  // The bare widget page, served beside the built widget.
  const bareWww = mkdtempSync(join(tmpdir(), 'readerpoll-bench-'));
  copyFileSync(join(ROOT, 'bench/bare/index.html'), join(bareWww, 'index.html'));
  symlinkSync(join(ROOT, 'www/readerpoll'), join(bareWww, 'readerpoll'));
  const bare = await startServer([], { www: bareWww });
  const browser = await launch();
  const variants = [
    { name: 'widget, bare page', url: `${bare.url}/`, widget: true, throttle: 0 },
    { name: 'plain JS, bare page', url: `${plain.url}/`, widget: false, throttle: 0 },
    { name: 'widget, demo article', url: `${demo.url}/`, widget: true, throttle: 0 },
    { name: `widget, bare, CPU ${THROTTLE}x slower`, url: `${bare.url}/`, widget: true, throttle: THROTTLE },
    { name: `plain JS, CPU ${THROTTLE}x slower`, url: `${plain.url}/`, widget: false, throttle: THROTTLE },
    { name: `widget, article, CPU ${THROTTLE}x`, url: `${demo.url}/`, widget: true, throttle: THROTTLE },
  ];
  const results = variants.map(() => []);
  const version = browser.version();
  try {
    // One load of each first, not counted: starts the renderer and disk caches.
    for (const v of variants) await load(browser, v.url, v);
    // Rounds alternate the variants, so a slow moment of the machine does
    // not fall on one variant only.
    for (let i = 0; i < LOADS; i++) {
      for (const [k, v] of variants.entries()) results[k].push(await load(browser, v.url, v));
      if (process.stderr.isTTY) process.stderr.write(`\rfirst-paint: round ${i + 1}/${LOADS}`);
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
  } finally {
    await browser.close();
    await demo.stop();
    await plain.stop();
    await bare.stop();
    rmSync(bareWww, { recursive: true, force: true });
  }

  console.log(`Chromium ${version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`Time to first poll rendered: ms from navigation start until the poll's inputs are in the DOM`);
  console.log(`(${LOADS} loads each, fresh browser context per load, cache disabled, loopback)\n`);
  console.log(`${'variant'.padEnd(30)} ${pad('median', 8)} ${pad('p95', 8)} ${pad('min', 8)} ${pad('max', 8)} ${pad('requests', 9)} ${pad('page bytes', 11)}`);
  const medians = [];
  for (const [k, v] of variants.entries()) {
    const s = stats(results[k].map((r) => r.ms));
    medians.push(s.median);
    const last = results[k][results[k].length - 1];
    const page = [...last.bytes.values()].reduce((a, b) => a + b, 0);
    console.log(
      `${v.name.padEnd(30)} ${pad(ms(s.median), 8)} ${pad(ms(s.p95), 8)} ${pad(ms(s.min), 8)} ${pad(ms(s.max), 8)} ${pad(last.requests, 9)} ${pad(page, 11)}`
    );
  }
  // The budget: the widget within 1.5x of the plain poll on the same page.
  const ratio = (a, b) => (medians[a] / medians[b]).toFixed(2);
  console.log(
    `\nwidget / plain JS, bare page (medians): ${ratio(0, 1)}x; CPU ${THROTTLE}x slower: ${ratio(3, 4)}x (budget 1.5x)`
  );
  console.log(`demo article / plain JS bare page: ${ratio(2, 1)}x; CPU ${THROTTLE}x slower: ${ratio(5, 4)}x`);

  // Where the widget's time goes (medians, ms since navigation start): the
  // element asks for the runtime, the wasm is compiled and instantiated,
  // the first poll is mounted, and its inputs are in the DOM.
  for (const k of [0, 2, 3, 5]) {
    const at = (name) => stats(results[k].map((r) => r.marks[name] ?? NaN)).median;
    console.log(
      `phases, ${variants[k].name}: runtime requested ${ms(at('load'))}, runtime ready ${ms(at('runtime'))}, ` +
        `mount starts ${ms(at('mount'))}, first poll mounted ${ms(at('mounted'))}, inputs in the DOM ${ms(stats(results[k].map((r) => r.ms)).median)}`
    );
  }

  // Bytes on the wire per asset (CDP encodedDataLength: body plus response
  // headers; the server sends them uncompressed) and what gzip -9 would make
  // of each file.
  const widget = results[2];
  console.log(`\n${'widget asset'.padEnd(30)} ${pad('on the wire', 12)} ${pad('file', 9)} ${pad('gzip -9', 9)}`);
  let wire = 0;
  let raw = 0;
  let gz = 0;
  for (const asset of ASSETS) {
    const url = `${demo.url}/readerpoll/${asset}`;
    const seen = widget.map((r) => r.bytes.get(url)).filter((b) => b !== undefined);
    const onWire = seen.length ? stats(seen).median : NaN;
    const file = readFileSync(join(ROOT, 'www/readerpoll', asset));
    const zipped = gzipSync(file, { level: 9 }).length;
    wire += onWire;
    raw += file.length;
    gz += zipped;
    console.log(`${asset.padEnd(30)} ${pad(onWire, 12)} ${pad(file.length, 9)} ${pad(zipped, 9)}`);
  }
  console.log(`${'total'.padEnd(30)} ${pad(wire, 12)} ${pad(raw, 9)} ${pad(gz, 9)}`);
  let vraw = 0;
  let vgz = 0;
  for (const f of VANILLA) {
    const file = readFileSync(join(ROOT, 'bench/vanilla', f));
    vraw += file.length;
    vgz += gzipSync(file, { level: 9 }).length;
  }
  console.log(`${'plain JS baseline (html + js)'.padEnd(30)} ${pad('', 12)} ${pad(vraw, 9)} ${pad(vgz, 9)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
