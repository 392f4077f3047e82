//! What several checks share: how measures are grouped, how precise a
//! printed figure is, how numbers are printed back, and era arithmetic.

use chrono::{Datelike, NaiveDate};

use crate::model::{DateKind, DateMention, Finding, Measure, MeasureKind, Severity};

/// Tolerance settings of one check, from `planfacts.toml`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    pub tolerance_factor: f64,
    pub tolerance: Option<f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            tolerance_factor: 1.0,
            tolerance: None,
        }
    }
}

impl Settings {
    /// The tolerance to use where the printed precision suggests `default`.
    pub fn tolerance(&self, default: f64) -> f64 {
        self.tolerance.unwrap_or(default * self.tolerance_factor)
    }
}

/// Whether `a` and `b` differ by more than `tol`, allowing for binary
/// floating-point error (`23.7 + 27.2` is not exactly `50.9`).
pub fn differs(a: f64, b: f64, tol: f64) -> bool {
    let slack = 1e-9 * a.abs().max(b.abs()).max(1.0);
    (a - b).abs() > tol + slack
}

/// Which measures describe the same thing: one table row, or outside
/// tables one (entity, indicator) pair.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GroupKey {
    Row {
        table_id: u32,
        table_row: u32,
    },
    Named {
        entity: Option<String>,
        indicator: String,
    },
    /// One indicator's series printed over several rows of a table.
    Series {
        table_id: u32,
        section: Option<String>,
        indicator: String,
    },
}

/// Group keys for one document's measures. A table prints one series over
/// several rows when its stances or years are rows (`目標` / `実績` / `達成率`
/// rows under one indicator, or one row per year): the measures of one
/// (table, section, indicator) that never repeat a (stance, kind, unit,
/// period) form one group, so a rate meets its result and target and a total
/// its parts across rows. Anything else is grouped by [`group_key`].
#[derive(Debug, Default)]
pub struct Groups {
    series: std::collections::BTreeSet<SeriesKey>,
}

type SeriesKey = (u32, Option<String>, String);

fn series_key(m: &Measure) -> Option<SeriesKey> {
    Some((m.table_id?, m.section.clone(), m.indicator.clone()?))
}

impl Groups {
    pub fn new(measures: &[Measure]) -> Groups {
        use std::collections::{BTreeMap, BTreeSet};
        type Facet = (u8, u8, Option<String>, Option<i32>, Option<i32>, bool);
        // What a row gives all its measures: one stance and kind (a `目標`
        // or `達成率` row), or one period (a year's row, a `計` row).
        type RowStance = (u8, u8);
        type RowPeriod = (Option<i32>, Option<i32>, bool);
        #[derive(Default)]
        struct Seen {
            facets: BTreeSet<Facet>,
            repeated: bool,
            stances: BTreeMap<u32, BTreeSet<RowStance>>,
            periods: BTreeMap<u32, BTreeSet<RowPeriod>>,
        }
        // Each row one value of its own, different from every other row's.
        fn rows_apart<T: Ord + Clone>(rows: &BTreeMap<u32, BTreeSet<T>>) -> bool {
            let mut own = BTreeSet::new();
            rows.len() > 1
                && rows.values().all(|set| match set.iter().next() {
                    Some(one) if set.len() == 1 => own.insert(one.clone()),
                    _ => false,
                })
        }
        let mut seen: BTreeMap<SeriesKey, Seen> = BTreeMap::new();
        for m in measures {
            let (Some(key), Some(row)) = (series_key(m), m.table_row) else {
                continue;
            };
            let facet: Facet = (
                m.stance as u8,
                m.measure as u8,
                m.unit.clone(),
                m.fy_start,
                m.fy_end,
                m.cumulative,
            );
            let entry = seen.entry(key).or_default();
            if !entry.facets.insert(facet) {
                entry.repeated = true;
            }
            entry
                .stances
                .entry(row)
                .or_default()
                .insert((m.stance as u8, m.measure as u8));
            entry
                .periods
                .entry(row)
                .or_default()
                .insert((m.fy_start, m.fy_end, m.cumulative));
        }
        Groups {
            series: seen
                .into_iter()
                .filter(|(_, s)| !s.repeated && (rows_apart(&s.stances) || rows_apart(&s.periods)))
                .map(|(k, _)| k)
                .collect(),
        }
    }

