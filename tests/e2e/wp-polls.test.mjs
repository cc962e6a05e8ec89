// The WP-Polls adapter against fake WordPress sites that answer exactly as
// the real plugin did (tests/fixtures/wp-polls/, served by fake-site.mjs
// with this site's nonces, counts and cookies filled in), for WP-Polls
// 2.77.4 (admin-ajax only) and 3.0.1 (with its REST API). The numbers
// expected are the captures': poll 2 starts at 93, 184, 134 and 170 votes
// from 581 voters; a vote for "6-10" makes it 185 and 582. Every test ends
// with no console or page error (the harness's guard) and no 4xx or 5xx
// from the site.

import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser } from './harness.mjs';
import { mounted, settlePolls } from './pages.mjs';
import { ballot, button, checkbox, confirmed, line, myChoice, radio, resultsByLabel } from './reader.mjs';
import { CAPTURED_NONCES, ORIGIN, fakeWordPress, wpFixture } from './fake-site.mjs';

const env = useBrowser({ server: false });
const VERSIONS = ['2.77.4', '3.0.1'];
const QUESTION = 'How many hours above your contracted hours are you working a week?';

let sites = [];
afterEach(() => {
  for (const site of sites) assert.deepEqual(site.errors, [], 'the site answered no 4xx or 5xx');
  sites = [];
});

/** A WP-Polls site of `version` (options: see fakeWordPress). */
function wordpress(version, options = {}) {
  const site = fakeWordPress({ version, ...options });
  sites.push(site);
  return site;
}

/** A reader's browser (IP `ip`) on `site`'s page of poll `poll`, once the widget has rendered. */
async function reader(site, { poll = 2, ip, embed, dequeued = true, query = '' } = {}) {
  const context = await env.context();
  await site.serve(context, { ip, embed, dequeued });
  const page = await context.newPage();
  await page.goto(site.postUrl(poll, query));
  const el = page.locator('reader-poll');
  await mounted(el);
  return { context, page, el };
}

/** Presses Vote and waits for the site's answer and for the vote to be confirmed. */
async function voteAndWait(page, el, voters) {
  const answered = page.waitForResponse(
    (r) => r.url() === `${ORIGIN}/wp-admin/admin-ajax.php` && /view=process/.test(r.request().postData() ?? '')
  );
  await button(el).click();
  await answered;
  await confirmed(el, voters);
}

/** Poll 2's rows after a vote for "6-10" (the captures' vote-response-ok). */
const AFTER_6_10 = {
  '6-10': '32% (185 votes) Your choice',
  '16+': '29% (170 votes)',
  '11-15': '23% (134 votes)',
  '1-5': '16% (93 votes)',
};

test('the fake site answers what the real plugin answered, byte for byte', () => {
  for (const version of VERSIONS) {
    const site = fakeWordPress({ version });
    Object.assign(site.nonces, CAPTURED_NONCES);
    const [two, four, five] = [site.polls[2], site.polls[4], site.polls[5]];
    const same = (name, got) => assert.equal(got, wpFixture(version, name).replaceAll('http://127.0.0.1:8089', ORIGIN), `${version}/${name}`);
    same('ballot-single.html', site.ballot(two, { loading: true }));
    same('ballot-multiple.html', site.ballot(five, { loading: true }));
    same('booth-response.html', site.ballot(two, { booth: true }));
    same('result-response.html', site.results(two, { link: true }));
    // Reader A's vote for "6-10".
    two.answers[1].votes += 1;
    two.voters += 1;
    same('vote-response-ok.html', site.results(two, { mine: [7] }));
    same('results-voted.html', site.shortcode(two, { voted_2: '7' }, '10.91.9.9'));
    same('results-not-voted.html', site.shortcode(two, {}, '10.91.9.9', '2'));
    // Reader B's vote for Monday and Friday.
    five.answers[0].votes += 1;
    five.answers[4].votes += 1;
    five.voters += 1;
    same('vote-response-ok-multiple.html', site.results(five, { mine: [18, 22] }));
    same('results-voted-multiple.html', site.shortcode(five, { voted_5: '22%2C18' }, '10.91.9.9'));
    four.open = false;
    same('closed.html', site.shortcode(four, {}, '10.91.9.9'));
    const withForm = fakeWordPress({ version, closedView: 'form' });
    Object.assign(withForm.nonces, CAPTURED_NONCES);
    withForm.polls[4].open = false;
    same('closed-disabled-form.html', withForm.shortcode(withForm.polls[4], {}, '10.91.9.9'));
    if (version === '3.0.1') {
      const json = (name, route, cookies = {}) =>
        same(name, site.rest('GET', route, '', '', cookies));
      json('rest-poll-2.json', 'polls/v1/poll/2');
      json('rest-poll-2-voted.json', 'polls/v1/poll/2', { voted_2: '7' });
      json('rest-poll-2-result.json', 'polls/v1/poll/2/result');
      json('rest-poll-4-closed.json', 'polls/v1/poll/4');
      four.open = true;
      json('rest-poll-5.json', 'polls/v1/poll/5');
    }
  }
});


