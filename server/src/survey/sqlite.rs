//! Surveys in the SQLite file, beside the polls. Responses are far fewer
//! than poll votes, so each is its own IMMEDIATE transaction on a
//! connection of its own (the file is in WAL mode; the busy timeout orders
//! writers), run off the async threads.

use std::path::Path;
use std::sync::{Arc, Mutex};

use readerpoll::core::answers;
use readerpoll::core::survey::Survey;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{
    checked, closed_if, counter_name, counting, parse_stored, tally_from_rows, RespondError,
    ResponseOk, ResponseRequest, StoredResponse, SurveyState,
};
use crate::store::{now_seconds, AddError};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS surveys (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    closed INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS survey_counts (
    survey TEXT NOT NULL REFERENCES surveys(id),
    counter TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (survey, counter)
);
CREATE TABLE IF NOT EXISTS responses (
    survey TEXT NOT NULL REFERENCES surveys(id),
    key TEXT NOT NULL,
    voter TEXT NOT NULL,
    answers TEXT NOT NULL,
    at INTEGER NOT NULL,
    replaced INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (survey, key)
);
CREATE INDEX IF NOT EXISTS responses_by_voter ON responses (survey, voter);
";

#[derive(Clone)]
pub struct SqliteSurveys {
    conn: Arc<Mutex<Connection>>,
}

fn storage(e: impl std::fmt::Display) -> String {
    format!("SQLite: {e}")
}

impl SqliteSurveys {
    pub fn open(path: &Path) -> Result<SqliteSurveys, String> {
        let conn = Connection::open(path).map_err(storage)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(storage)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(storage)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(storage)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(storage)?;
        conn.execute_batch(SCHEMA).map_err(storage)?;
        Ok(SqliteSurveys {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` on the connection, off the async threads.
    async fn with<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Connection) -> T + Send + 'static,
    ) -> Result<T, String> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn
                .lock()
                .map_err(|_| "the survey store broke".to_owned())?;
            Ok(work(&mut conn))
        })
        .await
        .map_err(|e| e.to_string())?
    }

    pub async fn get(&self, id: &str) -> Result<Option<SurveyState>, String> {
        let id = id.to_owned();
        self.with(move |conn| load(conn, &id).map_err(storage))
            .await?
    }

    pub async fn add(&self, survey: &Survey, text: &str) -> Result<(), AddError> {
        let (id, text) = (survey.id.clone(), text.to_owned());
        self.with(move |conn| -> Result<(), AddError> {
            let fail = |e: rusqlite::Error| AddError::Storage(storage(e));
            let tx = conn.transaction().map_err(fail)?;
            let taken = tx
                .query_row(
                    "SELECT 1 FROM surveys WHERE id = ?1 UNION ALL SELECT 1 FROM polls WHERE id = ?1",
                    [&id],
                    |_| Ok(()),
                )
                .optional()
                .map_err(fail)?
                .is_some();
            if taken {
                return Err(AddError::Exists(id));
            }
            tx.execute(
                "INSERT INTO surveys (id, definition, closed, created_at) VALUES (?1, ?2, 0, ?3)",
                params![id, text, now_seconds()],
            )
            .map_err(fail)?;
            tx.commit().map_err(fail)
        })
        .await
        .map_err(AddError::Storage)?
    }

    pub async fn respond(&self, request: ResponseRequest) -> Result<ResponseOk, RespondError> {
        self.with(move |conn| respond(conn, &request))
            .await
            .map_err(RespondError::Storage)?
    }

    pub async fn has_responded(&self, id: &str, voter: &str) -> Result<bool, String> {
        let (id, voter) = (id.to_owned(), voter.to_owned());
        self.with(move |conn| {
            conn.prepare_cached(
                "SELECT 1 FROM responses WHERE survey = ?1 AND voter = ?2 AND replaced = 0",
            )
            .and_then(|mut s| s.exists(params![id, voter]))
            .map_err(storage)
        })
        .await?
    }

    pub async fn close(&self, id: &str) -> Result<bool, String> {
        let id = id.to_owned();
        self.with(move |conn| {
            conn.execute("UPDATE surveys SET closed = 1 WHERE id = ?1", [&id])
                .map(|n| n > 0)
                .map_err(storage)
        })
        .await?
    }

    pub async fn list(&self) -> Result<Vec<SurveyState>, String> {
        self.with(|conn| -> Result<Vec<SurveyState>, String> {
            let ids: Vec<String> = conn
                .prepare("SELECT id FROM surveys ORDER BY created_at, id")
                .map_err(storage)?
                .query_map([], |r| r.get(0))
                .map_err(storage)?
                .collect::<Result<_, _>>()
                .map_err(storage)?;
            let mut all = Vec::new();
            for id in ids {
                if let Some(state) = load(conn, &id).map_err(storage)? {
                    all.push(state);
                }
            }
            Ok(all)
        })
        .await?
    }

    pub async fn responses(&self, id: &str) -> Result<Vec<StoredResponse>, String> {
        let id = id.to_owned();
        self.with(move |conn| -> Result<Vec<StoredResponse>, String> {
            conn.prepare(
                "SELECT key, at, answers FROM responses
                  WHERE survey = ?1 AND replaced = 0 ORDER BY at, key",
            )
            .map_err(storage)?
            .query_map([&id], |r| {
                Ok(StoredResponse {
                    key: r.get(0)?,
                    at: r.get(1)?,
                    answers: r.get(2)?,
                })
            })
            .map_err(storage)?
            .collect::<Result<_, _>>()
            .map_err(storage)
        })
        .await?
    }
}

fn load(conn: &Connection, id: &str) -> rusqlite::Result<Option<SurveyState>> {
    let Some((text, closed)) = conn
        .query_row(
            "SELECT definition, closed FROM surveys WHERE id = ?1",
            [id],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?)),
        )
        .optional()?
    else {
        return Ok(None);
    };
    let Some((survey, definition)) = parse_stored(id, &text) else {
        return Ok(None);
    };
    let rows: Vec<(String, i64)> = conn
        .prepare_cached("SELECT counter, count FROM survey_counts WHERE survey = ?1")?
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let tally = tally_from_rows(&survey, rows);
    Ok(Some(SurveyState {
        survey: closed_if(survey, closed),
        definition,
        tally,
    }))
}

/// One response in one transaction: replay, checks, decision, counters.
fn respond(conn: &mut Connection, request: &ResponseRequest) -> Result<ResponseOk, RespondError> {
    let fail = |e: rusqlite::Error| RespondError::Storage(storage(e));
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(fail)?;
    let id = request.survey.as_str();
    let state = load(&tx, id)
        .map_err(fail)?
        .ok_or(RespondError::UnknownSurvey)?;
    // A replayed key gets the first answer again, counted once, even after
    // the survey closed.
    let key_seen = tx
        .prepare_cached("SELECT 1 FROM responses WHERE survey = ?1 AND key = ?2")
        .and_then(|mut s| s.exists(params![id, request.key]))
        .map_err(fail)?;
    if key_seen {
        return Ok(ResponseOk {
            state,
            counted: false,
        });
    }
    let survey = state.survey.clone();
    let now = now_seconds();
    let response = checked(&survey, request, now)?;
    let previous: Option<String> = if request.voter.is_empty() {
        None
    } else {
        tx.prepare_cached(
            "SELECT answers FROM responses WHERE survey = ?1 AND voter = ?2 AND replaced = 0",
        )
        .and_then(|mut s| {
            s.query_row(params![id, request.voter], |r| r.get(0))
                .optional()
        })
        .map_err(fail)?
    };
    let (delta, replaces) = counting(&survey, previous, &response)?;
    if replaces {
        tx.execute(
            "UPDATE responses SET replaced = 1 WHERE survey = ?1 AND voter = ?2 AND replaced = 0",
            params![id, request.voter],
        )
        .map_err(fail)?;
    }
    tx.execute(
        "INSERT INTO responses (survey, key, voter, answers, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            id,
            request.key,
            request.voter,
            answers::encode(&survey, &response),
            now
        ],
    )
    .map_err(fail)?;
    for (counter, by) in &delta.0 {
        tx.prepare_cached(
            "INSERT INTO survey_counts (survey, counter, count) VALUES (?1, ?2, ?3)
             ON CONFLICT (survey, counter) DO UPDATE SET count = MAX(count + excluded.count, 0)",
        )
        .and_then(|mut s| s.execute(params![id, counter_name(*counter), by]))
        .map_err(fail)?;
    }
    let state = load(&tx, id)
        .map_err(fail)?
        .ok_or(RespondError::UnknownSurvey)?;
    tx.commit().map_err(fail)?;
    Ok(ResponseOk {
        state,
        counted: true,
    })
}
