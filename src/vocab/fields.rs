//! Field names of machine exports (JSON records and the like), written in
//! English or romaji snake_case: which words make a field a target or a
//! result, which name a period, a unit or an identifier, and which only
//! say how the value is written (`_text`, `_raw_ja`).

use crate::model::Stance;

/// Words meaning a target, plan or budget (`target_r8`, `planned_cost`).
pub const PLANNED: &[&str] = &[
    "target",
    "targets",
    "goal",
    "goals",
    "plan",
    "planned",
    "budget",
    "budgeted",
    "projected",
    "projection",
    "forecast",
    "estimate",
    "estimated",
    "expected",
    "request",
    "requested",
    "mokuhyo",
    "yosan",
];

/// Words meaning a measured result (`actual_value`, `baseline_year`).
pub const ACHIEVED: &[&str] = &[
    "actual",
    "actuals",
    "result",
    "results",
    "baseline",
    "current",
    "initial",
    "achievement",
    "achieved",
    "settlement",
    "settled",
    "performance",
    "executed",
    "measured",
    "observed",
    "jisseki",
    "kessan",
    "genjo",
];

/// Words naming when a figure holds (`actual_period_text`, `target_year`).
pub const PERIOD: &[&str] = &[
    "period", "year", "years", "fy", "fiscal", "date", "nendo", "term",
];

/// Words naming when a record was made or published rather than when its
/// figures hold: such a period dates no figure (`reporting_year`).
pub const META_PERIOD: &[&str] = &[
    "reporting",
    "reported",
    "report",
    "published",
    "publication",
    "updated",
    "update",
    "reviewed",
    "review",
    "created",
    "retrieved",
    "accessed",
    "fetched",
    "modified",
    "generated",
    "issued",
];

/// Words naming a field that holds the unit of its siblings (`unit_original`).
pub const UNIT: &[&str] = &["unit", "units", "tani"];

/// Words naming a field that holds an indicator's or item's name, which
/// may print the unit (`農業産出額（億円）`).
pub const NAME: &[&str] = &["name", "indicator", "title", "label", "item"];

/// Words naming identifiers, codes, places in the source and other fields
/// whose numbers are no figures (`source_pdf_page`, `display_order`).
pub const IDENTIFIER: &[&str] = &[
    "id", "ids", "code", "codes", "url", "uri", "sha256", "hash", "page", "pages", "order",
    "index", "seq", "sequence", "bbox", "path", "version", "number", "no", "count", "phase", "row",
    "col", "column", "table", "status", "basis", "kind", "type", "flags", "rank",
];

/// Words that only say how a value is written or stored (`value_text`,
/// `raw_ja`, `_original`), and unit words in field names: a field's name
/// without them is what pairs it with its siblings (`actual_value_text` ↔
/// `actual_period_text`).
pub const FORM: &[&str] = &[
    "value",
    "values",
    "text",
    "raw",
    "ja",
    "jp",
    "en",
    "original",
    "orig",
    "amount",
    "str",
    "string",
    "display",
    "formatted",
    "num",
    "numeric",
    "yen",
    "jpy",
    "thousand",
    "million",
    "billion",
    "hundred",
    "ten",
    "percent",
    "pct",
];

/// English unit words as field values (`"unit": "percent"`) and their units.
pub const UNIT_WORDS: &[(&str, &str)] = &[
    ("percent", "%"),
    ("percentage", "%"),
    ("pct", "%"),
    ("yen", "円"),
    ("jpy", "円"),
    ("people", "人"),
    ("persons", "人"),
    ("person", "人"),
    ("cases", "件"),
    ("households", "世帯"),
];

/// The stance a field's name words give, the last stance word winning
/// (`plan_current_value` is a result, `actual_vs_target` a target).
pub fn stance_of_words<S: AsRef<str>>(words: &[S]) -> Option<Stance> {
    words.iter().rev().find_map(|w| {
        let w = w.as_ref();
        if PLANNED.contains(&w) {
            Some(Stance::Planned)
        } else if ACHIEVED.contains(&w) {
            Some(Stance::Achieved)
        } else {
            None
        }
    })
}

/// The stance the English or romaji words of a header or field name give
/// (`budget_book_page`, `Actual value`, `target_vs_actual`); `None` for text
/// with no ASCII letter. Words are matched whole, so `budgetary` and
/// `planet` are not read.
pub fn stance_of_latin(text: &str) -> Option<Stance> {
    if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    stance_of_words(&words(text))
}

/// The words of a field name, lower case: split at every char that is no
/// ASCII letter or digit, and where camelCase turns to upper case.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            cur.push(c.to_ascii_lowercase());
        } else {
            prev_lower = false;
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a word is in a list.
pub fn is_in(list: &[&str], word: &str) -> bool {
    list.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_snake_and_camel_case() {
        assert_eq!(
            words("baseline_value_raw_ja"),
            ["baseline", "value", "raw", "ja"]
        );
        assert_eq!(words("targetR8Value"), ["target", "r8", "value"]);
        assert_eq!(words("予算額"), Vec::<String>::new());
        assert_eq!(words("FY2024-amount"), ["fy2024", "amount"]);
    }

    #[test]
    fn stance_words_last_wins() {
        let s = |k: &str| stance_of_words(&words(k));
        assert_eq!(s("target_r8"), Some(Stance::Planned));
        assert_eq!(s("actual_value_text"), Some(Stance::Achieved));
        assert_eq!(s("plan_current_value_text"), Some(Stance::Achieved));
        assert_eq!(s("final_target_text"), Some(Stance::Planned));
        assert_eq!(s("definition_text"), None);
    }

    #[test]
    fn latin_text_whole_words_only_the_last_one_winning() {
        assert_eq!(stance_of_latin("budget_book_page"), Some(Stance::Planned));
        assert_eq!(stance_of_latin("Actual value"), Some(Stance::Achieved));
        assert_eq!(stance_of_latin("target_vs_actual"), Some(Stance::Achieved));
        assert_eq!(stance_of_latin("target_r9"), Some(Stance::Planned));
        for near in ["budgetary", "planet", "moku_total_amount", "予算"] {
            assert_eq!(stance_of_latin(near), None, "{near}");
        }
    }
}
