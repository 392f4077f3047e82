//! `planfacts probe TEXT`: how planfacts reads one string — the dates and
//! quantities it finds, with their normalized values, and what each
//! figure's sentence says about it (stance, period, change).

use serde::Serialize;

use crate::extract::measures::{read_prose, tokens, Frame};
use crate::model::DateKind;
use crate::normalize;
use crate::scan::dates::{self, DateContext};
use crate::scan::numbers;

/// One date as probe reports it (SPEC `dates` column names).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeDate {
    pub raw: String,
    pub kind: String,
    pub era: Option<String>,
    pub era_year: Option<i32>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub fy_start: Option<i32>,
    pub fy_end: Option<i32>,
    pub weekday_stated: Option<String>,
    pub weekday_actual: Option<String>,
    pub inferred: bool,
    pub western_stated: Option<i32>,
    pub length_stated: Option<i32>,
    pub problem: Option<String>,
    pub col: u32,
}

/// One quantity as probe reports it (SPEC `measures` column names).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeQuantity {
    pub raw: String,
    pub value: f64,
    pub unit: Option<String>,
    pub scale: f64,
    pub decimals: u32,
    pub approx: bool,
    /// The qualifier words as printed (`約`, `以上`).
    pub qualifier: Option<String>,
    pub col: u32,
}

/// What a figure's sentence says about it, as a prose measure would carry
/// it (SPEC `measures` column names); read with no heading or table around.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProbeReading {
    pub raw: String,
    pub value: f64,
    pub stance: String,
    pub period_label: Option<String>,
    pub fy_start: Option<i32>,
    pub fy_end: Option<i32>,
    pub cumulative: bool,
    pub indicator: Option<String>,
    /// `increase` / `decrease` for a figure printed as a change.
    pub change: Option<String>,
    pub col: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Probe {
    pub normalized: String,
    pub dates: Vec<ProbeDate>,
    pub quantities: Vec<ProbeQuantity>,
    pub readings: Vec<ProbeReading>,
}

/// Read one string as a line of a document. The string's first full date
/// stands for the document's own date (as a cover's date does in a run),
/// so relative years (`本年`, `昨年度`) and month-days read against it.
pub fn probe(text: &str) -> Probe {
    let mut out = Probe::default();
    let lines = normalize::normalize_text(text);
    let doc_date = lines.iter().find_map(|line| {
        dates::find_dates(&line.norm.text, &DateContext::default())
            .into_iter()
            .find(|d| d.kind == DateKind::Date && d.problem.is_none())
            .and_then(|d| d.date_start)
    });
    let ctx = DateContext {
        doc_date,
        ..DateContext::default()
    };
    for line in lines {
        let norm = &line.norm;
        let raw_of = |s: usize, e: usize| -> String {
            let first = norm.pos_at(s).col as usize;
            let last = norm.pos_at(e.saturating_sub(1).max(s)).col as usize;
            line.raw
                .chars()
                .skip(first)
                .take((last + 1).saturating_sub(first))
                .collect()
        };
        let found = dates::find_dates(&norm.text, &ctx);
        // Figures with a unit anywhere, and any token that is a figure on
        // its own (a table cell or a key-value value: `△1,234`, `10`).
        let mut quantities = numbers::find_quantities(&norm.text);
        for (start, end, token) in tokens(&norm.text) {
            let taken = quantities.iter().any(|q| q.start < end && start < q.end);
            if let (false, Some(mut q)) = (taken, numbers::parse_quantity(&token)) {
                q.start += start;
                q.end += start;
                quantities.push(q);
            }
        }
        quantities.sort_by_key(|q| q.start);
        for d in &found {
            out.dates.push(ProbeDate {
                raw: raw_of(d.start, d.end),
                kind: d.kind.as_str().to_string(),
                era: d.era.map(str::to_string),
                era_year: d.era_year,
                start: d.date_start.map(|s| s.to_string()),
                end: d.date_end.map(|s| s.to_string()),
                fy_start: d.fy_start,
                fy_end: d.fy_end,
                weekday_stated: d.weekday_stated.clone(),
                weekday_actual: d.weekday_actual.clone(),
                inferred: d.inferred,
                western_stated: d.western_stated,
                length_stated: d.length_stated,
                problem: d.problem.clone(),
                col: norm.pos_at(d.start).col,
            });
        }
        for q in quantities {
            let in_date = found.iter().any(|d| {
                (d.start < q.end && q.start < d.end)
                    || d.length_span.is_some_and(|(a, b)| a < q.end && q.start < b)
            });
            if in_date {
                continue;
            }
            out.quantities.push(ProbeQuantity {
                raw: raw_of(q.start, q.end),
                value: q.value,
                unit: q.unit.clone(),
                scale: q.scale,
                decimals: q.decimals,
                approx: q.approx,
                qualifier: q.qualifier.clone(),
                col: norm.pos_at(q.start).col,
            });
        }
        let prose = numbers::find_quantities(&norm.text);
        for r in read_prose(&norm.text, &found, prose, &Frame::default()) {
            let period = r.period.as_ref();
            out.readings.push(ProbeReading {
                raw: raw_of(r.start, r.end),
                value: r.quantity.value,
                stance: r.stance.as_str().to_string(),
                period_label: period.map(|p| p.label.clone()).or(r.bare_label.clone()),
                fy_start: period.map(|p| p.fy_start),
                fy_end: period.map(|p| p.fy_end),
                cumulative: period.is_some_and(|p| p.cumulative && p.fy_start < p.fy_end),
                indicator: r.indicator.clone(),
                change: r
                    .change
                    .map(|c| if c < 0 { "decrease" } else { "increase" }.to_string()),
                col: norm.pos_at(r.start).col,
            });
        }
        if !out.normalized.is_empty() {
            out.normalized.push('\n');
        }
        out.normalized.push_str(&norm.text);
    }
    out
}

