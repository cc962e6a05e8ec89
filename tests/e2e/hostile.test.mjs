// Hostile conditions: a page under the strictest CSP the embed contract
// allows, poll text written by an attacker, and definitions an editor got
// wrong. The widget must keep working, never execute poll text, and say
// precisely what is wrong with a definition.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pollOf, sharedBrowserAndServer, startServer, watchErrors } from './harness.mjs';
import { articlePage, escapeHtml, pollElement, servePage, settlePolls } from './pages.mjs';

const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

const env = sharedBrowserAndServer();

const poll = pollOf;

/** Collects CSP violations and the widget's events from before any script runs. */
async function recordPage(context) {
  await context.addInitScript(() => {
    window.__violations = [];
    window.__events = [];
    const keep = (e) =>
      window.__violations.push({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        sample: e.sample,
        source: e.sourceFile,
        line: e.lineNumber,
      });
    document.addEventListener('securitypolicyviolation', keep, true);
    for (const name of ['poll-ready', 'poll-vote', 'poll-voted', 'poll-error']) {
      document.addEventListener(name, (e) =>
        window.__events.push({ type: e.type, detail: JSON.parse(JSON.stringify(e.detail)) })
      );
    }
  });
  const page = await context.newPage();
  return { page, errors: watchErrors(page) };
}

const events = (page, type) => page.evaluate((t) => window.__events.filter((e) => e.type === t), type);

test('strict CSP: the demo article loads, a reader votes, and nothing is blocked', async () => {
  const strict = await startServer(['--csp']);
  try {
    const context = await env.browser.newContext();
    const { page, errors } = await recordPage(context);
    const response = await page.goto(strict.url);
    assert.equal(response.headers()['content-security-policy'], STRICT_CSP);
    await settlePolls(page);

    const el = poll(page, 'nwag-confidence');
    await el.scrollIntoViewIfNeeded();
    await el.locator('label.option', { hasText: 'Not so much' }).click();
    await el.locator('button.vote').click();
    await el.locator('.poll[data-state="results"]').waitFor();
    await el.locator('.total', { hasText: 'Total voters: 818' }).waitFor();
    const mine = el.locator('li.row.mine');
    assert.equal((await mine.locator('.label').textContent()).trim(), 'Not so much');
    assert.equal((await mine.locator('.figures').textContent()).trim(), '21% (173 votes)');
    // Bar widths arrive through the CSSOM, which the CSP allows.
    const bar = await mine.locator('.bar').evaluate((b) => ({
      style: b.style.width,
      width: b.getBoundingClientRect().width,
      track: b.parentElement.getBoundingClientRect().width,
    }));
    assert.equal(bar.style, '21.1%');
    assert.ok(Math.abs(bar.width - bar.track * 0.211) < 1.5, JSON.stringify(bar));
    // The widget's stylesheet applied (a blocked sheet would leave the bar unstyled).
    const styled = await el.locator('.poll').evaluate((p) => getComputedStyle(p).borderTopStyle);
    assert.equal(styled, 'solid');

    const voted = await events(page, 'poll-voted');
    assert.deepEqual(voted.map((e) => e.detail), [{ poll: 'nwag-confidence', choices: ['not-so-much'] }]);
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(errors, []);
    await context.close();
  } finally {
    await strict.stop();
  }
});

const XSS = {
  img: '<img src=x onerror="window.__pwned=1">',
  script: '<script>window.__pwned=1</script>',
  svg: '"><svg onload=window.__pwned=1>',
};

const HOSTILE_POLL = {
  id: 'hostile',
  question: `Which is safe? ${XSS.img}`,
  options: [
    { id: 'img', label: XSS.img },
    { id: 'script', label: XSS.script },
    { id: 'svg', label: XSS.svg },
  ],
  counts: { img: 2, script: 1, svg: 1 },
  voters: 4,
};

/** Elements the poll's shadow root holds that an injection would create. */
const injected = (el) =>
  el.evaluate((host) =>
    [...host.shadowRoot.querySelectorAll('img, script, svg, iframe, object, embed, [onerror], [onload]')].map(
      (n) => n.outerHTML
    )
  );

test("without 'wasm-unsafe-eval' the fallback form stays usable and one message says what the page needs", async () => {
  const context = await env.browser.newContext();
  const { page, errors } = await recordPage(context);
  const noWasm = "default-src 'self'; script-src 'self'; style-src 'self'";
  await page.route(`${env.server.url}/`, async (route) => {
    const original = await route.fetch();
    await route.fulfill({ response: original, headers: { ...original.headers(), 'content-security-policy': noWasm } });
  });
  await page.goto(env.server.url);
  const el = poll(page, 'overtime-hours');
  await el.scrollIntoViewIfNeeded();
  await page.waitForFunction(() => window.__events.some((e) => e.type === 'poll-error'));
  const failures = await events(page, 'poll-error');
  // Not retryable: the page's policy will not change while it is open.
  assert.ok(failures.length > 0);
  assert.ok(failures.every((f) => f.detail.code === 'wasm_unavailable' && f.detail.retryable === false));
  const advice = errors.filter((e) => e.startsWith('readerpoll:') && e.includes("'wasm-unsafe-eval'"));
  assert.equal(advice.length, 1, errors.join('\n'));
  // No shadow root: the plain form is what the reader sees, and it votes.
  assert.equal(await el.evaluate((node) => node.shadowRoot), null);
  const form = el.locator('form.poll-fallback');
  await form.locator('input[value="16-plus"]').check();
  await form.locator('button[type="submit"]').click();
  await page.waitForURL(/\/polls\/overtime-hours\/embed/);
  await page.getByText(/Total voters: 5\d\d/).waitFor();
  await context.close();
});

