//! Tables: splitting rows into fields (tabs, Markdown pipes, runs of
//! spaces), and turning a grid of fields into cells with header paths and
//! row labels.

use std::ops::Range;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::model::Cell;
use crate::scan::numbers::{parse_quantity, Quantity};
use crate::text::MappedText;

use super::cell_type::{
    cell_type, could_name_period, header_word, is_bare_year, is_year_header, CellType,
};
use super::lines::RawLines;
use super::markers::parse_marker;
use super::SegCell;

/// One non-empty field of a table row.
#[derive(Debug, Clone)]
pub(crate) struct GridCell {
    /// Trimmed normalized text.
    pub content: MappedText,
    /// Exact source text.
    pub raw: String,
}

/// Rows of fields; `None` is an empty field.
#[derive(Debug, Clone, Default)]
pub(crate) struct Grid {
    pub rows: Vec<Vec<Option<GridCell>>>,
    /// Header rows fixed by the source (a Markdown separator, a CSV's first
    /// record); otherwise found from where numbers start.
    pub header_rows: Option<usize>,
}

/// Trim a field, strip HTML, and quote its source; `None` when empty.
pub(crate) fn grid_cell(field: MappedText, raw: &mut RawLines<'_>) -> Option<GridCell> {
    let padded =
        field.text.starts_with(char::is_whitespace) || field.text.ends_with(char::is_whitespace);
    let content = if field.text.contains('<') || field.text.contains('&') {
        strip_html(&field)
    } else if padded {
        field.trim()
    } else {
        field
    };
    let (&first, &last) = (content.pos.first()?, content.pos.last()?);
    let raw = raw.slice(first, last);
    Some(GridCell { content, raw })
}

/// Split on a separator char, keeping positions.
pub(crate) fn split_on(text: &MappedText, sep: char) -> Vec<MappedText> {
    let mut out = vec![];
    let (mut byte, mut char) = (0, 0);
    let mut n = 0;
    for (b, c) in text.text.char_indices() {
        if c == sep {
            out.push(text.slice_known(byte..b, char..n));
            byte = b + c.len_utf8();
            char = n + 1;
        }
        n += 1;
    }
    out.push(text.slice_known(byte..text.text.len(), char..n));
    out
}

/// Fields of a Markdown pipe row (`| a | b |`), or `None` when the line is
/// not one. `\|` stays inside a cell.
pub(crate) fn split_pipe(text: &MappedText) -> Option<Vec<MappedText>> {
    if !text.text.trim_start().starts_with(['|', '｜']) {
        return None;
    }
    let t = text.trim();
    let mut out = vec![];
    let mut cur = MappedText::new();
    let mut prev = '\0';
    for (c, p) in t.text.chars().zip(t.pos.iter()) {
        if matches!(c, '|' | '｜') && prev != '\\' {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c, *p);
        }
        prev = c;
    }
    out.push(cur);
    // Drop what stands before the first pipe and after a closing pipe.
    if !out.is_empty() {
        out.remove(0);
    }
    if out.last().is_some_and(|l| l.text.trim().is_empty()) {
        out.pop();
    }
    Some(out)
}

/// `|---|:--:|` rows.
pub(crate) fn is_pipe_separator(fields: &[MappedText]) -> bool {
    !fields.is_empty()
        && fields.iter().all(|f| {
            let t = f.text.trim();
            let inner = t.trim_start_matches(':').trim_end_matches(':');
            !inner.is_empty() && inner.chars().all(|c| matches!(c, '-' | '－' | '—' | '―'))
        })
}

/// Fields separated by runs of two or more spaces (layout-preserving PDF text).
pub(crate) fn split_spaces(text: &MappedText) -> Vec<MappedText> {
    space_field_ranges(&text.text)
        .into_iter()
        .map(|(bytes, chars)| text.slice_known(bytes, chars))
        .collect()
}

/// The texts of the fields `split_spaces` makes, without their positions.
pub(crate) fn space_field_texts(text: &str) -> Vec<&str> {
    space_field_ranges(text)
        .into_iter()
        .map(|(bytes, _)| text.get(bytes).unwrap_or_default())
        .collect()
}

