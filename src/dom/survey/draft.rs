//! The reader's answers kept in this browser as they go (in the format of
//! `core::survey_draft`), one storage item per survey,
//! `readerpoll:v2:survey:ID`.

use crate::core::survey::Survey;
use crate::core::survey_draft;
use crate::core::survey_flow::Flow;
use crate::transport::memory::survey_items;

pub fn save(flow: &Flow, key: Option<&str>) {
    // Storage that is full or blocked keeps it for the page's life.
    survey_items::write(
        &survey_items::name(&flow.survey.id),
        &survey_draft::encode(flow, key),
    );
}

/// The flow this browser left for `survey` (or a fresh one), and the key
/// of its response.
pub fn load(survey: Survey) -> (Flow, Option<String>) {
    let text = survey_items::read(&survey_items::name(&survey.id));
    survey_draft::resume(survey, text.as_deref())
}
