//! Measures from table cells: a value cell's meaning comes from its header
//! path, its row labels, the table's caption and unit line, and its section.

use rustc_hash::FxHashMap;

use super::prose::prose_measures;
use super::section::{section_of, Sections};
use super::{kind_of, period_in, table_year, unit_in_label, DatedBlocks, Period};
use crate::extract::dates::{self, DateContext};
use crate::extract::keywords::{self, bare_caption, stance_of};
use crate::extract::numbers::{self, Quantity};
use crate::extract::{raw_span, DocContext};
use crate::model::{BlockKind, Measure, MeasureKind, MeasureSource, Stance};
use crate::normalize::NormLine;
use crate::segment::cell_type;
use crate::segment::{SegBlock, SegCell};

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
    pub(super) span: Option<(i32, i32)>,
    /// The fiscal year `本年度` stands for, read off the explicit year columns
    /// beside it (`本年度 | 30年度 | 31年度`: 本年度 is the year before 30年度).
    pub(super) this_year: Option<i32>,
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

/// `本年度` = 0, `前年度` = -1, `前々年度` = -2: years named relative to the plan's own.
pub(super) fn relative_year(header: &str) -> Option<i32> {
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
pub(super) fn names_only_period<'a>(header: &'a str, memo: &mut Memo<'a>) -> bool {
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

/// The quantity a value cell holds: the whole cell, or, in a column whose
/// header names a period or stance, the one counted figure inside a short
/// phrase (`年40人`, `5年間で3人`).
pub(super) fn cell_quantity(cell: &SegCell, header: &str) -> Option<Quantity> {
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
