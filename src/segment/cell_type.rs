//! What a table cell is, from its own text alone: a period, a stance word,
//! a unit, a total marker, a no-value mark, a quantity, a label, or empty.
//! Headers and label columns are then found from the types of a grid's
//! cells (see `table.rs`), not from where the first number stands: a header
//! cell `5か年累計` holds a digit but is a period, never the quantity 5.

use crate::scan::dates::{self, DateContext};
use crate::scan::numbers::{self, Quantity};
use crate::vocab::stance;
use crate::vocab::table_words::{
    NO_VALUE_MARKS, PERIOD_WORDS, RATE_WORDS, SCALE_PREFIXES, SPAN_TOTALS, TOTAL_MARKERS,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CellType {
    Empty,
    /// A fiscal year or range, `N年目`, `前年度`, `当初`, `5か年累計`.
    Period,
    /// 目標 / 実績 / 達成率 and their kin, alone or with a period or unit note.
    Stance,
    /// A unit or unit note: `千円`, `（人）`, `%`, `単位：千人`.
    Unit,
    /// `計`, `合計`, `累計`, `小計`, `総数`, `全体`.
    Total,
    /// `－`, `―`, `…`, `集計中`, `未定`, `＊`.
    NoValue,
    Quantity,
    Label,
}

impl CellType {
    /// Types a header row is made of; none of them is ever a quantity.
    pub(crate) fn is_header_word(self) -> bool {
        matches!(
            self,
            CellType::Period | CellType::Stance | CellType::Unit | CellType::Total
        )
    }
}

/// The type of one cell's (normalized) text.
pub(crate) fn cell_type(text: &str) -> CellType {
    let t = text.trim();
    if t.is_empty() {
        CellType::Empty
    } else if is_no_value(t) {
        CellType::NoValue
    } else if is_total(t) {
        CellType::Total
    } else if let Some(kind) = header_word(t) {
        kind
    } else if is_unit(t) {
        CellType::Unit
    } else if super::table::quantity(t).is_some() {
        CellType::Quantity
    } else {
        CellType::Label
    }
}

/// `－`, `…`, `集計中`: the publisher printed no figure.
pub(crate) fn is_no_value(t: &str) -> bool {
    let t = t.trim();
    NO_VALUE_MARKS.contains(&t)
        || (!t.is_empty()
            && t.chars()
                .all(|c| matches!(c, '－' | '―' | '-' | '—' | '…' | '‥')))
}

/// `計`, `合 計`, `【合計】`: a row or column that sums the others.
pub(crate) fn is_total(t: &str) -> bool {
    let bare: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && !is_bracket(*c))
        .collect();
    TOTAL_MARKERS.contains(&bare.as_str())
}

fn is_bracket(c: char) -> bool {
    matches!(
        c,
        '(' | ')' | '（' | '）' | '[' | ']' | '【' | '】' | '〔' | '〕' | '<' | '>' | '＜' | '＞'
    )
}

/// `5か年累計`, `4年間累計`: a total over a span of years.
pub(crate) fn is_span_total(t: &str) -> bool {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    SPAN_TOTALS.iter().any(|s| {
        t.strip_suffix(s).is_some_and(|head| {
            !head.is_empty()
                && head
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || is_kanji_digit(c))
        })
    })
}

fn is_kanji_digit(c: char) -> bool {
    "〇一二三四五六七八九十".contains(c)
}

/// `FY2024`, `FY 2024`, `ＦＹ２０２４`: a fiscal year written the English way.
pub(crate) fn fy_label(t: &str) -> Option<i32> {
    let t = t.trim();
    let rest = ["FY", "ＦＹ", "fy", "Fy"]
        .iter()
        .find_map(|p| t.strip_prefix(p))?
        .trim_start();
    let digits = crate::text::ascii_digits(rest);
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|y| (1900..=2100).contains(y))
}

/// Whether a text with digits may name a period: it holds a char that
/// every period notation has (`年`, `度`, an era's initial, `FY`, `か年`).
/// Plain figures (`1,234`, `85.2%`, `28,000千円`) are not looked at further.
pub(crate) fn could_name_period(t: &str) -> bool {
    t.chars().any(|c| {
        matches!(
            c,
            '年' | '度'
                | 'R'
                | 'H'
                | 'S'
                | 'F'
                | 'f'
                | 'Ｒ'
                | 'Ｈ'
                | 'Ｆ'
                | '令'
                | '平'
                | '昭'
                | '元'
        )
    })
}

/// A western year printed bare (`2024`: no unit, separator or decimals).
pub(crate) fn is_bare_year(q: &Quantity) -> bool {
    q.unit.is_none()
        && q.decimals == 0
        && !q.raw.contains([',', '，'])
        && (1900.0..=2100.0).contains(&q.number)
}

