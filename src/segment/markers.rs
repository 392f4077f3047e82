//! Line-start markers (heading numbers, bullets, brackets) and the
//! `KEY: VALUE` shape. Everything works on the chars of one trimmed,
//! normalized line; full-width forms are accepted too so the rules do not
//! depend on how much the normalizer folded.

use crate::scan::keywords::{stance_of, unit_from_indicator};
use crate::scan::numbers::parse_quantity;

/// A recognised marker at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Marker {
    /// Markers of one family share a heading level (`num_dot`, `sym_■` …).
    pub family: String,
    /// Chars taken by the marker itself.
    pub len: usize,
    /// Where the text after the marker starts (white space skipped).
    pub text_start: usize,
    /// Bullets always make list items.
    pub bullet: bool,
    /// Markdown `#` count.
    pub md_level: Option<u32>,
    /// Ordinals such as `第1回` name the section themselves: keep them in the text.
    pub keep_in_text: bool,
    pub bracket: Option<Bracket>,
}

/// A bracketed label at line start (`【事業費】`, `[松江市]`, `<…>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bracket {
    pub inner_start: usize,
    pub inner_end: usize,
    /// Index just past the closing bracket.
    pub close_end: usize,
    /// `【…】`: with text after it the line is a key-value pair.
    pub lenticular: bool,
}

/// Where key and value sit in a `KEY: VALUE` line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyValue {
    pub key_start: usize,
    pub key_end: usize,
    pub value_start: usize,
}

const MAX_KEY_CHARS: usize = 12;
const MAX_BRACKET_CHARS: usize = 40;

fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c)
}

fn is_kanji_digit(c: char) -> bool {
    "〇一二三四五六七八九十百".contains(c)
}

fn skip_ws(chars: &[char], mut i: usize) -> usize {
    while chars.get(i).is_some_and(|c| c.is_whitespace()) {
        i += 1;
    }
    i
}

/// Chars that, right after `1 `, show the number is a quantity or date
/// (`3 月`, `10 年後`) rather than a section number.
fn starts_unit(c: char) -> bool {
    "年月日時分秒人件円%％万千百億兆個回名歳倍割号階台本枚校社者点ヶか箇".contains(c)
}

fn bullet_at(chars: &[char], i: usize) -> bool {
    match chars.get(i) {
        Some('・' | '•' | '◦' | '‣' | '∙' | '･') => true,
        // ASCII bullets need a following space: `-1,234` and `**bold**` are not lists.
        Some('-' | '*' | '+' | '‐') => chars.get(i + 1).is_some_and(|c| c.is_whitespace()),
        _ => false,
    }
}

