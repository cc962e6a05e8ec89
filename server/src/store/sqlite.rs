//! The SQLite backend: one process, one file, WAL mode.
//!
//! All vote writes go through one writer thread that commits in groups: it
//! takes every vote waiting, applies them in one transaction and answers
//! them only after the commit (synchronous=FULL), so each acknowledged vote
//! is durable while the fsync is shared by the batch. Reads come from an
//! in-memory snapshot the writer refreshes after each commit, and that is
//! read again from the file when it is older than `SNAPSHOT_TTL` (the
//! `poll` command changes the file from another process), by one reader at
//! a time, never replacing what a later read put there.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use readerpoll::core::poll::Poll;
use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::oneshot;

use super::{
    check_ballot, closed_if, counting, now_seconds, parse_definition, parse_stored,
    seed_definitions, AddError, Counters, PollState, VoteError, VoteOk, VoteRequest, SNAPSHOT_TTL,
};

/// Most votes committed in one transaction.
const MAX_BATCH: usize = 512;
/// Idle connections kept for reads the snapshot cannot answer (a poll it
/// does not know, a voter's vote) and for the `poll` commands' changes.
const MAX_IDLE_READERS: usize = 4;

type Reply = oneshot::Sender<Result<VoteOk, VoteError>>;

/// Polls as last read from the database.
///
/// Each entry carries when the read that made it started (its stamp): a
/// read sees every commit made before its stamp, so an entry is replaced
/// only by a read stamped no earlier. A reader that read before a batch
/// was committed cannot then put back counts without that batch after the
/// writer has put them with it.
#[derive(Clone, Default)]
struct Snapshot(Arc<RwLock<HashMap<String, Entry>>>);

struct Entry {
    state: PollState,
    /// When the read that gave `state` started.
    read_at: Instant,
    /// When a reader took on reading it again, if one has: until it is
    /// done (or `SNAPSHOT_TTL` has passed), others serve `state` as it is.
    refreshing: Option<Instant>,
}

/// What `Snapshot::lookup` tells a reader to do.
enum Lookup {
    /// Serve this: it is fresh, or another reader is refreshing it.
    Serve(PollState),
    /// Read the poll from the database, stamped with this, and `put` it.
    Read(Instant),
}

impl Snapshot {
    /// The poll if it is fresh or another reader is refreshing it; else
    /// the stamp for reading it, taken now, before the read. A stale entry
    /// is then marked as being refreshed, so of the readers that find it
    /// stale only one reads the database.
    fn lookup(&self, id: &str) -> Lookup {
        let stamp = Instant::now();
        let Ok(mut snap) = self.0.write() else {
            return Lookup::Read(stamp);
        };
        let Some(entry) = snap.get_mut(id) else {
            return Lookup::Read(stamp);
        };
        let busy = entry
            .refreshing
            .is_some_and(|since| since.elapsed() < SNAPSHOT_TTL);
        if entry.read_at.elapsed() < SNAPSHOT_TTL || busy {
            return Lookup::Serve(entry.state.clone());
        }
        entry.refreshing = Some(stamp);
        Lookup::Read(stamp)
    }

    /// Keeps polls read by a read that started at `stamp`, each unless
    /// what is kept came from a later read.
    fn put(&self, stamp: Instant, read: impl IntoIterator<Item = (String, PollState)>) {
        let Ok(mut snap) = self.0.write() else {
            return;
        };
        for (id, state) in read {
            if snap.get(&id).is_some_and(|kept| kept.read_at > stamp) {
                continue;
            }
            let entry = Entry {
                state,
                read_at: stamp,
                refreshing: None,
            };
            snap.insert(id, entry);
        }
    }

    /// Lets another reader refresh poll `id` (this one's read is over,
    /// whether it put anything or not).
    fn release(&self, id: &str) {
        if let Ok(mut snap) = self.0.write() {
            if let Some(entry) = snap.get_mut(id) {
                entry.refreshing = None;
            }
        }
    }
}

/// A reader's hold on refreshing one poll, given up when dropped (also
/// when the request is cancelled mid-read).
struct Refreshing<'a> {
    snapshot: &'a Snapshot,
    id: &'a str,
}

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        self.snapshot.release(self.id);
    }
}

#[derive(Clone)]
pub struct SqliteStore {
    path: PathBuf,
    jobs: Sender<(VoteRequest, Reply)>,
    snapshot: Snapshot,
    /// Open connections ready for reuse: a flood of reads of unknown polls
    /// costs a query each, not a file open and a schema read each.
    readers: Arc<Mutex<Vec<Connection>>>,
}

