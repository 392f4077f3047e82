//! Measures: numeric facts with their indicator, period, stance and entity,
//! read from table cells (the header path and row labels give the meaning,
//! `table`), key-value blocks (`【事業費】 R4～R7（4年間）` + `28,000千円`,
//! `key_value`) and prose (`prose`). What they share (the section a block
//! inherits, periods, units) lives here.

mod key_value;
mod prose;
mod section;
mod table;
#[cfg(test)]
mod tests;

use rustc_hash::FxHashMap;

use super::dates::{self, DateContext, FoundDate};
use super::numbers;
use super::{date_row, heading_fiscal_year, DocContext};
use crate::model::{BlockKind, DateKind, DateMention, Measure, MeasureKind};
use crate::normalize::NormLine;
use crate::pipeline::Budget;
use crate::segment::cell_type;
use crate::segment::SegBlock;

pub(crate) use key_value::tokens;
use key_value::{bullet_key, kv_measures};
use prose::prose_measures;
pub(crate) use prose::{is_per_year_label, read_prose, share_name, stated_length, Frame};
use section::{section_of, Sections};
use table::table_measures;

/// Blocks with the dates found in them and the context each was read in.
pub struct DatedBlocks<'a> {
    pub blocks: &'a [SegBlock],
    pub(super) index: FxHashMap<u32, usize>,
    /// Per block: the date context its text was read with.
    pub(super) contexts: Vec<DateContext>,
    /// Per block: dates in its content (non-table blocks).
    pub(super) block_dates: Vec<Vec<FoundDate>>,
    /// Per block: per cell, dates in the cell's content (table blocks).
    pub(super) cell_dates: Vec<Vec<Vec<FoundDate>>>,
}

impl<'a> DatedBlocks<'a> {
    /// `None` once `budget` is spent.
    pub fn new(blocks: &'a [SegBlock], base: DateContext, budget: &Budget) -> Option<Self> {
        let index: FxHashMap<u32, usize> = blocks
            .iter()
            .enumerate()
            .map(|(i, b)| (b.block.block_id, i))
            .collect();
        let mut heading_fy: FxHashMap<u32, i32> = FxHashMap::default();
        let mut era = base.era;
        let mut contexts = Vec::with_capacity(blocks.len());
        let mut block_dates = Vec::with_capacity(blocks.len());
        let mut cell_dates = Vec::with_capacity(blocks.len());
        for sb in blocks {
            if budget.exceeded() {
                return None;
            }
            // The nearest enclosing fiscal-year heading dates what is below it.
            let mut fiscal_year = None;
            let mut parent = sb.block.parent_id;
            while let Some(p) = parent {
                if let Some(fy) = heading_fy.get(&p) {
                    fiscal_year = Some(*fy);
                    break;
                }
                parent = index
                    .get(&p)
                    .and_then(|&i| blocks.get(i))
                    .and_then(|b| b.block.parent_id);
            }
            let ctx = DateContext {
                fiscal_year,
                doc_date: base.doc_date,
                era,
            };
            let found = if sb.block.kind == BlockKind::Table {
                Vec::new()
            } else {
                dates::find_dates(&sb.content.text, &ctx)
            };
            let cells: Vec<Vec<FoundDate>> = sb
                .cells
                .iter()
                .map(|c| dates::find_dates(&c.content.text, &ctx))
                .collect();
            if sb.block.kind == BlockKind::Heading {
                if let Some(fy) = heading_fiscal_year(&found) {
                    heading_fy.insert(sb.block.block_id, fy);
                }
            }
            if let Some(e) = found
                .iter()
                .chain(cells.iter().flatten())
                .filter_map(|d| d.era)
                .next_back()
            {
                era = Some(e);
            }
            contexts.push(ctx);
            block_dates.push(found);
            cell_dates.push(cells);
        }
        Some(DatedBlocks {
            blocks,
            index,
            contexts,
            block_dates,
            cell_dates,
        })
    }

