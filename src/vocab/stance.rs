//! Stance words: what makes a figure a target, plan or budget (`planned`)
//! or a measured result (`achieved`). Tables, key-value lines and prose read
//! the same lists.

use std::sync::LazyLock;

use super::fields;
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
    "仮定",
    "シミュレーション",
    // Budget books and review sheets: the reserve and the request are
    // budgeted sums (`予備費等`, `翌年度要求額`).
    "予備費",
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
    // What was spent of a budget (`執行額`, `執行率`).
    "執行",
    // `過去5年間の採用者数`: years already closed.
    "過去",
];

/// Words that take the stance of the stance word printed right before
/// them: `推計結果` and `シミュレーション結果` are projections, a bare `結果`
/// a result.
pub const OF_WHAT_PRECEDES: &[&str] = &["結果"];

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
    "要求",
    "執行",
];

/// Kinds of document whose every figure is a budget or a settled result:
/// a title or file name naming one gives the stance of a figure that
/// names none.
pub const DOCUMENT_KINDS: &[(&str, Stance)] = &[
    ("予算書", Stance::Planned),
    ("予算説明書", Stance::Planned),
    ("予算案", Stance::Planned),
    ("予算概要", Stance::Planned),
    ("予算の概要", Stance::Planned),
    ("概算要求", Stance::Planned),
    ("予算要求", Stance::Planned),
    ("決算書", Stance::Achieved),
    ("決算説明書", Stance::Achieved),
    ("決算概要", Stance::Achieved),
    ("決算の概要", Stance::Achieved),
    ("決算報告", Stance::Achieved),
];

/// The stance of the kind of document `title` names, if it names one.
pub fn document_stance(title: &str) -> Option<Stance> {
    DOCUMENT_KINDS
        .iter()
        .find(|(w, _)| title.contains(w))
        .map(|(_, s)| *s)
}

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
    text.char_indices()
        .rev()
        .find_map(|(i, c)| {
            if FIRST_CHARS.binary_search(&c).is_err() {
                return None;
            }
            let rest = text.get(i..)?;
            let found = stance_at(rest)?;
            let head = text.get(..i)?;
            let qualified = OF_WHAT_PRECEDES.iter().any(|w| rest.starts_with(w))
                && PLANNED.iter().chain(ACHIEVED).any(|w| head.ends_with(w));
            Some(if qualified {
                stance_of(head).unwrap_or(found)
            } else {
                found
            })
        })
        .or_else(|| fields::stance_of_latin(text))
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
    fn kinds_of_document() {
        assert_eq!(document_stance("一般会計予算書"), Some(Stance::Planned));
        assert_eq!(document_stance("R6_予算書_v2"), Some(Stance::Planned));
        assert_eq!(
            document_stance("令和4年度決算の概要"),
            Some(Stance::Achieved)
        );
        // A plan names targets and results alike; a budget's mention is no kind.
        assert_eq!(document_stance("第2次行動計画"), None);
        assert_eq!(document_stance("予算の執行状況"), None);
    }

    #[test]
    fn budget_stages_and_what_a_result_is_of() {
        for w in [
            "当初予算（合計）",
            "予備費等（合計）",
            "歳出予算現額",
            "翌年度要求額",
        ] {
            assert_eq!(stance_of(w), Some(Stance::Planned), "{w}");
        }
        for w in ["執行額（合計）", "執行率", "決算額", "過去5年間の採用者数"]
        {
            assert_eq!(stance_of(w), Some(Stance::Achieved), "{w}");
        }
        assert_eq!(stance_of("推計結果"), Some(Stance::Planned));
        assert_eq!(stance_of("シミュレーション結果"), Some(Stance::Planned));
        // A bare result, and a result printed after other text, stay results.
        assert_eq!(stance_of("調査結果"), Some(Stance::Achieved));
        assert_eq!(stance_of("結果"), Some(Stance::Achieved));
        assert_eq!(stance_of("目標に対する結果"), Some(Stance::Achieved));
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