test('XSS: hostile question, labels and texts are shown as text and never run', async () => {
  const context = await env.browser.newContext();
  const { page, errors } = await recordPage(context);
  const html = articlePage({
    title: 'Hostile poll text',
    content: pollElement(
      HOSTILE_POLL,
      `data-text-vote="${escapeHtml(XSS.svg)}" data-text-view-results="${escapeHtml(XSS.script)}"`
    ),
  });
  await page.goto(await servePage(page, env.server.url, '/xss.html', html));
  // A definition set by script, with a hostile question, takes the same path.
  await page.evaluate((xss) => {
    const node = document.createElement('reader-poll');
    node.setAttribute('poll', 'by-property');
    node.config = {
      id: 'by-property',
      question: xss.svg,
      options: [
        { id: 'a', label: xss.script },
        { id: 'b', label: xss.img },
      ],
    };
    document.querySelector('article').append(node);
  }, XSS);
  await settlePolls(page);

  const el = poll(page, 'hostile');
  await el.locator('.poll[data-state="ballot"]').waitFor();
  assert.equal(await el.locator('legend.question').textContent(), HOSTILE_POLL.question);
  const labels = await el.locator('label.option .text').allTextContents();
  assert.deepEqual(labels, [XSS.img, XSS.script, XSS.svg]);
  assert.equal(await el.locator('button.vote').textContent(), XSS.svg);
  assert.equal(await el.locator('button[data-action="view-results"]').textContent(), XSS.script);
  assert.deepEqual(await injected(el), []);

  await el.locator('label.option', { hasText: XSS.script }).click();
  await el.locator('button.vote').click();
  await el.locator('.poll[data-state="results"]').waitFor();
  const rows = await el.locator('li.row').evaluateAll((items) =>
    items.map((li) => [li.querySelector('.label').textContent, li.querySelector('.figures').textContent])
  );
  assert.deepEqual(rows, [
    [XSS.img, '40% (2 votes)'],
    [XSS.script, '40% (2 votes)'],
    [XSS.svg, '20% (1 vote)'],
  ]);
  assert.equal(await el.locator('.results-title').textContent(), HOSTILE_POLL.question);
  assert.equal((await el.locator('li.row.mine .label').textContent()), XSS.script);
  assert.deepEqual(await injected(el), []);

  const byProperty = poll(page, 'by-property');
  await byProperty.locator('.poll[data-state="ballot"]').waitFor();
  assert.equal(await byProperty.locator('legend.question').textContent(), XSS.svg);
  assert.deepEqual(await byProperty.locator('label.option .text').allTextContents(), [XSS.script, XSS.img]);
  await byProperty.locator('label.option', { hasText: XSS.img }).click();
  await byProperty.locator('button.vote').click();
  await byProperty.locator('.poll[data-state="results"]').waitFor();
  assert.equal(await byProperty.locator('li.row.mine .label').textContent(), XSS.img);
  assert.deepEqual(await injected(byProperty), []);

  // Give any injected handler (an image error, an svg load) time to fire.
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
  assert.equal(await page.evaluate(() => document.querySelectorAll('img, svg').length), 0);
  const voted = await events(page, 'poll-voted');
  assert.deepEqual(
    voted.map((e) => e.detail),
    [
      { poll: 'hostile', choices: ['script'] },
      { poll: 'by-property', choices: ['b'] },
    ]
  );
  assert.deepEqual(errors, []);
  await context.close();
});

test('XSS: a hostile unknown field name is echoed in the error as text only', async () => {
  const context = await env.browser.newContext();
  const { page, errors } = await recordPage(context);
  const definition = { ...HOSTILE_POLL, [XSS.img]: 1 };
  const html = articlePage({ title: 'Hostile field name', content: pollElement(definition) });
  await page.goto(await servePage(page, env.server.url, '/xss.html', html));
  await settlePolls(page);
  const el = poll(page, 'hostile');
  await el.locator('.poll[data-state="unavailable"]').waitFor();
  assert.equal(await el.locator('.unavailable-title').textContent(), 'Poll unavailable');
  assert.ok((await el.locator('.reason').textContent()).includes(XSS.img));
  assert.deepEqual(await injected(el), []);
  const [error] = await events(page, 'poll-error');
  assert.equal(error.detail.code, 'unknown_field');
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
  assert.equal(errors.length, 1, errors.join('\n'));
  await context.close();
});

const VALID = {
  id: 'lunch',
  question: 'Where do you eat lunch on a casework day?',
  options: [
    { id: 'desk', label: 'At my desk' },
    { id: 'car', label: 'In the car between visits' },
  ],
};

