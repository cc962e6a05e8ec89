// The WP-Polls adapter against fake WordPress sites that answer exactly as
// the real plugin did (tests/fixtures/wp-polls/, served by fake-site.mjs
// with this site's nonces, counts and cookies filled in), for WP-Polls
// 2.77.4 (admin-ajax only) and 3.0.1 (with its REST API). The numbers
// expected are the captures': poll 2 starts at 93, 184, 134 and 170 votes
// from 581 voters; a vote for "6-10" makes it 185 and 582.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, watchErrors } from './harness.mjs';
import { settlePolls } from './pages.mjs';
import { CAPTURED_NONCES, ORIGIN, fakeWordPress, wpFixture } from './fake-site.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(() => browser?.close());

const VERSIONS = ['2.77.4', '3.0.1'];

/** A reader's browser on `site`'s page of poll `poll`. */
async function reader(site, { poll = 2, ip, embed, dequeued = true, query = '', context } = {}) {
  context ??= await browser.newContext();
  await site.serve(context, { ip, embed, dequeued });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(site.postUrl(poll, query));
  return { context, page, errors };
}

/** The widget has rendered (ballot or results), in the element's shadow root. */
const rendered = (page) => page.locator('reader-poll .poll[data-state]').waitFor();
/** The widget itself (the plugin's markup, hidden in the element, says "Total Voters" too). */
const poll = (page) => page.locator('reader-poll .poll');
const row = (page, label) =>
  poll(page).getByRole('listitem').filter({ hasText: new RegExp(`^${label.replace(/[+.()]/g, '\\$&')} — `) });
const shows = (page, text) => poll(page).getByText(text, { exact: true }).waitFor();
/** A message under the poll (also said once through the live region). */
const notice = (page, text) => poll(page).locator('.notice', { hasText: text }).waitFor();

async function expectRow(page, label, figures, mine = false) {
  await row(page, label).filter({ hasText: figures }).waitFor();
  assert.equal(await row(page, label).locator('.mine-tag').isVisible(), mine, `"${label}" is ${mine ? '' : 'not '}the reader's`);
}

/** Presses Vote and waits for the site's answer and the widget's results. */
async function vote(page) {
  const answered = page.waitForResponse(
    (r) => r.url() === `${ORIGIN}/wp-admin/admin-ajax.php` && /view=process/.test(r.request().postData() ?? '')
  );
  await poll(page).getByRole('button', { name: 'Vote' }).click();
  await answered;
  await page.locator('reader-poll .poll[data-state="results"]').waitFor();
}

