// What the reader is told about their vote, in Chromium against the real
// reference server: the four ways it was wrong (a vote delivered as the
// page closed shown twice on the next visit; two tabs voting at once
// forgetting the vote; a vote storage cannot keep said to be counted; a
// refusal logged as an unavailable poll). The same cases are modelled
// natively in tests/delivery_model.rs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { events, recordEvents, startServer, useBrowser } from './harness.mjs';
import { articlePage, pollElement, servePage } from './pages.mjs';
import { PENDING, button, confirmed, line, myChoice, radio, vote } from './reader.mjs';

// One fresh server per test (below), so each starts from the published numbers.
const env = useBrowser({ server: false });

async function withServer(run) {
  const server = await startServer();
  try {
    await run(server);
  } finally {
    // The test's pages go first: a read they start after the test's last
    // step (one follows every refusal) must not meet a stopped server.
    await Promise.all(env.browser.contexts().map((c) => c.close().catch(() => {})));
    await server.stop();
  }
}

const QUESTION = 'How many hours above your contracted hours are you working a week?';

/** A page on the server's origin with the poll `overtime-hours`; `attrs` go on the element. */
const pollPage = (context, server, attrs) =>
  servePage(
    context,
    server.url,
    '/delivery-test',
    articlePage({ content: `<reader-poll poll="overtime-hours" ${attrs}></reader-poll>` })
  );

/**
 * Opens `url`, records the widget's events, and every "Total voters" line
 * the poll ever renders (read each frame).
 */
async function open(context, url) {
  const page = await context.newPage();
  await recordEvents(page);
  await page.addInitScript(() => {
    window.__totals = new Set();
    const look = () => {
      const total = document.querySelector('reader-poll')?.shadowRoot?.querySelector('.total');
      if (total?.textContent) window.__totals.add(total.textContent);
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.goto(url);
  // Rendered (its `poll` part is public, for styling).
  await poll(page).locator('[part~="poll"]').waitFor();
  return page;
}

const poll = (page) => page.locator('reader-poll');
const totals = (page) => page.evaluate(() => [...window.__totals]);
const voted = async (page) => (await events(page, 'poll-voted')).map((d) => d.choices);

/** The reader's own choice once nothing is pending. */
async function settledChoice(page) {
  await line(poll(page), PENDING).waitFor({ state: 'hidden', timeout: 15000 });
  return myChoice(poll(page));
}

async function serverTally(server) {
  const response = await fetch(`${server.url}/api/polls/overtime-hours`);
  return (await response.json()).tally;
}

test('a vote that reached the backend as the page closed is not counted twice on the next visit', async () => {
  env.expectErrors(/ERR_CONNECTION_RESET/);
  await withServer(async (server) => {
    const context = await env.context();
    const url = await pollPage(context, server, 'endpoint="/api" timeout="10000"');
    // The vote reaches the server, but its answer never comes back (as when
    // the page closes mid-request): it stays waiting in storage.
    let lost = 0;
    await context.route('**/api/polls/overtime-hours/votes', async (route) => {
      if (lost++ > 0) return route.fallback();
      await route.fetch();
      await route.abort('connectionreset');
    });
    const first = await open(context, url);
    await vote(poll(first), '6-10');
    await line(poll(first), /saved on this device/).waitFor();
    await first.close({ runBeforeUnload: true });
    assert.equal((await serverTally(server)).voters, 582);

    const second = await open(context, url);
    // Nothing pending once the backend is known to have it: the waiting
    // vote is sent again at once (its key makes that harmless), not after
    // the lost try's claim (11 s here) runs out.
    await line(poll(second), PENDING).waitFor({ state: 'hidden', timeout: 5000 });
    await confirmed(poll(second), 582);
    assert.equal(await myChoice(poll(second)), '6-10');
    assert.deepEqual(
      (await totals(second)).filter((t) => t !== 'Total voters: 581' && t !== 'Total voters: 582'),
      [],
      'never 583'
    );
    assert.equal((await serverTally(server)).voters, 582);
  });
});

test('two tabs voting at once end on the ballot the server counted, remembered, announced once', async () => {
  await withServer(async (server) => {
    const context = await env.context();
    // Which interleaving happens is the browser's choice: where both votes
    // are sent the backend keeps the first and refuses the other (409);
    // where one tab already sees the other's vote waiting as it votes, it
    // takes that one and sends nothing. The ending must be the same.
    let sent = 0;
    context.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/votes')) sent += 1;
    });
    const url = await pollPage(context, server, 'endpoint="/api"');
    const a = await open(context, url);
    const b = await open(context, url);
    await radio(poll(a), '1-5').check();
    await radio(poll(b), '16+').check();
    await Promise.all([button(poll(a)).click(), button(poll(b)).click()]);
    const shownA = await settledChoice(a);
    const shownB = await settledChoice(b);
    const tally = await serverTally(server);
    assert.equal(tally.voters, 582);
    assert.ok(sent === 1 || sent === 2, `votes sent: ${sent}`);
    if (sent === 2) env.expectErrors(/status of 409/);
    // The option whose count went up, as its id and its label.
    const [id, label] = tally.counts['1-5'] === 94 ? ['1-5', '1-5'] : ['16-plus', '16+'];
    assert.equal(shownA, label);
    assert.equal(shownB, label);
    // Announced once, by the tab whose vote counted.
    const [winner, loser] = id === '1-5' ? [a, b] : [b, a];
    assert.deepEqual(await voted(winner), [[id]]);
    assert.deepEqual(await voted(loser), []);
    // Remembered: a new tab shows it too.
    const c = await context.newPage();
    await c.goto(url);
    assert.equal(await settledChoice(c), label);
  });
});

test('without an endpoint and with storage full, the reader is told the vote is not kept on this device', async () => {
  await withServer(async (server) => {
    const context = await env.context();
    await context.addInitScript(() => {
      Storage.prototype.setItem = () => {
        throw new DOMException('full', 'QuotaExceededError');
      };
    });
    // The definition comes with the page; there is no endpoint.
    const definition = {
      id: 'overtime-hours',
      question: QUESTION,
      options: [
        { id: '1-5', label: '1-5' },
        { id: '6-10', label: '6-10' },
      ],
    };
    const url = await servePage(context, server.url, '/delivery-local', articlePage({ content: pollElement(definition) }));
    const page = await open(context, url);
    await vote(poll(page), '6-10');
    await line(poll(page), 'Your vote is not kept on this device: this browser would not store it.').waitFor();
    // And indeed it is not: the next visit shows the ballot again.
    await page.reload();
    await radio(poll(page), '6-10').waitFor();
    assert.equal(await radio(poll(page), '6-10').isChecked(), false);
  });
});

test('a refused vote is logged as refused, with its reason, not as an unavailable poll', async () => {
  env.expectErrors(/status of 403/, /^readerpoll: vote refused: poll_closed: This poll is closed\.$/);
  await withServer(async (server) => {
    const context = await env.context();
    const url = await pollPage(context, server, 'endpoint="/api"');
    await context.route('**/api/polls/overtime-hours/votes', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: '{"error":{"code":"poll_closed","message":"This poll is closed."}}',
      })
    );
    const page = await open(context, url);
    await vote(poll(page), '6-10');
    await line(poll(page), 'This poll is closed.').waitFor();
    await radio(poll(page), '6-10').waitFor();
    assert.ok(!env.errors.some((e) => /poll unavailable/.test(e)), env.errors.join('\n'));
  });
});
