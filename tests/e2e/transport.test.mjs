// Votes against a flaky backend, in real Chromium: each failure mode leaves
// the reader with an honest state, and every vote that should be retried
// arrives exactly once (asserted on the keys the backend received).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';
import { ORIGIN, serveSite, fakeBackend, pollPage } from './fake-site.mjs';

const POLL = {
  id: 'overtime-hours',
  question: 'How many hours above your contracted hours are you working a week?',
  options: [
    { id: '1-5', label: '1-5' },
    { id: '6-10', label: '6-10' },
    { id: '11-15', label: '11-15' },
    { id: '16-plus', label: '16+' },
  ],
  counts: { '1-5': 93, '6-10': 184, '11-15': 134, '16-plus': 170 },
  voters: 581,
};

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

async function setup(attrs = '') {
  const context = await browser.newContext();
  const backend = fakeBackend(POLL);
  await serveSite(context, { '/poll': pollPage(POLL, attrs) });
  await backend.install(context);
  const errors = [];
  const open = async () => {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${ORIGIN}/poll`);
    await page.locator('reader-poll .poll[data-state]').waitFor();
    return page;
  };
  return { context, backend, open, errors };
}

const poll = (page) => page.locator('reader-poll');

async function vote(page, option = '6-10') {
  await poll(page).locator(`input[value="${option}"]`).check();
  await poll(page).locator('button.vote').click();
}

async function waitForCounted(page, voters) {
  await assert.doesNotReject(
    poll(page).locator('.total', { hasText: `Total voters: ${voters}` }).waitFor({ timeout: 15000 })
  );
  await poll(page).locator('.status').waitFor({ state: 'hidden', timeout: 15000 });
}

// The votes waiting in this browser (one storage item each), or null.
const outbox = (page) =>
  page.evaluate(() => {
    const items = Object.keys(localStorage)
      .filter((k) => k.startsWith('readerpoll:v1:outbox'))
      .map((k) => localStorage.getItem(k));
    return items.length ? items.join('\n') : null;
  });

/** Records the choices of every `poll-voted` on `page` from now on; the
 * returned function reads them. */
async function recordVoted(page) {
  await page.evaluate(() => {
    window.__voted = [];
    document.addEventListener('poll-voted', (e) => window.__voted.push(e.detail.choices));
  });
  return () => page.evaluate(() => window.__voted);
}

for (const [name, failure] of [
  ['500', { status: 500, body: 'oops', contentType: 'text/plain' }],
  ['503 with Retry-After', { status: 503, headers: { 'retry-after': '1' }, body: '{"error":{"code":"unavailable","message":"busy"}}' }],
  ['429', { status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"code":"rate_limited","message":"slow down"}}' }],
  ['200 with an HTML body', { status: 200, contentType: 'text/html', body: '<html><body>Sign in to the Wi-Fi</body></html>' }],
  ['200 with broken JSON', { status: 200, body: '{"tally": {"counts": ' }],
  ['a hang past the timeout', 'hang'],
  ['a refused connection', 'refuse'],
]) {
  test(`after ${name} the vote is retried and counted exactly once`, async () => {
    const { context, backend, open, errors } = await setup();
    backend.script.push(failure);
    const page = await open();
    const errorEvents = page.evaluate(
      () => new Promise((resolve) => document.addEventListener('poll-error', (e) => resolve(e.detail), { once: true }))
    );
    await vote(page);
    // At once: the optimistic tally, marked as not yet confirmed.
    await poll(page).locator('.total', { hasText: 'Total voters: 582' }).waitFor();
    const detail = await errorEvents;
    assert.equal(detail.retryable, true);
    assert.equal(typeof detail.code, 'string');
    await poll(page).locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
    await waitForCounted(page, 582);
    // The backend saw the same key twice (failure, then success) and
    // counted it once.
    assert.equal(backend.received.length, 2);
    assert.equal(backend.received[0], backend.received[1]);
    assert.equal(backend.counted.size, 1);
    assert.equal(backend.voters, 582);
    assert.equal(await outbox(page), null);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

for (const [status, body, shown] of [
  [404, '{"error":{"code":"unknown_poll","message":"This poll does not exist."}}', 'This poll does not exist.'],
  [422, '{"error":{"code":"closed","message":"This poll closed at 09:00."}}', 'This poll closed at 09:00.'],
]) {
  test(`a ${status} refusal is final: the reader is told, the tally rolls back`, async () => {
    const { context, backend, open } = await setup();
    backend.script.push({ status, body });
    const page = await open();
    const refused = page.evaluate(
      () => new Promise((resolve) => document.addEventListener('poll-error', (e) => resolve(e.detail), { once: true }))
    );
    await vote(page);
    const detail = await refused;
    assert.equal(detail.retryable, false);
    await poll(page).locator('.notice', { hasText: shown }).waitFor();
    // Back to the ballot with the server's numbers; nothing left to send.
    await poll(page).locator('fieldset.ballot').waitFor();
    assert.equal(await outbox(page), null);
    assert.equal(backend.received.length, 1);
    assert.equal(backend.counted.size, 0);
    await poll(page).locator('button[data-action="view-results"]').click();
    await poll(page).locator('.total', { hasText: 'Total voters: 581' }).waitFor();
    await context.close();
  });
}

test('offline, then online: the vote waits and is sent once the network returns', async () => {
  const { context, backend, open } = await setup();
  const page = await open();
  await context.setOffline(true);
  backend.offline = true;
  await vote(page);
  await poll(page).locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
  assert.notEqual(await outbox(page), null);
  // Long after any backoff would have given up waiting: still saved.
  await page.waitForTimeout(2500);
  await poll(page).locator('.status', { hasText: 'saved on this device' }).waitFor();
  backend.offline = false;
  await context.setOffline(false);
  await waitForCounted(page, 582);
  assert.equal(backend.counted.size, 1);
  assert.equal(new Set(backend.received).size, 1);
  await context.close();
});

test('a page closed with a vote pending sends it when reopened, once', async () => {
  const { context, backend, open } = await setup();
  backend.script.push({ status: 500, body: 'down' }, { status: 500, body: 'down' }, { status: 500, body: 'down' });
  const first = await open();
  await vote(first);
  await poll(first).locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
  const pending = await outbox(first);
  assert.match(pending, /overtime-hours/);
  await first.close({ runBeforeUnload: true });
  backend.script.length = 0; // the backend recovers
  const second = await open();
  // The reopened page shows the reader's vote at once, then confirms it.
  await waitForCounted(second, 582);
  assert.equal(await outbox(second), null);
  assert.equal(backend.counted.size, 1);
  assert.equal(new Set(backend.received).size, 1, 'every attempt reused one key');
  await context.close();
});

test('votes from two tabs wait side by side: neither overwrites the other', async () => {
  const { context, backend, open } = await setup();
  // A second poll, so each tab's vote stands on its own (two votes in one
  // poll from one browser are a changed vote: see below).
  const other = { ...POLL, id: 'second-poll' };
  await serveSite(context, { '/poll': pollPage(POLL), '/other': pollPage(other) });
  backend.offline = true;
  const a = await open();
  const b = await context.newPage();
  await b.goto(`${ORIGIN}/other`);
  await poll(b).locator('.poll[data-state]').waitFor();
  await vote(a, '1-5');
  await vote(b, '16-plus');
  for (const page of [a, b]) {
    await poll(page).locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
  }
  const waiting = (await outbox(a)).split('\n').filter(Boolean);
  assert.equal(waiting.length, 2, waiting.join('\n'));
  assert.deepEqual(waiting.map((line) => line.split('\t')[0]).sort(), ['overtime-hours', 'second-poll']);
  await context.close();
});

test('a vote changed in another tab while the first still waits: only the newest reaches the backend', async () => {
  const { context, backend, open } = await setup();
  await serveSite(context, { '/poll': pollPage({ ...POLL, allow_change: true }) });
  backend.offline = true;
  const a = await open();
  const b = await open();
  await vote(a, '1-5');
  await poll(a).locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
  const voted = await recordVoted(a);
  // Tab b learns of the vote when its reader votes, and changes it.
  await vote(b, '16-plus');
  await poll(b).locator('.notice', { hasText: 'already voted' }).waitFor();
  await poll(b).locator('button[data-action="change-vote"]').click();
  await vote(b, '11-15');
  await poll(b).locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
  backend.offline = false;
  // Tab a, whose earlier vote waits too, is the first to see the network.
  for (const page of [a, b]) await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await waitForCounted(b, 582);
  // Tab a shows the reader's newer ballot, and does not claim its own
  // earlier one was counted.
  await poll(a).locator('li.row.mine', { hasText: '11-15' }).waitFor({ timeout: 15000 });
  await poll(a).locator('.status').waitFor({ state: 'hidden', timeout: 15000 });
  assert.deepEqual(await voted(), []);
  assert.deepEqual([...backend.counted.values()], [['11-15']]);
  assert.equal(new Set(backend.received).size, 1, 'the earlier vote was never sent');
  assert.equal(await outbox(a), null);
  await context.close();
});

/** Every storage write in `context` fails, as with a full quota. */
const fillStorage = (context) =>
  context.addInitScript(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
  });

test('with storage full, a vote is still sent, and retried while the page is open', async () => {
  const { context, backend, open } = await setup();
  await fillStorage(context);
  backend.script.push({ status: 500, body: 'down' });
  const page = await open();
  await vote(page);
  await waitForCounted(page, 582);
  assert.equal(backend.counted.size, 1);
  assert.equal(backend.received.length, 2, 'one failed try, one retry, same key');
  assert.equal(new Set(backend.received).size, 1);
  await context.close();
});

test('with storage full, a waiting vote survives the network coming back and a remount, and the reader is told it is not saved', async () => {
  const { context, backend, open } = await setup();
  await fillStorage(context);
  backend.script.push('refuse', 'refuse');
  const page = await open();
  await vote(page);
  await poll(page).locator('.status', { hasText: 'Keep this page open' }).waitFor({ timeout: 5000 });
  // `online` while the retry timer waits, then a settings change remounts
  // the element: the vote was only in the page, and still is.
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.waitForTimeout(300);
  await page.evaluate(() => document.querySelector('reader-poll').setAttribute('lang', 'en-GB'));
  await waitForCounted(page, 582);
  assert.equal(backend.counted.size, 1);
  assert.equal(new Set(backend.received).size, 1, 'one vote, one key');
  await context.close();
});

test('a poll remounted while its vote is on its way ends counted when the old request lands', async () => {
  const { context, backend, open } = await setup();
  backend.script.push({ delay: 1000 });
  const page = await open();
  await vote(page);
  await page.waitForTimeout(200);
  await page.evaluate(() => document.querySelector('reader-poll').setAttribute('lang', 'en-GB'));
  await waitForCounted(page, 582);
  assert.equal(backend.counted.size, 1);
  assert.equal(new Set(backend.received).size, 1);
  await context.close();
});

test('a second copy that delivers a vote ends the voting copy\'s wait', async () => {
  const { context, backend } = await setup();
  await serveSite(context, { '/two': pollPage(POLL).replace('</body>', `${pollPage(POLL).match(/<reader-poll[\s\S]*<\/reader-poll>/)[0]}</body>`) });
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/two`);
  const copies = page.locator('reader-poll');
  await copies.nth(1).locator('.poll[data-state]').waitFor();
  backend.offline = true;
  await copies.nth(1).locator('input[value="6-10"]').check();
  await copies.nth(1).locator('button.vote').click();
  await copies.nth(1).locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
  backend.offline = false;
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await copies.nth(1).locator('.total', { hasText: 'Total voters: 582' }).waitFor({ timeout: 15000 });
  await copies.nth(1).locator('.status').waitFor({ state: 'hidden', timeout: 15000 });
  assert.equal(backend.counted.size, 1);
  await context.close();
});

