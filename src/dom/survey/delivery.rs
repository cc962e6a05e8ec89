//! Carries out the vote delivery machine (`core::delivery`) for a survey,
//! as `dom::delivery` does for a poll: the response is the vote's one
//! choice (its answers line), so it waits in the same outbox, goes again
//! with the same key, and is counted once across tabs. What the machine
//! tells is read as the survey's (`core::delivery::survey`).

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use super::{Inner, Shared};
use crate::core::answers;
use crate::core::delivery::survey::{fate, Fate};
use crate::core::delivery::{step, Delivery, Host, Input};
use crate::core::outbox::{answers_of, Ballot, Pending};
use crate::core::survey_flow::Event;
use crate::dom::emit::{report_error, Problem};
use crate::dom::listen::Listener;
use crate::transport::memory;
use crate::transport::net;
use crate::transport::payload::Outcome;
use crate::transport::protocol::{classify, survey_request};

type WeakInner = Weak<RefCell<Inner>>;

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Steps the survey's delivery with `input`, then passes on what the flow
/// must hear, once nothing is borrowed (a site's listener may call back in).
pub(super) fn input(inner: &Shared, input: Input) {
    let Some(mut copy) = inner.borrow_mut().delivery.take() else {
        return;
    };
    let told = step(
        &mut copy,
        input,
        &mut Browser {
            widget: Rc::downgrade(inner),
        },
    );
    inner.borrow_mut().delivery = Some(copy);
    for fate in told.into_iter().filter_map(fate) {
        match fate {
            Fate::Counted => super::accepted(inner, true),
            Fate::CountedElsewhere(line) => super::counted_elsewhere(inner, &line),
            Fate::Refused(message) => super::refused(inner, Event::Refused(message)),
        }
    }
}

/// The survey has gone: its response stays in the outbox, for the next
/// visit (or another tab) to send.
pub(super) fn stop(copy: Option<Delivery>) {
    if let Some(mut copy) = copy {
        step(
            &mut copy,
            Input::Stop,
            &mut Browser {
                widget: Weak::new(),
            },
        );
    }
}

/// The answer to a try, for the survey, or, where it has gone, settled for
/// the outbox's sake by a copy waiting on nothing.
fn deliver(widget: &WeakInner, timeout_ms: u32, vote: Pending, outcome: Outcome) {
    match widget.upgrade() {
        Some(inner) => input(&inner, Input::Answer { vote, outcome }),
        None => {
            let mut copy = Delivery::new(
                vote.poll.clone(),
                Some(vote.endpoint.clone()),
                vote.protocol,
                vote.voter.clone(),
                timeout_ms,
            );
            step(
                &mut copy,
                Input::Answer { vote, outcome },
                &mut Browser {
                    widget: Weak::new(),
                },
            );
        }
    }
}

/// The browser, as seen from one survey (which may have gone).
struct Browser {
    widget: WeakInner,
}

impl Host for Browser {
    fn outbox(&mut self) -> Vec<Pending> {
        memory::outbox()
    }

    fn ballot(&mut self, poll: &str) -> Option<Ballot> {
        memory::ballot(poll)
    }

    fn free_here(&mut self, key: &str) -> bool {
        memory::free(key)
    }

    fn now(&mut self) -> u64 {
        now_ms()
    }

    fn random(&mut self) -> u32 {
        (js_sys::Math::random() * 1000.0) as u32
    }

    fn store(&mut self, vote: &Pending) -> bool {
        memory::outbox_put(vote)
    }

    fn forget(&mut self, key: &str) {
        memory::outbox_remove(key);
    }

    fn keep(&mut self, poll: &str, ballot: &Ballot) -> bool {
        memory::keep(poll, ballot)
    }

