//! Getting the reader's vote to the backend, as a state machine with its
//! effects kept out: `step(copy, input, host)` reads the world once through
//! `Host` (`Seen`: the outbox and the kept ballot, shared by every copy in
//! every tab, and the clock), decides from that alone, and carries each
//! effect out through `Host` (store, forget, keep, send, beacon, read,
//! wake at, hold, release, report); what the widget must be told is
//! returned. One `Delivery` belongs to each copy of a poll on a page. The
//! browser's `Host` is `dom::delivery`; the tests' is an in-memory world.
//! (Effects go straight to `Host` rather than into a list the caller then
//! walks: the list, its second dispatch and its drop glue cost 0.6 KB of
//! the widget's gzipped budget.)
//!
//! Why the decisions are made this way:
//! - A vote is in the outbox before its first try and leaves it only with
//!   the backend's final answer, so no failure loses it; every try reuses
//!   its key, so a vote whose answer was lost is not counted twice.
//! - The kept ballot (`Ballot`) is only ever a vote the backend counted:
//!   whichever tab hears "counted" writes it, so every other tab, and the
//!   next visit, can tell a counted vote from a refused one without having
//!   heard the answer itself. A tab whose vote the backend refused as
//!   "already voted" takes the ballot that was counted.
//! - A copy shows as "on its way" the reader's newest waiting vote and
//!   follows it until it leaves the outbox; only the copy that cast it
//!   announces it (`poll-voted`), so a vote is announced once, on the page
//!   that cast it.
//! - Numbers that may already hold a vote are never shown with it added
//!   on top: only the copy that cast a vote adds it, and only to numbers
//!   read before it went out. Only the newest read's numbers are taken
//!   (`Input::Numbers` with an older `epoch` is dropped).
//! - A try claims its vote until its timeout: a newer vote (in a poll that
//!   lets readers change it) waits for every try of the earlier one, so a
//!   backend never sees them out of order. A pause the server asked for
//!   (`Retry-After`) is kept apart from claims: it holds every trigger
//!   back, while a claim only holds back those that could duplicate or
//!   overtake a try (a repeat with the same key is harmless on load).
//! - A copy that shows the ballot is left alone when another tab votes,
//!   until its reader votes there: they may be about to change it.

mod host;
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub mod survey;

pub use host::Host;

use crate::core::machine::Event;
use crate::core::outbox::{
    backoff_ms, later, newest, replaces, turn, Ballot, Pending, Protocol, Turn, BASE_DELAY_MS,
};
use crate::core::tally::WireTally;
use crate::transport::payload::Outcome;

/// What the reader is told when a vote they followed left the outbox and
/// this browser kept no ballot for it: another tab heard the refusal.
pub const NOT_ACCEPTED: &str = "The vote was not accepted.";

/// One copy of a poll: where its votes go, and what it is waiting on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    pub poll: String,
    /// `None`: votes are counted in this browser only.
    pub endpoint: Option<String>,
    pub protocol: Protocol,
    /// Sent with every vote: the reader's token, or WP-Polls' form nonce.
    pub voter: String,
    pub timeout_ms: u32,
    /// The poll lets readers change their vote: a newer vote replaces an
    /// earlier one still waiting, which then goes unsent, and only after
    /// any try of it is over. Otherwise every vote goes, and the backend
    /// keeps the first (two tabs that voted at once, unaware of each other):
    /// dropping one that a lost answer hid could lose the one that counted.
    pub changes: bool,
    /// The poll shows its numbers only to readers who voted: reads name
    /// the voter (`?voter=`).
    pub reads_as_voter: bool,
    /// The waiting vote this copy shows as on its way, and whether this
    /// copy announces it (it cast it, or took it over on this page).
    following: Option<(String, bool)>,
    /// The last vote this copy cast: told when storage cannot keep it.
    cast: Option<String>,
    /// A vote the host page took over, until it reports back.
    hosted: Option<Ballot>,
    /// The claim of this copy's last try that failed, by vote: that try is
    /// over, so its claim holds only others back (until someone claims
    /// again).
    spent: Option<(String, u64)>,
    /// When this copy's timer fires (unix ms), if it is set.
    wake_at: Option<u64>,
    /// Moves on with every read, every try sent and every answer: numbers
    /// from a read that overlapped a try may or may not hold that vote, and
    /// a later read (or the vote's own answer) brings ones that surely do.
    /// Only the newest read's numbers are taken.
    pub epoch: u32,
    /// The kept ballot this copy shows, by key: another tab's is news.
    shown: Option<String>,
    /// This copy shows the reader as having voted, so it follows their
    /// ballot as other tabs change it. A copy that shows the ballot is left
    /// alone until the reader votes there (`Input::Voting`).
    voted: bool,
}

