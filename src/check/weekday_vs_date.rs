//! `weekday_vs_date`: a printed weekday (`令和4年7月21日(木)`) must be the
//! weekday of that date. Compares the first weekday character of
//! `weekday_stated` (`木`, `(木)`, `木曜日`) with `weekday_actual`.

use chrono::Datelike;

use super::common::{finding, Settings};
use super::DocFacts;
use crate::model::{DateMention, Finding, Severity};

pub const ID: &str = "weekday_vs_date";
pub const SEVERITY: Severity = Severity::Error;
/// A printed weekday must be the weekday of the date it follows.
pub const RATIONALE: &str = "A printed weekday must be the weekday of the date it follows.";

const WEEKDAYS: [char; 7] = ['月', '火', '水', '木', '金', '土', '日'];

fn weekday_char(s: &str) -> Option<char> {
    s.chars().find(|c| WEEKDAYS.contains(c))
}

pub fn run(facts: &DocFacts<'_>, _settings: &Settings) -> Vec<Finding> {
    facts.dates.iter().filter_map(|d| check(facts, d)).collect()
}

fn check(facts: &DocFacts<'_>, d: &DateMention) -> Option<Finding> {
    let stated = weekday_char(d.weekday_stated.as_deref()?)?;
    let actual = weekday_char(d.weekday_actual.as_deref()?)?;
    if stated == actual {
        return None;
    }
    let date = d
        .start
        .map(|s| format!("{} is a {:?}", s.format("%Y-%m-%d"), s.weekday()))
        .unwrap_or_default();
    let mut f = finding(ID, SEVERITY, facts.doc_id, d.line, d.col);
    f.message = format!(
        "「{}」: the date falls on {actual}曜日, not {stated}曜日",
        d.raw.trim()
    );
    f.expected = Some(format!("({actual})"));
    f.actual = Some(format!("({stated})"));
    f.evidence = format!("{}: {date} ({actual}) ≠ ({stated}) (printed)", d.raw.trim());
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{date, facts};
    use crate::model::DateKind;

    fn dated(raw: &str, ymd: (i32, u32, u32), stated: &str, actual: &str) -> DateMention {
        let mut d = date(1, raw, DateKind::Date, Some(ymd));
        d.weekday_stated = Some(stated.to_string());
        d.weekday_actual = Some(actual.to_string());
        d
    }

    fn run_on(dates: &[DateMention]) -> Vec<Finding> {
        run(&facts(&[], dates, &[]), &Settings::default())
    }

    #[test]
    fn right_weekday_is_silent() {
        assert!(run_on(&[dated("令和4年7月21日(木)", (2022, 7, 21), "木", "木")]).is_empty());
        assert!(run_on(&[dated(
            "令和4年7月21日（木曜日）",
            (2022, 7, 21),
            "木曜日",
            "木"
        )])
        .is_empty());
    }

    #[test]
    fn wrong_weekday_fires() {
        let found = run_on(&[dated("令和4年7月22日(木)", (2022, 7, 22), "木", "金")]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].expected.as_deref(), Some("(金)"));
        assert_eq!(found[0].actual.as_deref(), Some("(木)"));
        assert_eq!(
            found[0].evidence,
            "令和4年7月22日(木): 2022-07-22 is a Fri (金) ≠ (木) (printed)"
        );
    }

    #[test]
    fn nothing_to_compare() {
        assert!(run_on(&[]).is_empty());
        let mut d = dated("令和4年2月30日(水)", (2022, 2, 28), "水", "月");
        d.weekday_actual = None;
        assert!(run_on(&[d]).is_empty());
        assert!(run_on(&[dated("7月21日(祝)", (2022, 7, 21), "祝", "木")]).is_empty());
    }
}
