//! `total_vs_parts`: a total or cumulative figure must equal the sum of the
//! parts printed beside it.
//!
//! Three shapes of "total", each compared with `Σ parts`:
//! - by period: a cumulative measure (`cumulative`, `fy_start < fy_end`) and
//!   the single-year measures of the same group (table row, or entity +
//!   indicator outside tables), stance, measure kind and unit whose years
//!   cover its span, each year exactly once;
//! - a total row (`合計`/`計`/`総計`/`累計`/`小計` as the row's label) and the
//!   rows above it in the same column;
//! - a total column (the same words as the column header) and the columns
//!   before it in the same row, unless the total is a cumulative span
//!   (then the period rule alone decides).
//!
//! Tolerance: half a unit of every printed figure involved (parts and
//! total); a whole count or yen amount printed without a scale is exact.

use std::collections::BTreeMap;

use super::common::{
    cumulative_span, differs, fmt_like, fmt_measure, fy_text, group_key, half_unit, ids, is_exact,
    raw_of, single_year, subject, GroupKey, Settings,
};
use super::DocFacts;
use crate::model::{Cell, Finding, Measure, MeasureKind, Severity};

pub const ID: &str = "total_vs_parts";
pub const SEVERITY: Severity = Severity::Error;
/// A total or cumulative figure must equal the sum of the parts printed beside it.
pub const RATIONALE: &str =
    "A total or cumulative figure must equal the sum of the parts printed beside it.";

pub fn run(facts: &DocFacts<'_>, settings: &Settings) -> Vec<Finding> {
    let summable: Vec<&Measure> = facts
        .measures
        .iter()
        .filter(|m| m.measure != MeasureKind::Rate && is_exact(m))
        .collect();
    let mut groups: BTreeMap<GroupKey, Vec<&Measure>> = BTreeMap::new();
    for m in &summable {
        if let Some(key) = group_key(m) {
            groups.entry(key).or_default().push(m);
        }
    }
    let labels = TotalLabels::new(facts.cells);
    let mut out = Vec::new();
    for total in &summable {
        if cumulative_span(total).is_some() {
            if let Some(parts) = period_parts(total, &groups) {
                out.extend(compare(facts, settings, total, &parts, Shape::Period));
            }
        } else if let Some(parts) = column_parts(total, &summable, &labels) {
            out.extend(compare(facts, settings, total, &parts, Shape::Column));
        }
        if let Some(parts) = row_parts(total, &summable, &labels) {
            out.extend(compare(facts, settings, total, &parts, Shape::Row));
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Period,
    Row,
    Column,
}

/// Measures that can be added to `total`: same stance, kind and unit.
fn addable(total: &Measure, part: &Measure) -> bool {
    part.measure_id != total.measure_id
        && part.stance == total.stance
        && part.measure == total.measure
        && part.unit == total.unit
}

fn period_parts<'a>(
    total: &Measure,
    groups: &BTreeMap<GroupKey, Vec<&'a Measure>>,
) -> Option<Vec<&'a Measure>> {
    let (start, end) = cumulative_span(total)?;
    let group = groups.get(&group_key(total)?)?;
    let parts: Vec<&Measure> = group
        .iter()
        .copied()
        .filter(|p| addable(total, p))
        .filter(|p| single_year(p).is_some_and(|y| (start..=end).contains(&y)))
        .collect();
    let years: Vec<i32> = parts.iter().filter_map(|p| single_year(p)).collect();
    super::common::covers_exactly(&years, start, end).then_some(parts)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TotalKind {
    Sub,
    Grand,
}

/// What a label says about its row or column: `小計` is a subtotal;
/// `計`, `合計`, `総計`, `累計` (alone or ending a longer label such as
/// `事業費合計`) a total. `計画`, `会計`, `合計特殊出生率` are not.
fn total_kind(label: &str) -> Option<TotalKind> {
    let mut s: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    // A trailing unit note does not change what the label is: `合計(人)`.
    if let Some(open) = s.rfind(['(', '（']) {
        if s.ends_with([')', '）']) && open > 0 {
            s.truncate(open);
        }
    }
    let s = s.trim_matches(|c: char| "()（）【】[]<>＜＞〔〕・:：■□○●".contains(c));
    if s.ends_with("小計") {
        Some(TotalKind::Sub)
    } else if s == "計" || ["合計", "総計", "累計"].iter().any(|w| s.ends_with(w)) {
        Some(TotalKind::Grand)
    } else {
        None
    }
}

/// Total rows and columns as the cells label them.
struct TotalLabels {
    rows: BTreeMap<(u32, u32), TotalKind>,
    cols: BTreeMap<(u32, u32), TotalKind>,
}

impl TotalLabels {
    fn new(cells: &[Cell]) -> Self {
        let mut rows = BTreeMap::new();
        let mut cols = BTreeMap::new();
        for c in cells {
            if c.is_header {
                let last = c.header.rsplit(" / ").next().unwrap_or("");
                if let Some(k) = total_kind(&c.text).or_else(|| total_kind(last)) {
                    cols.insert((c.table_id, c.col), k);
                }
            } else if c.value.is_none() {
                if let Some(k) = total_kind(&c.text).or_else(|| total_kind(&c.row_label)) {
                    rows.insert((c.table_id, c.row), k);
                }
            }
        }
        TotalLabels { rows, cols }
    }

    fn row(&self, m: &Measure) -> Option<TotalKind> {
        let at = (m.table_id?, m.table_row?);
        self.rows
            .get(&at)
            .copied()
            .or_else(|| m.indicator.as_deref().and_then(total_kind))
    }

    fn col(&self, m: &Measure) -> Option<TotalKind> {
        let at = (m.table_id?, m.table_col?);
        self.cols
            .get(&at)
            .copied()
            .or_else(|| m.period_label.as_deref().and_then(total_kind))
    }
}

/// Walks from the total towards the start of its column (or row) and keeps
/// what it adds up: plain items, and subtotals in place of the items they
/// already sum. Stops at the previous total of the same or higher level.
/// `lines` holds, nearest first, each position's total kind and measures.
fn collect<'a>(
    kind: TotalKind,
    lines: Vec<(Option<TotalKind>, Vec<&'a Measure>)>,
) -> Option<Vec<&'a Measure>> {
    let mut parts = Vec::new();
    let mut covered = false;
    for (line_kind, measures) in lines {
        match (kind, line_kind) {
            (_, Some(TotalKind::Grand)) | (TotalKind::Sub, Some(TotalKind::Sub)) => break,
            (TotalKind::Grand, Some(TotalKind::Sub)) => covered = true,
            (_, None) if covered => continue,
            (_, None) => {}
        }
        // Two figures in one cell position: no way to tell which one is the part.
        if measures.len() != 1 {
            return None;
        }
        parts.extend(measures);
    }
    (parts.len() >= 2).then_some(parts)
}

