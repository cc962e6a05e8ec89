//! Polls and votes, stored durably in SQLite (one process) or PostgreSQL
//! (any number of processes on one database). Both backends share the rules
//! here, so a vote means the same thing whichever one counts it.

mod postgres;
mod sqlite;

pub use postgres::MIGRATION_LOCK;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use readerpoll::core::ballot::valid_ballot;
use readerpoll::core::count::{decide, Counter, Decision, Delta, Known};
use readerpoll::core::poll::{valid_id, Poll, RawPoll};
use readerpoll::core::question::Answer;
use readerpoll::core::survey::{Response, Survey};
use readerpoll::core::tally::Tally;
use readerpoll::core::ConfigError;

/// A poll as served: its definition (validated), the JSON it was written
/// as, and its current tally.
#[derive(Clone, Debug)]
pub struct PollState {
    pub poll: Arc<Poll>,
    pub definition: Arc<serde_json::Value>,
    pub tally: Tally,
}

impl PollState {
    pub fn open_at(&self, now: i64) -> bool {
        self.poll.is_open_at(now)
    }
}

/// Why a vote was not counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VoteError {
    UnknownPoll,
    Closed,
    NotOpenYet,
    NoChoice,
    TooManyChoices,
    InvalidChoice(String),
    AlreadyVoted,
    Storage(String),
}

/// Why a poll was not added.
#[derive(Debug)]
pub enum AddError {
    /// The definition breaks the widget's rules.
    Invalid(ConfigError),
    /// The survey definition breaks the widget's rules.
    InvalidSurvey(readerpoll::core::survey::SurveyError),
    /// A poll with this id exists.
    Exists(String),
    Storage(String),
}

impl std::fmt::Display for AddError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AddError::Invalid(e) => write!(f, "{e}"),
            AddError::InvalidSurvey(e) => write!(f, "{e}"),
            AddError::Exists(id) => write!(f, "a poll or survey with id {id} already exists"),
            AddError::Storage(e) => f.write_str(e),
        }
    }
}

/// A counted (or replayed) vote.
#[derive(Clone, Debug)]
pub struct VoteOk {
    pub poll: Arc<Poll>,
    pub tally: Tally,
    /// False when the key had been counted before.
    pub counted: bool,
}

pub struct VoteRequest {
    pub poll: String,
    pub key: String,
    pub voter: String,
    pub choices: Vec<String>,
}

pub fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The one field a stored definition has that the widget does not: the
/// sites allowed to post votes to this poll (empty or absent: the server's
/// own list applies).
pub const ALLOWED_ORIGINS: &str = "allowed_origins";

/// Validates a definition with the widget's own rules, and the server's
/// `allowed_origins` (a list of `scheme://host[:port]`).
pub fn parse_definition(text: &str) -> Result<(Poll, serde_json::Value), ConfigError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ConfigError::from_decoder(e.to_string()))?;
    let mut widget_part = value.clone();
    if let Some(origins) = widget_part
        .as_object_mut()
        .and_then(|o| o.remove(ALLOWED_ORIGINS))
    {
        let valid = origins.as_array().is_some_and(|list| {
            list.iter()
                .all(|o| o.as_str().and_then(normal_origin).is_some())
        });
        if !valid {
            return Err(ConfigError::new(
                readerpoll::core::ErrorCode::WrongType,
                "allowed_origins: expected a list of origins like \"https://news.example\"",
            ));
        }
    }
    let raw: RawPoll = serde_json::from_value(widget_part)
        .map_err(|e| ConfigError::from_decoder(e.to_string()))?;
    Ok((Poll::from_raw(raw)?, value))
}

/// A definition as stored, parsed. One that no longer validates (written
/// by an older version, say) hides its poll, logged, rather than failing
/// every request that touches it.
pub fn parse_stored(id: &str, text: &str) -> Option<(Arc<Poll>, Arc<serde_json::Value>)> {
    match parse_definition(text) {
        Ok((poll, value)) => Some((Arc::new(poll), Arc::new(value))),
        Err(e) => {
            tracing::error!(poll = id, error = %e, "stored definition no longer validates; poll hidden");
            None
        }
    }
}

