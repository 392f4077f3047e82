//! Mutation test of the checks: change, one at a time, every figure of seed
//! 002's KPI table and of seed 004's 事業費 periods and target tables that
//! takes part in a relation, and count the mutants the checks catch (a new
//! finding at the mutated line, or one naming a measure printed there).

use std::collections::BTreeSet;
use std::path::Path;

use planfacts::check::{self, Config};
use planfacts::model::{DocOutput, Finding};
use planfacts::pipeline;

fn seed_text(prefix: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let path = std::fs::read_dir(dir)
        .expect("seeds/")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .expect("seed");
    std::fs::read_to_string(path).expect("seed text")
}

fn findings(out: &DocOutput) -> Vec<Finding> {
    check::check_output(out, &Config::default())
}

/// What identifies a finding across two runs of nearly the same text.
fn key(f: &Finding) -> (String, u32, Option<String>, Option<String>) {
    (
        f.check.clone(),
        f.line,
        f.expected.clone(),
        f.actual.clone(),
    )
}

/// A clearly different figure printed the same way: digits changed, commas,
/// decimals and unit kept (`1,033` → `1,136`, `23.7%` → `28.7%`, `0` → `3`).
fn mutate_number(figure: &str) -> String {
    let digits: String = figure
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let suffix: String = figure
        .chars()
        .skip_while(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
        .collect();
    let decimals = digits.split_once('.').map_or(0, |(_, d)| d.len());
    let v: f64 = digits.parse().unwrap_or(0.0);
    let changed = if decimals > 0 {
        v + 5.0
    } else {
        (v * 1.1).round().max(v + 3.0)
    };
    let body = format!("{changed:.decimals$}");
    let (int, frac) = body
        .split_once('.')
        .map_or((body.as_str(), None), |(i, f)| (i, Some(f)));
    let grouped = if figure.contains(',') {
        let chars: Vec<char> = int.chars().collect();
        let mut s = String::new();
        for (i, c) in chars.iter().enumerate() {
            if i > 0 && (chars.len() - i).is_multiple_of(3) {
                s.push(',');
            }
            s.push(*c);
        }
        s
    } else {
        int.to_string()
    };
    match frac {
        Some(f) => format!("{grouped}.{f}{suffix}"),
        None => format!("{grouped}{suffix}"),
    }
}

/// One mutant: the text with one figure on one line replaced.
struct Mutant {
    line: u32,
    before: String,
    after: String,
    text: String,
}

/// Mutants for every tab-separated numeric cell on the given lines.
fn table_mutants(text: &str, lines: &[u32]) -> Vec<Mutant> {
    let all: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    for &n in lines {
        let Some(line) = all.get(n as usize - 1) else {
            continue;
        };
        let cells: Vec<&str> = line.split('\t').collect();
        for (i, cell) in cells.iter().enumerate() {
            let looks_numeric = cell.chars().next().is_some_and(|c| c.is_ascii_digit())
                && cell
                    .chars()
                    .all(|c| c.is_ascii_digit() || ",.%人件".contains(c));
            if !looks_numeric {
                continue;
            }
            let after = mutate_number(cell);
            let mut changed = cells.clone();
            changed[i] = &after;
            let mut lines_out: Vec<String> = all.iter().map(|s| s.to_string()).collect();
            lines_out[n as usize - 1] = changed.join("\t");
            out.push(Mutant {
                line: n,
                before: cell.to_string(),
                after: after.clone(),
                text: lines_out.join("\n"),
            });
        }
    }
    out
}

/// Mutants of each `R4～R7（4年間）` period: start, end and stated length.
fn period_mutants(text: &str) -> Vec<Mutant> {
    let all: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    for (i, line) in all.iter().enumerate() {
        if !line.starts_with("【事業費】") {
            continue;
        }
        for (from, to) in [
            ("R4～", "R5～"),
            ("～R7", "～R8"),
            ("（4年間）", "（5年間）"),
        ] {
            let mut lines_out: Vec<String> = all.iter().map(|s| s.to_string()).collect();
            lines_out[i] = line.replacen(from, to, 1);
            out.push(Mutant {
                line: i as u32 + 1,
                before: from.to_string(),
                after: to.to_string(),
                text: lines_out.join("\n"),
            });
        }
    }
    out
}

fn caught(baseline: &BTreeSet<(String, u32, Option<String>, Option<String>)>, m: &Mutant) -> bool {
    let out = pipeline::process("mutant.txt", m.text.as_bytes());
    let on_line: BTreeSet<String> = out
        .measures
        .iter()
        .filter(|x| x.line == m.line)
        .map(|x| x.measure_id.to_string())
        .collect();
    findings(&out).iter().any(|f| {
        !baseline.contains(&key(f))
            && (f.line == m.line || f.measure_ids.split(' ').any(|id| on_line.contains(id)))
    })
}

#[test]
fn checks_catch_mutated_figures() {
    let mut mutants = Vec::new();
    let mut baselines = Vec::new();
    for (prefix, table_lines) in [
        ("002", vec![7, 8, 9, 10]),
        (
            "004",
            vec![57, 58, 104, 105, 148, 149, 192, 193, 236, 237, 284, 285],
        ),
    ] {
        let text = seed_text(prefix);
        let base: BTreeSet<_> = findings(&pipeline::process("seed.txt", text.as_bytes()))
            .iter()
            .map(key)
            .collect();
        for m in table_mutants(&text, &table_lines)
            .into_iter()
            .chain(period_mutants(&text))
        {
            mutants.push(m);
            baselines.push(base.clone());
        }
    }
    let missed: Vec<String> = mutants
        .iter()
        .zip(&baselines)
        .filter(|(m, base)| !caught(base, m))
        .map(|(m, _)| format!("line {}: {} → {}", m.line, m.before, m.after))
        .collect();
    let rate = 1.0 - missed.len() as f64 / mutants.len() as f64;
    println!(
        "{} mutants, {} caught ({:.1}%); missed: {missed:#?}",
        mutants.len(),
        mutants.len() - missed.len(),
        rate * 100.0
    );
    assert!(mutants.len() >= 100, "only {} mutants", mutants.len());
    assert!(
        rate >= 0.95,
        "caught {:.1}% of {} mutants; missed:\n{}",
        rate * 100.0,
        mutants.len(),
        missed.join("\n")
    );
}

#[test]
fn mutation_keeps_the_printed_form() {
    assert_eq!(mutate_number("1,033"), "1,136");
    assert_eq!(mutate_number("23.7%"), "28.7%");
    assert_eq!(mutate_number("0"), "3");
    assert_eq!(mutate_number("2,366人"), "2,603人");
}
