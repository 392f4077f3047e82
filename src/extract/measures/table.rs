//! Measures from table cells: a value cell's meaning comes from its header
//! path, its row labels, the table's caption and unit line, and its section.

use rustc_hash::{FxHashMap, FxHashSet};

use super::prose::prose_measures;
use super::section::{section_of, Section, Sections};
use super::{
    kind_of, period_columns, period_in, period_of, point_in_time_fy, table_year, unit_in_label,
    DatedBlocks, Period,
};
use crate::extract::{raw_span, DocContext};
use crate::model::{BlockKind, Measure, MeasureKind, MeasureSource, Stance};
use crate::normalize::NormLine;
use crate::scan::dates::{self, DateContext};
use crate::scan::keywords::{self, bare_caption, stance_of};
use crate::scan::numbers::{self, Quantity};
use crate::segment::cell_type;
use crate::segment::{SegBlock, SegCell};
use crate::vocab::qualifiers::{NOT_AFTER_RELATIVE, RELATIVE_YEARS};
use crate::vocab::table_words::FIGURE_NOUNS;

/// `period_in`, `only_period`, `unit_in_label` and `is_cumulative`
/// remembered per text: a table repeats the same header and label strings
/// on every row, and a 40,000-row CSV must not re-read them each time.
pub(super) struct Memo<'a> {
    pub(super) ctx: DateContext,
    pub(super) periods: FxHashMap<&'a str, Option<Period>>,
    pub(super) only: FxHashMap<&'a str, bool>,
    pub(super) units: FxHashMap<&'a str, Option<(String, f64)>>,
    pub(super) cumulative: FxHashMap<&'a str, bool>,
    pub(super) bare_units: FxHashMap<&'a str, Option<(String, f64)>>,
}

impl<'a> Memo<'a> {
    pub(super) fn new(ctx: DateContext) -> Self {
        Memo {
            ctx,
            periods: FxHashMap::default(),
            only: FxHashMap::default(),
            units: FxHashMap::default(),
            cumulative: FxHashMap::default(),
            bare_units: FxHashMap::default(),
        }
    }

    pub(super) fn period(&mut self, text: &'a str) -> Option<Period> {
        let ctx = &self.ctx;
        self.periods
            .entry(text)
            .or_insert_with(|| period_in(text, ctx))
            .clone()
    }

    pub(super) fn only_period(&mut self, text: &'a str) -> bool {
        let ctx = &self.ctx;
        *self
            .only
            .entry(text)
            .or_insert_with(|| only_period(text, ctx))
    }

    pub(super) fn cumulative(&mut self, text: &'a str) -> bool {
        *self.cumulative.entry(text).or_insert_with(|| {
            keywords::is_cumulative(text)
                || cell_type::is_total(text)
                || cell_type::is_span_total(text)
        })
    }

    /// The unit a cell that is nothing but a unit states (`千人`, `%`).
    pub(super) fn unit_only(&mut self, text: &'a str) -> Option<(String, f64)> {
        self.bare_units
            .entry(text)
            .or_insert_with(|| cell_type::unit_of(text))
            .clone()
    }

    pub(super) fn unit(&mut self, text: &'a str) -> Option<(String, f64)> {
        self.units
            .entry(text)
            .or_insert_with(|| unit_in_label(text))
            .clone()
    }
}

