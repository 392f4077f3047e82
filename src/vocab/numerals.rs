//! The characters numbers are written with besides ASCII digits: kanji
//! digits (with the 大字 of formal and financial texts), the small units
//! 十 百 千 that multiply the digit before them, and the big units 万 億 兆
//! that close a four-digit group.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

/// Kanji digits and their values. 〇 and 零 are zero digits inside a
/// number (`二千〇五`); 壱 弐 参 are the 大字 of deeds and budgets. The
/// rarer 大字 (陸 漆 伍 …) are left out: they are ordinary words too (北陸).
#[rustfmt::skip]
pub const DIGITS: &[(char, u8)] = &[
    ('〇', 0), ('零', 0), ('一', 1), ('壱', 1), ('壹', 1), ('二', 2), ('弐', 2), ('貳', 2),
    ('三', 3), ('参', 3), ('參', 3), ('四', 4), ('五', 5), ('六', 6), ('七', 7), ('八', 8),
    ('九', 9),
];

/// Small units: the power of ten they multiply the digit before them by
/// (a missing digit is 1: `千五百` = 1500).
pub const SMALL_UNITS: &[(char, u32)] = &[
    ('十', 1),
    ('拾', 1),
    ('百', 2),
    ('佰', 2),
    ('千', 3),
    ('阡', 3),
    ('仟', 3),
];

/// Big units: the power of ten of the four-digit group they close.
pub const BIG_UNITS: &[(char, u32)] = &[('万', 4), ('萬', 4), ('億', 8), ('兆', 12)];

/// The decimal point of kanji numbers (`二八・四五％`); read only between
/// kanji digits, since `・` also lists (`1・2年生`).
pub const KANJI_DECIMAL_POINT: char = '・';

/// Signs that multiply the figures either side of them in a stated
/// calculation (`44,540円×75人×12月`, `402,000＊98.9%`). Full-width `＊` is
/// folded to `*` before it is looked up.
pub const MULTIPLY_SIGNS: &[char] = &['×', '✕', '*'];

/// Signs of a fraction: a number before or after one is part of a ratio
/// (`7/100`, `1／3`), not a figure of its own.
pub const FRACTION_SIGNS: &[char] = &['/'];

/// What one numeral char is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Digit(u8),
    Small(u32),
    Big(u32),
}

/// The three tables by char: every char of a text is looked up.
static BY_CHAR: LazyLock<FxHashMap<char, Kind>> = LazyLock::new(|| {
    let digits = DIGITS.iter().map(|&(c, v)| (c, Kind::Digit(v)));
    let small = SMALL_UNITS.iter().map(|&(c, e)| (c, Kind::Small(e)));
    let big = BIG_UNITS.iter().map(|&(c, e)| (c, Kind::Big(e)));
    digits.chain(small).chain(big).collect()
});

fn kind(c: char) -> Option<Kind> {
    // Every numeral is a CJK char: ASCII and Latin text skips the lookup.
    if (c as u32) < 0x3000 {
        return None;
    }
    BY_CHAR.get(&c).copied()
}

pub fn digit(c: char) -> Option<u8> {
    match kind(c)? {
        Kind::Digit(v) => Some(v),
        _ => None,
    }
}

pub fn small_unit(c: char) -> Option<u32> {
    match kind(c)? {
        Kind::Small(e) => Some(e),
        _ => None,
    }
}

pub fn big_unit(c: char) -> Option<u32> {
    match kind(c)? {
        Kind::Big(e) => Some(e),
        _ => None,
    }
}

/// Any char of a kanji numeral.
pub fn is_numeral(c: char) -> bool {
    kind(c).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_char_is_in_one_table() {
        let all: Vec<char> = DIGITS
            .iter()
            .map(|d| d.0)
            .chain(SMALL_UNITS.iter().map(|u| u.0))
            .chain(BIG_UNITS.iter().map(|u| u.0))
            .collect();
        assert_eq!(BY_CHAR.len(), all.len());
        assert_eq!(digit('弐'), Some(2));
        assert_eq!(small_unit('拾'), Some(1));
        assert_eq!(big_unit('萬'), Some(4));
        assert!(!is_numeral('1'));
    }
}
