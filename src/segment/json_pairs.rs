//! Machine exports read as text: a document that parses as JSON is a
//! record of fields, not prose. Its `"key": value` pairs become key-value
//! blocks, one per source line (a pretty-printed export puts one pair on a
//! line; a one-line export puts them all on line 1), each pair keeping its
//! key, its value with source positions, and the objects it sits in, so
//! that extraction can read sibling fields of one record together
//! (`actual_value_text` with `actual_period_text`).

use std::rc::Rc;

use super::lines::{is_blank, is_punctuation_only, join_wrapped, lead_col, raw_join};
use super::SegBlock;
use crate::budget::Budget;
use crate::model::{Block, BlockKind, Pos};
use crate::normalize::{normalize_line, NormLine};
use crate::text::MappedText;

/// How a JSON scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonScalar {
    String,
    Number,
    /// `true`, `false`, `null`.
    Literal,
}

/// An object enclosing a pair: its number in the document (from 1, in
/// order of opening) and the key it sits under (an array's key for the
/// objects in an array; empty at the top).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonScope {
    pub object: u32,
    pub key: Rc<str>,
}

/// One scalar of a JSON document with the key that names it.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPair {
    /// The member name; for an element of an array, the array's key.
    pub key: Rc<str>,
    /// The scalar, unescaped and normalized; every char maps to its source.
    pub value: MappedText,
    pub scalar: JsonScalar,
    /// Enclosing objects, outermost first; one copy shared by the pairs of
    /// an object.
    pub scopes: Rc<[JsonScope]>,
}

impl JsonPair {
    /// The innermost object holding the pair.
    pub fn object(&self) -> Option<u32> {
        self.scopes.last().map(|s| s.object)
    }
}

/// Lines between budget checks.
const BUDGET_EVERY: usize = 256;

/// Blocks of a document that is JSON, or `Ok(None)` when it is not (then
/// it is read as text); `Err(())` once `budget` is spent.
pub(crate) fn json_blocks(
    doc_id: &str,
    lines: &[NormLine],
    budget: &Budget,
) -> Result<Option<Vec<SegBlock>>, ()> {
    let first = lines
        .iter()
        .flat_map(|l| l.raw.chars())
        .find(|c| !c.is_whitespace() && *c != '\u{FEFF}');
    if !matches!(first, Some('{' | '[')) {
        return Ok(None);
    }
    // Only a document that is JSON as a whole: anything else stays text.
    let whole = raw_join(lines);
    let whole = whole.trim_start_matches('\u{FEFF}');
    if serde_json::from_str::<serde::de::IgnoredAny>(whole).is_err() {
        return Ok(None);
    }
    let Some(walk) = walk(lines, budget)? else {
        return Ok(None);
    };
    Ok(Some(blocks(doc_id, lines, walk)))
}

/// What the walk over the document found.
struct Walk {
    /// Pairs with the first and last line index they span.
    pairs: Vec<(usize, usize, JsonPair)>,
    /// Lines holding a key whose value is an object or array: (line index, key).
    container_keys: Vec<(usize, Rc<str>)>,
}

enum Frame {
    Object {
        /// A key read and waiting for its value, with its line index.
        pending: Option<(Rc<str>, usize)>,
        /// The next string is a key (after `{` and `,`).
        expect_key: bool,
    },
    Array {
        key: Rc<str>,
    },
}

struct Walker {
    stack: Vec<Frame>,
    scopes: Vec<JsonScope>,
    shared: Rc<[JsonScope]>,
    next_object: u32,
    out: Walk,
}

impl Walker {
    /// The key a value opened here sits under, and the line of that key.
    fn take_key(&mut self, line: usize) -> (Rc<str>, usize) {
        match self.stack.last_mut() {
            Some(Frame::Object { pending, .. }) => pending.take().unwrap_or(("".into(), line)),
            Some(Frame::Array { key }) => (Rc::clone(key), line),
            None => ("".into(), line),
        }
    }

