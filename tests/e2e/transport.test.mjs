// Votes against a flaky backend, in real Chromium: each failure mode leaves
// the reader with an honest state, and every vote that should be retried
// arrives exactly once (asserted on the keys the backend received). Waits
// the widget must keep (Retry-After, backoff) run on Playwright's clock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, events, fetches, recordEvents, recordFetches, useBrowser, waitForEvents } from './harness.mjs';
import { ORIGIN, serveSite, fakeBackend } from './fake-site.mjs';
import { articlePage, pollElement, servePage } from './pages.mjs';
import { PENDING, announced, ballot, button, confirmed, line, myChoice, resultRows, vote as voteIn } from './reader.mjs';

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

const env = useBrowser({ server: false });

/** The poll `definition` (once per `copies`) pointed at the fake backend, with a 1.5 s timeout. */
const pollPage = (definition = POLL, { attrs = '', copies = 1, between = '' } = {}) =>
  articlePage({
    stylesheet: null,
    content: Array.from({ length: copies }, () => pollElement(definition, `endpoint="/api" timeout="1500" ${attrs}`)).join(between),
  });

/**
 * A context on the fake news site with the fake backend; `open()` opens
 * `/poll` in a new tab. Every page records the widget's events and its
 * fetches; `clock` installs Playwright's clock (at 2026-11-02 09:00 UTC)
 * in every page before it loads.
 */
async function setup({ page = pollPage(), clock = false } = {}) {
  const context = await env.context();
  const backend = fakeBackend(POLL);
  await serveSite(context);
  await backend.install(context);
  await servePage(context, ORIGIN, '/poll', page);
  await recordEvents(context);
  await recordFetches(context);
  const open = async (path = '/poll') => {
    const tab = await context.newPage();
    if (clock) await tab.clock.install({ time: Date.parse('2026-11-02T09:00:00Z') });
    await tab.goto(`${ORIGIN}${path}`);
    await ballot(poll(tab)).or(poll(tab).getByRole('list')).first().waitFor();
    return tab;
  };
  return { context, backend, open };
}

const poll = (page) => page.locator('reader-poll').first();

const vote = (page, option = '6-10') => voteIn(poll(page), option);

/** The votes the widget on `page` posted (by the page's own log). */
const votePosts = async (page) => (await fetches(page, '/votes')).filter((f) => f.method === 'POST');

/** Waits until every vote `page` posted has ended and its answer was read. */
const postsSettled = (page) =>
  page.waitForFunction(() => window.__fetches.filter((f) => f.url.endsWith('/votes')).every((f) => f.read));

/** `poll-voted` on `page`: the choices of each, in order. */
const voted = async (page) => (await events(page, 'poll-voted')).map((d) => d.choices);

const SAVED = /saved on this device/;
const KEEP_OPEN = /Keep this page open/;

// The votes waiting in this browser (one storage item each), or null.
const outbox = (page) =>
  page.evaluate(() => {
    const items = Object.keys(localStorage)
      .filter((k) => k.startsWith('readerpoll:v2:outbox'))
      .map((k) => localStorage.getItem(k));
    return items.length ? items.join('\n') : null;
  });

/**
 * Holds the next vote request to the fake backend until `release()`;
 * `arrived` resolves when it came.
 */
async function holdNextVote(context) {
  let arrived;
  let release;
  const came = new Promise((resolve) => (arrived = resolve));
  const released = new Promise((resolve) => (release = resolve));
  let held = false;
  await context.route(`${ORIGIN}/api/polls/*/votes`, async (route) => {
    if (held) return route.fallback();
    held = true;
    arrived();
    await released;
    return route.fallback();
  });
  return { arrived: came, release };
}