/// Opens the database with the settings every connection must have.
fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Creates the database and its schema if needed: once, when the store
/// opens, not on every connection.
fn create(path: &Path) -> rusqlite::Result<Connection> {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let conn = connect(path)?;
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
             replaced INTEGER NOT NULL DEFAULT 0,
             PRIMARY KEY (poll, key)
         );
         CREATE INDEX IF NOT EXISTS votes_by_voter ON votes (poll, voter);",
    )?;
    // Databases made before votes could be replaced get the column.
    let has_replaced: bool = conn
        .prepare("SELECT 1 FROM pragma_table_info('votes') WHERE name = 'replaced'")?
        .exists([])?;
    if !has_replaced {
        conn.execute_batch("ALTER TABLE votes ADD COLUMN replaced INTEGER NOT NULL DEFAULT 0")?;
    }
    Ok(conn)
}

fn insert_poll(conn: &mut Connection, poll: &Poll, text: &str) -> Result<(), AddError> {
    let storage = |e: rusqlite::Error| AddError::Storage(e.to_string());
    let tx = conn.transaction().map_err(storage)?;
    let exists = tx
        .query_row("SELECT 1 FROM polls WHERE id = ?1", [&poll.id], |_| Ok(()))
        .optional()
        .map_err(storage)?
        .is_some();
    if exists {
        return Err(AddError::Exists(poll.id.clone()));
    }
    tx.execute(
        "INSERT INTO polls (id, definition, closed, voters, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![poll.id, text, poll.closed, poll.tally.voters as i64, now_seconds()],
    )
    .map_err(storage)?;
    for (i, (option, count)) in poll.options.iter().zip(&poll.tally.counts).enumerate() {
        tx.execute(
            "INSERT INTO option_counts (poll, position, option_id, count) VALUES (?1, ?2, ?3, ?4)",
            params![poll.id, i as i64, option.id, *count as i64],
        )
        .map_err(storage)?;
    }
    tx.commit().map_err(storage)
}

/// Parsed definitions by poll id, with the text each was parsed from. A
/// stored definition does not change, so the writer parses it once rather
/// than on every vote.
#[derive(Default)]
struct Definitions(HashMap<String, (String, Arc<Poll>, Arc<serde_json::Value>)>);

/// A poll's row and counters as stored.
struct Stored {
    poll: Arc<Poll>,
    definition: Arc<serde_json::Value>,
    counters: Counters,
}

impl Stored {
    fn state(&self) -> PollState {
        PollState {
            tally: self.counters.tally(),
            poll: self.poll.clone(),
            definition: self.definition.clone(),
        }
    }
}

/// Reads one poll with its counters, parsing its definition unless
/// `definitions` has it already.
fn read_poll(
    conn: &Connection,
    id: &str,
    definitions: &mut Definitions,
) -> rusqlite::Result<Option<Stored>> {
    let row: Option<(String, bool, i64)> = conn
        .prepare_cached("SELECT definition, closed, voters FROM polls WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((text, closed, voters)) = row else {
        return Ok(None);
    };
    let (poll, definition) = match definitions.0.get(id) {
        Some((known, poll, definition)) if *known == text => (poll.clone(), definition.clone()),
        _ => {
            let Some(parsed) = parse_stored(id, &text) else {
                return Ok(None);
            };
            definitions
                .0
                .insert(id.to_owned(), (text, parsed.0.clone(), parsed.1.clone()));
            parsed
        }
    };
    let poll = closed_if(poll, closed);
    let mut stmt =
        conn.prepare_cached("SELECT position, count FROM option_counts WHERE poll = ?1")?;
    let mut counts = vec![0; poll.options.len()];
    for row in stmt.query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (position, count) = row?;
        if let Some(c) = usize::try_from(position)
            .ok()
            .and_then(|p| counts.get_mut(p))
        {
            *c = count;
        }
    }
    Ok(Some(Stored {
        poll,
        definition,
        counters: Counters { voters, counts },
    }))
}

/// Reads one poll with its tally.
fn load_poll(conn: &Connection, id: &str) -> rusqlite::Result<Option<PollState>> {
    Ok(read_poll(conn, id, &mut Definitions::default())?.map(|s| s.state()))
}

fn poll_ids(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM polls ORDER BY created_at, id")?;
    let ids = stmt.query_map([], |r| r.get(0))?.collect();
    ids
}