    /// Every date mention as a `dates` row, in document order.
    pub fn date_rows(&self, doc_id: &str, lines: &[NormLine]) -> Vec<DateMention> {
        let mut rows = Vec::new();
        for (i, sb) in self.blocks.iter().enumerate() {
            let id = sb.block.block_id;
            for d in self.block_dates.get(i).into_iter().flatten() {
                rows.push(date_row(doc_id, d, &sb.content, lines, id));
            }
            let per_cell = self.cell_dates.get(i).map(Vec::as_slice).unwrap_or(&[]);
            for (cell, found) in sb.cells.iter().zip(per_cell) {
                for d in found {
                    rows.push(date_row(doc_id, d, &cell.content, lines, id));
                }
            }
        }
        rows.sort_by_key(|r| (r.line, r.col));
        rows
    }

    /// Enclosing headings of block `i`, nearest first.
    pub(super) fn ancestors(&self, i: usize) -> Vec<&'a SegBlock> {
        let mut out = Vec::new();
        let mut parent = self.blocks.get(i).and_then(|b| b.block.parent_id);
        while let Some(p) = parent {
            let Some(b) = self.index.get(&p).and_then(|&j| self.blocks.get(j)) else {
                break;
            };
            out.push(b);
            parent = b.block.parent_id;
            if out.len() > 64 {
                break; // a malformed tree must not loop
            }
        }
        out
    }
}

/// A period: fiscal years covered and the text that named them.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Period {
    pub(super) fy_start: Option<i32>,
    pub(super) fy_end: Option<i32>,
    pub(super) label: String,
}

pub(super) fn period_in(text: &str, ctx: &DateContext) -> Option<Period> {
    dates::find_dates(text, ctx)
        .into_iter()
        .find_map(|d| period_of(&d, text))
        .or_else(|| table_year(text))
}

/// A fiscal year the way a table's header or label writes it and prose
/// does not: `FY2024`, or a bare `2024` (a header row or column of years).
pub(super) fn table_year(text: &str) -> Option<Period> {
    let t = text.trim();
    let fy = cell_type::fy_label(t).or_else(|| {
        let q = numbers::parse_quantity(t)?;
        cell_type::is_bare_year(&q).then_some(q.number as i32)
    })?;
    Some(Period {
        fy_start: Some(fy),
        fy_end: Some(fy),
        label: t.to_string(),
    })
}

pub(super) fn period_of(d: &FoundDate, label: &str) -> Option<Period> {
    let (fy_start, fy_end) = match d.kind {
        DateKind::FiscalYear | DateKind::FiscalRange => (d.fy_start, d.fy_end),
        // A calendar year in a plan's table stands for that year's figure.
        DateKind::Year => {
            let y = d.date_start.map(|s| chrono::Datelike::year(&s));
            (y, y)
        }
        _ => return None,
    };
    fy_start?;
    Some(Period {
        fy_start,
        fy_end: fy_end.or(if d.kind == DateKind::FiscalRange {
            None
        } else {
            fy_start
        }),
        label: label.trim().to_string(),
    })
}

pub(super) fn kind_of(unit: Option<&str>) -> MeasureKind {
    match unit {
        Some("%") => MeasureKind::Rate,
        Some("円") => MeasureKind::Amount,
        _ => MeasureKind::Count,
    }
}

/// A unit printed in a label's parentheses: `事業費(千円)`, `割合(%)`.
pub(super) fn unit_in_label(label: &str) -> Option<(String, f64)> {
    if let Some(stated) = numbers::unit_statement(label) {
        return Some(stated);
    }
    // A 単位 column's cell, or a header that is only a unit: `千人`, `%`.
    if let Some(unit) = cell_type::unit_of(label) {
        return Some(unit);
    }
    if let Some(yen) = yen_in_latin_label(label) {
        return Some(yen);
    }
    let inner = label.trim().strip_suffix(')')?.rsplit_once('(')?.1.trim();
    if inner.is_empty() || inner.chars().count() > 4 {
        return None;
    }
    // Only a known unit: `前年度(決算)` names a stance, not a unit.
    let probe = format!("1{inner}");
    match numbers::find_quantities(&probe).as_slice() {
        [q] if q.end == probe.chars().count() => Some((q.unit.clone()?, q.scale)),
        _ => None,
    }
}

