// The element's life cycle against what real sites do: react to the poll's
// events by removing or changing it, set properties before the module has
// loaded, hide it, and hand it input that breaks the mount. The poll must
// end in an honest state, and nothing may throw into the page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowserAndServer, watchErrors } from './harness.mjs';
import { articlePage, inlineJson, pollElement, servePage } from './pages.mjs';

const env = sharedBrowserAndServer();

const POLL = {
  id: 'lunch-breaks',
  question: 'Do you get a lunch break?',
  options: [
    { id: 'yes', label: 'Yes' },
    { id: 'no', label: 'No' },
  ],
  counts: { yes: 3, no: 7 },
  voters: 10,
};

// `bare`: a page without the demo's stylesheet, so only the widget's own
// styles apply to the element.
async function open(path, content, setup, arg, { bare = false } = {}) {
  const context = await env.browser.newContext();
  if (setup) await context.addInitScript(setup, arg);
  const html = bare
    ? `<!doctype html><html lang="en"><head><script type="module" src="/readerpoll/reader-poll.js"></script></head><body>${content}</body></html>`
    : articlePage({ content });
  const url = await servePage(context, env.server.url, path, html);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(url);
  return { context, page, errors };
}

test('a poll removed by a poll-ready listener is not left mounted, and one re-configured from poll-error shows the new definition', async () => {
  const broken = `<reader-poll id="broken"><script type="application/json">{"id": "x"}</script></reader-poll>`;
  const live = '<reader-poll poll="overtime-hours" endpoint="/api" live></reader-poll>';
  const { context, page, errors } = await open('/events.html', `${live}${broken}`, () => {
    window.__sources = 0;
    const Real = window.EventSource;
    window.EventSource = class extends Real {
      constructor(...args) {
        super(...args);
        window.__sources++;
      }
    };
    let removed = false;
    document.addEventListener('poll-ready', (e) => {
      if (!removed && e.target.getAttribute('poll') === 'overtime-hours') {
        removed = true;
        e.target.remove();
      }
    });
    document.addEventListener(
      'poll-error',
      (e) => {
        e.target.config = { id: 'fixed', question: 'Fixed?', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] };
      },
      { once: true }
    );
  });
  const fixed = page.locator('#broken');
  await fixed.locator('legend', { hasText: 'Fixed?' }).waitFor();
  assert.equal(await page.locator('reader-poll[poll="overtime-hours"]').count(), 0);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__sources), 0, 'no live stream for a removed poll');
  // The element that was removed can come back and works.
  await page.evaluate((html) => document.body.insertAdjacentHTML('beforeend', html), live);
  await page.locator('reader-poll[poll="overtime-hours"] .poll[data-state="ballot"]').waitFor();
  await page.waitForFunction(() => window.__sources === 1);
  assert.deepEqual(errors.filter((e) => !e.includes('poll unavailable')), []);
  await context.close();
});

