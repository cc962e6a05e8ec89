// The WP-Polls adapter's page side, imported by reader-poll.js only for
// `protocol="wp-polls"` (so its bytes are not on other poll pages). It reads
// what the plugin printed (its ballot, or its results when the reader has
// voted or the poll is closed), finds the plugin's REST API where there is
// one (WP-Polls 3.x, through the page's `api.w.org` link), and keeps the
// widget on the site's own numbers: those of the vote's answer, and after an
// "already voted" or "closed" answer those it reads anew. Votes themselves go
// out from the wasm's request helper, through `adapt` below: to
// admin-ajax.php as the plugin's own form sends them, with the plugin's
// answer put in the readerpoll protocol's terms for the wasm.
//
// Markup from the site is read with DOMParser or in place, never inserted
// as HTML: DOMParser documents run no scripts and load nothing.

const text = (node) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** "1,234", "1.234", "1 234" (no-break spaces) or 1234 -> 1234. */
const count = (v) => Number(String(v ?? '').replace(/[,.'\s\u00a0\u202f]/g, '')) || 0;

/** The last number in `s` ("(32%, 1,185 Votes)" -> 1185), or null. */
function lastNumber(s) {
  const all = String(s).match(/\d(?:[\d.,'\u00a0\u202f]*\d)?/g);
  return all ? count(all[all.length - 1]) : null;
}

/**
 * Text as compared across sources: WordPress texturizes the page (curly
 * quotes, dashes, "…") but not its admin-ajax and REST answers.
 */
const same = (s) =>
  String(s)
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

/** Parses HTML from the site without running or loading anything. */
function parse(html) {
  try {
    return new DOMParser().parseFromString(String(html), 'text/html');
  } catch {
    return null; // Trusted Types forbid the parser: nothing is read
  }
}

/**
 * The plugin's `<div id="polls-N">`: inside the element, or (classic
 * editor) just after it. There `wpautop` wrapped the element in a `<p>`,
 * which the browser closed at the plugin's `<div>`, so the markup follows
 * the element or its `<p>`; it is moved into the element, where the widget
 * hides it and a failed load shows it again, instead of a second poll.
 */
function markupOf(element, id) {
  const selector = `#polls-${CSS.escape(id)}`;
  const inside = element.querySelector(selector);
  if (inside) return inside;
  const after = [element.nextElementSibling];
  if (element.parentElement?.localName === 'p') after.push(element.parentElement.nextElementSibling);
  const markup = after.find((node) => node?.matches(selector));
  if (!markup) return null;
  // With it, its loading line and the script a closed poll's disabled form
  // has (moved scripts do not run again).
  const moved = [markup];
  for (let next = markup.nextElementSibling; next; next = next.nextElementSibling) {
    const loading = next.id === `polls-${id}-loading`;
    if (!loading && !(next.localName === 'script' && next.text.includes(`polls_form_${id}`))) break;
    moved.push(next);
  }
  element.append(...moved);
  return markup;
}

/**
 * Results markup (the page's, or an admin-ajax or REST answer's) as rows
 * `{label, votes, mine}` and `voters`; null unless every row has numbers.
 */
function readResults(markup, id) {
  const answers = markup.querySelector(`#polls-${CSS.escape(id)}-ans`) ?? markup;
  const rows = [];
  for (const li of answers.querySelectorAll('li')) {
    const small = li.querySelector('small');
    const votes = small && lastNumber(small.textContent);
    if (votes == null) return null;
    const label = li.cloneNode(true);
    for (const extra of label.querySelectorAll('small, div')) extra.remove();
    rows.push({ label: text(label), votes, mine: Boolean(li.querySelector('strong, i')) });
  }
  if (!rows.length) return null;
  // "Total Voters: <strong>N</strong>": the one number outside the rows.
  const total = [...answers.querySelectorAll('strong')].find((s) => !s.closest('li') && /\d/.test(s.textContent));
  return { rows, voters: total ? count(total.textContent) : null };
}

/** What the page's markup says: question, ballot or results, nonce. */
function readMarkup(markup, id) {
  const key = CSS.escape(id);
  const answers = markup.querySelector(`#polls-${key}-ans`);
  // The question is the `<strong>` before the answers (in a `<p>`; the
  // first `<p>`s are hidden and hold the nonce).
  const question = [...markup.querySelectorAll('strong')].find(
    (s) => !s.closest('li') && !answers?.contains(s) && text(s)
  );
  const inputs = [...markup.querySelectorAll(`input[name="poll_${key}"]`)];
  const script = [...(markup.parentElement?.querySelectorAll('script') ?? [])].find((s) =>
    s.text.includes(`polls_form_${id}`)
  );
  return {
    question: text(question),
    ballot: inputs.map((input) => ({
      id: input.value,
      label: text(input.id && markup.querySelector(`label[for="${CSS.escape(input.id)}"]`)) || input.value,
    })),
    checkboxes: inputs[0]?.type === 'checkbox',
    // "When poll is closed: display disabled poll's voting form" prints a
    // script that disables the inputs (it may not have run yet).
    disabled: inputs.some((i) => i.disabled) || Boolean(script && /disabled/.test(script.text)),
    results: inputs.length ? null : readResults(markup, id),
    // The results' "Vote" link: a reader who has not voted, on the plugin's
    // no-JavaScript results page.
    booth: Boolean(markup.querySelector('[data-poll-action="booth"]')),
    max: Number(markup.querySelector(`#poll_multiple_ans_${key}`)?.value) || 0,
    nonce: (markup.querySelector(`#poll_${key}_nonce`) ?? markup.querySelector('input[name="wp-polls-nonce"]'))?.value,
  };
}

/**
 * WP-Polls 3 has a REST API; earlier versions (most sites) have none, and
 * asking them would be a 404 on every page view. Its pages tell: its
 * loading line carries the class `wp-polls`, its bars are `wp-polls-bar`,
 * its files live in `js/` and `css/`.
 */
function hasRest(element, id) {
  const key = CSS.escape(id);
  return Boolean(
    element.querySelector(`#polls-${key}-loading.wp-polls, .wp-polls-spinner, .wp-polls-bar`) ||
      document.querySelector('#wp-polls-js[src*="/js/wp-polls.js"], #wp-polls-css[href*="/css/wp-polls.css"]')
  );
}

/**
 * The URL of a REST route, from the root the page announces in
 * `<link rel="https://api.w.org/">`: `/wp-json/`, `/index.php/wp-json/`
 * (no mod_rewrite) or `/index.php?rest_route=/` (plain permalinks), where
 * a route cannot simply be appended. Without that link (or for another
 * site), `?rest_route=`, which every WordPress understands.
 */
export function restUrl(site, route) {
  let root;
  try {
    root = new URL(document.querySelector('link[rel="https://api.w.org/"]')?.href);
    if (root.origin !== new URL(site).origin) root = null;
  } catch {
    root = null;
  }
  root ??= new URL(`${site.replace(/\/+$/, '')}/?rest_route=/`);
  if (root.searchParams.has('rest_route')) {
    root.searchParams.set('rest_route', `/${route}`);
    root.search = root.search.replaceAll('%2F', '/');
  } else {
    root.pathname = `${root.pathname.replace(/\/*$/, '/')}${route}`;
  }
  return root.href;
}

async function ok(response) {
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}

const getPoll = (site, id) =>
  fetch(restUrl(site, `polls/v1/poll/${encodeURIComponent(id)}`), {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  })
    .then(ok)
    .then((r) => r.json());

/** admin-ajax.php `view=result` or `view=booth`, as the plugin's links ask. */
const view = (site, id, nonce, which) =>
  fetch(`${site}/wp-admin/admin-ajax.php`, {
    method: 'POST',
    body: new URLSearchParams({ action: 'polls', view: which, poll_id: id, [`poll_${id}_nonce`]: nonce ?? '' }),
    credentials: 'same-origin',
  })
    .then(ok)
    .then((r) => r.text());

/**
 * The plugin's own vote request (`action=polls&view=process`) for a vote
 * the wasm sends as the readerpoll protocol's JSON body, whose `voter` is
 * the form's nonce: `[url, content type, body]`.
 */
export function voteRequest(site, id, vote) {
  const { choices, voter } = JSON.parse(vote);
  const form = new URLSearchParams({ action: 'polls', view: 'process', poll_id: id });
  form.set(`poll_${id}`, choices.join(','));
  form.set(`poll_${id}_nonce`, voter);
  return [`${site.replace(/\/+$/, '')}/wp-admin/admin-ajax.php`, 'application/x-www-form-urlencoded', String(form)];
}

/**
 * The plugin's answer to a vote (200 whatever happened: its results HTML
 * when the vote counted, a sentence when it did not) as the readerpoll
 * protocol's `[status, JSON text]`: counted with the numbers `numbers(html)`
 * reads (`{}` when it cannot), 409 "already voted", or a refusal with a
 * code. Anything else (a cache's or proxy's page) is passed on as it is,
 * which the wasm tries again.
 */
export function pluginAnswer(id, status, body, numbers) {
  // WordPress sites often send a byte order mark before their output.
  const text = body.replace(/^\uFEFF/, '').trim();
  const json = (status, answer) => [status, JSON.stringify(answer)];
  const refused = (code, message) => json(400, { error: { code, message } });
  if (status < 200 || status > 299) return [status, body];
  if (text.startsWith(`<div id="polls-${id}"`)) {
    const tally = numbers(text);
    return json(200, tally ? { tally } : {});
  }
  if (/already voted/i.test(text)) return json(409, { error: { message: text } });
  if (/is closed/i.test(text)) return refused('poll_closed', 'This poll is closed.');
  if (/verify referrer/i.test(text)) return refused('bad_nonce', "This poll's form has expired. Reload the page to vote.");
  if (/invalid poll/i.test(text)) return refused('unknown_poll', 'This poll no longer exists.');
  return !text || text.startsWith('<') ? [status, body] : refused('refused', text);
}

/** `voted_N`: the answer ids the plugin's cookie says this reader chose. */
function cookieVote(id) {
  const name = `voted_${id}=`;
  const value = document.cookie
    .split('; ')
    .find((c) => c.startsWith(name))
    ?.slice(name.length);
  try {
    return value ? decodeURIComponent(value) : undefined;
  } catch {
    return undefined; // not percent-encoding: says nothing
  }
}

/**
 * Counts by option id and voters from results rows, matched to `options`
 * by label; null when a row matches none (another poll's markup, or a
 * template the adapter cannot read). Voters are made to fit the counts:
 * WP-Polls keeps both totals apart, and an edited poll may disagree.
 */
function tallyOf(results, options, multiple) {
  const counts = Object.fromEntries(options.map((o) => [o.id, 0]));
  for (const row of results.rows) {
    const option = options.find((o) => same(o.label) === same(row.label));
    if (!option) return null;
    counts[option.id] = row.votes;
  }
  return fitted(counts, results.voters, multiple);
}

function fitted(counts, voters, multiple) {
  const values = Object.values(counts);
  const sum = values.reduce((a, b) => a + b, 0);
  const most = Math.max(0, ...values);
  return { counts, voters: multiple ? Math.min(Math.max(voters ?? sum, most), sum) : sum };
}

function manyPerVoter(results) {
  const votes = results.rows.reduce((a, row) => a + row.votes, 0);
  return results.rows.filter((row) => row.mine).length > 1 || votes > (results.voters ?? votes);
}

/** The REST poll's numbers, by option id. */
const restTally = (r, multiple) =>
  fitted(Object.fromEntries(r.answers.map((a) => [String(a.id), count(a.votes)])), count(r.total_voters), multiple);

/**
 * The definition from the plugin's markup and, where there is one, its
 * REST API: `{config, nonce, voted, fresh, follow}`, or `{error}`.
 * `follow(handle)` keeps the mounted widget on the site's numbers.
 */
export async function definition(element, id, site) {
  const markup = markupOf(element, id);
  const page = markup && readMarkup(markup, id);
  let r = null;
  let failure = '';
  if (site && hasRest(element, id)) {
    try {
      r = await getPoll(site, id);
      if (!Array.isArray(r?.answers) || !r.answers.length) throw new Error('not a WP-Polls poll');
    } catch (e) {
      r = null;
      failure = ` (its REST API: ${e?.message ?? e})`;
    }
  }
  if (!page && !r) {
    return {
      error: `WP-Polls poll ${id}: the plugin's markup ([poll id="${id}"]) is not in or after the element${failure}`,
    };
  }
  let options;
  const results = page?.results;
  // Results alone have labels, not ids: the answers the reader chose take
  // the ids in the plugin's cookie (which this browser's own record of the
  // vote has too), the others stand-ins.
  const byLabel = (rows) => {
    const chosen = (cookieVote(id) ?? '').split(',').filter((c) => /^\d+$/.test(c));
    const fits = chosen.length === rows.filter((row) => row.mine).length;
    return rows.map((row, i) => ({ id: fits && row.mine ? chosen.shift() : `r${i + 1}`, label: row.label }));
  };
  if (r) {
    // Ids from the API; labels as the page shows them where it has them.
    options = r.answers.map((a) => ({
      id: String(a.id),
      label: page?.ballot.find((b) => b.id === String(a.id))?.label || String(a.text ?? ''),
    }));
  } else if (page.ballot.length) {
    options = page.ballot;
  } else if (page.booth && site) {
    // The no-JavaScript results page: the ballot (with the answer ids the
    // results lack) is the plugin's "Vote" link.
    try {
      const doc = parse(await view(site, id, page.nonce, 'booth'));
      options = doc && readMarkup(doc.body, id).ballot;
    } catch {
      // shown as results only
    }
    if (!options?.length) options = byLabel(results.rows);
  } else {
    // Results only (voted, or closed): the markup has labels, not ids, and
    // no vote can be cast from it.
    options = byLabel(results?.rows ?? []);
  }
  if (!options?.length) {
    return { error: `WP-Polls poll ${id}: neither a ballot nor results could be read from the plugin's markup` };
  }
  // How many answers a reader may tick (0: one). Results alone do not
  // say; more votes than voters, or two highlighted answers, tell.
  let multiple = Number(r ? r.multiple : page.max) || 0;
  if (!r && !multiple && (page.checkboxes || (results && manyPerVoter(results)))) multiple = options.length;
  const config = {
    id,
    question: page?.question || String(r?.question ?? ''),
    options,
    // Results with no "Vote" link and no answer of the reader's: closed.
    closed: r
      ? r.is_open === false || r.is_open === 0
      : Boolean(page.disabled || (results && !page.booth && !results.rows.some((row) => row.mine))),
  };
  if (multiple > 1) Object.assign(config, { mode: 'multiple', max_choices: Math.min(multiple, options.length) });
  const nonce = page?.nonce ?? (typeof r?.html === 'string' ? parse(r.html)?.getElementById(`poll_${id}_nonce`)?.value : undefined);
  let tally = r ? restTally(r, multiple > 1) : results && tallyOf(results, options, multiple > 1);
  // The reader's ballot: the answers the page highlights, else the cookie.
  const highlighted = results?.rows.flatMap((row) =>
    row.mine ? options.filter((o) => same(o.label) === same(row.label)).map((o) => o.id) : []
  );
  const voted = highlighted?.length ? highlighted.join(',') : cookieVote(id);
  if (!tally && site && (voted || config.closed)) {
    // A reader who voted (the plugin's cookie, on a page from a cache) or
    // a closed poll sees results at once: the site's, from admin-ajax.
    try {
      const doc = parse(await view(site, id, nonce, 'result'));
      const read = doc && readResults(doc.body, id);
      tally = read && tallyOf(read, options, multiple > 1);
    } catch {
      // counted as unknown, read again after a vote
    }
  }
  if (tally) Object.assign(config, tally);
  const fresh = Boolean(tally);
  const state = { options, nonce, rest: Boolean(r), multiple: multiple > 1, fresh };
  // How the wasm's votes travel (transport::net). After "already voted"
  // or "closed", the site's numbers are read anew (`follow`).
  const adapt = {
    request: (url, vote) => voteRequest(url, id, vote),
    // Never throws: the wasm's helper would then not hear the answer.
    answer: (status, body) => {
      try {
        const answer = pluginAnswer(id, status, body, (html) => resultsTally(html, id, state));
        const closed = answer[1].includes('"poll_closed"');
        if (answer[0] === 409 || closed) state.reload?.(!closed);
        return answer;
      } catch {
        return [status, body];
      }
    },
  };
  return { config, nonce, voted, fresh, adapt, follow: (handle) => follow(element, handle, id, site, state) };
}

/** The numbers in results markup, matched to the poll's options; or null. */
function resultsTally(html, id, state) {
  const doc = parse(html);
  const read = doc && readResults(doc.body, id);
  return read && tallyOf(read, state.options, state.multiple);
}

/**
 * Keeps the widget on the site's numbers: after "already voted" or
 * "closed" read anew (those of a vote that counted come with its answer),
 * and where the page gave none, read once the reader turns to the poll.
 * Returns a function that stops it.
 */
function follow(element, handle, id, site, state) {
  if (!site) return () => {};
  let stopped = false;
  let votes = 0; // votes cast so far: numbers asked for before one lack it
  const apply = (update) => {
    if (!stopped && update) handle.applyUpdate(update);
  };
  const load = async (open) => {
    try {
      if (state.rest) {
        const r = await getPoll(site, id);
        return { tally: restTally(r, state.multiple), open: open && r.is_open !== false && r.is_open !== 0 };
      }
      const tally = resultsTally(await view(site, id, state.nonce, 'result'), id, state);
      return tally && { tally, open };
    } catch {
      return null; // the numbers shown stay; the next vote or visit reads them
    }
  };
  state.reload = (open) => load(open).then(apply);
  const voting = () => votes++;
  // Numbers the page did not have: read when the reader first points at
  // or focuses the poll (usually before "View results" or Vote), not on
  // every page view: admin-ajax answers are never cached.
  const wanted = ['pointerover', 'focusin', 'touchstart'];
  const prefetch = () => {
    for (const type of wanted) element.removeEventListener(type, prefetch);
    const asked = votes;
    load(true).then((update) => {
      if (votes === asked) apply(update);
    });
  };
  element.addEventListener('poll-vote', voting);
  if (!state.fresh) for (const type of wanted) element.addEventListener(type, prefetch, { passive: true });
  return () => {
    stopped = true;
    state.reload = null;
    element.removeEventListener('poll-vote', voting);
    for (const type of wanted) element.removeEventListener(type, prefetch);
  };
}
