//! Dates and periods: eras (明治…令和, 元年, R/H/S abbreviations), western
//! years, fiscal years (年度: April to March), ranges, weekdays, kanji numerals.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate, Weekday};
use rustc_hash::FxHashSet;

use super::numbers::kanji_number;
use crate::model::DateKind;
use crate::vocab::eras::{era_named, Era, ERAS, WESTERN_MARKS};
use crate::vocab::numerals;
use crate::vocab::qualifiers;
use crate::vocab::qualifiers::{
    FISCAL_YEAR_END, MONTH_END, MONTH_PARTS, NOT_AFTER_RELATIVE, NOT_SEASONS, RANGE_CLOSE,
    RANGE_MARKS, RELATIVE_YEARS, SAME_YEAR, SEASONS, WEEKDAYS, WEEKDAY_SUFFIXES,
};

/// What a mention with no year of its own takes its year from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateContext {
    /// The fiscal year of the nearest fiscal-year heading (`【令和５年度】` → 2023):
    /// April–December fall in it, January–March in the next calendar year.
    pub fiscal_year: Option<i32>,
    /// The document's own date (`published_start`).
    pub doc_date: Option<NaiveDate>,
    /// The era last named in the document, for bare era years (`30年度`
    /// in a 平成 document); `None` when no era was named.
    pub era: Option<&'static str>,
}

/// One date or period found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundDate {
    pub kind: DateKind,
    /// Char offsets of the mention in the searched text (`start..end`).
    pub start: usize,
    pub end: usize,
    /// The exact text of `start..end` (the stated length and weekday are
    /// outside it: `R4～R7` of `R4～R7（4年間）`, `令和4年7月21日(木)` keeps `(木)`).
    pub raw: String,
    /// Kanji era name (`令和`), when the mention used an era.
    pub era: Option<&'static str>,
    pub era_year: Option<i32>,
    /// ISO start and end; `end` is `None` for an open range (`平成２０年度～`).
    pub date_start: Option<NaiveDate>,
    pub date_end: Option<NaiveDate>,
    /// Fiscal years covered (for fiscal_year / fiscal_range kinds).
    pub fy_start: Option<i32>,
    pub fy_end: Option<i32>,
    /// `木` for `(木)`, and the weekday `date_start` really is.
    pub weekday_stated: Option<String>,
    pub weekday_actual: Option<String>,
    /// The year was taken from context (`DateContext`), not printed.
    pub inferred: bool,
    /// Western year printed beside an era year (`2021（令和3）年度` → 2021).
    pub western_stated: Option<i32>,
    /// Stated length in years right after a range (`（4年間）` → 4), and its
    /// char span, so the length is not read again as a quantity.
    pub length_stated: Option<i32>,
    pub length_span: Option<(usize, usize)>,
    /// Step number printed with the period (`2年目（2020年度）` → 2).
    pub sequence: Option<i32>,
    /// Why this is not a real date: `令和0年`, `2月30日`, an era year past
    /// the era's end (`平成32年度`: still converted, 2020). `None` when valid.
    pub problem: Option<String>,
}

/// Every date and period mention in `text`, in order, not overlapping.
pub fn find_dates(text: &str, ctx: &DateContext) -> Vec<FoundDate> {
    if !may_hold_mention(text) {
        return Vec::new();
    }
    scan(text, ctx)
}

/// False when `text` cannot hold a mention, found without copying it: most
/// texts (table cells, labels) lack either a char a mention starts with or
/// one every mention needs. Without an era name or letter, a mention needs
/// `年` (`2021年`, `30年度`), `月` (`6月2日`), a range mark (`2021～2025`)
/// or a numeric date's separator (`2026-08-15`, `2026/8/15`).
fn may_hold_mention(text: &str) -> bool {
    let (mut starts, mut needed) = (false, false);
    for c in text.chars().map(fold) {
        starts = starts || may_start_mention(c);
        needed = needed || NEEDED_CHARS.contains(&c);
        if starts && needed {
            return true;
        }
    }
    false
}

/// Chars other than numerals that start a mention: an era's first char,
/// letter or ligature, 元, and the first char of the words in the tables
/// (`西暦`, `本年`).
static START_CHARS: LazyLock<FxHashSet<char>> = LazyLock::new(|| {
    let words = WESTERN_MARKS
        .iter()
        .copied()
        .chain(RELATIVE_YEARS.iter().map(|r| r.word))
        .chain(ERAS.iter().map(|e| e.name));
    let mut set: FxHashSet<char> = words.filter_map(|w| w.chars().next()).collect();
    set.extend(ERAS.iter().flat_map(|e| [e.letter, e.ligature]));
    set.insert('元');
    set
});

/// Chars one of which every mention holds: an era's name, letter or
/// ligature, 元, `年`, `月`, a range mark, or a numeric date's separator.
static NEEDED_CHARS: LazyLock<FxHashSet<char>> = LazyLock::new(|| {
    let mut set: FxHashSet<char> = ERAS
        .iter()
        .flat_map(|e| e.name.chars().take(1).chain([e.letter, e.ligature]))
        .collect();
    set.extend(['元', '年', '月', '～', '-', '/']);
    set
});

fn scan(text: &str, ctx: &DateContext) -> Vec<FoundDate> {
    let orig: Vec<char> = text.chars().collect();
    let cs: Vec<char> = orig.iter().map(|&c| fold(c)).collect();
    let mut out: Vec<FoundDate> = Vec::new();
    // A bare `3年度` belongs to the era named last, in this text or before it.
    let mut local = *ctx;
    let mut i = 0;
    while let Some(&c) = cs.get(i) {
        // Most chars cannot start a mention; skip them cheaply.
        if !may_start_mention(c) {
            i += 1;
            continue;
        }
        let sequence = sequence_before(&cs, i);
        let at = sequence.map_or(i, |(_, after)| after);
        match mention_at(&cs, at, &local) {
            Some(mut m) => {
                if let Some((n, _)) = sequence {
                    m.sequence = Some(n);
                }
                let next = m.end.max(i + 1);
                let found = m.into_found(&orig);
                if found.era.is_some() {
                    local.era = found.era;
                }
                out.push(found);
                i = next;
            }
            None => i += 1,
        }
    }
    out
}

/// A (folded) char a date mention can start with.
fn may_start_mention(c: char) -> bool {
    c.is_ascii_digit() || is_kanji_numeral(c) || START_CHARS.contains(&c)
}

/// Western year of an era year (`("令和", 1)` → 2019). `None` for an unknown
/// era or a year below 1; years past the era's end still convert.
pub fn era_to_western(era: &str, year: i32) -> Option<i32> {
    if year < 1 {
        return None;
    }
    era_named(era)?.offset().checked_add(year)
}

/// The era and era year of a calendar date (`2019-05-01` → `("令和", 1)`).
/// `None` before 明治 (taken to start on 1868-01-25, the first day of the
/// lunar year 明治1 was later made to cover).
pub fn era_of(date: NaiveDate) -> Option<(&'static str, i32)> {
    ERAS.iter()
        .rev()
        .find(|e| e.first_date().is_some_and(|d| d <= date))
        .map(|e| (e.name, date.year() - e.offset()))
}

// ---------------------------------------------------------------------------

fn weekday_kanji(w: Weekday) -> String {
    let i = w.num_days_from_monday() as usize;
    WEEKDAYS.get(i).map(|c| c.to_string()).unwrap_or_default()
}

fn fold(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5D}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '~' | '〜' | '∼' => '～',
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn starts_with(cs: &[char], i: usize, word: &str) -> bool {
    word.chars()
        .enumerate()
        .all(|(k, w)| cs.get(i + k) == Some(&w))
}

fn skip_spaces(cs: &[char], mut i: usize) -> usize {
    while cs.get(i).is_some_and(|&c| c == ' ' || c == '\t') {
        i += 1;
    }
    i
}

/// A kanji (CJK unified ideograph, with the 々 repeat mark).
fn is_cjk_ideograph(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々')
}

/// Kanji digits and small units: dates need no 万.
fn is_kanji_numeral(c: char) -> bool {
    numerals::digit(c).is_some() || numerals::small_unit(c).is_some()
}

/// An integer at `i`: ASCII digits, or kanji numerals when `kanji`.
/// Returns the value (`None` when too large), the end, and the digit count.
fn int_at(cs: &[char], i: usize, kanji: bool) -> Option<(Option<i64>, usize, usize)> {
    let digits_end = (i..=cs.len()).find(|&k| !cs.get(k).is_some_and(char::is_ascii_digit))?;
    if digits_end > i {
        let s: String = cs.get(i..digits_end)?.iter().collect();
        return Some((s.parse::<i64>().ok(), digits_end, digits_end - i));
    }
    if !kanji {
        return None;
    }
    let end = (i..=cs.len()).find(|&k| !cs.get(k).is_some_and(|&c| is_kanji_numeral(c)))?;
    if end == i {
        return None;
    }
    let s: String = cs.get(i..end)?.iter().collect();
    let v = kanji_number(&s)?;
    let count = if s.chars().any(|c| numerals::small_unit(c).is_some()) {
        v.to_string().len()
    } else {
        end - i
    };
    Some(((v.abs() < 1e15).then_some(v as i64), end, count))
}