/// Byte and char ranges of the fields of `text` that runs of two or more
/// white-space chars separate, leading and trailing white space left out.
fn space_field_ranges(text: &str) -> Vec<(Range<usize>, Range<usize>)> {
    let mut out = vec![];
    // Start (byte, char) of the open field, and of the white space run after it.
    let mut field: Option<(usize, usize)> = None;
    let mut run: Option<(usize, usize, usize)> = None;
    let mut n = 0;
    for (b, c) in text.char_indices() {
        if c.is_whitespace() {
            match run.as_mut() {
                Some(r) => r.2 += 1,
                None => run = Some((b, n, 1)),
            }
        } else {
            if let Some((rb, rn, len)) = run.take() {
                if len >= 2 {
                    if let Some((fb, fc)) = field.take() {
                        out.push((fb..rb, fc..rn));
                    }
                }
            }
            field.get_or_insert((b, n));
        }
        n += 1;
    }
    if let Some((fb, fc)) = field {
        let (eb, en) = run.map_or((text.len(), n), |(rb, rn, _)| (rb, rn));
        out.push((fb..eb, fc..en));
    }
    out
}

/// Remove HTML tags and a few entities; each tag becomes a space (so
/// `<li>` items stay apart), runs of spaces shrink to one.
pub(crate) fn strip_html(field: &MappedText) -> MappedText {
    let chars: Vec<char> = field.text.chars().collect();
    let mut out = MappedText::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let at = field.pos_at(i);
        if c == '<' {
            if let Some(len) = tag_len(chars.get(i..).unwrap_or_default()) {
                out.push(' ', at);
                i += len;
                continue;
            }
        }
        if c == '&' {
            if let Some((ch, len)) = entity(chars.get(i..).unwrap_or_default()) {
                out.push(ch, at);
                i += len;
                continue;
            }
        }
        out.push(c, at);
        i += 1;
    }
    collapse_spaces(&out).trim()
}

fn collapse_spaces(t: &MappedText) -> MappedText {
    let mut out = MappedText::new();
    let mut prev_space = false;
    for (c, p) in t.text.chars().zip(t.pos.iter()) {
        let space = c.is_whitespace();
        if !(space && prev_space) {
            out.push(if space { ' ' } else { c }, *p);
        }
        prev_space = space;
    }
    out
}

