//! Measures in running text, and what their sentence says about them.
//!
//! A figure's period, first found wins:
//! 1. a period in parentheses right after it: `700人(2014年度)`,
//!    `「150,000人」(令和元年時点)`;
//! 2. the nearest period before it in its sentence that no earlier figure
//!    took in its own parentheses: `令和7年度までに718億円`, each of
//!    `昭和55年の9.4%から平成17年には24.7%`;
//! 3. the frame: a table cell's header period, else the section's fiscal year.
//!
//! No period comes from another sentence. A calendar year stands for that
//! year; a date only as a point in time (`令和6年4月1日現在`, `令和元年度末`),
//! and then for the fiscal year that holds it. A stated length right before
//! a figure (`5年間で6人`, `10年間で15万人`) makes its period a span: the
//! range it follows; the two years a `から` or `→` joins (`1990年…から2010年
//! …(20年間で589人の減少)`); or the N years that end at the period (a total
//! counts them in, a change counts back from it).
//!
//! A figure's stance, first found wins: stance words before it in its clause
//! (`目標値「710,000人」`); words after it in its clause (`…を538万人まで
//! 引き上げる`); the mark after its date (`までに` planned, `現在` achieved);
//! the start of a move toward a target is where it stands now
//! (`7%(令和2年度)から15%まで上昇させる`: 7% achieved), and in a headline
//! `現状(年度)→目標(年度)` the earlier figure is the result and the later the
//! target; then the frame (a table cell's header; a section heading for a
//! line that is not a sentence). Otherwise a figure in prose is `stated`.

use super::section::Section;
use super::{dated_period, kind_of, period_in};
use crate::extract::{raw_span, DocContext};
use crate::model::{DateKind, Measure, MeasureSource, Stance};
use crate::normalize::NormLine;
use crate::scan::dates;
use crate::scan::dates::{DateContext, FoundDate};
use crate::scan::numbers::{self, Quantity};
use crate::segment::SegCell;
use crate::text::MappedText;
use crate::vocab::{prose_words as words, stance};

/// How many dates (or figures) back from a figure its period (or whole)
/// is looked for: a far one means nothing here, and a long text stays linear.
const MAX_DATES_BACK: usize = 16;

/// Char ranges of one text, asked whether `[a, b)` touches any of them in
/// constant time: a scan of every range per number made a line holding many
/// numbers and dates quadratic.
pub(super) struct Spans {
    /// `covered[i]`: how many chars before `i` lie in some range.
    pub(super) covered: Vec<usize>,
}

impl Spans {
    pub(super) fn new(ranges: impl IntoIterator<Item = (usize, usize)>, len: usize) -> Spans {
        let mut delta = vec![0i64; len + 1];
        for (a, b) in ranges {
            let (a, b) = (a.min(len), b.min(len));
            if a < b {
                if let Some(d) = delta.get_mut(a) {
                    *d += 1;
                }
                if let Some(d) = delta.get_mut(b) {
                    *d -= 1;
                }
            }
        }
        let mut covered = Vec::with_capacity(len + 1);
        let (mut depth, mut count) = (0i64, 0usize);
        covered.push(0);
        for d in delta.iter().take(len) {
            depth += d;
            if depth > 0 {
                count += 1;
            }
            covered.push(count);
        }
        Spans { covered }
    }

    pub(super) fn touches(&self, a: usize, b: usize) -> bool {
        let at = |i: usize| {
            self.covered
                .get(i)
                .or(self.covered.last())
                .copied()
                .unwrap_or(0)
        };
        a < b && at(b) > at(a)
    }
}

/// Where dates stand in a text, with the spans of their stated lengths (`（4年間）`).
pub(super) fn date_spans(found: &[FoundDate]) -> impl Iterator<Item = (usize, usize)> + '_ {
    found
        .iter()
        .flat_map(|d| std::iter::once((d.start, d.end)).chain(d.length_span))
}

/// The fiscal years a figure covers, and how the text named them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ProsePeriod {
    pub(crate) fy_start: i32,
    pub(crate) fy_end: i32,
    /// The period as printed; a span read from a stated length is written
    /// `昭和55年～平成17年（30年間）` (see [`span_label`]).
    pub(crate) label: String,
    /// A total over the span (`5年間で6人`), not a change across it.
    pub(crate) cumulative: bool,
}

/// What the text around a passage says when its sentences do not: a table
/// cell's header, or the section's heading and fiscal year.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Frame {
    pub(crate) period: Option<ProsePeriod>,
    pub(crate) stance: Option<Stance>,
    /// The frame's stance holds in full sentences too (a table column of
    /// targets), not only in lines that are no sentence (a list item
    /// `入学者数 年40人` under a `目標` heading).
    pub(crate) stance_in_sentences: bool,
}

/// One figure of running text as its sentence reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reading {
    /// The figure, its value signed by a change word (`2.7%の減` → −2.7).
    pub(crate) quantity: Quantity,
    /// Char span of the measure: the figure, with a stated length printed
    /// right before it (`5年間で6人`).
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) stance: Stance,
    pub(crate) period: Option<ProsePeriod>,
    /// The comparison a change is made against (`前年度比`), or the names
    /// of a whole, its part and the part's share (see [`share_name`]).
    pub(crate) indicator: Option<String>,
    /// `+1` / `−1` for a figure printed as a change (`2.7%増`, `2.7%の減`).
    pub(crate) change: Option<i8>,
    /// The period as printed when the text gives it no fiscal year: a
    /// yearly mark (`年3回` where no year is named) or a length whose years
    /// the sentence does not place (`15年間で50%減`).
    pub(crate) bare_label: Option<String>,
}

/// The label of a span between two named years with its stated length:
/// `昭和55年～平成17年（30年間）`; a range with a length is labelled the same
/// way (`令和4年度から令和13年度まで（10年間）`). `check::prose_arithmetic`
/// reads the length back with [`stated_length`].
pub(crate) fn span_label(from: &str, to: &str, years: i32) -> String {
    format!("{from}～{to}（{years}年間）")
}

/// The stated length of a [`span_label`].
pub(crate) fn stated_length(label: &str) -> Option<i32> {
    let (_, length) = label.rsplit_once('（')?;
    length.strip_suffix("年間）")?.parse().ok()
}

/// The indicator of a share: the whole and the part it is a share of.
/// `check::prose_arithmetic` matches it against the indicators of the
/// whole and the part.
pub(crate) fn share_name(whole: &str, part: &str) -> String {
    format!("{whole}に占める{part}の割合")
}

/// The names a whole and a part take when the words before them name
/// nothing (`全体の30.0%`).
pub(crate) const WHOLE_NAME: &str = "全体";
pub(crate) const PART_NAME: &str = "内訳";

