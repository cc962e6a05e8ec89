//! Every file of `tests/corpus/configs`, named and included at build time,
//! for the browser tests (a wasm test cannot read a directory). The native
//! test `every_corpus_file_is_listed_for_the_browser` (tests/hostile_corpus.rs)
//! fails when this list and the directory differ, so a new corpus file
//! cannot be left out of the browser run: add a line here for it.

macro_rules! corpus {
    ($($file:literal,)*) => {
        &[$(($file, include_str!(concat!("configs/", $file))),)*]
    };
}

/// `(file name, contents)` of each corpus file, in name order.
pub const CONFIGS: &[(&str, &str)] = corpus![
    "bad_id--id-with-spaces-and-quotes.json",
    "count_too_large--beyond-2-to-the-53.json",
    "duplicate_option_id--same-id-twice.json",
    "empty_label--whitespace-label.json",
    "invalid_json--empty.json",
    "invalid_json--lone-surrogate.json",
    "invalid_json--nan-count.json",
    "label_too_long--ten-thousand-characters.json",
    "missing_field--no-options.json",
    "ok--bidi-override-and-zero-width.json",
    "ok--four-byte-emoji.json",
    "ok--markup-in-every-text.json",
    "ok--thousands-of-votes.json",
    "too_many_options--a-thousand-options.json",
    "unknown_field--prototype-pollution.json",
    "voters_too_few--fewer-voters-than-votes.json",
    "wrong_type--deeply-nested.json",
    "wrong_type--huge-float-count.json",
    "wrong_type--negative-count.json",
    "wrong_type--options-is-a-string.json",
    "wrong_type--question-is-a-number.json",
];
