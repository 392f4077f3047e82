//! Measures: numeric facts with their indicator, period, stance and entity,
//! read from table cells (the header path and row labels give the meaning),
//! key-value blocks (`【事業費】 R4～R7（4年間）` + `28,000千円`) and prose.

use regex::Regex;
use rustc_hash::FxHashMap;
use std::ops::Deref;
use std::rc::Rc;
use std::sync::LazyLock;

use super::dates::{self, DateContext, FoundDate};
use super::keywords::{self, bare_caption, stance_of};
use super::numbers::{self, Quantity};
use super::{date_row, heading_fiscal_year, raw_span, DocContext};
use crate::model::{BlockKind, DateKind, DateMention, Measure, MeasureKind, MeasureSource, Stance};
use crate::normalize::NormLine;
use crate::pipeline::Budget;
use crate::segment::cell_type;
use crate::segment::{SegBlock, SegCell};
use crate::text::MappedText;

/// Blocks with the dates found in them and the context each was read in.
pub struct DatedBlocks<'a> {
    pub blocks: &'a [SegBlock],
    index: FxHashMap<u32, usize>,
    /// Per block: the date context its text was read with.
    contexts: Vec<DateContext>,
    /// Per block: dates in its content (non-table blocks).
    block_dates: Vec<Vec<FoundDate>>,
    /// Per block: per cell, dates in the cell's content (table blocks).
    cell_dates: Vec<Vec<Vec<FoundDate>>>,
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
    fn ancestors(&self, i: usize) -> Vec<&'a SegBlock> {
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

static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\[【(（<＜]\s*([^\]】)）>＞\s]{1,10}?(?:都|道|府|県|市|区|町|村))\s*[\]】)）>＞]")
        .unwrap_or_else(|e| panic!("entity pattern: {e}"))
});

/// A municipality or prefecture named as a section label (`[松江市]`).
fn entity_in(text: &str) -> Option<String> {
    let first_line = text.lines().next()?;
    if !opens_label(first_line) {
        return None;
    }
    let caps = ENTITY.captures(first_line)?;
    let m = caps.get(0)?;
    // Only a label at the start of the heading names the section's entity.
    if first_line.get(..m.start())?.trim().chars().count() > 1 {
        return None;
    }
    Some(caps.get(1)?.as_str().to_string())
}

/// Whether an opening bracket stands where `entity_in` accepts a label: at
/// most one char before it. Most headings have none there, and the regex
/// need not run.
fn opens_label(line: &str) -> bool {
    let is_open = |c: char| matches!(c, '[' | '【' | '(' | '（' | '<' | '＜');
    let mut chars = line.trim_start().chars();
    match chars.next() {
        Some(c) if is_open(c) => true,
        Some(_) => chars.as_str().trim_start().starts_with(is_open),
        None => false,
    }
}

/// What the blocks of a section inherit from it: entity, stance words, heading.
#[derive(Debug)]
struct Inherited {
    entity: Option<String>,
    stance: Option<Stance>,
    heading: Option<String>,
}

/// A block's section: what it inherits, shared with the other blocks under
/// the same parent, and the fiscal year its own date context gives.
#[derive(Debug)]
struct Section {
    inherited: Rc<Inherited>,
    fiscal_year: Option<i32>,
}

impl Deref for Section {
    type Target = Inherited;

    fn deref(&self) -> &Inherited {
        &self.inherited
    }
}

/// Sections already read: the blocks of a section share their ancestors,
/// and reading them (a regex per heading) per block was a large share of
/// extraction.
#[derive(Default)]
struct Sections {
    by_parent: FxHashMap<Option<u32>, Rc<Inherited>>,
    /// `entity_in` by block id: a heading is an ancestor of every section
    /// below it.
    entities: FxHashMap<u32, Option<String>>,
}

