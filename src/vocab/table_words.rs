//! Words that type a table cell: period words, total markers, no-value
//! marks and rate words. Stance words (目標, 実績 …) live with the other
//! stance vocabulary in `scan::keywords`.

/// A cell that says "total": the row or column sums the others.
pub const TOTAL_MARKERS: &[&str] = &["計", "合計", "累計", "小計", "総数", "全体", "総計", "総額"];

/// A cell that says "no value here" (not zero, not a label).
pub const NO_VALUE_MARKS: &[&str] = &[
    "－",
    "―",
    "-",
    "—",
    "‐",
    "…",
    "‥",
    "...",
    "集計中",
    "未定",
    "未集計",
    "＊",
    "*",
    "×",
    "/",
    "―――",
    "－－",
    "--",
    "該当なし",
    "なし",
    "皆増",
    "皆減",
];

/// Words that name a period relative to the plan or a stage of a budget
/// year: a header made of them names a period, not an indicator.
pub const PERIOD_WORDS: &[&str] = &[
    "前々年度",
    "前年度",
    "昨年度",
    "本年度",
    "今年度",
    "次年度",
    "翌年度",
    "当初",
    "補正",
    "最終",
    "年度末",
    "年度",
    "中間",
    "時点",
    "現在",
    "まで",
    "期間",
    "取組期間",
];

/// Suffixes of a span-of-years total (`5か年累計`, `4年間累計`, `3ヵ年計`).
pub const SPAN_TOTALS: &[&str] = &[
    "か年累計",
    "ヵ年累計",
    "ヶ年累計",
    "カ年累計",
    "箇年累計",
    "年間累計",
    "か年計",
    "ヵ年計",
    "ヶ年計",
    "カ年計",
    "年間計",
    "か年合計",
    "ヵ年合計",
    "ヶ年合計",
    "年間合計",
];

/// Nouns that end the name of a figure (`執行額`, `執行率`): with a stance
/// word before them, a column header names the figure, not only its stance.
pub const FIGURE_NOUNS: &[&str] = &["額", "率"];

/// Words that name a percentage column or row.
pub const RATE_WORDS: &[&str] = &[
    "達成率",
    "進捗率",
    "達成度",
    "進捗度",
    "執行率",
    "構成比",
    "割合",
    "比率",
    "増減率",
    "伸び率",
];

/// Scale words a unit cell may put before its unit (`千円`, `百万円`, `万人`).
pub const SCALE_PREFIXES: &[&str] = &[
    "千億", "百億", "十億", "億", "千万", "百万", "十万", "万", "千", "百",
];

/// Words that name a column (or row) of shares of one whole: each figure
/// is its count ÷ the whole (`構成比`, `割合`).
pub const SHARE_WORDS: &[&str] = &[
    "構成比",
    "構成割合",
    "構成率",
    "割合",
    "比率",
    "シェア",
    "占有率",
];

/// Share words that say the figures split one whole, so that they add up
/// to 100 (`割合` and `比率` alone may be of different bases).
pub const COMPOSITION_WORDS: &[&str] = &["構成比", "構成割合", "構成率", "シェア"];

/// Marks of a multiple-answer question: its shares need not add up to 100.
pub const MULTI_ANSWER_MARKS: &[&str] = &["複数回答", "いくつでも", "MA", "M.A."];

/// The number of respondents or members a share is of (`n＝2,048`), as
/// normalized text prints it.
pub const BASE_MARKS: &[&str] = &["n=", "N=", "n＝", "N＝", "ｎ＝", "Ｎ＝"];

/// Words that name a column (or row) of changes between two periods
/// (`増減`, `対前年比較`, `差引`): later minus earlier.
pub const CHANGE_WORDS: &[&str] = &[
    "増減",
    "比較",
    "差引",
    "差額",
    "増加数",
    "前年差",
    "前年比較",
];

/// Words that make a change word name something else than the change
/// itself: the reason for it (`増減理由`), a comparison chart. (A rate of
/// change, `増減率`, is told by the rate words.)
pub const NOT_CHANGE_WORDS: &[&str] = &["理由", "要因", "内容", "説明", "比較表"];

/// Words that name a rate of change printed after a change line
/// (`増減率`): the change ÷ the earlier level.
pub const CHANGE_RATE_WORDS: &[&str] = &["増減率", "伸び率", "伸率", "増加率", "減少率"];
