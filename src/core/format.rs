//! Number and text formatting without `core::fmt`, which the widget cannot
//! afford in its release build.

use crate::core::locale::Locale;

/// 1 to 19 ASCII digits as a number; anything else is `None`. By hand:
/// `str::parse` brings a generic integer parser into the wasm.
pub fn parse_u64(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 19 {
        return None;
    }
    let mut n = 0u64;
    for b in text.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}

/// A whole number, `-` allowed in front (a scale may start below zero).
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub fn parse_i64(text: &str) -> Option<i64> {
    match text.strip_prefix('-') {
        Some(digits) => parse_u64(digits).map(|n| -(n.min(i64::MAX as u64) as i64)),
        None => parse_u64(text).map(|n| n.min(i64::MAX as u64) as i64),
    }
}

/// Appends the decimal digits of `n`.
/// Recursive (at most 20 deep) so that no buffer is indexed: an index
/// panic path would bring integer formatting into the wasm.
pub fn push_u64(out: &mut String, n: u64) {
    if n >= 10 {
        push_u64(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `n` in decimal, with a minus sign when negative: `to_string` without
/// `core::fmt`.
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub fn decimal(n: i64) -> String {
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    push_u64(&mut out, n.unsigned_abs());
    out
}

/// `n` with the locale's thousands separator ("1,234"; "1.234"; "1 234").
pub fn group(n: u64, locale: &Locale) -> String {
    let mut digits = String::new();
    push_u64(&mut digits, n);
    if digits.len() < 4 || (digits.len() < 5 && locale.min_grouping > 1) {
        return digits;
    }
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    let first = digits.len() % 3;
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (i + 3 - first).is_multiple_of(3) {
            out.push_str(locale.group_separator);
        }
        out.push(ch);
    }
    out
}

/// A share in `units` (100 or 1000) as a percentage label: "32%", "31.7%".
/// The decimal separator and the percent sign's spacing follow the locale.
pub fn percent(share: u32, units: u32, locale: &Locale) -> String {
    let mut out = String::new();
    if units >= 1000 {
        push_u64(&mut out, u64::from(share / 10));
        out.push_str(locale.decimal_separator);
        push_u64(&mut out, u64::from(share % 10));
    } else {
        push_u64(&mut out, u64::from(share));
    }
    out.push_str(locale.percent_suffix);
    out
}

/// Appends `items` separated by `sep`; `[&str]::join` instantiates a
/// generic copier that is several times larger.
pub fn push_joined<S: AsRef<str>>(out: &mut String, items: &[S], sep: &str) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(item.as_ref());
    }
}

/// `text.split(...)` on ASCII separators: the pieces between any of the
/// bytes in `seps`. By hand because `str::split` brings the generic char
/// searcher, `memchr` and a slicing panic path into the wasm; splitting on
/// an ASCII byte always leaves whole UTF-8 sequences on both sides.
pub fn pieces<'a>(text: &'a str, seps: &'static [u8]) -> Pieces<'a> {
    Pieces {
        rest: Some(text),
        seps,
    }
}

