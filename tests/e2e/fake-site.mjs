// A news site and a vote backend that exist only inside the browser: every
// request to https://news.example is answered by Playwright's router, the
// page from www/ and the API from a scriptable fake that records what it
// received. Lets the tests play any failure (500, 503 + Retry-After, HTML
// bodies, hangs, refused connections) without a real server.

import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ORIGIN = 'https://news.example';
const WWW = fileURLToPath(new URL('../../www/', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** Serves www/ at ORIGIN, plus `pages` (path -> html) for test pages. */
export async function serveSite(context, pages = {}) {
  await context.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith('/api/')) return route.fallback();
    if (pages[url.pathname]) {
      return route.fulfill({ status: 200, contentType: TYPES['.html'], body: pages[url.pathname] });
    }
    const path = normalize(join(WWW, url.pathname === '/' ? 'index.html' : url.pathname));
    if (!path.startsWith(WWW)) return route.fulfill({ status: 403 });
    try {
      const body = await readFile(path);
      return route.fulfill({ status: 200, contentType: TYPES[extname(path)] ?? 'application/octet-stream', body });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
}

/**
 * A fake readerpoll backend. `script` is a list of behaviours consumed one
 * per vote request; when it runs out, votes are counted. Behaviours:
 * { status, body, headers } | { delay } (ms, then counted) | 'hang' | 'refuse'.
 * Counting is idempotent by
 * key, like the real server, and `received` keeps every key seen.
 */
export function fakeBackend(poll) {
  const state = {
    script: [],
    received: [], // every vote request's key, in order
    counted: new Map(), // key -> choices
    counts: { ...poll.counts },
    voters: poll.voters,
    hung: [],
    // Playwright's router answers even when the context is offline, so the
    // fake fails requests itself while this is set.
    offline: false,
  };
  const tally = () => ({ counts: { ...state.counts }, voters: state.voters });
  state.install = async (context) => {
    await context.route(`${ORIGIN}/api/**`, async (route) => {
      const req = route.request();
      const url = new URL(req.url());
      if (state.offline) return route.abort('internetdisconnected');
      if (req.method() === 'GET') {
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ poll: {}, tally: tally(), open: true }) });
      }
      if (!url.pathname.endsWith('/votes')) return route.fulfill({ status: 404 });
      let vote;
      try {
        vote = JSON.parse(req.postData() ?? '');
      } catch {
        return route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":{"code":"bad_json","message":"bad"}}' });
      }
      state.received.push(vote.key);
      const next = state.script.shift();
      if (next === 'hang') {
        state.hung.push(route);
        return; // never answered; the widget's timeout must fire
      }
      if (next === 'refuse') return route.abort('connectionrefused');
      if (next?.delay) await new Promise((resolve) => setTimeout(resolve, next.delay));
      if (next?.status) {
        return route.fulfill({
          status: next.status,
          headers: next.headers ?? {},
          contentType: next.contentType ?? 'application/json',
          body: next.body ?? '',
        });
      }
      if (!state.counted.has(vote.key)) {
        state.counted.set(vote.key, vote.choices);
        for (const c of vote.choices) state.counts[c] = (state.counts[c] ?? 0) + 1;
        state.voters += 1;
      }
      return route.fulfill({ status: 201, contentType: 'application/json', body: JSON.stringify({ tally: tally(), counted: true }) });
    });
  };
  return state;
}

/** A page with one poll pointed at the fake backend. */
export function pollPage(poll, attrs = '') {
  const config = JSON.stringify(poll).replaceAll('<', '\\u003c');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>poll</title>
<script type="module" src="/readerpoll/reader-poll.js"></script></head><body>
<reader-poll poll="${poll.id}" endpoint="/api" timeout="1500" ${attrs}><script type="application/json">${config}</script></reader-poll>
</body></html>`;
}
