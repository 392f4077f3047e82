//! Stage 2: one normal form for the text, with a map back to the source.
// OWNER: helper "decode+normalize". Interface below is fixed; fill in the bodies.
//
// Meaning first, then width: range marks, minus signs and dashes are mapped to
// one canonical character each before full-width ASCII is folded, so that
// `～` (range) and `－` (minus / "no value") survive, and `①`, `㈱`, `△` are
// never touched (no NFKC). Then spaces that PDF extraction put inside words
// and numbers are dropped. Every output char keeps the column of its source.

use crate::decode::lines;
use crate::model::Pos;
use crate::text::MappedText;

/// One decoded line and its normal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormLine {
    /// 1-based line number in the decoded text.
    pub line: u32,
    /// The decoded line exactly as it was.
    pub raw: String,
    /// Normalized text; tabs are kept (they separate table cells).
    pub norm: MappedText,
    /// Byte offset in `raw` of every `RAW_MARK_EVERY`-th char from the
    /// `RAW_MARK_EVERY`-th on, so that a column becomes a byte offset without
    /// walking a long line from its start (one walk per mention made 50 MB
    /// lines quadratic). Char 0 is at byte 0 and not stored: most lines are
    /// shorter than one step and then need no allocation.
    raw_marks: Vec<usize>,
}

const RAW_MARK_EVERY: usize = 64;

impl NormLine {
    pub fn new(line: u32, raw: String, norm: MappedText) -> NormLine {
        // A line of at most RAW_MARK_EVERY bytes has no more chars than that.
        let raw_marks = if raw.len() > RAW_MARK_EVERY {
            raw.char_indices()
                .step_by(RAW_MARK_EVERY)
                .skip(1)
                .map(|(b, _)| b)
                .collect()
        } else {
            Vec::new()
        };
        NormLine {
            line,
            raw,
            norm,
            raw_marks,
        }
    }

    /// Byte offset of char column `col` of `raw` (its length past the end).
    fn raw_byte(&self, col: usize) -> usize {
        let mark = match (col / RAW_MARK_EVERY).checked_sub(1) {
            None => 0,
            Some(k) => match self.raw_marks.get(k) {
                Some(&mark) => mark,
                None => return self.raw.len(),
            },
        };
        let rest = self.raw.get(mark..).unwrap_or_default();
        rest.char_indices()
            .nth(col % RAW_MARK_EVERY)
            .map_or(self.raw.len(), |(b, _)| mark + b)
    }

    /// The raw chars in columns `from..to`, clamped to the line.
    pub fn raw_cols(&self, from: usize, to: usize) -> &str {
        let start = self.raw_byte(from);
        let to = to.max(from);
        // A short span is walked from its start rather than from a mark.
        let end = if to - from <= to % RAW_MARK_EVERY {
            let rest = self.raw.get(start..).unwrap_or_default();
            rest.char_indices()
                .nth(to - from)
                .map_or(self.raw.len(), |(b, _)| start + b)
        } else {
            self.raw_byte(to)
        };
        self.raw.get(start..end).unwrap_or_default()
    }
}

/// Normalize every line of a decoded text (see `split_lines`).
pub fn normalize_text(text: &str) -> Vec<NormLine> {
    lines(text)
        .enumerate()
        .map(|(i, raw)| normalize_line(u32::try_from(i + 1).unwrap_or(u32::MAX), raw))
        .collect()
}

/// Normalize one line.
pub fn normalize_line(line: u32, raw: &str) -> NormLine {
    let mut norm = fold(line, raw);
    // Every rule drops single spaces only: a line without one has nothing to
    // join. Most lines with one keep it, and then keep the folded text as is.
    if norm.text.contains(' ') {
        let mut chars: Vec<Ch> = norm
            .text
            .chars()
            .zip(norm.pos.iter().map(|p| p.col))
            .collect();
        let mut dropped = false;
        for rule in [
            join_era_letter as fn(&[Ch]) -> Vec<bool>,
            join_spelled_letters,
            join_spaced_cell,
            join_number_unit,
            join_date_parts,
        ] {
            let drop = rule(&chars);
            if drop.contains(&true) {
                let mut drop = drop.into_iter();
                chars.retain(|_| !drop.next().unwrap_or(false));
                dropped = true;
            }
        }
        if dropped {
            norm.text.clear();
            norm.pos.clear();
            for (c, col) in chars {
                norm.push(c, Pos { line, col });
            }
        }
    }
    NormLine::new(line, raw.to_owned(), norm)
}

