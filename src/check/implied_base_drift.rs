//! `implied_base_drift`: a series of (count, percentage) pairs should imply
//! one base (`count ÷ rate`), as in a targets table whose row of counts
//! (`242人 747人 …`) sits above a row of shares (`4.2% 13.2% …`).
//!
//! A pair is a rate read from a table cell and the nearest figure above it
//! in the same column with the same entity, indicator, stance and fiscal
//! years. A series is every pair across the columns of one table that
//! shares the count row, the rate row, the entity, indicator, stance and
//! the count's unit (two or more pairs).
//! Each pair gives an interval of bases, from the printed precision of the
//! rate (and of the count, if rounded). When the intervals share no common
//! point, each pair whose interval misses the median base is reported, at
//! its count. Info only: a drifting base may be intended.

use std::collections::BTreeMap;

use super::common::{
    differs, finding, fmt_like, fmt_measure, half_unit, ids, is_exact, raw_of, subject, Settings,
};
use super::DocFacts;
use crate::model::{Finding, Measure, MeasureKind, MeasureSource, Severity};

pub const ID: &str = "implied_base_drift";
pub const SEVERITY: Severity = Severity::Info;
/// Counts and their percentages in one series should imply one common base.
pub const RATIONALE: &str =
    "Counts and their percentages in one series should imply one common base.";

struct Pair<'a> {
    count: &'a Measure,
    rate: &'a Measure,
    base: f64,
    /// Half a unit of the rate (after the configured tolerance).
    slack: f64,
    low: f64,
    high: f64,
}

/// Table, count row, rate row, entity, indicator, stance, count unit.
type SeriesKey = (
    u32,
    u32,
    u32,
    Option<String>,
    Option<String>,
    crate::model::Stance,
    Option<String>,
);

pub fn run(facts: &DocFacts<'_>, settings: &Settings) -> Vec<Finding> {
    let tabled: Vec<&Measure> = facts
        .measures
        .iter()
        .filter(|m| {
            is_exact(m)
                && m.source == MeasureSource::Table
                && m.table_id.is_some()
                && m.table_row.is_some()
                && m.table_col.is_some()
        })
        .collect();
    let mut series: BTreeMap<SeriesKey, Vec<Pair>> = BTreeMap::new();
    let mut columns: BTreeMap<(Option<u32>, Option<u32>), Vec<&Measure>> = BTreeMap::new();
    for m in tabled.iter().filter(|m| m.measure != MeasureKind::Rate) {
        columns
            .entry((m.table_id, m.table_col))
            .or_default()
            .push(m);
    }
    for rate in tabled.iter().filter(|m| m.measure == MeasureKind::Rate) {
        let column = columns
            .get(&(rate.table_id, rate.table_col))
            .map_or(&[][..], |v| v.as_slice());
        if let Some(pair) = pair_of(rate, column, settings) {
            let key = (
                rate.table_id.unwrap_or_default(),
                pair.count.table_row.unwrap_or_default(),
                rate.table_row.unwrap_or_default(),
                rate.entity.clone(),
                rate.indicator.clone(),
                rate.stance,
                pair.count.unit.clone(),
            );
            series.entry(key).or_default().push(pair);
        }
    }
    let mut out = Vec::new();
    for pairs in series.values() {
        out.extend(drift(facts, pairs));
    }
    out
}

