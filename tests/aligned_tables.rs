//! Generated multi-level space-aligned tables, as layout-preserving PDF
//! text prints a table of counts and shares: group names drifting right of
//! their columns, a row-label header on a line of its own, the sub-header
//! glued (`人数構成比人数構成比…`), a group label written down the left
//! margin between the rows, a long count glued to its row label by one
//! space, a `計` row, a small table beside it that repeats the row labels,
//! and a second block for another date. Each rendering is made from known
//! counts: every count and share must come out in its column with its row
//! label, and the share check must find the one planted share (nudged by
//! one unit so that its column prints 100.0: a warning; further off: an
//! error), nothing on a clean rendering.

use planfacts::check::{self, Config};
use planfacts::model::{Cell, DocOutput, Finding, Severity};
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
enum Plant {
    None,
    /// One share moved by one unit so that its column prints 100.0.
    Nudged,
    /// One share 2.5 points off.
    Wrong,
}

const GROUPS: [&str; 3] = ["一般事務", "技術", "保健"];
const SIDE: &str = "研究";
/// Row labels, from the top; the table beside has the first few only.
const LABELS: [&str; 7] = [
    "第１区",
    "第２区",
    "第３区",
    "第４区",
    "第５区",
    "第６区",
    "第７区",
];
const DATES: [(&str, &str, &str); 2] = [
    ("令和６年", "４月１日", "令和6年4月1日現在"),
    ("令和５年", "４月１日", "令和5年4月1日現在"),
];

fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

/// A layout line: each text starting at its display column.
fn place(items: &[(usize, String)]) -> String {
    let mut out = String::new();
    let mut x = 0;
    for (col, text) in items {
        let col = (*col).max(if x == 0 { 0 } else { x + 2 });
        while x < col {
            out.push(' ');
            x += 1;
        }
        out.push_str(text);
        x += width(text);
    }
    out
}

fn tenths(count: i64, whole: i64) -> i64 {
    // Round half up, as publishers do.
    (count * 2000 + whole) / (2 * whole)
}

fn pct(t: i64) -> String {
    format!("{}.{}", t / 10, t % 10)
}

/// Counts whose correctly rounded shares miss 100.0 by one unit, so that a
/// publisher would nudge one.
fn counts(rng: &mut Rng, n: usize, hi: i64) -> Vec<i64> {
    loop {
        let c: Vec<i64> = (0..n).map(|_| rng.range(2, hi)).collect();
        let whole: i64 = c.iter().sum();
        let sum: i64 = c.iter().map(|x| tenths(*x, whole)).sum();
        if (sum - 1000).abs() == 1 {
            return c;
        }
    }
}

/// One (count, share) column pair of one block.
struct Pair {
    counts: Vec<i64>,
    shares: Vec<i64>,
}

impl Pair {
    fn new(counts: Vec<i64>) -> Self {
        let whole: i64 = counts.iter().sum();
        let shares = counts.iter().map(|c| tenths(*c, whole)).collect();
        Pair { counts, shares }
    }

    fn total(&self) -> i64 {
        self.counts.iter().sum()
    }
}

struct Rendering {
    text: String,
    /// 1-based line of the planted share, and of its block's total row.
    planted: Option<(u32, u32)>,
    /// Per block, per row: the line it is printed on.
    row_lines: Vec<Vec<u32>>,
    /// Per block: the pairs of the groups, then the table beside.
    blocks: Vec<Vec<Pair>>,
}

