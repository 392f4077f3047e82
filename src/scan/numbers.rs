//! Numbers and quantities: `3,682`, `111.6%`, `28,000千円`, `1万2600回`,
//! `12億3456万円`, `約3割`, `△1,234`, kanji numerals.

use std::ops::Range;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use super::dates::{find_dates, DateContext};
use crate::vocab::numerals::{self, FRACTION_SIGNS, KANJI_DECIMAL_POINT, MULTIPLY_SIGNS};
use crate::vocab::qualifiers::{Meaning, AFTER, BEFORE, INNER, NOT_AFTER_STRONG_WEAK};
use crate::vocab::units::{Unit, NOT_UNIT_START, SCALES, SIGNS, UNITS, UNIT_WORDS};

/// A number as printed, with its unit and scale resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Value in base units: scale and sign applied (`28,000千円` → 28_000_000.0,
    /// `約3割` → 30.0 with unit `%`).
    pub value: f64,
    /// The number as printed, sign applied, before scale (`28,000千円` → 28000.0).
    pub number: f64,
    /// Base unit (`円`, `人`, `件`, `%`, `回`, `機関`, `団体`, `本`, `名`, `日間`, …), if any.
    pub unit: Option<String>,
    /// Multiplier from the printed number to `value` (1000 for 千円, 1e8 for 億円).
    pub scale: f64,
    /// Digits printed after the decimal point (`111.6%` → 1).
    pub decimals: u32,
    /// `約`, `概ね`, `程度`, `以上`… mark the figure as approximate or a bound.
    pub approx: bool,
    /// Those words as printed, in order (`約`, `以上`, `約 以上`); `None`
    /// when the figure is exact.
    pub qualifier: Option<String>,
    /// Char offsets in the searched text: `start..end` covers the whole quantity
    /// including sign marks and unit.
    pub start: usize,
    pub end: usize,
    /// The exact text of `start..end`.
    pub raw: String,
}

/// Parse text that is, as a whole, one quantity (a table cell or a
/// key-value value): `1,502人`, `111.6%`, `△1,234`, `28,000千円`, `10`.
/// Surrounding white space is allowed. `None` for anything else, including
/// "no value" marks (`-`, `―`, `…`, `－`) and ordinals (`第1回`).
pub fn parse_quantity(text: &str) -> Option<Quantity> {
    // Every quantity starts with a digit or a kanji numeral.
    if !text
        .chars()
        .map(fold)
        .any(|c| c.is_ascii_digit() || is_kanji_numeral(c))
    {
        return None;
    }
    let cs: Vec<char> = text.chars().map(fold).collect();
    let start = cs.iter().position(|c| !c.is_whitespace())?;
    let end = cs
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map_or(start, |i| i + 1);
    let body = cs.get(..end)?;

    let mut i = start;
    let mut words: Vec<&'static str> = Vec::new();
    if let Some((after, w)) = qualifier_at(body, i, BEFORE) {
        words.push(w);
        i = skip_spaces(body, after);
    }
    let mut neg = false;
    if let Some(&(w, sign)) = SIGNS.iter().find(|(w, _)| starts_with(body, i, w)) {
        neg = sign < 0;
        i = skip_spaces(body, i + w.chars().count());
    }
    let reading = read_number(body, i, true)?;
    let glued = read_tail(body, reading.end(), &reading, true)?;
    let j = skip_spaces(body, reading.end());
    let tail = if glued.unit.is_none() && glued.end == reading.end() && j > glued.end {
        // After a space only a known unit: `09 交際費` is a code and a label.
        read_tail(body, j, &reading, false).unwrap_or(glued)
    } else {
        glued
    };
    words.extend(tail.inner);
    let mut k = skip_spaces(body, tail.end);
    if let Some((after, w)) = qualifier_at(body, k, AFTER) {
        words.push(w);
        k = skip_spaces(body, after);
    }
    if k != end {
        return None;
    }
    // The whole text is one quantity: its printed form is the text, trimmed.
    let raw = text
        .trim_matches(|c: char| fold(c).is_whitespace())
        .to_string();
    build(raw, neg, &words, &reading, &tail, start..end)
}

/// Quantities that carry a unit inside running prose (`104機関`, `６団体`,
/// `年度内に４回程度`). Ordinals (`第１回`, `1年目`), dates, times, years and
/// numbered list markers are not quantities.
pub fn find_quantities(text: &str) -> Vec<Quantity> {
    if !text
        .chars()
        .map(fold)
        .any(|c| c.is_ascii_digit() || is_kanji_numeral(c))
    {
        return Vec::new();
    }
    let orig: Vec<char> = text.chars().collect();
    let cs: Vec<char> = orig.iter().map(|&c| fold(c)).collect();
    // A range's stated length (`R4～R7(4年間)`) belongs to the range.
    // One flag per char, not a scan of every date per position: a line
    // holding many dates and numbers would be quadratic.
    let mut dated = vec![false; cs.len()];
    for d in find_dates(text, &DateContext::default()) {
        for (s, e) in std::iter::once((d.start, d.end)).chain(d.length_span) {
            for flag in dated.iter_mut().take(e).skip(s) {
                *flag = true;
            }
        }
    }
    let in_date = |p: usize| dated.get(p).copied().unwrap_or(false);

    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let c = cs.get(i).copied().unwrap_or(' ');
        let prev = i.checked_sub(1).and_then(|p| cs.get(p)).copied();
        let starts_number =
            c.is_ascii_digit() || (is_kanji_numeral(c) && !prev.is_some_and(is_kanji_numeral));
        if !starts_number {
            i += 1;
            continue;
        }
        match prose_quantity(&orig, &cs, i, &in_date) {
            Some(q) => {
                i = q.end.max(i + 1);
                // A figure that runs into a date is part of the date.
                if !(q.start..q.end).any(in_date) {
                    out.push(q);
                }
            }
            None => i = skip_token(&cs, i),
        }
    }
    out
}