/// True when the text says nothing beyond its dates and period/stance words:
/// such a label names the period, not the indicator.
pub(super) fn only_period(text: &str, ctx: &DateContext) -> bool {
    let mut rest: String = text.to_string();
    for d in dates::find_dates(text, ctx).iter().rev() {
        let chars: Vec<char> = rest.chars().collect();
        let (s, e) = (d.start.min(chars.len()), d.end.min(chars.len()));
        rest = chars.iter().take(s).chain(chars.iter().skip(e)).collect();
    }
    for w in [
        "累計",
        "合計",
        "総計",
        "取組期間",
        "期間",
        "時点",
        "まで",
        "現在",
        "見込",
        "決算",
        "予算",
        "実績",
        "目標",
        "値",
        "計",
    ] {
        // `replace` copies the text even when the word is absent, as it mostly is.
        if rest.contains(w) {
            rest = rest.replace(w, "");
        }
    }
    rest.chars().filter(|c| c.is_alphanumeric()).count() <= 1
        // Periods and stance words the list above lacks (`計画値`, `達成度`,
        // `1年目（2024年度）`, `FY2024`, a bare `2024`). A budget stage
        // with its budget (`当初予算`, `補正予算額`) names the figure.
        || (cell_type::header_word(text).is_some() && !text.contains("当初") && !text.contains("補正"))
        || table_year(text).is_some()
}

/// One table's meaning, worked out once for all its cells.
pub(super) struct TableFrame {
    pub(super) caption: Option<String>,
    pub(super) unit: Option<(String, f64)>,
    /// The years the column headers span, and the years the row labels
    /// span: a total over periods (`計`, `3か年累計`) in the columns covers
    /// the first, one in the rows the second.
    pub(super) header_span: Option<(i32, i32)>,
    pub(super) label_span: Option<(i32, i32)>,
    /// The fiscal year `本年度` stands for, read off the explicit year columns
    /// beside it (`本年度 | 30年度 | 31年度`: 本年度 is the year before 30年度).
    pub(super) this_year: Option<i32>,
    /// The period the caption names (`期末手当（令和5年度）`, `職員数(H28.4.1)`).
    pub(super) caption_period: Option<Period>,
    /// The caption dates the table by a day: its figures are counts as of
    /// that day, results.
    pub(super) caption_day: bool,
    /// The stance the key columns' headers name (`予算事業ID`,
    /// `budget_book_page`): an export's key columns name what its file is.
    pub(super) key_stance: Option<Stance>,
}

/// A caption without the unit note it ends with: `他会計繰入金(単位: 千円)` →
/// `他会計繰入金`, `(単位:人・%)` → ``. `単位` inside a name (`学級単位の在籍者数`)
/// is no note.
pub(super) fn without_unit_note(caption: &str) -> &str {
    let Some(at) = caption.find("単位") else {
        return caption;
    };
    let head = caption.get(..at).unwrap_or(caption).trim_end();
    match head.strip_suffix(['(', '（', '[', '【', '<', '＜']) {
        Some(name) => name.trim_end(),
        None if head.is_empty() => head,
        None => caption,
    }
}

/// The relative-year word of a header and its offset: `本年度` 0, `前年度`
/// -1, `前々年度` -2, `翌年度` +1 (`翌年度要求額` is next year's figure).
/// A year followed by `から` names where a sum came from, not whose it is:
/// `前年度からの繰越し` is part of this year's budget. A comparison
/// (`前年度比`) names no year.
pub(super) fn relative_year(header: &str) -> Option<i32> {
    let (at, word) = RELATIVE_YEARS
        .iter()
        .filter(|r| r.fiscal)
        .filter_map(|r| header.find(r.word).map(|at| (at, r)))
        // `前々年度` over the `前年度` inside it: the earliest, then longest.
        .min_by_key(|(at, r)| (*at, std::cmp::Reverse(r.word.len())))?;
    let after = header.get(at + word.word.len()..).unwrap_or_default();
    if after.starts_with("から") || NOT_AFTER_RELATIVE.iter().any(|w| after.starts_with(w)) {
        return None;
    }
    Some(word.offset)
}

/// Whether a header holds a relative-year word at all (`前年度からの繰越し`
/// too): the dates such a header names depend on the document's year.
fn names_relative_year(header: &str) -> bool {
    RELATIVE_YEARS
        .iter()
        .any(|r| r.fiscal && header.contains(r.word))
}