/// Length of a tag such as `<ul style="…">`, `</li>`, `<br/>` at the start.
fn tag_len(chars: &[char]) -> Option<usize> {
    let mut i = 1;
    if chars.get(i) == Some(&'/') {
        i += 1;
    }
    if !chars.get(i).is_some_and(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let close = chars.iter().position(|c| *c == '>')?;
    let inside = chars.get(1..close)?;
    (!inside.contains(&'<')).then_some(close + 1)
}

fn entity(chars: &[char]) -> Option<(char, usize)> {
    const ENTITIES: [(&str, char); 6] = [
        ("&amp;", '&'),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&nbsp;", ' '),
        ("&quot;", '"'),
        ("&#39;", '\''),
    ];
    ENTITIES.iter().find_map(|(name, ch)| {
        let n = name.chars().count();
        let head = chars.get(..n)?;
        head.iter().copied().eq(name.chars()).then_some((*ch, n))
    })
}

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn has_digit(text: &str) -> bool {
    text.chars().any(is_digit)
}

/// `parse_quantity`, skipped for text without digits (most cells) and for
/// numbered labels (`1 市税`, `(1) 営業収益`), which name rows.
pub(crate) fn quantity(text: &str) -> Option<Quantity> {
    if !has_digit(text) {
        return None;
    }
    // Only a label opening with a digit or a parenthesis can be numbered:
    // other texts need no char list for `parse_marker`.
    let numbered = text.starts_with(|c: char| is_digit(c) || matches!(c, '(' | '（')) && {
        let chars: Vec<char> = text.chars().collect();
        parse_marker(&chars)
            .is_some_and(|m| m.family.starts_with("num_") || m.family.starts_with("paren_"))
    };
    if numbered {
        return None;
    }
    parse_quantity(text)
}

/// Quantities of a grid's distinct cell texts, each parsed once: large
/// delimited files repeat the same few values.
#[derive(Default)]
struct Parsed {
    quantities: Vec<Option<Quantity>>,
    /// Data cells still to receive each quantity: the last one takes it
    /// instead of a copy.
    uses: Vec<usize>,
}

impl Parsed {
    /// Per cell of `rows`, the index of its quantity.
    fn read(&mut self, rows: &[Vec<Option<GridCell>>]) -> Vec<Vec<Option<usize>>> {
        let mut seen: FxHashMap<&str, Option<usize>> = FxHashMap::default();
        let slots = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| {
                        let text = c.as_ref()?.content.text.as_str();
                        if !has_digit(text) {
                            return None;
                        }
                        *seen.entry(text).or_insert_with(|| {
                            // A period (`5か年累計`, `2024年度`) holds digits but is no quantity.
                            if could_name_period(text) && header_word(text).is_some() {
                                return None;
                            }
                            self.quantities.push(Some(quantity(text)?));
                            Some(self.quantities.len() - 1)
                        })
                    })
                    .collect()
            })
            .collect();
        self.uses = vec![0; self.quantities.len()];
        slots
    }

    fn count_use(&mut self, i: usize) {
        if let Some(u) = self.uses.get_mut(i) {
            *u += 1;
        }
    }

    fn claim(&mut self, i: usize) -> Option<Quantity> {
        let left = self.uses.get_mut(i)?;
        *left = left.saturating_sub(1);
        let q = self.quantities.get_mut(i)?;
        if *left == 0 {
            q.take()
        } else {
            q.clone()
        }
    }
}

