//! `invalid_date`: a date that does not exist (`2月30日`, `令和0年`).
//!
//! Fires on a mention whose era year is below 1, or whose `problem` is set
//! and whose dates did not convert (no start; a closed range without an
//! end). A problem on a mention that still converted is an era year past
//! the era's end (`平成32年度` → 2020): that is `era_vs_western`'s warning.

use super::common::{converted, finding, Settings};
use super::DocFacts;
use crate::model::{DateMention, Finding, Severity};

pub const ID: &str = "invalid_date";
pub const SEVERITY: Severity = Severity::Error;
/// A printed date must exist on the calendar.
pub const RATIONALE: &str = "A printed date must exist on the calendar.";

pub fn run(facts: &DocFacts<'_>, _settings: &Settings) -> Vec<Finding> {
    facts.dates.iter().filter_map(|d| check(facts, d)).collect()
}

fn check(facts: &DocFacts<'_>, d: &DateMention) -> Option<Finding> {
    let era_zero = d.era.is_some() && d.era_year.is_some_and(|y| y < 1);
    if d.problem.is_none() && !era_zero {
        return None;
    }
    if !era_zero && converted(d) {
        return None;
    }
    let why = match &d.problem {
        Some(p) => p.trim().to_string(),
        None => format!(
            "{}{}年 does not exist (era years start at 1)",
            d.era.as_deref().unwrap_or(""),
            d.era_year.unwrap_or_default()
        ),
    };
    let mut f = finding(ID, SEVERITY, facts.doc_id, d.line, d.col);
    f.message = format!("「{}」 is not a real date: {why}", d.raw.trim());
    f.expected = Some("a calendar date".to_string());
    f.actual = Some(d.raw.trim().to_string());
    f.evidence = format!(
        "{} ({}): {why}",
        d.raw.trim(),
        d.start
            .map_or("no date".to_string(), |s| s.format("%Y-%m-%d").to_string())
    );
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{date, facts};
    use crate::model::DateKind;
    use chrono::NaiveDate;

    fn run_on(dates: &[DateMention]) -> Vec<Finding> {
        run(&facts(&[], dates, &[]), &Settings::default())
    }

    #[test]
    fn february_thirtieth_fires() {
        let mut d = date(1, "令和4年2月30日", DateKind::Date, None);
        d.era = Some("令和".to_string());
        d.era_year = Some(4);
        d.problem = Some("2月30日 does not exist".to_string());
        let found = run_on(&[d]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].evidence,
            "令和4年2月30日 (no date): 2月30日 does not exist"
        );
    }

    #[test]
    fn era_year_zero_fires_even_without_a_problem() {
        let mut d = date(1, "令和0年度", DateKind::FiscalYear, Some((2018, 4, 1)));
        d.era = Some("令和".to_string());
        d.era_year = Some(0);
        assert_eq!(run_on(&[d]).len(), 1);
    }

    #[test]
    fn real_dates_and_past_era_years_are_silent() {
        let mut leap = date(1, "令和2年2月29日", DateKind::Date, Some((2020, 2, 29)));
        leap.era = Some("令和".to_string());
        leap.era_year = Some(2);
        let mut heisei = date(2, "平成32年度", DateKind::FiscalYear, Some((2020, 4, 1)));
        heisei.era = Some("平成".to_string());
        heisei.era_year = Some(32);
        heisei.problem = Some("平成32年 is past the end of 平成".to_string());
        let mut range = date(
            3,
            "平成29年度～平成38年度",
            DateKind::FiscalRange,
            Some((2017, 4, 1)),
        );
        range.end = NaiveDate::from_ymd_opt(2027, 3, 31);
        range.problem = Some("平成 ended in 2019 (平成31年): 平成38年 = 2026".to_string());
        assert!(run_on(&[leap, heisei, range]).is_empty());
        assert!(run_on(&[]).is_empty());
    }
}
