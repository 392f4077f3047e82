//! Measures: numeric facts with their indicator, period, stance and entity,
//! read from table cells (the header path and row labels give the meaning,
//! `table`), key-value blocks (`【事業費】 R4～R7（4年間）` + `28,000千円`,
//! `key_value`) and prose (`prose`). What they share (the section a block
//! inherits, periods, units) lives here.

mod key_value;
mod prose;
mod records;
mod section;
mod table;
#[cfg(test)]
mod tests;

use rustc_hash::FxHashMap;

use super::{date_row, heading_fiscal_year, DocContext};
use crate::budget::Budget;
use crate::model::{BlockKind, DateKind, DateMention, Measure, MeasureKind};
use crate::normalize::NormLine;
use crate::scan::dates::{self, DateContext, FoundDate};
use crate::scan::numbers;
use crate::segment::cell_type;
use crate::segment::SegBlock;
use crate::vocab::qualifiers;

pub(crate) use key_value::tokens;
use key_value::{bullet_key, kv_measures};
use prose::prose_measures;
pub(crate) use prose::{is_per_year_label, read_prose, share_name, stated_length, Frame};
use records::record_measures;
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

/// A table figure's period as the `fy_start`, `fy_end` and `period_label`
/// columns hold it: no label when the period was not named in the table.
pub(super) fn period_columns(
    period: Option<&Period>,
) -> (Option<i32>, Option<i32>, Option<String>) {
    period.map_or((None, None, None), |p| {
        (
            p.fy_start,
            p.fy_end,
            Some(p.label.clone()).filter(|l| !l.is_empty()),
        )
    })
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

/// A found date as the period a figure covers, for dates `period_of`
/// leaves out: a date range or a point in time. A range of whole calendar
/// years (`2023～27年`) covers those years; any other range or day
/// (`R2年10月～R3年9月`, `令和6年4月1日現在`) the fiscal years that hold
/// its first and last day.
pub(super) fn dated_period(d: &FoundDate, label: &str) -> Option<Period> {
    if let Some(p) = period_of(d, label) {
        return Some(p);
    }
    use chrono::Datelike;
    let fiscal = |x: chrono::NaiveDate| {
        if x.month() >= 4 {
            x.year()
        } else {
            x.year() - 1
        }
    };
    let start = d.date_start?;
    let end = d.date_end.unwrap_or(start);
    let whole_years = (start.month(), start.day(), end.month(), end.day()) == (1, 1, 12, 31);
    let (a, b) = match d.kind {
        DateKind::DateRange if whole_years => (start.year(), end.year()),
        DateKind::DateRange | DateKind::Date | DateKind::Month => (fiscal(start), fiscal(end)),
        _ => return None,
    };
    Some(Period {
        fy_start: Some(a),
        fy_end: Some(b),
        label: label.trim().to_string(),
    })
}

/// A note in parentheses that dates the value before it: a period
/// (`（R3年度）`, `（R１年）`, `（H29～R2 年度）`, `（2031～2035年平均）`,
/// `(2023)`) or only that the value is a running total (`（累計）`,
/// `（５年間累計）`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PeriodNote {
    pub(super) period: Option<Period>,
    /// A total over the period (`累計`, or a span of several years with
    /// no word such as `平均` after it; not a decade).
    pub(super) cumulative: bool,
    /// Char span of the note, brackets included.
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Longest note read inside parentheses, in chars.
const MAX_NOTE_CHARS: usize = 30;

/// Every period note in `text`, in order.
pub(super) fn period_notes(text: &str, ctx: &DateContext) -> Vec<PeriodNote> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == '(')
        .filter_map(|(i, _)| note_at(&chars, i, ctx))
        .collect()
}

/// The period note printed right after a value that ends at char `end` of
/// `text`, with only spaces and qualifier words (`以上`, `以下`) between:
/// `73.7% （R3年度）`, `7,000万円 以下 （R7年）`. The note dates the value;
/// it beats the year of the section the value stands in.
pub(super) fn period_after_value(text: &str, end: usize, ctx: &DateContext) -> Option<PeriodNote> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = end;
    loop {
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        let rest = chars.get(i..)?;
        let qualifier = qualifiers::AFTER.iter().find(|(w, _)| {
            let n = w.chars().count();
            rest.len() >= n && rest.iter().take(n).copied().eq(w.chars())
        });
        match qualifier {
            Some((w, _)) => i += w.chars().count(),
            None => break,
        }
    }
    (chars.get(i) == Some(&'(')).then(|| note_at(&chars, i, ctx))?
}

