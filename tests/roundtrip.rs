//! Layout-generative round trip: facts (indicators with units, fiscal
//! years, targets, results, rates, totals) rendered as tables in every
//! combination of orientation, year notation, stance words, unit placement
//! and scale, totals, separators, full-width digits, carried-down labels
//! and an empty top-left cell. Each rendering is parsed and every fact must
//! come back with all its attributes; then one inconsistency is planted in
//! it and must be found. Accuracy is printed per dimension value, so a weak
//! spot shows by name (`cargo test --test roundtrip -- --nocapture`).

use std::collections::BTreeMap;

use planfacts::check::{self, Config};
use planfacts::model::{DocOutput, Finding, Measure, MeasureKind, Severity, Stance};
use planfacts::pipeline;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Orient {
    /// Years as columns, indicator × stance as rows.
    YearCols,
    /// Years as rows, indicators spanning stance sub-columns.
    YearRows,
    /// Years spanning stance sub-columns, indicators as rows.
    YearGroups,
    /// Stances spanning year sub-columns, indicators as rows.
    StanceGroups,
    /// One record per year and indicator, its year in a `年度` column
    /// (record-per-row exports), stances as columns.
    Records,
    /// Records keyed as review sheets print them: a sheet kind, the sheet's
    /// own year (`事業年度`) first, then the figures' year (`予算年度`) next
    /// to the figures, which it dates.
    RecordsKeyed,
}

