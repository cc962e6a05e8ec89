//! Survey exports for the newsroom: CSV (one row per response, one column
//! per question, a column per Likert row and per write-in) and JSON lines.
//! Every response is read back through `core::answers::decode`, the same
//! check that let it in.

use readerpoll::core::answers;
use readerpoll::core::question::{Answer, Kind};
use readerpoll::core::survey::{Response, Survey};
use serde_json::{json, Map, Value};

use super::StoredResponse;
use crate::csv::csv_cell;

/// Unix seconds as `2026-12-07T11:30:00Z`.
pub fn rfc3339(at: i64) -> String {
    let (days, secs) = (at.div_euclid(86_400), at.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The CSV's columns: key, time, then each question's.
fn header(survey: &Survey) -> Vec<String> {
    let mut columns = vec!["key".to_owned(), "submitted_at".to_owned()];
    for q in &survey.questions {
        match &q.kind {
            Kind::Choice(c) => {
                columns.push(q.id.clone());
                if c.other.is_some() {
                    columns.push(format!("{}.other", q.id));
                }
            }
            Kind::Likert(l) => {
                columns.extend(l.rows.iter().map(|r| format!("{}.{}", q.id, r.id)));
            }
            _ => columns.push(q.id.clone()),
        }
    }
    columns
}

fn cells(survey: &Survey, response: &Response) -> Vec<String> {
    let mut out = Vec::new();
    for (q, answer) in survey.questions.iter().zip(response) {
        match (&q.kind, answer) {
            (Kind::Choice(c), answer) => {
                let (picked, other) = match answer {
                    Some(Answer::Choice { picked, other }) => (picked.as_slice(), other.as_deref()),
                    _ => (&[][..], None),
                };
                let labels: Vec<&str> = picked
                    .iter()
                    .filter_map(|&i| c.options.get(i).map(|o| o.label.as_str()))
                    .collect();
                out.push(labels.join("; "));
                if c.other.is_some() {
                    out.push(other.unwrap_or("").to_owned());
                }
            }
            (Kind::Likert(l), answer) => {
                let rows = match answer {
                    Some(Answer::Rows(rows)) => rows.as_slice(),
                    _ => &[],
                };
                for r in 0..l.rows.len() {
                    let column = rows.get(r).copied().flatten();
                    out.push(
                        column
                            .and_then(|c| l.columns.get(c))
                            .map_or(String::new(), |c| c.label.clone()),
                    );
                }
            }
            (_, Some(Answer::Point(p))) => out.push(p.to_string()),
            (_, Some(Answer::Text(t))) => out.push(t.clone()),
            _ => out.push(String::new()),
        }
    }
    out
}

/// Decoded responses; a line that no longer decodes is logged and skipped.
fn decoded<'a>(
    survey: &'a Survey,
    stored: &'a [StoredResponse],
) -> impl Iterator<Item = (&'a StoredResponse, Response)> + 'a {
    stored.iter().filter_map(move |s| match answers::decode(survey, &s.answers) {
        Ok(r) => Some((s, r)),
        Err(e) => {
            tracing::error!(survey = %survey.id, key = %s.key, error = %e, "stored response does not decode; left out");
            None
        }
    })
}

pub fn csv(survey: &Survey, stored: &[StoredResponse]) -> String {
    let line = |cells: Vec<String>| -> String {
        let quoted: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        quoted.join(",") + "\r\n"
    };
    let mut out = line(header(survey));
    for (s, response) in decoded(survey, stored) {
        let mut row = vec![s.key.clone(), rfc3339(s.at)];
        row.extend(cells(survey, &response));
        out.push_str(&line(row));
    }
    out
}

/// One JSON object per line: key, time and answers in the protocol's shape.
pub fn json_lines(survey: &Survey, stored: &[StoredResponse]) -> String {
    let mut out = String::new();
    for (s, response) in decoded(survey, stored) {
        let mut answers = Map::new();
        for (q, answer) in survey.questions.iter().zip(&response) {
            let Some(answer) = answer else { continue };
            let value = match (&q.kind, answer) {
                (Kind::Choice(c), Answer::Choice { picked, other }) => {
                    let mut items: Vec<Value> = picked
                        .iter()
                        .filter_map(|&i| c.options.get(i).map(|o| Value::from(o.id.clone())))
                        .collect();
                    if let Some(text) = other {
                        items.push(json!({"other": text}));
                    }
                    Value::Array(items)
                }
                (Kind::Likert(l), Answer::Rows(rows)) => Value::Object(
                    l.rows
                        .iter()
                        .zip(rows)
                        .filter_map(|(row, c)| {
                            let column = l.columns.get((*c)?)?;
                            Some((row.id.clone(), Value::from(column.id.clone())))
                        })
                        .collect(),
                ),
                (_, Answer::Point(p)) => Value::from(*p),
                (_, Answer::Text(t)) => Value::from(t.clone()),
                _ => continue,
            };
            answers.insert(q.id.clone(), value);
        }
        let line = json!({"key": s.key, "submitted_at": rfc3339(s.at), "answers": answers});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_utc_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_796_643_000), "2026-12-07T11:30:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
