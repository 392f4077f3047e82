//! Space-aligned tables of layout-preserving PDF text whose rows do not all
//! have the same number of fields: spanning headers (`目標` over three year
//! columns), an empty top-left cell, row labels printed only on a group's
//! first row. Each field is placed in the column its position on the page
//! overlaps, the columns being those of the rows with the most fields.

use std::ops::Range;

use crate::normalize::NormLine;

use super::lines::{is_blank, is_page_marker, RawLines};
use super::table::{grid_cell, split_spaces, GridCell};

/// Lines one aligned table may span.
const MAX_LINES: usize = 2000;

/// Display width of a char as a layout renders it: wide (CJK, full-width)
/// chars take two columns.
fn char_width(c: char) -> usize {
    let u = c as u32;
    let narrow_kana = (0xFF61..=0xFF9F).contains(&u);
    if u >= 0x1100 && !narrow_kana {
        2
    } else {
        1
    }
}

/// Display column where each raw char of a line starts, and the end.
pub(super) fn display_cols(line: &NormLine) -> Vec<usize> {
    let mut at = Vec::with_capacity(line.raw.len() + 1);
    let mut x = 0;
    for c in line.raw.chars() {
        at.push(x);
        x += if c == '\t' { 8 } else { char_width(c) };
    }
    at.push(x);
    at
}

/// The display columns (`start..end`) a piece of a line covers.
pub(super) fn span_of(at: &[usize], text: &crate::text::MappedText) -> Range<usize> {
    let col = |p: Option<&crate::model::Pos>| {
        p.and_then(|p| at.get(p.col as usize)).copied().unwrap_or(0)
    };
    let start = col(text.pos.first());
    let last = text.pos.last().map(|p| p.col as usize + 1);
    let end = last.and_then(|l| at.get(l)).copied().unwrap_or(start + 1);
    start..end.max(start + 1)
}

/// Fields of one line with their display columns (`start..end`), read
/// from the raw text so that width folding does not move them.
pub(super) fn fields(line: &NormLine) -> Vec<(crate::text::MappedText, Range<usize>)> {
    let at = display_cols(line);
    split_spaces(&line.norm)
        .into_iter()
        .map(|f| {
            let span = span_of(&at, &f);
            (f, span)
        })
        .collect()
}

/// Columns from the lines with the most fields: each column spans every
/// such line's field in that position. Then, lines with fewer fields in
/// turn (most first), a field that overlaps exactly one column widens it,
/// so that a column of figures flush right takes in the header printed
/// flush left above it (`2024年度` over `1,250`).
fn columns(lines: &[Vec<Range<usize>>]) -> Option<Vec<Range<usize>>> {
    let k = lines.iter().map(Vec::len).max()?;
    let mut cols: Vec<Range<usize>> = vec![];
    for l in lines.iter().filter(|l| l.len() == k) {
        if cols.is_empty() {
            cols = l.clone();
            continue;
        }
        for (c, r) in cols.iter_mut().zip(l) {
            *c = c.start.min(r.start)..c.end.max(r.end);
        }
    }
    // Columns that run into each other are no layout.
    let apart = |cols: &[Range<usize>]| {
        cols.windows(2)
            .all(|w| matches!(w, [a, b] if a.end <= b.start))
    };
    if k < 3 || !apart(&cols) {
        return None;
    }
    let mut by_width: Vec<&Vec<Range<usize>>> = lines.iter().filter(|l| l.len() < k).collect();
    by_width.sort_by_key(|l| std::cmp::Reverse(l.len()));
    for l in by_width {
        for f in l {
            let hits: Vec<usize> = (0..cols.len())
                .filter(|&i| cols.get(i).is_some_and(|c| overlap(c, f) > 0))
                .collect();
            let [only] = hits.as_slice() else {
                continue;
            };
            let mut wider = cols.clone();
            if let Some(c) = wider.get_mut(*only) {
                *c = c.start.min(f.start)..c.end.max(f.end);
            }
            if apart(&wider) {
                cols = wider;
            }
        }
    }
    Some(cols)
}

pub(super) fn overlap(c: &Range<usize>, f: &Range<usize>) -> usize {
    f.end.min(c.end).saturating_sub(f.start.max(c.start))
}

/// The column a field lies in: the one it overlaps most, else the nearest
/// (a field in the gap between two columns goes right on a tie).
pub(super) fn column_of(cols: &[Range<usize>], f: &Range<usize>) -> Option<usize> {
    let best = (0..cols.len()).max_by_key(|&i| cols.get(i).map_or(0, |c| overlap(c, f)))?;
    if cols.get(best).is_some_and(|c| overlap(c, f) > 0) {
        return Some(best);
    }
    let distance = |c: &Range<usize>| {
        if f.end <= c.start {
            c.start - f.end
        } else {
            f.start.saturating_sub(c.end)
        }
    };
    (0..cols.len())
        .rev()
        .min_by_key(|&i| cols.get(i).map_or(usize::MAX, distance))
}

/// Per line, the column index of each field, when every field of every
/// line finds a column of its own.
fn placements(lines: &[NormLine]) -> Option<Vec<Vec<usize>>> {
    let ranges: Vec<Vec<Range<usize>>> = lines
        .iter()
        .map(|l| fields(l).into_iter().map(|(_, r)| r).collect())
        .collect();
    let cols = columns(&ranges)?;
    ranges
        .iter()
        .map(|l| {
            let placed: Option<Vec<usize>> = l.iter().map(|f| column_of(&cols, f)).collect();
            let placed = placed?;
            placed
                .windows(2)
                .all(|w| matches!(w, [a, b] if a < b))
                .then_some(placed)
        })
        .collect()
}

