//! Dates and periods: eras (明治…令和, 元年, R/H/S abbreviations), western
//! years, fiscal years (年度: April to March), ranges, weekdays, kanji numerals.
// OWNER: helper "numbers+dates". Interface below is fixed; fill in the bodies.

use chrono::NaiveDate;

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
    todo!("{text}{ctx:?}")
}

/// Western year of an era year (`("令和", 1)` → 2019). `None` for an unknown
/// era or a year below 1; years past the era's end still convert.
pub fn era_to_western(era: &str, year: i32) -> Option<i32> {
    todo!("{era}{year}")
}
