//! Polls and votes in SQLite.
//!
//! All writes go through one writer thread that commits votes in groups:
//! it takes every vote waiting, applies them in one transaction and answers
//! them only after the commit (synchronous=FULL in WAL mode), so each
//! acknowledged vote is durable while the fsync cost is shared by the batch.
//! Each vote is a row with a unique (poll, key), so a retried request is
//! recognised and counted once; the counters change in the same transaction.
//! Reads are served from an in-memory snapshot the writer refreshes after
//! each commit.

use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use readerpoll::core::ballot::valid_ballot;
use readerpoll::core::poll::{Poll, RawPoll};
use readerpoll::core::tally::Tally;
use readerpoll::core::ConfigError;
use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::oneshot;

/// Most votes committed in one transaction.
const MAX_BATCH: usize = 512;

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

type Reply = oneshot::Sender<Result<VoteOk, VoteError>>;

enum Job {
    Vote(VoteRequest, Reply),
}

/// The store's handle: cheap to clone, shared by all request handlers.
#[derive(Clone)]
pub struct Store {
    jobs: Sender<Job>,
    snapshot: Arc<RwLock<HashMap<String, PollState>>>,
}

pub fn now_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Opens (creating if needed) the database with the settings every
/// connection must have.
pub fn connect(path: &Path) -> rusqlite::Result<Connection> {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS polls (
             id TEXT PRIMARY KEY,
             definition TEXT NOT NULL,
             closed INTEGER NOT NULL DEFAULT 0,
             voters INTEGER NOT NULL DEFAULT 0,
             created_at INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS option_counts (
             poll TEXT NOT NULL REFERENCES polls(id),
             position INTEGER NOT NULL,
             option_id TEXT NOT NULL,
             count INTEGER NOT NULL,
             PRIMARY KEY (poll, position)
         );
         CREATE TABLE IF NOT EXISTS votes (
             poll TEXT NOT NULL REFERENCES polls(id),
             key TEXT NOT NULL,
             voter TEXT NOT NULL,
             choices TEXT NOT NULL,
             at INTEGER NOT NULL,
             PRIMARY KEY (poll, key)
         );
         CREATE INDEX IF NOT EXISTS votes_by_voter ON votes (poll, voter);",
    )?;
    Ok(conn)
}

/// Validates a definition with the widget's own rules.
pub fn parse_definition(text: &str) -> Result<(Poll, serde_json::Value), ConfigError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| ConfigError::from_decoder(e.to_string()))?;
    let raw: RawPoll = serde_json::from_value(value.clone())
        .map_err(|e| ConfigError::from_decoder(e.to_string()))?;
    Ok((Poll::from_raw(raw)?, value))
}

/// Adds a poll with its starting tally (the definition's `counts`).
pub fn add_poll(conn: &mut Connection, text: &str) -> Result<Poll, String> {
    let (poll, _) = parse_definition(text).map_err(|e| e.to_string())?;
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    let exists: bool = tx
        .query_row("SELECT 1 FROM polls WHERE id = ?1", [&poll.id], |_| {
            Ok(true)
        })
        .optional()
        .map_err(|e| e.to_string())?
        .unwrap_or(false);
    if exists {
        return Err(format!("a poll with id {} already exists", poll.id));
    }
    tx.execute(
        "INSERT INTO polls (id, definition, closed, voters, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![poll.id, text, poll.closed, poll.tally.voters as i64, now_seconds()],
    )
    .map_err(|e| e.to_string())?;
    for (i, (option, count)) in poll.options.iter().zip(&poll.tally.counts).enumerate() {
        tx.execute(
            "INSERT INTO option_counts (poll, position, option_id, count) VALUES (?1, ?2, ?3, ?4)",
            params![poll.id, i as i64, option.id, *count as i64],
        )
        .map_err(|e| e.to_string())?;
    }
    tx.commit().map_err(|e| e.to_string())?;
    Ok(poll)
}

