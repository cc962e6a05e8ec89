//! A survey in the page: the flow (`core::survey_flow`) holds every
//! decision; this module turns DOM events into flow events, renders the
//! view model (`survey_view`) and carries out the flow's effects. Like the
//! poll's `Widget`, it owns its nodes, listeners and state, and dropping it
//! leaves the host as it found it; the draft stays in storage.

mod delivery;
mod draft;
mod render;
mod resource;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event as DomEvent, HtmlElement, Node};

use crate::core::answers;
use crate::core::count::{self, SurveyTally};
use crate::core::delivery::{Delivery, Input};
use crate::core::locale::{locale_for, Locale};
use crate::core::outbox::Protocol;
use crate::core::question::{Answer, Kind, RawAnswer, RawItem};
use crate::core::survey::Layout;
use crate::core::survey_flow::{step, Effect, Event, Flow, Focus, Notice, Phase};
use crate::dom::bind;
use crate::dom::listen::{Listener, Timer};
use crate::dom::question::field;
use crate::survey_view::{survey_view, SurveyTexts};
use crate::transport::decode_survey::{decode_results, decode_survey, Refusal};
use crate::transport::memory;
use crate::transport::net::{self, DEFAULT_TIMEOUT_MS};

use self::render::SurveyDom;

struct Inner {
    host: HtmlElement,
    flow: Flow,
    locale: &'static Locale,
    own: SurveyTexts,
    tally: Option<SurveyTally>,
    /// An absolute, allowed URL; `None` counts the response here only.
    endpoint: Option<String>,
    timeout_ms: u32,
    /// The response's idempotency key, made when it is first sent and
    /// kept with the draft so every retry reuses it.
    key: Option<String>,
    voter: String,
    /// The response's delivery (`None` with no endpoint).
    delivery: Option<Delivery>,
    /// The delivery's next look (a retry).
    retry: Option<Timer>,
    dom: SurveyDom,
}

type Shared = Rc<RefCell<Inner>>;

/// A mounted survey, or the message of one that could not be.
pub struct SurveyWidget {
    inner: Option<Shared>,
    container: Element,
    _listeners: Vec<Listener>,
}

