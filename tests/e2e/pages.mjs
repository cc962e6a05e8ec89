// Test pages served from the real server's origin through Playwright's
// router, so the widget's module, CSS and wasm come from the real server
// (and under its CSP) while the page itself is whatever a test needs.

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text) {
  return String(text)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/**
 * A poll definition as the body of a `<script type="application/json">`:
 * `<` is written as `\u003c`, as a CMS does, so no label can end the script.
 */
export function inlineJson(value) {
  return (typeof value === 'string' ? value : JSON.stringify(value, null, 2)).replaceAll('<', '\\u003c');
}

/** `<reader-poll>` with an inline definition (a string is used verbatim). */
export function pollElement(definition, attrs = '') {
  const poll = typeof definition === 'string' ? '' : ` poll="${escapeHtml(definition.id)}"`;
  const body = typeof definition === 'string' ? definition : inlineJson(definition);
  return `<reader-poll${poll}${attrs ? ` ${attrs}` : ''}>
      <script type="application/json">${body}</script>
    </reader-poll>`;
}

/**
 * The one page builder: a small, well-formed article page around
 * `content`. `stylesheet: null` leaves out the demo's stylesheet, so only
 * the widget's own styles apply; `head` adds to the head.
 */
export function articlePage({ title = 'Reader poll', lang = 'en', content, stylesheet = '/demo.css', head = '' }) {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  ${stylesheet ? `<link rel="stylesheet" href="${escapeHtml(stylesheet)}">` : ''}
  ${head}
  <script type="module" src="/readerpoll/reader-poll.js"></script>
</head>
<body>
  <main>
  <article>
    <h1>${escapeHtml(title)}</h1>
    ${content}
  </article>
  </main>
</body>
</html>`;
}

/**
 * Answers GET `${origin}${path}` with `html` (routes on `target`, a page or
 * a context, registered after others win); everything else goes on.
 */
export async function servePage(target, origin, path, html) {
  await target.route(`${origin}${path}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html })
  );
  return `${origin}${path}`;
}

/** Scrolls every poll into view and waits until each has rendered. */
export async function settlePolls(page) {
  const polls = await page.locator('reader-poll').all();
  for (const el of polls) {
    await el.scrollIntoViewIfNeeded();
    await mounted(el);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/**
 * Waits until the poll `el` has rendered (a ballot, results or "Poll
 * unavailable"): its `poll` part is there and no longer `aria-busy`.
 */
export const mounted = (el) => el.locator('[part~="poll"]:not([aria-busy="true"])').waitFor();
