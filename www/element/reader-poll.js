// <reader-poll>: the custom element around the readerpoll wasm module.
// wasm-bindgen cannot subclass HTMLElement, so this file does the element's
// life cycle and leaves everything else to Rust. One wasm instance serves
// every poll on the page; it loads when the first poll nears the viewport.
//
// The wasm-bindgen glue is bundled into this file at build time
// (scripts/build-wasm.sh maps `readerpoll-glue` to it): it then arrives
// with the element, while the page is still parsing, instead of being
// requested only once a poll connects. The wasm itself still waits for one.
import { initSync, mount } from 'readerpoll-glue';

const base = import.meta.url;
let runtime; // Promise<{ mount, sheet }>, shared by all polls
let wasmBlocked = false; // the page's CSP forbids WebAssembly

// User Timing marks, so a site (and bench/first-paint.mjs) can see where a
// poll's first paint goes: readerpoll:load, :runtime, :mount (the
// definition is there too), :mounted.
const mark = (name) => performance.mark?.(`readerpoll:${name}`);

function loadRuntime() {
  runtime ??= (async () => {
    mark('load');
    if (typeof WebAssembly !== 'object') {
      // Turned off (iOS Lockdown Mode, hardened browsers): as final as a
      // CSP that blocks it.
      wasmBlocked = true;
      throw new Error('WebAssembly is turned off in this browser; the polls show their plain HTML');
    }
    // The wasm and the styles are requested together. The wasm is compiled
    // here as it streams in, and the glue only instantiates it (its own
    // loader, with its fallbacks and warnings, is left out of the bundle);
    // streaming needs the wasm's MIME type, and a server without it still
    // works, the compile then waiting for the whole file. The styles are
    // parsed as soon as they arrive, while the wasm compiles; without them
    // the polls still work, as plain form controls.
    const wasm = fetch(new URL('./pkg/readerpoll_bg.wasm', base)).then((r) => {
      if (!r.ok) throw new Error(`could not load the wasm: HTTP ${r.status}`);
      return WebAssembly.compileStreaming && /^application\/wasm\b/.test(r.headers.get('content-type'))
        ? WebAssembly.compileStreaming(r)
        : r.arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
    });
    wasm.catch(() => {}); // reported below
    const sheet = fetch(new URL('./reader-poll.css', base))
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .catch((error) => {
        console.warn(`readerpoll: styles not loaded, polls are unstyled: ${error?.message ?? error}`);
        return '';
      })
      .then((text) => {
        const styles = new CSSStyleSheet();
        styles.replaceSync(text);
        return styles;
      });
    // A page's first use of localStorage waits for the browser to load it
    // (2-12 ms here); done now, that wait overlaps the downloads instead of
    // delaying the first mount, which reads the reader's vote.
    try {
      localStorage.length;
    } catch {
      // Blocked storage: the widget copes, and says so when it must.
    }
    try {
      initSync({ module: await wasm });
    } catch (error) {
      // Only the browser's CSP refusal: another CompileError (say, a server
      // that answers the wasm's URL with a page) is a load failure.
      // (Chromium names the policy, Firefox says "blocked by CSP".)
      if (/Content Security Policy|unsafe-eval|blocked by CSP/.test(String(error?.message ?? error))) {
        wasmBlocked = true;
        console.error(
          "readerpoll: this page's Content-Security-Policy blocks WebAssembly; " +
            "add 'wasm-unsafe-eval' to script-src (the polls show their plain HTML instead)."
        );
      }
      throw error;
    }
    const rt = { mount, sheet: await sheet };
    mark('runtime');
    return rt;
  })().catch((error) => {
    // A network failure is not kept: the next poll that nears the viewport
    // tries again. A page that blocks WebAssembly is told once.
    if (!wasmBlocked) runtime = undefined;
    throw error;
  });
  return runtime;
}

// English is built into the wasm; these languages' texts are data
// (locales/<tag>.json), fetched once per page by the first poll that needs
// them, alongside the wasm. Missing or broken, the poll shows English (a
// failed request is in the browser console).
const TRANSLATED = ['de', 'fr', 'es', 'ar'];
const translations = {}; // language -> Promise<texts by message name>

function translation(lang) {
  const tag = lang.split(/[-_]/)[0].toLowerCase();
  return TRANSLATED.includes(tag)
    ? (translations[tag] ??= fetch(new URL(`./locales/${tag}.json`, base))
        .then((r) => (r.ok ? r.json() : {}))
        .catch(() => ({})))
    : {};
}