/// `N年目(` before `i`: the step number and where the period starts.
fn sequence_before(cs: &[char], i: usize) -> Option<(i32, usize)> {
    if i > 0 && cs.get(i - 1).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let (n, k, _) = int_at(cs, i, false)?;
    if !starts_with(cs, k, "年目") {
        return None;
    }
    let k = skip_spaces(cs, k + 2);
    (cs.get(k) == Some(&'(')).then_some((i32::try_from(n?).ok()?, k + 1))
}

/// Where a year comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
enum System {
    Era(&'static Era),
    Abbrev(&'static Era),
    Western,
}

/// One end of a period as printed.
#[derive(Debug, Clone)]
struct Point {
    start: usize,
    end: usize,
    system: System,
    /// The printed year (era year or western year); `None` when too large.
    year: Option<i64>,
    /// `年度`: a fiscal year.
    fiscal: bool,
    /// Printed without 年/年度 (`平成19` of `平成19～20年度`): needs the far end.
    bare: bool,
    month: Option<i64>,
    day: Option<i64>,
    western_stated: Option<i64>,
    /// The era year printed beside a western one (`2021(令和3)`).
    paired_era: Option<(&'static Era, Option<i64>)>,
    pair_problem: Option<String>,
    weekday_stated: Option<char>,
    inferred: bool,
    /// Calendar year known only from context, or not at all.
    year_known: bool,
    /// A part of the year or month (`秋`, `上旬`, `末日`, `年度末`).
    sub: Option<Sub>,
}

/// A fuzzy part of a year or month, read as a range (or a day).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sub {
    /// `年度末`: March 31 ending the fiscal year.
    FiscalEnd,
    /// `年末`: December 31.
    YearEnd,
    /// A season: first and last month (冬 ends in the next year).
    Season(u32, u32),
    /// `上旬` / `中旬` / `下旬`: first and last day (`None`: month's end).
    Days(u32, Option<u32>),
    /// `末` / `末日`: the month's last day.
    MonthEnd,
}

impl Sub {
    /// A single day (`末日`), not a range of days.
    fn is_day(self) -> bool {
        matches!(self, Sub::FiscalEnd | Sub::YearEnd | Sub::MonthEnd)
    }
}

impl Point {
    fn western(&self) -> Option<i32> {
        let y = i32::try_from(self.year?).ok()?;
        match self.system {
            System::Western => Some(y),
            System::Era(e) | System::Abbrev(e) => era_to_western(e.name, y),
        }
    }

    fn era(&self) -> Option<&'static Era> {
        match self.system {
            System::Era(e) | System::Abbrev(e) => Some(e),
            System::Western => None,
        }
    }

    /// First and last day covered; `Err` with the reason when it does not exist.
    fn span(&self) -> Result<Option<(NaiveDate, NaiveDate)>, String> {
        if self.era().is_some() && self.year == Some(0) {
            return Err("era year 0".to_string());
        }
        if !self.year_known {
            // No year: still tell an impossible day (2月30日) from a possible one.
            if let (Some(m), Some(d)) = (self.month, self.day) {
                ymd(2000, m, d).ok_or_else(|| "no such date".to_string())?;
            }
            if let (Some(m), None) = (self.month, self.day) {
                ymd(2000, m, 1).ok_or_else(|| "no such date".to_string())?;
            }
            return Ok(None);
        }
        let Some(y) = self.western() else {
            return Err("year out of range".to_string());
        };
        let none = || "no such date".to_string();
        let span = if self.fiscal {
            let end_year = y.checked_add(1).ok_or_else(none)?;
            (
                ymd(y.into(), 4, 1).ok_or_else(none)?,
                ymd(end_year.into(), 3, 31).ok_or_else(none)?,
            )
        } else {
            match (self.month, self.day) {
                (Some(m), Some(d)) => {
                    let day = ymd(y.into(), m, d).ok_or_else(none)?;
                    (day, day)
                }
                (Some(m), None) => {
                    let first = ymd(y.into(), m, 1).ok_or_else(none)?;
                    (first, month_end(first).ok_or_else(none)?)
                }
                _ => (
                    ymd(y.into(), 1, 1).ok_or_else(none)?,
                    ymd(y.into(), 12, 31).ok_or_else(none)?,
                ),
            }
        };
        let span = match self.sub {
            None => span,
            Some(Sub::FiscalEnd | Sub::YearEnd | Sub::MonthEnd) => (span.1, span.1),
            Some(Sub::Season(first, last)) => {
                let end_year = if last < first {
                    y.checked_add(1).ok_or_else(none)?
                } else {
                    y
                };
                let last_first = ymd(end_year.into(), last.into(), 1).ok_or_else(none)?;
                (
                    ymd(y.into(), first.into(), 1).ok_or_else(none)?,
                    month_end(last_first).ok_or_else(none)?,
                )
            }
            Some(Sub::Days(first, last)) => {
                let start = span
                    .0
                    .with_day(first)
                    .filter(|d| d.month() == span.0.month())
                    .ok_or_else(none)?;
                let end = match last {
                    Some(l) => span.0.with_day(l).ok_or_else(none)?,
                    None => span.1,
                };
                (start, end)
            }
        };
        Ok(Some(span))
    }

    /// An era year outside its era's days (`平成32年度`, `令和1年1月`).
    fn era_problem(&self, span: (NaiveDate, NaiveDate)) -> Option<String> {
        let e = self.era()?;
        let y = self.year?;
        if let (Some(last), Some(last_year)) = (e.last_date(), e.last_year()) {
            if span.0 > last {
                let w = self.western()?;
                return Some(format!(
                    "{} ended in {} ({}{}年): {}{}年 = {}",
                    e.name,
                    last.year(),
                    e.name,
                    last_year,
                    e.name,
                    y,
                    w
                ));
            }
        }
        let first = e.first_date()?;
        if span.1 < first {
            return Some(format!(
                "{} began on {}: {}{}年 is before it",
                e.name, first, e.name, y
            ));
        }
        None
    }
}

fn ymd(y: i64, m: i64, d: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        i32::try_from(y).ok()?,
        u32::try_from(m).ok()?,
        u32::try_from(d).ok()?,
    )
}

fn month_end(first: NaiveDate) -> Option<NaiveDate> {
    first.checked_add_months(chrono::Months::new(1))?.pred_opt()
}

