// Shared by the end-to-end tests: Debian's Chromium through playwright-core,
// the real reference server on a free loopback port with a fresh database,
// one recorder of the widget's events, the conditions a test waits on, and
// an error guard: every console error and uncaught page error of a test's
// pages fails that test unless the test declared it.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { before, after, beforeEach, afterEach } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS = join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });

/** Debian's Chromium with the flags DESIGN.md §7 gives. */
export function launch(options = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...options,
  });
}

/**
 * Starts target/release/readerpoll-server on a free loopback port with a
 * fresh database, serving `www` (default: the demo's www/); resolves to
 * { url, stop, log }. `stop` also removes the database.
 */
export function startServer(extra = [], { www = join(ROOT, 'www') } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'readerpoll-e2e-'));
  const child = spawn(
    join(ROOT, 'target/release/readerpoll-server'),
    ['serve', '--addr', '127.0.0.1:0', '--www', www, '--db', join(dir, 'polls.sqlite3'), '--rate-limit', '0', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' } }
  );
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const stop = () =>
    new Promise((done) => {
      const finish = () => {
        rmSync(dir, { recursive: true, force: true });
        done();
      };
      if (child.exitCode !== null) finish();
      else {
        child.once('exit', finish);
        child.kill('SIGTERM');
      }
    });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/readerpoll listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], stop, log: () => log });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
}

/**
 * The one browser setup of a test file: one browser (and, unless
 * `server: false`, one fresh reference server started with `args`) for the
 * whole file, and for each test fresh contexts that are closed after it.
 *
 *   env.browser, env.server    the shared browser and server
 *   env.context(options)       a new context whose pages are watched
 *   env.page(options)          a new page in a new watched context
 *   env.expectErrors(...res)   errors this test causes on purpose: each
 *                              pattern must match at least one error
 *   env.errors                 this test's console and page errors so far
 *
 * After each test every error must match a declared pattern.
 */
export function useBrowser({ server = true, args = [] } = {}) {
  const env = { errors: [] };
  let contexts = [];
  let expected = [];
  before(async () => {
    [env.browser, env.server] = await Promise.all([launch(), server ? startServer(args) : undefined]);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  beforeEach(() => {
    env.errors = [];
    contexts = [];
    expected = [];
  });
  afterEach(async () => {
    await Promise.all(contexts.map((c) => c.close().catch(() => {})));
    const unexpected = env.errors.filter((e) => !expected.some((re) => re.test(e)));
    assert.deepEqual(unexpected, [], 'console or page errors nobody expected');
    for (const re of expected) {
      assert.ok(env.errors.some((e) => re.test(e)), `expected an error matching ${re}, got:\n${env.errors.join('\n')}`);
    }
  });
  env.context = async (options = {}) => {
    const context = await env.browser.newContext(options);
    contexts.push(context);
    const errors = env.errors;
    context.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    context.on('weberror', (e) => errors.push(`pageerror: ${e.error().message}`));
    return context;
  };
  env.page = async (options = {}) => (await env.context(options)).newPage();
  env.expectErrors = (...patterns) => expected.push(...patterns);
  return env;
}

// ---- The widget's events -------------------------------------------------

const EVENT_NAMES = ['poll-ready', 'poll-vote', 'poll-voted', 'poll-error', 'securitypolicyviolation'];

function installRecorder(names) {
  if (window.__recorded) return;
  window.__recorded = [];
  for (const type of names) {
    document.addEventListener(
      type,
      (e) => {
        const detail =
          type === 'securitypolicyviolation'
            ? { directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample, source: e.sourceFile }
            : JSON.parse(JSON.stringify(e.detail ?? null));
        window.__recorded.push({ type, detail });
      },
      true
    );
  }
}

/**
 * The one event recorder: from now on (and on every page `target` opens,
 * from before its first script) records the widget's events and CSP
 * violations. `target`: a context or a page, before or after it navigated.
 */
export async function recordEvents(target) {
  await target.addInitScript(installRecorder, EVENT_NAMES);
  for (const page of 'pages' in target ? target.pages() : [target]) {
    if (page.url() !== 'about:blank') await page.evaluate(installRecorder, EVENT_NAMES);
  }
}

/** The details of the `type` events recorded on `page` so far, in order. */
export const events = (page, type) =>
  page.evaluate((t) => window.__recorded.filter((e) => e.type === t).map((e) => e.detail), type);

/** Waits until `page` has recorded `count` events of `type`; their details. */
export async function waitForEvents(page, type, count = 1) {
  await page.waitForFunction(([t, n]) => window.__recorded.filter((e) => e.type === t).length >= n, [type, count]);
  return events(page, type);
}

// ---- Conditions ------------------------------------------------------------

/**
 * Polls `read` (sync or async) until `check` passes on what it returns, or
 * fails with the last value after `timeout` ms. For state outside the page
 * (what a backend received), where no event says it changed.
 */
export async function eventually(read, check = (v) => assert.ok(v), { timeout = 15000, interval = 50 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** The `<reader-poll>` elements for poll `id`. */
export const pollOf = (page, id) => page.locator(`reader-poll[poll="${id}"]`);

// ---- Requests the page made ------------------------------------------------

function installFetchLog() {
  if (window.__fetches) return;
  window.__fetches = [];
  const realFetch = window.fetch;
  window.fetch = function (input, init) {
    const entry = {
      url: new URL(input instanceof Request ? input.url : String(input), location.href).href,
      method: (init?.method ?? input?.method ?? 'GET').toUpperCase(),
      at: Date.now(), // the page's clock, which a test may have installed
      settled: false,
      read: false,
    };
    window.__fetches.push(entry);
    const answer = realFetch.call(this, input, init);
    answer.then(
      (response) => {
        entry.settled = true;
        entry.status = response.status;
        for (const name of ['text', 'json', 'arrayBuffer']) {
          const real = response[name].bind(response);
          response[name] = () => {
            const body = real();
            body.finally(() => (entry.read = true));
            return body;
          };
        }
      },
      () => {
        entry.settled = true;
        entry.read = true;
        entry.status = 0;
      }
    );
    return answer;
  };
}

/**
 * Logs every `fetch` of the pages of `target` (a context or a page, before
 * it navigates): url, method, `at` (the page's `Date.now()`), whether it
 * has `settled` and its body been `read`. Read it with `fetches`.
 */
export const recordFetches = (target) => target.addInitScript(installFetchLog);

/** The fetches `page` logged whose URL includes `part`. */
export const fetches = (page, part = '') =>
  page.evaluate((p) => window.__fetches.filter((f) => f.url.includes(p)), part);