/// Open-data exports name their columns in romaji or English and put the
/// unit last: `revenue_amount_thousand_yen`, `Budget (million yen)`,
/// `amount_jpy`.
pub(super) fn yen_in_latin_label(label: &str) -> Option<(String, f64)> {
    if !label.is_ascii() {
        return None;
    }
    let lower = label.to_ascii_lowercase();
    let mut words = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .rev();
    if !matches!(words.next()?, "yen" | "jpy") {
        return None;
    }
    let scale = match (words.next(), words.next()) {
        (Some("thousand"), Some("ten")) => 1e4,
        (Some("thousand"), _) => 1e3,
        (Some("million"), Some("hundred")) => 1e8,
        (Some("million"), _) => 1e6,
        (Some("billion"), _) => 1e9,
        _ => 1.0,
    };
    Some(("円".to_string(), scale))
}

/// A money unit standing alone: `千円`, `(百万円)`.
pub(super) fn bare_money_unit(text: &str) -> Option<(String, f64)> {
    let bare = text.trim_start_matches('(').trim_end_matches(')').trim();
    matches!(bare, "円" | "千円" | "万円" | "百万円" | "億円")
        .then(|| unit_in_label(&format!("({bare})")))
        .flatten()
}

/// The last unit statement among lines `from..=to`: `（単位：千円）`, or a
/// line holding nothing but a money unit (`千円`, `(百万円)`), once or once
/// per column.
pub(super) fn unit_in_lines(lines: &[NormLine], from: u32, to: u32) -> Option<(String, f64)> {
    let first = (from as usize).saturating_sub(1);
    let last = (to as usize).min(lines.len());
    lines.get(first..last)?.iter().rev().find_map(|l| {
        let text = l.norm.text.trim();
        numbers::unit_statement(text)
            .or_else(|| bare_money_unit(text))
            .or_else(|| {
                // Budget books print the unit under every column heading
                // (`本年度予算額  前年度予算額  比較` / `千円  千円  千円`):
                // a line of nothing but one money unit repeated states it
                // for the figures below. Mixed units (`千円  人`) state none.
                let mut words = text.split_whitespace();
                let first = words.next()?;
                let unit = bare_money_unit(first)?;
                let mut more = false;
                for w in words {
                    if w != first {
                        return None;
                    }
                    more = true;
                }
                more.then_some(unit)
            })
    })
}

/// Every measure of a document, in document order.
/// `None` once `budget` is spent.
pub fn extract_measures(
    ctx: &DocContext,
    dated: &DatedBlocks<'_>,
    lines: &[NormLine],
    budget: &Budget,
) -> Option<Vec<Measure>> {
    let mut out = Vec::new();
    // A unit stated on its own line (`（単位　千円）`, a lone `千円` over a
    // column of layout text) holds for the tables after it, until the next
    // heading opens another section.
    let mut unit_context: Option<(String, f64)> = None;
    let mut sections = Sections::default();
    for (i, sb) in dated.blocks.iter().enumerate() {
        if budget.exceeded() {
            return None;
        }
        if sb.block.kind == BlockKind::Heading {
            unit_context = None;
        }
        if sb.block.kind != BlockKind::Table {
            if let Some(u) = unit_in_lines(lines, sb.block.line, sb.block.line_end) {
                unit_context = Some(u);
            }
        }
        match sb.block.kind {
            BlockKind::Table => table_measures(
                ctx,
                dated,
                i,
                lines,
                unit_context.as_ref(),
                &mut sections,
                &mut out,
            ),
            BlockKind::KeyValue => kv_measures(ctx, dated, i, lines, &mut sections, &mut out),
            BlockKind::ListItem if bullet_key(&sb.content.text).is_some() => {
                kv_measures(ctx, dated, i, lines, &mut sections, &mut out)
            }
            BlockKind::Paragraph | BlockKind::ListItem | BlockKind::Heading => {
                let section = section_of(dated, i, ctx, &mut sections);
                prose_measures(
                    ctx,
                    &section,
                    &sb.content,
                    lines,
                    sb.block.block_id,
                    None,
                    &[],
                    &mut out,
                );
            }
            BlockKind::Unparsed => {}
        }
    }
    out.sort_by_key(|m| (m.line, m.col));
    Some(out)
}
