// Hostile conditions: a page under the strictest CSP the embed contract
// allows, poll text written by an attacker, and definitions an editor got
// wrong. The widget must keep working, never execute poll text, and say
// precisely what is wrong with a definition.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { events, pollOf, recordEvents, startServer, useBrowser, waitForEvents } from './harness.mjs';
import { articlePage, escapeHtml, pollElement, servePage, settlePolls } from './pages.mjs';
import { ballot, button, confirmed, line, myChoice, optionNames, radio, resultRows, resultsByLabel, vote } from './reader.mjs';

const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

const env = useBrowser();

/** A page whose widget events and CSP violations are recorded from before any script runs. */
async function recordedPage() {
  const context = await env.context();
  await recordEvents(context);
  return context.newPage();
}

test('strict CSP: the demo article loads, a reader votes, and nothing is blocked', async () => {
  const strict = await startServer(['--csp']);
  let page;
  try {
    page = await recordedPage();
    const response = await page.goto(strict.url);
    assert.equal(response.headers()['content-security-policy'], STRICT_CSP);
    await settlePolls(page);

    const el = pollOf(page, 'nwag-confidence');
    await el.scrollIntoViewIfNeeded();
    await vote(el, 'Not so much');
    await confirmed(el, 818);
    assert.equal((await resultsByLabel(el))['Not so much'], '21% (173 votes) Your choice');
    // Bar widths arrive through the CSSOM, which the CSP allows.
    const bar = await el.locator('[part~="bar"]').nth(2).evaluate((b) => ({
      style: b.style.width,
      width: b.getBoundingClientRect().width,
      track: b.parentElement.getBoundingClientRect().width,
    }));
    assert.equal(bar.style, '21.1%');
    assert.ok(Math.abs(bar.width - bar.track * 0.211) < 1.5, JSON.stringify(bar));
    // The widget's stylesheet applied (a blocked sheet would leave the box unstyled).
    const styled = await el.locator('[part~="poll"]').evaluate((p) => getComputedStyle(p).borderTopStyle);
    assert.equal(styled, 'solid');

    assert.deepEqual(await events(page, 'poll-voted'), [{ poll: 'nwag-confidence', choices: ['not-so-much'] }]);
    assert.deepEqual(await events(page, 'securitypolicyviolation'), []);
  } finally {
    // Pages first: the live poll's stream would break as the server stops.
    await page?.context().close();
    await strict.stop();
  }
});

