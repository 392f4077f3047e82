//! The reading examples: `tests/examples/numerals.tsv` and
//! `tests/examples/dates.tsv` (input → expected value or ISO range), run
//! as one table each, as pulldown-cmark runs its spec examples. Every
//! failing row is listed, not only the first.

use chrono::NaiveDate;
use planfacts::normalize::normalize_text;
use planfacts::scan::dates::{find_dates, DateContext};
use planfacts::scan::numbers::parse_quantity;

/// The input as the pipeline hands it to the readers: normalized (PDF
/// spacing joined, dashes and tildes made one).
fn normalized(input: &str) -> String {
    normalize_text(input)
        .first()
        .map(|l| l.norm.text.clone())
        .unwrap_or_default()
}

fn rows(path: &str) -> Vec<(usize, Vec<String>)> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(i, l)| (i + 1, l.split('\t').map(str::to_string).collect()))
        .collect()
}

fn dash(s: &str) -> Option<&str> {
    (s != "-").then_some(s)
}

#[test]
fn numeral_examples() {
    let rows = rows("tests/examples/numerals.tsv");
    assert!(rows.len() >= 300, "{} numeral examples", rows.len());
    let mut failures = Vec::new();
    for (line, cols) in &rows {
        let [input, value, unit, qualifier] = cols.as_slice() else {
            panic!("numerals.tsv:{line}: four columns expected");
        };
        let got = parse_quantity(&normalized(input));
        let ok = match (value.as_str(), &got) {
            ("none", None) => true,
            ("none", Some(_)) | (_, None) => false,
            (v, Some(q)) => {
                let want: f64 = v.parse().unwrap();
                q.value == want
                    && q.unit.as_deref() == dash(unit)
                    && q.qualifier.as_deref() == dash(qualifier)
                    && q.approx == dash(qualifier).is_some()
            }
        };
        if !ok {
            let got = got.map(|q| (q.value, q.unit, q.qualifier));
            failures.push(format!(
                "numerals.tsv:{line}: {input} → want {value} {unit} {qualifier}, got {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn date_examples() {
    let rows = rows("tests/examples/dates.tsv");
    assert!(rows.len() >= 300, "{} date examples", rows.len());
    let mut failures = Vec::new();
    for (line, cols) in &rows {
        let (input, kind, start, end, doc, raw) = match cols.as_slice() {
            [i, k, s, e, d] => (i, k, s, e, d, None),
            [i, k, s, e, d, r] => (i, k, s, e, d, Some(r.as_str())),
            _ => panic!("dates.tsv:{line}: five or six columns expected"),
        };
        let ctx = DateContext {
            doc_date: dash(doc).map(|d| d.parse::<NaiveDate>().unwrap()),
            ..DateContext::default()
        };
        let text = normalized(input);
        let found = find_dates(&text, &ctx);
        let ok = match found.as_slice() {
            [] => kind == "none",
            [f] => {
                // The mention is the whole input, or the part given.
                let whole = f.raw == raw.unwrap_or(text.trim());
                let span = if start == "invalid" {
                    f.problem.is_some()
                } else {
                    f.problem.is_none()
                        && f.date_start.map(|d| d.to_string()).as_deref() == Some(start.as_str())
                        && f.date_end.map(|d| d.to_string()).as_deref() == Some(end.as_str())
                };
                // A stated weekday must be the real one in these examples.
                let weekday = f.weekday_stated.is_none() || f.weekday_stated == f.weekday_actual;
                whole && span && weekday && f.kind.as_str() == kind
            }
            _ => false,
        };
        if !ok {
            let got: Vec<_> = found
                .iter()
                .map(|f| {
                    (
                        f.raw.clone(),
                        f.kind.as_str(),
                        f.date_start,
                        f.date_end,
                        f.problem.clone(),
                    )
                })
                .collect();
            failures.push(format!(
                "dates.tsv:{line}: {input} → want {kind} {start}..{end}, got {got:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
