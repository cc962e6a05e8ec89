// The element's life cycle against what real sites do: react to the poll's
// events by removing or changing it, set properties before the module has
// loaded, hide it, and hand it input that breaks the mount; and the promises
// the element makes to a site: its dates, its results policy, reduced
// motion, its languages and their overrides. The poll must end in an honest
// state, and nothing may throw into the page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pollOf, recordEvents, useBrowser, waitForEvents } from './harness.mjs';
import { articlePage, inlineJson, pollElement, servePage } from './pages.mjs';
import { ballot, button, confirmed, line, myChoice, radio, resultList, resultRows, vote } from './reader.mjs';

const env = useBrowser();

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

/**
 * Opens `content` in an article page at `path` of the real server, in a new
 * context; `setup` (with `arg`) runs in the page before its scripts.
 * `stylesheet: null`: without the demo's stylesheet, so only the widget's
 * own styles apply to the element.
 */
async function open(path, content, { setup, arg, stylesheet, lang, context: options } = {}) {
  const context = await env.context(options);
  await recordEvents(context);
  if (setup) await context.addInitScript(setup, arg);
  const url = await servePage(context, env.server.url, path, articlePage({ content, stylesheet, lang }));
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

test('a poll removed by a poll-ready listener is not left mounted, and one re-configured from poll-error shows the new definition', async () => {
  env.expectErrors(/^readerpoll: poll unavailable: missing_field: /);
  const broken = `<reader-poll id="broken"><script type="application/json">{"id": "x"}</script></reader-poll>`;
  const live = '<reader-poll poll="overtime-hours" endpoint="/api" live></reader-poll>';
  const { page } = await open('/events.html', `${live}${broken}`, {
    setup: () => {
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
    },
  });
  await ballot(page.locator('#broken'), 'Fixed?').waitFor();
  assert.equal(await pollOf(page, 'overtime-hours').count(), 0);
  // The removed poll's mount is over once its poll-ready fired: a stream
  // is opened in that same task or never.
  const ready = await waitForEvents(page, 'poll-ready', 2);
  assert.deepEqual(ready.map((d) => d.poll).sort(), ['fixed', 'overtime-hours']);
  assert.equal(await page.evaluate(() => window.__sources), 0, 'no live stream for a removed poll');
  // The element that was removed can come back and works.
  await page.evaluate((html) => document.body.insertAdjacentHTML('beforeend', html), live);
  await ballot(pollOf(page, 'overtime-hours')).waitFor();
  await page.waitForFunction(() => window.__sources === 1);
});

test('a site that removes the poll as focus moves after a vote breaks nothing, for this poll or the others', async () => {
  const second = { ...POLL, id: 'second-poll', question: 'A second poll?' };
  const { page } = await open('/focus.html', `${pollElement(POLL)}${pollElement(second)}`);
  const first = pollOf(page, 'lunch-breaks');
  await radio(first, 'No').check();
  // After the vote the poll moves focus to its results heading; the site
  // removes the poll right then. (A click by script: no focus of its own.)
  await page.evaluate(() => {
    const el = document.querySelector('reader-poll[poll="lunch-breaks"]');
    // Focus outside the poll first: a move inside its shadow root is not
    // seen by the page.
    el.shadowRoot.activeElement?.blur();
    document.addEventListener('focusin', () => el.remove(), true);
    [...el.shadowRoot.querySelectorAll('button')].find((b) => b.textContent === 'Vote').click();
  });
  await page.waitForFunction(() => !document.querySelector('reader-poll[poll="lunch-breaks"]'));
  const other = pollOf(page, 'second-poll');
  await vote(other, 'Yes');
  await confirmed(other, 11);
});

test('properties set before the element is defined are used', async () => {
  const host = '<reader-poll id="early"></reader-poll>';
  const { page } = await open('/early.html', host, {
    setup: (poll) => {
      new MutationObserver((_, observer) => {
        const el = document.getElementById('early');
        if (el && !customElements.get('reader-poll')) {
          el.config = poll;
          el.texts = { vote: 'Send my answer' };
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    },
    arg: POLL,
  });
  const el = page.locator('#early');
  await ballot(el, POLL.question).waitFor();
  await button(el, 'Send my answer').waitFor();
  assert.equal(await button(el, 'Vote').count(), 0);
});

test('a hidden poll takes no space, and a poll whose mount fails shows its fallback', async () => {
  env.expectErrors(/^readerpoll: poll unavailable: internal: .*no texts today/);
  const hidden = pollElement(POLL, 'hidden');
  const fallback = `<reader-poll id="throws"><script type="application/json">${inlineJson({ ...POLL, id: 'other' })}</script><p>Vote on our site.</p></reader-poll>`;
  const { page } = await open('/hidden.html', `${hidden}${fallback}`, {
    stylesheet: null,
    setup: () => {
      // Texts a site built badly: reading them throws while mounting.
      customElements.whenDefined('reader-poll').then(() => {
        document.getElementById('throws').texts = {
          get vote() {
            throw new Error('no texts today');
          },
        };
      });
    },
  });
  await page.getByText('Vote on our site.').waitFor({ state: 'visible' });
  assert.equal(await pollOf(page, POLL.id).boundingBox(), null, 'hidden: not rendered');
  const [failure] = await waitForEvents(page, 'poll-error');
  assert.deepEqual(
    { poll: failure.poll, code: failure.code, retryable: failure.retryable },
    { poll: null, code: 'internal', retryable: false }
  );
});

test('moving a poll keeps it as it is; removing it mid-load and adding it back loads it', async () => {
  const { page } = await open('/move.html', `<div id="a">${pollElement(POLL)}</div><div id="b"></div>`);
  const el = pollOf(page, 'lunch-breaks');
  await radio(el, 'No').check();
  await page.evaluate(() => document.getElementById('b').append(document.querySelector('reader-poll')));
  assert.equal(await page.locator('#b reader-poll').count(), 1);
  assert.equal(await radio(el, 'No').isChecked(), true, 'the choice survives the move');
  // Removed before its load finished, then back: it loads.
  await page.evaluate(async (html) => {
    document.body.insertAdjacentHTML('beforeend', html);
    const late = document.body.lastElementChild;
    await Promise.resolve();
    late.remove();
    // A task later: the removal has been seen (a microtask) before it is back.
    await new Promise((r) => setTimeout(r, 0));
    document.body.append(late);
  }, pollElement({ ...POLL, id: 'late-poll' }));
  await ballot(pollOf(page, 'late-poll')).waitFor();
  assert.equal(await ballot(pollOf(page, 'late-poll')).count(), 1);
});

// Dates on the page's clock: Playwright's fake clock drives Date and the
// timers of the page (the wasm reads both through it). The clock is paused
// at 09:00:10 before the page loads; the widget wakes 50 ms after a date.
// `clockedPage` opens `content` so.
const T0 = Date.parse('2026-11-02T09:00:00Z');
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

async function clockedPage(path, content) {
  const page = await env.page();
  await page.clock.install({ time: T0 });
  await page.clock.pauseAt(T0 + 10_000);
  await page.goto(await servePage(page, env.server.url, path, articlePage({ content })));
  return page;
}

test('a poll left open on the page opens and closes at its dates', async () => {
  const opening = { ...POLL, id: 'opening', opens_at: iso(T0 + 60_000), closes_at: iso(T0 + 120_000) };
  const page = await clockedPage('/dates.html', pollElement(opening));
  const el = pollOf(page, 'opening');
  await line(el, 'This poll is not open yet.').waitFor();
  assert.equal(await ballot(el).isVisible(), false);
  await page.clock.runFor(49_000); // 09:00:59
  assert.equal(await line(el, 'This poll is not open yet.').isVisible(), true, 'not a second early');
  await page.clock.runFor(1_100); // 09:01:00.1
  await ballot(el, POLL.question).waitFor();
  await line(el, 'This poll is not open yet.').waitFor({ state: 'hidden' });
  await page.clock.runFor(59_000); // 09:01:59.1
  assert.equal(await ballot(el, POLL.question).isVisible(), true, 'still open');
  await page.clock.runFor(1_000); // 09:02:00.1
  await line(el, 'This poll is closed.').waitFor();
  assert.equal(await ballot(el).isVisible(), false);
});

test('results "never": the reader votes, is thanked, and sees no numbers, before or after', async () => {
  const secret = { ...POLL, id: 'secret', results: 'never' };
  const { page } = await open('/never.html', pollElement(secret));
  const el = pollOf(page, 'secret');
  await ballot(el, POLL.question).waitFor();
  assert.equal(await button(el, 'View results').count(), 0, 'no peeking');
  await vote(el, 'Yes');
  await line(el, 'Thank you for voting.').waitFor();
  await line(el, 'The results of this poll are not published.').waitFor();
  assert.equal(await el.getByRole('listitem').count(), 0);
  assert.equal(await el.getByText(/Total voters|%/).count(), 0);
  // The vote is remembered, and still no numbers after a reload.
  await page.reload();
  await line(el, 'Thank you for voting.').waitFor();
  assert.equal(await el.getByRole('listitem').count(), 0);
  assert.equal(await ballot(el).isVisible(), false);
});

test('results "after_close": numbers only once the poll has closed, on the page clock', async () => {
  const later = { ...POLL, id: 'later', results: 'after_close', closes_at: iso(T0 + 60_000) };
  const page = await clockedPage('/after-close.html', pollElement(later));
  const el = pollOf(page, 'later');
  await ballot(el, POLL.question).waitFor();
  assert.equal(await button(el, 'View results').count(), 0, 'no peeking while open');
  await vote(el, 'No');
  await line(el, 'Thank you for voting.').waitFor();
  await line(el, 'Results will be shown when the poll closes.').waitFor();
  assert.equal(await el.getByRole('listitem').count(), 0);
  await page.clock.runFor(49_000); // 09:00:59
  assert.equal(await el.getByRole('listitem').count(), 0, 'not a second early');
  await page.clock.runFor(1_100); // 09:01:00.1, past the closing time
  await line(el, 'Total voters: 11').waitFor();
  assert.deepEqual(await resultRows(el), ['Yes — 27% (3 votes)', 'No — 73% (8 votes) Your choice']);
  assert.equal(await myChoice(el), 'No');
  await line(el, 'Results will be shown when the poll closes.').waitFor({ state: 'hidden' });
});

test('reduced motion: the bars do not animate for a reader who asked for less motion', async () => {
  const duration = async (reducedMotion) => {
    const { page } = await open('/motion.html', pollElement(POLL), { context: { reducedMotion } });
    const el = pollOf(page, POLL.id);
    await button(el, 'View results').click();
    await resultList(el).waitFor();
    return el.locator('[part~="bar"]').first().evaluate((bar) => getComputedStyle(bar).transitionDuration);
  };
  assert.equal(await duration('no-preference'), '0.4s');
  assert.equal(await duration('reduce'), '0s');
});

test("overrides beat the language's file; a language file that fails to load leaves the poll in English", async () => {
  const german = await open('/de.html', pollElement(POLL, 'data-text-vote="Jetzt abstimmen"'), { lang: 'de' });
  const de = pollOf(german.page, POLL.id);
  await button(de, 'Jetzt abstimmen').waitFor();
  // The rest comes from locales/de.json.
  await button(de, 'Ergebnisse ansehen').click();
  await line(de, 'Teilnehmende insgesamt: 10').waitFor();

  env.expectErrors(/status of 404/);
  const context = await env.context();
  await context.route(`${env.server.url}/readerpoll/locales/de.json`, (route) =>
    route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' })
  );
  const page = await context.newPage();
  await page.goto(await servePage(page, env.server.url, '/de-missing.html', articlePage({ lang: 'de', content: pollElement(POLL) })));
  const el = pollOf(page, POLL.id);
  await button(el, 'Vote').waitFor();
  await button(el, 'View results').click();
  await line(el, 'Total voters: 10').waitFor();
  // English words, German numbers ("30 %": the accessibility tree reads
  // the no-break space as a space): the language is still German.
  assert.deepEqual(await resultRows(el), ['Yes — 30 % (3 votes)', 'No — 70 % (7 votes)']);
});

test("a poll on a page in a language without built-in texts is marked in the page's language", async () => {
  const { page } = await open('/ja.html', pollElement(POLL, 'data-text-vote="投票する"'), { lang: 'ja' });
  const el = pollOf(page, POLL.id);
  await button(el, '投票する').waitFor();
  assert.equal(await el.locator('[part~="poll"]').getAttribute('lang'), 'ja');
});

test('a text set or removed by a data-text attribute after the poll is live takes effect; other attributes leave it be', async () => {
  const { page } = await open('/texts.html', pollElement(POLL));
  const el = pollOf(page, POLL.id);
  await button(el).waitFor();
  await page.evaluate(() => document.querySelector('reader-poll').setAttribute('data-text-vote', 'Send my answer'));
  await button(el, 'Send my answer').waitFor();
  await page.evaluate(() => document.querySelector('reader-poll').removeAttribute('data-text-vote'));
  await button(el, 'Vote').waitFor();
  // Whether setting an attribute rebuilds the poll: a rebuild with the
  // runtime loaded and no language file to fetch is done within the task
  // that saw the change, so one task later the old nodes are gone if
  // it happened.
  const rebuilds = (name, value) =>
    page.evaluate(
      async ([n, v]) => {
        const host = document.querySelector('reader-poll');
        const before = host.shadowRoot.querySelector('[part~="poll"]');
        host.setAttribute(n, v);
        await new Promise((r) => setTimeout(r, 0));
        return !before.isConnected;
      },
      [name, value]
    );
  assert.equal(await rebuilds('data-tracking', 'x'), false, 'a site attribute');
  assert.equal(await rebuilds('class', 'wide'), false, 'a class');
  // The check sees a rebuild when there is one.
  assert.equal(await rebuilds('data-text-vote', 'Again'), true, 'a text');
  await button(el, 'Again').waitFor();
});

test('a server that sends the wasm without its MIME type still gets working polls; one that fails it gets the fallback and a retryable poll-error', async () => {
  env.expectErrors(/status of 404/, /^readerpoll: poll unavailable: wasm_unavailable: .*HTTP 404/);
  for (const [answer, works] of [
    [{ status: 200, contentType: 'application/octet-stream' }, true],
    [{ status: 404, contentType: 'text/html', body: '<p>not found</p>' }, false],
  ]) {
    const context = await env.context();
    await recordEvents(context);
    await context.route(`${env.server.url}/readerpoll/pkg/readerpoll_bg.wasm`, async (route) => {
      const body = answer.body ?? (await (await route.fetch()).body());
      return route.fulfill({ status: answer.status, contentType: answer.contentType, body });
    });
    const page = await context.newPage();
    const content = pollElement(POLL).replace('</reader-poll>', '<p>No JS poll</p></reader-poll>');
    await page.goto(await servePage(page, env.server.url, '/mime.html', articlePage({ content })));
    const el = pollOf(page, POLL.id);
    if (works) {
      await vote(el, 'Yes');
      await confirmed(el, 11);
      assert.equal(await el.getByText('No JS poll').isVisible(), false);
    } else {
      const [detail] = await waitForEvents(page, 'poll-error');
      assert.equal(detail.code, 'wasm_unavailable');
      assert.equal(detail.retryable, true);
      assert.match(detail.message, /HTTP 404/);
      assert.equal(await el.getByText('No JS poll').isVisible(), true);
    }
  }
});

test('a setting changed while a loading poll is being moved is the one it loads with', async () => {
  const context = await env.context();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  let asked;
  const wasmAsked = new Promise((resolve) => (asked = resolve));
  await context.route(`${env.server.url}/readerpoll/pkg/readerpoll_bg.wasm`, async (route) => {
    asked();
    await held;
    await route.fallback();
  });
  const posts = [];
  const tally = { counts: POLL.counts, voters: POLL.voters };
  await context.route(`${env.server.url}/api2/**`, (route) => {
    const post = route.request().method() === 'POST';
    if (post) posts.push(route.request().url());
    const body = post ? { tally: { counts: { yes: 3, no: 8 }, voters: 11 }, counted: true } : { poll: {}, tally, open: true };
    return route.fulfill({ status: post ? 201 : 200, contentType: 'application/json', body: JSON.stringify(body) });
  });
  const page = await context.newPage();
  await page.goto(await servePage(page, env.server.url, '/moving.html', articlePage({ content: `<div id="a">${pollElement(POLL)}</div><div id="b"></div>` })));
  await wasmAsked; // the load is waiting for the wasm
  await page.evaluate(() => {
    const el = document.querySelector('reader-poll');
    el.remove();
    el.setAttribute('endpoint', '/api2');
    document.getElementById('b').append(el);
  });
  release();
  const el = page.locator('#b reader-poll');
  await vote(el, 'No');
  await confirmed(el, 11);
  assert.deepEqual(posts, [`${env.server.url}/api2/polls/lunch-breaks/votes`], 'the vote went to the endpoint set during the move');
});