/// A year printed at `i`, before its `年`/`年度`.
fn head_at(cs: &[char], i: usize, ctx: &DateContext) -> Option<Point> {
    let prev = i.checked_sub(1).and_then(|p| cs.get(p)).copied();
    let glued =
        prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == ',' || c == '第');
    let c = *cs.get(i)?;
    let mk = |end, system, year| Point {
        start: i,
        end,
        system,
        year,
        fiscal: false,
        bare: true,
        month: None,
        day: None,
        western_stated: None,
        paired_era: None,
        pair_problem: None,
        weekday_stated: None,
        inferred: false,
        year_known: true,
        sub: None,
    };
    // 令和4, 令和元, 令和四, ㋿4
    let named = ERAS.iter().find_map(|e| {
        if starts_with(cs, i, e.name) {
            Some((e, i + e.name.chars().count()))
        } else {
            (c == e.ligature).then_some((e, i + 1))
        }
    });
    if let Some((e, after)) = named {
        let k = skip_spaces(cs, after);
        if cs.get(k) == Some(&'元') {
            return Some(mk(k + 1, System::Era(e), Some(1)));
        }
        let (y, end, _) = int_at(cs, k, true)?;
        return Some(mk(end, System::Era(e), y));
    }
    // R4, R 4, H30: the letter alone, then one or two digits.
    if let Some(e) = ERAS.iter().find(|e| e.letter == c) {
        if glued || prev.is_some_and(|p| p.is_alphabetic() && p.is_ascii()) {
            return None;
        }
        let k = if cs.get(i + 1) == Some(&' ') {
            i + 2
        } else {
            i + 1
        };
        let (y, end, n) = int_at(cs, k, false)?;
        let y = y?;
        let after = cs.get(end).copied();
        // A longer number or a word (`H2O`) is a code, not a year.
        if n > 2 || after.is_some_and(|a| a.is_ascii_alphanumeric()) {
            return None;
        }
        // The letters M/T/S are common codes: only years their eras had.
        if e.letter != 'R' && e.letter != 'H' && e.last_year().is_some_and(|l| y > i64::from(l)) {
            return None;
        }
        let mut p = mk(end, System::Abbrev(e), Some(y));
        p.bare = false;
        p.fiscal = true;
        return Some(p);
    }
    // The middle of a kanji number starts no year; reading on from every
    // char of a long run would rescan the run each time (quadratic).
    if glued || prev.is_some_and(is_kanji_numeral) && is_kanji_numeral(c) {
        return None;
    }
    // 西暦2019年: the mark, then a western year.
    if let Some(w) = WESTERN_MARKS.iter().find(|w| starts_with(cs, i, w)) {
        let k = skip_spaces(cs, i + w.chars().count());
        let mut p = head_at(cs, k, ctx).filter(|p| p.system == System::Western)?;
        p.start = i;
        return Some(p);
    }
    // 本年, 昨年度: a year relative to the document's own.
    if let Some(p) = relative_at(cs, i, ctx) {
        return Some(p);
    }
    // 2 0 1 9 年: a year letter-spaced by PDF extraction.
    if let Some((y, end)) = spaced_year(cs, i) {
        return Some(mk(end, System::Western, Some(y)));
    }
    // 2021, 二〇二一: four digits in the range of modern years.
    if let Some((Some(y), end, 4)) = int_at(cs, i, true) {
        if (1868..=2200).contains(&y)
            && !cs
                .get(i..end)?
                .iter()
                .any(|&k| numerals::small_unit(k).is_some())
        {
            let mut p = mk(end, System::Western, Some(y));
            // 2026-08-15, 2026/8/15: a numeric date of record exports.
            if let Some((m, d, e)) = numeric_month_day(cs, end) {
                (p.month, p.day, p.end, p.bare) = (Some(m), Some(d), e, false);
                return Some(p);
            }
            // 2021(令和3)年度: the era year beside it.
            if cs.get(end) == Some(&'(') {
                if let Some(inner) = head_at(cs, end + 1, ctx) {
                    if let (System::Era(_), Some(')')) = (inner.system, cs.get(inner.end)) {
                        pair(&mut p, &inner);
                        p.end = inner.end + 1;
                    }
                }
            }
            return Some(p);
        }
        return None;
    }
    // 30年度 in a document that named its era; 元年度.
    let era = ctx.era.and_then(era_named)?;
    if c == '元' {
        return Some(mk(i + 1, System::Era(era), Some(1)));
    }
    let (y, end, n) = int_at(cs, i, false)?;
    if n > 2 || !starts_with(cs, end, "年度") {
        return None;
    }
    Some(mk(end, System::Era(era), y))
}

/// `-08-15` or `/8/15` after a four-digit year: month, day and end. One
/// separator throughout, and no digit or separator after (`2021-2025` is
/// a range, `2026/8/15/2` something else).
fn numeric_month_day(cs: &[char], at: usize) -> Option<(i64, i64, usize)> {
    let sep = *cs.get(at).filter(|c| matches!(c, '-' | '/'))?;
    let (m, k, n) = int_at(cs, at + 1, false)?;
    if n > 2 || cs.get(k) != Some(&sep) {
        return None;
    }
    let (d, e, n) = int_at(cs, k + 1, false)?;
    let next = cs.get(e);
    if n > 2 || next.is_some_and(|c| c.is_ascii_alphanumeric() || *c == sep || *c == ':') {
        return None;
    }
    Some((m?, d?, e))
}

/// `2 0 1 9 年`: four digits one space apart, then `年` (a run of lone
/// digits without it may be separate numbers). The year and where its
/// `年` starts.
fn spaced_year(cs: &[char], i: usize) -> Option<(i64, usize)> {
    let mut year: i64 = 0;
    for n in 0..4 {
        let d = cs.get(i + 2 * n)?.to_digit(10)?;
        if n < 3 && cs.get(i + 2 * n + 1) != Some(&' ') {
            return None;
        }
        year = year * 10 + i64::from(d);
    }
    let k = skip_spaces(cs, i + 7);
    (cs.get(k) == Some(&'年') && (1868..=2200).contains(&year)).then_some((year, k))
}

/// Record a western year and the era year printed beside it; disagreeing
/// pairs are a problem.
fn pair(western: &mut Point, era: &Point) {
    western.western_stated = western.year;
    if let System::Era(e) = era.system {
        western.paired_era = Some((e, era.year));
        let converted = era
            .year
            .and_then(|y| i32::try_from(y).ok())
            .and_then(|y| era_to_western(e.name, y));
        if converted.map(i64::from) != western.year {
            let shown = era.year.map_or_else(|| "?".to_string(), |y| y.to_string());
            western.pair_problem = Some(format!(
                "{} ≠ {}{}年 (= {})",
                western.year.unwrap_or_default(),
                e.name,
                shown,
                converted.map_or_else(|| "?".to_string(), |c| c.to_string())
            ));
        }
    }
}

/// What follows a year: `年度`, `年[M月[D日]]`, `.M月`, `.M.D`.
fn complete(cs: &[char], mut p: Point) -> Point {
    // `2018 年`: PDF text keeps a space before the 年.
    let k = if cs.get(p.end) == Some(&' ') && cs.get(p.end + 1) == Some(&'年') {
        p.end + 1
    } else {
        p.end
    };
    if starts_with(cs, k, "年度") {
        p.fiscal = true;
        p.bare = false;
        p.end = k + 2;
        // 2017年度(平成29年度): the era year beside the western one.
        if p.system == System::Western && cs.get(p.end) == Some(&'(') {
            if let Some(inner) = head_at(cs, p.end + 1, &DateContext::default()) {
                if matches!(inner.system, System::Era(_)) && starts_with(cs, inner.end, "年度)") {
                    pair(&mut p, &inner);
                    p.end = inner.end + 3;
                }
            }
        }
        // 令和12年度末: the March 31 that ends it.
        if let Some(w) = FISCAL_YEAR_END.iter().find(|w| starts_with(cs, p.end, w)) {
            p.sub = Some(Sub::FiscalEnd);
            p.end += w.chars().count();
        }
        return p;
    }
    // 1900年間 and 1990年代 are a length and a decade.
    if cs.get(k) == Some(&'年') && !matches!(cs.get(k + 1), Some('間') | Some('代')) {
        p.fiscal = false;
        p.bare = false;
        p.end = k + 1;
        // `2018 年 1 月`: one space of PDF text before the month too.
        if cs.get(p.end) == Some(&' ') {
            let mut q = p.clone();
            q.end += 1;
            if month_day(cs, &mut q, true) {
                part_of_month(cs, &mut q);
                return q;
            }
        }
        if month_day(cs, &mut p, true) {
            part_of_month(cs, &mut p);
        } else {
            part_of_year(cs, &mut p);
        }
        return p;
    }
    // R5.3.14, 令和8.3: dotted month and day after an era year.
    if let System::Abbrev(_) | System::Era(_) = p.system {
        if cs.get(k) == Some(&'.') {
            let mut q = p.clone();
            q.end = k + 1;
            if month_day(cs, &mut q, false) {
                q.fiscal = false;
                q.bare = false;
                return q;
            }
        }
    }
    p
}

/// `秋`, `年末` right after a year's `年`.
fn part_of_year(cs: &[char], p: &mut Point) {
    if NOT_SEASONS.iter().any(|w| starts_with(cs, p.end, w)) {
        return;
    }
    if let Some((w, first, last)) = SEASONS.iter().find(|(w, ..)| starts_with(cs, p.end, w)) {
        p.sub = Some(Sub::Season(*first, *last));
        p.end += w.chars().count();
    } else if let Some(w) = MONTH_END.iter().find(|w| starts_with(cs, p.end, w)) {
        p.sub = Some(Sub::YearEnd);
        p.end += w.chars().count();
    }
}

/// `上旬`, `末日` right after a month's `月`.
fn part_of_month(cs: &[char], p: &mut Point) {
    if p.day.is_some() || p.month.is_none() {
        return;
    }
    if let Some((w, first, last)) = MONTH_PARTS.iter().find(|(w, ..)| starts_with(cs, p.end, w)) {
        p.sub = Some(Sub::Days(*first, *last));
        p.end += w.chars().count();
    } else if let Some(w) = MONTH_END.iter().find(|w| starts_with(cs, p.end, w)) {
        p.sub = Some(Sub::MonthEnd);
        p.end += w.chars().count();
    }
}

