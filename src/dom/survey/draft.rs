//! The reader's answers kept in this browser as they go, so a reload
//! resumes at the same step and a response on its way is never lost.
//!
//! One storage item per survey, `readerpoll:v2:survey:ID`, five lines:
//! `d1` (this format's version), the phase (`answering`, `sending`,
//! `done`), the step, the idempotency key (empty until sent), and the
//! answers in the one answers codec (`a1;…`, which never holds a newline).

use crate::core::answers;
use crate::core::survey::{Response, Survey};
use crate::core::survey_flow::{Flow, Phase};
use crate::transport::memory::survey_items;

const VERSION: &str = "d1";

pub struct Saved {
    pub phase: Phase,
    pub step: usize,
    pub key: Option<String>,
    pub draft: Response,
}

pub fn save(flow: &Flow, key: Option<&str>) {
    let mut text = String::from(VERSION);
    text.push('\n');
    text.push_str(match flow.phase {
        // Closed is not kept: it follows from the survey on the next load,
        // and a survey that opens again resumes where the reader was.
        Phase::Answering | Phase::Closed => "answering",
        Phase::Sending => "sending",
        Phase::Done => "done",
    });
    text.push('\n');
    crate::core::format::push_u64(&mut text, flow.step as u64);
    text.push('\n');
    text.push_str(key.unwrap_or(""));
    text.push('\n');
    text.push_str(&answers::encode(&flow.survey, &flow.draft));
    // Storage that is full or blocked keeps it for the page's life.
    survey_items::write(&survey_items::name(&flow.survey.id), &text);
}

/// What this browser kept for `survey`, if it is readable; a draft from
/// another format or another definition starts the survey afresh.
pub fn load(survey: &Survey) -> Option<Saved> {
    let text = survey_items::read(&survey_items::name(&survey.id))?;
    let mut lines = text.splitn(5, '\n');
    if lines.next()? != VERSION {
        return None;
    }
    let phase = match lines.next()? {
        "answering" => Phase::Answering,
        "sending" => Phase::Sending,
        "done" => Phase::Done,
        _ => return None,
    };
    let step = crate::core::format::parse_u64(lines.next()?)? as usize;
    let key = Some(lines.next()?.to_owned()).filter(|k| !k.is_empty());
    let draft = answers::decode_draft(survey, lines.next()?).ok()?;
    Some(Saved {
        phase,
        step,
        key,
        draft,
    })
}