    fn send(&mut self, copy: &Delivery, mut vote: Pending, beacon: bool) {
        // The JSON protocol's `answers` object needs the survey's kinds: a
        // survey that has gone leaves the try to the next visit (the
        // response stays in the outbox, claimed until its timeout).
        let Some(inner) = self.widget.upgrade() else {
            return;
        };
        let json = {
            let this = inner.borrow();
            let survey = &this.flow.survey;
            let response = answers_of(&vote).and_then(|l| answers::decode_draft(survey, l).ok());
            match response {
                Some(response) => answers::to_json(survey, &response),
                None => return,
            }
        };
        vote.protocol = copy.protocol;
        vote.voter = copy.voter.clone();
        let request = survey_request(&vote, &json);
        if beacon && net::beacon(&request) {
            return;
        }
        let widget = self.widget.clone();
        let timeout_ms = copy.timeout_ms;
        net::send(
            "POST",
            &request.url,
            Some((request.content_type, &request.body)),
            timeout_ms,
            &wasm_bindgen::JsValue::UNDEFINED,
            Box::new(move |answer| {
                let outcome = classify(
                    &vote,
                    answer.status,
                    &answer.answer,
                    answer.retry_after.as_deref(),
                );
                if let (Outcome::Counted(_), Some(inner), Ok(body)) = (
                    &outcome,
                    widget.upgrade(),
                    js_sys::JSON::parse(&answer.body),
                ) {
                    // The JSON protocol's answer brings the survey's results
                    // as this reader may see them: shown with the thank-you.
                    super::apply_resource(&inner, &body, false);
                }
                deliver(&widget, timeout_ms, vote, outcome);
            }),
        );
    }

    /// The survey's numbers and whether it is still open come with its
    /// resource (`{survey, open, results}`), read as the survey reads it.
    fn read(&mut self, _copy: &Delivery, _epoch: u32) {
        if let Some(inner) = self.widget.upgrade() {
            super::read_resource(&inner, true);
        }
    }

    fn wake_at(&mut self, at_ms: u64) {
        let Some(inner) = self.widget.upgrade() else {
            return;
        };
        let widget = self.widget.clone();
        let timer = crate::dom::later(at_ms.saturating_sub(now_ms()), move || {
            if let Some(inner) = widget.upgrade() {
                input(&inner, Input::Timer);
            }
        });
        inner.borrow_mut().retry = Some(timer);
    }

    fn hold(&mut self, key: &str) {
        memory::hold(key);
    }

    fn release(&mut self, key: &str) {
        memory::release(key);
    }

    fn report(&mut self, code: &str, message: &str, retry: bool) {
        let Some(inner) = self.widget.upgrade() else {
            return;
        };
        let (host, id) = {
            let this = inner.borrow();
            (this.host.clone(), this.flow.survey.id.clone())
        };
        let (message, problem) = if retry {
            (
                "the answers are kept in this browser and sent again",
                Problem::WillRetry,
            )
        } else {
            (message, Problem::Refused)
        };
        report_error(&host, &id, code, message, problem);
    }
}

/// The survey's window listeners, owned by it: the network coming back,
/// the page being hidden, and storage changed by another tab or copy.
pub(super) fn listen(weak: &WeakInner) -> Vec<Listener> {
    let Some(window) = net::window() else {
        return Vec::new();
    };
    let on = |target: &web_sys::EventTarget, kind: &'static str, what: fn() -> Option<Input>| {
        let w = weak.clone();
        Listener::new(
            target,
            kind,
            Box::new(move |_| {
                if let (Some(inner), Some(what)) = (w.upgrade(), what()) {
                    input(&inner, what);
                }
            }),
        )
    };
    let mut out = vec![
        on(&window, "online", || Some(Input::Online)),
        on(&window, "readerpoll:change", || Some(Input::StorageChanged)),
    ];
    if let Some(document) = net::document() {
        out.push(on(&document, "visibilitychange", || {
            let hidden = net::field(&net::document()?.into(), "hidden").as_bool();
            (hidden == Some(true)).then_some(Input::Hidden)
        }));
    }
    out
}
