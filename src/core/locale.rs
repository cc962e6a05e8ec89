//! The widget's languages: English texts, and for every language its plural
//! rule and number formatting, which are code. The other languages' texts
//! are data (`www/element/locales/<tag>.json`): the element fetches the one
//! its page needs and passes it, by message name, under the site's own
//! overrides (`Texts::set`), so a page in English downloads none of them.

use std::borrow::Cow;

/// CLDR plural categories. Only the ones our locales use are produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plural {
    Zero = 0,
    One = 1,
    Two = 2,
    Few = 3,
    Many = 4,
    Other = 5,
}

/// A message the widget shows. The snake_case name is what sites use to
/// override it (`data-text-vote="Send"` or `el.texts = {vote: "Send"}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    Vote = 0,
    Sending,
    ViewResults,
    BackToVote,
    TotalVoters,
    ChooseOne,
    ChooseUpTo,
    TooMany,
    YourChoice,
    VoteCounted,
    AlreadyVoted,
    Closed,
    NotOpen,
    Unavailable,
    OfVotersNote,
    ResultsAfterVote,
    ResultsAfterClose,
    ResultsNever,
    ChangeVote,
    Thanks,
    Results,
    Waiting,
    WaitingHere,
    NotKept,
}

/// Every overridable text by name, in `Msg` order, then the six forms of
/// "{n} votes" by plural category (`Plural` order) as `votes.<category>`.
const NAMES: [&str; TEXT_COUNT] = [
    "vote",
    "sending",
    "view_results",
    "back_to_vote",
    "total_voters",
    "choose_one",
    "choose_up_to",
    "too_many",
    "your_choice",
    "vote_counted",
    "already_voted",
    "closed",
    "not_open",
    "unavailable",
    "of_voters_note",
    "results_after_vote",
    "results_after_close",
    "results_never",
    "change_vote",
    "thanks",
    "results",
    "waiting",
    "waiting_here",
    "not_kept",
    "votes.zero",
    "votes.one",
    "votes.two",
    "votes.few",
    "votes.many",
    "votes.other",
];

pub const MSG_COUNT: usize = 24;
/// The messages plus the six plural forms of "{n} votes".
pub const TEXT_COUNT: usize = MSG_COUNT + 6;

impl Msg {
    pub fn from_name(name: &str) -> Option<Msg> {
        const ALL: [Msg; MSG_COUNT] = [
            Msg::Vote,
            Msg::Sending,
            Msg::ViewResults,
            Msg::BackToVote,
            Msg::TotalVoters,
            Msg::ChooseOne,
            Msg::ChooseUpTo,
            Msg::TooMany,
            Msg::YourChoice,
            Msg::VoteCounted,
            Msg::AlreadyVoted,
            Msg::Closed,
            Msg::NotOpen,
            Msg::Unavailable,
            Msg::OfVotersNote,
            Msg::ResultsAfterVote,
            Msg::ResultsAfterClose,
            Msg::ResultsNever,
            Msg::ChangeVote,
            Msg::Thanks,
            Msg::Results,
            Msg::Waiting,
            Msg::WaitingHere,
            Msg::NotKept,
        ];
        text_index(name).and_then(|index| ALL.get(index).copied())
    }
}

fn text_index(name: &str) -> Option<usize> {
    NAMES.iter().position(|n| *n == name)
}

/// A language's plural rule and number formatting. Its texts are not here:
/// only English is built in (`EN_TEXTS`), the rest come as overrides.
pub struct Locale {
    pub tag: &'static str,
    pub rtl: bool,
    pub group_separator: &'static str,
    /// 2 where a four-digit number is not grouped (Spanish: "1234").
    pub min_grouping: u8,
    pub decimal_separator: &'static str,
    pub percent_suffix: &'static str,
    pub plural: fn(u64) -> Plural,
}

fn plural_one_other(n: u64) -> Plural {
    if n == 1 {
        Plural::One
    } else {
        Plural::Other
    }
}

fn plural_french(n: u64) -> Plural {
    if n <= 1 {
        Plural::One
    } else {
        Plural::Other
    }
}

fn plural_arabic(n: u64) -> Plural {
    match (n, n % 100) {
        (0, _) => Plural::Zero,
        (1, _) => Plural::One,
        (2, _) => Plural::Two,
        (_, 3..=10) => Plural::Few,
        (_, 11..=99) => Plural::Many,
        _ => Plural::Other,
    }
}

/// The built-in texts, in `NAMES` order: what every page shows until (and
/// unless) its language's texts replace them.
const EN_TEXTS: [&str; TEXT_COUNT] = [
    "Vote",
    "Sending your vote…",
    "View results",
    "Back to vote",
    "Total voters: {n}",
    "Choose an option, then vote.",
    "Choose up to {n} options.",
    "You can choose at most {n} options.",
    "Your choice",
    "Vote counted.",
    "You have already voted in this poll.",
    "This poll is closed.",
    "This poll is not open yet.",
    "Poll unavailable",
    "Readers could choose more than one option, so percentages are of voters.",
    "Results are shown after you vote.",
    "Results will be shown when the poll closes.",
    "The results of this poll are not published.",
    "Change your vote",
    "Thank you for voting.",
    "Results",
    "Your vote is saved on this device and will be sent when the connection is back.",
    "Your vote will be sent when the connection is back. Keep this page open.",
    "Your vote is not kept on this device: this browser would not store it.",
    "{n} votes",
    "{n} vote",
    "{n} votes",
    "{n} votes",
    "{n} votes",
    "{n} votes",
];

