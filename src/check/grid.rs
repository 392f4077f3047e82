//! Tables as the share and change checks read them: a table's figures by
//! line (a column, or a row when the table is read across) and position
//! along the line, each line with its name (the column's header path, or the
//! row's label) and each position with its label. Every table is read both
//! ways, so a rule written for a column of shares beside a column of counts
//! also covers a row of shares under a row of counts.

use std::collections::BTreeMap;

use chrono::Datelike;

use super::common::{role, Role};
use super::DocFacts;
use crate::model::{BlockKind, Cell, Measure};
use crate::scan::dates::{find_dates, DateContext};
use crate::scan::numbers::parse_quantity;
use crate::vocab::qualifiers::RELATIVE_YEARS;
use crate::vocab::table_words::{BASE_MARKS, NO_VALUE_MARKS, TOTAL_MARKERS};

/// One printed number of a cell, as printed (a table-wide unit line is not
/// applied: the checks compare figures of one table with each other).
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: f64,
    pub decimals: u32,
    /// Half a unit of the last printed digit, in `value`'s units; 0 for a
    /// whole count printed without a scale (exact).
    pub half: f64,
    pub percent: bool,
    /// Printed with a unit other than `%` (`3人`, `162,100円`).
    pub other_unit: bool,
    pub raw: String,
    pub measure_id: Option<u32>,
}

impl Figure {
    /// One unit of the last printed digit.
    pub fn unit(&self) -> f64 {
        10f64.powi(-(self.decimals.min(12) as i32))
    }
}

/// A cell that holds a figure: the main one, and the one in brackets after
/// it, if any (`61 [69]`, `△3(△10.7%)`).
#[derive(Debug, Clone)]
pub struct Slot<'a> {
    pub cell: &'a Cell,
    pub main: Figure,
    pub inner: Option<Figure>,
}

/// One table read one way: as columns (lines are columns, positions rows)
/// or as rows.
#[derive(Debug)]
pub struct Grid<'a> {
    /// Each line's name: a column's header path, a row's label.
    pub names: BTreeMap<u32, String>,
    /// Each position's label: a row's label, a column's header path.
    pub labels: BTreeMap<u32, String>,
    /// Figures by line, then position.
    pub lines: BTreeMap<u32, BTreeMap<u32, Slot<'a>>>,
    /// The text of the blocks just above the table (its caption, a note).
    pub caption: String,
}

impl Grid<'_> {
    pub fn name(&self, line: u32) -> &str {
        self.names.get(&line).map_or("", String::as_str)
    }

    pub fn label(&self, pos: u32) -> &str {
        self.labels.get(&pos).map_or("", String::as_str)
    }

    /// What the label of a position says it is: a total (`計`, `合計`,
    /// `全体`, `総数`, `n＝500`), a breakdown (`うち…`), or a plain item.
    pub fn role(&self, pos: u32) -> Option<Role> {
        let label = last_segment(self.label(pos));
        if let Some(r) = role(label) {
            return Some(r);
        }
        let bare: String = label
            .split(['(', '（', '[', '［'])
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let is_base = BASE_MARKS.iter().any(|m| bare.starts_with(m));
        (is_base || TOTAL_MARKERS.contains(&bare.as_str())).then_some(Role::Grand)
    }
}

/// Whether a name holds one of `words`, letter-spacing aside (`比  較`,
/// `構 成 比`, as PDF extraction spaces words out).
pub fn names_any(name: &str, words: &[&str]) -> bool {
    let bare: String = name.chars().filter(|c| !c.is_whitespace()).collect();
    words.iter().any(|w| bare.contains(w))
}

/// The last part of a header path (`職員数 / 令和5年` → `令和5年`).
pub fn last_segment(path: &str) -> &str {
    path.rsplit(" / ").next().unwrap_or(path).trim()
}