/// `M月[D日]` (or, when not `kanji_units`, the dotted `M.D` / `M月` / `M`)
/// at `p.end`; true when a month was read.
fn month_day(cs: &[char], p: &mut Point, kanji_units: bool) -> bool {
    let Some((Some(m), k, _)) = int_at(cs, p.end, kanji_units) else {
        return false;
    };
    if cs.get(k) == Some(&'月') {
        p.month = Some(m);
        p.end = k + 1;
        if let Some((Some(d), e, _)) = int_at(cs, p.end, kanji_units) {
            if cs.get(e) == Some(&'日') {
                p.day = Some(d);
                p.end = e + 1;
            }
        }
        return true;
    }
    if kanji_units || !(1..=12).contains(&m) {
        return false;
    }
    // R5.3.14 / R5.3
    if cs.get(k) == Some(&'.') {
        if let Some((Some(d), e, n)) = int_at(cs, k + 1, false) {
            if n <= 2 && !cs.get(e).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                p.month = Some(m);
                p.day = Some(d);
                p.end = e;
                return true;
            }
        }
        return false;
    }
    if cs.get(k).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    p.month = Some(m);
    p.end = k;
    true
}

/// `6月2日` with no year of its own.
fn month_day_at(cs: &[char], i: usize) -> Option<Point> {
    let prev = i.checked_sub(1).and_then(|p| cs.get(p)).copied();
    if prev.is_some_and(|c| {
        c.is_ascii_alphanumeric() || c == '.' || c == '/' || c == '第' || is_kanji_numeral(c)
    }) {
        return None;
    }
    let mut p = Point {
        start: i,
        end: i,
        system: System::Western,
        year: None,
        fiscal: false,
        bare: false,
        month: None,
        day: None,
        western_stated: None,
        paired_era: None,
        pair_problem: None,
        weekday_stated: None,
        inferred: false,
        year_known: false,
        sub: None,
    };
    if month_day(cs, &mut p, true) {
        part_of_month(cs, &mut p);
        if p.day.is_some() || p.sub.is_some() {
            return Some(p);
        }
    }
    None
}

/// `本年`, `昨年度`, `来年` at `i`: a year counted from the document's own
/// (a fiscal one from the fiscal-year heading when there is one). Left
/// unread when the context gives no year, and in comparisons (`前年比`).
fn relative_at(cs: &[char], i: usize, ctx: &DateContext) -> Option<Point> {
    let r = RELATIVE_YEARS
        .iter()
        .filter(|r| starts_with(cs, i, r.word))
        .max_by_key(|r| r.word.chars().count())?;
    let n = r.word.chars().count();
    if NOT_AFTER_RELATIVE.iter().any(|w| starts_with(cs, i + n, w)) {
        return None;
    }
    // Inside a compound the word is two halves of others (`日本年金`,
    // `将来年度`): only a word standing after a non-kanji counts.
    let prev = i.checked_sub(1).and_then(|p| cs.get(p));
    if prev.is_some_and(|&c| is_cjk_ideograph(c)) {
        return None;
    }
    let doc_fiscal = ctx.doc_date.map(|d| {
        if d.month() < 4 {
            d.year() - 1
        } else {
            d.year()
        }
    });
    let base = if r.fiscal {
        ctx.fiscal_year.or(doc_fiscal)?
    } else {
        ctx.doc_date?.year()
    };
    let year = base.checked_add(r.offset)?;
    // The word ends in 年 or 年度: `complete` reads on from its 年.
    let suffix = if r.fiscal { 2 } else { 1 };
    Some(Point {
        start: i,
        end: i + n - suffix,
        system: System::Western,
        year: Some(year.into()),
        fiscal: r.fiscal,
        bare: true,
        month: None,
        day: None,
        western_stated: None,
        paired_era: None,
        pair_problem: None,
        weekday_stated: None,
        inferred: true,
        year_known: true,
        sub: None,
    })
}

/// `(木)`, `(木曜日)`, `(木・祝)` after a date.
fn weekday_after(cs: &[char], p: &mut Point) {
    if p.day.is_none() {
        return;
    }
    let is_weekday = |k: usize| cs.get(k).filter(|c| WEEKDAYS.contains(c)).copied();
    if cs.get(p.end) == Some(&'(') {
        let Some(w) = is_weekday(p.end + 1) else {
            return;
        };
        let mut k = p.end + 2;
        for word in WEEKDAY_SUFFIXES {
            if starts_with(cs, k, word) {
                k += word.chars().count();
            }
        }
        if cs.get(k) == Some(&')') {
            p.weekday_stated = Some(w);
            p.end = k + 1;
        }
        return;
    }
    // 7月21日木曜日, 7月21日 木曜: without brackets only with 曜, since a
    // bare 月 or 日 after a date starts the next word.
    let k = skip_spaces(cs, p.end);
    if let Some(w) = is_weekday(k) {
        if let Some(word) = ["曜日", "曜"].iter().find(|s| starts_with(cs, k + 1, s)) {
            p.weekday_stated = Some(w);
            p.end = k + 1 + word.chars().count();
        }
    }
}

/// One end of a period at `i`, with what follows its year.
fn point_at(cs: &[char], i: usize, ctx: &DateContext) -> Option<Point> {
    if let Some(head) = head_at(cs, i, ctx) {
        let p = complete(cs, head);
        if p.bare && !starts_with(cs, skip_spaces(cs, p.end), "～") {
            return None;
        }
        return Some(p);
    }
    month_day_at(cs, i)
}

/// The far end of a range: a full point, or a number that borrows its
/// year system (and month) from the near end.
fn far_end(cs: &[char], i: usize, near: &Point, ctx: &DateContext) -> Option<Point> {
    // 同年9月30日, 同年度末: the near end's year.
    if let Some(w) = SAME_YEAR.iter().find(|w| starts_with(cs, i, w)) {
        let mut p = near.clone();
        (p.start, p.end) = (i, i + 1);
        (p.month, p.day, p.sub, p.weekday_stated) = (None, None, None, None);
        (p.western_stated, p.paired_era, p.pair_problem) = (None, None, None);
        p.bare = true;
        let mut q = complete(cs, p);
        if q.bare || q.end < i + w.chars().count() {
            return None;
        }
        weekday_after(cs, &mut q);
        return Some(q);
    }
    let year_only = near.month.is_none();
    if year_only {
        // 平成19～20年度, 2021～2025年度, 平成22～26年, H21～27年度,
        // 令和4年～10年: the number borrows the near end's era.
        if let Some((y, k, n)) = int_at(cs, i, true) {
            let mut p = near.clone();
            // 2024～25年度: a short western year keeps the near end's century.
            let y = match (near.system, near.year, y) {
                (System::Western, Some(ny), Some(fy)) if n <= 2 => Some(ny - ny % 100 + fy),
                _ => y,
            };
            (p.start, p.end, p.year, p.sub) = (i, k, y, None);
            p.western_stated = None;
            p.paired_era = None;
            p.pair_problem = None;
            let q = complete(cs, p);
            let suffixed = q.end > k && !q.bare && q.month.is_none();
            if near.bare || suffixed {
                return (n <= 4 && suffixed).then_some(q);
            }
        }
    }
    if let Some(mut p) = head_at(cs, i, ctx)
        .map(|h| complete(cs, h))
        .filter(|p| !p.bare)
    {
        weekday_after(cs, &mut p);
        return Some(p);
    }
    if near.bare {
        return None;
    }
    if let Some(mut p) = month_day_at(cs, i) {
        p.system = near.system;
        p.year_known = near.year_known;
        p.inferred = near.inferred;
        // 12月1日～1月15日 ends in the next year.
        let earlier = (p.month, p.day) < (near.month, near.day.or(Some(1)));
        p.year = near
            .year
            .map(|y| if earlier { y.saturating_add(1) } else { y });
        weekday_after(cs, &mut p);
        return Some(p);
    }
    let (d, k, _) = int_at(cs, i, true)?;
    if near.day.is_none() || cs.get(k) != Some(&'日') {
        return None;
    }
    // 7月21日～23日
    let mut p = near.clone();
    (p.start, p.end, p.day, p.sub) = (i, k + 1, d, None);
    p.weekday_stated = None;
    p.western_stated = None;
    p.pair_problem = None;
    weekday_after(cs, &mut p);
    Some(p)
}

/// A mention in the making: the near end, the far end of a range, and extras.
struct Mention {
    near: Point,
    far: Option<Point>,
    range: bool,
    start: usize,
    end: usize,
    length: Option<(i32, usize, usize)>,
    sequence: Option<i32>,
}

