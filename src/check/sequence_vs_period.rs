//! `sequence_vs_period`: numbered steps (`1年目（2019年度）`, `2年目…`) must
//! advance with their periods.
//!
//! Every mention of a document with a `sequence` and a start gives
//! `offset = year − sequence` (fiscal year for 年度 mentions, calendar year
//! otherwise). The consensus is the most frequent offset (ties go to the
//! earliest mention's); each mention with another offset is reported.

use std::collections::BTreeMap;

use super::common::{finding, mention_year, Settings};
use super::DocFacts;
use crate::model::{DateKind, DateMention, Finding, Severity};

pub const ID: &str = "sequence_vs_period";
pub const SEVERITY: Severity = Severity::Error;
/// Numbered steps (N年目) must advance one year at a time with their periods.
pub const RATIONALE: &str =
    "Numbered steps (N年目) must advance one year at a time with their periods.";

pub fn run(facts: &DocFacts<'_>, _settings: &Settings) -> Vec<Finding> {
    let mut steps: Vec<(&DateMention, i32, i32)> = facts
        .dates
        .iter()
        .filter_map(|d| {
            let seq = d.sequence?;
            let year = mention_year(d)?;
            Some((d, year, year - seq))
        })
        .collect();
    steps.sort_by_key(|(d, _, _)| (d.line, d.col, d.date_id));
    let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
    for (_, _, offset) in &steps {
        *counts.entry(*offset).or_default() += 1;
    }
    let Some(top) = counts.values().max().copied() else {
        return Vec::new();
    };
    let Some(consensus) = steps
        .iter()
        .map(|(_, _, o)| *o)
        .find(|o| counts.get(o) == Some(&top))
    else {
        return Vec::new();
    };
    let agreeing: Vec<String> = steps
        .iter()
        .filter(|(_, _, o)| *o == consensus)
        .map(|(d, _, _)| d.raw.trim().to_string())
        .collect();
    let mut out = Vec::new();
    for (d, year, offset) in steps.iter().filter(|(_, _, o)| *o != consensus) {
        let seq = year - offset;
        let want = consensus + seq;
        let suffix = match d.kind {
            DateKind::FiscalYear | DateKind::FiscalRange => "年度",
            _ => "年",
        };
        let mut f = finding(ID, SEVERITY, facts.doc_id, d.line, d.col);
        f.message = format!(
            "「{}」: step {seq} should fall in {want}{suffix}, as the other steps count from {}",
            d.raw.trim(),
            consensus + 1
        );
        f.expected = Some(format!("{seq}年目 = {want}{suffix}"));
        f.actual = Some(format!("{seq}年目 = {year}{suffix}"));
        f.tolerance = Some(0.0);
        f.evidence = format!(
            "{}: {year} − {seq} = {offset} ≠ {consensus} (from {})",
            d.raw.trim(),
            agreeing.join("、")
        );
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{date, facts};

    fn step(id: u32, seq: i32, fy: i32) -> DateMention {
        let raw = format!("{seq}年目（{fy}年度）");
        let mut d = date(id, &raw, DateKind::FiscalYear, Some((fy, 4, 1)));
        d.sequence = Some(seq);
        d
    }

    fn run_on(dates: &[DateMention]) -> Vec<Finding> {
        run(&facts(&[], dates, &[]), &Settings::default())
    }

    #[test]
    fn steady_steps_are_silent() {
        assert!(run_on(&[step(1, 1, 2019), step(2, 2, 2020), step(3, 3, 2021)]).is_empty());
    }

    #[test]
    fn the_odd_step_out_fires() {
        let found = run_on(&[step(1, 1, 2019), step(2, 2, 2021), step(3, 3, 2021)]);
        assert_eq!(found.len(), 1);
        let f = &found[0];
        assert_eq!(f.line, 12);
        assert_eq!(f.expected.as_deref(), Some("2年目 = 2020年度"));
        assert_eq!(f.actual.as_deref(), Some("2年目 = 2021年度"));
        assert_eq!(
            f.evidence,
            "2年目（2021年度）: 2021 − 2 = 2019 ≠ 2018 (from 1年目（2019年度）、3年目（2021年度）)"
        );
    }

    #[test]
    fn a_tie_goes_to_the_first_step() {
        let found = run_on(&[step(1, 1, 2019), step(2, 2, 2019)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 12);
    }

    #[test]
    fn no_steps_or_no_dates() {
        assert!(run_on(&[]).is_empty());
        let mut d = step(1, 1, 2019);
        d.start = None;
        assert!(run_on(&[d, step(2, 3, 2030)]).is_empty());
    }
}