// Start loading when a poll is within one screen of the viewport.
const nearViewport =
  'IntersectionObserver' in window
    ? new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (entry.isIntersecting) {
              nearViewport.unobserve(entry.target);
              entry.target.load();
            }
          }
        },
        { rootMargin: '100% 0px' }
      )
    : null;

// The observer's test, asked directly: a poll high up the article starts at
// once instead of a rendering frame later, when the observer first reports.
// (The layout this forces is the one the first paint needs anyway.) Not
// near: the observer starts it later.
function near(element) {
  const box = element.getBoundingClientRect();
  return (
    !nearViewport ||
    (box.bottom >= -innerHeight && box.top <= 2 * innerHeight) ||
    nearViewport.observe(element)
  );
}

// Surveys (definitions with `questions`) run on a second build of the
// crate: reader-survey.js loads its wasm and styles and gives a runtime of
// the same shape, `{ mount, sheet }`. Only a survey imports it, so a page
// with only polls downloads none of it. JSON text is tested for the key,
// not parsed (the wasm parses it): only a key has a colon after its
// closing quote, and quotes inside a JSON string are escaped.
const isSurvey = (config) => config?.questions || /"questions"\s*:/.test(config);

/** Frees a mounted poll: the handle, and with it its nodes, listeners and timers. */
const release = (handle) => handle.free();

const WATCHED = ['poll', 'src', 'endpoint', 'protocol', 'lang', 'live', 'timeout'];

class ReaderPoll extends HTMLElement {
  static observedAttributes = WATCHED;

