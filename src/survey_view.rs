//! Survey flow -> view model: every word and number a survey shows, decided
//! natively so the DOM layer only copies it into nodes (as `view` does for
//! a poll). The survey's own texts are separate from the poll's, so a page
//! with only polls carries none of them.

use std::borrow::Cow;

use crate::core::count::SurveyTally;
use crate::core::format::{decimal, fill, fill_in, percent, pieces};
use crate::core::locale::{Locale, EN as ENGLISH};
use crate::core::poll::ResultsVisibility;
use crate::core::question::concat;
use crate::core::question::{Answer, Bar, Kind, Question, Results};
use crate::core::share::PERCENT;
use crate::core::survey::Layout;
use crate::core::survey_flow::{Flow, Notice, Phase};
use crate::view::css_percent;

/// A survey message. The snake_case name is what sites override it by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SurveyMsg {
    Next = 0,
    Back,
    Submit,
    Progress,
    Required,
    RequiredRows,
    Optional,
    Sending,
    Done,
    Median,
    NpsScore,
    Detractors,
    Passives,
    Promoters,
    ResultsAfterVote,
    ResultsAfterClose,
    ResultsNever,
    Unavailable,
    Closed,
    Unsent,
    ChangeAnswers,
    /// The survey closed while the reader was changing counted answers.
    Stands,
    /// Its open time is ahead. Named as the poll's, whose translations it
    /// shares.
    NotOpen,
}

/// A counted text, in the six plural forms as the poll's "{n} votes":
/// `answers.<category>` and `written.<category>` (`answers.one`,
/// `written.few`, …).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Counted {
    /// "{n} answers", beside a result bar.
    Answers = 0,
    /// "{n} written answers", all a text question's results say.
    Written,
}

/// How many messages a survey has.
const MSG_COUNT: usize = 23;
/// The messages, then each counted text's six plural forms.
const COUNT: usize = MSG_COUNT + 2 * 6;

/// Every name, space-separated: in `SurveyMsg` order, then the forms in
/// `Counted` and `Plural` order. One string, not a table of them: 30 fewer
/// pointers in the survey build. The languages' texts are in
/// `www/element/locales/<tag>.json`, beside the poll's.
const NAMES: &str = "next back submit progress required required_rows optional \
    sending_answers answers_counted median nps_score detractors passives promoters \
    survey_results_after_vote survey_results_after_close survey_results_never \
    survey_unavailable survey_closed answers_not_sent change_answers answers_stand not_open answers.zero answers.one answers.two answers.few answers.many \
    answers.other written.zero written.one written.two written.few written.many written.other";

/// The English texts, in `NAMES` order, `|` between them: one string, as
/// `NAMES` is.
const EN: &str = "Next|\
    Back|\
    Send answers|\
    Question {n} of {total}|\
    Answer this question to go on.|\
    Answer every row to go on.|\
    Optional|\
    Sending your answers…|\
    Thank you: your answers were counted.|\
    Median: {n}|\
    Net Promoter Score: {n}|\
    Detractors (0-6)|\
    Passives (7-8)|\
    Promoters (9-10)|\
    Results are shown after you answer.|\
    Results will be shown when the survey closes.|\
    The results of this survey are not published.|\
    This survey cannot be shown.|\
    This survey is closed.|\
    Your answers were not sent: this survey has closed.|\
    Change your answers|\
    This survey has closed; your earlier answers stand.|\
    This survey is not open yet.|\
    {n} answers|\
    {n} answer|\
    {n} answers|\
    {n} answers|\
    {n} answers|\
    {n} answers|\
    {n} written answers|\
    {n} written answer|\
    {n} written answers|\
    {n} written answers|\
    {n} written answers|\
    {n} written answers";

/// English survey texts with a site's or language's overrides.
pub struct SurveyTexts {
    texts: [Cow<'static, str>; COUNT],
    /// Whether any plural form was given. Until one is, the forms are
    /// English and are picked by the English rule, as the poll's are: a
    /// French page whose texts failed to load says "0 answers".
    own_plurals: bool,
}

impl Default for SurveyTexts {
    fn default() -> Self {
        SurveyTexts {
            texts: {
                let mut en = pieces(EN, b"|");
                std::array::from_fn(|_| Cow::Borrowed(en.next().unwrap_or_default()))
            },
            own_plurals: false,
        }
    }
}

impl SurveyTexts {
    /// Overrides one text by name; false if no survey text has that name.
    pub fn set(&mut self, name: &str, text: &str) -> bool {
        match pieces(NAMES, b" ").position(|n| n == name) {
            Some(i) => {
                self.texts[i] = Cow::Owned(text.to_owned());
                self.own_plurals |= i >= MSG_COUNT;
                true
            }
            None => false,
        }
    }