fn mention_at(cs: &[char], i: usize, ctx: &DateContext) -> Option<Mention> {
    let mut near = point_at(cs, i, ctx)?;
    weekday_after(cs, &mut near);
    if !near.year_known {
        infer_year(&mut near, ctx);
    }
    let mut end = near.end;
    let mut far = None;
    let mut range = false;
    let tilde = skip_spaces(cs, near.end);
    let mark = RANGE_MARKS.iter().find(|w| starts_with(cs, tilde, w));
    if let Some(mark) = mark {
        let k = skip_spaces(cs, tilde + mark.chars().count());
        match far_end(cs, k, &near, ctx) {
            Some(f) => {
                if near.bare {
                    // The near end takes the far end's 年/年度.
                    near.bare = false;
                    near.fiscal = f.fiscal;
                }
                end = f.end;
                // `…から…まで`: the closing word belongs to the range.
                let close = skip_spaces(cs, end);
                if let Some(w) = RANGE_CLOSE.iter().find(|w| starts_with(cs, close, w)) {
                    end = close + w.chars().count();
                }
                far = Some(f);
                range = true;
            }
            None if near.bare => return None,
            // `令和3年4月から実施`: from a day on, but not a period of dates.
            None if *mark != "～" => {}
            None => {
                // 平成20年度～ is open; a number after ～ is something else's range.
                let next = cs.get(k).copied();
                if !next.is_some_and(|c| c.is_ascii_digit() || is_kanji_numeral(c)) {
                    end = tilde + 1;
                    range = true;
                }
            }
        }
    }
    if near.bare && !range {
        return None;
    }
    let length = if range { length_after(cs, end) } else { None };
    let sequence = sequence_after(cs, end);
    Some(Mention {
        near,
        far,
        range,
        start: i,
        end,
        length,
        sequence,
    })
}

fn infer_year(p: &mut Point, ctx: &DateContext) {
    let year = match (ctx.fiscal_year, ctx.doc_date, p.month) {
        (Some(fy), _, Some(m)) => Some(if (1..=3).contains(&m) {
            i64::from(fy) + 1
        } else {
            i64::from(fy)
        }),
        (None, Some(d), _) => Some(i64::from(d.year())),
        _ => None,
    };
    if let Some(y) = year {
        p.year = Some(y);
        p.year_known = true;
        p.inferred = true;
        p.system = System::Western;
    }
}

/// The length a range states right after it, and the span of that
/// statement: `(4年間)`, `（5か年累計）`, or, without parentheses, a running
/// total's length (`2023～32年 の5年累計`). The length words are
/// `qualifiers::NOTE_LENGTHS`, a running total after them
/// `qualifiers::NOTE_TOTALS`.
fn length_after(cs: &[char], at: usize) -> Option<(i32, usize, usize)> {
    let open = skip_spaces(cs, at);
    let parens = match cs.get(open) {
        Some('(') => true,
        Some('の') => false,
        _ => return None,
    };
    let (n, k, _) = int_at(cs, open + 1, true)?;
    let word = qualifiers::NOTE_LENGTHS
        .iter()
        .filter(|w| starts_with(cs, k, w))
        .max_by_key(|w| w.chars().count())?;
    let mut end = k + word.chars().count();
    let total = qualifiers::NOTE_TOTALS
        .iter()
        .filter(|w| starts_with(cs, end, w))
        .max_by_key(|w| w.chars().count());
    if let Some(t) = total {
        end += t.chars().count();
    }
    // `(5年)` says a year, not a length: without `間` or `か` the length
    // needs its `累計`. Without parentheses it always does: prose counts
    // `2010年から2060年までの50年間` both ways (the prose reader checks
    // those), a running total's length only one.
    if (*word == "年" || !parens) && total.is_none() {
        return None;
    }
    if parens {
        if cs.get(end) != Some(&')') {
            return None;
        }
        end += 1;
    }
    Some((i32::try_from(n?).ok()?, open, end))
}

/// `(2年目)` right after a period.
fn sequence_after(cs: &[char], at: usize) -> Option<i32> {
    if cs.get(at) != Some(&'(') {
        return None;
    }
    let (n, k, _) = int_at(cs, at + 1, false)?;
    if !starts_with(cs, k, "年目)") {
        return None;
    }
    i32::try_from(n?).ok()
}