    /// The group `m` belongs to.
    pub fn key(&self, m: &Measure) -> Option<GroupKey> {
        match series_key(m) {
            Some(k) if self.series.contains(&k) => Some(GroupKey::Series {
                table_id: k.0,
                section: k.1,
                indicator: k.2,
            }),
            _ => group_key(m),
        }
    }
}

pub fn group_key(m: &Measure) -> Option<GroupKey> {
    match (m.table_id, m.table_row) {
        (Some(table_id), Some(table_row)) => Some(GroupKey::Row {
            table_id,
            table_row,
        }),
        _ => m.indicator.as_ref().map(|indicator| GroupKey::Named {
            entity: m.entity.clone(),
            indicator: indicator.clone(),
        }),
    }
}

/// A measure that can take part in arithmetic: a finite figure that the
/// document did not mark as approximate or a bound.
pub fn is_exact(m: &Measure) -> bool {
    !m.approx && m.value.is_finite() && m.scale.is_finite()
}

/// The single fiscal year a measure covers, if it covers exactly one.
pub fn single_year(m: &Measure) -> Option<i32> {
    match (m.fy_start, m.fy_end) {
        (Some(a), Some(b)) if a == b && !m.cumulative => Some(a),
        _ => None,
    }
}

/// The multi-year span of a cumulative measure.
pub fn cumulative_span(m: &Measure) -> Option<(i32, i32)> {
    match (m.fy_start, m.fy_end) {
        (Some(a), Some(b)) if m.cumulative && a < b => Some((a, b)),
        _ => None,
    }
}

/// Half a unit of the last printed digit, in base units: how far the true
/// figure may lie from the printed one. A whole count or yen amount printed
/// without a scale is exact, not rounded.
pub fn half_unit(m: &Measure) -> f64 {
    let scale = if m.scale.is_finite() && m.scale != 0.0 {
        m.scale.abs()
    } else {
        1.0
    };
    if m.measure != MeasureKind::Rate && scale == 1.0 && m.decimals == 0 {
        return 0.0;
    }
    0.5 * scale * 10f64.powi(-(m.decimals.min(12) as i32))
}

/// `years` (sorted or not) covers `start..=end`, every year exactly once.
pub fn covers_exactly(years: &[i32], start: i32, end: i32) -> bool {
    let mut sorted = years.to_vec();
    sorted.sort_unstable();
    let expected: Vec<i32> = (start..=end).collect();
    sorted == expected
}

/// A number with thousands separators and a fixed number of decimals (`3,682`, `111.6`).
pub fn fmt_num(v: f64, decimals: u32) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let text = format!("{:.*}", decimals.min(12) as usize, v.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text, None),
    };
    let mut grouped = String::new();
    let digits: Vec<char> = int.chars().collect();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(*c);
    }
    let negative = v < 0.0 && text_is_nonzero(&grouped, frac.as_deref());
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

fn text_is_nonzero(int: &str, frac: Option<&str>) -> bool {
    int.chars()
        .chain(frac.unwrap_or("").chars())
        .any(|c| c.is_ascii_digit() && c != '0')
}

/// A value in the printed style of `like` (its scale, decimals and unit):
/// `111.6%`, `3,682`, `28,000千円`.
pub fn fmt_like(value: f64, like: &Measure, decimals: u32) -> String {
    let scale = if like.scale.is_finite() && like.scale != 0.0 {
        like.scale
    } else {
        1.0
    };
    let number = fmt_num(value / scale, decimals);
    if like.measure == MeasureKind::Rate {
        return format!("{number}%");
    }
    if scale == 1.0 {
        return number;
    }
    let unit = like.unit.as_deref().unwrap_or("");
    match scale_prefix(scale) {
        Some(prefix) => format!("{number}{prefix}{unit}"),
        None => format!("{number} ×{} {unit}", fmt_num(scale, 0))
            .trim_end()
            .to_string(),
    }
}

/// A measure as printed, in its own precision.
pub fn fmt_measure(m: &Measure) -> String {
    fmt_like(m.value, m, m.decimals)
}

fn scale_prefix(scale: f64) -> Option<&'static str> {
    const PREFIXES: [(f64, &str); 6] = [
        (1e3, "千"),
        (1e4, "万"),
        (1e6, "百万"),
        (1e7, "千万"),
        (1e8, "億"),
        (1e12, "兆"),
    ];
    PREFIXES.iter().find(|(s, _)| *s == scale).map(|(_, p)| *p)
}

