//! The only module that touches the DOM. A `Widget` owns everything it
//! creates: nodes, listeners (gloo `EventListener`, removed on drop) and the
//! state; dropping it leaves the host element as it found it.

mod build;
mod emit;
mod patch;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event as DomEvent, HtmlElement, Node};

use crate::core::ballot::ids_of;
use crate::core::error::ConfigError;
use crate::core::locale::{Msg, Texts};
use crate::core::machine::{step, Announcement, Effect, Event, State};
use crate::transport::memory;
use crate::view::{view, Action};

use self::emit::{fire, Detail};
use self::patch::Dom;

/// What the mounting code knows besides the poll itself.
pub struct Options {
    pub texts: Texts,
}

struct Inner {
    host: HtmlElement,
    state: State,
    texts: Texts,
    seed: String,
    dom: Dom,
}

/// A mounted poll. Dropping it removes its nodes and listeners.
pub struct Widget {
    inner: Rc<RefCell<Inner>>,
    _listeners: [EventListener; 2],
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
        let seed = memory::voter_token();
        let dom = Dom::new(root, options.texts.locale);
        let listen_on: Element = dom.container().clone();
        let inner = Rc::new(RefCell::new(Inner {
            host,
            state: State::Loading,
            texts: options.texts,
            seed,
            dom,
        }));
        let weak = Rc::downgrade(&inner);
        let listeners = [
            listener(&listen_on, "click", weak.clone()),
            listener(&listen_on, "change", weak),
        ];
        let event = match poll {
            Ok(poll) => Event::Loaded {
                stored: memory::stored_vote(&poll.id),
                poll: Box::new(poll),
                now: now_seconds(),
            },
            Err(error) => Event::LoadFailed(error),
        };
        dispatch(&inner, event);
        Widget {
            inner,
            _listeners: listeners,
        }
    }

    /// The poll's id, if it loaded.
    pub fn poll_id(&self) -> Option<String> {
        match &self.inner.borrow().state {
            State::Live(live) => Some(live.poll.id.clone()),
            _ => None,
        }
    }
}

impl Drop for Widget {
    fn drop(&mut self) {
        self.inner.borrow().dom.remove();
    }
}

/// One delegated listener per event type, on the widget's container. It
/// holds only a weak reference so a dropped widget is really gone.
fn listener(target: &Element, kind: &'static str, weak: Weak<RefCell<Inner>>) -> EventListener {
    EventListener::new(target, kind, move |event| {
        if let Some(inner) = weak.upgrade() {
            if let Some(ev) = translate(event, kind) {
                if ev == Event::Submit {
                    catch_up(&inner);
                }
                dispatch(&inner, ev);
            }
        }
    })
}

/// DOM event -> machine event. Options report through `change` (which
/// keyboard and pointer both produce); buttons through `click`.
fn translate(event: &DomEvent, kind: &str) -> Option<Event> {
    let target: Element = event.target()?.dyn_into().ok()?;
    if kind == "change" {
        let index = target.get_attribute("data-index")?.parse().ok()?;
        return Some(Event::Toggle(index));
    }
    let button = target.closest("button").ok()??;
    if button.class_list().contains("vote") {
        return Some(Event::Submit);
    }
    let action = Action::from_name(&button.get_attribute("data-action")?)?;
    Some(match action {
        Action::ViewResults => Event::ViewResults,
        Action::BackToVote => Event::BackToVote,
        Action::ChangeVote => Event::ChangeVote,
    })
}

/// Before a vote is cast, checks whether this browser has voted in the same
/// poll since this copy loaded (another copy on the page, another tab).
fn catch_up(inner: &Rc<RefCell<Inner>>) {
    let stored = match &inner.borrow().state {
        State::Live(live) if live.mine.is_none() => memory::stored_vote(&live.poll.id),
        _ => None,
    };
    if let Some(ids) = stored {
        dispatch(inner, Event::VotedElsewhere(ids));
    }
}

/// Steps the machine, re-renders, then runs effects with no borrow held:
/// effects fire DOM events, and a site's listener may call back into the
/// element (even destroy it) before they return.
fn dispatch(inner: &Rc<RefCell<Inner>>, event: Event) {
    let effects = {
        let mut guard = inner.borrow_mut();
        let this = &mut *guard;
        let effects = step(&mut this.state, event);
        let vm = view(&this.state, &this.texts, &this.seed);
        this.dom.render(&vm, &this.texts);
        effects
    };
    for effect in effects {
        run(inner, effect);
    }
}

fn run(inner: &Rc<RefCell<Inner>>, effect: Effect) {
    let (host, poll_id) = {
        let this = inner.borrow();
        let id = match &this.state {
            State::Live(live) => live.poll.id.clone(),
            _ => String::new(),
        };
        (this.host.clone(), id)
    };
    match effect {
        Effect::Ready => {
            fire(&host, "poll-ready", Detail::new(&poll_id), false);
        }
        Effect::ReportError(error) => {
            let mut line = String::from("readerpoll: poll unavailable: ");
            line.push_str(error.code.as_str());
            line.push_str(": ");
            line.push_str(&error.message);
            web_sys::console::error_1(&JsValue::from_str(&line));
            let detail = Detail::new(host.get_attribute("poll").as_deref().unwrap_or(""))
                .str("code", error.code.as_str())
                .str("message", &error.message)
                .set("retryable", &JsValue::FALSE);
            fire(&host, "poll-error", detail, false);
        }
        Effect::Persist(ballot) => {
            let ids = ballot_ids(inner, &ballot);
            memory::store_vote(&poll_id, &ids);
        }
        Effect::Forget => memory::forget_vote(&poll_id),
        Effect::Send { ballot, .. } => {
            let ids = ballot_ids(inner, &ballot);
            let detail = Detail::new(&poll_id).strings("choices", &ids);
            if fire(&host, "poll-vote", detail, true) {
                // No endpoint: the vote is counted in this browser.
                dispatch(inner, Event::Accepted(None));
            }
        }
        Effect::Voted => {
            let choices = match &inner.borrow().state {
                State::Live(live) => live.mine.clone().unwrap_or_default(),
                _ => Vec::new(),
            };
            let ids = ballot_ids(inner, &choices);
            fire(
                &host,
                "poll-voted",
                Detail::new(&poll_id).strings("choices", &ids),
                false,
            );
        }
        Effect::Announce(what) => {
            let this = inner.borrow();
            let text = match what {
                Announcement::VoteCounted => this.texts.get(Msg::VoteCounted).to_owned(),
                Announcement::Refused => this.dom.notice_text(),
            };
            this.dom.announce(&text);
        }
        Effect::Focus(target) => {
            let this = inner.borrow();
            this.dom.focus(target);
        }
    }
}

fn ballot_ids(inner: &Rc<RefCell<Inner>>, ballot: &[usize]) -> Vec<String> {
    match &inner.borrow().state {
        State::Live(live) => ids_of(&live.poll, ballot),
        _ => Vec::new(),
    }
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