for (const [name, failure, code, expectedError] of [
  ['500', { status: 500, body: 'oops', contentType: 'text/plain' }, 'server_error', /status of 500/],
  ['503 with Retry-After', { status: 503, headers: { 'retry-after': '1' }, body: '{"error":{"code":"unavailable","message":"busy"}}' }, 'unavailable', /status of 503/],
  ['429', { status: 429, headers: { 'retry-after': '1' }, body: '{"error":{"code":"rate_limited","message":"slow down"}}' }, 'rate_limited', /status of 429/],
  ['200 with an HTML body', { status: 200, contentType: 'text/html', body: '<html><body>Sign in to the Wi-Fi</body></html>' }, 'bad_response', null],
  ['200 with broken JSON', { status: 200, body: '{"tally": {"counts": ' }, 'bad_response', null],
  ['a hang past the timeout', 'hang', 'network', null],
  ['a refused connection', 'refuse', 'network', /ERR_CONNECTION_REFUSED/],
]) {
  test(`after ${name} the vote is retried and counted exactly once`, async () => {
    if (expectedError) env.expectErrors(expectedError);
    const { backend, open } = await setup();
    backend.script.push(failure);
    const page = await open();
    await vote(page);
    // At once: the optimistic tally, marked as not yet confirmed.
    await line(poll(page), 'Total voters: 582').waitFor();
    const [detail] = await waitForEvents(page, 'poll-error');
    assert.deepEqual(detail, { ...detail, poll: 'overtime-hours', code, retryable: true });
    await line(poll(page), SAVED).waitFor();
    await confirmed(poll(page), 582);
    // The backend saw the same key twice (failure, then success) and
    // counted it once.
    assert.equal(backend.received.length, 2);
    assert.equal(backend.received[0], backend.received[1]);
    assert.equal(backend.counted.size, 1);
    assert.equal(backend.voters, 582);
    assert.equal(await outbox(page), null);
    assert.deepEqual(await voted(page), [['6-10']]);
  });
}

for (const [status, body, shown, code] of [
  [404, '{"error":{"code":"unknown_poll","message":"This poll does not exist."}}', 'This poll does not exist.', 'unknown_poll'],
  [422, '{"error":{"code":"closed","message":"This poll closed at 09:00."}}', 'This poll closed at 09:00.', 'closed'],
]) {
  test(`a ${status} refusal is final: the reader is told, the tally rolls back`, async () => {
    env.expectErrors(new RegExp(`status of ${status}`), new RegExp(`^readerpoll: vote refused: ${code}: ${shown}$`));
    const { backend, open } = await setup();
    backend.script.push({ status, body });
    const page = await open();
    await vote(page);
    const [detail] = await waitForEvents(page, 'poll-error');
    assert.deepEqual(detail, { ...detail, code, retryable: false });
    await line(poll(page), shown).waitFor();
    // Back to the ballot with the server's numbers; nothing left to send.
    await ballot(poll(page), POLL.question).waitFor();
    assert.equal(await outbox(page), null);
    assert.equal(backend.received.length, 1);
    assert.equal(backend.counted.size, 0);
    await button(poll(page), 'View results').click();
    await line(poll(page), 'Total voters: 581').waitFor();
  });
}

test('offline, then online: the vote waits, long past any backoff, and is sent once the network returns', async () => {
  env.expectErrors(/ERR_INTERNET_DISCONNECTED/);
  const { context, backend, open } = await setup({ clock: true });
  const page = await open();
  await context.setOffline(true);
  backend.offline = true;
  await vote(page);
  await line(poll(page), SAVED).waitFor();
  assert.notEqual(await outbox(page), null);
  // Ten minutes on the page's clock: every backoff (at most 60 s) has run
  // out many times over, and the vote still waits.
  await page.clock.runFor(10 * 60_000);
  await postsSettled(page);
  assert.ok((await votePosts(page)).length >= 3, 'tried again while offline');
  await line(poll(page), SAVED).waitFor();
  assert.notEqual(await outbox(page), null);
  assert.equal(backend.counted.size, 0);
  backend.offline = false;
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await confirmed(poll(page), 582);
  assert.equal(backend.counted.size, 1);
  assert.equal(new Set(backend.received).size, 1);
});