fn row_parts<'a>(
    total: &Measure,
    summable: &[&'a Measure],
    labels: &TotalLabels,
) -> Option<Vec<&'a Measure>> {
    let kind = labels.row(total)?;
    let (table, row, col) = (total.table_id?, total.table_row?, total.table_col?);
    let mut by_row: BTreeMap<u32, Vec<&Measure>> = BTreeMap::new();
    for p in summable.iter().copied() {
        if p.table_id == Some(table)
            && p.table_col == Some(col)
            && p.table_row.is_some_and(|r| r < row)
            && (p.fy_start, p.fy_end) == (total.fy_start, total.fy_end)
            && addable(total, p)
        {
            by_row
                .entry(p.table_row.unwrap_or(row))
                .or_default()
                .push(p);
        }
    }
    let lines = by_row
        .into_iter()
        .rev()
        .map(|(r, ms)| (labels.rows.get(&(table, r)).copied(), ms))
        .collect();
    collect(kind, lines)
}

fn column_parts<'a>(
    total: &Measure,
    summable: &[&'a Measure],
    labels: &TotalLabels,
) -> Option<Vec<&'a Measure>> {
    let kind = labels.col(total)?;
    let (table, row, col) = (total.table_id?, total.table_row?, total.table_col?);
    let within = |p: &Measure| match (total.fy_start, total.fy_end, p.fy_start, p.fy_end) {
        (Some(s), Some(e), Some(a), Some(b)) => s <= a && b <= e,
        _ => true,
    };
    let mut by_col: BTreeMap<u32, Vec<&Measure>> = BTreeMap::new();
    for p in summable.iter().copied() {
        if p.table_id == Some(table)
            && p.table_row == Some(row)
            && p.table_col.is_some_and(|c| c < col)
            && within(p)
            && addable(total, p)
        {
            by_col
                .entry(p.table_col.unwrap_or(col))
                .or_default()
                .push(p);
        }
    }
    let lines = by_col
        .into_iter()
        .rev()
        .map(|(c, ms)| (labels.cols.get(&(table, c)).copied(), ms))
        .collect();
    collect(kind, lines)
}

