//! Vocabulary as data: the words that give text its meaning, kept in one
//! place so that rules read them rather than repeat them. Eras, units and
//! scales, numeral characters, qualifiers and relative-year words for the
//! number and date readers (`scan::numbers`, `scan::dates`); period,
//! stance, total and no-value words for typing table cells; the words of
//! running text around a figure (`prose_words`). A new unit,
//! era or word is one line here.

pub mod eras;
pub mod fields;
pub mod numerals;
pub mod places;
pub mod prose_words;
pub mod qualifiers;
pub mod stance;
pub mod table_words;
pub mod units;