pub static EN: Locale = Locale {
    tag: "en",
    rtl: false,
    group_separator: ",",
    min_grouping: 1,
    decimal_separator: ".",
    percent_suffix: "%",
    plural: plural_one_other,
};

static DE: Locale = Locale {
    tag: "de",
    rtl: false,
    group_separator: ".",
    min_grouping: 1,
    decimal_separator: ",",
    percent_suffix: "\u{A0}%",
    plural: plural_one_other,
};

static FR: Locale = Locale {
    tag: "fr",
    rtl: false,
    group_separator: "\u{202F}",
    min_grouping: 1,
    decimal_separator: ",",
    percent_suffix: "\u{202F}%",
    plural: plural_french,
};

static ES: Locale = Locale {
    tag: "es",
    rtl: false,
    group_separator: ".",
    min_grouping: 2,
    decimal_separator: ",",
    percent_suffix: "\u{A0}%",
    plural: plural_one_other,
};

static AR: Locale = Locale {
    tag: "ar",
    rtl: true,
    group_separator: ",",
    min_grouping: 1,
    decimal_separator: ".",
    percent_suffix: "%",
    plural: plural_arabic,
};

static ALL: [&Locale; 5] = [&EN, &DE, &FR, &ES, &AR];

/// The locale for a BCP 47 tag ("de-AT" -> German), English when unknown.
pub fn locale_for(tag: &str) -> &'static Locale {
    let primary = crate::core::format::pieces(tag, b"-_").next().unwrap_or("");
    ALL.iter()
        .copied()
        .find(|l| l.tag.eq_ignore_ascii_case(primary))
        .unwrap_or(&EN)
}

/// English texts with overrides (the language's texts, then the site's)
/// applied, formatted for a locale.
pub struct Texts {
    pub locale: &'static Locale,
    texts: [Cow<'static, str>; TEXT_COUNT],
    /// Whether any `votes.*` form was given. Until one is, the forms are
    /// English and are picked by the English rule: a French page whose
    /// texts failed to load says "0 votes", not "0 vote".
    own_plurals: bool,
}

impl Texts {
    pub fn new(locale: &'static Locale) -> Self {
        Texts {
            locale,
            texts: EN_TEXTS.map(Cow::Borrowed),
            own_plurals: false,
        }
    }

    /// Overrides one text by its name (`vote`, `votes.few`, …); false if no
    /// text has that name.
    pub fn set(&mut self, name: &str, text: &str) -> bool {
        let Some(slot) = text_index(name).and_then(|index| self.texts.get_mut(index)) else {
            return false;
        };
        *slot = Cow::Owned(text.to_owned());
        self.own_plurals |= name.starts_with("votes.");
        true
    }

    pub fn get(&self, msg: Msg) -> &str {
        &self.texts[msg as usize]
    }

    /// A message as an owned string, for the view model. Not inlined: the
    /// view asks for a dozen messages and shares this one copy.
    #[inline(never)]
    pub fn owned(&self, msg: Msg) -> String {
        self.get(msg).to_owned()
    }

    /// A message with `{n}` filled in, grouped per locale.
    pub fn with_n(&self, msg: Msg, n: u64) -> String {
        crate::core::format::fill(self.get(msg), n, self.locale)
    }

