// A plain JS poll, the reference point for bench/first-paint.mjs: read the
// poll from the page or fetch it, render radio buttons, post a vote, show
// the counts. Every `[data-poll]` element gets one (an article page has 50).

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function render(host, id, { poll, tally }) {
  const counts = tally?.counts ?? {};
  const fieldset = el('fieldset', {}, el('legend', { textContent: poll.question }));
  for (const option of poll.options) {
    const input = el('input', { type: 'radio', name: 'choice', value: option.id });
    fieldset.append(el('label', {}, input, ` ${option.label} (${counts[option.id] ?? 0})`));
  }
  fieldset.append(el('button', { type: 'submit', textContent: 'Vote' }));
  const form = el('form', { className: 'poll' }, fieldset);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const choice = new FormData(form).get('choice');
    if (!choice) return;
    const response = await fetch(`/api/polls/${id}/votes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ choices: [choice], key: crypto.randomUUID(), voter: '' }),
    });
    if (response.ok) render(host, id, { poll, tally: (await response.json()).tally });
  });
  host.replaceChildren(form);
}

for (const host of document.querySelectorAll('[data-poll]')) {
  const id = encodeURIComponent(host.dataset.poll);
  // The article pages give the definition inline, as the widget's do.
  const inline = host.querySelector(':scope > script[type="application/json"]');
  if (inline) {
    const poll = JSON.parse(inline.textContent);
    render(host, id, { poll, tally: { counts: poll.counts } });
    continue;
  }
  fetch(`/api/polls/${id}`, { headers: { accept: 'application/json' } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .then((body) => render(host, id, body))
    .catch((e) => (host.textContent = `The poll could not be loaded: ${e.message}`));
}
