//! Surveys in PostgreSQL, beside the polls, for any number of server
//! processes. A response locks its survey's row first, so the replay check,
//! the one-response-per-reader check and the counters all see every other
//! process's responses, and each is committed before it is answered.

use deadpool_postgres::{GenericClient, Pool};
use readerpoll::core::answers;
use readerpoll::core::survey::Survey;

use super::{
    checked, closed_if, counter_name, counting, parse_stored, tally_from_rows, RespondError,
    ResponseOk, ResponseRequest, StoredResponse, SurveyState,
};
use crate::store::{now_seconds, AddError};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS surveys (
    id TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    closed BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS survey_counts (
    survey TEXT NOT NULL REFERENCES surveys(id),
    counter TEXT NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (survey, counter)
);
CREATE TABLE IF NOT EXISTS responses (
    survey TEXT NOT NULL REFERENCES surveys(id),
    key TEXT NOT NULL,
    voter TEXT NOT NULL,
    answers TEXT NOT NULL,
    at BIGINT NOT NULL,
    replaced BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (survey, key)
);
CREATE UNIQUE INDEX IF NOT EXISTS responses_one_current_per_voter ON responses (survey, voter)
    WHERE voter <> '' AND NOT replaced;
";

#[derive(Clone)]
pub struct PgSurveys {
    pool: Pool,
}

fn storage(e: impl std::fmt::Display) -> String {
    format!("PostgreSQL: {e}")
}

impl PgSurveys {
    /// Uses the poll store's pool, and creates the survey tables once,
    /// whichever process gets there first (under the polls' migration lock).
    pub async fn open(pool: Pool) -> Result<PgSurveys, String> {
        let mut client = pool.get().await.map_err(storage)?;
        let tx = client.transaction().await.map_err(storage)?;
        tx.execute(
            "SELECT pg_advisory_xact_lock($1)",
            &[&crate::store::MIGRATION_LOCK],
        )
        .await
        .map_err(storage)?;
        tx.batch_execute(SCHEMA).await.map_err(storage)?;
        tx.commit().await.map_err(storage)?;
        drop(client);
        Ok(PgSurveys { pool })
    }

    pub async fn has_responded(&self, id: &str, voter: &str) -> Result<bool, String> {
        let client = self.pool.get().await.map_err(storage)?;
        Ok(client
            .query_opt(
                "SELECT 1 FROM responses WHERE survey = $1 AND voter = $2 AND NOT replaced",
                &[&id, &voter],
            )
            .await
            .map_err(storage)?
            .is_some())
    }

    pub async fn get(&self, id: &str) -> Result<Option<SurveyState>, String> {
        let client = self.pool.get().await.map_err(storage)?;
        load(&client, id, false).await
    }

    pub async fn add(&self, survey: &Survey, text: &str) -> Result<(), AddError> {
        let fail = |e: tokio_postgres::Error| AddError::Storage(storage(e));
        let mut client = self
            .pool
            .get()
            .await
            .map_err(|e| AddError::Storage(storage(e)))?;
        let tx = client.transaction().await.map_err(fail)?;
        let taken = tx
            .query_opt(
                "SELECT 1 FROM surveys WHERE id = $1 UNION ALL SELECT 1 FROM polls WHERE id = $1",
                &[&survey.id],
            )
            .await
            .map_err(fail)?
            .is_some();
        if taken {
            return Err(AddError::Exists(survey.id.clone()));
        }
        tx.execute(
            "INSERT INTO surveys (id, definition, closed, created_at) VALUES ($1, $2, FALSE, $3)",
            &[&survey.id, &text, &now_seconds()],
        )
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)
    }

    pub async fn respond(&self, request: ResponseRequest) -> Result<ResponseOk, RespondError> {
        let fail = |e: tokio_postgres::Error| RespondError::Storage(storage(e));
        let mut client = self
            .pool
            .get()
            .await
            .map_err(|e| RespondError::Storage(storage(e)))?;
        let tx = client.transaction().await.map_err(fail)?;
        let id = request.survey.as_str();
        let state = load(&tx, id, true)
            .await
            .map_err(RespondError::Storage)?
            .ok_or(RespondError::UnknownSurvey)?;
        let key_seen = tx
            .query_opt(
                "SELECT 1 FROM responses WHERE survey = $1 AND key = $2",
                &[&id, &request.key],
            )
            .await
            .map_err(fail)?
            .is_some();
        if key_seen {
            return Ok(ResponseOk {
                state,
                counted: false,
            });
        }
        let survey = state.survey.clone();
        let now = now_seconds();
        let response = checked(&survey, &request, now)?;
        let previous: Option<String> = if request.voter.is_empty() {
            None
        } else {
            tx.query_opt(
                "SELECT answers FROM responses WHERE survey = $1 AND voter = $2 AND NOT replaced",
                &[&id, &request.voter],
            )
            .await
            .map_err(fail)?
            .map(|row| row.get(0))
        };
        let (delta, replaces) = counting(&survey, previous, &response)?;
        if replaces {
            tx.execute(
                "UPDATE responses SET replaced = TRUE WHERE survey = $1 AND voter = $2 AND NOT replaced",
                &[&id, &request.voter],
            )
            .await
            .map_err(fail)?;
        }
        tx.execute(
            "INSERT INTO responses (survey, key, voter, answers, at) VALUES ($1, $2, $3, $4, $5)",
            &[
                &id,
                &request.key,
                &request.voter,
                &answers::encode(&survey, &response),
                &now,
            ],
        )
        .await
        .map_err(fail)?;
        let (names, changes): (Vec<String>, Vec<i64>) = delta
            .0
            .iter()
            .map(|(counter, by)| (counter_name(*counter), *by))
            .unzip();
        tx.execute(
            "INSERT INTO survey_counts (survey, counter, count)
                  SELECT $1, d.counter, d.change
                    FROM unnest($2::text[], $3::bigint[]) AS d(counter, change)
             ON CONFLICT (survey, counter)
                DO UPDATE SET count = GREATEST(survey_counts.count + EXCLUDED.count, 0)",
            &[&id, &names, &changes],
        )
        .await
        .map_err(fail)?;
        let state = load(&tx, id, false)
            .await
            .map_err(RespondError::Storage)?
            .ok_or(RespondError::UnknownSurvey)?;
        tx.commit().await.map_err(fail)?;
        Ok(ResponseOk {
            state,
            counted: true,
        })
    }

    pub async fn close(&self, id: &str) -> Result<bool, String> {
        let client = self.pool.get().await.map_err(storage)?;
        client
            .execute("UPDATE surveys SET closed = TRUE WHERE id = $1", &[&id])
            .await
            .map(|n| n > 0)
            .map_err(storage)
    }

    pub async fn list(&self) -> Result<Vec<SurveyState>, String> {
        let client = self.pool.get().await.map_err(storage)?;
        let ids: Vec<String> = client
            .query("SELECT id FROM surveys ORDER BY created_at, id", &[])
            .await
            .map_err(storage)?
            .iter()
            .map(|row| row.get(0))
            .collect();
        let mut all = Vec::new();
        for id in ids {
            if let Some(state) = load(&client, &id, false).await? {
                all.push(state);
            }
        }
        Ok(all)
    }

    pub async fn responses(&self, id: &str) -> Result<Vec<StoredResponse>, String> {
        let client = self.pool.get().await.map_err(storage)?;
        Ok(client
            .query(
                "SELECT key, at, answers FROM responses
                  WHERE survey = $1 AND NOT replaced ORDER BY at, key",
                &[&id],
            )
            .await
            .map_err(storage)?
            .iter()
            .map(|row| StoredResponse {
                key: row.get(0),
                at: row.get(1),
                answers: row.get(2),
            })
            .collect())
    }
}

/// The survey with its counters; `lock` takes its row for the transaction.
async fn load(
    client: &impl GenericClient,
    id: &str,
    lock: bool,
) -> Result<Option<SurveyState>, String> {
    let query = if lock {
        "SELECT definition, closed FROM surveys WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT definition, closed FROM surveys WHERE id = $1"
    };
    let Some(row) = client.query_opt(query, &[&id]).await.map_err(storage)? else {
        return Ok(None);
    };
    let text: String = row.get(0);
    let closed: bool = row.get(1);
    let Some((survey, definition)) = parse_stored(id, &text) else {
        return Ok(None);
    };
    let rows: Vec<(String, i64)> = client
        .query(
            "SELECT counter, count FROM survey_counts WHERE survey = $1",
            &[&id],
        )
        .await
        .map_err(storage)?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let tally = tally_from_rows(&survey, rows);
    Ok(Some(SurveyState {
        survey: closed_if(survey, closed),
        definition,
        tally,
    }))
}
