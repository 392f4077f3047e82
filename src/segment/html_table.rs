//! HTML tables inside text (`<table>` … `</table>`), as PDF-to-Markdown
//! converters write them: rows of `<th>` / `<td>` cells, with `colspan`
//! and `rowspan`. A cell spanning columns becomes the cell and empty cells
//! to its right (how a spanning header reads in the other table kinds); a
//! cell spanning rows leaves the cells below it empty, so a row label is
//! carried down and a header is not repeated.

use crate::normalize::NormLine;
use crate::text::MappedText;

use super::lines::RawLines;
use super::table::{grid_cell, GridCell};

/// Lines a table may take before its `</table>` is no longer looked for.
const MAX_TABLE_LINES: usize = 5000;

/// Whether line `i` opens a table, and the index of the line that closes it.
pub(crate) fn html_run(lines: &[NormLine], i: usize) -> Option<usize> {
    let first = lines.get(i)?;
    if !first
        .norm
        .text
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("<table")
    {
        return None;
    }
    lines
        .iter()
        .enumerate()
        .skip(i)
        .take(MAX_TABLE_LINES)
        .find(|(_, l)| l.norm.text.to_ascii_lowercase().contains("</table"))
        .map(|(k, _)| k)
}

/// One cell as read, before spans are laid out.
struct HtmlCell {
    text: MappedText,
    header: bool,
    colspan: usize,
    rowspan: usize,
}

/// The rows of a table's lines, and how many leading rows are all `<th>`.
pub(crate) fn html_rows(
    lines: &[NormLine],
    raw: &mut RawLines<'_>,
) -> (Vec<Vec<Option<GridCell>>>, Option<usize>) {
    let mut rows: Vec<Vec<HtmlCell>> = vec![];
    let mut row: Option<Vec<HtmlCell>> = None;
    let mut cell: Option<HtmlCell> = None;
    for line in lines {
        let chars: Vec<char> = line.norm.text.chars().collect();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            if c == '<' {
                if let Some(close) = chars.iter().skip(i).position(|&x| x == '>') {
                    let tag: String = chars
                        .get(i + 1..i + close)
                        .unwrap_or_default()
                        .iter()
                        .collect();
                    let (name, attrs) = tag_name(&tag);
                    match name.as_str() {
                        "tr" | "/tr" | "/table" | "table" | "/thead" | "/tbody" => {
                            close_cell(&mut cell, &mut row);
                            if let Some(r) = row.take() {
                                rows.push(r);
                            }
                            if name == "tr" {
                                row = Some(vec![]);
                            }
                        }
                        "td" | "th" => {
                            close_cell(&mut cell, &mut row);
                            row.get_or_insert_with(Vec::new);
                            cell = Some(HtmlCell {
                                text: MappedText::new(),
                                header: name == "th",
                                colspan: span_attr(attrs, "colspan"),
                                rowspan: span_attr(attrs, "rowspan"),
                            });
                        }
                        "/td" | "/th" => close_cell(&mut cell, &mut row),
                        _ => {
                            // Tags inside a cell (`<br>`, `<li>`) keep words apart.
                            if let Some(open) = cell.as_mut() {
                                open.text.push(' ', line.norm.pos_at(i));
                            }
                        }
                    }
                    i += close + 1;
                    continue;
                }
            }
            if let Some(open) = cell.as_mut() {
                open.text.push(c, line.norm.pos_at(i));
            }
            i += 1;
        }
        if let Some(open) = cell.as_mut() {
            let at = line.norm.pos.last().copied().unwrap_or_default();
            open.text.push(' ', at);
        }
    }
    close_cell(&mut cell, &mut row);
    if let Some(r) = row.take() {
        rows.push(r);
    }
    rows.retain(|r| !r.is_empty());
    let header_rows = rows
        .iter()
        .take_while(|r| r.iter().all(|c| c.header))
        .count();
    (lay_out(rows, raw), (header_rows > 0).then_some(header_rows))
}

fn close_cell(cell: &mut Option<HtmlCell>, row: &mut Option<Vec<HtmlCell>>) {
    if let Some(c) = cell.take() {
        row.get_or_insert_with(Vec::new).push(c);
    }
}

/// `td colspan="2"` → (`td`, `colspan="2"`), the name lower-cased.
fn tag_name(tag: &str) -> (String, &str) {
    let t = tag.trim();
    let end = t.find(|c: char| c.is_whitespace()).unwrap_or(t.len());
    let (name, attrs) = t.split_at(end);
    (name.trim_end_matches('/').to_ascii_lowercase(), attrs)
}

