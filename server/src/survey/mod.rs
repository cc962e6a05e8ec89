//! Reader surveys on the server: definitions, responses and their counters,
//! in SQLite or PostgreSQL beside the polls. Every rule is the core's: a
//! response is checked by `Survey::response` (the widget's own check),
//! counted by `core::count::decide` and stored as one `core::answers`
//! line, so the two stores cannot count differently and the export reads
//! back exactly what was checked.

pub mod export;
pub mod feed;
pub mod http;
mod postgres;
mod sqlite;

use std::collections::BTreeMap;
use std::sync::Arc;

use readerpoll::core::answers;
use readerpoll::core::count::{decide, Counter, Decision, Delta, Known, SurveyTally};
use readerpoll::core::question::{Kind, RawAnswer};
use readerpoll::core::survey::{RawSurvey, Response, Survey, SurveyError};
use serde_json::{json, Map, Value};

use crate::store::{AddError, Misses, Store};
use readerpoll::core::ConfigError;

pub use postgres::PgSurveys;
pub use sqlite::SqliteSurveys;

/// A survey as served: its definition (validated), the JSON it was written
/// as, whether the operator closed it, and its counters.
#[derive(Clone, Debug)]
pub struct SurveyState {
    pub survey: Arc<Survey>,
    pub definition: Arc<Value>,
    pub tally: SurveyTally,
}

impl SurveyState {
    pub fn open_at(&self, now: i64) -> bool {
        self.survey.is_open_at(now)
    }
}

/// One reader's response on its way into the store.
pub struct ResponseRequest {
    pub survey: String,
    pub key: String,
    pub voter: String,
    pub answers: BTreeMap<String, RawAnswer>,
}

/// A counted (or replayed) response.
#[derive(Debug)]
pub struct ResponseOk {
    pub state: SurveyState,
    /// False when the key had been counted before.
    pub counted: bool,
}

/// Why a response was not counted.
#[derive(Debug)]
pub enum RespondError {
    UnknownSurvey,
    Closed,
    NotOpenYet,
    Invalid(SurveyError),
    AlreadyResponded,
    Storage(String),
}

/// One stored response, for exports.
#[derive(Clone, Debug)]
pub struct StoredResponse {
    pub key: String,
    /// Unix seconds.
    pub at: i64,
    /// The `core::answers` line.
    pub answers: String,
}

/// Whether a definition is a survey rather than a poll.
pub fn is_survey(definition: &Value) -> bool {
    definition.get("questions").is_some()
}

/// Validates a survey definition with the widget's own rules.
pub fn parse_survey(text: &str) -> Result<(Survey, Value), SurveyError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| SurveyError::from_decoder(&e.to_string()))?;
    let raw: RawSurvey = serde_json::from_value(value.clone())
        .map_err(|e| SurveyError::from_decoder(&e.to_string()))?;
    Ok((Survey::from_raw(raw)?, value))
}

/// A stored definition, parsed; one that no longer validates hides its
/// survey, logged, rather than failing every request that touches it.
fn parse_stored(id: &str, text: &str) -> Option<(Arc<Survey>, Arc<Value>)> {
    match parse_survey(text) {
        Ok((survey, value)) => Some((Arc::new(survey), Arc::new(value))),
        Err(e) => {
            tracing::error!(survey = id, error = %e, "stored survey no longer validates; hidden");
            None
        }
    }
}

/// The survey, closed if the database says so.
fn closed_if(survey: Arc<Survey>, closed: bool) -> Arc<Survey> {
    if closed && !survey.closed {
        let mut s = (*survey).clone();
        s.closed = true;
        Arc::new(s)
    } else {
        survey
    }
}

/// A counter's name in the store: `respondents`, `answered.2`, `bucket.2.5`.
fn counter_name(counter: Counter) -> String {
    match counter {
        Counter::Respondents => "respondents".into(),
        Counter::Answered(q) => format!("answered.{q}"),
        Counter::Bucket(q, b) => format!("bucket.{q}.{b}"),
    }
}

fn parse_counter(name: &str) -> Option<Counter> {
    let mut parts = name.split('.');
    let counter = match (parts.next()?, parts.next(), parts.next()) {
        ("respondents", None, None) => Counter::Respondents,
        ("answered", Some(q), None) => Counter::Answered(q.parse().ok()?),
        ("bucket", Some(q), Some(b)) => Counter::Bucket(q.parse().ok()?, b.parse().ok()?),
        _ => return None,
    };
    parts.next().is_none().then_some(counter)
}

/// The tally from stored counter rows; unknown names are ignored.
fn tally_from_rows(survey: &Survey, rows: impl IntoIterator<Item = (String, i64)>) -> SurveyTally {
    let mut tally = SurveyTally::empty(survey);
    let delta = Delta(
        rows.into_iter()
            .filter_map(|(name, count)| Some((parse_counter(&name)?, count.max(0))))
            .collect(),
    );
    tally.apply(&delta);
    tally
}

