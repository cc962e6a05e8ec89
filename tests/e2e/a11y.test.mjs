// Accessibility of the widget in each state a reader can meet (ballot,
// results, "poll unavailable", right-to-left Arabic), checked with axe-core
// through the open shadow roots; plus screenshots in dark mode, forced
// colours, Arabic and a 320px phone, with the layout checks that go with them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollOf, sharedBrowserAndServer, watchErrors, RESULTS, ROOT } from './harness.mjs';
import { articlePage, pollElement, servePage, settlePolls } from './pages.mjs';

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
const seed = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/seed-polls.json'), 'utf8')).polls;

const ARABIC_POLL = {
  id: 'ar-workload',
  question: 'كم ساعة تعمل أسبوعيًا فوق ساعات عقدك؟',
  mode: 'single',
  options: [
    { id: 'few', label: 'من ساعة إلى خمس ساعات' },
    { id: 'some', label: 'من ست إلى عشر ساعات' },
    { id: 'many', label: 'أكثر من عشر ساعات' },
  ],
  counts: { few: 3, some: 11, many: 1234 },
  voters: 1248,
};

const ENGLISH_POLL = {
  id: 'en-supervision',
  question: 'How often do you get protected supervision time?',
  options: [
    { id: 'weekly', label: 'Every week' },
    { id: 'monthly', label: 'Every month' },
    { id: 'rarely', label: 'Rarely or never' },
  ],
  counts: { weekly: 12, monthly: 40, rarely: 31 },
  voters: 83,
};

const env = sharedBrowserAndServer();

const poll = pollOf;

/** Runs axe on the whole document and fails with a readable list. */
async function assertNoViolations(page, what) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
    }));
  });
  assert.deepEqual(violations, [], `${what}: axe violations:\n${JSON.stringify(violations, null, 2)}`);
}

async function voteIn(page, id, label) {
  const el = poll(page, id);
  await el.scrollIntoViewIfNeeded();
  await el.locator('label.option', { hasText: label }).first().click();
  await el.locator('button.vote').click();
  await el.locator('.poll[data-state="results"]').waitFor();
}

async function voteInEverySeedPoll(page) {
  for (const [i, p] of seed.entries()) {
    await voteIn(page, p.id, p.options[i % p.options.length].label);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

async function arabicPage(context) {
  const html = articlePage({
    title: 'استطلاع القرّاء',
    content: `<div dir="rtl" lang="ar">
      <p>سألنا القرّاء عن ساعات العمل الإضافية.</p>
      ${pollElement(ARABIC_POLL)}
    </div>`,
  });
  const page = await context.newPage();
  await page.goto(await servePage(page, env.server.url, '/test/rtl.html', html));
  await settlePolls(page);
  return page;
}

test('axe: the demo article with every poll showing its ballot', async () => {
  const page = await env.browser.newPage();
  const errors = watchErrors(page);
  await page.goto(env.server.url);
  await settlePolls(page);
  for (const p of seed) {
    await poll(page, p.id).locator('.poll[data-state="ballot"] fieldset.ballot input').first().waitFor();
  }
  await assertNoViolations(page, 'ballot');
  assert.deepEqual(errors, []);
  await page.close();
});

test('axe: the demo article after voting in every poll (results)', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(env.server.url);
  await settlePolls(page);
  await voteInEverySeedPoll(page);
  for (const p of seed) {
    assert.equal(await poll(page, p.id).locator('li.row.mine').count(), 1, p.id);
  }
  await assertNoViolations(page, 'results');
  assert.deepEqual(errors, []);
  await context.close();
});

test('axe: a poll whose definition is broken JSON shows "Poll unavailable"', async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const errors = watchErrors(page);
  const html = articlePage({
    title: 'A poll with a broken definition',
    content: `<p>The poll below was pasted with a syntax error.</p>
    ${pollElement('{"id": "broken", "question": "Unclosed?", "options": [', 'poll="broken"')}`,
  });
  await page.goto(await servePage(page, env.server.url, '/test/broken.html', html));
  await settlePolls(page);
  const el = poll(page, 'broken');
  await el.locator('.poll[data-state="unavailable"]').waitFor();
  assert.equal((await el.locator('.unavailable-title').textContent()).trim(), 'Poll unavailable');
  assert.equal(await el.locator('fieldset.ballot').count(), 0);
  await assertNoViolations(page, 'unavailable');
  // The editor is told in the console; nothing else went wrong.
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0], /^readerpoll: poll unavailable: invalid_json: /);
  await context.close();
});