test('a vote another tab sent and the backend refused is not shown as counted in the tab that cast it', async () => {
  const { context, backend, open } = await setup();
  backend.offline = true;
  const a = await open();
  await vote(a, '6-10');
  await poll(a).locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
  const voted = await recordVoted(a);
  backend.offline = false;
  backend.script.push({ status: 422, body: '{"error":{"code":"closed","message":"This poll closed at 09:00."}}' });
  // A second tab opens and sends the waiting vote; the backend refuses it.
  const b = await open();
  await poll(b).locator('.notice', { hasText: 'This poll closed at 09:00.' }).waitFor();
  await a.evaluate(() => window.dispatchEvent(new Event('online')));
  await poll(a).locator('.notice', { hasText: 'not accepted' }).waitFor({ timeout: 15000 });
  await poll(a).locator('fieldset.ballot').waitFor();
  assert.deepEqual(await voted(), []);
  assert.equal(backend.counted.size, 0);
  await context.close();
});

test("a copy of the poll that mounts while another copy's vote waits leaves it to that copy: announced once", async () => {
  const { context, backend } = await setup();
  const element = pollPage(POLL).match(/<reader-poll[\s\S]*<\/reader-poll>/)[0];
  await serveSite(context, { '/lazy': pollPage(POLL).replace('</body>', `<div style="height: 6000px"></div>${element}</body>`) });
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/lazy`);
  const copies = page.locator('reader-poll');
  await copies.nth(0).locator('.poll[data-state]').waitFor();
  assert.equal(await copies.nth(1).locator('.poll').count(), 0, 'the second copy waits for the viewport');
  const voted = await recordVoted(page);
  backend.offline = true;
  await copies.nth(0).locator('input[value="6-10"]').check();
  await copies.nth(0).locator('button.vote').click();
  await copies.nth(0).locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
  await copies.nth(1).scrollIntoViewIfNeeded();
  await copies.nth(1).locator('.poll[data-state]').waitFor();
  backend.offline = false;
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await copies.nth(0).locator('.total', { hasText: 'Total voters: 582' }).waitFor({ timeout: 15000 });
  await copies.nth(0).locator('.status').waitFor({ state: 'hidden', timeout: 15000 });
  await copies.nth(1).locator('.status').waitFor({ state: 'hidden', timeout: 15000 });
  await page.waitForTimeout(500);
  assert.equal((await voted()).length, 1);
  assert.equal(backend.counted.size, 1);
  await context.close();
});

test('two tabs on the same poll: one vote from this browser', async () => {
  const { context, backend, open } = await setup();
  const a = await open();
  const b = await open();
  await vote(a, '1-5');
  await waitForCounted(a, 582);
  await vote(b, '16-plus');
  await poll(b).locator('.notice', { hasText: 'already voted' }).waitFor();
  assert.equal(backend.counted.size, 1);
  await context.close();
});

test('a host page can take over sending through poll-vote', async () => {
  const { context, backend, open } = await setup();
  const page = await open();
  await page.evaluate(() => {
    document.addEventListener('poll-vote', (e) => {
      e.preventDefault();
      window.__took = e.detail.choices;
      setTimeout(() => e.target.resolveVote({ ok: false, message: 'Our own backend said no.' }), 50);
    });
  });
  await vote(page, '11-15');
  await poll(page).locator('.notice', { hasText: 'Our own backend said no.' }).waitFor();
  assert.deepEqual(await page.evaluate(() => window.__took), ['11-15']);
  assert.equal(backend.received.length, 0);
  await context.close();
});

test('an endpoint that is not https or local is refused before any vote', async () => {
  const context = await browser.newContext();
  await serveSite(context, {
    '/poll': pollPage(POLL).replace('endpoint="/api"', 'endpoint="javascript:alert(1)"'),
  });
  const page = await context.newPage();
  await page.addInitScript(() =>
    document.addEventListener('poll-error', (e) => (window.__error = e.detail), { once: true })
  );
  await page.goto(`${ORIGIN}/poll`);
  await poll(page).locator('.unavailable-title').waitFor();
  assert.equal(await page.evaluate(() => window.__error.code), 'bad_endpoint');
  await context.close();
});

test('two copies of a poll on one page: the vote is sent once and only its copy announces it', async () => {
  const { context, backend, open } = await setup();
  // A second copy of the same poll on the page.
  await context.route(`${ORIGIN}/poll2`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: pollPage(POLL).replace('</body>', `${pollPage(POLL).match(/<reader-poll[\s\S]*<\/reader-poll>/)[0]}</body>`),
    })
  );
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__voted = [];
    document.addEventListener('poll-voted', (e) => window.__voted.push(e.detail.choices));
  });
  await page.goto(`${ORIGIN}/poll2`);
  const [first, second] = await page.locator('reader-poll').all();
  await first.locator('.poll[data-state]').waitFor();
  await second.locator('.poll[data-state]').waitFor();
  backend.offline = true;
  await first.locator('input[value="6-10"]').check();
  await first.locator('button.vote').click();
  await first.locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
  backend.offline = false;
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await first.locator('.status').waitFor({ state: 'hidden', timeout: 15000 });
  await page.waitForTimeout(1500);
  assert.equal(backend.counted.size, 1);
  assert.deepEqual(await page.evaluate(() => window.__voted), [['6-10']]);
  // The other copy did not vote and does not claim to have.
  assert.equal(await second.locator('.live').textContent(), '');
  assert.equal(await second.locator('fieldset.ballot').isVisible(), true);
  await context.close();
});

test('Retry-After is honoured even when the network comes back or the page is hidden', async () => {
  const { context, backend, open } = await setup();
  backend.script.push({ status: 429, headers: { 'retry-after': '3' }, body: '{"error":{"code":"rate_limited","message":"slow down"}}' });
  const page = await open();
  await vote(page);
  await poll(page).locator('.status', { hasText: 'saved on this device' }).waitFor({ timeout: 5000 });
  const asked = Date.now();
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
  await page.waitForTimeout(1000);
  assert.equal(backend.received.length, 1, 'no resend inside the pause the server asked for');
  await waitForCounted(page, 582);
  assert.ok(Date.now() - asked >= 1500, 'sent after the pause');
  assert.equal(backend.received.length, 2);
  await context.close();
});

test('a widget that failed to load its runtime tries again for the next poll', async () => {
  const { context, open } = await setup();
  let failed = 0;
  await context.route(`${ORIGIN}/readerpoll/pkg/readerpoll_bg.wasm`, (route) => {
    if (failed++ === 0) return route.abort('connectionreset');
    return route.fallback();
  });
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/poll`);
  await page.waitForFunction(() => !document.querySelector('reader-poll').shadowRoot);
  await page.waitForTimeout(500);
  await page.evaluate(() => {
    const again = document.querySelector('reader-poll').cloneNode(true);
    document.body.append(again);
  });
  await page.locator('reader-poll').nth(1).locator('.poll[data-state]').waitFor();
  await context.close();
});

