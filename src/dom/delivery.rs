//! Getting a vote to the backend and its answer back into the widget.
//!
//! Every vote is put in the outbox before its first send; answers are
//! classified by `transport::payload::classify`; retries back off with
//! jitter and honour `Retry-After`, and resume on `online`, on the next page
//! load, and (as a beacon) when the page is hidden.

use std::rc::Weak;

use super::listen::Listener;
use super::{dispatch, later, report_error, Shared, MAX_TIMEOUT_MS};
use crate::core::machine::{Event, State};
use crate::core::outbox::{backoff_ms, replaces, turn, Pending, Protocol, Turn};
use crate::core::poll::ResultsVisibility;
use crate::transport::memory;
use crate::transport::net::{self, read_tally};
use crate::transport::payload::{classify, poll_url, vote_request, Outcome, WireTally};

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

type WeakInner = Weak<std::cell::RefCell<super::Inner>>;

/// `key` becomes this widget's vote, which it reports on when it settles,
/// unless another widget on the page waits on it already (a copy of the
/// poll mounted later leaves the vote to that one, and so does not
/// announce it a second time).
fn await_vote(inner: &Shared, key: &str) -> bool {
    let free = memory::hold(key);
    if free {
        inner.borrow_mut().awaiting = Some(key.to_owned());
    }
    free
}

/// Whether `key` is the vote this widget reports on.
fn is_mine(inner: &Shared, key: &str) -> bool {
    inner.borrow().awaiting.as_deref() == Some(key)
}

/// The widget waits on its vote no longer (it settled, or the widget goes).
pub(super) fn release_vote(awaiting: &mut Option<String>) {
    if let Some(key) = awaiting.take() {
        memory::unhold(&key);
    }
}

/// Looks at this widget's waiting votes again after `delay_ms`, on the
/// widget's own timer (which goes with the widget). One timer serves all of
/// them: every vote is in the outbox, and each try checks its own pause.
fn schedule(weak: &WeakInner, delay_ms: u64) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let at = now_ms() + delay_ms.min(MAX_TIMEOUT_MS);
    let mut this = inner.borrow_mut();
    // A sooner look is kept: it sets the later one again.
    if this.retry.as_ref().is_some_and(|(sooner, _)| *sooner <= at) {
        return;
    }
    let again = weak.clone();
    let timer = later(delay_ms, move || {
        if let Some(inner) = again.upgrade() {
            flush_now(&inner);
        }
    });
    this.retry = Some((at, timer));
}

/// This widget's poll id and endpoint, when it has both.
fn target(inner: &Shared) -> Option<(String, String)> {
    let this = inner.borrow();
    let State::Live(live) = &this.state else {
        return None;
    };
    Some((live.poll.id.clone(), this.endpoint.clone()?))
}

/// Votes in the outbox for this widget's poll and endpoint.
fn pending_here(inner: &Shared) -> Vec<Pending> {
    match target(inner) {
        Some((poll, endpoint)) => waiting_for(&poll, &endpoint),
        None => Vec::new(),
    }
}

/// Votes in the outbox, from every tab, for `poll` at `endpoint`.
fn waiting_for(poll: &str, endpoint: &str) -> Vec<Pending> {
    let mut out = memory::outbox();
    out.retain(|e| e.poll == poll && e.endpoint == endpoint);
    out
}

/// `entry`'s turn in its poll's outbox; when it is to be sent, the earlier
/// votes it replaces leave the outbox unsent.
fn take_turn(entry: &Pending, waiting: &[Pending], now: u64) -> Turn {
    let turn = turn(entry, waiting, now);
    if turn == Turn::Send {
        for other in waiting {
            if replaces(entry, other) {
                memory::outbox_remove(&other.key);
            }
        }
    }
    turn
}

/// After mounting: fetch the live tally (the page's numbers are only a
/// first paint), unless the definition just came with it, and resume votes
/// left over from an earlier visit.
pub fn start(inner: &Shared, refresh_now: bool) {
    let left_over = pending_here(inner);
    // The reader's vote is the newest; any others are earlier ones it
    // replaces. Another copy on the page may be waiting on it already.
    for entry in &left_over {
        if !left_over.iter().any(|other| replaces(other, entry)) {
            if await_vote(inner, &entry.key) {
                dispatch(inner, Event::Resending);
            }
            break;
        }
    }
    let nonce = inner.borrow().nonce.clone();
    for mut entry in left_over {
        // WP-Polls' form nonce expires: a vote from an earlier visit goes
        // with this page's.
        if let (Protocol::WpPolls, Some(n)) = (entry.protocol, &nonce) {
            entry.voter = n.clone();
            memory::outbox_put(&entry);
        }
        attempt(Shared::downgrade(inner), entry);
    }
    if refresh_now {
        refresh(inner);
    }
}

