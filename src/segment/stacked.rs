//! Multi-level space-aligned tables of layout-preserving PDF text, the
//! shapes the plain aligned reader (`aligned.rs`) cannot place:
//! - several header lines: group names over pairs of columns, a row-label
//!   header on a line of its own, and a sub-header whose repeated words PDF
//!   extraction glued together (`件数割合件数割合`);
//! - a row-group label written down the left margin, one piece per line
//!   between the rows (`令和６年` / `４月１日` / `現 在`);
//! - figures glued to their neighbours by a single space (`３級 123 12.5`),
//!   placed by the order of the columns rather than by their position;
//! - a second table to the right sharing the lines, whose label column
//!   repeats the row labels (`１級 … 計` again);
//! - the same table again for another group under the first (the row
//!   labels start over after a total row).
//!
//! Each block (a run of rows ending in a total row) becomes one table with
//! the header lines above the first; each side is read as its own grid (so
//! that header spans and row labels stay on their side) and the cells are
//! put side by side in one table.

use std::ops::Range;
use std::rc::Rc;

use crate::normalize::NormLine;
use crate::scan::numbers::unit_statement;
use crate::text::MappedText;
use crate::vocab::stance::{ACHIEVED, PLANNED, STANDALONE};
use crate::vocab::table_words::{
    CHANGE_RATE_WORDS, CHANGE_WORDS, PERIOD_WORDS, RATE_WORDS, SHARE_WORDS, TOTAL_MARKERS,
};

use super::aligned::{display_cols, fields, overlap, span_of};
use super::cell_type::{is_no_value, is_total};
use super::lines::{is_blank, is_page_marker, join_wrapped, RawLines};
use super::table::{grid_cell, grid_to_cells, Grid, GridCell};
use super::SegCell;

/// Header lines one table may have above its first row.
const MAX_HEADER_LINES: usize = 6;
/// Lines of a group label between two rows.
const MAX_LABEL_LINES: usize = 4;
/// Lines one table may span.
const MAX_LINES: usize = 400;
/// How far (in display columns) a field may sit from its column: glued
/// figures shift by a few chars.
const MAX_SHIFT: usize = 8;
/// Text pieces of a line that can be a group label's piece.
const MAX_LABEL_PIECES: usize = 3;
/// Longest header piece read as glued words (a sub-header of a few
/// columns; longer text is a title or a note).
const MAX_GLUED_CHARS: usize = 80;
/// Glued header pieces tried in one side at once.
const MAX_GLUED_PIECES: usize = 8;