impl SqliteStore {
    /// Opens the database, seeds it if empty, loads every poll and starts
    /// the writer thread.
    pub fn open(path: &Path, seed: &str) -> Result<SqliteStore, String> {
        let mut conn = create(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if poll_ids(&conn).map_err(|e| e.to_string())?.is_empty() {
            for text in seed_definitions(seed)? {
                let (poll, _) = parse_definition(&text).map_err(|e| e.to_string())?;
                insert_poll(&mut conn, &poll, &text).map_err(|e| e.to_string())?;
            }
        }
        let snapshot = Snapshot::default();
        for id in poll_ids(&conn).map_err(|e| e.to_string())? {
            let stamp = Instant::now();
            if let Some(state) = load_poll(&conn, &id).map_err(|e| e.to_string())? {
                snapshot.put(stamp, [(id, state)]);
            }
        }
        // One reader opened now, with a read done, so it holds the
        // database and its journal open from the start.
        let reader = connect(path).map_err(|e| format!("{}: {e}", path.display()))?;
        poll_ids(&reader).map_err(|e| e.to_string())?;
        let (jobs, rx) = mpsc::channel();
        let shared = snapshot.clone();
        std::thread::Builder::new()
            .name("vote-writer".into())
            .spawn(move || writer(conn, rx, shared))
            .map_err(|e| e.to_string())?;
        Ok(SqliteStore {
            path: path.to_owned(),
            jobs,
            snapshot,
            readers: Arc::new(Mutex::new(vec![reader])),
        })
    }

    /// The database file, which the survey store opens too.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// From the snapshot; a poll it does not know yet (added by the `poll`
    /// command while the server runs), or read too long ago (perhaps
    /// closed by it), is looked up in the database.
    pub async fn get(&self, id: &str) -> Result<Option<PollState>, String> {
        let stamp = match self.snapshot.lookup(id) {
            Lookup::Serve(state) => return Ok(Some(state)),
            Lookup::Read(stamp) => stamp,
        };
        let _refreshing = Refreshing {
            snapshot: &self.snapshot,
            id,
        };
        let owned = id.to_owned();
        let found = self
            .admin(None, move |conn| {
                load_poll(conn, &owned).map_err(|e| e.to_string())
            })
            .await?;
        if let Some(state) = &found {
            self.snapshot.put(stamp, [(id.to_owned(), state.clone())]);
        }
        Ok(found)
    }

    pub async fn vote(&self, request: VoteRequest) -> Result<VoteOk, VoteError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send((request, tx))
            .map_err(|_| VoteError::Storage("the writer has stopped".into()))?;
        rx.await
            .unwrap_or_else(|_| Err(VoteError::Storage("the writer has stopped".into())))
    }

    /// Whether `voter` has a vote (not since replaced) in poll `id`.
    pub async fn has_voted(&self, id: &str, voter: &str) -> Result<bool, String> {
        let (id, voter) = (id.to_owned(), voter.to_owned());
        self.admin(None, move |conn| {
            conn.prepare_cached(
                "SELECT 1 FROM votes WHERE poll = ?1 AND voter = ?2 AND replaced = 0 LIMIT 1",
            )
            .and_then(|mut stmt| stmt.exists(params![id, voter]))
            .map_err(|e| e.to_string())
        })
        .await
    }

