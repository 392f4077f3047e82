//! Text that remembers where each character came from.

use crate::model::Pos;

/// Normalized text with one source position per `char`, so every value
/// read from it can point back at the decoded input (provenance).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappedText {
    pub text: String,
    /// `pos[i]` is where the i-th char of `text` came from.
    pub pos: Vec<Pos>,
}

impl MappedText {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, c: char, at: Pos) {
        self.text.push(c);
        self.pos.push(at);
    }

    pub fn push_str(&mut self, other: &MappedText) {
        self.text.push_str(&other.text);
        self.pos.extend_from_slice(&other.pos);
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Position of char `i`, or of the last char when `i` is past the end.
    pub fn pos_at(&self, i: usize) -> Pos {
        self.pos
            .get(i)
            .or_else(|| self.pos.last())
            .copied()
            .unwrap_or_default()
    }

    /// Chars `start..end` (char indices), clamped to the text.
    pub fn slice(&self, start: usize, end: usize) -> MappedText {
        let end = end.min(self.pos.len());
        let start = start.min(end);
        MappedText {
            text: self.text.chars().skip(start).take(end - start).collect(),
            pos: self
                .pos
                .get(start..end)
                .map(<[Pos]>::to_vec)
                .unwrap_or_default(),
        }
    }

    /// The text with leading and trailing white space removed, positions kept.
    pub fn trim(&self) -> MappedText {
        let chars: Vec<char> = self.text.chars().collect();
        let start = chars
            .iter()
            .position(|c| !c.is_whitespace())
            .unwrap_or(chars.len());
        let end = chars
            .iter()
            .rposition(|c| !c.is_whitespace())
            .map_or(start, |i| i + 1);
        self.slice(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mt(s: &str, line: u32) -> MappedText {
        let mut m = MappedText::new();
        for (i, c) in s.chars().enumerate() {
            m.push(
                c,
                Pos {
                    line,
                    col: i as u32,
                },
            );
        }
        m
    }

    #[test]
    fn slice_and_trim_keep_positions() {
        let m = mt("  ab c ", 3);
        let t = m.trim();
        assert_eq!(t.text, "ab c");
        assert_eq!(t.pos_at(0), Pos { line: 3, col: 2 });
        assert_eq!(m.slice(5, 99).text, "c ");
        assert_eq!(m.slice(9, 2).text, "");
    }

    #[test]
    fn pos_at_past_end_is_last() {
        let m = mt("ab", 1);
        assert_eq!(m.pos_at(10), Pos { line: 1, col: 1 });
        assert_eq!(MappedText::new().pos_at(0), Pos::default());
    }
}