test('a page closed with a vote pending sends it when reopened, once', async () => {
  env.expectErrors(/status of 500/);
  const { backend, open } = await setup();
  backend.script.push({ status: 500, body: 'down' }, { status: 500, body: 'down' }, { status: 500, body: 'down' });
  const first = await open();
  await vote(first);
  await line(poll(first), SAVED).waitFor();
  const pending = await outbox(first);
  assert.match(pending, /overtime-hours/);
  await first.close({ runBeforeUnload: true });
  backend.script.length = 0; // the backend recovers
  const second = await open();
  // The reopened page shows the reader's vote at once, then confirms it.
  await confirmed(poll(second), 582);
  assert.equal(await myChoice(poll(second)), '6-10');
  assert.equal(await outbox(second), null);
  assert.equal(backend.counted.size, 1);
  assert.equal(new Set(backend.received).size, 1, 'every attempt reused one key');
});

/** Every storage write in `context` fails, as with a full quota. */
const fillStorage = (context) =>
  context.addInitScript(() => {
    Storage.prototype.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
  });

test('votes from two tabs wait side by side: neither overwrites the other', async () => {
  env.expectErrors(/ERR_INTERNET_DISCONNECTED/);
  const { context, backend, open } = await setup();
  // A second poll, so each tab's vote stands on its own (two votes in one
  // poll from one browser are a changed vote: see below).
  await servePage(context, ORIGIN, '/other', pollPage({ ...POLL, id: 'second-poll' }));
  backend.offline = true;
  const a = await open();
  const b = await open('/other');
  await vote(a, '1-5');
  await vote(b, '16+');
  for (const page of [a, b]) await line(poll(page), SAVED).waitFor();
  const waiting = (await outbox(a)).split('\n').filter(Boolean);
  assert.equal(waiting.length, 2, waiting.join('\n'));
  assert.deepEqual(waiting.map((l) => l.split('\t')[0]).sort(), ['overtime-hours', 'second-poll']);
});

test('a vote changed in another tab while the first still waits: only the newest reaches the backend', async () => {
  env.expectErrors(/ERR_INTERNET_DISCONNECTED/);
  const { backend, open } = await setup({ page: pollPage({ ...POLL, allow_change: true }) });
  backend.offline = true;
  const a = await open();
  const b = await open();
  await vote(a, '1-5');
  await line(poll(a), SAVED).waitFor();
  // Tab b learns of the vote when its reader votes, and changes it.
  await vote(b, '16+');
  await line(poll(b), 'You have already voted in this poll.').waitFor();
  await button(poll(b), 'Change your vote').click();
  await vote(b, '11-15');
  await line(poll(b), SAVED).waitFor();
  backend.offline = false;
  // Tab a, whose earlier vote waits too, is the first to see the network.
  for (const page of [a, b]) await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await confirmed(poll(b), 582);
  // Tab a shows the reader's newer ballot, and does not claim its own
  // earlier one was counted.
  await eventually(() => myChoice(poll(a)), (mine) => assert.equal(mine, '11-15'));
  await line(poll(a), PENDING).waitFor({ state: 'hidden' });
  assert.deepEqual(await voted(a), []);
  assert.deepEqual([...backend.counted.values()], [['11-15']]);
  assert.equal(new Set(backend.received).size, 1, 'the earlier vote was never sent');
  assert.equal(await outbox(a), null);
});

test('with storage full, a vote is still sent, and retried while the page is open', async () => {
  env.expectErrors(/status of 500/);
  const { context, backend, open } = await setup();
  await fillStorage(context);
  backend.script.push({ status: 500, body: 'down' });
  const page = await open();
  await vote(page);
  await confirmed(poll(page), 582);
  assert.equal(backend.counted.size, 1);
  assert.equal(backend.received.length, 2, 'one failed try, one retry, same key');
  assert.equal(new Set(backend.received).size, 1);
});