  // The `data-text-*` names are open-ended, so `observedAttributes` cannot
  // list them; one observer serves every poll on the page.
  // Only a live poll is rendered again (a loading one reads the texts
  // when it mounts), and only for a real change: frameworks often set an
  // attribute to the value it has.
  static #textChanges = new MutationObserver((records) => {
    const changed = new Set();
    for (const { target, attributeName, oldValue } of records) {
      if (attributeName.startsWith('data-text-') && target.getAttribute(attributeName) !== oldValue) {
        changed.add(target);
      }
    }
    for (const el of changed) if (el.#handle) el.#remount();
  });

  #handle = null;
  #loading = false; // a load() is on its way
  #failed = false; // the last load ended in #fail
  #events = null; // EventSource of live results
  #stopWp = null; // WP-Polls: stops following the site's numbers
  #config = undefined;
  #texts = undefined;
  #generation = 0;

  /** A poll definition object set by script; wins over child JSON and src. */
  get config() {
    return this.#config;
  }
  set config(value) {
    this.#config = value;
    this.#remount();
  }

  /**
   * Text overrides by name, e.g. { vote: 'Send my answer' }; the forms of
   * "{n} votes" are `votes.one`, `votes.other` (and `votes.zero`, `.two`,
   * `.few`, `.many` in languages that have them).
   */
  get texts() {
    return this.#texts;
  }
  set texts(value) {
    this.#texts = value;
    this.#remount();
  }

  get protocol() {
    return this.getAttribute('protocol') ?? 'json';
  }
  set protocol(v) {
    this.setAttribute('protocol', v);
  }

  /**
   * For a host page that took over a vote (cancelled `poll-vote`): report
   * whether its backend counted it; `message` is shown to the reader.
   */
  resolveVote({ ok, message } = {}) {
    this.#handle?.resolveVote(Boolean(ok), message == null ? undefined : String(message));
  }

  connectedCallback() {
    // Properties a page set before this module defined the element sit on
    // the instance and would hide the setters: pass them through.
    for (const name of ['config', 'texts', 'poll', 'src', 'endpoint', 'protocol']) {
      if (Object.hasOwn(this, name)) {
        const value = this[name];
        delete this[name];
        this[name] = value;
      }
    }
    ReaderPoll.#textChanges.observe(this, { attributes: true, attributeOldValue: true });
    if (this.#handle || this.#loading) return; // moved, still mounted
    if (near(this)) this.load();
  }

  disconnectedCallback() {
    nearViewport?.unobserve(this);
    // A move (removed and inserted again in one go) keeps the poll as it
    // is, with the reader's choice and focus; only a removal tears it down.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.#cancelLoad();
      this.#unmount();
    });
  }

  attributeChangedCallback(name, before, after) {
    if (before !== after) this.#remount();
  }

  #remount() {
    if (this.#handle) {
      this.#unmount();
      this.load();
    } else if (this.#loading || (this.#failed && this.isConnected)) {
      // A load on its way read the old settings, or the last one failed:
      // start over (an older load sees the new generation and stops).
      this.load();
    }
  }

  #unmount() {
    this.#events?.close();
    this.#events = null;
    this.#stopWp?.();
    this.#stopWp = null;
    const handle = this.#handle;
    this.#handle = null;
    // After the call into the poll that may be on the stack (a site's
    // listener for an event it fired can remove the element), not inside it.
    if (handle) queueMicrotask(() => release(handle));
  }

  /** Stops a load on its way (it sees the new generation); none is then running. */
  #cancelLoad() {
    this.#generation++;
    this.#loading = false;
  }

  async load() {
    if (!this.isConnected) {
      // Asked while out of the document (settings changed mid-move): a
      // load on its way read the old ones, so the next connect starts over.
      if (this.#loading) this.#cancelLoad();
      return;
    }
    if (this.#handle) return;
    const generation = ++this.#generation;
    this.#loading = true;
    this.#failed = false;
    try {
      await this.#loadAs(generation);
    } finally {
      if (generation === this.#generation) this.#loading = false;
    }
  }

  async #loadAs(generation) {
    translation(this.#lang()); // starts the fetch alongside the wasm's
    const poll = this.poll ?? '';
    const endpoint = this.#endpointUrl();
    // The runtime is asked for first: the wasm is the longest wait. A
    // survey the page gives is known now: it needs neither the poll's wasm
    // nor the WP-Polls adapter (the survey says it cannot run there). One
    // that comes over the network (src, or the endpoint) is fetched first
    // and picks its runtime when it arrives, so a survey page never
    // downloads the poll's wasm.
    const given = this.#given();
    const survey = isSurvey(given?.config);
    // WP-Polls sites get their adapter; other pages never download it.
    const adapter = this.protocol === 'wp-polls' && !wasmBlocked && !survey ? import(new URL('./wp-polls.js', base)) : null;
    adapter?.catch(() => {}); // awaited below, unless the runtime fails
    // A definition that comes over the network is fetched at once; one the
    // page gives (`config`, a JSON child) is read once the runtime is
    // ready, when a child added just after the element is there too, and wins.
    const fetched = adapter || wasmBlocked || given ? null : this.#fetchDefinition();
    const ready = survey || fetched ? null : loadRuntime();
    // `loaded` is { config, error, fresh }; from the WP-Polls adapter also
    // the form's nonce, the reader's vote and `follow`, which keeps the
    // numbers current. A failure is the runtime's (`wasm_unavailable`),
    // except while the definition or the survey runtime loads.
    let rt, loaded;
    let code = 'wasm_unavailable';
    try {
      rt = await ready;
      code = 'load_failed';
      loaded =
        (adapter
          ? await (await adapter).definition(this, poll, endpoint)
          : (this.#given() ?? (await (fetched || this.#fetchDefinition())))) || {};
      // The survey runtime (the browser imports a module once; its `load`
      // keeps the runtime, and tries again after a failure).
      if (isSurvey(loaded.config)) rt = await (await import(new URL('./reader-survey.js', base))).load();
      code = 'wasm_unavailable';
      rt ??= await loadRuntime();
    } catch (failure) {
      if (generation === this.#generation) {
        this.#fail(code, failure, !wasmBlocked);
      }
      return;
    }
    // Read again: the language may have changed while we waited.
    const lang = this.#lang();
    const translated = await translation(lang);
    // The element may have moved or been removed while we waited. And it
    // is asked again whether it is near the viewport: until the wasm came,
    // every poll was an empty box, so polls the first ones now push far down
    // were near. Mounting them too, in the same task, would hold back the
    // first frame (25 of the 50 polls of an article did: 51-86 ms).
    if (generation !== this.#generation || !this.isConnected || this.#handle || !near(this)) return;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    root.replaceChildren(); // a fallback slot left by an earlier failure
    root.adoptedStyleSheets = [rt.sheet];
    mark('mount');
    let handle;
    try {
      handle = rt.mount(this, root, loaded.config, {
        ...loaded,
        lang,
        // The site's own texts win over the language's.
        texts: { ...translated, ...this.#textOverrides() },
        endpoint,
        protocol: this.protocol,
        timeout: +this.getAttribute('timeout') || undefined,
      });
    } catch (failure) {
      this.#fail('internal', failure, false);
      return;
    }
    // The poll's own events (poll-ready, poll-error) fired during mount,
    // and a site's listener may have removed the element or changed it.
    if (generation !== this.#generation || !this.isConnected) {
      release(handle);
      return;
    }
    this.#handle = handle;
    mark('mounted');
    this.#stopWp = loaded.follow?.(handle);
    this.#listen();
  }

  // With the `live` attribute, the server pushes tallies (readerpoll
  // protocol only), through live.js: only live polls download it.
  #listen() {
    const endpoint = this.#endpointUrl();
    const handle = this.#handle;
    const poll = handle?.poll;
    if (!this.hasAttribute('live') || !endpoint || !poll || this.protocol !== 'json') return;
    import(new URL('./live.js', base)).then(({ listen }) => {
      // Not if the poll was unmounted (or mounted again) meanwhile.
      if (this.#handle === handle) this.#events = listen(`${endpoint}/polls/${encodeURIComponent(poll)}/events`, handle);
    }, () => {}); // not loaded: the numbers stay as they are
  }

  /** The definition the page itself gives, if any: `config`, then a JSON child. */
  #given() {
    if (this.#config !== undefined) return { config: this.#config };
    const inline = this.querySelector(':scope > script[type="application/json"]');
    return inline ? { config: inline.textContent } : null;
  }

  /**
   * The definition from the `src` URL, else the endpoint's poll resource;
   * falsy when there is neither.
   */
  #fetchDefinition() {
    const src = this.src;
    const endpoint = this.#endpointUrl();
    const poll = this.poll;
    // The readerpoll protocol's poll resource carries the definition too.
    const url = src
      ? new URL(src, document.baseURI)
      : endpoint && poll && this.protocol === 'json' && `${endpoint}/polls/${encodeURIComponent(poll)}`;
    const what = `could not load ${src ?? `poll ${poll}`}: `;
    return (
      url &&
      (async () => {
        try {
          const response = await fetch(url, { headers: { accept: 'application/json' } });
          if (!response.ok) return { error: `${what}HTTP ${response.status}` };
          if (src) return { config: await response.text() };
          const body = await response.json();
          const tally = body?.tally ?? {};
          return {
            // A survey's resource has `survey` (whose results it reads itself).
            config: body.survey ?? { ...body.poll, counts: tally.counts, voters: tally.voters, closed: body.open === false },
            // The widget need not ask for these numbers again, unless they
            // were held back (a poll that shows them only to readers who
            // voted: the widget asks again as this reader).
            fresh: body.tally !== undefined,
          };
        } catch (e) {
          return { error: what + (e?.message ?? e) };
        }
      })()
    );
  }

  /** The endpoint as an absolute URL (the wasm checks which are allowed). */
  #endpointUrl() {
    const endpoint = this.endpoint;
    if (!endpoint) return undefined;
    try {
      return new URL(endpoint, document.baseURI).href.replace(/\/+$/, '');
    } catch {
      return endpoint;
    }
  }

  #lang() {
    return this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en';
  }

  #textOverrides() {
    const texts = { ...(this.#texts ?? {}) };
    for (const { name, value } of this.attributes) {
      if (name.startsWith('data-text-')) texts[name.slice(10).replaceAll('-', '_')] = value;
    }
    return texts;
  }

  // Last resort when the wasm itself is missing or broke: the fallback HTML
  // stays in place (wasm missing) and the site hears about it either way.
  #fail(code, failure, retryable) {
    const message = String(failure?.message ?? failure);
    this.#failed = true;
    // Once there is a shadow root, the fallback shows only through a slot.
    this.shadowRoot?.replaceChildren(document.createElement('slot'));
    console.error(`readerpoll: poll unavailable: ${code}: ${message}`);
    this.dispatchEvent(
      new CustomEvent('poll-error', {
        bubbles: true,
        composed: true,
        detail: { poll: this.poll, code, message, retryable },
      })
    );
  }
}

// `poll`, `src` and `endpoint` as properties: their attributes.
for (const name of WATCHED.slice(0, 3)) {
  Object.defineProperty(ReaderPoll.prototype, name, {
    get() {
      return this.getAttribute(name);
    },
    set(v) {
      this.setAttribute(name, v);
    },
  });
}

if (!customElements.get('reader-poll')) customElements.define('reader-poll', ReaderPoll);
