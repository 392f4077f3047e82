//! Rows for check tests, built directly as the datasets hold them.

use chrono::NaiveDate;

use super::DocFacts;
use crate::model::{Cell, DateKind, DateMention, Measure, MeasureKind, MeasureSource, Stance};

pub const DOC: &str = "16346fbf1c1c4aaf";

/// A table measure of table 1. `raw` is the printed text (`3,682`,
/// `111.6%`, `28,000千円`): decimals, scale and unit follow from it.
pub fn measure(id: u32, row: u32, col: u32, stance: Stance, fy: (i32, i32), raw: &str) -> Measure {
    let number_text: String = raw
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    let number: f64 = number_text.parse().unwrap_or(f64::NAN);
    let decimals = number_text
        .split_once('.')
        .map_or(0, |(_, f)| f.len() as u32);
    let (kind, unit, scale) = if raw.ends_with('%') {
        (MeasureKind::Rate, "%", 1.0)
    } else if raw.ends_with("千円") {
        (MeasureKind::Amount, "円", 1000.0)
    } else if raw.ends_with('人') {
        (MeasureKind::Count, "人", 1.0)
    } else {
        (MeasureKind::Count, "件", 1.0)
    };
    Measure {
        doc_id: DOC.to_string(),
        measure_id: id,
        entity: None,
        section: None,
        indicator: Some("正社員就職件数".to_string()),
        stance,
        measure: kind,
        period_label: None,
        fy_start: Some(fy.0),
        fy_end: Some(fy.1),
        cumulative: fy.0 < fy.1,
        value: number * scale,
        unit: Some(unit.to_string()),
        scale,
        decimals,
        approx: false,
        qualifier: None,
        source: MeasureSource::Table,
        raw: raw.to_string(),
        line: 6 + row,
        col: col * 8,
        block_id: 1,
        table_id: Some(1),
        table_row: Some(row),
        table_col: Some(col),
    }
}

/// Seed 002's first KPI row: 目標値 3,300; 取組状況 3,682 (111.6%);
/// per year 781 (23.7%), 896 (27.2%), 972 (29.5%), 1,033 (31.3%).
pub fn kpi_row() -> Vec<Measure> {
    use Stance::*;
    vec![
        measure(1, 2, 2, Planned, (2020, 2023), "3,300"),
        measure(2, 2, 3, Achieved, (2020, 2023), "3,682"),
        measure(3, 2, 4, Achieved, (2020, 2023), "111.6%"),
        measure(4, 2, 5, Achieved, (2020, 2020), "781"),
        measure(5, 2, 6, Achieved, (2020, 2020), "23.7%"),
        measure(6, 2, 7, Achieved, (2021, 2021), "896"),
        measure(7, 2, 8, Achieved, (2021, 2021), "27.2%"),
        measure(8, 2, 9, Achieved, (2022, 2022), "972"),
        measure(9, 2, 10, Achieved, (2022, 2022), "29.5%"),
        measure(10, 2, 11, Achieved, (2023, 2023), "1,033"),
        measure(11, 2, 12, Achieved, (2023, 2023), "31.3%"),
    ]
}

pub fn date(id: u32, raw: &str, kind: DateKind, start: Option<(i32, u32, u32)>) -> DateMention {
    let day = |t: (i32, u32, u32)| NaiveDate::from_ymd_opt(t.0, t.1, t.2);
    DateMention {
        doc_id: DOC.to_string(),
        date_id: id,
        raw: raw.to_string(),
        kind,
        era: None,
        era_year: None,
        start: start.and_then(day),
        end: None,
        weekday_stated: None,
        weekday_actual: None,
        inferred: false,
        western_stated: None,
        length_stated: None,
        sequence: None,
        problem: None,
        line: 10 + id,
        col: 2,
        block_id: 1,
    }
}

pub fn cell(table_id: u32, row: u32, col: u32, line: u32, text: &str) -> Cell {
    Cell {
        doc_id: DOC.to_string(),
        table_id,
        row,
        col,
        is_header: false,
        header: String::new(),
        row_label: String::new(),
        text: text.to_string(),
        value: None,
        unit: None,
        line,
        line_col: col * 10,
        raw: text.to_string(),
    }
}

pub fn facts<'a>(
    measures: &'a [Measure],
    dates: &'a [DateMention],
    cells: &'a [Cell],
) -> DocFacts<'a> {
    DocFacts {
        doc_id: DOC,
        measures,
        dates,
        cells,
        blocks: &[],
    }
}

/// The cells of a table as the segmenter gives them: one header row, then
/// data rows whose cells carry that header and their quantity's value.
pub fn grid_cells(table_id: u32, first_line: u32, header: &[&str], rows: &[&[&str]]) -> Vec<Cell> {
    let mut out = Vec::new();
    for (c, h) in header.iter().enumerate() {
        let mut cell = cell(table_id, 0, c as u32, first_line, h);
        cell.is_header = true;
        cell.header = h.to_string();
        out.push(cell);
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            let mut cell = cell(
                table_id,
                r as u32 + 1,
                c as u32,
                first_line + 1 + r as u32,
                text,
            );
            cell.header = header.get(c).copied().unwrap_or("").to_string();
            let q = crate::scan::numbers::parse_quantity(text);
            cell.value = q.as_ref().map(|q| q.value);
            cell.unit = q.and_then(|q| q.unit);
            out.push(cell);
        }
    }
    out
}