/// The poll, closed if the database says so (`poll close`, the admin API).
pub fn closed_if(poll: Arc<Poll>, closed: bool) -> Arc<Poll> {
    if closed && !poll.closed {
        let mut p = (*poll).clone();
        p.closed = true;
        Arc::new(p)
    } else {
        poll
    }
}

/// An origin as browsers send it: lower case, no default port, no
/// trailing slash; `None` when it is not an http(s) origin. The one rule
/// for `--allow-origin`, a definition's `allowed_origins` and `Origin`.
pub fn normal_origin(origin: &str) -> Option<String> {
    let lower = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, host) = lower.split_once("://")?;
    let default_port = match scheme {
        "https" => ":443",
        "http" => ":80",
        _ => return None,
    };
    if host.is_empty() || host.contains(['/', '?', '#', ' ', '@']) {
        return None;
    }
    let host = host.strip_suffix(default_port).unwrap_or(host);
    Some(format!("{scheme}://{host}"))
}

/// The origins this poll accepts votes from, normalised (empty: no list of
/// its own).
pub fn allowed_origins(definition: &serde_json::Value) -> Vec<String> {
    definition
        .get(ALLOWED_ORIGINS)
        .and_then(|o| o.as_array())
        .map(|list| {
            list.iter()
                .filter_map(|o| normal_origin(o.as_str()?))
                .collect()
        })
        .unwrap_or_default()
}

/// The options a ballot picks, in option order, if the poll takes it now.
/// Checked inside the vote's transaction, so a poll closed a moment ago
/// refuses the vote (no cron lag).
pub fn check_ballot(poll: &Poll, now: i64, choices: &[String]) -> Result<Vec<usize>, VoteError> {
    if poll.not_yet_open_at(now) {
        return Err(VoteError::NotOpenYet);
    }
    if !poll.is_open_at(now) {
        return Err(VoteError::Closed);
    }
    if choices.is_empty() {
        return Err(VoteError::NoChoice);
    }
    if choices.len() > poll.max_choices {
        return Err(VoteError::TooManyChoices);
    }
    let mut indices = Vec::with_capacity(choices.len());
    for choice in choices {
        match poll.option_index(choice) {
            Some(i) => indices.push(i),
            None => return Err(VoteError::InvalidChoice(choice.clone())),
        }
    }
    indices.sort_unstable();
    if !valid_ballot(poll, &indices) {
        return Err(VoteError::InvalidChoice("a choice appears twice".into()));
    }
    Ok(indices)
}

/// A poll's counters as both stores keep them: its voters, and a count per
/// option position (0 where a poll has no counter row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Counters {
    pub voters: i64,
    pub counts: Vec<i64>,
}

impl Counters {
    /// Applies a delta of `core::count` to a poll: its respondents are the
    /// voters, its question's buckets the options (a poll stores no
    /// "answered" counter: every voter answers its one question). No
    /// counter goes below zero.
    pub fn apply(&mut self, delta: &Delta) {
        fn bump(value: &mut i64, by: i64) {
            *value = value.saturating_add(by);
            if by < 0 {
                *value = (*value).max(0);
            }
        }
        for &(counter, by) in &delta.0 {
            match counter {
                Counter::Respondents => bump(&mut self.voters, by),
                Counter::Bucket(0, option) => {
                    if let Some(count) = self.counts.get_mut(option) {
                        bump(count, by);
                    }
                }
                Counter::Answered(_) | Counter::Bucket(..) => {}
            }
        }
    }

    pub fn tally(&self) -> Tally {
        Tally::new(
            self.counts.iter().map(|c| (*c).max(0) as u64).collect(),
            self.voters.max(0) as u64,
        )
    }
}

/// A ballot (option positions) as a response to the poll's one question.
fn ballot_response(picked: Vec<usize>) -> Response {
    vec![Some(Answer::Choice {
        picked,
        other: None,
    })]
}

