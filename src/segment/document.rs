//! Text documents: lines into blocks (see `segment_text`).

use rustc_hash::FxHashMap;

use crate::budget::Budget;
use crate::model::{Block, BlockKind};
use crate::normalize::NormLine;
use crate::scan::numbers::parse_quantity;
use crate::text::MappedText;

use super::aligned::{aligned_rows, aligned_run};
use super::html_table::{html_rows, html_run};
use super::lines::{
    indent_width, is_blank, is_page_marker, is_punctuation_only, join_spaced, join_wrapped,
    lead_col, raw_join, RawLines,
};
use super::markers::{
    is_figure, lone_key, parse_key_value, parse_label_value, parse_marker, KeyValue, Marker,
};
use super::stacked::{stacked_blocks, Scan};
use super::table::{
    grid_cell, grid_to_cells, is_pipe_separator, quantity, space_field_texts, split_on, split_pipe,
    split_spaces, Grid,
};
use super::SegBlock;

/// A marker line is a heading only when its text is at most this long.
const MAX_HEADING_CHARS: usize = 40;
/// A line shorter than this is not a PDF column wrap.
const MIN_WRAP_CHARS: usize = 8;
/// A continuation line may exceed the first line by this much.
const WRAP_SLACK: usize = 2;

/// What one line is, before blocks are formed.
struct LineInfo {
    blank: bool,
    /// Trimmed normalized text, Markdown quote marks (`>`) removed.
    body: MappedText,
    chars: Vec<char>,
}

