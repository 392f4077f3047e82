//! Numbers and quantities: `3,682`, `111.6%`, `28,000千円`, `1万2600回`,
//! `12億3456万円`, `約3割`, `△1,234`, kanji numerals.
// OWNER: helper "numbers+dates". Interface below is fixed; fill in the bodies.

/// A number as printed, with its unit and scale resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Value in base units: scale and sign applied (`28,000千円` → 28_000_000.0,
    /// `約3割` → 30.0 with unit `%`).
    pub value: f64,
    /// The number as printed, sign applied, before scale (`28,000千円` → 28000.0).
    pub number: f64,
    /// Base unit (`円`, `人`, `件`, `%`, `回`, `機関`, `団体`, `本`, `名`, `日間`, …), if any.
    pub unit: Option<String>,
    /// Multiplier from the printed number to `value` (1000 for 千円, 1e8 for 億円).
    pub scale: f64,
    /// Digits printed after the decimal point (`111.6%` → 1).
    pub decimals: u32,
    /// `約`, `概ね`, `程度`, `以上`… mark the figure as approximate or a bound.
    pub approx: bool,
    /// Char offsets in the searched text: `start..end` covers the whole quantity
    /// including sign marks and unit.
    pub start: usize,
    pub end: usize,
    /// The exact text of `start..end`.
    pub raw: String,
}

/// Parse text that is, as a whole, one quantity (a table cell or a
/// key-value value): `1,502人`, `111.6%`, `△1,234`, `28,000千円`, `10`.
/// Surrounding white space is allowed. `None` for anything else, including
/// "no value" marks (`-`, `―`, `…`, `－`) and ordinals (`第1回`).
pub fn parse_quantity(text: &str) -> Option<Quantity> {
    todo!("{text}")
}

/// Quantities that carry a unit inside running prose (`104機関`, `６団体`,
/// `年度内に４回程度`). Ordinals (`第１回`, `1年目`), dates, times, years and
/// numbered list markers are not quantities.
pub fn find_quantities(text: &str) -> Vec<Quantity> {
    todo!("{text}")
}

/// A unit stated once for a whole table: `（単位：千円）`, `単位:人`, `(単位 千円）`.
/// Returns the base unit and the scale (`千円` → (`円`, 1000.0)).
pub fn unit_statement(text: &str) -> Option<(String, f64)> {
    todo!("{text}")
}

/// Value of a kanji numeral (`二〇二一` → 2021, `三千五百` → 3500, `四` → 4).
pub fn kanji_number(text: &str) -> Option<f64> {
    todo!("{text}")
}