test("without 'wasm-unsafe-eval' the fallback form stays usable and one message says what the page needs", async () => {
  // Each poll reports that it has no runtime; the advice comes once.
  env.expectErrors(/^readerpoll: poll unavailable: wasm_unavailable: /, /^readerpoll:.*'wasm-unsafe-eval'/);
  const page = await recordedPage();
  const noWasm = "default-src 'self'; script-src 'self'; style-src 'self'";
  await page.route(`${env.server.url}/`, async (route) => {
    const original = await route.fetch();
    await route.fulfill({ response: original, headers: { ...original.headers(), 'content-security-policy': noWasm } });
  });
  await page.goto(env.server.url);
  const el = pollOf(page, 'overtime-hours');
  await el.scrollIntoViewIfNeeded();
  const failures = await waitForEvents(page, 'poll-error');
  // Not retryable: the page's policy will not change while it is open.
  assert.ok(failures.every((f) => f.code === 'wasm_unavailable' && f.retryable === false), JSON.stringify(failures));
  const advice = env.errors.filter((e) => e.startsWith('readerpoll:') && e.includes("'wasm-unsafe-eval'") && !e.includes('poll unavailable'));
  assert.equal(advice.length, 1, env.errors.join('\n'));
  // No shadow root: the plain form is what the reader sees, and it votes.
  assert.equal(await el.evaluate((node) => node.shadowRoot), null);
  await radio(el, '16+').check();
  await button(el, 'Vote').click();
  await page.waitForURL(/\/polls\/overtime-hours\/embed/);
  await page.getByText('Total voters: 582', { exact: true }).waitFor();
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

/**
 * Nothing poll text carried ran or was made: no element that could run it,
 * in any shadow root or the page, and no trace of it having run.
 */
async function assertNothingInjected(page) {
  for (const el of await page.locator('reader-poll').all()) assert.deepEqual(await injected(el), []);
  assert.equal(await page.evaluate(() => document.querySelectorAll('img, svg, iframe, object, embed').length), 0);
  assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
}

test('XSS: hostile question, labels and texts are shown as text and never run', async () => {
  const page = await recordedPage();
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

  const el = pollOf(page, 'hostile');
  await ballot(el, HOSTILE_POLL.question).waitFor();
  assert.deepEqual(await optionNames(el), [XSS.img, XSS.script, XSS.svg]);
  await button(el, XSS.svg).waitFor();
  await button(el, XSS.script).waitFor();
  await assertNothingInjected(page);

  await vote(el, XSS.script, { vote: XSS.svg });
  await confirmed(el, 5);
  assert.deepEqual(await resultRows(el), [
    `${XSS.img} — 40% (2 votes)`,
    `${XSS.script} — 40% (2 votes) Your choice`,
    `${XSS.svg} — 20% (1 vote)`,
  ]);
  // The results repeat the question, as text.
  assert.equal(await el.getByText(HOSTILE_POLL.question, { exact: true }).filter({ visible: true }).count(), 1);
  assert.equal(await myChoice(el), XSS.script);
  await assertNothingInjected(page);

  const byProperty = pollOf(page, 'by-property');
  await ballot(byProperty, XSS.svg).waitFor();
  assert.deepEqual(await optionNames(byProperty), [XSS.script, XSS.img]);
  await vote(byProperty, XSS.img);
  await confirmed(byProperty, 1);
  assert.equal(await myChoice(byProperty), XSS.img);
  await assertNothingInjected(page);

  assert.deepEqual(await events(page, 'poll-voted'), [
    { poll: 'hostile', choices: ['script'] },
    { poll: 'by-property', choices: ['b'] },
  ]);
});

test('XSS: a hostile unknown field name is echoed in the error as text only', async () => {
  env.expectErrors(/^readerpoll: poll unavailable: unknown_field: /);
  const page = await recordedPage();
  const definition = { ...HOSTILE_POLL, [XSS.img]: 1 };
  const html = articlePage({ title: 'Hostile field name', content: pollElement(definition) });
  await page.goto(await servePage(page, env.server.url, '/xss.html', html));
  await settlePolls(page);
  const el = pollOf(page, 'hostile');
  await line(el, 'Poll unavailable').waitFor();
  const [error] = await events(page, 'poll-error');
  assert.equal(error.code, 'unknown_field');
  assert.ok(error.message.includes(XSS.img), error.message);
  await line(el, error.message).waitFor();
  await assertNothingInjected(page);
  assert.equal(env.errors.length, 1, env.errors.join('\n'));
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
    env.expectErrors(new RegExp(`^readerpoll: poll unavailable: ${code}: `));
    const page = await recordedPage();
    const id = typeof definition === 'string' ? 'lunch-broken' : definition.id;
    const element = typeof definition === 'string' ? pollElement(definition, `poll="${id}"`) : pollElement(definition);
    const html = articlePage({
      title: 'A poll an editor got wrong',
      content: `${element}\n${pollElement(VALID)}`,
    });
    await page.goto(await servePage(page, env.server.url, '/wrong.html', html));
    await settlePolls(page);

    const el = pollOf(page, id);
    await line(el, 'Poll unavailable').waitFor();
    const fired = await events(page, 'poll-error');
    assert.equal(fired.length, 1, JSON.stringify(fired));
    assert.deepEqual(fired[0], { poll: id, code, retryable: false, message: fired[0].message });
    const reason = fired[0].message;
    if (field) assert.ok(reason.includes(field), `the reason names ${field}: ${reason}`);
    // The reader sees the same reason; there is nothing to press.
    await line(el, reason).waitFor();
    assert.equal(await el.getByRole('group').count(), 0);
    assert.equal(await el.getByRole('button').count(), 0);
    assert.equal(await el.getByRole('radio').count(), 0);
    assert.deepEqual(env.errors, [`readerpoll: poll unavailable: ${code}: ${reason}`]);

    // The broken poll takes nothing else on the page down with it.
    await ballot(pollOf(page, 'lunch'), VALID.question).waitFor();
    assert.deepEqual((await events(page, 'poll-ready')).map((d) => d.poll), ['lunch']);
  });
}

test('hostile definitions from a src URL and from a backend are shown as text or refused', async () => {
  env.expectErrors(/^readerpoll: poll unavailable: wrong_type: /);
  const page = await recordedPage();
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

  const fromSrc = pollOf(page, 'hostile');
  await ballot(fromSrc, HOSTILE_POLL.question).waitFor();
  assert.deepEqual(await optionNames(fromSrc), [XSS.img, XSS.script, XSS.svg]);

  const negative = pollOf(page, 'negative');
  await line(negative, 'Poll unavailable').waitFor();
  const refusals = await events(page, 'poll-error');
  assert.deepEqual(
    refusals.filter((e) => e.poll === 'negative').map((e) => e.code),
    ['wrong_type']
  );

  const keptEl = pollOf(page, 'kept');
  await button(keptEl, 'View results').click();
  await line(keptEl, 'Total voters: 4').waitFor();
  assert.deepEqual(await resultRows(keptEl), ['A — 75% (3 votes)', 'B — 25% (1 vote)']);
  await assertNothingInjected(page);
});