fn section_of(dated: &DatedBlocks<'_>, i: usize, ctx: &DocContext, seen: &mut Sections) -> Section {
    let fiscal_year = dated.contexts.get(i).and_then(|c| c.fiscal_year);
    let parent = dated.blocks.get(i).and_then(|b| b.block.parent_id);
    if let Some(s) = seen.by_parent.get(&parent) {
        return Section {
            inherited: Rc::clone(s),
            fiscal_year,
        };
    }
    let ancestors = dated.ancestors(i);
    let entity = ancestors
        .iter()
        .find_map(|b| {
            seen.entities
                .entry(b.block.block_id)
                .or_insert_with(|| entity_in(&b.block.raw))
                .clone()
        })
        .or_else(|| ctx.issuer.clone());
    let stance = ancestors.iter().find_map(|b| stance_of(&b.block.text));
    let heading = ancestors.first().map(|b| b.block.text.trim().to_string());
    let inherited = Rc::new(Inherited {
        entity,
        stance,
        heading,
    });
    seen.by_parent.insert(parent, Rc::clone(&inherited));
    Section {
        inherited,
        fiscal_year,
    }
}

/// A period: fiscal years covered and the text that named them.
#[derive(Debug, Clone, PartialEq)]
struct Period {
    fy_start: Option<i32>,
    fy_end: Option<i32>,
    label: String,
}

fn period_in(text: &str, ctx: &DateContext) -> Option<Period> {
    dates::find_dates(text, ctx)
        .into_iter()
        .find_map(|d| period_of(&d, text))
        .or_else(|| table_year(text))
}

