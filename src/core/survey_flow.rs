//! A reader going through a survey, as a pure state machine: answers kept
//! as a draft, one step at a time (or all at once), "Answer this question
//! to go on" when a required question is skipped, then one response sent.
//! Like `core::machine` for a poll, `step` changes the state and returns
//! what the browser layer must do; nothing here touches the DOM.

use crate::core::answers;
use crate::core::question::Answer;
use crate::core::survey::{Response, Survey};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Answering,
    /// The response is on its way.
    Sending,
    /// The response was counted.
    Done,
    /// The survey closed before this reader's response was counted:
    /// nothing is left to answer.
    Closed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Question `index` needs an answer (or a fuller one) before going on.
    Required(usize),
    /// The backend refused the response; its message.
    Refused(String),
    /// The survey closed with this reader's answers not sent.
    Unsent,
    /// The survey closed while the reader was changing a counted response:
    /// the counted one stands.
    Stands,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    pub survey: Survey,
    /// Answers so far, by question index.
    pub draft: Response,
    /// The question shown (steps layout); always a visible one.
    pub step: usize,
    pub phase: Phase,
    pub notice: Option<Notice>,
    /// The survey takes no more responses (its close time passed, or the
    /// backend says so).
    pub closed: bool,
    /// While the reader changes a counted response (`allow_change`): that
    /// response, which stands if the survey closes before the new one is
    /// counted. In the answers codec, as the draft keeps it.
    pub counted: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The reader answered (or cleared) question `question`.
    Answer {
        question: usize,
        answer: Option<Answer>,
    },
    Next,
    Back,
    Submit,
    /// The backend counted the response.
    Accepted,
    /// The backend refused it for good; its message.
    Refused(String),
    /// The survey closed: by its close time, or as the backend says.
    Close,
    /// A reader who answered asks to change the answers (`allow_change`).
    Change,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Keep `draft` and `step` in this browser, so a reload resumes here.
    SaveDraft,
    /// Send `draft` as the response (through the vote delivery).
    Send,
    Focus(Focus),
    /// Say the notice once through the live region.
    AnnounceNotice,
    /// Say the response was counted.
    AnnounceDone,
    /// Say the survey closed (and, with `Notice::Unsent`, that the
    /// answers were not sent; with `Notice::Stands`, that the counted
    /// ones stand).
    AnnounceClosed,
    /// The next response replaces the counted one: it needs a key of its
    /// own, or the backend would take it for a retry of the old one.
    NewKey,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The first control of the question now shown.
    Question,
    /// The inline notice, next to the question it is about.
    Notice,
    /// The results (or the thank-you).
    Results,
    /// The status line: why there is nothing to answer.
    Status,
}

impl Flow {
    /// A new flow, or one resumed from a saved draft and step. A draft that
    /// no longer fits the survey (its definition changed) starts afresh.
    pub fn new(survey: Survey, saved: Option<(Response, usize)>) -> Flow {
        let blank = vec![None; survey.questions.len()];
        let mut flow = Flow {
            draft: blank,
            survey,
            step: 0,
            phase: Phase::Answering,
            notice: None,
            closed: false,
            counted: None,
        };
        if let Some((draft, step)) = saved {
            if draft.len() == flow.survey.questions.len() {
                flow.draft = draft;
                flow.hide_unreachable();
                flow.step = step;
            }
        }
        if !flow.visible(flow.step) {
            flow.step = flow.next_visible(0).unwrap_or(0);
        }
        flow
    }

    pub fn visible(&self, index: usize) -> bool {
        index < self.survey.questions.len() && self.survey.is_visible(index, &self.draft)
    }

    /// Visible questions, in order.
    pub fn visible_questions(&self) -> Vec<usize> {
        (0..self.survey.questions.len())
            .filter(|&i| self.visible(i))
            .collect()
    }

    /// "2 of 4": the step's place among the questions shown, and how many
    /// are shown given the answers so far.
    pub fn progress(&self) -> (usize, usize) {
        let shown = self.visible_questions();
        let at = shown.iter().position(|&i| i == self.step).unwrap_or(0);
        (at + 1, shown.len())
    }

    /// Whether the reader may answer again, replacing the counted
    /// response: the survey allows it and is still open.
    pub fn can_change(&self) -> bool {
        self.phase == Phase::Done && self.survey.allow_change && !self.closed
    }

    pub fn is_last_step(&self) -> bool {
        self.next_visible(self.step + 1).is_none()
    }

    /// Whether question `index` lets the reader go on: hidden, answered in
    /// full, or optional and unanswered.
    pub fn may_leave(&self, index: usize) -> bool {
        let Some(question) = self.survey.questions.get(index) else {
            return true;
        };
        if !self.visible(index) {
            return true;
        }
        match &self.draft[index] {
            Some(answer) => !question.required || question.complete(answer),
            None => !question.required,
        }
    }

    fn next_visible(&self, from: usize) -> Option<usize> {
        (from..self.survey.questions.len()).find(|&i| self.visible(i))
    }