/// The world as one step sees it, read just before.
#[derive(Clone, Debug, Default)]
pub struct Seen {
    /// This poll's waiting votes at this endpoint, from every tab.
    pub waiting: Vec<Pending>,
    /// The ballot this browser keeps for the poll.
    pub ballot: Option<Ballot>,
    /// Whether the newest waiting vote was cast on this page and no copy on
    /// it follows it as its own (a copy mounted again takes its vote back).
    pub ours: bool,
    /// Unix milliseconds.
    pub now: u64,
    /// Uniform in 0..1000: the jitter of a retry.
    pub random: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// The copy mounted: resume the poll's waiting votes, and read the
    /// numbers unless they were just read (`fresh`).
    Start { fresh: bool },
    /// The reader is about to vote: a vote cast elsewhere since this copy
    /// loaded is theirs, and they have voted.
    Voting,
    /// The reader voted (`key` is new). `hosted`: the page takes it over.
    Cast {
        key: String,
        choices: Vec<String>,
        hosted: bool,
    },
    /// The host page's verdict on a vote it took over.
    Resolved { ok: bool, message: Option<String> },
    /// A try of `vote` was answered (as the protocol reads the answer).
    Answer { vote: Pending, outcome: Outcome },
    /// Numbers read from the backend, by a read this copy made in `epoch`
    /// (or pushed by its live stream: the current epoch).
    Numbers {
        epoch: u32,
        tally: WireTally,
        closed: bool,
    },
    /// This copy's timer fired.
    Timer,
    /// The network is back.
    Online,
    /// The page is being hidden and may never come back.
    Hidden,
    /// Another tab changed storage.
    StorageChanged,
    /// The copy goes.
    Stop,
}

impl Delivery {
    pub fn new(
        poll: String,
        endpoint: Option<String>,
        protocol: Protocol,
        voter: String,
        timeout_ms: u32,
    ) -> Delivery {
        Delivery {
            poll,
            endpoint,
            protocol,
            voter,
            timeout_ms,
            // Each field spelt out: `..Delivery::default()` builds a whole
            // default copy (empty strings and all) and then drops its parts.
            changes: false,
            reads_as_voter: false,
            following: None,
            cast: None,
            hosted: None,
            spent: None,
            wake_at: None,
            epoch: 0,
            shown: None,
            voted: false,
        }
    }

    /// The same poll and endpoint, waiting on nothing: what settles the
    /// answer to a try whose copy has gone (the outbox still must learn it).
    pub fn detached(&self) -> Delivery {
        Delivery::new(
            self.poll.clone(),
            self.endpoint.clone(),
            self.protocol,
            self.voter.clone(),
            self.timeout_ms,
        )
    }

    /// The key of the vote this copy follows, if any.
    pub fn following(&self) -> Option<&str> {
        self.following.as_ref().map(|(key, _)| key.as_str())
    }

    fn follows(&self, key: &str) -> bool {
        self.following() == Some(key)
    }
}

