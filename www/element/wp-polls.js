// The WP-Polls adapter's page side, imported by reader-poll.js only for
// `protocol="wp-polls"`: reads the plugin's markup inside the element and its
// REST API (GET /wp-json/polls/v1/poll/{id}) and turns them into a readerpoll
// definition, then keeps the numbers current after each vote. Votes
// themselves go out from the wasm, to admin-ajax.php, like the plugin's form.

const text = (node) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** "1,234", "1.234", "1 234" or 1234 -> 1234. */
const count = (v) => Number(String(v ?? 0).replace(/[,.\s\u00a0\u202f']/g, '')) || 0;

async function rest(site, id) {
  const response = await fetch(`${site}/wp-json/polls/v1/poll/${encodeURIComponent(id)}`, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/** The REST answer as the readerpoll protocol's `{tally, open}`. */
function update(r) {
  return {
    tally: {
      counts: Object.fromEntries(r.answers.map((a) => [String(a.id), count(a.votes)])),
      voters: count(r.total_voters),
    },
    open: !(r.is_open === false || r.is_open === 0),
  };
}

/**
 * The definition from the plugin's markup (question, answers, form nonce)
 * and its REST API (numbers, open or closed); either alone is enough.
 */
export async function definition(element, id, site) {
  const markup = element.querySelector(`#polls-${CSS.escape(id)}`);
  let r = null;
  let failure = '';
  if (site) {
    try {
      r = await rest(site, id);
    } catch (e) {
      failure = String(e?.message ?? e);
    }
  }
  const inputs = markup ? [...markup.querySelectorAll(`input[name="poll_${CSS.escape(id)}"]`)] : [];
  // An answer without the plugin's fields is no answer: the markup decides.
  if (!Array.isArray(r?.answers)) r = null;
  const options = r?.answers?.length
    ? r.answers.map((a) => ({ id: String(a.id), label: String(a.text ?? '') }))
    : inputs.map((input) => ({
        id: input.value,
        label: text(input.id && markup.querySelector(`label[for="${CSS.escape(input.id)}"]`)) || input.value,
      }));
  if (!options.length) {
    return { error: `WP-Polls poll ${id} not found${failure ? ` (${failure})` : ''}` };
  }
  const question = String(r?.question ?? text(markup?.querySelector('strong, p')));
  const maxField = markup?.querySelector(`#poll_multiple_ans_${CSS.escape(id)}`);
  const multiple =
    Number(r?.multiple ?? maxField?.value ?? 0) || (inputs[0]?.type === 'checkbox' ? options.length : 0);
  const config = { id, question, options };
  if (multiple > 1) Object.assign(config, { mode: 'multiple', max_choices: Math.min(multiple, options.length) });
  if (r) {
    const { tally, open } = update(r);
    Object.assign(config, tally, { closed: !open });
  }
  // The form's nonce, from the page's markup or the REST answer's HTML
  // (parsed inertly: DOMParser runs no scripts).
  let nonce = markup?.querySelector(`#poll_${CSS.escape(id)}_nonce`)?.value;
  if (!nonce && typeof r?.html === 'string') {
    try {
      nonce = new DOMParser().parseFromString(r.html, 'text/html').getElementById(`poll_${id}_nonce`)?.value;
    } catch {
      // Trusted Types forbid the parser: the vote then goes without a nonce.
    }
  }
  const cookie = document.cookie
    .split('; ')
    .find((c) => c.startsWith(`voted_${id}=`))
    ?.slice(`voted_${id}=`.length);
  let voted;
  try {
    voted = cookie ? decodeURIComponent(cookie) : undefined;
  } catch {
    // A cookie that is not percent-encoding says nothing.
  }
  // Numbers from the REST API are the site's own, the cookie's vote in them.
  return { config, nonce, voted, fresh: Boolean(r) };
}

/**
 * After each confirmed vote, and on "already voted", loads the site's
 * numbers into the widget. Returns a function that stops it.
 */
export function follow(element, handle, id, site) {
  if (!site) return () => {};
  let stopped = false;
  const load = () =>
    rest(site, id)
      .then((r) => {
        if (!stopped && Array.isArray(r?.answers)) handle.applyUpdate(update(r));
      })
      .catch(() => {}); // the numbers shown stay; the next vote or visit tries again
  element.addEventListener('poll-voted', load);
  return () => {
    stopped = true;
    element.removeEventListener('poll-voted', load);
  };
}