    pub fn get(&self, msg: SurveyMsg) -> &str {
        &self.texts[msg as usize]
    }

    /// "{n} answers" or "{n} answer" (or the language's forms), picked by
    /// the language's plural rule once its forms are there.
    fn count(&self, what: Counted, n: u64, locale: &Locale) -> String {
        let rule = if self.own_plurals {
            locale.plural
        } else {
            ENGLISH.plural
        };
        fill(
            &self.texts[MSG_COUNT + what as usize * 6 + rule(n) as usize],
            n,
            locale,
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyView<'a> {
    pub title: Option<&'a str>,
    /// "Question 2 of 4", in the steps layout while answering.
    pub progress: Option<String>,
    /// The questions shown: the current one in steps, every visible one in
    /// the all layout; none once sent.
    pub questions: Vec<QuestionView<'a>>,
    /// Present while answering.
    pub actions: Option<Actions<'a>>,
    pub status: Option<&'a str>,
    pub busy: bool,
    /// Per question, once the reader may see them; else why not.
    pub results: Option<Vec<QuestionResults>>,
    pub results_note: Option<&'a str>,
    /// "Change your answers", for a reader who may answer again.
    pub change: Option<&'a str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actions<'a> {
    /// `Some` where there is a step to go back to.
    pub back: Option<&'a str>,
    /// "Next", or "Send answers" on the last step and in the all layout.
    pub forward: &'a str,
    pub forward_sends: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionView<'a> {
    pub index: usize,
    pub id: &'a str,
    pub prompt: &'a str,
    /// "Optional" next to the prompt of an optional question.
    pub optional: Option<&'a str>,
    /// The inline validation or refusal message for this question.
    pub notice: Option<Cow<'a, str>>,
    pub control: Control<'a>,
}

/// A radio or checkbox: its value, label and state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice<'a> {
    pub value: Cow<'a, str>,
    pub label: Cow<'a, str>,
    pub checked: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Control<'a> {
    /// Radios (single) or checkboxes (multiple); the write-in's label,
    /// text and limit.
    Choice {
        multiple: bool,
        options: Vec<Choice<'a>>,
        other: Option<(&'a str, &'a str, usize)>,
    },
    /// One radio group of points with words at the ends (scales and NPS).
    Points {
        points: Vec<Choice<'a>>,
        min_label: Option<&'a str>,
        max_label: Option<&'a str>,
    },
    /// Column headings, and per row a radio group whose radios are named
    /// by row and column both.
    Likert {
        columns: Vec<&'a str>,
        rows: Vec<(&'a str, &'a str, Vec<Choice<'a>>)>,
    },
    Text {
        value: &'a str,
        max_length: usize,
        multiline: bool,
    },
}

/// Owns its text, so the DOM layer can keep the results it builds after
/// the first frame (see `dom::survey::render`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionResults {
    pub prompt: String,
    /// A line above the bars: the median, the NPS score, "12 written answers".
    pub summary: Option<String>,
    /// Labelled bars with their figures ("32% (184 votes)") and CSS widths.
    pub bars: Vec<BarView>,
    /// Likert: one diverging bar per row, with the centre line's offset.
    pub rows: Vec<LikertRowView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BarView {
    pub label: String,
    pub figures: String,
    pub width: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LikertRowView {
    pub label: String,
    /// Per column: label, figures, width.
    pub cells: Vec<BarView>,
    /// CSS offset of the centre line from the start: "37.5%".
    pub centre: String,
}

/// Builds the view of a survey flow. `tally` is the backend's, when it
/// sent one the policy lets this reader see.
pub fn survey_view<'a>(
    flow: &'a Flow,
    tally: Option<&SurveyTally>,
    locale: &'a Locale,
    own: &'a SurveyTexts,
    now: i64,
) -> SurveyView<'a> {
    let survey = &flow.survey;
    // Before its open time the backend says a survey is not open: it is
    // not closed, and opens when this clock passes that time.
    let not_open = survey.not_yet_open_at(now);
    let answering = flow.phase == Phase::Answering && !not_open;
    let shown: Vec<usize> = if !answering {
        Vec::new()
    } else if survey.layout == Layout::Steps {
        vec![flow.step]
    } else {
        flow.visible_questions()
    };
    let questions = shown.iter().map(|&i| question_view(flow, i, own)).collect();
    let actions = answering.then(|| {
        let sends = survey.layout == Layout::All || flow.is_last_step();
        Actions {
            back: (survey.layout == Layout::Steps && flow.progress().0 > 1)
                .then(|| own.get(SurveyMsg::Back)),
            forward: own.get(if sends {
                SurveyMsg::Submit
            } else {
                SurveyMsg::Next
            }),
            forward_sends: sends,
        }
    });
    let progress = (answering && survey.layout == Layout::Steps).then(|| {
        let (at, of) = flow.progress();
        fill_in(
            &fill(own.get(SurveyMsg::Progress), at as u64, locale),
            "{total}",
            &crate::core::format::group(of as u64, locale),
        )
    });
    let status = match (flow.phase, &flow.notice) {
        (Phase::Answering, _) => not_open.then_some(SurveyMsg::NotOpen),
        (Phase::Sending, _) => Some(SurveyMsg::Sending),
        (_, Some(Notice::Stands)) => Some(SurveyMsg::Stands),
        (Phase::Done, _) => Some(SurveyMsg::Done),
        (_, Some(Notice::Unsent)) => Some(SurveyMsg::Unsent),
        _ => Some(SurveyMsg::Closed),
    }
    .map(|msg| own.get(msg));
    let closed = flow.closed || survey.closed || survey.closes_at.is_some_and(|t| now >= t);
    let visible = match survey.results {
        ResultsVisibility::Always => true,
        ResultsVisibility::AfterVote => flow.phase == Phase::Done || closed,
        ResultsVisibility::AfterClose => closed,
        ResultsVisibility::Never => false,
    };
    // Results are for a reader who answered, or for everyone once the
    // survey closed: then there is nothing left to answer.
    let finished = matches!(flow.phase, Phase::Done | Phase::Closed);
    let results_note = (finished && !visible).then(|| {
        own.get(match survey.results {
            ResultsVisibility::AfterClose => SurveyMsg::ResultsAfterClose,
            ResultsVisibility::Never => SurveyMsg::ResultsNever,
            _ => SurveyMsg::ResultsAfterVote,
        })
    });
    let results = match (visible && finished, tally) {
        (true, Some(tally)) => Some(
            survey
                .questions
                .iter()
                .zip(&tally.questions)
                .map(|(q, t)| question_results(q, q.results(t), locale, own))
                .collect(),
        ),
        _ => None,
    };
    SurveyView {
        title: survey.title.as_deref(),
        progress,
        questions,
        actions,
        status,
        busy: flow.phase == Phase::Sending,
        results,
        results_note,
        change: flow.can_change().then(|| own.get(SurveyMsg::ChangeAnswers)),
    }
}

fn question_view<'a>(flow: &'a Flow, index: usize, own: &'a SurveyTexts) -> QuestionView<'a> {
    let question = &flow.survey.questions[index];
    let answer = flow.draft.get(index).and_then(Option::as_ref);
    let notice = match &flow.notice {
        Some(Notice::Required(i)) if *i == index => Some(Cow::Borrowed(own.get(
            if matches!(question.kind, Kind::Likert(_)) && answer.is_some() {
                SurveyMsg::RequiredRows
            } else {
                SurveyMsg::Required
            },
        ))),
        Some(Notice::Refused(message)) if index == flow.step => {
            Some(Cow::Borrowed(message.as_str()))
        }
        _ => None,
    };
    QuestionView {
        index,
        id: &question.id,
        prompt: &question.prompt,
        optional: (!question.required).then(|| own.get(SurveyMsg::Optional)),
        notice,
        control: control(question, answer),
    }
}

fn control<'a>(question: &'a Question, answer: Option<&'a Answer>) -> Control<'a> {
    let point = match answer {
        Some(Answer::Point(p)) => Some(*p),
        _ => None,
    };
    let points = |min: i64, max: i64| -> Vec<Choice<'a>> {
        (min..=max)
            .map(|p| Choice {
                value: Cow::Owned(decimal(p)),
                label: Cow::Owned(decimal(p)),
                checked: point == Some(p),
            })
            .collect()
    };
    match &question.kind {
        Kind::Choice(c) => {
            let (picked, written) = match answer {
                Some(Answer::Choice { picked, other }) => (picked.as_slice(), other.as_deref()),
                _ => (&[][..], None),
            };
            Control::Choice {
                multiple: c.multiple,
                options: c
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| Choice {
                        value: Cow::Borrowed(&o.id),
                        label: Cow::Borrowed(&o.label),
                        checked: picked.contains(&i),
                    })
                    .collect(),
                other: c
                    .other
                    .as_ref()
                    .map(|o| (o.label.as_str(), written.unwrap_or(""), o.max_length)),
            }
        }
        Kind::Scale(s) => Control::Points {
            points: points(s.min, s.max),
            min_label: s.labels.min.as_deref(),
            max_label: s.labels.max.as_deref(),
        },
        Kind::Nps => Control::Points {
            points: points(0, 10),
            min_label: None,
            max_label: None,
        },
        Kind::Likert(l) => {
            let chosen = match answer {
                Some(Answer::Rows(rows)) => rows.as_slice(),
                _ => &[],
            };
            Control::Likert {
                columns: l.columns.iter().map(|c| c.label.as_str()).collect(),
                rows: l
                    .rows
                    .iter()
                    .enumerate()
                    .map(|(r, row)| {
                        let cells = l
                            .columns
                            .iter()
                            .enumerate()
                            .map(|(c, column)| Choice {
                                value: Cow::Borrowed(&column.id),
                                // Each radio names its row and column, so a
                                // screen reader says both.
                                label: Cow::Owned(concat(&[
                                    row.label.as_str(),
                                    ": ",
                                    &column.label,
                                ])),
                                checked: chosen.get(r).copied().flatten() == Some(c),
                            })
                            .collect();
                        (row.id.as_str(), row.label.as_str(), cells)
                    })
                    .collect(),
            }
        }
        Kind::Text(t) => Control::Text {
            value: match answer {
                Some(Answer::Text(text)) => text,
                _ => "",
            },
            max_length: t.max_length,
            multiline: t.multiline,
        },
    }
}

fn bar_view(bar: &Bar, locale: &Locale, own: &SurveyTexts) -> BarView {
    let mut figures = percent(bar.share, PERCENT, locale);
    figures.push_str(" (");
    figures.push_str(&own.count(Counted::Answers, bar.count, locale));
    figures.push(')');
    BarView {
        label: bar.label.clone(),
        figures,
        width: css_percent(bar.share * 10),
    }
}

fn question_results(
    question: &Question,
    results: Results,
    locale: &Locale,
    own: &SurveyTexts,
) -> QuestionResults {
    let mut view = QuestionResults {
        prompt: question.prompt.clone(),
        summary: None,
        bars: Vec::new(),
        rows: Vec::new(),
    };
    match results {
        Results::Choice { bars, .. } => {
            view.bars = bars.iter().map(|b| bar_view(b, locale, own)).collect();
        }
        Results::Scale {
            bars,
            median_halves,
            ..
        } => {
            view.summary = median_halves.map(|halves| {
                let mut median = decimal(halves.div_euclid(2));
                if halves % 2 != 0 {
                    median.push_str(locale.decimal_separator);
                    median.push('5');
                }
                fill_in(own.get(SurveyMsg::Median), "{n}", &median)
            });
            view.bars = bars.iter().map(|b| bar_view(b, locale, own)).collect();
        }
        Results::Nps { score, groups, .. } => {
            view.summary = score.map(|s| fill_in(own.get(SurveyMsg::NpsScore), "{n}", &decimal(s)));
            let names = [
                SurveyMsg::Detractors,
                SurveyMsg::Passives,
                SurveyMsg::Promoters,
            ];
            view.bars = groups
                .iter()
                .zip(names)
                .map(|(g, name)| {
                    let mut bar = bar_view(g, locale, own);
                    bar.label = own.get(name).to_owned();
                    bar
                })
                .collect();
        }
        Results::Likert { rows } => {
            view.rows = match &question.kind {
                Kind::Likert(l) => l
                    .rows
                    .iter()
                    .zip(rows)
                    .map(|(row, result)| LikertRowView {
                        label: row.label.clone(),
                        cells: result
                            .cells
                            .iter()
                            .map(|c| bar_view(c, locale, own))
                            .collect(),
                        centre: css_percent(result.left_halves * 5),
                    })
                    .collect(),
                _ => Vec::new(),
            };
        }
        Results::Text { written } => {
            view.summary = Some(own.count(Counted::Written, written, locale));
        }
    }
    view
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::locale::{locale_for, texts_file as file};

    /// The languages whose texts ship in `www/element/locales/<tag>.json`.
    const TRANSLATED: [&str; 4] = ["de", "fr", "es", "ar"];

    /// What a survey on a page in `tag` shows: English, under the survey
    /// texts of that language's file (the rest of it is the poll's).
    fn texts(tag: &str) -> SurveyTexts {
        let mut own = SurveyTexts::default();
        for (name, text) in file(tag) {
            own.set(&name, text.as_str().unwrap());
        }
        own
    }

    #[test]
    fn every_language_file_translates_every_survey_text_and_its_plural_forms() {
        for tag in TRANSLATED {
            let file = file(tag);
            let plural = locale_for(tag).plural;
            assert_eq!(pieces(NAMES, b" ").count(), COUNT);
            assert_eq!(pieces(EN, b"|").count(), COUNT);
            for (index, name) in pieces(NAMES, b" ").enumerate() {
                let form = (index >= MSG_COUNT).then(|| (index - MSG_COUNT) % 6);
                let needed = form.is_none_or(|f| (0..200).any(|n| plural(n) as usize == f));
                assert_eq!(file.contains_key(name), needed, "{tag}.json: {name}");
            }
        }
        let de = texts("de");
        assert_eq!(
            (de.get(SurveyMsg::Next), de.get(SurveyMsg::Back)),
            ("Weiter", "Zurück")
        );
        assert_eq!(
            de.get(SurveyMsg::Required),
            "Beantworten Sie diese Frage, um fortzufahren."
        );
    }

    #[test]
    fn counted_texts_take_each_languages_plural_forms() {
        let table: [(&str, Counted, [&str; 5]); 6] = [
            (
                "en",
                Counted::Answers,
                [
                    "0 answers",
                    "1 answer",
                    "2 answers",
                    "5 answers",
                    "1,234 answers",
                ],
            ),
            (
                "de",
                Counted::Answers,
                [
                    "0 Antworten",
                    "1 Antwort",
                    "2 Antworten",
                    "5 Antworten",
                    "1.234 Antworten",
                ],
            ),
            (
                "fr",
                Counted::Written,
                [
                    "0 réponse écrite",
                    "1 réponse écrite",
                    "2 réponses écrites",
                    "5 réponses écrites",
                    "1\u{202F}234 réponses écrites",
                ],
            ),
            (
                "es",
                Counted::Answers,
                [
                    "0 respuestas",
                    "1 respuesta",
                    "2 respuestas",
                    "5 respuestas",
                    "1234 respuestas",
                ],
            ),
            (
                "ar",
                Counted::Answers,
                [
                    "لا إجابات",
                    "إجابة واحدة",
                    "إجابتان",
                    "5 إجابات",
                    "1,234 إجابة",
                ],
            ),
            (
                "ar",
                Counted::Written,
                [
                    "لا إجابات مكتوبة",
                    "إجابة مكتوبة واحدة",
                    "إجابتان مكتوبتان",
                    "5 إجابات مكتوبة",
                    "1,234 إجابة مكتوبة",
                ],
            ),
        ];
        for (tag, what, expected) in table {
            let own = if tag == "en" {
                SurveyTexts::default()
            } else {
                texts(tag)
            };
            for (n, want) in [0, 1, 2, 5, 1234].into_iter().zip(expected) {
                assert_eq!(own.count(what, n, locale_for(tag)), want, "{tag} {n}");
            }
        }
    }

    /// Without its texts a survey shows English, with the language's
    /// numbers and the English plural rule, as a poll does.
    #[test]
    fn a_language_without_its_texts_counts_in_english() {
        let own = SurveyTexts::default();
        let fr = locale_for("fr");
        assert_eq!(own.count(Counted::Answers, 0, fr), "0 answers");
        assert_eq!(
            own.count(Counted::Written, 1234, fr),
            "1\u{202F}234 written answers"
        );
        assert_eq!(
            own.count(Counted::Answers, 2, locale_for("ar")),
            "2 answers"
        );
    }
}