/// Widen `span` to cover period `p`.
fn widen(span: &mut Option<(i32, i32)>, p: &Period) {
    if let (Some(a), Some(b)) = (p.fy_start, p.fy_end) {
        *span = Some(span.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
    }
}

impl TableFrame {
    pub(super) fn new<'a>(dated: &DatedBlocks<'a>, i: usize, memo: &mut Memo<'a>) -> Option<Self> {
        let blocks: &'a [SegBlock] = dated.blocks;
        let sb = blocks.get(i)?;
        let previous = i.checked_sub(1).and_then(|p| dated.blocks.get(p));
        let caption_of = |p: &SegBlock| {
            Some(without_unit_note(&bare_caption(&p.block.text)).to_string()).filter(|c| {
                p.block.kind != BlockKind::Table
                    && p.block.text.chars().count() <= 60
                    && !c.is_empty()
            })
        };
        // A unit note on its own line between a table and its title
        // (`(3) 職員数の推移` / `（単位：人・%）`) names nothing: the title does.
        let caption = match previous {
            Some(p) if without_unit_note(p.block.text.trim()).is_empty() => i
                .checked_sub(2)
                .and_then(|t| dated.blocks.get(t))
                .and_then(caption_of),
            _ => previous.and_then(caption_of),
        };
        let unit = previous
            .and_then(|p| numbers::unit_statement(&p.block.text))
            .or_else(|| {
                sb.cells
                    .iter()
                    .filter(|c| c.cell.is_header)
                    .find_map(|c| numbers::unit_statement(&c.content.text))
            });
        let mut header_span: Option<(i32, i32)> = None;
        let mut label_span: Option<(i32, i32)> = None;
        // Per header row, its periods in order: relative ones with their
        // offset, explicit ones with their year.
        let mut sequence: Vec<(u32, Result<i32, i32>)> = Vec::new();
        for c in sb.cells.iter().filter(|c| c.cell.is_header) {
            let text = c.content.text.as_str();
            if names_relative_year(text) {
                if let Some(o) = relative_year(text) {
                    sequence.push((c.cell.row, Err(o)));
                }
            } else if let Some(p) = memo.period(text) {
                widen(&mut header_span, &p);
                if let (Some(fy), true) = (p.fy_start, p.fy_start == p.fy_end) {
                    sequence.push((c.cell.row, Ok(fy)));
                }
            }
        }
        // The periods of a row run a year apart, whatever columns each
        // spans: `前年度 | 本年度 | 30年度` puts 本年度 one before 30年度.
        let this_year = sequence.chunk_by(|a, b| a.0 == b.0).find_map(|row| {
            // The first explicit year after a relative one, and the
            // relative one nearest before it.
            let mut last_relative = None;
            row.iter().enumerate().find_map(|(k, (_, p))| match p {
                Err(o) => {
                    last_relative = Some((k, *o));
                    None
                }
                Ok(fy) => {
                    let (r, o) = last_relative?;
                    Some(fy - (k - r) as i32 - o)
                }
            })
        });
        // Once 本年度 is fixed, the relative columns are years of the span too.
        if let Some(base) = this_year {
            for c in sb.cells.iter().filter(|c| c.cell.is_header) {
                if let Some(o) = relative_year(&c.content.text) {
                    let fy = Some(base + o);
                    let p = Period {
                        fy_start: fy,
                        fy_end: fy,
                        label: String::new(),
                    };
                    widen(&mut header_span, &p);
                }
            }
        }
        let mut figure_cols: FxHashSet<u32> = FxHashSet::default();
        for c in sb.cells.iter().filter(|c| !c.cell.is_header) {
            if let Some(p) = c.label_parts.iter().find_map(|l| memo.period(l)) {
                widen(&mut label_span, &p);
            }
            // Figures: digits in a column right of the row labels. A label
            // column holds digits too (`1 市税`), and names what its rows are.
            let label_col = (c.cell.col as usize) < c.label_parts.len();
            if !label_col && c.content.text.chars().any(|ch| ch.is_ascii_digit()) {
                figure_cols.insert(c.cell.col);
            }
        }
        // Key columns (codes, names, sides) say what the table is: their
        // stance words hold for every figure when they agree.
        let mut key_stances = sb
            .cells
            .iter()
            .filter(|c| c.cell.is_header)
            .filter(|c| {
                !figure_cols.contains(&c.cell.col) || keywords::is_code_header(&c.content.text)
            })
            .filter(|c| cell_type::header_word(&c.content.text).is_none())
            .filter_map(|c| stance_of(&c.content.text));
        let key_stance = key_stances
            .next()
            .filter(|first| key_stances.all(|s| s == *first));
        let (caption_period, caption_day) = match &caption {
            Some(text) => {
                let found = dates::find_dates(text, &memo.ctx);
                match point_in_time_fy(&found) {
                    Some(fy) => (
                        Some(Period {
                            fy_start: Some(fy),
                            fy_end: Some(fy),
                            label: text.clone(),
                        }),
                        true,
                    ),
                    None => (
                        match found.as_slice() {
                            [only] => period_of(only, text),
                            _ => None,
                        },
                        false,
                    ),
                }
            }
            None => (None, false),
        };
        Some(TableFrame {
            caption,
            unit,
            header_span,
            label_span,
            this_year,
            caption_period,
            caption_day,
            key_stance,
        })
    }
}

