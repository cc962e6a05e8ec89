// A news site and a vote backend that exist only inside the browser: every
// request to https://news.example is answered by Playwright's router, the
// page from www/ and the API from a scriptable fake that records what it
// received. Lets the tests play any failure (500, 503 + Retry-After, HTML
// bodies, hangs, refused connections) without a real server.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

// ---------------------------------------------------------------------------
// A WordPress site running WP-Polls (2.77.4 or 3.0.1), built from what the
// real plugin printed and answered (tests/fixtures/wp-polls/, see the README
// there): its pages, admin-ajax.php and REST answers are those files, with
// this site's values filled in per request (nonces, counts, percentages,
// order, the reader's highlighted answers, cookies). It keeps the plugin's
// rules: a reader is known by the `voted_N` cookie or by IP; admin-ajax
// answers 200 with a sentence when it refuses; 3.0.1 enforces the maximum
// number of answers and has the polls/v1 REST API, found at the root the
// permalink setting gives. `wp-polls.test.mjs` checks that, set to the
// captures' numbers, it answers the captured bytes.

const WP_FIXTURES = fileURLToPath(new URL('../fixtures/wp-polls/', import.meta.url));
/** The captured site's address, which the fixtures carry. */
const CAPTURED = 'http://127.0.0.1:8089';
/** The captures' nonces, by poll. */
export const CAPTURED_NONCES = { 2: '503ecb437f', 4: 'a2c412e662', 5: 'af11031330', 999: '1eeb39821e' };

export function wpFixture(version, name) {
  return readFileSync(join(WP_FIXTURES, version, name), 'utf8');
}

/** The seed polls as the captures started (README of the fixtures). */
function seedPolls(version) {
  const labels = (file) =>
    [...wpFixture(version, file).matchAll(/<label for="poll-answer-(\d+)">([^<]*)<\/label>/g)].map((m) => ({
      id: Number(m[1]),
      text: m[2],
    }));
  const question = (file) => wpFixture(version, file).match(/<strong>([^<]*)<\/strong>/)[1];
  const poll = (id, file, votes, voters, multiple) => ({
    id,
    question: question(file),
    answers: labels(file).map((a, i) => ({ ...a, votes: votes[i] })),
    voters,
    multiple,
    open: true,
    ballot: file,
  });
  return {
    2: poll(2, 'ballot-single.html', [93, 184, 134, 170], 581, 0),
    4: poll(4, 'closed-disabled-form.html', [56, 265, 209, 34], 564, 0),
    5: poll(5, 'ballot-multiple.html', [4, 9, 8, 6, 3], 20, 2),
  };
}

/** The pieces of the plugin's results markup, cut from a capture. */
function resultsTemplate(version) {
  const voted = wpFixture(version, 'results-voted.html');
  const notVoted = wpFixture(version, 'results-not-voted.html');
  const lines = voted.split('\n');
  const mine = lines.find((l) => l.includes('<li><strong'));
  const plain = lines.find((l) => l.startsWith('\t\t<li>') && !l.includes('<strong'));
  const li = (line, label, pct, votes) =>
    line.replaceAll(`${pct}%`, '{P}%').replaceAll(`${votes} Votes`, '{N} Votes').replaceAll(label, '{L}');
  const head = voted.slice(0, voted.indexOf('\t\t<li>'));
  const question = head.match(/<strong>([^<]*)<\/strong>/)[1];
  const total = notVoted.match(/\t\t<\/ul><p[^>]*>Total Voters: <strong>582<\/strong><\/p>/)[0];
  const link = notVoted.match(/<p[^>]*><a href="#VotePoll"[^>]*>Vote<\/a><\/p>/)[0];
  const tail = notVoted.slice(notVoted.indexOf(link) + link.length, notVoted.indexOf('<div id="polls-2-loading"'));
  return {
    head: head.replaceAll('polls-2', 'polls-{ID}').replace(question, '{Q}'),
    mine: li(mine, '6-10', 32, 185),
    plain: li(plain, '16+', 29, 170),
    total: total.replace('582', '{V}'),
    link: link.replaceAll('"2"', '"{ID}"'),
    tail: tail.replaceAll('poll_2_nonce', 'poll_{ID}_nonce').replace(CAPTURED_NONCES[2], '{NONCE}'),
  };
}

