// A poll whose numbers are shown only to readers who voted
// (`"results": "after_vote"`), read from the reference server, which holds
// the numbers back from everyone else: the reader who voted sees them, also
// after a reload, and another reader does not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedBrowserAndServer, watchErrors } from './harness.mjs';
import { articlePage, servePage } from './pages.mjs';

const TOKEN = 'e2e-admin-token';
process.env.READERPOLL_ADMIN_TOKEN = TOKEN;
const env = sharedBrowserAndServer();

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

async function open(context) {
  const page = await context.newPage();
  const errors = watchErrors(page);
  const html = articlePage({
    title: 'Voters only',
    content: `<reader-poll poll="${POLL.id}" endpoint="/api"></reader-poll>`,
  });
  await page.goto(await servePage(page, env.server.url, '/voters-only.html', html));
  return { page, errors };
}

test('after_vote: the reader who voted sees the numbers, after a reload too; another reader does not', async () => {
  await addPoll();
  const context = await env.browser.newContext();
  const { page, errors } = await open(context);
  await page.getByRole('radio', { name: 'No' }).check();
  await page.getByRole('button', { name: 'Vote' }).click();
  await page.getByText('Total voters: 79').waitFor();

  // The definition and numbers come from the server again; the server
  // shows them only to this reader's voter token.
  await page.reload();
  await page.getByText('Total voters: 79').waitFor();
  assert.deepEqual(errors, []);

  const other = await env.browser.newContext();
  const { page: stranger, errors: strangerErrors } = await open(other);
  await stranger.getByRole('radio', { name: 'Yes' }).waitFor();
  const read = await stranger.evaluate(async (id) => (await fetch(`/api/polls/${id}`)).json(), POLL.id);
  assert.equal(read.tally, undefined);
  assert.equal(await stranger.getByText(/Total voters/).count(), 0);
  assert.deepEqual(strangerErrors, []);
  await other.close();
  await context.close();
});