fn render(seed: u64, plant: Plant) -> Rendering {
    let mut rng = Rng(seed);
    let n = rng.range(4, 7) as usize;
    let side_rows = rng.range(2, (n - 1) as i64) as usize;
    let mut blocks: Vec<Vec<Pair>> = (0..DATES.len())
        .map(|_| {
            let mut pairs: Vec<Pair> = (0..GROUPS.len())
                .map(|g| Pair::new(counts(&mut rng, n, if g == 0 { 240 } else { 60 })))
                .collect();
            pairs.push(Pair::new(counts(&mut rng, side_rows, 90)));
            pairs
        })
        .collect();
    // Where the planted share goes: a block, a pair, a row of that pair.
    let pb = (rng.next() % blocks.len() as u64) as usize;
    let pp = (rng.next() % (GROUPS.len() + 1) as u64) as usize;
    let rows_of = |p: usize| if p == GROUPS.len() { side_rows } else { n };
    let pr = (rng.next() % rows_of(pp) as u64) as usize;
    if let Some(pair) = blocks.get_mut(pb).and_then(|b| b.get_mut(pp)) {
        let sum: i64 = pair.shares.iter().sum();
        if let Some(s) = pair.shares.get_mut(pr) {
            match plant {
                Plant::None => {}
                Plant::Nudged => *s += 1000 - sum,
                Plant::Wrong => *s += if *s >= 500 { -25 } else { 25 },
            }
        }
    }

    let ends = |k: usize| (28 + 14 * k, 34 + 14 * k);
    let side_label = 24 + 14 * GROUPS.len() - 2;
    let side_ends = (side_label + 14, side_label + 20);
    let mut lines: Vec<String> = vec![
        place(&[
            (4, "ウ　区別人数".into()),
            (side_ends.1 - 12, "(単位 人､％)".into()),
        ]),
        place(
            &GROUPS
                .iter()
                .enumerate()
                .map(|(k, g)| (22 + 15 * k, g.to_string()))
                .chain([(side_label + 4, format!("{SIDE} (注)"))])
                .collect::<Vec<_>>(),
        ),
        place(&[(12, "区域".into()), (side_label, "区域".into())]),
        place(&[(3, "区 分".into())]),
        place(&[(12, "名称".into()), (side_label, "名称".into())]),
        place(&[
            (23, "人数構成比".repeat(GROUPS.len())),
            (side_ends.0 - 4, "人数構成比".into()),
        ]),
    ];
    let mut row_lines = vec![];
    let mut planted = None;
    for (b, pairs) in blocks.iter().enumerate() {
        let (year, day, _) = DATES[b];
        let margin: Vec<Vec<(usize, String)>> = vec![
            vec![(2, year.into())],
            vec![(2, day.into())],
            vec![(2, "現".into()), (8, "在".into())],
        ];
        let mut at = vec![];
        for r in 0..=n {
            // The group label's pieces between the rows from the second on.
            if r >= 1 && r <= margin.len() {
                lines.push(place(&margin[r - 1]));
            }
            let total = r == n;
            let label = if total { "計" } else { LABELS[r] };
            let mut items: Vec<(usize, String)> = vec![];
            for (k, pair) in pairs.iter().take(GROUPS.len()).enumerate() {
                let (c, s) = if total {
                    (pair.total().to_string(), "100.0".to_string())
                } else {
                    (pair.counts[r].to_string(), pct(pair.shares[r]))
                };
                let (ce, se) = ends(k);
                if k == 0 && !total && c.len() >= 3 {
                    // A long count glued to its label, off its column.
                    items.push((12, format!("{label} {c} {s}")));
                    continue;
                }
                if k == 0 {
                    items.push((12, label.to_string()));
                }
                items.push((ce - c.len(), c));
                items.push((se - s.len(), s));
            }
            let side = &pairs[GROUPS.len()];
            if total || r < side_rows + 1 {
                items.push((side_label, label.to_string()));
            }
            if total || r < side_rows {
                let (c, s) = if total {
                    (side.total().to_string(), "100.0".to_string())
                } else {
                    (side.counts[r].to_string(), pct(side.shares[r]))
                };
                items.push((side_ends.0 - c.len(), c));
                items.push((side_ends.1 - s.len(), s));
            }
            lines.push(place(&items));
            let line = lines.len() as u32;
            if !total {
                at.push(line);
                if plant != Plant::None && b == pb && r == pr {
                    planted = Some((line, 0));
                }
            } else if let Some(p) = planted.as_mut().filter(|_| b == pb) {
                p.1 = line;
            }
        }
        row_lines.push(at);
    }
    lines.push(place(&[(side_label - 6, "(注) 兼務者を含む".into())]));
    Rendering {
        text: lines.join("\n"),
        planted,
        row_lines,
        blocks,
    }
}

fn loud(out: &DocOutput) -> Vec<Finding> {
    check::check_output(out, &Config::default())
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning)
        .collect()
}

/// The data cell of a line under a header path.
fn cell_at<'a>(out: &'a DocOutput, line: u32, header: &str) -> Option<&'a Cell> {
    out.cells
        .iter()
        .find(|c| !c.is_header && c.line == line && c.header == header)
}

