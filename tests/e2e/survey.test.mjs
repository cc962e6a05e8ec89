// Reader surveys in the browser against the reference server: the demo
// survey (tests/fixtures/workload-survey.json, seeded by the server) done by
// keyboard only in each layout, a required question that blocks Next with
// an announced message, a reload that resumes mid-survey, a response sent
// offline that arrives once, results that match the server's CSV export,
// axe on every step and on the results, and a 320px phone.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useBrowser, recordEvents, waitForEvents, RESULTS, ROOT } from './harness.mjs';
import { articlePage, pollElement, servePage } from './pages.mjs';
import * as reader from './reader.mjs';

const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
const SERVER = join(ROOT, 'target/release/readerpoll-server');
const SURVEY = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/workload-survey.json'), 'utf8'));

// The server's database in a directory of this file's own (the last --db
// wins), so the CSV export can read it while the server runs.
const dir = mkdtempSync(join(tmpdir(), 'readerpoll-survey-'));
const DB = join(dir, 'survey.sqlite3');
const env = useBrowser({ args: ['--db', DB] });
after(() => rmSync(dir, { recursive: true, force: true }));

const survey = (page) => page.locator('reader-poll[poll="workload-survey"]');
/** Waits until every question's results are shown: the first comes with
 * the step to the results, the others a frame later (`aria-busy` until then). */
const allResults = (s) => s.locator('.results:not([aria-busy="true"])').waitFor();

/** A page with the demo survey: from the endpoint, or `definition` inline. */
async function surveyPage(context, { definition, path = '/test/survey.html' } = {}) {
  const element = definition
    ? pollElement(definition, 'endpoint="/api"')
    : '<reader-poll poll="workload-survey" endpoint="/api"></reader-poll>';
  const html = articlePage({
    title: 'Your workload',
    content: `<p>We asked readers about their week.</p>${element}<p>Thank you for reading.</p>`,
  });
  const page = await context.newPage();
  await page.goto(await servePage(page, env.server.url, path, html));
  await survey(page).locator('.poll[data-state="answering"]').waitFor();
  return { page };
}

/** The focused element, looking through shadow roots. */
function focused(page) {
  return page.evaluate(() => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    if (!a) return null;
    return {
      tag: a.tagName.toLowerCase(),
      type: a.getAttribute('type'),
      q: a.getAttribute('data-q'),
      value: a.value,
      checked: a.checked,
      text: (a.getAttribute('aria-label') ?? a.closest('label')?.textContent ?? a.textContent).trim(),
      className: a.className,
    };
  });
}

/** Presses Tab until `wanted(focused)` holds. */
async function tabTo(page, wanted, what) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && wanted(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

const button = (name) => (f) => f.tag === 'button' && f.text === name;
const control = (q, type = 'radio') => (f) => f.q === String(q) && f.type === type;

async function assertNoViolations(page, what) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
    }));
  });
  assert.deepEqual(violations, [], `${what}: axe violations:\n${JSON.stringify(violations, null, 2)}`);
}

/**
 * The demo survey by keyboard only, in the steps layout: 6-10 hours,
 * caseload 1 (so the written question shows), 9 out of 10, agreement
 * sa / d / sd, and a written answer. Runs axe on every step.
 */
async function completeStepsByKeyboard(page, written) {
  const s = survey(page);
  const progress = s.locator('.progress');
  await assert.doesNotReject(assertNoViolations(page, 'step 1'));
  assert.equal(await progress.textContent(), 'Question 1 of 4');
  // Into the first group: the first option has focus, arrows pick.
  await tabTo(page, control(0), 'the first question');
  await page.keyboard.press('ArrowDown');
  assert.equal((await focused(page)).value, '6-10');
  await tabTo(page, button('Next'), 'Next');
  await page.keyboard.press('Enter');

  // Step 2: focus is on the scale already; one tab stop, Space picks 1.
  await s.locator('.progress', { hasText: 'Question 2 of' }).waitFor();
  assert.deepEqual(await focused(page).then((f) => [f.q, f.type]), ['1', 'radio']);
  await page.keyboard.press('Space');
  // Caseload 1 shows the written question: five questions now.
  assert.equal(await progress.textContent(), 'Question 2 of 5');
  await assertNoViolations(page, 'step 2');
  // The next Tab stop after the group is Back, then Next.
  assert.equal((await tabTo(page, (f) => f.tag === 'button', 'a button')).text, 'Back');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).text, 'Next');
  await page.keyboard.press('Enter');

  // Step 3, NPS: arrows from 0 to 9.
  await s.locator('.progress', { hasText: 'Question 3 of 5' }).waitFor();
  assert.deepEqual(await focused(page).then((f) => [f.q, f.value]), ['2', '0']);
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  assert.equal((await focused(page)).value, '9');
  await assertNoViolations(page, 'step 3');
  await tabTo(page, button('Next'), 'Next');
  await page.keyboard.press('Enter');

  // Step 4, Likert: each row its own group, its radios named by row and column.
  await s.locator('.progress', { hasText: 'Question 4 of 5' }).waitFor();
  let f = await focused(page);
  assert.equal(f.text, 'I get regular supervision: Strongly disagree');
  for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowRight');
  assert.equal((await focused(page)).text, 'I get regular supervision: Strongly agree');
  f = await tabTo(page, control(3), 'the second row');
  assert.equal(f.text, 'My employer has addressed high caseloads: Strongly disagree');
  await page.keyboard.press('ArrowRight');
  f = await tabTo(page, control(3), 'the third row');
  assert.equal(f.text, 'The national workload action group will reduce my workload: Strongly disagree');
  await page.keyboard.press('Space');
  await assertNoViolations(page, 'step 4');
  await tabTo(page, button('Next'), 'Next');
  await page.keyboard.press('Enter');

  // Step 5, the written question (optional): focus in its field.
  await s.locator('.progress', { hasText: 'Question 5 of 5' }).waitFor();
  assert.equal((await focused(page)).tag, 'textarea');
  await page.keyboard.type(written);
  await assertNoViolations(page, 'step 5');
  await tabTo(page, button('Send answers'), 'Send answers');
  await page.keyboard.press('Enter');
}