const { options: _dropped, ...WITHOUT_OPTIONS } = VALID;

for (const [name, definition, code, field] of [
  ['an unknown field', { ...VALID, id: 'lunch-unknown', colour: 'red' }, 'unknown_field', 'colour'],
  ['no options', { ...WITHOUT_OPTIONS, id: 'lunch-missing' }, 'missing_field', 'options'],
  ['broken JSON', '{"id": "lunch-broken", "question": "Lunch?", "options": [', 'invalid_json', null],
]) {
  test(`a definition with ${name} shows "Poll unavailable" and fires poll-error ${code}`, async () => {
    const context = await env.browser.newContext();
    const { page, errors } = await recordPage(context);
    const id = typeof definition === 'string' ? 'lunch-broken' : definition.id;
    const element = typeof definition === 'string' ? pollElement(definition, `poll="${id}"`) : pollElement(definition);
    const html = articlePage({
      title: 'A poll an editor got wrong',
      content: `${element}\n${pollElement(VALID)}`,
    });
    await page.goto(await servePage(page, env.server.url, '/wrong.html', html));
    await settlePolls(page);

    const el = poll(page, id);
    await el.locator('.poll[data-state="unavailable"]').waitFor();
    assert.equal(await el.locator('.unavailable-title').textContent(), 'Poll unavailable');
    const reason = await el.locator('.reason').textContent();
    if (field) assert.ok(reason.includes(field), `the reason names ${field}: ${reason}`);
    assert.equal(await el.locator('fieldset, button, input').count(), 0);

    const fired = await events(page, 'poll-error');
    assert.equal(fired.length, 1, JSON.stringify(fired));
    assert.equal(fired[0].detail.poll, id);
    assert.equal(fired[0].detail.code, code);
    assert.equal(fired[0].detail.retryable, false);
    assert.equal(fired[0].detail.message, reason);
    assert.deepEqual(errors, [`readerpoll: poll unavailable: ${code}: ${reason}`]);

    // The broken poll takes nothing else on the page down with it.
    const ok = poll(page, 'lunch');
    await ok.locator('.poll[data-state="ballot"]').waitFor();
    const ready = await events(page, 'poll-ready');
    assert.deepEqual(ready.map((e) => e.detail.poll), ['lunch']);
    await context.close();
  });
}

test('hostile definitions from a src URL and from a backend are shown as text or refused', async () => {
  const context = await env.browser.newContext();
  const { page } = await recordPage(context);
  const json = (body) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  // A definition file with markup in every text.
  await page.route(`${env.server.url}/polls-data/hostile.json`, (route) => route.fulfill(json(HOSTILE_POLL)));
  // A backend whose poll resource carries impossible numbers.
  await page.route(`${env.server.url}/bad-api/polls/negative`, (route) =>
    route.fulfill(
      json({
        poll: { id: 'negative', question: XSS.svg, options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] },
        tally: { counts: { a: -5, b: 3 }, voters: 3 },
        open: true,
      })
    )
  );
  // A backend whose fresh numbers are nonsense: the page's numbers stay.
  await page.route(`${env.server.url}/odd-api/polls/kept`, (route) =>
    route.fulfill({
      status: 200,
      contentType: 'application/json',
      body: '{"poll":{},"tally":{"counts":{"a":"NaN","b":1e400},"voters":-1},"open":true}',
    })
  );
  const kept = { id: 'kept', question: 'Kept?', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], counts: { a: 3, b: 1 }, voters: 4 };
  const html = articlePage({
    title: 'Hostile sources',
    content: [
      '<reader-poll poll="hostile" src="/polls-data/hostile.json"></reader-poll>',
      '<reader-poll poll="negative" endpoint="/bad-api"></reader-poll>',
      pollElement(kept, 'endpoint="/odd-api"'),
    ].join('\n'),
  });
  await page.goto(await servePage(page, env.server.url, '/sources.html', html));
  await settlePolls(page);

  const fromSrc = poll(page, 'hostile');
  await fromSrc.locator('.poll[data-state="ballot"]').waitFor();
  assert.equal(await fromSrc.locator('legend.question').textContent(), HOSTILE_POLL.question);
  assert.deepEqual(await fromSrc.locator('label.option .text').allTextContents(), [XSS.img, XSS.script, XSS.svg]);
  assert.deepEqual(await injected(fromSrc), []);

  const negative = poll(page, 'negative');
  await negative.locator('.poll[data-state="unavailable"]').waitFor();
  const refusals = await events(page, 'poll-error');
  assert.deepEqual(
    refusals.filter((e) => e.detail.poll === 'negative').map((e) => e.detail.code),
    ['wrong_type']
  );

  const keptEl = poll(page, 'kept');
  await keptEl.locator('button[data-action="view-results"]').click();
  await keptEl.locator('.total', { hasText: 'Total voters: 4' }).waitFor();
  assert.match(await keptEl.locator('li.row', { hasText: 'A' }).locator('.figures').textContent(), /\(3 votes\)/);

  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
  await context.close();
});