/// A stored ballot (`choices`: option ids joined by commas) as a response;
/// ids the poll no longer has are left out.
fn stored_response(poll: &Poll, choices: &str) -> Response {
    ballot_response(
        choices
            .split(',')
            .filter_map(|id| poll.option_index(id))
            .collect(),
    )
}

/// What counting a ballot changes, by the one counting rule
/// (`core::count::decide`, the survey stores' too), given the reader's
/// current stored ballot, if any: the delta, and whether the new ballot
/// replaces that one. Asked only once the key is known to be new: a replay
/// was answered before, as the first answer again.
pub(crate) fn counting(
    poll: &Poll,
    previous: Option<&str>,
    ballot: Vec<usize>,
) -> Result<(Delta, bool), VoteError> {
    let survey = Survey::from_poll(poll);
    let previous = previous.map(|choices| stored_response(poll, choices));
    let known = Known {
        key_seen: false,
        previous: previous.as_ref(),
    };
    match decide(&survey, known, &ballot_response(ballot)) {
        Decision::Count { delta, replaces } => Ok((delta, replaces)),
        Decision::Replay | Decision::AlreadyResponded => Err(VoteError::AlreadyVoted),
    }
}

/// The seed polls a new database starts with; the seed's surveys go to
/// the survey store (`survey::seed`).
fn seed_definitions(seed: &str) -> Result<Vec<String>, String> {
    let polls: Vec<serde_json::Value> = serde_json::from_str(seed).map_err(|e| e.to_string())?;
    Ok(polls
        .iter()
        .filter(|p| !crate::survey::is_survey(p))
        .map(|p| p.to_string())
        .collect())
}

/// How long "no such poll" is remembered: long enough that a flood of
/// reads of unknown ids costs no more than reads of a known poll, short
/// enough that a poll added by the `poll` command while the server runs
/// shows up at once for any practical purpose.
const MISS_TTL: Duration = Duration::from_secs(2);
/// How long the SQLite server serves a poll from memory before reading it
/// again: the `poll` command (another process) may have closed it, and a
/// closed poll should read as closed as soon as an added one shows up.
pub(crate) const SNAPSHOT_TTL: Duration = MISS_TTL;
/// Most unknown ids remembered; past it the list starts afresh.
const MAX_MISSES: usize = 10_000;

/// Recently looked-up ids that named no poll (or, in the survey store, no
/// survey).
#[derive(Clone, Default)]
pub(crate) struct Misses(Arc<Mutex<HashMap<String, Instant>>>);

impl Misses {
    pub(crate) fn known(&self, id: &str) -> bool {
        let Ok(mut misses) = self.0.lock() else {
            return false;
        };
        match misses.get(id) {
            Some(at) if at.elapsed() < MISS_TTL => true,
            Some(_) => {
                misses.remove(id);
                false
            }
            None => false,
        }
    }

    pub(crate) fn remember(&self, id: &str) {
        if let Ok(mut misses) = self.0.lock() {
            if misses.len() >= MAX_MISSES {
                misses.clear();
            }
            misses.insert(id.to_owned(), Instant::now());
        }
    }

    pub(crate) fn forget(&self, id: &str) {
        if let Ok(mut misses) = self.0.lock() {
            misses.remove(id);
        }
    }
}

#[derive(Clone)]
enum Engine {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

/// A borrowed view of the store's engine (see `Store::engine`).
pub enum EngineRef<'a> {
    Sqlite(&'a sqlite::SqliteStore),
    Postgres(&'a postgres::PgStore),
}

/// The store's handle: cheap to clone, shared by all request handlers.
#[derive(Clone)]
pub struct Store {
    engine: Engine,
    misses: Misses,
}

impl Store {
    /// Opens the database named by `DATABASE_URL` when it is a PostgreSQL
    /// URL, else the SQLite file at `path`; creates the schema and loads the
    /// seed polls if the database has none.
    pub async fn open(
        database_url: Option<&str>,
        path: &std::path::Path,
        seed: &str,
    ) -> Result<Store, String> {
        let engine = match database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Engine::Postgres(postgres::PgStore::open(url, seed).await?)
            }
            Some(other) if !other.is_empty() => {
                return Err(format!(
                    "DATABASE_URL must be a postgres:// URL (got {other:?}); unset it to use SQLite"
                ))
            }
            _ => Engine::Sqlite(sqlite::SqliteStore::open(path, seed)?),
        };
        Ok(Store {
            engine,
            misses: Misses::default(),
        })
    }

