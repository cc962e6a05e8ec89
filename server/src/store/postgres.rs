//! The PostgreSQL backend: any number of server processes on one database.
//!
//! Each vote is one transaction that first locks its poll's row, so votes
//! on one poll are serialised across processes: the replay check, the
//! one-vote-per-voter check, the vote row and the counters all see each
//! other, and the totals stay exact. The answer is sent after COMMIT returns,
//! which with PostgreSQL's default `synchronous_commit = on` is after the
//! commit record is flushed. Reads go to the database (another process may
//! have counted since); only parsed definitions are cached.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, RwLock};

use deadpool_postgres::{GenericClient, Manager, ManagerConfig, Pool, RecyclingMethod};
use readerpoll::core::poll::Poll;
use readerpoll::core::tally::Tally;
use tokio_postgres::error::SqlState;
use tokio_postgres::NoTls;

use super::{
    check_ballot, now_seconds, parse_definition, seed_definitions, PollState, VoteError, VoteOk,
    VoteRequest,
};

/// Connections per process; votes on one poll serialise on its row anyway.
const POOL_SIZE: usize = 16;
/// Serialises schema creation and seeding between processes starting at once.
const MIGRATION_LOCK: i64 = 0x7265_6164_6572;

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
CREATE UNIQUE INDEX IF NOT EXISTS votes_one_per_voter ON votes (poll, voter) WHERE voter <> '';
";

type Definitions = Arc<RwLock<HashMap<String, (Arc<Poll>, Arc<serde_json::Value>)>>>;

#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    definitions: Definitions,
}

fn db(e: impl std::fmt::Display) -> String {
    format!("PostgreSQL: {e}")
}

fn storage(e: tokio_postgres::Error) -> VoteError {
    VoteError::Storage(db(e))
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
        let store = PgStore {
            pool,
            definitions: Arc::default(),
        };
        store.migrate(seed).await?;
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
                insert_poll(&tx, &poll, &text).await?;
            }
        }
        tx.commit().await.map_err(db)
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
        let Ok((poll, value)) = parse_definition(&text) else {
            tracing::error!(
                poll = id,
                "stored definition no longer validates; poll hidden"
            );
            return Ok(None);
        };
        let entry = (Arc::new(poll), Arc::new(value));
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
        let poll = if closed && !poll.closed {
            let mut p = (*poll).clone();
            p.closed = true;
            Arc::new(p)
        } else {
            poll
        };
        Ok(Some(PollState {
            poll,
            definition,
            tally: Tally::new(
                counts.into_iter().map(|c| c.max(0) as u64).collect(),
                voters.max(0) as u64,
            ),
        }))
    }

    pub async fn get(&self, id: &str) -> Result<Option<PollState>, String> {
        let client = self.pool.get().await.map_err(db)?;
        self.load(&client, id).await
    }

    pub async fn vote(&self, request: VoteRequest) -> Result<VoteOk, VoteError> {
        let mut client = self
            .pool
            .get()
            .await
            .map_err(|e| VoteError::Storage(db(e)))?;
        let tx = client.transaction().await.map_err(storage)?;
        // The poll's row lock orders every vote on this poll, in all processes.
        tx.query_opt(
            "SELECT 1 FROM polls WHERE id = $1 FOR UPDATE",
            &[&request.poll],
        )
        .await
        .map_err(storage)?
        .ok_or(VoteError::UnknownPoll)?;
        let state = self
            .load(&tx, &request.poll)
            .await
            .map_err(VoteError::Storage)?
            .ok_or(VoteError::UnknownPoll)?;
        let poll = state.poll.clone();
        let seen = tx
            .query_opt(
                "SELECT 1 FROM votes WHERE poll = $1 AND key = $2",
                &[&request.poll, &request.key],
            )
            .await
            .map_err(storage)?;
        if seen.is_some() {
            return Ok(VoteOk {
                poll,
                tally: state.tally,
                counted: false,
            });
        }
        let now = now_seconds();
        let indices = check_ballot(&poll, now, &request.choices)?;
        let mut voters_delta = 1i64;
        if !request.voter.is_empty() {
            let previous = tx
                .query_opt(
                    "SELECT key, choices FROM votes WHERE poll = $1 AND voter = $2",
                    &[&request.poll, &request.voter],
                )
                .await
                .map_err(storage)?;
            if let Some(previous) = previous {
                if !poll.allow_change {
                    return Err(VoteError::AlreadyVoted);
                }
                let old_key: String = previous.get(0);
                let old_choices: String = previous.get(1);
                let old: Vec<i32> = old_choices
                    .split(',')
                    .filter_map(|id| poll.option_index(id))
                    .map(|i| i as i32)
                    .collect();
                tx.execute(
                    "UPDATE option_counts SET count = count - 1
                      WHERE poll = $1 AND position = ANY($2) AND count > 0",
                    &[&request.poll, &old],
                )
                .await
                .map_err(storage)?;
                tx.execute(
                    "DELETE FROM votes WHERE poll = $1 AND key = $2",
                    &[&request.poll, &old_key],
                )
                .await
                .map_err(storage)?;
                voters_delta = 0;
            }
        }
        let choices = request.choices.join(",");
        tx.execute(
            "INSERT INTO votes (poll, key, voter, choices, at) VALUES ($1, $2, $3, $4, $5)",
            &[&request.poll, &request.key, &request.voter, &choices, &now],
        )
        .await
        .map_err(|e| {
            if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                VoteError::AlreadyVoted
            } else {
                storage(e)
            }
        })?;
        let positions: Vec<i32> = indices.iter().map(|&i| i as i32).collect();
        tx.execute(
            "UPDATE option_counts SET count = count + 1 WHERE poll = $1 AND position = ANY($2)",
            &[&request.poll, &positions],
        )
        .await
        .map_err(storage)?;
        tx.execute(
            "UPDATE polls SET voters = voters + $2 WHERE id = $1",
            &[&request.poll, &voters_delta],
        )
        .await
        .map_err(storage)?;
        let after = self
            .load(&tx, &request.poll)
            .await
            .map_err(VoteError::Storage)?
            .ok_or(VoteError::UnknownPoll)?;
        tx.commit().await.map_err(storage)?;
        Ok(VoteOk {
            poll,
            tally: after.tally,
            counted: true,
        })
    }

    pub async fn add_poll(&self, poll: Poll, text: &str) -> Result<Arc<Poll>, String> {
        let mut client = self.pool.get().await.map_err(db)?;
        let tx = client.transaction().await.map_err(db)?;
        insert_poll(&tx, &poll, text).await?;
        tx.commit().await.map_err(db)?;
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
) -> Result<(), String> {
    let voters = poll.tally.voters as i64;
    let inserted = tx
        .execute(
            "INSERT INTO polls (id, definition, closed, voters, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
            &[&poll.id, &text, &poll.closed, &voters, &now_seconds()],
        )
        .await
        .map_err(db)?;
    if inserted == 0 {
        return Err(format!("a poll with id {} already exists", poll.id));
    }
    for (i, (option, count)) in poll.options.iter().zip(&poll.tally.counts).enumerate() {
        tx.execute(
            "INSERT INTO option_counts (poll, position, option_id, count) VALUES ($1, $2, $3, $4)",
            &[&poll.id, &(i as i32), &option.id, &(*count as i64)],
        )
        .await
        .map_err(db)?;
    }
    Ok(())
}
