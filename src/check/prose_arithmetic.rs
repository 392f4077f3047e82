//! Arithmetic one passage of running text states about its own figures,
//! reported under the SPEC check it belongs to:
//! - `rate_vs_ratio`: a part's share of a whole named in the same sentence
//!   (`就業者651人のうち…593人(91.1%)`, `総額40億円…うち12億円で、全体の30.0%`)
//!   must be part ÷ whole;
//! - `total_vs_parts`: a yearly figure with its N-year total in parentheses
//!   right after it (`年3回(5年間で15回)`) must satisfy yearly × N = total;
//! - `period_length`: a length stated between two named years
//!   (`平成2年の…から平成12年には…10年間で`) or after a range must match them,
//!   counted from the first year or counting it in.
//!
//! Extraction ties the figures together through columns the `measures`
//! dataset keeps (see `extract::measures::prose`): a share's indicator names
//! its whole and part ([`share_name`]), a yearly figure's period label starts
//! with its yearly mark, a stated length is in the period label of the
//! figure it dates ([`stated_length`]). So `planfacts check` re-runs this
//! from an existing `out/`. Only figures of one passage (one block, or one
//! table cell) are compared.
//!
//! Tolerance: half a unit of every printed figure involved, as in the
//! table checks; lengths are exact.

use std::collections::BTreeMap;

use super::common::{
    differs, finding, fmt_measure, fmt_num, fy_text, half_unit, ids, is_exact, raw_of, Settings,
};
use super::{period_length, rate_vs_ratio, total_vs_parts, DocFacts};
use crate::extract::measures::{is_per_year_label, share_name, stated_length};
use crate::model::{Finding, Measure, MeasureKind, MeasureSource};

/// The findings of `check_id` this module adds to that check's own.
pub fn run(check_id: &str, facts: &DocFacts<'_>, settings: &Settings) -> Vec<Finding> {
    let passages = passages(facts.measures);
    let mut out = Vec::new();
    for figures in passages.values() {
        match check_id {
            rate_vs_ratio::ID => out.extend(shares(facts, settings, figures)),
            total_vs_parts::ID => out.extend(yearly_totals(facts, settings, figures)),
            period_length::ID => out.extend(lengths(facts, figures)),
            _ => return Vec::new(),
        }
    }
    out
}

/// How many figures back a share looks for its part, and the part for its
/// whole: extraction ties them within one sentence, and a long passage
/// stays linear.
const NEARBY: usize = 16;

type PassageKey = (u32, Option<u32>, Option<u32>, Option<u32>);

/// Prose figures by passage (block, or table cell), in reading order.
fn passages(measures: &[Measure]) -> BTreeMap<PassageKey, Vec<&Measure>> {
    let mut out: BTreeMap<PassageKey, Vec<&Measure>> = BTreeMap::new();
    for m in measures.iter().filter(|m| m.source == MeasureSource::Prose) {
        out.entry((m.block_id, m.table_id, m.table_row, m.table_col))
            .or_default()
            .push(m);
    }
    for figures in out.values_mut() {
        figures.sort_by_key(|m| (m.line, m.col));
    }
    out
}