/// Reads one poll with its tally.
pub fn load_poll(conn: &Connection, id: &str) -> rusqlite::Result<Option<PollState>> {
    let row: Option<(String, bool, i64)> = conn
        .query_row(
            "SELECT definition, closed, voters FROM polls WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((text, closed, voters)) = row else {
        return Ok(None);
    };
    let Ok((mut poll, definition)) = parse_definition(&text) else {
        return Ok(None);
    };
    poll.closed = poll.closed || closed;
    let mut stmt =
        conn.prepare_cached("SELECT position, count FROM option_counts WHERE poll = ?1")?;
    let mut counts = vec![0u64; poll.options.len()];
    for row in stmt.query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (position, count) = row?;
        if let Some(c) = counts.get_mut(position as usize) {
            *c = count.max(0) as u64;
        }
    }
    Ok(Some(PollState {
        tally: Tally::new(counts, voters.max(0) as u64),
        poll: Arc::new(poll),
        definition: Arc::new(definition),
    }))
}

pub fn poll_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM polls ORDER BY created_at, id")?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect();
    ids
}

pub fn close_poll(conn: &Connection, id: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute("UPDATE polls SET closed = 1 WHERE id = ?1", [id])? == 1)
}

impl Store {
    /// Opens the database, seeds it if empty, loads every poll and starts
    /// the writer thread.
    pub fn open(path: &Path, seed: &str) -> Result<Store, String> {
        let mut conn = connect(path).map_err(|e| e.to_string())?;
        if poll_ids(&conn).map_err(|e| e.to_string())?.is_empty() {
            let polls: Vec<serde_json::Value> =
                serde_json::from_str(seed).map_err(|e| e.to_string())?;
            for p in polls {
                add_poll(&mut conn, &p.to_string())?;
            }
        }
        let mut snapshot = HashMap::new();
        for id in poll_ids(&conn).map_err(|e| e.to_string())? {
            if let Some(state) = load_poll(&conn, &id).map_err(|e| e.to_string())? {
                snapshot.insert(id, state);
            }
        }
        let snapshot = Arc::new(RwLock::new(snapshot));
        let (jobs, rx) = mpsc::channel();
        let shared = snapshot.clone();
        std::thread::Builder::new()
            .name("vote-writer".into())
            .spawn(move || writer(conn, rx, shared))
            .map_err(|e| e.to_string())?;
        Ok(Store { jobs, snapshot })
    }

    pub fn get(&self, id: &str) -> Option<PollState> {
        self.snapshot.read().ok()?.get(id).cloned()
    }

    /// Counts a vote; answers after it is durable.
    pub async fn vote(&self, request: VoteRequest) -> Result<VoteOk, VoteError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Job::Vote(request, tx))
            .map_err(|_| VoteError::Storage("the writer has stopped".into()))?;
        rx.await
            .unwrap_or_else(|_| Err(VoteError::Storage("the writer has stopped".into())))
    }
}

fn writer(
    mut conn: Connection,
    rx: Receiver<Job>,
    snapshot: Arc<RwLock<HashMap<String, PollState>>>,
) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut answers: Vec<(Reply, Result<VoteOk, VoteError>)> = Vec::with_capacity(batch.len());
        let mut touched: Vec<String> = Vec::new();
        let result = (|| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for Job::Vote(request, reply) in batch.drain(..) {
                let outcome = apply_vote(&tx, &request)?;
                if outcome.as_ref().is_ok_and(|o| o.counted) && !touched.contains(&request.poll) {
                    touched.push(request.poll.clone());
                }
                answers.push((reply, outcome));
            }
            tx.commit()
        })();
        match result {
            Ok(()) => {
                // Refresh the read snapshot, then answer: a client that
                // reads right after its vote sees it.
                if let Ok(mut snap) = snapshot.write() {
                    for id in &touched {
                        if let Ok(Some(state)) = load_poll(&conn, id) {
                            snap.insert(id.clone(), state);
                        }
                    }
                }
                for (reply, outcome) in answers {
                    let _ = reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "vote batch failed; nothing in it was counted");
                for (reply, _) in answers {
                    let _ = reply.send(Err(VoteError::Storage(e.to_string())));
                }
                for Job::Vote(_, reply) in batch {
                    let _ = reply.send(Err(VoteError::Storage(e.to_string())));
                }
            }
        }
    }
}

