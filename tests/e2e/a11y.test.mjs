// Accessibility of the widget in each state a reader can meet (ballot,
// results, "poll unavailable", right-to-left Arabic), checked with axe-core
// through the open shadow roots; plus screenshots in dark mode, forced
// colours, Arabic and a 320px phone, with the layout checks that go with them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollOf, useBrowser, RESULTS, ROOT } from './harness.mjs';
import { articlePage, pollElement, servePage, settlePolls } from './pages.mjs';
import { PENDING, ballot, button, line, myChoice, radio, resultList, resultRows } from './reader.mjs';

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

const env = useBrowser();

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
  await radio(el, label).click();
  await button(el, voteLabel(label)).click();
  await resultList(el).waitFor();
  await line(el, PENDING).waitFor({ state: 'hidden' });
}

// The poll's own Vote button: Arabic in the Arabic poll.
const voteLabel = (label) => (/[\u0600-\u06FF]/.test(label) ? 'صوّت' : 'Vote');

/** The label of the row marked with `tag` ("Your choice" in the poll's language). */
async function myChoiceIn(el, tag) {
  const mine = (await resultRows(el)).filter((r) => r.endsWith(` ${tag}`));
  assert.equal(mine.length, 1, mine.join('\n'));
  return mine[0].split(' — ')[0];
}

async function voteInEverySeedPoll(page) {
  for (const [i, p] of seed.entries()) {
    await voteIn(page, p.id, p.options[i % p.options.length].label);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/**
 * The boxes of the text `text` (a result's label, by a DOM range over its
 * text node) and of the result row that holds it, in poll `el`.
 */
const textAndRowBoxes = (el, text) =>
  el.evaluate((host, wanted) => {
    const walker = document.createTreeWalker(host.shadowRoot, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const row = node.parentElement.closest('[part~="result"]');
      if (node.data === wanted && row) {
        const range = document.createRange();
        range.selectNodeContents(node);
        return [range.getBoundingClientRect().toJSON(), row.getBoundingClientRect().toJSON()];
      }
    }
    throw new Error(`no result labelled ${wanted}`);
  }, text);

/** The bar and track of the result row labelled `text`. */
const barOf = (el, text) =>
  el.evaluate((host, wanted) => {
    const row = [...host.shadowRoot.querySelectorAll('[part~="result"]')].find((r) => r.textContent.startsWith(`${wanted} — `));
    return {
      bar: row.querySelector('[part~="bar"]').getBoundingClientRect().toJSON(),
      track: row.querySelector('[part~="track"]').getBoundingClientRect().toJSON(),
    };
  }, text);

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
  const page = await env.page();
  await page.goto(env.server.url);
  await settlePolls(page);
  for (const p of seed) {
    await ballot(poll(page, p.id), p.question).waitFor();
    assert.equal(await radio(poll(page, p.id), p.options[0].label).count(), 1);
  }
  await assertNoViolations(page, 'ballot');
});

test('axe: the demo article after voting in every poll (results)', async () => {
  const page = await env.page();
  await page.goto(env.server.url);
  await settlePolls(page);
  await voteInEverySeedPoll(page);
  for (const [i, p] of seed.entries()) {
    assert.equal(await myChoice(poll(page, p.id)), p.options[i % p.options.length].label, p.id);
  }
  await assertNoViolations(page, 'results');
});

test('axe: a poll whose definition is broken JSON shows "Poll unavailable"', async () => {
  env.expectErrors(/^readerpoll: poll unavailable: invalid_json: /);
  const page = await env.page();
  const html = articlePage({
    title: 'A poll with a broken definition',
    content: `<p>The poll below was pasted with a syntax error.</p>
    ${pollElement('{"id": "broken", "question": "Unclosed?", "options": [', 'poll="broken"')}`,
  });
  await page.goto(await servePage(page, env.server.url, '/test/broken.html', html));
  await settlePolls(page);
  const el = poll(page, 'broken');
  await line(el, 'Poll unavailable').waitFor();
  assert.equal(await ballot(el).count(), 0);
  await assertNoViolations(page, 'unavailable');
  // The editor is told in the console; nothing else went wrong.
  assert.equal(env.errors.length, 1, env.errors.join('\n'));
});

test('axe: an Arabic poll inside dir="rtl", before and after voting', async () => {
  const page = await arabicPage(await env.context());
  const el = poll(page, ARABIC_POLL.id);
  const container = el.locator('[part~="poll"]');
  assert.equal(await container.getAttribute('lang'), 'ar');
  assert.equal(await container.getAttribute('dir'), 'rtl');
  await button(el, 'صوّت').waitFor();
  await assertNoViolations(page, 'rtl ballot');

  await voteIn(page, ARABIC_POLL.id, 'من ست إلى عشر ساعات');
  await line(el, 'إجمالي المصوّتين: 1,249').waitFor();
  assert.deepEqual(await resultRows(el), [
    'من ساعة إلى خمس ساعات — 0% (3 أصوات)',
    'من ست إلى عشر ساعات — 1% (12 صوتًا) اختيارك',
    'أكثر من عشر ساعات — 99% (1,234 صوتًا)',
  ]);
  // Right to left: the row's label starts at the right edge of its row.
  const [label, row] = await textAndRowBoxes(el, 'من ست إلى عشر ساعات');
  assert.ok(Math.abs(label.right - row.right) < 1, `label hugs the right edge: ${JSON.stringify({ label, row })}`);
  await assertNoViolations(page, 'rtl results');
});

