//! Dates and periods: eras (明治…令和, 元年, R/H/S abbreviations), western
//! years, fiscal years (年度: April to March), ranges, weekdays, kanji numerals.
// OWNER: helper "numbers+dates". Interface below is fixed; fill in the bodies.

use chrono::{Datelike, NaiveDate, Weekday};

use super::numbers::kanji_number;
use crate::model::DateKind;

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
    let orig: Vec<char> = text.chars().collect();
    let cs: Vec<char> = orig.iter().map(|&c| fold(c)).collect();
    let mut out: Vec<FoundDate> = Vec::new();
    // A bare `3年度` belongs to the era named last, in this text or before it.
    let mut local = *ctx;
    let mut i = 0;
    while i < cs.len() {
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

/// Western year of an era year (`("令和", 1)` → 2019). `None` for an unknown
/// era or a year below 1; years past the era's end still convert.
pub fn era_to_western(era: &str, year: i32) -> Option<i32> {
    if year < 1 {
        return None;
    }
    era_info(era)?.offset.checked_add(year)
}

/// The era and era year of a calendar date (`2019-05-01` → `("令和", 1)`).
/// `None` before 明治 (taken to start on 1868-01-25, the first day of the
/// lunar year 明治1 was later made to cover).
pub fn era_of(date: NaiveDate) -> Option<(&'static str, i32)> {
    ERAS.iter()
        .rev()
        .find(|e| e.first_day().is_some_and(|d| d <= date))
        .map(|e| (e.name, date.year() - e.offset))
}

// ---------------------------------------------------------------------------

#[derive(Debug, PartialEq)]
struct Era {
    name: &'static str,
    abbrev: char,
    offset: i32,
    /// First day (year, month, day).
    start: (i32, u32, u32),
    /// Last era year, for eras that ended.
    last_year: Option<i32>,
}

impl Era {
    fn first_day(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.start.0, self.start.1, self.start.2)
    }

    /// Last day: the day before the next era begins.
    fn last_day(&self) -> Option<NaiveDate> {
        let i = ERAS.iter().position(|e| e.name == self.name)?;
        ERAS.get(i + 1)?.first_day()?.pred_opt()
    }
}

const ERAS: &[Era] = &[
    Era { name: "明治", abbrev: 'M', offset: 1867, start: (1868, 1, 25), last_year: Some(45) },
    Era { name: "大正", abbrev: 'T', offset: 1911, start: (1912, 7, 30), last_year: Some(15) },
    Era { name: "昭和", abbrev: 'S', offset: 1925, start: (1926, 12, 25), last_year: Some(64) },
    Era { name: "平成", abbrev: 'H', offset: 1988, start: (1989, 1, 8), last_year: Some(31) },
    Era { name: "令和", abbrev: 'R', offset: 2018, start: (2019, 5, 1), last_year: None },
];

fn era_info(era: &str) -> Option<&'static Era> {
    let mut chars = era.chars();
    let one = chars.next().filter(|_| chars.next().is_none()).map(fold);
    ERAS.iter().find(|e| e.name == era || one == Some(e.abbrev))
}

const WEEKDAYS: &str = "月火水木金土日";

fn weekday_kanji(w: Weekday) -> String {
    let i = w.num_days_from_monday() as usize;
    WEEKDAYS.chars().nth(i).map(String::from).unwrap_or_default()
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
    word.chars().enumerate().all(|(k, w)| cs.get(i + k) == Some(&w))
}

fn skip_spaces(cs: &[char], mut i: usize) -> usize {
    while cs.get(i).is_some_and(|&c| c == ' ' || c == '\t') {
        i += 1;
    }
    i
}

fn is_kanji_numeral(c: char) -> bool {
    "〇一二三四五六七八九十百千".contains(c)
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
    let count = if s.contains(['十', '百', '千']) { v.to_string().len() } else { end - i };
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
            return Ok(None);
        }
        let Some(y) = self.western() else {
            return Err("year out of range".to_string());
        };
        let none = || "no such date".to_string();
        let span = if self.fiscal {
            let end_year = y.checked_add(1).ok_or_else(none)?;
            (ymd(y.into(), 4, 1).ok_or_else(none)?, ymd(end_year.into(), 3, 31).ok_or_else(none)?)
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
                _ => (ymd(y.into(), 1, 1).ok_or_else(none)?, ymd(y.into(), 12, 31).ok_or_else(none)?),
            }
        };
        Ok(Some(span))
    }

    /// An era year outside its era's days (`平成32年度`, `令和1年1月`).
    fn era_problem(&self, span: (NaiveDate, NaiveDate)) -> Option<String> {
        let e = self.era()?;
        let y = self.year?;
        if let (Some(last), Some(last_year)) = (e.last_day(), e.last_year) {
            if span.0 > last {
                let w = self.western()?;
                return Some(format!("{} ended in {} ({}{}年): {}{}年 = {}", e.name, last.year(), e.name, last_year, e.name, y, w));
            }
        }
        let first = e.first_day()?;
        if span.1 < first {
            return Some(format!("{} began on {}: {}{}年 is before it", e.name, first, e.name, y));
        }
        None
    }
}

