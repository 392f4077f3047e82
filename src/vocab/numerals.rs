//! The characters numbers are written with besides ASCII digits: kanji
//! digits (with the 大字 of formal and financial texts), the small units
//! 十 百 千 that multiply the digit before them, and the big units 万 億 兆
//! that close a four-digit group.

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

pub fn digit(c: char) -> Option<u8> {
    DIGITS.iter().find(|(d, _)| *d == c).map(|&(_, v)| v)
}

pub fn small_unit(c: char) -> Option<u32> {
    SMALL_UNITS.iter().find(|(u, _)| *u == c).map(|&(_, e)| e)
}

pub fn big_unit(c: char) -> Option<u32> {
    BIG_UNITS.iter().find(|(u, _)| *u == c).map(|&(_, e)| e)
}

/// Any char of a kanji numeral.
pub fn is_numeral(c: char) -> bool {
    digit(c).is_some() || small_unit(c).is_some() || big_unit(c).is_some()
}