    /// The engine itself, for the survey store that shares its database.
    pub fn engine(&self) -> EngineRef<'_> {
        match &self.engine {
            Engine::Sqlite(s) => EngineRef::Sqlite(s),
            Engine::Postgres(s) => EngineRef::Postgres(s),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite(_) => "sqlite",
            Engine::Postgres(_) => "postgres",
        }
    }

    /// Whether an id names no poll, as far as can be said without the
    /// database: ids no poll can have, and ids found missing a moment ago.
    fn surely_missing(&self, id: &str) -> bool {
        !valid_id(id) || self.misses.known(id)
    }

    fn note<T>(&self, id: &str, found: &Result<Option<T>, String>) {
        if let Ok(None) = found {
            self.misses.remember(id);
        }
    }

    pub async fn get(&self, id: &str) -> Result<Option<PollState>, String> {
        // An id no poll can have (say, from a hand-made URL) never reaches
        // the database.
        if self.surely_missing(id) {
            return Ok(None);
        }
        let found = match &self.engine {
            Engine::Sqlite(s) => s.get(id).await,
            Engine::Postgres(s) => s.get(id).await,
        };
        self.note(id, &found);
        found
    }

    /// A poll's definition, from the store's caches where it can be: the
    /// vote path needs it (for the poll's origins) before the vote is
    /// counted, without reading the tally.
    pub async fn definition(&self, id: &str) -> Result<Option<Arc<serde_json::Value>>, String> {
        if self.surely_missing(id) {
            return Ok(None);
        }
        let found = match &self.engine {
            Engine::Sqlite(s) => s.get(id).await.map(|p| p.map(|p| p.definition)),
            Engine::Postgres(s) => s.cached_definition(id).await,
        };
        self.note(id, &found);
        found
    }

    /// Whether `voter` (a voter token) has a vote in poll `id`; an empty
    /// token never has.
    pub async fn has_voted(&self, id: &str, voter: &str) -> Result<bool, String> {
        if voter.is_empty() || !valid_id(id) {
            return Ok(false);
        }
        match &self.engine {
            Engine::Sqlite(s) => s.has_voted(id, voter).await,
            Engine::Postgres(s) => s.has_voted(id, voter).await,
        }
    }

    /// Counts a vote; answers after it is durable.
    pub async fn vote(&self, request: VoteRequest) -> Result<VoteOk, VoteError> {
        if !valid_id(&request.poll) {
            return Err(VoteError::UnknownPoll);
        }
        match &self.engine {
            Engine::Sqlite(s) => s.vote(request).await,
            Engine::Postgres(s) => s.vote(request).await,
        }
    }

    /// Adds a poll (validated with the widget's rules) with its starting
    /// tally, the definition's `counts`.
    pub async fn add_poll(&self, text: &str) -> Result<Arc<Poll>, AddError> {
        let (poll, _) = parse_definition(text).map_err(AddError::Invalid)?;
        let added = match &self.engine {
            Engine::Sqlite(s) => s.add_poll(poll, text).await,
            Engine::Postgres(s) => s.add_poll(poll, text).await,
        };
        if let Ok(poll) = &added {
            self.misses.forget(&poll.id);
        }
        added
    }

    /// Every poll, oldest first.
    pub async fn list(&self) -> Result<Vec<PollState>, String> {
        match &self.engine {
            Engine::Sqlite(s) => s.list().await,
            Engine::Postgres(s) => s.list().await,
        }
    }

    /// Closes a poll now; false when there is no such poll.
    pub async fn close(&self, id: &str) -> Result<bool, String> {
        if !valid_id(id) {
            return Ok(false);
        }
        match &self.engine {
            Engine::Sqlite(s) => s.close(id).await,
            Engine::Postgres(s) => s.close(id).await,
        }
    }
}
