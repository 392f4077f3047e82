//! The words that give a figure its meaning: stance (target or result),
//! rate, cumulative total, and the unit an indicator's name implies.

pub use crate::vocab::stance::stance_of;

/// A header naming a percentage (`進捗率`, `達成率`, `割合`).
pub fn is_rate_header(text: &str) -> bool {
    text.ends_with('率') || text.contains("率(") || text.contains("割合") || text.contains('%')
}

/// A header or label naming a total over periods or items.
pub fn is_cumulative(text: &str) -> bool {
    // `累計`, `合計`, `総計`, `期間計`, `通算`: found from their last char,
    // a char search, rather than a substring search per word.
    let word_ends_at = |i: usize, c: char| {
        let before = text.get(..i).unwrap_or_default();
        match c {
            '計' => ["累", "合", "総", "期間"]
                .iter()
                .any(|w| before.ends_with(w)),
            _ => before.ends_with('通'),
        }
    };
    text.match_indices(['計', '算'])
        .any(|(i, m)| m.chars().next().is_some_and(|c| word_ends_at(i, c)))
        || text.trim() == "計"
}

/// Columns that hold codes or ordinals rather than quantities.
pub fn is_code_header(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.');
    [
        "No",
        "NO",
        "no",
        "番号",
        "順位",
        "順",
        "コード",
        "款",
        "項",
        "目",
        "節",
        "ID",
        "id",
    ]
    .contains(&t)
        // Database exports and budget books name their key columns with a
        // qualifier in front of the code word (`予算事業ID`, `事業番号`,
        // `団体コード`, `府省庁の建制順`, `kan_code`, `pdf_page`): such a
        // column identifies or orders the rows and counts nothing. A count of
        // codes ends otherwise (`ID数`, `番号数`) and stays a count.
        || ["ID", "番号", "コード", "順", "順位", "頁", "ページ"]
            .iter()
            .any(|w| t.ends_with(w))
        || ["id", "code", "no", "page", "seq", "sequence"]
            .iter()
            .any(|w| crate::text::ends_with_latin_word(t, w))
}

/// The unit an indicator's name implies when the figure prints none.
pub fn unit_from_indicator(indicator: &str) -> Option<&'static str> {
    let name = indicator.trim_end_matches([')', '）']);
    if name.ends_with("件数") {
        Some("件")
    } else if ["者数", "人数", "人口", "生数", "員数"]
        .iter()
        .any(|w| name.ends_with(w))
    {
        Some("人")
    } else if name.ends_with("回数") {
        Some("回")
    } else if name.ends_with("率") {
        Some("%")
    } else if ["額", "費", "金"].iter().any(|w| name.ends_with(w)) {
        Some("円")
    } else {
        None
    }
}

/// Strip decorations a caption or heading wears (`～…～`, `【…】`, `■`).
pub fn bare_caption(text: &str) -> String {
    let t = text.trim().trim_matches(|c: char| {
        matches!(
            c,
            '～' | '〜'
                | '~'
                | '【'
                | '】'
                | '<'
                | '>'
                | '＜'
                | '＞'
                | '['
                | ']'
                | '■'
                | '□'
                | '◆'
                | '◇'
                | '●'
                | '○'
                | '▲'
                | '▼'
                | '★'
                | '・'
                | '※'
                | ' '
        )
    });
    t.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_and_total_headers() {
        assert!(is_rate_header("令和2年度 / 進捗率"));
        assert!(!is_rate_header("率先"));
        assert!(is_cumulative("取組期間累計"));
        assert!(is_cumulative("計"));
        assert!(!is_cumulative("計画"));
        for w in ["累計", "合計", "総計", "通算", "期間計"] {
            assert!(is_cumulative(&format!("取組{w}値")), "{w}");
        }
        assert!(!is_cumulative("計算") && !is_cumulative("期計") && !is_cumulative("算出"));
    }

    #[test]
    fn code_columns_named_with_a_qualifier() {
        for h in [
            "予算事業ID",
            "事業番号",
            "団体コード",
            "府省庁の建制順",
            "掲載ページ",
            "kan_code",
            "pdf_page",
            "allocation_sequence",
            "Item No.",
        ] {
            assert!(is_code_header(h), "{h}");
        }
        // Near misses: counts of codes, and Latin words that only end alike.
        for h in ["ID数", "番号数", "barcode", "casino", "pages", "金額"] {
            assert!(!is_code_header(h), "{h}");
        }
    }

    #[test]
    fn units_from_names() {
        assert_eq!(unit_from_indicator("正社員就職件数"), Some("件"));
        assert_eq!(
            unit_from_indicator("ジョブカフェ利用者の新規登録者数"),
            Some("人")
        );
        assert_eq!(unit_from_indicator("カウンセリング(相談)件数"), Some("件"));
        assert_eq!(unit_from_indicator("プラットフォームの設置"), None);
    }

    #[test]
    fn captions_lose_decoration() {
        assert_eq!(
            bare_caption("～就活期に情報を届けられる学生数～"),
            "就活期に情報を届けられる学生数"
        );
        assert_eq!(
            bare_caption("【つながり創出の目標値】"),
            "つながり創出の目標値"
        );
    }
}
