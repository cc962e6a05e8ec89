//! The only module that touches the DOM. A `Widget` owns everything it
//! creates: nodes, listeners (`listen::Listener`, removed on drop), retry
//! timers and the state; dropping it leaves the host element as it found it.
//! Votes still on their way stay in the outbox (storage), not in the widget,
//! so destroying a poll or closing the page never loses one. The widget's
//! machine (`core::machine`) decides what the reader sees, the delivery
//! machine (`core::delivery`) what is sent and kept; this module joins them.

mod bind;
mod build;
mod delivery;
mod emit;
mod listen;
mod patch;
#[cfg(feature = "survey")]
mod question;
#[cfg(feature = "survey")]
pub mod survey;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event as DomEvent, HtmlElement, Node};

use crate::core::ballot::ids_of;
use crate::core::delivery::{Delivery, Input};
use crate::core::error::ConfigError;
use crate::core::locale::{Msg, Texts};
use crate::core::machine::{step, Announcement, Effect, Event, State};
use crate::core::outbox::Protocol;
use crate::transport::memory;
use crate::view::{view, Action};

use self::emit::{fire, report_error, Problem};
use self::listen::{Listener, Timer};
use self::patch::Dom;

/// What the mounting code knows besides the poll itself.
pub struct Options {
    /// The page's language tag (the poll's own text is in it), even where
    /// the widget has no texts of its own for it.
    pub lang: String,
    pub texts: Texts,
    /// An absolute, allowed URL (checked by the caller); `None` counts
    /// votes in this browser only.
    pub endpoint: Option<String>,
    pub protocol: Protocol,
    /// How long one request may take.
    pub timeout_ms: u32,
    /// The WP-Polls form nonce (`protocol="wp-polls"` only).
    pub nonce: Option<String>,
    /// Option ids this reader voted for according to the backend (the
    /// WP-Polls `voted_{ID}` cookie), when this browser has no record.
    pub voted: Option<Vec<String>>,
    /// The definition's tally came from the endpoint a moment ago: it is
    /// the backend's own (`Event::Loaded::current`), and needs no second
    /// request after mounting.
    pub fresh: bool,
    /// The protocol's page-side adapter, for `transport::net` (WP-Polls:
    /// `wp-polls.js`), or `undefined`.
    pub adapt: JsValue,
}

pub(crate) struct Inner {
    host: HtmlElement,
    state: State,
    texts: Texts,
    /// The voter token; also seeds this reader's option shuffle.
    voter: String,
    dom: Dom,
    /// Where this copy's votes go and what it waits on; `None` until the
    /// poll loaded (and while its machine runs: `delivery::input`).
    delivery: Option<Delivery>,
    /// The delivery machine's timer, cancelled when the widget goes.
    retry: Option<Timer>,
    /// Wakes the widget when the poll opens or closes by its dates.
    clock: Option<Timer>,
    /// `Options::adapt`.
    adapt: JsValue,
}

type Shared = Rc<RefCell<Inner>>;

/// A mounted poll. Dropping it removes its nodes, listeners and timers.
pub struct Widget {
    inner: Shared,
    /// Held apart, so the nodes go even if the state is borrowed.
    container: Element,
    _listeners: Vec<Listener>,
}