fn compare(
    facts: &DocFacts<'_>,
    settings: &Settings,
    total: &Measure,
    parts: &[&Measure],
    shape: Shape,
) -> Option<Finding> {
    let mut parts = parts.to_vec();
    parts.sort_by_key(|p| {
        (
            p.fy_start,
            p.table_row,
            p.table_col,
            p.line,
            p.col,
            p.measure_id,
        )
    });
    let sum: f64 = parts.iter().map(|p| p.value).sum();
    let default_tol = parts.iter().map(|p| half_unit(p)).sum::<f64>() + half_unit(total);
    let tol = settings.tolerance(default_tol);
    if !differs(sum, total.value, tol) {
        return None;
    }
    let decimals = parts
        .iter()
        .map(|p| p.decimals)
        .max()
        .unwrap_or(0)
        .max(total.decimals);
    let sum_text = fmt_like(sum, total, decimals);
    let n = parts.len();
    let what = match (shape, cumulative_span(total)) {
        (Shape::Period, Some((s, e))) => {
            format!(
                "the {} total is not the sum of its {n} yearly figures",
                fy_text(s, e)
            )
        }
        (Shape::Row, _) => format!("the total row is not the sum of the {n} rows above it"),
        _ => format!("the total column is not the sum of the {n} columns before it"),
    };
    let terms: Vec<String> = parts.iter().map(|p| raw_of(p)).collect();
    let mut f = super::common::finding(ID, SEVERITY, facts.doc_id, total.line, total.col);
    f.message = format!("{}: {what}", subject(total));
    f.expected = Some(sum_text.clone());
    f.actual = Some(fmt_measure(total));
    f.tolerance = Some(tol);
    f.evidence = format!(
        "{} = {sum_text} ≠ {} (printed)",
        terms.join("+"),
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
    use crate::check::testutil::{cell, facts, kpi_row, measure};
    use crate::model::Stance;

    fn run_on(measures: &[Measure], cells: &[Cell]) -> Vec<Finding> {
        run(&facts(measures, &[], cells), &Settings::default())
    }

    #[test]
    fn cumulative_total_off_by_eighteen_fires() {
        let mut row = kpi_row();
        // 取組状況 printed as 3,700 while the years add up to 3,682.
        row[1] = measure(2, 2, 3, Stance::Achieved, (2020, 2023), "3,700");
        let found = run_on(&row, &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(f.check, ID);
        assert_eq!(f.expected.as_deref(), Some("3,682"));
        assert_eq!(f.actual.as_deref(), Some("3,700"));
        assert_eq!(f.tolerance, Some(0.0));
        assert_eq!(f.evidence, "781+896+972+1,033 = 3,682 ≠ 3,700 (printed)");
        assert_eq!(f.measure_ids, "2 4 6 8 10");
        assert_eq!((f.line, f.col), (8, 24));
    }

    #[test]
    fn seed_row_adds_up() {
        assert!(run_on(&kpi_row(), &[]).is_empty());
    }

    #[test]
    fn exact_counts_have_no_slack_but_scaled_amounts_do() {
        use Stance::Planned;
        // 千円 figures: each printed figure may be off by 500 円.
        let amounts = vec![
            measure(1, 1, 1, Planned, (2022, 2025), "28,001千円"),
            measure(2, 1, 2, Planned, (2022, 2022), "7,000千円"),
            measure(3, 1, 3, Planned, (2023, 2023), "7,000千円"),
            measure(4, 1, 4, Planned, (2024, 2024), "7,000千円"),
            measure(5, 1, 5, Planned, (2025, 2025), "7,000千円"),
        ];
        assert!(
            run_on(&amounts, &[]).is_empty(),
            "1千円 off is within 5 × 500円"
        );
        let mut off = amounts.clone();
        off[0] = measure(1, 1, 1, Planned, (2022, 2025), "28,003千円");
        let found = run_on(&off, &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].tolerance, Some(2500.0));
        assert_eq!(found[0].expected.as_deref(), Some("28,000千円"));
    }

    #[test]
    fn gaps_or_repeats_in_the_years_are_not_compared() {
        let mut row = kpi_row();
        row[1] = measure(2, 2, 3, Stance::Achieved, (2020, 2023), "3,700");
        let missing_year: Vec<Measure> =
            row.iter().filter(|m| m.measure_id != 10).cloned().collect();
        assert!(run_on(&missing_year, &[]).is_empty());
        let mut repeated = row.clone();
        repeated.push(measure(12, 2, 13, Stance::Achieved, (2021, 2021), "5"));
        assert!(run_on(&repeated, &[]).is_empty());
    }

    #[test]
    fn other_stance_or_group_is_not_a_part() {
        let mut row = kpi_row();
        row[1] = measure(2, 2, 3, Stance::Achieved, (2020, 2023), "3,700");
        for m in row.iter_mut().filter(|m| m.measure_id == 10) {
            m.table_row = Some(3);
        }
        assert!(run_on(&row, &[]).is_empty());
    }

    fn table_with_total(total_raw: &str) -> (Vec<Measure>, Vec<Cell>) {
        use Stance::Achieved;
        let measures = vec![
            measure(1, 1, 1, Achieved, (2022, 2022), "120人"),
            measure(2, 2, 1, Achieved, (2022, 2022), "85人"),
            measure(3, 3, 1, Achieved, (2022, 2022), "40人"),
            measure(4, 4, 1, Achieved, (2022, 2022), total_raw),
        ];
        let cells = vec![
            cell(1, 1, 0, 7, "松江市"),
            cell(1, 2, 0, 8, "出雲市"),
            cell(1, 3, 0, 9, "益田市"),
            cell(1, 4, 0, 10, "合 計"),
        ];
        (measures, cells)
    }

    #[test]
    fn total_row_is_the_sum_of_the_rows_above() {
        let (measures, cells) = table_with_total("245人");
        assert!(run_on(&measures, &cells).is_empty());
        let (measures, cells) = table_with_total("255人");
        let found = run_on(&measures, &cells);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].evidence, "120人+85人+40人 = 245 ≠ 255人 (printed)");
        assert_eq!(found[0].measure_ids, "1 2 3 4");
    }

    #[test]
    fn grand_total_adds_subtotals_not_their_items() {
        use Stance::Achieved;
        let m = |id, row, raw| measure(id, row, 1, Achieved, (2022, 2022), raw);
        let measures = vec![
            m(1, 1, "10"),
            m(2, 2, "20"),
            m(3, 3, "30"),
            m(4, 4, "5"),
            m(5, 5, "6"),
            m(6, 6, "11"),
            m(7, 7, "41"),
        ];
        let cells = vec![
            cell(1, 3, 0, 9, "小計"),
            cell(1, 6, 0, 12, "小計"),
            cell(1, 7, 0, 13, "合計"),
        ];
        assert!(run_on(&measures, &cells).is_empty());
        let mut wrong = measures.clone();
        wrong[6] = m(7, 7, "71");
        let found = run_on(&wrong, &cells);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].measure_ids, "3 6 7");
    }

    #[test]
    fn total_column_is_the_sum_of_the_columns_before_it() {
        use Stance::Planned;
        let mut measures = vec![
            measure(1, 1, 1, Planned, (2022, 2022), "100"),
            measure(2, 1, 2, Planned, (2023, 2023), "150"),
            measure(3, 1, 3, Planned, (2022, 2023), "260"),
        ];
        measures[2].cumulative = false;
        measures[2].period_label = Some("計".to_string());
        let found = run_on(&measures, &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].expected.as_deref(), Some("250"));
        measures[2].value = 250.0;
        assert!(run_on(&measures, &[]).is_empty());
    }

    #[test]
    fn labels_that_only_contain_kei_are_not_totals() {
        for label in ["計画", "会計", "合計特殊出生率", "設計"] {
            assert_eq!(total_kind(label), None, "{label}");
        }
        for label in [
            "計",
            "合 計",
            "総計",
            "取組期間累計",
            "小計",
            "【合計】",
            "合計(人)",
        ] {
            assert!(total_kind(label).is_some(), "{label}");
        }
    }

    #[test]
    fn empty_and_odd_input_does_not_crash() {
        assert!(run_on(&[], &[]).is_empty());
        let mut odd = kpi_row();
        for m in &mut odd {
            m.value = f64::NAN;
            m.table_row = None;
            m.indicator = None;
        }
        assert!(run_on(&odd, &[cell(9, 0, 0, 1, "")]).is_empty());
    }
}
