//! Words around a figure that qualify it (`約`, `以上`), and the words of
//! dates that are not numbers: relative years, seasons, parts of a month.

/// What a qualifier says about the figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// About: `約`, `程度`, `前後`.
    About,
    /// The true figure is at least / more than it: `以上`, `超`, `余`.
    AtLeast,
    /// At most / less than it: `以下`, `未満`.
    AtMost,
}

/// Words printed before a figure.
pub const BEFORE: &[(&str, Meaning)] = &[
    ("おおよそ", Meaning::About),
    ("おおむね", Meaning::About),
    ("およそ", Meaning::About),
    ("概ね", Meaning::About),
    ("約", Meaning::About),
    ("最大", Meaning::AtMost),
    ("最低", Meaning::AtLeast),
    ("少なくとも", Meaning::AtLeast),
];

/// Words printed after a figure (after its unit).
pub const AFTER: &[(&str, Meaning)] = &[
    ("以上", Meaning::AtLeast),
    ("以下", Meaning::AtMost),
    ("程度", Meaning::About),
    ("未満", Meaning::AtMost),
    ("前後", Meaning::About),
    ("余り", Meaning::AtLeast),
    ("あまり", Meaning::AtLeast),
    ("余", Meaning::AtLeast),
    ("超", Meaning::AtLeast),
    ("強", Meaning::AtLeast),
    ("弱", Meaning::AtMost),
    ("近く", Meaning::About),
];

/// Words that may follow a period inside a note that dates a figure
/// (`（2031～2035年平均）`, `（令和6年4月1日時点）`).
pub const NOTE_WORDS: &[&str] = &[
    "平均",
    "時点",
    "現在",
    "末",
    "末時点",
    "末現在",
    "実績",
    "見込",
    "見込み",
    "速報",
    "速報値",
    "確定値",
    "値",
];

/// Words in such a note that make the figure a running total (`（累計）`,
/// `（５年間累計）`, `（令和３年10月～令和９年９月の累計）`).
pub const NOTE_TOTALS: &[&str] = &["累計", "合計", "通算", "計"];

/// A decade after a year (`2030年代`).
pub const DECADE: &str = "年代";

/// Lengths printed before a total in a note (`5年間累計`, `5か年累計`).
pub const NOTE_LENGTHS: &[&str] = &["年間", "か年", "カ年", "ヵ年", "ヶ年", "年"];

/// Words after `強`/`弱` that make them part of another word (`強化`).
pub const NOT_AFTER_STRONG_WEAK: &[char] = &[
    '化', '調', '制', '力', '者', '体', '点', 'い', 'く', 'め', 'み', 'さ',
];

/// Words printed between a number and its unit (`1万余人`, `十余年`).
pub const INNER: &[(&str, Meaning)] = &[("余", Meaning::AtLeast)];

/// A year named relative to the document's own year: the offset in years,
/// and whether it is a fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelativeYear {
    pub word: &'static str,
    pub offset: i32,
    pub fiscal: bool,
}

const fn rel(word: &'static str, offset: i32, fiscal: bool) -> RelativeYear {
    RelativeYear {
        word,
        offset,
        fiscal,
    }
}

/// Relative years, longest first where one word starts another.
#[rustfmt::skip]
pub const RELATIVE_YEARS: &[RelativeYear] = &[
    rel("本年度", 0, true), rel("今年度", 0, true), rel("当年度", 0, true),
    rel("前年度", -1, true), rel("昨年度", -1, true), rel("前々年度", -2, true),
    rel("翌年度", 1, true), rel("来年度", 1, true), rel("次年度", 1, true),
    rel("翌々年度", 2, true), rel("再来年度", 2, true),
    rel("本年", 0, false), rel("今年", 0, false), rel("昨年", -1, false), rel("前年", -1, false),
    rel("一昨年", -2, false), rel("来年", 1, false), rel("翌年", 1, false), rel("再来年", 2, false),
];

/// Words after a relative year that make it a comparison or another word,
/// not a mention of that year (`前年比`, `前年同期`, `本年度予算` stays).
pub const NOT_AFTER_RELATIVE: &[&str] = &["比", "同期", "同月", "対比"];

/// Seasons: first and last month (冬 runs into the next year).
pub const SEASONS: &[(&str, u32, u32)] =
    &[("春", 3, 5), ("夏", 6, 8), ("秋", 9, 11), ("冬", 12, 2)];

/// Words that start with a season's char but name a place or a day
/// (`令和4年秋田県大会`).
pub const NOT_SEASONS: &[&str] = &["秋田", "春日", "春分", "秋分", "夏至", "冬至"];

/// Parts of a month: first and last day (`None`: the month's last day).
pub const MONTH_PARTS: &[(&str, u32, Option<u32>)] = &[
    ("上旬", 1, Some(10)),
    ("初旬", 1, Some(10)),
    ("中旬", 11, Some(20)),
    ("下旬", 21, None),
];

/// The month's last day (`3月末日`, `3月末`).
pub const MONTH_END: &[&str] = &["末日", "末"];

/// The last day of a fiscal year (`令和12年度末`): March 31 ending it.
pub const FISCAL_YEAR_END: &[&str] = &["末"];

/// Range marks between the ends of a period, and the word closing one.
pub const RANGE_MARKS: &[&str] = &["～", "から"];
pub const RANGE_CLOSE: &[&str] = &["まで"];

/// Words that name the same year or month as the previous end of a range
/// (`令和3年4月1日から同年9月30日まで`).
pub const SAME_YEAR: &[&str] = &["同年度", "同年"];

/// Weekday names, Monday first.
pub const WEEKDAYS: &[char] = &['月', '火', '水', '木', '金', '土', '日'];

/// What may follow the weekday inside its brackets (`(木曜日)`, `(月・祝)`).
pub const WEEKDAY_SUFFIXES: &[&str] = &["曜日", "曜", "・祝", "祝"];
