//! Properties of the number and date readers (`scan::numbers`,
//! `scan::dates`), 100,000 cases each: a value
//! written in any of the forms officials use reads back exactly. The
//! writers here are independent of the readers (plain arithmetic and
//! chrono), so a reader that drifts from the notation fails them.

use chrono::{Datelike, NaiveDate};
use planfacts::scan::dates::{find_dates, DateContext};
use planfacts::scan::numbers::parse_quantity;
use proptest::prelude::*;

const CASES: u32 = 100_000;
const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Kanji numeral forms of an integer.
#[derive(Debug, Clone, Copy)]
enum Form {
    /// 千五百 (一 left out before 十百千, kept before 万億兆).
    Composed,
    /// 一千五百: 一 written before 千 too.
    ComposedIchi,
    /// 壱萬弐千参百: the 大字 of formal texts.
    Daiji,
    /// 二〇二五: digit by digit.
    Positional,
    /// 12億3456万7890: Arabic groups with big units.
    MixedGroups,
    /// 3億2千405万1千: Arabic digits with kanji units at every level.
    MixedUnits,
    /// １，２３４，５６７: full-width digits and commas.
    FullWidth,
}

const FORMS: [Form; 7] = [
    Form::Composed,
    Form::ComposedIchi,
    Form::Daiji,
    Form::Positional,
    Form::MixedGroups,
    Form::MixedUnits,
    Form::FullWidth,
];

fn digit(d: u64, daiji: bool) -> char {
    match (daiji, d) {
        (true, 1) => '壱',
        (true, 2) => '弐',
        (true, 3) => '参',
        _ => DIGITS[d as usize],
    }
}

/// Below 10,000, composed.
fn group(n: u64, ichi: bool, daiji: bool) -> String {
    let mut s = String::new();
    for (e, unit) in [(3, '千'), (2, '百'), (1, if daiji { '拾' } else { '十' })] {
        let d = n / 10u64.pow(e) % 10;
        if d > 0 {
            if d > 1 || (ichi && e == 3) || daiji {
                s.push(digit(d, daiji));
            }
            s.push(unit);
        }
    }
    if !n.is_multiple_of(10) {
        s.push(digit(n % 10, daiji));
    }
    s
}