/// One piece of a line: a field, or part of a field that holds figures
/// glued by single spaces.
#[derive(Debug, Clone)]
struct Piece {
    text: MappedText,
    span: Range<usize>,
    kind: Kind,
    /// Cut out of a wider field at a single space.
    glued: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Figure,
    /// `－`, `…`: no figure printed where one could be.
    NoValue,
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

/// A plain printed number (`1,234`, `12.5`, `△3`, `100.0%`).
fn is_numeral(t: &str) -> bool {
    t.chars().any(is_digit)
        && t.chars().all(|c| {
            is_digit(c)
                || matches!(
                    c,
                    ',' | '.' | '，' | '．' | '△' | '▲' | '-' | '−' | '%' | '％'
                )
        })
        && !t.starts_with([',', '，', '.', '．'])
}

/// A number of two or more chars: one that stands as a figure of its own
/// when a single space parts it from its neighbour (a single spaced digit,
/// `2 0 2 4`, is letter-spacing).
fn is_wide_numeral(t: &str) -> bool {
    is_numeral(t) && t.chars().count() >= 2
}

fn kind_of(t: &str) -> Kind {
    if is_numeral(t) {
        Kind::Figure
    } else if is_no_value(t) {
        Kind::NoValue
    } else {
        Kind::Text
    }
}

/// The pieces of a line: its fields (runs of two or more spaces apart),
/// each cut again at the single spaces next to a number of two or more
/// chars (`４級 198 23.2` is a label and two figures).
fn pieces(line: &NormLine) -> Vec<Piece> {
    let at = display_cols(line);
    let mut out = vec![];
    for (field, span) in fields(line) {
        // Words of the field apart at single spaces: char ranges.
        let chars: Vec<char> = field.text.chars().collect();
        let mut words: Vec<Range<usize>> = vec![];
        let mut start: Option<usize> = None;
        for (i, c) in chars.iter().enumerate() {
            match (c.is_whitespace(), start) {
                (true, Some(s)) => {
                    words.push(s..i);
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
        }
        if let Some(s) = start {
            words.push(s..chars.len());
        }
        let text_of = |r: &Range<usize>| -> String {
            chars.get(r.clone()).unwrap_or_default().iter().collect()
        };
        // Cut between two words when either is a number of two or more chars.
        let mut groups: Vec<Range<usize>> = vec![];
        for (n, w) in words.iter().enumerate() {
            let prev = n.checked_sub(1).and_then(|p| words.get(p));
            let cut =
                is_wide_numeral(&text_of(w)) || prev.is_some_and(|p| is_wide_numeral(&text_of(p)));
            match groups.last_mut() {
                Some(g) if !cut => g.end = w.end,
                _ => groups.push(w.clone()),
            }
        }
        if groups.len() <= 1 {
            let kind = kind_of(field.text.trim());
            out.push(Piece {
                text: field,
                span,
                kind,
                glued: false,
            });
            continue;
        }
        for g in groups {
            let text = field.slice(g.start, g.end);
            let span = span_of(&at, &text);
            let kind = kind_of(&text.text);
            out.push(Piece {
                text,
                span,
                kind,
                glued: true,
            });
        }
    }
    join_letter_spaced(out)
}

/// Widest gap (display columns) inside a letter-spaced word: two
/// ideographic spaces (`区　　分`, `議  員`). Wider gaps part columns.
const MAX_LETTER_GAP: usize = 4;

/// Single chars printed apart as one word (`区  分`, `合  計`) made one
/// piece again.
fn join_letter_spaced(pieces: Vec<Piece>) -> Vec<Piece> {
    let single = |p: &Piece| p.kind == Kind::Text && p.text.text.chars().count() == 1;
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    // Whether the last piece of `out` is a word of single chars so far.
    let mut spaced = false;
    for p in pieces {
        match out.last_mut() {
            Some(last)
                if (spaced || single(last))
                    && single(&p)
                    && p.span.start.saturating_sub(last.span.end) <= MAX_LETTER_GAP =>
            {
                last.text.push_str(&p.text);
                last.span = last.span.start..p.span.end;
                spaced = true;
            }
            _ => {
                spaced = false;
                out.push(p);
            }
        }
    }
    out
}

/// What a line of a candidate table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// No text: blank, a page marker, or tab / pipe text (another reader's).
    Stop,
    /// Text only.
    Text,
    /// Holds a figure.
    Data,
}

fn role(line: &NormLine, pieces: &[Piece]) -> Role {
    let trimmed: Vec<char> = line.norm.text.trim().chars().collect();
    if is_blank(&line.raw)
        || is_page_marker(&trimmed)
        || line.norm.text.contains(['\t', '|', '｜'])
        || pieces.is_empty()
    {
        Role::Stop
    } else if pieces.iter().any(|p| p.kind == Kind::Figure) {
        Role::Data
    } else {
        Role::Text
    }
}

/// The lines of a candidate table starting at `i`: header lines, then rows
/// and the label lines between them. `None` when there are fewer than three
/// rows.
struct Region {
    header: Vec<usize>,
    /// Body lines in order, each a row (`true`) or a label line.
    body: Vec<(usize, bool)>,
}

fn region(roles: &[Role], texts: &[usize], i: usize) -> Option<Region> {
    let role = |k: usize| roles.get(k).copied().unwrap_or(Role::Stop);
    let mut header = vec![];
    let mut k = i;
    while role(k) == Role::Text && header.len() < MAX_HEADER_LINES {
        header.push(k);
        k += 1;
    }
    let mut body: Vec<(usize, bool)> = vec![];
    while header.len() + body.len() < MAX_LINES {
        match role(k) {
            Role::Data => {
                body.push((k, true));
                k += 1;
            }
            Role::Text if body.iter().any(|b| b.1) => {
                // Label lines count only between rows.
                let n = (k..k + MAX_LABEL_LINES)
                    .take_while(|&j| {
                        role(j) == Role::Text
                            && texts.get(j).is_some_and(|&t| t <= MAX_LABEL_PIECES)
                    })
                    .count();
                if n == 0 || role(k + n) != Role::Data {
                    break;
                }
                body.extend((k..k + n).map(|j| (j, false)));
                k += n;
            }
            _ => break,
        }
    }
    (body.iter().filter(|b| b.1).count() >= 3).then_some(Region { header, body })
}

/// What each line of a document is, to find the tables; pieces are read
/// again for the few runs that may be one (holding every line's pieces
/// would double a large document's memory).
pub(crate) struct Scan {
    roles: Vec<Role>,
    texts: Vec<usize>,
    /// The line states a unit for a table (`（単位：人）`).
    unit_notes: Vec<bool>,
}

impl Scan {
    pub(crate) fn new(lines: &[NormLine]) -> Self {
        let mut scan = Scan {
            roles: Vec::with_capacity(lines.len()),
            texts: Vec::with_capacity(lines.len()),
            unit_notes: Vec::with_capacity(lines.len()),
        };
        for l in lines {
            let ps = pieces(l);
            scan.roles.push(role(l, &ps));
            scan.texts.push(ps.len());
            scan.unit_notes
                .push(ps.iter().any(|p| unit_statement(&p.text.text).is_some()));
        }
        scan
    }

    /// Whether a multi-level aligned table starts at line `i` of `lines`
    /// (those `Scan::new` was given): its last line. Only tables that need
    /// this reader are taken (a glued figure, a group label between rows, a
    /// glued sub-header, a second table to the right, or a second block);
    /// plain ones are left to the others.
    pub(crate) fn run(&self, lines: &[NormLine], i: usize) -> Option<usize> {
        // The table starts with its header: a text line.
        if self.roles.get(i) != Some(&Role::Text) {
            return None;
        }
        let unit_note = |k: usize| self.unit_notes.get(k).copied().unwrap_or(false);
        // A unit note (`（単位：人）`) is the caption above a table, not its
        // header; a text line right above is the header's first line (a
        // table is read from where its header starts, or not at all).
        let above = i
            .checked_sub(1)
            .and_then(|k| self.roles.get(k).copied())
            .unwrap_or(Role::Stop);
        if unit_note(i) || (above == Role::Text && !i.checked_sub(1).is_some_and(unit_note)) {
            return None;
        }
        let region = region(&self.roles, &self.texts, i)?;
        let last = region.body.last()?.0;
        let local: Vec<Vec<Piece>> = lines.get(i..=last)?.iter().map(pieces).collect();
        let shifted = Region {
            header: region.header.iter().map(|k| k - i).collect(),
            body: region.body.iter().map(|(k, r)| (k - i, *r)).collect(),
        };
        let layout = Layout::read(&local, &shifted)?;
        layout.needed().then_some(last)
    }
}

/// A column of the table: where it lies, and whether it holds labels.
#[derive(Debug, Clone)]
struct Column {
    span: Range<usize>,
    text: bool,
}

/// A run of columns: label columns, then value columns.
#[derive(Debug, Clone)]
struct Side {
    /// Column indices (into `Layout::columns`).
    cols: Range<usize>,
    /// First value column.
    values: usize,
}

struct Layout<'p> {
    columns: Vec<Column>,
    sides: Vec<Side>,
    /// Per row: its line index, and the column of each of its pieces.
    rows: Vec<(usize, Vec<(usize, &'p Piece)>)>,
    /// Label lines: line index and pieces.
    labels: Vec<(usize, &'p [Piece])>,
    header: Vec<(usize, &'p [Piece])>,
    /// Blocks: the rows of each (indices into `rows`).
    blocks: Vec<Range<usize>>,
    glued_figures: bool,
}

/// Median of a list (the lower middle one).
fn median(mut v: Vec<usize>) -> Option<usize> {
    v.sort_unstable();
    v.get(v.len().saturating_sub(1) / 2).copied()
}

fn cost(p: &Piece, c: &Column) -> Option<usize> {
    let d = p
        .span
        .start
        .abs_diff(c.span.start)
        .min(p.span.end.abs_diff(c.span.end));
    let d = if overlap(&c.span, &p.span) > 0 {
        d
    } else {
        d + 1
    };
    (d <= MAX_SHIFT).then_some(d)
}

/// The columns of a row's pieces, left to right, each piece in a column of
/// its own, nearest its position in all (the order decides where a glued
/// figure sits off its column).
fn assign(pieces: &[Piece], cols: &[Column]) -> Option<Vec<usize>> {
    let (m, k) = (pieces.len(), cols.len());
    if m > k || m == 0 {
        return None;
    }
    const INF: usize = usize::MAX / 4;
    // best[j][c]: least cost of pieces 0..=j with piece j in column c.
    let mut best = vec![vec![INF; k]; m];
    let mut from = vec![vec![0usize; k]; m];
    for (j, p) in pieces.iter().enumerate() {
        // Least cost of pieces 0..j ending before each column, and where.
        let mut run_min = INF;
        let mut run_at = 0;
        for c in 0..k {
            if j > 0 && c > 0 {
                let prev = best.get(j - 1).and_then(|r| r.get(c - 1)).copied();
                if let Some(v) = prev.filter(|v| *v < run_min) {
                    run_min = v;
                    run_at = c - 1;
                }
            }
            let here = cols.get(c).and_then(|col| cost(p, col));
            let before = if j == 0 { 0 } else { run_min };
            if let (Some(h), true) = (here, before < INF) {
                if let (Some(b), Some(f)) = (
                    best.get_mut(j).and_then(|r| r.get_mut(c)),
                    from.get_mut(j).and_then(|r| r.get_mut(c)),
                ) {
                    *b = before + h;
                    *f = run_at;
                }
            }
        }
    }
    let last = best.get(m - 1)?;
    let (mut c, total) = last.iter().copied().enumerate().min_by_key(|(_, v)| *v)?;
    if total >= INF {
        return None;
    }
    let mut out = vec![0; m];
    for j in (0..m).rev() {
        *out.get_mut(j)? = c;
        c = *from.get(j)?.get(c)?;
    }
    Some(out)
}

fn squeeze(t: &str) -> String {
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

impl<'p> Layout<'p> {
    fn read(all: &'p [Vec<Piece>], region: &Region) -> Option<Self> {
        let pieces_of = |k: usize| all.get(k).map_or(&[][..], Vec::as_slice);
        let row_lines: Vec<usize> = region.body.iter().filter(|b| b.1).map(|b| b.0).collect();
        let widest = row_lines
            .iter()
            .map(|&k| pieces_of(k).len())
            .max()
            .unwrap_or(0);
        // Columns: each the median place of that field in the widest rows
        // (most rows print their figures where the header puts them; a
        // glued one is off by a few chars).
        let full: Vec<&[Piece]> = row_lines
            .iter()
            .map(|&k| pieces_of(k))
            .filter(|p| p.len() == widest)
            .collect();
        let mut columns: Vec<Column> = vec![];
        for j in 0..widest {
            let at: Vec<&Piece> = full.iter().filter_map(|p| p.get(j)).collect();
            let start = median(at.iter().map(|p| p.span.start).collect())?;
            let end = median(at.iter().map(|p| p.span.end).collect())?;
            columns.push(Column {
                span: start..end.max(start + 1),
                text: false,
            });
        }
        if !columns
            .windows(2)
            .all(|w| matches!(w, [a, b] if a.span.end <= b.span.start))
        {
            return None;
        }
        // Every row placed; each column all labels or all figures.
        let mut rows = vec![];
        let mut kinds: Vec<(usize, usize)> = vec![(0, 0); columns.len()];
        let mut glued_figures = false;
        for &k in &row_lines {
            let ps = pieces_of(k);
            let at = assign(ps, &columns)?;
            for (p, &c) in ps.iter().zip(&at) {
                let slot = kinds.get_mut(c)?;
                match p.kind {
                    Kind::Text => slot.0 += 1,
                    Kind::Figure => slot.1 += 1,
                    Kind::NoValue => {}
                }
                glued_figures |= p.glued && p.kind == Kind::Figure;
            }
            rows.push((k, at.into_iter().zip(ps.iter()).collect::<Vec<_>>()));
        }
        if kinds.iter().any(|(t, f)| *t > 0 && *f > 0) {
            return None;
        }
        for (c, (t, _)) in columns.iter_mut().zip(&kinds) {
            c.text = *t > 0;
        }
        let figures_per_row = rows
            .iter()
            .filter(|(_, r)| r.iter().filter(|(_, p)| p.kind == Kind::Figure).count() >= 2)
            .count();
        // Every row names itself in the first column: a row without a
        // label is a figure wrapped off another line, or the table reads
        // its labels from lines above the rows (another shape).
        let labelled = rows
            .iter()
            .all(|(_, r)| r.iter().any(|(c, p)| *c == 0 && p.kind == Kind::Text));
        if figures_per_row < 3 || !labelled || !columns.iter().any(|c| !c.text) {
            return None;
        }
        // Sides: a label column after a value column starts a new table,
        // which must repeat the row labels of the first.
        let mut sides: Vec<Side> = vec![];
        let mut start = 0;
        for (c, col) in columns.iter().enumerate() {
            let after_values = columns
                .get(start..c)
                .is_some_and(|s| s.iter().any(|x| !x.text));
            if col.text && after_values {
                sides.push(Side {
                    cols: start..c,
                    values: 0,
                });
                start = c;
            }
        }
        sides.push(Side {
            cols: start..columns.len(),
            values: 0,
        });
        for s in &mut sides {
            s.values = s
                .cols
                .clone()
                .find(|&c| columns.get(c).is_some_and(|x| !x.text))?;
        }
        let first_labels: Vec<String> = rows
            .iter()
            .filter_map(|(_, r)| {
                r.iter()
                    .find(|(c, _)| *c == 0)
                    .map(|(_, p)| squeeze(&p.text.text))
            })
            .collect();
        for s in sides.iter().skip(1) {
            let labels: Vec<String> = rows
                .iter()
                .filter_map(|(_, r)| {
                    r.iter()
                        .find(|(c, _)| *c == s.cols.start)
                        .map(|(_, p)| squeeze(&p.text.text))
                })
                .collect();
            let repeated = labels.iter().filter(|l| first_labels.contains(l)).count();
            if labels.is_empty() || 2 * repeated < labels.len() {
                return None;
            }
        }
        // Label lines sit in the left margin, left of the row labels.
        let margin = columns.first()?.span.start + 1;
        let mut labels = vec![];
        for &(k, is_row) in &region.body {
            if is_row {
                continue;
            }
            let ps = pieces_of(k);
            if ps.iter().any(|p| p.span.end > margin) {
                return None;
            }
            labels.push((k, ps));
        }
        // Blocks: after a total row, rows whose labels start over.
        let mut blocks = vec![];
        let mut begin = 0;
        for (n, (_, r)) in rows.iter().enumerate() {
            let label = |r: &[(usize, &Piece)]| {
                r.iter()
                    .find(|(c, p)| *c == 0 && p.kind == Kind::Text)
                    .map(|(_, p)| squeeze(&p.text.text))
            };
            let total = label(r).is_some_and(|l| is_total(&l));
            let next = rows.get(n + 1).and_then(|(_, r)| label(r));
            let seen = next.is_some_and(|l| {
                rows.get(begin..n)
                    .unwrap_or_default()
                    .iter()
                    .any(|(_, r)| label(r).as_ref() == Some(&l))
            });
            if total && seen {
                blocks.push(begin..n + 1);
                begin = n + 1;
            }
        }
        blocks.push(begin..rows.len());
        let header = region.header.iter().map(|&k| (k, pieces_of(k))).collect();
        Some(Layout {
            columns,
            sides,
            rows,
            labels,
            header,
            blocks,
            glued_figures,
        })
    }

    /// Whether the table is one for this reader: a header that names its
    /// value columns (a run of rows without one is a piece of a larger
    /// layout) and can be placed over them, and a shape the plain aligned
    /// reader cannot place.
    fn needed(&self) -> bool {
        let header = self.header_grids();
        !header.lines.is_empty()
            && !header.loose
            && (self.glued_figures
                || !self.labels.is_empty()
                || self.sides.len() > 1
                || self.blocks.len() > 1
                || header.glued)
    }

    /// The group column's span (left of the row labels), when there are
    /// label lines.
    fn group_span(&self) -> Option<Range<usize>> {
        let spans: Vec<&Range<usize>> = self
            .labels
            .iter()
            .flat_map(|(_, ps)| ps.iter().map(|p| &p.span))
            .collect();
        let start = spans.iter().map(|s| s.start).min()?;
        let end = spans.iter().map(|s| s.end).max()?;
        Some(start..end)
    }

    /// The label columns header pieces may name: (span, column) with the
    /// group column as `None`.
    fn label_columns(&self) -> Vec<(Range<usize>, Option<usize>)> {
        let mut out: Vec<(Range<usize>, Option<usize>)> =
            self.group_span().map(|g| (g, None)).into_iter().collect();
        for (c, col) in self.columns.iter().enumerate() {
            if col.text {
                out.push((col.span.clone(), Some(c)));
            }
        }
        out
    }

    fn side_of_col(&self, c: usize) -> usize {
        self.sides
            .iter()
            .position(|s| s.cols.contains(&c))
            .unwrap_or(0)
    }

    /// The value columns of each side.
    fn value_cols(&self, s: usize) -> Range<usize> {
        self.sides
            .get(s)
            .map_or(0..0, |side| side.values..side.cols.end)
    }

    /// The side whose value columns lie nearest a header piece.
    fn nearest_side(&self, span: &Range<usize>) -> usize {
        let dist = |s: usize| {
            let cols = self.value_cols(s);
            let (Some(a), Some(b)) = (
                self.columns.get(cols.start),
                self.columns.get(cols.end.saturating_sub(1)),
            ) else {
                return (usize::MAX, 0);
            };
            let r = a.span.start..b.span.end;
            let d = if span.end <= r.start {
                r.start - span.end
            } else {
                span.start.saturating_sub(r.end)
            };
            (d, usize::MAX - overlap(&r, span))
        };
        (0..self.sides.len()).min_by_key(|&s| dist(s)).unwrap_or(0)
    }

    /// The header, placed: per header line, the value pieces by column, and
    /// the label pieces by label column.
    fn header_grids(&self) -> Header {
        let label_cols = self.label_columns();
        let mut lines: Vec<Vec<(usize, MappedText)>> = vec![];
        let mut label_cells: Vec<(Option<usize>, MappedText)> = vec![];
        let mut glued = false;
        let mut loose = false;
        // Lines whose words fill the value columns one each: the finest.
        let mut one_each: Vec<Option<Vec<Vec<MappedText>>>> = vec![];
        let mut values_per_line: Vec<Vec<&Piece>> = vec![];
        for (_, ps) in &self.header {
            let over = |p: &Piece| {
                label_cols
                    .iter()
                    .find(|(span, _)| overlap(span, &p.span) > 0)
                    .map(|(_, c)| *c)
            };
            let all_labels = ps.iter().all(|p| over(p).is_some());
            let mut values: Vec<&Piece> = vec![];
            for (n, p) in ps.iter().enumerate() {
                match over(p) {
                    Some(c) if all_labels || (n == 0 && self.left_of_values(p)) => {
                        label_cells.push((c, p.text.clone()));
                    }
                    _ => values.push(p),
                }
            }
            // Pieces by side, split where glued words fill the side.
            let mut by_side: Vec<Vec<&Piece>> = vec![vec![]; self.sides.len()];
            for p in &values {
                if let Some(s) = by_side.get_mut(self.nearest_side(&p.span)) {
                    s.push(p);
                }
            }
            let mut words_by_side: Vec<Vec<MappedText>> = vec![];
            let mut fills = !values.is_empty();
            for (s, ps) in by_side.iter().enumerate() {
                let n = self.value_cols(s).len();
                let words = split_to(ps, n);
                glued |= words.as_ref().is_some_and(|w| w.len() > ps.len());
                match words {
                    Some(w) => words_by_side.push(w),
                    None => {
                        fills &= ps.is_empty();
                        words_by_side.push(vec![]);
                    }
                }
            }
            one_each.push(fills.then_some(words_by_side));
            values_per_line.push(values);
            lines.push(vec![]);
        }
        // Units: the repeating run of the finest line's words on each side.
        let mut units: Vec<Range<usize>> = vec![];
        if let Some(finest) = one_each.iter().rev().flatten().next() {
            for (s, words) in finest.iter().enumerate() {
                let cols = self.value_cols(s);
                let texts: Vec<String> = words.iter().map(|w| squeeze(&w.text)).collect();
                let p = period(&texts).unwrap_or(cols.len()).max(1);
                let mut c = cols.start;
                while c < cols.end {
                    units.push(c..(c + p).min(cols.end));
                    c += p;
                }
            }
        }
        for (n, line) in lines.iter_mut().enumerate() {
            if let Some(Some(words)) = one_each.get(n) {
                for (s, ws) in words.iter().enumerate() {
                    for (c, w) in self.value_cols(s).zip(ws) {
                        line.push((c, w.clone()));
                    }
                }
                continue;
            }
            let values = values_per_line.get(n).map_or(&[][..], Vec::as_slice);
            if !units.is_empty() && values.len() == units.len() {
                // One name per unit (`一般職` over its `件数 | 割合`).
                for (u, p) in units.iter().zip(values) {
                    line.push((u.start, p.text.clone()));
                }
                continue;
            }
            for p in values {
                let s = self.nearest_side(&p.span);
                let cols = self.value_cols(s);
                let spans: Vec<Range<usize>> = cols
                    .clone()
                    .filter_map(|c| self.columns.get(c).map(|x| x.span.clone()))
                    .collect();
                let Some(at) = super::aligned::column_of(&spans, &p.span) else {
                    loose = true;
                    continue;
                };
                // A name placed by its position must stand over its column.
                loose |= spans.get(at).is_none_or(|c| overlap(c, &p.span) == 0);
                let c = cols.start + at;
                let c = units.iter().find(|u| u.contains(&c)).map_or(c, |u| u.start);
                match line.iter_mut().find(|(x, _)| *x == c) {
                    Some((_, t)) => {
                        loose = true;
                        *t = join_wrapped(&[t.clone(), p.text.clone()]);
                    }
                    None => line.push((c, p.text.clone())),
                }
            }
        }
        lines.retain(|l| !l.is_empty());
        Header {
            lines,
            labels: label_cells,
            glued,
            loose,
        }
    }

    /// Whether a piece lies left of the first value column.
    fn left_of_values(&self, p: &Piece) -> bool {
        let first = self.sides.first().and_then(|s| self.columns.get(s.values));
        first.is_some_and(|c| p.span.end <= c.span.start)
    }
}

/// A header placed over the columns.
struct Header {
    /// Value header rows: (column, text).
    lines: Vec<Vec<(usize, MappedText)>>,
    /// Row-label headers: (label column, `None` for the group column), text.
    labels: Vec<(Option<usize>, MappedText)>,
    /// A glued run of header words was split.
    glued: bool,
    /// A name stands off its column, or two share one: the header lines
    /// drift against the rows too far to be read by position.
    loose: bool,
}

/// The smallest period of a word sequence shorter than it (`a b a b` → 2).
fn period(words: &[String]) -> Option<usize> {
    let n = words.len();
    (1..n).find(|&p| {
        n.is_multiple_of(p)
            && words
                .iter()
                .enumerate()
                .all(|(i, w)| words.get(i % p) == Some(w))
    })
}

/// Words that may stand glued in a header: those of the share, rate,
/// change, period, total and stance lists, two chars or more (one char,
/// such as `計`, is too often part of another word).
fn header_vocabulary() -> impl Iterator<Item = &'static str> {
    SHARE_WORDS
        .iter()
        .chain(RATE_WORDS)
        .chain(CHANGE_WORDS)
        .chain(CHANGE_RATE_WORDS)
        .chain(PERIOD_WORDS)
        .chain(TOTAL_MARKERS)
        .chain(PLANNED)
        .chain(ACHIEVED)
        .chain(STANDALONE)
        .copied()
        .filter(|w| w.chars().count() >= 2)
}

/// Char ranges of the words of `t`: known header words, and the text
/// between them.
fn known_words(t: &[char]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = vec![];
    let mut other: Option<usize> = None;
    let mut i = 0;
    while i < t.len() {
        let rest: String = t.get(i..).unwrap_or_default().iter().collect();
        let word = header_vocabulary()
            .filter(|w| rest.starts_with(w))
            .map(|w| w.chars().count())
            .max();
        match word {
            Some(n) => {
                if let Some(s) = other.take() {
                    out.push(s..i);
                }
                out.push(i..i + n);
                i += n;
            }
            None => {
                other.get_or_insert(i);
                i += 1;
            }
        }
    }
    if let Some(s) = other {
        out.push(s..t.len());
    }
    out
}

/// Ways to read one header piece as several words: a run of one unit
/// printed `m` times with no space (`件数割合件数割合`) as `m` units, or as
/// every word of every unit; the piece whole first.
fn readings(p: &Piece) -> Vec<Vec<MappedText>> {
    let text = p.text.trim();
    let chars: Vec<char> = text.text.chars().collect();
    let mut out = vec![vec![text.clone()]];
    if chars.len() > MAX_GLUED_CHARS || chars.iter().any(|c| c.is_whitespace()) {
        return out;
    }
    let n = chars.len();
    let unit = (1..=n / 2)
        .find(|&u| {
            n.is_multiple_of(u)
                && chars
                    .iter()
                    .enumerate()
                    .all(|(i, c)| chars.get(i % u) == Some(c))
        })
        .unwrap_or(n);
    let words = known_words(chars.get(..unit).unwrap_or_default());
    let m = n / unit.max(1);
    if m > 1 {
        out.push(
            (0..m)
                .map(|k| text.slice(k * unit, (k + 1) * unit))
                .collect(),
        );
    }
    if words.len() > 1 {
        let mut all = vec![];
        for k in 0..m {
            for w in &words {
                all.push(text.slice(k * unit + w.start, k * unit + w.end));
            }
        }
        out.push(all);
    }
    out
}

/// The words of a side's header pieces when they fill its `n` value
/// columns one each, glued runs split as needed.
fn split_to(ps: &[&Piece], n: usize) -> Option<Vec<MappedText>> {
    if ps.is_empty() || ps.len() > n || ps.len() > MAX_GLUED_PIECES {
        return None;
    }
    let options: Vec<Vec<Vec<MappedText>>> = ps.iter().map(|p| readings(p)).collect();
    // Try every combination, fewest splits first (the first reading of each
    // piece is itself).
    let mut choice = vec![0usize; ps.len()];
    loop {
        let total: usize = choice
            .iter()
            .zip(&options)
            .filter_map(|(c, o)| o.get(*c).map(Vec::len))
            .sum();
        if total == n {
            return Some(
                choice
                    .iter()
                    .zip(&options)
                    .filter_map(|(c, o)| o.get(*c))
                    .flatten()
                    .cloned()
                    .collect(),
            );
        }
        // Next combination.
        let mut k = 0;
        loop {
            let (Some(c), Some(o)) = (choice.get_mut(k), options.get(k)) else {
                return None;
            };
            *c += 1;
            if *c < o.len() {
                break;
            }
            *c = 0;
            k += 1;
        }
    }
}

/// One table block of a multi-level aligned table: its lines (indices into
/// the lines given) and cells.
pub(crate) struct StackedBlock {
    pub last: usize,
    pub cells: Vec<SegCell>,
    pub text: String,
}

/// The table blocks of the multi-level aligned table that the lines are
/// (as `Scan::run` found them). `table_id` gives each block its id.
pub(crate) fn stacked_blocks(
    doc_id: &str,
    lines: &[NormLine],
    raw: &mut RawLines<'_>,
    mut table_id: impl FnMut(usize) -> u32,
) -> Vec<StackedBlock> {
    let scan = Scan::new(lines);
    let Some(region) = region(&scan.roles, &scan.texts, 0) else {
        return vec![];
    };
    let all: Vec<Vec<Piece>> = lines.iter().map(pieces).collect();
    let Some(layout) = Layout::read(&all, &region) else {
        return vec![];
    };
    let header = layout.header_grids();
    let group = layout.group_span().is_some();
    let header_rows = header.lines.len().max(1);
    // The header rows of each side's grid, group column first when there is one.
    let side_header = |s: usize, raw: &mut RawLines<'_>| -> Vec<Vec<Option<GridCell>>> {
        let side = layout.sides.get(s).cloned();
        let cols = side.map_or(0..0, |x| x.cols);
        let width = cols.len() + usize::from(group);
        let index = |c: usize| c.checked_sub(cols.start).map(|x| x + usize::from(group));
        let mut rows: Vec<Vec<Option<GridCell>>> = vec![vec![None; width]; header_rows];
        for (r, line) in header.lines.iter().enumerate() {
            for (c, t) in line {
                if !cols.contains(c) {
                    continue;
                }
                if let Some(slot) = index(*c).and_then(|i| rows.get_mut(r)?.get_mut(i)) {
                    *slot = grid_cell(t.clone(), raw);
                }
            }
        }
        // Row-label headers go in the last header row, so they span nothing.
        let mut by_col: Vec<(usize, Vec<MappedText>)> = vec![];
        for (c, t) in &header.labels {
            let at = match c {
                None if group => Some(0),
                None => None,
                Some(c) if cols.contains(c) => index(*c),
                Some(_) => None,
            };
            let Some(at) = at else { continue };
            match by_col.iter_mut().find(|(x, _)| *x == at) {
                Some((_, v)) => v.push(t.clone()),
                None => by_col.push((at, vec![t.clone()])),
            }
        }
        for (at, parts) in by_col {
            if let Some(slot) = rows.last_mut().and_then(|r| r.get_mut(at)) {
                *slot = joined_cell(&parts, raw);
            }
        }
        rows
    };
    let mut out = vec![];
    for (b, block) in layout.blocks.iter().enumerate() {
        let rows = layout.rows.get(block.clone()).unwrap_or_default();
        let (Some(first_row), Some(last_row)) = (rows.first(), rows.last()) else {
            continue;
        };
        // The block's lines: from the header (first block) or the line after
        // the previous block, to its last row.
        let first = if b == 0 {
            region.header.first().copied().unwrap_or(first_row.0)
        } else {
            layout
                .blocks
                .get(b - 1)
                .and_then(|p| layout.rows.get(p.end.checked_sub(1)?))
                .map_or(first_row.0, |r| r.0 + 1)
        };
        let last = last_row.0;
        let group_parts: Vec<MappedText> = layout
            .labels
            .iter()
            .filter(|(k, _)| (first..=last).contains(k))
            .flat_map(|(_, ps)| ps.iter().map(|p| p.text.clone()))
            .collect();
        let id = table_id(out.len());
        let mut cells = vec![];
        let mut text_rows: Vec<Vec<String>> = vec![];
        let mut offset = 0;
        for (s, side) in layout.sides.iter().enumerate() {
            let mut grid_rows = side_header(s, raw);
            let width = side.cols.len() + usize::from(group);
            for (n, (_, placed)) in rows.iter().enumerate() {
                let mut row: Vec<Option<GridCell>> = vec![None; width];
                if group && n == 0 {
                    if let Some(slot) = row.first_mut() {
                        *slot = joined_cell(&group_parts, raw);
                    }
                }
                for (c, p) in placed {
                    if layout.side_of_col(*c) != s {
                        continue;
                    }
                    let at = c.saturating_sub(side.cols.start) + usize::from(group);
                    if let Some(slot) = row.get_mut(at) {
                        *slot = grid_cell(p.text.clone(), raw);
                    }
                }
                grid_rows.push(row);
            }
            // Shared parts are printed once: the header above the first
            // block, the group column in the first side.
            let skip_rows = if b == 0 { 0 } else { header_rows };
            let skip_cols = if s > 0 { usize::from(group) } else { 0 };
            for (r, row) in grid_rows.iter().enumerate().skip(skip_rows) {
                let k = r - skip_rows;
                if text_rows.len() <= k {
                    text_rows.push(vec![]);
                }
                if let Some(t) = text_rows.get_mut(k) {
                    t.extend(
                        row.iter()
                            .skip(skip_cols)
                            .map(|c| c.as_ref().map_or(String::new(), |c| c.content.text.clone())),
                    );
                }
            }
            // The row labels, as this reader found its label columns (a
            // label such as `１級` reads as a number to the generic grid).
            let label_cols = side.values - side.cols.start + usize::from(group);
            let labels = carried_labels(&grid_rows, header_rows, label_cols);
            let grid = Grid {
                rows: grid_rows,
                header_rows: Some(header_rows),
            };
            let (side_cells, _) = grid_to_cells(doc_id, id, grid);
            for mut c in side_cells {
                let (r, col) = (c.cell.row as usize, c.cell.col as usize);
                if r < skip_rows || col < skip_cols {
                    continue;
                }
                if let Some(parts) = labels.get(r).filter(|_| !c.cell.is_header) {
                    c.cell.row_label = parts.first().cloned().unwrap_or_default();
                    c.label_parts = Rc::clone(parts);
                    if col < label_cols {
                        c.cell.value = None;
                        c.cell.unit = None;
                        c.quantity = None;
                    }
                }
                c.cell.col = u32::try_from(offset + col - skip_cols).unwrap_or(u32::MAX);
                cells.push(c);
            }
            offset += width - skip_cols;
        }
        let text = text_rows
            .iter()
            .map(|r| r.join("\t"))
            .collect::<Vec<_>>()
            .join("\n");
        out.push(StackedBlock { last, cells, text });
    }
    out
}

/// Per grid row, the texts of its label columns (the first `n`), each
/// carried down to the rows below until the column, or one left of it,
/// prints a new label.
fn carried_labels(
    rows: &[Vec<Option<GridCell>>],
    header_rows: usize,
    n: usize,
) -> Vec<Rc<[String]>> {
    let mut carried: Vec<String> = vec![String::new(); n];
    rows.iter()
        .enumerate()
        .map(|(r, row)| {
            if r < header_rows {
                return Rc::from(Vec::new());
            }
            let mut reset = false;
            for (c, slot) in carried.iter_mut().enumerate() {
                match row.get(c).and_then(Option::as_ref) {
                    Some(cell) => {
                        slot.clone_from(&cell.content.text);
                        reset = true;
                    }
                    None if reset => slot.clear(),
                    None => {}
                }
            }
            carried.iter().filter(|s| !s.is_empty()).cloned().collect()
        })
        .collect()
}

/// One cell of pieces printed on several lines (a group label written down
/// the margin, a row-label header over two lines): their text joined, each
/// piece's source text on its own line.
fn joined_cell(parts: &[MappedText], raw: &mut RawLines<'_>) -> Option<GridCell> {
    let content = join_wrapped(parts);
    if content.is_empty() {
        return None;
    }
    let quoted: Vec<String> = parts
        .iter()
        .filter_map(|p| grid_cell(p.clone(), raw).map(|c| c.raw))
        .collect();
    Some(GridCell {
        content,
        raw: quoted.join("\n"),
    })
}

#[cfg(test)]
mod tests {
    use super::super::lines::test_util::{doc, norm_line};
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        pieces(&norm_line(1, line))
            .into_iter()
            .map(|p| p.text.text)
            .collect()
    }

    #[test]
    fn figures_glued_by_one_space_are_cut_apart() {
        assert_eq!(
            texts("   ４級 198 23.2      23   23.7"),
            ["４級", "198", "23.2", "23", "23.7"]
        );
        assert_eq!(texts("  3   2.2 ２級   89"), ["3", "2.2", "２級", "89"]);
        assert_eq!(texts("  計     104 100.0"), ["計", "104", "100.0"]);
        // Letter-spacing is not a glued figure: single digits, a note mark.
        assert_eq!(texts("  2 0 2 4 年   R 6"), ["2 0 2 4 年", "R 6"]);
        assert_eq!(texts("  教育職 (注)   区  分"), ["教育職 (注)", "区分"]);
        // Wider gaps part columns, even between single chars.
        assert_eq!(texts("  現      在"), ["現", "在"]);
    }

    #[test]
    fn glued_header_words_split_to_fill_the_columns() {
        let line = norm_line(1, "  件数構成比件数構成比件数構成比");
        let ps = pieces(&line);
        let refs: Vec<&Piece> = ps.iter().collect();
        let words = split_to(&refs, 6).map(|w| w.into_iter().map(|w| w.text).collect::<Vec<_>>());
        assert_eq!(
            words.as_deref(),
            Some(&["件数", "構成比", "件数", "構成比", "件数", "構成比"].map(String::from)[..])
        );
        // As units (three columns), or whole (one); never a count that fits no reading.
        assert_eq!(split_to(&refs, 3).map(|w| w.len()), Some(3));
        assert_eq!(split_to(&refs, 1).map(|w| w.len()), Some(1));
        assert!(split_to(&refs, 4).is_none());
        // A word with no known header word in it stays whole.
        let plain = pieces(&norm_line(1, "  地区名称"));
        let refs: Vec<&Piece> = plain.iter().collect();
        assert!(split_to(&refs, 2).is_none());
    }

    #[test]
    fn periods_of_word_runs() {
        let w = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(period(&w(&["a", "b", "a", "b"])), Some(2));
        assert_eq!(period(&w(&["a", "a", "a"])), Some(1));
        assert_eq!(period(&w(&["a", "b", "c"])), None);
    }

    #[test]
    fn rows_are_placed_by_order_where_a_figure_is_glued() {
        let cols: Vec<Column> = [0..8, 12..15, 17..21, 25..27]
            .into_iter()
            .map(|span| Column { span, text: false })
            .collect();
        let ps = pieces(&norm_line(1, "第４地区 198 23.2     23"));
        assert_eq!(assign(&ps, &cols), Some(vec![0, 1, 2, 3]));
        // A figure far from every column places nowhere.
        let far = pieces(&norm_line(
            1,
            "第４地区                                       9",
        ));
        assert_eq!(assign(&far, &cols), None);
    }

    #[test]
    fn plain_aligned_tables_are_left_to_the_plain_reader() {
        let lines = doc("   区分      本年度     前年度\n   給料       1,200      1,100\n   手当         300        250\n   計         1,500      1,350");
        assert_eq!(Scan::new(&lines).run(&lines, 0), None);
    }

    #[test]
    fn a_run_of_rows_without_a_header_is_not_taken() {
        // The rows of a larger layout cut off by blank lines: no header.
        let lines = doc("   第１地区 120 30.0     40   10.0\n 令\n   第２地区 280 70.0     60   15.0\n   計       400 100.0    100  100.0");
        assert_eq!(Scan::new(&lines).run(&lines, 0), None);
    }
}
