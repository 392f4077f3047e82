//! Japanese eras with their exact first days.
//!
//! Checked against ICU4X's `icu_calendar` in `tests/eras_icu.rs` (Taishō,
//! Shōwa, Heisei and Reiwa first days; Meiji year numbering).

use chrono::NaiveDate;

/// One era (元号).
#[derive(Debug, PartialEq, Eq)]
pub struct Era {
    /// Kanji name as printed (`令和`).
    pub name: &'static str,
    /// The Latin letter used in abbreviations (`R4`, `H30.4.1`).
    pub letter: char,
    /// The one-char ligature some fonts and forms use (`㋿`).
    pub ligature: char,
    /// First day (year, month, day). 明治 is taken to start on 1868-01-25,
    /// the first day of the lunar year that 明治1 was later made to cover.
    pub first_day: (i32, u32, u32),
}

impl Era {
    /// Western year of era year 0 (`令和` → 2018): year N is `offset + N`.
    pub const fn offset(&self) -> i32 {
        self.first_day.0 - 1
    }

    pub fn first_date(&self) -> Option<NaiveDate> {
        let (y, m, d) = self.first_day;
        NaiveDate::from_ymd_opt(y, m, d)
    }

    /// The era after this one, if it has ended.
    pub fn next(&self) -> Option<&'static Era> {
        let i = ERAS.iter().position(|e| e.name == self.name)?;
        ERAS.get(i + 1)
    }

    /// Last day: the day before the next era began.
    pub fn last_date(&self) -> Option<NaiveDate> {
        self.next()?.first_date()?.pred_opt()
    }

    /// Last era year, for eras that ended (`平成` → 31).
    pub fn last_year(&self) -> Option<i32> {
        Some(self.next()?.first_day.0 - self.offset())
    }
}

/// The eras planfacts reads, oldest first.
#[rustfmt::skip]
pub const ERAS: &[Era] = &[
    Era { name: "明治", letter: 'M', ligature: '㍾', first_day: (1868, 1, 25) },
    Era { name: "大正", letter: 'T', ligature: '㍽', first_day: (1912, 7, 30) },
    Era { name: "昭和", letter: 'S', ligature: '㍼', first_day: (1926, 12, 25) },
    Era { name: "平成", letter: 'H', ligature: '㍻', first_day: (1989, 1, 8) },
    Era { name: "令和", letter: 'R', ligature: '㋿', first_day: (2019, 5, 1) },
];

/// The era named by its kanji name, its letter (either width) or its ligature.
pub fn era_named(name: &str) -> Option<&'static Era> {
    let mut chars = name.chars();
    let one = chars.next().filter(|_| chars.next().is_none()).map(|c| {
        // Full-width letters (`Ｒ`) name the same era.
        match c {
            '\u{FF21}'..='\u{FF3A}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        }
    });
    ERAS.iter()
        .find(|e| e.name == name || one == Some(e.letter) || one == Some(e.ligature))
}

/// Words that mark a western year (`西暦2019年`).
pub const WESTERN_MARKS: &[&str] = &["西暦"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_last_years() {
        let reiwa = era_named("令和");
        assert_eq!(reiwa.map(Era::offset), Some(2018));
        assert_eq!(era_named("H").and_then(Era::last_year), Some(31));
        assert_eq!(era_named("㍼").and_then(Era::last_year), Some(64));
        assert_eq!(era_named("Ｔ").and_then(Era::last_year), Some(15));
        assert_eq!(era_named("明治").and_then(Era::last_year), Some(45));
        assert_eq!(era_named("㋿").and_then(Era::last_year), None);
        assert_eq!(era_named("天平"), None);
        assert_eq!(era_named(""), None);
    }
}