    /// Runs `f` on a pooled connection (the writer's is its own), off the
    /// async threads, then refreshes the snapshot of `refresh` (a poll id)
    /// from the database.
    async fn admin<T: Send + 'static>(
        &self,
        refresh: Option<String>,
        f: impl FnOnce(&mut Connection) -> Result<T, String> + Send + 'static,
    ) -> Result<T, String> {
        let path = self.path.clone();
        let snapshot = self.snapshot.clone();
        let readers = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = readers.lock().ok().and_then(|mut idle| idle.pop());
            let mut conn = match pooled {
                Some(conn) => conn,
                None => connect(&path).map_err(|e| e.to_string())?,
            };
            let out = f(&mut conn);
            if let (Ok(_), Some(id)) = (&out, refresh) {
                let stamp = Instant::now();
                if let Ok(Some(state)) = load_poll(&conn, &id) {
                    snapshot.put(stamp, [(id, state)]);
                }
            }
            if let Ok(mut idle) = readers.lock() {
                if idle.len() < MAX_IDLE_READERS {
                    idle.push(conn);
                }
            }
            out
        })
        .await
        .map_err(|e| e.to_string())?
    }

    pub async fn add_poll(&self, poll: Poll, text: &str) -> Result<Arc<Poll>, AddError> {
        let text = text.to_owned();
        let poll = Arc::new(poll);
        let p = poll.clone();
        self.admin(Some(poll.id.clone()), move |conn| {
            Ok(insert_poll(conn, &p, &text))
        })
        .await
        .map_err(AddError::Storage)??;
        Ok(poll)
    }

    pub async fn list(&self) -> Result<Vec<PollState>, String> {
        self.admin(None, |conn| {
            let mut all = Vec::new();
            for id in poll_ids(conn).map_err(|e| e.to_string())? {
                if let Some(p) = load_poll(conn, &id).map_err(|e| e.to_string())? {
                    all.push(p);
                }
            }
            Ok(all)
        })
        .await
    }

    pub async fn close(&self, id: &str) -> Result<bool, String> {
        let owned = id.to_owned();
        self.admin(Some(id.to_owned()), move |conn| {
            conn.execute("UPDATE polls SET closed = 1 WHERE id = ?1", [&owned])
                .map(|n| n == 1)
                .map_err(|e| e.to_string())
        })
        .await
    }
}

/// A poll as a batch's transaction changes it: its counters as read at the
/// poll's first vote in the batch, then as changed by the batch so far.
/// Written back once, before the commit.
struct Pending {
    stored: Stored,
    read: Counters,
}

impl Pending {
    fn new(stored: Stored) -> Pending {
        Pending {
            read: stored.counters.clone(),
            stored,
        }
    }

    /// Writes the counters that changed (a poll with no counter row for an
    /// option has none written).
    fn write(&self, tx: &rusqlite::Transaction, id: &str) -> rusqlite::Result<()> {
        let (now, read) = (&self.stored.counters, &self.read);
        for (position, (count, before)) in now.counts.iter().zip(&read.counts).enumerate() {
            if count != before {
                tx.prepare_cached(
                    "UPDATE option_counts SET count = ?3 WHERE poll = ?1 AND position = ?2",
                )?
                .execute(params![id, position as i64, count])?;
            }
        }
        if now.voters != read.voters {
            tx.prepare_cached("UPDATE polls SET voters = ?2 WHERE id = ?1")?
                .execute(params![id, now.voters])?;
        }
        Ok(())
    }
}

/// The polls one batch has touched, by id; `None` for an unknown poll.
type Batch = HashMap<String, Option<Pending>>;

fn writer(mut conn: Connection, rx: Receiver<(VoteRequest, Reply)>, snapshot: Snapshot) {
    let mut definitions = Definitions::default();
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut answers: Vec<(Reply, Result<VoteOk, VoteError>)> = Vec::with_capacity(batch.len());
        let mut polls = Batch::new();
        let result = (|| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for (request, reply) in batch.drain(..) {
                let outcome = apply_vote(&tx, &request, &mut polls, &mut definitions)?;
                answers.push((reply, outcome));
            }
            for (id, pending) in &polls {
                if let Some(pending) = pending {
                    pending.write(&tx, id)?;
                }
            }
            tx.commit()
        })();
        match result {
            Ok(()) => {
                // Refresh the read snapshot, then answer: a client that
                // reads right after its vote sees it. Every poll the batch
                // touched is re-read, counted or not: one closed by the
                // `poll` command shows as closed from its first refused vote.
                let stamp = Instant::now();
                let mut fresh = Vec::new();
                for id in polls.into_keys() {
                    if let Ok(Some(stored)) = read_poll(&conn, &id, &mut definitions) {
                        fresh.push((id, stored.state()));
                    }
                }
                snapshot.put(stamp, fresh);
                for (reply, outcome) in answers {
                    let _ = reply.send(outcome);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "vote batch failed; nothing in it was counted");
                let failed = || Err(VoteError::Storage(e.to_string()));
                for (reply, _) in answers {
                    let _ = reply.send(failed());
                }
                for (_, reply) in batch {
                    let _ = reply.send(failed());
                }
            }
        }
    }
}