test('the demo survey, steps layout, by keyboard only: sent, counted, results shown', async () => {
  const context = await env.context();
  const { page } = await surveyPage(context);
  await recordEvents(page);
  await completeStepsByKeyboard(page, 'Too many cases.');
  const s = survey(page);
  await s.locator('.poll[data-state="done"]').waitFor();
  assert.equal(await s.locator('.status').textContent(), 'Thank you: your answers were counted.');
  const line = 'a1;hours=6-10&stress=1&recommend=9&statements=supervision:sa,caseload:d,nwag:sd&anything=Too many cases.';
  assert.deepEqual(await waitForEvents(page, 'poll-voted'), [{ poll: 'workload-survey', answers: line }]);
  assert.deepEqual(await waitForEvents(page, 'poll-vote'), [{ poll: 'workload-survey', answers: line }]);
  // Results per question, as the survey's after_vote policy allows.
  await allResults(s);
  const results = s.locator('.question-results');
  assert.equal(await results.count(), 5);
  assert.equal(await results.nth(4).locator('.summary').textContent(), '1 written answer');
  assert.match(await results.nth(1).locator('.summary').textContent(), /^Median: \d/);
  assert.match(await results.nth(2).locator('.summary').textContent(), /^Net Promoter Score: -?\d+$/);
  assert.equal(await results.nth(3).locator('.likert-result').count(), 3);
  // Focus went to the results.
  assert.equal((await focused(page)).text.startsWith('Your workload, in four questions'), true);
  await assertNoViolations(page, 'results');
  // A reload shows the results again, not the questions.
  await page.reload();
  await s.locator('.poll[data-state="done"]').waitFor();
  await s.locator('.question-results').first().waitFor();
  assert.equal(await s.getByRole('radio').count(), 0);
  await context.close();
});

test('the all-at-once layout, by keyboard only: the written question appears with its condition', async () => {
  const context = await env.context();
  const { page } = await surveyPage(context, { definition: { ...SURVEY, layout: 'all' } });
  const s = survey(page);
  assert.equal(await s.locator('.progress').isVisible(), false);
  assert.equal(await s.locator('fieldset.question').count(), 4);
  await assertNoViolations(page, 'all questions');
  await tabTo(page, control(0), 'the first question');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown'); // 11-15
  await tabTo(page, control(1), 'the scale');
  await page.keyboard.press('ArrowRight'); // 2: the written question shows
  await s.locator('fieldset.question').nth(4).waitFor();
  await tabTo(page, control(2), 'the NPS');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  for (let row = 0; row < 3; row++) {
    await tabTo(page, control(3), `Likert row ${row + 1}`);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
  }
  await tabTo(page, (f) => f.tag === 'textarea', 'the written question');
  await page.keyboard.type('Weekends, too.');
  await assertNoViolations(page, 'all questions answered');
  await tabTo(page, button('Send answers'), 'Send answers');
  await page.keyboard.press('Enter');
  await s.locator('.poll[data-state="done"]').waitFor();
  await allResults(s);
  assert.equal(await s.locator('.question-results').count(), 5);
  await assertNoViolations(page, 'all-layout results');
  await context.close();
});