/// Fetches `GET {endpoint}/polls/{id}` and applies its tally. (For
/// WP-Polls the element's module reads the plugin's REST API and hands the
/// numbers over with `applyUpdate`.)
fn refresh(inner: &Shared) {
    let Some((poll, endpoint)) = target(inner) else {
        return;
    };
    if inner.borrow().protocol != Protocol::Json {
        return;
    }
    let mut url = poll_url(&endpoint, &poll);
    {
        // Numbers shown only to readers who voted: the backend is told who
        // this reader is (docs/protocol.md, "Read a poll").
        let this = inner.borrow();
        if let State::Live(live) = &this.state {
            if live.poll.results == ResultsVisibility::AfterVote {
                url.push_str("?voter=");
                url.push_str(&this.voter);
            }
        }
    }
    let weak = Shared::downgrade(inner);
    let (timeout, votes_sent) = {
        let this = inner.borrow();
        (this.timeout_ms, this.votes_sent)
    };
    net::send(
        "GET",
        &url,
        None,
        timeout,
        Box::new(move |answer| {
            if !(200..300).contains(&answer.status) {
                return;
            }
            let Some(inner) = weak.upgrade() else {
                return;
            };
            // Numbers read before a vote went out do not have it; the
            // vote's own answer brings newer ones.
            if inner.borrow().votes_sent != votes_sent {
                return;
            }
            if let Ok(value) = js_sys::JSON::parse(&answer.body) {
                apply_server_state(&inner, &value);
            }
        }),
    );
}

/// Takes the server's `{tally, open}` (a poll resource, or a live event) as
/// the truth; ignored unless it is well formed.
pub fn apply_server_state(inner: &Shared, value: &wasm_bindgen::JsValue) {
    let Some(wire) = read_tally(&net::field(value, "tally")) else {
        return;
    };
    apply_tally(
        inner,
        &wire,
        net::field(value, "open").as_bool() == Some(false),
    );
}

fn apply_tally(inner: &Shared, wire: &WireTally, closed: bool) {
    let tally = match &inner.borrow().state {
        State::Live(live) => wire.for_poll(&live.poll),
        _ => return,
    };
    dispatch(inner, Event::Snapshot { tally, closed });
}

/// A new vote: into the outbox first, then on its way.
pub fn send(inner: &Shared, choices: Vec<String>) {
    let Some((poll, endpoint)) = target(inner) else {
        return;
    };
    let (voter, protocol) = {
        let mut this = inner.borrow_mut();
        this.votes_sent += 1;
        let voter = match this.protocol {
            Protocol::WpPolls => this.nonce.clone().unwrap_or_default(),
            _ => this.voter.clone(),
        };
        (voter, this.protocol)
    };
    let entry = Pending {
        poll,
        endpoint,
        protocol,
        key: memory::random_uuid(),
        voter,
        choices,
        attempts: 0,
        not_before: 0,
        queued: now_ms(),
    };
    // Where storage is blocked or full the vote waits in the page: still
    // sent, and retried while the page is open.
    memory::outbox_put(&entry);
    await_vote(inner, &entry.key);
    attempt(Shared::downgrade(inner), entry);
}

/// `key` left the outbox without an answer here: another tab or copy
/// delivered it, or a newer vote of the reader's replaced it. Only the
/// widget waiting on that vote takes note.
fn left(weak: &WeakInner, key: &str) {
    let Some(inner) = weak.upgrade() else {
        return;
    };
    if !is_mine(&inner, key) {
        return;
    }
    release_vote(&mut inner.borrow_mut().awaiting);
    let event = match follow_stored_ballot(&inner) {
        // The copy that sent it was refused, and forgot the ballot.
        None => Event::Refused(String::from("The vote was not accepted.")),
        Some(false) => Event::Accepted(None),
        // Numbers read now might not have the newer vote yet: it is shown
        // on top of the ones this copy has.
        Some(true) => return,
    };
    dispatch(&inner, event);
    refresh(&inner);
}