/** PHP's json_encode: slashes escaped, non-ASCII as \uXXXX. */
const phpJson = (value) =>
  JSON.stringify(value)
    .replaceAll('/', '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function fakeWordPress({ version = '2.77.4', permalinks = 'pathinfo', closedView = 'results' } = {}) {
  const rest = version !== '2.77.4';
  const template = resultsTemplate(version);
  const fixture = (name) => wpFixture(version, name).replaceAll(CAPTURED, ORIGIN);
  const site = {
    version,
    permalinks,
    polls: seedPolls(version),
    // This site's nonces: not the captures'.
    nonces: Object.fromEntries(Object.keys(CAPTURED_NONCES).map((id) => [id, nonceFor(id, 1)])),
    ipLog: new Map(), // `${poll}/${ip}` -> answer ids
    ajax: [], // every admin-ajax body, parsed
    restCalls: [], // every REST route asked, with its method
    errors: [], // every answer with a status of 400 or more: "status path"
  };

  function nonceFor(id, tick) {
    return createHash('sha1').update(`${id}/${tick}/${version}`).digest('hex').slice(0, 10);
  }
  /** WordPress's nonce tick moves on twice: nonces from before are refused. */
  site.expireNonces = () => {
    for (const id of Object.keys(site.nonces)) site.nonces[id] = nonceFor(id, 3);
  };

  /** The post URL of poll `id` under this site's permalinks. */
  site.postUrl = (id, query = '') => {
    const path = {
      pathinfo: `/index.php/2026/12/07/capture-poll-${id}/`,
      pretty: `/2026/12/07/capture-poll-${id}/`,
      plain: `/`,
    }[permalinks];
    const params = new URLSearchParams(query);
    if (permalinks === 'plain') params.set('p', id);
    const search = params.toString();
    return `${ORIGIN}${path}${search ? `?${search}` : ''}`;
  };
  /** An article with every seed poll in it. */
  const ARTICLE = '/index.php/2026/12/07/seed-article/';
  site.articleUrl = () => `${ORIGIN}${ARTICLE}`;
  const apiRoot = {
    pathinfo: `${ORIGIN}/index.php/wp-json/`,
    pretty: `${ORIGIN}/wp-json/`,
    plain: `${ORIGIN}/index.php?rest_route=/`,
  }[permalinks];

  const totalVotes = (poll) => poll.answers.reduce((a, b) => a + b.votes, 0);
  /** The plugin's percentage: of all votes, rounded half up. */
  const percent = (votes, total) => (total ? Math.floor((votes * 200 + total) / (2 * total)) : 0);

  /** The results markup, with `mine` highlighted, the Vote link, the loading line. */
  site.results = (poll, { mine = [], link = false, loading = false } = {}) => {
    const total = totalVotes(poll);
    const rows = [...poll.answers].sort((a, b) => b.votes - a.votes || a.id - b.id);
    const fill = (s) =>
      s
        .replaceAll('{ID}', poll.id)
        .replaceAll('{Q}', poll.question)
        // number_format_i18n, as in English: "1,582".
        .replaceAll('{V}', poll.voters.toLocaleString('en-US'))
        .replaceAll('{NONCE}', site.nonces[poll.id]);
    return (
      fill(template.head) +
      rows
        .map((a) =>
          (mine.includes(a.id) ? template.mine : template.plain)
            .replaceAll('{P}', percent(a.votes, total))
            .replaceAll('{N}', a.votes.toLocaleString('en-US'))
            .replaceAll('{L}', a.text)
        )
        .join('\n') +
      '\n' +
      fill(template.total) +
      (link ? fill(template.link) : '') +
      fill(template.tail) +
      (loading ? loadingLine(poll.id) : '')
    );
  };
  const loadingLine = (id) => {
    const page = fixture('ballot-single.html');
    return page.slice(page.indexOf('<div id="polls-2-loading"')).replaceAll('polls-2-', `polls-${id}-`);
  };

  /** The ballot as the capture of this poll has it, with this site's nonce. */
  site.ballot = (poll, { loading = false, booth = false } = {}) => {
    let html = fixture(poll.ballot);
    html = html.slice(0, html.indexOf(`<div id="polls-${poll.id}-loading"`));
    html = html.replace(`value="${CAPTURED_NONCES[poll.id]}"`, `value="${site.nonces[poll.id]}"`);
    if (booth) return html.replace('action="/index.php"', 'action="/wp-admin/admin-ajax.php"');
    return html.replace(/\n+$/, '\n') + (loading ? loadingLine(poll.id) : '');
  };

  /** The answers this reader chose, if the plugin knows them (cookie, then IP). */
  const votedBy = (poll, cookies, ip) => {
    const cookie = cookies[`voted_${poll.id}`];
    if (cookie) return decodeURIComponent(cookie).split(',').map(Number);
    return site.ipLog.get(`${poll.id}/${ip}`) ?? null;
  };

  /** What `[poll id="N"]` prints for this reader. */
  site.shortcode = (poll, cookies, ip, pollresult) => {
    const mine = votedBy(poll, cookies, ip);
    if (!poll.open && closedView === 'form') {
      const form = fixture('closed-disabled-form.html');
      return site.ballot(poll, { loading: true }).replace(/\n+$/, '\n') + form.slice(form.indexOf('<script'));
    }
    if (!poll.open || mine) return site.results(poll, { mine: mine ?? [], loading: true });
    if (pollresult === String(poll.id)) return site.results(poll, { link: true, loading: true });
    return site.ballot(poll, { loading: true });
  };

  /** The page of `polls` (one, or several in one article), each embedded as the chosen editor saves it. */
  site.page = (polls, { cookies = {}, ip, pollresult, embed = 'block', dequeued = false }) => {
    const post = fixture(embed === 'classic' ? 'classic-editor-post.html' : 'html-block-post.html');
    const start = post.indexOf('<div id="polls-2"');
    const end = post.indexOf('</reader-poll>');
    const content = [polls]
      .flat()
      .map((poll) => {
        const shortcode = site.shortcode(poll, cookies, ip, pollresult).replace(/\n+$/, '\n');
        return (post.slice(0, start) + shortcode + post.slice(end)).replace('poll="2"', `poll="${poll.id}"`);
      })
      .join('');
    const title = [polls].flat().length > 1 ? 'seed-article' : `capture-poll-${polls.id}`;
    const assets = fixture('page-assets.html').replaceAll(`${ORIGIN}/index.php/wp-json/"`, `${apiRoot}"`).split('\n');
    // With the README's lines in the theme, WordPress prints neither the
    // plugin's script (nor its settings) nor jQuery.
    const dropped = /id='(jquery-core-js|jquery-migrate-js|wp-polls-js|wp-polls-js-extra)'|^var w?p?[pP]ollsL10n|^<\/script>$/;
    const keep = (lines) => lines.filter((line) => !dequeued || !dropped.test(line));
    const footerAt = assets.findIndex((line) => line.startsWith("<script id='wp-polls-js-extra'>"));
    const head = keep(assets.slice(0, footerAt));
    const footer = keep(assets.slice(footerAt));
    return `<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8" />
<title>${title}</title>
${head.join('\n')}
<script type="module" src="/readerpoll/reader-poll.js"></script>
</head>
<body>
<div class="entry-content wp-block-post-content">${content}</div>
${footer.join('\n')}
</body>
</html>`;
  };

  /** view=process: WP-Polls' vote_poll_process, in its order of checks. */
  function vote(poll, id, given, cookies, ip) {
    const ids = [...new Set(String(given ?? '').split(',').map((v) => parseInt(v, 10) || 0))];
    if (!poll || !ids.every((a) => poll.answers.some((b) => b.id === a))) {
      return { refused: `Invalid Answer to Poll ID #${id}` };
    }
    if (!poll.open) return { refused: `Poll ID #${id} is closed` };
    if (votedBy(poll, cookies, ip)) return { refused: `You Had Already Voted For This Poll. Poll ID #${id}` };
    if (rest && poll.multiple && ids.length > poll.multiple) {
      return { refused: `Maximum ${poll.multiple} answers allowed for Poll ID #${id}` };
    }
    for (const a of ids) poll.answers.find((b) => b.id === a).votes += 1;
    poll.voters += 1;
    site.ipLog.set(`${id}/${ip}`, ids);
    const expires = new Date(Date.now() + 31536000 * 1000).toUTCString();
    return {
      ids,
      cookie: `voted_${id}=${encodeURIComponent(ids.join(','))}; expires=${expires}; Max-Age=31536000; path=/`,
      html: site.results(poll, { mine: ids }),
    };
  }

  function adminAjax(form, cookies, ip) {
    const id = parseInt(form.get('poll_id') ?? '', 10) || 0;
    if (form.get('action') !== 'polls') return { body: '0' };
    if (id === 0) return { body: 'Invalid Poll ID' };
    if (!site.nonces[id] || form.get(`poll_${id}_nonce`) !== site.nonces[id]) return { body: 'Failed To Verify Referrer' };
    const poll = site.polls[id];
    switch (form.get('view')) {
      case 'process': {
        const result = vote(poll, id, form.get(`poll_${id}`), cookies, ip);
        return result.refused ? { body: result.refused } : { body: result.html, cookie: result.cookie };
      }
      case 'result':
        return { body: poll ? site.results(poll, { link: true }) : 'Sorry, there are no polls available at the moment.' };
      case 'booth':
        return { body: poll ? site.ballot(poll, { booth: true }) : '' };
      default:
        return { body: '' };
    }
  }

  const restError = (status, code, message) => ({ status, json: { code, message, data: { status } } });

  /** The polls/v1 routes (3.0.1); `route` without its leading slash. */
  function restRoute(method, route, body, type, cookies, ip) {
    site.restCalls.push(`${method} ${route}`);
    if (!rest || !route.startsWith('polls/v1')) {
      return restError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    }
    const m = route.match(/^polls\/v1\/poll\/(\d+)(\/result|\/vote)?$/);
    if (!m) return { status: 200, raw: wpFixture(version, 'rest-polls-v1.json') };
    const id = Number(m[1]);
    const poll = site.polls[id];
    if (m[2] === '/vote') {
      if (method !== 'POST') return restError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
      let args = {};
      try {
        args = /json/.test(type) ? JSON.parse(body || '{}') : Object.fromEntries(new URLSearchParams(body));
      } catch {
        args = {};
      }
      const missing = ['answers', 'nonce'].filter((k) => args[k] == null);
      if (missing.length) {
        return restError(400, 'rest_missing_callback_param', `Missing parameter(s): ${missing.join(', ')}`);
      }
      if (!poll) return restError(404, 'wp_polls_no_such_poll', 'Invalid Poll ID');
      if (args.nonce !== site.nonces[id]) return restError(403, 'wp_polls_bad_nonce', 'Failed To Verify Referrer');
      const answers = Array.isArray(args.answers) ? args.answers.join(',') : String(args.answers);
      const result = vote(poll, id, answers, cookies, ip);
      if (result.refused) return restError(403, 'wp_polls_vote_refused', result.refused);
      return { status: 200, json: { id, html: result.html }, cookie: result.cookie };
    }
    if (method !== 'GET') return restError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    if (!poll) return restError(404, 'wp_polls_no_such_poll', 'Invalid Poll ID');
    if (m[2] === '/result') return { status: 200, json: { id, html: site.results(poll, { link: true }) } };
    const voted = Boolean(votedBy(poll, cookies, ip));
    const html = !poll.open
      ? site.results(poll)
      : voted
        ? site.results(poll, { link: true })
        : site.ballot(poll);
    return {
      status: 200,
      json: {
        id,
        question: poll.question,
        answers: [...poll.answers].sort((a, b) => a.id - b.id).map(({ id, text, votes }) => ({ id, text, votes })),
        total_votes: totalVotes(poll),
        total_voters: poll.voters,
        multiple: poll.multiple,
        is_open: poll.open,
        has_voted: voted,
        can_vote: poll.open && !voted,
        html,
      },
    };
  }

  /** The body of a REST answer, as the site would send it. */
  site.rest = (method, route, body = '', type = '', cookies = {}, ip = '10.92.0.1') => {
    const r = restRoute(method, route, body, type, cookies, ip);
    return r.raw ?? phpJson(r.json);
  };

  /** Which REST route a URL asks for under this site's permalinks, if any reaches WordPress. */
  function restRouteOf(url) {
    const route = url.searchParams.get('rest_route');
    if (route != null && (url.pathname === '/' || url.pathname === '/index.php')) return route.replace(/^\//, '');
    if (url.pathname.startsWith('/index.php/wp-json/')) return url.pathname.slice('/index.php/wp-json/'.length);
    if (url.pathname.startsWith('/wp-json/')) {
      // Only WordPress's rewrite rules (pretty permalinks) send it on.
      return permalinks === 'pretty' ? url.pathname.slice('/wp-json/'.length) : undefined;
    }
    return null;
  }

  const TINY_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
  // The plugin's files and jQuery are not in the captures: stand-ins. The
  // jQuery one does what a closed poll's "disabled form" script asks of it.
  const JQUERY = `window.jQuery = window.$ = (s) => {
  const els = typeof s === 'string' ? [...document.querySelectorAll(s.replace(/ :input\\b/g, ' :is(input, select, textarea, button)'))] : [s];
  return { each(f) { els.forEach((e, i) => f.call(e, i, e)); return this; }, attr(n, v) { els.forEach((e) => e.setAttribute(n, v)); return this; } };
};`;

  /** Answers this site's requests in `context`, as a reader at `ip`. */
  site.serve = async (context, { ip = '10.91.0.1', embed = 'block', dequeued = false } = {}) => {
    await serveSite(context);
    await context.route(`${ORIGIN}/**`, async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      const headers = await request.allHeaders();
      const cookies = Object.fromEntries(
        (headers.cookie ?? '')
          .split(/;\s*/)
          .filter(Boolean)
          .map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)])
      );
      const answer = async ({ status = 200, type, body, cookie, extra = {} }) => {
        if (status >= 400) site.errors.push(`${status} ${url.pathname}${url.search}`);
        const h = { 'content-type': type, ...extra };
        if (cookie) h['set-cookie'] = cookie;
        return route.fulfill({ status, headers: h, body });
      };
      if (url.pathname === '/wp-admin/admin-ajax.php' && request.method() === 'POST') {
        const form = new URLSearchParams(request.postData() ?? '');
        site.ajax.push(Object.fromEntries(form));
        const { body, cookie } = adminAjax(form, cookies, ip);
        return answer({
          type: 'text/html; charset=UTF-8',
          body,
          cookie,
          extra: { 'cache-control': 'no-cache, must-revalidate, max-age=0' },
        });
      }
      const restPath = restRouteOf(url);
      if (restPath === undefined) {
        return answer({
          status: 404,
          type: 'text/html; charset=iso-8859-1',
          body: wpFixture(version === '2.77.4' ? '3.0.1' : version, 'rest-wp-json-without-rewrite.html'),
        });
      }
      if (restPath != null) {
        const r = restRoute(request.method(), restPath, request.postData(), headers['content-type'] ?? '', cookies, ip);
        return answer({
          status: r.status,
          type: 'application/json; charset=UTF-8',
          body: r.raw ?? phpJson(r.json),
          cookie: r.cookie,
        });
      }
      if (url.pathname.startsWith('/wp-content/plugins/wp-polls/') || url.pathname.startsWith('/wp-includes/js/jquery/')) {
        const file = url.pathname;
        if (file.endsWith('.gif')) return answer({ type: 'image/gif', body: TINY_GIF });
        if (file.endsWith('.css')) return answer({ type: 'text/css', body: '/* WP-Polls styles */' });
        return answer({ type: 'text/javascript', body: file.includes('jquery.min.js') ? JQUERY : '/* stand-in */' });
      }
      if (url.pathname === ARTICLE) {
        const polls = Object.values(site.polls);
        return answer({ type: 'text/html; charset=UTF-8', body: site.page(polls, { cookies, ip, embed, dequeued }) });
      }
      const post = [...Object.keys(site.polls)].find((id) => {
        const u = new URL(site.postUrl(id));
        return u.pathname === url.pathname && (permalinks !== 'plain' || url.searchParams.get('p') === id);
      });
      if (post) {
        const html = site.page(site.polls[post], {
          cookies,
          ip,
          pollresult: url.searchParams.get('pollresult'),
          embed: url.searchParams.get('embed') ?? embed,
          dequeued,
        });
        return answer({ type: 'text/html; charset=UTF-8', body: html });
      }
      return route.fallback();
    });
  };
  return site;
}