/// The figures of a text that states a calculation (`1,200×300円`,
/// `9,900円 × 683人`): those `find_quantities` reads, and the operands of
/// its multiplications even without a unit (`402,000` of `402,000×98.9%`).
/// Elsewhere a bare number is a code or an ordinal (`第1号`, `1級`), so only
/// a multiplication makes it a figure. Empty when the text states none.
pub fn find_formula_quantities(text: &str) -> Vec<Quantity> {
    // Every label cell of a table is asked: most hold no sign at all.
    if !text.chars().any(|c| MULTIPLY_SIGNS.contains(&fold(c))) {
        return Vec::new();
    }
    let orig: Vec<char> = text.chars().collect();
    let cs: Vec<char> = orig.iter().map(|&c| fold(c)).collect();
    let mut out = find_quantities(text);
    let before = |i: usize| (0..i).rev().find(|&k| cs.get(k).is_some_and(|c| *c != ' '));
    let after = |j: usize| (j..cs.len()).find(|&k| cs.get(k).is_some_and(|c| *c != ' '));
    let is_sign = |k: Option<usize>| {
        k.and_then(|k| cs.get(k))
            .is_some_and(|c| MULTIPLY_SIGNS.contains(c))
    };
    // A calculation joins two figures: a number or a quantity's unit before
    // a sign, a number after it (`＊注`, `3×` are none).
    let figure_ends: Vec<usize> = out.iter().map(|q| q.end).collect();
    let joined = cs.iter().enumerate().any(|(k, c)| {
        MULTIPLY_SIGNS.contains(c)
            && before(k).is_some_and(|b| {
                cs.get(b).is_some_and(char::is_ascii_digit) || figure_ends.contains(&(b + 1))
            })
            && after(k + 1).is_some_and(|a| cs.get(a).is_some_and(char::is_ascii_digit))
    });
    if !joined {
        return Vec::new();
    }
    let mut dated = vec![false; cs.len()];
    for d in find_dates(text, &DateContext::default()) {
        for flag in dated.iter_mut().take(d.end).skip(d.start) {
            *flag = true;
        }
    }
    let mut operands = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let prev = i.checked_sub(1).and_then(|p| cs.get(p)).copied();
        let starts = cs.get(i).is_some_and(char::is_ascii_digit)
            && !prev.is_some_and(|c| c.is_ascii_digit() || c == ',' || c == '.');
        let Some(reading) = starts.then(|| read_number(&cs, i, false)).flatten() else {
            i += 1;
            continue;
        };
        let end = reading.end();
        let next = cs.get(end).copied();
        let operand = is_sign(before(i)) || is_sign(after(end));
        // `R6`, `No.3`, `第1号`: a label. `7/100`: a ratio. `1.2.3`, `10:00`:
        // a code or a time. A unit or word glued after it: `find_quantities`
        // reads it, or it is no figure.
        let label = prev.is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '.' | '第' | '#'));
        let ratio = [before(i), Some(end)]
            .into_iter()
            .flatten()
            .any(|k| cs.get(k).is_some_and(|c| FRACTION_SIGNS.contains(c)));
        let glued = next.is_some_and(|c| {
            !MULTIPLY_SIGNS.contains(&c)
                && (c.is_alphanumeric() || matches!(c, '.' | ':' | '%' | '-'))
        });
        let in_date = (i..end).any(|k| dated.get(k).copied().unwrap_or(false));
        if operand && !label && !ratio && !glued && !in_date {
            let tail = Tail {
                unit: None,
                exp: 0,
                extra: None,
                inner: None,
                end,
            };
            let raw = orig
                .get(i..end)
                .map(|r| r.iter().collect())
                .unwrap_or_default();
            if let Some(q) = build(raw, false, &[], &reading, &tail, i..end) {
                operands.push(q);
            }
        }
        i = end.max(i + 1);
    }
    for q in operands {
        if !out.iter().any(|o| o.start < q.end && q.start < o.end) {
            out.push(q);
        }
    }
    out.sort_by_key(|q| q.start);
    out
}

/// A unit stated once for a whole table: `（単位：千円）`, `単位:人`, `(単位 千円）`.
/// Returns the base unit and the scale (`千円` → (`円`, 1000.0)).
pub fn unit_statement(text: &str) -> Option<(String, f64)> {
    // Most labels name no unit: a char search rules them out before any copy.
    if !text.contains('位') {
        return None;
    }
    let cs: Vec<char> = text.chars().map(fold).collect();
    let at = (0..cs.len()).find(|&i| starts_with(&cs, i, "単位"))?;
    let mut i = skip_spaces(&cs, at + 2);
    if matches!(cs.get(i), Some(':') | Some('=')) {
        i = skip_spaces(&cs, i + 1);
    }
    let (exp, after_scale) = match match_any_scale(&cs, i) {
        Some((exp, e)) => (exp, e),
        None => (0, i),
    };
    let (unit, extra, end) = match match_known_unit(&cs, after_scale) {
        Some(u) => u,
        None => match_tolerant_unit(&cs, after_scale)?,
    };
    // The statement ends here: a closing bracket, a separator or the end.
    let closes = cs.get(end).is_none_or(|&c| {
        c.is_whitespace()
            || matches!(
                c,
                ')' | ']' | '】' | '>' | '〕' | '」' | '、' | ',' | ';' | '/'
            )
    });
    if !closes {
        return None;
    }
    Some((unit, pow10(exp + extra)?))
}

/// Value of a kanji numeral in any form officials write it: composed
/// (`三千五百`, `八億千万`, `千五百万`: a missing 一 is one), positional
/// (`二〇二一`, `六一`), with zero digits inside (`二千〇五`), 大字 (`壱万弐千`,
/// `参拾`), `・` as the decimal point (`二八・四五`) and Arabic digits mixed in
/// (`3億2千405万`).
pub fn kanji_number(text: &str) -> Option<f64> {
    let cs: Vec<char> = text.trim().chars().map(fold).collect();
    if cs.is_empty()
        || !cs
            .iter()
            .all(|&c| is_kanji_numeral(c) || c == KANJI_DECIMAL_POINT || c.is_ascii_digit())
    {
        return None;
    }
    let (parts, end, _) = read_parts(&cs, 0)?;
    // A trailing big unit (`三千五百万`) scales the last group.
    let (exp, end) = match cs.get(end).and_then(|&c| big_unit(c)) {
        Some(e) if parts.last().is_none_or(|p| p.exp == 0) && end + 1 == cs.len() => {
            (e as i32, end + 1)
        }
        _ => (0, end),
    };
    if end != cs.len() {
        return None;
    }
    let last_group = parts.iter().rev().nth(1).map(|p| p.exp);
    if last_group.is_some_and(|g| g <= exp) {
        return None;
    }
    parts_value(&parts, exp).map(|(_, v)| v)
}