/// A normalized char and the column of its source char.
type Ch = (char, u32);

/// The range mark every later stage matches.
const RANGE: char = '\u{FF5E}';

/// Half-width katakana U+FF66..=U+FF9D in order, as full-width.
const HALF_KANA: &str = "ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

/// Fold widths and marks of one line; every char remembers its source column.
fn fold(line: u32, raw: &str) -> MappedText {
    let mut out = MappedText {
        text: String::with_capacity(raw.len()),
        pos: Vec::with_capacity(raw.chars().count()),
    };
    let mut chars = raw.char_indices().peekable();
    let mut col: u32 = 0;
    // Most chars fold to themselves: they are copied a run at a time, from
    // this byte of `raw` up to the next char that changes.
    let mut copy_from = 0;
    while let Some((at, c)) = chars.next() {
        let here = Pos { line, col };
        col = col.saturating_add(1);
        let folded = fold_char(c);
        // Voicing marks, half-width or not, spacing or combining, merge into
        // the kana before them (`ﾊﾞ`, `ハ゛` from PDF text, `ハ\u{3099}`).
        let voiced = match chars.peek().map(|&(_, next)| next) {
            Some('\u{FF9E}' | '\u{309B}' | '\u{3099}') => dakuten(folded),
            Some('\u{FF9F}' | '\u{309C}' | '\u{309A}') => handakuten(folded),
            _ => None,
        };
        if voiced.is_none() && folded == c {
            out.pos.push(here);
            continue;
        }
        out.text
            .push_str(raw.get(copy_from..at).unwrap_or_default());
        if let Some(v) = voiced {
            // The mark merges into the kana: one output char for two source chars.
            chars.next();
            col = col.saturating_add(1);
            out.push(v, here);
        } else {
            out.push(folded, here);
        }
        copy_from = chars.peek().map_or(raw.len(), |&(next, _)| next);
    }
    out.text.push_str(raw.get(copy_from..).unwrap_or_default());
    out
}

fn fold_char(c: char) -> char {
    match c {
        '\u{FF5E}' | '\u{301C}' | '~' | '\u{223C}' | '\u{2053}' => RANGE,
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
        '\u{3000}' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => ' ',
        '\u{FF01}'..='\u{FF5D}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{FF61}' => '。',
        '\u{FF62}' => '「',
        '\u{FF63}' => '」',
        '\u{FF64}' => '、',
        '\u{FF65}' => '・',
        '\u{FF66}'..='\u{FF9D}' => usize::try_from(u32::from(c) - 0xFF66)
            .ok()
            .and_then(|i| HALF_KANA.chars().nth(i))
            .unwrap_or(c),
        '\u{FF9E}' => '\u{309B}',
        '\u{FF9F}' => '\u{309C}',
        _ => c,
    }
}

fn dakuten(kana: char) -> Option<char> {
    match kana {
        'ウ' => return Some('ヴ'),
        'う' => return Some('ゔ'),
        _ => {}
    }
    "かきくけこさしすせそたちつてとはひふへほカキクケコサシスセソタチツテトハヒフヘホ"
        .contains(kana)
        .then(|| char::from_u32(u32::from(kana) + 1))
        .flatten()
}

fn handakuten(kana: char) -> Option<char> {
    "はひふへほハヒフヘホ"
        .contains(kana)
        .then(|| char::from_u32(u32::from(kana) + 2))
        .flatten()
}

