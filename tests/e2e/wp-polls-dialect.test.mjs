// The WP-Polls dialect of www/element/wp-polls.js, without a browser: the
// vote request the plugin's own form sends, and the plugin's answers put in
// the readerpoll protocol's terms (what the wasm then classifies; see
// transport::protocol). The captured answers of the real plugin
// (tests/fixtures/wp-polls, both versions) must mean what the plugin meant.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pluginAnswer, voteRequest } from '../../www/element/wp-polls.js';

const fixture = (version, name) =>
  readFileSync(new URL(`../fixtures/wp-polls/${version}/${name}`, import.meta.url), 'utf8');
const both = (name) => ['2.77.4', '3.0.1'].map((version) => fixture(version, name));

// Numbers are read from results HTML with the DOM, in the browser (the
// wp-polls e2e tests); here a stand-in that says which HTML it was given.
const NUMBERS = { counts: { 21: 3 }, voters: 3 };
const numbers = () => NUMBERS;
const unread = () => null;
const answer = (poll, body, read = numbers) => {
  const [status, text] = pluginAnswer(poll, 200, body, read);
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, json, text };
};

test('a vote is the request the plugin\'s own form sends', () => {
  const vote = JSON.stringify({ choices: ['21'], key: 'k', voter: 'ab12cd' });
  assert.deepEqual(voteRequest('https://wp.example/', '5', vote), [
    'https://wp.example/wp-admin/admin-ajax.php',
    'application/x-www-form-urlencoded',
    'action=polls&view=process&poll_id=5&poll_5=21&poll_5_nonce=ab12cd',
  ]);
  const two = JSON.stringify({ choices: ['21', '23'], key: 'k', voter: 'ab12cd' });
  assert.match(voteRequest('https://wp.example', '5', two)[2], /&poll_5=21%2C23&/);
  // 2.77.4's own script, as captured.
  const captured = fixture('2.77.4', 'vote-request.txt').trim().split('\n').at(-1);
  const single = JSON.stringify({ choices: ['7'], key: 'k', voter: '503ecb437f' });
  assert.equal(voteRequest('https://wp.example', '2', single)[2], captured);
});

test('answers are read as the plugin means them', () => {
  const counted =
    '<div id="polls-5" class="wp-polls"><strong>Q</strong><ul><li>A <small>(32%, 1,184 Votes)</small></li></ul></div>';
  assert.deepEqual(answer('5', counted), { status: 200, json: { tally: NUMBERS }, text: JSON.stringify({ tally: NUMBERS }) });
  // Results whose numbers cannot be read: counted all the same.
  assert.deepEqual(answer('5', counted, unread).json, {});
  // A byte order mark and whitespace before the plugin's output.
  assert.equal(answer('5', `\uFEFF\n  ${counted}\n`).status, 200);
  // The results of another poll are not this vote's answer: passed on as
  // they are (not JSON), so the vote is tried again.
  assert.deepEqual(answer('5', '<div id="polls-51">'), { status: 200, json: undefined, text: '<div id="polls-51">' });
  assert.deepEqual(answer('5', 'You Had Already Voted For This Poll. Poll ID #5').json, {
    error: { message: 'You Had Already Voted For This Poll. Poll ID #5' },
  });
  assert.equal(answer('5', 'You Had Already Voted For This Poll. Poll ID #5').status, 409);
  const code = (body) => {
    const { status, json } = answer('5', body);
    assert.equal(status, 400);
    return json.error.code;
  };
  assert.equal(code('Poll ID #5 is closed'), 'poll_closed');
  assert.equal(code('Failed To Verify Referrer'), 'bad_nonce');
  assert.equal(code('Invalid Poll ID'), 'unknown_poll');
  assert.equal(code('Invalid Poll ID. Poll ID #5'), 'unknown_poll');
  assert.equal(code('0'), 'refused');
  assert.deepEqual(answer('5', ''), { status: 200, json: undefined, text: '' });
  assert.equal(answer('5', '<!doctype html><title>502</title>').json, undefined);
  // What is not a 2xx is the HTTP layer's, passed on untouched.
  assert.deepEqual(pluginAnswer('5', 503, 'busy', numbers), [503, 'busy']);
});

test('the captured answers mean what the plugin meant', () => {
  for (const body of both('vote-response-ok.html')) assert.deepEqual(answer('2', body).json, { tally: NUMBERS });
  for (const body of both('vote-response-ok-multiple.html')) assert.deepEqual(answer('5', body).json, { tally: NUMBERS });
  for (const body of both('vote-response-already-voted.html')) {
    assert.deepEqual(answer('2', body), {
      status: 409,
      json: { error: { message: 'You Had Already Voted For This Poll. Poll ID #2' } },
      text: '{"error":{"message":"You Had Already Voted For This Poll. Poll ID #2"}}',
    });
  }
  const refusal = (poll, body) => answer(poll, body).json.error;
  for (const body of both('vote-response-closed.html')) {
    assert.deepEqual(refusal('4', body), { code: 'poll_closed', message: 'This poll is closed.' });
  }
  for (const body of both('vote-response-bad-nonce.html')) {
    assert.deepEqual(refusal('2', body), {
      code: 'bad_nonce',
      message: "This poll's form has expired. Reload the page to vote.",
    });
  }
  for (const body of both('vote-response-invalid-poll-id.html')) {
    assert.deepEqual(refusal('0', body), { code: 'unknown_poll', message: 'This poll no longer exists.' });
  }
  for (const body of both('vote-response-no-answer.html')) {
    assert.deepEqual(refusal('2', body), { code: 'refused', message: 'Invalid Answer to Poll ID #2' });
  }
  assert.deepEqual(refusal('5', fixture('3.0.1', 'vote-response-over-max.html')), {
    code: 'refused',
    message: 'Maximum 2 answers allowed for Poll ID #5',
  });
});