test('a site that removes the poll as focus moves after a vote breaks nothing, for this poll or the others', async () => {
  const second = { ...POLL, id: 'second-poll', question: 'A second poll?' };
  const { context, page, errors } = await open('/focus.html', `${pollElement(POLL)}${pollElement(second)}`);
  const first = page.locator('reader-poll[poll="lunch-breaks"]');
  await first.locator('.poll[data-state="ballot"]').waitFor();
  await first.locator('input[value="no"]').check();
  // After the vote the poll moves focus to its results heading; the site
  // removes the poll right then. (A click by script: no focus of its own.)
  await page.evaluate(() => {
    const el = document.querySelector('reader-poll[poll="lunch-breaks"]');
    // Focus outside the poll first: a move inside its shadow root is not
    // seen by the page.
    el.shadowRoot.activeElement?.blur();
    document.addEventListener('focusin', () => el.remove(), true);
    el.shadowRoot.querySelector('button.vote').click();
  });
  await page.waitForFunction(() => !document.querySelector('reader-poll[poll="lunch-breaks"]'));
  const other = page.locator('reader-poll[poll="second-poll"]');
  await other.locator('input[value="yes"]').check();
  await other.locator('button.vote').click();
  await other.locator('.total', { hasText: 'Total voters: 11' }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test('properties set before the element is defined are used', async () => {
  const host = '<reader-poll id="early"></reader-poll>';
  const { context, page, errors } = await open('/early.html', host, (poll) => {
    new MutationObserver((_, observer) => {
      const el = document.getElementById('early');
      if (el && !customElements.get('reader-poll')) {
        el.config = poll;
        el.texts = { vote: 'Send my answer' };
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  }, POLL);
  const el = page.locator('#early');
  await el.locator('legend', { hasText: POLL.question }).waitFor();
  assert.equal((await el.locator('button.vote').textContent()).trim(), 'Send my answer');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a hidden poll takes no space, and a poll whose mount fails shows its fallback', async () => {
  const hidden = pollElement(POLL, 'hidden');
  const fallback = `<reader-poll id="throws"><script type="application/json">${inlineJson({ ...POLL, id: 'other' })}</script><p class="fallback">Vote on our site.</p></reader-poll>`;
  const { context, page, errors } = await open('/hidden.html', `${hidden}${fallback}`, () => {
    // Texts a site built badly: reading them throws while mounting.
    customElements.whenDefined('reader-poll').then(() => {
      document.getElementById('throws').texts = {
        get vote() {
          throw new Error('no texts today');
        },
      };
    });
  }, undefined, { bare: true });
  const box = await page.locator(`reader-poll[poll="${POLL.id}"]`).boundingBox();
  assert.equal(box, null, 'hidden: not rendered');
  await page.locator('#throws .fallback').waitFor({ state: 'visible' });
  assert.ok(errors.some((e) => e.includes('internal') && e.includes('no texts today')), errors.join('\n'));
  await context.close();
});

test('moving a poll keeps it as it is; removing it mid-load and adding it back loads it', async () => {
  const { context, page, errors } = await open('/move.html', `<div id="a">${pollElement(POLL)}</div><div id="b"></div>`);
  const el = page.locator('reader-poll[poll="lunch-breaks"]');
  await el.locator('input[value="no"]').check();
  await page.evaluate(() => document.getElementById('b').append(document.querySelector('reader-poll')));
  assert.equal(await page.locator('#b reader-poll').count(), 1);
  assert.equal(await el.locator('input[value="no"]').isChecked(), true, 'the choice survives the move');
  // Removed before its load finished, then back: it loads.
  await page.evaluate(async (html) => {
    document.body.insertAdjacentHTML('beforeend', html);
    const late = document.body.lastElementChild;
    await Promise.resolve();
    late.remove();
    await new Promise((r) => setTimeout(r, 50));
    document.body.append(late);
  }, pollElement({ ...POLL, id: 'late-poll' }));
  await page.locator('reader-poll[poll="late-poll"] .poll[data-state="ballot"]').waitFor();
  assert.equal(await page.locator('reader-poll[poll="late-poll"] fieldset').count(), 1);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a poll left open on the page opens and closes at its dates', async () => {
  const at = (seconds) => new Date(Math.ceil(Date.now() / 1000) * 1000 + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const opening = { ...POLL, id: 'opening', opens_at: at(2), closes_at: at(4) };
  const { context, page, errors } = await open('/dates.html', pollElement(opening));
  const el = page.locator('reader-poll[poll="opening"]');
  await el.locator('.status', { hasText: 'This poll is not open yet.' }).waitFor();
  await el.locator('.poll[data-state="ballot"]').waitFor({ timeout: 5000 });
  await el.locator('.status', { hasText: 'This poll is closed.' }).waitFor({ timeout: 5000 });
  assert.equal(await el.locator('fieldset').isVisible(), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a poll on a page in a language without built-in texts is marked in the page's language", async () => {
  const context = await env.browser.newContext();
  const html = articlePage({ lang: 'ja', content: pollElement(POLL, 'data-text-vote="投票する"') });
  const page = await context.newPage();
  await page.goto(await servePage(page, env.server.url, '/ja.html', html));
  const el = page.locator(`reader-poll[poll="${POLL.id}"]`);
  await el.locator('.poll[data-state="ballot"]').waitFor();
  assert.equal(await el.locator('.poll').getAttribute('lang'), 'ja');
  assert.equal((await el.locator('button.vote').textContent()).trim(), '投票する');
  await context.close();
});

test('a text set or removed by a data-text attribute after the poll is live takes effect', async () => {
  const { context, page, errors } = await open('/texts.html', pollElement(POLL));
  const el = page.locator(`reader-poll[poll="${POLL.id}"]`);
  await el.locator('.poll[data-state="ballot"]').waitFor();
  await page.evaluate(() => document.querySelector('reader-poll').setAttribute('data-text-vote', 'Send my answer'));
  await el.locator('button.vote', { hasText: 'Send my answer' }).waitFor({ timeout: 5000 });
  await page.evaluate(() => document.querySelector('reader-poll').removeAttribute('data-text-vote'));
  await el.locator('button.vote', { hasText: /^\s*Vote\s*$/ }).waitFor({ timeout: 5000 });
  // Other attributes a site sets (its own data, classes) leave the poll be.
  const before = await el.locator('.poll').elementHandle();
  await page.evaluate(() => document.querySelector('reader-poll').setAttribute('data-tracking', 'x'));
  await page.waitForTimeout(200);
  assert.equal(await before.evaluate((n) => n.isConnected), true, 'not remounted');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a server that sends the wasm without its MIME type still gets working polls; one that fails it gets the fallback and a retryable poll-error', async () => {
  for (const [answer, works] of [
    [{ status: 200, contentType: 'application/octet-stream' }, true],
    [{ status: 404, contentType: 'text/html', body: '<p>not found</p>' }, false],
  ]) {
    const context = await env.browser.newContext();
    await context.route(`${env.server.url}/readerpoll/pkg/readerpoll_bg.wasm`, async (route) => {
      const body = answer.body ?? (await (await route.fetch()).body());
      return route.fulfill({ status: answer.status, contentType: answer.contentType, body });
    });
    await context.addInitScript(() => {
      document.addEventListener('poll-error', (e) => (window.__errors ??= []).push(e.detail));
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(await servePage(page, env.server.url, '/mime.html', articlePage({ content: pollElement(POLL).replace('</reader-poll>', '<p class="fallback">No JS poll</p></reader-poll>') })));
    const el = page.locator(`reader-poll[poll="${POLL.id}"]`);
    if (works) {
      await el.locator('input[value="yes"]').check();
      await el.locator('button.vote').click();
      await el.locator('.total', { hasText: 'Total voters: 11' }).waitFor();
      assert.deepEqual(errors, []);
    } else {
      await page.waitForFunction(() => window.__errors?.length > 0);
      const [detail] = await page.evaluate(() => window.__errors);
      assert.equal(detail.code, 'wasm_unavailable');
      assert.equal(detail.retryable, true);
      assert.match(detail.message, /HTTP 404/);
      assert.equal(await el.locator('.fallback').isVisible(), true);
    }
    await context.close();
  }
});

test('a setting changed while a loading poll is being moved is the one it loads with', async () => {
  const context = await env.browser.newContext();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await context.route(`${env.server.url}/readerpoll/pkg/readerpoll_bg.wasm`, async (route) => {
    await held;
    await route.fallback();
  });
  const posts = [];
  const tally = { counts: POLL.counts, voters: POLL.voters };
  await context.route(`${env.server.url}/api2/**`, (route) => {
    if (route.request().method() === 'POST') posts.push(route.request().url());
    const body = route.request().method() === 'POST' ? { tally: { counts: { yes: 3, no: 8 }, voters: 11 }, counted: true } : { poll: {}, tally, open: true };
    return route.fulfill({ status: route.request().method() === 'POST' ? 201 : 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
  const page = await context.newPage();
  await page.goto(await servePage(page, env.server.url, '/moving.html', articlePage({ content: `<div id="a">${pollElement(POLL)}</div><div id="b"></div>` })));
  await page.waitForTimeout(300); // the load is waiting for the wasm
  await page.evaluate(() => {
    const el = document.querySelector('reader-poll');
    el.remove();
    el.setAttribute('endpoint', '/api2');
    document.getElementById('b').append(el);
  });
  release();
  const el = page.locator('#b reader-poll');
  await el.locator('input[value="no"]').check();
  await el.locator('button.vote').click();
  await el.locator('.total', { hasText: 'Total voters: 11' }).waitFor();
  assert.equal(posts.length, 1, 'the vote went to the endpoint set during the move');
  await context.close();
});