fn is_han(c: char) -> bool {
    matches!(u32::from(c),
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
        || matches!(c, '々' | '〆' | '〇')
}

fn is_kana(c: char) -> bool {
    matches!(u32::from(c), 0x3041..=0x309F | 0x30A1..=0x30FA | 0x30FC..=0x30FF)
}

fn is_cjk(c: char) -> bool {
    is_han(c) || is_kana(c)
}

fn char_at(chars: &[Ch], i: usize) -> Option<char> {
    chars.get(i).map(|&(c, _)| c)
}

fn char_before(chars: &[Ch], i: usize) -> Option<char> {
    i.checked_sub(1).and_then(|j| char_at(chars, j))
}

/// A space with a non-blank char on each side.
fn is_single_space(chars: &[Ch], i: usize) -> bool {
    let blank = |c: Option<char>| c.is_none_or(|c| c == ' ' || c == '\t');
    char_at(chars, i) == Some(' ') && !blank(char_before(chars, i)) && !blank(char_at(chars, i + 1))
}

/// `R 4`, `H 30`, `S 63` → `R4`, `H30`, `S63` (Reiwa, Heisei, Showa years),
/// and `平成 29` → `平成29`, `令和 元年` → `令和元年`.
fn join_era_letter(chars: &[Ch]) -> Vec<bool> {
    at_single_spaces(chars, |i| {
        let before2 = i.checked_sub(2).and_then(|j| char_at(chars, j));
        let letter_alone = matches!(char_before(chars, i), Some('R' | 'H' | 'S'))
            && !before2.is_some_and(|c| c.is_ascii_alphanumeric());
        let digits = ascii_digits_from(chars, i + 1);
        let era_named = is_era_name(before2, char_before(chars, i))
            && (digits > 0 || char_at(chars, i + 1) == Some('元'));
        (letter_alone && (1..=2).contains(&digits)) || era_named
    })
}

/// How many ASCII digits run from `start`.
fn ascii_digits_from(chars: &[Ch], start: usize) -> usize {
    chars
        .get(start..)
        .unwrap_or_default()
        .iter()
        .take_while(|(c, _)| c.is_ascii_digit())
        .count()
}

/// Which chars `rule` drops, asking it only about single spaces (see
/// `is_single_space`): the only chars the space rules ever drop.
fn at_single_spaces(chars: &[Ch], mut rule: impl FnMut(usize) -> bool) -> Vec<bool> {
    let mut drop = vec![false; chars.len()];
    for (i, d) in drop.iter_mut().enumerate() {
        if is_single_space(chars, i) {
            *d = rule(i);
        }
    }
    drop
}

fn is_era_name(first: Option<char>, second: Option<char>) -> bool {
    matches!(
        (first, second),
        (Some('令'), Some('和'))
            | (Some('平'), Some('成'))
            | (Some('昭'), Some('和'))
            | (Some('大'), Some('正'))
            | (Some('明'), Some('治'))
    )
}

/// Chars that glue an ASCII letter to a word (`A-B`, `v.2`), so a letter next
/// to them is not standing alone.
fn glues_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-./_&',:+@#".contains(c)
}

/// An ASCII letter or digit standing alone between non-word chars.
fn is_lone_alnum(chars: &[Ch], i: usize) -> bool {
    char_at(chars, i).is_some_and(|c| c.is_ascii_alphanumeric())
        && !char_before(chars, i).is_some_and(glues_word)
        && !char_at(chars, i + 1).is_some_and(glues_word)
}

/// `K P I` → `KPI`: two or more lone ASCII letters/digits, one space apart,
/// at least one a letter (a run of lone digits may be separate numbers).
fn join_spelled_letters(chars: &[Ch]) -> Vec<bool> {
    let mut drop = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if !is_lone_alnum(chars, i) {
            i += 1;
            continue;
        }
        let mut end = i;
        while char_at(chars, end + 1) == Some(' ') && is_lone_alnum(chars, end + 2) {
            end += 2;
        }
        let has_letter = (i..=end)
            .step_by(2)
            .any(|j| char_at(chars, j).is_some_and(|c| c.is_ascii_alphabetic()));
        if end > i && has_letter {
            for d in drop.iter_mut().take(end).skip(i + 1).step_by(2) {
                *d = true;
            }
        }
        i = end + 1;
    }
    drop
}

