// The demo article against the real reference server, as a reader sees it:
// the published numbers, a vote in each seed poll, the vote remembered after
// a reload, keyboard-only voting, no console errors, and screenshots.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollOf, sharedBrowserAndServer, watchErrors, percentages, RESULTS, ROOT } from './harness.mjs';

const seed = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/seed-polls.json'), 'utf8')).polls;

const env = sharedBrowserAndServer();

const poll = pollOf;

async function rows(page, id) {
  const items = poll(page, id).locator('li.row');
  await items.first().waitFor();
  const out = {};
  for (const row of await items.all()) {
    out[(await row.locator('.label').textContent()).trim()] = (await row.locator('.figures').textContent()).trim();
  }
  return out;
}

test('the published results render exactly as published', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(env.server.url);
  for (const p of seed) {
    await poll(page, p.id).scrollIntoViewIfNeeded();
    await poll(page, p.id).locator('button[data-action="view-results"]').click();
    const shown = await rows(page, p.id);
    const percent = (label) => Number(shown[label].match(/^(\d+)%/)[1]);
    const byId = Object.fromEntries(p.options.map((o) => [o.id, o.label]));
    for (const [key, want] of Object.entries(p.published_percent)) {
      const got = key.split('+').reduce((sum, id) => sum + percent(byId[id]), 0);
      assert.equal(got, want, `${p.id} ${key}`);
    }
    await poll(page, p.id).locator('.total', { hasText: `Total voters: ${p.voters}` }).waitFor();
  }
  const overtime = await rows(page, 'overtime-hours');
  assert.deepEqual(overtime, {
    '1-5': '16% (93 votes)',
    '6-10': '32% (184 votes)',
    '11-15': '23% (134 votes)',
    '16+': '29% (170 votes)',
  });
  assert.deepEqual(errors, []);
  await page.close();
});

