//! `period_length`: a stated length (`R4～R7（4年間）`) must match the span.
//!
//! Fiscal ranges count fiscal years (`fy(end) − fy(start) + 1`); other
//! ranges count months and accept a stated length L when the span is
//! within a year of L years (`|months − 12·L| < 12`), since `令和4年7月～
//! 令和7年6月（3年間）` is three years but touches four calendar years.
//! Open ranges (no end) are not compared.

use chrono::Datelike;

use super::common::{finding, fiscal_year, Settings};
use super::DocFacts;
use crate::model::{DateKind, DateMention, Finding, Severity};

pub const ID: &str = "period_length";
pub const SEVERITY: Severity = Severity::Error;
/// A stated length in years must match the period it describes.
pub const RATIONALE: &str = "A stated length in years must match the period it describes.";

pub fn run(facts: &DocFacts<'_>, _settings: &Settings) -> Vec<Finding> {
    facts.dates.iter().filter_map(|d| check(facts, d)).collect()
}

fn check(facts: &DocFacts<'_>, d: &DateMention) -> Option<Finding> {
    let stated = d.length_stated?;
    let (start, end) = (d.start?, d.end?);
    if end < start {
        return None;
    }
    let months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32 + 1;
    let (expected, fits, basis) = match d.kind {
        DateKind::FiscalRange | DateKind::FiscalYear => {
            let (a, b) = (fiscal_year(start), fiscal_year(end));
            let n = b - a + 1;
            (n, n == stated, format!("FY{a}…FY{b} = {n} fiscal years"))
        }
        _ => {
            let n = (months + 6) / 12;
            let fits = (months - 12 * stated).abs() < 12;
            (n, fits, format!("{start}…{end} = {months} months"))
        }
    };
    if fits {
        return None;
    }
    let mut f = finding(ID, SEVERITY, facts.doc_id, d.line, d.col);
    f.message = format!(
        "「{}」: the period spans {expected} years, not the {stated} stated",
        d.raw.trim()
    );
    f.expected = Some(format!("{expected}年間"));
    f.actual = Some(format!("{stated}年間"));
    f.tolerance = Some(0.0);
    f.evidence = format!("{}: {basis} ≠ {stated}年間 (printed)", d.raw.trim());
    Some(f)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::check::testutil::{date, facts};

    fn range(
        raw: &str,
        kind: DateKind,
        start: (i32, u32, u32),
        end: (i32, u32, u32),
        len: i32,
    ) -> DateMention {
        let mut d = date(1, raw, kind, Some(start));
        d.end = NaiveDate::from_ymd_opt(end.0, end.1, end.2);
        d.length_stated = Some(len);
        d
    }

    fn run_on(dates: &[DateMention]) -> Vec<Finding> {
        run(&facts(&[], dates, &[]), &Settings::default())
    }

    #[test]
    fn four_fiscal_years_is_silent() {
        let d = range(
            "R4～R7（4年間）",
            DateKind::FiscalRange,
            (2022, 4, 1),
            (2026, 3, 31),
            4,
        );
        assert!(run_on(&[d]).is_empty());
    }

    #[test]
    fn wrong_length_fires() {
        let d = range(
            "R4～R7（3年間）",
            DateKind::FiscalRange,
            (2022, 4, 1),
            (2026, 3, 31),
            3,
        );
        let found = run_on(&[d]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].expected.as_deref(), Some("4年間"));
        assert_eq!(found[0].actual.as_deref(), Some("3年間"));
        assert_eq!(
            found[0].evidence,
            "R4～R7（3年間）: FY2022…FY2025 = 4 fiscal years ≠ 3年間 (printed)"
        );
    }

    #[test]
    fn month_ranges_allow_partial_years() {
        let d = range(
            "令和4年7月～令和7年6月（3年間）",
            DateKind::DateRange,
            (2022, 7, 1),
            (2025, 6, 30),
            3,
        );
        assert!(run_on(&[d]).is_empty());
        let d = range(
            "令和4年7月～令和7年6月（4年間）",
            DateKind::DateRange,
            (2022, 7, 1),
            (2025, 6, 30),
            4,
        );
        assert_eq!(run_on(&[d]).len(), 1);
    }

    #[test]
    fn open_or_backwards_ranges_are_skipped() {
        assert!(run_on(&[]).is_empty());
        let mut d = range(
            "平成２０年度～（5年間）",
            DateKind::FiscalRange,
            (2008, 4, 1),
            (2008, 4, 1),
            5,
        );
        d.end = None;
        assert!(run_on(&[d]).is_empty());
        let d = range(
            "R7～R4（4年間）",
            DateKind::FiscalRange,
            (2025, 4, 1),
            (2022, 3, 31),
            4,
        );
        assert!(run_on(&[d]).is_empty());
    }
}