/// The raw text of a measure on one line, for evidence strings.
pub fn raw_of(m: &Measure) -> String {
    one_line(&m.raw)
}

pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Space-separated ascending ids, as in the `measure_ids` column.
pub fn ids(mut list: Vec<u32>) -> String {
    list.sort_unstable();
    list.dedup();
    list.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A finding with the provenance filled in and the details left empty.
pub fn finding(check: &str, severity: Severity, doc_id: &str, line: u32, col: u32) -> Finding {
    Finding {
        finding_id: 0,
        check: check.to_string(),
        severity,
        doc_id: doc_id.to_string(),
        line,
        col,
        message: String::new(),
        expected: None,
        actual: None,
        tolerance: None,
        evidence: String::new(),
        measure_ids: String::new(),
    }
}

/// How to label a measure in a message: its indicator, else its raw text.
pub fn subject(m: &Measure) -> String {
    let base = m
        .indicator
        .as_deref()
        .map(one_line)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| raw_of(m));
    match m.entity.as_deref() {
        Some(e) if !e.is_empty() => format!("{e} {base}"),
        _ => base,
    }
}

/// A fiscal-year span as text (`FY2020`, `FY2020–2023`).
pub fn fy_text(start: i32, end: i32) -> String {
    if start == end {
        format!("FY{start}")
    } else {
        format!("FY{start}–{end}")
    }
}

/// A Japanese era: the western year of its year 0 and its last year, if it has ended.
/// The sum of `parts` against a printed `total`, when the two differ by more
/// than their printed precision allows: (sum, tolerance used, decimals to print).
pub fn sum_mismatch(
    parts: &[&Measure],
    total: &Measure,
    settings: &Settings,
) -> Option<(f64, f64, u32)> {
    let sum: f64 = parts.iter().map(|p| p.value).sum();
    let default_tol = parts.iter().map(|p| half_unit(p)).sum::<f64>() + half_unit(total);
    let tol = settings.tolerance(default_tol);
    if !differs(sum, total.value, tol) {
        return None;
    }
    let decimals = parts
        .iter()
        .map(|p| p.decimals)
        .max()
        .unwrap_or(0)
        .max(total.decimals);
    Some((sum, tol, decimals))
}

pub struct Era {
    pub name: &'static str,
    pub offset: i32,
    pub last_year: Option<i32>,
}

const ERAS: [Era; 5] = [
    Era {
        name: "令和",
        offset: 2018,
        last_year: None,
    },
    Era {
        name: "平成",
        offset: 1988,
        last_year: Some(31),
    },
    Era {
        name: "昭和",
        offset: 1925,
        last_year: Some(64),
    },
    Era {
        name: "大正",
        offset: 1911,
        last_year: Some(15),
    },
    Era {
        name: "明治",
        offset: 1867,
        last_year: Some(45),
    },
];

/// The era named in a mention (kanji name, or the usual one-letter
/// abbreviation `R`/`H`/`S`/`T`/`M`).
pub fn era(name: &str) -> Option<&'static Era> {
    let name = name.trim();
    let letter = match name {
        "R" | "r" => "令和",
        "H" | "h" => "平成",
        "S" | "s" => "昭和",
        "T" | "t" => "大正",
        "M" | "m" => "明治",
        other => other,
    };
    ERAS.iter().find(|e| e.name == letter)
}

/// An era year past the era's end (`平成32年度`, or a range ending there,
/// `平成29年度～平成38年度`): the era, its last year, and the era year named.
/// A range's end counts only when the extractor flagged a problem, since
/// `平成29年度～令和3年度` legitimately ends in the next era.
pub fn past_era_end(d: &DateMention) -> Option<(&'static Era, i32, i32)> {
    let e = era(d.era.as_deref()?)?;
    let last = e.last_year?;
    if let Some(year) = d.era_year.filter(|y| *y > last) {
        return Some((e, last, year));
    }
    let end = d.end.filter(|_| d.problem.is_some())?;
    let end_year = match d.kind {
        DateKind::FiscalYear | DateKind::FiscalRange => fiscal_year(end),
        _ => end.year(),
    } - e.offset;
    (end_year > last).then_some((e, last, end_year))
}