fn write(n: u64, form: Form) -> String {
    let groups = [(12, '兆'), (8, '億'), (4, '万'), (0, ' ')];
    let mut s = String::new();
    match form {
        Form::Positional => n
            .to_string()
            .chars()
            .map(|c| DIGITS[c as usize - '0' as usize])
            .collect(),
        Form::FullWidth => {
            let plain = n.to_string();
            let len = plain.len();
            for (i, c) in plain.chars().enumerate() {
                if i > 0 && (len - i).is_multiple_of(3) {
                    s.push('，');
                }
                s.push(char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap());
            }
            s
        }
        _ => {
            for (e, unit) in groups {
                let g = n / 10u64.pow(e) % 10_000;
                if g == 0 {
                    continue;
                }
                let daiji = matches!(form, Form::Daiji);
                let text = match form {
                    Form::MixedGroups => g.to_string(),
                    Form::MixedUnits => match (g / 1000, g % 1000) {
                        (0, r) => r.to_string(),
                        (t, 0) => format!("{t}千"),
                        (t, r) => format!("{t}千{r}"),
                    },
                    // 一万, 一億: 一 is written before a big unit.
                    _ if g == 1 && e > 0 => digit(1, daiji).to_string(),
                    _ => group(g, matches!(form, Form::ComposedIchi), daiji),
                };
                s.push_str(&text);
                if e > 0 {
                    s.push(if daiji && unit == '万' { '萬' } else { unit });
                }
            }
            s
        }
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn integers_read_back_in_every_form(
        n in prop_oneof![11u64..100, 100u64..10_000, 10_000u64..100_000_000, 100_000_000u64..1_000_000_000_000_000],
        form in prop::sample::select(FORMS.to_vec()),
        unit in prop::sample::select(vec!["円", "人", "件", ""]),
    ) {
        // One kanji alone, or kanji without a digit, is a word or a unit,
        // not a figure (`一人`, `千代`, `百万円未満`): such values are
        // written with a last digit 1 (百一, 千百一).
        let w = write(n, form);
        let has_digit = w.chars().any(|c| DIGITS[1..].contains(&c) || "壱弐参".contains(c));
        let n = if w.chars().count() < 2 || (!has_digit && !w.is_ascii()) { n + 1 } else { n };
        let text = format!("{}{unit}", write(n, form));
        let q = parse_quantity(&text);
        prop_assert!(q.is_some(), "{text}: nothing read");
        let q = q.unwrap();
        prop_assert_eq!(q.value, n as f64, "{}", text);
        prop_assert_eq!(q.unit.as_deref(), (!unit.is_empty()).then_some(unit), "{}", text);
    }
}

/// Date notations.
#[derive(Debug, Clone, Copy)]
enum Notation {
    Era,
    EraKanji,
    Abbreviated,
    Western,
    FiscalEra,
    FiscalWestern,
    FiscalAbbreviated,
}

const NOTATIONS: [Notation; 7] = [
    Notation::Era,
    Notation::EraKanji,
    Notation::Abbreviated,
    Notation::Western,
    Notation::FiscalEra,
    Notation::FiscalWestern,
    Notation::FiscalAbbreviated,
];

/// (name, letter, first day) of the eras, written out here independently.
const ERAS: [(&str, char, (i32, u32, u32)); 4] = [
    ("昭和", 'S', (1926, 12, 25)),
    ("平成", 'H', (1989, 1, 8)),
    ("令和", 'R', (2019, 5, 1)),
    ("令和", 'R', (2019, 5, 1)),
];

fn era_of(d: NaiveDate) -> (&'static str, char, i32) {
    let (name, letter, first) = ERAS
        .iter()
        .rev()
        .find(|(_, _, (y, m, day))| d >= NaiveDate::from_ymd_opt(*y, *m, *day).unwrap())
        .copied()
        .unwrap();
    (name, letter, d.year() - first.0 + 1)
}

fn kanji(n: u32) -> String {
    write(u64::from(n), Form::Composed)
}

fn year_word(y: i32) -> String {
    if y == 1 {
        "元".to_string()
    } else {
        y.to_string()
    }
}

const WEEKDAYS: [char; 7] = ['月', '火', '水', '木', '金', '土', '日'];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dates_read_back_in_every_notation(
        days in 0i64..(365 * 90),
        notation in prop::sample::select(NOTATIONS.to_vec()),
        weekday in prop::sample::select(vec!["", "(w)", "（w）", "w曜日"]),
    ) {
        let d = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days(days);
        let (m, day) = (d.month(), d.day());
        let (era, letter, ey) = era_of(d);
        let w = WEEKDAYS[d.weekday().num_days_from_monday() as usize];
        let stated = weekday.replace('w', &w.to_string());
        // A fiscal year: the one that holds the day, in its era (the era of its April 1).
        let fy = if m < 4 { d.year() - 1 } else { d.year() };
        let april = NaiveDate::from_ymd_opt(fy, 4, 1).unwrap();
        let (fera, fletter, fey) = era_of(april);
        let (text, start, end) = match notation {
            Notation::Era => (format!("{era}{}年{m}月{day}日{stated}", year_word(ey)), d, d),
            Notation::EraKanji => (
                format!("{era}{}年{}月{}日{stated}", if ey == 1 { "元".to_string() } else { kanji(ey as u32) }, kanji(m), kanji(day)),
                d,
                d,
            ),
            Notation::Abbreviated => (format!("{letter}{ey}.{m}.{day}{stated}"), d, d),
            Notation::Western => (format!("{}年{m}月{day}日{stated}", d.year()), d, d),
            Notation::FiscalEra | Notation::FiscalWestern | Notation::FiscalAbbreviated => {
                let text = match notation {
                    Notation::FiscalEra => format!("{fera}{}年度", year_word(fey)),
                    Notation::FiscalWestern => format!("{fy}年度"),
                    _ => format!("{fletter}{fey}年度"),
                };
                (text, april, NaiveDate::from_ymd_opt(fy + 1, 3, 31).unwrap())
            }
        };
        let found = find_dates(&text, &DateContext::default());
        prop_assert_eq!(found.len(), 1, "{}: {:?}", text, found);
        let f = &found[0];
        prop_assert_eq!((f.date_start, f.date_end), (Some(start), Some(end)), "{}", text);
        prop_assert_eq!(f.problem.as_deref(), None, "{}", text);
        let fiscal = matches!(notation, Notation::FiscalEra | Notation::FiscalWestern | Notation::FiscalAbbreviated);
        if !fiscal && !stated.is_empty() {
            let w = w.to_string();
            prop_assert_eq!(f.weekday_stated.as_deref(), Some(w.as_str()), "{}", text);
            prop_assert_eq!(&f.weekday_actual, &f.weekday_stated, "{}", text);
            prop_assert_eq!(f.raw.as_str(), text.as_str());
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Any mix of the words the readers know, however broken, reads
    /// without a panic, and every mention and quantity lies inside the text.
    #[test]
    fn broken_mixes_never_panic(
        parts in prop::collection::vec(prop::sample::select(vec![
            "令和", "平成", "㍻", "㋿", "R", "H", "元", "西暦", "本年", "前年度", "翌年度", "同年", "年", "年度",
            "月", "日", "末", "末日", "上旬", "下旬", "春", "冬", "から", "まで", "～", "〜", "(", ")", "木曜日",
            "〇", "一", "二", "九", "十", "百", "千", "万", "億", "兆", "壱", "弐", "参", "拾", "萬", "・", ".",
            ",", "0", "1", "9", "12", "31", "99999999999999999999", "約", "余", "以上", "未満", "超", "前後",
            "円", "人", "%", "割", "△", "マイナス", " ",
        ]), 0..16),
        doc in prop::option::of(0i64..40_000),
    ) {
        let text: String = parts.concat();
        let len = text.chars().count();
        let ctx = DateContext {
            doc_date: doc.map(|d| NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Duration::days(d)),
            ..DateContext::default()
        };
        for f in find_dates(&text, &ctx) {
            prop_assert!(f.start < f.end && f.end <= len, "{}", text);
        }
        let _ = parse_quantity(&text);
        for q in planfacts::scan::numbers::find_quantities(&text) {
            prop_assert!(q.start < q.end && q.end <= len, "{}", text);
        }
    }
}