/// Numbering markers: `1.`, `1)`, `1、`, `1 `, `(1)`, `(a)`, `(ア)`, `①`, `Ⅰ`, `IV.`, `A)`.
fn numbering(chars: &[char]) -> Option<(&'static str, usize)> {
    let first = *chars.first()?;
    if is_digit(first) {
        let d = chars.iter().take_while(|c| is_digit(**c)).count();
        if d > 3 {
            return None;
        }
        return match chars.get(d) {
            Some('.' | '．') if !chars.get(d + 1).is_some_and(|c| is_digit(*c)) => {
                Some(("num_dot", d + 1))
            }
            Some(')' | '）') => Some(("num_rparen", d + 1)),
            Some('、') => Some(("num_comma", d + 1)),
            Some(c) if c.is_whitespace() && d <= 2 => {
                let next = chars.get(skip_ws(chars, d)).copied()?;
                (!is_digit(next) && !starts_unit(next)).then_some(("num_space", d))
            }
            _ => None,
        };
    }
    if matches!(first, '(' | '（') {
        let close = chars.iter().take(6).position(|c| matches!(c, ')' | '）'))?;
        let inner = chars.get(1..close)?;
        let family = match inner {
            [] => return None,
            [c] if c.is_ascii_alphabetic() => "paren_alpha",
            [c] if ('ア'..='ン').contains(c) || ('あ'..='ん').contains(c) => "paren_kana",
            _ if inner.iter().all(|c| is_digit(*c)) => "paren_num",
            _ if inner.iter().all(|c| is_kanji_digit(*c)) => "paren_kanji",
            _ => return None,
        };
        return Some((family, close + 1));
    }
    let circled = ('\u{2460}'..='\u{2473}').contains(&first)
        || ('\u{3251}'..='\u{325F}').contains(&first)
        || ('\u{32B1}'..='\u{32BF}').contains(&first)
        || ('\u{2776}'..='\u{277F}').contains(&first);
    if circled {
        return Some(("circled", 1));
    }
    if ('\u{2160}'..='\u{217F}').contains(&first) {
        let len = if matches!(chars.get(1), Some('.' | '．')) {
            2
        } else {
            1
        };
        return Some(("roman", len));
    }
    if matches!(first, 'I' | 'V' | 'X') {
        let n = chars
            .iter()
            .take_while(|c| matches!(c, 'I' | 'V' | 'X'))
            .count();
        if n <= 4 && matches!(chars.get(n), Some('.' | '．' | ')' | '）')) {
            return Some(("roman", n + 1));
        }
    }
    if first.is_ascii_alphabetic() {
        match chars.get(1) {
            Some(')' | '）') => return Some(("alpha_rparen", 2)),
            Some('.' | '．') if chars.get(2).is_some_and(|c| c.is_whitespace()) => {
                return Some(("alpha_dot", 2))
            }
            _ => {}
        }
    }
    None
}

/// `第1回`, `第２章`, `第三節` followed by a space or the line end.
fn ordinal(chars: &[char]) -> Option<(String, usize)> {
    if chars.first() != Some(&'第') {
        return None;
    }
    let n = chars
        .iter()
        .skip(1)
        .take_while(|c| is_digit(**c) || is_kanji_digit(**c))
        .count();
    if n == 0 || n > 4 {
        return None;
    }
    let counter = *chars.get(n + 1)?;
    if !"回章節条部編款項期次号".contains(counter) {
        return None;
    }
    let after = chars.get(n + 2);
    if after.is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    Some((format!("dai_{counter}"), n + 2))
}

fn bracket(chars: &[char]) -> Option<(&'static str, Bracket)> {
    let first = *chars.first()?;
    let (close, family) = match first {
        '【' => ('】', "lenticular"),
        '[' => (']', "square"),
        '［' => ('］', "square"),
        '<' => ('>', "angle"),
        '＜' => ('＞', "angle"),
        '〈' => ('〉', "angle"),
        '《' => ('》', "angle"),
        '≪' => ('≫', "angle"),
        '〔' => ('〕', "tortoise"),
        _ => return None,
    };
    let close_at = chars.iter().skip(1).position(|c| *c == close)? + 1;
    let inner = chars.get(1..close_at)?;
    if inner.iter().all(|c| c.is_whitespace()) || inner.len() > MAX_BRACKET_CHARS {
        return None;
    }
    let after = chars.get(close_at + 1).copied();
    // Markdown links `[text](url)` / `[text][ref]` / `[ref]: url`.
    if family == "square" && matches!(after, Some('(' | '[' | ':' | '：')) {
        return None;
    }
    // HTML tags `<ul …>`, `</li>`, `<!-- -->`.
    if first == '<'
        && inner
            .first()
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == '/' || *c == '!')
    {
        return None;
    }
    Some((
        family,
        Bracket {
            inner_start: 1,
            inner_end: close_at,
            close_end: close_at + 1,
            lenticular: family == "lenticular",
        },
    ))
}