impl SurveyWidget {
    pub fn mount(host: HtmlElement, root: &Node, config: &JsValue, options: &JsValue) -> Self {
        let lang = net::field(options, "lang").as_string().unwrap_or_default();
        // Only the survey's own texts (the poll's are not in this build);
        // the language gives the numbers' form.
        let locale = locale_for(&lang);
        let mut own = SurveyTexts::default();
        let overrides = net::field(options, "texts");
        if overrides.is_object() {
            for entry in Object::entries(overrides.unchecked_ref()).iter() {
                let entry: Array = entry.unchecked_into();
                if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                    own.set(&k, &v);
                }
            }
        }
        let mut dom = SurveyDom::new(root, &lang);
        let container = dom.container().clone();
        // Right to left as a poll in the same language is.
        if locale.rtl {
            crate::dom::build::attr(&container, "dir", "rtl");
        }
        let endpoint = net::field(options, "endpoint")
            .as_string()
            .filter(|e| !e.is_empty());
        let protocol_name = net::field(options, "protocol")
            .as_string()
            .unwrap_or_default();
        let protocol = Protocol::from_name(&protocol_name).unwrap_or_default();
        let survey = match net::field(options, "error").as_string() {
            Some(reason) => Err(Refusal {
                code: "load_failed",
                message: reason,
            }),
            None if protocol == Protocol::WpPolls => Err(Refusal {
                code: "unsupported_survey",
                message: String::from("WP-Polls runs polls only: a survey needs protocol=\"json\""),
            }),
            None if endpoint
                .as_deref()
                .is_some_and(|e| !crate::core::outbox::endpoint_allowed(e)) =>
            {
                Err(Refusal {
                    code: "bad_endpoint",
                    message: String::from(
                        "the endpoint must be an https:// URL (or http:// on localhost)",
                    ),
                })
            }
            None => decode_survey(config),
        };
        let survey = match survey {
            Ok(survey) => survey,
            Err(refusal) => {
                dom.fail(own.get(crate::survey_view::SurveyMsg::Unavailable));
                let id = host.get_attribute("poll").unwrap_or_default();
                crate::dom::report_error(
                    &host,
                    &id,
                    refusal.code,
                    &refusal.message,
                    crate::dom::emit::Problem::Unavailable,
                );
                return SurveyWidget {
                    inner: None,
                    container,
                    _listeners: Vec::new(),
                };
            }
        };
        let (mut flow, key) = draft::load(survey);
        let phase = flow.phase;
        let now = now_seconds();
        if flow.survey.closed || flow.survey.closes_at.is_some_and(|t| now >= t) {
            // Closed before this page: shown so, with nothing to announce.
            // What a close keeps (a changed response's counted answers)
            // the draft already holds, so every load restores the same.
            step(&mut flow, Event::Close);
        }
        let tally = decode_results(&flow.survey, &net::field(options, "results"));
        let timeout_ms = net::field(options, "timeout")
            .as_f64()
            .filter(|t| *t >= 1.0 && *t <= 120_000.0)
            .map_or(DEFAULT_TIMEOUT_MS, |t| t as u32);
        let voter = memory::voter_token();
        let delivery = endpoint.clone().map(|endpoint| {
            let id = flow.survey.id.clone();
            let mut d = Delivery::new(id, Some(endpoint), protocol, voter.clone(), timeout_ms);
            d.changes = flow.survey.allow_change;
            d
        });
        let inner = Rc::new(RefCell::new(Inner {
            host: host.clone(),
            flow,
            locale,
            own,
            tally,
            endpoint,
            timeout_ms,
            key,
            voter,
            delivery,
            retry: None,
            dom,
        }));
        let weak = Rc::downgrade(&inner);
        let mut listeners = vec![
            listener(&container, "click", weak.clone()),
            listener(&container, "change", weak.clone()),
            listener(&container, "input", weak.clone()),
        ];
        if endpoint_set(&inner) {
            // Back online, page hidden, another tab's news: the delivery's.
            listeners.extend(delivery::listen(&weak));
        }
        render(&inner);
        let id = inner.borrow().flow.survey.id.clone();
        crate::dom::emit::fire(&host, "poll-ready", &id, None, false);
        // Responses waiting in the outbox (this survey's, from an earlier
        // visit or another tab) go on their way.
        delivery::input(&inner, Input::Start { fresh: true });
        match phase {
            Phase::Sending => resume(&inner),
            // Whether it is still open, and the results this reader may
            // see: where the protocol has such a resource (not a form).
            _ if protocol.has_tally() || !endpoint_set(&inner) => read_resource(&inner, false),
            _ => {}
        }
        SurveyWidget {
            inner: Some(inner),
            container,
            _listeners: listeners,
        }
    }

    pub fn survey_id(&self) -> Option<String> {
        Some(self.inner.as_ref()?.borrow().flow.survey.id.clone())
    }

    /// A live update from the backend's event stream, `{open, results}`
    /// as the survey resource has them: new numbers replace the shown
    /// ones, and `open: false` closes the survey.
    pub fn apply_update(&self, update: &JsValue) {
        if let Some(inner) = &self.inner {
            apply_resource(inner, update, true);
        }
    }

    /// The host page's answer for a response it took over.
    pub fn resolve_vote(&self, ok: bool, message: Option<String>) {
        let Some(inner) = &self.inner else { return };
        if inner.borrow().flow.phase != Phase::Sending {
            return;
        }
        if ok {
            accepted(inner, true);
        } else {
            let message = message.unwrap_or_else(|| String::from("The answers were not accepted."));
            dispatch(inner, Event::Refused(message));
        }
    }
}

impl Drop for SurveyWidget {
    fn drop(&mut self) {
        if let Some(inner) = &self.inner {
            delivery::stop(inner.borrow_mut().delivery.take());
        }
        self.container.remove();
    }
}

