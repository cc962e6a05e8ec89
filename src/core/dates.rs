//! RFC 3339 timestamps to unix seconds, by hand: a date parser crate would
//! outweigh the rest of the widget.

use crate::core::format::parse_u64;

/// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; `None` for anything else,
/// including impossible dates such as February 30th.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    // Digits through the one parser the widget has (`format::parse_u64`).
    let num = |from: usize, to: usize| parse_u64(text.get(from..to)?).map(|n| n as i64);
    let (year, month, day) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // After the seconds: an optional fraction, then `Z` or `±HH:MM`.
    let mut at = 19;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        if at == start {
            return None;
        }
    }
    let offset = match (b.get(at), b.len() - at) {
        (Some(b'Z' | b'z'), 1) => 0,
        (Some(sign @ (b'+' | b'-')), 6) if b[at + 3] == b':' => {
            let (h, m) = (num(at + 1, at + 3)?, num(at + 4, at + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let total = h * 3600 + m * 60;
            if *sign == b'+' {
                total
            } else {
                -total
            }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second.min(59) - offset)
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::parse_rfc3339;

    #[test]
    fn parses_utc_and_offsets() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-23T09:00:00Z"), Some(1_795_424_400));
        assert_eq!(
            parse_rfc3339("2026-11-23T10:00:00+01:00"),
            parse_rfc3339("2026-11-23T09:00:00Z")
        );
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00.250Z"),
            Some(1_709_164_800)
        );
        assert_eq!(
            parse_rfc3339("2026-11-23T07:30:00.123-01:30"),
            parse_rfc3339("2026-11-23T09:00:00Z")
        );
        assert_eq!(parse_rfc3339("2026-11-23t09:00:00z"), Some(1_795_424_400));
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for bad in [
            "",
            "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-23",
            "2026-11-23T25:00:00Z",
            "2026-11-23T09:00:00",
            "2026-11-23T09:00:00+0100",
            "tomorrow at nine",
            "2026-11-23T09:00:00.Z",
            "2026-11-23T09:00:00ZZ",
            "2026-11-23T09:00:00+01:0",
            "2026-11-23T09:00:00+01:00Z",
            "2026-11-23T09:00:00+24:00",
            "2026-11-23T09:00:00+01-00",
            "2026-11-23T09:00:00.5",
            "２026-11-23T09:00:00Z",
            "2026-11-23T09:0é:00Z",
            "+026-11-23T09:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
