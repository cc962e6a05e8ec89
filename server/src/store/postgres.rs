//! The PostgreSQL backend: any number of server processes on one database.
//!
//! Each process counts votes in batches: one writer task takes every vote
//! waiting and counts them in one transaction that first locks the polls'
//! rows. Across processes that lock orders the batches, so the replay check,
//! the one-vote-per-voter check, the vote rows and the counters all see each
//! other and the totals stay exact; within a batch one commit (and one WAL
//! flush, with PostgreSQL's default `synchronous_commit = on`) serves every
//! vote in it, and votes are answered only after it. Reads go to the
//! database (another process may have counted since); only parsed
//! definitions are cached.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::sync::{Arc, RwLock};

use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use readerpoll::core::poll::Poll;
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::NoTls;

use super::{
    check_ballot, closed_if, counting, now_seconds, parse_definition, parse_stored,
    seed_definitions, AddError, Counters, PollState, VoteError, VoteOk, VoteRequest,
};

/// Connections per process; votes on one poll serialise on its row anyway.
const POOL_SIZE: usize = 16;
/// Serialises schema creation and seeding between processes starting at once.
pub const MIGRATION_LOCK: i64 = 0x7265_6164_6572;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS polls (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    closed BOOLEAN NOT NULL DEFAULT FALSE,
    voters BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS option_counts (
    poll TEXT NOT NULL REFERENCES polls(id),
    position INT NOT NULL,
    option_id TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (poll, position)
);
CREATE TABLE IF NOT EXISTS votes (
    poll TEXT NOT NULL REFERENCES polls(id),
    key TEXT NOT NULL,
    voter TEXT NOT NULL,
    choices TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (poll, key)
);
ALTER TABLE votes ADD COLUMN IF NOT EXISTS replaced BOOLEAN NOT NULL DEFAULT FALSE;
DROP INDEX IF EXISTS votes_one_per_voter;
CREATE UNIQUE INDEX IF NOT EXISTS votes_one_current_per_voter ON votes (poll, voter)
    WHERE voter <> '' AND NOT replaced;
";

type Definitions = Arc<RwLock<HashMap<String, (Arc<Poll>, Arc<serde_json::Value>)>>>;

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    definitions: Definitions,
    jobs: mpsc::UnboundedSender<(VoteRequest, Reply)>,
}

type Reply = oneshot::Sender<Result<VoteOk, VoteError>>;

/// Most votes one transaction carries.
const MAX_BATCH: usize = 256;

/// A poll inside a batch: its counters as read under the row lock, then as
/// the batch changes them; `counted` when a vote in the batch changed them.
struct BatchPoll {
    poll: Arc<Poll>,
    counters: Counters,
    counted: bool,
}

impl BatchPoll {
    /// The answer to a vote, with the tally as it stands after it.
    fn answer(&self, counted: bool) -> VoteOk {
        VoteOk {
            poll: self.poll.clone(),
            tally: self.counters.tally(),
            counted,
        }
    }
}

struct NewVote {
    poll: String,
    key: String,
    voter: String,
    choices: String,
    /// Changed again later in the same batch: stored, as a key already
    /// used, but not counted.
    replaced: bool,
}

/// Takes every vote waiting (up to `MAX_BATCH`) and counts them in one
/// transaction: one commit, one flush, for the lot.
async fn writer(store: PgStore, mut jobs: mpsc::UnboundedReceiver<(VoteRequest, Reply)>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let (requests, replies): (Vec<VoteRequest>, Vec<Reply>) = batch.into_iter().unzip();
        match store.count_batch(&requests).await {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(outcome);
                }
            }
            Err(e) if requests.len() == 1 => {
                tracing::error!(error = %e, "vote failed; it was not counted");
                for reply in replies {
                    let _ = reply.send(Err(VoteError::Storage(e.clone())));
                }
            }
            Err(e) => {
                // Nothing was committed. Whatever failed, it must not take
                // the other votes down with it: count them one by one.
                tracing::warn!(error = %e, votes = requests.len(), "vote batch failed; counting its votes one by one");
                for (request, reply) in requests.into_iter().zip(replies) {
                    let outcome = match store.count_batch(std::slice::from_ref(&request)).await {
                        Ok(mut one) => one.pop().unwrap_or(Err(VoteError::UnknownPoll)),
                        Err(e) => {
                            tracing::error!(error = %e, poll = %request.poll, "vote failed; it was not counted");
                            Err(VoteError::Storage(e))
                        }
                    };
                    let _ = reply.send(outcome);
                }
            }
        }
    }
}

