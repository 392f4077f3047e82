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
    cumulative_span, fmt_like, fmt_measure, fy_text, ids, is_exact, raw_of, role, single_year,
    subject, sum_mismatch, CheckId, GroupKey, Groups, Role, Settings,
};
use super::DocFacts;
use crate::model::{Cell, Finding, Measure, MeasureKind, Severity};

pub const ID: &str = "total_vs_parts";
pub const SEVERITY: Severity = Severity::Error;
/// This check as the rule files that report under it take it.
const CHECK: CheckId = CheckId {
    id: ID,
    severity: SEVERITY,
};
/// A total or cumulative figure must equal the sum of the parts printed beside it.
pub const RATIONALE: &str =
    "A total or cumulative figure must equal the sum of the parts printed beside it.";

pub fn run(facts: &DocFacts<'_>, settings: &Settings) -> Vec<Finding> {
    let summable: Vec<&Measure> = facts
        .measures
        .iter()
        .filter(|m| m.measure != MeasureKind::Rate && is_exact(m))
        .collect();
    let keys = Groups::new(facts.measures);
    let mut groups: BTreeMap<GroupKey, Vec<&Measure>> = BTreeMap::new();
    // Table columns and rows, so that a total looks only at its own line.
    let mut columns: BTreeMap<(u32, u32), Vec<&Measure>> = BTreeMap::new();
    let mut rows: BTreeMap<(u32, u32), Vec<&Measure>> = BTreeMap::new();
    for m in &summable {
        if let Some(key) = keys.key(m) {
            groups.entry(key).or_default().push(m);
        }
    }
    for m in facts.measures {
        if let (Some(t), Some(r), Some(c)) = (m.table_id, m.table_row, m.table_col) {
            columns.entry((t, c)).or_default().push(m);
            rows.entry((t, r)).or_default().push(m);
        }
    }
    let labels = Labels::new(facts.cells);
    let mut out = Vec::new();
    for total in &summable {
        if cumulative_span(total).is_some() {
            if let Some(parts) = period_parts(total, keys.key(total), &groups) {
                out.extend(compare(facts, settings, total, &parts, Shape::Period));
            }
        } else if let Some(parts) = column_parts(
            total,
            line_of(&rows, total.table_id.zip(total.table_row)),
            &labels,
        ) {
            out.extend(compare(facts, settings, total, &parts, Shape::Column));
        }
        if let Some(parts) = row_parts(
            total,
            line_of(&columns, total.table_id.zip(total.table_col)),
            &labels,
        ) {
            out.extend(compare(facts, settings, total, &parts, Shape::Row));
        }
    }
    let grids = super::grid::grids(facts);
    out.extend(super::shares::sum_findings(facts, settings, CHECK, &grids));
    out.extend(super::changes::sum_findings(facts, settings, CHECK, &grids));
    out
}

/// The measures of one table row or column, from an index built once.
fn line_of<'i, 'm>(
    index: &'i BTreeMap<(u32, u32), Vec<&'m Measure>>,
    at: Option<(u32, u32)>,
) -> &'i [&'m Measure] {
    at.and_then(|k| index.get(&k)).map_or(&[], |v| v.as_slice())
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
    key: Option<GroupKey>,
    groups: &BTreeMap<GroupKey, Vec<&'a Measure>>,
) -> Option<Vec<&'a Measure>> {
    let (start, end) = cumulative_span(total)?;
    let group = groups.get(&key?)?;
    let parts: Vec<&Measure> = group
        .iter()
        .copied()
        .filter(|p| addable(total, p))
        .filter(|p| single_year(p).is_some_and(|y| (start..=end).contains(&y)))
        .collect();
    let years: Vec<i32> = parts.iter().filter_map(|p| single_year(p)).collect();
    super::common::covers_exactly(&years, start, end).then_some(parts)
}

/// Roles of rows and columns as the cells label them. A row's label is its
/// first text cell; a column's, its header. Only where the table has no
/// label does a measure's own indicator or period label stand in (the
/// indicator of a table measure may be the table's caption).
struct Labels {
    rows: BTreeMap<(u32, u32), Option<Role>>,
    cols: BTreeMap<(u32, u32), Option<Role>>,
}

