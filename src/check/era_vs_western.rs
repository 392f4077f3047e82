//! `era_vs_western`: a western year printed beside an era year
//! (`2021（令和3）`) must be that era year, and an era year must exist.
//!
//! - error: `western_stated` differs from the era year converted
//!   (令和 N = 2018 + N, 平成 N = 1988 + N, 昭和 N = 1925 + N, …);
//! - warning: the era year is past the era's end (`平成32年度`, written in
//!   plans drafted before the era changed): the date was converted, but the
//!   document names a year that never existed. Severity from the config,
//!   when set, applies to both.
//!
//! Era year 0 and impossible days are `invalid_date`'s.

use std::sync::LazyLock;

use regex::Regex;

use super::common::{era, finding, past_era_end, Settings};
use super::DocFacts;
use crate::model::{DateMention, Finding, Severity};

pub const ID: &str = "era_vs_western";
pub const SEVERITY: Severity = Severity::Error;
/// A western year printed beside an era year must be the same year, and the era year must exist.
pub const RATIONALE: &str =
    "A western year printed beside an era year must be the same year, and the era year must exist.";

pub fn run(facts: &DocFacts<'_>, _settings: &Settings) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in facts.dates {
        let printed = pairs(&d.raw);
        if printed.is_empty() {
            // The extractor read the pair; its raw text did not keep it whole.
            if let (Some(stated), Some(name), Some(year)) =
                (d.western_stated, d.era.as_deref(), d.era_year)
            {
                out.extend(mismatch(facts, d, stated, name, year));
            }
        }
        for (stated, name, year) in printed {
            out.extend(mismatch(facts, d, stated, &name, year));
        }
        out.extend(past_end(facts, d));
    }
    out
}

static PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*(?:年度|年)?\s*[(（]\s*(明治|大正|昭和|平成|令和)\s*(元|\d{1,3})\s*(?:年度|年)?\s*[)）]")
        .unwrap_or_else(|e| panic!("pair pattern: {e}"))
});

/// Every `2021（令和3）` pair printed in a mention: a range holds two, and
/// each is checked (the `dates` row keeps only the first in `western_stated`).
fn pairs(raw: &str) -> Vec<(i32, String, i32)> {
    let ascii = crate::text::ascii_digits(raw);
    PAIR.captures_iter(&ascii)
        .filter_map(|c| {
            let western = c.get(1)?.as_str().parse().ok()?;
            let year = match c.get(3)?.as_str() {
                "元" => 1,
                n => n.parse().ok()?,
            };
            Some((western, c.get(2)?.as_str().to_string(), year))
        })
        .collect()
}

fn mismatch(
    facts: &DocFacts<'_>,
    d: &DateMention,
    stated: i32,
    era_name: &str,
    era_year: i32,
) -> Option<Finding> {
    let e = era(era_name)?;
    let converted = e.offset + era_year;
    if converted == stated {
        return None;
    }
    let mut f = finding(ID, SEVERITY, facts.doc_id, d.line, d.col);
    f.message = format!(
        "「{}」: {}{era_year}年 is {converted}, not the {stated} printed beside it",
        d.raw.trim(),
        e.name
    );
    f.expected = Some(converted.to_string());
    f.actual = Some(stated.to_string());
    f.tolerance = Some(0.0);
    f.evidence = format!(
        "{}: {}{era_year} = {} + {era_year} = {converted} ≠ {stated} (printed)",
        d.raw.trim(),
        e.name,
        e.offset
    );
    Some(f)
}

