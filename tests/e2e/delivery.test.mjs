// What the reader is told about their vote, in Chromium against the real
// reference server: the four ways it was wrong (a vote delivered as the
// page closed shown twice on the next visit; two tabs voting at once
// forgetting the vote; a vote storage cannot keep said to be counted; a
// refusal logged as an unavailable poll). The same cases are modelled
// natively in tests/delivery_model.rs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, startServer } from './harness.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

/** A fresh server (its seed polls' numbers as published) per test. */
async function withServer(run) {
  const server = await startServer();
  try {
    await run(server);
  } finally {
    await server.stop();
  }
}

/** A page on the server's origin with one poll; `attrs` go on the element. */
async function pollPage(context, server, attrs) {
  const url = `${server.url}/delivery-test`;
  await context.route(url, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Poll</title>
<script type="module" src="/readerpoll/reader-poll.js"></script></head><body>
<reader-poll poll="overtime-hours" ${attrs}></reader-poll></body></html>`,
    })
  );
  return url;
}

/**
 * Opens the poll page; records every `poll-voted` and every "Total voters"
 * line the poll ever renders (read each frame), for the returned readers.
 */
async function open(context, url) {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__voted = [];
    window.__totals = new Set();
    document.addEventListener('poll-voted', (e) => window.__voted.push(e.detail.choices));
    const look = () => {
      const total = document.querySelector('reader-poll')?.shadowRoot?.querySelector('.total');
      if (total?.textContent) window.__totals.add(total.textContent);
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
  await page.goto(url);
  await page.locator('reader-poll .poll[data-state]').waitFor();
  return page;
}

const voted = (page) => page.evaluate(() => window.__voted);
const totals = (page) => page.evaluate(() => [...window.__totals]);
const poll = (page) => page.locator('reader-poll');

async function choose(page, option) {
  await poll(page).getByRole('radio', { name: option, exact: true }).check();
}

/** The option shown as the reader's own ("Your choice"), once nothing is pending. */
async function yourChoice(page) {
  await poll(page).locator('.status').waitFor({ state: 'hidden', timeout: 15000 });
  const mine = poll(page).locator('li.row.mine');
  await mine.waitFor({ timeout: 15000 });
  return (await mine.locator('.label').textContent()).trim();
}

async function serverTally(server) {
  const response = await fetch(`${server.url}/api/polls/overtime-hours`);
  return (await response.json()).tally;
}

test('a vote that reached the backend as the page closed is not counted twice on the next visit', async () => {
  await withServer(async (server) => {
    const context = await browser.newContext();
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
    await choose(first, '6-10');
    await poll(first).getByRole('button', { name: 'Vote' }).click();
    await poll(first).locator('.status', { hasText: 'saved on this device' }).waitFor();
    await first.close({ runBeforeUnload: true });
    assert.equal((await serverTally(server)).voters, 582);

    const second = await open(context, url);
    // Nothing pending once the backend is known to have it: the waiting
    // vote is sent again at once (its key makes that harmless), not after
    // the lost try's claim (11 s here) runs out.
    await poll(second).locator('.status').waitFor({ state: 'hidden', timeout: 5000 });
    await poll(second).getByText('Total voters: 582').waitFor();
    assert.equal(await yourChoice(second), '6-10');
    assert.deepEqual(
      (await totals(second)).filter((t) => t !== 'Total voters: 581' && t !== 'Total voters: 582'),
      [],
      'never 583'
    );
    assert.equal((await serverTally(server)).voters, 582);
    await context.close();
  });
});

test('two tabs voting at once end on the ballot the server counted, remembered, announced once', async () => {
  await withServer(async (server) => {
    const context = await browser.newContext();
    const url = await pollPage(context, server, 'endpoint="/api"');
    const a = await open(context, url);
    const b = await open(context, url);
    await choose(a, '1-5');
    await choose(b, '16+');
    await Promise.all([
      poll(a).getByRole('button', { name: 'Vote' }).click(),
      poll(b).getByRole('button', { name: 'Vote' }).click(),
    ]);
    const shownA = await yourChoice(a);
    const shownB = await yourChoice(b);
    const tally = await serverTally(server);
    assert.equal(tally.voters, 582);
    // The option whose count went up, as its id and its label.
    const [id, label] = tally.counts['1-5'] === 94 ? ['1-5', '1-5'] : ['16-plus', '16+'];
    assert.equal(shownA, label);
    assert.equal(shownB, label);
    // Announced once, by the tab whose vote counted.
    const [winner, loser] = id === '1-5' ? [a, b] : [b, a];
    assert.deepEqual(await voted(winner), [[id]]);
    assert.deepEqual(await voted(loser), []);
    // Remembered: a new tab shows it too.
    const c = await open(context, url);
    assert.equal(await yourChoice(c), label);
    await context.close();
  });
});

test('without an endpoint and with storage full, the reader is told the vote is not kept on this device', async () => {
  await withServer(async (server) => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      Storage.prototype.setItem = () => {
        throw new DOMException('full', 'QuotaExceededError');
      };
    });
    // The definition comes with the page; there is no endpoint.
    const definition = JSON.stringify({
      id: 'overtime-hours',
      question: 'How many hours above your contracted hours are you working a week?',
      options: [
        { id: '1-5', label: '1-5' },
        { id: '6-10', label: '6-10' },
      ],
    });
    const url = `${server.url}/delivery-local`;
    await context.route(url, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Poll</title>
<script type="module" src="/readerpoll/reader-poll.js"></script></head><body>
<reader-poll poll="overtime-hours"><script type="application/json">${definition}</script></reader-poll></body></html>`,
      })
    );
    const page = await open(context, url);
    await choose(page, '6-10');
    await poll(page).getByRole('button', { name: 'Vote' }).click();
    await poll(page)
      .locator('.status', { hasText: 'Your vote is not kept on this device' })
      .waitFor();
    // And indeed it is not: the next visit shows the ballot again.
    await page.reload();
    await poll(page).getByRole('radio', { name: '6-10', exact: true }).waitFor();
    await context.close();
  });
});

test('a refused vote is logged as refused, with its reason, not as an unavailable poll', async () => {
  await withServer(async (server) => {
    const context = await browser.newContext();
    const url = await pollPage(context, server, 'endpoint="/api"');
    await context.route('**/api/polls/overtime-hours/votes', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: '{"error":{"code":"poll_closed","message":"This poll is closed."}}',
      })
    );
    const page = await open(context, url);
    const lines = [];
    page.on('console', (m) => {
      if (m.text().startsWith('readerpoll:')) lines.push(m.text());
    });
    await choose(page, '6-10');
    await poll(page).getByRole('button', { name: 'Vote' }).click();
    await poll(page).locator('.notice', { hasText: 'This poll is closed.' }).waitFor();
    await poll(page).getByRole('radio', { name: '6-10', exact: true }).waitFor();
    assert.deepEqual(lines, ['readerpoll: vote refused: poll_closed: This poll is closed.']);
    await context.close();
  });
});