test('with storage full, a waiting vote survives the network coming back and a remount, and the reader is told it is not saved', async () => {
  env.expectErrors(/ERR_CONNECTION_REFUSED/);
  const { context, backend, open } = await setup();
  await fillStorage(context);
  backend.script.push('refuse', 'refuse');
  const page = await open();
  await vote(page);
  await line(poll(page), KEEP_OPEN).waitFor();
  // `online` while the retry timer waits: a second try, refused too; then a
  // settings change remounts the element. The vote was only in the page,
  // and still is.
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await eventually(() => backend.received.length, (n) => assert.equal(n, 2));
  await postsSettled(page);
  await page.evaluate(() => document.querySelector('reader-poll').setAttribute('lang', 'en-GB'));
  await confirmed(poll(page), 582);
  assert.equal(backend.counted.size, 1);
  assert.equal(new Set(backend.received).size, 1, 'one vote, one key');
});

test('a poll remounted while its vote is on its way ends counted when the old request lands', async () => {
  const { context, backend, open } = await setup();
  const held = await holdNextVote(context);
  const page = await open();
  await vote(page);
  await held.arrived;
  await page.evaluate(() => document.querySelector('reader-poll').setAttribute('lang', 'en-GB'));
  await ballot(poll(page)).or(poll(page).getByRole('list')).first().waitFor();
  held.release();
  await confirmed(poll(page), 582);
  assert.equal(backend.counted.size, 1);
  assert.equal(new Set(backend.received).size, 1);
});

test("a second copy that delivers a vote ends the voting copy's wait", async () => {
  env.expectErrors(/ERR_INTERNET_DISCONNECTED/);
  const { context, backend, open } = await setup();
  await servePage(context, ORIGIN, '/two', pollPage(POLL, { copies: 2 }));
  const page = await open('/two');
  const copies = page.locator('reader-poll');
  await ballot(copies.nth(1)).waitFor();
  backend.offline = true;
  await voteIn(copies.nth(1), '6-10');
  await line(copies.nth(1), SAVED).waitFor();
  backend.offline = false;
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await confirmed(copies.nth(1), 582);
  assert.equal(backend.counted.size, 1);
});

test('a vote another tab sent and the backend refused is not shown as counted in the tab that cast it', async () => {
  env.expectErrors(/ERR_INTERNET_DISCONNECTED/, /status of 422/, /^readerpoll: vote refused: closed: This poll closed at 09:00\.$/);
  const { backend, open } = await setup();
  backend.offline = true;
  const a = await open();
  await vote(a, '6-10');
  await line(poll(a), SAVED).waitFor();
  backend.offline = false;
  backend.script.push({ status: 422, body: '{"error":{"code":"closed","message":"This poll closed at 09:00."}}' });
  // A second tab opens and sends the waiting vote; the backend refuses it.
  const b = await open();
  await line(poll(b), 'This poll closed at 09:00.').waitFor();
  await a.evaluate(() => window.dispatchEvent(new Event('online')));
  await line(poll(a), /not accepted/).waitFor();
  await ballot(poll(a), POLL.question).waitFor();
  assert.deepEqual(await voted(a), []);
  assert.equal(backend.counted.size, 0);
});

test("a copy of the poll that mounts while another copy's vote waits leaves it to that copy: announced once", async () => {
  env.expectErrors(/ERR_INTERNET_DISCONNECTED/);
  const { context, backend, open } = await setup();
  await servePage(context, ORIGIN, '/lazy', pollPage(POLL, { copies: 2, between: '<div style="height: 6000px"></div>' }));
  const page = await open('/lazy');
  const copies = page.locator('reader-poll');
  assert.equal(await copies.nth(1).evaluate((el) => el.shadowRoot), null, 'the second copy waits for the viewport');
  backend.offline = true;
  await voteIn(copies.nth(0), '6-10');
  await line(copies.nth(0), SAVED).waitFor();
  await copies.nth(1).scrollIntoViewIfNeeded();
  await ballot(copies.nth(1)).or(copies.nth(1).getByRole('list')).first().waitFor();
  backend.offline = false;
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await confirmed(copies.nth(0), 582);
  await line(copies.nth(1), PENDING).waitFor({ state: 'hidden' });
  await postsSettled(page);
  assert.deepEqual(await voted(page), [['6-10']]);
  assert.equal(backend.counted.size, 1);
});

