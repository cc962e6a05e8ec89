//! The pure core and view, natively: config errors, seed-poll percentages,
//! the state machine's paths and view snapshots.
#![cfg(not(target_arch = "wasm32"))]

use readerpoll::core::ballot::valid_ballot;
use readerpoll::core::locale::{locale_for, Texts};
use readerpoll::core::machine::{step, Announcement, Effect, Event, Notice, Phase, State};
use readerpoll::core::poll::{Poll, RawPoll};
use readerpoll::core::share::{shares, PERCENT};
use readerpoll::core::tally::WireTally;
use readerpoll::core::ErrorCode;
use readerpoll::view::{view, ViewModel};
use serde_json::{json, Value};

fn parse(v: Value) -> Result<Poll, ErrorCode> {
    let raw: RawPoll = serde_json::from_value(v)
        .map_err(|e| readerpoll::core::ConfigError::from_decoder(e.to_string()).code)?;
    Poll::from_raw(raw).map_err(|e| e.code)
}

fn two() -> Value {
    json!([{"id": "a", "label": "A"}, {"id": "b", "label": "B"}])
}

fn base() -> Value {
    json!({"id": "p", "question": "Q?", "options": two()})
}

fn with(field: &str, value: Value) -> Value {
    let mut v = base();
    v[field] = value;
    v
}