/// Shows the ballot this browser keeps for the poll where another tab or
/// copy changed it (`Event::Replaced`: the copy that has the newer vote
/// reports on it). `None` when there is no such ballot, else whether it
/// changed.
fn follow_stored_ballot(inner: &Shared) -> Option<bool> {
    let ids = memory::stored_vote(&super::poll_id(inner)?)?;
    let changed = Some(&ids) != super::my_ids(inner).as_ref();
    if changed {
        dispatch(inner, Event::Replaced(ids));
    }
    Some(changed)
}

/// Claims `entry` for a request about to go, until it has had its answer
/// (or timed out): other triggers and copies leave it alone meanwhile, and
/// if this page dies the next load sends it once the claim runs out.
fn claim(mut entry: Pending, timeout: u32, now: u64) -> Pending {
    // Claimed before and never settled: that try's answer was lost (the
    // page closed), so this is a retry; WP-Polls' "already voted" then
    // means that try counted.
    if entry.attempts == 0 && entry.not_before != 0 {
        entry.attempts = 1;
    }
    entry.not_before = now + u64::from(timeout) + 1_000;
    memory::outbox_put(&entry);
    entry
}

/// One try. The answer is applied even if the widget is gone in the
/// meantime, as far as the outbox is concerned.
fn attempt(weak: WeakInner, entry: Pending) {
    // The outbox, shared by every copy of the poll and every tab, decides.
    let mut waiting = waiting_for(&entry.poll, &entry.endpoint);
    let Some(at) = waiting.iter().position(|e| e.key == entry.key) else {
        return left(&weak, &entry.key);
    };
    let current = waiting.swap_remove(at);
    // A pause the server asked for (Retry-After), or a request already on
    // its way from somewhere, for this vote or an earlier one in the poll:
    // look again when it is over.
    let now = now_ms();
    match take_turn(&current, &waiting, now) {
        Turn::Send => {}
        Turn::Wait(wait) => return schedule(&weak, wait),
        Turn::Superseded => {
            // The reader changed this vote elsewhere, before it went.
            memory::outbox_remove(&current.key);
            return left(&weak, &current.key);
        }
    }
    let timeout = weak
        .upgrade()
        .map_or(net::DEFAULT_TIMEOUT_MS, |i| i.borrow().timeout_ms);
    let entry = claim(current, timeout, now);
    post(weak, entry, timeout);
}

/// Sends a claimed vote and settles its answer.
fn post(weak: WeakInner, entry: Pending, timeout: u32) {
    let request = vote_request(&entry);
    net::send(
        "POST",
        &request.url,
        Some((request.content_type, &request.body)),
        timeout,
        Box::new(move |answer| {
            let outcome = classify(
                &entry,
                answer.status,
                &answer.answer,
                &answer.body,
                answer.retry_after.as_deref(),
                now_ms(),
            );
            settle(weak, entry, outcome, &answer.body);
        }),
    );
}