/// The label of a yearly figure: its per-year mark, then its period.
pub(crate) fn per_year_label(mark: &str, period: Option<&str>) -> String {
    match period {
        Some(p) => format!("{mark}（{p}）"),
        None => mark.to_string(),
    }
}

/// Whether a period label marks a yearly figure (`年`, `毎年度（2019年度）`).
pub(crate) fn is_per_year_label(label: &str) -> bool {
    words::PER_YEAR
        .iter()
        .chain(words::PER_YEAR_AFTER)
        .any(|w| label == *w || label.strip_prefix(w).is_some_and(|r| r.starts_with('（')))
}

/// Quantities with units inside running text, with the period, stance and
/// change their sentence gives them.
#[allow(clippy::too_many_arguments)]
pub(super) fn prose_measures(
    ctx: &DocContext,
    section: &Section,
    content: &MappedText,
    lines: &[NormLine],
    block_id: u32,
    cell: Option<&SegCell>,
    skip: &[(usize, usize)],
    out: &mut Vec<Measure>,
) {
    // find_quantities already leaves out figures inside dates and stated lengths.
    let taken = Spans::new(skip.iter().copied(), content.pos.len());
    let quantities: Vec<Quantity> = numbers::find_quantities(&content.text)
        .into_iter()
        .filter(|q| !taken.touches(q.start, q.end))
        .collect();
    if quantities.is_empty() {
        return;
    }
    let date_ctx = DateContext {
        fiscal_year: section.fiscal_year,
        doc_date: ctx.published,
        era: section.era,
    };
    let found = dates::find_dates(&content.text, &date_ctx);
    let frame = frame_of(section, cell, &date_ctx);
    for r in read_prose(&content.text, &found, quantities, &frame) {
        let at = content.pos_at(r.start);
        let q = &r.quantity;
        let period = r.period.as_ref();
        out.push(Measure {
            doc_id: ctx.doc_id.clone(),
            measure_id: 0,
            entity: section.entity.clone(),
            section: section.heading.clone(),
            indicator: r.indicator.clone(),
            stance: r.stance,
            measure: kind_of(q.unit.as_deref()),
            period_label: period
                .map(|p| p.label.clone())
                .filter(|l| !l.is_empty())
                .or_else(|| r.bare_label.clone()),
            fy_start: period.map(|p| p.fy_start),
            fy_end: period.map(|p| p.fy_end),
            cumulative: period.is_some_and(|p| p.cumulative && p.fy_start < p.fy_end),
            value: q.value,
            unit: q.unit.clone(),
            scale: q.scale,
            decimals: q.decimals,
            approx: q.approx,
            qualifier: q.qualifier.clone(),
            source: MeasureSource::Prose,
            raw: raw_span(lines, content, r.start, r.end),
            line: at.line,
            col: at.col,
            block_id,
            table_id: cell.map(|c| c.cell.table_id),
            table_row: cell.map(|c| c.cell.row),
            table_col: cell.map(|c| c.cell.col),
        });
    }
}

/// The frame of a passage: a table cell's header when the passage is a
/// cell (its column says what every figure in it is), else its section.
fn frame_of(section: &Section, cell: Option<&SegCell>, date_ctx: &DateContext) -> Frame {
    let section_period = section.fiscal_year.map(|fy| ProsePeriod {
        fy_start: fy,
        fy_end: fy,
        label: String::new(),
        cumulative: false,
    });
    let Some(cell) = cell else {
        return Frame {
            period: section_period,
            stance: section.stance,
            stance_in_sentences: false,
        };
    };
    let header = cell.cell.header.as_str();
    let header_period = period_in(header, date_ctx).and_then(|p| {
        Some(ProsePeriod {
            fy_start: p.fy_start?,
            fy_end: p.fy_end?,
            label: p.label,
            cumulative: false,
        })
    });
    match stance::stance_of(header) {
        Some(s) => Frame {
            period: header_period.or(section_period),
            stance: Some(s),
            stance_in_sentences: true,
        },
        None => Frame {
            period: header_period.or(section_period),
            stance: section.stance,
            stance_in_sentences: false,
        },
    }
}

/// A stated length of years: `5年間で`, `20年で`, `(5年間累計)`.
#[derive(Debug, Clone)]
struct Length {
    start: usize,
    /// End of the length itself (`5年間`), before its link word.
    unit_end: usize,
    /// End of the link word (`で`, `累計`).
    end: usize,
    years: i32,
}

/// One figure while its sentence is read.
#[derive(Debug, Clone)]
struct Fig {
    q: Quantity,
    start: usize,
    sentence: usize,
    /// Content range of the parentheses right after the figure.
    parens: Option<(usize, usize)>,
    /// Where the figure and its parentheses end.
    tail: usize,
    period: Option<ProsePeriod>,
    /// The period came from the figure's own parentheses.
    own_period: bool,
    /// A stated length right before the figure.
    length: Option<Length>,
    /// The stance the figure's words or its date's mark give.
    stance: Option<Stance>,
    per_year: Option<String>,
    bare_label: Option<String>,
    change: Option<i8>,
    indicator: Option<String>,
}