/// The error with its causes: tokio-postgres' own message for a server
/// error is just "db error", the reason is in its source.
fn db(e: impl std::error::Error) -> String {
    let mut message = format!("PostgreSQL: {e}");
    let mut cause = e.source();
    while let Some(c) = cause {
        message.push_str(": ");
        message.push_str(&c.to_string());
        cause = c.source();
    }
    message
}

/// A double-quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl PgStore {
    pub async fn open(url: &str, seed: &str) -> Result<PgStore, String> {
        let config = tokio_postgres::Config::from_str(url).map_err(db)?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .build()
            .map_err(db)?;
        let (jobs, queue) = mpsc::unbounded_channel();
        let store = PgStore {
            pool,
            definitions: Arc::default(),
            jobs,
        };
        store.migrate(seed).await?;
        tokio::spawn(writer(store.clone(), queue));
        Ok(store)
    }

    /// Creates the schema (and the search_path's first schema, if missing)
    /// and seeds an empty database, once, whichever process gets there first.
    async fn migrate(&self, seed: &str) -> Result<(), String> {
        let mut client = self.pool.get().await.map_err(db)?;
        let tx = client.transaction().await.map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(db)?;
        let current: Option<String> = tx
            .query_one("SELECT current_schema()", &[])
            .await
            .map_err(db)?
            .get(0);
        if current.is_none() {
            let path: String = tx
                .query_one("SHOW search_path", &[])
                .await
                .map_err(db)?
                .get(0);
            let first = path
                .split(',')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches('"');
            if !first.is_empty() && first != "$user" {
                tx.batch_execute(&format!(
                    "CREATE SCHEMA IF NOT EXISTS {}",
                    quote_ident(first)
                ))
                .await
                .map_err(db)?;
            }
        }
        tx.batch_execute(SCHEMA).await.map_err(db)?;
        let empty = tx
            .query_opt("SELECT 1 FROM polls LIMIT 1", &[])
            .await
            .map_err(db)?
            .is_none();
        if empty {
            for text in seed_definitions(seed)? {
                let (poll, _) = parse_definition(&text).map_err(|e| e.to_string())?;
                insert_poll(&tx, &poll, &text)
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
        tx.commit().await.map_err(db)
    }

    /// The connection pool, which the survey store shares.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The definition alone: from the cache, with a connection only on a miss.
    pub async fn cached_definition(
        &self,
        id: &str,
    ) -> Result<Option<Arc<serde_json::Value>>, String> {
        if let Some((_, hit)) = self
            .definitions
            .read()
            .ok()
            .and_then(|d| d.get(id).cloned())
        {
            return Ok(Some(hit));
        }
        let client = self.pool.get().await.map_err(db)?;
        Ok(self.definition(&client, id).await?.map(|(_, d)| d))
    }

    /// The parsed definition of a poll, cached: definitions never change.
    async fn definition(
        &self,
        client: &impl GenericClient,
        id: &str,
    ) -> Result<Option<(Arc<Poll>, Arc<serde_json::Value>)>, String> {
        if let Some(hit) = self
            .definitions
            .read()
            .ok()
            .and_then(|d| d.get(id).cloned())
        {
            return Ok(Some(hit));
        }
        let Some(row) = client
            .query_opt("SELECT definition FROM polls WHERE id = $1", &[&id])
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        let text: String = row.get(0);
        let Some(entry) = parse_stored(id, &text) else {
            return Ok(None);
        };
        if let Ok(mut d) = self.definitions.write() {
            d.insert(id.to_owned(), entry.clone());
        }
        Ok(Some(entry))
    }

    /// The poll with its live tally and closed flag, in one query.
    async fn load(
        &self,
        client: &impl GenericClient,
        id: &str,
    ) -> Result<Option<PollState>, String> {
        let Some((poll, definition)) = self.definition(client, id).await? else {
            return Ok(None);
        };
        let Some(row) = client
            .query_opt(
                "SELECT p.closed, p.voters, array_agg(c.count ORDER BY c.position)
                   FROM polls p JOIN option_counts c ON c.poll = p.id
                  WHERE p.id = $1 GROUP BY p.id",
                &[&id],
            )
            .await
            .map_err(db)?
        else {
            return Ok(None);
        };
        let closed: bool = row.get(0);
        let voters: i64 = row.get(1);
        let counts: Vec<i64> = row.get(2);
        let poll = closed_if(poll, closed);
        Ok(Some(PollState {
            poll,
            definition,
            tally: Counters { voters, counts }.tally(),
        }))
    }

    pub async fn get(&self, id: &str) -> Result<Option<PollState>, String> {
        let client = self.pool.get().await.map_err(db)?;
        self.load(&client, id).await
    }

    /// Counts a vote; answers after its batch's commit.
    pub async fn vote(&self, request: VoteRequest) -> Result<VoteOk, VoteError> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send((request, reply))
            .map_err(|_| VoteError::Storage("the vote writer has stopped".into()))?;
        answer
            .await
            .unwrap_or_else(|_| Err(VoteError::Storage("the vote writer has stopped".into())))
    }

    /// Counts a batch of votes in one transaction. The polls' rows are
    /// locked first, in id order (every process locks in the same order, so
    /// none deadlocks): while they are held no other process counts on
    /// these polls, and everything read here stays true until the commit.
    /// Each vote is then decided in memory, in arrival order, and the batch
    /// is written with a constant number of statements whatever its size.
    async fn count_batch(
        &self,
        requests: &[VoteRequest],
    ) -> Result<Vec<Result<VoteOk, VoteError>>, String> {
        let mut client = self.pool.get().await.map_err(db)?;
        let tx = client.transaction().await.map_err(db)?;
        let mut ids: Vec<&str> = requests.iter().map(|r| r.poll.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let locked = tx
            .query(
                "SELECT id, closed, voters FROM polls WHERE id = ANY($1) ORDER BY id FOR UPDATE",
                &[&ids],
            )
            .await
            .map_err(db)?;
        let mut polls: HashMap<String, BatchPoll> = HashMap::new();
        for row in locked {
            let id: String = row.get(0);
            let Some((poll, _)) = self.definition(&tx, &id).await? else {
                continue;
            };
            let closed: bool = row.get(1);
            let poll = closed_if(poll, closed);
            let counts = vec![0; poll.options.len()];
            let voters: i64 = row.get(2);
            polls.insert(
                id,
                BatchPoll {
                    poll,
                    counters: Counters { voters, counts },
                    counted: false,
                },
            );
        }
        for row in tx
            .query(
                "SELECT poll, position, count FROM option_counts WHERE poll = ANY($1)",
                &[&ids],
            )
            .await
            .map_err(db)?
        {
            let id: String = row.get(0);
            let position: i32 = row.get(1);
            if let Some(c) = polls
                .get_mut(&id)
                .and_then(|p| p.counters.counts.get_mut(usize::try_from(position).ok()?))
            {
                *c = row.get(2);
            }
        }
        let (key_polls, keys): (Vec<&str>, Vec<&str>) = requests
            .iter()
            .map(|r| (r.poll.as_str(), r.key.as_str()))
            .unzip();
        let mut seen: HashSet<(String, String)> = tx
            .query(
                "SELECT v.poll, v.key FROM votes v
                   JOIN unnest($1::text[], $2::text[]) AS k(poll, key)
                     ON v.poll = k.poll AND v.key = k.key",
                &[&key_polls, &keys],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|row| (row.get(0), row.get(1)))
            .collect();
        let (voter_polls, voters): (Vec<&str>, Vec<&str>) = requests
            .iter()
            .filter(|r| !r.voter.is_empty())
            .map(|r| (r.poll.as_str(), r.voter.as_str()))
            .unzip();
        let mut earlier: HashMap<(String, String), (String, String)> = tx
            .query(
                "SELECT v.poll, v.voter, v.key, v.choices FROM votes v
                   JOIN unnest($1::text[], $2::text[]) AS k(poll, voter)
                     ON v.poll = k.poll AND v.voter = k.voter
                  WHERE v.voter <> '' AND NOT v.replaced",
                &[&voter_polls, &voters],
            )
            .await
            .map_err(db)?
            .iter()
            .map(|row| ((row.get(0), row.get(1)), (row.get(2), row.get(3))))
            .collect();

        let now = now_seconds();
        let mut inserts: Vec<NewVote> = Vec::new();
        let mut replaced: Vec<(String, String)> = Vec::new();
        let mut outcomes = Vec::with_capacity(requests.len());
        for r in requests {
            let Some(p) = polls.get_mut(&r.poll) else {
                outcomes.push(Err(VoteError::UnknownPoll));
                continue;
            };
            // A replayed key gets the first answer again, counted once.
            if seen.contains(&(r.poll.clone(), r.key.clone())) {
                outcomes.push(Ok(p.answer(false)));
                continue;
            }
            let indices = match check_ballot(&p.poll, now, &r.choices) {
                Ok(i) => i,
                Err(e) => {
                    outcomes.push(Err(e));
                    continue;
                }
            };
            let choices = r.choices.join(",");
            let voter = (!r.voter.is_empty()).then(|| (r.poll.clone(), r.voter.clone()));
            let previous = voter.as_ref().and_then(|v| earlier.get(v));
            let (delta, replaces) =
                match counting(&p.poll, previous.map(|(_, c)| c.as_str()), indices) {
                    Ok(counting) => counting,
                    Err(e) => {
                        outcomes.push(Err(e));
                        continue;
                    }
                };
            if let (true, Some((old_key, _))) = (replaces, previous) {
                // The old vote's row stays, marked replaced, so its key is
                // still known: a late retry of it is a replay.
                match inserts
                    .iter_mut()
                    .find(|v| v.poll == r.poll && v.key == *old_key)
                {
                    Some(same_batch) => same_batch.replaced = true,
                    None => replaced.push((r.poll.clone(), old_key.clone())),
                }
            }
            if let Some(voter) = voter {
                earlier.insert(voter, (r.key.clone(), choices.clone()));
            }
            p.counters.apply(&delta);
            seen.insert((r.poll.clone(), r.key.clone()));
            inserts.push(NewVote {
                poll: r.poll.clone(),
                key: r.key.clone(),
                voter: r.voter.clone(),
                choices,
                replaced: false,
            });
            p.counted = true;
            outcomes.push(Ok(p.answer(true)));
        }

        if !replaced.is_empty() {
            let (polls_, keys_): (Vec<&str>, Vec<&str>) = replaced
                .iter()
                .map(|(p, k)| (p.as_str(), k.as_str()))
                .unzip();
            tx.execute(
                "UPDATE votes v SET replaced = TRUE
                   FROM unnest($1::text[], $2::text[]) AS d(poll, key)
                  WHERE v.poll = d.poll AND v.key = d.key",
                &[&polls_, &keys_],
            )
            .await
            .map_err(db)?;
        }
        if !inserts.is_empty() {
            let column = |f: fn(&NewVote) -> &str| inserts.iter().map(f).collect::<Vec<&str>>();
            let replaced: Vec<bool> = inserts.iter().map(|v| v.replaced).collect();
            tx.execute(
                "INSERT INTO votes (poll, key, voter, choices, at, replaced)
                 SELECT poll, key, voter, choices, $5, replaced
                   FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::bool[])
                     AS i(poll, key, voter, choices, replaced)",
                &[
                    &column(|v| &v.poll),
                    &column(|v| &v.key),
                    &column(|v| &v.voter),
                    &column(|v| &v.choices),
                    &now,
                    &replaced,
                ],
            )
            .await
            .map_err(db)?;
        }
        for (id, p) in polls.iter().filter(|(_, p)| p.counted) {
            let positions: Vec<i32> = (0..p.counters.counts.len() as i32).collect();
            tx.execute(
                "UPDATE option_counts c SET count = u.count
                   FROM unnest($2::int4[], $3::int8[]) AS u(position, count)
                  WHERE c.poll = $1 AND c.position = u.position",
                &[id, &positions, &p.counters.counts],
            )
            .await
            .map_err(db)?;
            tx.execute(
                "UPDATE polls SET voters = $2 WHERE id = $1",
                &[id, &p.counters.voters],
            )
            .await
            .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(outcomes)
    }

    pub async fn add_poll(&self, poll: Poll, text: &str) -> Result<Arc<Poll>, AddError> {
        let mut client = self
            .pool
            .get()
            .await
            .map_err(db)
            .map_err(AddError::Storage)?;
        let tx = client
            .transaction()
            .await
            .map_err(db)
            .map_err(AddError::Storage)?;
        insert_poll(&tx, &poll, text).await?;
        tx.commit().await.map_err(db).map_err(AddError::Storage)?;
        Ok(Arc::new(poll))
    }

    pub async fn list(&self) -> Result<Vec<PollState>, String> {
        let client = self.pool.get().await.map_err(db)?;
        let ids = client
            .query("SELECT id FROM polls ORDER BY created_at, id", &[])
            .await
            .map_err(db)?;
        let mut all = Vec::with_capacity(ids.len());
        for row in ids {
            let id: String = row.get(0);
            if let Some(p) = self.load(&client, &id).await? {
                all.push(p);
            }
        }
        Ok(all)
    }

    /// Whether `voter` has a vote (not since replaced) in poll `id`.
    pub async fn has_voted(&self, id: &str, voter: &str) -> Result<bool, String> {
        let client = self.pool.get().await.map_err(db)?;
        let row = client
            .query_opt(
                "SELECT 1 FROM votes WHERE poll = $1 AND voter = $2 AND NOT replaced LIMIT 1",
                &[&id, &voter],
            )
            .await
            .map_err(db)?;
        Ok(row.is_some())
    }

    pub async fn close(&self, id: &str) -> Result<bool, String> {
        let client = self.pool.get().await.map_err(db)?;
        let n = client
            .execute("UPDATE polls SET closed = TRUE WHERE id = $1", &[&id])
            .await
            .map_err(db)?;
        Ok(n == 1)
    }
}

async fn insert_poll(
    tx: &deadpool_postgres::Transaction<'_>,
    poll: &Poll,
    text: &str,
) -> Result<(), AddError> {
    let storage = |e: tokio_postgres::Error| AddError::Storage(db(e));
    let voters = poll.tally.voters as i64;
    let inserted = tx
        .execute(
            "INSERT INTO polls (id, definition, closed, voters, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
            &[&poll.id, &text, &poll.closed, &voters, &now_seconds()],
        )
        .await
        .map_err(storage)?;
    if inserted == 0 {
        return Err(AddError::Exists(poll.id.clone()));
    }
    for (i, (option, count)) in poll.options.iter().zip(&poll.tally.counts).enumerate() {
        tx.execute(
            "INSERT INTO option_counts (poll, position, option_id, count) VALUES ($1, $2, $3, $4)",
            &[&poll.id, &(i as i32), &option.id, &(*count as i64)],
        )
        .await
        .map_err(storage)?;
    }
    Ok(())
}
