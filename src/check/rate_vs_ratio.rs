//! `rate_vs_ratio`: a printed achievement rate must be the achieved value
//! divided by its target (`進捗率 = 取組状況 ÷ 目標値`).
//!
//! For an achieved rate (kind `rate`) with a fiscal-year span, in its group
//! (table row, or entity + indicator outside tables):
//! - the numerator is the one achieved count/amount with the same span;
//! - the base is the one planned figure of the same kind and unit with the
//!   same span, or else the one planned cumulative figure whose span covers
//!   it (KPI sheets give per-year progress against the whole-period target).
//!
//! Nothing is compared when either is missing or ambiguous.
//! Tolerance: half a unit of the rate's printed decimals (±0.05 for
//! `23.7%`), widened by how far rounding of the numerator and base (when
//! scaled or decimal) can move the ratio.

use std::collections::BTreeMap;

use super::common::{
    cumulative_span, differs, finding, fmt_measure, fmt_num, fy_text, half_unit, ids, is_exact,
    raw_of, subject, CheckId, GroupKey, Groups, Settings,
};
use super::DocFacts;
use crate::model::{Finding, Measure, MeasureKind, Severity, Stance};

pub const ID: &str = "rate_vs_ratio";
pub const SEVERITY: Severity = Severity::Error;
/// This check as the rule files that report under it take it.
const CHECK: CheckId = CheckId {
    id: ID,
    severity: SEVERITY,
};
/// A printed percentage must equal the value divided by its base, within the printed precision.
pub const RATIONALE: &str =
    "A printed percentage must equal the value divided by its base, within the printed precision.";

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
        for rate in group
            .iter()
            .filter(|m| m.measure == MeasureKind::Rate && m.stance == Stance::Achieved)
        {
            if let Some((num, base)) = operands(rate, group) {
                out.extend(compare(facts, settings, rate, num, base));
            }
        }
    }
    let grids = super::grid::grids(facts);
    out.extend(super::shares::ratio_findings(
        facts, settings, CHECK, &grids,
    ));
    out.extend(super::changes::rate_findings(
        facts, settings, CHECK, &grids,
    ));
    out
}

fn only<'a>(mut found: impl Iterator<Item = &'a Measure>) -> Option<&'a Measure> {
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

fn operands<'a>(rate: &Measure, group: &[&'a Measure]) -> Option<(&'a Measure, &'a Measure)> {
    let (start, end) = (rate.fy_start?, rate.fy_end?);
    let span = (Some(start), Some(end));
    let figures = || {
        group
            .iter()
            .copied()
            .filter(|m| m.measure != MeasureKind::Rate)
    };
    let num =
        only(figures().filter(|m| m.stance == Stance::Achieved && (m.fy_start, m.fy_end) == span))?;
    let planned = || {
        figures().filter(|m| {
            m.stance == Stance::Planned && m.measure == num.measure && m.unit == num.unit
        })
    };
    let base = only(planned().filter(|m| (m.fy_start, m.fy_end) == span)).or_else(|| {
        only(planned().filter(|m| {
            cumulative_span(m)
                .is_some_and(|(s, e)| s <= start && end <= e && (s, e) != (start, end))
        }))
    })?;
    (base.value > 0.0).then_some((num, base))
}

fn compare(
    facts: &DocFacts<'_>,
    settings: &Settings,
    rate: &Measure,
    num: &Measure,
    base: &Measure,
) -> Option<Finding> {
    let ratio = num.value / base.value * 100.0;
    // Rounding of the operands moves the ratio by at most this much.
    let operand_slack = 100.0 * (half_unit(num) + ratio / 100.0 * half_unit(base)) / base.value;
    let tol = settings.tolerance(half_unit(rate) + operand_slack);
    if !differs(ratio, rate.value, tol) {
        return None;
    }
    let period = match (rate.fy_start, rate.fy_end) {
        (Some(s), Some(e)) => format!(" ({})", fy_text(s, e)),
        _ => String::new(),
    };
    let mut f = finding(ID, SEVERITY, facts.doc_id, rate.line, rate.col);
    f.message = format!(
        "{}{period}: the rate {} is not {} ÷ {}",
        subject(rate),
        fmt_measure(rate),
        fmt_measure(num),
        fmt_measure(base)
    );
    f.expected = Some(format!("{}%", fmt_num(ratio, rate.decimals)));
    f.actual = Some(fmt_measure(rate));
    f.tolerance = Some(tol);
    f.evidence = format!(
        "{} ÷ {} = {}% ≠ {} (printed)",
        raw_of(num),
        raw_of(base),
        fmt_num(ratio, rate.decimals + 1),
        raw_of(rate)
    );
    f.measure_ids = ids(vec![rate.measure_id, num.measure_id, base.measure_id]);
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
    fn seed_row_rates_match_their_ratios() {
        // 781 ÷ 3,300 = 23.67%, printed 23.7%; 3,682 ÷ 3,300 = 111.58%, printed 111.6%.
        assert!(run_on(&kpi_row()).is_empty());
    }

    #[test]
    fn year_rate_against_whole_period_target_fires() {
        let mut row = kpi_row();
        row[4] = measure(5, 2, 6, Achieved, (2020, 2020), "23.9%");
        let found = run_on(&row);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(f.expected.as_deref(), Some("23.7%"));
        assert_eq!(f.actual.as_deref(), Some("23.9%"));
        assert_eq!(f.evidence, "781 ÷ 3,300 = 23.67% ≠ 23.9% (printed)");
        assert_eq!(f.measure_ids, "1 4 5");
        assert_eq!((f.line, f.col), (8, 48));
        assert!(f.tolerance.is_some_and(|t| (t - 0.05).abs() < 1e-12));
    }

    #[test]
    fn near_miss_within_half_a_unit_is_silent() {
        // 896 ÷ 3,300 = 27.1515…: the printed 27.2 is 0.0485 away, inside ±0.05…
        let mut row = kpi_row();
        row[6] = measure(7, 2, 8, Achieved, (2021, 2021), "27.2%");
        assert!(run_on(&row).is_empty());
        // …while 27.1 is 0.0515 away, just outside.
        row[6] = measure(7, 2, 8, Achieved, (2021, 2021), "27.1%");
        assert_eq!(run_on(&row).len(), 1);
    }

    #[test]
    fn same_year_target_is_preferred_over_the_period_target() {
        let mut row = kpi_row();
        row.push(measure(12, 2, 13, Planned, (2020, 2020), "800"));
        // 781 ÷ 800 = 97.6%, so the printed 23.7% no longer fits.
        let found = run_on(&row);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].expected.as_deref(), Some("97.6%"));
    }

    #[test]
    fn ambiguous_or_missing_operands_are_skipped() {
        let mut row = kpi_row();
        row[4] = measure(5, 2, 6, Achieved, (2020, 2020), "50.0%");
        row.push(measure(12, 2, 14, Achieved, (2020, 2020), "12"));
        assert!(run_on(&row).is_empty(), "two numerators");
        let no_target: Vec<Measure> = kpi_row()
            .into_iter()
            .filter(|m| m.measure_id != 1)
            .collect();
        assert!(run_on(&no_target).is_empty());
        assert!(run_on(&[]).is_empty());
    }

    #[test]
    fn zero_target_does_not_divide() {
        let mut row = kpi_row();
        row[0] = measure(1, 2, 2, Planned, (2020, 2023), "0");
        assert!(run_on(&row).is_empty());
    }
}