/// A header row of bare years (`2022 | 2023 | 2024` under `年度`): two or
/// more, each a bare year, rising left to right, and no other figure.
fn years_in_sequence(qrow: &[Option<usize>], quantities: &[Option<Quantity>]) -> bool {
    let mut ys = vec![];
    for i in qrow.iter().flatten() {
        match quantities.get(*i) {
            Some(Some(q)) if is_bare_year(q) => ys.push(q.number),
            _ => return false,
        }
    }
    ys.len() >= 2 && ys.windows(2).all(|w| matches!(w, [a, b] if b > a))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Header paths and row labels for a grid, and the cells in row-major
/// order; also the table's text (fields joined by tabs, rows by newlines).
///
/// Header rows: those above the first row holding a quantity (or the
/// source's own header rows); with no quantities, the first row when there
/// are several. In every header row but the last, a cell spans the empty
/// cells to its right. Label columns: those left of the first column
/// whose filled data cells are mostly quantities (column 0 when there is
/// none);
/// empty label cells carry the value from the data row above.
pub(crate) fn grid_to_cells(doc_id: &str, table_id: u32, grid: Grid) -> (Vec<SegCell>, String) {
    let Grid { rows, header_rows } = grid;
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut parsed = Parsed::default();
    let quantities = parsed.read(&rows);
    let year_row = |qrow: &[Option<usize>]| years_in_sequence(qrow, &parsed.quantities);
    let first_value_row = quantities
        .iter()
        .position(|r| r.iter().any(Option::is_some) && !year_row(r));
    // A row under the source's own header rows is one more header row when
    // it is made of periods, stance words, units or totals and holds no
    // figure (Markdown tables put only their first header row above `|---|`).
    let header_like = |r: usize| -> bool {
        let (Some(row), Some(qrow)) = (rows.get(r), quantities.get(r)) else {
            return false;
        };
        if year_row(qrow) {
            return true;
        }
        if qrow.iter().any(Option::is_some) {
            return false;
        }
        let types: Vec<CellType> = row
            .iter()
            .map(|c| {
                c.as_ref()
                    .map_or(CellType::Empty, |c| cell_type(&c.content.text))
            })
            .collect();
        !types.contains(&CellType::NoValue)
            && types.iter().any(|t| t.is_header_word())
            && r + 1 < rows.len()
    };
    // Title and note lines above a delimited file's header (`来場者数の推移`,
    // `（単位：千人）`): leading records of one field in a wider table. They
    // are header rows that head no column (their unit still reaches the table).
    let notes = if header_rows.is_some() && width >= 3 {
        rows.iter()
            .take_while(|r| {
                r.iter().filter(|c| c.is_some()).count() == 1
                    && r.first().is_some_and(Option::is_some)
            })
            .count()
            .min(rows.len().saturating_sub(2))
    } else {
        0
    };
    let header_rows = match header_rows {
        Some(h) => {
            let mut h = (h + notes).min(rows.len());
            while h < rows.len() && header_like(h) {
                h += 1;
            }
            h
        }
        None => first_value_row.unwrap_or(usize::from(rows.len() >= 2)),
    }
    .min(rows.len());

    // A header printed again after a page break: a row below the header
    // that repeats one of its rows (two or more cells, every cell the same).
    let texts = |row: &[Option<GridCell>]| -> Vec<Option<String>> {
        let mut t: Vec<Option<String>> = row
            .iter()
            .map(|c| c.as_ref().map(|c| c.content.text.clone()))
            .collect();
        while t.last().is_some_and(Option::is_none) {
            t.pop();
        }
        t
    };
    let header_texts: Vec<Vec<Option<String>>> = rows
        .iter()
        .enumerate()
        .skip(notes)
        .take(header_rows.saturating_sub(notes))
        .map(|(_, r)| texts(r))
        .filter(|t| t.iter().flatten().count() >= 2)
        .collect();
    let repeated: Vec<bool> = rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            r >= header_rows && !header_texts.is_empty() && header_texts.contains(&texts(row))
        })
        .collect();
    let is_repeat = |r: usize| repeated.get(r).copied().unwrap_or(false);

    // A value column holds quantities in most of its filled data cells; a
    // stray code such as `1` over `1 市民税` does not make one.
    let mut filled = vec![0usize; width];
    let mut numeric = vec![0usize; width];
    // Per column, the bare years (`2024`) of its data cells, in order: a
    // column of years running down (years as rows) labels its rows.
    let mut years: Vec<Vec<f64>> = vec![vec![]; width];
    for (r, (row, qrow)) in rows.iter().zip(&quantities).enumerate().skip(header_rows) {
        if is_repeat(r) {
            continue;
        }
        for (c, (cell, q)) in row.iter().zip(qrow).enumerate() {
            if let (Some(_), Some(f), Some(n)) = (cell, filled.get_mut(c), numeric.get_mut(c)) {
                *f += 1;
                *n += usize::from(q.is_some());
            }
            if let Some(i) = q {
                parsed.count_use(*i);
                if let (Some(Some(q)), Some(y)) = (parsed.quantities.get(*i), years.get_mut(c)) {
                    if is_bare_year(q) {
                        y.push(q.number);
                    }
                }
            }
        }
    }
    // A column headed as a year field (`年度`, `予算年度`, `fiscal_year`)
    // holds years even when they repeat or fall (record-per-row exports
    // list several records per year, the latest first).
    let year_field = |c: usize| {
        rows.iter()
            .take(header_rows)
            .rev()
            .find_map(|r| r.get(c).and_then(Option::as_ref))
            .is_some_and(|h| is_year_header(&h.content.text))
    };
    let year_column = |c: usize| {
        years.get(c).is_some_and(|y| {
            !y.is_empty()
                && Some(&y.len()) == numeric.get(c)
                && ((y.len() >= 2 && y.windows(2).all(|w| matches!(w, [a, b] if b > a)))
                    || year_field(c))
        })
    };
    let label_cols = (0..width)
        .find(|&c| {
            let (f, n) = (
                filled.get(c).copied().unwrap_or(0),
                numeric.get(c).copied().unwrap_or(0),
            );
            n > 0 && 2 * n > f && !year_column(c)
        })
        .unwrap_or(usize::from(width > 0));

    // Header grid with spans filled in.
    let mut spanned: Vec<Vec<String>> = Vec::with_capacity(header_rows);
    for (r, row) in rows.iter().take(header_rows).enumerate() {
        let mut line = vec![String::new(); width];
        if r < notes {
            spanned.push(line);
            continue;
        }
        let mut carry: Option<String> = None;
        for (c, slot) in line.iter_mut().enumerate() {
            match row.get(c).and_then(Option::as_ref) {
                Some(cell) => {
                    *slot = cell.content.text.clone();
                    carry = Some(cell.content.text.clone());
                }
                None if r + 1 < header_rows => {
                    if let Some(t) = &carry {
                        slot.clone_from(t);
                    }
                }
                None => {}
            }
        }
        spanned.push(line);
    }
    let path = |upto: usize, c: usize| -> Vec<String> {
        let mut parts: Vec<String> = vec![];
        for row in spanned.iter().take(upto) {
            if let Some(t) = row.get(c).filter(|t| !t.is_empty()) {
                if parts.last() != Some(t) {
                    parts.push(t.clone());
                }
            }
        }
        parts
    };
    // Shared, not copied, by every cell of a column (and a row, below).
    let column_paths: Vec<Rc<[String]>> = (0..width).map(|c| path(header_rows, c).into()).collect();
    let no_parts: Rc<[String]> = Rc::from(Vec::new());

    let column_headers: Vec<String> = column_paths.iter().map(|p| p.join(" / ")).collect();

    let mut text = String::new();
    // Reserved up front: growing a vector of a million cells copies it many times.
    let mut cells = Vec::with_capacity(rows.iter().flatten().flatten().count());
    let mut carried: Vec<String> = vec![String::new(); label_cols];
    for (r, (row, qrow)) in rows.into_iter().zip(quantities).enumerate() {
        if r > 0 {
            text.push('\n');
        }
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                text.push('\t');
            }
            if let Some(cell) = cell {
                text.push_str(&cell.content.text);
            }
        }
        let is_header = r < header_rows || is_repeat(r);
        if !is_header {
            // A new value in a label column starts a new group: deeper empty labels reset.
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
        }
        let label_parts: Rc<[String]> = if is_header {
            Rc::clone(&no_parts)
        } else {
            carried.iter().filter(|s| !s.is_empty()).cloned().collect()
        };
        let row_label = if is_header {
            String::new()
        } else {
            carried.first().cloned().unwrap_or_default()
        };
        for (c, (cell, q)) in row.into_iter().zip(qrow).enumerate() {
            let Some(GridCell { content, raw }) = cell else {
                continue;
            };
            let (header_parts, header) = if is_header {
                let parts = path(r + 1, c);
                let joined = parts.join(" / ");
                (parts.into(), joined)
            } else {
                (
                    column_paths
                        .get(c)
                        .map_or_else(|| Rc::clone(&no_parts), Rc::clone),
                    column_headers.get(c).cloned().unwrap_or_default(),
                )
            };
            let quantity = q.filter(|_| !is_header).and_then(|i| parsed.claim(i));
            let (value, unit) = match &quantity {
                Some(q) => (Some(q.value), q.unit.clone()),
                None => (None, None),
            };
            let start = content.pos_at(0);
            cells.push(SegCell {
                cell: Cell {
                    doc_id: doc_id.to_string(),
                    table_id,
                    row: to_u32(r),
                    col: to_u32(c),
                    is_header,
                    header,
                    row_label: row_label.clone(),
                    text: content.text.clone(),
                    value,
                    unit,
                    line: start.line,
                    line_col: start.col,
                    raw,
                },
                content,
                header_parts,
                label_parts: Rc::clone(&label_parts),
                quantity,
            });
        }
    }
    (cells, text)
}

