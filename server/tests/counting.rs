//! The one counting rule (`core::count`, through `store::counting`) as each
//! store applies it: the same votes give the same answers, codes and
//! tallies on SQLite and on PostgreSQL, and after a restart.

mod support;

use support::{backends, server, vote_json, Reply, Server};

const CHANGEABLE: &str = r#"{"id":"count-change","question":"Q?","allow_change":true,
  "mode":"multiple","max_choices":2,
  "options":[{"id":"a","label":"A"},{"id":"b","label":"B"},{"id":"c","label":"C"}]}"#;

const ONCE: &str = r#"{"id":"count-once","question":"Q?",
  "options":[{"id":"a","label":"A"},{"id":"b","label":"B"}]}"#;

/// (status, counted, counts in option order, voters) of a vote's answer.
fn outcome(r: &Reply, options: &[&str]) -> (u16, bool, Vec<u64>, u64) {
    let body = r.json();
    let t = &body["tally"];
    (
        r.status,
        body["counted"].as_bool().unwrap_or(false),
        options
            .iter()
            .map(|o| t["counts"][o].as_u64().unwrap())
            .collect(),
        t["voters"].as_u64().unwrap(),
    )
}

/// (counts in option order, voters) as read.
fn read(s: &Server, poll: &str, options: &[&str]) -> (Vec<u64>, u64) {
    let body = s.get(&format!("/api/polls/{poll}")).json();
    let t = &body["tally"];
    (
        options
            .iter()
            .map(|o| t["counts"][o].as_u64().unwrap())
            .collect(),
        t["voters"].as_u64().unwrap(),
    )
}

#[test]
fn changes_replays_and_anonymous_votes_count_alike_on_every_store() {
    for b in backends("count-change") {
        b.add_poll(CHANGEABLE);
        let s = server(&b);
        let abc = ["a", "b", "c"];
        let vote = |choices: &[&str], key: &str, voter: &str| {
            outcome(
                &s.vote("count-change", &vote_json(choices, key, voter)),
                &abc,
            )
        };
        assert_eq!(vote(&["a", "b"], "k1", "r1"), (201, true, vec![1, 1, 0], 1));
        // A replay answers the counts as they stand and counts nothing, even
        // with other choices in its body.
        assert_eq!(vote(&["c"], "k1", "r1"), (200, false, vec![1, 1, 0], 1));
        // A change moves the reader's whole ballot; they stay one voter.
        assert_eq!(vote(&["c"], "k2", "r1"), (201, true, vec![0, 0, 1], 1));
        assert_eq!(vote(&["a"], "k3", "r2"), (201, true, vec![1, 0, 1], 2));
        // The first ballot's late retry does not undo the change.
        assert_eq!(
            vote(&["a", "b"], "k1", "r1"),
            (200, false, vec![1, 0, 1], 2)
        );
        // A change to the same ballot changes nothing but the key.
        assert_eq!(vote(&["c"], "k4", "r1"), (201, true, vec![1, 0, 1], 2));
        // No voter token: every new key is a new voter.
        assert_eq!(vote(&["a"], "k5", ""), (201, true, vec![2, 0, 1], 3));
        assert_eq!(vote(&["a"], "k6", ""), (201, true, vec![3, 0, 1], 4));
        assert_eq!(vote(&["b", "c"], "k7", "r2"), (201, true, vec![2, 1, 2], 4));
        assert_eq!(read(&s, "count-change", &abc), (vec![2, 1, 2], 4));
        // What was counted is what is stored.
        drop(s);
        let s = server(&b);
        assert_eq!(read(&s, "count-change", &abc), (vec![2, 1, 2], 4));
        assert_eq!(
            outcome(
                &s.vote("count-change", &vote_json(&["a"], "k2", "r1")),
                &abc
            ),
            (200, false, vec![2, 1, 2], 4),
            "{b:?}: a replay after a restart"
        );
    }
}

#[test]
fn one_vote_per_reader_and_replays_after_close_on_every_store() {
    for b in backends("count-once") {
        b.add_poll(ONCE);
        let s = server(&b);
        let ab = ["a", "b"];
        let vote = |choices: &[&str], key: &str, voter: &str| {
            s.vote("count-once", &vote_json(choices, key, voter))
        };
        assert_eq!(
            outcome(&vote(&["a"], "k1", "r1"), &ab),
            (201, true, vec![1, 0], 1)
        );
        let again = vote(&["b"], "k2", "r1");
        assert_eq!((again.status, again.code()), (409, "already_voted".into()));
        // The refused key was not counted, so it is no replay later.
        let again = vote(&["b"], "k2", "r1");
        assert_eq!((again.status, again.code()), (409, "already_voted".into()));
        assert_eq!(
            outcome(&vote(&["b"], "k1", "r1"), &ab),
            (200, false, vec![1, 0], 1)
        );
        assert_eq!(
            outcome(&vote(&["b"], "k3", "r2"), &ab),
            (201, true, vec![1, 1], 2)
        );
        b.cli(&["poll", "close", "count-once"]).unwrap();
        // Closed: a counted key still replays; a new one is refused.
        assert_eq!(
            outcome(&vote(&["b"], "k3", "r2"), &ab),
            (200, false, vec![1, 1], 2)
        );
        let late = vote(&["a"], "k4", "r3");
        assert_eq!((late.status, late.code()), (403, "poll_closed".into()));
        assert_eq!(read(&s, "count-once", &ab), (vec![1, 1], 2));
    }
}