pub struct Pieces<'a> {
    rest: Option<&'a str>,
    seps: &'static [u8],
}

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    // `iter().any` rather than `contains`, which for bytes calls `memchr`
    // (~0.2 KB of wasm for a list of one to three separators).
    #[allow(clippy::manual_contains)]
    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match rest.bytes().position(|b| self.seps.iter().any(|s| *s == b)) {
            Some(at) => {
                self.rest = rest.get(at + 1..);
                rest.get(..at)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// `text.split_once(sep)` for an ASCII separator, by hand as `pieces`.
pub fn split_once(text: &str, sep: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == sep)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

/// Every piece of `text` between `seps`, as `pieces` cuts them. A loop, so
/// that callers share it rather than each collecting into its own copy.
pub fn split<'a>(text: &'a str, seps: &'static [u8]) -> Vec<&'a str> {
    let mut out = Vec::new();
    for piece in pieces(text, seps) {
        out.push(piece);
    }
    out
}

/// A comma-separated list of ids (a stored ballot, a cookie): the non-empty
/// pieces, without surrounding ASCII whitespace.
pub fn id_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in pieces(text, b",") {
        let id = piece.trim_ascii();
        if !id.is_empty() {
            out.push(id.to_owned());
        }
    }
    out
}

/// Fills `{n}` in a template with the grouped number.
pub fn fill(template: &str, n: u64, locale: &Locale) -> String {
    // By hand: `str::replace` brings in the generic substring searcher.
    let mut out = String::with_capacity(template.len() + 8);
    let mut rest = template;
    while let Some(at) = rest.as_bytes().windows(3).position(|w| w == b"{n}") {
        // `get` rather than indexing: no panic path, whose message
        // formatting would cost more than this whole function.
        out.push_str(rest.get(..at).unwrap_or_default());
        out.push_str(&group(n, locale));
        rest = rest.get(at + 3..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// `template` with every `key` (a placeholder such as `{total}`) replaced
/// by `value`: `fill` for any text. By hand, as `fill`: `str::replace`
/// brings in the generic substring searcher (~1 KB of the survey wasm).
/// `fill` keeps its own loop: calling this instead costs the poll's wasm
/// 18 to 42 bytes gzipped, measured three ways.
#[cfg(any(feature = "survey", not(target_arch = "wasm32")))]
pub fn fill_in(template: &str, key: &str, value: &str) -> String {
    let mut out = String::with_capacity(template.len() + value.len());
    let mut rest = template;
    while let Some(at) = rest
        .as_bytes()
        .windows(key.len().max(1))
        .position(|w| w == key.as_bytes())
    {
        out.push_str(rest.get(..at).unwrap_or_default());
        out.push_str(value);
        rest = rest.get(at + key.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// `text` as a JSON string literal, appended: quotes, backslashes and
/// control characters escaped. By hand, as the widget has no JSON encoder.
pub fn push_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::locale::{locale_for, EN};

    #[test]
    fn fill_in_replaces_every_placeholder_and_nothing_else() {
        assert_eq!(
            fill_in("Question 2 of {total} ({total})", "{total}", "4"),
            "Question 2 of 4 (4)"
        );
        assert_eq!(fill_in("Median: {n}", "{n}", "2.5"), "Median: 2.5");
        assert_eq!(fill_in("{n}{n}", "{n}", "-7"), "-7-7");
        assert_eq!(fill_in("no {placeholder}", "{n}", "1"), "no {placeholder}");
        assert_eq!(fill_in("é {n} ü", "{n}", "ß"), "é ß ü");
    }

    /// `pieces` cuts exactly where `str::split` does.
    #[test]
    fn pieces_match_str_split() {
        let texts = [
            "",
            ",",
            "a",
            "a,b",
            ",a,,b,",
            "é,ü,€😀",
            "x\ty\t\tz",
            "[::1]:8080/p?q#f",
        ];
        for text in texts {
            let ours: Vec<&str> = pieces(text, b",").collect();
            assert_eq!(ours, text.split(',').collect::<Vec<_>>(), "{text:?}");
            let ours: Vec<&str> = pieces(text, b"/?#:").collect();
            let theirs: Vec<&str> = text.split(['/', '?', '#', ':']).collect();
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    #[test]
    fn digits() {
        for n in [0u64, 7, 10, 999, 1000, 123_456_789, u64::MAX] {
            let mut s = String::new();
            push_u64(&mut s, n);
            assert_eq!(s, n.to_string());
        }
    }

    #[test]
    fn grouping_per_locale() {
        assert_eq!(group(0, &EN), "0");
        assert_eq!(group(581, &EN), "581");
        assert_eq!(group(1234, &EN), "1,234");
        assert_eq!(group(1_234_567, &EN), "1,234,567");
        assert_eq!(group(12_345, &EN), "12,345");
        assert_eq!(group(1234, locale_for("de")), "1.234");
        assert_eq!(group(1234, locale_for("fr")), "1\u{202F}234");
        assert_eq!(group(1234, locale_for("es")), "1234");
        assert_eq!(group(12_345, locale_for("es")), "12.345");
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(32, 100, &EN), "32%");
        assert_eq!(percent(317, 1000, &EN), "31.7%");
        assert_eq!(percent(5, 1000, &EN), "0.5%");
        assert_eq!(percent(317, 1000, locale_for("de")), "31,7\u{A0}%");
    }
}