test('axe: an Arabic poll inside dir="rtl", before and after voting', async () => {
  const context = await env.browser.newContext();
  const page = await arabicPage(context);
  const errors = watchErrors(page);
  const el = poll(page, ARABIC_POLL.id);
  const container = el.locator('.poll');
  assert.equal(await container.getAttribute('lang'), 'ar');
  assert.equal(await container.getAttribute('dir'), 'rtl');
  assert.equal(await el.locator('button.vote').textContent(), 'صوّت');
  await assertNoViolations(page, 'rtl ballot');

  await voteIn(page, ARABIC_POLL.id, 'من ست إلى عشر ساعات');
  await el.locator('.total', { hasText: 'إجمالي المصوّتين: 1,249' }).waitFor();
  const mine = el.locator('li.row.mine');
  assert.equal((await mine.locator('.figures').textContent()).trim(), '1% (12 صوتًا)');
  // Right to left: the row's label starts at the right edge of its line.
  const [labelBox, lineBox] = await Promise.all([
    mine.locator('.label').boundingBox(),
    mine.locator('.line').boundingBox(),
  ]);
  assert.ok(Math.abs(labelBox.x + labelBox.width - (lineBox.x + lineBox.width)) < 1, 'label hugs the right edge');
  await assertNoViolations(page, 'rtl results');
  assert.deepEqual(errors, []);
  await context.close();
});

test('screenshot: dark mode, ballot and results', async () => {
  const context = await env.browser.newContext({ colorScheme: 'dark', viewport: { width: 900, height: 1000 } });
  const page = await context.newPage();
  await page.emulateMedia({ colorScheme: 'dark' });
  const errors = watchErrors(page);
  await page.goto(env.server.url);
  await settlePolls(page);
  await voteIn(page, seed[0].id, seed[0].options[1].label);
  const first = poll(page, seed[0].id);
  const second = poll(page, seed[1].id);
  // The widget follows the reader's dark scheme: light text on a dark box.
  const colors = await first.locator('.poll').evaluate((node) => {
    const s = getComputedStyle(node);
    return { bg: s.backgroundColor, fg: s.color };
  });
  assert.equal(colors.bg, 'rgb(28, 29, 33)');
  assert.equal(colors.fg, 'rgb(236, 238, 242)');
  await first.screenshot({ path: join(RESULTS, 'a11y-dark-results.png') });
  await second.scrollIntoViewIfNeeded();
  await second.screenshot({ path: join(RESULTS, 'a11y-dark-ballot.png') });
  await assertNoViolations(page, 'dark');
  assert.deepEqual(errors, []);
  await context.close();
});

test('dark mode on a page that declares no color-scheme: the form controls turn dark with the poll', async () => {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bare page</title>
<script type="module" src="/readerpoll/reader-poll.js"></script></head>
<body><main><h1>Bare page</h1>${pollElement(ENGLISH_POLL)}</main></body></html>`;
  for (const scheme of ['light', 'dark']) {
    const context = await env.browser.newContext({ colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(await servePage(page, env.server.url, '/test/bare.html', html));
    await settlePolls(page);
    const el = poll(page, ENGLISH_POLL.id);
    // The scheme the option's controls are drawn in: what light-dark()
    // picks beside them.
    const used = await el.locator('input').first().evaluate((node) => {
      const probe = document.createElement('span');
      node.after(probe);
      probe.style.color = 'light-dark(rgb(0, 0, 1), rgb(0, 0, 2))';
      const color = getComputedStyle(probe).color;
      probe.remove();
      return color === 'rgb(0, 0, 2)' ? 'dark' : 'light';
    });
    assert.equal(used, scheme);
    await el.screenshot({ path: join(RESULTS, `a11y-bare-${scheme}.png`) });
    await assertNoViolations(page, `bare ${scheme}`);
    await context.close();
  }
});

test('a site that pins reader-poll to light keeps every default colour light on a dark system', async () => {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Light site</title>
<link rel="stylesheet" href="/test/light.css">
<script type="module" src="/readerpoll/reader-poll.js"></script></head>
<body><main><h1>Light site</h1>${pollElement(ENGLISH_POLL)}</main></body></html>`;
  const context = await env.browser.newContext({ colorScheme: 'dark' });
  const page = await context.newPage();
  await page.route(`${env.server.url}/test/light.css`, (route) =>
    route.fulfill({ contentType: 'text/css', body: 'reader-poll { color-scheme: light; --readerpoll-bg: #fffbea; }' })
  );
  await page.goto(await servePage(page, env.server.url, '/test/light.html', html));
  await settlePolls(page);
  const colours = await poll(page, ENGLISH_POLL.id).evaluate((host) => {
    const box = host.shadowRoot.querySelector('.poll');
    return { text: getComputedStyle(box).color, bg: getComputedStyle(box).backgroundColor };
  });
  assert.deepEqual(colours, { text: 'rgb(26, 26, 26)', bg: 'rgb(255, 251, 234)' });
  await assertNoViolations(page, 'light-pinned on dark');
  await context.close();
});