// ---------------------------------------------------------------------------

/// Unit words by first char, with their chars: unit matching runs at
/// every number.
type UnitsStartingWith = Vec<(Vec<char>, &'static Unit)>;

static UNITS_BY_FIRST_CHAR: LazyLock<FxHashMap<char, UnitsStartingWith>> = LazyLock::new(|| {
    let mut map: FxHashMap<char, UnitsStartingWith> = FxHashMap::default();
    for u in UNITS {
        let chars: Vec<char> = u.word.chars().collect();
        if let Some(&c) = chars.first() {
            map.entry(c).or_default().push((chars, u));
        }
    }
    map
});

/// Units the tolerant rule must not accept: they make ordinals, dates and
/// times, or are particles of a sentence.
fn not_unit_start(c: char) -> bool {
    NOT_UNIT_START.contains(&c)
}

/// The qualifier of `words` at `i`, longest first: its end and its word.
fn qualifier_at(
    cs: &[char],
    i: usize,
    words: &[(&'static str, Meaning)],
) -> Option<(usize, &'static str)> {
    let (w, _) = words
        .iter()
        .filter(|(w, _)| starts_with(cs, i, w))
        .max_by_key(|(w, _)| w.chars().count())?;
    let end = i + w.chars().count();
    // `強化`, `弱者`: another word, not a qualifier.
    if matches!(*w, "強" | "弱")
        && cs
            .get(end)
            .is_some_and(|c| NOT_AFTER_STRONG_WEAK.contains(c))
    {
        return None;
    }
    Some((end, w))
}

/// Qualifier printed right before `i` (`約`, `およそ`): its start and word.
fn qualifier_before(cs: &[char], i: usize) -> Option<(usize, &'static str)> {
    BEFORE
        .iter()
        .filter_map(|(w, _)| {
            let s = i.checked_sub(w.chars().count())?;
            starts_with(cs, s, w).then_some((s, *w))
        })
        .min_by_key(|&(s, _)| s)
}

/// Qualifier words joined as printed (`約 以上`).
fn join_qualifiers(words: &[&str]) -> Option<String> {
    (!words.is_empty()).then(|| words.join(" "))
}

fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5D}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{2212}' | '\u{2010}' | '\u{2011}' => '-',
        _ => c,
    }
}

fn starts_with(cs: &[char], i: usize, word: &str) -> bool {
    word.chars()
        .enumerate()
        .all(|(k, w)| cs.get(i + k) == Some(&w))
}