const ORIENTS: [Orient; 6] = [
    Orient::YearCols,
    Orient::YearRows,
    Orient::YearGroups,
    Orient::StanceGroups,
    Orient::Records,
    Orient::RecordsKeyed,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notation {
    Nendo,
    R,
    Reiwa,
    ReiwaWide,
    H,
    Heisei,
    Fy,
    Bare,
    Nth,
    /// `前年度 | 本年度 | 令和6年度`: years relative to the plan's, fixed by
    /// the explicit column after them.
    Relative,
    /// `5年度 | 6年度 | 7年度`: the era is the one the document last named.
    EraLess,
    /// `29年度 | 30年度 | 31年度` under a 平成 context.
    EraLessHeisei,
}

const NOTATIONS: [Notation; 12] = [
    Notation::Nendo,
    Notation::R,
    Notation::Reiwa,
    Notation::ReiwaWide,
    Notation::H,
    Notation::Heisei,
    Notation::Fy,
    Notation::Bare,
    Notation::Nth,
    Notation::Relative,
    Notation::EraLess,
    Notation::EraLessHeisei,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnitAt {
    Cell,
    Header,
    Column,
    Line,
    Caption,
}

const UNIT_ATS: [UnitAt; 5] = [
    UnitAt::Cell,
    UnitAt::Header,
    UnitAt::Column,
    UnitAt::Line,
    UnitAt::Caption,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Totals {
    None,
    /// `計` as a row (years as rows) or a column / group.
    Kei,
    /// `3か年累計` as a column / group / row.
    Ruikei,
}

const TOTALS: [Totals; 3] = [Totals::None, Totals::Kei, Totals::Ruikei];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Tab,
    Pipe,
    Html,
    Spaces,
    Csv,
}

const SEPS: [Sep; 5] = [Sep::Tab, Sep::Pipe, Sep::Html, Sep::Spaces, Sep::Csv];

/// Unit, scale, the scaled unit as printed, and two indicators counted in it.
const SCALES: [(&str, f64, &str, [&str; 2]); 5] = [
    ("人", 1.0, "人", ["研修受講者数", "講座参加者数"]),
    ("円", 1000.0, "千円", ["事業費", "補助金交付額"]),
    ("円", 1_000_000.0, "百万円", ["歳出予算額", "投資的経費"]),
    ("人", 1000.0, "千人", ["来場者数", "観光入込客数"]),
    ("人", 10_000.0, "万人", ["利用者数", "宿泊者数"]),
];

/// Stance words, budget stages among them (`予算額`, `要求額`, `執行額`).
const PLANNED: [&str; 7] = [
    "目標",
    "目標値",
    "計画",
    "計画値",
    "見込",
    "予算額",
    "要求額",
];
const ACHIEVED: [&str; 7] = [
    "実績",
    "実績値",
    "決算",
    "現状値",
    "基準値",
    "決算額",
    "執行額",
];
const RATES: [&str; 4] = ["達成率", "進捗率", "達成度", "執行率"];

#[derive(Debug, Clone, Copy)]
struct Dims {
    orient: Orient,
    notation: Notation,
    unit_at: UnitAt,
    totals: Totals,
    sep: Sep,
    scale: usize,
    stances: (usize, usize, usize),
    wide: bool,
    carry: bool,
    empty_corner: bool,
    /// A page break (`- 1 -`) inside the table, its header printed again after it.
    page_break: bool,
}

impl Dims {
    /// Dimension name and value, for the accuracy table.
    fn values(&self) -> Vec<(String, String)> {
        let s = |n: &str, v: String| (n.to_string(), v);
        vec![
            s("orientation", format!("{:?}", self.orient)),
            s("year notation", format!("{:?}", self.notation)),
            s("unit placement", format!("{:?}", self.unit_at)),
            s("scale", SCALES[self.scale].2.to_string()),
            s("totals", format!("{:?}", self.totals)),
            s("separator", format!("{:?}", self.sep)),
            s("planned word", PLANNED[self.stances.0].to_string()),
            s("achieved word", ACHIEVED[self.stances.1].to_string()),
            s("rate word", RATES[self.stances.2].to_string()),
            s("full-width digits", self.wide.to_string()),
            s("carried-down labels", self.carry.to_string()),
            s("empty top-left", self.empty_corner.to_string()),
            s("page break", self.page_break.to_string()),
        ]
    }

    /// Combinations that no document prints.
    fn valid(&self) -> bool {
        let records = matches!(self.orient, Orient::Records | Orient::RecordsKeyed);
        let era_less = matches!(self.notation, Notation::EraLess | Notation::EraLessHeisei);
        match (self.orient, self.notation) {
            // A bare year needs a year header above or beside it.
            (Orient::StanceGroups, Notation::Bare) => return false,
            (Orient::YearRows | Orient::Records, Notation::Bare) if self.empty_corner => {
                return false
            }
            // Relative years head columns of a plan's tables; rows and
            // records name their years outright.
            (Orient::YearRows, Notation::Relative) => return false,
            (_, Notation::Relative) if records => return false,
            _ => {}
        }
        // A CSV file is one table: no line before it gives the era.
        if era_less && self.sep == Sep::Csv {
            return false;
        }
        // Two year fields and a total row: no export prints one.
        if self.orient == Orient::RecordsKeyed && self.totals != Totals::None {
            return false;
        }
        // A 単位 column states one unit per row: years as rows have none.
        !(self.orient == Orient::YearRows && self.unit_at == UnitAt::Column)
    }
}

/// One fact to read back.
#[derive(Debug, Clone)]
struct Fact {
    value: f64,
    unit: &'static str,
    stance: Stance,
    measure: MeasureKind,
    fy: (i32, i32),
    cumulative: bool,
    indicator: &'static str,
}

/// Figures of one indicator: per-year targets and results (printed numbers,
/// before scale), and the rates.
struct Series {
    targets: Vec<i64>,
    results: Vec<i64>,
}

fn rate(result: i64, target: i64) -> f64 {
    (result as f64 / target as f64 * 1000.0).round() / 10.0
}

fn group_digits(n: i64) -> String {
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn year_label(n: Notation, fy: i32, step: usize) -> String {
    let reiwa = fy - 2018;
    let heisei = fy - 1988;
    match n {
        Notation::Nendo => format!("{fy}年度"),
        Notation::R => format!("R{reiwa}"),
        Notation::Reiwa => format!("令和{reiwa}年度"),
        Notation::ReiwaWide => format!("令和{}年度", to_wide(&reiwa.to_string())),
        Notation::H => format!("H{heisei}"),
        Notation::Heisei => format!("平成{heisei}年度"),
        Notation::Fy => format!("FY{fy}"),
        Notation::Bare => fy.to_string(),
        Notation::Nth => format!("{}年目（{fy}年度）", step + 1),
        Notation::Relative => match step {
            0 => "前年度".to_string(),
            1 => "本年度".to_string(),
            _ => format!("令和{reiwa}年度"),
        },
        Notation::EraLess => format!("{reiwa}年度"),
        Notation::EraLessHeisei => format!("{heisei}年度"),
    }
}

/// A line before the table naming the era its era-less years belong to.
fn era_context(n: Notation, fy: i32) -> Option<String> {
    match n {
        Notation::EraLess => Some(format!("令和{}年3月策定", fy - 2018)),
        Notation::EraLessHeisei => Some(format!("平成{}年3月策定", fy - 1988)),
        _ => None,
    }
}

fn to_wide(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            ',' => '，',
            '%' => '％',
            '.' => '．',
            _ => c,
        })
        .collect()
}

/// A rendering: the document's bytes, its file name, and the facts in it.
struct Rendering {
    name: &'static str,
    text: String,
    facts: Vec<Fact>,
}

/// The table as a grid of strings ("" = empty), plus the lines above it.
struct Table {
    above: Vec<String>,
    rows: Vec<Vec<String>>,
    header_rows: usize,
    /// Data row before which a page ends (the header is printed again).
    page_break: Option<usize>,
}

const YEARS: usize = 3;

fn render(d: &Dims, seed: u64, plant: bool) -> Rendering {
    let (unit, scale, scaled, inds) = SCALES[d.scale];
    let heisei = matches!(d.notation, Notation::H | Notation::Heisei);
    let y0 = if heisei {
        2015 + (seed % 2) as i32
    } else if d.notation == Notation::EraLessHeisei {
        // Up to 平成31年度: years past the era's end are read alike, but
        // `era_vs_western` warns of them (a year that never existed).
        2016 + (seed % 2) as i32
    } else {
        2021 + (seed % 3) as i32
    };
    let years: Vec<i32> = (0..YEARS as i32).map(|k| y0 + k).collect();
    let p_word = PLANNED[d.stances.0];
    let a_word = ACHIEVED[d.stances.1];
    let r_word = RATES[d.stances.2];
    let base: i64 = match d.scale {
        4 => 40,
        _ => 300 + (seed % 7) as i64 * 110,
    };
    let mut series: Vec<Series> = (0..2i64)
        .map(|i| {
            let targets: Vec<i64> = (0..YEARS as i64)
                .map(|k| base * (2 + i) + k * base / 5 + 3 * i + k)
                .collect();
            let results: Vec<i64> = targets
                .iter()
                .enumerate()
                .map(|(k, t)| t * (80 + 7 * k as i64 + 3 * i) / 100 + 1)
                .collect();
            Series { targets, results }
        })
        .collect();
    let mut facts = vec![];
    for (i, s) in series.iter().enumerate() {
        for (k, fy) in years.iter().enumerate() {
            facts.push(Fact {
                value: s.targets[k] as f64 * scale,
                unit,
                stance: Stance::Planned,
                measure: if unit == "円" {
                    MeasureKind::Amount
                } else {
                    MeasureKind::Count
                },
                fy: (*fy, *fy),
                cumulative: false,
                indicator: inds[i],
            });
            facts.push(Fact {
                value: s.results[k] as f64 * scale,
                stance: Stance::Achieved,
                ..facts.last().cloned().unwrap()
            });
            facts.push(Fact {
                value: rate(s.results[k], s.targets[k]),
                unit: "%",
                stance: Stance::Achieved,
                measure: MeasureKind::Rate,
                fy: (*fy, *fy),
                cumulative: false,
                indicator: inds[i],
            });
        }
        if d.totals != Totals::None {
            let (tt, rt): (i64, i64) = (s.targets.iter().sum(), s.results.iter().sum());
            let span = (years[0], years[YEARS - 1]);
            for (v, st, m, u) in [
                (
                    tt as f64 * scale,
                    Stance::Planned,
                    if unit == "円" {
                        MeasureKind::Amount
                    } else {
                        MeasureKind::Count
                    },
                    unit,
                ),
                (
                    rt as f64 * scale,
                    Stance::Achieved,
                    if unit == "円" {
                        MeasureKind::Amount
                    } else {
                        MeasureKind::Count
                    },
                    unit,
                ),
                (rate(rt, tt), Stance::Achieved, MeasureKind::Rate, "%"),
            ] {
                facts.push(Fact {
                    value: v,
                    unit: u,
                    stance: st,
                    measure: m,
                    fy: span,
                    cumulative: true,
                    indicator: inds[i],
                });
            }
        }
    }
    // The planted inconsistency: one result changed, its total and rate kept.
    let (printed_results, printed_total_results): (Vec<Vec<i64>>, Vec<i64>) = {
        let totals = series.iter().map(|s| s.results.iter().sum()).collect();
        if plant {
            let k = 1;
            let bump = series[0].targets[k] / 6 + 2;
            series[0].results[k] += bump;
        }
        (series.iter().map(|s| s.results.clone()).collect(), totals)
    };

    let num = |n: i64| -> String {
        match d.unit_at {
            UnitAt::Cell => format!("{}{scaled}", group_digits(n)),
            _ => group_digits(n),
        }
    };
    let pct = |v: f64| -> String {
        match d.unit_at {
            UnitAt::Header => format!("{v:.1}"),
            _ => format!("{v:.1}%"),
        }
    };
    let ind_label = |i: usize| -> String {
        match d.unit_at {
            UnitAt::Header => format!("{}（{scaled}）", inds[i]),
            _ => inds[i].to_string(),
        }
    };
    let r_head = match d.unit_at {
        UnitAt::Header => format!("{r_word}（%）"),
        _ => r_word.to_string(),
    };
    let total_label = match d.totals {
        Totals::Ruikei => format!("{YEARS}か年累計"),
        _ => "計".to_string(),
    };
    let has_total = d.totals != Totals::None;
    let corner = |text: &str| -> String {
        if d.empty_corner {
            String::new()
        } else {
            text.to_string()
        }
    };
    let unit_col = d.unit_at == UnitAt::Column;
    let ylabels: Vec<String> = years
        .iter()
        .enumerate()
        .map(|(k, fy)| year_label(d.notation, *fy, k))
        .collect();
    let bare = d.notation == Notation::Bare;
    // Printed figures of indicator i: targets, results, rates, with totals.
    let figures = |i: usize| -> (Vec<String>, Vec<String>, Vec<String>) {
        let s = &series[i];
        let mut t: Vec<String> = s.targets.iter().map(|v| num(*v)).collect();
        let mut r: Vec<String> = printed_results[i].iter().map(|v| num(*v)).collect();
        // Rates as printed before the planted change: the clean ones.
        let clean_results: Vec<i64> = if plant && i == 0 {
            let mut c = printed_results[0].clone();
            c[1] -= s.targets[1] / 6 + 2;
            c
        } else {
            printed_results[i].clone()
        };
        let mut p: Vec<String> = clean_results
            .iter()
            .zip(&s.targets)
            .map(|(r, t)| pct(rate(*r, *t)))
            .collect();
        if has_total {
            let tt: i64 = s.targets.iter().sum();
            let rt = printed_total_results[i];
            t.push(num(tt));
            r.push(num(rt));
            p.push(pct(rate(rt, tt)));
        }
        (t, r, p)
    };
    let mut rows: Vec<Vec<String>> = vec![];
    let header_rows;
    match d.orient {
        Orient::YearCols => {
            let mut lead = vec![corner("指標")];
            if unit_col {
                lead.push("単位".into());
            }
            lead.push("区分".into());
            let blank_lead = vec![String::new(); lead.len()];
            if bare {
                let mut h1 = lead.clone();
                h1.push("年度".into());
                h1.extend(vec![String::new(); YEARS - 1]);
                let mut h2 = blank_lead.clone();
                h2.extend(ylabels.iter().cloned());
                if has_total {
                    h1.push(total_label.clone());
                    h2.push(String::new());
                }
                rows.push(h1);
                rows.push(h2);
                header_rows = 2;
            } else {
                let mut h = lead.clone();
                h.extend(ylabels.iter().cloned());
                if has_total {
                    h.push(total_label.clone());
                }
                rows.push(h);
                header_rows = 1;
            }
            for i in 0..2 {
                let (t, r, p) = figures(i);
                for (k, (word, vals, u)) in [
                    (p_word.to_string(), t, scaled),
                    (a_word.to_string(), r, scaled),
                    (r_head.clone(), p, "%"),
                ]
                .into_iter()
                .enumerate()
                {
                    let mut row = vec![if k == 0 || !d.carry {
                        ind_label(i)
                    } else {
                        String::new()
                    }];
                    if unit_col {
                        row.push(u.to_string());
                    }
                    row.push(word);
                    row.extend(vals);
                    rows.push(row);
                }
            }
        }
        Orient::YearRows => {
            let mut h1 = vec![corner("年度")];
            let mut h2 = vec![String::new()];
            for i in 0..2 {
                h1.push(ind_label(i));
                h1.push(String::new());
                h1.push(String::new());
                h2.push(p_word.to_string());
                h2.push(a_word.to_string());
                h2.push(r_head.clone());
            }
            rows.push(h1);
            rows.push(h2);
            header_rows = 2;
            let figs: Vec<_> = (0..2).map(figures).collect();
            let n = YEARS + usize::from(has_total);
            for k in 0..n {
                let mut row = vec![ylabels.get(k).cloned().unwrap_or(total_label.clone())];
                for (t, r, p) in &figs {
                    row.push(t[k].clone());
                    row.push(r[k].clone());
                    row.push(p[k].clone());
                }
                rows.push(row);
            }
        }
        Orient::Records | Orient::RecordsKeyed => {
            let keyed = d.orient == Orient::RecordsKeyed;
            // The sheet's own year: the last year of the figures, printed bare.
            let sheet_year = years[YEARS - 1].to_string();
            let mut h = vec![];
            if keyed {
                h.push("シート種別".to_string());
                h.push("事業年度".to_string());
                h.push(corner("指標"));
                h.push("予算年度".to_string());
            } else {
                h.push(corner("年度"));
                h.push("指標".to_string());
            }
            if unit_col {
                h.push("単位".into());
            }
            h.push(p_word.to_string());
            h.push(a_word.to_string());
            h.push(r_head.clone());
            rows.push(h);
            header_rows = 1;
            let figs: Vec<_> = (0..2).map(figures).collect();
            let n = YEARS + usize::from(has_total);
            for k in 0..n {
                for (i, (t, r, p)) in figs.iter().enumerate() {
                    let year = ylabels.get(k).cloned().unwrap_or(total_label.clone());
                    // Carried down: the year printed on its first record only.
                    let year = if i > 0 && d.carry && !keyed {
                        String::new()
                    } else {
                        year
                    };
                    let mut row = vec![];
                    if keyed {
                        row.push("レビューシート".to_string());
                        row.push(sheet_year.clone());
                        row.push(ind_label(i));
                        row.push(year);
                    } else {
                        row.push(year);
                        row.push(ind_label(i));
                    }
                    if unit_col {
                        row.push(scaled.to_string());
                    }
                    row.push(t[k].clone());
                    row.push(r[k].clone());
                    row.push(p[k].clone());
                    rows.push(row);
                }
            }
        }
        Orient::YearGroups | Orient::StanceGroups => {
            let mut lead = vec![corner("施策"), "指標".to_string()];
            if unit_col {
                lead.push("単位".into());
            }
            let blank_lead = vec![String::new(); lead.len()];
            let mut periods: Vec<String> = ylabels.clone();
            if has_total {
                periods.push(total_label.clone());
            }
            let stances = [p_word.to_string(), a_word.to_string(), r_head.clone()];
            let (outer, inner): (Vec<String>, Vec<String>) = if d.orient == Orient::YearGroups {
                (periods.clone(), stances.to_vec())
            } else {
                (stances.to_vec(), periods.clone())
            };
            let mut h1 = lead.clone();
            let mut h2 = blank_lead.clone();
            for o in &outer {
                for (j, inn) in inner.iter().enumerate() {
                    h1.push(if j == 0 { o.clone() } else { String::new() });
                    h2.push(inn.clone());
                }
            }
            if bare {
                // `年度` spans the years (and the total) above them.
                let mut h0 = lead.clone();
                h0.push("年度".into());
                h0.extend(vec![String::new(); h1.len() - lead.len() - 1]);
                for c in h1.iter_mut().take(lead.len()) {
                    c.clear();
                }
                rows.push(h0);
                header_rows = 3;
            } else {
                header_rows = 2;
            }
            rows.push(h1);
            rows.push(h2);
            for i in 0..2 {
                let (t, r, p) = figures(i);
                let mut row = vec![if i == 0 || !d.carry {
                    "施策A".to_string()
                } else {
                    String::new()
                }];
                row.push(ind_label(i));
                if unit_col {
                    row.push(scaled.to_string());
                }
                let by_stance = [t, r, p];
                for (oi, _) in outer.iter().enumerate() {
                    for (ii, _) in inner.iter().enumerate() {
                        let (si, pi) = if d.orient == Orient::YearGroups {
                            (ii, oi)
                        } else {
                            (oi, ii)
                        };
                        row.push(by_stance[si][pi].clone());
                    }
                }
                rows.push(row);
            }
        }
    }
    let theme = format!("■ {}の推移", inds[0]);
    let mut above: Vec<String> = era_context(d.notation, y0).into_iter().collect();
    match d.unit_at {
        UnitAt::Caption => above.push(format!("{theme}（単位：{scaled}）")),
        UnitAt::Line => {
            above.push(theme);
            above.push(format!("（単位：{scaled}）"));
        }
        _ => above.push(theme),
    }
    let data_rows = rows.len() - header_rows;
    let table = Table {
        above,
        rows,
        header_rows,
        page_break: d.page_break.then_some(header_rows + data_rows.div_ceil(2)),
    };
    let table = if d.wide {
        // Full-width digits inside the cells; the separators stay as they are.
        Table {
            above: table.above.iter().map(|a| to_wide(a)).collect(),
            rows: table
                .rows
                .iter()
                .map(|r| r.iter().map(|c| to_wide(c)).collect())
                .collect(),
            ..table
        }
    } else {
        table
    };
    let (name, text) = serialize(&table, d.sep);
    Rendering { name, text, facts }
}

/// Display width: CJK and full-width chars take two columns.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn serialize(t: &Table, sep: Sep) -> (&'static str, String) {
    let mut out = String::new();
    let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
    match sep {
        Sep::Csv => {
            for a in &t.above {
                out.push_str(&csv_field(a));
                out.push('\n');
            }
            for r in &t.rows {
                let fields: Vec<String> = r.iter().map(|c| csv_field(c)).collect();
                out.push_str(&fields.join(","));
                out.push('\n');
            }
            return ("roundtrip.csv", out);
        }
        _ => {
            for a in &t.above {
                out.push_str(a);
                out.push_str("\n\n");
            }
        }
    }
    // Rows as printed: at a page break, a page marker and the header again.
    let mut printed: Vec<Option<&Vec<String>>> = vec![];
    for (i, r) in t.rows.iter().enumerate() {
        if t.page_break == Some(i) {
            printed.push(None);
            printed.extend(t.rows.iter().take(t.header_rows).map(Some));
        }
        printed.push(Some(r));
    }
    const PAGE_END: &str = "\n- 1 -\n\n";
    match sep {
        Sep::Tab => {
            for r in &printed {
                match r {
                    Some(r) => {
                        out.push_str(&r.join("\t"));
                        out.push('\n');
                    }
                    None => out.push_str(PAGE_END),
                }
            }
        }
        Sep::Pipe => {
            let mut first = true;
            for r in &printed {
                let Some(r) = r else {
                    out.push_str(PAGE_END);
                    first = true;
                    continue;
                };
                out.push_str("| ");
                out.push_str(&r.join(" | "));
                out.push_str(" |\n");
                if first {
                    out.push_str(&"|---".repeat(cols));
                    out.push_str("|\n");
                    first = false;
                }
            }
        }
        Sep::Html => {
            out.push_str("<table>\n");
            for (i, r) in t.rows.iter().enumerate() {
                let tag = if i < t.header_rows { "th" } else { "td" };
                out.push_str("<tr>");
                for c in r {
                    out.push_str(&format!("<{tag}>{c}</{tag}>"));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</table>\n");
        }
        Sep::Spaces => {
            let widths: Vec<usize> = (0..cols)
                .map(|c| {
                    t.rows
                        .iter()
                        .map(|r| r.get(c).map_or(0, |s| width(s)))
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            // As layout-preserving PDF text prints them: figures flush
            // right in their column, words flush left.
            for r in &printed {
                let Some(r) = r else {
                    out.push_str(PAGE_END);
                    continue;
                };
                let mut line = String::new();
                for (c, w) in widths.iter().enumerate() {
                    let cell = r.get(c).map_or("", String::as_str);
                    let pad = " ".repeat(w - width(cell));
                    let figure = cell
                        .starts_with(|ch: char| ch.is_ascii_digit() || ('０'..='９').contains(&ch))
                        && !cell.contains('年');
                    if figure {
                        line.push_str(&pad);
                        line.push_str(cell);
                    } else {
                        line.push_str(cell);
                        line.push_str(&pad);
                    }
                    line.push_str("   ");
                }
                out.push_str(line.trim_end());
                out.push('\n');
            }
        }
        Sep::Csv => {}
    }
    ("roundtrip.txt", out)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn findings(out: &DocOutput) -> Vec<Finding> {
    check::check_output(out, &Config::default())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// Which attribute of a fact was wrong, or `None` when it was read right.
fn judge(fact: &Fact, measures: &[Measure]) -> Option<&'static str> {
    let candidates: Vec<&Measure> = measures
        .iter()
        .filter(|m| close(m.value, fact.value))
        .collect();
    if candidates.is_empty() {
        return Some("value");
    }
    let mut worst = "indicator";
    for m in candidates {
        let wrong = if m.unit.as_deref() != Some(fact.unit) {
            Some("unit")
        } else if m.stance != fact.stance {
            Some("stance")
        } else if m.measure != fact.measure {
            Some("measure")
        } else if m.fy_start != Some(fact.fy.0) {
            Some("fy_start")
        } else if m.fy_end != Some(fact.fy.1) {
            Some("fy_end")
        } else if m.cumulative != fact.cumulative {
            Some("cumulative")
        } else if !m
            .indicator
            .as_deref()
            .is_some_and(|i| i.contains(fact.indicator))
        {
            Some("indicator")
        } else {
            None
        };
        match wrong {
            None => return None,
            Some(w) => worst = w,
        }
    }
    Some(worst)
}

/// A fixed scramble of a counter (SplitMix64), so that the dimensions the
/// counter picks do not move in step with the ones the loops pick.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn all_dims() -> Vec<Dims> {
    let mut out = vec![];
    let mut n: usize = 0;
    for orient in ORIENTS {
        for notation in NOTATIONS {
            for unit_at in UNIT_ATS {
                for totals in TOTALS {
                    for sep in SEPS {
                        n += 1;
                        // The other dimensions vary with the counter, each
                        // value meeting every combination above in turn.
                        let pick =
                            |salt: u64, k: usize| (mix(n as u64 * 31 + salt) % k as u64) as usize;
                        let d = Dims {
                            orient,
                            notation,
                            unit_at,
                            totals,
                            sep,
                            scale: pick(1, SCALES.len()),
                            stances: (
                                pick(2, PLANNED.len()),
                                pick(3, ACHIEVED.len()),
                                pick(4, RATES.len()),
                            ),
                            wide: pick(5, 2) == 1,
                            carry: pick(6, 2) == 0,
                            empty_corner: pick(7, 2) == 1,
                            // CSV files and HTML tables have no pages.
                            page_break: pick(8, 2) == 1 && !matches!(sep, Sep::Csv | Sep::Html),
                        };
                        if d.valid() {
                            out.push(d);
                        }
                    }
                }
            }
        }
    }
    out
}

#[derive(Default, Clone, Copy)]
struct Tally {
    right: usize,
    total: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.right += usize::from(ok);
    }
    fn pct(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            100.0 * self.right as f64 / self.total as f64
        }
    }
}

/// Facts read with every attribute right, over all renderings (%).
const FACTS_FLOOR: f64 = 99.0;
/// The same, within every single dimension value (%).
const DIMENSION_FLOOR: f64 = 97.0;
/// Planted inconsistencies found, over all renderings (%).
const PLANTED_FLOOR: f64 = 97.0;

#[test]
fn tables_of_every_layout_read_back() {
    let dims = all_dims();
    let mut facts = Tally::default();
    let mut planted = Tally::default();
    let mut by_dim: BTreeMap<(String, String), (Tally, Tally)> = BTreeMap::new();
    let mut wrong_attr: BTreeMap<&str, usize> = BTreeMap::new();
    let mut clean_findings: Vec<String> = vec![];
    let mut examples: BTreeMap<String, String> = BTreeMap::new();
    let show = std::env::var("ROUNDTRIP_SHOW").ok();
    for (seed, d) in dims.iter().enumerate() {
        let r = render(d, seed as u64, false);
        let out = pipeline::process(r.name, r.text.as_bytes());
        let mut here = Tally::default();
        for f in &r.facts {
            let wrong = judge(f, &out.measures);
            if let Some(w) = wrong {
                *wrong_attr.entry(w).or_default() += 1;
                let key = format!("{:?}/{:?}/{w}", d.orient, d.sep);
                examples.entry(key).or_insert_with(|| {
                    format!("{f:?}\n{}\n{:#?}", r.text, summarize(&out.measures))
                });
            }
            here.add(wrong.is_none());
        }
        let loud: Vec<String> = findings(&out)
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| format!("{}: {}", f.check, f.message))
            .collect();
        if !loud.is_empty() && clean_findings.len() < 5 {
            clean_findings.push(format!("{}\n{}", r.text, loud.join("\n")));
        }
        let p = render(d, seed as u64, true);
        let pout = pipeline::process(p.name, p.text.as_bytes());
        // A planted inconsistency is found when a new error or warning appears.
        let caught = findings(&pout)
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .count()
            > loud.len();
        planted.add(caught);
        if !caught {
            let key = format!("planted {:?}/{:?}/{:?}", d.orient, d.sep, d.unit_at);
            examples
                .entry(key)
                .or_insert_with(|| format!("{}\n{:#?}", p.text, summarize(&pout.measures)));
        }
        facts.right += here.right;
        facts.total += here.total;
        for v in d.values() {
            let e = by_dim.entry(v).or_default();
            e.0.right += here.right;
            e.0.total += here.total;
            e.1.add(caught);
        }
    }
    println!(
        "round trip: {} renderings, {} facts, {:.2}% read right, {:.2}% of planted inconsistencies found",
        dims.len(),
        facts.total,
        facts.pct(),
        planted.pct()
    );
    println!(
        "{:<22} {:<16} {:>8} {:>8}",
        "dimension", "value", "facts%", "found%"
    );
    let mut worst_dim: f64 = 100.0;
    for ((dim, val), (f, p)) in &by_dim {
        println!("{dim:<22} {val:<16} {:>8.2} {:>8.2}", f.pct(), p.pct());
        worst_dim = worst_dim.min(f.pct());
    }
    println!("wrong attribute counts: {wrong_attr:?}");
    println!(
        "renderings with error/warning findings when clean: {}",
        clean_findings.len()
    );
    if let Some(filter) = show {
        for (k, e) in &examples {
            if k.contains(&filter) {
                println!("---- {k}\n{e}");
            }
        }
        for c in &clean_findings {
            println!("---- clean finding\n{c}");
        }
    }
    assert!(dims.len() >= 2000, "only {} renderings", dims.len());
    assert!(
        clean_findings.is_empty(),
        "error or warning findings on clean renderings:\n{}",
        clean_findings.join("\n----\n")
    );
    assert!(facts.pct() >= FACTS_FLOOR, "facts {:.2}%", facts.pct());
    assert!(
        worst_dim >= DIMENSION_FLOOR,
        "worst dimension {worst_dim:.2}%"
    );
    assert!(
        planted.pct() >= PLANTED_FLOOR,
        "planted {:.2}%",
        planted.pct()
    );
}

fn summarize(ms: &[Measure]) -> Vec<String> {
    ms.iter()
        .map(|m| {
            format!(
                "{} v={} u={:?} {:?} {:?} fy={:?}-{:?} cum={} ind={:?} ({},{})",
                m.raw,
                m.value,
                m.unit,
                m.stance,
                m.measure,
                m.fy_start,
                m.fy_end,
                m.cumulative,
                m.indicator,
                m.table_row.unwrap_or(99),
                m.table_col.unwrap_or(99)
            )
        })
        .collect()
}