fn listener(target: &Element, kind: &'static str, weak: Weak<RefCell<Inner>>) -> Listener {
    Listener::new(
        target,
        kind,
        Box::new(move |event| {
            if let Some(inner) = weak.upgrade() {
                let ev = translate(&inner, event, kind);
                if let Some(ev) = ev {
                    dispatch(&inner, ev);
                }
            }
        }),
    )
}

fn data(e: &Element, name: &str) -> Option<usize> {
    crate::core::format::parse_u64(&e.get_attribute(name)?).map(|n| n as usize)
}

/// DOM event -> flow event. Controls report through `change` (keyboard
/// and pointer alike) and text through `input`; buttons through `click`.
fn translate(inner: &Shared, event: &DomEvent, kind: &str) -> Option<Event> {
    let target: Element = event.target()?.dyn_into().ok()?;
    if kind == "click" {
        let button = bind::closest(&target, "button")?;
        let this = inner.borrow();
        return Some(match button.get_attribute("data-action")?.as_str() {
            "back" => Event::Back,
            "change" => Event::Change,
            _ if this.flow.survey.layout == Layout::All => Event::Submit,
            _ => Event::Next,
        });
    }
    let q = data(&target, "data-q")?;
    let this = inner.borrow();
    let question = this.flow.survey.questions.get(q)?;
    let current = this.flow.draft.get(q).cloned().flatten();
    let value = data(&target, "data-v");
    let answer = match &question.kind {
        Kind::Choice(c) => {
            let (mut picked, mut other) = match current {
                Some(Answer::Choice { picked, other }) => (picked, other),
                _ => (Vec::new(), None),
            };
            let written = this.dom.other_text(q).unwrap_or_default();
            let on = target.has_attribute("data-other") || field(&target).checked();
            match value {
                // The write-in's text field, or its radio or checkbox.
                None => {
                    if !c.multiple {
                        picked.clear();
                    }
                    other = Some(written);
                }
                Some(v) if v >= c.options.len() => {
                    if !c.multiple {
                        picked.clear();
                    }
                    other = on.then_some(written);
                }
                Some(v) => {
                    if !c.multiple {
                        picked.clear();
                        other = None;
                    }
                    picked.retain(|&p| p != v);
                    if on {
                        picked.push(v);
                    }
                }
            }
            let mut items: Vec<RawItem> = picked
                .iter()
                .filter_map(|&i| c.options.get(i))
                .map(|o| RawItem::Id(o.id.clone()))
                .collect();
            if let Some(other) = other {
                items.push(RawItem::Other { other });
            }
            question.answer(&RawAnswer::List(items)).ok()?
        }
        Kind::Scale(s) => Some(Answer::Point(s.min + value? as i64)),
        Kind::Nps => Some(Answer::Point(value? as i64)),
        Kind::Likert(l) => {
            let mut rows = match current {
                Some(Answer::Rows(rows)) => rows,
                _ => vec![None; l.rows.len()],
            };
            *rows.get_mut(data(&target, "data-r")?)? = Some(value?);
            Some(Answer::Rows(rows))
        }
        Kind::Text(_) => question
            .answer(&RawAnswer::Text(field(&target).value()))
            .ok()?,
    };
    Some(Event::Answer {
        question: q,
        answer,
    })
}

fn render(inner: &Shared) {
    let mut guard = inner.borrow_mut();
    let this = &mut *guard;
    let view = survey_view(
        &this.flow,
        this.tally.as_ref(),
        this.locale,
        &this.own,
        now_seconds(),
    );
    this.dom.render(view);
    this.dom.set_state(match this.flow.phase {
        Phase::Answering => "answering",
        Phase::Sending => "sending",
        Phase::Done => "done",
        Phase::Closed => "closed",
    });
}

/// Steps the flow, renders, then runs the effects with no borrow held:
/// they fire DOM events, and a site's listener may call back in.
fn dispatch(inner: &Shared, event: Event) {
    let effects = step(&mut inner.borrow_mut().flow, event);
    render(inner);
    for effect in effects {
        run(inner, *effect);
    }
}

