//! What this browser remembers: the reader's settled ballot per poll, an
//! opaque voter token, and the votes still on their way (the outbox, one
//! storage item per vote). Storage can be missing or throw (private modes,
//! sandboxed frames, quota); then the page keeps what it could not store,
//! and forgets it when it closes.
//!
//! Every item's name starts with one versioned prefix (`PREFIX`): a later
//! format gets a new one, and can read this one on purpose (`v2`: a vote's
//! choices may be a survey's answers line; nothing of `v1` is read, as it
//! was never released). Values are
//! tab-separated lines (`core::outbox`) rather than JSON: ids are
//! restricted to `[A-Za-z0-9._-]`, and this avoids shipping a JSON encoder.

use wasm_bindgen::prelude::wasm_bindgen;

use crate::core::outbox::{self, Ballot, Pending};

const PREFIX: &str = "readerpoll:v2:";

fn vote_key(poll: &str) -> String {
    let mut key = String::from(PREFIX);
    key.push_str("vote:");
    key.push_str(poll);
    key
}

// localStorage, and for what it will not take (missing, blocked, full) the
// page's own copy, so a remount, a second copy of the poll or the network
// coming back still finds the reader's ballot and waiting votes; gone when
// the page closes. The page's copy is the newer one where both exist. In JS
// because each storage call needs a `try` either way, and Rust's map of the
// page's copy cost more than this does.
//
// And what the copies of polls on a page share about votes: every change
// to a vote or ballot (here, or another tab's `storage` event for one of
// these items) is told to every poll on the page once, after the current
// task, as `readerpoll:change` on the window, so copies of a poll in one
// page hear of each other's votes as other tabs do; and which votes a copy
// on this page holds. In the same snippet as storage: each snippet is a
// module the page (and the test runner's small file server) must fetch.
#[wasm_bindgen(inline_js = "const kept = new Map();
export function get(name) {
  if (kept.has(name)) return kept.get(name);
  try {
    return localStorage.getItem(name);
  } catch {
    return null;
  }
}
export function set(name, value) {
  try {
    localStorage.setItem(name, value);
    kept.delete(name);
    return true;
  } catch {
    kept.set(name, value);
    return false;
  }
}
export function remove(name) {
  kept.delete(name);
  try {
    localStorage.removeItem(name);
  } catch {}
}
export function items(prefix) {
  let all = [];
  try {
    all = Object.keys(localStorage);
  } catch {}
  for (const name of kept.keys()) if (!all.includes(name)) all.push(name);
  return all
    .filter((name) => name.startsWith(prefix))
    .map(get)
    .join('\\n');
}
export function uuid() {
  return isSecureContext && crypto.randomUUID
    ? crypto.randomUUID()
    : `t-${Date.now()}-${Math.floor(Math.random() * 1e15)}`;
}
let telling = false;
export function changed(name) {
  if (!telling && (!name || name.startsWith('readerpoll:'))) {
    telling = true;
    queueMicrotask(() => {
      telling = false;
      dispatchEvent(new Event('readerpoll:change'));
    });
  }
}
// (Optional: the survey build's decoder tests load this module in Node.)
globalThis.addEventListener?.('storage', (e) => changed(e.key));
const here = new Map();
export function hold(key) {
  here.set(key, true);
}
export function release(key) {
  if (here.has(key)) here.set(key, false);
}
export function free(key) {
  return here.get(key) === false;
}")]
extern "C" {
    fn get(name: &str) -> Option<String>;
    /// False where storage refused the item and only the page has it.
    fn set(name: &str, value: &str) -> bool;
    fn remove(name: &str);
    /// The values of every item whose name starts with `prefix`,
    /// storage's and the page's, a line (or more) each.
    fn items(prefix: &str) -> String;
    /// `crypto.randomUUID()`; a timestamp-based fallback for insecure
    /// contexts, where it is missing, and browsers from before it.
    #[wasm_bindgen(js_name = uuid)]
    pub fn random_uuid() -> String;

    /// The item `name` changed: where it is one of ours, tells every poll
    /// on the page, once. (A storage event without a name: all changed.)
    fn changed(name: &str);
    /// A copy on this page follows the vote with `key` as its own (it cast
    /// it, or took it over): the page remembers the vote is its own.
    pub fn hold(key: &str);
    /// ...and no longer does (it settled, or the copy went).
    pub fn release(key: &str);
    /// Whether the vote with `key` was cast on this page and no copy on it
    /// holds it now.
    pub fn free(key: &str) -> bool;
}

/// The ballot this browser settled in `poll`.
pub fn ballot(poll: &str) -> Option<Ballot> {
    Ballot::decode(&get(&vote_key(poll))?)
}

/// False where storage refused it: the page keeps it until it closes.
pub fn keep(poll: &str, ballot: &Ballot) -> bool {
    let name = vote_key(poll);
    changed(&name);
    set(&name, &ballot.encode())
}

/// An opaque random token for this browser: seeds the per-reader option
/// shuffle and lets a server count one vote per browser. Made once.
pub fn voter_token() -> String {
    let mut key = String::from(PREFIX);
    key.push_str("voter");
    if let Some(token) = get(&key).filter(|t| !t.is_empty()) {
        return token;
    }
    let token = random_uuid();
    set(&key, &token);
    token
}

/// Each waiting vote has a storage item of its own, named by its
/// idempotency key, so writers in different tabs never overwrite each
/// other's votes.
const OUTBOX_ITEM: &str = "readerpoll:v2:outbox:";

fn item_name(key: &str) -> String {
    let mut name = String::from(OUTBOX_ITEM);
    name.push_str(key);
    name
}

/// Every vote waiting to be delivered, from every poll and tab.
pub fn outbox() -> Vec<Pending> {
    outbox::decode(&items(OUTBOX_ITEM))
}

/// Adds or replaces (by key) one entry. False where storage is missing,
/// blocked or full: the vote then waits in this page only.
pub fn outbox_put(entry: &Pending) -> bool {
    let name = item_name(&entry.key);
    changed(&name);
    set(&name, &outbox::encode(std::slice::from_ref(entry)))
}

pub fn outbox_remove(key: &str) {
    let name = item_name(key);
    changed(&name);
    remove(&name);
}

/// Survey drafts: the survey build reads and writes its own items (named
/// under this module's prefix) through the same storage with its fallback.
#[cfg(feature = "survey")]
pub mod survey_items {
    pub fn read(name: &str) -> Option<String> {
        super::get(name)
    }
    pub fn write(name: &str, value: &str) -> bool {
        super::set(name, value)
    }
    pub fn name(survey: &str) -> String {
        let mut key = String::from(super::PREFIX);
        key.push_str("survey:");
        key.push_str(survey);
        key
    }
    pub fn new_key() -> String {
        super::random_uuid()
    }
}