fn chars_text(cs: &[char], a: usize, b: usize) -> String {
    cs.get(a..b.min(cs.len()).max(a))
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

fn starts_at(cs: &[char], i: usize, word: &str) -> bool {
    (i..).zip(word.chars()).all(|(k, w)| cs.get(k) == Some(&w))
}

fn skip_spaces(cs: &[char], mut i: usize) -> usize {
    while cs.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

fn is_ideograph(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '々')
}

/// Sentence ranges `[start, end)` covering the text; a line break does not
/// end a sentence (extracted text wraps them).
fn sentences(cs: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let field_mark = |c: Option<&char>| c.is_some_and(|c| words::FIELD_MARKS.contains(c));
    for (i, c) in cs.iter().enumerate() {
        let field_quote = *c == words::FIELD_QUOTE && {
            let next = cs
                .get(i + 1..)
                .and_then(|r| r.iter().find(|c| !c.is_whitespace()));
            let prev = cs
                .get(..i)
                .and_then(|r| r.iter().rev().find(|c| !c.is_whitespace()));
            field_mark(next) || field_mark(prev)
        };
        if field_quote || words::SENTENCE_ENDS.contains(c) {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < cs.len() || out.is_empty() {
        out.push((start, cs.len()));
    }
    out
}

/// Where the clause holding `at` starts, not before `floor`.
fn clause_start(cs: &[char], at: usize, floor: usize) -> usize {
    (floor..at.min(cs.len()))
        .rev()
        .find(|&i| cs.get(i).is_some_and(|c| words::CLAUSE_ENDS.contains(c)))
        .map_or(floor, |i| i + 1)
}

/// Where the clause holding `at` ends, not after `ceiling`.
fn clause_end(cs: &[char], at: usize, ceiling: usize) -> usize {
    (at..ceiling.min(cs.len()))
        .find(|&i| cs.get(i).is_some_and(|c| words::CLAUSE_ENDS.contains(c)))
        .unwrap_or(ceiling)
}

/// The parentheses right after `at` (past closing quotes and spaces):
/// their content range.
fn parens_after(cs: &[char], at: usize, ceiling: usize) -> Option<(usize, usize)> {
    let mut i = skip_spaces(cs, at);
    while cs.get(i).is_some_and(|c| words::CLOSERS.contains(c)) {
        i = skip_spaces(cs, i + 1);
    }
    if !matches!(cs.get(i), Some('(' | '（')) {
        return None;
    }
    let mut depth = 0usize;
    for j in i..ceiling.min(cs.len()).min(i + 80) {
        match cs.get(j) {
            Some('(' | '（') => depth += 1,
            Some(')' | '）') => {
                depth -= 1;
                if depth == 0 {
                    return Some((i + 1, j));
                }
            }
            _ => {}
        }
    }
    None
}

/// The stance the last stance word of `text` names, shared words and the
/// words of prose alike, the longest word at a position winning.
fn last_stance(text: &str) -> Option<Stance> {
    last_stance_at(text).map(|(s, _)| s)
}

/// The stance a stance word right before a figure names: the rest of its
/// compound noun, then only particles and quotes between them
/// (`目標値「710,000人」`, `受験予想人員 620人`, `現況は15%`). A word further
/// off is the object of another verb (`進捗状況等を年1回まとめ`).
fn stance_next_to(text: &str) -> Option<Stance> {
    let (stance, end) = last_stance_at(text)?;
    text.get(end..)?
        .chars()
        .skip_while(|c| is_ideograph(*c) || is_katakana(*c))
        .all(|c| c.is_whitespace() || words::NOUN_GLUE.contains(&c))
        .then_some(stance)
}

/// [`last_stance`] with the byte offset where its word ends.
fn last_stance_at(text: &str) -> Option<(Stance, usize)> {
    text.char_indices().rev().find_map(|(i, _)| {
        let rest = text.get(i..)?;
        let longest = |lists: [&[&str]; 2]| {
            lists
                .iter()
                .flat_map(|l| l.iter())
                .filter(|w| rest.starts_with(**w))
                .map(|w| w.len())
                .max()
        };
        match (
            longest([stance::PLANNED, words::PLANNED]),
            longest([stance::ACHIEVED, words::ACHIEVED]),
        ) {
            (Some(p), Some(a)) if a > p => Some((Stance::Achieved, i + a)),
            (Some(p), _) => Some((Stance::Planned, i + p)),
            (None, Some(a)) => Some((Stance::Achieved, i + a)),
            (None, None) => None,
        }
    })
}

/// Stated lengths of years in the text, outside dates.
fn lengths(cs: &[char], found: &[FoundDate]) -> Vec<Length> {
    let in_dates = Spans::new(date_spans(found), cs.len());
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        let starts_number = cs.get(i).is_some_and(char::is_ascii_digit)
            && !(i > 0
                && cs
                    .get(i - 1)
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, ',' | '.')));
        if !starts_number {
            i += 1;
            continue;
        }
        let mut j = i;
        while cs.get(j).is_some_and(char::is_ascii_digit) {
            j += 1;
        }
        let years: Option<i32> = chars_text(cs, i, j).parse().ok();
        let unit = words::LENGTH_UNITS
            .iter()
            .find(|u| starts_at(cs, j, u))
            .map(|u| u.chars().count());
        if let (Some(years), Some(unit)) = (years, unit) {
            let unit_end = j + unit;
            let after = skip_spaces(cs, unit_end);
            let link = words::LENGTH_LINKS
                .iter()
                .find(|w| starts_at(cs, after, w))
                .map(|w| after + w.chars().count())
                .or_else(|| matches!(cs.get(after), Some(')' | '）')).then_some(unit_end));
            let in_date = in_dates.touches(i, unit_end);
            if let (Some(end), false, 1..=200) = (link, in_date, years) {
                out.push(Length {
                    start: i,
                    unit_end,
                    end,
                    years,
                });
                i = end.max(i + 1);
                continue;
            }
        }
        i = j;
    }
    out
}

/// The period a date gives the figures after it, and the stance its mark
/// gives (`までに` planned, `現在` achieved).
fn date_period(cs: &[char], d: &FoundDate) -> Option<(ProsePeriod, Option<Stance>)> {
    let after = skip_spaces(cs, d.end);
    let point_in_time = words::POINT_IN_TIME.iter().any(|w| starts_at(cs, after, w));
    let mark = if point_in_time {
        Some(Stance::Achieved)
    } else if words::UNTIL.iter().any(|w| starts_at(cs, after, w)) {
        Some(Stance::Planned)
    } else {
        None
    };
    match d.kind {
        // `2031～2035年`: calendar years, each standing for itself; a range
        // of days or months dates no figure in a sentence.
        DateKind::DateRange => {
            let (s, e) = (d.date_start?, d.date_end?);
            let whole_years = chrono::Datelike::ordinal(&s) == 1
                && chrono::Datelike::month(&e) == 12
                && chrono::Datelike::day(&e) == 31;
            if !whole_years {
                return None;
            }
        }
        // A day or month dates a figure only as a point in time.
        DateKind::Date | DateKind::Month
            if !(point_in_time || d.raw.trim_end().ends_with('末')) =>
        {
            return None;
        }
        _ => {}
    }
    let p = dated_period(d, &d.raw)?;
    let period = ProsePeriod {
        fy_start: p.fy_start?,
        fy_end: p.fy_end?,
        label: p.label,
        cumulative: matches!(d.kind, DateKind::FiscalRange | DateKind::DateRange),
    };
    (period.fy_start <= period.fy_end).then_some((period, mark))
}

/// A yearly mark right before `at` (`年3回`, `毎年度10件`) or right after
/// `end` (`12,000人/年`).
fn per_year_mark(cs: &[char], at: usize, end: usize) -> Option<String> {
    let mut b = at;
    while b > 0 && cs.get(b - 1).is_some_and(|c| c.is_whitespace()) {
        b -= 1;
    }
    let before = words::PER_YEAR.iter().find(|w| {
        let n = w.chars().count();
        b >= n && starts_at(cs, b - n, w) && {
            // `2019年40人` is a year, `前年` a relative year: the mark stands alone.
            let prev = (b - n).checked_sub(1).and_then(|i| cs.get(i));
            !prev.is_some_and(|c| c.is_ascii_digit() || is_ideograph(*c))
        }
    });
    if let Some(w) = before {
        return Some((*w).to_string());
    }
    words::PER_YEAR_AFTER
        .iter()
        .find(|w| starts_at(cs, end, w))
        .map(|w| (*w).to_string())
}