/// Plain-text rendering for a terminal.
pub fn render_text(p: &Probe) -> String {
    let mut s = format!("normalized: {}\n", p.normalized);
    if p.dates.is_empty() && p.quantities.is_empty() {
        s.push_str("nothing found\n");
    }
    for d in &p.dates {
        let span = match (&d.start, &d.end) {
            (Some(a), Some(b)) if a == b => a.clone(),
            (Some(a), Some(b)) => format!("{a} .. {b}"),
            (Some(a), None) => format!("{a} .. (open)"),
            _ => "(no date)".to_string(),
        };
        s.push_str(&format!("date     {:<24} {:<12} {span}", d.raw, d.kind));
        if let (Some(st), Some(ac)) = (&d.weekday_stated, &d.weekday_actual) {
            s.push_str(&format!("  weekday stated {st}, actual {ac}"));
        }
        if d.inferred {
            s.push_str("  (year inferred)");
        }
        if let Some(p) = &d.problem {
            s.push_str(&format!("  INVALID: {p}"));
        }
        s.push('\n');
    }
    for q in &p.quantities {
        s.push_str(&format!(
            "quantity {:<24} value {} {}",
            q.raw,
            q.value,
            q.unit.as_deref().unwrap_or("")
        ));
        if q.scale != 1.0 {
            s.push_str(&format!(" (×{})", q.scale));
        }
        match &q.qualifier {
            Some(words) => s.push_str(&format!(" [{words}]")),
            None if q.approx => s.push_str(" (approx.)"),
            None => {}
        }
        s.push('\n');
    }
    for r in &p.readings {
        let mut line = format!("reading  {:<24} {}", r.raw, r.stance);
        match (r.fy_start, r.fy_end) {
            (Some(a), Some(b)) if a == b => line.push_str(&format!(" FY{a}")),
            (Some(a), Some(b)) => line.push_str(&format!(" FY{a}–{b}")),
            _ => {}
        }
        if r.cumulative {
            line.push_str(" cumulative");
        }
        if let Some(l) = &r.period_label {
            line.push_str(&format!(" ({l})"));
        }
        if let Some(c) = &r.change {
            line.push_str(&format!(" {c} {}", r.value));
        }
        if let Some(i) = &r.indicator {
            line.push_str(&format!(" [{i}]"));
        }
        s.push_str(&line);
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_say_stance_period_and_change() {
        let p = probe("令和9年度までに登録者を1,200人にする。経費は前年度比4.5%の減");
        let target = &p.readings[0];
        assert_eq!(
            (target.stance.as_str(), target.fy_start, target.fy_end),
            ("planned", Some(2027), Some(2027))
        );
        let change = &p.readings[1];
        assert_eq!(change.value, -4.5);
        assert_eq!(change.change.as_deref(), Some("decrease"));
        assert_eq!(change.indicator.as_deref(), Some("前年度比"));
        let text = render_text(&p);
        assert!(text.contains("reading  1,200人"), "{text}");
        assert!(text.lines().all(|l| l == l.trim_end()));
    }
}