test('screenshot: forced colours keep the bars visible', async () => {
  const context = await env.browser.newContext({ viewport: { width: 900, height: 1000 } });
  const page = await context.newPage();
  await page.emulateMedia({ forcedColors: 'active' });
  const errors = watchErrors(page);
  await page.goto(env.server.url);
  await settlePolls(page);
  await voteIn(page, seed[0].id, seed[0].options[1].label);
  const first = poll(page, seed[0].id);
  const bars = await first.locator('li.row').evaluateAll((rows) =>
    rows.map((row) => {
      const bar = row.querySelector('.bar');
      const track = row.querySelector('.track');
      return {
        bar: getComputedStyle(bar).backgroundColor,
        track: getComputedStyle(track).backgroundColor,
        border: getComputedStyle(track).borderTopStyle,
        width: bar.getBoundingClientRect().width,
      };
    })
  );
  // Every bar, the reader's own included, takes the system highlight colour.
  assert.equal(new Set(bars.map((b) => b.bar)).size, 1, `one bar colour: ${JSON.stringify(bars)}`);
  for (const b of bars) {
    assert.notEqual(b.bar, b.track, 'bar and track differ in forced colours');
    assert.notEqual(b.bar, 'rgba(0, 0, 0, 0)');
    assert.equal(b.border, 'solid', 'the track is outlined');
    assert.ok(b.width > 0, 'every bar with votes has width');
  }
  await first.screenshot({ path: join(RESULTS, 'a11y-forced-colors-results.png') });
  const second = poll(page, seed[1].id);
  await second.scrollIntoViewIfNeeded();
  await second.screenshot({ path: join(RESULTS, 'a11y-forced-colors-ballot.png') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('screenshot: Arabic, right to left, results', async () => {
  const context = await env.browser.newContext({ viewport: { width: 700, height: 800 } });
  const page = await arabicPage(context);
  const el = poll(page, ARABIC_POLL.id);
  await el.screenshot({ path: join(RESULTS, 'a11y-rtl-ballot.png') });
  await voteIn(page, ARABIC_POLL.id, 'أكثر من عشر ساعات');
  await el.screenshot({ path: join(RESULTS, 'a11y-rtl-results.png') });
  // The bars grow from the right in a right-to-left poll.
  const mine = await el.locator('li.row.mine').evaluate((row) => ({
    bar: row.querySelector('.bar').getBoundingClientRect().toJSON(),
    track: row.querySelector('.track').getBoundingClientRect().toJSON(),
  }));
  assert.ok(mine.bar.width > 0 && mine.bar.width < mine.track.width);
  assert.ok(Math.abs(mine.bar.right - mine.track.right) < 1, 'bar starts at the right');
  await context.close();
});

/** The document and each poll's box fit the viewport's width. */
async function assertNoHorizontalOverflow(page, what) {
  const doc = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(doc.scroll <= doc.client, `${what}: document ${doc.scroll}px wide in ${doc.client}px`);
  for (const el of await page.locator('reader-poll').all()) {
    const box = await el.locator('.poll').evaluate((node) => ({
      scroll: node.scrollWidth,
      client: node.clientWidth,
      right: node.getBoundingClientRect().right,
      viewport: document.documentElement.clientWidth,
    }));
    assert.ok(box.scroll <= box.client, `${what}: poll content ${box.scroll}px in a ${box.client}px box`);
    assert.ok(box.right <= box.viewport, `${what}: poll box ends at ${box.right}px of ${box.viewport}px`);
  }
}

test('screenshot: a 320px-wide phone, ballot and results fit without sideways scrolling', async () => {
  const context = await env.browser.newContext({ viewport: { width: 320, height: 640 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(env.server.url);
  await settlePolls(page);
  await assertNoHorizontalOverflow(page, 'ballot');
  await page.screenshot({ path: join(RESULTS, 'a11y-320-ballot.png'), fullPage: true });
  await poll(page, seed[2].id).scrollIntoViewIfNeeded();
  await poll(page, seed[2].id).screenshot({ path: join(RESULTS, 'a11y-320-ballot-poll.png') });
  await voteInEverySeedPoll(page);
  await assertNoHorizontalOverflow(page, 'results');
  await page.screenshot({ path: join(RESULTS, 'a11y-320-results.png'), fullPage: true });
  const third = poll(page, seed[2].id);
  await third.scrollIntoViewIfNeeded();
  await third.screenshot({ path: join(RESULTS, 'a11y-320-results-poll.png') });
  assert.deepEqual(errors, []);

  const arabic = await arabicPage(context);
  await assertNoHorizontalOverflow(arabic, 'rtl ballot');
  await voteIn(arabic, ARABIC_POLL.id, 'من ساعة إلى خمس ساعات');
  await assertNoHorizontalOverflow(arabic, 'rtl results');
  await poll(arabic, ARABIC_POLL.id).screenshot({ path: join(RESULTS, 'a11y-320-rtl.png') });
  await context.close();
});