fn run(inner: &Shared, effect: Effect) {
    match effect {
        Effect::SaveDraft => {
            let this = inner.borrow();
            draft::save(&this.flow, this.key.as_deref());
        }
        Effect::Send => {
            let (host, id, line) = {
                let mut this = inner.borrow_mut();
                if this.key.is_none() {
                    this.key = Some(memory::survey_items::new_key());
                }
                let line = answers::encode(&this.flow.survey, &this.flow.draft);
                (this.host.clone(), this.flow.survey.id.clone(), line)
            };
            // A cancelled `poll-vote` means the host page sends the
            // response itself and answers through `resolveVote`.
            if fire_vote(&host, "poll-vote", &id, &line, true) {
                deliver(inner);
            }
        }
        Effect::Focus(target) => {
            let element = {
                let this = inner.borrow();
                match target {
                    Focus::Question => this.dom.first_control(),
                    Focus::Notice => match &this.flow.notice {
                        Some(Notice::Required(q)) => this.dom.notice_of(*q),
                        _ => this.dom.notice_of(this.flow.step),
                    },
                    Focus::Results => Some(this.dom.results_target()),
                    Focus::Status => Some(this.dom.status().clone()),
                }
            };
            if let Some(e) = element {
                bind::focus(e.unchecked_ref());
            }
        }
        Effect::AnnounceNotice => {
            let this = inner.borrow();
            let q = match &this.flow.notice {
                Some(Notice::Required(q)) => *q,
                _ => this.flow.step,
            };
            if let Some(text) = this.dom.notice_text(q) {
                this.dom.announce(&text);
            }
        }
        Effect::AnnounceDone => {
            let this = inner.borrow();
            this.dom
                .announce(this.own.get(crate::survey_view::SurveyMsg::Done));
        }
        Effect::AnnounceClosed => {
            // What the status line says: closed, or closed with the
            // answers not sent.
            let this = inner.borrow();
            if let Some(text) = this.dom.status().text_content() {
                this.dom.announce(&text);
            }
        }
        Effect::NewKey => inner.borrow_mut().key = None,
    }
}

fn endpoint_set(inner: &Shared) -> bool {
    inner.borrow().endpoint.is_some()
}

/// Sends the response that is on its way through the delivery (which
/// keeps it in the outbox until the backend's final answer, with the key
/// kept in the draft). With no endpoint it is counted in this browser.
fn deliver(inner: &Shared) {
    let cast = {
        let this = inner.borrow();
        if this.flow.phase != Phase::Sending {
            return;
        }
        this.delivery.is_some().then(|| Input::Cast {
            key: this.key.clone().unwrap_or_default(),
            choices: vec![answers::encode(&this.flow.survey, &this.flow.draft)],
            hosted: false,
        })
    };
    match cast {
        Some(cast) => {
            // As a poll does: another tab's response since this one loaded
            // is the reader's.
            delivery::input(inner, Input::Voting);
            delivery::input(inner, cast);
        }
        None => accepted(inner, true),
    }
}

/// The last load ended with the response on its way. The delivery resumed
/// it if it still waits; else it was settled meanwhile (counted if this
/// browser kept it as the reader's ballot), or never stored (storage
/// refused it): then the same key goes again, so it counts once.
fn resume(inner: &Shared) {
    let (following, counted) = {
        let this = inner.borrow();
        let counted =
            memory::ballot(&this.flow.survey.id).is_some_and(|b| this.key.as_ref() == Some(&b.key));
        let following = this
            .delivery
            .as_ref()
            .and_then(Delivery::following)
            .is_some();
        (following, counted)
    };
    if counted {
        accepted(inner, true);
    } else if !following {
        deliver(inner);
    }
}

/// The backend refused the response for good: the reader is told why, and
/// the draft is kept (the flow saves it; the delivery reads whether the
/// survey closed).
fn refused(inner: &Shared, event: Event) {
    dispatch(inner, event);
}