/// `body`: the answer's, which for WP-Polls is left on the element for its
/// module (`wp-polls.js`) to read the site's numbers in.
fn settle(weak: WeakInner, mut entry: Pending, outcome: Outcome, body: &str) {
    // Another tab or copy may have delivered it while this answer was on
    // its way.
    let retry = matches!(outcome, Outcome::Retry { .. });
    if retry && memory::outbox_get(&entry.key).is_none() {
        return left(&weak, &entry.key);
    }
    let mut saved = true;
    match &outcome {
        Outcome::Retry { after_ms, .. } => {
            let random = (js_sys::Math::random() * 1000.0) as u32;
            let delay = backoff_ms(entry.attempts, random, *after_ms);
            entry.attempts += 1;
            // Only a pause the server asked for is kept for other triggers
            // (`online`, hide, the next load); backoff alone is this timer's.
            entry.not_before = if after_ms.is_some() {
                now_ms() + delay
            } else {
                0
            };
            saved = memory::outbox_put(&entry);
            schedule(&weak, delay);
        }
        _ => memory::outbox_remove(&entry.key),
    }
    let Some(inner) = weak.upgrade() else {
        return;
    };
    let host = inner.borrow().host.clone();
    if entry.protocol == Protocol::WpPolls {
        super::bind::set_attr(&host, "data-wp-polls-answer", body);
    }
    if !is_mine(&inner, &entry.key) {
        // Another copy's or tab's vote, sent from here: only its numbers
        // are this widget's business (the owner learns the rest when it
        // finds the vote gone).
        match outcome {
            Outcome::Counted(Some(wire)) => apply_tally(&inner, &wire, false),
            Outcome::Retry { .. } => {}
            _ => refresh(&inner),
        }
        return;
    }
    if !retry {
        release_vote(&mut inner.borrow_mut().awaiting);
    }
    match outcome {
        // Unless the reader changed it meanwhile, from another copy or tab.
        Outcome::Counted(_) if follow_stored_ballot(&inner) == Some(true) => {}
        Outcome::Counted(wire) => {
            let tally = match (&inner.borrow().state, wire) {
                (State::Live(live), Some(w)) => Some(w.for_poll(&live.poll)),
                _ => None,
            };
            let without_numbers = tally.is_none();
            dispatch(&inner, Event::Accepted(tally));
            if without_numbers {
                refresh(&inner);
            }
        }
        Outcome::AlreadyCounted(message) => {
            dispatch(&inner, Event::AlreadyCounted(message));
            refresh(&inner);
        }
        Outcome::Refused { code, message } => {
            report_error(&host, &entry.poll, &code, &message, false);
            dispatch(&inner, Event::Refused(message));
            refresh(&inner);
        }
        Outcome::Retry { code, .. } => {
            report_error(
                &host,
                &entry.poll,
                code,
                "the vote will be sent again",
                true,
            );
            dispatch(&inner, Event::Retrying { saved });
        }
    }
}

/// Sends waiting votes now (the network is back, or a pause is over).
fn flush_now(inner: &Shared) {
    inner.borrow_mut().retry = None;
    let entries = pending_here(inner);
    let mine = inner.borrow().awaiting.clone();
    if let Some(key) = mine {
        if !entries.iter().any(|e| e.key == key) {
            left(&Shared::downgrade(inner), &key);
        }
    }
    for entry in entries {
        attempt(Shared::downgrade(inner), entry);
    }
}

/// The page is being hidden (tab switch, navigation, app close): hand
/// waiting votes to the browser, which delivers them even if the page dies.
/// They stay in the outbox until a confirmed answer; the key makes the
/// resend on the next visit harmless.
fn flush_hidden(inner: &Shared) {
    let now = now_ms();
    let mut waiting = pending_here(inner);
    // The poll's newest vote goes if it is ready (no pause on it or on an
    // earlier one); anything else is left to the next try.
    let mut ready = None;
    for (at, entry) in waiting.iter().enumerate() {
        if take_turn(entry, &waiting, now) == Turn::Send {
            ready = Some(at);
        }
    }
    let Some(at) = ready else {
        return;
    };
    // Claimed like any try, so a vote changed meanwhile in another tab
    // waits for this one to land first.
    let timeout = inner.borrow().timeout_ms;
    let entry = claim(waiting.swap_remove(at), timeout, now);
    if entry.protocol == Protocol::Json && net::beacon(&vote_request(&entry)) {
        return;
    }
    // A plain try where there is no beacon or the browser would not take it.
    post(Shared::downgrade(inner), entry, timeout);
}

/// The widget's window and document listeners, owned by the widget.
pub fn listen(weak: &Weak<std::cell::RefCell<super::Inner>>) -> Vec<Listener> {
    let Some(window) = net::window() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let w = weak.clone();
    out.push(Listener::new(
        &window,
        "online",
        Box::new(move |_| {
            if let Some(inner) = w.upgrade() {
                flush_now(&inner);
            }
        }),
    ));
    if let Some(document) = window.document() {
        let w = weak.clone();
        let doc = document.clone();
        out.push(Listener::new(
            &document,
            "visibilitychange",
            Box::new(move |_| {
                // `hidden` rather than `visibilityState`: the same answer
                // without the enum's conversion code and its panic path.
                if doc.hidden() {
                    if let Some(inner) = w.upgrade() {
                        flush_hidden(&inner);
                    }
                }
            }),
        ));
    }
    out
}