fn past_end(facts: &DocFacts<'_>, d: &DateMention) -> Option<Finding> {
    let (e, last, era_year) = past_era_end(d)?;
    let mut f = finding(ID, Severity::Warning, facts.doc_id, d.line, d.col);
    f.message = format!(
        "「{}」: {} ended in its year {last} ({}), so {}{era_year}年 does not exist; read as {}",
        d.raw.trim(),
        e.name,
        e.offset + last,
        e.name,
        e.offset + era_year
    );
    f.expected = Some(format!("{}{last}年 or earlier", e.name));
    f.actual = Some(format!("{}{era_year}年", e.name));
    f.evidence = format!(
        "{}: {}{era_year} > {}{last} (last year of the era){}",
        d.raw.trim(),
        e.name,
        e.name,
        d.problem
            .as_deref()
            .map(|p| format!("; {p}"))
            .unwrap_or_default()
    );
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{date, facts};
    use crate::model::DateKind;

    fn fy_mention(raw: &str, era: &str, era_year: i32, western: Option<i32>) -> DateMention {
        let mut d = date(1, raw, DateKind::FiscalRange, Some((2021, 4, 1)));
        d.era = Some(era.to_string());
        d.era_year = Some(era_year);
        d.western_stated = western;
        d
    }

    fn run_on(dates: &[DateMention]) -> Vec<Finding> {
        run(&facts(&[], dates, &[]), &Settings::default())
    }

    #[test]
    fn matching_pair_is_silent() {
        let d = fy_mention(
            "2021（令和3）年度～2025（令和7）年度",
            "令和",
            3,
            Some(2021),
        );
        assert!(run_on(&[d]).is_empty());
    }

    #[test]
    fn off_by_one_western_year_fires() {
        let d = fy_mention("2022（令和3）年度", "令和", 3, Some(2022));
        let found = run_on(&[d]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(found[0].expected.as_deref(), Some("2021"));
        assert_eq!(found[0].actual.as_deref(), Some("2022"));
        assert!(found[0].evidence.contains("2018 + 3 = 2021 ≠ 2022"));
    }

    #[test]
    fn heisei_past_its_end_is_a_warning() {
        let mut d = fy_mention("平成32年度", "平成", 32, None);
        d.problem = Some("平成 ended in 平成31".to_string());
        let found = run_on(&[d]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].actual.as_deref(), Some("平成32年"));
        // The last real year is fine.
        assert!(run_on(&[fy_mention("平成31年度", "平成", 31, None)]).is_empty());
        assert!(run_on(&[fy_mention("令和99年度", "令和", 99, None)]).is_empty());
    }

    #[test]
    fn a_range_ending_past_heisei_is_a_warning_only_when_flagged() {
        let mut d = fy_mention("平成29年度～平成38年度", "平成", 29, None);
        d.end = chrono::NaiveDate::from_ymd_opt(2027, 3, 31);
        // 平成29年度～令和3年度 ends in the next era, legitimately: no problem, no finding.
        assert!(run_on(&[d.clone()]).is_empty());
        d.problem = Some("平成38年 is past the end of 平成".to_string());
        let found = run_on(&[d]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].actual.as_deref(), Some("平成38年"));
    }

    #[test]
    fn missing_parts_and_unknown_eras_are_skipped() {
        assert!(run_on(&[]).is_empty());
        let mut d = fy_mention("2021（X3）年度", "X", 3, Some(1999));
        d.era = Some("天平".to_string());
        assert!(run_on(&[d]).is_empty());
        let mut d = fy_mention("2021年度", "令和", 3, Some(2021));
        d.era = None;
        d.era_year = None;
        assert!(run_on(&[d]).is_empty());
    }
}

#[cfg(test)]
mod pair_tests {
    use super::pairs;

    #[test]
    fn both_pairs_of_a_range_are_read() {
        let got = pairs("2024（令和6）年度〜2026（令和9）年度");
        assert_eq!(
            got,
            vec![(2024, "令和".to_string(), 6), (2026, "令和".to_string(), 9)]
        );
        assert_eq!(
            pairs("２０１７年度（平成２９年度）"),
            vec![(2017, "平成".to_string(), 29)]
        );
        assert!(pairs("令和4年度～令和7年度").is_empty());
    }
}