test('two tabs on the same poll: one vote from this browser', async () => {
  const { backend, open } = await setup();
  const a = await open();
  const b = await open();
  await vote(a, '1-5');
  await confirmed(poll(a), 582);
  await vote(b, '16+');
  await line(poll(b), 'You have already voted in this poll.').waitFor();
  assert.equal(backend.counted.size, 1);
  assert.equal(backend.received.length, 1);
});

for (const [ok, message] of [
  [false, 'Our own backend said no.'],
  [true, undefined],
]) {
  test(`a host page can take over sending through poll-vote: resolveVote({ok: ${ok}})`, async () => {
    const { backend, open } = await setup();
    const page = await open();
    await page.evaluate(
      ([answer, text]) => {
        document.addEventListener('poll-vote', (e) => {
          e.preventDefault();
          window.__took = e.detail.choices;
          // Answered later, as the site's own backend would.
          setTimeout(() => e.target.resolveVote(text === null ? { ok: answer } : { ok: answer, message: text }), 0);
        });
      },
      [ok, message ?? null]
    );
    await vote(page, '11-15');
    if (ok) {
      await confirmed(poll(page), 582);
      assert.deepEqual(await resultRows(poll(page)), [
        '1-5 — 16% (93 votes)',
        '6-10 — 32% (184 votes)',
        '11-15 — 23% (135 votes) Your choice',
        '16+ — 29% (170 votes)',
      ]);
      assert.deepEqual(await voted(page), [['11-15']]);
      await announced(poll(page), 'Vote counted.').waitFor({ state: 'attached' });
    } else {
      await line(poll(page), message).waitFor();
      await ballot(poll(page), POLL.question).waitFor();
      assert.deepEqual(await voted(page), []);
    }
    assert.deepEqual(await page.evaluate(() => window.__took), ['11-15']);
    assert.equal(backend.received.length, 0);
    assert.equal(await outbox(page), null);
  });
}

test('an endpoint that is not https or local is refused before any vote', async () => {
  env.expectErrors(/^readerpoll: poll unavailable: bad_endpoint: /);
  const { context } = await setup();
  await servePage(context, ORIGIN, '/bad', pollPage(POLL).replace('endpoint="/api"', 'endpoint="javascript:alert(1)"'));
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/bad`);
  await line(poll(page), 'Poll unavailable').waitFor();
  const [error] = await waitForEvents(page, 'poll-error');
  assert.equal(error.code, 'bad_endpoint');
});

test('two copies of a poll on one page: the vote is sent once and only its copy announces it', async () => {
  env.expectErrors(/ERR_INTERNET_DISCONNECTED/);
  const { context, backend, open } = await setup();
  await servePage(context, ORIGIN, '/poll2', pollPage(POLL, { copies: 2 }));
  const page = await open('/poll2');
  const [first, second] = await page.locator('reader-poll').all();
  await ballot(second).waitFor();
  backend.offline = true;
  await voteIn(first, '6-10');
  await line(first, SAVED).waitFor();
  const triedOffline = (await votePosts(page)).length;
  backend.offline = false;
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await confirmed(first, 582);
  await postsSettled(page);
  // One post after the network came back: one copy sent it.
  assert.equal((await votePosts(page)).length, triedOffline + 1);
  assert.equal(backend.counted.size, 1);
  assert.deepEqual(await voted(page), [['6-10']]);
  // The other copy did not vote and does not claim to have.
  assert.equal(await second.getByRole('status').textContent(), '');
  assert.equal(await ballot(second, POLL.question).isVisible(), true);
});

// Retry-After in seconds, and as an HTTP date 3 s after the page's clock.
for (const retryAfter of ['3', 'Mon, 02 Nov 2026 09:01:03 GMT']) {
  test(`Retry-After is honoured even when the network comes back or the page is hidden: no retry before 3 s of clock time (${retryAfter})`, async () => {
    env.expectErrors(/status of 429/);
    const { backend, open } = await setup({ clock: true });
    backend.script.push({ status: 429, headers: { 'retry-after': retryAfter }, body: '{"error":{"code":"rate_limited","message":"slow down"}}' });
    const page = await open();
    await page.clock.pauseAt(Date.parse('2026-11-02T09:01:00Z'));
    await vote(page);
    await line(poll(page), SAVED).waitFor();
    await postsSettled(page);
    // Both would start a try at once were the pause not kept.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await page.clock.runFor(2_999);
    await postsSettled(page);
    assert.equal((await votePosts(page)).length, 1, 'no resend inside the pause the server asked for');
    await page.clock.runFor(1);
    await confirmed(poll(page), 582);
    const [first, second, ...more] = await votePosts(page);
    assert.deepEqual(more, []);
    assert.ok(second.at - first.at >= 3000, `resent ${second.at - first.at} ms of clock time after the 429`);
    assert.equal(backend.received.length, 2);
  });
}

test('a widget that failed to load its runtime tries again for the next poll', async () => {
  env.expectErrors(/ERR_CONNECTION_RESET/, /^readerpoll: poll unavailable: wasm_unavailable: /);
  const { context } = await setup();
  let failed = 0;
  await context.route(`${ORIGIN}/readerpoll/pkg/readerpoll_bg.wasm`, (route) => {
    if (failed++ === 0) return route.abort('connectionreset');
    return route.fallback();
  });
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/poll`);
  const [failure] = await waitForEvents(page, 'poll-error');
  assert.deepEqual({ code: failure.code, retryable: failure.retryable }, { code: 'wasm_unavailable', retryable: true });
  assert.equal(await poll(page).evaluate((el) => el.shadowRoot), null);
  await page.evaluate(() => {
    const again = document.querySelector('reader-poll').cloneNode(true);
    document.body.append(again);
  });
  await ballot(page.locator('reader-poll').nth(1), POLL.question).waitFor();
});