#[cfg(test)]
mod tests {
    use super::super::lines::test_util::norm_line;
    use super::*;
    use crate::model::Pos;

    fn grid_from(text: &str) -> Grid {
        let lines: Vec<_> = text
            .lines()
            .enumerate()
            .map(|(i, l)| norm_line(to_u32(i + 1), l))
            .collect();
        let mut raw = RawLines::new(&lines);
        let rows = lines
            .iter()
            .map(|l| {
                split_on(&l.norm, '\t')
                    .iter()
                    .map(|f| grid_cell(f.clone(), &mut raw))
                    .collect()
            })
            .collect();
        Grid {
            rows,
            header_rows: None,
        }
    }

    fn at(cells: &[SegCell], r: u32, c: u32) -> &SegCell {
        cells
            .iter()
            .find(|x| x.cell.row == r && x.cell.col == c)
            .unwrap_or_else(|| panic!("no cell {r},{c}"))
    }

    #[test]
    fn spanning_headers_and_carried_labels() {
        let g = grid_from(
            "項目\t指標\t累計\t\t今年度\t\n\
             \t\t目標値\t実績\t実績\t進捗率\n\
             A群\t件数\t3,300\t3,682\t781\t23.7%\n\
             \t登録数\t8,000\t14,317\t2,689\t33.6%\n\
             B群\t相談\t1,650\t4,231\t688\t41.7%",
        );
        let (cells, text) = grid_to_cells("d", 7, g);
        assert!(text.starts_with("項目\t指標\t累計\t\t今年度\t\n"));
        let c = at(&cells, 2, 3);
        assert_eq!(c.cell.header, "累計 / 実績");
        assert_eq!(*c.header_parts, ["累計", "実績"]);
        assert_eq!(c.cell.value, Some(3682.0));
        assert_eq!(c.cell.table_id, 7);
        assert_eq!(at(&cells, 2, 5).cell.header, "今年度 / 進捗率");
        assert_eq!(at(&cells, 2, 4).cell.header, "今年度 / 実績");
        let d = at(&cells, 3, 2);
        assert_eq!(d.cell.row_label, "A群");
        assert_eq!(*d.label_parts, ["A群", "登録数"]);
        assert_eq!(at(&cells, 4, 3).cell.row_label, "B群");
        let h = at(&cells, 1, 2);
        assert!(h.cell.is_header);
        assert_eq!(h.cell.header, "累計 / 目標値");
        assert_eq!(h.cell.value, None);
        assert!(
            cells.iter().all(|c| !c.cell.text.is_empty()),
            "empty fields make no cells"
        );
    }