fn ymd(y: i64, m: i64, d: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, u32::try_from(m).ok()?, u32::try_from(d).ok()?)
}

fn month_end(first: NaiveDate) -> Option<NaiveDate> {
    first.checked_add_months(chrono::Months::new(1))?.pred_opt()
}

/// A year printed at `i`, before its `年`/`年度`.
fn head_at(cs: &[char], i: usize, ctx: &DateContext) -> Option<Point> {
    let prev = i.checked_sub(1).and_then(|p| cs.get(p)).copied();
    let glued = prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == ',' || c == '第');
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
    };
    // 令和4, 令和元, 令和四
    if let Some(e) = ERAS.iter().find(|e| starts_with(cs, i, e.name)) {
        let k = skip_spaces(cs, i + 2);
        if cs.get(k) == Some(&'元') {
            return Some(mk(k + 1, System::Era(e), Some(1)));
        }
        let (y, end, _) = int_at(cs, k, true)?;
        return Some(mk(end, System::Era(e), y));
    }
    // R4, R 4, H30: the letter alone, then one or two digits.
    if let Some(e) = ERAS.iter().find(|e| e.abbrev == c) {
        if glued || prev.is_some_and(|p| p.is_alphabetic() && p.is_ascii()) {
            return None;
        }
        let k = if cs.get(i + 1) == Some(&' ') { i + 2 } else { i + 1 };
        let (y, end, n) = int_at(cs, k, false)?;
        let y = y?;
        let after = cs.get(end).copied();
        // A longer number or a word (`H2O`) is a code, not a year.
        if n > 2 || after.is_some_and(|a| a.is_ascii_alphanumeric()) {
            return None;
        }
        // The letters M/T/S are common codes: only years their eras had.
        if e.abbrev != 'R' && e.abbrev != 'H' && e.last_year.is_some_and(|l| y > i64::from(l)) {
            return None;
        }
        let mut p = mk(end, System::Abbrev(e), Some(y));
        p.bare = false;
        p.fiscal = true;
        return Some(p);
    }
    if glued {
        return None;
    }
    // 2021, 二〇二一: four digits in the range of modern years.
    if let Some((Some(y), end, 4)) = int_at(cs, i, true) {
        if (1868..=2200).contains(&y) && !cs.get(i..end)?.iter().any(|&k| "十百千".contains(k)) {
            let mut p = mk(end, System::Western, Some(y));
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
    let era = ctx.era.and_then(era_info)?;
    if c == '元' {
        return Some(mk(i + 1, System::Era(era), Some(1)));
    }
    let (y, end, n) = int_at(cs, i, false)?;
    if n > 2 || !starts_with(cs, end, "年度") {
        return None;
    }
    Some(mk(end, System::Era(era), y))
}

/// Record a western year and the era year printed beside it; disagreeing
/// pairs are a problem.
fn pair(western: &mut Point, era: &Point) {
    western.western_stated = western.year;
    if let System::Era(e) = era.system {
        western.paired_era = Some((e, era.year));
        let converted = era.year.and_then(|y| i32::try_from(y).ok()).and_then(|y| era_to_western(e.name, y));
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
    let k = p.end;
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
        return p;
    }
    // 1900年間 and 1990年代 are a length and a decade.
    if cs.get(k) == Some(&'年') && !matches!(cs.get(k + 1), Some('間') | Some('代')) {
        p.fiscal = false;
        p.bare = false;
        p.end = k + 1;
        month_day(cs, &mut p, true);
        return p;
    }
    if let System::Abbrev(_) = p.system {
        if cs.get(k) == Some(&'.') {
            let mut q = p.clone();
            q.end = k + 1;
            if month_day(cs, &mut q, false) {
                q.fiscal = false;
                return q;
            }
        }
    }
    p
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
    if prev.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '/' || c == '第' || is_kanji_numeral(c)) {
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
    };
    if month_day(cs, &mut p, true) && p.day.is_some() {
        return Some(p);
    }
    None
}