/// A change word right after a figure: `+1` for `増`, `−1` for `減`.
fn change_after(cs: &[char], end: usize) -> Option<i8> {
    let mut i = skip_spaces(cs, end);
    if cs.get(i) == Some(&'の') {
        i += 1;
    }
    let fits = |w: &&str| {
        starts_at(cs, i, w)
            && (w.chars().count() > 1
                || !cs
                    .get(i + w.chars().count())
                    .is_some_and(|c| is_ideograph(*c)))
    };
    if words::DECREASE.iter().any(fits) {
        Some(-1)
    } else if words::INCREASE.iter().any(fits) {
        Some(1)
    } else {
        None
    }
}

/// The comparison base printed right before a change (`前年度比`).
fn comparison_before(before: &str) -> Option<String> {
    let t = before.trim_end();
    let t = t.strip_suffix('で').unwrap_or(t).trim_end();
    if !t.ends_with(words::COMPARISON_END) {
        return None;
    }
    let cs: Vec<char> = t.chars().collect();
    let mut a = cs.len();
    while a > 0
        && cs.len() - a < 12
        && cs
            .get(a - 1)
            .is_some_and(|c| is_ideograph(*c) || c.is_ascii_digit() || is_katakana(*c))
    {
        a -= 1;
    }
    (a + 1 < cs.len()).then(|| cs.get(a..).map(|s| s.iter().collect()).unwrap_or_default())
}

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A0}'..='\u{30FF}')
}

/// The name the words before a figure give it: `村内の就業者は108人` →
/// `村内の就業者`.
fn name_before(text: &str) -> Option<String> {
    let mut t = text.trim();
    loop {
        let before = t;
        for w in words::NAME_TRIM_END {
            t = t.strip_suffix(w).unwrap_or(t).trim_end();
        }
        for w in words::NAME_TRIM_START {
            t = t.strip_prefix(w).unwrap_or(t).trim_start();
        }
        if t == before {
            break;
        }
    }
    let cs: Vec<char> = t.chars().collect();
    let tail: String = cs.iter().skip(cs.len().saturating_sub(20)).collect();
    (!tail.is_empty()).then_some(tail)
}