    fn open(&mut self, c: char, line: usize) {
        let (key, key_line) = self.take_key(line);
        if matches!(self.stack.last(), Some(Frame::Object { .. })) && !key.is_empty() {
            self.out.container_keys.push((key_line, Rc::clone(&key)));
        }
        if c == '{' {
            self.next_object += 1;
            self.scopes.push(JsonScope {
                object: self.next_object,
                key,
            });
            self.shared = self.scopes.clone().into();
            self.stack.push(Frame::Object {
                pending: None,
                expect_key: true,
            });
        } else {
            self.stack.push(Frame::Array { key });
        }
    }

    fn close(&mut self) {
        if let Some(Frame::Object { .. }) = self.stack.pop() {
            self.scopes.pop();
            self.shared = self.scopes.clone().into();
        }
    }

    fn scalar(&mut self, value: MappedText, scalar: JsonScalar, line: usize) {
        if let Some(Frame::Object {
            pending,
            expect_key,
        }) = self.stack.last_mut()
        {
            if *expect_key && scalar == JsonScalar::String {
                *pending = Some((value.text.as_str().into(), line));
                *expect_key = false;
                return;
            }
        }
        let (key, key_line) = self.take_key(line);
        self.out.pairs.push((
            key_line.min(line),
            line.max(key_line),
            JsonPair {
                key,
                value,
                scalar,
                scopes: Rc::clone(&self.shared),
            },
        ));
    }

    fn comma(&mut self) {
        if let Some(Frame::Object { expect_key, .. }) = self.stack.last_mut() {
            *expect_key = true;
        }
    }
}

/// Walk the lines of a document already known to be JSON. `Ok(None)` when
/// it turns out not to be (a string running past its line).
fn walk(lines: &[NormLine], budget: &Budget) -> Result<Option<Walk>, ()> {
    let mut w = Walker {
        stack: Vec::new(),
        scopes: Vec::new(),
        shared: Rc::from(Vec::new()),
        next_object: 0,
        out: Walk {
            pairs: Vec::new(),
            container_keys: Vec::new(),
        },
    };
    for (li, l) in lines.iter().enumerate() {
        if li % BUDGET_EVERY == 0 && budget.exceeded() {
            return Err(());
        }
        let chars: Vec<char> = l.raw.chars().collect();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            match c {
                '{' | '[' => {
                    w.open(c, li);
                    i += 1;
                }
                '}' | ']' => {
                    w.close();
                    i += 1;
                }
                ',' => {
                    w.comma();
                    i += 1;
                }
                '"' => {
                    let Some((value, next)) = string_at(l, &chars, i) else {
                        return Ok(None);
                    };
                    w.scalar(value, JsonScalar::String, li);
                    i = next;
                }
                c if c == '-' || c.is_ascii_alphanumeric() => {
                    let start = i;
                    while chars
                        .get(i)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || "+-.".contains(*c))
                    {
                        i += 1;
                    }
                    let mut value = MappedText::new();
                    for (k, c) in chars.iter().enumerate().take(i).skip(start) {
                        value.push(*c, pos(l.line, k));
                    }
                    let kind = if c == '-' || c.is_ascii_digit() {
                        JsonScalar::Number
                    } else {
                        JsonScalar::Literal
                    };
                    w.scalar(value, kind, li);
                }
                _ => i += 1,
            }
        }
    }
    Ok(Some(w.out))
}

fn pos(line: u32, col: usize) -> Pos {
    Pos {
        line,
        col: u32::try_from(col).unwrap_or(u32::MAX),
    }
}

/// The string literal opening at `chars[open]`: its text unescaped and
/// normalized, each char at the column it came from, and the index after
/// the closing quote. `None` when the line ends inside it.
fn string_at(l: &NormLine, chars: &[char], open: usize) -> Option<(MappedText, usize)> {
    let mut text = String::new();
    let mut cols: Vec<usize> = Vec::new();
    let mut i = open + 1;
    loop {
        let c = *chars.get(i)?;
        match c {
            '"' => break,
            '\\' => {
                let (decoded, used) = escape_at(chars, i)?;
                // A line break inside a value reads as two spaces: a break
                // between words or figures that normalizing cannot join
                // (it drops single spaces only).
                if decoded == '\n' {
                    text.push_str("  ");
                    cols.extend([i, i]);
                } else {
                    text.push(decoded);
                    cols.push(i);
                }
                i += used;
            }
            c => {
                text.push(c);
                cols.push(i);
                i += 1;
            }
        }
    }
    let norm = normalize_line(l.line, &text).norm;
    let mut value = MappedText::new();
    for (c, p) in norm.text.chars().zip(&norm.pos) {
        let col = cols.get(p.col as usize).copied().unwrap_or(open);
        value.push(c, pos(l.line, col));
    }
    Some((value, i + 1))
}

