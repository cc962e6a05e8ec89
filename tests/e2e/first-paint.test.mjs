// What the first paint of a poll waits for. An article with many polls:
// until the wasm arrives every poll is an empty box, so all of them seem near
// the viewport; once the first ones have mounted, those they push far down
// are left to the viewport observer, and do not hold back the first frame.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, pollOf, useBrowser } from './harness.mjs';
import { articlePage, pollElement, servePage } from './pages.mjs';
import { radio } from './reader.mjs';

const env = useBrowser();

const definition = (n) => ({
  id: `poll-${n}`,
  question: `Question ${n}?`,
  options: [
    { id: 'yes', label: 'Yes' },
    { id: 'no', label: 'No' },
    { id: 'unsure', label: 'Not sure' },
  ],
});

/**
 * Twenty polls, each with its definition inline and a short paragraph after
 * it: before the wasm comes, all of them are within two screens of the top.
 */
const twentyPolls = articlePage({
  title: 'Twenty polls',
  content: Array.from({ length: 20 }, (_, i) => `${pollElement(definition(i + 1))}\n<p>Paragraph ${i + 1}.</p>`).join('\n'),
});

/** Resolves after two animation frames: any viewport observer has reported by then. */
const twoFrames = (page) =>
  page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

test('polls that the first ones push far down wait until the reader nears them', async () => {
  const page = await env.page({ viewport: { width: 900, height: 700 } });
  await page.goto(await servePage(page, env.server.url, '/twenty-polls.html', twentyPolls));
  await radio(pollOf(page, 'poll-1'), 'Yes').waitFor();
  await twoFrames(page);
  const last = pollOf(page, 'poll-20');
  assert.equal(await last.evaluate((el) => el.shadowRoot), null, 'the last poll is not mounted yet');
  assert.ok(
    (await last.evaluate((el) => el.getBoundingClientRect().top)) > 2 * 700,
    'the polls above push it more than two screens down'
  );
  // The reader scrolls down, half a screen at a time, and it loads.
  await eventually(async () => {
    await page.evaluate(() => scrollBy(0, innerHeight / 2));
    return last.evaluate((el) => Boolean(el.shadowRoot?.querySelector('input')));
  });
  await radio(last, 'Not sure').waitFor();
});