impl Widget {
    /// Renders into `root` (the element's shadow root) and starts listening.
    /// `poll` is the decoded definition or the reason it is unusable.
    pub fn mount(
        host: HtmlElement,
        root: &Node,
        poll: Result<crate::core::Poll, ConfigError>,
        options: Options,
    ) -> Widget {
        let dom = Dom::new(root, &options.lang, options.texts.locale);
        let listen_on: Element = dom.container().clone();
        let voter = memory::voter_token();
        let inner = Rc::new(RefCell::new(Inner {
            host,
            state: State::Loading,
            texts: options.texts,
            voter: voter.clone(),
            dom,
            delivery: None,
            retry: None,
            clock: None,
            adapt: options.adapt,
        }));
        let weak = Rc::downgrade(&inner);
        let mut listeners = vec![
            listener(&listen_on, "click", weak.clone()),
            listener(&listen_on, "change", weak.clone()),
        ];
        // A ballot the backend knows of (WP-Polls' cookie) is the reader's
        // too, where this browser has none of its own.
        let voted = options.voted.filter(|ids| !ids.is_empty());
        let event = match poll {
            Ok(poll) => {
                let mut copy = Delivery::new(
                    poll.id.clone(),
                    options.endpoint,
                    options.protocol,
                    options.protocol.voter(voter, options.nonce),
                    options.timeout_ms,
                );
                copy.changes = poll.allow_change;
                copy.reads_as_voter =
                    poll.results == crate::core::poll::ResultsVisibility::AfterVote;
                inner.borrow_mut().delivery = Some(copy);
                Event::Loaded {
                    stored: memory::ballot(&poll.id).map(|b| b.choices).or(voted),
                    poll: Box::new(poll),
                    now: now_seconds(),
                    current: options.fresh,
                }
            }
            Err(error) => Event::LoadFailed(error),
        };
        dispatch(&inner, event);
        watch_clock(&inner);
        if matches!(inner.borrow().state, State::Live(_)) {
            listeners.extend(delivery::listen(&weak));
            // Numbers just read from the endpoint need no second read.
            delivery::input(
                &inner,
                Input::Start {
                    fresh: options.fresh,
                },
            );
        }
        Widget {
            inner,
            container: listen_on,
            _listeners: listeners,
        }
    }

    /// A tally pushed by the server (the element's `live` event stream).
    pub fn apply_update(&self, update: &JsValue) {
        delivery::numbers(&self.inner, update, None);
    }

    /// The poll's id, if it loaded.
    pub fn poll_id(&self) -> Option<String> {
        poll_id(&self.inner)
    }

    /// The host page's answer for a vote it took over (`poll-vote` with
    /// `preventDefault()`): counted, or refused with a message for the reader.
    pub fn resolve_vote(&self, ok: bool, message: Option<String>) {
        delivery::input(&self.inner, Input::Resolved { ok, message });
    }
}

impl Drop for Widget {
    fn drop(&mut self) {
        // A site's listener may destroy the poll while the widget is busy
        // (an event it fired); then what is left goes with the last `Rc`.
        self.container.remove();
        let copy = self.inner.try_borrow_mut().ok().and_then(|mut inner| {
            inner.retry = None;
            inner.clock = None;
            inner.delivery.take()
        });
        // A copy mounted later (or this poll mounted again) takes the vote
        // on; it stays in the outbox either way.
        delivery::stop(copy);
    }
}

/// Sets the timer for the poll's next opening or closing date, which
/// steps the machine (`Event::Tick`) and sets the next one.
fn watch_clock(inner: &Shared) {
    let now = now_seconds();
    let next = match &inner.borrow().state {
        State::Live(live) => live.poll.next_change_after(now),
        _ => None,
    };
    let Some(at) = next else {
        return;
    };
    let weak = Rc::downgrade(inner);
    inner.borrow_mut().clock = Some(later((at - now) as u64 * 1000 + 50, move || {
        if let Some(inner) = weak.upgrade() {
            dispatch(&inner, Event::Tick(now_seconds()));
            watch_clock(&inner);
        }
    }));
}

/// The longest timeout browsers keep: past 2^31 ms they fire at once.
const MAX_TIMEOUT_MS: u64 = i32::MAX as u64;

/// A timer for `delay_ms`, cut to `MAX_TIMEOUT_MS`; whoever waits longer
/// looks again when it fires.
pub(crate) fn later(delay_ms: u64, f: impl FnOnce() + 'static) -> Timer {
    Timer::new(delay_ms.min(MAX_TIMEOUT_MS) as u32, f)
}

fn poll_id(inner: &Shared) -> Option<String> {
    match &inner.borrow().state {
        State::Live(live) => Some(live.poll.id.clone()),
        _ => None,
    }
}

/// One delegated listener per event type, on the widget's container. It
/// holds only a weak reference so a dropped widget is really gone.
fn listener(target: &Element, kind: &'static str, weak: Weak<RefCell<Inner>>) -> Listener {
    Listener::new(
        target,
        kind,
        Box::new(move |event| {
            if let Some(inner) = weak.upgrade() {
                if let Some(ev) = translate(event, kind) {
                    // `matches!` rather than `==`, which would go through
                    // the derived `PartialEq` of the whole `Event`.
                    if matches!(ev, Event::Submit) {
                        catch_up(&inner);
                    }
                    dispatch(&inner, ev);
                }
            }
        }),
    )
}

