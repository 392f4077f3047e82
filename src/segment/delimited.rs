//! RFC 4180 records from `*.csv` / `*.tsv` lines. The structure (quotes,
//! delimiters) is read from the raw text, so a normalizer folding `，` into
//! `,` cannot split a cell; the cell text is then taken from the normalized
//! chars whose source lies inside the field.

use crate::model::Pos;
use crate::normalize::NormLine;
use crate::text::MappedText;

use super::lines::RawLines;
use super::table::{grid_cell, Grid, GridCell};

/// Char columns `start..end` of one line that belong to field `field`.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
    field: usize,
}

#[derive(Default)]
struct Record {
    fields: Vec<MappedText>,
    /// Spans of the line being read.
    spans: Vec<Span>,
    in_quotes: bool,
    /// The current field has not taken any char yet (a quote may open it).
    at_start: bool,
}

impl Record {
    fn new() -> Self {
        Record {
            fields: vec![MappedText::new()],
            at_start: true,
            ..Default::default()
        }
    }

    fn take(&mut self, col: u32) {
        let field = self.fields.len().saturating_sub(1);
        match self.spans.last_mut() {
            Some(s) if s.field == field && s.end == col => s.end = col + 1,
            _ => self.spans.push(Span {
                start: col,
                end: col + 1,
                field,
            }),
        }
        self.at_start = false;
    }

    fn next_field(&mut self) {
        self.fields.push(MappedText::new());
        self.at_start = true;
    }

    /// Move the normalized chars whose source col lies in a span into their field.
    fn fill(&mut self, norm: &MappedText) {
        let mut k = 0;
        let mut last_col = 0;
        for (c, p) in norm.text.chars().zip(norm.pos.iter()) {
            if p.col < last_col {
                k = self.spans.partition_point(|s| s.end <= p.col);
            }
            last_col = p.col;
            while self.spans.get(k).is_some_and(|s| s.end <= p.col) {
                k += 1;
            }
            if let Some(s) = self.spans.get(k).filter(|s| s.start <= p.col) {
                if let Some(f) = self.fields.get_mut(s.field) {
                    f.push(c, *p);
                }
            }
        }
        self.spans.clear();
    }
}

/// Parse delimited lines into a grid; the first record is the header row.
/// Unterminated quotes run to the end of the input; blank records are skipped.
pub(crate) fn parse(lines: &[NormLine], delimiter: u8) -> Grid {
    let delim = char::from(delimiter);
    let mut raw = RawLines::new(lines);
    let mut rows: Vec<Vec<Option<GridCell>>> = vec![];
    let mut rec = Record::new();
    for (idx, line) in lines.iter().enumerate() {
        let mut chars = line.raw.chars().enumerate().peekable();
        while let Some((col, ch)) = chars.next() {
            let col = u32::try_from(col).unwrap_or(u32::MAX);
            if idx == 0 && col == 0 && ch == '\u{feff}' {
                continue;
            }
            if rec.in_quotes {
                if ch == '"' {
                    if chars.peek().is_some_and(|(_, c)| *c == '"') {
                        chars.next();
                        rec.take(col + 1);
                    } else {
                        rec.in_quotes = false;
                    }
                } else {
                    rec.take(col);
                }
            } else if ch == delim {
                rec.next_field();
            } else if ch == '"' && rec.at_start {
                rec.in_quotes = true;
                rec.at_start = false;
            } else {
                rec.take(col);
            }
        }
        rec.fill(&line.norm);
        if rec.in_quotes {
            // A quoted field goes on: the line break is part of its text.
            let end = Pos {
                line: line.line,
                col: u32::try_from(line.raw.chars().count()).unwrap_or(u32::MAX),
            };
            if let Some(f) = rec.fields.last_mut() {
                f.push('\n', end);
            }
            continue;
        }
        finish(&mut rec, &mut raw, &mut rows);
    }
    finish(&mut rec, &mut raw, &mut rows);
    Grid {
        rows,
        header_rows: Some(1),
    }
}

fn finish(rec: &mut Record, raw: &mut RawLines<'_>, rows: &mut Vec<Vec<Option<GridCell>>>) {
    let done = std::mem::replace(rec, Record::new());
    let row: Vec<Option<GridCell>> = done.fields.into_iter().map(|f| grid_cell(f, raw)).collect();
    if row.iter().any(Option::is_some) {
        rows.push(row);
    }
}

#[cfg(test)]
mod tests {
    use super::super::lines::test_util::doc;
    use super::*;

    fn texts(g: &Grid) -> Vec<Vec<String>> {
        g.rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| {
                        c.as_ref()
                            .map(|c| c.content.text.clone())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn quoted_fields_with_commas_quotes_and_newlines() {
        let lines = doc("名前,説明,額\n\"a,b\",\"言う\"\"x\"\"\nつづき\",100\nc,,\"\"");
        let g = parse(&lines, b',');
        assert_eq!(
            texts(&g),
            vec![
                vec!["名前", "説明", "額"],
                vec!["a,b", "言う\"x\"\nつづき", "100"],
                vec!["c", "", ""],
            ]
        );
        let cell = g.rows[1][1].as_ref().unwrap();
        assert_eq!(cell.content.pos_at(0), Pos { line: 2, col: 7 });
        assert_eq!(cell.raw, "言う\"\"x\"\"\nつづき");
        let last = g.rows[1][2].as_ref().unwrap();
        assert_eq!(last.content.pos_at(0), Pos { line: 3, col: 5 });
    }

    #[test]
    fn ragged_rows_bom_and_blank_lines() {
        let lines = doc("\u{feff}a,b\n\n1,2,3,4\n5\r");
        let g = parse(&lines, b',');
        assert_eq!(
            texts(&g),
            vec![vec!["a", "b"], vec!["1", "2", "3", "4"], vec!["5"]]
        );
        assert_eq!(g.header_rows, Some(1));
    }

    #[test]
    fn tsv_and_unterminated_quote() {
        let lines = doc("a\tb\n\"open\tstill");
        let g = parse(&lines, b'\t');
        assert_eq!(texts(&g), vec![vec!["a", "b"], vec!["open\tstill"]]);
        assert!(parse(&[], b',').rows.is_empty());
    }

    #[test]
    fn quote_inside_unquoted_field_is_text() {
        let lines = doc("ab\"c,d");
        assert_eq!(texts(&parse(&lines, b',')), vec![vec!["ab\"c", "d"]]);
    }
}
