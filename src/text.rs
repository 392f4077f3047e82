//! Text that remembers where each character came from.

use std::ops::Range;

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

    #[inline]
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
        let b0 = byte_after_chars(&self.text, 0, start);
        let b1 = byte_after_chars(&self.text, b0, end - start);
        MappedText {
            text: self.text.get(b0..b1).unwrap_or_default().to_string(),
            pos: self
                .pos
                .get(start..end)
                .map(<[Pos]>::to_vec)
                .unwrap_or_default(),
        }
    }

    /// Chars `chars` of the text, which take up bytes `bytes`: for callers
    /// that walked the text already and know both.
    pub fn slice_known(&self, bytes: Range<usize>, chars: Range<usize>) -> MappedText {
        MappedText {
            text: self.text.get(bytes).unwrap_or_default().to_string(),
            pos: self.pos.get(chars).map(<[Pos]>::to_vec).unwrap_or_default(),
        }
    }

    /// The text with leading and trailing white space removed, positions kept.
    pub fn trim(&self) -> MappedText {
        match self.trim_range() {
            None => self.clone(),
            Some((start, end)) => self.slice(start, end),
        }
    }

    /// [`MappedText::trim`], reusing `self` when there is nothing to trim.
    pub fn into_trimmed(self) -> MappedText {
        match self.trim_range() {
            None => self,
            Some((start, end)) => self.slice(start, end),
        }
    }

    /// Char range of the trimmed text, or `None` when nothing would be cut.
    fn trim_range(&self) -> Option<(usize, usize)> {
        let rest = self.text.trim_start();
        let lead = self.text.len() - rest.len();
        let body = rest.trim_end();
        if lead == 0 && body.len() == rest.len() {
            return None;
        }
        let start = self.text.get(..lead).unwrap_or_default().chars().count();
        Some((start, start + body.chars().count()))
    }
}

/// Byte offset `n` chars after byte `from` of `text` (its length past the end).
fn byte_after_chars(text: &str, from: usize, n: usize) -> usize {
    if n == 0 {
        return from.min(text.len());
    }
    let rest = text.get(from..).unwrap_or_default();
    rest.char_indices()
        .nth(n)
        .map_or(text.len(), |(b, _)| from + b)
}

/// `s` with full-width digits (`０`–`９`) as ASCII ones, everything else
/// as it is: for readers of short strings (a header cell, a finding's
/// evidence) that did not come through `normalize`.
pub fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// `text` ends with the Latin word `word` (any case), not inside a longer
/// word: `kan_code` and `pdf page` do, `barcode` and `casino` do not.
pub fn ends_with_latin_word(text: &str, word: &str) -> bool {
    let Some(start) = text.len().checked_sub(word.len()) else {
        return false;
    };
    let Some(tail) = text.get(start..) else {
        return false;
    };
    tail.eq_ignore_ascii_case(word)
        && !text
            .get(..start)
            .and_then(|head| head.chars().next_back())
            .is_some_and(|c| c.is_ascii_alphabetic())
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