test('a reader votes in each seed poll, sees the bars, and is remembered after a reload', async () => {
  const context = await env.browser.newContext({ viewport: { width: 900, height: 1000 } });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(env.server.url);
  for (const [i, p] of seed.entries()) {
    const choice = p.options[(i + 1) % p.options.length];
    const el = poll(page, p.id);
    await el.scrollIntoViewIfNeeded();
    await el.locator('label.option', { hasText: choice.label }).first().click();
    await el.locator('button.vote').click();
    // Confirmed by the server: the status line goes away.
    await el.locator('.poll[data-state="results"]').waitFor();
    const counts = p.options.map((o) => p.counts[o.id] + (o.id === choice.id ? 1 : 0));
    const pct = percentages(counts);
    const shown = await rows(page, p.id);
    p.options.forEach((o, k) => {
      const votes = counts[k] === 1 ? '1 vote' : `${counts[k].toLocaleString('en')} votes`;
      assert.equal(shown[o.label], `${pct[k]}% (${votes})`, `${p.id} ${o.id}`);
    });
    await el.locator('.total', { hasText: `Total voters: ${p.voters + 1}` }).waitFor();
    assert.equal((await el.locator('li.row.mine .label').textContent()).trim(), choice.label);
    const width = await el.locator('li.row.mine .bar').evaluate((b) => b.style.width);
    assert.match(width, /^\d+\.\d%$/);
  }
  await page.screenshot({ path: join(RESULTS, 'demo-voted.png'), fullPage: true });
  await page.reload();
  for (const [i, p] of seed.entries()) {
    const choice = p.options[(i + 1) % p.options.length];
    const el = poll(page, p.id);
    await el.scrollIntoViewIfNeeded();
    await el.locator('.poll[data-state="results"]').waitFor();
    assert.equal((await el.locator('li.row.mine .label').textContent()).trim(), choice.label);
    await el.locator('.total', { hasText: `Total voters: ${p.voters + 1}` }).waitFor();
    assert.equal(await el.locator('fieldset.ballot').isVisible(), false);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard only: tab to a poll, arrow to an option, vote with Enter', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(env.server.url);
  for (const p of seed) {
    const el = poll(page, p.id);
    await el.scrollIntoViewIfNeeded();
    await el.locator('.poll fieldset input').first().waitFor();
    // Focus lands on the first option by tabbing from just before the poll.
    await el.evaluate((node) => {
      const before = document.createElement('button');
      before.textContent = 'before';
      before.className = 'kbd-start';
      node.before(before);
      before.focus();
    });
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const checked = await el.locator('.poll input:checked').getAttribute('value');
    assert.equal(checked, p.options[2].id, `${p.id}: arrows move the choice`);
    await page.keyboard.press('Tab');
    assert.equal(await el.locator('button.vote').evaluate((b) => b.matches(':focus')), true);
    await page.keyboard.press('Enter');
    await el.locator('.poll[data-state="results"]').waitFor();
    assert.equal((await el.locator('li.row.mine .label').textContent()).trim(), p.options[2].label);
    // Focus moved to the results heading, not lost.
    assert.equal(await el.locator('.results-title').evaluate((t) => t.matches(':focus')), true);
    await el.locator('.live', { hasText: 'Vote counted.' }).waitFor({ state: 'attached' });
  }
  await page.screenshot({ path: join(RESULTS, 'demo-keyboard.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the page is screenshotted before voting for people to look at', async () => {
  const page = await env.browser.newPage({ viewport: { width: 900, height: 1000 } });
  await page.goto(env.server.url);
  for (const p of seed) {
    await poll(page, p.id).scrollIntoViewIfNeeded();
    await poll(page, p.id).locator('.poll fieldset input').first().waitFor();
  }
  await page.screenshot({ path: join(RESULTS, 'demo-ballot.png'), fullPage: true });
  await page.close();
});

test('with the live attribute, votes cast elsewhere appear without a reload', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(env.server.url);
  const el = poll(page, 'overtime-hours');
  await el.scrollIntoViewIfNeeded();
  await el.locator('button[data-action="view-results"]').click();
  const api = `${env.server.url}/api/polls/overtime-hours`;
  const before = (await (await fetch(api)).json()).tally;
  await el.locator('.total', { hasText: `Total voters: ${before.voters}` }).waitFor();
  for (const key of ['live-1', 'live-2']) {
    const r = await fetch(`${api}/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ choices: ['1-5'], key, voter: '' }),
    });
    assert.equal(r.status, 201);
  }
  await el.locator('.total', { hasText: `Total voters: ${before.voters + 2}` }).waitFor({ timeout: 5000 });
  const row = el.locator('li.row', { hasText: '1-5' });
  assert.match(await row.locator('.figures').textContent(), new RegExp(`\\(${before.counts['1-5'] + 2} votes\\)`));
  assert.deepEqual(errors, []);
  await page.close();
});

test('polls far down the article load only as the reader nears them', async () => {
  const page = await env.browser.newPage({ viewport: { width: 900, height: 700 } });
  const errors = watchErrors(page);
  const asked = [];
  page.on('request', (r) => asked.push(new URL(r.url()).pathname));
  await page.goto(env.server.url);
  await poll(page, 'overtime-hours').locator('.poll fieldset input').first().waitFor();
  await page.waitForTimeout(500);
  const far = poll(page, 'employer-caseloads');
  assert.equal(await far.evaluate((el) => el.shadowRoot), null, 'not mounted yet');
  assert.ok(!asked.includes('/api/polls/employer-caseloads'));
  await far.scrollIntoViewIfNeeded();
  await far.locator('.poll fieldset input').first().waitFor();
  assert.ok(asked.includes('/api/polls/employer-caseloads'));
  // One runtime for every poll on the page.
  assert.equal(asked.filter((p) => p.endsWith('.wasm')).length, 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('the widget arrives brotli-compressed, and as it was built', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  const seen = new Map();
  page.on('response', (r) => {
    if (r.url().includes('/readerpoll/')) seen.set(new URL(r.url()).pathname, r);
  });
  await page.goto(env.server.url);
  await poll(page, 'overtime-hours').locator('.poll fieldset input').first().waitFor();
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
  assert.equal(Buffer.from(await plain.arrayBuffer()).length, readFileSync(join(ROOT, 'www/readerpoll/pkg/readerpoll_bg.wasm')).length);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a poll a script adds, then gives its definition, shows that definition', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(env.server.url);
  await poll(page, 'overtime-hours').locator('.poll fieldset input').first().waitFor();
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
    await poll(page, id).locator('.poll legend', { hasText: `Added as ${id}?` }).waitFor();
    assert.equal(await poll(page, id).locator('.poll').getAttribute('data-state'), 'ballot');
  }
  assert.deepEqual(errors, []);
  await page.close();
});

/** Opens a page of the demo site whose one poll has no inline definition: the element asks the endpoint. */
async function openEndpointOnly(page, id) {
  await page.route('**/endpoint-only.html', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><html lang="en"><script type="module" src="/readerpoll/reader-poll.js"></script>' +
        `<reader-poll poll="${id}" endpoint="/api"></reader-poll></html>`,
    })
  );
  await page.goto(`${env.server.url}/endpoint-only.html`);
}

test('a reader who voted in a poll defined by its endpoint sees the same numbers after a reload', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await openEndpointOnly(page, 'nwag-confidence');
  const p = poll(page, 'nwag-confidence');
  await p.locator('.poll fieldset input').first().waitFor();
  await p.locator('.poll fieldset input').first().check();
  await p.locator('button.vote').click();
  await p.locator('.status').waitFor({ state: 'hidden' });
  const total = async () => (await p.locator('.total').textContent()).trim();
  const after = await total();
  await page.reload();
  await p.locator('.total').waitFor();
  await page.waitForTimeout(300); // a refresh, if one came, has landed
  // The server's numbers already hold this reader's vote: not counted again.
  assert.equal(await total(), after);
  assert.equal(await p.locator('li.row.mine').count(), 1);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a poll defined by its endpoint is read from it once', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  const reads = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/polls/overtime-hours') reads.push(r.method());
  });
  await openEndpointOnly(page, 'overtime-hours');
  await poll(page, 'overtime-hours').locator('.poll fieldset input').first().waitFor();
  await poll(page, 'overtime-hours').locator('button[data-action="view-results"]').click();
  await poll(page, 'overtime-hours').locator('.total', { hasText: 'Total voters:' }).waitFor();
  await page.waitForTimeout(500); // time for a second read, if one were made
  assert.deepEqual(reads, ['GET']);
  assert.deepEqual(errors, []);
  await page.close();
});