/// Shares whose indicator names a part and a whole printed before them.
fn shares(facts: &DocFacts<'_>, settings: &Settings, figures: &[&Measure]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, share) in figures.iter().enumerate() {
        let Some(name) = share.indicator.as_deref() else {
            continue;
        };
        if share.measure != MeasureKind::Rate || !is_exact(share) {
            continue;
        }
        let before = figures.get(..i).unwrap_or_default();
        let found = before
            .iter()
            .enumerate()
            .rev()
            .take(NEARBY)
            .find_map(|(j, part)| {
                let part_name = part.indicator.as_deref()?;
                if part.measure == MeasureKind::Rate {
                    return None;
                }
                let whole = before.get(..j)?.iter().rev().take(NEARBY).find(|w| {
                    w.measure != MeasureKind::Rate
                        && w.unit == part.unit
                        && w.indicator
                            .as_deref()
                            .is_some_and(|wn| share_name(wn, part_name) == name)
                })?;
                Some((*part, *whole))
            });
        let Some((part, whole)) = found else {
            continue;
        };
        if !is_exact(part) || !is_exact(whole) || whole.value <= 0.0 {
            continue;
        }
        let ratio = part.value / whole.value * 100.0;
        let slack = 100.0 * (half_unit(part) + ratio / 100.0 * half_unit(whole)) / whole.value;
        let tol = settings.tolerance(half_unit(share) + slack);
        if !differs(ratio, share.value, tol) {
            continue;
        }
        let mut f = finding(
            rate_vs_ratio::ID,
            rate_vs_ratio::SEVERITY,
            facts.doc_id,
            share.line,
            share.col,
        );
        f.message = format!(
            "{name}: the share {} is not {} ÷ {}",
            fmt_measure(share),
            fmt_measure(part),
            fmt_measure(whole)
        );
        f.expected = Some(format!("{}%", fmt_num(ratio, share.decimals)));
        f.actual = Some(fmt_measure(share));
        f.tolerance = Some(tol);
        f.evidence = format!(
            "{} ÷ {} = {}% ≠ {} (printed)",
            raw_of(part),
            raw_of(whole),
            fmt_num(ratio, share.decimals + 1),
            raw_of(share)
        );
        f.measure_ids = ids(vec![share.measure_id, part.measure_id, whole.measure_id]);
        out.push(f);
    }
    out
}

/// A yearly figure and the N-year total printed in parentheses right after it.
fn yearly_totals(facts: &DocFacts<'_>, settings: &Settings, figures: &[&Measure]) -> Vec<Finding> {
    let mut out = Vec::new();
    for pair in figures.windows(2) {
        let [yearly, total] = pair else { continue };
        let is_yearly = yearly
            .period_label
            .as_deref()
            .is_some_and(is_per_year_label);
        let (Some(start), Some(end)) = (total.fy_start, total.fy_end) else {
            continue;
        };
        // `年3回(5年間で15回)`: only an opening parenthesis between them.
        let gap = total
            .col
            .checked_sub(yearly.col + yearly.raw.chars().count() as u32);
        let adjacent = yearly.line == total.line && matches!(gap, Some(0..=1));
        let pair = is_yearly
            && total.cumulative
            && end > start
            && adjacent
            && yearly.unit == total.unit
            && is_exact(yearly)
            && is_exact(total);
        if !pair {
            continue;
        }
        let years = end - start + 1;
        let expected = yearly.value * f64::from(years);
        let tol = settings.tolerance(half_unit(yearly) * f64::from(years) + half_unit(total));
        if !differs(expected, total.value, tol) {
            continue;
        }
        let mut f = finding(
            total_vs_parts::ID,
            total_vs_parts::SEVERITY,
            facts.doc_id,
            total.line,
            total.col,
        );
        f.message = format!(
            "{} a year for the {years} years {} makes {}, not the {} printed",
            raw_of(yearly),
            fy_text(start, end),
            fmt_num(expected, total.decimals),
            raw_of(total)
        );
        f.expected = Some(fmt_num(expected, total.decimals));
        f.actual = Some(fmt_measure(total));
        f.tolerance = Some(tol);
        f.evidence = format!(
            "{} × {years} = {} ≠ {} (printed)",
            raw_of(yearly),
            fmt_num(expected, total.decimals),
            raw_of(total)
        );
        f.measure_ids = ids(vec![yearly.measure_id, total.measure_id]);
        out.push(f);
    }
    out
}