/// Read every figure of `text` with what its sentence says about it.
/// `found` are the dates of `text`; `quantities` its figures, in order.
pub(crate) fn read_prose(
    text: &str,
    found: &[FoundDate],
    quantities: Vec<Quantity>,
    frame: &Frame,
) -> Vec<Reading> {
    let cs: Vec<char> = text.chars().collect();
    let sents = sentences(&cs);
    let sentence_of = |i: usize| {
        sents
            .partition_point(|&(_, e)| e <= i)
            .min(sents.len().saturating_sub(1))
    };
    let lens = lengths(&cs, found);
    let in_length = Spans::new(lens.iter().map(|l| (l.start, l.unit_end)), cs.len());
    let periods: Vec<Option<(ProsePeriod, Option<Stance>)>> =
        found.iter().map(|d| date_period(&cs, d)).collect();
    // Is each sentence a statement (it ends with `。`), or a label line?
    let statements: Vec<bool> = sents
        .iter()
        .map(|&(a, b)| cs.get(a..b).is_some_and(|t| t.contains(&'。')))
        .collect();
    // A stated length is a period's part, not a figure.
    let mut figs: Vec<Fig> = quantities
        .into_iter()
        .filter(|q| !in_length.touches(q.start, q.end))
        .map(|q| {
            let sentence = sentence_of(q.start);
            let ceiling = sents.get(sentence).map_or(cs.len(), |s| s.1);
            let parens = parens_after(&cs, q.end, ceiling);
            Fig {
                start: q.start,
                sentence,
                tail: parens.map_or(q.end, |(_, close)| close + 1),
                parens,
                period: None,
                own_period: false,
                length: None,
                stance: None,
                per_year: per_year_mark(&cs, q.start, q.end),
                bare_label: None,
                change: change_after(&cs, q.end),
                indicator: None,
                q,
            }
        })
        .collect();
    // Dates and lengths a figure took in its own parentheses date no other figure.
    let mut consumed = vec![false; found.len()];
    let mut own_length = vec![false; lens.len()];
    for f in &mut figs {
        let Some((open, close)) = f.parens else {
            continue;
        };
        let first = skip_spaces(&cs, open);
        let k = found.partition_point(|d| d.start < first);
        if found
            .get(k)
            .is_some_and(|d| d.start == first && d.end <= close)
        {
            if let Some(Some((p, mark))) = periods.get(k) {
                f.period = Some(p.clone());
                f.own_period = true;
                f.stance = *mark;
                if let Some(c) = consumed.get_mut(k) {
                    *c = true;
                }
            }
        }
        // `13,000人(5年間累計)`: a length standing alone in the parentheses.
        let j = lens.partition_point(|l| l.start < first);
        if let Some(l) = lens
            .get(j)
            .filter(|l| l.start == first && skip_spaces(&cs, l.end) == close)
        {
            f.length = Some(l.clone());
            if let Some(own) = own_length.get_mut(j) {
                *own = true;
            }
        }
    }
    for fi in 0..figs.len() {
        let Some(f) = figs.get(fi) else { continue };
        let (s_start, s_end) = sents.get(f.sentence).copied().unwrap_or((0, cs.len()));
        let q_start = f.q.start;
        // Where the words that belong to this figure start: after the
        // previous figure of the sentence, within the clause.
        let prev_end = fi
            .checked_sub(1)
            .and_then(|p| figs.get(p))
            .filter(|g| g.sentence == f.sentence)
            .map_or(s_start, |g| g.q.end.max(s_start));
        let own_period = f.own_period;
        // A figure dated in its own parentheses takes no length from before it.
        let length = f.length.clone().or_else(|| {
            if own_period {
                return None;
            }
            let upto = lens.partition_point(|l| l.end <= q_start);
            (0..upto)
                .rev()
                .map_while(|j| Some(j).zip(lens.get(j).filter(|l| l.start >= prev_end)))
                .find(|(j, l)| {
                    !own_length.get(*j).copied().unwrap_or(true)
                        && governs_next_clause(&cs, l.end, q_start)
                })
                .map(|(_, l)| l.clone())
        });
        let mut stance_mark = f.stance;
        // The nearest period before the figure in its sentence, among the
        // few dates nearest to it: a far one dates nothing here.
        let preceding = (!own_period)
            .then(|| {
                let upto = found.partition_point(|d| d.end <= q_start);
                (0..upto)
                    .rev()
                    .take(MAX_DATES_BACK)
                    .take_while(|&k| found.get(k).is_some_and(|d| d.start >= s_start))
                    .filter(|&k| !consumed.get(k).copied().unwrap_or(true))
                    .find_map(|k| periods.get(k)?.as_ref().map(|pm| (k, pm.clone())))
            })
            .flatten();
        if let Some((_, (_, mark))) = &preceding {
            stance_mark = *mark;
        }
        let base = if own_period {
            f.period.clone()
        } else {
            preceding.as_ref().map(|(_, (p, _))| p.clone())
        };
        let change = f.change;
        // A date between a length and the figure dates the figure: the
        // length belongs to another (`今後5年間で、過去3年間(H29～R1)の率(11.1%)から`).
        let length = length.filter(|l| {
            preceding
                .as_ref()
                .and_then(|(k, _)| found.get(*k))
                .is_none_or(|d| d.start < l.end)
        });
        let mut length_only = None;
        let period = match &length {
            None => base.or_else(|| frame.period.clone()),
            Some(l) => match &preceding {
                Some((k, (p, _))) if !own_period => {
                    let d = found.get(*k);
                    // A length takes a date only from its own clause; a range
                    // only when printed right before it (`…までの10年間で`).
                    let near = d.is_some_and(|d| {
                        d.end <= l.start
                            && !chars_text(&cs, d.end, l.start).contains(words::CLAUSE_ENDS)
                            && (p.fy_start == p.fy_end || joins_range(&cs, d.end, l.start))
                    });
                    if near {
                        let from_to = from_to_span(&cs, found, &periods, *k, p, l.years, s_start);
                        span_of_length(&cs, l, Some(p.clone()), from_to, change.is_some())
                    } else {
                        length_only = Some(chars_text(&cs, l.start, l.unit_end));
                        None
                    }
                }
                _ => span_of_length(
                    &cs,
                    l,
                    base.or_else(|| frame.period.clone()),
                    None,
                    change.is_some(),
                ),
            },
        };
        let clause_a = clause_start(&cs, q_start, prev_end);
        let before_text = chars_text(&cs, clause_a, q_start);
        let next_start = figs
            .get(fi + 1..)
            .and_then(|after| {
                after.iter().find(|g| g.q.start >= f.tail).map(|g| {
                    g.length
                        .as_ref()
                        .map_or(g.q.start, |l| l.start.min(g.q.start))
                })
            })
            .unwrap_or(s_end)
            .min(s_end);
        let after_to = clause_end(&cs, f.tail, next_start);
        let after_text = chars_text(&cs, f.tail, after_to);
        let words_stance = stance_next_to(&before_text).or_else(|| last_stance(&after_text));
        let comparison = comparison_before(&before_text);
        let signed = f.q.raw.starts_with(['△', '▲']) || f.q.raw.starts_with("マイナス");
        let per_year = f.per_year.clone();
        let Some(f) = figs.get_mut(fi) else { continue };
        if let Some(l) = &length {
            // `5年間で6人`: the length is printed as part of the figure.
            if skip_spaces(&cs, l.end) == q_start {
                f.start = l.start;
            }
        }
        f.length = length;
        if let (Some(text), None) = (length_only, &period) {
            f.bare_label = Some(text);
        }
        f.period = match (per_year, period) {
            (Some(mark), Some(p)) if p.fy_start == p.fy_end => Some(ProsePeriod {
                label: per_year_label(&mark, Some(p.label.as_str()).filter(|l| !l.is_empty())),
                ..p
            }),
            (Some(mark), None) => {
                f.bare_label = Some(mark);
                None
            }
            (_, p) => p,
        };
        f.stance = words_stance.or(stance_mark);
        if signed && f.change.is_none() {
            f.change = Some(if f.q.value < 0.0 { -1 } else { 1 });
        }
        f.indicator = comparison;
    }
    origins(&cs, &mut figs);
    shares(&cs, &sents, found, &mut figs);
    let statement = |s: usize| statements.get(s).copied().unwrap_or(false);
    figs.into_iter()
        .map(|f| {
            let frame_stance = frame
                .stance
                .filter(|_| frame.stance_in_sentences || !statement(f.sentence));
            let mut quantity = f.q;
            if f.change == Some(-1) && quantity.value > 0.0 {
                quantity.value = -quantity.value;
                quantity.number = -quantity.number;
            }
            Reading {
                start: f.start,
                end: quantity.end,
                stance: f.stance.or(frame_stance).unwrap_or(Stance::Stated),
                period: f.period,
                indicator: f.indicator,
                change: f.change,
                bare_label: f.bare_label,
                quantity,
            }
        })
        .collect()
}

/// Whether a length ending at `end` governs a figure at `at`: in the same
/// clause, or in the one right after the length (`10年間で、人口を15万人に`).
fn governs_next_clause(cs: &[char], end: usize, at: usize) -> bool {
    let mut i = skip_spaces(cs, end);
    if cs.get(i).is_some_and(|c| words::CLAUSE_ENDS.contains(c)) {
        i += 1;
    }
    !cs.get(i..at)
        .is_some_and(|gap| gap.iter().any(|c| words::CLAUSE_ENDS.contains(c)))
}

/// Whether a range ending at `end` is printed right before a length at `at`:
/// `令和4年度から令和13年度までの10年間`, `令和2年度から令和7年度の5年間`.
fn joins_range(cs: &[char], end: usize, at: usize) -> bool {
    let gap = chars_text(cs, end, at);
    ["", "の", "まで", "までの", "で", "(", "（"].contains(&gap.trim())
}

/// The span a stated length gives a figure whose period is `base`.
/// `from_to`: the span between two years a `から` or `→` joins, when the
/// sentence names them.
fn span_of_length(
    cs: &[char],
    l: &Length,
    base: Option<ProsePeriod>,
    from_to: Option<ProsePeriod>,
    change: bool,
) -> Option<ProsePeriod> {
    if let Some(span) = from_to {
        return Some(span);
    }
    let length_text = chars_text(cs, l.start, l.unit_end);
    let base = base?;
    if base.fy_start < base.fy_end {
        // A range with a length of its own (`令和4年度から令和13年度までの10年間で`).
        return Some(ProsePeriod {
            label: if base.label.is_empty() {
                length_text
            } else {
                format!("{}（{}年間）", base.label, l.years)
            },
            cumulative: true,
            ..base
        });
    }
    let y = base.fy_end;
    // A total counts the N years ending at its year; a change spans N years back.
    let first = if change { y - l.years } else { y - l.years + 1 };
    Some(ProsePeriod {
        fy_start: first,
        fy_end: y,
        label: length_text,
        cumulative: !change,
    })
}

