// The demo article against the real reference server, as a reader sees it:
// the published numbers, a vote in each seed poll, the vote remembered after
// a reload, keyboard-only voting, no console errors, and screenshots whose
// layout is checked.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, pollOf, useBrowser, RESULTS, ROOT } from './harness.mjs';
import { mounted, servePage } from './pages.mjs';
import { announced, ballot, button, confirmed, line, myChoice, radio, resultsByLabel, resultRows, vote } from './reader.mjs';

const seed = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/seed-polls.json'), 'utf8')).polls;

const env = useBrowser();

/** The server's numbers for poll `id`, read past the widget. */
const serverTally = async (id) => (await (await fetch(`${env.server.url}/api/polls/${id}`)).json()).tally;

test('the published results render exactly as published', async () => {
  const page = await env.page();
  await page.goto(env.server.url);
  for (const p of seed) {
    const el = pollOf(page, p.id);
    await el.scrollIntoViewIfNeeded();
    await button(el, 'View results').click();
    const shown = await resultsByLabel(el);
    const percent = (label) => Number(shown[label].match(/^(\d+)%/)[1]);
    const byId = Object.fromEntries(p.options.map((o) => [o.id, o.label]));
    for (const [key, want] of Object.entries(p.published_percent)) {
      const got = key.split('+').reduce((sum, id) => sum + percent(byId[id]), 0);
      assert.equal(got, want, `${p.id} ${key}`);
    }
    await line(el, `Total voters: ${p.voters}`).waitFor();
  }
  assert.deepEqual(await resultRows(pollOf(page, 'overtime-hours')), [
    '1-5 — 16% (93 votes)',
    '6-10 — 32% (184 votes)',
    '11-15 — 23% (134 votes)',
    '16+ — 29% (170 votes)',
  ]);
});

// A vote in each seed poll (the option after the poll's index) and what the
// results then read: the published counts plus that vote, by hand.
const VOTES = [
  {
    id: 'overtime-hours',
    choice: '6-10',
    voters: 582,
    rows: ['1-5 — 16% (93 votes)', '6-10 — 32% (185 votes) Your choice', '11-15 — 23% (134 votes)', '16+ — 29% (170 votes)'],
  },
  {
    id: 'nwag-confidence',
    choice: 'Not so much',
    voters: 818,
    rows: [
      'Very confident — 1% (7 votes)',
      'Fairly confident — 2% (17 votes)',
      'Not so much — 21% (173 votes) Your choice',
      'Not at all — 76% (621 votes)',
    ],
  },
  {
    id: 'employer-caseloads',
    choice: 'Not sure',
    voters: 565,
    rows: [
      'Yes, they have acknowledged and addressed them — 10% (56 votes)',
      'They have acknowledged them but not addressed them — 47% (265 votes)',
      'No, they have neither acknowledged nor addressed them — 37% (209 votes)',
      'Not sure — 6% (35 votes) Your choice',
    ],
  },
];

test('a reader votes in each seed poll, sees the bars, and is remembered after a reload', async () => {
  const page = await env.page({ viewport: { width: 900, height: 1000 } });
  await page.goto(env.server.url);
  for (const v of VOTES) {
    const el = pollOf(page, v.id);
    await el.scrollIntoViewIfNeeded();
    await radio(el, v.choice).click();
    await button(el, 'Vote').click();
    await confirmed(el, v.voters);
    await announced(el, 'Vote counted.').waitFor({ state: 'attached' });
    assert.deepEqual(await resultRows(el), v.rows, v.id);
    const width = await el.locator('[part~="bar"]').nth(v.rows.findIndex((r) => r.endsWith('Your choice'))).evaluate((b) => b.style.width);
    assert.match(width, /^\d+\.\d%$/);
  }
  await page.screenshot({ path: join(RESULTS, 'demo-voted.png'), fullPage: true });
  await page.reload();
  for (const v of VOTES) {
    const el = pollOf(page, v.id);
    await el.scrollIntoViewIfNeeded();
    await line(el, `Total voters: ${v.voters}`).waitFor();
    assert.deepEqual(await resultRows(el), v.rows, `${v.id} after the reload`);
    assert.equal(await ballot(el).isVisible(), false);
  }
});

