//! Small line helpers shared by the text and delimited segmenters.

use crate::model::Pos;
use crate::normalize::NormLine;
use crate::text::MappedText;

/// A line holding only white space (tabs and ideographic spaces included).
pub(crate) fn is_blank(raw: &str) -> bool {
    raw.chars().all(char::is_whitespace)
}

/// Char column of the first non-space char.
pub(crate) fn lead_col(raw: &str) -> u32 {
    let n = raw.chars().take_while(|c| c.is_whitespace()).count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Visual indentation, for list nesting: a tab counts 4, an ideographic space 2.
pub(crate) fn indent_width(raw: &str) -> u32 {
    raw.chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| match c {
            '\t' => 4,
            '\u{3000}' => 2,
            _ => 1,
        })
        .sum()
}

/// The exact source lines joined with `\n`.
pub(crate) fn raw_join(lines: &[NormLine]) -> String {
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&l.raw);
    }
    out
}

fn is_ascii_alnum(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Join wrapped lines: nothing between CJK chars (so `…104` + `機関` reads
/// `…104機関`), one space between ASCII alphanumerics, and one space after a
/// number that stands apart on its line. The inserted space takes the
/// position of the char after it.
pub(crate) fn join_wrapped(parts: &[MappedText]) -> MappedText {
    let mut out = MappedText::new();
    let mut after_column_number = false;
    for part in parts {
        let part = part.trim();
        let Some(&first_pos) = part.pos.first() else {
            continue;
        };
        let ascii_pair =
            is_ascii_alnum(out.text.chars().last()) && is_ascii_alnum(part.text.chars().next());
        if ascii_pair || after_column_number {
            out.push(' ', first_pos);
        }
        out.push_str(&part);
        after_column_number = ends_with_column_number(&part.text);
    }
    out
}

/// Whether a line ends in a number that is not glued to the words before
/// it: alone on the line or after a space, as in the columns of
/// layout-preserving PDF text (`役務費            740`). Such a number ends a
/// row, so the next line's first word (`人間ドック`) is not its unit; a
/// sentence wrapped after its number (`ネットワーク。104`) still joins.
fn ends_with_column_number(line: &str) -> bool {
    let before = line.trim_end_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
    before.len() < line.len() && before.chars().last().is_none_or(char::is_whitespace)
}

/// Join two pieces with one space (a value that stood on a later line).
pub(crate) fn join_spaced(a: &MappedText, b: &MappedText) -> MappedText {
    let mut out = a.clone();
    if let Some(&p) = b.pos.first() {
        if !out.is_empty() {
            out.push(' ', p);
        }
        out.push_str(b);
    }
    out
}

/// `- 1 -`, `－１２－`, `— 3 —` page numbers.
pub(crate) fn is_page_marker(chars: &[char]) -> bool {
    let dash = |c: &char| matches!(c, '-' | '－' | '―' | '—' | '‐' | '−');
    let (Some(first), Some(last)) = (chars.first(), chars.last()) else {
        return false;
    };
    if !dash(first) || !dash(last) || chars.len() < 3 {
        return false;
    }
    let inner = chars
        .get(1..chars.len().saturating_sub(1))
        .unwrap_or_default();
    let digits = inner
        .iter()
        .filter(|c| c.is_ascii_digit() || ('０'..='９').contains(*c))
        .count();
    digits > 0
        && inner
            .iter()
            .all(|c| c.is_whitespace() || c.is_ascii_digit() || ('０'..='９').contains(c))
}

/// Rules and punctuation runs (`----`, `====`, `・・・`, `* * *`) with no text.
pub(crate) fn is_punctuation_only(chars: &[char]) -> bool {
    // Text lines fail at their first letter; counting first walked them whole.
    !chars.iter().any(|c| c.is_alphanumeric())
        && chars.iter().filter(|c| !c.is_whitespace()).count() >= 3
}

/// Byte offsets of each char of recently used source lines, so that cells
/// can quote their exact source text cheaply even on long lines.
pub(crate) struct RawLines<'a> {
    lines: &'a [NormLine],
    /// (line number, byte offset of every char plus the end); a few lines only.
    recent: Vec<(u32, Vec<usize>)>,
}

/// Lines kept in `RawLines::recent` (a table row or a CSV record spans few).
const RECENT_LINES: usize = 8;

impl<'a> RawLines<'a> {
    pub(crate) fn new(lines: &'a [NormLine]) -> Self {
        Self {
            lines,
            recent: Vec::new(),
        }
    }

    fn line(&self, no: u32) -> Option<&'a NormLine> {
        // Lines are usually numbered 1, 2, 3…: try the direct index first.
        let guess = usize::try_from(no).ok()?.checked_sub(1)?;
        match self.lines.get(guess) {
            Some(l) if l.line == no => Some(l),
            _ => {
                let i = self.lines.binary_search_by_key(&no, |l| l.line).ok()?;
                self.lines.get(i)
            }
        }
    }

    fn byte_at(&mut self, no: u32, col: u32) -> Option<(&'a str, usize)> {
        let line = self.line(no)?;
        let k = match self.recent.iter().position(|(n, _)| *n == no) {
            Some(k) => k,
            None => {
                if self.recent.len() >= RECENT_LINES {
                    self.recent.clear();
                }
                let mut v: Vec<usize> = line.raw.char_indices().map(|(b, _)| b).collect();
                v.push(line.raw.len());
                self.recent.push((no, v));
                self.recent.len().saturating_sub(1)
            }
        };
        let offs = &self.recent.get(k)?.1;
        let last = offs.last().copied().unwrap_or(0);
        let b = usize::try_from(col)
            .ok()
            .and_then(|c| offs.get(c))
            .copied()
            .unwrap_or(last);
        Some((line.raw.as_str(), b))
    }

    /// Source text from `from` to `to`, both chars included; lines joined with `\n`.
    pub(crate) fn slice(&mut self, from: Pos, to: Pos) -> String {
        let mut out = String::new();
        if to < from {
            return out;
        }
        for no in from.line..=to.line {
            let start = if no == from.line { from.col } else { 0 };
            let Some((raw, b0)) = self.byte_at(no, start) else {
                continue;
            };
            let b1 = if no == to.line {
                self.byte_at(no, to.col.saturating_add(1))
                    .map_or(raw.len(), |x| x.1)
            } else {
                raw.len()
            };
            if no != from.line {
                out.push('\n');
            }
            out.push_str(raw.get(b0..b1.max(b0)).unwrap_or_default());
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod test_util {
    use super::*;

    /// A NormLine whose normal form is the raw text, char i at col i
    /// (stand-in for the normalizer in unit tests).
    pub(crate) fn norm_line(line: u32, raw: &str) -> NormLine {
        let mut norm = MappedText::new();
        for (i, c) in raw.chars().enumerate() {
            norm.push(
                c,
                Pos {
                    line,
                    col: u32::try_from(i).unwrap_or(u32::MAX),
                },
            );
        }
        NormLine::new(line, raw.to_string(), norm)
    }

    pub(crate) fn doc(text: &str) -> Vec<NormLine> {
        text.split('\n')
            .enumerate()
            .map(|(i, l)| {
                norm_line(
                    u32::try_from(i + 1).unwrap_or(u32::MAX),
                    l.trim_end_matches('\r'),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_util::*;
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn blank_and_indent() {
        assert!(is_blank(" \t\u{3000}"));
        assert!(is_blank(""));
        assert!(!is_blank(" a"));
        assert_eq!(lead_col("\u{3000} x"), 2);
        assert_eq!(indent_width("\t\u{3000} x"), 7);
    }

    #[test]
    fn wrapped_numbers_join_whole() {
        let a = norm_line(3, "情報交流のネットワーク。104");
        let b = norm_line(4, "機関加盟）");
        let j = join_wrapped(&[a.norm, b.norm]);
        assert_eq!(j.text, "情報交流のネットワーク。104機関加盟）");
        assert_eq!(j.pos_at(15), Pos { line: 4, col: 0 });
        let c = norm_line(1, "Society");
        let d = norm_line(2, " 5.0 plan");
        assert_eq!(join_wrapped(&[c.norm, d.norm]).text, "Society 5.0 plan");
    }

    #[test]
    fn a_number_in_its_own_column_does_not_take_the_next_line_as_unit() {
        let a = norm_line(1, "11 役務費            740");
        let b = norm_line(2, "人間ドック・脱ドック");
        let j = join_wrapped(&[a.norm, b.norm]);
        assert_eq!(j.text, "11 役務費            740 人間ドック・脱ドック");
        assert_eq!(j.pos_at(22), Pos { line: 2, col: 0 });
        let c = norm_line(1, "消耗品費\u{3000}1.001");
        let d = norm_line(2, "市ウェブサイト運営管理");
        assert_eq!(
            join_wrapped(&[c.norm, d.norm]).text,
            "消耗品費\u{3000}1.001 市ウェブサイト運営管理"
        );
        let e = norm_line(1, "        299,237");
        let f = norm_line(2, "時間外勤務手当");
        assert_eq!(
            join_wrapped(&[e.norm, f.norm]).text,
            "299,237 時間外勤務手当"
        );
    }

    #[test]
    fn page_markers_and_rules() {
        assert!(is_page_marker(&chars("- 1 -")));
        assert!(is_page_marker(&chars("－１２－")));
        assert!(!is_page_marker(&chars("- 項目 -")));
        assert!(!is_page_marker(&chars("--")));
        assert!(is_punctuation_only(&chars("----")));
        assert!(is_punctuation_only(&chars("・・・")));
        assert!(!is_punctuation_only(&chars("」")));
        assert!(!is_punctuation_only(&chars("-- a --")));
    }

    #[test]
    fn raw_slices_across_lines() {
        let lines = doc("ab「c」d\nxyz");
        let mut r = RawLines::new(&lines);
        assert_eq!(
            r.slice(Pos { line: 1, col: 2 }, Pos { line: 1, col: 4 }),
            "「c」"
        );
        assert_eq!(
            r.slice(Pos { line: 1, col: 5 }, Pos { line: 2, col: 1 }),
            "d\nxy"
        );
        assert_eq!(
            r.slice(Pos { line: 1, col: 90 }, Pos { line: 1, col: 99 }),
            ""
        );
        assert_eq!(
            r.slice(Pos { line: 7, col: 0 }, Pos { line: 7, col: 1 }),
            ""
        );
        assert_eq!(
            r.slice(Pos { line: 2, col: 1 }, Pos { line: 1, col: 1 }),
            ""
        );
    }
}