impl Mention {
    fn into_found(self, orig: &[char]) -> FoundDate {
        let near = &self.near;
        let mut problems: Vec<String> = Vec::new();
        let near_span = near.span().map_err(|e| problems.push(e)).ok().flatten();
        let far_span = self
            .far
            .as_ref()
            .and_then(|f| f.span().map_err(|e| problems.push(e)).ok().flatten());
        for (p, s) in [(Some(near), near_span), (self.far.as_ref(), far_span)] {
            if let (Some(p), Some(s)) = (p, s) {
                problems.extend(p.era_problem(s));
                problems.extend(p.pair_problem.clone());
            }
        }
        // A fiscal year's end (`年度末`) is a day, not the fiscal year.
        let whole_fy = |p: &Point| p.fiscal && p.sub.is_none();
        let fiscal = whole_fy(near) && self.far.as_ref().is_none_or(whole_fy);
        let kind = match (self.range, fiscal, near.sub) {
            (true, true, _) => DateKind::FiscalRange,
            (true, false, _) => DateKind::DateRange,
            (false, true, _) => DateKind::FiscalYear,
            (false, false, Some(s)) if s.is_day() => DateKind::Date,
            (false, false, Some(_)) => DateKind::DateRange,
            (false, false, None) => match (near.month, near.day) {
                (_, Some(_)) => DateKind::Date,
                (Some(_), None) => DateKind::Month,
                _ => DateKind::Year,
            },
        };
        let date_start = near_span.map(|s| s.0);
        let date_end = if self.range {
            far_span.map(|s| s.1)
        } else {
            near_span.map(|s| s.1)
        };
        if let (Some(s), Some(e)) = (date_start, date_end) {
            if e < s {
                problems.push("range ends before it starts".to_string());
            }
        }
        let fy = |p: &Point| if whole_fy(p) { p.western() } else { None };
        let fy_start = if fiscal { fy(near) } else { None };
        let fy_end = match (&self.far, self.range) {
            (Some(f), _) if fiscal => fy(f),
            (None, false) if fiscal => fy_start,
            _ => None,
        };
        let weekday_stated = near.weekday_stated.map(String::from);
        let weekday_actual = near.day.and(date_start).map(|d| weekday_kanji(d.weekday()));
        let (era, era_year) = match (near.era(), near.paired_era) {
            (Some(e), _) => (Some(e), near.year),
            (None, Some((e, y))) => (Some(e), y),
            (None, None) => (None, None),
        };
        let raw_end = self.end;
        FoundDate {
            kind,
            start: self.start,
            end: raw_end,
            raw: orig
                .get(self.start..raw_end)
                .map(|s| s.iter().collect())
                .unwrap_or_default(),
            era: era.map(|e| e.name),
            era_year: era_year.and_then(|y| i32::try_from(y).ok()),
            date_start,
            date_end,
            fy_start,
            fy_end,
            weekday_stated,
            weekday_actual,
            inferred: near.inferred,
            western_stated: near.western_stated.and_then(|y| i32::try_from(y).ok()),
            length_stated: self.length.map(|l| l.0),
            length_span: self.length.map(|l| (l.1, l.2)),
            sequence: self.sequence,
            problem: (!problems.is_empty()).then(|| problems.join("; ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_year_starts_inside_a_kanji_number() {
        // Read from its first char only: 一二〇二一 is no year 2021.
        assert!(find_dates("一二〇二一年", &DateContext::default()).is_empty());
        assert_eq!(find_dates("二〇二一年", &DateContext::default()).len(), 1);
        let run = "一".repeat(50_000);
        let started = std::time::Instant::now();
        assert!(find_dates(&run, &DateContext::default()).is_empty());
        assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        match NaiveDate::from_ymd_opt(y, m, day) {
            Some(x) => x,
            None => panic!("bad test date {y}-{m}-{day}"),
        }
    }

    fn iso(x: Option<NaiveDate>) -> String {
        x.map(|x| x.to_string()).unwrap_or_default()
    }

    /// (raw, kind, start, end) of every mention, for comparing with gold rows.
    fn brief(text: &str, ctx: &DateContext) -> Vec<(String, &'static str, String, String)> {
        find_dates(text, ctx)
            .into_iter()
            .map(|f| (f.raw, f.kind.as_str(), iso(f.date_start), iso(f.date_end)))
            .collect()
    }

    fn row(
        raw: &str,
        kind: &'static str,
        start: &str,
        end: &str,
    ) -> (String, &'static str, String, String) {
        (raw.to_string(), kind, start.to_string(), end.to_string())
    }

    fn only(text: &str) -> FoundDate {
        only_in(text, &DateContext::default())
    }

    fn only_in(text: &str, ctx: &DateContext) -> FoundDate {
        let mut all = find_dates(text, ctx);
        assert_eq!(all.len(), 1, "{text:?}: {all:?}");
        match all.pop() {
            Some(f) => f,
            None => panic!("no date in {text:?}"),
        }
    }

    const NONE: DateContext = DateContext {
        fiscal_year: None,
        doc_date: None,
        era: None,
    };

    #[test]
    fn era_conversion() {
        assert_eq!(era_to_western("令和", 1), Some(2019));
        assert_eq!(era_to_western("平成", 31), Some(2019));
        assert_eq!(era_to_western("平成", 32), Some(2020));
        assert_eq!(era_to_western("昭和", 64), Some(1989));
        assert_eq!(era_to_western("大正", 1), Some(1912));
        assert_eq!(era_to_western("明治", 1), Some(1868));
        assert_eq!(era_to_western("R", 4), Some(2022));
        assert_eq!(era_to_western("Ｈ", 30), Some(2018));
        assert_eq!(era_to_western("S", 50), Some(1975));
        assert_eq!(era_to_western("令和", 0), None);
        assert_eq!(era_to_western("令和", -3), None);
        assert_eq!(era_to_western("天平", 3), None);
        assert_eq!(era_to_western("", 3), None);
        assert_eq!(era_to_western("令和", i32::MAX), None);
    }

    #[test]
    fn era_boundaries() {
        assert_eq!(era_of(d(1989, 1, 7)), Some(("昭和", 64)));
        assert_eq!(era_of(d(1989, 1, 8)), Some(("平成", 1)));
        assert_eq!(era_of(d(2019, 4, 30)), Some(("平成", 31)));
        assert_eq!(era_of(d(2019, 5, 1)), Some(("令和", 1)));
        assert_eq!(era_of(d(1926, 12, 24)), Some(("大正", 15)));
        assert_eq!(era_of(d(1926, 12, 25)), Some(("昭和", 1)));
        assert_eq!(era_of(d(1912, 7, 29)), Some(("明治", 45)));
        assert_eq!(era_of(d(1912, 7, 30)), Some(("大正", 1)));
        assert_eq!(era_of(d(1868, 1, 25)), Some(("明治", 1)));
        assert_eq!(era_of(d(1868, 1, 24)), None);
    }

    #[test]
    fn fiscal_year_edges() {
        let f = only("令和4年度");
        assert_eq!(
            (f.date_start, f.date_end),
            (Some(d(2022, 4, 1)), Some(d(2023, 3, 31)))
        );
        assert_eq!((f.fy_start, f.fy_end), (Some(2022), Some(2022)));
        // March of 令和5 is still fiscal 2022: the heading's year decides.
        let ctx = DateContext {
            fiscal_year: Some(2022),
            ..NONE
        };
        let m = only_in("3月31日", &ctx);
        assert_eq!(m.date_start, Some(d(2023, 3, 31)));
        let a = only_in("4月1日", &ctx);
        assert_eq!(a.date_start, Some(d(2022, 4, 1)));
        let r5 = only("令和5年3月");
        assert_eq!(
            (r5.date_start, r5.date_end),
            (Some(d(2023, 3, 1)), Some(d(2023, 3, 31)))
        );
    }

    #[test]
    fn first_year_gan() {
        let f = only("令和元年");
        assert_eq!(
            (f.era, f.era_year, f.date_start),
            (Some("令和"), Some(1), Some(d(2019, 1, 1)))
        );
        let g = only("令和元年度");
        assert_eq!(g.fy_start, Some(2019));
        let ctx = DateContext {
            era: Some("令和"),
            ..NONE
        };
        let h = only_in("元年度", &ctx);
        assert_eq!((h.era_year, h.fy_start), (Some(1), Some(2019)));
        assert!(find_dates("元年度", &NONE).is_empty());
        assert!(find_dates("元気な町", &ctx).is_empty());
    }

    #[test]
    fn gold_seed_000() {
        assert_eq!(
            brief(" 平成21年6月", &NONE),
            vec![row("平成21年6月", "month", "2009-06-01", "2009-06-30")]
        );
        assert_eq!(
            brief("○平成18年4月 人づくり戦略チーム設置", &NONE),
            vec![row("平成18年4月", "month", "2006-04-01", "2006-04-30")]
        );
        assert_eq!(
            brief("○平成19年9月 「あおもりを愛する人づくり戦略」策定", &NONE),
            vec![row("平成19年9月", "month", "2007-09-01", "2007-09-30")]
        );
        assert_eq!(
            brief("○平成19年10月 青森県人づくり戦略推進会議設置", &NONE),
            vec![row("平成19年10月", "month", "2007-10-01", "2007-10-31")]
        );
        assert_eq!(
            brief("<平成19～20年度> <平成21～22年度>", &NONE),
            vec![
                row("平成19～20年度", "fiscal_range", "2007-04-01", "2009-03-31"),
                row("平成21～22年度", "fiscal_range", "2009-04-01", "2011-03-31"),
            ]
        );
        for (line, raw, start, end) in [
            ("<平成21年度>", "平成21年度", "2009-04-01", "2010-03-31"),
            ("<平成19年度>", "平成19年度", "2007-04-01", "2008-03-31"),
            ("<平成20年度>", "平成20年度", "2008-04-01", "2009-03-31"),
            ("<平成22年度>", "平成22年度", "2010-04-01", "2011-03-31"),
            (
                "<平成19年度:県事業>",
                "平成19年度",
                "2007-04-01",
                "2008-03-31",
            ),
        ] {
            assert_eq!(
                brief(line, &NONE),
                vec![row(raw, "fiscal_year", start, end)],
                "{line}"
            );
        }
        let open = only("<平成20年度～>");
        assert_eq!(
            (open.raw.as_str(), open.kind),
            ("平成20年度～", DateKind::FiscalRange)
        );
        assert_eq!(
            (open.date_start, open.date_end, open.fy_start, open.fy_end),
            (Some(d(2008, 4, 1)), None, Some(2008), None)
        );
        assert_eq!(
            brief("<平成20～21年度>", &NONE),
            vec![row(
                "平成20～21年度",
                "fiscal_range",
                "2008-04-01",
                "2010-03-31"
            )]
        );
        // The year comes from the document's date (平成21年6月).
        let ctx = DateContext {
            doc_date: Some(d(2009, 6, 1)),
            ..NONE
        };
        let f = only_in("第1回部会を6月2日開催。今後、年度内に4回程度開催。", &ctx);
        assert_eq!(
            (f.raw.as_str(), f.kind, f.date_start, f.inferred),
            ("6月2日", DateKind::Date, Some(d(2009, 6, 2)), true)
        );
    }

    #[test]
    fn gold_seed_001() {
        assert_eq!(
            brief("平成31年2月", &NONE),
            vec![row("平成31年2月", "month", "2019-02-01", "2019-02-28")]
        );
        assert_eq!(only("平成31年2月").problem, None);
        assert_eq!(
            brief("由利本荘市では「地域を担う」をキーワードとして、平成26年より市職員および市民を対象とした人財育成に取り組んできました。", &NONE),
            vec![row("平成26年", "year", "2014-01-01", "2014-12-31")]
        );
        assert_eq!(
            brief(
                "また、平成30年7月1日、市内外からたくさんの方の応援を得て誕生した",
                &NONE
            ),
            vec![row("平成30年7月1日", "date", "2018-07-01", "2018-07-01")]
        );
        for (n, line, y) in [
            (1, "★ 1年目(2019年度)", 2019),
            (2, "★ 2年目(2020年度)", 2020),
            (3, "★ 3年目(2021年度)", 2021),
        ] {
            let f = only(line);
            assert_eq!(
                (f.raw, f.kind, f.fy_start, f.sequence),
                (format!("{y}年度"), DateKind::FiscalYear, Some(y), Some(n))
            );
        }
    }

    #[test]
    fn gold_seed_002() {
        let line = "項目\tK P I (重要業績評価指標)\t取組期間累計\t\t\t令和2年度\t\t令和3年度\t\t令和4年度\t\t令和5年度\t";
        assert_eq!(
            brief(line, &NONE),
            vec![
                row("令和2年度", "fiscal_year", "2020-04-01", "2021-03-31"),
                row("令和3年度", "fiscal_year", "2021-04-01", "2022-03-31"),
                row("令和4年度", "fiscal_year", "2022-04-01", "2023-03-31"),
                row("令和5年度", "fiscal_year", "2023-04-01", "2024-03-31"),
            ]
        );
    }

    #[test]
    fn gold_seed_003() {
        assert_eq!(
            brief("「北海道Society5.0推進計画」 (令和3年3月策定)", &NONE),
            vec![row("令和3年3月", "month", "2021-03-01", "2021-03-31")]
        );
        assert_eq!(
            brief("概ね10年後(2030年頃)の「北海道の未来社会」である「北海道Society5.0」の実現に向け、その中間である2025年までに取り組むアクションプラン。", &NONE),
            vec![row("2030年", "year", "2030-01-01", "2030-12-31"), row("2025年", "year", "2025-01-01", "2025-12-31")]
        );
        let f = only("2021(令和3)年度～2025(令和7)年度");
        assert_eq!(
            (f.raw.as_str(), f.kind, f.date_start, f.date_end),
            (
                "2021(令和3)年度～2025(令和7)年度",
                DateKind::FiscalRange,
                Some(d(2021, 4, 1)),
                Some(d(2026, 3, 31))
            )
        );
        assert_eq!(
            (
                f.western_stated,
                f.era,
                f.era_year,
                f.fy_start,
                f.fy_end,
                f.problem
            ),
            (
                Some(2021),
                Some("令和"),
                Some(3),
                Some(2021),
                Some(2025),
                None
            )
        );
        assert_eq!(
            brief("→ 「次世代社会戦略監」(R3.4月設置)が司令塔となり", &NONE),
            vec![row("R3.4月", "month", "2021-04-01", "2021-04-30")]
        );
        assert_eq!(
            brief("R5.3.14 北海道人材育成推進協議会", &NONE),
            vec![row("R5.3.14", "date", "2023-03-14", "2023-03-14")]
        );
        for (line, raw, day, wd) in [
            (
                "日時 : 令和4年7月21日(木) 15:00～17:00",
                "令和4年7月21日(木)",
                d(2022, 7, 21),
                "木",
            ),
            (
                "日時 : 令和4年10月11日(火) 15:00～17:00",
                "令和4年10月11日(火)",
                d(2022, 10, 11),
                "火",
            ),
            (
                "日時 : 令和4年12月6日(火) 14:00～16:00",
                "令和4年12月6日(火)",
                d(2022, 12, 6),
                "火",
            ),
        ] {
            let f = only(line);
            assert_eq!(
                (f.raw.as_str(), f.kind, f.date_start, f.date_end),
                (raw, DateKind::Date, Some(day), Some(day))
            );
            assert_eq!(
                (f.weekday_stated.as_deref(), f.weekday_actual.as_deref()),
                (Some(wd), Some(wd))
            );
        }
        assert_eq!(
            brief("令和4年11月策定", &NONE),
            vec![row("令和4年11月", "month", "2022-11-01", "2022-11-30")]
        );
        let line = "策定趣旨 (取組期間:令和4年度～令和7年度(4年間) 対象:すべての道庁職員)";
        let f = only(line);
        assert_eq!(
            (f.raw.as_str(), f.kind),
            ("令和4年度～令和7年度", DateKind::FiscalRange)
        );
        assert_eq!(
            (f.date_start, f.date_end),
            (Some(d(2022, 4, 1)), Some(d(2026, 3, 31)))
        );
        assert_eq!((f.length_stated, f.length_span), (Some(4), Some((22, 27))));
        let line = "国の「デジタル社会の実現に向けた重点計画」(R4.6月閣議決定)や「デジタル田園都市国家構想基本方針」(R4.6月閣議決定)などを踏まえ、R4.3月に策定した";
        assert_eq!(
            brief(line, &NONE),
            vec![
                row("R4.6月", "month", "2022-06-01", "2022-06-30"),
                row("R4.6月", "month", "2022-06-01", "2022-06-30"),
                row("R4.3月", "month", "2022-03-01", "2022-03-31"),
            ]
        );
    }

    #[test]
    fn gold_seed_004() {
        let f = only("【事業費】 R4～R7(4年間)");
        assert_eq!(
            (f.raw.as_str(), f.kind, f.start, f.end),
            ("R4～R7", DateKind::FiscalRange, 6, 11)
        );
        assert_eq!(
            (f.date_start, f.date_end, f.fy_start, f.fy_end),
            (
                Some(d(2022, 4, 1)),
                Some(d(2026, 3, 31)),
                Some(2022),
                Some(2025)
            )
        );
        assert_eq!((f.length_stated, f.length_span), (Some(4), Some((11, 16))));
        let years = |raw: [&str; 4]| {
            raw.iter()
                .zip(2022..)
                .map(|(r, y)| {
                    row(
                        r,
                        "fiscal_year",
                        &format!("{y}-04-01"),
                        &format!("{}-03-31", y + 1),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            brief("R 4\tR 5\tR 6\tR 7\t備考", &NONE),
            years(["R 4", "R 5", "R 6", "R 7"])
        );
        assert_eq!(
            brief("R4\tR5\tR6\tR7\t備考", &NONE),
            years(["R4", "R5", "R6", "R7"])
        );
        assert_eq!(
            brief(
                "242人\t747人\t1,502人\t2,366人\tR7時点:進学者(全体の7割)に対する割合は",
                &NONE
            ),
            vec![row("R7", "fiscal_year", "2025-04-01", "2026-03-31")]
        );
    }

    #[test]
    fn abbreviations() {
        let h = only("H30");
        assert_eq!(
            (h.era, h.era_year, h.fy_start, h.kind),
            (Some("平成"), Some(30), Some(2018), DateKind::FiscalYear)
        );
        let h = only("H30.4.1");
        assert_eq!(
            (h.kind, h.date_start),
            (DateKind::Date, Some(d(2018, 4, 1)))
        );
        assert_eq!(only("R5.3").kind, DateKind::Month);
        assert_eq!(only("R4年度").fy_start, Some(2022));
        for text in [
            "Society5.0",
            "H2O",
            "PR4",
            "レベル1",
            "R123",
            "S99",
            "4R5",
            "COVID-19",
        ] {
            assert!(find_dates(text, &NONE).is_empty(), "{text}");
        }
    }

    #[test]
    fn western_years_and_pairs() {
        let f = only("2019年度");
        assert_eq!(
            (f.kind, f.fy_start, f.fy_end, f.era),
            (DateKind::FiscalYear, Some(2019), Some(2019), None)
        );
        let f = only("2017年度(平成29年度)");
        assert_eq!(
            (f.western_stated, f.era, f.era_year, f.fy_start, f.problem),
            (Some(2017), Some("平成"), Some(29), Some(2017), None)
        );
        let bad = only("2017年度(平成30年度)");
        assert!(bad.problem.is_some());
        let start_wrong = only("2020(令和3)年度～2025(令和7)年度");
        assert_eq!(start_wrong.western_stated, Some(2020));
        assert!(start_wrong.problem.is_some());
        let end_wrong = only("2021(令和3)年度～2025(令和6)年度");
        assert!(end_wrong.problem.is_some());
        let f = only("2030年頃");
        assert_eq!((f.raw.as_str(), f.kind), ("2030年", DateKind::Year));
        let f = only("2021～2025年度");
        assert_eq!(
            (f.kind, f.fy_start, f.fy_end),
            (DateKind::FiscalRange, Some(2021), Some(2025))
        );
        for text in [
            "1年～2年",
            "39歳",
            "15:00~17:00",
            "1000年",
            "12025年",
            "1990年代",
            "2000年間",
            "10年後",
            "5.0",
        ] {
            assert!(find_dates(text, &NONE).is_empty(), "{text}");
        }
    }

    #[test]
    fn kanji_numerals() {
        let f = only("二〇二一年");
        assert_eq!(
            (f.kind, f.date_start),
            (DateKind::Year, Some(d(2021, 1, 1)))
        );
        let f = only("令和四年");
        assert_eq!((f.era_year, f.date_start), (Some(4), Some(d(2022, 1, 1))));
        let f = only("令和四年度");
        assert_eq!(f.fy_start, Some(2022));
        let f = only("令和四年七月二十一日");
        assert_eq!(f.date_start, Some(d(2022, 7, 21)));
        let f = only("令和4年度～令和7年度(四年間)");
        assert_eq!(f.length_stated, Some(4));
    }

    #[test]
    fn a_range_states_its_length_in_parentheses_or_after_no() {
        for (text, years) in [
            ("R4～R7(4年間)", 4),
            ("令和2年度～令和6年度(5か年累計)", 5),
            ("2023～32年 の5年累計", 5),
            ("R1～R5の4年間累計", 4),
        ] {
            assert_eq!(only(text).length_stated, Some(years), "{text}");
        }
        // A year, not a length: `(5年)` needs `間`, `か` or `累計`; prose's
        // `の5年間` is left to the prose reader, which counts it both ways.
        for text in ["R1～R5の5年", "R1～R5(5年)", "R1～R5の5人", "R1～R5の5年間"] {
            assert_eq!(only(text).length_stated, None, "{text}");
        }
    }

    #[test]
    fn ranges() {
        let f = only("平成22～26年");
        assert_eq!(
            (f.kind, f.date_start, f.date_end),
            (
                DateKind::DateRange,
                Some(d(2010, 1, 1)),
                Some(d(2014, 12, 31))
            )
        );
        let f = only("令和4年7月21日～8月1日");
        assert_eq!(
            (f.kind, f.date_start, f.date_end),
            (
                DateKind::DateRange,
                Some(d(2022, 7, 21)),
                Some(d(2022, 8, 1))
            )
        );
        let f = only("令和4年12月1日～1月15日");
        assert_eq!(f.date_end, Some(d(2023, 1, 15)));
        let f = only("令和4年7月21日～23日");
        assert_eq!(f.date_end, Some(d(2022, 7, 23)));
        let f = only("令和4年度～令和7年度");
        assert_eq!(
            (f.kind, f.fy_start, f.fy_end),
            (DateKind::FiscalRange, Some(2022), Some(2025))
        );
        assert!(only("R7～R4").problem.is_some());
        // No stated length unless it directly follows a range.
        assert_eq!(only("令和4年度(4年間)").length_stated, None);
        // A number after ～ that is no date: the range belongs to something else.
        let f = only("令和4年度～3,000人");
        assert_eq!(
            (f.raw.as_str(), f.kind),
            ("令和4年度", DateKind::FiscalYear)
        );
    }

    #[test]
    fn month_day_takes_context() {
        let none = only("6月2日");
        assert_eq!(
            (none.kind, none.date_start, none.problem, none.inferred),
            (DateKind::Date, None, None, false)
        );
        let fy = DateContext {
            fiscal_year: Some(2023),
            doc_date: Some(d(2010, 1, 1)),
            era: None,
        };
        assert_eq!(only_in("6月2日", &fy).date_start, Some(d(2023, 6, 2)));
        assert_eq!(only_in("12月2日", &fy).date_start, Some(d(2023, 12, 2)));
        assert_eq!(only_in("2月1日", &fy).date_start, Some(d(2024, 2, 1)));
        let doc = DateContext {
            doc_date: Some(d(2009, 6, 1)),
            ..NONE
        };
        let f = only_in("6月2日(火)", &doc);
        assert_eq!(
            (
                f.date_start,
                f.inferred,
                f.weekday_stated.as_deref(),
                f.weekday_actual.as_deref()
            ),
            (Some(d(2009, 6, 2)), true, Some("火"), Some("火"))
        );
        assert!(find_dates("第6月2日", &NONE).is_empty());
    }

    #[test]
    fn weekdays() {
        let f = only("令和4年7月21日(金)");
        assert_eq!(
            (f.weekday_stated.as_deref(), f.weekday_actual.as_deref()),
            (Some("金"), Some("木"))
        );
        let f = only("令和4年7月21日(木曜日)");
        assert_eq!(
            (f.raw.as_str(), f.weekday_stated.as_deref()),
            ("令和4年7月21日(木曜日)", Some("木"))
        );
        let f = only("令和4年7月(木)");
        assert_eq!((f.raw.as_str(), f.weekday_stated), ("令和4年7月", None));
        let f = only("令和4年7月21日（木）");
        assert_eq!(f.weekday_stated.as_deref(), Some("木"));
    }

    #[test]
    fn bare_era_years() {
        let heisei = DateContext {
            era: Some("平成"),
            ..NONE
        };
        let f = only_in("30年度", &heisei);
        assert_eq!(
            (f.era, f.era_year, f.fy_start),
            (Some("平成"), Some(30), Some(2018))
        );
        assert!(find_dates("30年度", &NONE).is_empty());
        assert!(find_dates("130年度", &heisei).is_empty());
        assert!(find_dates("第3年度", &heisei).is_empty());
        // The era named in the text wins over the document's.
        let found = find_dates("令和2年度と3年度", &heisei);
        assert_eq!(
            found.iter().map(|f| f.fy_start).collect::<Vec<_>>(),
            vec![Some(2020), Some(2021)]
        );
    }

    #[test]
    fn invalid_dates() {
        let f = only("令和0年");
        assert_eq!(
            (f.date_start, f.problem.as_deref()),
            (None, Some("era year 0"))
        );
        let f = only("2月30日");
        assert_eq!(
            (f.date_start, f.problem.as_deref()),
            (None, Some("no such date"))
        );
        let f = only("令和4年2月30日");
        assert_eq!(
            (f.date_start, f.problem.as_deref()),
            (None, Some("no such date"))
        );
        assert_eq!(only("令和4年13月").problem.as_deref(), Some("no such date"));
        let f = only("平成32年度");
        assert_eq!(
            (f.fy_start, f.date_start),
            (Some(2020), Some(d(2020, 4, 1)))
        );
        assert_eq!(
            f.problem.as_deref(),
            Some("平成 ended in 2019 (平成31年): 平成32年 = 2020")
        );
        let f = only("平成99年");
        assert_eq!(
            (f.date_start, f.problem.is_some()),
            (Some(d(2087, 1, 1)), true)
        );
        assert!(only("令和1年4月").problem.is_some());
        assert_eq!(only("平成31年4月30日").problem, None);
        assert!(only("平成31年5月1日").problem.is_some());
        assert_eq!(only("令和元年5月1日").problem, None);
        assert_eq!(only("2月29日").problem, None);
        assert_eq!(only("令和6年2月29日").problem, None);
        assert!(only("令和5年2月29日").problem.is_some());
    }

    #[test]
    fn never_panics() {
        let f = only("令和99999999999年");
        assert_eq!(f.date_start, None);
        assert!(f.problem.is_some());
        for text in [
            "令和999999999999999999999999999年度",
            "R99～R999999",
            "9999999999年度",
            "二〇二一二〇二一年",
            "令和九千九百九十九兆年",
            "～～～",
            "平成",
            "年度",
            "(",
            "1年目(",
            "2021(令和",
            "2021(令和3",
            "令和4年7月21日(",
            "12月31日～",
            "\u{FFFD}令和\u{0}4年",
        ] {
            let _ = find_dates(text, &NONE);
            let _ = find_dates(
                text,
                &DateContext {
                    fiscal_year: Some(i32::MAX),
                    doc_date: Some(NaiveDate::MAX),
                    era: Some("令和"),
                },
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn texts_ruled_out_hold_no_mention(
            text in "[0-9０-９〇一二三四五六七八九十百千万,.:/()（）～〜~ 年月日度間目元令和平成R HMSTx第号]{0,24}",
            fy in proptest::option::of(2000i32..2030),
            era in proptest::option::of(proptest::sample::select(vec!["令和", "平成"])),
        ) {
            let ctx = DateContext { fiscal_year: fy, doc_date: None, era };
            if !may_hold_mention(&text) {
                proptest::prop_assert!(scan(&text, &ctx).is_empty(), "{}", text);
            }
        }

        #[test]
        fn numbers_without_year_month_era_or_range_are_no_dates(
            text in "[0-9０-９〇一二三四五六七八九十百千万,.:()（） 日度間目第号x]{0,24}",
            fy in proptest::option::of(2000i32..2030),
            era in proptest::option::of(proptest::sample::select(vec!["令和", "平成"])),
        ) {
            let ctx = DateContext { fiscal_year: fy, doc_date: None, era };
            proptest::prop_assert!(!may_hold_mention(&text));
            proptest::prop_assert!(scan(&text, &ctx).is_empty(), "{}", text);
        }
    }

    #[test]
    fn mentions_do_not_overlap_and_keep_order() {
        let text = "平成19年度から令和4年7月21日(木)まで、R4～R7(4年間)と2030年";
        let found = find_dates(text, &NONE);
        // `…から…まで` is one range.
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].raw, "平成19年度から令和4年7月21日(木)まで");
        for w in found.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
        let chars: Vec<char> = text.chars().collect();
        for f in &found {
            assert_eq!(chars[f.start..f.end].iter().collect::<String>(), f.raw);
        }
    }

    #[test]
    fn far_end_borrows_the_near_year() {
        let f = only("※2024～25年度の当初見込み");
        assert_eq!(
            (f.fy_start, f.fy_end, f.problem),
            (Some(2024), Some(2025), None)
        );
        let f = only("H21～27年度の平均");
        assert_eq!(
            (f.raw.as_str(), f.kind),
            ("H21～27年度", DateKind::FiscalRange)
        );
        assert_eq!((f.fy_start, f.fy_end), (Some(2009), Some(2015)));
        let f = only("過去3年間(H29～R1)の");
        assert_eq!(
            (f.kind, f.fy_start, f.fy_end),
            (DateKind::FiscalRange, Some(2017), Some(2019))
        );
        // A bare number after an abbreviation is not a year.
        assert_eq!(only("R4～7").raw, "R4");
        let f = only("令和4年～10年の期間");
        assert_eq!(
            (f.kind, f.date_start, f.date_end),
            (
                DateKind::DateRange,
                Some(d(2022, 1, 1)),
                Some(d(2028, 12, 31))
            )
        );
    }
}