/** Console and page errors, and the site's 4xx/5xx answers: none. */
function assertClean(errors, site) {
  assert.deepEqual(errors, []);
  assert.deepEqual(site.errors, []);
}

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
    const site = fakeWordPress({ version });
    const { context, page, errors } = await reader(site);
    await rendered(page);
    const ballot = poll(page).getByRole('group', { name: 'How many hours above your contracted hours are you working a week?' });
    for (const label of ['1-5', '6-10', '11-15', '16+']) await ballot.getByRole('radio', { name: label }).waitFor();
    await poll(page).getByRole('radio', { name: '6-10' }).check();
    await vote(page);
    await shows(page, 'Total voters: 582');
    await expectRow(page, '6-10', '32% (185 votes)', true);
    await expectRow(page, '16+', '29% (170 votes)');
    await expectRow(page, '11-15', '23% (134 votes)');
    await expectRow(page, '1-5', '16% (93 votes)');
    const sent = site.ajax.find((body) => body.view === 'process');
    assert.deepEqual(sent, { action: 'polls', view: 'process', poll_id: '2', poll_2: '7', poll_2_nonce: site.nonces[2] });
    // The plugin set its cookie, as for its own form.
    const cookies = await context.cookies(ORIGIN);
    assert.equal(cookies.find((c) => c.name === 'voted_2')?.value, '7');
    // 2.77.4 has no REST API: it is never asked (no 404 on any page view).
    assert.deepEqual(site.restCalls, version === '2.77.4' ? [] : ['GET polls/v1/poll/2']);
    assertClean(errors, site);
    await context.close();
  });

  test(`${version}: the numbers after a vote are the site's, with votes cast meanwhile by others`, async () => {
    const site = fakeWordPress({ version });
    const { context, page, errors } = await reader(site);
    await poll(page).getByRole('radio', { name: '6-10' }).check();
    // Another reader voted "1-5" since this page loaded.
    site.polls[2].answers[0].votes += 1;
    site.polls[2].voters += 1;
    await vote(page);
    await shows(page, 'Total voters: 583');
    await expectRow(page, '1-5', '16% (94 votes)');
    await expectRow(page, '6-10', '32% (185 votes)', true);
    assertClean(errors, site);
    await context.close();
  });

  test(`${version}: after a reload the reader's vote is remembered, with the site's numbers`, async () => {
    const site = fakeWordPress({ version });
    const { context, page, errors } = await reader(site);
    await poll(page).getByRole('radio', { name: '6-10' }).check();
    await vote(page);
    await shows(page, 'Total voters: 582');
    await page.reload();
    await rendered(page);
    await shows(page, 'Total voters: 582');
    await expectRow(page, '6-10', '32% (185 votes)', true);
    assert.equal(await poll(page).getByRole('radio').count(), 0, 'no ballot');
    assert.equal(site.polls[2].voters, 582, 'nothing sent again');
    assertClean(errors, site);
    await context.close();
  });

  test(`${version}: a reader the plugin knows by IP, in another browser, sees their vote`, async () => {
    const site = fakeWordPress({ version });
    const first = await reader(site, { ip: '10.91.0.7' });
    await poll(first.page).getByRole('radio', { name: '11-15' }).check();
    await vote(first.page);
    await shows(first.page, 'Total voters: 582');
    // Same address, no cookie: the plugin prints its results, highlighted.
    const second = await reader(site, { ip: '10.91.0.7' });
    await rendered(second.page);
    await shows(second.page, 'Total voters: 582');
    await expectRow(second.page, '11-15', '23% (135 votes)', true);
    await expectRow(second.page, '6-10', '32% (184 votes)');
    assert.equal(await poll(second.page).getByRole('radio').count(), 0, 'no ballot');
    assertClean([...first.errors, ...second.errors], site);
    await first.context.close();
    await second.context.close();
  });

  test(`${version}: WP-Polls' "already voted" is shown with the site's current numbers`, async () => {
    const site = fakeWordPress({ version });
    const { context, page, errors } = await reader(site, { ip: '10.91.0.8' });
    await poll(page).getByRole('radio', { name: '1-5' }).check();
    // Meanwhile the same reader voted "6-10" from another browser (same IP).
    const other = await reader(site, { ip: '10.91.0.8' });
    await poll(other.page).getByRole('radio', { name: '6-10' }).check();
    await vote(other.page);
    await shows(other.page, 'Total voters: 582');
    await poll(page).getByRole('button', { name: 'Vote' }).click();
    await notice(page, 'You Had Already Voted For This Poll. Poll ID #2');
    await shows(page, 'Total voters: 582');
    await expectRow(page, '6-10', '32% (185 votes)');
    await expectRow(page, '1-5', '16% (93 votes)');
    assert.equal(site.polls[2].voters, 582);
    assertClean([...errors, ...other.errors], site);
    await context.close();
    await other.context.close();
  });

  test(`${version}: a closed poll shows the site's results and takes no vote`, async () => {
    const site = fakeWordPress({ version });
    site.polls[4].open = false;
    const { context, page, errors } = await reader(site, { poll: 4 });
    await rendered(page);
    await shows(page, 'Total voters: 564');
    await shows(page, 'This poll is closed.');
    await expectRow(page, 'They have acknowledged them but not addressed them', '47% (265 votes)');
    await expectRow(page, 'Not sure', '6% (34 votes)');
    assert.equal(await poll(page).getByRole('button', { name: 'Vote' }).count(), 0);
    assert.equal(site.ajax.length, 0);
    assertClean(errors, site);
    await context.close();
  });

  test(`${version}: a poll closed while the reader chose: "closed", then the site's results`, async () => {
    const site = fakeWordPress({ version });
    const { context, page, errors } = await reader(site, { poll: 4 });
    await poll(page).getByRole('radio', { name: 'Not sure' }).check();
    site.polls[4].open = false;
    await poll(page).getByRole('button', { name: 'Vote' }).click();
    await notice(page, 'This poll is closed.');
    await shows(page, 'Total voters: 564');
    await expectRow(page, 'Not sure', '6% (34 votes)');
    assert.equal(await poll(page).getByRole('button', { name: 'Vote' }).count(), 0);
    assert.equal(site.ajax.filter((body) => body.view === 'process').length, 1, 'not retried');
    // Only the refusal may be logged.
    assert.deepEqual(errors.filter((e) => !/poll_closed/.test(e)), []);
    assert.deepEqual(site.errors, []);
    await context.close();
  });

  test(`${version}: a closed poll shown as a disabled form ("display disabled poll's voting form")`, async () => {
    const site = fakeWordPress({ version, closedView: 'form' });
    site.polls[4].open = false;
    // The plugin's script and jQuery stay: the form's script needs jQuery on 2.77.4.
    const { context, page, errors } = await reader(site, { poll: 4, dequeued: false });
    await rendered(page);
    await shows(page, 'This poll is closed.');
    await shows(page, 'Total voters: 564');
    await expectRow(page, 'Yes, they have acknowledged and addressed them', '10% (56 votes)');
    assert.equal(await poll(page).getByRole('button', { name: 'Vote' }).count(), 0);
    assertClean(errors, site);
    await context.close();
  });

  test(`${version}: multiple choice: checkboxes, then the site's numbers for both answers`, async () => {
    const site = fakeWordPress({ version });
    const { context, page, errors } = await reader(site, { poll: 5 });
    await poll(page).getByRole('group', { name: 'Which two days suit you for team meetings?' }).waitFor();
    await poll(page).getByRole('checkbox', { name: 'Monday' }).check();
    await poll(page).getByRole('checkbox', { name: 'Friday' }).check();
    await vote(page);
    await shows(page, 'Total voters: 21');
    // Shares of the 21 voters (the plugin's own are of the 32 votes).
    await expectRow(page, 'Monday', '24% (5 votes)', true);
    await expectRow(page, 'Friday', '19% (4 votes)', true);
    await expectRow(page, 'Tuesday', '43% (9 votes)');
    const sent = site.ajax.find((body) => body.view === 'process');
    assert.equal(sent.poll_5, '18,22');
    assertClean(errors, site);
    await context.close();
  });

  test(`${version}: the classic editor's markup: the poll after the element is the element's`, async () => {
    const site = fakeWordPress({ version });
    const { context, page, errors } = await reader(site, { embed: 'classic' });
    await rendered(page);
    await poll(page).getByRole('radio', { name: '6-10' }).check();
    // The plugin's own form is inside the element now, hidden: one poll on the page.
    assert.equal(await page.locator('reader-poll > #polls-2').count(), 1);
    assert.equal(await page.locator('#polls-2').isVisible(), false);
    await vote(page);
    await shows(page, 'Total voters: 582');
    await expectRow(page, '6-10', '32% (185 votes)', true);
    assertClean(errors, site);
    await context.close();
  });

  test(`${version}: with the plugin's script and jQuery still on the page`, async () => {
    const site = fakeWordPress({ version });
    const { context, page, errors } = await reader(site, { dequeued: false });
    await poll(page).getByRole('radio', { name: '16+' }).check();
    await vote(page);
    await shows(page, 'Total voters: 582');
    await expectRow(page, '16+', '29% (171 votes)', true);
    assertClean(errors, site);
    await context.close();
  });

  test(`${version}: an expired nonce is refused and the reader is told to reload`, async () => {
    const site = fakeWordPress({ version });
    const { context, page, errors } = await reader(site);
    await rendered(page);
    site.expireNonces();
    await poll(page).getByRole('radio', { name: '1-5' }).check();
    await poll(page).getByRole('button', { name: 'Vote' }).click();
    await notice(page, "This poll's form has expired. Reload the page to vote.");
    await poll(page).getByRole('radio', { name: '1-5' }).waitFor();
    assert.equal(site.polls[2].voters, 581);
    // Only the refusal may be logged.
    assert.deepEqual(errors.filter((e) => !/bad_nonce/.test(e)), []);
    assert.deepEqual(site.errors, []);
    await context.close();
  });
}