/// A length stated with the span of a figure.
fn lengths(facts: &DocFacts<'_>, figures: &[&Measure]) -> Vec<Finding> {
    let mut out = Vec::new();
    for m in figures {
        let Some(label) = m.period_label.as_deref() else {
            continue;
        };
        let (Some(stated), Some(start), Some(end)) = (stated_length(label), m.fy_start, m.fy_end)
        else {
            continue;
        };
        // Prose counts a span either way: from the base year
        // (`令和2年度から令和7年度の5年間で…5%向上`) or the years in it
        // (`令和3年度から令和7年度までの5年間で`). A length off both is wrong.
        let from_base = end - start;
        if end < start || stated == from_base || stated == from_base + 1 {
            continue;
        }
        let spans = if m.cumulative {
            from_base + 1
        } else {
            from_base
        };
        let mut f = finding(
            period_length::ID,
            period_length::SEVERITY,
            facts.doc_id,
            m.line,
            m.col,
        );
        f.message =
            format!("「{label}」: the years named span {spans} years, not the {stated} stated");
        f.expected = Some(format!("{spans}年間"));
        f.actual = Some(format!("{stated}年間"));
        f.tolerance = Some(0.0);
        let basis = if m.cumulative {
            format!("FY{start}…FY{end} = {spans} years")
        } else {
            format!("{end} − {start} = {spans} years")
        };
        f.evidence = format!("{label}: {basis} ≠ {stated}年間 (printed)");
        f.measure_ids = ids(vec![m.measure_id]);
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{check_output, Config};

    /// The findings of one check on a text run through the whole pipeline.
    fn findings(text: &str, check: &str) -> Vec<Finding> {
        let out = crate::pipeline::process("plan.md", text.as_bytes());
        check_output(&out, &Config::default())
            .into_iter()
            .filter(|f| f.check == check)
            .collect()
    }

    #[test]
    fn a_share_off_its_part_and_whole_fires() {
        let text = "平成27年の就業者820人のうち、村内で働く人が700人(84.4%)、次いで隣町90人(11.0%)となっている。\n";
        let found = findings(text, "rate_vs_ratio");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].expected.as_deref(), Some("85.4%"));
        assert_eq!(
            found[0].evidence,
            "700人 ÷ 820人 = 85.37% ≠ 84.4% (printed)"
        );
        // Near miss: the right shares.
        let text = "平成27年の就業者820人のうち、村内で働く人が700人(85.4%)、次いで隣町90人(11.0%)となっている。\n";
        assert!(findings(text, "rate_vs_ratio").is_empty());
        let text = "歳入総額は50億円で、うち県支出金は15億円、全体の33.0%を占める。\n";
        assert_eq!(findings(text, "rate_vs_ratio").len(), 1);
        let text = "歳入総額は50億円で、うち県支出金は15億円、全体の30.0%を占める。\n";
        assert!(findings(text, "rate_vs_ratio").is_empty());
    }

    #[test]
    fn a_yearly_figure_times_its_years_must_be_its_total() {
        let table = |cell: &str| {
            format!(
                "#### 基本目標(2019年度)\n\n| 指標 | 現状値(2014年度) | 目標値(2019年度) |\n|---|---|---|\n| 連携授業数 | 2回 | {cell} |\n"
            )
        };
        let found = findings(&table("年4回(5年間で12回)"), "total_vs_parts");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].evidence, "4回 × 5 = 20 ≠ 5年間で12回 (printed)");
        assert!(findings(&table("年4回(5年間で20回)"), "total_vs_parts").is_empty());
        // Near miss: a total not in the yearly figure's parentheses.
        assert!(findings(&table("年4回、延べ5年間で12回"), "total_vs_parts").is_empty());
    }

    #[test]
    fn a_length_between_two_years_must_match_them() {
        let text =
            "高齢化率は平成2年の12.5%から平成22年には30.1%と30年間で17.6ポイント増加した。\n";
        let found = findings(text, "period_length");
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].expected.as_deref(), Some("20年間"));
        assert_eq!(found[0].actual.as_deref(), Some("30年間"));
        let text =
            "高齢化率は平成2年の12.5%から平成22年には30.1%と20年間で17.6ポイント増加した。\n";
        assert!(findings(text, "period_length").is_empty());
        // A chain of years: the one the length fits is its start.
        let text = "転入は1980年の「5,000人」→2000年の「4,000人」→2020年の「3,000人」で、20年で25.0%、40年で40.0%の縮小となった。\n";
        assert!(findings(text, "period_length").is_empty());
        // A range with its length: from its first year or counting it in.
        let text = "令和3年度から令和7年度までの3年間で、就農者を40人にすることを目標とする。\n";
        assert_eq!(findings(text, "period_length").len(), 1);
        for years in [4, 5] {
            let text = format!(
                "令和3年度から令和7年度までの{years}年間で、就農者を40人にすることを目標とする。\n"
            );
            assert!(findings(&text, "period_length").is_empty());
        }
        // Near miss: a range far from the length does not take it.
        let text = "平成25年～29年の平均(100件)を起点として、15年間で50%減とする。\n";
        assert!(findings(text, "period_length").is_empty());
    }
}