impl Labels {
    fn new(cells: &[Cell]) -> Self {
        let mut rows: BTreeMap<(u32, u32), (u32, Option<Role>)> = BTreeMap::new();
        let mut cols: BTreeMap<(u32, u32), Option<Role>> = BTreeMap::new();
        for c in cells {
            if c.is_header {
                let last = c.header.rsplit(" / ").next().unwrap_or("");
                let r = role(last).or_else(|| role(&c.text));
                let slot = cols.entry((c.table_id, c.col)).or_default();
                *slot = slot.or(r);
            } else if c.value.is_none() && !c.text.trim().is_empty() {
                let first = rows
                    .entry((c.table_id, c.row))
                    .or_insert((c.col, role(&c.text)));
                if c.col < first.0 {
                    *first = (c.col, role(&c.text));
                }
            }
        }
        Labels {
            rows: rows.into_iter().map(|(k, (_, r))| (k, r)).collect(),
            cols,
        }
    }

    fn row_role(&self, table: u32, row: u32) -> Option<Role> {
        self.rows.get(&(table, row)).copied().flatten()
    }

    fn col_role(&self, table: u32, col: u32) -> Option<Role> {
        self.cols.get(&(table, col)).copied().flatten()
    }

    fn row(&self, m: &Measure) -> Option<Role> {
        let at = (m.table_id?, m.table_row?);
        match self.rows.get(&at) {
            Some(r) => *r,
            None => m.indicator.as_deref().and_then(role),
        }
    }

    fn col(&self, m: &Measure) -> Option<Role> {
        let at = (m.table_id?, m.table_col?);
        match self.cols.get(&at) {
            Some(r) => *r,
            None => m.period_label.as_deref().and_then(role),
        }
    }
}

/// Walks from the total towards the start of its column (or row) and keeps
/// what it adds up: plain items, and subtotals in place of the items they
/// already sum; breakdowns (`うち…`) are skipped. Stops at the previous
/// total of the same or higher level, and where the run of figures ends (a
/// position whose figures cannot be added to the total: another stance,
/// unit or period, a code or a year in a neighbouring column). Positions
/// with no figure (`－`) and rates are passed over. Gives up on a position
/// with an approximate figure or two candidates.
/// `lines` holds, nearest first, each position's role and measures.
fn collect<'a>(
    total: &Measure,
    role: Role,
    lines: Vec<(Option<Role>, Vec<&'a Measure>)>,
    fits: impl Fn(&Measure) -> bool,
) -> Option<Vec<&'a Measure>> {
    let mut parts = Vec::new();
    let mut covered = false;
    for (line_role, measures) in lines {
        let figures: Vec<&Measure> = measures
            .into_iter()
            .filter(|m| m.measure != MeasureKind::Rate)
            .collect();
        if figures.is_empty() {
            continue;
        }
        match (role, line_role) {
            (_, Some(Role::Breakdown)) => continue,
            (_, Some(Role::Grand)) | (Role::Sub, Some(Role::Sub)) => break,
            (_, Some(Role::Sub)) => covered = true,
            (_, None) if covered => continue,
            (_, None) => {}
        }
        if figures.iter().any(|m| !is_exact(m)) {
            return None;
        }
        let mut addable_here = figures.into_iter().filter(|p| addable(total, p) && fits(p));
        match (addable_here.next(), addable_here.next()) {
            (Some(p), None) => parts.push(p),
            (None, _) => break,
            (Some(_), Some(_)) => return None,
        }
    }
    (parts.len() >= 2).then_some(parts)
}

fn row_parts<'a>(
    total: &Measure,
    column: &[&'a Measure],
    labels: &Labels,
) -> Option<Vec<&'a Measure>> {
    let role = labels.row(total).filter(|r| *r != Role::Breakdown)?;
    let (table, row) = (total.table_id?, total.table_row?);
    let mut by_row: BTreeMap<u32, Vec<&Measure>> = BTreeMap::new();
    for p in column.iter().copied() {
        if let Some(r) = p.table_row.filter(|r| *r < row) {
            by_row.entry(r).or_default().push(p);
        }
    }
    let lines = by_row
        .into_iter()
        .rev()
        .map(|(r, ms)| (labels.row_role(table, r), ms))
        .collect();
    collect(total, role, lines, |p| {
        (p.fy_start, p.fy_end) == (total.fy_start, total.fy_end)
    })
}