/// What is wrong with the cells of a rendering, if anything.
fn cell_errors(r: &Rendering, out: &DocOutput) -> Vec<String> {
    let mut errs = vec![];
    for (b, pairs) in r.blocks.iter().enumerate() {
        let group = DATES[b].2;
        for (p, pair) in pairs.iter().enumerate() {
            let name = if p == GROUPS.len() {
                format!("{SIDE} (注)")
            } else {
                GROUPS[p].to_string()
            };
            for (row, (&count, &share)) in pair.counts.iter().zip(&pair.shares).enumerate() {
                let line = r.row_lines[b][row];
                let c = cell_at(out, line, &format!("{name} / 人数"));
                let s = cell_at(out, line, &format!("{name} / 構成比"));
                let ok = c.is_some_and(|c| c.value == Some(count as f64) && c.row_label == group)
                    && s.is_some_and(|s| s.text == pct(share) && s.row_label == group);
                if !ok {
                    errs.push(format!(
                        "line {line} {name}: want {count} {} under {group}, got {:?} / {:?}",
                        pct(share),
                        c.map(|c| (&c.text, &c.row_label)),
                        s.map(|s| (&s.text, &s.row_label))
                    ));
                }
            }
        }
    }
    errs
}

#[test]
fn multi_level_layout_tables_read_back_and_are_checked() {
    let mut failures = vec![];
    for seed in 0..12u64 {
        for plant in [Plant::None, Plant::Nudged, Plant::Wrong] {
            let r = render(seed, plant);
            let out = pipeline::process("layout.txt", r.text.as_bytes());
            for e in cell_errors(&r, &out) {
                failures.push(format!("seed {seed} {plant:?}: {e}"));
            }
            let found = loud(&out);
            let want = match plant {
                Plant::None => None,
                Plant::Nudged => Some(Severity::Warning),
                Plant::Wrong => Some(Severity::Error),
            };
            let got: Vec<(u32, &str, Severity)> = found
                .iter()
                .map(|f| (f.line, f.check.as_str(), f.severity))
                .collect();
            // A share further off also leaves its column's items short of
            // the 100.0 its total row prints.
            let expected: Vec<(u32, &str, Severity)> = match (r.planted, want) {
                (Some((line, _)), Some(Severity::Warning)) => {
                    vec![(line, "rate_vs_ratio", Severity::Warning)]
                }
                (Some((line, total)), Some(s)) => {
                    vec![(line, "rate_vs_ratio", s), (total, "total_vs_parts", s)]
                }
                _ => vec![],
            };
            if got != expected {
                failures.push(format!(
                    "seed {seed} {plant:?}: want {expected:?}, got {got:?}\n{}",
                    r.text
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn glued_rows_of_one_block_read_as_a_table() {
    // The shape at its smallest: no table beside, one block, no margin
    // label; only the glued sub-header and glued long counts make it one.
    let text = [
        place(&[(22, "男性".into()), (37, "女性".into())]),
        place(&[(12, "区分".into()), (23, "人数構成比人数構成比".into())]),
        place(&[
            (12, "第１区 120 60.0".into()),
            (39, "30".into()),
            (44, "37.5".into()),
        ]),
        place(&[
            (12, "第２区".into()),
            (25, "80".into()),
            (30, "40.0".into()),
            (39, "50".into()),
            (44, "62.5".into()),
        ]),
        place(&[
            (12, "計".into()),
            (24, "200".into()),
            (29, "100.0".into()),
            (39, "80".into()),
            (43, "100.0".into()),
        ]),
    ]
    .join("\n");
    let out = pipeline::process("small.txt", text.as_bytes());
    let c = cell_at(&out, 3, "男性 / 人数").map(|c| c.value);
    assert_eq!(c, Some(Some(120.0)), "{:#?}", out.cells);
    let s = cell_at(&out, 3, "男性 / 構成比").map(|c| c.text.as_str());
    assert_eq!(s, Some("60.0"));
    assert!(loud(&out).is_empty(), "{:?}", loud(&out));
}

#[test]
fn prose_and_plain_layouts_are_not_read_as_multi_level_tables() {
    // A plain aligned table stays with the plain reader (same cells as
    // before), and layout prose with numbers is no table.
    let plain = [
        place(&[
            (12, "区分".into()),
            (24, "本年度".into()),
            (36, "前年度".into()),
        ]),
        place(&[
            (12, "給料".into()),
            (25, "1,200".into()),
            (37, "1,100".into()),
        ]),
        place(&[(12, "手当".into()), (27, "300".into()), (39, "250".into())]),
        place(&[
            (12, "計".into()),
            (25, "1,500".into()),
            (37, "1,350".into()),
        ]),
    ]
    .join("\n");
    let out = pipeline::process("plain.txt", plain.as_bytes());
    assert_eq!(
        cell_at(&out, 3, "本年度").map(|c| c.row_label.as_str()),
        Some("手当")
    );
    let prose = "この計画は 12 の施策と  34 の事業からなる。\n令和６年度は  5 件を  実施した。\nなお  詳細は別表による。";
    let out = pipeline::process("prose.txt", prose.as_bytes());
    assert!(out.cells.is_empty(), "{:?}", out.cells);
}