test('a poll whose styles fail to load still works, unstyled, and says why once', async () => {
  const { context, backend } = await setup();
  await context.route(`${ORIGIN}/readerpoll/reader-poll.css`, (route) => route.abort('connectionreset'));
  const page = await context.newPage();
  const warnings = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.goto(`${ORIGIN}/poll`);
  await poll(page).locator('.poll[data-state="ballot"]').waitFor();
  // The shadow root has a sheet, an empty one.
  const sheets = await page.evaluate(() => document.querySelector('reader-poll').shadowRoot.adoptedStyleSheets[0].cssRules.length);
  assert.equal(sheets, 0);
  await vote(page);
  await waitForCounted(page, 582);
  assert.equal(backend.received.length, 1);
  assert.equal(warnings.filter((w) => w.includes('styles not loaded')).length, 1, warnings.join('\n'));
  await context.close();
});

test('changing src while the definition is loading loads the new one', async () => {
  const { context } = await setup();
  const slow = { ...POLL, id: 'slow-a', question: 'Question A?' };
  const fast = { ...POLL, id: 'fast-b', question: 'Question B?' };
  await context.route(`${ORIGIN}/defs/a.json`, async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(slow) });
  });
  await context.route(`${ORIGIN}/defs/b.json`, (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(fast) })
  );
  await context.route(`${ORIGIN}/src-page`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<!doctype html><html lang="en"><head><script type="module" src="/readerpoll/reader-poll.js"></script></head><body><reader-poll src="/defs/a.json"></reader-poll></body></html>',
    })
  );
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/src-page`);
  await page.waitForTimeout(500);
  await page.evaluate(() => document.querySelector('reader-poll').setAttribute('src', '/defs/b.json'));
  await page.locator('reader-poll legend').waitFor();
  await page.waitForTimeout(1800); // past the slow answer
  assert.equal(await page.locator('reader-poll legend').textContent(), 'Question B?');
  await context.close();
});
