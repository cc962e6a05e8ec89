// A survey's step to the next question, and its step to the results, in
// Debian's Chromium with the CPU throttled 4x: the time from the click on
// "Next" (or "Send answers") until the new question (or the results) is in
// the DOM and laid out, measured in the page. The budget is one frame
// (16 ms) at the median.
//
// The survey is the demo's (tests/fixtures/workload-survey.json), inline
// and with no endpoint, so no network is in the measured path: counting a
// response is then this browser's own.
//
//   node bench/survey-step.mjs        (part of npm run bench)
//
// Environment: BENCH_STEPS (default 40), BENCH_NO_BUILD=1 to skip the build.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, startServer } from '../tests/e2e/harness.mjs';
import { articlePage, pollElement, servePage } from '../tests/e2e/pages.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const STEPS = Number(process.env.BENCH_STEPS ?? 40);
const THROTTLE = 4;
const BUDGET_MS = 16;
const SURVEY = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/workload-survey.json'), 'utf8'));

if (process.env.BENCH_NO_BUILD !== '1') {
  const r = spawnSync('bash', ['scripts/build-wasm.sh'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// In the page: clicks the survey's forward button and returns the ms until
// `selector` matches inside the survey and the layout is done.
function timeClick({ selector }) {
  const root = document.querySelector('reader-poll').shadowRoot;
  const button = root.querySelector('button.forward');
  const start = performance.now();
  button.click();
  const shown = root.querySelector(selector);
  if (!shown) throw new Error(`${selector} not shown`);
  shown.getBoundingClientRect(); // style and layout, as the frame needs
  return performance.now() - start;
}

// The results come in two frames: the first question's with the click,
// the others once that frame is painted (the results are `aria-busy`
// until then). Returns [ms to the first, ms of the task that adds the
// others, ms from the click until all are laid out].
async function timeResults() {
  const root = document.querySelector('reader-poll').shadowRoot;
  const start = performance.now();
  root.querySelector('button.forward').click();
  root.querySelector('.question-results').getBoundingClientRect();
  const first = performance.now() - start;
  const results = root.querySelector('.results');
  let task = 0;
  await new Promise((done) => {
    const check = () => {
      if (results.getAttribute('aria-busy') !== 'true') {
        const t = performance.now();
        results.getBoundingClientRect();
        task += performance.now() - t;
        observer.disconnect();
        done();
      }
    };
    // Timed from the first node the later task adds to its layout.
    const observer = new MutationObserver((records) => {
      if (!task && records.some((r) => r.type === 'childList')) task = -performance.now();
      if (task < 0 && records.some((r) => r.type === 'attributes')) task += performance.now();
      check();
    });
    observer.observe(results, { attributes: true, childList: true });
    check();
  });
  return [first, task, performance.now() - start];
}

const [browser, server] = await Promise.all([launch(), startServer()]);
try {
  const html = articlePage({ title: 'Survey step', content: pollElement(SURVEY) });
  const next = [];
  const results = [];
  const laterTask = [];
  const allShown = [];
  // A fresh context per response: the survey is answered once per reader.
  for (let run = 0; next.length < STEPS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
    await page.goto(await servePage(page, server.url, '/bench/survey.html', html));
    const s = page.locator('reader-poll');
    await s.locator('.poll[data-state="answering"]').waitFor();
    // Each Next measured, question 1 to 4; the answers picked as a reader would.
    await s.getByRole('radio', { name: '6-10' }).check();
    next.push(await page.evaluate(timeClick, { selector: '#rs-q1 input' }));
    await s.getByRole('radio', { name: '4' }).check();
    next.push(await page.evaluate(timeClick, { selector: '#rs-q2 input' }));
    await s.getByRole('radio', { name: '9' }).check();
    next.push(await page.evaluate(timeClick, { selector: '#rs-q3 input' }));
    for (const row of SURVEY.questions[3].rows) {
      await s.getByRole('radio', { name: `${row.label}: Agree` }).check();
    }
    const [first, later, all] = await page.evaluate(timeResults);
    results.push(first);
    laterTask.push(later);
    allShown.push(all);
    await context.close();
  }
  const fmt = (xs) => `median ${median(xs).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms (n=${xs.length})`;
  console.log(`survey step, CPU ${THROTTLE}x slower, load ${loadavg()[0].toFixed(2)}:`);
  console.log(`  next question:  ${fmt(next)}`);
  console.log(`  to the results: ${fmt(results)}`);
  console.log(`    the task that adds the other questions' results a frame later: ${fmt(laterTask)}`);
  console.log(`    click until all results are laid out (frames between included): ${fmt(allShown)}`);
  const ok = median(next) < BUDGET_MS && median(results) < BUDGET_MS;
  console.log(`budget ${BUDGET_MS} ms at the median: ${ok ? 'met' : 'MISSED'}`);
} finally {
  await browser.close();
  await server.stop();
}