fn pair_of<'a>(rate: &'a Measure, column: &[&'a Measure], settings: &Settings) -> Option<Pair<'a>> {
    let row = rate.table_row?;
    let above: Vec<&Measure> = column
        .iter()
        .copied()
        .filter(|m| {
            m.measure != MeasureKind::Rate
                && m.table_id == rate.table_id
                && m.table_col == rate.table_col
                && m.table_row.is_some_and(|r| r < row)
                && m.entity == rate.entity
                && m.indicator == rate.indicator
                && m.stance == rate.stance
                && (m.fy_start, m.fy_end) == (rate.fy_start, rate.fy_end)
        })
        .collect();
    let nearest = above.iter().filter_map(|m| m.table_row).max()?;
    let mut at_nearest = above
        .iter()
        .copied()
        .filter(|m| m.table_row == Some(nearest));
    let count = at_nearest.next()?;
    if at_nearest.next().is_some() {
        return None;
    }
    let h_rate = settings.tolerance(half_unit(rate));
    let h_count = half_unit(count);
    let (r_low, r_high) = (rate.value - h_rate, rate.value + h_rate);
    if rate.value <= 0.0 || r_low <= 0.0 || count.value <= 0.0 {
        return None;
    }
    Some(Pair {
        count,
        rate,
        base: count.value / rate.value * 100.0,
        slack: h_rate,
        low: (count.value - h_count) / r_high * 100.0,
        high: (count.value + h_count) / r_low * 100.0,
    })
}

fn drift(facts: &DocFacts<'_>, pairs: &[Pair]) -> Vec<Finding> {
    if pairs.len() < 2 {
        return Vec::new();
    }
    let low = pairs
        .iter()
        .map(|p| p.low)
        .fold(f64::NEG_INFINITY, f64::max);
    let high = pairs.iter().map(|p| p.high).fold(f64::INFINITY, f64::min);
    if low <= high || !differs(low, high, 0.0) {
        return Vec::new();
    }
    let mut bases: Vec<f64> = pairs.iter().map(|p| p.base).collect();
    bases.sort_by(f64::total_cmp);
    let mid = bases.len() / 2;
    let median = match (bases.get(mid.wrapping_sub(1)), bases.get(mid)) {
        (Some(a), Some(b)) if bases.len().is_multiple_of(2) => (a + b) / 2.0,
        (_, Some(b)) => *b,
        _ => return Vec::new(),
    };
    let listed: Vec<String> = pairs.iter().map(|p| fmt_like(p.base, p.count, 0)).collect();
    let mut out = Vec::new();
    for p in pairs.iter().filter(|p| median < p.low || median > p.high) {
        let mut f = finding(ID, SEVERITY, facts.doc_id, p.count.line, p.count.col);
        f.message = format!(
            "{}: {} at {} implies a base of {} ({}–{}), but the series' median base is {}",
            subject(p.count),
            fmt_measure(p.count),
            fmt_measure(p.rate),
            fmt_like(p.base, p.count, 0),
            fmt_like(p.low, p.count, 0),
            fmt_like(p.high, p.count, 0),
            fmt_like(median, p.count, 0),
        );
        f.expected = Some(fmt_like(median, p.count, 0));
        f.actual = Some(fmt_like(p.base, p.count, 0));
        f.tolerance = Some(p.slack);
        f.evidence = format!(
            "{} ÷ {} = {} ≠ {} (median of {})",
            raw_of(p.count),
            raw_of(p.rate),
            fmt_like(p.base, p.count, 0),
            fmt_like(median, p.count, 0),
            listed.join(", ")
        );
        f.measure_ids = ids(vec![p.count.measure_id, p.rate.measure_id]);
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{facts, measure};
    use crate::model::Stance::Planned;

    /// A targets table: R4..R7 in columns 0..3, counts in row 1, shares in row 2.
    fn targets(counts: [&str; 4], rates: [&str; 4]) -> Vec<Measure> {
        let mut out = Vec::new();
        for (i, (c, r)) in counts.iter().zip(rates.iter()).enumerate() {
            let col = i as u32;
            let fy = 2022 + i as i32;
            let mut count = measure(col * 2 + 1, 1, col, Planned, (fy, fy), c);
            let mut rate = measure(col * 2 + 2, 2, col, Planned, (fy, fy), r);
            for m in [&mut count, &mut rate] {
                m.entity = Some("松江市".to_string());
                m.indicator = Some("就活期に情報を届けられる学生数".to_string());
            }
            out.push(count);
            out.push(rate);
        }
        out
    }

    fn run_on(measures: &[Measure]) -> Vec<Finding> {
        run(&facts(measures, &[], &[]), &Settings::default())
    }

    #[test]
    fn consistent_series_is_silent() {
        // 500/15.2%, 1,000/30.3%, 1,500/45.5%, 2,100/63.6%: all ≈ 3,300.
        let found = run_on(&targets(
            ["500人", "1,000人", "1,500人", "2,100人"],
            ["15.2%", "30.3%", "45.5%", "63.6%"],
        ));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn drifting_series_reports_the_pairs_off_the_median() {
        // Bases 5,000, 5,000, 5,000 and 6,000: the last pair is off.
        let found = run_on(&targets(
            ["250人", "500人", "750人", "1,200人"],
            ["5.0%", "10.0%", "15.0%", "20.0%"],
        ));
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(f.measure_ids, "7 8");
        assert_eq!(f.expected.as_deref(), Some("5,000"));
        assert_eq!(f.actual.as_deref(), Some("6,000"));
        assert_eq!(
            f.evidence,
            "1,200人 ÷ 20.0% = 6,000 ≠ 5,000 (median of 5,000, 5,000, 5,000, 6,000)"
        );
        assert_eq!((f.line, f.col), (7, 24));
    }

    #[test]
    fn overlap_by_rounding_alone_is_silent() {
        // 100/2.0% = 5,000 and 103/2.0% = 5,150: 2.0% may be 2.05%, and 103/2.05% = 5,024 < 5,128 = 100/1.95%.
        let found = run_on(&targets(
            ["100人", "103人", "98人", "101人"],
            ["2.0%", "2.0%", "2.0%", "2.0%"],
        ));
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn pairs_from_other_rows_or_prose_are_not_one_series() {
        let mut all = targets(
            ["250人", "500人", "750人", "1,200人"],
            ["5.0%", "10.0%", "15.0%", "20.0%"],
        );
        // The last column's figures sit two rows lower: another series.
        for m in all.iter_mut().filter(|m| m.table_col == Some(3)) {
            m.table_row = m.table_row.map(|r| r + 2);
        }
        assert!(run_on(&all).is_empty());
        let mut prose = targets(
            ["250人", "500人", "750人", "1,200人"],
            ["5.0%", "10.0%", "15.0%", "20.0%"],
        );
        for m in prose.iter_mut().filter(|m| m.table_col == Some(3)) {
            m.source = MeasureSource::Prose;
        }
        assert!(run_on(&prose).is_empty());
    }

    #[test]
    fn a_single_pair_or_zero_rate_is_no_series() {
        let all = targets(
            ["250人", "500人", "750人", "1,200人"],
            ["5.0%", "10.0%", "15.0%", "20.0%"],
        );
        assert!(run_on(&all[..2]).is_empty());
        let zero = targets(
            ["0人", "500人", "750人", "1,200人"],
            ["0.0%", "10.0%", "15.0%", "20.0%"],
        );
        assert_eq!(run_on(&zero).len(), 1);
        assert!(run_on(&[]).is_empty());
    }
}
