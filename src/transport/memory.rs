//! What this browser remembers: the reader's ballot per poll and an opaque
//! voter token. Storage can be missing or throw (private modes, sandboxed
//! frames, quota); then the widget still works, it just forgets.
//!
//! Ballots are stored as comma-joined option ids rather than JSON: ids are
//! restricted to `[A-Za-z0-9._-]`, and this avoids shipping a JSON encoder.

use web_sys::Storage;

use crate::core::outbox::{self, Pending};

const PREFIX: &str = "readerpoll:v1:";

fn storage() -> Option<Storage> {
    crate::transport::net::window()?.local_storage().ok()?
}

fn vote_key(poll: &str) -> String {
    let mut key = String::from(PREFIX);
    key.push_str("vote:");
    key.push_str(poll);
    key
}

/// The ballot this browser cast in `poll`, as option ids.
pub fn stored_vote(poll: &str) -> Option<Vec<String>> {
    let text = storage()?.get_item(&vote_key(poll)).ok()??;
    let ids = crate::core::format::id_list(&text);
    (!ids.is_empty()).then_some(ids)
}

pub fn store_vote(poll: &str, ids: &[String]) {
    if let Some(s) = storage() {
        // A full or blocked storage only costs the memory of the vote.
        let mut joined = String::new();
        crate::core::format::push_joined(&mut joined, ids, ",");
        let _ = s.set_item(&vote_key(poll), &joined);
    }
}

pub fn forget_vote(poll: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&vote_key(poll));
    }
}

/// An opaque random token for this browser: seeds the per-reader option
/// shuffle and lets a server count one vote per browser. Made once.
pub fn voter_token() -> String {
    let mut key = String::from(PREFIX);
    key.push_str("voter");
    let store = storage();
    if let Some(token) = store.as_ref().and_then(|s| s.get_item(&key).ok().flatten()) {
        if !token.is_empty() {
            return token;
        }
    }
    let token = random_uuid();
    if let Some(s) = store {
        let _ = s.set_item(&key, &token);
    }
    token
}

/// `crypto.randomUUID()`, which every browser that runs wasm has; a
/// timestamp-based fallback only for insecure contexts, where it is missing.
pub fn random_uuid() -> String {
    let crypto = crate::transport::net::window().and_then(|w| w.crypto().ok());
    if let Some(c) = crypto {
        if secure_context() {
            return c.random_uuid();
        }
    }
    let mut s = String::from("t-");
    crate::core::format::push_u64(&mut s, js_sys::Date::now() as u64);
    s.push('-');
    crate::core::format::push_u64(&mut s, (js_sys::Math::random() * 1e15) as u64);
    s
}

fn secure_context() -> bool {
    crate::transport::net::window().is_some_and(|w| w.is_secure_context())
}

fn outbox_key() -> String {
    let mut key = String::from(PREFIX);
    key.push_str("outbox");
    key
}

/// Every vote waiting to be delivered, from every poll and tab.
pub fn outbox() -> Vec<Pending> {
    storage()
        .and_then(|s| s.get_item(&outbox_key()).ok().flatten())
        .map(|text| outbox::decode(&text))
        .unwrap_or_default()
}

/// Adds or replaces (by key) one entry. Read-modify-write on every change,
/// so several tabs editing the outbox keep each other's entries.
pub fn outbox_put(entry: &Pending) {
    let mut all = outbox();
    all.retain(|e| e.key != entry.key);
    all.push(entry.clone());
    save_outbox(&all);
}

pub fn outbox_remove(key: &str) {
    let mut all = outbox();
    let before = all.len();
    all.retain(|e| e.key != key);
    if all.len() != before {
        save_outbox(&all);
    }
}

fn save_outbox(entries: &[Pending]) {
    if let Some(s) = storage() {
        let _ = if entries.is_empty() {
            s.remove_item(&outbox_key())
        } else {
            s.set_item(&outbox_key(), &outbox::encode(entries))
        };
    }
}