test('a poll whose styles fail to load still works, unstyled, and says why once', async () => {
  env.expectErrors(/ERR_CONNECTION_RESET/);
  const { context, backend, open } = await setup();
  await context.route(`${ORIGIN}/readerpoll/reader-poll.css`, (route) => route.abort('connectionreset'));
  const warnings = [];
  context.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  const page = await open();
  // The shadow root has a sheet, an empty one.
  const sheets = await page.evaluate(() => document.querySelector('reader-poll').shadowRoot.adoptedStyleSheets[0].cssRules.length);
  assert.equal(sheets, 0);
  await vote(page);
  await confirmed(poll(page), 582);
  assert.equal(backend.received.length, 1);
  assert.equal(warnings.filter((w) => w.includes('styles not loaded')).length, 1, warnings.join('\n'));
});

test('changing src while the definition is loading loads the new one', async () => {
  const { context } = await setup();
  const slow = { ...POLL, id: 'slow-a', question: 'Question A?' };
  const fast = { ...POLL, id: 'fast-b', question: 'Question B?' };
  let asked;
  const aAsked = new Promise((resolve) => (asked = resolve));
  let release;
  const released = new Promise((resolve) => (release = resolve));
  await context.route(`${ORIGIN}/defs/a.json`, async (route) => {
    asked();
    await released;
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(slow) });
  });
  await context.route(`${ORIGIN}/defs/b.json`, (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(fast) })
  );
  await servePage(context, ORIGIN, '/src-page', articlePage({ stylesheet: null, content: '<reader-poll src="/defs/a.json"></reader-poll>' }));
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/src-page`);
  await aAsked;
  await page.evaluate(() => document.querySelector('reader-poll').setAttribute('src', '/defs/b.json'));
  await ballot(poll(page), 'Question B?').waitFor();
  release();
  // The old answer arrives and is read; what the element does with it runs
  // in the same task as the read, so one task later it has been done.
  await page.waitForFunction(() => window.__fetches.some((f) => f.url.endsWith('/defs/a.json') && f.read));
  await page.evaluate(() => new Promise((r) => setTimeout(r, 0)));
  assert.equal(await ballot(poll(page), 'Question B?').isVisible(), true);
  assert.equal(await ballot(poll(page), 'Question A?').count(), 0);
  assert.deepEqual((await events(page, 'poll-ready')).map((d) => d.poll), ['fast-b']);
});