/// A header that names nothing but a period, stance words included, the
/// plan's own years too (`前年度`, `本年度(決算見込)`); `前年度からの繰越し`
/// names more, and so does a stance word with the noun of a figure
/// (`執行額`, `執行率`): over rows that share one name it names the figure.
pub(super) fn names_only_period<'a>(header: &'a str, memo: &mut Memo<'a>) -> bool {
    let bare = header
        .trim()
        .trim_end_matches(|c: char| !c.is_alphanumeric());
    if FIGURE_NOUNS.iter().any(|n| bare.ends_with(n)) && stance_of(header).is_some() {
        return false;
    }
    if memo.only_period(header) {
        return true;
    }
    if !names_relative_year(header) {
        return false;
    }
    let mut rest = header.to_string();
    for r in RELATIVE_YEARS.iter().filter(|r| r.fiscal) {
        rest = rest.replace(r.word, "");
    }
    only_period(&rest, &memo.ctx)
}

/// A data row's own name: its deepest label that says more than a period.
pub(super) fn row_name<'a>(cell: &'a SegCell, memo: &mut Memo<'a>) -> Option<&'a String> {
    cell.label_parts
        .iter()
        .rev()
        .find(|l| !l.trim().is_empty() && !memo.only_period(l) && memo.unit_only(l).is_none())
}

/// Whether every data row (three or more) bears the same name. Record-per-row
/// exports (review sheets, budget books parsed to CSV) open each row with a
/// column that is the same on every row (`シート種別` = `レビューシート`, a
/// source file name): it names the sheet, not the row, and the column
/// header names the figure (`当初予算(合計)`, `執行額`). A table whose rows
/// differ, or repeat one indicator under period or stance columns
/// (`移住者数 | 目標 | R4 | R5`), keeps the row's name.
pub(super) fn one_row_name<'a>(cells: &'a [SegCell], memo: &mut Memo<'a>) -> bool {
    let mut first: Option<&String> = None;
    let mut last_row = None;
    let mut rows = 0;
    for cell in cells.iter().filter(|c| !c.cell.is_header) {
        if last_row == Some(cell.cell.row) {
            continue;
        }
        last_row = Some(cell.cell.row);
        rows += 1;
        let Some(name) = row_name(cell, memo) else {
            return false;
        };
        match first {
            None => first = Some(name),
            Some(f) if f == name => {}
            Some(_) => return false,
        }
    }
    rows >= 3
}

/// A western year printed bare (`2024`, no unit, separator or decimals), as
/// a year-field column holds it.
pub(super) fn is_bare_year(q: &Quantity) -> bool {
    q.unit.is_none()
        && q.decimals == 0
        && !q.raw.contains(',')
        && (1868.0..=2100.0).contains(&q.number)
}