/// Whether a text says nothing but periods and stance words (with unit
/// notes), and which: `Period` when it names a period (`2024年度`, `R6`,
/// `1年目（2024年度）`, `前年度`, `5か年累計`, `目標値(R5)`), `Stance` when
/// only stance words (`目標値`, `実績`, `達成率（%）`).
pub(crate) fn header_word(t: &str) -> Option<CellType> {
    if is_span_total(t) || fy_label(t).is_some() {
        return Some(CellType::Period);
    }
    let mut rest: String = t.to_string();
    let mut period = false;
    // Dates are looked for only where one can be: a digit or an era's mark.
    if rest
        .chars()
        .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || "令平昭元".contains(c))
    {
        let chars: Vec<char> = rest.chars().collect();
        let mut keep = vec![true; chars.len()];
        for d in dates::find_dates(&rest, &DateContext::default()) {
            if !matches!(
                d.kind,
                crate::model::DateKind::FiscalYear
                    | crate::model::DateKind::FiscalRange
                    | crate::model::DateKind::Year
            ) {
                continue;
            }
            period = true;
            for k in keep.iter_mut().take(d.end).skip(d.start) {
                *k = false;
            }
        }
        rest = chars
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(c, _)| *c)
            .collect();
    }
    // An era-less year (`30年度`): plans name the years of their own era
    // without it, and the era comes from the text around the table.
    if rest.contains("年度") {
        let stripped = without_era_less_years(&rest);
        if stripped.len() < rest.len() {
            period = true;
            rest = stripped;
        }
    }
    if rest.contains("年目") {
        period = true;
        rest = rest
            .replace("年目", "")
            .chars()
            .filter(|c| !c.is_ascii_digit() && !('０'..='９').contains(c))
            .collect();
    }
    for w in PERIOD_WORDS {
        if rest.contains(w) {
            period = true;
            rest = rest.replace(w, "");
        }
    }
    let mut stance = false;
    for w in RATE_WORDS.iter().chain(stance::STANDALONE) {
        if rest.contains(w) {
            stance = true;
            rest = rest.replace(w, "");
        }
    }
    // A unit note beside the word: `達成率（%）`, `目標(千円)`.
    rest = rest.replace("単位", "");
    let leftover: String = rest
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '%' || *c == '％')
        .collect();
    let words_only = leftover.is_empty()
        || leftover == "値"
        || is_unit(&leftover)
        || leftover.chars().count() <= 1 && (period || stance);
    match (words_only, period, stance) {
        (true, true, _) => Some(CellType::Period),
        (true, false, true) => Some(CellType::Stance),
        _ => None,
    }
}

/// `text` without its era-less years: one or two digits right before
/// `年度` (`30年度`, `５年度`), not part of a longer number.
fn without_era_less_years(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digit = |c: &char| c.is_ascii_digit() || ('０'..='９').contains(c);
    let mut keep = vec![true; chars.len()];
    for (i, w) in chars.windows(2).enumerate() {
        if w != ['年', '度'] {
            continue;
        }
        let run = chars
            .get(..i)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|c| digit(c))
            .count();
        if (1..=2).contains(&run) {
            for k in keep.iter_mut().skip(i - run).take(run + 2) {
                *k = false;
            }
        }
    }
    chars
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| *c)
        .collect()
}

/// `千円`, `（人）`, `%`, `単位：千人`: a unit standing alone.
pub(crate) fn is_unit(t: &str) -> bool {
    unit_of(t).is_some()
}

/// The base unit and scale a unit cell states (`千人` → (`人`, 1000)).
pub(crate) fn unit_of(t: &str) -> Option<(String, f64)> {
    if let Some(stated) = numbers::unit_statement(t) {
        let bare: String = t
            .chars()
            .filter(|c| !c.is_whitespace() && !is_bracket(*c))
            .collect();
        // Only the statement itself: `単位：千円` or `(単位:人)`.
        if bare.starts_with("単位") {
            return Some(stated);
        }
    }
    let inner: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && !is_bracket(*c))
        .collect();
    if inner.is_empty() || inner.chars().count() > 6 {
        return None;
    }
    let unit_part = SCALE_PREFIXES
        .iter()
        .find_map(|p| inner.strip_prefix(p))
        .unwrap_or(&inner);
    if unit_part.is_empty() || unit_part.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let probe = format!("1{inner}");
    match numbers::find_quantities(&probe).as_slice() {
        [q] if q.start == 0 && q.end == probe.chars().count() => Some((q.unit.clone()?, q.scale)),
        _ => None,
    }
}