test('screenshot: dark mode, ballot and results', async () => {
  const page = await env.page({ colorScheme: 'dark', viewport: { width: 900, height: 1000 } });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(env.server.url);
  await settlePolls(page);
  await voteIn(page, seed[0].id, seed[0].options[1].label);
  const first = poll(page, seed[0].id);
  const second = poll(page, seed[1].id);
  // The widget follows the reader's dark scheme: light text on a dark box.
  const colors = await first.locator('[part~="poll"]').evaluate((node) => {
    const s = getComputedStyle(node);
    return { bg: s.backgroundColor, fg: s.color };
  });
  assert.equal(colors.bg, 'rgb(28, 29, 33)');
  assert.equal(colors.fg, 'rgb(236, 238, 242)');
  await first.screenshot({ path: join(RESULTS, 'a11y-dark-results.png') });
  await second.scrollIntoViewIfNeeded();
  await second.screenshot({ path: join(RESULTS, 'a11y-dark-ballot.png') });
  await assertNoViolations(page, 'dark');
});

test('dark mode on a page that declares no color-scheme: the form controls turn dark with the poll', async () => {
  const html = articlePage({ title: 'Bare page', stylesheet: null, content: pollElement(ENGLISH_POLL) });
  for (const scheme of ['light', 'dark']) {
    const page = await env.page({ colorScheme: scheme });
    await page.goto(await servePage(page, env.server.url, '/test/bare.html', html));
    await settlePolls(page);
    const el = poll(page, ENGLISH_POLL.id);
    // The scheme the option's controls are drawn in: what light-dark()
    // picks beside them.
    const used = await radio(el, 'Every week').evaluate((node) => {
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
  }
});

test('a site that pins reader-poll to light keeps every default colour light on a dark system', async () => {
  const html = articlePage({ title: 'Light site', stylesheet: '/test/light.css', content: pollElement(ENGLISH_POLL) });
  const page = await env.page({ colorScheme: 'dark' });
  await page.route(`${env.server.url}/test/light.css`, (route) =>
    route.fulfill({ contentType: 'text/css', body: 'reader-poll { color-scheme: light; --readerpoll-bg: #fffbea; }' })
  );
  await page.goto(await servePage(page, env.server.url, '/test/light.html', html));
  await settlePolls(page);
  const colours = await poll(page, ENGLISH_POLL.id).evaluate((host) => {
    const box = host.shadowRoot.querySelector('[part~="poll"]');
    return { text: getComputedStyle(box).color, bg: getComputedStyle(box).backgroundColor };
  });
  assert.deepEqual(colours, { text: 'rgb(26, 26, 26)', bg: 'rgb(255, 251, 234)' });
  await assertNoViolations(page, 'light-pinned on dark');
});

test('screenshot: forced colours keep the bars visible', async () => {
  const page = await env.page({ viewport: { width: 900, height: 1000 } });
  await page.emulateMedia({ forcedColors: 'active' });
  await page.goto(env.server.url);
  await settlePolls(page);
  await voteIn(page, seed[0].id, seed[0].options[1].label);
  const first = poll(page, seed[0].id);
  const bars = await first.locator('[part~="result"]').evaluateAll((rows) =>
    rows.map((row) => {
      const bar = row.querySelector('[part~="bar"]');
      const track = row.querySelector('[part~="track"]');
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
});

test('screenshot: Arabic, right to left, results', async () => {
  const page = await arabicPage(await env.context({ viewport: { width: 700, height: 800 } }));
  const el = poll(page, ARABIC_POLL.id);
  await el.screenshot({ path: join(RESULTS, 'a11y-rtl-ballot.png') });
  await voteIn(page, ARABIC_POLL.id, 'أكثر من عشر ساعات');
  await el.screenshot({ path: join(RESULTS, 'a11y-rtl-results.png') });
  // The bars grow from the right in a right-to-left poll.
  assert.equal(await myChoiceIn(el, 'اختيارك'), 'أكثر من عشر ساعات');
  const mine = await barOf(el, 'أكثر من عشر ساعات');
  assert.ok(mine.bar.width > 0 && mine.bar.width < mine.track.width, JSON.stringify(mine));
  assert.ok(Math.abs(mine.bar.right - mine.track.right) < 1, 'bar starts at the right');
});

/** The document and each poll's box fit the viewport's width. */
async function assertNoHorizontalOverflow(page, what) {
  const doc = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(doc.scroll <= doc.client, `${what}: document ${doc.scroll}px wide in ${doc.client}px`);
  for (const el of await page.locator('reader-poll').all()) {
    const box = await el.locator('[part~="poll"]').evaluate((node) => ({
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
  const context = await env.context({ viewport: { width: 320, height: 640 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
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

  const arabic = await arabicPage(context);
  await assertNoHorizontalOverflow(arabic, 'rtl ballot');
  await voteIn(arabic, ARABIC_POLL.id, 'من ساعة إلى خمس ساعات');
  await assertNoHorizontalOverflow(arabic, 'rtl results');
  await poll(arabic, ARABIC_POLL.id).screenshot({ path: join(RESULTS, 'a11y-320-rtl.png') });
});
