// The survey build's page side: imported by reader-poll.js only when a
// definition is a survey (it has `questions`), so a page with only polls
// downloads none of it. The survey build's wasm-bindgen glue is bundled in
// at build time (scripts/build-wasm.sh maps `readerpoll-survey-glue`).
import { initSync, mount_survey } from 'readerpoll-survey-glue';

const base = import.meta.url;
let runtime; // Promise<{ mount, sheet }>, shared by all surveys

/** Loads the survey wasm and its styles once; a failure is retried next time. */
export function load() {
  runtime ??= (async () => {
    // As for polls: compiled while it streams in, styles fetched alongside.
    const wasm = fetch(new URL('./pkg/readerpoll_survey_bg.wasm', base)).then((r) => {
      if (!r.ok) throw new Error(`could not load the survey wasm: HTTP ${r.status}`);
      return WebAssembly.compileStreaming && /^application\/wasm\b/.test(r.headers.get('content-type'))
        ? WebAssembly.compileStreaming(r)
        : r.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
    });
    wasm.catch(() => {}); // reported below
    const sheet = fetch(new URL('./reader-survey.css', base))
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .catch((error) => {
        console.warn(`readerpoll: survey styles not loaded: ${error?.message ?? error}`);
        return '';
      })
      .then((text) => {
        const styles = new CSSStyleSheet();
        styles.replaceSync(text);
        return styles;
      });
    initSync({ module: await wasm });
    return { mount: mount_survey, sheet: await sheet };
  })().catch((error) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}
