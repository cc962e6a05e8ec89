// The WP-Polls adapter against a fake WordPress site that speaks the
// plugin's wire format: admin-ajax.php answering 200 with results HTML or a
// plain-text refusal, and the polls/v1 REST API with counts that carry
// thousands separators. The element hydrates the plugin's own markup.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './harness.mjs';
import { ORIGIN, serveSite } from './fake-site.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

const ANSWERS = [
  { id: 21, text: '1-5', votes: 93 },
  { id: 22, text: '6-10', votes: 1184 },
  { id: 23, text: '11-15', votes: 134 },
  { id: 24, text: '16+', votes: 170 },
];

/** A WordPress site with WP-Polls, living inside Playwright's router. */
function fakeWordPress({ nonce = 'n0nce5', open = true, closesOnVote = false, votedByIp = false } = {}) {
  const site = {
    posts: [], // every admin-ajax body, parsed
    answers: ANSWERS.map((a) => ({ ...a })),
    voters: 1581,
    open,
  };
  const rest = () => ({
    id: 5,
    question: 'How many hours above your contracted hours are you working a week?',
    answers: site.answers.map((a) => ({ id: a.id, text: a.text, votes: a.votes.toLocaleString('en') })),
    total_votes: site.answers.reduce((s, a) => s + a.votes, 0),
    total_voters: site.voters.toLocaleString('en'),
    multiple: 0,
    is_open: site.open,
    has_voted: false,
    can_vote: site.open,
    html: `<div id="polls-5"><input type="hidden" id="poll_5_nonce" value="${nonce}"></div>`,
  });
  const results = () =>
    `<div id="polls-5" class="wp-polls"><p><strong>How many hours?</strong></p><ul>` +
    site.answers.map((a) => `<li>${a.text} <small>(${a.votes.toLocaleString('en')} Votes)</small></li>`).join('') +
    `</ul><input type="hidden" id="poll_5_nonce" value="fresh"></div>`;
  site.install = async (context) => {
    await context.route(`${ORIGIN}/wp-json/polls/v1/poll/*`, (route) => {
      const id = route.request().url().split('/').pop();
      if (id !== '5') return route.fulfill({ status: 404, contentType: 'application/json', body: '{"code":"not_found"}' });
      return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(rest()) });
    });
    await context.route(`${ORIGIN}/wp-admin/admin-ajax.php`, (route) => {
      const form = new URLSearchParams(route.request().postData() ?? '');
      site.posts.push(Object.fromEntries(form));
      const text = (body) => route.fulfill({ status: 200, contentType: 'text/html; charset=UTF-8', body });
      if (form.get('action') !== 'polls') return text('0');
      const id = form.get('poll_id');
      if (id !== '5') return text(`Invalid Poll ID. Poll ID #${id}`);
      if (form.get('view') === 'result') return text(results());
      if (form.get(`poll_${id}_nonce`) !== nonce) return text('Failed To Verify Referrer');
      if (closesOnVote) site.open = false;
      if (!site.open) return text(`Poll ID #${id} is closed`);
      if (votedByIp) return text(`You Had Already Voted For This Poll. Poll ID #${id}`);
      for (const answer of form.get(`poll_${id}`).split(',')) {
        site.answers.find((a) => String(a.id) === answer).votes += 1;
      }
      site.voters += 1;
      return text(results());
    });
  };
  return site;
}