/// The note whose `(` is `chars[open]`, if it holds a period or says total.
fn note_at(chars: &[char], open: usize, ctx: &DateContext) -> Option<PeriodNote> {
    let close = open
        + 1
        + chars
            .iter()
            .skip(open + 1)
            .take(MAX_NOTE_CHARS + 1)
            .position(|c| *c == ')')?;
    let inner: String = chars.get(open + 1..close)?.iter().collect();
    let inner = inner.trim();
    if let Some(decade) = decade(inner) {
        return Some(PeriodNote {
            period: Some(decade),
            cumulative: false,
            start: open,
            end: close + 1,
        });
    }
    let found = dates::find_dates(inner, ctx);
    let (period, rest) = match found
        .iter()
        .find_map(|d| Some((d, dated_period(d, &d.raw)?)))
    {
        // The period opens the note: `（2013年度比）` is a base year, no period.
        Some((d, p)) if d.start == 0 => {
            let rest: String = inner.chars().skip(d.end).collect();
            (Some(p), rest)
        }
        Some(_) => return None,
        None => match table_year(inner) {
            Some(p) => (Some(p), String::new()),
            None => (None, inner.to_string()),
        },
    };
    let tail = note_tail(&rest)?;
    if period.is_none() && !tail {
        return None;
    }
    // A span of years with nothing after it is a total over them; one with
    // a word after it says what it is (`平均`).
    let span = period
        .as_ref()
        .is_some_and(|p| matches!((p.fy_start, p.fy_end), (Some(a), Some(b)) if b > a));
    Some(PeriodNote {
        period,
        cumulative: tail || (span && rest.trim().is_empty()),
        start: open,
        end: close + 1,
    })
}

/// A decade (`2030年代`): its ten years.
fn decade(text: &str) -> Option<Period> {
    let year = text.strip_suffix(qualifiers::DECADE)?;
    if year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let y: i32 = year.parse().ok()?;
    (y % 10 == 0).then(|| Period {
        fy_start: Some(y),
        fy_end: Some(y + 9),
        label: text.to_string(),
    })
}

/// What may follow the period inside a note: nothing, or words such as
/// `平均`, `時点` (`Some(false)`), or a running total, with or without its
/// length (`累計`, `の5年間累計`: `Some(true)`). `None` for anything else.
fn note_tail(rest: &str) -> Option<bool> {
    let rest = rest.trim();
    let rest = rest.strip_prefix('の').unwrap_or(rest).trim_start();
    // A stated length: `5年間`, `5か年`.
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let rest = if digits > 0 {
        let after = rest.get(digits..).unwrap_or_default();
        qualifiers::NOTE_LENGTHS
            .iter()
            .find_map(|w| after.strip_prefix(w))
            .unwrap_or(rest)
    } else {
        rest
    };
    if qualifiers::NOTE_TOTALS.contains(&rest) {
        Some(true)
    } else if rest.is_empty() || qualifiers::NOTE_WORDS.contains(&rest) {
        Some(false)
    } else {
        None
    }
}

/// The period a field holding only a period reads as: `R6年度`,
/// `R4 (2022)`, `2023～27年 の5年累計`, `2022`.
pub(super) fn period_of_value(text: &str, ctx: &DateContext) -> Option<Period> {
    let text = text.trim();
    dates::find_dates(text, ctx)
        .iter()
        .find_map(|d| dated_period(d, &d.raw))
        .or_else(|| table_year(text))
        .or_else(|| period_notes(text, ctx).into_iter().find_map(|n| n.period))
}

/// The fiscal year a text dated by one day names (`（令和6年4月1日現在）`,
/// `(H28.4.1)`): a count as of that day belongs to the fiscal year that
/// holds it.
pub(super) fn point_in_time_fy(found: &[FoundDate]) -> Option<i32> {
    match found {
        [only] if only.kind == DateKind::Date && only.problem.is_none() => {
            dated_period(only, &only.raw)?.fy_start
        }
        _ => None,
    }
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
            // A JSON document's pairs are read record by record, below.
            BlockKind::KeyValue if !sb.pairs.is_empty() => {}
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
    record_measures(ctx, dated, lines, &mut sections, &mut out);
    out.sort_by_key(|m| (m.line, m.col));
    Some(out)
}
