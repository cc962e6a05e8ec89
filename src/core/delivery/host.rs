//! Where the delivery machine meets storage, the network and the clock:
//! one small trait, carried out by the browser (`dom::delivery`) and by an
//! in-memory world in the tests, so every interleaving of tabs, copies,
//! answers and timers runs natively.

use super::{step, Delivery, Effect, Input, Note, Seen};
use crate::core::outbox::{Ballot, Pending};

/// Storage shared by every tab, this page's memory, the network and the
/// clock. Nothing here decides anything.
pub trait Host {
    /// Every waiting vote in this browser, from every poll and tab.
    fn outbox(&mut self) -> Vec<Pending>;
    /// The ballot kept for `poll`.
    fn ballot(&mut self, poll: &str) -> Option<Ballot>;
    /// Whether the vote with `key` was cast on this page and no copy on it
    /// holds it.
    fn free_here(&mut self, key: &str) -> bool;
    /// Unix milliseconds.
    fn now(&mut self) -> u64;
    /// Uniform in 0..1000.
    fn random(&mut self) -> u32;
    /// False where storage refused it (the page then keeps it).
    fn store(&mut self, vote: &Pending) -> bool;
    fn forget(&mut self, key: &str);
    /// False where storage refused it (the page then keeps it).
    fn keep(&mut self, poll: &str, ballot: &Ballot) -> bool;
    /// Sends a vote; its answer comes back through `handle` as
    /// `Input::Answer`. `beacon`: the page is going, no answer is awaited
    /// (where the browser will not take a beacon, a plain send).
    fn send(&mut self, copy: &Delivery, vote: Pending, beacon: bool);
    /// Reads the numbers; they come back as `Input::Numbers` with `epoch`.
    fn read(&mut self, copy: &Delivery, epoch: u32);
    fn wake_at(&mut self, at_ms: u64);
    fn hold(&mut self, key: &str);
    fn release(&mut self, key: &str);
    fn report(&mut self, code: &str, message: &str, retry: bool);
}

/// Reads what `copy` needs to see, steps it with `input`, and carries out
/// the effects; what the widget must be told is returned (for the caller to
/// pass on once nothing is borrowed). A store that storage refuses is fed
/// back as `Input::NotKept`.
pub fn handle<H: Host>(copy: &mut Delivery, input: Input, host: &mut H) -> Vec<Note> {
    let mut notes = Vec::new();
    let mut next = Some(input);
    while let Some(input) = next.take() {
        let seen = look(copy, host);
        for effect in step(copy, input, seen) {
            let refused = match effect {
                Effect::Store(vote) => (!host.store(&vote)).then_some(vote.key),
                Effect::Keep(ballot) => (!host.keep(&copy.poll, &ballot)).then_some(ballot.key),
                Effect::Forget(key) => {
                    host.forget(&key);
                    None
                }
                Effect::Send(vote) => {
                    host.send(copy, vote, false);
                    None
                }
                Effect::Beacon(vote) => {
                    host.send(copy, vote, true);
                    None
                }
                Effect::Read(epoch) => {
                    host.read(copy, epoch);
                    None
                }
                Effect::WakeAt(at) => {
                    host.wake_at(at);
                    None
                }
                Effect::Hold(key) => {
                    host.hold(&key);
                    None
                }
                Effect::Release(key) => {
                    host.release(&key);
                    None
                }
                Effect::Tell(note) => {
                    notes.push(note);
                    None
                }
                Effect::Report {
                    code,
                    message,
                    retry,
                } => {
                    host.report(&code, &message, retry);
                    None
                }
            };
            if let Some(key) = refused {
                next = Some(Input::NotKept(key));
            }
        }
    }
    notes
}

fn look<H: Host>(copy: &Delivery, host: &mut H) -> Seen {
    let mut waiting = Vec::new();
    if let Some(endpoint) = &copy.endpoint {
        for vote in host.outbox() {
            if vote.poll == copy.poll && &vote.endpoint == endpoint {
                waiting.push(vote);
            }
        }
    }
    let ours = super::newest(&waiting).is_some_and(|v| host.free_here(&v.key));
    Seen {
        ballot: host.ballot(&copy.poll),
        waiting,
        ours,
        now: host.now(),
        random: host.random(),
    }
}
