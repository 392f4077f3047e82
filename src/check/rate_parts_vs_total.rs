//! `rate_parts_vs_total`: per-year progress rates must add up to the
//! cumulative progress rate, beyond rounding.
//!
//! For a cumulative rate (`cumulative`, `fy_start < fy_end`) in its group
//! (table row, or entity + indicator outside tables): the single-year rates
//! of the same stance and unit covering its span, each year exactly once.
//! Rates only add up when they share one base, so the group must hold a
//! planned whole-period target (a non-rate planned figure with exactly the
//! total's span) and no per-year planned figure inside the span (with those,
//! each year's rate is against its own target and the rates do not add).
//!
//! Tolerance: n × half a unit of the parts' printed decimals plus half a
//! unit of the total (`23.7+27.2+29.5+31.3 = 111.7` against a printed
//! `111.6` is rounding: 0.1 ≤ 4 × 0.05 + 0.05).

use std::collections::BTreeMap;

use super::common::{
    covers_exactly, cumulative_span, finding, fmt_measure, fmt_num, fy_text, ids, is_exact, raw_of,
    single_year, subject, sum_mismatch, GroupKey, Groups, Settings,
};
use super::DocFacts;
use crate::model::{Finding, Measure, MeasureKind, Severity, Stance};

pub const ID: &str = "rate_parts_vs_total";
pub const SEVERITY: Severity = Severity::Warning;
/// Per-period rates against one target must add up to the cumulative rate, beyond rounding.
pub const RATIONALE: &str =
    "Per-period rates against one target must add up to the cumulative rate, beyond rounding.";

pub fn run(facts: &DocFacts<'_>, settings: &Settings) -> Vec<Finding> {
    let keys = Groups::new(facts.measures);
    let mut groups: BTreeMap<GroupKey, Vec<&Measure>> = BTreeMap::new();
    for m in facts.measures.iter().filter(|m| is_exact(m)) {
        if let Some(key) = keys.key(m) {
            groups.entry(key).or_default().push(m);
        }
    }
    let mut out = Vec::new();
    for group in groups.values() {
        for total in group.iter().filter(|m| m.measure == MeasureKind::Rate) {
            if let Some(parts) = parts_of(total, group) {
                out.extend(compare(facts, settings, total, &parts));
            }
        }
    }
    out
}

fn parts_of<'a>(total: &Measure, group: &[&'a Measure]) -> Option<Vec<&'a Measure>> {
    let (start, end) = cumulative_span(total)?;
    let in_span = |m: &Measure| single_year(m).is_some_and(|y| (start..=end).contains(&y));
    let planned = || {
        group
            .iter()
            .filter(|m| m.measure != MeasureKind::Rate && m.stance == Stance::Planned)
    };
    let whole_period_target = planned().any(|m| cumulative_span(m) == Some((start, end)));
    let yearly_targets = planned().any(|m| in_span(m));
    if !whole_period_target || yearly_targets {
        return None;
    }
    let parts: Vec<&Measure> = group
        .iter()
        .copied()
        .filter(|m| {
            m.measure == MeasureKind::Rate
                && m.measure_id != total.measure_id
                && m.stance == total.stance
                && m.unit == total.unit
                && in_span(m)
        })
        .collect();
    let years: Vec<i32> = parts.iter().filter_map(|p| single_year(p)).collect();
    covers_exactly(&years, start, end).then_some(parts)
}

fn compare(
    facts: &DocFacts<'_>,
    settings: &Settings,
    total: &Measure,
    parts: &[&Measure],
) -> Option<Finding> {
    let mut parts = parts.to_vec();
    parts.sort_by_key(|p| (p.fy_start, p.measure_id));
    let (sum, tol, decimals) = sum_mismatch(&parts, total, settings)?;
    let span = cumulative_span(total).map_or(String::new(), |(s, e)| format!(" {}", fy_text(s, e)));
    let mut f = finding(ID, SEVERITY, facts.doc_id, total.line, total.col);
    f.message = format!(
        "{}: the {} yearly rates do not add up to the{span} rate",
        subject(total),
        parts.len()
    );
    f.expected = Some(format!("{}%", fmt_num(sum, decimals)));
    f.actual = Some(fmt_measure(total));
    f.tolerance = Some(tol);
    let terms: Vec<String> = parts.iter().map(|p| raw_of(p)).collect();
    f.evidence = format!(
        "{} = {}% ≠ {} (printed)",
        terms.join("+"),
        fmt_num(sum, decimals),
        raw_of(total)
    );
    let mut list: Vec<u32> = parts.iter().map(|p| p.measure_id).collect();
    list.push(total.measure_id);
    f.measure_ids = ids(list);
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{facts, kpi_row, measure};
    use crate::model::Stance::{Achieved, Planned};

    fn run_on(measures: &[Measure]) -> Vec<Finding> {
        run(&facts(measures, &[], &[]), &Settings::default())
    }

    #[test]
    fn seed_rounding_stays_silent() {
        // 23.7+27.2+29.5+31.3 = 111.7 against 111.6: four rounded terms.
        assert!(run_on(&kpi_row()).is_empty());
    }

    #[test]
    fn rates_that_do_not_add_up_fire() {
        let mut row = kpi_row();
        row[2] = measure(3, 2, 4, Achieved, (2020, 2023), "112.0%");
        let found = run_on(&row);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.expected.as_deref(), Some("111.7%"));
        assert_eq!(f.actual.as_deref(), Some("112.0%"));
        assert_eq!(
            f.evidence,
            "23.7%+27.2%+29.5%+31.3% = 111.7% ≠ 112.0% (printed)"
        );
        assert_eq!(f.measure_ids, "3 5 7 9 11");
        assert!(f.tolerance.is_some_and(|t| (t - 0.25).abs() < 1e-9));
    }

    #[test]
    fn just_inside_the_rounding_band_is_silent() {
        let mut row = kpi_row();
        // 111.7 vs 111.95: 0.25 = 4 × 0.05 + 0.05 exactly.
        row[2] = measure(3, 2, 4, Achieved, (2020, 2023), "111.95%");
        row[2].decimals = 1;
        assert!(run_on(&row).is_empty());
    }

    #[test]
    fn rates_against_yearly_targets_are_not_added() {
        let mut row = kpi_row();
        row[2] = measure(3, 2, 4, Achieved, (2020, 2023), "112.0%");
        row.push(measure(12, 2, 13, Planned, (2021, 2021), "800"));
        assert!(run_on(&row).is_empty());
        let without_target: Vec<Measure> = row
            .into_iter()
            .filter(|m| m.measure_id != 1 && m.measure_id != 12)
            .collect();
        assert!(run_on(&without_target).is_empty());
    }

    #[test]
    fn empty_input() {
        assert!(run_on(&[]).is_empty());
    }
}