    #[test]
    fn last_header_row_does_not_span() {
        let g = grid_from("a\t\tb\nx\t\ty\n1\t2\t3");
        let (cells, _) = grid_to_cells("d", 1, g);
        // Row 1 is the last header row: `x` does not span column 1.
        assert_eq!(at(&cells, 2, 1).cell.header, "a");
        assert_eq!(at(&cells, 2, 0).cell.header, "a / x");
    }

    #[test]
    fn header_row_without_label_column() {
        let g = grid_from("R4\tR5\t備考\n242人\t747人\tR7時点：割合\n4.2%\t13.2%\t63.3%");
        let (cells, _) = grid_to_cells("d", 1, g);
        let c = at(&cells, 1, 1);
        assert_eq!(c.cell.header, "R5");
        assert_eq!(c.cell.row_label, "");
        assert!(c.label_parts.is_empty());
        assert_eq!(c.cell.unit.as_deref(), Some("人"));
        assert!(at(&cells, 0, 0).cell.is_header);
        assert!(!at(&cells, 1, 0).cell.is_header);
    }

    #[test]
    fn text_only_table_uses_first_row_and_column() {
        let g = grid_from("役職\t氏名\n委員長\t阿部\n委員\t小川\n\t三森");
        let (cells, _) = grid_to_cells("d", 1, g);
        let c = at(&cells, 3, 1);
        assert_eq!(c.cell.row_label, "委員");
        assert_eq!(c.cell.header, "氏名");
        assert!(at(&cells, 0, 1).cell.is_header);
        let one = grid_from("a\tb");
        let (cells, _) = grid_to_cells("d", 1, one);
        assert!(
            cells.iter().all(|c| !c.cell.is_header),
            "one row: no header"
        );
    }