/// One vote inside the batch's transaction. Validation reads the poll in
/// the same transaction, so a poll closed a moment ago refuses the vote.
fn apply_vote(
    tx: &rusqlite::Transaction,
    request: &VoteRequest,
) -> rusqlite::Result<Result<VoteOk, VoteError>> {
    let Some(state) = load_poll(tx, &request.poll)? else {
        return Ok(Err(VoteError::UnknownPoll));
    };
    let poll = state.poll.clone();
    // A replayed key gets the first answer again, counted once.
    let seen: Option<String> = tx
        .prepare_cached("SELECT choices FROM votes WHERE poll = ?1 AND key = ?2")?
        .query_row(params![request.poll, request.key], |r| r.get(0))
        .optional()?;
    if seen.is_some() {
        return Ok(Ok(VoteOk {
            poll,
            tally: state.tally,
            counted: false,
        }));
    }
    let now = now_seconds();
    if poll.not_yet_open_at(now) {
        return Ok(Err(VoteError::NotOpenYet));
    }
    if !poll.is_open_at(now) {
        return Ok(Err(VoteError::Closed));
    }
    if request.choices.is_empty() {
        return Ok(Err(VoteError::NoChoice));
    }
    if request.choices.len() > poll.max_choices {
        return Ok(Err(VoteError::TooManyChoices));
    }
    let mut indices = Vec::with_capacity(request.choices.len());
    for choice in &request.choices {
        match poll.option_index(choice) {
            Some(i) => indices.push(i),
            None => return Ok(Err(VoteError::InvalidChoice(choice.clone()))),
        }
    }
    indices.sort_unstable();
    if !valid_ballot(&poll, &indices) {
        return Ok(Err(VoteError::InvalidChoice(String::from(
            "a choice appears twice",
        ))));
    }
    let previous: Option<(String, String)> = if request.voter.is_empty() {
        None
    } else {
        tx.prepare_cached("SELECT key, choices FROM votes WHERE poll = ?1 AND voter = ?2")?
            .query_row(params![request.poll, request.voter], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
    };
    let mut voters_delta = 1i64;
    if let Some((old_key, old_choices)) = previous {
        if !poll.allow_change {
            return Ok(Err(VoteError::AlreadyVoted));
        }
        // A changed vote: the old ballot leaves the counts.
        for id in old_choices.split(',') {
            if let Some(i) = poll.option_index(id) {
                tx.prepare_cached(
                    "UPDATE option_counts SET count = count - 1 WHERE poll = ?1 AND position = ?2 AND count > 0",
                )?
                .execute(params![request.poll, i as i64])?;
            }
        }
        tx.prepare_cached("DELETE FROM votes WHERE poll = ?1 AND key = ?2")?
            .execute(params![request.poll, old_key])?;
        voters_delta = 0;
    }
    tx.prepare_cached(
        "INSERT INTO votes (poll, key, voter, choices, at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        request.poll,
        request.key,
        request.voter,
        request.choices.join(","),
        now
    ])?;
    for &i in &indices {
        tx.prepare_cached(
            "UPDATE option_counts SET count = count + 1 WHERE poll = ?1 AND position = ?2",
        )?
        .execute(params![request.poll, i as i64])?;
    }
    tx.prepare_cached("UPDATE polls SET voters = voters + ?2 WHERE id = ?1")?
        .execute(params![request.poll, voters_delta])?;
    let tally = match load_poll(tx, &request.poll)? {
        Some(now) => now.tally,
        None => state.tally,
    };
    Ok(Ok(VoteOk {
        poll,
        tally,
        counted: true,
    }))
}
