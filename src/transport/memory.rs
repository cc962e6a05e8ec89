//! What this browser remembers: the reader's ballot per poll, an opaque
//! voter token, and the votes still on their way (the outbox, one storage
//! item per vote). Storage can be missing or throw (private modes,
//! sandboxed frames, quota); then the page keeps what it could not store,
//! and forgets it when it closes.
//!
//! Ballots are stored as comma-joined option ids rather than JSON: ids are
//! restricted to `[A-Za-z0-9._-]`, and this avoids shipping a JSON encoder.

use web_sys::Storage;

use crate::core::outbox::{self, Pending};
use crate::transport::net::window;

const PREFIX: &str = "readerpoll:v1:";

fn storage() -> Option<Storage> {
    window()?.local_storage().ok()?
}

fn vote_key(poll: &str) -> String {
    let mut key = String::from(PREFIX);
    key.push_str("vote:");
    key.push_str(poll);
    key
}

thread_local! {
    /// Ballots storage would not take (poll id, joined option ids): the
    /// page still knows them, so a remount or a second copy of the poll does
    /// not offer a ballot the reader already cast.
    static UNSTORED_VOTES: std::cell::RefCell<Vec<(String, String)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The ballot this browser cast in `poll`, as option ids.
pub fn stored_vote(poll: &str) -> Option<Vec<String>> {
    let text = UNSTORED_VOTES
        .with_borrow(|votes| {
            votes
                .iter()
                .find(|(p, _)| p == poll)
                .map(|(_, ids)| ids.clone())
        })
        .or_else(|| storage()?.get_item(&vote_key(poll)).ok()?)?;
    let ids = crate::core::format::id_list(&text);
    (!ids.is_empty()).then_some(ids)
}

pub fn store_vote(poll: &str, ids: &[String]) {
    let mut joined = String::new();
    crate::core::format::push_joined(&mut joined, ids, ",");
    let stored = storage().is_some_and(|s| s.set_item(&vote_key(poll), &joined).is_ok());
    UNSTORED_VOTES.with_borrow_mut(|votes| {
        votes.retain(|(p, _)| p != poll);
        if !stored {
            votes.push((poll.to_owned(), joined));
        }
    });
}

pub fn forget_vote(poll: &str) {
    UNSTORED_VOTES.with_borrow_mut(|votes| votes.retain(|(p, _)| p != poll));
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
    let crypto = window().and_then(|w| w.crypto().ok());
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
    window().is_some_and(|w| w.is_secure_context())
}

/// Where all waiting votes were kept in one value, read-modify-written on
/// every change: two tabs changing it at once could each write back a list
/// without the other's new vote. Read once more, moved, and removed.
const OLD_OUTBOX: &str = "readerpoll:v1:outbox";

/// Each waiting vote has a storage item of its own, named by its
/// idempotency key, so writers in different tabs never overwrite each
/// other's votes.
const OUTBOX_ITEM: &str = "readerpoll:v1:outbox:";

thread_local! {
    /// Votes storage could not take (blocked, full): kept for the page's
    /// life instead, by the page rather than by one widget, so a remount, a
    /// second copy of the poll or an `online` flush still finds them.
    static UNSAVED: std::cell::RefCell<Vec<Pending>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn item_name(key: &str) -> String {
    let mut name = String::from(OUTBOX_ITEM);
    name.push_str(key);
    name
}

/// Every vote waiting to be delivered, from every poll and tab.
pub fn outbox() -> Vec<Pending> {
    let Some(s) = storage() else {
        return Vec::new();
    };
    if let Some(text) = s.get_item(OLD_OUTBOX).ok().flatten() {
        // What cannot be moved (storage full) stays where it was.
        let mut left = Vec::new();
        for entry in outbox::decode(&text) {
            let moved = s.get_item(&item_name(&entry.key)).ok().flatten().is_some();
            if !moved && !write(&s, &entry) {
                left.push(entry);
            }
        }
        let _ = if left.is_empty() {
            s.remove_item(OLD_OUTBOX)
        } else {
            s.set_item(OLD_OUTBOX, &outbox::encode(&left))
        };
    }
    let mut out = Vec::new();
    for index in 0..s.length().unwrap_or(0) {
        let Some(name) = s.key(index).ok().flatten() else {
            continue;
        };
        if name.starts_with(OUTBOX_ITEM) {
            if let Some(text) = s.get_item(&name).ok().flatten() {
                out.extend(outbox::decode(&text));
            }
        }
    }
    UNSAVED.with_borrow(|unsaved| {
        for entry in unsaved {
            // An older copy may still be in storage, which took no update.
            if !out.iter().any(|e| e.key == entry.key) {
                out.push(entry.clone());
            }
        }
    });
    out
}

/// The waiting vote with this key, if it is still waiting.
pub fn outbox_get(key: &str) -> Option<Pending> {
    let stored = storage().and_then(|s| s.get_item(&item_name(key)).ok().flatten());
    match stored {
        Some(text) => outbox::decode(&text).pop(),
        None => UNSAVED.with_borrow(|unsaved| unsaved.iter().find(|e| e.key == key).cloned()),
    }
}

/// Adds or replaces (by key) one entry. False where storage is missing,
/// blocked or full: the vote then waits in this page only.
pub fn outbox_put(entry: &Pending) -> bool {
    let saved = storage().is_some_and(|s| write(&s, entry));
    UNSAVED.with_borrow_mut(|unsaved| {
        unsaved.retain(|e| e.key != entry.key);
        if !saved {
            unsaved.push(entry.clone());
        }
    });
    saved
}

fn write(s: &Storage, entry: &Pending) -> bool {
    s.set_item(
        &item_name(&entry.key),
        &outbox::encode(std::slice::from_ref(entry)),
    )
    .is_ok()
}

pub fn outbox_remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&item_name(key));
    }
    UNSAVED.with_borrow_mut(|unsaved| unsaved.retain(|e| e.key != key));
}
