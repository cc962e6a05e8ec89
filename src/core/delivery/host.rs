//! Where the delivery machine meets storage, the network and the clock:
//! one small trait, carried out by the browser (`dom::delivery`) and by an
//! in-memory world in the tests, so every interleaving of tabs, copies,
//! answers and timers runs natively.

use super::{Delivery, Seen};
use crate::core::outbox::{Ballot, Pending};

/// Storage shared by every tab, this page's memory, the network and the
/// clock: what a step reads, and the effects it carries out. Nothing here
/// decides anything.
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
    /// Sends a vote, with `copy`'s protocol and voter credential (outbox
    /// lines leave them out); its answer comes back through `step` as
    /// `Input::Answer`. `beacon`: the page is going, no answer is awaited
    /// (where the browser will not take a beacon, a plain send).
    fn send(&mut self, copy: &Delivery, vote: Pending, beacon: bool);
    /// Reads the numbers; they come back as `Input::Numbers` with `epoch`.
    fn read(&mut self, copy: &Delivery, epoch: u32);
    fn wake_at(&mut self, at_ms: u64);
    /// This copy follows the vote with `key` as its own: other copies on
    /// the page leave it alone.
    fn hold(&mut self, key: &str);
    /// ...and no longer does.
    fn release(&mut self, key: &str);
    /// Logs a problem and fires `poll-error`: a try that failed and will be
    /// retried, or a vote refused for good.
    fn report(&mut self, code: &str, message: &str, retry: bool);
}

/// What `copy` needs to see, read once at the start of a step.
pub(super) fn look<H: Host>(copy: &Delivery, host: &mut H) -> Seen {
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