fn symbol(chars: &[char]) -> Option<String> {
    let first = *chars.first()?;
    if !"■□○●★◆◇▲▼※◎☆◯▶▷►▽△◉◈❖▪▫➢➤".contains(first)
    {
        return None;
    }
    // `▲1,234` / `△500` are negative numbers in Japanese finance.
    if matches!(first, '▲' | '△' | '▼') && chars.get(1).is_some_and(|c| is_digit(*c)) {
        return None;
    }
    Some(format!("sym_{first}"))
}

fn plain_marker(family: impl Into<String>, len: usize, chars: &[char]) -> Marker {
    Marker {
        family: family.into(),
        len,
        text_start: skip_ws(chars, len),
        bullet: false,
        md_level: None,
        keep_in_text: false,
        bracket: None,
    }
}

/// The marker at the start of `chars` (a trimmed line), if any. A marker
/// with nothing after it is no marker, except brackets and ordinals, which
/// carry their own text.
pub(crate) fn parse_marker(chars: &[char]) -> Option<Marker> {
    let first = *chars.first()?;
    if first == '#' {
        let n = chars.iter().take_while(|c| **c == '#').count();
        let after = chars.get(n);
        if n <= 6 && after.is_none_or(|c| c.is_whitespace()) {
            let mut m = plain_marker("md", n, chars);
            m.md_level = u32::try_from(n).ok();
            return Some(m);
        }
        return None;
    }
    let m = if bullet_at(chars, 0) {
        let mut len = 1;
        let i = skip_ws(chars, len);
        let mut j = i;
        if bullet_at(chars, i) {
            len = i + 1;
            j = skip_ws(chars, len);
        }
        // `- ① …`, `- (1)…`, `- ・ A) …`: the numbering belongs to the marker.
        let rest = chars.get(j..).unwrap_or_default();
        if let Some((_, n)) = numbering(rest) {
            if skip_ws(rest, n) < rest.len() {
                len = j + n;
            }
        }
        let mut m = plain_marker("bullet", len, chars);
        m.bullet = true;
        m
    } else if let Some((family, len)) = numbering(chars) {
        plain_marker(family, len, chars)
    } else if let Some((family, len)) = ordinal(chars) {
        let mut m = plain_marker(family, len, chars);
        m.keep_in_text = true;
        m
    } else if let Some((family, b)) = bracket(chars) {
        let mut m = plain_marker(family, 1, chars);
        m.text_start = skip_ws(chars, b.close_end);
        m.bracket = Some(b);
        m
    } else if let Some(family) = symbol(chars) {
        plain_marker(family, 1, chars)
    } else {
        return None;
    };
    let has_text = m.text_start < chars.len();
    (has_text || m.keep_in_text || m.bracket.is_some()).then_some(m)
}