for (const version of VERSIONS) {
  test(`${version}: an article with the three seed polls loads without a 404 or an error`, async () => {
    const site = fakeWordPress({ version });
    site.polls[4].open = false;
    const context = await browser.newContext();
    await site.serve(context, { dequeued: false });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(site.articleUrl());
    await settlePolls(page);
    const polls = page.locator('reader-poll .poll');
    await polls.nth(0).getByRole('radio', { name: '6-10' }).waitFor();
    await polls.nth(1).getByText('This poll is closed.', { exact: true }).waitFor();
    await polls.nth(2).getByRole('checkbox', { name: 'Friday' }).waitFor();
    assert.deepEqual(
      [...site.restCalls].sort(),
      version === '2.77.4' ? [] : ['GET polls/v1/poll/2', 'GET polls/v1/poll/4', 'GET polls/v1/poll/5']
    );
    assertClean(errors, site);
    await context.close();
  });
}

test('2.77.4: "View results" shows the site\'s numbers, read from admin-ajax when the reader turns to the poll', async () => {
  const site = fakeWordPress({ version: '2.77.4' });
  const { context, page, errors } = await reader(site);
  await rendered(page);
  assert.equal(site.ajax.length, 0, 'nothing asked on page view');
  await poll(page).getByRole('button', { name: 'View results' }).click();
  await shows(page, 'Total voters: 581');
  await expectRow(page, '6-10', '32% (184 votes)');
  assert.deepEqual(site.ajax, [{ action: 'polls', view: 'result', poll_id: '2', poll_2_nonce: site.nonces[2] }]);
  assertClean(errors, site);
  await context.close();
});