/// `1990年の1,584人から2010年には995人(20年間で589人の減少)`: the span from
/// an earlier year of the sentence that a `から` or `→` leads from, to the
/// figure's own year `p` (date `k`). Of several such years, the one the
/// stated length fits is taken; else the nearest, so that a wrong length
/// shows.
fn from_to_span(
    cs: &[char],
    found: &[FoundDate],
    periods: &[Option<(ProsePeriod, Option<Stance>)>],
    k: usize,
    p: &ProsePeriod,
    years: i32,
    s_start: usize,
) -> Option<ProsePeriod> {
    if p.fy_start != p.fy_end {
        return None;
    }
    let to = found.get(k)?;
    let joined = |d: &FoundDate| {
        let between = chars_text(cs, d.end, to.start);
        words::ORIGIN.iter().any(|w| between.contains(w))
    };
    let candidates: Vec<(&FoundDate, &ProsePeriod)> = found
        .get(..k)?
        .iter()
        .zip(periods)
        .rev()
        .take(MAX_DATES_BACK)
        .take_while(|(d, _)| d.start >= s_start)
        .filter(|(d, _)| joined(d))
        .filter_map(|(d, pm)| {
            let (from, _) = pm.as_ref()?;
            (from.fy_start == from.fy_end && from.fy_end < p.fy_start).then_some((d, from))
        })
        .collect();
    let (d, from) = candidates
        .iter()
        .find(|(_, from)| p.fy_start - from.fy_start == years)
        .or(candidates.first())?;
    Some(ProsePeriod {
        fy_start: from.fy_start,
        fy_end: p.fy_end,
        label: span_label(d.raw.trim(), to.raw.trim(), years),
        cumulative: false,
    })
}

/// The start of a move: a figure followed by `から` / `→` / `より` and then
/// the figure it moves to. Toward a target, the start is where things stand
/// (achieved); in a headline `700人(2014年度)→1,500人(2019年度)` with no
/// stance words, the earlier figure is the result and the later the target.
fn origins(cs: &[char], figs: &mut [Fig]) {
    for i in 0..figs.len() {
        let (Some(a), Some(b)) = (figs.get(i), figs.get(i + 1)) else {
            continue;
        };
        if a.sentence != b.sentence || b.q.start < a.tail {
            continue;
        }
        let mut j = skip_spaces(cs, a.tail);
        while cs.get(j).is_some_and(|c| words::CLOSERS.contains(c)) {
            j = skip_spaces(cs, j + 1);
        }
        let Some(link) = words::ORIGIN.iter().find(|w| starts_at(cs, j, w)) else {
            continue;
        };
        let headline = *link == "→"
            && a.own_period
            && b.own_period
            && a.stance.is_none()
            && b.stance.is_none()
            && matches!((&a.period, &b.period), (Some(pa), Some(pb)) if pa.fy_end < pb.fy_start);
        let toward_target = a.stance.is_none() && b.stance == Some(Stance::Planned);
        if headline {
            if let Some(b) = figs.get_mut(i + 1) {
                b.stance = Some(Stance::Planned);
            }
        }
        if headline || toward_target {
            if let Some(a) = figs.get_mut(i) {
                a.stance = Some(Stance::Achieved);
            }
        }
    }
}