/// The char an escape at `chars[i]` (a backslash) stands for, and how many
/// chars it takes.
fn escape_at(chars: &[char], i: usize) -> Option<(char, usize)> {
    let c = *chars.get(i + 1)?;
    let simple = match c {
        '"' => Some('"'),
        '\\' => Some('\\'),
        '/' => Some('/'),
        'n' => Some('\n'),
        'b' | 'f' | 'r' | 't' => Some(' '),
        _ => None,
    };
    if let Some(s) = simple {
        return Some((s, 2));
    }
    if c != 'u' {
        return None;
    }
    let hex = |at: usize| -> Option<u32> {
        let s: String = chars.get(at..at + 4)?.iter().collect();
        u32::from_str_radix(&s, 16).ok()
    };
    let first = hex(i + 2)?;
    if (0xD800..0xDC00).contains(&first) {
        // A surrogate pair: `\uD83D\uDE00`.
        let low = (chars.get(i + 6) == Some(&'\\') && chars.get(i + 7) == Some(&'u'))
            .then(|| hex(i + 8))
            .flatten()
            .filter(|l| (0xDC00..0xE000).contains(l));
        if let Some(low) = low {
            let code = 0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00);
            return Some((char::from_u32(code).unwrap_or('\u{FFFD}'), 12));
        }
        return Some(('\u{FFFD}', 6));
    }
    Some((char::from_u32(first).unwrap_or('\u{FFFD}'), 6))
}

