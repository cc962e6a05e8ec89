// Shared by the end-to-end tests: Debian's Chromium through playwright-core,
// the real reference server on a free loopback port with a fresh database,
// and a collector for console errors.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RESULTS = join(ROOT, 'test-results');
mkdirSync(RESULTS, { recursive: true });

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

/** Records console errors and uncaught page errors. */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** Largest-remainder whole percentages, as the widget computes them. */
export function percentages(counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const floors = counts.map((c) => Math.floor((c * 100) / total));
  const rems = counts.map((c, i) => [(c * 100) % total, c, i]);
  rems.sort((a, b) => b[0] - a[0] || b[1] - a[1] || a[2] - b[2]);
  let left = 100 - floors.reduce((a, b) => a + b, 0);
  for (const [, , i] of rems) {
    if (left-- <= 0) break;
    floors[i] += 1;
  }
  return floors;
}

/**
 * One browser and one fresh server for a whole test file: started before
 * its first test, stopped after its last. Read them from the returned object.
 */
export function sharedBrowserAndServer(extra = []) {
  const env = {};
  before(async () => {
    [env.browser, env.server] = await Promise.all([launch(), startServer(extra)]);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/** The `<reader-poll>` elements for poll `id`. */
export const pollOf = (page, id) => page.locator(`reader-poll[poll="${id}"]`);
