//! Generated round trip of share and change tables: counts with their
//! shares of one whole (a total row, a `全体` row, an `n＝N` caption, or
//! none), one or two (count, share) pairs side by side, and level columns
//! of two periods with their change, rendered as Markdown pipes, tabs and
//! CSV. Each clean rendering must raise no error or warning; a planted
//! inconsistency must be found at its line with its check and severity: a
//! share nudged by one unit so that its column prints 100.0 is a warning,
//! a share further off an error, a wrong change an error.

use planfacts::check::{self, Config};
use planfacts::model::{Finding, Severity};
use planfacts::pipeline;

/// SplitMix64: small, deterministic, enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Pipe,
    Tab,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whole {
    /// No total anywhere: the whole is the sum of the items.
    Sum,
    /// A `計` row last.
    TotalRow,
    /// A `全体` row first, as survey tables print it.
    AllRowFirst,
    /// `（n＝N）` in the caption.
    Caption,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plant {
    None,
    /// One share moved by one unit so that the column prints 100.0.
    Nudged,
    /// One share two units or more off.
    Wrong,
}

struct Rendering {
    name: &'static str,
    text: String,
    /// 1-based line of the planted figure.
    line: Option<u32>,
}

fn render_rows(
    sep: Sep,
    above: &[String],
    header: &[Vec<String>],
    rows: &[Vec<String>],
) -> (&'static str, String, u32) {
    let mut out = String::new();
    let mut line = 1;
    for a in above {
        out.push_str(a);
        out.push('\n');
        line += 1;
        if sep != Sep::Csv {
            out.push('\n');
            line += 1;
        }
    }
    let join = |r: &Vec<String>| match sep {
        Sep::Pipe => format!("| {} |", r.join(" | ")),
        Sep::Tab => r.join("\t"),
        Sep::Csv => r.join(","),
    };
    for (i, h) in header.iter().enumerate() {
        out.push_str(&join(h));
        out.push('\n');
        line += 1;
        if sep == Sep::Pipe && i + 1 == header.len() {
            let rule: Vec<&str> = h.iter().map(|_| "---").collect();
            out.push_str(&format!("| {} |\n", rule.join(" | ")));
            line += 1;
        }
    }
    for r in rows {
        out.push_str(&join(r));
        out.push('\n');
    }
    let name = if sep == Sep::Csv {
        "shares.csv"
    } else if sep == Sep::Pipe {
        "shares.md"
    } else {
        "shares.txt"
    };
    (name, out, line)
}

fn tenths(count: i64, whole: i64) -> i64 {
    // Round half up, as publishers do.
    (count * 2000 + whole) / (2 * whole)
}

fn pct(t: i64, sign: bool) -> String {
    format!("{}.{}{}", t / 10, t % 10, if sign { "%" } else { "" })
}

/// Counts of `n` items whose correctly rounded shares do not add up to
/// exactly 100.0, so that a publisher would nudge one.
fn counts(rng: &mut Rng, n: usize) -> Vec<i64> {
    loop {
        let c: Vec<i64> = (0..n).map(|_| rng.range(2, 400)).collect();
        let whole: i64 = c.iter().sum();
        let sum: i64 = c.iter().map(|x| tenths(*x, whole)).sum();
        if (sum - 1000).abs() == 1 {
            return c;
        }
    }
}

fn share_table(
    seed: u64,
    sep: Sep,
    whole: Whole,
    pairs: usize,
    sign: bool,
    plant: Plant,
) -> Rendering {
    let mut rng = Rng(seed);
    let n = rng.range(3, 6) as usize;
    let groups = ["事務職", "技術職"];
    let columns: Vec<Vec<i64>> = (0..pairs).map(|_| counts(&mut rng, n)).collect();
    let planted_pair = (rng.next() % pairs as u64) as usize;
    let planted_row = (rng.next() % n as u64) as usize;
    let mut shares: Vec<Vec<i64>> = columns
        .iter()
        .map(|c| {
            let w: i64 = c.iter().sum();
            c.iter().map(|x| tenths(*x, w)).collect()
        })
        .collect();
    if let Some(col) = shares.get_mut(planted_pair) {
        let sum: i64 = col.iter().sum();
        if let Some(s) = col.get_mut(planted_row) {
            match plant {
                Plant::None => {}
                Plant::Nudged => *s += 1000 - sum,
                Plant::Wrong => *s += 25,
            }
        }
    }
    let share_word = if whole == Whole::AllRowFirst {
        "割合"
    } else {
        "構成比"
    };
    let count_word = if whole == Whole::AllRowFirst {
        "回答数"
    } else {
        "職員数"
    };
    let mut header: Vec<Vec<String>> = Vec::new();
    if pairs > 1 && sep != Sep::Pipe {
        let mut top = vec![String::new()];
        for g in groups.iter().take(pairs) {
            top.push(g.to_string());
            top.push(String::new());
        }
        header.push(top);
        let mut sub = vec!["区分".to_string()];
        for _ in 0..pairs {
            sub.push(count_word.to_string());
            sub.push(share_word.to_string());
        }
        header.push(sub);
    } else {
        let mut h = vec!["区分".to_string()];
        for g in groups.iter().take(pairs) {
            let prefix = if pairs > 1 {
                format!("{g} ")
            } else {
                String::new()
            };
            h.push(format!("{prefix}{count_word}"));
            h.push(format!("{prefix}{share_word}"));
        }
        header.push(h);
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let total_row = |rows: &mut Vec<Vec<String>>, label: &str| {
        let mut r = vec![label.to_string()];
        for c in &columns {
            r.push(c.iter().sum::<i64>().to_string());
            r.push(pct(1000, sign));
        }
        rows.push(r);
    };
    if whole == Whole::AllRowFirst {
        total_row(&mut rows, "全体");
    }
    for i in 0..n {
        let mut r = vec![format!("{}級", i + 1)];
        for (c, s) in columns.iter().zip(&shares) {
            r.push(c.get(i).copied().unwrap_or(0).to_string());
            r.push(pct(s.get(i).copied().unwrap_or(0), sign));
        }
        rows.push(r);
    }
    if whole == Whole::TotalRow {
        total_row(&mut rows, "計");
    }
    let mut above = vec!["## 職員の構成".to_string()];
    if whole == Whole::Caption && pairs == 1 {
        let w: i64 = columns.first().map_or(0, |c| c.iter().sum());
        above.push(format!("級別職員数（n＝{}）", thousands(w)));
    }
    let (name, text, first_data) = render_rows(sep, &above, &header, &rows);
    let offset = u32::from(whole == Whole::AllRowFirst);
    Rendering {
        name,
        text,
        line: (plant != Plant::None).then_some(first_data + offset + planted_row as u32),
    }
}

fn thousands(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn loud(text: &str, name: &str) -> Vec<Finding> {
    let out = pipeline::process(name, text.as_bytes());
    check::check_output(&out, &Config::default())
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect()
}

const SEPS: [Sep; 3] = [Sep::Pipe, Sep::Tab, Sep::Csv];
const WHOLES: [Whole; 4] = [
    Whole::Sum,
    Whole::TotalRow,
    Whole::AllRowFirst,
    Whole::Caption,
];

#[test]
fn share_tables_of_every_layout() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for seed in 0..4u64 {
        for sep in SEPS {
            for whole in WHOLES {
                for pairs in [1, 2] {
                    if whole == Whole::Caption && pairs == 2 {
                        continue;
                    }
                    for sign in [true, false] {
                        let case = format!("seed {seed} {sep:?} {whole:?} pairs {pairs} % {sign}");
                        cases += 1;
                        let clean = share_table(seed, sep, whole, pairs, sign, Plant::None);
                        let found = loud(&clean.text, clean.name);
                        if !found.is_empty() {
                            failures.push(format!(
                                "{case}: clean table raised {found:#?}\n{}",
                                clean.text
                            ));
                            continue;
                        }
                        for (plant, severity) in [
                            (Plant::Nudged, Severity::Warning),
                            (Plant::Wrong, Severity::Error),
                        ] {
                            let r = share_table(seed, sep, whole, pairs, sign, plant);
                            let found = loud(&r.text, r.name);
                            let hit = found.iter().any(|f| {
                                f.check == "rate_vs_ratio"
                                    && Some(f.line) == r.line
                                    && f.severity == severity
                            });
                            let stray = found
                                .iter()
                                .any(|f| f.check == "rate_vs_ratio" && Some(f.line) != r.line);
                            if !hit || stray {
                                failures.push(format!(
                                    "{case} {plant:?}: want {severity:?} at line {:?}, got {found:#?}\n{}",
                                    r.line, r.text
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    assert!(cases >= 100, "{cases} cases");
    assert!(
        failures.is_empty(),
        "{} of {cases} failed:\n{}",
        failures.len(),
        failures.join("\n----\n")
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Years {
    Era,
    Fiscal,
    /// `本年度 | 前年度`: the later level first.
    Relative,
}

fn change_table(seed: u64, sep: Sep, years: Years, word: &str, plant: bool) -> Rendering {
    let mut rng = Rng(seed);
    let n = rng.range(3, 6) as usize;
    let earlier: Vec<i64> = (0..n).map(|_| rng.range(0, 60)).collect();
    let mut later: Vec<i64> = earlier
        .iter()
        .map(|e| e + rng.range(-3, 3))
        .map(|v| v.max(0))
        .collect();
    // One row whose level changed, for the plant.
    let row = (rng.next() % n as u64) as usize;
    if let (Some(l), Some(e)) = (later.get_mut(row), earlier.get(row)) {
        if l == e {
            *l = e + 2;
        }
    }
    let (first, second, reversed) = match years {
        Years::Era => ("令和5年", "令和6年", false),
        Years::Fiscal => ("2023年度", "2024年度", false),
        Years::Relative => ("本年度", "前年度", true),
    };
    let header = vec![vec![
        "部門".to_string(),
        first.to_string(),
        second.to_string(),
        word.to_string(),
    ]];
    let sign = |v: i64| {
        if v < 0 {
            format!("△{}", -v)
        } else {
            v.to_string()
        }
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let total_plant = plant && seed % 2 == 1;
    for i in 0..n {
        let (e, l) = (
            earlier.get(i).copied().unwrap_or(0),
            later.get(i).copied().unwrap_or(0),
        );
        let change = if plant && !total_plant && i == row {
            0
        } else {
            l - e
        };
        let (a, b) = if reversed { (l, e) } else { (e, l) };
        rows.push(vec![
            format!("部門{}", i + 1),
            a.to_string(),
            b.to_string(),
            sign(change),
        ]);
    }
    let (es, ls): (i64, i64) = (earlier.iter().sum(), later.iter().sum());
    let total_change = if total_plant { ls - es + 1 } else { ls - es };
    let (a, b) = if reversed { (ls, es) } else { (es, ls) };
    rows.push(vec![
        "計".to_string(),
        a.to_string(),
        b.to_string(),
        sign(total_change),
    ]);
    let above = vec!["## 部門別職員数".to_string()];
    let (name, text, first_data) = render_rows(sep, &above, &header, &rows);
    let at = if total_plant { n } else { row };
    Rendering {
        name,
        text,
        line: plant.then_some(first_data + at as u32),
    }
}

#[test]
fn change_tables_of_every_layout() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for seed in 0..6u64 {
        for sep in SEPS {
            for years in [Years::Era, Years::Fiscal, Years::Relative] {
                for word in ["増減", "対前年増減数", "比較", "差引"] {
                    cases += 1;
                    let case = format!("seed {seed} {sep:?} {years:?} {word}");
                    let clean = change_table(seed, sep, years, word, false);
                    let found = loud(&clean.text, clean.name);
                    if !found.is_empty() {
                        failures.push(format!(
                            "{case}: clean table raised {found:#?}\n{}",
                            clean.text
                        ));
                        continue;
                    }
                    let r = change_table(seed, sep, years, word, true);
                    let found = loud(&r.text, r.name);
                    let hit = found.iter().any(|f| {
                        f.check == "total_vs_parts"
                            && Some(f.line) == r.line
                            && f.severity == Severity::Error
                    });
                    if !hit {
                        failures.push(format!(
                            "{case}: want an error at line {:?}, got {found:#?}\n{}",
                            r.line, r.text
                        ));
                    }
                }
            }
        }
    }
    assert!(cases >= 100, "{cases} cases");
    assert!(
        failures.is_empty(),
        "{} of {cases} failed:\n{}",
        failures.len(),
        failures.join("\n----\n")
    );
}

#[test]
fn a_change_with_its_rate_over_a_series() {
    // The change is over the whole series; its rate is of the first year.
    let table = |rate: &str| {
        format!(
            "## 職員数の推移\n\n| 部門 | 令和2年 | 令和3年 | 令和4年 | 令和5年 | 過去3年間の増減数（率） |\n|---|---|---|---|---|---|\n\
             | 総務 | 40 | 38 | 37 | 36 | △4({rate}) |\n| 教育 | 20 | 21 | 21 | 22 | 2(10.0%) |\n\
             | 計 | 60 | 59 | 58 | 58 | △2(△3.3%) |\n"
        )
    };
    assert!(loud(&table("△10.0%"), "series.md").is_empty());
    let found = loud(&table("△11.1%"), "series.md");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].check.as_str(), found[0].line),
        ("rate_vs_ratio", 5)
    );
}

#[test]
fn a_key_value_line_of_composition_shares() {
    let text =
        |last: &str| format!("## 級別構成\n\n前年の構成比: 1級 20.0%、2級 30.5%、3級 {last}\n");
    assert!(loud(&text("49.5%"), "kv.md").is_empty());
    let found = loud(&text("52.8%"), "kv.md");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].check.as_str(), found[0].line),
        ("total_vs_parts", 3)
    );
}

#[test]
fn a_row_of_shares_under_a_row_of_counts() {
    let text = |last: &str| {
        format!("## 職種別の構成\n\n区分\t事務\t技術\t現業\t教育\t計\n職員数\t3\t6\t9\t11\t29\n構成比\t10.3\t20.7\t31.0\t{last}\t100.0\n")
    };
    // 11 ÷ 29 = 37.93: 37.9 is right, 38.0 was nudged so the row prints 100.0.
    let found = loud(&text("37.9"), "row.txt");
    assert!(found.is_empty(), "{found:#?}");
    let found = loud(&text("38.0"), "row.txt");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].check.as_str(), found[0].severity, found[0].line),
        ("rate_vs_ratio", Severity::Warning, 5)
    );
}
