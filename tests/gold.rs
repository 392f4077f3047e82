//! The seeds' measures and dates against the hand-checked answers in
//! tests/fixtures/gold (copied unchanged from the project's shared gold).

use std::collections::BTreeMap;
use std::path::Path;

use planfacts::model::{DocOutput, Measure, MeasureSource};
use planfacts::pipeline;

fn seeds() -> BTreeMap<String, DocOutput> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut out = BTreeMap::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("seeds/").flatten().collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let bytes = std::fs::read(e.path()).expect("seed bytes");
        out.insert(
            name.chars().take(3).collect(),
            pipeline::process(&name, &bytes),
        );
    }
    out
}

fn tsv(name: &str) -> Vec<BTreeMap<String, String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/gold")
        .join(name);
    let text = std::fs::read_to_string(path).expect("gold file");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .zip(l.split('\t').chain(std::iter::repeat("")))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn matches_gold(m: &Measure, g: &BTreeMap<String, String>) -> Vec<String> {
    let mut wrong = Vec::new();
    let want = |k: &str| g.get(k).map(String::as_str).unwrap_or("");
    let value: f64 = want("value").parse().expect("gold value");
    if (m.value - value).abs() > 1e-6 * value.abs().max(1.0) {
        wrong.push(format!("value {} != {value}", m.value));
    }
    if !want("unit").is_empty() && m.unit.as_deref() != Some(want("unit")) {
        wrong.push(format!("unit {:?} != {}", m.unit, want("unit")));
    }
    if m.stance.as_str() != want("stance") {
        wrong.push(format!(
            "stance {} != {}",
            m.stance.as_str(),
            want("stance")
        ));
    }
    if m.measure.as_str() != want("measure") {
        wrong.push(format!(
            "measure {} != {}",
            m.measure.as_str(),
            want("measure")
        ));
    }
    for (k, got) in [("fy_start", m.fy_start), ("fy_end", m.fy_end)] {
        if !want(k).is_empty() && got.map(|v| v.to_string()).as_deref() != Some(want(k)) {
            wrong.push(format!("{k} {got:?} != {}", want(k)));
        }
    }
    if !want("entity").is_empty() && m.entity.as_deref() != Some(want("entity")) {
        wrong.push(format!("entity {:?} != {}", m.entity, want("entity")));
    }
    if !want("indicator").is_empty() && m.indicator.as_deref() != Some(want("indicator")) {
        wrong.push(format!(
            "indicator {:?} != {}",
            m.indicator,
            want("indicator")
        ));
    }
    wrong
}

#[test]
fn every_gold_measure_is_found_with_its_meaning() {
    let docs = seeds();
    let gold = tsv("measures.tsv");
    let mut failures = Vec::new();
    for g in &gold {
        let doc = &docs[&g["doc"]];
        let line: u32 = g["line"].parse().expect("line");
        let value: f64 = g["value"].parse().expect("value");
        let candidates: Vec<&Measure> = doc
            .measures
            .iter()
            .filter(|m| m.line == line && (m.value - value).abs() <= 1e-6 * value.abs().max(1.0))
            .collect();
        let best = candidates
            .iter()
            .map(|m| matches_gold(m, g))
            .min_by_key(Vec::len);
        match best {
            None => failures.push(format!("{} line {line}: {} not found", g["doc"], g["raw"])),
            Some(w) if !w.is_empty() => failures.push(format!(
                "{} line {line} {}: {}",
                g["doc"],
                g["raw"],
                w.join(", ")
            )),
            Some(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} gold measures wrong:\n{}",
        failures.len(),
        gold.len(),
        failures.join("\n")
    );
}

#[test]
fn table_and_key_value_measures_are_precise() {
    let docs = seeds();
    let gold = tsv("measures.tsv");
    let mut total = 0usize;
    let mut extra = Vec::new();
    for (doc, out) in &docs {
        for m in out
            .measures
            .iter()
            .filter(|m| m.source != MeasureSource::Prose)
        {
            total += 1;
            let hit = gold.iter().any(|g| {
                &g["doc"] == doc
                    && g["line"].parse::<u32>().ok() == Some(m.line)
                    && g["value"]
                        .parse::<f64>()
                        .is_ok_and(|v| (v - m.value).abs() <= 1e-6 * v.abs().max(1.0))
            });
            if !hit {
                extra.push(format!(
                    "{doc} line {} {} ({:?})",
                    m.line, m.raw, m.indicator
                ));
            }
        }
    }
    let precision = 1.0 - extra.len() as f64 / total.max(1) as f64;
    assert!(total > 0);
    assert!(
        precision >= 0.98,
        "precision {precision:.3} over {total}; not in gold:\n{}",
        extra.join("\n")
    );
}

#[test]
fn every_gold_date_is_found() {
    let docs = seeds();
    let gold = tsv("dates.tsv");
    let mut failures = Vec::new();
    for g in &gold {
        let doc = &docs[&g["doc"]];
        let line: u32 = g["line"].parse().expect("line");
        let hit = doc.dates.iter().any(|d| {
            d.line == line
                && d.raw == g["raw"]
                && d.kind.as_str() == g["kind"]
                && d.start.map(|s| s.to_string()).unwrap_or_default() == g["start"]
                && d.end.map(|s| s.to_string()).unwrap_or_default() == g["end"]
                && d.weekday_stated.clone().unwrap_or_default() == g["weekday_stated"]
        });
        if !hit {
            let near: Vec<String> = doc
                .dates
                .iter()
                .filter(|d| d.line == line)
                .map(|d| format!("{} {} {:?}..{:?}", d.raw, d.kind.as_str(), d.start, d.end))
                .collect();
            failures.push(format!(
                "{} line {line}: {} {} (found there: {near:?})",
                g["doc"], g["raw"], g["kind"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} gold dates missing:\n{}",
        failures.len(),
        gold.len(),
        failures.join("\n")
    );
}

#[test]
fn inferred_years_say_so() {
    let docs = seeds();
    let d = docs["000"]
        .dates
        .iter()
        .find(|d| d.line == 184)
        .expect("６月２日");
    assert!(d.inferred);
    assert_eq!(
        d.start.map(|s| s.to_string()).as_deref(),
        Some("2009-06-02")
    );
}