/// DOM event -> machine event. Options report through `change` (which
/// keyboard and pointer both produce); buttons through `click`.
fn translate(event: &DomEvent, kind: &str) -> Option<Event> {
    // Fields rather than `Event::target` and `instanceof Element`, each an
    // import with its glue of its own. Only an element has `closest` (a
    // page's script may fire an event at a text node in the open shadow
    // root).
    let target = crate::transport::net::field(event, "target");
    if crate::transport::net::field(&target, "closest").is_undefined() {
        return None;
    }
    let target: Element = target.unchecked_into();
    if kind == "change" {
        let index = crate::core::format::parse_u64(&target.get_attribute("data-index")?)?;
        return Some(Event::Toggle(index as usize));
    }
    let button = bind::closest(&target, "button")?;
    // The Vote button is the one button without an action.
    let Some(name) = button.get_attribute("data-action") else {
        return Some(Event::Submit);
    };
    let action = Action::from_name(&name)?;
    Some(match action {
        Action::ViewResults => Event::ViewResults,
        Action::BackToVote => Event::BackToVote,
        Action::ChangeVote => Event::ChangeVote,
    })
}

/// Before a vote is cast, checks whether this browser has voted in the same
/// poll since this copy loaded (another copy on the page, another tab).
fn catch_up(inner: &Shared) {
    let first = matches!(&inner.borrow().state, State::Live(live) if live.mine.is_none());
    if first {
        delivery::input(inner, Input::Voting);
    }
}

/// Steps the machine, re-renders, then runs effects with no borrow held:
/// effects fire DOM events, and a site's listener may call back into the
/// element (even destroy it) before they return.
pub(crate) fn dispatch(inner: &Shared, event: Event) {
    let effects = {
        let mut guard = inner.borrow_mut();
        let this = &mut *guard;
        let effects = step(&mut this.state, event);
        let vm = view(&this.state, &this.texts, &this.voter);
        this.dom.render(&vm, &this.texts);
        effects
    };
    for effect in effects {
        run(inner, *effect);
    }
}

fn run(inner: &Shared, effect: Effect) {
    let host = inner.borrow().host.clone();
    let poll = poll_id(inner).unwrap_or_default();
    match effect {
        Effect::Ready => {
            fire(&host, "poll-ready", &poll, None, false);
        }
        Effect::ReportError => {
            let id = host.get_attribute("poll").unwrap_or_default();
            let error = match &inner.borrow().state {
                State::Failed(error) => error.clone(),
                _ => return,
            };
            report_error(
                &host,
                &id,
                error.code.as_str(),
                &error.message,
                Problem::Unavailable,
            );
        }
        Effect::Send => {
            let ids = my_ids(inner).unwrap_or_default();
            // A cancelled `poll-vote` means the host page sends the vote
            // itself and answers through `resolveVote`.
            let hosted = !fire(&host, "poll-vote", &poll, Some(&ids), true);
            delivery::input(
                inner,
                Input::Cast {
                    key: memory::random_uuid(),
                    choices: ids,
                    hosted,
                },
            );
        }
        Effect::Voted => {
            let ids = my_ids(inner).unwrap_or_default();
            fire(&host, "poll-voted", &poll, Some(&ids), false);
        }
        Effect::Announce(what) => {
            let this = inner.borrow();
            let text = match what {
                Announcement::VoteCounted => this.texts.owned(Msg::VoteCounted),
                Announcement::Refused => this.dom.notice_text(),
            };
            this.dom.announce(&text);
        }
        Effect::Focus(target) => {
            // Focusing fires focus events at once, and a site's listener
            // may call back into the poll: no borrow is held meanwhile.
            let element = inner.borrow().dom.focus_target(target);
            if let Some(e) = element {
                bind::focus(&e);
            }
        }
    }
}

/// The option ids of the reader's own ballot, if they have one.
fn my_ids(inner: &Shared) -> Option<Vec<String>> {
    match &inner.borrow().state {
        State::Live(live) => live.mine.as_ref().map(|mine| ids_of(&live.poll, mine)),
        _ => None,
    }
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
