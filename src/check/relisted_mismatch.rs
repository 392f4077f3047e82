//! `relisted_mismatch`: a table row marked 再掲 (re-listed: `(再掲)`,
//! `【再掲】`, `※再掲`, `再掲`) repeats an earlier row and must say the same.
//!
//! The relisted row's label (its `row_label` cell, else its first text
//! cell) carries the mark; with the mark removed it names the original: an earlier row (any table of the
//! document) with a cell of exactly that text. The cells right of the label
//! are compared by their distance from it, ignoring white space, character
//! width and 再掲 marks. A label may name several earlier rows (the same
//! measure under two headings): it is enough that one of them matches.
//! Nothing fires when no earlier row has the label, or the relisted row has
//! nothing but its label.

use std::collections::BTreeMap;

use super::common::{finding, ids, one_line, Settings};
use super::DocFacts;
use crate::model::{Cell, Finding, Severity};

pub const ID: &str = "relisted_mismatch";
pub const SEVERITY: Severity = Severity::Warning;
/// A row marked 再掲 repeats an earlier row and must say the same.
pub const RATIONALE: &str =
    "A row marked 再掲 (re-listed) repeats an earlier row and must say the same.";

const MARK: &str = "再掲";
const OPEN: &str = "(（【[〔<＜［";
const CLOSE: &str = ")）】]〕>＞］";