impl LineInfo {
    fn new(l: &NormLine) -> Self {
        let blank = is_blank(&l.raw);
        let trimmed = l.norm.trim();
        let quote = trimmed
            .text
            .chars()
            .take_while(|c| *c == '>' || c.is_whitespace())
            .count();
        let body = if quote > 0 && quote < trimmed.pos.len() {
            trimmed.slice(quote, trimmed.pos.len()).trim()
        } else {
            trimmed
        };
        let chars = body.text.chars().collect();
        LineInfo { blank, body, chars }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableKind {
    Html,
    Aligned,
    /// A multi-level aligned table (`stacked.rs`).
    Stacked,
    Tab,
    Pipe,
    Spaces,
}

#[derive(Debug, Clone, Copy)]
struct TableRun {
    kind: TableKind,
    /// Last line index, inclusive.
    end: usize,
}

fn is_page_marker_line(l: &NormLine) -> bool {
    let chars: Vec<char> = l.norm.text.trim().chars().collect();
    is_page_marker(&chars)
}

fn has_tab_content(l: &NormLine) -> bool {
    l.norm.text.contains('\t') && !is_blank(&l.raw)
}

fn non_empty_fields(fields: &[MappedText]) -> usize {
    fields.iter().filter(|f| !f.text.trim().is_empty()).count()
}

fn has_quantity(fields: &[&str]) -> bool {
    fields.iter().any(|f| quantity(f.trim()).is_some())
}

/// Find every table run first, so the line-by-line pass can stop at them.
fn find_tables(lines: &[NormLine], infos: &[LineInfo]) -> Vec<Option<TableRun>> {
    let mut out = vec![None; lines.len()];
    let scan = Scan::new(lines);
    let mut i = 0;
    // Lines up to here belong to a run already found not to be aligned.
    let mut not_aligned: Option<usize> = None;
    while i < lines.len() {
        let mut aligned = || {
            if not_aligned.is_some_and(|n| i <= n) {
                return None;
            }
            match aligned_run(lines, i, |t| quantity(t.trim()).is_some()) {
                Ok(end) => Some(TableRun {
                    kind: TableKind::Aligned,
                    end,
                }),
                Err(seen) => {
                    not_aligned = Some(seen);
                    None
                }
            }
        };
        let run = html_run(lines, i)
            .map(|end| TableRun {
                kind: TableKind::Html,
                end,
            })
            .or_else(|| tab_run(lines, i))
            .or_else(|| pipe_run(infos, i))
            .or_else(|| {
                scan.run(lines, i).map(|end| TableRun {
                    kind: TableKind::Stacked,
                    end,
                })
            })
            .or_else(&mut aligned)
            .or_else(|| space_run(infos, i));
        let run = run.map(|r| across_page_breaks(lines, infos, i, r));
        match (run, out.get_mut(i)) {
            (Some(run), Some(slot)) => {
                *slot = Some(run);
                i = run.end + 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// A table that goes on after a page break: blank lines and a page marker
/// (`- 1 -`), then a table of the same kind whose first line repeats this
/// table's first line (its header printed again). The run takes in both.
fn across_page_breaks(
    lines: &[NormLine],
    infos: &[LineInfo],
    start: usize,
    mut run: TableRun,
) -> TableRun {
    let squeeze = |i: usize| -> Option<String> {
        let info = infos.get(i)?;
        Some(
            info.body
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        )
    };
    let Some(first) = squeeze(start) else {
        return run;
    };
    loop {
        let mut j = run.end + 1;
        let mut marker = false;
        while let Some(info) = infos.get(j) {
            if info.blank {
                j += 1;
            } else if is_page_marker(&info.chars) {
                marker = true;
                j += 1;
            } else {
                break;
            }
        }
        if !marker || squeeze(j).as_ref() != Some(&first) {
            return run;
        }
        let next = match run.kind {
            TableKind::Tab => tab_run(lines, j),
            TableKind::Pipe => pipe_run(infos, j),
            TableKind::Aligned => aligned_run(lines, j, |t| quantity(t.trim()).is_some())
                .ok()
                .map(|end| TableRun {
                    kind: TableKind::Aligned,
                    end,
                }),
            TableKind::Spaces => space_run(infos, j),
            TableKind::Html | TableKind::Stacked => None,
        };
        match next {
            Some(n) if n.kind == run.kind && n.end >= j => run.end = n.end,
            _ => return run,
        }
    }
}

/// Consecutive lines with tabs; a table when one of them has two fields.
fn tab_run(lines: &[NormLine], i: usize) -> Option<TableRun> {
    let n = lines
        .iter()
        .skip(i)
        .take_while(|l| has_tab_content(l))
        .count();
    let real = lines.iter().skip(i).take(n).any(|l| {
        let mut fields = l.norm.text.split('\t').filter(|f| !f.trim().is_empty());
        fields.next().is_some() && fields.next().is_some()
    });
    real.then(|| TableRun {
        kind: TableKind::Tab,
        end: i + n - 1,
    })
}

fn pipe_run(infos: &[LineInfo], i: usize) -> Option<TableRun> {
    let rows: Vec<Vec<MappedText>> = infos
        .iter()
        .skip(i)
        .map_while(|l| split_pipe(&l.body))
        .collect();
    let n = rows.len();
    let table = rows
        .iter()
        .any(|r| is_pipe_separator(r) || non_empty_fields(r) >= 2);
    (n > 0 && table).then(|| TableRun {
        kind: TableKind::Pipe,
        end: i + n - 1,
    })
}

/// Layout text: consecutive lines with the same number (≥ 2) of fields
/// separated by runs of spaces, every line after the first holding a
/// quantity. Anything less sure stays text.
fn space_run(infos: &[LineInfo], i: usize) -> Option<TableRun> {
    let k = space_field_texts(&infos.get(i)?.body.text).len();
    if k < 2 {
        return None;
    }
    let n = 1 + infos
        .iter()
        .skip(i + 1)
        .map_while(|l| {
            let f = space_field_texts(&l.body.text);
            (!l.blank && f.len() == k && has_quantity(&f)).then_some(())
        })
        .count();
    (n >= 2).then(|| TableRun {
        kind: TableKind::Spaces,
        end: i + n - 1,
    })
}

struct Builder<'a> {
    doc_id: &'a str,
    lines: &'a [NormLine],
    infos: Vec<LineInfo>,
    tables: Vec<Option<TableRun>>,
    raw: RawLines<'a>,
    out: Vec<SegBlock>,
    /// Open headings, outermost first: (level, block_id).
    open: Vec<(u32, u32)>,
    /// Heading level of each marker family, fixed where it first appears.
    family_levels: FxHashMap<String, u32>,
    /// Indentation of the open list items, outermost first.
    list_indents: Vec<u32>,
}

/// What a block is made of, before it gets its id and parent.
struct Draft {
    kind: BlockKind,
    first: usize,
    last: usize,
    level: Option<u32>,
    marker: Option<String>,
    text: String,
    key: Option<String>,
    reason: Option<String>,
    content: MappedText,
}

impl Draft {
    fn new(kind: BlockKind, first: usize, last: usize, content: MappedText) -> Self {
        Draft {
            kind,
            first,
            last,
            level: None,
            marker: None,
            text: content.text.clone(),
            key: None,
            reason: None,
            content,
        }
    }
}

pub(crate) fn segment(doc_id: &str, lines: &[NormLine], budget: &Budget) -> Option<Vec<SegBlock>> {
    let infos: Vec<LineInfo> = lines.iter().map(LineInfo::new).collect();
    let tables = find_tables(lines, &infos);
    if budget.exceeded() {
        return None;
    }
    let mut b = Builder {
        doc_id,
        lines,
        infos,
        tables,
        raw: RawLines::new(lines),
        out: vec![],
        open: vec![],
        family_levels: FxHashMap::default(),
        list_indents: vec![],
    };
    let mut i = 0;
    while i < lines.len() {
        if budget.exceeded() {
            return None;
        }
        i = b.block_at(i) + 1;
    }
    Some(b.out)
}

impl<'a> Builder<'a> {
    fn info(&self, i: usize) -> Option<&LineInfo> {
        self.infos.get(i)
    }

    fn chars(&self, i: usize) -> &[char] {
        self.info(i).map_or(&[], |l| l.chars.as_slice())
    }

    fn blank(&self, i: usize) -> bool {
        self.info(i).is_none_or(|l| l.blank)
    }

    fn unparsed_reason(&self, i: usize) -> Option<&'static str> {
        let chars = self.chars(i);
        if chars.is_empty() {
            Some("no text after normalization")
        } else if is_page_marker(chars) {
            Some("page marker")
        } else if is_punctuation_only(chars) {
            Some("rule or punctuation only")
        } else {
            None
        }
    }

    /// A line that can join a paragraph or continue a wrapped line.
    fn plain(&self, i: usize) -> bool {
        i < self.lines.len()
            && !self.blank(i)
            && self.tables.get(i).is_some_and(Option::is_none)
            && self.unparsed_reason(i).is_none()
            && parse_marker(self.chars(i)).is_none()
            && parse_key_value(self.chars(i)).is_none()
            && parse_label_value(self.chars(i), false).is_none()
            && !self.key_above_quantity(i)
    }

    /// `予算額` alone on line `i`, its figure on the next line.
    fn key_above_quantity(&self, i: usize) -> bool {
        lone_key(self.chars(i)) && self.lone_quantity(i + 1)
    }

    fn lone_quantity(&self, i: usize) -> bool {
        self.plain(i)
            && self
                .info(i)
                .is_some_and(|l| parse_quantity(&l.body.text).is_some())
    }

    fn ends_sentence(&self, i: usize) -> bool {
        matches!(self.chars(i).last(), Some('。' | ':' | '：'))
    }

    /// Last line of a PDF column wrap starting at `i`: following plain lines
    /// no wider than line `i`, until a line ends a sentence.
    fn wrap_end(&self, i: usize) -> usize {
        let width = self.chars(i).len();
        let mut j = i;
        if width < MIN_WRAP_CHARS {
            return j;
        }
        while !self.ends_sentence(j)
            && self.plain(j + 1)
            && !self.lone_quantity(j + 1)
            && self.chars(j + 1).len() <= width + WRAP_SLACK
        {
            j += 1;
        }
        j
    }

    /// The next non-blank line after `j`, if it stands alone as a quantity.
    fn quantity_after(&self, j: usize) -> Option<usize> {
        let k = (j + 1..self.lines.len()).find(|&k| !self.blank(k))?;
        self.lone_quantity(k).then_some(k)
    }

    fn bodies(&self, from: usize, to: usize) -> Vec<MappedText> {
        (from..=to)
            .filter_map(|k| self.info(k).map(|l| l.body.clone()))
            .collect()
    }

    /// Emit the block starting at line `i`; returns its last line.
    fn block_at(&mut self, i: usize) -> usize {
        if self.blank(i) {
            return i;
        }
        if let Some(run) = self.tables.get(i).copied().flatten() {
            self.table(i, run);
            return run.end;
        }
        if let Some(reason) = self.unparsed_reason(i) {
            let mut d = Draft::new(
                BlockKind::Unparsed,
                i,
                i,
                self.info(i).map(|l| l.body.clone()).unwrap_or_default(),
            );
            d.reason = Some(reason.to_string());
            self.list_indents.clear();
            self.emit(d);
            return i;
        }
        let chars = self.chars(i).to_vec();
        if let Some(m) = parse_marker(&chars) {
            return self.marker_block(i, &m);
        }
        if let Some(kv) = parse_key_value(&chars).or_else(|| parse_label_value(&chars, false)) {
            self.list_indents.clear();
            return self.key_value(i, kv, None);
        }
        // `予算額` alone, its figure on the next line.
        if self.key_above_quantity(i) {
            self.list_indents.clear();
            let key = self.body_slice(i, 0, chars.len());
            return self.finish_key_value(i, key, MappedText::new(), None);
        }
        let mut last = i;
        while self.plain(last + 1) {
            last += 1;
        }
        let content = join_wrapped(&self.bodies(i, last));
        self.list_indents.clear();
        self.emit(Draft::new(BlockKind::Paragraph, i, last, content));
        last
    }

    fn body_slice(&self, i: usize, start: usize, end: usize) -> MappedText {
        self.info(i)
            .map(|l| l.body.slice(start, end))
            .unwrap_or_default()
    }

    /// The marker as printed in the source.
    fn printed(&mut self, i: usize, len: usize) -> Option<String> {
        let body = &self.info(i)?.body;
        let (from, to) = (body.pos_at(0), body.pos_at(len.checked_sub(1)?));
        Some(self.raw.slice(from, to))
    }

    fn key_value(
        &mut self,
        i: usize,
        kv: KeyValue,
        marker: Option<(String, Option<u32>)>,
    ) -> usize {
        let n = self.chars(i).len();
        let key = self.body_slice(i, kv.key_start, kv.key_end);
        let first = self.body_slice(i, kv.value_start, n);
        self.finish_key_value(i, key, first, marker)
    }

    /// A key-value block: wrapped value lines, then a lone quantity on the
    /// next non-blank line (`【事業費】 R4～R7` … `28,000千円`).
    fn finish_key_value(
        &mut self,
        i: usize,
        key: MappedText,
        first: MappedText,
        marker: Option<(String, Option<u32>)>,
    ) -> usize {
        let mut last = self.wrap_end(i);
        let mut parts = vec![first];
        parts.extend(self.bodies(i + 1, last));
        let mut value = join_wrapped(&parts);
        if let Some(k) = self.quantity_after(last) {
            let q = self.info(k).map(|l| l.body.clone()).unwrap_or_default();
            value = join_spaced(&value, &q);
            last = k;
        }
        let mut d = Draft::new(BlockKind::KeyValue, i, last, value);
        d.text = if d.content.is_empty() {
            format!("{}:", key.text)
        } else {
            format!("{}: {}", key.text, d.content.text)
        };
        d.key = Some(key.text);
        if let Some((m, level)) = marker {
            d.marker = Some(m);
            d.level = level;
        }
        self.emit(d);
        last
    }

    fn marker_block(&mut self, i: usize, m: &Marker) -> usize {
        let n = self.chars(i).len();
        let printed = self.printed(i, m.len).unwrap_or_default();
        if let Some(level) = m.md_level {
            let d = Draft::new(
                BlockKind::Heading,
                i,
                i,
                self.body_slice(i, m.text_start, n),
            );
            self.heading(d, level, printed);
            return i;
        }
        let is_list = m.bullet || self.numbered_in_list(i, m);
        if let Some(b) = m.bracket {
            let inner = self.body_slice(i, b.inner_start, b.inner_end).trim();
            let rest = self.body_slice(i, m.text_start, n);
            // `【事業費】 R4～R7`, and any bracket before a lone figure (`＜実績＞ 35件`).
            let value = if !rest.is_empty() && (b.lenticular || is_figure(&rest.text)) {
                Some(rest.clone())
            } else if rest.is_empty() && self.quantity_after(i).is_some() {
                Some(MappedText::new())
            } else {
                None
            };
            if let Some(value) = value {
                // `【事業費】 …` sits at its bracket family's level: it closes deeper sections.
                let level = self.family_level(&m.family);
                while self.open.last().is_some_and(|h| h.0 >= level) {
                    self.open.pop();
                }
                self.list_indents.clear();
                return self.finish_key_value(i, inner, value, Some((printed, None)));
            }
            let text = join_spaced(&inner, &rest);
            return self.heading_or_item(i, i, text, m, printed, false);
        }
        let text_from = if m.keep_in_text { 0 } else { m.text_start };
        let chars = self.chars(i).to_vec();
        let rest_chars = chars.get(text_from..).unwrap_or_default();
        if !m.keep_in_text {
            let kv = parse_key_value(rest_chars).or_else(|| parse_label_value(rest_chars, true));
            if let Some(kv) = kv {
                let level = is_list.then(|| self.list_level(i));
                if !is_list {
                    self.list_indents.clear();
                }
                let key = self.body_slice(i, text_from + kv.key_start, text_from + kv.key_end);
                let value = self.body_slice(i, text_from + kv.value_start, n);
                return self.finish_key_value(i, key, value, Some((printed, level)));
            }
        }
        let last = self.wrap_end(i);
        let mut parts = vec![self.body_slice(i, text_from, n)];
        parts.extend(self.bodies(i + 1, last));
        let text = join_wrapped(&parts);
        self.heading_or_item(i, last, text, m, printed, is_list)
    }

    /// A numbered line indented under list items reads as one more item.
    fn numbered_in_list(&self, i: usize, m: &Marker) -> bool {
        let indented = self.lines.get(i).is_some_and(|l| indent_width(&l.raw) > 0);
        let after_item = self
            .out
            .last()
            .is_some_and(|b| b.block.kind == BlockKind::ListItem);
        m.bracket.is_none()
            && !m.keep_in_text
            && !m.family.starts_with("sym_")
            && indented
            && after_item
    }

    fn heading_or_item(
        &mut self,
        i: usize,
        last: usize,
        text: MappedText,
        m: &Marker,
        printed: String,
        is_list: bool,
    ) -> usize {
        let short = text.text.chars().count() <= MAX_HEADING_CHARS && !text.text.ends_with('。');
        if !is_list && short {
            let level = self.family_level(&m.family);
            let d = Draft::new(BlockKind::Heading, i, last, text);
            self.heading(d, level, printed);
        } else {
            let level = self.list_level(i);
            let mut d = Draft::new(BlockKind::ListItem, i, last, text);
            d.level = Some(level);
            d.marker = Some(printed);
            self.emit(d);
        }
        last
    }

    /// A family's heading level, fixed where it first appears: one below
    /// the innermost open heading.
    fn family_level(&mut self, family: &str) -> u32 {
        if let Some(&l) = self.family_levels.get(family) {
            return l;
        }
        let l = self.open.last().map_or(1, |h| h.0 + 1);
        self.family_levels.insert(family.to_string(), l);
        l
    }

    fn list_level(&mut self, i: usize) -> u32 {
        let w = self.lines.get(i).map_or(0, |l| indent_width(&l.raw));
        while self.list_indents.last().is_some_and(|&top| top > w) {
            self.list_indents.pop();
        }
        if self.list_indents.last().is_none_or(|&top| top < w) {
            self.list_indents.push(w);
        }
        u32::try_from(self.list_indents.len()).unwrap_or(u32::MAX)
    }

    fn heading(&mut self, mut d: Draft, level: u32, printed: String) {
        while self.open.last().is_some_and(|h| h.0 >= level) {
            self.open.pop();
        }
        d.level = Some(level);
        d.marker = Some(printed);
        self.list_indents.clear();
        let id = self.emit(d);
        self.open.push((level, id));
    }

    fn table(&mut self, i: usize, run: TableRun) {
        self.list_indents.clear();
        if run.kind == TableKind::Stacked {
            self.stacked_table(i, run);
            return;
        }
        let lines = self.lines.get(i..=run.end).unwrap_or_default();
        let mut header_rows = None;
        let mut rows = vec![];
        if run.kind == TableKind::Html {
            let (html, th_rows) = html_rows(lines, &mut self.raw);
            rows = html;
            header_rows = th_rows;
        } else if run.kind == TableKind::Aligned {
            // Page breaks inside the table (blank lines, `- 1 -`) hold no row.
            let printed: Vec<NormLine> = lines
                .iter()
                .filter(|l| !is_blank(&l.raw) && !is_page_marker_line(l))
                .cloned()
                .collect();
            rows = aligned_rows(&printed, &mut self.raw);
        }
        let by_line = !matches!(run.kind, TableKind::Html | TableKind::Aligned);
        for (k, l) in lines.iter().enumerate().filter(|_| by_line) {
            if is_blank(&l.raw) || is_page_marker_line(l) {
                continue;
            }
            let fields = match run.kind {
                TableKind::Tab => split_on(&l.norm, '\t'),
                TableKind::Pipe => {
                    let f = self
                        .info(i + k)
                        .and_then(|x| split_pipe(&x.body))
                        .unwrap_or_default();
                    if is_pipe_separator(&f) {
                        header_rows.get_or_insert(rows.len());
                        continue;
                    }
                    f
                }
                TableKind::Html | TableKind::Aligned | TableKind::Stacked => vec![],
                TableKind::Spaces => self
                    .info(i + k)
                    .map(|x| split_spaces(&x.body))
                    .unwrap_or_default(),
            };
            let row: Vec<_> = fields
                .into_iter()
                .map(|f| grid_cell(f, &mut self.raw))
                .collect();
            rows.push(row);
        }
        // Some sources indent every row with a tab: drop all-empty leading columns.
        while rows
            .iter()
            .all(|r| r.len() > 1 && r.first().is_some_and(Option::is_none))
            && !rows.is_empty()
        {
            for r in &mut rows {
                r.remove(0);
            }
        }
        if rows.iter().all(|r| r.iter().all(Option::is_none)) {
            let mut d = Draft::new(BlockKind::Unparsed, i, run.end, MappedText::new());
            d.text = self
                .info(i)
                .map(|l| l.body.text.clone())
                .unwrap_or_default();
            d.reason = Some("table rule without rows".to_string());
            self.emit(d);
            return;
        }
        let id = self.next_id();
        let (cells, text) = grid_to_cells(self.doc_id, id, Grid { rows, header_rows });
        let mut d = Draft::new(BlockKind::Table, i, run.end, MappedText::new());
        d.text = text;
        let at = self.emit(d);
        if let Some(b) = self.out.last_mut().filter(|b| b.block.block_id == at) {
            b.cells = cells;
        }
    }

    /// A multi-level aligned table: one table block per block of rows.
    fn stacked_table(&mut self, i: usize, run: TableRun) {
        let lines = self.lines.get(i..=run.end).unwrap_or_default();
        let first_id = self.next_id();
        let blocks = stacked_blocks(self.doc_id, lines, &mut self.raw, |n| {
            first_id.saturating_add(u32::try_from(n).unwrap_or(u32::MAX))
        });
        let mut from = i;
        let count = blocks.len();
        for (n, b) in blocks.into_iter().enumerate() {
            // Blocks cover the run without a gap: the last one takes any
            // line left after it.
            let last = if n + 1 == count { run.end } else { i + b.last };
            let mut d = Draft::new(BlockKind::Table, from, last, MappedText::new());
            d.text = b.text;
            let at = self.emit(d);
            if let Some(sb) = self.out.last_mut().filter(|sb| sb.block.block_id == at) {
                sb.cells = b.cells;
            }
            from = last + 1;
        }
        if count == 0 {
            let mut d = Draft::new(BlockKind::Unparsed, i, run.end, MappedText::new());
            d.reason = Some("table not read".to_string());
            self.emit(d);
        }
    }

    fn next_id(&self) -> u32 {
        u32::try_from(self.out.len() + 1).unwrap_or(u32::MAX)
    }

    fn emit(&mut self, d: Draft) -> u32 {
        let block_id = self.next_id();
        let lines = self.lines.get(d.first..=d.last).unwrap_or_default();
        let (line, line_end, col) = match (lines.first(), lines.last()) {
            (Some(f), Some(l)) => (f.line, l.line, lead_col(&f.raw)),
            _ => (0, 0, 0),
        };
        let block = Block {
            doc_id: self.doc_id.to_string(),
            block_id,
            parent_id: self.open.last().map(|h| h.1),
            kind: d.kind,
            level: d.level,
            marker: d.marker,
            text: d.text,
            key: d.key,
            reason: d.reason,
            line,
            line_end,
            col,
            raw: raw_join(lines),
        };
        self.out.push(SegBlock {
            block,
            content: d.content,
            cells: vec![],
            pairs: vec![],
        });
        block_id
    }
}