/// Checks that the survey takes responses now.
fn open_now(survey: &Survey, now: i64) -> Result<(), RespondError> {
    if survey.not_yet_open_at(now) {
        Err(RespondError::NotOpenYet)
    } else if !survey.is_open_at(now) {
        Err(RespondError::Closed)
    } else {
        Ok(())
    }
}

/// A response the survey takes now, checked with the widget's own rules.
fn checked(survey: &Survey, request: &ResponseRequest, now: i64) -> Result<Response, RespondError> {
    open_now(survey, now)?;
    survey
        .response(&request.answers)
        .map_err(RespondError::Invalid)
}

/// What counting a response changes, given the reader's current stored
/// response (its answers line), if any: the delta, and whether the new
/// response replaces that one. Asked only once the key is known to be new:
/// a replay was answered before.
fn counting(
    survey: &Survey,
    previous: Option<String>,
    response: &Response,
) -> Result<(Delta, bool), RespondError> {
    let previous = previous.and_then(|line| answers::decode(survey, &line).ok());
    let known = Known {
        key_seen: false,
        previous: previous.as_ref(),
    };
    match decide(survey, known, response) {
        Decision::Count { delta, replaces } => Ok((delta, replaces)),
        Decision::Replay | Decision::AlreadyResponded => Err(RespondError::AlreadyResponded),
    }
}

/// The counters as the protocol sends them: per question, by option, point
/// or row and column id; text questions only say how many were written.
pub fn results_json(survey: &Survey, tally: &SurveyTally) -> Value {
    let questions: Vec<Value> = survey
        .questions
        .iter()
        .zip(&tally.questions)
        .map(|(q, t)| {
            let mut out = Map::new();
            out.insert("id".into(), q.id.clone().into());
            out.insert("answered".into(), t.answered.into());
            let count = |b: usize| Value::from(t.buckets.get(b).copied().unwrap_or(0));
            match &q.kind {
                Kind::Choice(c) => {
                    let counts: Map<String, Value> = c
                        .options
                        .iter()
                        .enumerate()
                        .map(|(i, o)| (o.id.clone(), count(i)))
                        .collect();
                    out.insert("counts".into(), counts.into());
                    if c.other.is_some() {
                        out.insert("other".into(), count(c.options.len()));
                    }
                }
                Kind::Scale(s) => {
                    let counts: Map<String, Value> = (s.min..=s.max)
                        .enumerate()
                        .map(|(i, p)| (p.to_string(), count(i)))
                        .collect();
                    out.insert("counts".into(), counts.into());
                }
                Kind::Nps => {
                    let counts: Map<String, Value> =
                        (0..11).map(|p| (p.to_string(), count(p))).collect();
                    out.insert("counts".into(), counts.into());
                }
                Kind::Likert(l) => {
                    let width = l.columns.len();
                    let rows: Map<String, Value> = l
                        .rows
                        .iter()
                        .enumerate()
                        .map(|(r, row)| {
                            let cells: Map<String, Value> = l
                                .columns
                                .iter()
                                .enumerate()
                                .map(|(c, column)| (column.id.clone(), count(r * width + c)))
                                .collect();
                            (row.id.clone(), cells.into())
                        })
                        .collect();
                    out.insert("counts".into(), rows.into());
                }
                Kind::Text(_) => {
                    out.insert("written".into(), t.answered.into());
                }
            }
            Value::Object(out)
        })
        .collect();
    json!({"respondents": tally.respondents, "questions": questions})
}

/// Adds a poll or a survey, whichever the definition is: the one way the
/// command line and the admin API add both.
pub async fn add_definition(
    store: &Store,
    surveys: &Surveys,
    text: &str,
) -> Result<String, AddError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| AddError::Invalid(ConfigError::from_decoder(e.to_string())))?;
    if is_survey(&value) {
        let (survey, _) = parse_survey(text).map_err(AddError::InvalidSurvey)?;
        surveys.add(&survey, text).await?;
        return Ok(survey.id);
    }
    if let Some(id) = value.get("id").and_then(Value::as_str) {
        if matches!(surveys.get(id).await, Ok(Some(_))) {
            return Err(AddError::Exists(id.to_owned()));
        }
    }
    Ok(store.add_poll(text).await?.id.clone())
}