/// The quantity a value cell holds when the cell is one figure; a phrase
/// (`年40人`, `9人(延べ243日)`, `5年間で15人`) is none, and is read as prose
/// framed by the cell's header.
pub(super) fn cell_quantity(cell: &SegCell) -> Option<Quantity> {
    if cell.cell.value.is_some() || cell.cell.text.is_empty() {
        return cell.quantity.clone();
    }
    numbers::parse_quantity(&cell.content.text)
}

/// The year-field columns of a table (`予算年度`, `年度`, `fiscal_year`)
/// and, per data row, the year each of its cells there holds (none for
/// `計`): record-per-row exports date each row in a column of its own.
#[derive(Default)]
pub(super) struct RowYears {
    columns: Vec<u32>,
    cells: FxHashMap<(u32, u32), Option<Period>>,
}

impl RowYears {
    pub(super) fn new<'a>(cells: &'a [SegCell], memo: &mut Memo<'a>) -> Self {
        let mut fields: FxHashMap<u32, bool> = FxHashMap::default();
        let mut out = RowYears::default();
        for cell in cells.iter().filter(|c| !c.cell.is_header) {
            let col = cell.cell.col;
            let field = *fields.entry(col).or_insert_with(|| {
                cell.header_parts
                    .last()
                    .is_some_and(|h| cell_type::is_year_header(h))
            });
            if !field {
                continue;
            }
            if !out.columns.contains(&col) {
                out.columns.push(col);
            }
            let year = memo
                .period(&cell.content.text)
                .filter(|p| p.fy_start.is_some() && p.fy_start == p.fy_end);
            out.cells.insert((cell.cell.row, col), year);
        }
        out
    }

    /// The year that dates a figure at `row`, `col`. Of several year fields
    /// (`事業年度` = the sheet's year, `予算年度` = the figures' year) the
    /// nearest one left of the figure dates it, as exports print a record's
    /// key columns before its figures and the most specific key next to
    /// them; else the nearest one to its right. Where that field holds no
    /// year (`計`, or a year carried down from the row above), a farther
    /// field does not stand in for it.
    pub(super) fn dating(&self, row: u32, col: u32) -> Option<Period> {
        let left = self.columns.iter().filter(|c| **c < col).max();
        let right = self.columns.iter().filter(|c| **c > col).min();
        let field = left.or(right)?;
        self.cells.get(&(row, *field)).cloned().flatten()
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn table_measures<'a>(
    ctx: &DocContext,
    dated: &DatedBlocks<'a>,
    i: usize,
    lines: &[NormLine],
    unit_context: Option<&(String, f64)>,
    sections: &mut Sections,
    out: &mut Vec<Measure>,
) {
    let blocks: &'a [SegBlock] = dated.blocks;
    let Some(sb) = blocks.get(i) else {
        return;
    };
    let mut memo = Memo::new(dated.contexts.get(i).copied().unwrap_or_default());
    let Some(frame) = TableFrame::new(dated, i, &mut memo) else {
        return;
    };
    let section = section_of(dated, i, ctx, sections);
    let table_id = sb.block.block_id;
    // The nearest text cell above each column's values, in data rows: a
    // label printed over the value it describes (`R7時点：…割合は` / `63.3%`).
    let mut text_above: FxHashMap<u32, &SegCell> = FxHashMap::default();
    let mut column_kinds: FxHashMap<u32, (bool, bool)> = FxHashMap::default();
    let one_row_name = one_row_name(&sb.cells, &mut memo);
    let row_years = RowYears::new(&sb.cells, &mut memo);
    let mut column_names: FxHashMap<u32, Option<String>> = FxHashMap::default();
    let mut formulas: Vec<(&SegCell, Vec<Quantity>)> = Vec::new();
    let mut row_figures: FxHashMap<u32, Vec<RowFigure>> = FxHashMap::default();
    for cell in sb.cells.iter().filter(|c| !c.cell.is_header) {
        let above = text_above.get(&cell.cell.col).copied();
        if cell.cell.value.is_none() && !cell.cell.text.trim().is_empty() {
            text_above.insert(cell.cell.col, cell);
        }
        // A data cell's header is its header parts joined, made once per column.
        let header = cell.cell.header.as_str();
        let is_label_col = (cell.cell.col as usize) < cell.label_parts.len();
        if is_label_col {
            // A description column's calculation (`1,200×300円`) states the
            // row's figure: its operands are read once the row's value
            // cells have given its period and stance. The cell stays a label.
            let operands = numbers::find_formula_quantities(&cell.content.text);
            if !operands.is_empty() {
                formulas.push((cell, operands));
            }
            continue;
        }
        // Read once per column: every data cell of a column shares its header.
        let (code_col, year_col) = *column_kinds.entry(cell.cell.col).or_insert_with(|| {
            cell.header_parts.last().map_or((false, false), |h| {
                (keywords::is_code_header(h), cell_type::is_year_header(h))
            })
        });
        if code_col {
            continue;
        }
        let Some(q) = cell_quantity(cell) else {
            prose_measures(
                ctx,
                &section,
                &cell.content,
                lines,
                table_id,
                Some(cell),
                &[],
                out,
            );
            continue;
        };
        if year_col && is_bare_year(&q) {
            continue;
        }
        let header_cum =
            memo.cumulative(header) || cell.header_parts.iter().any(|h| memo.cumulative(h));
        let label_cum = cell.label_parts.iter().any(|l| memo.cumulative(l));
        let cumulative_word = header_cum || label_cum;
        let row_period = row_years.dating(cell.cell.row, cell.cell.col);
        // Where the period comes from, and whether that same text is a
        // total (`令和5年度までの累計`), which then runs from the first year.
        let col_period = cell
            .header_parts
            .iter()
            .rev()
            .filter(|h| !names_relative_year(h))
            .find_map(|h| Some((memo.period(h)?, memo.cumulative(h), frame.header_span)));
        // `前年度` counts from the row's own year, the year the explicit
        // columns fix for `本年度`, or the document's year.
        let base = row_period
            .as_ref()
            .and_then(|p| p.fy_start)
            .or(frame.this_year)
            .or(ctx.fiscal_year);
        let relative_header = cell
            .header_parts
            .iter()
            .rev()
            .find_map(|h| Some((h, relative_year(h)?)));
        let relative = match (base, relative_header) {
            (Some(base), Some((h, offset))) => Some((
                Period {
                    fy_start: Some(base + offset),
                    fy_end: Some(base + offset),
                    label: h.clone(),
                },
                false,
                None,
            )),
            // No year to count from: the dates reader's own (the document's date).
            _ => cell
                .header_parts
                .iter()
                .rev()
                .filter(|h| names_relative_year(h))
                .find_map(|h| Some((memo.period(h)?, false, None))),
        };
        // Later sources are read only when the earlier ones name no period.
        let explicit = col_period
            .or(relative)
            .or_else(|| row_period.map(|p| (p, false, None)))
            .or_else(|| {
                cell.label_parts
                    .iter()
                    .find_map(|l| Some((memo.period(l)?, memo.cumulative(l), frame.label_span)))
            })
            .or_else(|| above.and_then(|a| Some((memo.period(&a.content.text)?, false, None))));
        let period = match explicit {
            Some((p, true, span)) if p.fy_start == p.fy_end => {
                let start = span.map(|(a, _)| a).or(p.fy_start);
                Some(Period {
                    fy_start: start,
                    ..p
                })
            }
            Some((p, _, _)) => Some(p),
            // A total over periods spans the periods of its own dimension: a
            // `計` column those of the columns, a `計` row those of the rows.
            // A total over items (`合計` under `37年度`) has a year of its own.
            None => {
                let span = match (header_cum, label_cum) {
                    (true, true) => frame.header_span.or(frame.label_span),
                    (true, false) => frame.header_span,
                    (false, true) => frame.label_span,
                    (false, false) => None,
                };
                span.map(|(a, b)| Period {
                    fy_start: Some(a),
                    fy_end: Some(b),
                    label: cell
                        .header_parts
                        .iter()
                        .chain(cell.label_parts.iter())
                        .find(|t| memo.cumulative(t))
                        .cloned()
                        .unwrap_or_default(),
                })
                .or_else(|| frame.caption_period.clone())
                .or_else(|| {
                    section
                        .as_of
                        .or(section.fiscal_year)
                        .or(ctx.fiscal_year)
                        .map(|fy| Period {
                            fy_start: Some(fy),
                            fy_end: Some(fy),
                            label: String::new(),
                        })
                })
            }
        };
        let past_relative = relative_header.is_some_and(|(_, o)| o < 0);
        // The indicator is the row's own name; when the row is named only by
        // its period (years as rows), the column's name; else the caption.
        let row_name = row_name(cell, &mut memo).cloned();
        let indicator = if one_row_name {
            // Every row bears the same name: the column names the figure.
            column_names
                .entry(cell.cell.col)
                .or_insert_with(|| {
                    cell.header_parts
                        .iter()
                        .find(|h| !h.trim().is_empty() && !names_only_period(h, &mut memo))
                        .cloned()
                })
                .clone()
                .or(row_name)
        } else {
            row_name.or_else(|| {
                cell.header_parts
                    .iter()
                    // `only_period` leaves out stance words too (`目標値`);
                    // `事業費`, planned as a word, still names the figure.
                    .find(|h| !h.trim().is_empty() && !memo.only_period(h))
                    .cloned()
                    .filter(|_| !cell.label_parts.is_empty())
            })
        }
        .or_else(|| frame.caption.clone());
        // A 単位 column's cell (`人`, `%`) names no group.
        let group = cell
            .label_parts
            .iter()
            .rev()
            .filter(|l| memo.unit_only(l).is_none())
            .skip(1)
            .find(|l| !l.trim().is_empty())
            .cloned();
        // The nearest words first; then what the table's place says: a
        // caption dated by a day, or a year before the plan's own
        // (`前々年度`), are results; then the section's words, the key
        // columns' and the kind of document.
        let stance = stance_of(header)
            .or_else(|| stance_of(&cell.label_parts.join(" / ")))
            .or_else(|| frame.caption.as_deref().and_then(stance_of))
            .or((frame.caption_day || past_relative).then_some(Stance::Achieved))
            .or(section.stance)
            .or(frame.key_stance)
            .or(ctx.stance)
            .unwrap_or(Stance::Stated);
        if formulas
            .last()
            .is_some_and(|(f, _)| f.cell.row == cell.cell.row)
        {
            row_figures
                .entry(cell.cell.row)
                .or_default()
                .push(RowFigure {
                    period: period.clone(),
                    stance,
                    name: self::row_name(cell, &mut memo).cloned(),
                    group: group.clone(),
                });
        }
        let rate_header = cell
            .header_parts
            .last()
            .is_some_and(|h| keywords::is_rate_header(h));
        // The nearest unit wins: the deepest header part, then the deepest
        // row label (a 単位 column's cell, `達成率（%）` under `来場者数（千人）`).
        let label_unit = cell
            .header_parts
            .iter()
            .rev()
            .chain(cell.label_parts.iter().rev())
            .find_map(|t| memo.unit(t));
        let (unit, value, scale) = match (
            &q.unit,
            label_unit.as_ref().or(frame.unit.as_ref()).or(unit_context),
        ) {
            (Some(u), _) => (Some(u.clone()), q.value, q.scale),
            (None, Some((u, s))) => (Some(u.clone()), q.number * s, *s),
            (None, None) if rate_header => (Some("%".to_string()), q.value, q.scale),
            (None, None) => (
                indicator
                    .as_deref()
                    .and_then(keywords::unit_from_indicator)
                    .map(str::to_string),
                q.value,
                q.scale,
            ),
        };
        let (fy_start, fy_end, period_label) = period_columns(period.as_ref());
        let at = cell.content.pos_at(q.start);
        out.push(Measure {
            doc_id: ctx.doc_id.clone(),
            measure_id: 0,
            entity: section.entity.clone(),
            section: group.clone().or_else(|| section.heading.clone()),
            indicator: indicator.clone(),
            stance,
            measure: if rate_header && unit.is_none() {
                MeasureKind::Rate
            } else {
                kind_of(unit.as_deref())
            },
            period_label,
            fy_start,
            fy_end,
            cumulative: cumulative_word
                || matches!((fy_start, fy_end), (Some(a), Some(b)) if b > a),
            value,
            unit,
            scale,
            decimals: q.decimals,
            approx: q.approx,
            qualifier: q.qualifier.clone(),
            source: MeasureSource::Table,
            raw: raw_span(lines, &cell.content, q.start, q.end),
            line: at.line,
            col: at.col,
            block_id: table_id,
            table_id: Some(table_id),
            table_row: Some(cell.cell.row),
            table_col: Some(cell.cell.col),
        });
    }
    for (cell, operands) in formulas {
        formula_measures(
            ctx,
            &section,
            cell,
            operands,
            row_figures.get(&cell.cell.row),
            lines,
            table_id,
            out,
        );
    }
}

