//! Stance words: what makes a figure a target, plan or budget (`planned`)
//! or a measured result (`achieved`). Tables, key-value lines and prose read
//! the same lists.

use std::sync::LazyLock;

use crate::model::Stance;

/// Words meaning a target, plan or budget.
pub const PLANNED: &[&str] = &[
    "目標",
    "計画",
    "予算",
    "見込",
    "要求",
    "予定",
    "事業費",
    "概算",
    "見通し",
    "推計",
    "将来",
];

/// Words meaning a measured result.
pub const ACHIEVED: &[&str] = &[
    "実績",
    "取組状況",
    "決算",
    "現状",
    "基準値",
    "基準",
    "達成",
    "進捗",
    "結果",
    "現在",
    "実数",
];

/// Words that, standing alone in a cell (with `値` or a period), name a
/// stance rather than an indicator. Narrower than `PLANNED` and `ACHIEVED`,
/// which also read `事業費` as planned: `事業費` in a cell names what is
/// counted.
pub const STANDALONE: &[&str] = &[
    "目標",
    "計画",
    "見込み",
    "見込",
    "予定",
    "予算",
    "実績",
    "決算",
    "現状",
    "基準",
    "結果",
    "取組状況",
    "実数",
    "見通し",
    "推計",
    "当初予算",
    "補正予算",
];

/// First chars of the stance words: most positions of a text start none,
/// and need no comparison.
static FIRST_CHARS: LazyLock<Vec<char>> = LazyLock::new(|| {
    let mut firsts: Vec<char> = PLANNED
        .iter()
        .chain(ACHIEVED)
        .filter_map(|w| w.chars().next())
        .collect();
    firsts.sort_unstable();
    firsts.dedup();
    firsts
});

/// The stance a word starting at the front of `rest` names, the longest
/// word winning.
fn stance_at(rest: &str) -> Option<Stance> {
    let longest = |words: &[&str]| {
        words
            .iter()
            .filter(|w| rest.starts_with(*w))
            .map(|w| w.len())
            .max()
    };
    match (longest(PLANNED), longest(ACHIEVED)) {
        (Some(p), Some(a)) if a > p => Some(Stance::Achieved),
        (Some(_), _) => Some(Stance::Planned),
        (None, Some(_)) => Some(Stance::Achieved),
        (None, None) => None,
    }
}

/// Stance words in `text`, if any. When both kinds appear, the one printed
/// last wins: `目標に対する実績` is a result, `実績を踏まえた目標` a target.
pub fn stance_of(text: &str) -> Option<Stance> {
    text.char_indices().rev().find_map(|(i, c)| {
        if FIRST_CHARS.binary_search(&c).is_err() {
            return None;
        }
        stance_at(text.get(i..)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stance_words() {
        assert_eq!(stance_of("取組期間累計 / 目標値"), Some(Stance::Planned));
        assert_eq!(stance_of("令和2年度 / 取組状況"), Some(Stance::Achieved));
        assert_eq!(stance_of("つながり創出の目標値"), Some(Stance::Planned));
        assert_eq!(stance_of("目標に対する実績"), Some(Stance::Achieved));
        assert_eq!(stance_of("備考"), None);
    }

    #[test]
    fn every_stance_word_is_found_and_the_last_one_wins() {
        for w in PLANNED {
            assert_eq!(stance_of(&format!("前{w}後")), Some(Stance::Planned), "{w}");
            for a in ACHIEVED {
                assert_eq!(stance_of(&format!("{a}{w}")), Some(Stance::Planned));
                assert_eq!(stance_of(&format!("{w}の{a}")), Some(Stance::Achieved));
            }
        }
        for a in ACHIEVED {
            assert_eq!(
                stance_of(&format!("前{a}後")),
                Some(Stance::Achieved),
                "{a}"
            );
        }
    }

    #[test]
    fn standalone_words_are_stance_words() {
        for w in STANDALONE {
            assert!(stance_of(w).is_some(), "{w}");
        }
    }
}