/// Whether line `i` starts an aligned table: `Ok(last line)`, or
/// `Err(last line looked at)` so that the caller does not look at the same
/// run again from each of its lines. A table is a run of non-blank lines of
/// two or more fields each, two or more of them holding a figure after
/// their first field, whose fields all fall into the columns of the widest
/// lines.
pub(crate) fn aligned_run(
    lines: &[NormLine],
    i: usize,
    has_figure: impl Fn(&str) -> bool,
) -> Result<usize, usize> {
    let row_line = |l: &NormLine| {
        !is_blank(&l.raw)
            && !l.norm.text.contains(['\t', '|', '｜'])
            && split_spaces(&l.norm).len() >= 2
    };
    let squeeze = |l: &NormLine| l.norm.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = lines.get(i).map(squeeze);
    // The table's lines, a page break (blank lines and `- 1 -`) followed by
    // the first line again (the header printed on the next page) included.
    let mut run: Vec<NormLine> = vec![];
    let mut k = i;
    let mut last = i;
    loop {
        let n = lines
            .iter()
            .skip(k)
            .take(MAX_LINES.saturating_sub(run.len()))
            .take_while(|l| row_line(l))
            .count();
        run.extend(lines.iter().skip(k).take(n).cloned());
        if n == 0 {
            break;
        }
        last = k + n - 1;
        let mut j = k + n;
        let mut marker = false;
        while let Some(l) = lines.get(j) {
            if is_blank(&l.raw) {
                j += 1;
            } else if is_page_marker(&l.norm.text.trim().chars().collect::<Vec<_>>()) {
                marker = true;
                j += 1;
            } else {
                break;
            }
        }
        if !marker || lines.get(j).map(squeeze) != first || run.len() >= MAX_LINES {
            break;
        }
        k = j;
    }
    if run.len() < 3 {
        return Err(last);
    }
    let figures = run
        .iter()
        .filter(|l| {
            split_spaces(&l.norm)
                .iter()
                .skip(1)
                .any(|f| has_figure(&f.text))
        })
        .count();
    // Most lines holding figures fill all the table's columns, or all but
    // a label carried down from above; layout text whose lines each break
    // differently is no table.
    let widths: Vec<usize> = run
        .iter()
        .map(|l| split_spaces(&l.norm))
        .filter(|f| f.iter().skip(1).any(|f| has_figure(&f.text)))
        .map(|f| f.len())
        .collect();
    let k = run
        .iter()
        .map(|l| split_spaces(&l.norm).len())
        .max()
        .unwrap_or(0);
    let full = widths.iter().filter(|&&w| w + 1 >= k).count();
    if figures < 2 || 2 * full < widths.len() || placements(&run).is_none() {
        return Err(last);
    }
    Ok(last)
}

/// The grid of an aligned table's lines.
pub(crate) fn aligned_rows(
    lines: &[NormLine],
    raw: &mut RawLines<'_>,
) -> Vec<Vec<Option<GridCell>>> {
    let Some(places) = placements(lines) else {
        return vec![];
    };
    let width = places
        .iter()
        .filter_map(|p| p.last())
        .max()
        .map_or(0, |m| m + 1);
    lines
        .iter()
        .zip(places)
        .map(|(l, place)| {
            let mut row: Vec<Option<GridCell>> = (0..width).map(|_| None).collect();
            for ((f, _), c) in fields(l).into_iter().zip(place) {
                if let Some(slot) = row.get_mut(c) {
                    *slot = grid_cell(f, raw);
                }
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::lines::test_util::norm_line;
    use super::*;

    fn lines(text: &str) -> Vec<NormLine> {
        text.lines()
            .enumerate()
            .map(|(i, l)| norm_line(u32::try_from(i + 1).unwrap_or(0), l))
            .collect()
    }

    fn texts(rows: &[Vec<Option<GridCell>>]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| {
                r.iter()
                    .map(|c| c.as_ref().map_or(String::new(), |c| c.content.text.clone()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn spanning_header_over_figures_flush_right() {
        let ls = lines(
            "指標       目標                 実績\n\
             \x20          R5      R6   計      R5      R6   計\n\
             来場者数   100    120  220      90     130  220\n\
             \x20          200    220  420     190     210  400",
        );
        assert_eq!(
            aligned_run(&ls, 0, |t| t.chars().any(|c| c.is_ascii_digit())),
            Ok(3)
        );
        let mut raw = RawLines::new(&ls);
        let rows = texts(&aligned_rows(&ls, &mut raw));
        assert_eq!(rows[0], ["指標", "目標", "", "", "実績", "", ""]);
        assert_eq!(rows[1], ["", "R5", "R6", "計", "R5", "R6", "計"]);
        assert_eq!(rows[3], ["", "200", "220", "420", "190", "210", "400"]);
    }

    #[test]
    fn prose_with_double_spaces_is_no_table() {
        let ls = lines("これは  文章です\nそして  続きます\n最後に  終わります");
        assert!(aligned_run(&ls, 0, |t| t.chars().any(|c| c.is_ascii_digit())).is_err());
    }

    #[test]
    fn lines_that_each_break_differently_are_no_table() {
        // Two pages of a budget book printed side by side: the figures'
        // lines have 2, 4 and 3 fields.
        let ls = lines(
            "款  共済費    50,791
             001  職員  手当  4
             002  報酬  10
             4  旅費   8,371   受験予想人員 620人  9",
        );
        assert!(aligned_run(&ls, 0, |t| t.chars().any(|c| c.is_ascii_digit())).is_err());
    }

    #[test]
    fn wide_chars_count_twice() {
        assert_eq!(char_width('a'), 1);
        assert_eq!(char_width('目'), 2);
        assert_eq!(char_width('１'), 2);
        assert_eq!(char_width('ｱ'), 1);
    }
}
