//! Hostile poll definitions (tests/corpus/configs, kept in the repo) and
//! decoders fed arbitrary input: every one is accepted as text or refused
//! with its own error code, and nothing panics. The file name says what is
//! expected: `CODE--what.json`, where CODE is `ok` or an error code. The
//! browser test suite runs the same files through the widget's own decoder.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use readerpoll::core::dates::parse_rfc3339;
use readerpoll::core::outbox::{decode, parse_retry_after};
use readerpoll::core::poll::{Poll, RawPoll};
use readerpoll::core::wire::VoteBody;
use readerpoll::core::{ConfigError, ErrorCode};

#[path = "corpus/configs.rs"]
mod corpus;

/// Text to a validated poll, as the server and native tools do it.
fn parse(text: &str) -> Result<Poll, ConfigError> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| ConfigError::new(ErrorCode::InvalidJson, e.to_string()))?;
    let raw: RawPoll =
        serde_json::from_value(value).map_err(|e| ConfigError::from_decoder(e.to_string()))?;
    Poll::from_raw(raw)
}

/// Where serde_json and the browser's JSON.parse legitimately differ.
fn native_expectation(file: &str, expected: &str) -> String {
    match file {
        // serde_json stops at 128 levels; JSON.parse reads the array.
        "wrong_type--deeply-nested.json" => "invalid_json".into(),
        _ => expected.into(),
    }
}

#[test]
fn every_corpus_definition_is_accepted_or_refused_with_its_code() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/configs");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_str().unwrap().to_owned();
        let expected = native_expectation(&file, file.split("--").next().unwrap());
        let text = std::fs::read_to_string(&path).unwrap();
        match parse(&text) {
            Ok(poll) => {
                assert_eq!(expected, "ok", "{file} was accepted");
                // Text is kept exactly as written: it is shown as text.
                let value: serde_json::Value = serde_json::from_str(&text).unwrap();
                assert_eq!(value["question"].as_str().unwrap(), poll.question, "{file}");
                for (o, raw) in poll
                    .options
                    .iter()
                    .zip(value["options"].as_array().unwrap())
                {
                    assert_eq!(raw["label"].as_str().unwrap(), o.label, "{file}");
                }
            }
            Err(e) => {
                assert_eq!(e.code.as_str(), expected, "{file}: {e}");
                assert!(!e.message.is_empty(), "{file}");
                assert!(e.message.chars().count() <= 400, "{file}: message too long");
            }
        }
        seen += 1;
    }
    assert!(seen >= 20, "only {seen} corpus files");
}

/// The browser run (tests/browser.rs) takes the corpus from
/// tests/corpus/configs.rs, built in at compile time: that list must be the
/// directory, file for file and byte for byte.
#[test]
fn every_corpus_file_is_listed_for_the_browser() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/configs");
    let mut on_disk: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            (name, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    on_disk.sort();
    let listed: Vec<(String, String)> = corpus::CONFIGS
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    let names = |files: &[(String, String)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    let missing: Vec<String> = names(&on_disk)
        .into_iter()
        .filter(|n| !names(&listed).contains(n))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/corpus/configs.rs does not list {missing:?}: the browser tests would skip them"
    );
    assert_eq!(
        names(&listed),
        names(&on_disk),
        "tests/corpus/configs.rs: one line per file, in name order"
    );
    assert_eq!(listed, on_disk);
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(serde_json::Value::from),
        ".{0,40}".prop_map(serde_json::Value::from),
    ];
    let names = prop_oneof![
        Just("id"),
        Just("question"),
        Just("options"),
        Just("label"),
        Just("mode"),
        Just("max_choices"),
        Just("counts"),
        Just("voters"),
        Just("opens_at"),
        Just("closes_at"),
        Just("results"),
        Just("order"),
        Just("allow_change"),
        Just("a"),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(serde_json::Value::from),
            prop::collection::vec((names.clone(), inner), 0..8).prop_map(|pairs| {
                serde_json::Value::Object(
                    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
                )
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_config_decoder(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse(&text);
    }

    #[test]
    fn arbitrary_json_shapes_never_panic_the_config_decoder(value in arbitrary_json()) {
        let _ = parse(&value.to_string());
    }

    #[test]
    fn arbitrary_text_never_panics_the_wire_decoders(text in ".{0,300}") {
        let _ = decode(&text);
        let _ = parse_retry_after(&text);
        let _ = parse_rfc3339(&text);
        let _ = serde_json::from_str::<VoteBody>(&text);
    }
}