    /// "1 vote", "1,234 votes" (or the locale's forms).
    pub fn votes(&self, n: u64) -> String {
        let rule = if self.own_plurals {
            self.locale.plural
        } else {
            plural_one_other
        };
        let form = self
            .texts
            .get(MSG_COUNT + rule(n) as usize)
            .map_or("", |t| t);
        crate::core::format::fill(form, n, self.locale)
    }
}

/// A language's shipped texts file (the poll's and the survey's texts), as
/// the element passes it.
#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) fn texts_file(tag: &str) -> serde_json::Map<String, serde_json::Value> {
    let path = format!(
        "{}/www/element/locales/{tag}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// The languages whose texts ship as `www/element/locales/<tag>.json`.
    const TRANSLATED: [&str; 4] = ["de", "fr", "es", "ar"];

    /// What a page in `tag` shows: English, under that language's file
    /// (whose other texts are the survey's).
    fn texts(tag: &str) -> Texts {
        let mut t = Texts::new(locale_for(tag));
        let mut survey = crate::survey_view::SurveyTexts::default();
        if tag != "en" {
            for (name, text) in texts_file(tag) {
                let text = text.as_str().unwrap_or_else(|| panic!("{tag}: {name}"));
                let known = t.set(&name, text) || survey.set(&name, text);
                assert!(known, "{tag}.json: unknown text {name}");
            }
        }
        t
    }

    #[test]
    fn plurals_for_0_1_2_5_1234() {
        let table: [(&str, [&str; 5]); 5] = [
            (
                "en",
                ["0 votes", "1 vote", "2 votes", "5 votes", "1,234 votes"],
            ),
            (
                "de",
                [
                    "0 Stimmen",
                    "1 Stimme",
                    "2 Stimmen",
                    "5 Stimmen",
                    "1.234 Stimmen",
                ],
            ),
            (
                "fr",
                [
                    "0 vote",
                    "1 vote",
                    "2 votes",
                    "5 votes",
                    "1\u{202F}234 votes",
                ],
            ),
            (
                "es",
                ["0 votos", "1 voto", "2 votos", "5 votos", "1234 votos"],
            ),
            (
                "ar",
                ["لا أصوات", "صوت واحد", "صوتان", "5 أصوات", "1,234 صوتًا"],
            ),
        ];
        for (tag, expected) in table {
            let t = texts(tag);
            for (n, want) in [0, 1, 2, 5, 1234].into_iter().zip(expected) {
                assert_eq!(t.votes(n), want, "{tag} {n}");
            }
        }
    }

    #[test]
    fn every_language_file_translates_every_message_and_its_plural_forms() {
        for tag in TRANSLATED {
            let file = texts_file(tag);
            let plural = locale_for(tag).plural;
            for (index, name) in NAMES.iter().enumerate() {
                let needed =
                    index < MSG_COUNT || (0..200).any(|n| MSG_COUNT + plural(n) as usize == index);
                assert_eq!(file.contains_key(*name), needed, "{tag}.json: {name}");
            }
        }
        assert_eq!(texts("de").get(Msg::Vote), "Abstimmen");
        assert_eq!(
            texts("fr").with_n(Msg::TotalVoters, 1249),
            "Total des votants\u{A0}: 1\u{202F}249"
        );
        assert_eq!(
            texts("ar").with_n(Msg::TotalVoters, 1249),
            "إجمالي المصوّتين: 1,249"
        );
    }

    /// The element fetches a texts file only for the languages it lists.
    #[test]
    fn the_element_fetches_exactly_the_shipped_languages() {
        let module = include_str!("../../www/element/reader-poll.js");
        let line = module
            .lines()
            .find(|l| l.starts_with("const TRANSLATED = "))
            .expect("reader-poll.js lists the translated languages");
        let mut files: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/www/element/locales"))
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .collect();
        files.sort();
        let mut expected: Vec<String> = TRANSLATED.iter().map(|t| format!("{t}.json")).collect();
        expected.sort();
        assert_eq!(files, expected);
        for tag in TRANSLATED {
            assert!(line.contains(&format!("'{tag}'")), "{line} lacks {tag}");
            assert_eq!(locale_for(tag).tag, tag);
        }
        assert_eq!(line.matches('\'').count(), 2 * TRANSLATED.len(), "{line}");
    }

    /// Without its texts file a page shows English, still with its own
    /// number formatting, and English plural forms picked by English rules.
    #[test]
    fn a_language_without_its_texts_shows_english() {
        let t = Texts::new(locale_for("fr"));
        assert_eq!(t.get(Msg::Vote), "Vote");
        assert_eq!(t.votes(0), "0 votes");
        assert_eq!(t.votes(1234), "1\u{202F}234 votes");
        let t = Texts::new(locale_for("ar"));
        assert_eq!(t.votes(2), "2 votes");
        assert_eq!(t.votes(1), "1 vote");
    }

    #[test]
    fn arabic_plural_categories() {
        assert_eq!(plural_arabic(103), Plural::Few);
        assert_eq!(plural_arabic(111), Plural::Many);
        assert_eq!(plural_arabic(100), Plural::Other);
        assert_eq!(plural_arabic(1234), Plural::Many);
    }

    #[test]
    fn tags_fall_back_to_english() {
        assert_eq!(locale_for("de-AT").tag, "de");
        assert_eq!(locale_for("AR").tag, "ar");
        assert_eq!(locale_for("xx").tag, "en");
        assert_eq!(locale_for("").tag, "en");
    }

    #[test]
    fn overrides_by_name() {
        let mut t = Texts::new(&EN);
        assert!(t.set("vote", "Send"));
        assert!(!t.set("nope", "x"));
        assert!(!t.set("votes", "x"));
        assert_eq!(t.get(Msg::Vote), "Send");
        assert_eq!(t.with_n(Msg::TotalVoters, 581), "Total voters: 581");
        assert!(t.set("votes.other", "{n} answers"));
        assert_eq!(t.votes(3), "3 answers");
        assert_eq!(t.votes(1), "1 vote");
    }

    #[test]
    fn every_message_has_a_name_that_round_trips() {
        for name in &NAMES[..MSG_COUNT] {
            let msg = Msg::from_name(name).unwrap();
            assert_eq!(NAMES[msg as usize], *name);
        }
        for name in &NAMES[MSG_COUNT..] {
            assert_eq!(Msg::from_name(name), None);
            assert!(Texts::new(&EN).set(name, "x"));
        }
    }
}