for (const version of VERSIONS) {
  test(`${version}: the ballot, a vote in the plugin's own format, then the site's numbers from its answer`, async () => {
    const site = wordpress(version);
    const { context, page, el } = await reader(site);
    for (const label of ['1-5', '6-10', '11-15', '16+']) await radio(ballot(el, QUESTION), label).waitFor();
    await radio(el, '6-10').check();
    await voteAndWait(page, el, 582);
    assert.deepEqual(await resultsByLabel(el), AFTER_6_10);
    const sent = site.ajax.find((body) => body.view === 'process');
    assert.deepEqual(sent, { action: 'polls', view: 'process', poll_id: '2', poll_2: '7', poll_2_nonce: site.nonces[2] });
    // The plugin set its cookie, as for its own form.
    const cookies = await context.cookies(ORIGIN);
    assert.equal(cookies.find((c) => c.name === 'voted_2')?.value, '7');
    // 2.77.4 has no REST API: it is never asked (no 404 on any page view).
    assert.deepEqual(site.restCalls, version === '2.77.4' ? [] : ['GET polls/v1/poll/2']);
  });

  test(`${version}: the numbers after a vote are the site's, with votes cast meanwhile by others`, async () => {
    const site = wordpress(version);
    const { page, el } = await reader(site);
    await radio(el, '6-10').check();
    // Another reader voted "1-5" since this page loaded.
    site.polls[2].answers[0].votes += 1;
    site.polls[2].voters += 1;
    await voteAndWait(page, el, 583);
    assert.deepEqual(await resultsByLabel(el), {
      '6-10': '32% (185 votes) Your choice',
      '16+': '29% (170 votes)',
      '11-15': '23% (134 votes)',
      '1-5': '16% (94 votes)',
    });
  });

  test(`${version}: after a reload the reader's vote is remembered, with the site's numbers`, async () => {
    const site = wordpress(version);
    const { page, el } = await reader(site);
    await radio(el, '6-10').check();
    await voteAndWait(page, el, 582);
    await page.reload();
    await mounted(el);
    await confirmed(el, 582);
    assert.deepEqual(await resultsByLabel(el), AFTER_6_10);
    assert.equal(await el.getByRole('radio').count(), 0, 'no ballot');
    assert.equal(site.polls[2].voters, 582, 'nothing sent again');
  });

  test(`${version}: a reader the plugin knows by IP, in another browser, sees their vote`, async () => {
    const site = wordpress(version);
    const first = await reader(site, { ip: '10.91.0.7' });
    await radio(first.el, '11-15').check();
    await voteAndWait(first.page, first.el, 582);
    // Same address, no cookie: the plugin prints its results, highlighted.
    const second = await reader(site, { ip: '10.91.0.7' });
    await confirmed(second.el, 582);
    assert.deepEqual(await resultsByLabel(second.el), {
      '6-10': '32% (184 votes)',
      '16+': '29% (170 votes)',
      '11-15': '23% (135 votes) Your choice',
      '1-5': '16% (93 votes)',
    });
    assert.equal(await second.el.getByRole('radio').count(), 0, 'no ballot');
  });

  test(`${version}: WP-Polls' "already voted" is shown with the site's current numbers`, async () => {
    const site = wordpress(version);
    const { el } = await reader(site, { ip: '10.91.0.8' });
    await radio(el, '1-5').check();
    // Meanwhile the same reader voted "6-10" from another browser (same IP).
    const other = await reader(site, { ip: '10.91.0.8' });
    await radio(other.el, '6-10').check();
    await voteAndWait(other.page, other.el, 582);
    await button(el).click();
    await line(el, 'You Had Already Voted For This Poll. Poll ID #2').waitFor();
    await confirmed(el, 582);
    assert.deepEqual(await resultsByLabel(el), { ...AFTER_6_10, '6-10': '32% (185 votes)' });
    assert.equal(site.polls[2].voters, 582);
  });

  test(`${version}: a closed poll shows the site's results and takes no vote`, async () => {
    const site = wordpress(version);
    site.polls[4].open = false;
    const { el } = await reader(site, { poll: 4 });
    await line(el, 'This poll is closed.').waitFor();
    await confirmed(el, 564);
    assert.deepEqual(await resultsByLabel(el), {
      'They have acknowledged them but not addressed them': '47% (265 votes)',
      'No, they have neither acknowledged nor addressed them': '37% (209 votes)',
      'Yes, they have acknowledged and addressed them': '10% (56 votes)',
      'Not sure': '6% (34 votes)',
    });
    assert.equal(await button(el).count(), 0);
    assert.equal(site.ajax.length, 0);
  });

  test(`${version}: a poll closed while the reader chose: "closed", then the site's results`, async () => {
    const site = wordpress(version);
    const { page, el } = await reader(site, { poll: 4 });
    await radio(el, 'Not sure').check();
    site.polls[4].open = false;
    env.expectErrors(/poll_closed/);
    const answered = page.waitForResponse(`${ORIGIN}/wp-admin/admin-ajax.php`);
    await button(el).click();
    await answered;
    await line(el, 'This poll is closed.').first().waitFor();
    await confirmed(el, 564);
    assert.equal((await resultsByLabel(el))['Not sure'], '6% (34 votes)');
    assert.equal(await button(el).count(), 0);
    assert.equal(site.ajax.filter((body) => body.view === 'process').length, 1, 'not retried');
  });

  test(`${version}: a closed poll shown as a disabled form ("display disabled poll's voting form")`, async () => {
    const site = wordpress(version, { closedView: 'form' });
    site.polls[4].open = false;
    // The plugin's script and jQuery stay: the form's script needs jQuery on 2.77.4.
    const { el } = await reader(site, { poll: 4, dequeued: false });
    await line(el, 'This poll is closed.').waitFor();
    await confirmed(el, 564);
    assert.equal((await resultsByLabel(el))['Yes, they have acknowledged and addressed them'], '10% (56 votes)');
    assert.equal(await button(el).count(), 0);
  });

  test(`${version}: multiple choice: checkboxes, then the site's numbers for both answers`, async () => {
    const site = wordpress(version);
    const { page, el } = await reader(site, { poll: 5 });
    await ballot(el, 'Which two days suit you for team meetings?').waitFor();
    await checkbox(el, 'Monday').check();
    await checkbox(el, 'Friday').check();
    await voteAndWait(page, el, 21);
    // Shares of the 21 voters (the plugin's own are of the 32 votes).
    assert.deepEqual(await resultsByLabel(el), {
      Tuesday: '43% (9 votes)',
      Wednesday: '38% (8 votes)',
      Thursday: '29% (6 votes)',
      Monday: '24% (5 votes) Your choice',
      Friday: '19% (4 votes) Your choice',
    });
    assert.equal(site.ajax.find((body) => body.view === 'process').poll_5, '18,22');
  });

  test(`${version}: the classic editor's markup: the poll after the element is the element's`, async () => {
    const site = wordpress(version);
    const { page, el } = await reader(site, { embed: 'classic' });
    // The plugin's own form is inside the element now, hidden: one poll on the page.
    assert.equal(await page.locator('reader-poll > #polls-2').count(), 1);
    assert.equal(await page.locator('#polls-2').isVisible(), false);
    await radio(el, '6-10').check();
    await voteAndWait(page, el, 582);
    assert.equal(await myChoice(el), '6-10');
  });

  test(`${version}: with the plugin's script and jQuery still on the page`, async () => {
    const site = wordpress(version);
    const { page, el } = await reader(site, { dequeued: false });
    await radio(el, '16+').check();
    await voteAndWait(page, el, 582);
    assert.equal((await resultsByLabel(el))['16+'], '29% (171 votes) Your choice');
  });

  test(`${version}: an expired nonce is refused and the reader is told to reload`, async () => {
    const site = wordpress(version);
    const { el } = await reader(site);
    site.expireNonces();
    env.expectErrors(/bad_nonce/);
    await radio(el, '1-5').check();
    await button(el).click();
    await line(el, "This poll's form has expired. Reload the page to vote.").waitFor();
    await radio(el, '1-5').waitFor();
    assert.equal(site.polls[2].voters, 581);
  });

  test(`${version}: an article with the three seed polls loads without a 404 or an error`, async () => {
    const site = wordpress(version);
    site.polls[4].open = false;
    const context = await env.context();
    await site.serve(context, { dequeued: false });
    const page = await context.newPage();
    await page.goto(site.articleUrl());
    await settlePolls(page);
    const [two, four, five] = await page.locator('reader-poll').all();
    await radio(two, '6-10').waitFor();
    await line(four, 'This poll is closed.').waitFor();
    await checkbox(five, 'Friday').waitFor();
    assert.deepEqual(
      [...site.restCalls].sort(),
      version === '2.77.4' ? [] : ['GET polls/v1/poll/2', 'GET polls/v1/poll/4', 'GET polls/v1/poll/5']
    );
  });
}