/// One block per run of lines the pairs span (one line, unless a key and
/// its value stand on different lines); lines of brackets only are
/// unparsed punctuation, as in text.
fn blocks(doc_id: &str, lines: &[NormLine], walk: Walk) -> Vec<SegBlock> {
    // Each line's group: the first line of the run it belongs to.
    let mut spans: Vec<(usize, usize)> = walk.pairs.iter().map(|(a, b, _)| (*a, *b)).collect();
    spans.extend(walk.container_keys.iter().map(|(l, _)| (*l, *l)));
    spans.sort_unstable();
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (a, b) in spans {
        match runs.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => runs.push((a, b)),
        }
    }
    let mut pairs = walk.pairs.into_iter().peekable();
    let mut keys = walk.container_keys.into_iter().peekable();
    let mut out: Vec<SegBlock> = Vec::new();
    let mut runs = runs.into_iter().peekable();
    let mut li = 0;
    while li < lines.len() {
        let Some(l) = lines.get(li) else { break };
        if let Some(&(a, b)) = runs.peek().filter(|r| r.0 == li) {
            runs.next();
            let mut mine = Vec::new();
            while let Some((_, _, p)) = pairs.next_if(|(first, _, _)| *first <= b) {
                mine.push(p);
            }
            let mut container_key = None;
            while let Some((_, k)) = keys.next_if(|(line, _)| *line <= b) {
                container_key.get_or_insert(k);
            }
            let covered = lines.get(a..=b).unwrap_or_default();
            let parts: Vec<MappedText> = covered.iter().map(|l| l.norm.trim()).collect();
            let content = join_wrapped(&parts);
            let (key, text) = match (mine.as_slice(), container_key) {
                ([p], _) => (
                    Some(p.key.to_string()),
                    format!("{}: {}", p.key, p.value.text.trim()),
                ),
                ([], Some(k)) => (Some(k.to_string()), format!("{k}:")),
                _ => (None, content.text.clone()),
            };
            out.push(block(
                doc_id,
                &out,
                covered,
                BlockKind::KeyValue,
                key,
                text,
                None,
                content,
                mine,
            ));
            li = b + 1;
            continue;
        }
        if !is_blank(&l.raw) {
            let body = l.norm.trim();
            let chars: Vec<char> = body.text.chars().collect();
            // Brackets and commas only (`},`, `]`).
            let reason = if is_punctuation_only(&chars) || chars.len() < 3 {
                "rule or punctuation only"
            } else {
                "not read as a JSON pair"
            };
            out.push(block(
                doc_id,
                &out,
                std::slice::from_ref(l),
                BlockKind::Unparsed,
                None,
                body.text.clone(),
                Some(reason.to_string()),
                body,
                Vec::new(),
            ));
        }
        li += 1;
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn block(
    doc_id: &str,
    out: &[SegBlock],
    covered: &[NormLine],
    kind: BlockKind,
    key: Option<String>,
    text: String,
    reason: Option<String>,
    content: MappedText,
    pairs: Vec<JsonPair>,
) -> SegBlock {
    let (line, line_end, col) = match (covered.first(), covered.last()) {
        (Some(f), Some(l)) => (f.line, l.line, lead_col(&f.raw)),
        _ => (0, 0, 0),
    };
    SegBlock {
        block: Block {
            doc_id: doc_id.to_string(),
            block_id: u32::try_from(out.len() + 1).unwrap_or(u32::MAX),
            parent_id: None,
            kind,
            level: None,
            marker: None,
            text,
            key,
            reason,
            line,
            line_end,
            col,
            raw: raw_join(covered),
        },
        content,
        cells: Vec::new(),
        pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::lines::test_util::doc;

    fn seg(text: &str) -> Option<Vec<SegBlock>> {
        json_blocks("d", &doc(text), &Budget::unlimited())
            .ok()
            .flatten()
    }

    #[test]
    fn one_line_export_is_one_block_of_pairs() {
        let b = seg(r#"{"records":[{"actual_value_text":"95.7%","actual_period_text":"R6年度"},{"target":"１２件"}]}"#)
            .unwrap();
        assert_eq!(b.len(), 1);
        let pairs = &b[0].pairs;
        assert_eq!(pairs.len(), 3);
        assert_eq!(&*pairs[0].key, "actual_value_text");
        assert_eq!(pairs[0].value.text, "95.7%");
        assert_eq!(pairs[0].object(), pairs[1].object());
        assert_ne!(pairs[0].object(), pairs[2].object());
        assert_eq!(&*pairs[2].scopes[1].key, "records");
        // Full-width digits are folded; each char maps to its own column.
        assert_eq!(pairs[2].value.text, "12件");
        let col = pairs[2].value.pos[0].col as usize;
        let raw: Vec<char> = b[0].block.raw.chars().collect();
        assert_eq!(raw[col], '１');
    }

    #[test]
    fn pretty_printed_export_is_one_block_per_line() {
        let text = "{\n  \"name\": \"北山市\",\n  \"items\": [\n    {\n      \"target_value\": 47,\n      \"memo\": \"a\\nb \\\"c\\\"\"\n    }\n  ]\n}\n";
        let b = seg(text).unwrap();
        let kinds: Vec<_> = b.iter().map(|b| b.block.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "unparsed",
                "key_value",
                "key_value",
                "unparsed",
                "key_value",
                "key_value",
                "unparsed",
                "unparsed",
                "unparsed"
            ]
        );
        assert_eq!(b[2].block.key.as_deref(), Some("items"));
        assert_eq!(b[4].pairs[0].scalar, JsonScalar::Number);
        assert_eq!(&*b[4].pairs[0].scopes[1].key, "items");
        assert_eq!(b[5].pairs[0].value.text, "a  b \"c\"");
        for (i, x) in b.iter().enumerate() {
            assert_eq!(x.block.line as usize, i + 1);
        }
    }

    #[test]
    fn not_json_stays_text() {
        assert!(seg("事業費：1,234千円").is_none());
        assert!(seg("{\"a\": 1").is_none(), "broken JSON");
        assert!(seg("[1, 2] 以降").is_none());
    }
}