/// Advances one copy by one input; returns what the widget must be told
/// (for the caller to pass on once nothing is borrowed).
pub fn step<H: Host>(d: &mut Delivery, input: Input, host: &mut H) -> Vec<Event> {
    let mut seen = host::look(d, host);
    let mut s = Step {
        d,
        waiting: std::mem::take(&mut seen.waiting),
        seen,
        host,
        notes: Vec::new(),
        not_kept: None,
    };
    // A vote counted already (its ballot is kept) and back in the outbox:
    // a tab that had not yet seen it leave wrote its claim over the removal.
    if let Some(key) = s.seen.ballot.as_ref().map(|b| b.key.clone()) {
        if at(&s.waiting, &key).is_some() {
            s.forget(&key);
        }
    }
    s.run(input);
    // Said last, after "counted" (which clears it).
    if let Some(key) = s.not_kept.take() {
        // The outbox could not keep the vote, or (without a backend, where
        // nothing else holds it) the ballot: gone with the page. A counted
        // vote's ballot is the backend's too.
        let waits = at(&s.waiting, &key).is_some();
        if s.d.cast.as_ref() == Some(&key) && (waits || s.d.endpoint.is_none()) {
            s.tell(Event::NotKept);
        }
    }
    s.notes
}

/// Where the vote with `key` is among `waiting`. (One copy of the search
/// serves every look-up.)
#[inline(never)]
fn at(waiting: &[Pending], key: &str) -> Option<usize> {
    waiting.iter().position(|p| p.key == key)
}

/// One step's working state: `waiting` follows the effects as they are
/// decided, so later decisions in the same step see earlier ones.
struct Step<'a, H> {
    d: &'a mut Delivery,
    /// `Seen::waiting`, as this step's effects leave it.
    waiting: Vec<Pending>,
    seen: Seen,
    host: &'a mut H,
    notes: Vec<Event>,
    /// A vote (by key) storage would not keep.
    not_kept: Option<String>,
}