/// A column naming the year each row belongs to (`事業年度`, `予算年度`,
/// `年度`, `fiscal_year`), as record-per-row exports print it beside the
/// figures: its `2024` is a year, not a count. A header that is itself a
/// year or a year relative to the plan's (`令和5年度`, `元年度`, `前年度`,
/// `最終年度`, `単年度`) heads the figures of that year instead.
pub(crate) fn is_year_header(text: &str) -> bool {
    let t = text.trim();
    if t.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let head = ["年度", "年次", "暦年", "西暦"]
        .iter()
        .find_map(|w| t.strip_suffix(w))
        .or_else(|| (t == "年").then_some(""))
        .or_else(|| {
            ["year", "fy"]
                .iter()
                .find(|w| crate::text::ends_with_latin_word(t, w))
                .and_then(|w| t.get(..t.len() - w.len()))
        });
    let Some(head) = head else {
        return false;
    };
    !head
        .chars()
        .next_back()
        .is_some_and(|c| "前本昨今翌当同各全初終次来毎単数元〇一二三四五六七八九十百".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_never_quantities() {
        for t in [
            "2024年度",
            "R6",
            "令和6年度",
            "令和６年度",
            "H30",
            "平成30年度",
            "FY2024",
            "1年目（2024年度）",
            "前年度",
            "本年度(決算見込)",
            "当初",
            "補正",
            "5か年累計",
            "4年間累計",
            "目標値(R5)",
            "30年度",
            "５年度",
            "38年度（見込）",
        ] {
            assert_eq!(cell_type(t), CellType::Period, "{t}");
        }
        // Near misses: longer numbers before 年度 are no era-less years.
        assert_ne!(cell_type("120年度"), CellType::Period);
    }

    #[test]
    fn stance_words() {
        for t in [
            "目標",
            "目標値",
            "計画",
            "計画値",
            "見込",
            "実績",
            "実績値",
            "決算",
            "現状値",
            "基準値",
            "達成率",
            "進捗率",
            "達成度",
            "達成率（%）",
        ] {
            assert_eq!(cell_type(t), CellType::Stance, "{t}");
        }
        assert_eq!(cell_type("研修受講者数"), CellType::Label);
        assert_eq!(cell_type("目標とする施設整備"), CellType::Label);
    }

    #[test]
    fn units_and_unit_notes() {
        for t in [
            "千円",
            "（千円）",
            "人",
            "%",
            "百万円",
            "万人",
            "単位：千人",
            "(単位:人)",
        ] {
            assert_eq!(cell_type(t), CellType::Unit, "{t}");
        }
        assert_eq!(unit_of("千人"), Some(("人".to_string(), 1000.0)));
        assert_eq!(cell_type("区分"), CellType::Label);
        assert_eq!(cell_type("単位"), CellType::Label);
    }

    #[test]
    fn totals_and_no_values() {
        for t in [
            "計",
            "合計",
            "累計",
            "小計",
            "総数",
            "全体",
            "合 計",
            "【合計】",
        ] {
            assert_eq!(cell_type(t), CellType::Total, "{t}");
        }
        for t in ["－", "―", "…", "集計中", "未定", "＊", "--"] {
            assert_eq!(cell_type(t), CellType::NoValue, "{t}");
        }
        assert_eq!(cell_type("施策計画"), CellType::Label);
    }

    #[test]
    fn quantities_labels_and_empty() {
        for t in ["1,234", "1,234人", "85.2%", "28,000千円", "2024", "△1,234"] {
            assert_eq!(cell_type(t), CellType::Quantity, "{t}");
        }
        assert_eq!(cell_type(""), CellType::Empty);
        assert_eq!(cell_type("  "), CellType::Empty);
        assert_eq!(cell_type("1 市税"), CellType::Label);
    }

    #[test]
    fn fiscal_years_the_english_way() {
        assert_eq!(fy_label("FY2024"), Some(2024));
        assert_eq!(fy_label("FY 2019"), Some(2019));
        assert_eq!(fy_label("ＦＹ２０２４"), Some(2024));
        assert_eq!(fy_label("FY24"), None);
        assert_eq!(fy_label("2024"), None);
    }

    #[test]
    fn year_field_columns() {
        for h in [
            "事業年度",
            "予算年度",
            "年度",
            "年",
            "fiscal_year",
            "Year",
            "西暦",
        ] {
            assert!(is_year_header(h), "{h}");
        }
        // Near misses: headers naming the year their figures belong to.
        for h in [
            "令和5年度",
            "2024年",
            "令和元年度",
            "前年度",
            "本年度",
            "最終年度",
            "単年度",
            "青年",
            "yearly",
        ] {
            assert!(!is_year_header(h), "{h}");
        }
    }
}
