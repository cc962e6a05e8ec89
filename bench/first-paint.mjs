// First paint of the widget in Debian's Chromium: loads a page N times,
// each in a fresh browser context with the cache disabled, and measures,
// from navigation start, for the first poll (<reader-poll
// poll="overtime-hours">, or the plain poll's #poll):
//   dom    its inputs are in the DOM (`.poll fieldset input`; a
//          MutationObserver, so a microtask after the script made them);
//   frame  the next animation frame after that starts (requestAnimationFrame);
//   box    its first option has a layout box (a ResizeObserver on it, which
//          reports after that frame's style and layout) — what a reader can
//          see, and what an outside harness measures;
//   done   that frame's task is over (a message posted from the frame): its
//          style, layout and paint are done on the main thread.
// Also with the CPU 4x slower, and the bytes the widget's assets take.
//
// The reference point is a plain JS poll (bench/vanilla/). Pages:
//   bare     the widget or the plain poll alone (bench/bare/, bench/vanilla/),
//            each fetching its definition from the server;
//   article  a heading, paragraphs, then the poll with its definition inline
//            (the embed the README recommends), 1 or 50 polls;
//   demo     the demo article (www/), with its stylesheet, preloads and
//            six polls.
// With BENCH_TRACE (default 5) more loads of each article variant run under
// a Chromium performance trace, which says where the main thread's time goes
// between "inputs in the DOM" and the end of the next frame.
//
//   node bench/first-paint.mjs        (npm run bench)
//
// Environment: BENCH_LOADS (default 20), BENCH_TRACE (default 5, 0: none),
// BENCH_ONLY (a regexp of variant names), BENCH_BEFORE (a directory with an
// earlier build of www/readerpoll/: its widget on the article pages too, as
// `(before)` variants alternating with the current one), BENCH_DUMP (a directory for the
// traces, which chrome://tracing or DevTools open), BENCH_NO_BUILD=1 to skip the
// builds, CHROMIUM (default /usr/bin/chromium).

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launch, startServer } from '../tests/e2e/harness.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LOADS = Number(process.env.BENCH_LOADS ?? 20);
const TRACES = Number(process.env.BENCH_TRACE ?? 5);
const ONLY = new RegExp(process.env.BENCH_ONLY ?? '');
const THROTTLE = 4;
const POLL = 'overtime-hours';
const ASSETS = ['reader-poll.js', 'pkg/readerpoll_bg.wasm', 'reader-poll.css'];
const VANILLA = ['index.html', 'poll.js'];

function run(command, args) {
  const r = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

// Runs in the page before its own scripts: records performance.now() (ms
// since navigation start) in window.__poll = { dom, frame, box, done } (see
// the top of this file; window.__pollSeen resolves to it once complete),
// and marks `probe:dom` and `probe:done` for the trace. The widget renders into a shadow root, which a document-wide
// MutationObserver does not see, so each new shadow root of the poll gets an
// observer of its own.
function readyProbe({ widget, poll }) {
  const at = (window.__poll = {});
  let seen;
  window.__pollSeen = new Promise((resolve) => (seen = resolve));
  const both = () => at.done !== undefined && at.box !== undefined && seen(at);
  const found = (input) => {
    if (at.dom !== undefined) return;
    at.dom = performance.now();
    performance.mark('probe:dom');
    requestAnimationFrame(() => {
      at.frame = performance.now();
      // Posted from the frame, so it runs once the frame's task is over.
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        at.done = performance.now();
        performance.mark('probe:done');
        both();
      };
      channel.port2.postMessage(0);
    });
    const sized = new ResizeObserver((entries) => {
      const box = entries[0].target.getBoundingClientRect();
      if (at.box === undefined && box.width > 0 && box.height > 0) {
        at.box = performance.now();
        sized.disconnect();
        both();
      }
    });
    sized.observe(input);
  };
  if (widget) {
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      const root = attach.call(this, init);
      if (this === document.querySelector(`reader-poll[poll="${poll}"]`)) {
        const check = () => {
          const input = root.querySelector('.poll fieldset input');
          if (input) found(input);
        };
        new MutationObserver(check).observe(root, { childList: true, subtree: true });
      }
      return root;
    };
  } else {
    const check = () => {
      const input = document.querySelector('#poll .poll fieldset input');
      if (input) found(input);
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true });
  }
}

/**
 * One load in a fresh context: { at: {dom, frame, box, done}, marks, bytes:
 * Map(url -> encoded bytes), requests, trace }; with `trace`, the load runs
 * under a Chromium performance trace (its JSON text).
 */