/// Every table of the document, read as columns and as rows.
pub fn grids<'a>(facts: &DocFacts<'a>) -> Vec<Grid<'a>> {
    let mut tables: BTreeMap<u32, Vec<&'a Cell>> = BTreeMap::new();
    for c in facts.cells {
        tables.entry(c.table_id).or_default().push(c);
    }
    let mut measures: BTreeMap<(u32, u32, u32), Vec<&'a Measure>> = BTreeMap::new();
    for m in facts.measures {
        if let (Some(t), Some(r), Some(c)) = (m.table_id, m.table_row, m.table_col) {
            measures.entry((t, r, c)).or_default().push(m);
        }
    }
    let mut out = Vec::new();
    for (table_id, cells) in tables {
        let caption = caption(facts, table_id);
        let mut slots: BTreeMap<(u32, u32), Slot<'a>> = BTreeMap::new();
        for c in cells.iter().filter(|c| !c.is_header) {
            let at = measures
                .get(&(table_id, c.row, c.col))
                .map_or(&[][..], Vec::as_slice);
            if let Some(slot) = slot(c, at) {
                slots.insert((c.row, c.col), slot);
            }
        }
        if slots.is_empty() {
            continue;
        }
        // A row's label: the text nearest before its first figure, else a
        // numbered label that leads the row (`1級`, `第2区`), else the label
        // carried down its row group.
        let mut rows: BTreeMap<u32, Vec<&'a Cell>> = BTreeMap::new();
        let mut col_names: BTreeMap<u32, String> = BTreeMap::new();
        for c in cells.iter().copied().filter(|c| !c.is_header) {
            if let Some(name) = Some(c.header.trim()).filter(|h| !h.is_empty()) {
                col_names.entry(c.col).or_insert_with(|| name.to_string());
            }
            rows.entry(c.row).or_default().push(c);
        }
        let mut row_labels: BTreeMap<u32, String> = BTreeMap::new();
        for (row, mut in_row) in rows {
            in_row.sort_by_key(|c| c.col);
            if let Some(label) = row_label(&in_row, |col| slots.contains_key(&(row, col))) {
                row_labels.insert(row, label);
            }
        }
        for c in cells.iter().filter(|c| c.is_header) {
            let name = Some(c.header.trim())
                .filter(|h| !h.is_empty())
                .unwrap_or(c.text.trim());
            col_names.entry(c.col).or_insert_with(|| name.to_string());
        }
        let mut by_col: BTreeMap<u32, BTreeMap<u32, Slot<'a>>> = BTreeMap::new();
        let mut by_row: BTreeMap<u32, BTreeMap<u32, Slot<'a>>> = BTreeMap::new();
        for ((row, col), s) in slots {
            by_row.entry(row).or_default().insert(col, s.clone());
            by_col.entry(col).or_default().insert(row, s);
        }
        out.push(Grid {
            names: col_names.clone(),
            labels: row_labels.clone(),
            lines: by_col,
            caption: caption.clone(),
        });
        out.push(Grid {
            names: row_labels,
            labels: col_names,
            lines: by_row,
            caption,
        });
    }
    out
}

/// The label of one row (its cells in column order, `is_figure` telling
/// which hold figures).
fn row_label(cells: &[&Cell], is_figure: impl Fn(u32) -> bool) -> Option<String> {
    let first = cells.iter().position(|c| is_figure(c.col))?;
    let lead = cells.get(..first).unwrap_or(&[]);
    let labels: Vec<&str> = lead
        .iter()
        .map(|c| c.text.trim())
        .filter(|t| !t.is_empty() && !NO_VALUE_MARKS.contains(t))
        .collect();
    // A letter-spaced word the columns split one character a cell
    // (`比 | 較`, `合 | 計`) is that word.
    if labels.len() >= 2 && labels.iter().all(|t| t.chars().count() == 1) {
        return Some(labels.concat());
    }
    if let Some(last) = labels.last() {
        return Some(last.to_string());
    }
    let numbered = cells.get(first).map(|c| c.text.trim()).filter(|t| {
        t.chars()
            .any(|ch| !(ch.is_ascii_digit() || ch.is_whitespace() || ",.△▲-+%".contains(ch)))
    });
    numbered
        .or_else(|| {
            cells
                .iter()
                .map(|c| c.row_label.trim())
                .find(|l| !l.is_empty())
        })
        .map(str::to_string)
}

/// The text of up to two blocks right above the table (its title, a unit
/// or base note), none across another table.
fn caption(facts: &DocFacts<'_>, table_id: u32) -> String {
    // Blocks come in id order; the table's own block is where they reach it.
    let at = facts.blocks.partition_point(|b| b.block_id < table_id);
    let mut above: Vec<&str> = Vec::new();
    for b in facts.blocks.get(..at).unwrap_or(&[]).iter().rev().take(2) {
        if b.kind == BlockKind::Table {
            break;
        }
        above.push(&b.text);
    }
    above.reverse();
    above.join("\n")
}

/// The figures of a cell; `None` for a label, an empty cell or a
/// no-value mark.
fn slot<'a>(cell: &'a Cell, at: &[&Measure]) -> Option<Slot<'a>> {
    let text = cell.text.trim();
    if text.is_empty() {
        return None;
    }
    if let Some(main) = figure(text, at) {
        return Some(Slot {
            cell,
            main,
            inner: None,
        });
    }
    let (main, inner) = split_bracket(text)?;
    Some(Slot {
        cell,
        main: figure(main, at)?,
        inner: Some(figure(inner, at)?),
    })
}