    #[test]
    fn new_group_resets_deeper_labels() {
        let g = grid_from("款\t項\t額\n1 市税\t\t100\n\t1 市民税\t60\n2 譲与税\t\t40");
        let (cells, _) = grid_to_cells("d", 1, g);
        assert_eq!(*at(&cells, 2, 2).label_parts, ["1 市税", "1 市民税"]);
        assert_eq!(*at(&cells, 3, 2).label_parts, ["2 譲与税"]);
    }

    #[test]
    fn a_stray_code_does_not_make_a_value_column() {
        let g = grid_from("1\t49,286,300\n1 市民税\t18,719,000\n2 固定資産税\t23,861,300");
        let (cells, _) = grid_to_cells("d", 1, g);
        assert_eq!(at(&cells, 2, 1).cell.row_label, "2 固定資産税");
        assert_eq!(at(&cells, 0, 1).cell.row_label, "1");
    }

    #[test]
    fn empty_grid_is_fine() {
        let (cells, text) = grid_to_cells("d", 1, Grid::default());
        assert!(cells.is_empty());
        assert_eq!(text, "");
    }

    #[test]
    fn html_is_reduced_to_text_with_positions() {
        let l = norm_line(
            4,
            "<ul style=\"x\"> <li>道内&amp;大学</li><li>高専</li></ul>",
        );
        let t = strip_html(&l.norm);
        assert_eq!(t.text, "道内&大学 高専");
        assert_eq!(t.pos_at(0), Pos { line: 4, col: 19 });
        assert_eq!(strip_html(&norm_line(1, "a < b").norm).text, "a < b");
    }

    #[test]
    fn pipe_rows() {
        let l = norm_line(1, "  | 区分 | 人数 A | a\\|b |");
        let f = split_pipe(&l.norm).unwrap();
        let texts: Vec<_> = f.iter().map(|x| x.text.trim().to_string()).collect();
        assert_eq!(texts, vec!["区分", "人数 A", "a\\|b"]);
        assert!(split_pipe(&norm_line(1, "a | b").norm).is_none());
        let sep = split_pipe(&norm_line(1, "|---|:--:|").norm).unwrap();
        assert!(is_pipe_separator(&sep));
        assert!(!is_pipe_separator(&f));
    }

    #[test]
    fn space_fields() {
        let l = norm_line(1, "   前年度        413,205      65,995  比 較");
        let f = split_spaces(&l.norm);
        let texts: Vec<_> = f.iter().map(|x| x.text.clone()).collect();
        assert_eq!(texts, vec!["前年度", "413,205", "65,995", "比 較"]);
        assert_eq!(space_field_texts(&l.norm.text), texts);
        for odd in ["", "   ", "a", " a  b ", "a\u{3000}\u{3000}b c", "a \t b"] {
            let fields = split_spaces(&norm_line(1, odd).norm);
            let texts: Vec<_> = fields.iter().map(|x| x.text.as_str()).collect();
            assert_eq!(space_field_texts(odd), texts, "{odd:?}");
        }
        assert_eq!(f[1].pos_at(0).col, 14);
    }

    #[test]
    fn a_year_field_of_repeated_bare_years_labels_the_rows() {
        let g = grid_from("年度\t指標\t目標\t実績\n2022\t来場者数\t300\t280\n2022\t登録者数\t120\t118\n2023\t来場者数\t320\t301");
        let (cells, _) = grid_to_cells("d", 1, g);
        assert_eq!(*at(&cells, 3, 3).label_parts, ["2023", "来場者数"]);
        let mut g = grid_from("年度\t指標\t目標\t実績\n2022\t来場者数\t300\t280\n2022\t登録者数\t120\t118\n2023\t来場者数\t320\t301");
        g.header_rows = Some(1);
        let (cells, _) = grid_to_cells("d", 1, g);
        assert_eq!(*at(&cells, 3, 3).label_parts, ["2023", "来場者数"]);
        // Near miss: the same figures under another header are figures.
        let g = grid_from("件数\t指標\t目標\t実績\n2022\t来場者数\t300\t280\n2022\t登録者数\t120\t118\n2023\t来場者数\t320\t301");
        let (cells, _) = grid_to_cells("d", 1, g);
        assert!(at(&cells, 3, 3).label_parts.is_empty());
    }
}
