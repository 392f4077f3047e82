//! The words planfacts reads numbers and dates with, as data: eras, units
//! and scales, numeral characters, qualifiers and relative-year words.
//! The readers in `extract::numbers` and `extract::dates` are built over
//! these tables, so a new unit, era or word is one line here.

pub mod eras;
pub mod numerals;
pub mod qualifiers;
pub mod units;