fn skip_spaces(cs: &[char], mut i: usize) -> usize {
    while cs.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

fn kanji_digit(c: char) -> Option<u8> {
    numerals::digit(c)
}

fn small_unit(c: char) -> Option<u32> {
    numerals::small_unit(c)
}

fn big_unit(c: char) -> Option<u32> {
    numerals::big_unit(c)
}

fn is_kanji_numeral(c: char) -> bool {
    numerals::is_numeral(c)
}

/// Significant digits an f64 always holds exactly (and prints back the same).
const EXACT_DIGITS: usize = 15;

/// `digits` × 10^exp, correctly rounded; `None` when not finite or when the
/// digits are more than an f64 holds (`999999999999999999999人` would be
/// read as 1e21: a value the document never printed).
fn term(digits: &str, exp: i32) -> Option<f64> {
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    if significant.len() > EXACT_DIGITS {
        return None;
    }
    // Below 10^15 the digits are an exact f64, and so is 10^k up to 10^22:
    // one multiplication or division then rounds once, to the very value
    // the decimal parser gives, without formatting a string to parse.
    if digits.len() <= EXACT_DIGITS {
        let power = usize::try_from(exp.unsigned_abs()).ok();
        if let (Ok(n), Some(&p)) = (
            digits.parse::<u64>(),
            power.and_then(|k| EXACT_POWERS_OF_TEN.get(k)),
        ) {
            let n = n as f64;
            return Some(if exp >= 0 { n * p } else { n / p });
        }
    }
    format!("{digits}e{exp}")
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// 10^0 ..= 10^22, every one exact in an f64.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

fn pow10(exp: i32) -> Option<f64> {
    term("1", exp)
}

/// One printed run of digits: `3,682`, `111.6`.
#[derive(Debug, Clone)]
struct Part {
    digits: String,
    decimals: u32,
    /// Power of ten of the big unit after it (`12億` → 8); 0 for the last part.
    exp: i32,
}

/// A number as printed, before its scale and unit: its four-digit groups
/// (`12億3456万` → 12 × 10^8, 3456), each from Arabic or kanji digits.
#[derive(Debug, Clone)]
struct Reading {
    parts: Vec<Part>,
    end: usize,
}

impl Reading {
    fn end(&self) -> usize {
        self.end
    }
}

/// Digits with optional thousands commas and decimals, at `i`.
fn read_digits(cs: &[char], i: usize) -> Option<(Part, usize)> {
    let mut k = i;
    let mut digits = String::new();
    while let Some(&c) = cs.get(k) {
        if c.is_ascii_digit() {
            digits.push(c);
            k += 1;
        } else if c == ','
            && (1..=3).all(|d| cs.get(k + d).is_some_and(char::is_ascii_digit))
            && !cs.get(k + 4).is_some_and(char::is_ascii_digit)
        {
            k += 1;
        } else {
            break;
        }
    }
    if digits.is_empty() {
        return None;
    }
    let mut decimals = 0;
    if cs.get(k) == Some(&'.') && cs.get(k + 1).is_some_and(char::is_ascii_digit) {
        k += 1;
        while let Some(&c) = cs.get(k).filter(|c| c.is_ascii_digit()) {
            digits.push(c);
            decimals += 1;
            k += 1;
        }
    }
    Some((
        Part {
            digits,
            decimals,
            exp: 0,
        },
        k,
    ))
}

/// A run of kanji digits at `i`, read positionally (`二〇二五`, `六一`),
/// with `・` decimals (`二八・四五`, and after a small unit `二十三・五`):
/// the digits, decimals and end.
fn kanji_digits(cs: &[char], i: usize, composed: bool) -> Option<(String, u32, usize)> {
    let mut k = i;
    let mut digits = String::new();
    while let Some(d) = cs.get(k).and_then(|&c| kanji_digit(c)) {
        digits.push(char::from(b'0' + d));
        k += 1;
    }
    if digits.is_empty() {
        return None;
    }
    let mut decimals = 0;
    if cs.get(k) == Some(&KANJI_DECIMAL_POINT) {
        let mut frac = String::new();
        let mut e = k + 1;
        while let Some(d) = cs.get(e).and_then(|&c| kanji_digit(c)) {
            frac.push(char::from(b'0' + d));
            e += 1;
        }
        // `・` also lists (`三・四年生`): one digit on each side is a list.
        let list_like = !composed && digits.len() == 1 && frac.len() == 1 && digits != "0";
        if !frac.is_empty() && !list_like {
            decimals = u32::try_from(frac.len()).ok()?;
            digits.push_str(&frac);
            k = e;
        }
    }
    Some((digits, decimals, k))
}

/// One printed chunk of digits before a small unit or a group's end.
struct Chunk {
    digits: String,
    decimals: u32,
    kanji: bool,
    /// Printed as more than one char (`二三十` is no number).
    chars: usize,
}

/// One four-digit group (or a plain run of digits) at `i`: `3,682`,
/// `三千五百`, `2千405`, `千`, `二〇二五`. Returns the part (exp 0), its end
/// and whether kanji were read.
fn read_group(cs: &[char], i: usize) -> Option<(Part, usize, bool)> {
    let mut k = i;
    let mut acc: u128 = 0;
    let mut last_small = u32::MAX;
    let mut kanji = false;
    let mut pending: Option<Chunk> = None;
    while let Some(&c) = cs.get(k) {
        if c.is_ascii_digit() {
            if pending.is_some() {
                break;
            }
            let (part, end) = read_digits(cs, k)?;
            pending = Some(Chunk {
                digits: part.digits,
                decimals: part.decimals,
                kanji: false,
                chars: end - k,
            });
            k = end;
        } else if kanji_digit(c).is_some() {
            if pending.is_some() {
                break;
            }
            let (digits, decimals, end) = kanji_digits(cs, k, last_small != u32::MAX)?;
            pending = Some(Chunk {
                digits,
                decimals,
                kanji: true,
                chars: end - k,
            });
            kanji = true;
            k = end;
        } else if let Some(e) = small_unit(c) {
            if e >= last_small {
                break;
            }
            // The number goes on after the small unit: a digit, or a big
            // unit that more digits follow (`2千万3千`).
            let digit_at = |p: usize| {
                cs.get(p)
                    .is_some_and(|&n| n.is_ascii_digit() || kanji_digit(n).is_some())
            };
            let next_is_digit = digit_at(k + 1)
                || (cs.get(k + 1).is_some_and(|&n| big_unit(n).is_some())
                    && (digit_at(k + 2)
                        || cs.get(k + 2).is_some_and(|&n| small_unit(n).is_some())));
            let digit: u128 = match &pending {
                None => 1,
                Some(ch) if ch.decimals > 0 => break,
                // `28,000千円`: after Arabic digits a lone 千 is the scale,
                // unless the number goes on (`2千405万`, `1千2百万`).
                Some(ch) if !ch.kanji && !next_is_digit && last_small == u32::MAX => break,
                Some(ch) if ch.kanji && ch.chars > 1 => return None,
                Some(ch) => ch.digits.parse().ok()?,
            };
            if digit > 9 && pending.as_ref().is_some_and(|ch| ch.kanji) {
                return None;
            }
            acc = acc.checked_add(digit.checked_mul(10u128.checked_pow(e)?)?)?;
            last_small = e;
            pending = None;
            kanji = true;
            k += 1;
        } else {
            break;
        }
    }
    if k == i {
        return None;
    }
    let part = match pending {
        Some(ch) if last_small == u32::MAX => Part {
            digits: ch.digits,
            decimals: ch.decimals,
            exp: 0,
        },
        Some(ch) => {
            // The digits after the last small unit (`二千〇五`, `二十三・五`).
            let scale = 10u128.checked_pow(ch.decimals)?;
            let rest: u128 = ch.digits.parse().ok()?;
            if rest >= 10u128.checked_pow(last_small)?.checked_mul(scale)? {
                return None;
            }
            Part {
                digits: acc.checked_mul(scale)?.checked_add(rest)?.to_string(),
                decimals: ch.decimals,
                exp: 0,
            }
        }
        None => Part {
            digits: acc.to_string(),
            decimals: 0,
            exp: 0,
        },
    };
    Some((part, k, kanji))
}

/// The groups of a number at `i`, closed by big units when more digits
/// follow (`1万2600`, `八億千万`); a big unit at the end is a scale for
/// `read_tail`. Returns the parts, the end and whether kanji were read.
fn read_parts(cs: &[char], i: usize) -> Option<(Vec<Part>, usize, bool)> {
    let mut parts: Vec<Part> = Vec::new();
    let mut k = i;
    let mut any_kanji = false;
    loop {
        let (mut part, after, kanji) = read_group(cs, k)?;
        any_kanji |= kanji;
        let group_exp = cs.get(after).and_then(|&c| big_unit(c));
        let continues = cs.get(after + 1).is_some_and(|&n| {
            n.is_ascii_digit() || kanji_digit(n).is_some() || small_unit(n).is_some()
        });
        match group_exp {
            Some(e)
                if continues
                    && part.decimals == 0
                    && parts.last().is_none_or(|p: &Part| p.exp > e as i32) =>
            {
                part.exp = e as i32;
                parts.push(part);
                k = after + 1;
            }
            _ => {
                parts.push(part);
                return Some((parts, after, any_kanji));
            }
        }
    }
}

/// A number at `i`: Arabic, kanji, or both mixed, that cannot be an
/// ordinary word.
fn read_number(cs: &[char], i: usize, allow_kanji: bool) -> Option<Reading> {
    let first = *cs.get(i)?;
    if !(first.is_ascii_digit() || (allow_kanji && is_kanji_numeral(first))) {
        return None;
    }
    if is_kanji_numeral(first) {
        let run_end = (i..cs.len())
            .find(|&k| {
                !cs.get(k)
                    .is_some_and(|&c| is_kanji_numeral(c) || c == KANJI_DECIMAL_POINT)
            })
            .unwrap_or(cs.len());
        let run = cs.get(i..run_end)?;
        // One kanji is usually a word (`一人ひとり`, `一部`, `十日町`); so is
        // a run without a digit (`万人`, and `百万円` is a unit, as in
        // `百万円未満四捨五入`), and a run of 〇 is a placeholder (`〇〇市`).
        // A percent sign makes even one kanji a figure (`五%`).
        let percent = cs.get(run_end) == Some(&'%');
        let counts = run.iter().any(|&c| kanji_digit(c).is_some_and(|d| d > 0));
        if (run.len() < 2 && !percent) || !counts {
            return None;
        }
        // Japan has under two thousand municipalities, so a count of them
        // never needs 万: before 市/町/村/区 such a run is a place name
        // (`四万十市`).
        let municipal = cs
            .get(run_end)
            .is_some_and(|c| matches!(c, '市' | '町' | '村' | '区'));
        if municipal && run.iter().any(|&c| big_unit(c).is_some()) {
            return None;
        }
    }
    let (parts, end, _) = read_parts(cs, i)?;
    Some(Reading { parts, end })
}

/// What follows a number: scale, unit and the `分` of `3割5分`.
#[derive(Debug, Clone)]
struct Tail {
    unit: Option<String>,
    /// Power of ten from the printed number to base units.
    exp: i32,
    /// Extra value in base units (`5分` of `3割5分` → 5).
    extra: Option<Part>,
    /// A qualifier between number and unit (`余` of `1万余人`).
    inner: Option<&'static str>,
    end: usize,
}

fn match_any_scale(cs: &[char], i: usize) -> Option<(i32, usize)> {
    SCALES
        .iter()
        .find(|(w, _)| starts_with(cs, i, w))
        .map(|(w, e)| (*e, i + w.chars().count()))
}

fn match_known_unit(cs: &[char], i: usize) -> Option<(String, i32, usize)> {
    let first = *cs.get(i)?;
    let (unit, end) = UNITS_BY_FIRST_CHAR
        .get(&first)?
        .iter()
        .filter(|(chars, _)| cs.get(i..i + chars.len()) == Some(chars.as_slice()))
        .map(|(chars, u)| (*u, i + chars.len()))
        .max_by_key(|&(_, e)| e)?;
    // ASCII units glued to more letters are another word (`5min`, `4th`).
    let ascii_unit = unit.word.chars().all(|c| c.is_ascii_alphabetic());
    if ascii_unit && cs.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((unit.base.to_string(), unit.exp, end))
}

fn match_tolerant_unit(cs: &[char], i: usize) -> Option<(String, i32, usize)> {
    let first = *cs.get(i)?;
    // A numeral after a number is a malformed number (`十十`), not a unit.
    if not_unit_start(first) || is_kanji_numeral(first) {
        return None;
    }
    let end = (i..cs.len())
        .find(|&k| {
            !cs.get(k)
                .is_some_and(|&c| c.is_alphabetic() || matches!(c, '㎡' | '㎥' | '㎞' | '㎏'))
        })
        .unwrap_or(cs.len());
    if end == i || end - i > 4 {
        return None;
    }
    Some((cs.get(i..end)?.iter().collect(), 0, end))
}

/// Scale and unit after a number at `j`. In `whole` mode an unknown short
/// unit is accepted and no unit at all is fine; in prose a known unit is required.
fn read_tail(cs: &[char], j: usize, reading: &Reading, whole: bool) -> Option<Tail> {
    let last_group = reading.parts.iter().rev().nth(1).map(|p| p.exp);
    let scale = match_any_scale(cs, j).filter(|&(e, _)| last_group.is_none_or(|g| g > e));
    let (scale_exp, mut k) = scale.unwrap_or((0, j));
    // `1万余人`, `十余年`: 余 between the number and its unit.
    let mut inner = None;
    if let Some((after, w)) = qualifier_at(cs, k, INNER) {
        if match_known_unit(cs, after).is_some() {
            inner = Some(w);
            k = after;
        }
    }
    let unit = match match_known_unit(cs, k) {
        Some(u) => Some(u),
        None if whole => match_tolerant_unit(cs, k),
        None => None,
    };
    let Some((unit, unit_exp, end)) = unit else {
        return whole.then_some(Tail {
            unit: None,
            exp: scale_exp,
            extra: None,
            inner,
            end: k,
        });
    };
    let mut tail = Tail {
        unit: Some(unit),
        exp: scale_exp + unit_exp,
        extra: None,
        inner,
        end,
    };
    if unit_exp == 1 {
        // `3割5分`: 分 is a tenth of 割, i.e. one percent.
        if let Some(d) = cs.get(end).filter(|c| c.is_ascii_digit()) {
            if cs.get(end + 1) == Some(&'分') {
                tail.extra = Some(Part {
                    digits: d.to_string(),
                    decimals: 0,
                    exp: 0,
                });
                tail.end = end + 2;
            }
        }
    }
    Some(tail)
}

/// The printed number and the value of `parts` when the last one is
/// scaled by 10^`s`. Each part is rounded once from its printed digits, so
/// the sums stay exact.
fn parts_value(parts: &[Part], s: i32) -> Option<(f64, f64)> {
    let (mut n, mut v) = (0.0, 0.0);
    for p in parts {
        let d = i32::try_from(p.decimals).ok()?;
        let (exp_n, exp_v) = if p.exp > 0 {
            (p.exp - s, p.exp)
        } else {
            (0, s)
        };
        n += term(&p.digits, exp_n - d)?;
        v += term(&p.digits, exp_v - d)?;
    }
    (n.is_finite() && v.is_finite()).then_some((n, v))
}

fn build(
    raw: String,
    neg: bool,
    qualifiers: &[&str],
    reading: &Reading,
    tail: &Tail,
    span: Range<usize>,
) -> Option<Quantity> {
    let s = tail.exp;
    let (mut number, mut value) = parts_value(&reading.parts, s)?;
    let mut decimals = reading.parts.last().map_or(0, |p| p.decimals);
    if let Some(extra) = &tail.extra {
        let add = term(&extra.digits, 0)?;
        value += add;
        number += term(&extra.digits, -s)?;
        decimals += 1;
    }
    if neg {
        value = -value;
        number = -number;
    }
    if !value.is_finite() || !number.is_finite() {
        return None;
    }
    Some(Quantity {
        value,
        number,
        unit: tail.unit.clone(),
        scale: pow10(s)?,
        decimals,
        approx: !qualifiers.is_empty(),
        qualifier: join_qualifiers(qualifiers),
        start: span.start,
        end: span.end,
        raw,
    })
}

/// Past the digit/comma/point run at `i`, so a rejected number is not read
/// again from its middle (`R5.3.14`).
fn skip_token(cs: &[char], i: usize) -> usize {
    let mut k = i + 1;
    while cs
        .get(k)
        .is_some_and(|&c| c.is_ascii_digit() || c == ',' || c == '.' || is_kanji_numeral(c))
    {
        k += 1;
    }
    k
}

fn prose_quantity(
    orig: &[char],
    cs: &[char],
    i: usize,
    in_date: &dyn Fn(usize) -> bool,
) -> Option<Quantity> {
    let prev = i.checked_sub(1).and_then(|p| cs.get(p)).copied();
    // `Society5.0`, `R4`, `H30`, `No.3`, `第1回`: a label or an ordinal.
    if prev.is_some_and(|c| c.is_ascii_alphabetic() || c == '.' || c == '第' || c == '#') {
        return None;
    }
    if in_date(i) {
        return None;
    }
    let reading = read_number(cs, i, true)?;
    let tail = read_tail(cs, reading.end(), &reading, false)?;
    tail.unit.as_ref()?;
    // A dotted run (`5.3.14`) or a time (`15:00`) is not a count.
    if matches!(cs.get(reading.end()), Some('.') | Some(':')) {
        return None;
    }
    let unit_start = tail.end - tail.unit.as_ref().map_or(0, |u| u.chars().count());
    if cs.get(tail.end) == Some(&'目') || UNIT_WORDS.iter().any(|w| starts_with(cs, unit_start, w))
    {
        return None;
    }
    let mut start = i;
    let mut neg = false;
    if let Some(p) = i.checked_sub(1) {
        let before = p.checked_sub(1).and_then(|b| cs.get(b)).copied();
        match cs.get(p) {
            Some('△') | Some('▲') => {
                neg = true;
                start = p;
            }
            Some('-') if !before.is_some_and(|c| c.is_alphanumeric()) => {
                neg = true;
                start = p;
            }
            _ => {}
        }
    }
    // `マイナス五%`: a sign spelled out.
    if let Some(&(w, sign)) = SIGNS
        .iter()
        .filter(|(w, _)| w.chars().count() > 1)
        .find(|(w, _)| {
            start
                .checked_sub(w.chars().count())
                .is_some_and(|s| starts_with(cs, s, w))
        })
    {
        neg = sign < 0;
        start -= w.chars().count();
    }
    let mut words: Vec<&'static str> = Vec::new();
    if let Some((s, w)) = qualifier_before(cs, start) {
        words.push(w);
        start = s;
    }
    words.extend(tail.inner);
    let mut end = tail.end;
    if let Some((after, w)) = qualifier_at(cs, end, AFTER) {
        words.push(w);
        end = after;
    }
    let raw = orig.get(start..end)?.iter().collect();
    build(raw, neg, &words, &reading, &tail, start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formula(text: &str) -> Vec<(String, f64, Option<String>)> {
        find_formula_quantities(text)
            .into_iter()
            .map(|q| (q.raw, q.value, q.unit))
            .collect()
    }

    #[test]
    fn operands_of_a_multiplication_are_figures_without_a_unit() {
        assert_eq!(
            formula("手数料（見込件数 1,200×300円）"),
            vec![
                ("1,200".to_string(), 1200.0, None),
                ("300円".to_string(), 300.0, Some("円".to_string())),
            ]
        );
        assert_eq!(
            formula("使用料 見込額 56,000 ✕ 97.5％"),
            vec![
                ("56,000".to_string(), 56000.0, None),
                ("97.5％".to_string(), 97.5, Some("%".to_string())),
            ]
        );
        assert_eq!(
            formula("8,200円＊40人＊6月")
                .into_iter()
                .map(|(r, ..)| r)
                .collect::<Vec<_>>(),
            vec!["8,200円", "40人"]
        );
        // A ratio's numbers are its parts, not figures; the count before it is.
        assert_eq!(
            formula("過年度分 250×3／100")
                .into_iter()
                .map(|(r, ..)| r)
                .collect::<Vec<_>>(),
            vec!["250"]
        );
    }

    #[test]
    fn bare_numbers_outside_a_multiplication_are_no_figures() {
        // No calculation: nothing at all is read, not even the units.
        assert!(formula("第1号 1級職 3,000円").is_empty());
        assert!(formula("※1 注記").is_empty());
        assert!(formula("＊印は再掲 12").is_empty());
        // Beside a calculation, a code, an ordinal or a lone total stays unread.
        let read: Vec<String> = formula("第2号 R6 400×5人 2,000 No.3")
            .into_iter()
            .map(|(r, ..)| r)
            .collect();
        assert_eq!(read, vec!["400", "5人"]);
    }

    #[test]
    fn digits_past_f64_precision_are_no_quantity() {
        assert!(parse_quantity("999999999999999999999人").is_none());
        assert!(find_quantities("人口 999999999999999999999人").is_empty());
        assert!(parse_quantity("二〇二一二〇二一二〇二一二〇二一二〇二一").is_none());
        // Fifteen digits, and zeros on either side, still read exactly.
        assert_eq!(q("999999999999999人").value, 999_999_999_999_999.0);
        assert_eq!(q("100000000000000000000円").value, 1e20);
        assert_eq!(q("0.0000000000000000000000001%").value, 1e-25);
    }

    #[test]
    fn terms_are_the_values_the_decimal_parser_gives() {
        let digits = [
            "0",
            "1",
            "7",
            "42",
            "3682",
            "123456789012345",
            "999999999999999",
            "00012",
        ];
        for d in digits {
            for exp in -30..=30 {
                let parsed = format!("{d}e{exp}").parse::<f64>().ok();
                assert_eq!(term(d, exp), parsed, "{d}e{exp}");
            }
        }
    }

    #[test]
    fn many_numbers_and_dates_on_one_line_stay_linear() {
        let line = "令和3年度 1,234人 ".repeat(20_000);
        let started = std::time::Instant::now();
        let found = find_quantities(&line);
        assert_eq!(found.len(), 20_000);
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    fn q(text: &str) -> Quantity {
        match parse_quantity(text) {
            Some(q) => q,
            None => panic!("no quantity in {text:?}"),
        }
    }

    fn vu(text: &str) -> (f64, Option<String>) {
        let q = q(text);
        (q.value, q.unit)
    }

    fn u(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn plain_numbers_and_percentages() {
        let a = q("3,682");
        assert_eq!(
            (a.value, a.number, a.unit.clone(), a.scale, a.decimals),
            (3682.0, 3682.0, None, 1.0, 0)
        );
        let b = q(" 111.6% ");
        assert_eq!((b.value, b.unit.clone(), b.decimals), (111.6, u("%"), 1));
        assert_eq!((b.start, b.end, b.raw.as_str()), (1, 7, "111.6%"));
        assert_eq!(vu("10"), (10.0, None));
        assert_eq!(q("0.0%").decimals, 1);
        assert_eq!(vu("2,366人"), (2366.0, u("人")));
        assert_eq!(vu("２，３６６人"), (2366.0, u("人")));
        assert_eq!(vu("1,502 人"), (1502.0, u("人")));
    }

    #[test]
    fn scales() {
        let a = q("28,000千円");
        assert_eq!(
            (a.value, a.number, a.unit.clone(), a.scale),
            (28_000_000.0, 28000.0, u("円"), 1000.0)
        );
        assert_eq!(vu("17百万円"), (17_000_000.0, u("円")));
        assert_eq!(vu("1万2600回"), (12600.0, u("回")));
        let b = q("12億3456万円");
        assert_eq!(
            (b.value, b.number, b.scale),
            (1_234_560_000.0, 123456.0, 10000.0)
        );
        let c = q("1,032万t");
        assert_eq!(
            (c.value, c.number, c.unit.clone(), c.scale),
            (10_320_000.0, 1032.0, u("t"), 10000.0)
        );
        assert_eq!(vu("3億円"), (300_000_000.0, u("円")));
        assert_eq!(vu("1.5万人"), (15000.0, u("人")));
        assert_eq!(vu("3万"), (30000.0, None));
        assert_eq!(vu("2兆円"), (2e12, u("円")));
    }

    #[test]
    fn wari_becomes_percent() {
        let a = q("約3割");
        assert_eq!(
            (a.value, a.unit.clone(), a.approx, a.number, a.scale),
            (30.0, u("%"), true, 3.0, 10.0)
        );
        let b = q("3割5分");
        assert_eq!(
            (b.value, b.unit.clone(), b.number, b.decimals),
            (35.0, u("%"), 3.5, 1)
        );
    }

    #[test]
    fn signs() {
        assert_eq!(q("△1,234").value, -1234.0);
        assert_eq!(q("▲1,234").value, -1234.0);
        assert_eq!(q("-1,234").value, -1234.0);
        assert_eq!(q("－１，２３４").value, -1234.0);
        let a = q("△ 500千円");
        assert_eq!((a.value, a.number), (-500_000.0, -500.0));
    }

    #[test]
    fn approx_marks() {
        for t in [
            "約100人",
            "概ね100人",
            "およそ100人",
            "100人以上",
            "100人以下",
            "100人程度",
            "100人超",
            "100人未満",
        ] {
            let a = q(t);
            assert!(a.approx, "{t}");
            assert_eq!(a.value, 100.0, "{t}");
        }
        assert!(!q("100人").approx);
    }

    #[test]
    fn tolerant_units_in_cells() {
        assert_eq!(vu("5区画"), (5.0, u("区画")));
        assert_eq!(vu("3機関"), (3.0, u("機関")));
        assert_eq!(vu("三千五百人"), (3500.0, u("人")));
        // A code and a label, not a quantity.
        assert_eq!(parse_quantity("09 交際費"), None);
        assert_eq!(parse_quantity("四万十市"), None);
        assert_eq!(parse_quantity("十九市町村").map(|q| q.value), Some(19.0));
        assert_eq!(vu("828市区町村"), (828.0, u("市区町村")));
    }

    #[test]
    fn not_whole_quantities() {
        for t in [
            "",
            " ",
            "-",
            "―",
            "…",
            "－",
            "—",
            "第1回",
            "R4",
            "2020年度",
            "2020年",
            "年40人",
            "5年間で3人",
            "1年目",
            "15:00",
            "R5.3.14",
            "5.3.14",
            "(1)",
            "3月",
            "10日間程度で終了",
            "a",
            "△",
            "1,2",
            "1人/年?",
            "12,34",
            "一人",
            "一部",
        ] {
            assert_eq!(parse_quantity(t), None, "{t:?}");
        }
    }

    #[test]
    fn huge_numbers_do_not_panic() {
        let big = "9".repeat(400);
        assert_eq!(parse_quantity(&big), None);
        assert_eq!(parse_quantity(&format!("{big}兆円")), None);
        assert_eq!(parse_quantity("1e308"), None);
        assert!(find_quantities(&format!("{big}人")).is_empty());
        let long = "1万".repeat(1000);
        let _ = parse_quantity(&long);
        let _ = find_quantities(&long);
    }

    fn found(text: &str) -> Vec<(f64, String)> {
        find_quantities(text)
            .into_iter()
            .map(|q| (q.value, q.unit.unwrap_or_default()))
            .collect()
    }

    fn f(v: f64, u: &str) -> (f64, String) {
        (v, u.to_string())
    }

    #[test]
    fn prose_quantities() {
        assert_eq!(
            found("…ネットワーク。104機関加盟）"),
            vec![f(104.0, "機関")]
        );
        assert_eq!(found("開発(19本)"), vec![f(19.0, "本")]);
        assert_eq!(
            found("高1生240名と県内6大学の39名が交流"),
            vec![f(240.0, "名"), f(6.0, "大学"), f(39.0, "名")]
        );
        assert_eq!(found("(合計10日間)"), vec![f(10.0, "日間")]);
        assert_eq!(found("毎月1本ペース"), vec![f(1.0, "本")]);
        assert_eq!(found("各課に1名配置"), vec![f(1.0, "名")]);
        assert_eq!(found("山陰12市"), vec![f(12.0, "市")]);
        assert_eq!(found("県内の十九市町村"), vec![f(19.0, "市町村")]);
        assert_eq!(found("[四万十市] 事業"), vec![]);
        assert_eq!(found("四万十町と三万人"), vec![f(30000.0, "人")]);
        assert_eq!(found("各2回し"), vec![f(2.0, "回")]);
        assert_eq!(found("(39歳から49歳)"), vec![f(39.0, "歳"), f(49.0, "歳")]);
        assert_eq!(found("参加者は三千五百人"), vec![f(3500.0, "人")]);
        assert_eq!(found("予算28,000千円を計上"), vec![f(28_000_000.0, "円")]);
        assert_eq!(found("６団体"), vec![f(6.0, "団体")]);
    }

    #[test]
    fn prose_approx_and_span() {
        let a = find_quantities("年度内に4回程度開催");
        assert_eq!(a.len(), 1);
        assert_eq!(
            (a[0].value, a[0].approx, a[0].raw.as_str()),
            (4.0, true, "4回程度")
        );
        assert_eq!((a[0].start, a[0].end), (4, 8));
        let b = find_quantities("約3割が市外");
        assert_eq!(b.len(), 1);
        assert_eq!(
            (
                b[0].value,
                b[0].unit.as_deref(),
                b[0].approx,
                b[0].raw.as_str()
            ),
            (30.0, Some("%"), true, "約3割")
        );
        let c = find_quantities("収支は△1,234千円");
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].value, c[0].raw.as_str()),
            (-1_234_000.0, "△1,234千円")
        );
    }

    #[test]
    fn prose_non_quantities() {
        for t in [
            "第1回",
            "第１回部会",
            "1年目",
            "3つ目",
            "2回目の会議",
            "令和4年7月21日",
            "6月2日に開催",
            "15:00~17:00",
            "2030年",
            "平成26年",
            "R4",
            "H30",
            "2021年度",
            "1 安定した雇用",
            "(1)人材育成",
            "1.人づくり",
            "Society5.0",
            "レベル1",
            "4F会議室",
            "version 5.0",
            "一人ひとり",
            "一般",
            "一部",
            "三つの柱",
            "万人に開かれた",
            "十日町市",
            "1本市の取組",
            "+36百万市場価格",
            "R5.3.14に",
        ] {
            assert_eq!(found(t), vec![], "{t:?}");
        }
    }

    #[test]
    fn unit_statements() {
        assert_eq!(
            unit_statement("(単位:千円)"),
            Some(("円".to_string(), 1000.0))
        );
        assert_eq!(
            unit_statement("（単位：千円）"),
            Some(("円".to_string(), 1000.0))
        );
        assert_eq!(
            unit_statement("(単位 千円）"),
            Some(("円".to_string(), 1000.0))
        );
        assert_eq!(unit_statement("単位：人"), Some(("人".to_string(), 1.0)));
        assert_eq!(
            unit_statement("【単位：百万円】"),
            Some(("円".to_string(), 1e6))
        );
        assert_eq!(unit_statement("単位:%"), Some(("%".to_string(), 1.0)));
        assert_eq!(unit_statement("表の単位について説明する"), None);
        assert_eq!(unit_statement("千円"), None);
        assert_eq!(unit_statement("単位"), None);
    }

    #[test]
    fn kanji_numbers() {
        assert_eq!(kanji_number("二〇二一"), Some(2021.0));
        assert_eq!(kanji_number("三千五百"), Some(3500.0));
        assert_eq!(kanji_number("四"), Some(4.0));
        assert_eq!(kanji_number("十二"), Some(12.0));
        assert_eq!(kanji_number("十"), Some(10.0));
        assert_eq!(kanji_number("二十一"), Some(21.0));
        assert_eq!(kanji_number("一万二千六百"), Some(12600.0));
        assert_eq!(kanji_number("三億五千万"), Some(350_000_000.0));
        assert_eq!(kanji_number("元"), None);
        assert_eq!(kanji_number(""), None);
        assert_eq!(kanji_number("十十"), None);
        assert_eq!(kanji_number("二三十"), None);
        assert_eq!(kanji_number("万億"), None);
        assert_eq!(kanji_number("三人"), None);
    }
}
