//! What this browser remembers: the reader's ballot per poll, an opaque
//! voter token, and the votes still on their way (the outbox, one storage
//! item per vote). Storage can be missing or throw (private modes,
//! sandboxed frames, quota); then the page keeps what it could not store,
//! and forgets it when it closes.
//!
//! Ballots are stored as comma-joined option ids rather than JSON: ids are
//! restricted to `[A-Za-z0-9._-]`, and this avoids shipping a JSON encoder.

use wasm_bindgen::prelude::wasm_bindgen;

use crate::core::outbox::{self, Pending};

const PREFIX: &str = "readerpoll:v1:";

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
const held = new Set();
export function hold(key) {
  if (held.has(key)) return false;
  held.add(key);
  return true;
}
export function unhold(key) {
  held.delete(key);
}
export function uuid() {
  return isSecureContext && crypto.randomUUID
    ? crypto.randomUUID()
    : `t-${Date.now()}-${Math.floor(Math.random() * 1e15)}`;
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
    /// Marks a waiting vote as one a widget on this page reports on; false
    /// if one does already.
    pub fn hold(key: &str) -> bool;
    /// The widget that held the vote no longer does.
    pub fn unhold(key: &str);
}

/// The ballot this browser cast in `poll`, as option ids.
pub fn stored_vote(poll: &str) -> Option<Vec<String>> {
    let ids = crate::core::format::id_list(&get(&vote_key(poll))?);
    (!ids.is_empty()).then_some(ids)
}

pub fn store_vote(poll: &str, ids: &[String]) {
    // A full or blocked storage only costs the memory of the vote once the
    // page closes.
    let mut joined = String::new();
    crate::core::format::push_joined(&mut joined, ids, ",");
    set(&vote_key(poll), &joined);
}

pub fn forget_vote(poll: &str) {
    remove(&vote_key(poll));
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

/// Where all waiting votes were kept in one value, read-modify-written on
/// every change: two tabs changing it at once could each write back a list
/// without the other's new vote. Read once more, moved, and removed.
const OLD_OUTBOX: &str = "readerpoll:v1:outbox";

/// Each waiting vote has a storage item of its own, named by its
/// idempotency key, so writers in different tabs never overwrite each
/// other's votes.
const OUTBOX_ITEM: &str = "readerpoll:v1:outbox:";

fn item_name(key: &str) -> String {
    let mut name = String::from(OUTBOX_ITEM);
    name.push_str(key);
    name
}

/// Every vote waiting to be delivered, from every poll and tab.
pub fn outbox() -> Vec<Pending> {
    if let Some(text) = get(OLD_OUTBOX) {
        // What cannot be moved (storage full) stays where it was.
        let mut left = Vec::new();
        for entry in outbox::decode(&text) {
            // Moved once storage has it: an item only the page keeps (as
            // storage was full) is written again, as it is now, to learn
            // whether storage takes it yet.
            let name = item_name(&entry.key);
            let moved = match get(&name) {
                Some(current) => set(&name, &current),
                None => outbox_put(&entry),
            };
            if !moved {
                left.push(entry);
            }
        }
        keep_old(&left);
    }
    outbox::decode(&items(OUTBOX_ITEM))
}

/// Leaves `left` in the earlier one-item outbox, or removes it when empty.
fn keep_old(left: &[Pending]) {
    if left.is_empty() {
        remove(OLD_OUTBOX);
    } else {
        set(OLD_OUTBOX, &outbox::encode(left));
    }
}

/// The waiting vote with this key, if it is still waiting.
pub fn outbox_get(key: &str) -> Option<Pending> {
    outbox::decode(&get(&item_name(key))?).pop()
}

/// Adds or replaces (by key) one entry. False where storage is missing,
/// blocked or full: the vote then waits in this page only.
pub fn outbox_put(entry: &Pending) -> bool {
    set(
        &item_name(&entry.key),
        &outbox::encode(std::slice::from_ref(entry)),
    )
}

pub fn outbox_remove(key: &str) {
    remove(&item_name(key));
    // Still in the earlier one-item outbox where storage was too full to
    // move it: out of there too, or the next read would bring it back.
    if let Some(text) = get(OLD_OUTBOX) {
        let mut rest = outbox::decode(&text);
        let before = rest.len();
        rest.retain(|e| e.key != key);
        if rest.len() < before {
            keep_old(&rest);
        }
    }
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