/// Wholes, their parts and the parts' shares in one sentence:
/// `651人のうち、…593人(91.1%)`, `建設業が115人…、そのうち…108人(93.9%)`,
/// `総額40億円のうち…12億円で、全体の30.0%`. Each gets an indicator that
/// ties the share to its part and whole (see [`share_name`]).
fn shares(cs: &[char], sents: &[(usize, usize)], found: &[FoundDate], figs: &mut [Fig]) {
    let is_rate = |f: &Fig| f.q.unit.as_deref() == Some("%");
    let mut whole: Option<usize> = None;
    let mut is_part = vec![false; figs.len()];
    let mut triples: Vec<(usize, usize, usize)> = Vec::new();
    let mut sentence = usize::MAX;
    let mut last_figure: Option<usize> = None;
    for i in 0..figs.len() {
        let Some(f) = figs.get(i) else { continue };
        if f.sentence != sentence {
            sentence = f.sentence;
            whole = None;
            last_figure = None;
        }
        let s_start = sents.get(sentence).map_or(0, |s| s.0);
        let prev_end = last_figure
            .and_then(|p| figs.get(p))
            .map_or(s_start, |g| g.q.end);
        let clause = chars_text(cs, clause_start(cs, f.q.start, prev_end), f.start);
        let clause = clause.trim();
        if is_rate(f) {
            // `…12億円で、全体の30.0%`: a share of the sentence's whole.
            let of_whole = words::SHARE_OF_WHOLE.iter().any(|w| clause.ends_with(w));
            if let (true, Some(w), Some(p)) = (of_whole, whole, last_figure) {
                if p != w {
                    triples.push((w, p, i));
                }
            }
            continue;
        }
        let same_unit = |g: &Fig| g.q.unit == f.q.unit && g.q.value >= f.q.value;
        let introduced = words::PART_BEFORE.iter().any(|w| clause.starts_with(w));
        if introduced {
            let earlier = (0..i)
                .rev()
                .take(MAX_DATES_BACK)
                .take_while(|&k| figs.get(k).is_some_and(|g| g.sentence == sentence))
                .find(|&k| {
                    let part = is_part.get(k).copied().unwrap_or(true);
                    figs.get(k)
                        .is_some_and(|g| !is_rate(g) && !part && same_unit(g))
                });
            if earlier.is_some() {
                whole = earlier;
            }
        }
        let after = skip_spaces(cs, f.tail);
        let is_whole = words::WHOLE_AFTER
            .iter()
            .any(|w| starts_at(cs, after, w) || starts_at(cs, skip_spaces(cs, f.q.end), w));
        if let Some(w) = whole.filter(|&w| figs.get(w).is_some_and(same_unit)) {
            // `593人(91.1%)`: the share printed alone in the part's parentheses.
            let inner = figs.get(i + 1).filter(|g| {
                is_rate(g)
                    && f.parens.is_some_and(|(open, close)| {
                        skip_spaces(cs, open) == g.q.start && skip_spaces(cs, g.q.end) == close
                    })
            });
            if inner.is_some() {
                triples.push((w, i, i + 1));
            }
            // Only a figure with its share or after `うち` is a part: others
            // of the unit may be wholes of their own.
            if inner.is_some() || introduced {
                if let Some(p) = is_part.get_mut(i) {
                    *p = true;
                }
            }
        }
        if is_whole {
            whole = Some(i);
        }
        last_figure = Some(i);
    }
    // The words between the clause's start (or the figure, date or
    // parentheses before) and the figure.
    let name = |figs: &[Fig], k: usize, fallback: &str| {
        let f = figs.get(k);
        f.and_then(|f| f.indicator.clone())
            .or_else(|| {
                let f = f?;
                let s_start = sents.get(f.sentence).map_or(0, |s| s.0);
                let after_figure = k
                    .checked_sub(1)
                    .and_then(|p| figs.get(p))
                    .filter(|g| g.sentence == f.sentence)
                    .map_or(s_start, |g| g.tail.min(f.start).max(g.q.end));
                let after_date = found
                    .get(..found.partition_point(|d| d.end <= f.start))
                    .and_then(<[FoundDate]>::last)
                    .map_or(0, |d| d.end);
                let from = clause_start(cs, f.start, after_figure.max(after_date));
                name_before(&chars_text(cs, from, f.start))
            })
            .unwrap_or_else(|| fallback.to_string())
    };
    for (w, p, s) in triples {
        let whole_name = name(figs, w, WHOLE_NAME);
        let part_name = name(figs, p, PART_NAME);
        if let Some(f) = figs.get_mut(w) {
            f.indicator = Some(whole_name.clone());
        }
        if let Some(f) = figs.get_mut(p) {
            f.indicator = Some(part_name.clone());
        }
        if let Some(f) = figs.get_mut(s) {
            f.indicator = Some(share_name(&whole_name, &part_name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read `text` as a paragraph: (raw, value, stance, fy span, label, indicator).
    fn read(text: &str, frame: &Frame) -> Vec<Reading> {
        let found = dates::find_dates(text, &DateContext::default());
        let qs = numbers::find_quantities(text);
        read_prose(text, &found, qs, frame)
    }

    fn one<'a>(rs: &'a [Reading], raw: &str) -> &'a Reading {
        rs.iter()
            .find(|r| r.quantity.raw == raw)
            .unwrap_or_else(|| panic!("{raw} not read in {rs:#?}"))
    }

    fn fy(r: &Reading) -> Option<(i32, i32)> {
        r.period.as_ref().map(|p| (p.fy_start, p.fy_end))
    }

    #[test]
    fn a_deadline_before_the_figure_makes_it_a_target_of_that_year() {
        let rs = read(
            "令和8年度までに県産木材の輸出額を500億円まで伸ばす。",
            &Frame::default(),
        );
        let r = one(&rs, "500億円");
        assert_eq!((r.stance, fy(r)), (Stance::Planned, Some((2026, 2026))));
        // Near miss: a year with no deadline mark and no target words is stated.
        let rs = read("令和2年の出荷額は3,400万円であった。", &Frame::default());
        let r = one(&rs, "3,400万円");
        assert_eq!((r.stance, fy(r)), (Stance::Stated, Some((2020, 2020))));
    }

    #[test]
    fn a_period_in_parentheses_after_the_figure_dates_it_alone() {
        let text = "整備率を4%(令和3年度)から12%まで高める。";
        let rs = read(text, &Frame::default());
        let start = one(&rs, "4%");
        assert_eq!(
            (start.stance, fy(start)),
            (Stance::Achieved, Some((2021, 2021)))
        );
        // The later figure does not take the first one's parenthesized year.
        assert_eq!(fy(one(&rs, "12%")), None);
        let rs = read("来館者数800人(2016年度)", &Frame::default());
        assert_eq!(fy(one(&rs, "800人")), Some((2016, 2016)));
    }

    #[test]
    fn each_figure_takes_its_own_nearest_year() {
        let rs = read(
            "高齢化率は平成2年の12.5%から平成22年には30.1%に上がった。",
            &Frame::default(),
        );
        assert_eq!(fy(one(&rs, "12.5%")), Some((1990, 1990)));
        assert_eq!(fy(one(&rs, "30.1%")), Some((2010, 2010)));
        assert!(rs.iter().all(|r| r.stance == Stance::Stated));
    }

    #[test]
    fn no_period_comes_from_another_sentence() {
        let rs = read(
            "計画は平成30年に策定した。登録者は120人である。",
            &Frame::default(),
        );
        assert_eq!(fy(one(&rs, "120人")), None);
    }

    #[test]
    fn a_point_in_time_takes_its_fiscal_year() {
        let rs = read(
            "令和5年3月31日現在、職員は52名、うち女性は9名となっている。",
            &Frame::default(),
        );
        let r = one(&rs, "52名");
        assert_eq!((r.stance, fy(r)), (Stance::Achieved, Some((2022, 2022))));
        assert_eq!(fy(one(&rs, "9名")), Some((2022, 2022)));
        // Near miss: an event's date is no period for the figures after it.
        let rs = read(
            "令和5年7月1日に開館し、3,000人が訪れた。",
            &Frame::default(),
        );
        assert_eq!(fy(one(&rs, "3,000人")), None);
    }

    #[test]
    fn a_range_with_its_length_makes_a_cumulative_target() {
        let rs = read(
            "令和3年度から令和7年度までの5年間で、新規就農者を40人にすることを目標とする。",
            &Frame::default(),
        );
        let r = one(&rs, "40人");
        assert_eq!((r.stance, fy(r)), (Stance::Planned, Some((2021, 2025))));
        assert!(r.period.as_ref().is_some_and(|p| p.cumulative));
        assert!(rs
            .iter()
            .all(|r| r.quantity.unit.as_deref() != Some("年間")));
    }

    #[test]
    fn a_length_before_a_figure_spans_back_from_the_frame_year() {
        let frame = Frame {
            period: Some(ProsePeriod {
                fy_start: 2019,
                fy_end: 2019,
                label: String::new(),
                cumulative: false,
            }),
            stance: Some(Stance::Planned),
            stance_in_sentences: false,
        };
        let rs = read("移住者数 5年間で8人", &frame);
        let r = one(&rs, "8人");
        assert_eq!(
            (r.stance, fy(r), r.start),
            (Stance::Planned, Some((2015, 2019)), 5)
        );
        let rs = read("入学者数 年30人", &frame);
        let r = one(&rs, "30人");
        assert_eq!(r.period.as_ref().map(|p| p.label.as_str()), Some("年"));
        assert_eq!(fy(r), Some((2019, 2019)));
        // Near miss: a sentence does not take the heading's stance.
        let rs = read("昨年は入学者が25人であった。", &frame);
        assert_eq!(one(&rs, "25人").stance, Stance::Stated);
    }

    #[test]
    fn two_years_and_a_length_make_a_span_labelled_with_the_length() {
        let rs = read(
            "人口は2000年の900人から2010年には700人(10年間で200人の減少)となった。",
            &Frame::default(),
        );
        let r = one(&rs, "200人");
        assert_eq!(fy(r), Some((2000, 2010)));
        let label = r
            .period
            .as_ref()
            .map(|p| p.label.clone())
            .unwrap_or_default();
        assert_eq!(stated_length(&label), Some(10));
        assert_eq!(r.quantity.value, -200.0);
        assert_eq!(r.change, Some(-1));
        // A wrong length is kept as printed, for the check to see.
        let rs = read(
            "率は平成元年の8.0%から平成11年には9.5%と20年間で1.5ポイント増加した。",
            &Frame::default(),
        );
        let r = one(&rs, "1.5ポイント");
        assert_eq!(fy(r), Some((1989, 1999)));
        let label = r
            .period
            .as_ref()
            .map(|p| p.label.clone())
            .unwrap_or_default();
        assert_eq!(stated_length(&label), Some(20));
    }

    #[test]
    fn a_length_far_from_a_date_places_no_span() {
        let rs = read(
            "今後5年間で、過去3年間(H29～R1)の率(11.1%)から1割減少させる。",
            &Frame::default(),
        );
        assert!(rs.iter().all(|r| r
            .period
            .as_ref()
            .is_none_or(|p| stated_length(&p.label).is_none())));
        let rs = read(
            "平成25年～29年の平均(100件)を起点として、15年間で50%減とする。",
            &Frame::default(),
        );
        let r = one(&rs, "50%");
        assert_eq!((fy(r), r.bare_label.as_deref()), (None, Some("15年間")));
        assert_eq!(r.quantity.value, -50.0);
    }

    #[test]
    fn change_words_sign_the_figure_and_name_the_comparison() {
        let rs = read("歳出は前年度比3.4%の減となった。", &Frame::default());
        let r = one(&rs, "3.4%");
        assert_eq!((r.quantity.value, r.change), (-3.4, Some(-1)));
        assert_eq!(r.indicator.as_deref(), Some("前年度比"));
        let rs = read(
            "利用者は1.2%増、経費はマイナス三%となった。",
            &Frame::default(),
        );
        assert_eq!(one(&rs, "1.2%").quantity.value, 1.2);
        assert_eq!(one(&rs, "1.2%").change, Some(1));
        assert_eq!(one(&rs, "マイナス三%").quantity.value, -3.0);
        // Near miss: `減免` is no decrease.
        let rs = read("対象は40件の減免措置である。", &Frame::default());
        assert_eq!(
            (one(&rs, "40件").quantity.value, one(&rs, "40件").change),
            (40.0, None)
        );
    }

    #[test]
    fn verbs_after_the_figure_make_it_a_target_and_a_projection() {
        let rs = read(
            "管理職に占める女性を4名程度とするよう努めます。",
            &Frame::default(),
        );
        assert_eq!(one(&rs, "4名程度").stance, Stance::Planned);
        let rs = read(
            "2040年には500人程度にまで減少することが見込まれます。",
            &Frame::default(),
        );
        assert_eq!(one(&rs, "500人程度").stance, Stance::Planned);
        // Words of another clause do not reach the figure.
        let rs = read(
            "2000年の1,200人をピークに減少しており、今後の推計が示されている。",
            &Frame::default(),
        );
        assert_eq!(one(&rs, "1,200人").stance, Stance::Stated);
    }

    #[test]
    fn a_stance_noun_names_only_the_figure_next_to_it() {
        let rs = read(
            "現況値「120,000人」(令和元年時点)→目標値「300,000人」",
            &Frame::default(),
        );
        assert_eq!(one(&rs, "120,000人").stance, Stance::Achieved);
        assert_eq!(one(&rs, "300,000人").stance, Stance::Planned);
        let rs = read("講習会費 参加見込人数 150人", &Frame::default());
        assert_eq!(one(&rs, "150人").stance, Stance::Planned);
        // Near miss: the noun is the object of another verb.
        let rs = read(
            "課長は進捗状況等を年2回まとめ、委員会に報告する。",
            &Frame::default(),
        );
        assert_eq!(one(&rs, "2回").stance, Stance::Stated);
    }

    #[test]
    fn json_fields_are_sentences_and_prose_quotes_are_not() {
        let frame = Frame {
            stance: Some(Stance::Planned),
            ..Frame::default()
        };
        let rs = read(r#"{"a": "令和3年度", "b": "45人"}"#, &frame);
        assert_eq!(fy(one(&rs, "45人")), None);
        let rs = read(r#"平成22年の"15〜19歳"の人口は80人である。"#, &frame);
        let r = one(&rs, "80人");
        assert_eq!((r.stance, fy(r)), (Stance::Stated, Some((2010, 2010))));
    }

    #[test]
    fn a_headline_from_result_to_target() {
        let rs = read(
            "入館者数600人(2016年度)→年900人(2021年度)",
            &Frame::default(),
        );
        assert_eq!(one(&rs, "600人").stance, Stance::Achieved);
        assert_eq!(one(&rs, "900人").stance, Stance::Planned);
        // Near miss: past years joined by an arrow, periods printed before.
        let rs = read(
            "1980年の転入「5,000人」→2000年の転入「3,000人」",
            &Frame::default(),
        );
        assert!(rs.iter().all(|r| r.stance == Stance::Stated));
    }

    #[test]
    fn a_part_and_its_share_of_the_sentence_whole_are_named() {
        let rs = read(
            "平成27年の就業者820人のうち、村内で働く人が700人(85.4%)、次いで隣町90人(11.0%)となっている。",
            &Frame::default(),
        );
        let whole = one(&rs, "820人").indicator.clone().unwrap_or_default();
        let part = one(&rs, "700人").indicator.clone().unwrap_or_default();
        assert_eq!(whole, "就業者");
        assert_eq!(part, "村内で働く人");
        assert_eq!(one(&rs, "85.4%").indicator, Some(share_name(&whole, &part)));
        assert_eq!(
            one(&rs, "11.0%").indicator,
            Some(share_name(&whole, "隣町"))
        );
        let rs = read(
            "歳入総額は50億円で、うち県支出金は15億円、全体の30.0%を占める。",
            &Frame::default(),
        );
        assert_eq!(
            one(&rs, "30.0%").indicator,
            Some(share_name("歳入総額", "県支出金"))
        );
        // Near miss: no whole in the sentence, no share.
        let rs = read("女性は8名で、全体の19.0%である。", &Frame::default());
        assert_eq!(one(&rs, "19.0%").indicator, None);
    }
}
