//! Carries out the vote delivery machine (`core::delivery`) in the browser:
//! localStorage, `fetch` and the beacon, timers, and the page's events.
//! What to send, when, and what to tell the reader is decided there; this
//! module only turns its effects into calls and the browser's callbacks into
//! its inputs.

use std::rc::{Rc, Weak};

use super::emit::Problem;
use super::listen::Listener;
use super::{dispatch, later, report_error, Inner, Shared};
use crate::core::delivery::{step, Delivery, Host, Input};
use crate::core::outbox::{Ballot, Pending};
use crate::transport::memory;
use crate::transport::net::{self, read_tally};
use crate::transport::payload::Outcome;
use crate::transport::protocol::{classify, vote_request};

type WeakInner = Weak<std::cell::RefCell<Inner>>;

fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Steps the widget's delivery machine with `input`, then tells the widget
/// what it must hear. The machine is taken out of the widget while it runs,
/// so its effects may borrow the widget (timers), and the widget is told
/// only once nothing is borrowed (a site's listener may call back in).
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
    for event in told {
        dispatch(inner, event);
    }
}

/// The widget has gone: its vote stays in the outbox, for a copy mounted
/// later (or the next visit) to take on.
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

/// The answer to a try of `vote`, for the widget, or, where it has gone,
/// still settled for the outbox's sake, by a copy of the poll waiting on
/// nothing (made from the vote, which carries its poll, endpoint, protocol
/// and voter: the closure need not carry a whole copy).
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

/// The browser, as seen from one widget (which may have gone).
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
        vote.protocol = copy.protocol;
        vote.voter = copy.voter.clone();
        let request = vote_request(&vote);
        if beacon && net::beacon(&request) {
            return;
        }
        let widget = self.widget.clone();
        let timeout_ms = copy.timeout_ms;
        // The protocol's page-side adapter (WP-Polls' `wp-polls.js`).
        let adapt = widget
            .upgrade()
            .map(|inner| inner.borrow().adapt.clone())
            .unwrap_or_default();
        net::send(
            "POST",
            &request.url,
            Some((request.content_type, &request.body)),
            timeout_ms,
            &adapt,
            Box::new(move |answer| {
                let outcome = classify(
                    &vote,
                    answer.status,
                    &answer.answer,
                    answer.retry_after.as_deref(),
                );
                deliver(&widget, timeout_ms, vote, outcome);
            }),
        );
    }

    fn read(&mut self, copy: &Delivery, epoch: u32) {
        let (Some(endpoint), Some(_)) = (&copy.endpoint, self.widget.upgrade()) else {
            return;
        };
        let Some(mut url) = copy.protocol.tally_url(endpoint, &copy.poll) else {
            return;
        };
        if copy.reads_as_voter {
            // Numbers shown only to readers who voted: the backend is told
            // who this reader is (docs/protocol.md, "Read a poll").
            url.push_str("?voter=");
            url.push_str(&copy.voter);
        }
        let widget = self.widget.clone();
        net::send(
            "GET",
            &url,
            None,
            copy.timeout_ms,
            &wasm_bindgen::JsValue::UNDEFINED,
            Box::new(move |answer| {
                if !(200..300).contains(&answer.status) {
                    return;
                }
                if let (Some(inner), Ok(value)) =
                    (widget.upgrade(), js_sys::JSON::parse(&answer.body))
                {
                    numbers(&inner, &value, Some(epoch));
                }
            }),
        );
    }

    fn wake_at(&mut self, at_ms: u64) {
        let Some(inner) = self.widget.upgrade() else {
            return;
        };
        let widget = self.widget.clone();
        let timer = later(at_ms.saturating_sub(now_ms()), move || {
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
        let (host, poll) = {
            let this = inner.borrow();
            (this.host.clone(), super::poll_id(&inner))
        };
        let problem = if retry {
            Problem::WillRetry
        } else {
            Problem::Refused
        };
        report_error(&host, &poll.unwrap_or_default(), code, message, problem);
    }
}

/// The server's `{tally, open}` (a poll resource, or a live event), for
/// the read of `epoch` (`None`: pushed by the live stream, current);
/// ignored unless it is well formed.
pub(super) fn numbers(inner: &Shared, value: &wasm_bindgen::JsValue, epoch: Option<u32>) {
    let Some(tally) = read_tally(&net::field(value, "tally")) else {
        return;
    };
    let current = inner.borrow().delivery.as_ref().map(|d| d.epoch);
    let Some(epoch) = epoch.or(current) else {
        return;
    };
    let closed = net::field(value, "open").as_bool() == Some(false);
    input(
        inner,
        Input::Numbers {
            epoch,
            tally,
            closed,
        },
    );
}

/// The widget's window listeners, owned by the widget: the network coming
/// back, the page being hidden, and storage changed by another tab or copy.
pub(super) fn listen(weak: &WeakInner) -> Vec<Listener> {
    let Some(window) = net::window() else {
        return Vec::new();
    };
    // `what` makes the input afresh each time: `Input` is not `Copy`.
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
            // `hidden` rather than `visibilityState`: the same answer
            // without the enum's conversion code and its panic path.
            let hidden = net::field(&net::document()?.into(), "hidden").as_bool();
            (hidden == Some(true)).then_some(Input::Hidden)
        }));
    }
    out
}
