// A poll whose numbers are shown only to readers who voted
// (`"results": "after_vote"`), read from the reference server, which holds
// the numbers back from everyone else: the reader who voted sees them, also
// after a reload, and another reader does not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pollOf, useBrowser } from './harness.mjs';
import { articlePage, servePage } from './pages.mjs';
import { button, confirmed, line, radio, resultRows } from './reader.mjs';

const TOKEN = 'e2e-admin-token';
process.env.READERPOLL_ADMIN_TOKEN = TOKEN;
const env = useBrowser();

const POLL = {
  id: 'voters-only',
  question: 'Shown to voters only?',
  results: 'after_vote',
  options: [
    { id: 'yes', label: 'Yes' },
    { id: 'no', label: 'No' },
  ],
  counts: { yes: 37, no: 41 },
  voters: 78,
};

async function addPoll() {
  const answer = await fetch(`${env.server.url}/api/admin/polls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(POLL),
  });
  assert.equal(answer.status, 201, await answer.text());
}

async function open() {
  const page = await env.page();
  const html = articlePage({
    title: 'Voters only',
    content: `<reader-poll poll="${POLL.id}" endpoint="/api"></reader-poll>`,
  });
  await page.goto(await servePage(page, env.server.url, '/voters-only.html', html));
  return page;
}

test('after_vote: the reader who voted sees the numbers, after a reload too; another reader does not', async () => {
  await addPoll();
  const page = await open();
  const el = pollOf(page, POLL.id);
  await radio(el, 'No').check();
  await button(el, 'Vote').click();
  await confirmed(el, 79);
  const rows = ['Yes — 47% (37 votes)', 'No — 53% (42 votes) Your choice'];
  assert.deepEqual(await resultRows(el), rows);

  // The definition and numbers come from the server again; the server
  // shows them only to this reader's voter token.
  await page.reload();
  await line(el, 'Total voters: 79').waitFor();
  assert.deepEqual(await resultRows(el), rows);

  // Another reader (another browser profile) gets the ballot and no numbers.
  const stranger = await open();
  const theirs = pollOf(stranger, POLL.id);
  await radio(theirs, 'Yes').waitFor();
  const read = await stranger.evaluate(async (id) => (await fetch(`/api/polls/${id}`)).json(), POLL.id);
  assert.equal(read.tally, undefined);
  assert.equal(await button(theirs, 'View results').count(), 0);
  assert.equal(await theirs.getByText(/Total voters/).count(), 0);
});

test('after_vote with the live attribute: votes cast elsewhere reach the reader who voted', async () => {
  const poll = { ...POLL, id: 'voters-only-live' };
  const answer = await fetch(`${env.server.url}/api/admin/polls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(poll),
  });
  assert.equal(answer.status, 201, await answer.text());
  const page = await env.page();
  const html = articlePage({
    title: 'Voters only, live',
    content: `<reader-poll poll="${poll.id}" endpoint="/api" live></reader-poll>`,
  });
  await page.goto(await servePage(page, env.server.url, '/voters-only-live.html', html));
  const el = pollOf(page, poll.id);
  await radio(el, 'No').check();
  await button(el, 'Vote').click();
  await confirmed(el, 79);
  // Another reader votes; the stream knows this reader voted, so it sends
  // the new numbers to them.
  const elsewhere = await fetch(`${env.server.url}/api/polls/${poll.id}/votes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ choices: ['yes'], key: 'f0f0f0f0-0000-4000-8000-000000000001', voter: 'another-reader' }),
  });
  assert.equal(elsewhere.status, 201, await elsewhere.text());
  await line(el, 'Total voters: 80').waitFor({ timeout: 20_000 });
  assert.deepEqual(await resultRows(el), ['Yes — 47% (38 votes)', 'No — 53% (42 votes) Your choice']);
});