test('keyboard only: tab to a poll, arrow to an option, vote with Enter', async () => {
  const page = await env.page();
  await page.goto(env.server.url);
  for (const p of seed) {
    const el = pollOf(page, p.id);
    const before = await serverTally(p.id);
    await el.scrollIntoViewIfNeeded();
    await radio(el, p.options[0].label).waitFor();
    // Focus lands on the first option by tabbing from just before the poll.
    await el.evaluate((node) => {
      const before = document.createElement('button');
      before.textContent = 'before';
      node.before(before);
      before.focus();
    });
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    for (const [k, o] of p.options.entries()) {
      assert.equal(await radio(el, o.label).isChecked(), k === 2, `${p.id}: arrows move the choice to ${p.options[2].label}`);
    }
    await page.keyboard.press('Tab');
    assert.equal(await button(el, 'Vote').evaluate((b) => b.matches(':focus')), true);
    await page.keyboard.press('Enter');
    await confirmed(el, before.voters + 1);
    assert.equal(await myChoice(el), p.options[2].label);
    // Focus moved to the results' title (the question), not lost.
    const focused = await el.evaluate((host) => host.shadowRoot.activeElement?.textContent);
    assert.equal(focused, p.question);
    await announced(el, 'Vote counted.').waitFor({ state: 'attached' });
  }
  await page.screenshot({ path: join(RESULTS, 'demo-keyboard.png'), fullPage: true });
});

/**
 * What a PNG shows, decoded by the browser: its size, and how many
 * distinct colours a 1-in-16 sample of its pixels has.
 */
async function pngSummary(page, file) {
  const data = readFileSync(file).toString('base64');
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set();
    for (let i = 0; i < pixels.length; i += 64) colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    return { width: img.naturalWidth, height: img.naturalHeight, colours: colours.size };
  }, data);
}