/// Adds the seed file's surveys (the demo's) that the store does not have
/// yet, so a database made before a survey joined the seed gets it too.
pub async fn seed(surveys: &Surveys, seed: &str) -> Result<(), String> {
    let all: Vec<Value> = serde_json::from_str(seed).map_err(|e| e.to_string())?;
    for definition in all.iter().filter(|d| is_survey(d)) {
        let text = definition.to_string();
        let (survey, _) = parse_survey(&text).map_err(|e| e.to_string())?;
        if surveys.get(&survey.id).await?.is_none() {
            surveys
                .add(&survey, &text)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

/// The survey store: the same database as the polls. Ids found to name no
/// survey are remembered as the poll store remembers its misses, so a flood
/// of unknown ids (which reach here after the poll store) costs no query.
#[derive(Clone)]
pub struct Surveys {
    engine: Engine,
    misses: Misses,
    /// The live streams' reads, one per survey a tick.
    feeds: feed::Feeds<SurveyState>,
}

#[derive(Clone)]
enum Engine {
    Sqlite(SqliteSurveys),
    Postgres(PgSurveys),
}

impl Surveys {
    /// The survey store in the poll store's database.
    pub async fn open(store: &crate::store::Store) -> Result<Surveys, String> {
        let engine = match store.engine() {
            crate::store::EngineRef::Sqlite(s) => Engine::Sqlite(SqliteSurveys::open(s.path())?),
            crate::store::EngineRef::Postgres(s) => {
                Engine::Postgres(PgSurveys::open(s.pool().clone()).await?)
            }
        };
        Ok(Surveys {
            engine,
            misses: Misses::default(),
            feeds: feed::Feeds::new(crate::live::INTERVAL),
        })
    }

    /// Survey `id` as its live streams see it, read once a tick for all of
    /// them.
    pub fn watch(&self, id: &str) -> feed::Feed<SurveyState> {
        let (surveys, owned) = (self.clone(), id.to_owned());
        self.feeds.subscribe(id, move || {
            let (surveys, id) = (surveys.clone(), owned.clone());
            async move { surveys.get(&id).await.ok().flatten() }
        })
    }

    /// Whether `voter` has a counted response to survey `id`.
    pub async fn has_responded(&self, id: &str, voter: &str) -> Result<bool, String> {
        match &self.engine {
            Engine::Sqlite(s) => s.has_responded(id, voter).await,
            Engine::Postgres(s) => s.has_responded(id, voter).await,
        }
    }

    pub async fn get(&self, id: &str) -> Result<Option<SurveyState>, String> {
        if !readerpoll::core::poll::valid_id(id) || self.misses.known(id) {
            return Ok(None);
        }
        let found = match &self.engine {
            Engine::Sqlite(s) => s.get(id).await,
            Engine::Postgres(s) => s.get(id).await,
        };
        if let Ok(None) = found {
            self.misses.remember(id);
        }
        found
    }

    /// Adds a validated survey; its id may be no poll's or survey's yet.
    pub async fn add(&self, survey: &Survey, text: &str) -> Result<(), AddError> {
        let added = match &self.engine {
            Engine::Sqlite(s) => s.add(survey, text).await,
            Engine::Postgres(s) => s.add(survey, text).await,
        };
        if added.is_ok() {
            self.misses.forget(&survey.id);
        }
        added
    }

    /// Checks, decides and counts one response in one transaction.
    pub async fn respond(&self, request: ResponseRequest) -> Result<ResponseOk, RespondError> {
        if !readerpoll::core::poll::valid_id(&request.survey) {
            return Err(RespondError::UnknownSurvey);
        }
        match &self.engine {
            Engine::Sqlite(s) => s.respond(request).await,
            Engine::Postgres(s) => s.respond(request).await,
        }
    }

    pub async fn close(&self, id: &str) -> Result<bool, String> {
        match &self.engine {
            Engine::Sqlite(s) => s.close(id).await,
            Engine::Postgres(s) => s.close(id).await,
        }
    }

    /// Every survey, oldest first.
    pub async fn list(&self) -> Result<Vec<SurveyState>, String> {
        match &self.engine {
            Engine::Sqlite(s) => s.list().await,
            Engine::Postgres(s) => s.list().await,
        }
    }

    /// The survey's current (not replaced) responses, oldest first.
    pub async fn responses(&self, id: &str) -> Result<Vec<StoredResponse>, String> {
        match &self.engine {
            Engine::Sqlite(s) => s.responses(id).await,
            Engine::Postgres(s) => s.responses(id).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_names_round_trip() {
        for c in [
            Counter::Respondents,
            Counter::Answered(3),
            Counter::Bucket(2, 10),
        ] {
            assert_eq!(parse_counter(&counter_name(c)), Some(c));
        }
        for bad in [
            "",
            "answered",
            "bucket.1",
            "bucket.1.2.3",
            "answered.x",
            "voters",
        ] {
            assert_eq!(parse_counter(bad), None, "{bad}");
        }
    }
}