/// The mention still denotes real dates: its start converted, and a range
/// its end too (with a problem set, a missing end is a failed one, not an
/// open range).
pub fn converted(d: &DateMention) -> bool {
    let range = matches!(d.kind, DateKind::FiscalRange | DateKind::DateRange);
    d.start.is_some() && (!range || d.end.is_some())
}

/// The fiscal year a date falls in (April starts it).
pub fn fiscal_year(date: NaiveDate) -> i32 {
    if date.month() >= 4 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// The year a mention names: its fiscal year for 年度 mentions, else its calendar year.
pub fn mention_year(d: &DateMention) -> Option<i32> {
    let start = d.start?;
    Some(match d.kind {
        DateKind::FiscalYear | DateKind::FiscalRange => fiscal_year(start),
        _ => start.year(),
    })
}

/// A check's id and severity, handed by the check to the rule files that
/// report under it (`shares`, `changes`), so that they need not import it.
#[derive(Debug, Clone, Copy)]
pub struct CheckId {
    pub id: &'static str,
    pub severity: Severity,
}

/// What a row's (or column's) label says it is, when it is not a plain item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// `うち…` (of which): a breakdown of the line above, never a part.
    Breakdown,
    /// `小計`, a bare `計`, or `X計` (`普通会計計`): sums the items since the previous total.
    Sub,
    /// `合計`, `総計`, `総合計`, `累計` (also ending a label: `事業費合計`).
    Grand,
}

/// Words ending in 計 that are not totals (`会計`, `設計`, `統計`, `家計`…).
const NOT_TOTAL_BEFORE_KEI: &str = "会設統生家時推余早主";

pub(super) fn role(label: &str) -> Option<Role> {
    let mut s: String = label.chars().filter(|c| !c.is_whitespace()).collect();
    // A trailing unit note does not change what the label is: `合計(人)`.
    if let Some(open) = s.rfind(['(', '（']) {
        if s.ends_with([')', '）']) && open > 0 {
            s.truncate(open);
        }
    }
    let s = s.trim_matches(|c: char| "()（）【】[]<>＜＞〔〕・:：■□○●".contains(c));
    if s.starts_with("うち") || s.starts_with("内訳") {
        return Some(Role::Breakdown);
    }
    if ["合計", "総計", "累計"].iter().any(|w| s.ends_with(w)) {
        return Some(Role::Grand);
    }
    let mut rev = s.chars().rev();
    match (rev.next(), rev.next()) {
        (Some('計'), None) => Some(Role::Sub),
        (Some('計'), Some(before)) if !NOT_TOTAL_BEFORE_KEI.contains(before) => Some(Role::Sub),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_the_documents() {
        assert_eq!(fmt_num(3682.0, 0), "3,682");
        assert_eq!(fmt_num(111.6, 1), "111.6");
        assert_eq!(fmt_num(-1234.0, 0), "-1,234");
        assert_eq!(fmt_num(-0.01, 1), "0.0");
        assert_eq!(fmt_num(100.0, 0), "100");
        assert_eq!(fmt_num(1_000_000.0, 0), "1,000,000");
        assert_eq!(fmt_num(f64::NAN, 0), "NaN");
    }

    #[test]
    fn coverage_needs_each_year_once() {
        assert!(covers_exactly(&[2021, 2020, 2023, 2022], 2020, 2023));
        assert!(!covers_exactly(&[2020, 2021, 2023], 2020, 2023));
        assert!(!covers_exactly(&[2020, 2021, 2021, 2022, 2023], 2020, 2023));
        assert!(!covers_exactly(&[], 2020, 2023));
    }

    #[test]
    fn eras_end() {
        assert_eq!(era("平成").map(|e| e.offset), Some(1988));
        assert_eq!(era("R").map(|e| e.name), Some("令和"));
        assert!(era("天平").is_none());
    }

    #[test]
    fn tolerance_override_and_factor() {
        let s = Settings {
            tolerance_factor: 2.0,
            tolerance: None,
        };
        assert_eq!(s.tolerance(0.05), 0.1);
        let s = Settings {
            tolerance_factor: 2.0,
            tolerance: Some(0.3),
        };
        assert_eq!(s.tolerance(0.05), 0.3);
        assert!(!differs(23.7 + 27.2, 50.9, 0.0));
        assert!(differs(50.95, 50.9, 0.0));
    }
}
