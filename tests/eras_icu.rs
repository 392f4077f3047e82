//! The era table (`src/vocab/eras.rs`) against ICU4X's Japanese calendar:
//! each era's first day is era year 1 there and the day before belongs to
//! the era before, and era years convert to the same western years.

use chrono::{Datelike, NaiveDate};
use icu_calendar::cal::Japanese;
use icu_calendar::Date;
use planfacts::vocab::eras::ERAS;

/// CLDR era codes, in the order of `ERAS`.
const CODES: [&str; 5] = ["meiji", "taisho", "showa", "heisei", "reiwa"];

fn icu(d: NaiveDate) -> (String, i32) {
    let iso = Date::try_new_iso(d.year(), d.month() as u8, d.day() as u8).unwrap();
    let y = iso.to_calendar(Japanese::new()).era_year();
    (y.era.to_string(), y.year)
}

#[test]
fn first_days_match_icu() {
    assert_eq!(ERAS.len(), CODES.len());
    // 明治 is left out: ICU starts it on 1868-10-23 (the proclamation) and
    // writes earlier years as CE; planfacts starts it with the lunar year
    // 明治1 was made to cover. Its year numbering is checked below.
    for (i, era) in ERAS.iter().enumerate().skip(1) {
        let first = era.first_date().unwrap();
        assert_eq!(icu(first), (CODES[i].to_string(), 1), "{}", era.name);
        let before = first.pred_opt().unwrap();
        let last_year = ERAS[i - 1].last_year().unwrap();
        assert_eq!(
            icu(before),
            (CODES[i - 1].to_string(), last_year),
            "day before {}",
            era.name
        );
    }
}

#[test]
fn era_years_match_icu() {
    for (i, era) in ERAS.iter().enumerate() {
        // Mid-year days of every era year (明治 from year 6, as ICU has it).
        let first_year = if i == 0 { 6 } else { 1 };
        let last_year = era.last_year().unwrap_or(8);
        for y in first_year..=last_year {
            let western = era.offset() + y;
            let d = NaiveDate::from_ymd_opt(western, 7, 1).unwrap();
            if d < era.first_date().unwrap() || era.last_date().is_some_and(|l| d > l) {
                continue;
            }
            assert_eq!(icu(d), (CODES[i].to_string(), y), "{}{}年", era.name, y);
        }
    }
}