async function load(browser, url, { widget, throttle }, trace = false) {
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
    if (trace) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    await page.goto(url, { waitUntil: 'commit' });
    // One promise awaited in the page, not Playwright's waitForFunction:
    // that injects its own script, which takes 10-25 ms of the page's main
    // thread at some point of the load, into the very time measured.
    const at = await page.evaluate(() => window.__pollSeen);
    // The element's User Timing marks, the first of each name (with many
    // polls, the first poll's): where the time went.
    const marks = await page.evaluate(() => {
      const first = {};
      for (const m of performance.getEntriesByType('mark')) {
        if (m.name.startsWith('readerpoll:')) first[m.name.slice('readerpoll:'.length)] ??= m.startTime;
      }
      return first;
    });
    const traced = trace ? String(await browser.stopTracing()) : null;
    await page.waitForLoadState('load');
    return { at, marks, bytes, requests: urls.size, trace: traced };
  } finally {
    await context.close();
  }
}

const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'blink.user_timing',
  'blink',
  'toplevel',
  'loading',
];

// Trace event names -> what they are, for the main thread's self time.
const KINDS = [
  [/wasm/i, 'wasm compile'],
  [/^(FunctionCall|EvaluateScript|v8|V8|TimerFire|FireAnimationFrame|EventDispatch|RunMicrotasks|HandlePostMessage|ResizeObserver|IntersectionObserver|FireIdleCallback|MajorGC|MinorGC|BlinkGC|ScavengerTask|MessagePort)/, 'script'],
  [/^(UpdateLayoutTree|RecalculateStyles|Document::(recalcStyle|rebuildLayoutTree|updateStyle|UpdateStyle)|StyleEngine|CSSParser|ParseAuthorStyleSheet)/, 'style'],
  [/^(Layout|LocalFrameView::performLayout|InlineNode|LayoutObject|LayoutBlock|NGInline)/, 'layout'],
  [/^(Paint|PrePaint|Blink\.(Paint|PrePaint|CompositingInputs|UpdateLayers)|Layerize|Commit|CompositeLayers|UpdateLayer|PaintArtifactCompositor|WebFrameWidgetImpl::UpdateLifecycle|LocalFrameView::RunPostLifecycleSteps)/, 'paint'],
  [/^(ParseHTML|HTMLDocumentParser|Document::FinishedParsing|Resource|ResourceRequestSender)/, 'parse & net'],
];
const kindOf = (name) => KINDS.find(([re]) => re.test(name))?.[1] ?? 'other';

/**
 * The renderer main thread's self CPU time by event name (and kind), in the
 * windows [navigation start, dom], [dom, done] of one traced load, plus the
 * wall time from dom to done and the longest task in it.
 */