/// A fiscal year the way a table's header or label writes it and prose
/// does not: `FY2024`, or a bare `2024` (a header row or column of years).
fn table_year(text: &str) -> Option<Period> {
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

fn period_of(d: &FoundDate, label: &str) -> Option<Period> {
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

/// `period_in`, `only_period`, `unit_in_label` and `is_cumulative`
/// remembered per text: a table repeats the same header and label strings
/// on every row, and a 40,000-row CSV must not re-read them each time.
struct Memo<'a> {
    ctx: DateContext,
    periods: FxHashMap<&'a str, Option<Period>>,
    only: FxHashMap<&'a str, bool>,
    units: FxHashMap<&'a str, Option<(String, f64)>>,
    cumulative: FxHashMap<&'a str, bool>,
    bare_units: FxHashMap<&'a str, Option<(String, f64)>>,
}

impl<'a> Memo<'a> {
    fn new(ctx: DateContext) -> Self {
        Memo {
            ctx,
            periods: FxHashMap::default(),
            only: FxHashMap::default(),
            units: FxHashMap::default(),
            cumulative: FxHashMap::default(),
            bare_units: FxHashMap::default(),
        }
    }

    fn period(&mut self, text: &'a str) -> Option<Period> {
        let ctx = &self.ctx;
        self.periods
            .entry(text)
            .or_insert_with(|| period_in(text, ctx))
            .clone()
    }

    fn only_period(&mut self, text: &'a str) -> bool {
        let ctx = &self.ctx;
        *self
            .only
            .entry(text)
            .or_insert_with(|| only_period(text, ctx))
    }

    fn cumulative(&mut self, text: &'a str) -> bool {
        *self.cumulative.entry(text).or_insert_with(|| {
            keywords::is_cumulative(text)
                || cell_type::is_total(text)
                || cell_type::is_span_total(text)
        })
    }

    /// The unit a cell that is nothing but a unit states (`千人`, `%`).
    fn unit_only(&mut self, text: &'a str) -> Option<(String, f64)> {
        self.bare_units
            .entry(text)
            .or_insert_with(|| cell_type::unit_of(text))
            .clone()
    }

    fn unit(&mut self, text: &'a str) -> Option<(String, f64)> {
        self.units
            .entry(text)
            .or_insert_with(|| unit_in_label(text))
            .clone()
    }
}

/// True when the text says nothing beyond its dates and period/stance words:
/// such a label names the period, not the indicator.
fn only_period(text: &str, ctx: &DateContext) -> bool {
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

fn kind_of(unit: Option<&str>) -> MeasureKind {
    match unit {
        Some("%") => MeasureKind::Rate,
        Some("円") => MeasureKind::Amount,
        _ => MeasureKind::Count,
    }
}

/// A unit printed in a label's parentheses: `事業費(千円)`, `割合(%)`.
fn unit_in_label(label: &str) -> Option<(String, f64)> {
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
fn yen_in_latin_label(label: &str) -> Option<(String, f64)> {
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

/// One table's meaning, worked out once for all its cells.
struct TableFrame {
    caption: Option<String>,
    unit: Option<(String, f64)>,
    span: Option<(i32, i32)>,
    /// The fiscal year `本年度` stands for, read off the explicit year columns
    /// beside it (`本年度 | 30年度 | 31年度`: 本年度 is the year before 30年度).
    this_year: Option<i32>,
}

/// A caption without the unit note it ends with: `他会計繰入金(単位: 千円)` →
/// `他会計繰入金`, `(単位:人・%)` → ``. `単位` inside a name (`学級単位の在籍者数`)
/// is no note.
fn without_unit_note(caption: &str) -> &str {
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

/// `本年度` = 0, `前年度` = -1, `前々年度` = -2: years named relative to the plan's own.
fn relative_year(header: &str) -> Option<i32> {
    if header.contains("前々年度") {
        Some(-2)
    } else if header.contains("前年度") || header.contains("昨年度") {
        Some(-1)
    } else if header.contains("本年度") || header.contains("今年度") {
        Some(0)
    } else {
        None
    }
}

impl TableFrame {
    fn new<'a>(dated: &DatedBlocks<'a>, i: usize, memo: &mut Memo<'a>) -> Option<Self> {
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
        let mut span: Option<(i32, i32)> = None;
        let mut widen = |p: &Period| {
            if let (Some(a), Some(b)) = (p.fy_start, p.fy_end) {
                span = Some(span.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
            }
        };
        let mut this_col = None;
        let mut first_explicit: Option<(u32, i32)> = None;
        for c in sb.cells.iter().filter(|c| c.cell.is_header) {
            if let Some(p) = memo.period(&c.content.text) {
                widen(&p);
                if let (Some(fy), None) = (p.fy_start, first_explicit) {
                    first_explicit = Some((c.cell.col, fy));
                }
            } else if relative_year(&c.content.text) == Some(0) {
                this_col = Some(c.cell.col);
            }
        }
        let this_year = match (this_col, first_explicit) {
            (Some(h), Some((c, fy))) if c > h => Some(fy - (c - h) as i32),
            _ => None,
        };
        for c in sb.cells.iter().filter(|c| !c.cell.is_header) {
            if let Some(p) = c.label_parts.iter().find_map(|l| memo.period(l)) {
                widen(&p);
            }
        }
        Some(TableFrame {
            caption,
            unit,
            span,
            this_year,
        })
    }
}

/// A header that names nothing but a period, stance words included, the
/// plan's own years too (`前年度`, `本年度(決算見込)`); `前年度からの繰越し`
/// names more.
fn names_only_period<'a>(header: &'a str, memo: &mut Memo<'a>) -> bool {
    if memo.only_period(header) {
        return true;
    }
    if relative_year(header).is_none() {
        return false;
    }
    let mut rest = header.to_string();
    for w in ["前々年度", "前年度", "昨年度", "本年度", "今年度"] {
        rest = rest.replace(w, "");
    }
    only_period(&rest, &memo.ctx)
}

/// A data row's own name: its deepest label that says more than a period.
fn row_name<'a>(cell: &'a SegCell, memo: &mut Memo<'a>) -> Option<&'a String> {
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
fn one_row_name<'a>(cells: &'a [SegCell], memo: &mut Memo<'a>) -> bool {
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
fn is_bare_year(q: &Quantity) -> bool {
    q.unit.is_none()
        && q.decimals == 0
        && !q.raw.contains(',')
        && (1868.0..=2100.0).contains(&q.number)
}

/// The quantity a value cell holds: the whole cell, or, in a column whose
/// header names a period or stance, the one counted figure inside a short
/// phrase (`年40人`, `5年間で3人`).
fn cell_quantity(cell: &SegCell, header: &str) -> Option<Quantity> {
    if cell.cell.value.is_none() && !cell.cell.text.is_empty() {
        if let Some(q) = numbers::parse_quantity(&cell.content.text) {
            return Some(q);
        }
        let meaningful = stance_of(header).is_some()
            || dates::find_dates(header, &DateContext::default()).len() == 1;
        if !meaningful || cell.content.text.chars().count() > 20 {
            return None;
        }
        let found = numbers::find_quantities(&cell.content.text);
        let counted: Vec<&Quantity> = found
            .iter()
            .filter(|q| {
                !matches!(
                    q.unit.as_deref(),
                    Some("年間" | "か月" | "ヶ月" | "カ月" | "日間")
                )
            })
            .collect();
        return match counted.as_slice() {
            [only] => Some((*only).clone()),
            _ => None,
        };
    }
    cell.quantity.clone()
}

#[allow(clippy::too_many_arguments)]
fn table_measures<'a>(
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
    let mut column_names: FxHashMap<u32, Option<String>> = FxHashMap::default();
    for cell in sb.cells.iter().filter(|c| !c.cell.is_header) {
        let above = text_above.get(&cell.cell.col).copied();
        if cell.cell.value.is_none() && !cell.cell.text.trim().is_empty() {
            text_above.insert(cell.cell.col, cell);
        }
        // A data cell's header is its header parts joined, made once per column.
        let header = cell.cell.header.as_str();
        let is_label_col = (cell.cell.col as usize) < cell.label_parts.len();
        if is_label_col {
            continue;
        }
        // Read once per column: every data cell of a column shares its header.
        let (code_col, year_col) = *column_kinds.entry(cell.cell.col).or_insert_with(|| {
            cell.header_parts.last().map_or((false, false), |h| {
                (keywords::is_code_header(h), keywords::is_year_header(h))
            })
        });
        if code_col {
            continue;
        }
        let Some(q) = cell_quantity(cell, header) else {
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
        let col_period = cell.header_parts.iter().rev().find_map(|h| memo.period(h));
        let cumulative_word = memo.cumulative(header)
            || cell.header_parts.iter().any(|h| memo.cumulative(h))
            || cell.label_parts.iter().any(|l| memo.cumulative(l));
        let relative = frame.this_year.and_then(|base| {
            let header = cell
                .header_parts
                .iter()
                .rev()
                .find(|h| relative_year(h).is_some())?;
            let fy = base + relative_year(header)?;
            Some(Period {
                fy_start: Some(fy),
                fy_end: Some(fy),
                label: header.clone(),
            })
        });
        // Later sources are read only when the earlier ones name no period.
        let explicit = col_period
            .or(relative)
            .or_else(|| cell.label_parts.iter().find_map(|l| memo.period(l)))
            .or_else(|| above.and_then(|a| memo.period(&a.content.text)));
        let period = match explicit {
            Some(p) if cumulative_word && p.fy_start == p.fy_end => {
                // `令和5年度までの累計`: the total runs from the table's first year.
                let start = frame.span.map(|(a, _)| a).or(p.fy_start);
                Some(Period {
                    fy_start: start,
                    ..p
                })
            }
            Some(p) => Some(p),
            None if cumulative_word => frame.span.map(|(a, b)| Period {
                fy_start: Some(a),
                fy_end: Some(b),
                label: cell
                    .header_parts
                    .iter()
                    .chain(cell.label_parts.iter())
                    .find(|t| keywords::is_cumulative(t))
                    .cloned()
                    .unwrap_or_default(),
            }),
            None => section.fiscal_year.map(|fy| Period {
                fy_start: Some(fy),
                fy_end: Some(fy),
                label: String::new(),
            }),
        };
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
        let stance = stance_of(header)
            .or_else(|| stance_of(&cell.label_parts.join(" / ")))
            .or_else(|| frame.caption.as_deref().and_then(stance_of))
            .or(section.stance)
            .unwrap_or(Stance::Stated);
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
        let (fy_start, fy_end, period_label) = match &period {
            Some(p) => (
                p.fy_start,
                p.fy_end,
                Some(p.label.clone()).filter(|l| !l.is_empty()),
            ),
            None => (None, None, None),
        };
        let at = cell.content.pos_at(q.start);
        out.push(Measure {
            doc_id: ctx.doc_id.clone(),
            measure_id: 0,
            entity: section.entity.clone(),
            section: group.or_else(|| section.heading.clone()),
            indicator,
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
}

/// Whitespace-separated tokens of a text with their char ranges.
pub(crate) fn tokens(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut current = String::new();
    let mut n = 0;
    for (i, c) in text.chars().enumerate() {
        n = i + 1;
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, i, std::mem::take(&mut current)));
            }
        } else {
            start.get_or_insert(i);
            current.push(c);
        }
    }
    if let Some(s) = start {
        out.push((s, n, current));
    }
    out
}

fn kv_measures(
    ctx: &DocContext,
    dated: &DatedBlocks<'_>,
    i: usize,
    lines: &[NormLine],
    sections: &mut Sections,
    out: &mut Vec<Measure>,
) {
    let Some(sb) = dated.blocks.get(i) else {
        return;
    };
    let section = section_of(dated, i, ctx, sections);
    let (key, value_from) = match (&sb.block.key, bullet_key(&sb.content.text)) {
        (Some(k), _) => (k.clone(), 0),
        (None, Some((k, from))) => (k, from),
        (None, None) => (String::new(), 0),
    };
    // `事業費(千円): 1,500` — the unit printed with the key.
    let key_unit = unit_in_label(&key);
    let found = dated.block_dates.get(i).map(Vec::as_slice).unwrap_or(&[]);
    let period = found.iter().find_map(|d| period_of(d, &d.raw));
    let stance = stance_of(&key).or(section.stance).unwrap_or(Stance::Stated);
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let in_date = Spans::new(date_spans(found), sb.content.pos.len());
    for (start, end, token) in tokens(&sb.content.text) {
        let Some(q) = numbers::parse_quantity(&token) else {
            continue;
        };
        if start < value_from || in_date.touches(start, end) {
            continue;
        }
        taken.push((start, end));
        let (unit, value, scale) = match (&q.unit, &key_unit) {
            (None, Some((u, s))) => (Some(u.clone()), q.number * s, *s),
            _ => (
                q.unit
                    .clone()
                    .or_else(|| keywords::unit_from_indicator(&key).map(str::to_string)),
                q.value,
                q.scale,
            ),
        };
        let (fy_start, fy_end, period_label) = match &period {
            Some(p) => (p.fy_start, p.fy_end, Some(p.label.clone())),
            None => (section.fiscal_year, section.fiscal_year, None),
        };
        let at = sb.content.pos_at(start);
        out.push(Measure {
            doc_id: ctx.doc_id.clone(),
            measure_id: 0,
            entity: section.entity.clone(),
            section: section.heading.clone(),
            indicator: Some(key.clone()).filter(|k| !k.is_empty()),
            stance,
            measure: kind_of(unit.as_deref()),
            period_label,
            fy_start,
            fy_end,
            cumulative: matches!((fy_start, fy_end), (Some(a), Some(b)) if b > a),
            value,
            unit,
            scale,
            decimals: q.decimals,
            approx: q.approx,
            qualifier: q.qualifier.clone(),
            source: MeasureSource::KeyValue,
            raw: raw_span(lines, &sb.content, start, end),
            line: at.line,
            col: at.col,
            block_id: sb.block.block_id,
            table_id: None,
            table_row: None,
            table_col: None,
        });
    }
    prose_measures(
        ctx,
        &section,
        &sb.content,
        lines,
        sb.block.block_id,
        None,
        &taken,
        out,
    );
}

/// A bullet written as a key-value pair (`- 令和4年度概算要求額（百万円）: 542632`):
/// the key and the char index where the value starts.
fn bullet_key(text: &str) -> Option<(String, usize)> {
    let (i, _) = text.char_indices().find(|(_, c)| *c == ':')?;
    let key = text.get(..i)?.trim();
    let n = key.chars().count();
    if n == 0 || n > 30 || key.contains('。') {
        return None;
    }
    Some((key.to_string(), text.get(..i)?.chars().count() + 1))
}

/// Char ranges of one text, asked whether `[a, b)` touches any of them in
/// constant time: a scan of every range per number made a line holding many
/// numbers and dates quadratic.
struct Spans {
    /// `covered[i]`: how many chars before `i` lie in some range.
    covered: Vec<usize>,
}

impl Spans {
    fn new(ranges: impl IntoIterator<Item = (usize, usize)>, len: usize) -> Spans {
        let mut delta = vec![0i64; len + 1];
        for (a, b) in ranges {
            let (a, b) = (a.min(len), b.min(len));
            if a < b {
                if let Some(d) = delta.get_mut(a) {
                    *d += 1;
                }
                if let Some(d) = delta.get_mut(b) {
                    *d -= 1;
                }
            }
        }
        let mut covered = Vec::with_capacity(len + 1);
        let (mut depth, mut count) = (0i64, 0usize);
        covered.push(0);
        for d in delta.iter().take(len) {
            depth += d;
            if depth > 0 {
                count += 1;
            }
            covered.push(count);
        }
        Spans { covered }
    }

    fn touches(&self, a: usize, b: usize) -> bool {
        let at = |i: usize| {
            self.covered
                .get(i)
                .or(self.covered.last())
                .copied()
                .unwrap_or(0)
        };
        a < b && at(b) > at(a)
    }
}

/// Where dates stand in a text, with the spans of their stated lengths (`（4年間）`).
fn date_spans(found: &[FoundDate]) -> impl Iterator<Item = (usize, usize)> + '_ {
    found
        .iter()
        .flat_map(|d| std::iter::once((d.start, d.end)).chain(d.length_span))
}

/// Quantities with units inside running text: `stated` figures.
#[allow(clippy::too_many_arguments)]
fn prose_measures(
    ctx: &DocContext,
    section: &Section,
    content: &MappedText,
    lines: &[NormLine],
    block_id: u32,
    cell: Option<&SegCell>,
    skip: &[(usize, usize)],
    out: &mut Vec<Measure>,
) {
    // find_quantities already leaves out figures inside dates and stated lengths.
    let taken = Spans::new(skip.iter().copied(), content.pos.len());
    for q in numbers::find_quantities(&content.text) {
        if taken.touches(q.start, q.end) {
            continue;
        }
        let at = content.pos_at(q.start);
        out.push(Measure {
            doc_id: ctx.doc_id.clone(),
            measure_id: 0,
            entity: section.entity.clone(),
            section: section.heading.clone(),
            indicator: None,
            stance: Stance::Stated,
            measure: kind_of(q.unit.as_deref()),
            period_label: None,
            fy_start: None,
            fy_end: None,
            cumulative: false,
            value: q.value,
            unit: q.unit.clone(),
            scale: q.scale,
            decimals: q.decimals,
            approx: q.approx,
            qualifier: q.qualifier.clone(),
            source: MeasureSource::Prose,
            raw: raw_span(lines, content, q.start, q.end),
            line: at.line,
            col: at.col,
            block_id,
            table_id: cell.map(|c| c.cell.table_id),
            table_row: cell.map(|c| c.cell.row),
            table_col: cell.map(|c| c.cell.col),
        });
    }
}

/// A money unit standing alone: `千円`, `(百万円)`.
fn bare_money_unit(text: &str) -> Option<(String, f64)> {
    let bare = text.trim_start_matches('(').trim_end_matches(')').trim();
    matches!(bare, "円" | "千円" | "万円" | "百万円" | "億円")
        .then(|| unit_in_label(&format!("({bare})")))
        .flatten()
}

/// The last unit statement among lines `from..=to`: `（単位：千円）`, or a
/// line holding nothing but a money unit (`千円`, `(百万円)`), once or once
/// per column.
fn unit_in_lines(lines: &[NormLine], from: u32, to: u32) -> Option<(String, f64)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_answer_overlap_like_a_scan() {
        let ranges = [(2, 4), (3, 6), (10, 11), (7, 7)];
        let spans = Spans::new(ranges, 12);
        for a in 0..13 {
            for b in a + 1..14 {
                let scan = ranges.iter().any(|&(s, e)| s < e && s < b && a < e);
                assert_eq!(spans.touches(a, b), scan, "[{a}, {b})");
            }
        }
        assert!(!Spans::new([], 0).touches(0, 5));
        assert!(Spans::new([(0, 99)], 3).touches(2, 50));
    }

    #[test]
    fn entity_from_section_label() {
        assert_eq!(
            entity_in("[松江市] 県内高校卒業生とのつながり創出モデル事業").as_deref(),
            Some("松江市")
        );
        assert_eq!(entity_in("【津和野町】事業").as_deref(), Some("津和野町"));
        assert_eq!(entity_in("事業の概要 [松江市]"), None);
        assert_eq!(entity_in("【事業費】 R4～R7"), None);
        assert_eq!(entity_in(" ■ （浜田市） 事業").as_deref(), Some("浜田市"));
        assert_eq!(entity_in("■■ （浜田市） 事業"), None);
    }

    #[test]
    fn year_and_code_columns_of_a_record_export_are_not_measures() {
        let out = crate::pipeline::process(
            "export.csv",
            "種別,事業年度,予算事業ID,事業名,府省庁の建制順,当初予算\n\
             一覧,2024,1,研修事業,3,1500\n\
             一覧,2024,17,広報事業,3,2100\n"
                .as_bytes(),
        );
        let raws: Vec<&str> = out.measures.iter().map(|m| m.raw.as_str()).collect();
        assert_eq!(raws, ["1500", "2100"]);
        // Near miss: a column headed by a year holds that year's figures,
        // even one that reads like a year.
        let out = crate::pipeline::process(
            "plan.csv",
            "指標,令和5年度,令和6年度\n利用者数,2024,1980\n".as_bytes(),
        );
        let raws: Vec<&str> = out.measures.iter().map(|m| m.raw.as_str()).collect();
        assert_eq!(raws, ["2024", "1980"]);
    }

    #[test]
    fn a_unit_printed_under_every_column_scales_the_table_below() {
        let book = |units: &str| {
            let text = format!(
                "（歳　入）\n\
                 \x20     款                本年度予算額     前年度予算額     比　較\n\
                 \x20                           {units}\n\
                 \x20 1 村税                 12,345,600     12,000,100        345,500\n\
                 \x20 2 使用料及び手数料          74,952         80,446         △5,494\n"
            );
            crate::pipeline::process("book.txt", text.as_bytes()).measures
        };
        let measures = book("千円            千円            千円");
        let fee = measures.iter().find(|m| m.raw == "△5,494");
        assert_eq!(
            fee.map(|m| (m.value, m.scale)),
            Some((-5_494_000.0, 1000.0))
        );
        assert_eq!(fee.and_then(|m| m.unit.as_deref()), Some("円"));
        // A line of different units, each under its column: the columns
        // are read by position (an aligned table), and each takes its own.
        let measures = book("千円            千円            人");
        let tax = measures.iter().find(|m| m.raw == "12,345,600");
        assert_eq!(
            tax.map(|m| (m.value, m.scale)),
            Some((12_345_600_000.0, 1000.0))
        );
        let change = measures.iter().find(|m| m.raw == "345,500");
        assert_eq!(
            change.map(|m| (m.value, m.unit.as_deref())),
            Some((345_500.0, Some("人")))
        );
    }

    #[test]
    fn a_name_on_every_row_leaves_the_column_to_name_the_figure() {
        let indicators = |text: &str| -> Vec<(String, Option<String>)> {
            crate::pipeline::process("sheet.csv", text.as_bytes())
                .measures
                .into_iter()
                .map(|m| (m.raw, m.indicator))
                .collect()
        };
        let found = indicators(
            "種別,予算年度,当初予算,前年度からの繰越し,執行額\n\
             点検表,2022,1500,20,1400\n\
             点検表,2023,2100,0,1900\n\
             点検表,2024,800,5,760\n",
        );
        let named = |raw: &str| {
            found
                .iter()
                .find(|(r, _)| r == raw)
                .and_then(|(_, i)| i.clone())
        };
        assert_eq!(named("2100").as_deref(), Some("当初予算"));
        assert_eq!(named("20").as_deref(), Some("前年度からの繰越し"));
        assert_eq!(named("760").as_deref(), Some("執行額"));
        // Near misses: rows named apart keep their names, and one indicator
        // repeated over period columns stays the indicator.
        let found = indicators(
            "種別,事業名,当初予算,執行額\n\
             点検表,研修事業,1500,1400\n\
             点検表,広報事業,2100,1900\n\
             点検表,相談事業,800,760\n",
        );
        assert!(found.contains(&("2100".to_string(), Some("広報事業".to_string()))));
        let found = indicators(
            "指標,区分,令和4年度,令和5年度\n\
             移住者数,目標,100,120\n\
             移住者数,実績,90,110\n\
             移住者数,見込,95,115\n",
        );
        assert!(found.iter().all(|(_, i)| i.as_deref() == Some("移住者数")));
    }

    #[test]
    fn romaji_and_english_column_names_state_yen_last() {
        for (label, scale) in [
            ("pdf_revenue_amount_thousand_yen", 1e3),
            ("Budget (million yen)", 1e6),
            ("kingaku_hundred_million_yen", 1e8),
            ("amount_ten_thousand_yen", 1e4),
            ("amount_jpy", 1.0),
        ] {
            assert_eq!(
                unit_in_label(label),
                Some(("円".to_string(), scale)),
                "{label}"
            );
        }
        // Near misses: `yen` inside a word, or not last.
        for label in ["yenbudget", "yen_count", "jpy_rate_pct", "事業費(yen)x"] {
            assert_eq!(unit_in_label(label), None, "{label}");
        }
        let out = crate::pipeline::process(
            "export.csv",
            "name,setsu_amount_thousand_yen\nroad,1500\n".as_bytes(),
        );
        let m = out.measures.iter().find(|m| m.raw == "1500");
        assert_eq!(
            m.map(|m| (m.value, m.unit.as_deref(), m.measure)),
            Some((1_500_000.0, Some("円"), MeasureKind::Amount))
        );
    }

    #[test]
    fn a_unit_note_is_no_caption() {
        let indicator = |caption: &str, raw: &str| {
            let text = format!(
                "{caption}\n\n区分\t令和4年\t令和5年\n一般行政\t30\t29\n教育\t29\t29\n合計\t59\t58\n"
            );
            crate::pipeline::process("staff.txt", text.as_bytes())
                .measures
                .into_iter()
                .find(|m| m.raw == raw)
                .and_then(|m| m.indicator)
        };
        for noted in [
            "■ 職員数の推移\n（単位：人・%）",
            "■ 職員数の推移\n\n（単位：人・%）",
        ] {
            assert_eq!(indicator(noted, "59").as_deref(), Some("職員数の推移"));
        }
        assert_eq!(
            indicator("■ 職員数の推移（単位：人）", "58").as_deref(),
            Some("職員数の推移")
        );
        assert_eq!(without_unit_note("(単位:人・%)"), "");
        // Near miss: 単位 inside a name is part of it.
        assert_eq!(
            indicator("■ 学級単位の在籍者数", "59").as_deref(),
            Some("学級単位の在籍者数")
        );
    }

    #[test]
    fn qualifiers_reach_the_measure_as_printed() {
        let text = "1 利用状況\n\n\
                    区分\t令和4年度\t令和5年度\n\
                    利用者数\t約1,200人\t100人以上\n\
                    相談件数\t30件\t40件\n\n\
                    参加者数：約300人\n\n\
                    説明会には延べ50人程度が参加した。\n";
        let found: Vec<(String, Option<String>, bool, MeasureSource)> =
            crate::pipeline::process("plan.txt", text.as_bytes())
                .measures
                .into_iter()
                .map(|m| (m.raw, m.qualifier, m.approx, m.source))
                .collect();
        let of = |raw: &str| {
            found
                .iter()
                .find(|(r, ..)| r == raw)
                .map(|(_, q, a, s)| (q.clone(), *a, *s))
        };
        let q = |w: &str| Some(w.to_string());
        assert_eq!(
            of("約1,200人"),
            Some((q("約"), true, MeasureSource::Table)),
            "{found:?}"
        );
        assert_eq!(
            of("100人以上"),
            Some((q("以上"), true, MeasureSource::Table)),
            "{found:?}"
        );
        assert_eq!(
            of("約300人"),
            Some((q("約"), true, MeasureSource::KeyValue)),
            "{found:?}"
        );
        assert_eq!(
            of("50人程度"),
            Some((q("程度"), true, MeasureSource::Prose)),
            "{found:?}"
        );
        // Near miss: an exact figure has no qualifier, not an empty one.
        assert_eq!(
            of("30件"),
            Some((None, false, MeasureSource::Table)),
            "{found:?}"
        );
    }

    #[test]
    fn tokens_with_ranges() {
        let t = tokens("R4～R7(4年間) 28,000千円");
        assert_eq!(t.len(), 2);
        assert_eq!(t[1], (11, 19, "28,000千円".to_string()));
    }
}
