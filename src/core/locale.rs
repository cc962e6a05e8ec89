//! Every string the widget shows, per language, and the plural rules that
//! pick between forms. Sites override single strings by name (`Texts::set`).

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
}

const MSG_NAMES: [&str; MSG_COUNT] = [
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
];

pub const MSG_COUNT: usize = 22;

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
        ];
        MSG_NAMES
            .iter()
            .position(|n| *n == name)
            .map(|index| ALL[index])
    }
}

/// A language: its strings, its vote-count plural forms and its numbers.
pub struct Locale {
    pub tag: &'static str,
    pub rtl: bool,
    pub group_separator: &'static str,
    /// 2 where a four-digit number is not grouped (Spanish: "1234").
    pub min_grouping: u8,
    pub decimal_separator: &'static str,
    pub percent_suffix: &'static str,
    pub plural: fn(u64) -> Plural,
    /// "{n} votes" by plural category (Zero..Other); unused slots repeat Other.
    pub votes: [&'static str; 6],
    pub messages: [&'static str; MSG_COUNT],
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

pub static EN: Locale = Locale {
    tag: "en",
    rtl: false,
    group_separator: ",",
    min_grouping: 1,
    decimal_separator: ".",
    percent_suffix: "%",
    plural: plural_one_other,
    votes: [
        "{n} votes",
        "{n} vote",
        "{n} votes",
        "{n} votes",
        "{n} votes",
        "{n} votes",
    ],
    messages: [
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
    ],
};

pub static DE: Locale = Locale {
    tag: "de",
    rtl: false,
    group_separator: ".",
    min_grouping: 1,
    decimal_separator: ",",
    percent_suffix: "\u{A0}%",
    plural: plural_one_other,
    votes: [
        "{n} Stimmen",
        "{n} Stimme",
        "{n} Stimmen",
        "{n} Stimmen",
        "{n} Stimmen",
        "{n} Stimmen",
    ],
    messages: [
        "Abstimmen",
        "Ihre Stimme wird gesendet …",
        "Ergebnisse ansehen",
        "Zurück zur Abstimmung",
        "Teilnehmende insgesamt: {n}",
        "Wählen Sie eine Antwort und stimmen Sie ab.",
        "Wählen Sie bis zu {n} Antworten.",
        "Sie können höchstens {n} Antworten wählen.",
        "Ihre Wahl",
        "Stimme gezählt.",
        "Sie haben bei dieser Umfrage bereits abgestimmt.",
        "Diese Umfrage ist beendet.",
        "Diese Umfrage ist noch nicht geöffnet.",
        "Umfrage nicht verfügbar",
        "Mehrfachauswahl war möglich, daher beziehen sich die Prozente auf die Teilnehmenden.",
        "Die Ergebnisse erscheinen nach Ihrer Stimmabgabe.",
        "Die Ergebnisse erscheinen, wenn die Umfrage endet.",
        "Die Ergebnisse dieser Umfrage werden nicht veröffentlicht.",
        "Stimme ändern",
        "Danke für Ihre Stimme.",
        "Ergebnisse",
        "Ihre Stimme ist auf diesem Gerät gespeichert und wird gesendet, sobald die Verbindung wieder steht.",
    ],
};

pub static FR: Locale = Locale {
    tag: "fr",
    rtl: false,
    group_separator: "\u{202F}",
    min_grouping: 1,
    decimal_separator: ",",
    percent_suffix: "\u{202F}%",
    plural: plural_french,
    votes: [
        "{n} votes",
        "{n} vote",
        "{n} votes",
        "{n} votes",
        "{n} votes",
        "{n} votes",
    ],
    messages: [
        "Voter",
        "Envoi de votre vote…",
        "Voir les résultats",
        "Retour au vote",
        "Total des votants\u{A0}: {n}",
        "Choisissez une réponse, puis votez.",
        "Choisissez jusqu’à {n} réponses.",
        "Vous pouvez choisir au plus {n} réponses.",
        "Votre choix",
        "Vote enregistré.",
        "Vous avez déjà voté à ce sondage.",
        "Ce sondage est clos.",
        "Ce sondage n’est pas encore ouvert.",
        "Sondage indisponible",
        "Plusieurs réponses étaient possibles\u{A0}: les pourcentages portent sur les votants.",
        "Les résultats s’affichent après votre vote.",
        "Les résultats seront publiés à la clôture du sondage.",
        "Les résultats de ce sondage ne sont pas publiés.",
        "Modifier votre vote",
        "Merci d’avoir voté.",
        "Résultats",
        "Votre vote est enregistré sur cet appareil et sera envoyé dès le retour de la connexion.",
    ],
};

pub static ES: Locale = Locale {
    tag: "es",
    rtl: false,
    group_separator: ".",
    min_grouping: 2,
    decimal_separator: ",",
    percent_suffix: "\u{A0}%",
    plural: plural_one_other,
    votes: [
        "{n} votos",
        "{n} voto",
        "{n} votos",
        "{n} votos",
        "{n} votos",
        "{n} votos",
    ],
    messages: [
        "Votar",
        "Enviando su voto…",
        "Ver resultados",
        "Volver a votar",
        "Total de votantes: {n}",
        "Elija una opción y vote.",
        "Elija hasta {n} opciones.",
        "Puede elegir como máximo {n} opciones.",
        "Su elección",
        "Voto registrado.",
        "Ya ha votado en esta encuesta.",
        "Esta encuesta está cerrada.",
        "Esta encuesta aún no está abierta.",
        "Encuesta no disponible",
        "Se podía elegir más de una opción, así que los porcentajes son sobre los votantes.",
        "Los resultados se muestran después de votar.",
        "Los resultados se mostrarán cuando cierre la encuesta.",
        "Los resultados de esta encuesta no se publican.",
        "Cambiar su voto",
        "Gracias por votar.",
        "Resultados",
        "Su voto está guardado en este dispositivo y se enviará cuando vuelva la conexión.",
    ],
};

pub static AR: Locale = Locale {
    tag: "ar",
    rtl: true,
    group_separator: ",",
    min_grouping: 1,
    decimal_separator: ".",
    percent_suffix: "%",
    plural: plural_arabic,
    votes: [
        "لا أصوات",
        "صوت واحد",
        "صوتان",
        "{n} أصوات",
        "{n} صوتًا",
        "{n} صوت",
    ],
    messages: [
        "صوّت",
        "جارٍ إرسال صوتك…",
        "عرض النتائج",
        "العودة إلى التصويت",
        "إجمالي المصوّتين: {n}",
        "اختر إجابة ثم صوّت.",
        "اختر حتى {n} إجابات.",
        "يمكنك اختيار {n} إجابات على الأكثر.",
        "اختيارك",
        "تم احتساب صوتك.",
        "لقد صوّتَّ في هذا الاستطلاع من قبل.",
        "هذا الاستطلاع مغلق.",
        "هذا الاستطلاع لم يُفتح بعد.",
        "الاستطلاع غير متاح",
        "كان يمكن اختيار أكثر من إجابة، لذا النسب من عدد المصوّتين.",
        "تظهر النتائج بعد تصويتك.",
        "ستظهر النتائج عند إغلاق الاستطلاع.",
        "نتائج هذا الاستطلاع غير منشورة.",
        "غيّر صوتك",
        "شكرًا لتصويتك.",
        "النتائج",
        "صوتك محفوظ على هذا الجهاز وسيُرسل عند عودة الاتصال.",
    ],
};

static ALL: [&Locale; 5] = [&EN, &DE, &FR, &ES, &AR];

/// The locale for a BCP 47 tag ("de-AT" -> German), English when unknown.
pub fn locale_for(tag: &str) -> &'static Locale {
    let primary = tag.split(['-', '_']).next().unwrap_or("");
    ALL.iter()
        .copied()
        .find(|l| l.tag.eq_ignore_ascii_case(primary))
        .unwrap_or(&EN)
}

/// A locale's strings with a site's overrides applied.
pub struct Texts {
    pub locale: &'static Locale,
    messages: [Cow<'static, str>; MSG_COUNT],
}

impl Texts {
    pub fn new(locale: &'static Locale) -> Self {
        Texts {
            locale,
            messages: locale.messages.map(Cow::Borrowed),
        }
    }

    /// Overrides one message by its name; false if no message has that name.
    pub fn set(&mut self, name: &str, text: &str) -> bool {
        match Msg::from_name(name) {
            Some(msg) => {
                self.messages[msg as usize] = Cow::Owned(text.to_owned());
                true
            }
            None => false,
        }
    }

    pub fn get(&self, msg: Msg) -> &str {
        &self.messages[msg as usize]
    }

    /// A message with `{n}` filled in, grouped per locale.
    pub fn with_n(&self, msg: Msg, n: u64) -> String {
        crate::core::format::fill(self.get(msg), n, self.locale)
    }

    /// "1 vote", "1,234 votes" (or the locale's forms).
    pub fn votes(&self, n: u64) -> String {
        let form = (self.locale.plural)(n) as usize;
        crate::core::format::fill(self.locale.votes[form], n, self.locale)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn votes(tag: &str, n: u64) -> String {
        Texts::new(locale_for(tag)).votes(n)
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
            for (n, want) in [0, 1, 2, 5, 1234].into_iter().zip(expected) {
                assert_eq!(votes(tag, n), want, "{tag} {n}");
            }
        }
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
        assert_eq!(t.get(Msg::Vote), "Send");
        assert_eq!(t.with_n(Msg::TotalVoters, 581), "Total voters: 581");
    }

    #[test]
    fn every_message_has_a_name_that_round_trips() {
        for name in MSG_NAMES {
            let msg = Msg::from_name(name).unwrap();
            assert_eq!(MSG_NAMES[msg as usize], name);
        }
    }
}
