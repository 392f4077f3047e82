//! Stance words of machine exports that name their columns in English or
//! romaji (`budget_book_page`, `actual_value`, `target_fy2027`): the
//! English side of `stance`. Words are matched whole, between `_`, spaces
//! or other non-letters, so `targets` and `budgetary` are not read.

use crate::model::Stance;

/// Words meaning a target, plan or budget.
pub const PLANNED: &[&str] = &[
    "budget",
    "budgeted",
    "target",
    "plan",
    "planned",
    "forecast",
    "estimate",
    "estimated",
    "projection",
    "projected",
    "request",
    "requested",
    "goal",
];

/// Words meaning a measured result.
pub const ACHIEVED: &[&str] = &[
    "actual",
    "actuals",
    "result",
    "results",
    "achieved",
    "settlement",
    "baseline",
    "executed",
];

/// The stance the English words of `text` name, the last one printed
/// winning as in Japanese (`target_vs_actual` is a result).
pub fn stance_of_latin(text: &str) -> Option<Stance> {
    if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .rev()
        .find_map(|w| {
            let w = w.to_ascii_lowercase();
            if PLANNED.contains(&w.as_str()) {
                Some(Stance::Planned)
            } else if ACHIEVED.contains(&w.as_str()) {
                Some(Stance::Achieved)
            } else {
                None
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only_the_last_one_winning() {
        assert_eq!(stance_of_latin("budget_book_page"), Some(Stance::Planned));
        assert_eq!(stance_of_latin("Actual value"), Some(Stance::Achieved));
        assert_eq!(stance_of_latin("target_vs_actual"), Some(Stance::Achieved));
        assert_eq!(stance_of_latin("target_r9"), Some(Stance::Planned));
        for near in [
            "budgetary",
            "targets_page_x",
            "planet",
            "moku_total_amount",
            "予算",
        ] {
            assert_eq!(stance_of_latin(near), None, "{near}");
        }
    }
}
