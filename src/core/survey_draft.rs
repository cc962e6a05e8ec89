//! The text a survey's draft is kept as in this browser, so a reload
//! resumes at the same step, a response on its way is never lost, and a
//! reader changing counted answers still has them if the survey closes.
//!
//! Six lines: `d2` (this format's version), the phase (`answering`,
//! `sending`, `done`), the step, the idempotency key (empty until sent),
//! the answers, and the counted answers while the reader changes them
//! (empty otherwise), both in the one answers codec (`a1;…`, which never
//! holds a newline).

use crate::core::answers;
use crate::core::format::{parse_u64, push_u64};
use crate::core::survey::{Response, Survey};
use crate::core::survey_flow::{Flow, Phase};

const VERSION: &str = "d2";

pub fn encode(flow: &Flow, key: Option<&str>) -> String {
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
    push_u64(&mut text, flow.step as u64);
    text.push('\n');
    text.push_str(key.unwrap_or(""));
    text.push('\n');
    text.push_str(&answers::encode(&flow.survey, &flow.draft));
    text.push('\n');
    if let Some(counted) = &flow.counted {
        text.push_str(counted);
    }
    text
}

/// The flow `text` kept for `survey` and its response's key; a survey
/// with no draft, or one from another format or definition, starts afresh.
pub fn resume(survey: Survey, text: Option<&str>) -> (Flow, Option<String>) {
    let Some((phase, step, key, draft, counted)) = text.and_then(|t| read(&survey, t)) else {
        return (Flow::new(survey, None), None);
    };
    let mut flow = Flow::new(survey, Some((draft, step)));
    flow.phase = phase;
    flow.counted = counted;
    (flow, key)
}

type Parts = (Phase, usize, Option<String>, Response, Option<String>);

fn read(survey: &Survey, text: &str) -> Option<Parts> {
    let mut lines = text.splitn(6, '\n');
    if lines.next()? != VERSION {
        return None;
    }
    let phase = match lines.next()? {
        "answering" => Phase::Answering,
        "sending" => Phase::Sending,
        "done" => Phase::Done,
        _ => return None,
    };
    let step = parse_u64(lines.next()?)? as usize;
    let key = Some(lines.next()?.to_owned()).filter(|k| !k.is_empty());
    let draft = answers::decode_draft(survey, lines.next()?).ok()?;
    let counted = Some(lines.next()?.to_owned()).filter(|c| !c.is_empty());
    Some((phase, step, key, draft, counted))
}