/// The response the backend counted is another of this reader's (another
/// tab's, sent at the same moment): its answers replace this page's.
/// (Only while this page's own is on its way: a reader changing answers
/// keeps what they are writing.)
fn counted_elsewhere(inner: &Shared, line: &str) {
    {
        let mut this = inner.borrow_mut();
        if this.flow.phase != Phase::Sending {
            return;
        }
        if let Ok(draft) = answers::decode_draft(&this.flow.survey, line) {
            this.flow.draft = draft;
        }
    }
    accepted(inner, false);
}

/// The response is counted: results (with no server this reader's own),
/// the flow's last step, the draft marked done; `poll-voted` on the page
/// whose response it was (`announce`).
fn accepted(inner: &Shared, announce: bool) {
    {
        let mut this = inner.borrow_mut();
        // The server's results came with its answer (`delivery`), and are
        // read again after it.
        if this.endpoint.is_none() {
            this.tally = Some(own_tally(&this.flow));
        }
        // A changed response brings new numbers.
        this.dom.reset_results();
    }
    dispatch(inner, Event::Accepted);
    let (host, id, line) = {
        let this = inner.borrow();
        (
            this.host.clone(),
            this.flow.survey.id.clone(),
            answers::encode(&this.flow.survey, &this.flow.draft),
        )
    };
    if announce {
        fire_vote(&host, "poll-voted", &id, &line, false);
    }
}

/// With no backend, the results are this reader's own response.
fn own_tally(flow: &Flow) -> SurveyTally {
    let mut tally = SurveyTally::empty(&flow.survey);
    tally.apply(&count::apply(&flow.survey, &flow.draft));
    tally
}

/// Reads the survey as the backend shows it to this reader: whether it is
/// still open, and the results its policy lets this reader see (with no
/// backend, a reader who answered sees their own). `announce` when the
/// reader is on the page and should hear of a close.
fn read_resource(inner: &Shared, announce: bool) {
    let request = {
        let mut this = inner.borrow_mut();
        match this.endpoint.clone() {
            None => {
                if this.flow.phase == Phase::Done {
                    this.tally = Some(own_tally(&this.flow));
                }
                None
            }
            Some(endpoint) => Some((
                endpoint,
                this.flow.survey.id.clone(),
                this.voter.clone(),
                this.timeout_ms,
            )),
        }
    };
    let Some((endpoint, id, voter, timeout)) = request else {
        render(inner);
        return;
    };
    let weak = Rc::downgrade(inner);
    resource::resource(
        &endpoint,
        &id,
        &voter,
        timeout,
        Box::new(move |resource| {
            let Some(inner) = weak.upgrade() else { return };
            if let Some(resource) = resource {
                apply_resource(&inner, &resource, announce);
            }
        }),
    );
}

/// `{open, results}` from the backend (its survey resource or its event
/// stream). Results it leaves out (the policy hides them from this
/// reader) leave the shown ones as they are.
fn apply_resource(inner: &Shared, resource: &JsValue, announce: bool) {
    let results = net::field(resource, "results");
    let open = net::field(resource, "open").as_bool();
    let closes = {
        let mut this = inner.borrow_mut();
        if !results.is_undefined() {
            let tally = decode_results(&this.flow.survey, &results);
            if tally.is_some() {
                this.tally = tally;
                this.dom.reset_results();
            }
        }
        // Not open yet is not closed.
        open == Some(false) && !this.flow.survey.not_yet_open_at(now_seconds())
    };
    if closes && announce {
        dispatch(inner, Event::Close);
    } else {
        if closes {
            // As a close before this page: nothing said, nothing to save.
            step(&mut inner.borrow_mut().flow, Event::Close);
        }
        render(inner);
    }
}

// `detail` is `{poll, answers}`: the response in the answers codec, the
// same line the draft and the server's vote log hold.
#[wasm_bindgen::prelude::wasm_bindgen(
    inline_js = "export function fireVote(host, name, poll, answers, cancelable) {
  return host.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, cancelable, detail: { poll, answers } }));
}"
)]
extern "C" {
    #[wasm_bindgen(js_name = fireVote)]
    fn fire_vote(
        host: &HtmlElement,
        name: &str,
        poll: &str,
        answers: &str,
        cancelable: bool,
    ) -> bool;
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