/// `61 [69]` → (`61`, `69`); `△3(△10.7%)` → (`△3`, `△10.7%`).
fn split_bracket(text: &str) -> Option<(&str, &str)> {
    const PAIRS: [(char, char); 4] = [('(', ')'), ('（', '）'), ('[', ']'), ('［', '］')];
    let close = text.chars().last()?;
    let &(open, _) = PAIRS.iter().find(|(_, c)| *c == close)?;
    let at = text.rfind(open)?;
    let main = text.get(..at)?.trim();
    let inner = text.get(at + open.len_utf8()..text.len() - close.len_utf8())?;
    (!main.is_empty()).then_some((main, inner.trim()))
}

fn figure(text: &str, at: &[&Measure]) -> Option<Figure> {
    let q = parse_quantity(text)?;
    if q.approx {
        return None;
    }
    let percent = q.unit.as_deref() == Some("%");
    let measure = at
        .iter()
        .find(|m| m.raw.trim() == q.raw)
        .or_else(|| at.first().filter(|_| at.len() == 1));
    // A whole figure under a table-wide scale (`（単位：千円）`) is rounded.
    let scaled = q.scale != 1.0 || measure.is_some_and(|m| m.scale != 1.0);
    let half = if percent || q.decimals > 0 || scaled {
        0.5 * q.scale * 10f64.powi(-(q.decimals.min(12) as i32))
    } else {
        0.0
    };
    Some(Figure {
        value: q.value,
        decimals: q.decimals,
        half,
        percent,
        other_unit: q.unit.is_some() && !percent,
        raw: q.raw,
        measure_id: measure.map(|m| m.measure_id),
    })
}

/// The one `n＝N` base a text prints (`全体（n=2,048）`); `None` when it
/// prints none, or several that differ.
pub fn printed_base(text: &str) -> Option<f64> {
    let mut found: Option<f64> = None;
    for mark in BASE_MARKS {
        for (at, _) in text.match_indices(mark) {
            // `n=` inside a word (`Run=`) is no base mark.
            let before = text.get(..at).and_then(|s| s.chars().last());
            if before.is_some_and(|c| c.is_ascii_alphanumeric()) {
                continue;
            }
            let digits: String = text
                .get(at + mark.len()..)
                .unwrap_or("")
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ',')
                .filter(|c| *c != ',')
                .collect();
            let Ok(n) = digits.parse::<f64>() else {
                continue;
            };
            match found {
                Some(f) if f != n => return None,
                _ => found = Some(n),
            }
        }
    }
    found
}

/// Where a line's name places it in time, to order level columns:
/// (relative?, order). A name with an era or western year (`令和5年`,
/// `2024年度`) gives its start date; one with `本年度` / `前年度` its offset.
pub fn period_of(name: &str) -> Option<(bool, i64)> {
    let seg = last_segment(name);
    for text in [seg, name] {
        if let Some(d) = find_dates(text, &DateContext::default())
            .into_iter()
            .rev()
            .find_map(|d| d.date_start)
        {
            return Some((false, d.num_days_from_ce() as i64));
        }
    }
    let bare: String = seg.chars().filter(|c| !c.is_whitespace()).collect();
    RELATIVE_YEARS
        .iter()
        .find(|r| bare.contains(r.word))
        .map(|r| (true, r.offset as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_split_off_a_second_figure() {
        assert_eq!(split_bracket("61 [69]"), Some(("61", "69")));
        assert_eq!(split_bracket("△3(△10.7%)"), Some(("△3", "△10.7%")));
        assert_eq!(split_bracket("(1)"), None);
        assert_eq!(split_bracket("61"), None);
    }

    #[test]
    fn bases_are_read_once() {
        assert_eq!(printed_base("問1 利用状況（n=2,048）"), Some(2048.0));
        assert_eq!(printed_base("全体 N= 500"), Some(500.0));
        assert_eq!(printed_base("男性(n=200) 女性(n=300)"), None);
        assert_eq!(printed_base("Run=5"), None);
        assert_eq!(printed_base("回答数"), None);
    }

    #[test]
    fn periods_order_level_columns() {
        let a = period_of("職員数 / 令和5年");
        let b = period_of("職員数 / 令和6年");
        assert!(a.is_some() && a < b, "{a:?} {b:?}");
        assert_eq!(period_of("前年度"), Some((true, -1)));
        assert_eq!(period_of("職員数"), None);
    }
}