fn balanced(chars: &[char]) -> bool {
    let mut depth: i32 = 0;
    for c in chars {
        match c {
            '(' | '（' | '「' | '【' | '[' | '『' | '<' | '＜' => depth += 1,
            ')' | '）' | '」' | '】' | ']' | '』' | '>' | '＞' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// `KEY: VALUE`, `KEY：VALUE`, `KEY : VALUE` with a short key. Times
/// (`15:00`) and URLs (`https://`) are not keys.
pub(crate) fn parse_key_value(chars: &[char]) -> Option<KeyValue> {
    let colon = chars.iter().position(|c| matches!(c, ':' | '：'))?;
    let key_start = skip_ws(chars, 0);
    let key_end = chars
        .get(..colon)?
        .iter()
        .rposition(|c| !c.is_whitespace())
        .map(|i| i + 1)?;
    let key = chars.get(key_start..key_end)?;
    if key.is_empty() || key.len() > MAX_KEY_CHARS || key.contains(&'。') || !balanced(key) {
        return None;
    }
    if key.iter().all(|c| is_digit(*c)) {
        return None;
    }
    let before = chars.get(colon.wrapping_sub(1)).copied();
    let after = chars.get(colon + 1).copied();
    if before.is_some_and(is_digit) && after.is_some_and(is_digit) {
        return None;
    }
    if after == Some('/') {
        return None;
    }
    Some(KeyValue {
        key_start,
        key_end,
        value_start: skip_ws(chars, colon + 1),
    })
}

/// Chars of a dot leader between a key and its figure (`事業費……1,234千円`).
const LEADER: &[char] = &['…', '‥', '・', '･', '·', '.', '．', '‧', '⋯'];

/// A leader is at least this many chars (`・` alone is a middle dot).
const MIN_LEADER: usize = 2;

/// Whether a short text names a figure: a stance word (`予算額`, `実績`) or
/// an indicator whose name implies a unit (`事業費`, `利用者数`).
pub(crate) fn names_a_figure(key: &str) -> bool {
    stance_of(key).is_some() || unit_from_indicator(key).is_some()
}

/// Whether `key` can be the key of a figure set apart without a colon:
/// short, no digits (`令和6年度 1,234` is a date and a figure), no sentence.
fn bare_key(key: &[char]) -> bool {
    !key.is_empty()
        && key.len() <= MAX_KEY_CHARS
        && !key
            .iter()
            .any(|c| is_digit(*c) || c.is_whitespace() || *c == '。')
        && key.iter().any(|c| c.is_alphanumeric())
        && balanced(key)
}

/// A key and a figure set apart without a colon: by a dot leader
/// (`事業費……1,234千円`, `事業費・・・1,234千円`) or by spaces. Spaces set a key
/// apart when there are several (`予算額　　　1,234千円`, aligned), when a
/// marker opens the line (`■予算額 1,234千円`: `marked`), or when the key
/// names a figure (`予算額 1,234千円`); a word before a figure in a wrapped
/// sentence is none of these. The value must be one quantity.
pub(crate) fn parse_label_value(chars: &[char], marked: bool) -> Option<KeyValue> {
    let first_gap = chars
        .iter()
        .position(|c| LEADER.contains(c) || c.is_whitespace())?;
    let key = chars.get(..first_gap)?;
    if !bare_key(key) {
        return None;
    }
    let run_end = |i: usize, f: &dyn Fn(char) -> bool| {
        let mut j = i;
        while chars.get(j).is_some_and(|c| f(*c)) {
            j += 1;
        }
        j
    };
    let leader_end = run_end(first_gap, &|c| LEADER.contains(&c));
    let value_start = if leader_end - first_gap >= MIN_LEADER {
        skip_ws(chars, leader_end)
    } else if leader_end == first_gap {
        let gap_end = skip_ws(chars, first_gap);
        let key_text: String = key.iter().collect();
        let set_apart = marked || gap_end - first_gap >= 2 || names_a_figure(&key_text);
        if !set_apart {
            return None;
        }
        gap_end
    } else {
        return None;
    };
    let value: String = chars.get(value_start..)?.iter().collect();
    if !is_figure(&value) {
        return None;
    }
    Some(KeyValue {
        key_start: 0,
        key_end: first_gap,
        value_start,
    })
}

/// One quantity with its unit, alone or with a note in parentheses after
/// it (`1,234千円 （R6年度）`, `13,000人（累計）`). A bare number set apart
/// without a colon is a page number (`目次・・・・ 04`) or a code as often
/// as a figure.
pub(crate) fn is_figure(text: &str) -> bool {
    let with_unit = |t: &str| parse_quantity(t).is_some_and(|q| q.unit.is_some());
    if with_unit(text) {
        return true;
    }
    let t = text.trim_end();
    t.ends_with([')', '）'])
        && t.rsplit_once(['(', '（'])
            .is_some_and(|(head, _)| !head.trim().is_empty() && with_unit(head))
}

/// A line that is only the key of a figure printed on the next line
/// (`予算額` / `1,234千円`).
pub(crate) fn lone_key(chars: &[char]) -> bool {
    bare_key(chars) && names_a_figure(&chars.iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Option<Marker> {
        let chars: Vec<char> = s.chars().collect();
        parse_marker(&chars)
    }

    fn fam(s: &str) -> Option<String> {
        m(s).map(|m| m.family)
    }

    #[test]
    fn numbering_families() {
        assert_eq!(fam("1. 目的").as_deref(), Some("num_dot"));
        assert_eq!(fam("１．目的").as_deref(), Some("num_dot"));
        assert_eq!(fam("(1) 支援").as_deref(), Some("paren_num"));
        assert_eq!(fam("（１）支援").as_deref(), Some("paren_num"));
        assert_eq!(fam("①町内企業").as_deref(), Some("circled"));
        assert_eq!(fam("⑳最後").as_deref(), Some("circled"));
        assert_eq!(fam("A) 学び").as_deref(), Some("alpha_rparen"));
        assert_eq!(fam("Ⅱ 基本目標").as_deref(), Some("roman"));
        assert_eq!(fam("IV. 施策").as_deref(), Some("roman"));
        assert_eq!(fam("1 安定した就職").as_deref(), Some("num_space"));
        assert_eq!(fam("(ア) 料金").as_deref(), Some("paren_kana"));
    }

    #[test]
    fn numbers_that_are_not_markers() {
        assert_eq!(fam("1.5倍に増加"), None);
        assert_eq!(fam("3 月に開催"), None);
        assert_eq!(fam("2021（令和3）年度"), None);
        assert_eq!(fam("1234. 長い番号"), None);
        assert_eq!(fam("IT企業"), None);
        assert_eq!(fam("R5.3.14 会議"), None);
        assert_eq!(fam("1."), None, "marker with no text");
        assert_eq!(fam("(注) 書き"), None);
    }

    #[test]
    fn ordinals_keep_their_text() {
        let x = m("第1回").unwrap();
        assert_eq!(x.family, "dai_回");
        assert!(x.keep_in_text);
        assert_eq!(fam("第２章 総則").as_deref(), Some("dai_章"));
        assert_eq!(fam("第三節").as_deref(), Some("dai_節"));
        assert_eq!(fam("第１回部会を開催。"), None);
    }

    #[test]
    fn brackets() {
        let x = m("【事業費】 R4～R7").unwrap();
        let b = x.bracket.unwrap();
        assert!(b.lenticular);
        assert_eq!((b.inner_start, b.inner_end, b.close_end), (1, 4, 5));
        assert_eq!(x.text_start, 6);
        assert_eq!(fam("【実施体制】").as_deref(), Some("lenticular"));
        assert_eq!(fam("[松江市] 事業").as_deref(), Some("square"));
        assert_eq!(fam("＜平成２１年度＞").as_deref(), Some("angle"));
        assert_eq!(fam("<平成21年度>").as_deref(), Some("angle"));
        assert_eq!(fam("[リンク](http://x)"), None);
        assert_eq!(fam("[ref]: http://x"), None);
        assert_eq!(fam("<ul style=\"x\"> a"), None);
        assert_eq!(fam("【】"), None);
        assert_eq!(fam("【閉じない"), None);
    }

    #[test]
    fn symbols_and_bullets() {
        assert_eq!(fam("■地域づくり").as_deref(), Some("sym_■"));
        assert_eq!(fam("○平成18年").as_deref(), Some("sym_○"));
        assert_eq!(fam("▲1,234"), None, "negative number");
        assert_eq!(fam("○"), None, "marker alone");
        let b = m("- ・ A) 学び").unwrap();
        assert!(b.bullet);
        assert_eq!(b.len, 6);
        assert_eq!(b.text_start, 7);
        assert!(m("・プラットフォーム運営").unwrap().bullet);
        assert!(m("* item").unwrap().bullet);
        assert_eq!(m("- (1)地域団体").unwrap().len, 5);
        assert_eq!(fam("-1,234"), None);
        assert_eq!(fam("**太字**"), None);
    }

    #[test]
    fn markdown_headings() {
        let x = m("### (1) 事業の現況").unwrap();
        assert_eq!(x.md_level, Some(3));
        assert_eq!(x.text_start, 4);
        assert_eq!(fam("####### 深すぎ"), None);
        assert_eq!(fam("#タグ"), None);
    }

    fn kv(s: &str) -> Option<(String, String)> {
        let chars: Vec<char> = s.chars().collect();
        parse_key_value(&chars).map(|k| {
            (
                chars[k.key_start..k.key_end].iter().collect(),
                chars[k.value_start..].iter().collect(),
            )
        })
    }

    #[test]
    fn key_values() {
        assert_eq!(
            kv("担当課：産業経済部"),
            Some(("担当課".into(), "産業経済部".into()))
        );
        assert_eq!(
            kv("日時 : 令和4年7月21日(木) 15:00"),
            Some(("日時".into(), "令和4年7月21日(木) 15:00".into()))
        );
        assert_eq!(kv("Point!: 対話"), Some(("Point!".into(), "対話".into())));
        assert_eq!(kv("料金体系:"), Some(("料金体系".into(), "".into())));
        assert_eq!(kv("15:00から開始"), None);
        assert_eq!(kv("https://example.jp"), None);
        assert_eq!(kv("策定趣旨 (取組期間：令和4年度)"), None);
        assert_eq!(kv("とても長いキーになってしまう項目名です：値"), None);
        assert_eq!(kv("開催。次回：未定"), None);
        assert_eq!(kv(": 値だけ"), None);
        assert_eq!(kv("コロンなし"), None);
    }

    fn lv(s: &str, marked: bool) -> Option<(String, String)> {
        let chars: Vec<char> = s.chars().collect();
        parse_label_value(&chars, marked).map(|k| {
            (
                chars[k.key_start..k.key_end].iter().collect(),
                chars[k.value_start..].iter().collect(),
            )
        })
    }

    #[test]
    fn keys_set_apart_by_leaders_or_spaces() {
        let pair = |k: &str, v: &str| Some((k.to_string(), v.to_string()));
        assert_eq!(lv("事業費……1,234千円", false), pair("事業費", "1,234千円"));
        assert_eq!(
            lv("事業費・・・1,234千円", false),
            pair("事業費", "1,234千円")
        );
        assert_eq!(lv("事業費 ... 1,234千円", false), None, "space, then dots");
        assert_eq!(lv("事業費...1,234千円", false), pair("事業費", "1,234千円"));
        assert_eq!(lv("参加者   120人", false), pair("参加者", "120人"));
        assert_eq!(lv("予算額 1,234千円", false), pair("予算額", "1,234千円"));
        assert_eq!(
            lv("ネットワーク 104機関", true),
            pair("ネットワーク", "104機関")
        );
        // A word and a figure of a wrapped sentence; a date and a figure.
        assert_eq!(lv("ネットワーク 104機関", false), None);
        assert_eq!(lv("令和6年度 1,234千円", true), None);
        assert_eq!(lv("予算額 1,234千円を計上", true), None);
        assert_eq!(lv("予算額・1,234千円", false), None, "one dot");
        assert_eq!(lv("予算額", true), None);
        assert_eq!(
            lv("予算額……1,234千円 (R6年度)", false),
            pair("予算額", "1,234千円 (R6年度)")
        );
        assert_eq!(lv("予算額……(R6年度)", false), None);
        // A table of contents: page numbers after leaders.
        assert_eq!(lv("事業の方向性・・・・・・ 04", false), None);
        assert_eq!(lv("名簿・・・・・・・10", true), None);
        assert!(lone_key(&"予算額".chars().collect::<Vec<_>>()));
        assert!(lone_key(&"利用者数".chars().collect::<Vec<_>>()));
        assert!(!lone_key(&"はじめに".chars().collect::<Vec<_>>()));
        assert!(!lone_key(&"令和6年度予算".chars().collect::<Vec<_>>()));
    }
}