/// What a value cell's row says of its figure, kept for the calculation in
/// the row's description cell.
struct RowFigure {
    period: Option<Period>,
    stance: Stance,
    name: Option<String>,
    group: Option<String>,
}

/// The figures of a description cell's calculation, dated and placed as the
/// row's figure is: its value cell of the document's own year, else of the
/// latest year it prints (a budget book's `R5 | R6` columns describe the R6
/// figure), else its first one. A row without a figure gives a calculation
/// nothing to date it by.
#[allow(clippy::too_many_arguments)]
fn formula_measures(
    ctx: &DocContext,
    section: &Section,
    cell: &SegCell,
    operands: Vec<Quantity>,
    figures: Option<&Vec<RowFigure>>,
    lines: &[NormLine],
    table_id: u32,
    out: &mut Vec<Measure>,
) {
    let Some(figures) = figures else {
        return;
    };
    let year = |f: &RowFigure| {
        f.period
            .as_ref()
            .filter(|p| p.fy_start == p.fy_end)
            .and_then(|p| p.fy_start)
    };
    // Of the years a row prints, the earlier ones are there to compare: the
    // description explains the figure of the year the book is for.
    let latest = figures
        .iter()
        .filter_map(|f| Some((year(f)?, f)))
        .fold(None, |best: Option<(i32, &RowFigure)>, (y, f)| match best {
            Some((b, _)) if b >= y => best,
            _ => Some((y, f)),
        })
        .map(|(_, f)| f);
    let Some(figure) = figures
        .iter()
        .find(|f| ctx.fiscal_year.is_some() && year(f) == ctx.fiscal_year)
        .or(latest)
        .or(figures.first())
    else {
        return;
    };
    let (fy_start, fy_end, period_label) = period_columns(figure.period.as_ref());
    for q in operands {
        let at = cell.content.pos_at(q.start);
        out.push(Measure {
            doc_id: ctx.doc_id.clone(),
            measure_id: 0,
            entity: section.entity.clone(),
            section: figure.group.clone().or_else(|| section.heading.clone()),
            indicator: figure.name.clone(),
            stance: figure.stance,
            measure: kind_of(q.unit.as_deref()),
            period_label: period_label.clone(),
            fy_start,
            fy_end,
            cumulative: matches!((fy_start, fy_end), (Some(a), Some(b)) if b > a),
            value: q.value,
            unit: q.unit.clone(),
            scale: q.scale,
            decimals: q.decimals,
            approx: q.approx,
            qualifier: q.qualifier.clone(),
            source: MeasureSource::Table,
            raw: raw_span(lines, &cell.content, q.start, q.end),
            line: at.line,
            col: at.col,
            block_id: table_id,
            table_id: Some(table_id),
            table_row: Some(cell.cell.row),
            table_col: Some(cell.cell.col),
        });
    }
}