test('2.77.4: "View results" shows the site\'s numbers, read from admin-ajax when the reader turns to the poll', async () => {
  const site = wordpress('2.77.4');
  const { el } = await reader(site);
  assert.equal(site.ajax.length, 0, 'nothing asked on page view');
  await button(el, 'View results').click();
  await confirmed(el, 581);
  assert.equal((await resultsByLabel(el))['6-10'], '32% (184 votes)');
  assert.deepEqual(site.ajax, [{ action: 'polls', view: 'result', poll_id: '2', poll_2_nonce: site.nonces[2] }]);
});

test('2.77.4: counts of a thousand or more, as the results HTML prints them ("1,185 Votes")', async () => {
  const site = wordpress('2.77.4');
  site.polls[2].answers[1].votes += 1000;
  site.polls[2].voters += 1000;
  const { page, el } = await reader(site);
  await radio(el, '6-10').check();
  await voteAndWait(page, el, '1,582');
  assert.deepEqual(await resultsByLabel(el), {
    '6-10': '75% (1,185 votes) Your choice',
    '16+': '11% (170 votes)',
    '11-15': '8% (134 votes)',
    '1-5': '6% (93 votes)',
  });
});

test("2.77.4: the plugin's no-JavaScript results page (?pollresult=2) keeps the ballot", async () => {
  const site = wordpress('2.77.4');
  const { page, el } = await reader(site, { query: 'pollresult=2' });
  await radio(el, '11-15').check();
  await voteAndWait(page, el, 582);
  assert.equal((await resultsByLabel(el))['11-15'], '23% (135 votes) Your choice');
  assert.deepEqual(
    site.ajax.map((body) => [body.view, body.poll_2 ?? '']),
    [
      ['booth', ''],
      ['process', '8'],
    ]
  );
});

for (const permalinks of ['pathinfo', 'pretty', 'plain']) {
  test(`3.0.1, ${permalinks} permalinks: the REST API is found through the page's api.w.org link`, async () => {
    const site = wordpress('3.0.1', { permalinks });
    // Numbers other than the page's: the widget shows the API's.
    site.polls[2].answers[0].votes += 1000;
    site.polls[2].voters += 1000;
    const { el } = await reader(site);
    await button(el, 'View results').click();
    await confirmed(el, '1,581');
    assert.equal((await resultsByLabel(el))['1-5'], '69% (1,093 votes)');
    assert.deepEqual(site.restCalls, ['GET polls/v1/poll/2']);
  });
}