function mainThread(traceText) {
  const events = JSON.parse(traceText).traceEvents ?? JSON.parse(traceText);
  const mark = (name) => events.find((e) => e.name === name && e.cat?.includes('blink.user_timing'));
  const dom = mark('probe:dom');
  const done = mark('probe:done');
  if (!dom || !done) return null;
  const main = events.find(
    (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === dom.pid
  );
  const tid = main?.tid ?? dom.tid;
  const nav = events.find((e) => e.name === 'navigationStart' && e.pid === dom.pid) ?? null;
  const on = events
    .filter((e) => e.pid === dom.pid && e.tid === tid && e.ph === 'X' && typeof e.dur === 'number')
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Self time: an event's duration less its children's, clipped to the window.
  const windows = { before: [nav?.ts ?? -Infinity, dom.ts], after: [dom.ts, done.ts] };
  const out = {};
  for (const [w, [from, to]] of Object.entries(windows)) {
    const byName = new Map();
    const stack = [];
    const clip = (a, b) => Math.max(0, Math.min(b, to) - Math.max(a, from));
    const self = new Map();
    // The thread's CPU time (`tdur`), not wall time: on a loaded machine a
    // descheduled thread's events last longer, its CPU time does not. An
    // event partly in the window counts for its part.
    const cpu = (e) => (e.dur > 0 ? ((e.tdur ?? e.dur) * clip(e.ts, e.ts + e.dur)) / e.dur : 0);
    for (const e of on) {
      while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
      const parent = stack[stack.length - 1];
      self.set(e, cpu(e));
      if (parent) self.set(parent, self.get(parent) - cpu(e));
      stack.push(e);
    }
    for (const [e, us] of self) {
      if (us <= 0) continue;
      byName.set(e.name, (byName.get(e.name) ?? 0) + us / 1000);
    }
    out[w] = byName;
  }
  let longest = 0;
  for (const e of on) {
    if ((e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.ts < done.ts && e.ts + e.dur > dom.ts) {
      longest = Math.max(longest, e.dur / 1000);
    }
  }
  return { ...out, span: (done.ts - dom.ts) / 1000, longest };
}

/** Sums a Map(name -> ms) by kind. */
function byKind(names) {
  const kinds = {};
  for (const [name, v] of names) kinds[kindOf(name)] = (kinds[kindOf(name)] ?? 0) + v;
  return kinds;
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

// The first seed poll as an article embeds it, with its published numbers.
const DEFINITION = (() => {
  const seed = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/seed-polls.json'), 'utf8')).polls;
  const { id, question, mode, options, counts, voters } = seed.find((p) => p.id === POLL);
  return JSON.stringify({ id, question, mode, options, counts, voters });
})();

const PARAGRAPH =
  '<p>Contracted hours and worked hours have drifted apart. Several team managers told us they now ' +
  'plan rotas assuming that staff will stay late, which makes the extra time invisible in any official count.</p>';

/**
 * An article: a heading, two paragraphs, then `polls` polls with their
 * definition inline (the README's embed), a paragraph after each; the
 * widget's or the plain poll's.
 */
function article({ widget, polls }) {
  const head = widget
    ? '<script type="module" src="/readerpoll/reader-poll.js"></script>'
    : '<script type="module" src="/poll.js"></script>';
  const embed = (i) =>
    widget
      ? `<reader-poll poll="${POLL}" endpoint="/api"><script type="application/json">${DEFINITION}</script></reader-poll>`
      : `<div${i === 0 ? ' id="poll"' : ''} data-poll="${POLL}"><script type="application/json">${DEFINITION}</script></div>`;
  const body = Array.from({ length: polls }, (_, i) => `${embed(i)}\n${PARAGRAPH}`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Caseloads are rising faster than teams can absorb them (benchmark)</title>
  ${head}
</head>
<body>
  <h1>Caseloads are rising faster than social work teams can absorb them</h1>
  ${PARAGRAPH}
  ${PARAGRAPH}
  ${body}
</body>
</html>
`;
}

const median = (values) => stats(values.filter((v) => Number.isFinite(v))).median;

async function main() {
  if (process.env.BENCH_NO_BUILD !== '1') {
    run('cargo', ['build', '--release', '-q', '-p', 'readerpoll-server']);
    run('bash', ['scripts/build-wasm.sh']);
  }
  const demo = await startServer([], { www: join(ROOT, 'www') });
  const plain = await startServer([], { www: join(ROOT, 'bench/vanilla') });
  // The bare widget page and the article pages, served beside the built
  // widget and the plain poll.
  const pagesWww = mkdtempSync(join(tmpdir(), 'readerpoll-bench-'));
  copyFileSync(join(ROOT, 'bench/bare/index.html'), join(pagesWww, 'index.html'));
  copyFileSync(join(ROOT, 'bench/vanilla/poll.js'), join(pagesWww, 'poll.js'));
  symlinkSync(join(ROOT, 'www/readerpoll'), join(pagesWww, 'readerpoll'));
  for (const polls of [1, 50]) {
    writeFileSync(join(pagesWww, `widget-${polls}.html`), article({ widget: true, polls }));
    writeFileSync(join(pagesWww, `plain-${polls}.html`), article({ widget: false, polls }));
  }
  const pages = await startServer([], { www: pagesWww });
  let before = null;
  let beforeWww = null;
  if (process.env.BENCH_BEFORE) {
    beforeWww = mkdtempSync(join(tmpdir(), 'readerpoll-bench-'));
    symlinkSync(process.env.BENCH_BEFORE, join(beforeWww, 'readerpoll'));
    for (const polls of [1, 50]) writeFileSync(join(beforeWww, `widget-${polls}.html`), article({ widget: true, polls }));
    before = await startServer([], { www: beforeWww });
  }
  const browser = await launch();
  const T = `CPU ${THROTTLE}x`;
  const all = [
    { name: 'widget, bare page', url: `${pages.url}/`, widget: true, throttle: 0 },
    { name: 'plain JS, bare page', url: `${plain.url}/`, widget: false, throttle: 0 },
    { name: 'widget, demo article', url: `${demo.url}/`, widget: true, throttle: 0 },
    { name: 'widget, article', url: `${pages.url}/widget-1.html`, widget: true, throttle: 0, article: 1 },
    { name: 'plain JS, article', url: `${pages.url}/plain-1.html`, widget: false, throttle: 0, article: 1 },
    { name: 'widget, article, 50 polls', url: `${pages.url}/widget-50.html`, widget: true, throttle: 0, article: 50 },
    { name: 'plain JS, article, 50 polls', url: `${pages.url}/plain-50.html`, widget: false, throttle: 0, article: 50 },
    { name: `widget, bare, ${T}`, url: `${pages.url}/`, widget: true, throttle: THROTTLE },
    { name: `plain JS, bare, ${T}`, url: `${plain.url}/`, widget: false, throttle: THROTTLE },
    { name: `widget, demo article, ${T}`, url: `${demo.url}/`, widget: true, throttle: THROTTLE },
    { name: `widget, article, ${T}`, url: `${pages.url}/widget-1.html`, widget: true, throttle: THROTTLE, article: 1 },
    { name: `plain JS, article, ${T}`, url: `${pages.url}/plain-1.html`, widget: false, throttle: THROTTLE, article: 1 },
    { name: `widget, 50 polls, ${T}`, url: `${pages.url}/widget-50.html`, widget: true, throttle: THROTTLE, article: 50 },
    { name: `plain JS, 50 polls, ${T}`, url: `${pages.url}/plain-50.html`, widget: false, throttle: THROTTLE, article: 50 },
  ];
  if (before) {
    for (const v of [...all]) {
      if (v.widget && v.article) all.push({ ...v, name: `${v.name} (before)`, url: v.url.replace(pages.url, before.url) });
    }
  }
  const variants = all.filter((v) => ONLY.test(v.name));
  const results = variants.map(() => []);
  const traces = variants.map(() => []);
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
    // Traced loads of the article pages (tracing slows a load: their
    // times are not in the table above).
    for (let i = 0; i < TRACES; i++) {
      for (const [k, v] of variants.entries()) {
        if (!v.article) continue;
        const r = await load(browser, v.url, v, true);
        const m = mainThread(r.trace);
        if (m) traces[k].push(m);
        if (process.env.BENCH_DUMP) {
          writeFileSync(join(process.env.BENCH_DUMP, `${v.name.replace(/\W+/g, '-')}-${i}.json`), r.trace);
        }
      }
      if (process.stderr.isTTY) process.stderr.write(`\rfirst-paint: traced round ${i + 1}/${TRACES}`);
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
  } finally {
    await browser.close();
    await demo.stop();
    await plain.stop();
    await pages.stop();
    await before?.stop();
    rmSync(pagesWww, { recursive: true, force: true });
    if (beforeWww) rmSync(beforeWww, { recursive: true, force: true });
  }

  const index = (name) => variants.findIndex((v) => v.name === name);
  console.log(`Chromium ${version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`ms from navigation start until the first poll's inputs are in the DOM (dom), the next animation frame`);
  console.log(`starts (frame), its first option has a layout box (box) and that frame's task is over (done)`);
  console.log(`(${LOADS} loads each, fresh browser context per load, cache disabled, loopback; medians, box also p95/min/max)\n`);
  console.log(
    `${'variant'.padEnd(30)} ${pad('dom', 7)} ${pad('frame', 7)} ${pad('box', 7)} ${pad('done', 7)} ${pad('box-dom', 8)}` +
      ` ${pad('box p95', 8)} ${pad('min', 7)} ${pad('max', 7)} ${pad('requests', 9)} ${pad('page bytes', 11)}`
  );
  const med = {};
  for (const [k, v] of variants.entries()) {
    const of = (f) => median(results[k].map(f));
    const m = (med[v.name] = {
      dom: of((r) => r.at.dom),
      frame: of((r) => r.at.frame),
      box: of((r) => r.at.box),
      done: of((r) => r.at.done),
      gap: of((r) => r.at.box - r.at.dom),
    });
    const s = stats(results[k].map((r) => r.at.box));
    const last = results[k][results[k].length - 1];
    const page = [...last.bytes.values()].reduce((a, b) => a + b, 0);
    console.log(
      `${v.name.padEnd(30)} ${pad(ms(m.dom), 7)} ${pad(ms(m.frame), 7)} ${pad(ms(m.box), 7)} ${pad(ms(m.done), 7)} ${pad(ms(m.gap), 8)}` +
        ` ${pad(ms(s.p95), 8)} ${pad(ms(s.min), 7)} ${pad(ms(s.max), 7)} ${pad(last.requests, 9)} ${pad(page, 11)}`
    );
  }
  // Ratios of medians within this run. The old figure (inputs in the DOM,
  // bare page) is kept beside what a reader sees (a layout box).
  console.log('');
  const pairs = [
    ['bare page (the old figure: dom)', 'widget, bare page', 'plain JS, bare page'],
    ['article, 1 poll', 'widget, article', 'plain JS, article'],
    ['article, 50 polls', 'widget, article, 50 polls', 'plain JS, article, 50 polls'],
    [`bare page, ${T}`, `widget, bare, ${T}`, `plain JS, bare, ${T}`],
    [`article, 1 poll, ${T}`, `widget, article, ${T}`, `plain JS, article, ${T}`],
    [`article, 50 polls, ${T}`, `widget, 50 polls, ${T}`, `plain JS, 50 polls, ${T}`],
  ];
  if (before) {
    for (const [label, w, p] of [...pairs]) pairs.push([`${label} (before)`, `${w} (before)`, p]);
    for (const v of variants.filter((v) => v.name.endsWith('(before)'))) {
      pairs.push([`${v.name.slice(0, -9)}: after / before`, v.name.slice(0, -9), v.name]);
    }
  }
  for (const [label, w, p] of pairs) {
    if (!med[w] || !med[p]) continue;
    const r = (f) => (med[w][f] / med[p][f]).toFixed(2);
    console.log(`${label.includes('after /') ? '' : 'widget / plain JS, '}${label.padEnd(32)} dom ${r('dom')}x, box ${r('box')}x, done ${r('done')}x`);
  }
  console.log('(budget: the widget within 1.5x of the plain poll)');

  // Where the widget's time goes: the element asks for the runtime, the wasm
  // is compiled and instantiated, the first poll is mounted, its inputs are
  // seen in the DOM, and they have a layout box. Each interval is the median
  // of the intervals within one load (less noisy than differences of
  // medians); "runtime requested" is ms since navigation start.
  console.log('');
  for (const [k, v] of variants.entries()) {
    if (!v.widget) continue;
    const mark = (r, name) => (name in r.at ? r.at[name] : (r.marks[name] ?? NaN));
    const span = (a, b) => ms(median(results[k].map((r) => mark(r, b) - mark(r, a))));
    console.log(
      `phases, ${v.name}: runtime requested ${ms(median(results[k].map((r) => mark(r, 'load'))))}, ` +
        `+${span('load', 'runtime')} runtime ready, +${span('runtime', 'mount')} mount starts, ` +
        `+${span('mount', 'mounted')} first poll mounted, +${span('mounted', 'dom')} inputs seen, +${span('dom', 'box')} layout box`
    );
  }

  // The traces: the renderer's main thread, self time by kind (medians
  // over the traced loads), before the inputs exist and between then and
  // the end of the next frame; then the biggest single items of the latter.
  if (traces.some((t) => t.length)) {
    const kinds = ['script', 'wasm compile', 'style', 'layout', 'paint', 'parse & net', 'other'];
    console.log(`\nmain thread, self CPU time in ms (thread time; medians of ${TRACES} traced loads);`);
    console.log('span and longest task: wall ms (traced loads run slower):');
    console.log(`${'variant'.padEnd(30)} ${'window'.padEnd(10)} ${kinds.map((k) => pad(k, 8)).join(' ')} ${pad('all', 7)} ${pad('span', 7)} ${pad('longest', 8)}`);
    for (const [k, v] of variants.entries()) {
      if (!traces[k].length) continue;
      for (const w of ['before', 'after']) {
        const cells = kinds.map((kind) => pad(ms(median(traces[k].map((t) => byKind(t[w])[kind] ?? 0))), 8));
        cells.push(pad(ms(median(traces[k].map((t) => [...t[w].values()].reduce((a, b) => a + b, 0)))), 7));
        const tail =
          w === 'after'
            ? ` ${pad(ms(median(traces[k].map((t) => t.span))), 7)} ${pad(ms(median(traces[k].map((t) => t.longest))), 8)}`
            : '';
        console.log(`${(w === 'before' ? v.name : '').padEnd(30)} ${(w === 'before' ? 'to dom' : 'dom-done').padEnd(10)} ${cells.join(' ')}${tail}`);
      }
    }
    console.log('\nbiggest items between dom and done (median CPU ms over traced loads):');
    for (const [k, v] of variants.entries()) {
      if (!traces[k].length) continue;
      const names = new Set(traces[k].flatMap((t) => [...t.after.keys()]));
      const top = [...names]
        .map((n) => [n, median(traces[k].map((t) => t.after.get(n) ?? 0))])
        .filter(([, v]) => v >= 0.3)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8);
      console.log(`${v.name}: ${top.map(([n, v]) => `${n} ${ms(v)}`).join(', ')}`);
    }
  }

  if (index('widget, demo article') < 0) return;
  // Bytes on the wire per asset (CDP encodedDataLength: body plus response
  // headers; the server sends them uncompressed) and what gzip -9 would make
  // of each file.
  const widget = results[index('widget, demo article')];
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