/// One vote inside the batch's transaction. Votes and keys are written as
/// they come; the counters change in `polls` and are written by the caller.
fn apply_vote(
    tx: &rusqlite::Transaction,
    request: &VoteRequest,
    polls: &mut Batch,
    definitions: &mut Definitions,
) -> rusqlite::Result<Result<VoteOk, VoteError>> {
    if !polls.contains_key(&request.poll) {
        let read = read_poll(tx, &request.poll, definitions)?.map(Pending::new);
        polls.insert(request.poll.clone(), read);
    }
    let Some(Some(state)) = polls.get_mut(&request.poll) else {
        return Ok(Err(VoteError::UnknownPoll));
    };
    let poll = state.stored.poll.clone();
    // A replayed key gets the first answer again, counted once.
    let seen = tx
        .prepare_cached("SELECT 1 FROM votes WHERE poll = ?1 AND key = ?2")?
        .query_row(params![request.poll, request.key], |_| Ok(()))
        .optional()?;
    if seen.is_some() {
        return Ok(Ok(VoteOk {
            poll,
            tally: state.stored.state().tally,
            counted: false,
        }));
    }
    let now = now_seconds();
    let indices = match check_ballot(&poll, now, &request.choices) {
        Ok(i) => i,
        Err(e) => return Ok(Err(e)),
    };
    let previous: Option<(String, String)> = if request.voter.is_empty() {
        None
    } else {
        tx.prepare_cached(
            "SELECT key, choices FROM votes WHERE poll = ?1 AND voter = ?2 AND replaced = 0",
        )?
        .query_row(params![request.poll, request.voter], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
    };
    let (old_key, old_choices) = previous.unzip();
    let (delta, replaces) = match counting(&poll, old_choices.as_deref(), indices) {
        Ok(counting) => counting,
        Err(e) => return Ok(Err(e)),
    };
    if let (true, Some(old_key)) = (replaces, old_key) {
        // The old vote's row stays, marked replaced, so its key is still
        // known: a late retry of it is a replay, not a vote.
        tx.prepare_cached("UPDATE votes SET replaced = 1 WHERE poll = ?1 AND key = ?2")?
            .execute(params![request.poll, old_key])?;
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
    state.stored.counters.apply(&delta);
    Ok(Ok(VoteOk {
        poll,
        tally: state.stored.state().tally,
        counted: true,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str =
        r#"[{"id":"p","question":"Q?","options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}]"#;

    /// A store in a fresh file of its own.
    fn store(name: &str) -> SqliteStore {
        let dir =
            std::env::temp_dir().join(format!("readerpoll-snapshot-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        SqliteStore::open(&dir.join("polls.db"), SEED).unwrap()
    }

    fn vote(key: &str) -> VoteRequest {
        VoteRequest {
            poll: "p".into(),
            key: key.into(),
            voter: String::new(),
            choices: vec!["a".into()],
        }
    }

    /// A read stamped before a batch's commit, put after the writer has
    /// put the batch, must not take the batch's votes away again.
    #[tokio::test]
    async fn a_read_from_before_a_commit_does_not_replace_it() {
        let store = store("order");
        // Stamped as `get` stamps a read: before it starts.
        let stamp = Instant::now();
        let conn = connect(&store.path).unwrap();
        let before = load_poll(&conn, "p").unwrap().unwrap();
        assert_eq!(before.tally.voters, 0);
        assert!(store.vote(vote("k1")).await.unwrap().counted);
        store.snapshot.put(stamp, [("p".to_owned(), before)]);
        assert_eq!(store.get("p").await.unwrap().unwrap().tally.voters, 1);
    }

    /// Of the readers that find a poll stale, one reads it again; the
    /// others serve what is kept until it is back.
    #[test]
    fn one_reader_at_a_time_refreshes_a_stale_poll() {
        let snapshot = Snapshot::default();
        let store = store("single");
        let state = load_poll(&connect(&store.path).unwrap(), "p")
            .unwrap()
            .unwrap();
        let long_ago = Instant::now()
            .checked_sub(SNAPSHOT_TTL * 2)
            .expect("a monotonic clock this far along");
        snapshot.put(long_ago, [("p".to_owned(), state.clone())]);
        let Lookup::Read(stamp) = snapshot.lookup("p") else {
            panic!("a stale poll is read again");
        };
        assert!(matches!(snapshot.lookup("p"), Lookup::Serve(_)));
        assert!(matches!(snapshot.lookup("p"), Lookup::Serve(_)));
        // A refresh that ends without putting anything (a failed read)
        // lets the next reader try.
        snapshot.release("p");
        let Lookup::Read(_) = snapshot.lookup("p") else {
            panic!("released: read again");
        };
        snapshot.put(stamp, [("p".to_owned(), state)]);
        assert!(matches!(snapshot.lookup("p"), Lookup::Serve(_)));
    }
}