/// The text without 再掲 marks: bracketed (`(再掲)`, `【再掲：P.12】`),
/// `※再掲` or bare.
fn strip_mark(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars.get(i).copied().unwrap_or(' ');
        if OPEN.contains(c) {
            let close = chars
                .iter()
                .skip(i + 1)
                .position(|c| CLOSE.contains(*c))
                .map(|p| p + i + 1);
            if let Some(end) = close {
                let inner: String = chars.iter().skip(i + 1).take(end - i - 1).collect();
                if inner.contains(MARK) {
                    i = end + 1;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out.replace(&format!("※{MARK}"), "")
        .replace(MARK, "")
        .trim()
        .to_string()
}

/// What two cells are compared on: no white space, half-width ASCII, no marks.
fn fold(text: &str) -> String {
    strip_mark(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c as u32 {
            0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

struct Row<'a> {
    key: (u32, u32),
    cells: Vec<&'a Cell>,
}

impl<'a> Row<'a> {
    /// The row's label: the cell the table names as its label
    /// (`row_label`), else its first text cell. A 再掲 mark elsewhere in a
    /// row (a description that mentions a relisted item) is not a relisting.
    fn label(&self) -> Option<&'a Cell> {
        let text_cells = || {
            self.cells
                .iter()
                .copied()
                .filter(|c| c.value.is_none() && !c.text.trim().is_empty())
        };
        text_cells()
            .find(|c| !c.row_label.trim().is_empty() && c.text.trim() == c.row_label.trim())
            .or_else(|| text_cells().next())
    }

    /// Folded text of the cells right of column `label_col`, by distance.
    fn after(&self, label_col: u32) -> BTreeMap<u32, String> {
        self.cells
            .iter()
            .filter(|c| c.col > label_col)
            .map(|c| (c.col - label_col, fold(&c.text)))
            .collect()
    }
}

pub fn run(facts: &DocFacts<'_>, _settings: &Settings) -> Vec<Finding> {
    let mut by_row: BTreeMap<(u32, u32), Vec<&Cell>> = BTreeMap::new();
    for c in facts.cells.iter().filter(|c| !c.is_header) {
        by_row.entry((c.table_id, c.row)).or_default().push(c);
    }
    let rows: Vec<Row> = by_row
        .into_iter()
        .map(|(key, mut cells)| {
            cells.sort_by_key(|c| c.col);
            Row { key, cells }
        })
        .collect();
    if !facts.cells.iter().any(|c| c.text.contains(MARK)) {
        return Vec::new();
    }
    // Unmarked cells by folded text: where a relisted label may point.
    let mut labelled: BTreeMap<String, Vec<(usize, &Cell)>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        for c in row.cells.iter().filter(|c| !c.text.contains(MARK)) {
            let slot = labelled.entry(fold(&c.text)).or_default();
            // The first cell of a row with that text is its label.
            if slot.last().is_none_or(|(j, _)| *j != i) {
                slot.push((i, c));
            }
        }
    }
    rows.iter()
        .filter_map(|row| check(facts, row, &rows, &labelled))
        .collect()
}

fn check(
    facts: &DocFacts<'_>,
    row: &Row,
    rows: &[Row],
    labelled: &BTreeMap<String, Vec<(usize, &Cell)>>,
) -> Option<Finding> {
    let label_cell = row.label()?;
    if !label_cell.text.contains(MARK) {
        return None;
    }
    let label = fold(&label_cell.text);
    if label.is_empty() {
        return None;
    }
    let mine = row.after(label_cell.col);
    if mine.values().all(String::is_empty) {
        return None;
    }
    let here = (label_cell.line, label_cell.line_col);
    // Earlier rows holding the label, each with its label column.
    let candidates: Vec<(&Row, &Cell)> = labelled
        .get(&label)
        .into_iter()
        .flatten()
        .filter(|(_, cell)| (cell.line, cell.line_col) < here)
        .filter_map(|(i, cell)| Some((rows.get(*i)?, *cell)))
        .collect();
    let differences = |r: &Row, cell: &Cell| -> Vec<(u32, String, String)> {
        let theirs = r.after(cell.col);
        mine.iter()
            .filter_map(|(k, text)| {
                let other = theirs.get(k).cloned().unwrap_or_default();
                (other != *text).then(|| (*k, other, text.clone()))
            })
            .collect()
    };
    if candidates.iter().any(|(r, c)| differences(r, c).is_empty()) {
        return None;
    }
    let (orig, orig_label) = candidates
        .iter()
        .max_by_key(|(_, c)| (c.line, c.line_col))?;
    let (dist, _, _) = differences(orig, orig_label).into_iter().next()?;
    let text_at = |r: &Row, col: u32| {
        r.cells
            .iter()
            .find(|c| c.col == col)
            .map_or(String::new(), |c| one_line(&c.text))
    };
    let expected = text_at(orig, orig_label.col + dist);
    let actual = text_at(row, label_cell.col + dist);
    let column = row
        .cells
        .iter()
        .find(|c| c.col == label_cell.col + dist)
        .and_then(|c| c.header.rsplit(" / ").next())
        .filter(|h| !h.trim().is_empty())
        .map_or(format!("column {}", label_cell.col + dist + 1), |h| {
            format!("「{}」", h.trim())
        });
    let mut f = finding(
        ID,
        SEVERITY,
        facts.doc_id,
        label_cell.line,
        label_cell.line_col,
    );
    f.message = format!(
        "「{}」 repeats the row on line {} but differs in {column}{}",
        one_line(&label_cell.text),
        orig_label.line,
        if candidates.len() > 1 {
            format!(
                " (and matches none of the {} rows so labelled)",
                candidates.len()
            )
        } else {
            String::new()
        }
    );
    f.evidence = format!(
        "line {}: 「{actual}」 ≠ line {}: 「{expected}」",
        label_cell.line, orig_label.line
    );
    f.expected = Some(expected);
    f.actual = Some(actual);
    let in_rows = |m: &&crate::model::Measure| {
        let at = (m.table_id, m.table_row);
        at == (Some(row.key.0), Some(row.key.1)) || at == (Some(orig.key.0), Some(orig.key.1))
    };
    f.measure_ids = ids(facts
        .measures
        .iter()
        .filter(in_rows)
        .map(|m| m.measure_id)
        .collect());
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::testutil::{cell, facts};

    const ORIGINAL: [&str; 3] = [
        "企業への取組勧奨",
        "就職面接会等のマッチングイベントへの参加を勧奨、促進する。",
        "経営者協会・商工会議所連合会",
    ];

    fn table(table_id: u32, line: u32, rows: &[[&str; 3]]) -> Vec<Cell> {
        let mut out = Vec::new();
        for (r, texts) in rows.iter().enumerate() {
            for (c, text) in texts.iter().enumerate() {
                out.push(cell(
                    table_id,
                    r as u32 + 1,
                    c as u32,
                    line + r as u32,
                    text,
                ));
            }
        }
        out
    }

    fn run_on(cells: &[Cell]) -> Vec<Finding> {
        run(&facts(&[], &[], cells), &Settings::default())
    }

    #[test]
    fn identical_relisting_is_silent() {
        let mut cells = table(1, 20, &[ORIGINAL]);
        let [label, summary, who] = ORIGINAL;
        cells.extend(table(2, 40, &[[&format!("{label}（再掲）"), summary, who]]));
        assert!(run_on(&cells).is_empty());
        // Width and letter-spacing differences are not differences.
        let mut cells = table(1, 20, &[ORIGINAL]);
        cells.extend(table(
            2,
            40,
            &[[
                &format!("【再掲】{label}"),
                summary,
                "経営者協会・商工会議所連合会 ",
            ]],
        ));
        assert!(run_on(&cells).is_empty());
    }

    #[test]
    fn changed_relisting_fires() {
        let mut cells = table(1, 20, &[ORIGINAL]);
        let [label, summary, _] = ORIGINAL;
        cells.extend(table(
            2,
            40,
            &[[&format!("{label}(再掲)"), summary, "労働局"]],
        ));
        let found = run_on(&cells);
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!((f.line, f.col), (40, 0));
        assert_eq!(f.expected.as_deref(), Some("経営者協会・商工会議所連合会"));
        assert_eq!(f.actual.as_deref(), Some("労働局"));
        assert_eq!(
            f.evidence,
            "line 40: 「労働局」 ≠ line 20: 「経営者協会・商工会議所連合会」"
        );
    }

    #[test]
    fn any_matching_candidate_is_enough() {
        let other = [
            "企業への働きかけ",
            "支援対象者の職場体験・見学の受入体制整備を勧奨する。",
            "労働局",
        ];
        let first = [
            "企業への働きかけ",
            "非正規労働者の処遇改善等に係る働きかけを行う。",
            "連合",
        ];
        let mut cells = table(1, 20, &[first, other]);
        cells.extend(table(
            2,
            40,
            &[["企業への働きかけ(再掲)", first[1], first[2]]],
        ));
        assert!(run_on(&cells).is_empty());
        let mut cells = table(1, 20, &[first, other]);
        cells.extend(table(
            2,
            40,
            &[["企業への働きかけ(再掲)", first[1], "労働局"]],
        ));
        let found = run_on(&cells);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("none of the 2 rows"));
    }

    #[test]
    fn no_original_or_label_only_is_silent() {
        assert!(run_on(&[]).is_empty());
        // The mark in a description column, not in the row's label.
        let mut cells = table(
            1,
            20,
            &[["男女共同参画の広報", "広報・啓発活動を実施する。", "1"]],
        );
        cells.extend(table(
            1,
            21,
            &[["レビューシート", "男女共同参画の広報(再掲)", "4"]],
        ));
        assert!(run_on(&cells).is_empty());
        let cells = table(2, 40, &[["企業への取組勧奨(再掲)", "別の内容", "県"]]);
        assert!(run_on(&cells).is_empty());
        let mut cells = table(1, 20, &[ORIGINAL]);
        cells.extend(table(2, 40, &[["※再掲 企業への取組勧奨", "", ""]]));
        assert!(run_on(&cells).is_empty());
        // The original must come first.
        let mut cells = table(2, 10, &[["企業への取組勧奨(再掲)", "別の内容", "県"]]);
        cells.extend(table(1, 20, &[ORIGINAL]));
        assert!(run_on(&cells).is_empty());
    }

    #[test]
    fn marks_are_stripped() {
        assert_eq!(strip_mark("企業への働きかけ(再掲)"), "企業への働きかけ");
        assert_eq!(
            strip_mark("【再掲：P.12】企業への働きかけ"),
            "企業への働きかけ"
        );
        assert_eq!(strip_mark("※再掲 企業への働きかけ"), "企業への働きかけ");
        assert_eq!(strip_mark("（株）再掲"), "（株）");
        assert_eq!(strip_mark("(再掲"), "(");
    }
}