/// `(木)`, `(木曜日)`, `(木・祝)` after a date.
fn weekday_after(cs: &[char], p: &mut Point) {
    if p.day.is_none() || cs.get(p.end) != Some(&'(') {
        return;
    }
    let Some(&w) = cs.get(p.end + 1).filter(|c| WEEKDAYS.contains(**c)) else {
        return;
    };
    let mut k = p.end + 2;
    for word in ["曜日", "曜", "・祝", "祝"] {
        if starts_with(cs, k, word) {
            k += word.chars().count();
        }
    }
    if cs.get(k) == Some(&')') {
        p.weekday_stated = Some(w);
        p.end = k + 1;
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
    if near.bare {
        // 平成19～20年度, 2021～2025年度, 平成22～26年: the number borrows the era.
        if let Some((y, k, n)) = int_at(cs, i, true) {
            let mut p = near.clone();
            (p.start, p.end, p.year) = (i, k, y);
            p.western_stated = None;
            p.paired_era = None;
            p.pair_problem = None;
            let q = complete(cs, p);
            return (n <= 4 && !q.bare && q.month.is_none()).then_some(q);
        }
    }
    if let Some(mut p) = head_at(cs, i, ctx).map(|h| complete(cs, h)).filter(|p| !p.bare) {
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
        p.year = near.year.map(|y| if earlier { y.saturating_add(1) } else { y });
        weekday_after(cs, &mut p);
        return Some(p);
    }
    let (d, k, _) = int_at(cs, i, true)?;
    if near.day.is_none() || cs.get(k) != Some(&'日') {
        return None;
    }
    // 7月21日～23日
    let mut p = near.clone();
    (p.start, p.end, p.day) = (i, k + 1, d);
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
    if cs.get(tilde) == Some(&'～') {
        let k = skip_spaces(cs, tilde + 1);
        match far_end(cs, k, &near, ctx) {
            Some(f) => {
                if near.bare {
                    // The near end takes the far end's 年/年度.
                    near.bare = false;
                    near.fiscal = f.fiscal;
                }
                end = f.end;
                far = Some(f);
                range = true;
            }
            None if near.bare => return None,
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
    Some(Mention { near, far, range, start: i, end, length, sequence })
}

fn infer_year(p: &mut Point, ctx: &DateContext) {
    let year = match (ctx.fiscal_year, ctx.doc_date, p.month) {
        (Some(fy), _, Some(m)) => Some(if (1..=3).contains(&m) { i64::from(fy) + 1 } else { i64::from(fy) }),
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

/// `(4年間)` right after a range: the stated length and the span of the parens.
fn length_after(cs: &[char], at: usize) -> Option<(i32, usize, usize)> {
    let open = skip_spaces(cs, at);
    if cs.get(open) != Some(&'(') {
        return None;
    }
    let (n, k, _) = int_at(cs, open + 1, true)?;
    if !starts_with(cs, k, "年間)") {
        return None;
    }
    Some((i32::try_from(n?).ok()?, open, k + 3))
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
        let far_span = self.far.as_ref().and_then(|f| f.span().map_err(|e| problems.push(e)).ok().flatten());
        for (p, s) in [(Some(near), near_span), (self.far.as_ref(), far_span)] {
            if let (Some(p), Some(s)) = (p, s) {
                problems.extend(p.era_problem(s));
                problems.extend(p.pair_problem.clone());
            }
        }
        let fiscal = near.fiscal && self.far.as_ref().is_none_or(|f| f.fiscal);
        let kind = match (self.range, fiscal) {
            (true, true) => DateKind::FiscalRange,
            (true, false) => DateKind::DateRange,
            (false, true) => DateKind::FiscalYear,
            (false, false) => match (near.month, near.day) {
                (_, Some(_)) => DateKind::Date,
                (Some(_), None) => DateKind::Month,
                _ => DateKind::Year,
            },
        };
        let date_start = near_span.map(|s| s.0);
        let date_end = if self.range { far_span.map(|s| s.1) } else { near_span.map(|s| s.1) };
        if let (Some(s), Some(e)) = (date_start, date_end) {
            if e < s {
                problems.push("range ends before it starts".to_string());
            }
        }
        let fy = |p: &Point| if p.fiscal { p.western() } else { None };
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
            raw: orig.get(self.start..raw_end).map(|s| s.iter().collect()).unwrap_or_default(),
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