test('2.77.4: counts of a thousand or more, as the results HTML prints them ("1,185 Votes")', async () => {
  const site = fakeWordPress({ version: '2.77.4' });
  site.polls[2].answers[1].votes += 1000;
  site.polls[2].voters += 1000;
  const { context, page, errors } = await reader(site);
  await poll(page).getByRole('radio', { name: '6-10' }).check();
  await vote(page);
  await shows(page, 'Total voters: 1,582');
  await expectRow(page, '6-10', '75% (1,185 votes)', true);
  await expectRow(page, '1-5', '6% (93 votes)');
  assertClean(errors, site);
  await context.close();
});

test("2.77.4: the plugin's no-JavaScript results page (?pollresult=2) keeps the ballot", async () => {
  const site = fakeWordPress({ version: '2.77.4' });
  const { context, page, errors } = await reader(site, { query: 'pollresult=2' });
  await rendered(page);
  await poll(page).getByRole('radio', { name: '11-15' }).check();
  await vote(page);
  await shows(page, 'Total voters: 582');
  await expectRow(page, '11-15', '23% (135 votes)', true);
  assert.deepEqual(
    site.ajax.map((body) => [body.view, body.poll_2 ?? '']),
    [
      ['booth', ''],
      ['process', '8'],
    ]
  );
  assertClean(errors, site);
  await context.close();
});

for (const permalinks of ['pathinfo', 'pretty', 'plain']) {
  test(`3.0.1, ${permalinks} permalinks: the REST API is found through the page's api.w.org link`, async () => {
    const site = fakeWordPress({ version: '3.0.1', permalinks });
    // Numbers other than the page's: the widget shows the API's.
    site.polls[2].answers[0].votes += 1000;
    site.polls[2].voters += 1000;
    const { context, page, errors } = await reader(site);
    await rendered(page);
    await poll(page).getByRole('button', { name: 'View results' }).click();
    await shows(page, 'Total voters: 1,581');
    await expectRow(page, '1-5', '69% (1,093 votes)');
    assert.deepEqual(site.restCalls, ['GET polls/v1/poll/2']);
    assertClean(errors, site);
    await context.close();
  });
}
