//! Words of running text that give a figure its meaning: the verb forms
//! of a target or a projection, the marks after a date that make it a
//! deadline or a point in time, change words, per-year marks, the words
//! that tie a part to its whole, and the stops of a sentence and a clause.
//! The stance nouns that tables share (`目標`, `実績` …) are in
//! `vocab::stance`; these are only the forms prose adds.

/// Verb forms and phrases that make the figure they govern a target or
/// a projection. Forms that follow the figure (`…を90%以上とする`, `538万人
/// まで引き上げる`) are read only within the figure's clause.
pub const PLANNED: &[&str] = &[
    "目指",
    "めざ",
    "想定",
    "予想",
    "予測",
    "努め",
    "までに",
    "とする",
    "にする",
    "とします",
    "にします",
    "を図る",
    "を維持する",
    // A move toward a figure, in the plain or polite form of a plan: the
    // past form (`引き上げた`) reports a result.
    "引き上げる",
    "引き上げます",
    "引き下げる",
    "引き下げます",
    "増加させる",
    "増加させます",
    "減少させる",
    "減少させます",
    "上昇させる",
    "上昇させます",
    "低下させる",
    "低下させます",
    "高める",
    "高めます",
    "伸ばす",
    "伸ばします",
    "増やす",
    "増やします",
    "減らす",
    "減らします",
    "削減する",
    "削減します",
];

/// Words of measured results that prose uses besides the shared list
/// (`現況値「150,000人」`).
pub const ACHIEVED: &[&str] = &["現況"];

/// What may stand between a stance noun's compound and the figure it
/// names (`目標値「710,000人」`, `現況は15%`, `予算額として`).
pub const NOUN_GLUE: &[char] = &[
    'は', 'が', 'の', 'を', 'に', 'で', 'と', 'し', 'て', '「', '」', '『', '』', '(', ')', '（',
    '）', ':', '：',
];

/// Marks right after a date that make it a deadline: `令和7年度までに`.
pub const UNTIL: &[&str] = &["までに", "まで"];

/// Marks right after a date that make it a point in time: `令和6年4月1日現在`.
pub const POINT_IN_TIME: &[&str] = &["現在", "時点", "末現在", "末時点"];

/// Words right after a figure that make it a decrease (`2.7%の減`).
/// A bare `減` / `増` counts only when no kanji follows it: `減免`,
/// `増築` name other things.
pub const DECREASE: &[&str] = &["減少", "減額", "減員", "低下", "縮小", "下落", "減"];

/// Words right after a figure that make it an increase (`2.7%増`).
pub const INCREASE: &[&str] = &["増加", "増額", "増員", "上昇", "拡大", "伸び", "増"];

/// The last char of a comparison base printed before a change
/// (`前年度比2.7%の減`, `2013年度比▲46%`).
pub const COMPARISON_END: char = '比';

/// Marks before a figure that make it a yearly figure (`年3回`, `毎年度10件`).
pub const PER_YEAR: &[&str] = &["毎年度", "毎年", "年間", "年平均", "年"];

/// Marks after a figure that make it a yearly figure (`12,000人/年`).
pub const PER_YEAR_AFTER: &[&str] = &["/年", "/年度"];

/// Units of a stated length of years (`5年間で`, `3か年で`, `20年で`).
pub const LENGTH_UNITS: &[&str] = &["年間", "か年", "カ年", "ヵ年", "ケ年", "箇年", "年"];

/// What follows a stated length that governs the next figure: `5年間で6人`,
/// `5年間の累計で`, `(5年間累計)`.
pub const LENGTH_LINKS: &[&str] = &["の累計で", "の累計", "累計で", "累計", "間で", "で"];

/// Words that say the figure after them counts from the one before:
/// `1,584人から995人`, `700人(2014年度)→1,500人`.
pub const ORIGIN: &[&str] = &["から", "→", "より"];

/// Words right after a figure that make it the whole of the parts after
/// it (`651人のうち`), or before a figure that make it a part of the
/// figure before (`そのうち108人`).
pub const WHOLE_AFTER: &[&str] = &["のうち", "うち", "の内訳"];
pub const PART_BEFORE: &[&str] = &["そのうち", "このうち", "うち"];

/// Words before a percentage that make it the share of the sentence's
/// whole (`全体の30.0%`, `総数に占める割合は`).
pub const SHARE_OF_WHOLE: &[&str] = &[
    "全体の",
    "総数の",
    "総額の",
    "合計の",
    "全体に占める割合は",
    "全体に占める割合が",
    "に占める割合は",
    "に占める割合が",
];

/// Particles and connectors trimmed from the ends of a name read from the
/// words before a figure (`村内の就業者は` → `村内の就業者`).
pub const NAME_TRIM_END: &[&str] = &["は", "が", "を", "の", "も", "で", "と", "に", "「", "『"];
pub const NAME_TRIM_START: &[&str] = &["そのうち", "このうち", "うち", "次いで", "の", "は", "、"];

/// Chars that end a sentence: a figure takes no period, stance or whole
/// from another sentence. A table or JSON field boundary ends one too.
pub const SENTENCE_ENDS: &[char] = &['。', '!', '?', '！', '？', '{', '}', '[', ']', '|', '\t'];

/// A quote ends a sentence where it closes or opens a JSON string: next to
/// one of `FIELD_MARKS` (`"…", "…"`, `"key": "…"`). Prose quotes
/// (`"15〜19歳"の人口`) do not.
pub const FIELD_QUOTE: char = '"';
pub const FIELD_MARKS: &[char] = &[',', ':', '{', '}', '[', ']'];

/// Chars that end a clause: the words around a figure are read up to them.
pub const CLAUSE_ENDS: &[char] = &['、', ',', '，', ';', '；', ':', '：', '→'];

/// Closing quotes that may stand between a figure and what follows it
/// (`「150,000人」(令和元年時点)`).
pub const CLOSERS: &[char] = &['」', '』', '”', '’', '〉', '》'];