    fn previous_visible(&self, before: usize) -> Option<usize> {
        (0..before).rev().find(|&i| self.visible(i))
    }

    /// Clears answers to questions the other answers now hide: a hidden
    /// question takes no answer, and one pass in order suffices because
    /// conditions name only earlier questions.
    fn hide_unreachable(&mut self) {
        for i in 0..self.draft.len() {
            if self.draft[i].is_some() && !self.survey.is_visible(i, &self.draft) {
                self.draft[i] = None;
            }
        }
    }

    fn require(&mut self, index: usize) -> &'static [Effect] {
        self.step = index;
        self.notice = Some(Notice::Required(index));
        &[Effect::Focus(Focus::Notice), Effect::AnnounceNotice]
    }

    fn submit(&mut self) -> &'static [Effect] {
        // In either layout the first gap is where the reader is sent: with
        // steps, an answer cleared after going back leaves one behind.
        if let Some(gap) = (0..self.draft.len()).find(|&i| !self.may_leave(i)) {
            return self.require(gap);
        }
        if self.survey.check(&self.draft).is_err() {
            // Every question may be left, so only "answers nothing" is
            // left: the first question is where to start.
            let first = self.next_visible(0).unwrap_or(0);
            return self.require(first);
        }
        self.notice = None;
        self.phase = Phase::Sending;
        &[Effect::Send, Effect::SaveDraft]
    }
}

pub fn step(flow: &mut Flow, event: Event) -> &'static [Effect] {
    match event {
        Event::Close => {
            if flow.closed {
                return &[];
            }
            flow.closed = true;
            match flow.phase {
                // A response on its way may still have been counted before
                // the close: the backend's answer decides.
                Phase::Sending | Phase::Done | Phase::Closed => &[],
                Phase::Answering => close_unanswered(flow),
            }
        }
        Event::Change => {
            if !flow.can_change() {
                return &[];
            }
            // The counted answers come back in the form, from the start.
            flow.phase = Phase::Answering;
            flow.counted = Some(answers::encode(&flow.survey, &flow.draft));
            flow.notice = None;
            flow.step = flow.next_visible(0).unwrap_or(0);
            &[
                Effect::NewKey,
                Effect::SaveDraft,
                Effect::Focus(Focus::Question),
            ]
        }
        Event::Accepted => {
            if flow.phase != Phase::Sending {
                return &[];
            }
            flow.phase = Phase::Done;
            flow.counted = None;
            &[
                Effect::SaveDraft,
                Effect::AnnounceDone,
                Effect::Focus(Focus::Results),
            ]
        }
        Event::Refused(message) => {
            if flow.phase != Phase::Sending {
                return &[];
            }
            flow.phase = Phase::Answering;
            if flow.closed {
                return close_unanswered(flow);
            }
            flow.notice = Some(Notice::Refused(message));
            // Answering again: a reload must not send it once more.
            &[
                Effect::SaveDraft,
                Effect::Focus(Focus::Notice),
                Effect::AnnounceNotice,
            ]
        }
        _ if flow.phase != Phase::Answering => &[],
        Event::Answer { question, answer } => {
            let Some(slot) = flow.draft.get_mut(question) else {
                return &[];
            };
            *slot = answer;
            flow.hide_unreachable();
            if flow.notice == Some(Notice::Required(question)) && flow.may_leave(question) {
                flow.notice = None;
            }
            &[Effect::SaveDraft]
        }
        Event::Next => {
            if !flow.may_leave(flow.step) {
                return flow.require(flow.step);
            }
            match flow.next_visible(flow.step + 1) {
                Some(next) => {
                    flow.step = next;
                    flow.notice = None;
                    &[Effect::SaveDraft, Effect::Focus(Focus::Question)]
                }
                None => flow.submit(),
            }
        }
        Event::Back => match flow.previous_visible(flow.step) {
            Some(previous) => {
                flow.step = previous;
                flow.notice = None;
                &[Effect::SaveDraft, Effect::Focus(Focus::Question)]
            }
            None => &[],
        },
        Event::Submit => flow.submit(),
    }
}

/// The survey closed while the reader was answering: no questions are left,
/// and a reader who had answered anything is told it was not sent. A reader
/// who was changing a counted response gets it back, kept as it stands.
fn close_unanswered(flow: &mut Flow) -> &'static [Effect] {
    flow.phase = Phase::Closed;
    flow.notice = flow
        .draft
        .iter()
        .any(Option::is_some)
        .then_some(Notice::Unsent);
    if let Some(counted) = flow.counted.take() {
        // Encoded from this survey's answers, so it reads.
        if let Ok(counted) = answers::decode_draft(&flow.survey, &counted) {
            flow.draft = counted;
        }
        flow.phase = Phase::Done;
        flow.notice = Some(Notice::Stands);
    }
    &[
        Effect::SaveDraft,
        Effect::Focus(Focus::Status),
        Effect::AnnounceClosed,
    ]
}