test('the page before voting: every poll laid out in the article column, none overlapping, and a screenshot that shows them', async () => {
  const page = await env.page({ viewport: { width: 900, height: 1000 } });
  await page.goto(env.server.url);
  for (const p of seed) {
    await pollOf(page, p.id).scrollIntoViewIfNeeded();
    await radio(pollOf(page, p.id), p.options[0].label).waitFor();
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  const column = await page.locator('article').boundingBox();
  const boxes = [];
  for (const p of seed) {
    const el = pollOf(page, p.id);
    const box = await el.boundingBox();
    // Inside the article's column, and of a real size.
    assert.ok(box.x >= column.x - 0.5 && box.x + box.width <= column.x + column.width + 0.5, `${p.id}: ${JSON.stringify({ box, column })}`);
    assert.ok(box.width >= 300 && box.height >= 150, `${p.id}: ${JSON.stringify(box)}`);
    // Question, options and the Vote button inside the poll's box, in that order.
    const question = await ballot(el, p.question).locator('legend').boundingBox();
    const first = await radio(el, p.options[0].label).boundingBox();
    const last = await radio(el, p.options.at(-1).label).boundingBox();
    const vote = await button(el, 'Vote').boundingBox();
    for (const [name, part] of Object.entries({ question, first, last, vote })) {
      assert.ok(
        part.x >= box.x && part.x + part.width <= box.x + box.width + 0.5 && part.y >= box.y && part.y + part.height <= box.y + box.height + 0.5,
        `${p.id}: ${name} outside the poll: ${JSON.stringify({ part, box })}`
      );
    }
    assert.ok(question.y + question.height <= first.y, `${p.id}: question above the options`);
    assert.ok(first.y < last.y, `${p.id}: options one under another`);
    assert.ok(last.y + last.height <= vote.y, `${p.id}: Vote under the options`);
    boxes.push([p.id, box]);
  }
  // Every poll on the page (the themed ones too) and the text around them
  // do not overlap.
  const others = await page
    .locator('reader-poll:not([poll="overtime-hours"], [poll="nwag-confidence"], [poll="employer-caseloads"]), main p, main h1, main h2')
    .evaluateAll((nodes) =>
      nodes
        // The page's own text, not what is inside a poll (its shadow root or its fallback).
        .filter((n) => n.localName === 'reader-poll' || (n.getRootNode() === document && !n.closest('reader-poll')))
        .map((n) => [n.localName === 'reader-poll' ? `${n.className} ${n.getAttribute('poll')}` : `${n.localName}: ${n.textContent.slice(0, 30)}`, n.getBoundingClientRect().toJSON()])
    );
  assert.equal(others.filter(([name]) => name.endsWith(' house-style')).length, 3, 'the themed polls are checked too');
  const all = [...boxes, ...others];
  for (const [i, [a, ra]] of all.entries()) {
    for (const [b, rb] of all.slice(i + 1)) {
      const overlap = ra.x < rb.x + rb.width && rb.x < ra.x + ra.width && ra.y < rb.y + rb.height && rb.y < ra.y + ra.height;
      assert.ok(!overlap, `${a} overlaps ${b}: ${JSON.stringify({ ra, rb })}`);
    }
  }
  const file = join(RESULTS, 'demo-ballot.png');
  await page.screenshot({ path: file, fullPage: true });
  assert.ok(statSync(file).size > 20_000, `${file}: ${statSync(file).size} bytes`);
  const size = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
  const png = await pngSummary(page, file);
  assert.deepEqual({ width: png.width, height: png.height }, size, 'the whole page');
  assert.ok(png.colours >= 16, `a screenshot of text and controls, not a blank page: ${png.colours} colours`);
});

test('with the live attribute, votes cast elsewhere appear without a reload', async () => {
  const page = await env.page();
  await page.goto(env.server.url);
  const el = pollOf(page, 'overtime-hours');
  await el.scrollIntoViewIfNeeded();
  await button(el, 'View results').click();
  const api = `${env.server.url}/api/polls/overtime-hours`;
  const before = await serverTally('overtime-hours');
  await line(el, `Total voters: ${before.voters}`).waitFor();
  for (const key of ['live-1', 'live-2']) {
    const r = await fetch(`${api}/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ choices: ['1-5'], key, voter: '' }),
    });
    assert.equal(r.status, 201);
  }
  await line(el, `Total voters: ${before.voters + 2}`).waitFor();
  const rows = await resultsByLabel(el);
  assert.match(rows['1-5'], new RegExp(`\\(${before.counts['1-5'] + 2} votes\\)$`));
});

/**
 * Resolves once an IntersectionObserver made now has had its first report:
 * the widget's observers, made earlier, have had theirs by then.
 */
const observersReported = (locator) =>
  locator.evaluate(
    (node) =>
      new Promise((resolve) => {
        const io = new IntersectionObserver(() => {
          io.disconnect();
          resolve();
        });
        io.observe(node);
      })
  );

test('polls far down the article load only as the reader nears them', async () => {
  const page = await env.page({ viewport: { width: 900, height: 700 } });
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.goto(env.server.url);
  await radio(pollOf(page, 'overtime-hours'), '1-5').waitFor();
  const far = pollOf(page, 'employer-caseloads');
  await observersReported(far);
  assert.equal(await far.evaluate((el) => el.shadowRoot), null, 'not mounted yet');
  assert.ok(!asked.includes('/api/polls/employer-caseloads'));
  // Near the reader, it loads, and asks the server for its numbers.
  const numbers = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/polls/employer-caseloads');
  await far.scrollIntoViewIfNeeded();
  await radio(far, 'Not sure').waitFor();
  await numbers;
  // One runtime for every poll on the page.
  assert.equal(asked.filter((p) => p.endsWith('.wasm')).length, 1);
});

test('the widget arrives brotli-compressed, and as it was built', async () => {
  const page = await env.page();
  const seen = new Map();
  page.on('response', (r) => {
    if (r.url().includes('/readerpoll/')) seen.set(new URL(r.url()).pathname, r);
  });
  await page.goto(env.server.url);
  await radio(pollOf(page, 'overtime-hours'), '1-5').waitFor();
  const files = ['reader-poll.js', 'reader-poll.css', 'pkg/readerpoll_bg.wasm'];
  for (const file of files) {
    const response = seen.get(`/readerpoll/${file}`);
    assert.ok(response, `${file} was not requested`);
    const headers = await response.allHeaders();
    assert.equal(headers['content-encoding'], 'br', file);
    assert.equal(headers.vary, 'accept-encoding', file);
    // What the browser decoded is the built file, byte for byte.
    const built = readFileSync(join(ROOT, 'www/readerpoll', file));
    assert.ok(built.equals(await response.body()), `${file} differs from the build`);
  }
  // A client that takes no compression gets the plain file.
  const plain = await fetch(`${env.server.url}/readerpoll/pkg/readerpoll_bg.wasm`, {
    headers: { 'accept-encoding': 'identity' },
  });
  assert.equal(plain.headers.get('content-encoding'), null);
  assert.equal(plain.headers.get('content-type'), 'application/wasm');
  assert.ok(Buffer.from(await plain.arrayBuffer()).equals(readFileSync(join(ROOT, 'www/readerpoll/pkg/readerpoll_bg.wasm'))));
});

test('a poll a script adds, then gives its definition, shows that definition', async () => {
  const page = await env.page();
  await page.goto(env.server.url);
  await radio(pollOf(page, 'overtime-hours'), '1-5').waitFor();
  // As single-page apps and editors do: the element first, its child after.
  // At the top of the page, so the element starts loading as it connects.
  await page.evaluate(() => {
    const definition = (id) =>
      JSON.stringify({ id, question: `Added as ${id}?`, options: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] });
    const a = document.createElement('reader-poll');
    a.setAttribute('poll', 'added-child');
    document.body.prepend(a);
    const script = document.createElement('script');
    script.type = 'application/json';
    script.textContent = definition('added-child');
    a.append(script);
    const b = document.createElement('reader-poll');
    b.setAttribute('poll', 'added-html');
    document.body.prepend(b);
    b.innerHTML = `<script type="application/json">${definition('added-html')}</script>`;
  });
  for (const id of ['added-child', 'added-html']) {
    await ballot(pollOf(page, id), `Added as ${id}?`).waitFor();
    assert.equal(await radio(pollOf(page, id), 'Yes').isVisible(), true);
  }
});

/**
 * Opens a page of the demo site whose one poll has no inline definition
 * (the element asks the endpoint), counting the requests for that poll's
 * resource: `reads` their methods, `settled()` once every one has ended.
 */
async function openEndpointOnly(page, id) {
  const reads = [];
  let ended = 0;
  const ours = (r) => new URL(r.url()).pathname === `/api/polls/${id}`;
  page.on('request', (r) => ours(r) && reads.push(r.method()));
  page.on('requestfinished', (r) => ours(r) && ended++);
  page.on('requestfailed', (r) => ours(r) && ended++);
  const url = await servePage(page, env.server.url, '/endpoint-only.html', `<!doctype html><html lang="en"><title>Endpoint only</title><script type="module" src="/readerpoll/reader-poll.js"></script><reader-poll poll="${id}" endpoint="/api"></reader-poll></html>`);
  await page.goto(url);
  await mounted(pollOf(page, id));
  return { reads, settled: () => eventually(() => reads.length === ended) };
}

test('a reader who voted in a poll defined by its endpoint sees the same numbers after a reload', async () => {
  const page = await env.page();
  const { settled } = await openEndpointOnly(page, 'nwag-confidence');
  const el = pollOf(page, 'nwag-confidence');
  const before = await serverTally('nwag-confidence');
  await vote(el, 'Very confident');
  await confirmed(el, before.voters + 1);
  await page.reload();
  await mounted(el);
  // Any refresh of the numbers is asked for as the poll mounts: once it is
  // answered, the numbers on show are final.
  await settled();
  // The server's numbers already hold this reader's vote: not counted again.
  await line(el, `Total voters: ${before.voters + 1}`).waitFor();
  assert.equal(await myChoice(el), 'Very confident');
  assert.match((await resultsByLabel(el))['Very confident'], new RegExp(`^\\d+% \\(${before.counts.very + 1} votes\\) Your choice$`));
});

test('a poll defined by its endpoint is read from it once', async () => {
  const page = await env.page();
  const { reads, settled } = await openEndpointOnly(page, 'overtime-hours');
  const el = pollOf(page, 'overtime-hours');
  const tally = await serverTally('overtime-hours');
  await button(el, 'View results').click();
  await line(el, `Total voters: ${tally.voters}`).waitFor();
  await settled();
  assert.deepEqual(reads, ['GET']);
});