fn column_parts<'a>(
    total: &Measure,
    row: &[&'a Measure],
    labels: &Labels,
) -> Option<Vec<&'a Measure>> {
    let role = labels.col(total).filter(|r| *r != Role::Breakdown)?;
    let (table, col) = (total.table_id?, total.table_col?);
    let mut by_col: BTreeMap<u32, Vec<&Measure>> = BTreeMap::new();
    for p in row.iter().copied() {
        if let Some(c) = p.table_col.filter(|c| *c < col) {
            by_col.entry(c).or_default().push(p);
        }
    }
    let lines = by_col
        .into_iter()
        .rev()
        .map(|(c, ms)| (labels.col_role(table, c), ms))
        .collect();
    collect(total, role, lines, |p| {
        match (total.fy_start, total.fy_end, p.fy_start, p.fy_end) {
            (Some(s), Some(e), Some(a), Some(b)) => s <= a && b <= e,
            _ => true,
        }
    })
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
    let (sum, tol, decimals) = sum_mismatch(&parts, total, settings)?;
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
    fn the_run_of_parts_ends_at_a_figure_of_another_kind() {
        use Stance::{Achieved, Planned};
        // 予算事業ID 1 and 予算年度 2024 sit left of an 執行額 column; the
        // 計（歳出予算現額合計） column must not add them up.
        let mut measures = vec![
            measure(1, 1, 0, Planned, (2024, 2024), "1"),
            measure(2, 1, 1, Planned, (2024, 2024), "2024"),
            measure(3, 1, 2, Achieved, (2024, 2024), "11,200,834"),
            measure(4, 1, 3, Planned, (2024, 2024), "33,498,000"),
        ];
        measures[3].period_label = Some("計（歳出予算現額合計）".to_string());
        assert!(run_on(&measures, &[]).is_empty());
        // A gap with no figure (`－`) or a rate column does not end the run.
        let mut measures = vec![
            measure(1, 1, 0, Planned, (2022, 2022), "100"),
            measure(2, 1, 1, Planned, (2022, 2022), "12.5%"),
            measure(3, 1, 3, Planned, (2023, 2023), "150"),
            measure(4, 1, 4, Planned, (2022, 2023), "260"),
        ];
        measures[3].cumulative = false;
        measures[3].period_label = Some("計".to_string());
        assert_eq!(run_on(&measures, &[]).len(), 1);
        // An approximate part makes the sum unknowable.
        measures[2].approx = true;
        assert!(run_on(&measures, &[]).is_empty());
    }

    #[test]
    fn labels_that_only_contain_kei_are_not_totals() {
        for label in ["計画", "会計", "合計特殊出生率", "設計", "統計", "一般会計"]
        {
            assert_eq!(role(label), None, "{label}");
        }
        for label in [
            "合 計",
            "総計",
            "総合計",
            "取組期間累計",
            "【合計】",
            "合計(人)",
        ] {
            assert_eq!(role(label), Some(Role::Grand), "{label}");
        }
        for label in ["計", "小計", "普通会計計", "県計"] {
            assert_eq!(role(label), Some(Role::Sub), "{label}");
        }
        assert_eq!(role("うち基準内繰入金"), Some(Role::Breakdown));
    }

    #[test]
    fn breakdown_rows_and_x_kei_subtotals() {
        use Stance::Achieved;
        // 一般行政 30, 教育 29, 普通会計計 59, うち… 12, 公営企業等会計計 4, 総合計 63.
        let rows = [
            ("一般行政", "30"),
            ("教育", "29"),
            ("普通会計計", "59"),
            ("うち消防", "12"),
            ("公営企業等会計計", "4"),
            ("総合計", "63"),
        ];
        let mut measures = Vec::new();
        let mut cells = Vec::new();
        for (i, (label, raw)) in rows.iter().enumerate() {
            let r = i as u32 + 1;
            measures.push(measure(r, r, 1, Achieved, (2019, 2019), raw));
            cells.push(cell(1, r, 0, 10 + r, label));
        }
        assert!(run_on(&measures, &cells).is_empty());
        measures[5] = measure(6, 6, 1, Achieved, (2019, 2019), "64");
        let found = run_on(&measures, &cells);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].measure_ids, "3 5 6");
    }

    #[test]
    fn a_caption_as_indicator_does_not_make_every_row_a_total() {
        let (mut measures, cells) = table_with_total("245人");
        for m in &mut measures {
            m.indicator = Some("学生数合計".to_string());
        }
        assert!(run_on(&measures, &cells).is_empty());
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