/** An article with the plugin's own markup wrapped in the element. */
function article(nonce = 'n0nce5') {
  const li = ANSWERS.map(
    (a) => `<li><input type="radio" id="poll-answer-${a.id}" name="poll_5" value="${a.id}"> <label for="poll-answer-${a.id}">${a.text}</label></li>`
  ).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>WP</title>
<script type="module" src="/readerpoll/reader-poll.js"></script></head><body>
<reader-poll protocol="wp-polls" poll="5" endpoint="${ORIGIN}">
<div id="polls-5" class="wp-polls"><form id="polls_form_5" action="/index.php" method="post">
<p><input type="hidden" id="poll_5_nonce" name="wp-polls-nonce" value="${nonce}"></p>
<p style="text-align:center"><strong>How many hours above your contracted hours are you working a week?</strong></p>
<div id="polls-5-ans"><ul>${li}</ul><p><input type="button" name="vote" value="Vote"></p></div></form></div>
</reader-poll></body></html>`;
}

async function setup(options = {}, nonce) {
  const context = await browser.newContext();
  await serveSite(context, { '/article': article(nonce) });
  const site = fakeWordPress(options);
  await site.install(context);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const failures = [];
  await page.exposeFunction('__pollError', (detail) => failures.push(detail));
  await page.addInitScript(() => document.addEventListener('poll-error', (e) => window.__pollError(e.detail)));
  await page.goto(`${ORIGIN}/article`);
  await page.locator('reader-poll .poll[data-state]').waitFor();
  return { context, page, site, errors, failures };
}

const poll = (page) => page.locator('reader-poll');
const total = (page, n) => poll(page).locator('.total', { hasText: `Total voters: ${n}` }).waitFor();

async function vote(page, answer = '22') {
  await poll(page).locator(`.poll input[value="${answer}"]`).check();
  await poll(page).locator('button.vote').click();
}

test('a vote goes to admin-ajax.php as the plugin form would send it; numbers come from the REST API', async () => {
  const { context, page, site, errors } = await setup();
  const labels = await poll(page).locator('.poll label.option').allTextContents();
  assert.deepEqual(labels.map((l) => l.trim()), ['1-5', '6-10', '11-15', '16+']);
  await vote(page, '22');
  await total(page, '1,582');
  assert.deepEqual(site.posts, [{ action: 'polls', view: 'process', poll_id: '5', poll_5: '22', poll_5_nonce: 'n0nce5' }]);
  const mine = poll(page).locator('li.row.mine');
  assert.equal((await mine.locator('.label').textContent()).trim(), '6-10');
  assert.match(await mine.locator('.figures').textContent(), /\(1,185 votes\)/);
  await poll(page).locator('.status').waitFor({ state: 'hidden' });
  assert.deepEqual(errors, []);
  await context.close();
});

test('results-only view shows the site numbers, separators and all, and posts nothing', async () => {
  const { context, page, site } = await setup();
  await poll(page).locator('button[data-action="view-results"]').click();
  await total(page, '1,581');
  const six = poll(page).locator('li.row', { hasText: '6-10' });
  assert.match(await six.locator('.figures').textContent(), /^75% \(1,184 votes\)$/);
  assert.equal(site.posts.length, 0);
  await context.close();
});

test('the voted_{ID} cookie shows this reader their earlier vote', async () => {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'voted_5', value: '23', url: ORIGIN }]);
  await serveSite(context, { '/article': article() });
  const site = fakeWordPress();
  await site.install(context);
  const page = await context.newPage();
  await page.goto(`${ORIGIN}/article`);
  await poll(page).locator('.poll[data-state="results"]').waitFor();
  assert.equal((await poll(page).locator('li.row.mine .label').textContent()).trim(), '11-15');
  // The site's numbers already hold that vote: not added a second time.
  await total(page, '1,581');
  // Nothing the reader did: the page's focus stays where it was.
  assert.equal(await page.evaluate(() => document.activeElement === document.body), true);
  assert.equal(site.posts.length, 0);
  await context.close();
});

test('"already voted" from the plugin is shown as such, not as a failure', async () => {
  const { context, page, site, failures } = await setup({ votedByIp: true });
  await vote(page, '21');
  await poll(page).locator('.notice', { hasText: 'You Had Already Voted For This Poll' }).waitFor();
  assert.equal(site.posts.length, 1, 'not retried');
  await total(page, '1,581');
  assert.deepEqual(failures, []);
  await context.close();
});

test('a poll closed before the vote arrived: the reader is told, nothing is retried', async () => {
  const { context, page, site, failures } = await setup({ closesOnVote: true });
  await vote(page, '24');
  await poll(page).locator('.notice', { hasText: 'This poll is closed.' }).waitFor();
  await page.waitForTimeout(1500);
  assert.equal(site.posts.length, 1);
  assert.deepEqual(failures.map((f) => [f.code, f.retryable]), [['poll_closed', false]]);
  await context.close();
});

test('a stale nonce is refused ("Failed To Verify Referrer") and the reader is told to reload', async () => {
  const { context, page, site, failures } = await setup({}, 'stale');
  await vote(page, '21');
  await poll(page).locator('.notice', { hasText: 'Reload the page to vote' }).waitFor();
  assert.equal(site.posts[0].poll_5_nonce, 'stale');
  assert.deepEqual(failures.map((f) => f.code), ['bad_nonce']);
  // Back to the ballot, nothing counted.
  await poll(page).locator('fieldset.ballot').waitFor();
  assert.equal(site.voters, 1581);
  await context.close();
});

test('a poll the REST API reports closed shows results and no ballot', async () => {
  const { context, page, site } = await setup({ open: false });
  await poll(page).locator('.poll[data-state="results"]').waitFor();
  await poll(page).locator('.poll', { hasText: 'This poll is closed.' }).waitFor();
  assert.equal(await poll(page).locator('button.vote').isVisible(), false);
  await total(page, '1,581');
  assert.equal(site.posts.length, 0);
  await context.close();
});