#[test]
fn config_errors_each_have_their_own_code() {
    let long = "x".repeat(201);
    let cases: Vec<(Value, ErrorCode)> = vec![
        (with("options", json!([])), ErrorCode::NoOptions),
        (
            with("options", json!([{"id": "a", "label": "A"}])),
            ErrorCode::OneOption,
        ),
        (
            with(
                "options",
                json!([{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]),
            ),
            ErrorCode::DuplicateOptionId,
        ),
        (
            with(
                "options",
                json!([{"id": "a", "label": "  "}, {"id": "b", "label": "B"}]),
            ),
            ErrorCode::EmptyLabel,
        ),
        (
            with(
                "options",
                json!([{"id": "a", "label": "\u{200B}"}, {"id": "b", "label": "B"}]),
            ),
            ErrorCode::EmptyLabel,
        ),
        (
            with(
                "options",
                json!([{"id": "a", "label": long}, {"id": "b", "label": "B"}]),
            ),
            ErrorCode::LabelTooLong,
        ),
        (
            with(
                "options",
                json!([{"id": "", "label": "A"}, {"id": "b", "label": "B"}]),
            ),
            ErrorCode::EmptyId,
        ),
        (
            with(
                "options",
                json!([{"id": "a b", "label": "A"}, {"id": "b", "label": "B"}]),
            ),
            ErrorCode::BadId,
        ),
        (
            with(
                "options",
                Value::Array(
                    (0..31)
                        .map(|i| json!({"id": format!("o{i}"), "label": "L"}))
                        .collect(),
                ),
            ),
            ErrorCode::TooManyOptions,
        ),
        (
            json!({"id": "p", "question": "Q?", "mode": "multiple", "max_choices": 3, "options": two()}),
            ErrorCode::MaxChoicesTooLarge,
        ),
        (
            json!({"id": "p", "question": "Q?", "mode": "multiple", "max_choices": 0, "options": two()}),
            ErrorCode::MaxChoicesZero,
        ),
        (with("max_choices", json!(2)), ErrorCode::MaxChoicesTooLarge),
        (with("opens_at", json!("next tuesday")), ErrorCode::BadDate),
        (
            with("closes_at", json!("2026-02-30T00:00:00Z")),
            ErrorCode::BadDate,
        ),
        (
            json!({"id": "p", "question": "Q?", "options": two(),
                   "opens_at": "2026-11-23T10:00:00Z", "closes_at": "2026-11-23T09:00:00Z"}),
            ErrorCode::ClosesBeforeOpens,
        ),
        (with("colour", json!("red")), ErrorCode::UnknownField),
        (with("question", json!("")), ErrorCode::EmptyQuestion),
        (
            with("question", json!("q".repeat(501))),
            ErrorCode::QuestionTooLong,
        ),
        (with("id", json!("")), ErrorCode::EmptyId),
        (with("id", json!("<script>")), ErrorCode::BadId),
        (
            with("counts", json!({"zz": 1})),
            ErrorCode::UnknownCountOption,
        ),
        (
            with("counts", json!({"a": 9_007_199_254_740_992u64})),
            ErrorCode::CountTooLarge,
        ),
        (
            json!({"id": "p", "question": "Q?", "options": two(), "counts": {"a": 2}, "voters": 1}),
            ErrorCode::VotersTooFew,
        ),
        (
            json!({"id": "p", "options": two()}),
            ErrorCode::MissingField,
        ),
        (with("mode", json!("ranked")), ErrorCode::WrongType),
        (with("options", json!("a, b")), ErrorCode::WrongType),
        (with("counts", json!({"a": -1})), ErrorCode::WrongType),
    ];
    for (config, code) in cases {
        assert_eq!(parse(config.clone()), Err(code), "{config}");
    }
    assert!(parse(base()).is_ok());
}

#[test]
fn error_messages_are_readable() {
    let raw: RawPoll = serde_json::from_value(with(
        "options",
        json!([{"id": "a", "label": "A"}, {"id": "b", "label": ""}]),
    ))
    .unwrap();
    let err = Poll::from_raw(raw).unwrap_err();
    assert_eq!(err.message, "option 2: the label is empty");
    assert_eq!(err.to_string(), "empty_label: option 2: the label is empty");
}

fn seed() -> Value {
    serde_json::from_str(include_str!("fixtures/seed-polls.json")).unwrap()
}

/// The definition of a seed poll as the demo page embeds it.
fn seed_poll(entry: &Value) -> Poll {
    let v = json!({
        "id": entry["id"], "question": entry["question"], "mode": entry["mode"],
        "options": entry["options"], "counts": entry["counts"], "voters": entry["voters"],
    });
    parse(v).unwrap()
}

#[test]
fn every_seed_poll_renders_its_published_percentages() {
    for entry in seed()["polls"].as_array().unwrap() {
        let poll = seed_poll(entry);
        let s = shares(poll.mode, &poll.tally.counts, poll.tally.voters, PERCENT);
        let share_of = |id: &str| -> u32 {
            id.split('+')
                .map(|part| s[poll.option_index(part).unwrap()])
                .sum()
        };
        for (key, want) in entry["published_percent"].as_object().unwrap() {
            assert_eq!(
                u64::from(share_of(key)),
                want.as_u64().unwrap(),
                "{} {key}",
                poll.id
            );
        }
        assert_eq!(s.iter().sum::<u32>(), 100, "{}", poll.id);
        assert_eq!(poll.tally.voters, entry["voters"].as_u64().unwrap());
    }
}

fn loaded(poll: Poll, stored: Option<Vec<String>>) -> State {
    let mut state = State::Loading;
    let effects = step(
        &mut state,
        Event::Loaded {
            poll: Box::new(poll),
            stored,
            now: 1_800_000_000,
            current: false,
        },
    );
    assert_eq!(effects, vec![Effect::Ready]);
    state
}

/// A backend's tally of the overtime poll, counts in its option order.
fn wire(counts: Vec<u64>, voters: u64) -> WireTally {
    let ids = ["1-5", "6-10", "11-15", "16-plus"];
    WireTally {
        counts: ids.iter().map(|i| i.to_string()).zip(counts).collect(),
        voters,
    }
}

fn overtime() -> Poll {
    seed_poll(&seed()["polls"][0])
}

fn live(state: &State) -> &readerpoll::core::machine::Live {
    match state {
        State::Live(l) => l,
        other => panic!("not live: {other:?}"),
    }
}

/// The visible text of a view, one line per piece, for snapshots.
fn snapshot(state: &State) -> String {
    let texts = Texts::new(locale_for("en"));
    let mut out = String::new();
    match view(state, &texts, "reader") {
        ViewModel::Loading => out.push_str("loading\n"),
        ViewModel::Unavailable { title, reason } => out.push_str(&format!("{title}: {reason}\n")),
        ViewModel::Live(v) => {
            out.push_str(&format!("Q {}\n", v.question));
            if let Some(b) = &v.ballot {
                for r in &b.rows {
                    out.push_str(&format!(
                        "{} {}\n",
                        if r.checked { "(x)" } else { "( )" },
                        r.label
                    ));
                }
                out.push_str(&format!(
                    "[{}]{}\n",
                    b.vote_label,
                    if b.vote_enabled { "" } else { " disabled" }
                ));
            }
            if let Some(r) = &v.results {
                for row in &r.rows {
                    out.push_str(&format!(
                        "{} — {}{} |{}|\n",
                        row.label,
                        row.figures,
                        if row.mine { " *" } else { "" },
                        row.bar_width
                    ));
                }
                for line in [r.total.as_deref(), r.note].into_iter().flatten() {
                    out.push_str(&format!("{line}\n"));
                }
            }
            for line in [v.status, v.notice.as_deref()].into_iter().flatten() {
                out.push_str(&format!("> {line}\n"));
            }
            for a in &v.actions {
                out.push_str(&format!("<{}>\n", a.name()));
            }
        }
    }
    out
}

#[test]
fn vote_is_optimistic_then_confirmed() {
    let mut s = loaded(overtime(), None);
    assert_eq!(
        snapshot(&s),
        "Q How many hours above your contracted hours are you working a week?\n\
         ( ) 1-5\n( ) 6-10\n( ) 11-15\n( ) 16+\n[Vote] disabled\n<view-results>\n"
    );
    step(&mut s, Event::Toggle(1));
    let effects = step(&mut s, Event::Submit);
    assert_eq!(
        effects,
        vec![
            Effect::Send,
            Effect::Focus(readerpoll::core::machine::FocusTarget::Results),
        ]
    );
    // What is sent: the reader's ballot, replacing nothing.
    assert_eq!(live(&s).mine, Some(vec![1]));
    assert_eq!(live(&s).previous, None);
    assert_eq!(live(&s).phase, Phase::Sending);
    assert_eq!(
        snapshot(&s),
        "Q How many hours above your contracted hours are you working a week?\n\
         1-5 — 16% (93 votes) |16.0%|\n\
         6-10 — 32% (185 votes) * |31.8%|\n\
         11-15 — 23% (134 votes) |23.0%|\n\
         16+ — 29% (170 votes) |29.2%|\n\
         Total voters: 582\n\
         > Sending your vote…\n"
    );
    // The server's answer replaces the optimistic numbers and includes the vote.
    step(
        &mut s,
        Event::Accepted(Some(wire(vec![93, 190, 134, 170], 587))),
    );
    assert_eq!(live(&s).phase, Phase::Results);
    assert!(snapshot(&s).contains("6-10 — 32% (190 votes) *"));
    assert!(snapshot(&s).contains("Total voters: 587"));
}

#[test]
fn only_the_sending_copy_announces_a_counted_vote() {
    // A second copy of the poll, with no vote of its own, that delivered a
    // shared outbox entry: it takes the numbers and says nothing.
    let mut copy = loaded(overtime(), None);
    let effects = step(
        &mut copy,
        Event::Accepted(Some(wire(vec![93, 185, 134, 170], 582))),
    );
    assert_eq!(effects, vec![]);
    assert_eq!(live(&copy).phase, Phase::Ballot);
    assert_eq!(live(&copy).server.voters, 582);
    assert!(live(&copy).mine.is_none());
}

#[test]
fn a_vote_on_its_way_from_elsewhere_is_shown_sending_and_never_added_to_backend_numbers() {
    let mut s = loaded(overtime(), None);
    step(&mut s, Event::Toggle(0));
    step(&mut s, Event::Submit);
    step(&mut s, Event::Retrying);
    // The reader changed it in another tab: that vote is followed now.
    let effects = step(&mut s, Event::Resending(vec!["11-15".into()]));
    assert_eq!(effects, vec![]);
    assert_eq!(live(&s).phase, Phase::Sending);
    assert_eq!(live(&s).mine, Some(vec![2]));
    // The page's own numbers cannot hold it: shown on top of them...
    assert_eq!(live(&s).shown_tally().voters, 582);
    // ...numbers from the backend may: shown as they are.
    step(
        &mut s,
        Event::Snapshot {
            tally: wire(vec![93, 184, 135, 170], 582),
            closed: false,
        },
    );
    assert_eq!(live(&s).shown_tally().voters, 582);
    // Settled elsewhere: the results, nothing announced here.
    assert_eq!(step(&mut s, Event::Settled(vec!["11-15".into()])), vec![]);
    assert_eq!(live(&s).phase, Phase::Results);
    assert_eq!(live(&s).shown_tally().voters, 582);
    // A ballot of options this copy does not have (the definition was
    // edited since it loaded) still ends the wait: they have voted.
    let mut sending = loaded(overtime(), None);
    step(&mut sending, Event::Toggle(1));
    step(&mut sending, Event::Submit);
    step(&mut sending, Event::Settled(vec!["no-such-option".into()]));
    assert_eq!(live(&sending).phase, Phase::Results);
    assert!(live(&sending).mine.is_none());
    assert!(!snapshot(&sending).contains(" *"), "{}", snapshot(&sending));
    assert_eq!(step(&mut sending, Event::BackToVote), vec![]);
}

#[test]
fn already_counted_does_not_claim_the_rejected_ballot() {
    let mut s = loaded(overtime(), None);
    step(&mut s, Event::Toggle(3));
    step(&mut s, Event::Submit);
    let effects = step(
        &mut s,
        Event::AlreadyCounted("You have already voted in this poll.".into()),
    );
    // The backend has an earlier vote of this reader's; this ballot is not it.
    assert_eq!(effects, vec![]);
    assert!(live(&s).mine.is_none());
    // The numbers without a choice marked as theirs.
    assert_eq!(live(&s).phase, Phase::Results);
    let shot = snapshot(&s);
    assert!(
        shot.contains("> You have already voted in this poll."),
        "{shot}"
    );
    assert!(shot.contains("Total voters: 581"), "{shot}");
    assert!(!shot.contains(" * "), "{shot}");
}

#[test]
fn already_counted_on_an_after_vote_poll_shows_the_results_and_takes_no_second_vote() {
    let mut p = overtime();
    p.results = readerpoll::core::poll::ResultsVisibility::AfterVote;
    let mut s = loaded(p, None);
    step(&mut s, Event::Toggle(3));
    step(&mut s, Event::Submit);
    step(
        &mut s,
        Event::AlreadyCounted("You have already voted in this poll.".into()),
    );
    // By the backend's word they have voted: the numbers, not the ballot.
    assert_eq!(live(&s).phase, Phase::Results);
    assert!(snapshot(&s).contains("Total voters: 581"));
    assert!(live(&s).mine.is_none());
    // And no way back to a ballot the backend would refuse again.
    assert_eq!(step(&mut s, Event::BackToVote), vec![]);
    assert_eq!(live(&s).phase, Phase::Results);
}

#[test]
fn a_vote_storage_cannot_keep_says_so_while_it_waits() {
    let mut s = loaded(overtime(), None);
    step(&mut s, Event::Toggle(1));
    step(&mut s, Event::Submit);
    step(&mut s, Event::Retrying);
    assert!(snapshot(&s).contains("> Your vote is saved on this device"));
    step(&mut s, Event::NotKept);
    let shot = snapshot(&s);
    assert!(
        shot.contains("> Your vote will be sent when the connection is back. Keep this page open."),
        "{shot}"
    );
    assert!(!shot.contains("saved on this device"), "{shot}");
}

#[test]
fn a_refused_vote_rolls_back_to_the_last_server_numbers() {
    let mut s = loaded(overtime(), None);
    step(&mut s, Event::Toggle(0));
    step(&mut s, Event::Submit);
    let effects = step(&mut s, Event::Refused("This poll is closed.".into()));
    assert_eq!(effects[0], Effect::Announce(Announcement::Refused));
    let l = live(&s);
    assert_eq!(l.phase, Phase::Ballot);
    assert_eq!(l.mine, None);
    assert_eq!(l.shown_tally().voters, 581);
    assert_eq!(
        l.notice,
        Some(Notice::Refused("This poll is closed.".into()))
    );
}

#[test]
fn a_refusal_of_another_copys_vote_leaves_a_confirmed_one_alone() {
    let mut s = loaded(overtime(), Some(vec!["6-10".into()]));
    assert_eq!(live(&s).phase, Phase::Results);
    let effects = step(&mut s, Event::Refused("This poll is closed.".into()));
    assert_eq!(effects, vec![]);
    assert_eq!(live(&s).mine, Some(vec![1]));
    assert_eq!(live(&s).phase, Phase::Results);
}

#[test]
fn a_stored_vote_shows_results_and_blocks_a_second_vote() {
    let mut s = loaded(overtime(), Some(vec!["16-plus".into()]));
    assert_eq!(live(&s).phase, Phase::Results);
    assert_eq!(live(&s).shown_tally().voters, 582);
    assert!(step(&mut s, Event::Submit).is_empty());
    assert!(step(&mut s, Event::BackToVote).is_empty());
    assert!(!snapshot(&s).contains("<back-to-vote>"));
}

/// Numbers read from the backend just now already hold a stored ballot it
/// received; published numbers, or a ballot still on its way, do not.
#[test]
fn a_stored_ballot_is_added_only_to_numbers_that_cannot_hold_it() {
    let load = |current| {
        let mut s = State::Loading;
        step(
            &mut s,
            Event::Loaded {
                poll: Box::new(overtime()),
                stored: Some(vec!["6-10".into()]),
                now: 1_800_000_000,
                current,
            },
        );
        s
    };
    assert_eq!(live(&load(false)).shown_tally().voters, 582);
    let mut s = load(true);
    assert_eq!(live(&s).shown_tally().voters, 581);
    // A vote found waiting (from an earlier visit) may be in numbers the
    // backend gave: not added to them (582, not 583).
    step(&mut s, Event::Resending(vec!["6-10".into()]));
    assert_eq!(live(&s).phase, Phase::Sending);
    assert_eq!(live(&s).shown_tally().voters, 581);
    let mut s = load(false);
    step(&mut s, Event::Resending(vec!["6-10".into()]));
    assert_eq!(live(&s).shown_tally().voters, 582);
}

#[test]
fn stored_votes_for_removed_options_are_ignored() {
    let s = loaded(overtime(), Some(vec!["gone".into()]));
    assert_eq!(live(&s).phase, Phase::Ballot);
}

#[test]
fn closed_and_not_yet_open_polls_take_no_votes() {
    let mut p = overtime();
    p.closed = true;
    let mut s = loaded(p, None);
    assert_eq!(live(&s).phase, Phase::Closed);
    assert!(snapshot(&s).contains("> This poll is closed."));
    assert!(snapshot(&s).contains("Total voters: 581"));
    step(&mut s, Event::Toggle(0));
    assert!(step(&mut s, Event::Submit).is_empty());

    let mut p = overtime();
    p.opens_at = Some(1_900_000_000);
    let mut s = loaded(p, None);
    assert!(snapshot(&s).contains("> This poll is not open yet."));
    step(&mut s, Event::Tick(1_900_000_000));
    assert_eq!(live(&s).phase, Phase::Ballot);
}

#[test]
fn a_poll_closes_at_its_date_without_a_timer() {
    let mut p = overtime();
    p.closes_at = Some(1_800_000_100);
    let mut s = loaded(p, None);
    assert_eq!(live(&s).phase, Phase::Ballot);
    step(&mut s, Event::Tick(1_800_000_100));
    assert_eq!(live(&s).phase, Phase::Closed);
}

#[test]
fn the_next_date_to_watch_is_the_nearest_one_ahead() {
    let mut p = overtime();
    assert_eq!(p.next_change_after(100), None);
    p.opens_at = Some(200);
    p.closes_at = Some(300);
    assert_eq!(p.next_change_after(100), Some(200));
    assert_eq!(p.next_change_after(200), Some(300));
    assert_eq!(p.next_change_after(299), Some(300));
    assert_eq!(p.next_change_after(300), None);
}

#[test]
fn results_visibility_policies() {
    use readerpoll::core::poll::ResultsVisibility::*;
    for (policy, before, after) in [
        (Always, true, true),
        (AfterVote, false, true),
        (AfterClose, false, false),
        (Never, false, false),
    ] {
        let mut p = overtime();
        p.results = policy;
        let mut s = loaded(p, None);
        assert_eq!(
            snapshot(&s).contains("<view-results>"),
            before,
            "{policy:?}"
        );
        step(&mut s, Event::Toggle(0));
        step(&mut s, Event::Submit);
        step(&mut s, Event::Accepted(None));
        let shot = snapshot(&s);
        assert_eq!(shot.contains("Total voters"), after, "{policy:?}: {shot}");
        if !after {
            assert!(shot.contains("> Thank you for voting."), "{shot}");
        }
    }
}

#[test]
fn changing_a_vote_moves_it() {
    let mut p = overtime();
    p.allow_change = true;
    let mut s = loaded(p, None);
    step(&mut s, Event::Toggle(0));
    step(&mut s, Event::Submit);
    step(
        &mut s,
        Event::Accepted(Some(wire(vec![94, 184, 134, 170], 582))),
    );
    assert!(snapshot(&s).contains("<change-vote>"));
    step(&mut s, Event::ChangeVote);
    step(&mut s, Event::Toggle(3));
    let effects = step(&mut s, Event::Submit);
    assert!(effects.contains(&Effect::Send));
    assert_eq!(live(&s).mine, Some(vec![3]));
    assert_eq!(live(&s).previous, Some(vec![0]));
    let t = live(&s).shown_tally();
    assert_eq!(t.counts, vec![93, 184, 134, 171]);
    assert_eq!(t.voters, 582);
}

#[test]
fn results_by_votes_order_and_multi_choice_note() {
    let mut p = overtime();
    p.results_order = readerpoll::core::poll::ResultsOrder::Votes;
    let mut s = loaded(p, None);
    step(&mut s, Event::ViewResults);
    let shot = snapshot(&s);
    let order: Vec<&str> = shot
        .lines()
        .skip(1)
        .take(4)
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    // The publisher's printed order.
    assert_eq!(order, ["6-10", "16+", "11-15", "1-5"]);
    assert!(shot.contains("<back-to-vote>"));
}

#[test]
fn ballot_rule_is_shared() {
    let p = overtime();
    assert!(valid_ballot(&p, &[0]));
    assert!(!valid_ballot(&p, &[]));
    assert!(!valid_ballot(&p, &[0, 1]));
    assert!(!valid_ballot(&p, &[4]));
}

#[test]
fn random_order_is_stable_per_reader_and_differs_between_readers() {
    let mut p = overtime();
    p.order = readerpoll::core::poll::OptionOrder::Random;
    let a = readerpoll::core::order::ballot_order(&p, "reader-a");
    assert_eq!(a, readerpoll::core::order::ballot_order(&p, "reader-a"));
    let mut sorted = a.clone();
    sorted.sort();
    assert_eq!(sorted, vec![0, 1, 2, 3]);
    let distinct = (0..20)
        .map(|i| readerpoll::core::order::ballot_order(&p, &format!("reader-{i}")))
        .collect::<std::collections::HashSet<_>>();
    assert!(distinct.len() > 3, "shuffle barely varies: {distinct:?}");
}

#[test]
fn unavailable_view_carries_the_reason() {
    let mut s = State::Loading;
    let err = readerpoll::core::ConfigError::new(ErrorCode::NoOptions, "the poll has no options");
    let effects = step(&mut s, Event::LoadFailed(err.clone()));
    assert_eq!(effects, vec![Effect::ReportError]);
    assert_eq!(s, State::Failed(err));
    assert_eq!(snapshot(&s), "Poll unavailable: the poll has no options\n");
}