/// Cells of a line: split at tabs, `|` and runs of two or more spaces, the
/// column separators of tables and of layout-preserving PDF text.
fn cells(chars: &[Ch]) -> Vec<(usize, usize)> {
    let is_sep = |i: usize| match char_at(chars, i) {
        Some('\t' | '|') => true,
        Some(' ') => char_before(chars, i) == Some(' ') || char_at(chars, i + 1) == Some(' '),
        _ => false,
    };
    let mut out = Vec::new();
    let mut start = None;
    for i in 0..=chars.len() {
        let sep = i == chars.len() || is_sep(i);
        match (sep, start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

/// `支 援` → `支援`, `８ 年 度 以 降` → `８ 年度以降`: a cell made only of single
/// chars one space apart, mostly kana/kanji, is a letter-spaced word. Two lone
/// digits in a row are left apart: they may be two numbers.
fn join_spaced_cell(chars: &[Ch]) -> Vec<bool> {
    let mut drop = vec![false; chars.len()];
    for (start, end) in cells(chars) {
        let start = if char_at(chars, start) == Some(' ') {
            start + 1
        } else {
            start
        };
        let end = if end > start && char_before(chars, end) == Some(' ') {
            end - 1
        } else {
            end
        };
        let cell = chars.get(start..end).unwrap_or_default();
        let spaced = cell.iter().skip(1).step_by(2).all(|&(c, _)| c == ' ');
        // Checked before the tokens are gathered: most cells are not spaced.
        if cell.len() < 3 || cell.len() % 2 == 0 || !spaced {
            continue;
        }
        let tokens: Vec<char> = cell.iter().step_by(2).map(|&(c, _)| c).collect();
        let allowed = tokens
            .iter()
            .all(|&c| is_cjk(c) || c.is_ascii_digit() || "（）()「」【】『』".contains(c));
        let cjk = tokens.iter().filter(|&&c| is_cjk(c)).count();
        let digit_pair = tokens
            .windows(2)
            .any(|w| w.iter().all(char::is_ascii_digit));
        if allowed && cjk >= 2 && cjk * 2 >= tokens.len() && !digit_pair {
            // `1 特 別 職`: a leading number is a list marker and keeps its space.
            let first = if tokens.first().is_some_and(char::is_ascii_digit) {
                start + 2
            } else {
                start
            };
            for d in drop.iter_mut().take(end).skip(first + 1).step_by(2) {
                *d = true;
            }
        }
    }
    drop
}

/// Units written as two chars; a number before them always takes them.
const UNITS_2: &[&str] = &[
    "年度", "年間", "か年", "ヶ年", "カ年", "か月", "ヶ月", "ヵ月", "カ月", "か所", "ヶ所", "ヵ所",
    "カ所", "箇所", "か国", "ヶ国", "カ国", "世帯", "時間", "日間", "週間", "人日",
];

fn is_unit_2(first: char, second: char) -> bool {
    UNITS_2.iter().any(|u| {
        let mut cs = u.chars();
        cs.next() == Some(first) && cs.next() == Some(second) && cs.next().is_none()
    })
}

/// Counters and units; a number takes them when the word ends there.
const UNITS_1: &str = "年月日度時分秒週歳才人名件回円個台校社所戸割倍点本枚冊%";

/// Scale chars: `3 万人`, `12 億円`.
const SCALES: &str = "万千億兆";

/// `2017 年度` → `2017年度`, `3 人が` → `3人が`: a space between a number
/// and its unit is PDF spacing. A number that opens its cell followed by a
/// word (`003 人材育成費`, `１　日本事情`) is a code or list marker and keeps
/// its space, so units there must be two-char units or end the cell.
fn join_number_unit(chars: &[Ch]) -> Vec<bool> {
    at_single_spaces(chars, |i| {
        if !char_before(chars, i).is_some_and(|c| c.is_ascii_digit()) {
            return false;
        }
        let Some(unit) = char_at(chars, i + 1) else {
            return false;
        };
        let after = char_at(chars, i + 2);
        // `３ .１`: a section number split before its dot.
        if unit == '.' && after.is_some_and(|c| c.is_ascii_digit()) {
            return true;
        }
        if after.is_some_and(|after| is_unit_2(unit, after)) {
            return true;
        }
        let ends_cell = after.is_none_or(|c| c == '\t' || c == '|');
        if opens_cell(chars, i) {
            return UNITS_1.contains(unit) && ends_cell;
        }
        let word_ends = after.is_none_or(|c| !is_han(c));
        (UNITS_1.contains(unit) && word_ends)
            || (SCALES.contains(unit) && after.is_none_or(|c| !is_han(c) || UNITS_1.contains(c)))
    })
}

/// `2018年 1月 16日` → `2018年1月16日`: the parts of a date stay together.
/// Runs after `join_number_unit`, which has attached the units to the numbers.
fn join_date_parts(chars: &[Ch]) -> Vec<bool> {
    at_single_spaces(chars, |i| {
        let part_ends = matches!(char_before(chars, i), Some('年' | '月'))
            && i.checked_sub(2)
                .and_then(|j| char_at(chars, j))
                .is_some_and(|c| c.is_ascii_digit());
        let digits = ascii_digits_from(chars, i + 1);
        part_ends && digits > 0 && matches!(char_at(chars, i + 1 + digits), Some('月' | '日'))
    })
}

/// Whether the number ending just before `space` is the first thing in its cell.
fn opens_cell(chars: &[Ch], space: usize) -> bool {
    let mut j = space;
    while char_before(chars, j).is_some_and(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        j -= 1;
    }
    let mut blanks = 0;
    while char_before(chars, j) == Some(' ') {
        j -= 1;
        blanks += 1;
    }
    blanks >= 2 || char_before(chars, j).is_none_or(|c| c == '\t' || c == '|')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::split_lines;
    use proptest::prelude::*;

    fn norm(s: &str) -> String {
        normalize_line(1, s).norm.text
    }

    fn cols(s: &str) -> Vec<u32> {
        normalize_line(1, s)
            .norm
            .pos
            .iter()
            .map(|p| p.col)
            .collect()
    }

    #[test]
    fn full_width_ascii_folds_to_half_width() {
        assert_eq!(norm("３，３００人（１）％ＡＢｃ！"), "3,300人(1)%ABc!");
    }

    #[test]
    fn every_wave_dash_becomes_the_full_width_range_mark() {
        assert_eq!(norm("R4～R7"), "R4～R7");
        assert_eq!(norm("R4〜R7"), "R4～R7");
        assert_eq!(norm("R4~R7"), "R4～R7");
        assert_eq!(norm("平成１９∼２０年度"), "平成19～20年度");
        assert_eq!(norm("Ｒ４～Ｒ７（４年間）"), "R4～R7(4年間)");
    }

    #[test]
    fn dashes_and_minus_become_ascii_hyphen_never_long_vowel() {
        for c in ['－', '―', '‐', '‑', '−', '–', '—'] {
            assert_eq!(norm(&format!("目標{c}1")), "目標-1", "{c:?}");
        }
        assert_eq!(norm("－"), "-");
        assert_eq!(norm("データ"), "データ");
        assert_eq!(norm("ｰ"), "ー");
    }

    #[test]
    fn markers_and_negatives_untouched() {
        let s = "①②㈱△1,234▲5…・※■□○●★◆【】＜＞";
        assert_eq!(norm(s), "①②㈱△1,234▲5…・※■□○●★◆【】<>");
        assert_eq!(norm("〇二〇二一年"), "〇二〇二一年");
    }

    #[test]
    fn spaces_fold_and_are_kept() {
        assert_eq!(
            norm("基本方針\u{3000}目標\u{00A0}値  "),
            "基本方針 目標 値  "
        );
        assert_eq!(norm("\t項目\t\t令和2年度\t"), "\t項目\t\t令和2年度\t");
    }

    #[test]
    fn half_width_katakana_to_full_width_with_voicing() {
        assert_eq!(norm("ｶﾞｲﾄﾞﾗｲﾝ"), "ガイドライン");
        assert_eq!(norm("ﾊﾟﾌﾞﾘｯｸ･ｺﾒﾝﾄ｡"), "パブリック・コメント。");
        assert_eq!(norm("ｳﾞｧ"), "ヴァ");
        // A mark that cannot combine stays, as the full-width mark.
        assert_eq!(norm("ｱﾞ"), "ア\u{309B}");
        assert_eq!(cols("ｶﾞｲ"), vec![0, 2]);
        assert_eq!(norm("ハ゛スか\u{3099}ほ\u{309A}"), "バスがぽ");
        assert_eq!(norm("゛ア゜"), "゛ア゜");
    }

    #[test]
    fn spelled_letters_join() {
        assert_eq!(norm("K P I (重要業績評価指標)"), "KPI (重要業績評価指標)");
        assert_eq!(norm("Ｋ　Ｐ　Ｉ"), "KPI");
        assert_eq!(norm("産業政策課U I ターン就職"), "産業政策課UI ターン就職");
        assert_eq!(cols("K P I"), vec![0, 2, 4]);
    }

    #[test]
    fn ordinary_words_do_not_join() {
        assert_eq!(norm("Web 会議"), "Web 会議");
        assert_eq!(norm("DX 推進"), "DX 推進");
        assert_eq!(norm("A 案と B 案"), "A 案と B 案");
        assert_eq!(norm("1 2 3"), "1 2 3");
        assert_eq!(norm("Plan A B-2"), "Plan A B-2");
        assert_eq!(norm("IT 企業 AI"), "IT 企業 AI");
    }

    #[test]
    fn era_letter_joins_its_year() {
        assert_eq!(norm("R 4\tR 5\tR 6\tR 7\t備考"), "R4\tR5\tR6\tR7\t備考");
        assert_eq!(norm("H 30年度"), "H30年度");
        assert_eq!(norm("Ｒ　４"), "R4");
        assert_eq!(norm("R 4 R 5"), "R4 R5");
        assert_eq!(cols("R 4"), vec![0, 2]);
        // Not an era: part of a word, or a long number.
        assert_eq!(norm("PR 4"), "PR 4");
        assert_eq!(norm("S 2021"), "S 2021");
    }

    #[test]
    fn letter_spaced_cjk_cell_joins() {
        assert_eq!(norm("支 援\t概 要\t実施機関"), "支援\t概要\t実施機関");
        assert_eq!(norm("| 支 援 | 概 要 |"), "| 支援 | 概要 |");
        assert_eq!(norm("  ８ 年 度 以 降  "), "  8年度以降  ");
        assert_eq!(
            norm("1 特 別 職      (単位 千円)"),
            "1 特別職      (単位 千円)"
        );
        assert_eq!(norm("（ 令 和 ７ 年 度 追 加"), "(令和7年度追加");
        assert_eq!(cols("支 援"), vec![0, 2]);
    }

    #[test]
    fn cjk_in_a_sentence_is_not_joined() {
        assert_eq!(norm("市民 行政"), "市民 行政");
        assert_eq!(norm("本事業は 支 援 を行う"), "本事業は 支 援 を行う");
        assert_eq!(norm("人 数 1 2"), "人 数 1 2");
        assert_eq!(norm("計 1 2"), "計 1 2");
        assert_eq!(norm("○ 市 町"), "○ 市 町");
    }

    #[test]
    fn number_joins_its_unit() {
        assert_eq!(norm("2017 年度"), "2017年度");
        assert_eq!(
            norm("内閣官房は、2017 年度（平成 29 年度）"),
            "内閣官房は、2017年度(平成29年度)"
        );
        assert_eq!(norm(">2018 年 1 月 16 日から"), ">2018年1月16日から");
        assert_eq!(norm("(平成 22 年 8月 31 日"), "(平成22年8月31日");
        assert_eq!(norm("令和 元年"), "令和元年");
        assert_eq!(
            norm("３ .１ 「サービス設計 12 箇条」"),
            "3.1 「サービス設計 12 箇条」"
        );
        assert_eq!(norm("5年 3人"), "5年 3人");
        assert_eq!(norm("参加者は 3 人が"), "参加者は 3人が");
        assert_eq!(norm("総額 12 億円"), "総額 12億円");
        assert_eq!(norm("率 50 %"), "率 50%");
        assert_eq!(norm("実績\t2,366 人\t目標"), "実績\t2,366人\t目標");
        assert_eq!(norm("整備 3 か所"), "整備 3か所");
        assert_eq!(cols("2017 年度"), vec![0, 1, 2, 3, 5, 6]);
    }

    #[test]
    fn codes_and_list_numbers_keep_their_space() {
        assert_eq!(norm("003 人材育成費"), "003 人材育成費");
        assert_eq!(norm(" ２ 人事管理費  "), " 2 人事管理費  ");
        assert_eq!(norm("１　日本事情"), "1 日本事情");
        assert_eq!(norm("001 人     事"), "001 人     事");
        assert_eq!(norm("第 2 千葉"), "第 2 千葉");
        assert_eq!(norm("1 人材育成"), "1 人材育成");
    }

    #[test]
    fn normalize_text_numbers_lines() {
        let lines = normalize_text("計画\r\n\rＫＰＩ\n");
        let got: Vec<(u32, &str, &str)> = lines
            .iter()
            .map(|l| (l.line, l.raw.as_str(), l.norm.text.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![(1, "計画", "計画"), (2, "", ""), (3, "ＫＰＩ", "KPI")]
        );
        assert_eq!(lines[2].norm.pos[2], Pos { line: 3, col: 2 });
        assert!(normalize_text("").is_empty());
    }

    fn check_positions(raw: &str) {
        let n = normalize_line(7, raw);
        let len = raw.chars().count();
        assert_eq!(n.norm.pos.len(), n.norm.text.chars().count());
        let raw_chars: Vec<char> = raw.chars().collect();
        for w in n.norm.pos.windows(2) {
            assert!(w[0].col < w[1].col, "{raw:?}");
        }
        for p in &n.norm.pos {
            assert_eq!(p.line, 7);
            assert!((p.col as usize) < len, "{raw:?}");
        }
        // Dropped chars are spaces and merged voicing marks; nothing else vanishes.
        let kept: std::collections::HashSet<u32> = n.norm.pos.iter().map(|p| p.col).collect();
        for (i, c) in raw_chars.iter().enumerate() {
            let merged_mark = matches!(c, '\u{FF9E}' | '\u{FF9F}' | '\u{3099}'..='\u{309C}');
            assert!(
                kept.contains(&(i as u32)) || *c == ' ' || *c == '\u{3000}' || merged_mark,
                "{raw:?} lost {c:?}"
            );
        }
    }

    #[test]
    fn seeds_normalize_with_valid_positions() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for raw in split_lines(&text) {
                check_positions(raw);
            }
            assert_eq!(normalize_text(&text).len(), split_lines(&text).len());
            n += 1;
        }
        assert_eq!(n, 5);
    }

    proptest! {
        #[test]
        fn positions_are_increasing_and_inside_the_line(
            raw in "[ 　\\tａ-ｚＡ-Ｚ０-９a-zA-Z0-9RHS支援年度人月日万円～〜~－ー①ｶﾞﾊﾟｱﾞｳハ゛か\u{3099}|%,.()]{0,40}"
        ) {
            check_positions(&raw);
        }
    }

    #[test]
    fn raw_cols_are_char_columns_of_the_raw_line() {
        let raw = format!("{}令和３年度{}", "あ".repeat(100), "x".repeat(70));
        let l = normalize_line(1, &raw);
        assert_eq!(l.raw_cols(100, 105), "令和３年度");
        assert_eq!(l.raw_cols(0, 2), "ああ");
        assert_eq!(l.raw_cols(170, 999), "xxxxx");
        assert_eq!(l.raw_cols(500, 600), "");
        assert_eq!(l.raw_cols(5, 3), "");
        assert_eq!(normalize_line(1, "").raw_cols(0, 1), "");
    }
}