/// A `colspan` / `rowspan` value, 1 when absent or unreadable (at most 1000).
fn span_attr(attrs: &str, name: &str) -> usize {
    let lower = attrs.to_ascii_lowercase();
    let Some(at) = lower.find(name) else {
        return 1;
    };
    let digits: String = lower
        .get(at + name.len()..)
        .unwrap_or_default()
        .chars()
        .skip_while(|c| matches!(c, '=' | '"' | '\'' | ' '))
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse::<usize>().unwrap_or(1).clamp(1, 1000)
}

/// Place cells on the grid: a column spanned from a row above is skipped
/// (left empty), a colspan adds empty cells after its cell.
fn lay_out(rows: Vec<Vec<HtmlCell>>, raw: &mut RawLines<'_>) -> Vec<Vec<Option<GridCell>>> {
    // Per column, how many more rows a rowspan above still covers.
    let mut covered: Vec<usize> = vec![];
    let mut out = vec![];
    for r in rows {
        let mut grid_row: Vec<Option<GridCell>> = vec![];
        let mut col = 0;
        let mut cells = r.into_iter();
        let mut next = cells.next();
        while next.is_some() || covered.iter().skip(col).any(|&n| n > 0) {
            if covered.get(col).is_some_and(|&n| n > 0) {
                grid_row.push(None);
                col += 1;
                continue;
            }
            let Some(c) = next.take() else {
                break;
            };
            grid_row.push(grid_cell(c.text, raw));
            for k in 0..c.colspan {
                if covered.len() <= col + k {
                    covered.resize(col + k + 1, 0);
                }
                if let Some(slot) = covered.get_mut(col + k) {
                    *slot = (*slot).max(c.rowspan);
                }
                if k > 0 {
                    grid_row.push(None);
                }
            }
            col += c.colspan;
            next = cells.next();
        }
        for n in &mut covered {
            *n = n.saturating_sub(1);
        }
        out.push(grid_row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::lines::test_util::norm_line;
    use super::*;

    fn grid(text: &str) -> (Vec<Vec<String>>, Option<usize>) {
        let ls: Vec<NormLine> = text
            .lines()
            .enumerate()
            .map(|(i, l)| norm_line(u32::try_from(i + 1).unwrap_or(0), l))
            .collect();
        let mut raw = RawLines::new(&ls);
        let (rows, header) = html_rows(&ls, &mut raw);
        let texts = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| c.as_ref().map_or(String::new(), |c| c.content.text.clone()))
                    .collect()
            })
            .collect();
        (texts, header)
    }

    #[test]
    fn colspan_and_rowspan_leave_empty_cells() {
        let (rows, header) = grid(
            "<table>\n\
             <tr><th rowspan=\"2\">指標</th><th colspan=\"2\">R5</th></tr>\n\
             <tr><th>目標</th><th>実績</th></tr>\n\
             <tr><td rowspan=2>来場者数</td><td>100</td><td>90</td></tr>\n\
             <tr><td>200</td><td>190</td></tr>\n\
             </table>",
        );
        assert_eq!(header, Some(2));
        assert_eq!(rows[0], ["指標", "R5", ""]);
        assert_eq!(rows[1], ["", "目標", "実績"]);
        assert_eq!(rows[2], ["来場者数", "100", "90"]);
        assert_eq!(rows[3], ["", "200", "190"]);
    }

    #[test]
    fn a_table_on_one_line_and_unclosed_cells() {
        let (rows, header) =
            grid("<table><tr><td>a<td>1<tr><td>b<br>c</td><td>2</td></tr></table>");
        assert_eq!(header, None);
        assert_eq!(rows, [["a", "1"], ["b c", "2"]]);
    }

    #[test]
    fn span_attributes() {
        assert_eq!(span_attr(" colspan=\"3\"", "colspan"), 3);
        assert_eq!(span_attr(" rowspan='2'", "rowspan"), 2);
        assert_eq!(span_attr("", "colspan"), 1);
        assert_eq!(span_attr(" colspan=\"99999\"", "colspan"), 1000);
        assert_eq!(tag_name("td colspan=2"), ("td".to_string(), " colspan=2"));
        assert_eq!(tag_name("br/"), ("br".to_string(), ""));
    }
}