impl<H: Host> Step<'_, H> {
    fn run(&mut self, input: Input) {
        match input {
            Input::Start { fresh } => self.start(fresh),
            Input::Voting => self.voting(),
            Input::Cast {
                key,
                choices,
                hosted,
            } => self.cast(key, choices, hosted),
            Input::Resolved { ok, message } => {
                let Some(ballot) = self.d.hosted.take() else {
                    return;
                };
                if ok {
                    self.d.voted = true;
                    self.keep(ballot);
                    self.tell(Event::Accepted(None));
                } else {
                    let message = message.unwrap_or_else(|| NOT_ACCEPTED.into());
                    self.tell(Event::Refused(message));
                }
            }
            Input::Answer { vote, outcome } => self.answer(vote, outcome),
            Input::Numbers {
                epoch,
                tally,
                closed,
            } => {
                if epoch == self.d.epoch {
                    self.tell(Event::Snapshot { tally, closed });
                }
            }
            Input::Timer | Input::Online => {
                if matches!(input, Input::Timer) {
                    self.d.wake_at = None;
                }
                self.check_followed();
                self.try_all(false);
            }
            Input::Hidden => self.hidden(),
            Input::StorageChanged => self.storage_changed(),
            Input::Stop => {
                if let Some((key, true)) = self.d.following.take() {
                    self.host.release(&key);
                }
            }
        }
    }

    fn tell(&mut self, event: Event) {
        self.notes.push(event);
    }

    fn keep(&mut self, ballot: Ballot) {
        if !self.host.keep(&self.d.poll, &ballot) {
            self.not_kept = Some(ballot.key.clone());
        }
        self.d.shown = Some(ballot.key);
    }

    fn store(&mut self, vote: Pending) {
        if !self.host.store(&vote) {
            self.not_kept = Some(vote.key.clone());
        }
        match at(&self.waiting, &vote.key) {
            Some(i) => self.waiting[i] = vote,
            None => self.waiting.push(vote),
        }
    }

    fn forget(&mut self, key: &str) {
        // Keys are unique: storage keeps each vote under its own.
        if let Some(i) = at(&self.waiting, key) {
            self.waiting.remove(i);
        }
        self.host.forget(key);
    }

    fn read(&mut self) {
        if self.d.protocol.has_tally() {
            self.d.epoch += 1;
            self.host.read(self.d, self.d.epoch);
        }
    }

    fn send(&mut self, vote: Pending, beacon: bool) {
        self.d.epoch += 1;
        self.host.send(self.d, vote, beacon);
    }

    /// Look again at `at`, unless a sooner look is set (it sets this one
    /// again: every try checks its own pause).
    fn wake(&mut self, at: u64) {
        if self.d.wake_at.is_none_or(|sooner| sooner > at) {
            self.d.wake_at = Some(at);
            self.host.wake_at(at);
        }
    }

    /// Follows `vote` (the reader's newest waiting one) as on its way.
    fn follow(&mut self, key: String, own: bool) {
        if let Some((old, true)) = self.d.following.take() {
            if old != key {
                self.host.release(&old);
            }
        }
        if own {
            self.host.hold(&key);
        }
        self.d.voted = true;
        self.d.following = Some((key, own));
    }

    /// Follows the reader's newest waiting vote, if there is one, and tells
    /// the widget of its choices: as `VotedElsewhere` or as `Resending`.
    #[inline(never)]
    fn follow_newest(&mut self, own: bool, elsewhere: bool) -> bool {
        let Some(vote) = newest(&self.waiting) else {
            return false;
        };
        let (key, choices) = (vote.key.clone(), vote.choices.clone());
        self.follow(key, own);
        self.tell(if elsewhere {
            Event::VotedElsewhere(choices)
        } else {
            Event::Resending(choices)
        });
        true
    }

    fn start(&mut self, fresh: bool) {
        self.d.shown = self.seen.ballot.as_ref().map(|b| b.key.clone());
        self.d.voted = self.d.shown.is_some();
        if self.d.endpoint.is_none() {
            return;
        }
        self.follow_newest(self.seen.ours, false);
        self.try_all(true);
        if !fresh {
            self.read();
        }
    }

    /// Another tab (or copy) wrote: the vote followed may have settled, or
    /// another tab's vote counted. A vote cast elsewhere and still waiting
    /// is not shown here until the reader votes (`Voting`): they may be
    /// about to change it. It is looked at again once its claim or pause is
    /// over, so a vote whose tab closed is sent by a tab still open.
    fn storage_changed(&mut self) {
        self.check_followed();
        let news =
            (self.seen.ballot.as_ref()).is_some_and(|b| self.d.shown.as_ref() != Some(&b.key));
        if self.d.following.is_none() && self.d.voted && news {
            self.settled(false);
        }
        let now = self.seen.now;
        let mut soonest = None;
        for vote in &self.waiting {
            let at = vote.not_before.max(vote.claimed).max(now) + BASE_DELAY_MS;
            soonest = Some(soonest.map_or(at, |s: u64| s.min(at)));
        }
        if let Some(at) = soonest {
            self.wake(at);
        }
    }

    fn voting(&mut self) {
        if self.d.following.is_some() {
            return;
        }
        if self.follow_newest(false, true) {
            return;
        }
        // Numbers read before it counted do not hold it (`settled` reads).
        self.settled(true);
    }

    fn cast(&mut self, key: String, choices: Vec<String>, hosted: bool) {
        self.d.epoch += 1;
        self.d.cast = Some(key.clone());
        let now = self.seen.now;
        if hosted {
            self.d.hosted = Some(Ballot {
                key,
                choices,
                queued: now,
            });
            return;
        }
        let Some(endpoint) = self.d.endpoint.clone() else {
            // No backend: the page counts it, and keeping it is all there is.
            self.d.voted = true;
            self.keep(Ballot {
                key,
                choices,
                queued: now,
            });
            self.tell(Event::Accepted(None));
            return;
        };
        self.store(Pending {
            poll: self.d.poll.clone(),
            endpoint,
            // Both the sending copy's (`Host::send`): lines leave them out.
            protocol: Protocol::default(),
            key: key.clone(),
            voter: String::new(),
            choices,
            attempts: 0,
            not_before: 0,
            claimed: 0,
            queued: now,
        });
        self.follow(key.clone(), true);
        self.try_send(&key, false, false);
    }

    /// A try of every vote waiting as this call began (a try may forget
    /// others: those it replaces).
    #[inline(never)]
    fn try_all(&mut self, eager: bool) {
        // Pushed one by one: `collect` brings in its own iterator code.
        let mut keys = Vec::new();
        for vote in &self.waiting {
            keys.push(vote.key.clone());
        }
        for key in &keys {
            self.try_send(key, eager, false);
        }
    }

    /// One try of the waiting vote `key`. `eager`: a vote found on mounting,
    /// sent at once where a repeat is harmless, even if an earlier visit's
    /// try may still be on its way: its answer says whether the backend has
    /// it, instead of the reader waiting out that try's claim. `beacon`:
    /// the page is going (no answer will be heard).
    fn try_send(&mut self, key: &str, eager: bool, beacon: bool) {
        let Some(found) = at(&self.waiting, key).map(|i| &self.waiting[i]) else {
            return;
        };
        let mut vote = found.clone();
        let claimed = vote.claimed;
        let others = if self.d.changes {
            &self.waiting[..]
        } else {
            &[]
        };
        let replaced = others.iter().any(|o| replaces(o, &vote));
        let spent = self
            .d
            .spent
            .as_ref()
            .is_some_and(|(k, c)| *k == vote.key && *c == claimed);
        if !replaced && ((eager && self.d.protocol.replay_safe()) || spent) {
            // Only for the turn: the claim itself stays.
            vote.claimed = 0;
        }
        let now = self.seen.now;
        let mut older = Vec::new();
        for o in others {
            if replaces(&vote, o) {
                older.push(o.key.clone());
            }
        }
        let turn = turn(&vote, others, now);
        vote.claimed = claimed;
        match turn {
            Turn::Send => {}
            Turn::Wait(ms) => return self.wake(now + ms),
            Turn::Superseded => {
                // The reader changed this vote elsewhere before it went.
                self.forget(key);
                return self.check_followed();
            }
        }
        for old in older {
            self.forget(&old);
        }
        let vote = self.claim(vote);
        self.send(vote, beacon && self.d.protocol.beacon());
    }

    /// Marks `vote` as on its way until its answer (or its timeout): other
    /// copies and tabs leave it alone meanwhile, a newer vote waits for it,
    /// and if the page dies the next visit sends it once the claim ends.
    /// Each claim is later than the one before, so a copy can tell whether
    /// anyone claimed the vote after its own try.
    fn claim(&mut self, mut vote: Pending) -> Pending {
        // Claimed before and never settled: that try's answer was lost (the
        // page closed), so this is a retry; WP-Polls' "already voted" then
        // means that try counted.
        if vote.attempts == 0 && vote.claimed != 0 {
            vote.attempts = 1;
        }
        vote.claimed = (self.seen.now + u64::from(self.d.timeout_ms) + 1_000).max(vote.claimed + 1);
        self.store(vote.clone());
        vote
    }

    /// The page is going: the newest vote goes as a beacon if it is ready
    /// (no pause on it or on an earlier one, and no try of it on its way:
    /// a `fetch` with `keepalive` outlives the page); the rest waits for
    /// the next visit. It stays in the outbox until a confirmed answer; its
    /// key makes the resend harmless.
    fn hidden(&mut self) {
        if let Some(vote) = newest(&self.waiting) {
            let key = vote.key.clone();
            self.try_send(&key, false, true);
        }
    }

    fn answer(&mut self, vote: Pending, outcome: Outcome) {
        // Borrowed: only what is kept or remembered takes a copy.
        let key = vote.key.as_str();
        match outcome {
            Outcome::Retry { code, after_ms } => {
                // Delivered (or replaced) from elsewhere meanwhile.
                let Some(current) = at(&self.waiting, key).map(|i| self.waiting[i].clone()) else {
                    return self.check_followed();
                };
                let now = self.seen.now;
                let delay = backoff_ms(vote.attempts, self.seen.random, after_ms);
                // A pause the server asked for holds every trigger
                // (`online`, hide, the next visit) back; backoff alone is
                // this copy's timer's. The claim stays until it runs out:
                // another try of the vote (another tab's, or one a remount
                // left) may still be on its way, and a newer vote must not
                // overtake it. This copy's own retry need not wait for it.
                self.d.spent = Some((key.to_owned(), current.claimed));
                self.store(Pending {
                    attempts: vote.attempts + 1,
                    not_before: if after_ms.is_some() { now + delay } else { 0 },
                    ..current
                });
                self.wake(now + delay);
                self.host.report(code, "the vote will be sent again", true);
                if self.d.follows(key) {
                    self.tell(Event::Retrying);
                }
            }
            Outcome::Counted(tally) => {
                self.forget(key);
                let own = matches!(&self.d.following, Some((k, true)) if k == key);
                let followed = self.d.follows(key);
                let idle = self.d.following.is_none();
                // A late answer to an earlier vote (a second try of it was
                // on its way) after a newer one counted: the newer stays.
                let late = self
                    .seen
                    .ballot
                    .as_ref()
                    .is_some_and(|b| later(b.queued, &b.key, vote.queued, key));
                if late {
                    if followed {
                        self.gone(Event::Refused(NOT_ACCEPTED.into()));
                    }
                    return;
                }
                self.keep(Ballot {
                    key: key.to_owned(),
                    choices: vote.choices.clone(),
                    queued: vote.queued,
                });
                if own {
                    self.d.following = None;
                    self.host.release(key);
                    match tally {
                        // Newer than any read on its way.
                        Some(_) => self.d.epoch += 1,
                        None => self.read(),
                    }
                    self.tell(Event::Accepted(tally));
                    return;
                }
                if followed || (idle && self.d.voted) {
                    self.d.following = None;
                    self.tell(Event::Settled(vote.choices));
                    self.numbers(tally);
                } else if idle {
                    // Another copy's or tab's vote, sent from here: only its
                    // numbers are this copy's business.
                    self.numbers(tally);
                }
                // A copy following a newer vote hears of that one.
            }
            Outcome::AlreadyCounted(message) => {
                self.forget(key);
                self.read();
                if self.d.follows(key) {
                    self.gone(Event::AlreadyCounted(message));
                }
            }
            Outcome::Refused { code, message } => {
                self.forget(key);
                self.host.report(&code, &message, false);
                self.read();
                if self.d.follows(key) {
                    self.gone(Event::Refused(message));
                }
            }
        }
    }

    /// If the vote this copy follows has left the outbox, without an answer
    /// here, learns its fate from what is kept.
    fn check_followed(&mut self) {
        let Some(key) = self.d.following() else {
            return;
        };
        if at(&self.waiting, key).is_none() {
            self.gone(Event::Refused(NOT_ACCEPTED.into()));
        }
    }

    /// The vote this copy followed is no longer waiting. What the reader
    /// sees next: a newer vote of theirs that waits; else the kept ballot
    /// (their own vote, counted by another tab or copy, is announced as
    /// counted); else `otherwise` (the backend's answer, or a refusal that
    /// another tab heard).
    fn gone(&mut self, otherwise: Event) {
        let Some((key, own)) = self.d.following.take() else {
            return;
        };
        if own {
            self.host.release(&key);
        }
        // (The newest as this step began: a newer one left it only by
        // being counted or refused, which this step would know.)
        if self.follow_newest(self.seen.ours, false) {
            return;
        }
        match &self.seen.ballot {
            Some(ballot) if own && ballot.key == key => {
                self.d.shown = Some(key);
                self.tell(Event::Accepted(None));
            }
            Some(_) => return self.settled(false),
            None => self.tell(otherwise),
        }
        self.read();
    }

    /// A vote's answer brought numbers (newer than any read on its way),
    /// or else they are read.
    fn numbers(&mut self, tally: Option<WireTally>) {
        match tally {
            Some(tally) => {
                self.d.epoch += 1;
                self.tell(Event::Snapshot {
                    tally,
                    closed: false,
                })
            }
            None => self.read(),
        }
    }

    /// The kept ballot is the reader's, as this copy shows it from now on:
    /// the widget is told of its choices (as `VotedElsewhere` or as
    /// `Settled`), and the numbers are read.
    fn settled(&mut self, elsewhere: bool) {
        let Some(ballot) = &self.seen.ballot else {
            return;
        };
        let (key, choices) = (ballot.key.clone(), ballot.choices.clone());
        self.d.voted = true;
        self.d.shown = Some(key);
        self.tell(if elsewhere {
            Event::VotedElsewhere(choices)
        } else {
            Event::Settled(choices)
        });
        self.read();
    }
}