test('a required question blocks Next: the message is inline, announced and focused', async () => {
  const context = await env.context();
  const { page } = await surveyPage(context);
  const s = survey(page);
  await tabTo(page, button('Next'), 'Next');
  await page.keyboard.press('Enter');
  const notice = s.locator('#rs-q0-notice');
  await notice.waitFor();
  assert.equal(await notice.textContent(), 'Answer this question to go on.');
  assert.equal(await s.locator('.live').textContent(), 'Answer this question to go on.');
  assert.equal((await focused(page)).className, 'notice');
  assert.equal(await s.locator('.progress').textContent(), 'Question 1 of 4');
  // The options are described by the message.
  assert.equal(
    await s.getByRole('radio', { name: '6-10' }).getAttribute('aria-describedby'),
    'rs-q0-notice'
  );
  await assertNoViolations(page, 'required notice');
  // Answering clears it; Next then goes on.
  await s.getByRole('radio', { name: '1-5' }).check();
  assert.equal(await notice.isVisible(), false);
  await s.getByRole('button', { name: 'Next' }).click();
  await s.locator('.progress', { hasText: 'Question 2 of 4' }).waitFor();
  // A Likert with a row left blank says so.
  await s.getByRole('radio', { name: '4' }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  await s.getByRole('radio', { name: '7' }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  await s.getByRole('radio', { name: 'I get regular supervision: Agree' }).check();
  await s.getByRole('button', { name: 'Send answers' }).click();
  await s.locator('#rs-q3-notice', { hasText: 'Answer every row to go on.' }).waitFor();
  assert.equal(await s.locator('.poll').getAttribute('data-state'), 'answering');
  await context.close();
});

test('a reload mid-survey resumes at the same step with the answers given', async () => {
  const context = await env.context();
  const { page } = await surveyPage(context);
  const s = survey(page);
  await s.getByRole('radio', { name: 'Something else' }).check();
  await s.getByRole('textbox', { name: 'Something else' }).fill('It varies, 0-30');
  await s.getByRole('button', { name: 'Next' }).click();
  await s.getByRole('radio', { name: '4' }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  await s.locator('.progress', { hasText: 'Question 3 of 4' }).waitFor();
  await page.reload();
  await s.locator('.poll[data-state="answering"]').waitFor();
  assert.equal(await s.locator('.progress').textContent(), 'Question 3 of 4');
  await s.getByRole('button', { name: 'Back' }).click();
  assert.equal(await s.getByRole('radio', { name: '4' }).isChecked(), true);
  await s.getByRole('button', { name: 'Back' }).click();
  assert.equal(await s.getByRole('radio', { name: 'Something else' }).isChecked(), true);
  assert.equal(await s.getByRole('textbox', { name: 'Something else' }).inputValue(), 'It varies, 0-30');
  await context.close();
});

/** Answers the demo survey with the mouse, caseload 5 (no written question). */
async function answerQuickly(page, hours = '16+', s = survey(page)) {
  await s.getByRole('radio', { name: hours }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  await s.getByRole('radio', { name: '5' }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  await s.getByRole('radio', { name: '3' }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  for (const row of SURVEY.questions[3].rows) {
    await s.getByRole('radio', { name: `${row.label}: Neither agree nor disagree` }).check();
  }
}

/** The server's CSV export of the demo survey, as rows of cells. */
function exportCsv(id = 'workload-survey') {
  const text = execFileSync(SERVER, ['poll', 'export', id, '--csv', '--db', DB], {
    encoding: 'utf8',
  });
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell), rows.push(row), (row = []), (cell = '');
    } else cell += c;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

test('offline: the response waits, goes once the connection is back, and is counted once', async () => {
  const context = await env.context();
  const { page } = await surveyPage(context);
  const s = survey(page);
  await answerQuickly(page, '11-15');
  await recordEvents(page);
  // The browser logs the request it could not make.
  env.expectErrors(/ERR_INTERNET_DISCONNECTED/);
  await context.setOffline(true);
  await s.getByRole('button', { name: 'Send answers' }).click();
  const [problem] = await waitForEvents(page, 'poll-error');
  assert.equal(problem.code, 'network');
  assert.equal(problem.retryable, true);
  assert.equal(await s.locator('.poll').getAttribute('data-state'), 'sending');
  assert.equal(await s.locator('.status').textContent(), 'Sending your answers…');
  await context.setOffline(false);
  await s.locator('.poll[data-state="done"]').waitFor();
  const key = await page.evaluate(() => localStorage.getItem('readerpoll:v2:survey:workload-survey').split('\n')[3]);
  assert.match(key, /^[0-9a-f-]{36}$/);
  assert.equal(exportCsv().filter((r) => r.key === key).length, 1);
  await context.close();
});

test('a send that failed goes again, with the same key, when the page loads next', async () => {
  const context = await env.context();
  const { page } = await surveyPage(context);
  const s = survey(page);
  await answerQuickly(page, '1-5');
  // The server is unreachable for this send only.
  env.expectErrors(/ERR_CONNECTION_REFUSED/);
  await page.route('**/api/polls/workload-survey/votes', (route) => route.abort('connectionrefused'));
  await s.getByRole('button', { name: 'Send answers' }).click();
  await page.waitForFunction(() =>
    localStorage.getItem('readerpoll:v2:survey:workload-survey')?.startsWith('d2\nsending\n')
  );
  const saved = await page.evaluate(() => localStorage.getItem('readerpoll:v2:survey:workload-survey'));
  const key = saved.split('\n')[3];
  assert.equal(exportCsv().filter((r) => r.key === key).length, 0);
  await page.unroute('**/api/polls/workload-survey/votes');
  await page.reload();
  await s.locator('.poll[data-state="done"]').waitFor();
  assert.equal(exportCsv().filter((r) => r.key === key).length, 1);
  await context.close();
});

test('results per question equal the server CSV export', async () => {
  const context = await env.context();
  const { page } = await surveyPage(context);
  const s = survey(page);
  await answerQuickly(page, '6-10');
  await s.getByRole('button', { name: 'Send answers' }).click();
  await s.locator('.poll[data-state="done"]').waitFor();
  await allResults(s);
  const rows = exportCsv();
  assert.ok(rows.length >= 4, `${rows.length} responses`);
  const figures = async (block) => {
    const out = {};
    for (const row of await block.locator('.bar-row').all()) {
      const label = await row.locator('.label').textContent();
      const n = Number((await row.locator('.figures').textContent()).match(/\((\d+) answers?\)/)[1]);
      out[label] = n;
    }
    return out;
  };
  const count = (pred) => rows.filter(pred).length;
  const blocks = s.locator('.question-results');
  const [hours, stress, recommend, statements, anything] = SURVEY.questions;
  // Choice: one bar per option, then the write-in.
  const expectedHours = Object.fromEntries(hours.options.map((o) => [o.label, count((r) => r.hours === o.id)]));
  expectedHours['Something else'] = count((r) => r['hours.other'] !== '');
  assert.deepEqual(await figures(blocks.nth(0)), expectedHours);
  // Scale: one bar per point.
  const points = {};
  for (let p = stress.min; p <= stress.max; p++) points[String(p)] = count((r) => r.stress === String(p));
  assert.deepEqual(await figures(blocks.nth(1)), points);
  // NPS: detractors 0-6, passives 7-8, promoters 9-10.
  const nps = (lo, hi) => count((r) => r.recommend !== '' && +r.recommend >= lo && +r.recommend <= hi);
  assert.deepEqual(await figures(blocks.nth(2)), {
    'Detractors (0-6)': nps(0, 6),
    'Passives (7-8)': nps(7, 8),
    'Promoters (9-10)': nps(9, 10),
  });
  // Likert: per statement, per column.
  const likert = blocks.nth(3).locator('.likert-result');
  for (const [i, row] of statements.rows.entries()) {
    const expected = Object.fromEntries(
      statements.columns.map((c) => [c.label, count((r) => r[`statements.${row.id}`] === c.label)])
    );
    assert.deepEqual(await figures(likert.nth(i)), expected, row.id);
  }
  // Text: only how many were written.
  const written = count((r) => r[anything.id] !== '');
  assert.equal(
    await blocks.nth(4).locator('.summary').textContent(),
    `${written} written answer${written === 1 ? '' : 's'}`
  );
  await context.close();
});

test('a 320px phone: a Likert matrix becomes one group per row, nothing scrolls sideways', async () => {
  const context = await env.context({ viewport: { width: 320, height: 720 }, deviceScaleFactor: 2 });
  const { page } = await surveyPage(context);
  const s = survey(page);
  const fits = async (what) => {
    const box = await s.locator('.poll').evaluate((node) => ({
      scroll: node.scrollWidth,
      client: node.clientWidth,
      doc: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
    }));
    assert.ok(box.scroll <= box.client, `${what}: ${box.scroll}px in ${box.client}px`);
    assert.ok(box.doc <= box.viewport, `${what}: page ${box.doc}px in ${box.viewport}px`);
  };
  await answerQuickly(page, '6-10');
  await fits('likert');
  // Narrow, the header row is gone and each radio shows its column word.
  assert.equal(await s.locator('.likert-head').isVisible(), false);
  assert.equal(await s.locator('.cell-word').first().isVisible(), true);
  await s.screenshot({ path: join(RESULTS, 'survey-320-likert.png') });
  await s.getByRole('button', { name: 'Send answers' }).click();
  await s.locator('.poll[data-state="done"]').waitFor();
  await fits('results');
  await s.screenshot({ path: join(RESULTS, 'survey-320-results.png') });
  await context.close();
});

test('WP-Polls cannot run a survey: poll-error unsupported_survey', async () => {
  const context = await env.context();
  const page = await context.newPage();
  const html = articlePage({
    title: 'A survey on WP-Polls',
    content: pollElement(SURVEY, 'protocol="wp-polls" endpoint="/wp-admin/admin-ajax.php"'),
  });
  env.expectErrors(/unsupported_survey/);
  await recordEvents(page);
  await page.goto(await servePage(page, env.server.url, '/test/wp-survey.html', html));
  const [detail] = await waitForEvents(page, 'poll-error');
  assert.equal(detail.code, 'unsupported_survey');
  assert.match(detail.message, /survey/);
  await context.close();
});

/** The demo survey from the endpoint, its element in language `lang`. */
async function surveyIn(context, lang) {
  const html = articlePage({
    title: 'Your workload',
    content: `<p>We asked readers about their week.</p>
      <reader-poll poll="workload-survey" endpoint="/api" lang="${lang}"></reader-poll>`,
  });
  const page = await context.newPage();
  await page.goto(await servePage(page, env.server.url, `/test/survey-${lang}.html`, html));
  return { page, s: survey(page) };
}

test('a survey with lang="de" speaks German: progress, buttons, the validation message', async () => {
  const context = await env.context();
  const { page, s } = await surveyIn(context, 'de');
  await reader.line(s, 'Frage 1 von 4').waitFor();
  await reader.button(s, 'Weiter').click();
  // Blocked: said inline and through the live region, in German.
  const required = 'Beantworten Sie diese Frage, um fortzufahren.';
  await reader.line(s, required).waitFor();
  await reader.announced(s, required).waitFor();
  await reader.radio(s, '6-10').check();
  await reader.button(s, 'Weiter').click();
  await reader.line(s, 'Frage 2 von 4').waitFor();
  await reader.button(s, 'Zurück').waitFor();
  assert.equal(await reader.button(s, 'Next').count(), 0);
  assert.equal(await reader.button(s, 'Back').count(), 0);
  assert.equal(await s.locator('[part~="poll"]').getAttribute('lang'), 'de');
  await assertNoViolations(page, 'German survey');
  await context.close();
});

test('a survey with lang="ar" is right to left, in Arabic', async () => {
  const context = await env.context();
  const { page, s } = await surveyIn(context, 'ar');
  await reader.line(s, 'السؤال 1 من 4').waitFor();
  await reader.button(s, 'التالي').click();
  await reader.announced(s, 'أجب عن هذا السؤال للمتابعة.').waitFor();
  const container = s.locator('[part~="poll"]');
  assert.equal(await container.getAttribute('dir'), 'rtl');
  assert.equal(await container.getAttribute('lang'), 'ar');
  await assertNoViolations(page, 'Arabic survey');
  await context.close();
});

// ---- Closed surveys, changed answers, live results, what a survey downloads

const HOURS = SURVEY.questions[0].prompt;

/** Adds the demo survey as `id`, with `changes`, to the running server. */
function addSurvey(id, changes = {}) {
  const file = join(dir, `${id}.json`);
  writeFileSync(file, JSON.stringify({ ...SURVEY, id, ...changes }));
  execFileSync(SERVER, ['poll', 'add', file, '--db', DB]);
}

/** Closes survey `id` as its operator would. */
const closeSurvey = (id) => execFileSync(SERVER, ['poll', 'close', id, '--db', DB]);

/** A page with survey `id` from the endpoint; its element's locator once it shows `state`. */
async function surveyById(context, id, { attrs = '', state = 'answering', path = `/test/${id}.html` } = {}) {
  const html = articlePage({
    title: 'Your workload',
    content: `<p>We asked readers about their week.</p>
      <reader-poll poll="${id}" endpoint="/api" ${attrs}></reader-poll><p>Thank you for reading.</p>`,
  });
  const page = await context.newPage();
  await page.goto(await servePage(page, env.server.url, path, html));
  const s = page.locator(`reader-poll[poll="${id}"]`);
  await s.locator(`.poll[data-state="${state}"]`).waitFor();
  return { page, s };
}

/** The result line of `label` under the question `prompt`, as read aloud. */
const resultLine = (s, prompt, label) =>
  s
    .locator('.question-results')
    .filter({ has: s.page().getByRole('heading', { name: prompt, exact: true }) })
    .getByRole('listitem')
    .filter({ hasText: new RegExp(`^${label} — `) });

/** Nothing left to answer: no radios, no text boxes, no Next or Send. */
async function assertNothingToAnswer(s) {
  assert.equal(await s.getByRole('radio').count(), 0);
  assert.equal(await s.getByRole('textbox').count(), 0);
  assert.equal(await s.getByRole('button', { name: 'Next' }).count(), 0);
  assert.equal(await s.getByRole('button', { name: 'Send answers' }).count(), 0);
}

test('a closed survey shows that it closed, its results as the policy allows, and nothing to answer; a draft left unsent says so', async () => {
  addSurvey('closing-survey', { results: 'after_close' });
  // One reader answers in full; another stops after the first question.
  const sent = await env.context();
  const { page: first, s: firstSurvey } = await surveyById(sent, 'closing-survey');
  await answerQuickly(first, '6-10', firstSurvey);
  await firstSurvey.getByRole('button', { name: 'Send answers' }).click();
  await firstSurvey.locator('.poll[data-state="done"]').waitFor();
  assert.equal(
    await firstSurvey.locator('.results-note').textContent(),
    'Results will be shown when the survey closes.'
  );
  const drafted = await env.context();
  const { page, s } = await surveyById(drafted, 'closing-survey');
  await s.getByRole('radio', { name: '1-5' }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  await s.locator('.progress', { hasText: 'Question 2 of 4' }).waitFor();

  closeSurvey('closing-survey');
  await page.reload();
  await s.locator('.poll[data-state="closed"]').waitFor();
  await s
    .getByText('Your answers were not sent: this survey has closed.', { exact: true })
    .waitFor();
  await assertNothingToAnswer(s);
  // after_close: out now, the one counted response only.
  await resultLine(s, HOURS, '6-10').waitFor();
  assert.equal(await resultLine(s, HOURS, '6-10').textContent(), '6-10 — 100% (1 answer)');
  assert.equal(await resultLine(s, HOURS, '1-5').textContent(), '1-5 — 0% (0 answers)');
  assert.equal(await s.getByRole('button', { name: 'Change your answers' }).count(), 0);
  await assertNoViolations(page, 'closed, answers not sent');
  await s.screenshot({ path: join(RESULTS, 'survey-closed-unsent.png') });

  // A reader who never started: closed, with the same results.
  const fresh = await env.context();
  const { s: third } = await surveyById(fresh, 'closing-survey', { state: 'closed' });
  await third.getByText('This survey is closed.', { exact: true }).waitFor();
  await resultLine(third, HOURS, '6-10').waitFor();
  await assertNothingToAnswer(third);

  // The reader who answered keeps their thank-you, and now sees results.
  await first.reload();
  await firstSurvey.locator('.poll[data-state="done"]').waitFor();
  await resultLine(firstSurvey, HOURS, '6-10').waitFor();
  assert.equal(await firstSurvey.locator('.results-note').isVisible(), false);
});

test('a survey past its close time that publishes no results says both, with nothing to answer', async () => {
  addSurvey('closed-unpublished', { results: 'never', closes_at: '2020-01-01T00:00:00Z' });
  const context = await env.context();
  const { page, s } = await surveyById(context, 'closed-unpublished', { state: 'closed' });
  await s.getByText('This survey is closed.', { exact: true }).waitFor();
  await s.getByText('The results of this survey are not published.', { exact: true }).waitFor();
  await assertNothingToAnswer(s);
  assert.equal(await s.locator('.question-results').count(), 0);
  await assertNoViolations(page, 'closed, results never published');
});

test('answers sent after the survey closed: the reader is told they were not sent, not only refused', async () => {
  addSurvey('closes-mid-answer', { results: 'always' });
  const context = await env.context();
  const { page, s } = await surveyById(context, 'closes-mid-answer');
  await answerQuickly(page, '11-15', s);
  closeSurvey('closes-mid-answer');
  // The server's refusal is logged by the browser, and by the widget as a
  // refusal (as a poll's vote is).
  env.expectErrors(/status of 403/, /^readerpoll: vote refused: poll_closed: This survey is closed\.$/);
  await s.getByRole('button', { name: 'Send answers' }).click();
  await s.locator('.poll[data-state="closed"]').waitFor();
  const message = 'Your answers were not sent: this survey has closed.';
  await s.getByRole('status').filter({ hasText: message }).waitFor();
  assert.equal((await focused(page)).className, 'status');
  await assertNothingToAnswer(s);
  // results: always, and nobody was counted.
  assert.equal(await resultLine(s, HOURS, '11-15').textContent(), '11-15 — 0% (0 answers)');
  assert.equal(exportCsv('closes-mid-answer').length, 0);
});

test('allow_change: "Change your answers" brings the counted answers back, and sending again replaces them', async () => {
  addSurvey('changeable-survey', { allow_change: true, results: 'always' });
  const context = await env.context();
  const { page, s } = await surveyById(context, 'changeable-survey');
  await answerQuickly(page, '6-10', s);
  await s.getByRole('button', { name: 'Send answers' }).click();
  await s.locator('.poll[data-state="done"]').waitFor();
  assert.equal(await resultLine(s, HOURS, '6-10').textContent(), '6-10 — 100% (1 answer)');
  await assertNoViolations(page, 'answered, may change');
  await s.screenshot({ path: join(RESULTS, 'survey-change-offered.png') });

  await s.getByRole('button', { name: 'Change your answers' }).click();
  await s.locator('.poll[data-state="answering"]').waitFor();
  assert.equal(await s.locator('.progress').textContent(), 'Question 1 of 4');
  assert.equal(await s.getByRole('radio', { name: '6-10' }).isChecked(), true);
  assert.equal((await focused(page)).q, '0', 'focus on the first question');
  assert.equal(await s.getByRole('heading', { name: HOURS, exact: true }).count(), 0, 'no results while changing');
  await assertNoViolations(page, 'changing the answers');
  await s.screenshot({ path: join(RESULTS, 'survey-changing.png') });
  await s.getByRole('radio', { name: '1-5' }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  assert.equal(await s.getByRole('radio', { name: '5' }).isChecked(), true, 'the other answers are kept');
  await s.getByRole('button', { name: 'Next' }).click();
  await s.getByRole('button', { name: 'Next' }).click();
  await s.getByRole('button', { name: 'Send answers' }).click();
  await s.locator('.poll[data-state="done"]').waitFor();
  // One reader, one response: the new one.
  await resultLine(s, HOURS, '1-5').filter({ hasText: '100% (1 answer)' }).waitFor();
  assert.equal(await resultLine(s, HOURS, '6-10').textContent(), '6-10 — 0% (0 answers)');
  const rows = exportCsv('changeable-survey');
  assert.deepEqual(
    rows.map((r) => r.hours),
    ['1-5']
  );
  // It may be changed again.
  await s.getByRole('button', { name: 'Change your answers' }).waitFor();
});

test('without allow_change a reader who answered is offered no change', async () => {
  addSurvey('unchangeable-survey', { results: 'always' });
  const context = await env.context();
  const { page, s } = await surveyById(context, 'unchangeable-survey');
  await answerQuickly(page, '6-10', s);
  await s.getByRole('button', { name: 'Send answers' }).click();
  await s.locator('.poll[data-state="done"]').waitFor();
  await resultLine(s, HOURS, '6-10').waitFor();
  assert.equal(await s.getByRole('button', { name: 'Change your answers' }).count(), 0);
  assert.equal(await s.getByRole('button').count(), 0, 'no button at all');
});

test('live: the results on screen follow other readers, and a close reaches a reader mid-survey', async () => {
  addSurvey('live-survey', { results: 'always' });
  const context = await env.context();
  const { page, s } = await surveyById(context, 'live-survey', { attrs: 'live' });
  await answerQuickly(page, '6-10', s);
  await s.getByRole('button', { name: 'Send answers' }).click();
  await s.locator('.poll[data-state="done"]').waitFor();
  assert.equal(await resultLine(s, HOURS, '6-10').textContent(), '6-10 — 100% (1 answer)');
  // Another reader answers, not in this page.
  const other = await env.context();
  const { page: otherPage, s: otherSurvey } = await surveyById(other, 'live-survey', { attrs: 'live' });
  await otherSurvey.getByRole('radio', { name: '1-5' }).check();
  const answers = { hours: ['1-5'], stress: 4, recommend: 8, statements: { supervision: 'a', caseload: 'd', nwag: 'n' } };
  const posted = await fetch(`${env.server.url}/api/polls/live-survey/votes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ answers, key: 'e2e-live-1', voter: 'e2e-live-reader' }),
  });
  assert.equal(posted.status, 201);
  await resultLine(s, HOURS, '6-10').filter({ hasText: '50% (1 answer)' }).waitFor();
  assert.equal(await resultLine(s, HOURS, '1-5').textContent(), '1-5 — 50% (1 answer)');
  // The operator closes it: the reader mid-survey is told, at once.
  closeSurvey('live-survey');
  await otherSurvey.locator('.poll[data-state="closed"]').waitFor();
  await otherSurvey
    .getByRole('status')
    .filter({ hasText: 'Your answers were not sent: this survey has closed.' })
    .waitFor();
  await assertNothingToAnswer(otherSurvey);
  await assertNoViolations(otherPage, 'closed live');
  // The first reader's answers stay counted.
  assert.equal(await s.locator('.poll').getAttribute('data-state'), 'done');
});

test('a survey from the endpoint or a src URL downloads the survey build only, not the poll wasm', async () => {
  for (const how of ['endpoint', 'src']) {
    const context = await env.context();
    const page = await context.newPage();
    const requested = [];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    await page.route(`${env.server.url}/test/workload-survey.json`, (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(SURVEY) })
    );
    const element =
      how === 'src'
        ? '<reader-poll poll="workload-survey" src="/test/workload-survey.json" endpoint="/api"></reader-poll>'
        : '<reader-poll poll="workload-survey" endpoint="/api"></reader-poll>';
    const html = articlePage({ title: 'Your workload', content: element });
    await page.goto(await servePage(page, env.server.url, `/test/wasm-${how}.html`, html));
    await survey(page).locator('.poll[data-state="answering"]').waitFor();
    assert.deepEqual(
      requested.filter((p) => p.endsWith('.wasm')),
      ['/readerpoll/pkg/readerpoll_survey_bg.wasm'],
      how
    );
    assert.equal(requested.filter((p) => p === '/readerpoll/reader-poll.css').length, 0, `${how}: no poll styles`);
    await context.close();
  }
});

test('a reader changing counted answers when the survey closes keeps the counted ones', async () => {
  addSurvey('closes-while-changing', { allow_change: true, results: 'always' });
  const context = await env.context();
  const { page, s } = await surveyById(context, 'closes-while-changing', { attrs: 'live' });
  await answerQuickly(page, '6-10', s);
  await s.getByRole('button', { name: 'Send answers' }).click();
  await s.locator('.poll[data-state="done"]').waitFor();
  await s.getByRole('button', { name: 'Change your answers' }).click();
  await s.getByRole('radio', { name: '1-5' }).check();
  closeSurvey('closes-while-changing');
  await s.locator('.poll[data-state="done"]').waitFor();
  await s.getByRole('status').filter({ hasText: 'This survey has closed; your earlier answers stand.' }).waitFor();
  assert.equal(await s.getByText('Thank you: your answers were counted.').count(), 0);
  assert.equal(await s.getByText('Your answers were not sent: this survey has closed.').count(), 0);
  await assertNothingToAnswer(s);
  assert.equal(await s.getByRole('button', { name: 'Change your answers' }).count(), 0);
  assert.equal(await resultLine(s, HOURS, '6-10').textContent(), '6-10 — 100% (1 answer)');
});

test('the results come in two frames: the first question with the step, the others once it is painted', async () => {
  const context = await env.context();
  const { page } = await surveyPage(context);
  const s = survey(page);
  await answerQuickly(page, '6-10');
  // What the results hold when the first of them appear, seen before the
  // task that added them ends (a mutation observer runs at its end).
  await page.evaluate(() => {
    const results = document.querySelector('reader-poll[poll="workload-survey"]').shadowRoot.querySelector('.results');
    window.firstResults = new Promise((resolve) => {
      new MutationObserver((_, observer) => {
        observer.disconnect();
        resolve({
          blocks: results.querySelectorAll('.question-results').length,
          busy: results.getAttribute('aria-busy'),
        });
      }).observe(results, { childList: true });
    });
  });
  await s.getByRole('button', { name: 'Send answers' }).click();
  assert.deepEqual(await page.evaluate(() => window.firstResults), { blocks: 1, busy: 'true' });
  await allResults(s);
  assert.equal(await s.locator('.question-results').count(), 5);
  assert.equal(await s.locator('.results').getAttribute('aria-busy'), null);
  await assertNoViolations(page, 'results');
  await context.close();
});

test('protocol="form": the response posts one field per answer to the endpoint, then the thank-you', async () => {
  // A multiple choice with its write-in, a scale, an NPS, a Likert question
  // and a written answer: every kind of field (docs/protocol.md).
  const definition = {
    ...SURVEY,
    id: 'form-survey',
    questions: SURVEY.questions.map((q) => (q.id === 'hours' ? { ...q, mode: 'multiple' } : q)),
  };
  const context = await env.context();
  const page = await context.newPage();
  const requests = [];
  await page.route(`${env.server.url}/forms/survey**`, (route) => {
    const r = route.request();
    requests.push({ method: r.method(), url: r.url(), type: r.headers()['content-type'], body: r.postData() });
    return route.fulfill({ status: 204 });
  });
  const html = articlePage({
    title: 'A survey sent as a form',
    content: pollElement(definition, 'protocol="form" endpoint="/forms/survey"'),
  });
  await recordEvents(page);
  await page.goto(await servePage(page, env.server.url, '/test/form-survey.html', html));
  const s = page.locator('reader-poll[poll="form-survey"]');
  await s.locator('.poll[data-state="answering"]').waitFor();
  await s.getByRole('checkbox', { name: '6-10' }).check();
  await s.getByRole('checkbox', { name: 'Something else' }).check();
  await s.getByRole('textbox', { name: 'Something else' }).fill('Nights, weekends & more');
  await s.getByRole('button', { name: 'Next' }).click();
  await s.getByRole('radio', { name: '2' }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  await s.getByRole('radio', { name: '9' }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  const [supervision, caseload, nwag] = SURVEY.questions[3].rows.map((r) => r.label);
  await s.getByRole('radio', { name: `${supervision}: Strongly agree` }).check();
  await s.getByRole('radio', { name: `${caseload}: Agree` }).check();
  await s.getByRole('radio', { name: `${nwag}: Neither agree nor disagree` }).check();
  await s.getByRole('button', { name: 'Next' }).click();
  await s.getByRole('textbox').fill('Too many cases.');
  await s.getByRole('button', { name: 'Send answers' }).click();
  await s.locator('.poll[data-state="done"]').waitFor();
  assert.equal(await s.locator('.status').textContent(), 'Thank you: your answers were counted.');
  assert.equal((await waitForEvents(page, 'poll-voted')).length, 1);
  // One POST, nothing read from the form endpoint.
  assert.deepEqual(
    requests.map((r) => [r.method, r.url, r.type]),
    [['POST', `${env.server.url}/forms/survey`, 'application/x-www-form-urlencoded']]
  );
  const fields = [...new URLSearchParams(requests[0].body)];
  assert.deepEqual(fields.slice(0, 1), [['poll', 'form-survey']]);
  assert.deepEqual(
    fields.slice(1, 3).map(([name, value]) => [name, /^[0-9a-f-]{36}$/.test(value)]),
    [
      ['key', true],
      ['voter', true],
    ]
  );
  assert.deepEqual(fields.slice(3), [
    ['hours', '6-10'],
    ['hours.other', 'Nights, weekends & more'],
    ['stress', '2'],
    ['recommend', '9'],
    ['statements.supervision', 'sa'],
    ['statements.caseload', 'a'],
    ['statements.nwag', 'n'],
    ['anything', 'Too many cases.'],
  ]);
  await context.close();
});

test('a survey that has not opened yet says so, with nothing to answer, and is not closed', async () => {
  addSurvey('opens-later', { opens_at: '2100-01-01T00:00:00Z' });
  const context = await env.context();
  // The element reads the survey, then the widget reads it again as this
  // reader; the server says `open: false` to both.
  let reads = 0;
  const bothRead = new Promise((resolve) =>
    context.on('requestfinished', (request) => {
      if (new URL(request.url()).pathname === '/api/polls/opens-later' && ++reads === 2) resolve();
    })
  );
  const { page, s } = await surveyById(context, 'opens-later');
  await bothRead;
  await page.waitForLoadState('networkidle');
  await s.getByText('This survey is not open yet.').waitFor();
  assert.equal(await s.getByText('This survey is closed.').count(), 0);
  assert.equal(await s.locator('.poll[data-state="closed"]').count(), 0);
  await assertNothingToAnswer(s);
  await assertNoViolations(page, 'a survey not open yet');
  await context.close();
});
