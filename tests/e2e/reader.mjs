// What a reader (or a screen reader) sees and does in a poll, found by role
// and accessible name, never by the widget's internal classes: the options
// are radios or checkboxes named by their labels, the buttons are named by
// their text, the results are a list whose items read "label — figures",
// and the poll's lines are text.

import assert from 'node:assert/strict';

/** The radio button named `name` in poll `el`. */
export const radio = (el, name) => el.getByRole('radio', { name, exact: true });

/** The checkbox named `name` in poll `el`. */
export const checkbox = (el, name) => el.getByRole('checkbox', { name, exact: true });

/** The button named `name` (default: the poll's own "Vote") in `el`. */
export const button = (el, name = 'Vote') => el.getByRole('button', { name, exact: true });

/** The ballot: the group named by the poll's question. */
export const ballot = (el, question) => el.getByRole('group', question ? { name: question, exact: true } : {});

/**
 * A line of text shown in `el` (a status, a notice, a total), not counting
 * the live region that also announces some of them (see `announced`).
 */
export const line = (el, text) =>
  el.getByText(text, { exact: typeof text === 'string' }).and(el.locator(':not([role="status"])'));

/** The poll's live region (role status) while it says `text`; it is visually hidden. */
export const announced = (el, text) => el.getByRole('status').filter({ hasText: text });

/** Chooses `option` (a radio) and presses Vote. */
export async function vote(el, option, { vote = 'Vote' } = {}) {
  await radio(el, option).check();
  await button(el, vote).click();
}

/** The results list of poll `el`. */
export const resultList = (el) => el.getByRole('list');

/**
 * The result rows as the accessibility tree reads them, in order, e.g.
 * "6-10 — 32% (185 votes) Your choice". Waits for the list.
 */
export async function resultRows(el) {
  const list = resultList(el);
  await list.waitFor();
  const snapshot = await list.ariaSnapshot();
  return snapshot
    .split('\n')
    .filter((l) => /^\s*- listitem/.test(l))
    .map((l) => unquote(l.replace(/^\s*- listitem:?\s*/, '')));
}

// ariaSnapshot quotes a name with YAML-significant characters.
function unquote(text) {
  if (text.startsWith('"')) return JSON.parse(text);
  if (text.startsWith("'")) return text.slice(1, -1).replaceAll("''", "'");
  return text;
}

/** The rows of `el` (see `resultRows`) as { label: "rest of the row" }. */
export async function resultsByLabel(el) {
  return Object.fromEntries((await resultRows(el)).map((r) => r.split(' — ')));
}

/** The row of the reader's own choice: its label, or null. */
export async function myChoice(el) {
  const mine = (await resultRows(el)).filter((r) => r.endsWith(' Your choice'));
  assert.ok(mine.length <= 1, mine.join('\n'));
  return mine.length ? mine[0].split(' — ')[0] : null;
}

/** Lines shown while a vote is not yet confirmed. */
export const PENDING = /Sending your vote|will be sent when the connection is back/;

/** Waits until `el` shows `voters` in total and no vote of it is pending. */
export async function confirmed(el, voters, { timeout = 15000 } = {}) {
  await line(el, `Total voters: ${voters}`).waitFor({ timeout });
  await line(el, PENDING).waitFor({ state: 'hidden', timeout });
}

/**
 * The accessible names of the poll's options (radios or checkboxes), in
 * order, as the accessibility tree has them.
 */
export async function optionNames(el) {
  const group = ballot(el);
  await group.waitFor();
  return (await group.ariaSnapshot())
    .split('\n')
    .map((l) => l.match(/^\s*- (?:radio|checkbox) (.*?)(?: \[[^\]]*\])?:?$/))
    .filter(Boolean)
    .map((m) => unquote(m[1]));
}
