//! Shares of one whole (`構成比`, `割合`, a survey's answers of `n＝2,048`),
//! for two checks:
//! - `rate_vs_ratio`: a line of shares (a column, or a row read across)
//!   right after a line of counts: each share is its count ÷ the whole,
//!   the whole being the `n＝N` the table prints (in a header, a row label
//!   or the caption), else its total line (`計`, `合計`, `総数`, `全体`),
//!   else the sum of the items. Several (count, share) pairs side by side
//!   are each checked against their own whole.
//! - `total_vs_parts`: shares with no counts beside them that split one
//!   whole (a `構成比` column, row or key-value line, or a column whose
//!   total prints 100) must add up to 100.
//!
//! A line counts as shares when its name holds a share word, or when its
//! total prints 100 in a percent or decimal figure; its figures are all
//! between 0 and 100, with no unit but `%`.
//! Tolerance: half a unit of the share's last digit, widened by how far
//! rounding of the count and the whole can move the ratio; for a sum, half
//! a unit of each share. A share one unit further off, in a line whose
//! items print exactly 100 in all, was nudged by its publisher to make the
//! line add up: a `warning` that says so. Nothing is compared unless at
//! least half the shares of the line fit their counts (a line of shares of
//! another base, such as a multiple-answer question's, is not this shape).

use std::collections::BTreeMap;

use super::common::Role;
use super::common::{differs, finding, fmt_num, ids, one_line, CheckId, Settings};
use super::grid::{names_any, printed_base, Grid, Slot};
use super::DocFacts;
use crate::model::{BlockKind, Finding, MeasureKind, Severity};
use crate::vocab::table_words::{COMPOSITION_WORDS, MULTI_ANSWER_MARKS, RATE_WORDS, SHARE_WORDS};

/// A line of shares in one grid.
struct ShareLine<'g, 'a> {
    grid: &'g Grid<'a>,
    line: u32,
    shares: &'g BTreeMap<u32, Slot<'a>>,
    /// The position of the whole (`計`, `全体`), if one.
    total: Option<u32>,
    /// The line the shares are of: the counts right before it.
    counts: Option<&'g BTreeMap<u32, Slot<'a>>>,
    /// The name or the total says the shares split one whole.
    composition: bool,
}

impl ShareLine<'_, '_> {
    /// Items: positions that are neither a total nor a breakdown.
    fn items(&self) -> impl Iterator<Item = (&u32, &Slot<'_>)> {
        self.shares
            .iter()
            .filter(|(p, _)| self.grid.role(**p).is_none())
    }
}

fn share_lines<'g, 'a>(grid: &'g Grid<'a>) -> Vec<ShareLine<'g, 'a>> {
    let mut out = Vec::new();
    for (&line, shares) in &grid.lines {
        if shares.len() < 2
            || !shares.values().all(|s| {
                s.inner.is_none()
                    && !s.main.other_unit
                    && (0.0..=100.0 + s.main.half).contains(&s.main.value)
            })
        {
            continue;
        }
        let name = grid.name(line);
        let roles: Vec<(u32, Role)> = shares
            .keys()
            .filter_map(|p| grid.role(*p).map(|r| (*p, r)))
            .filter(|(_, r)| *r != Role::Breakdown)
            .collect();
        let grand: Vec<u32> = roles
            .iter()
            .filter(|(_, r)| *r == Role::Grand)
            .map(|(p, _)| *p)
            .collect();
        let total = match (grand.as_slice(), roles.as_slice()) {
            ([one], _) => Some(*one),
            ([], [(one, _)]) => Some(*one),
            _ => None,
        };
        let prints_100 = total
            .and_then(|p| shares.get(&p))
            .is_some_and(|s| !differs(s.main.value, 100.0, 0.0));
        let decimal = shares
            .values()
            .any(|s| s.main.percent || s.main.decimals > 0);
        let named = names_any(name, SHARE_WORDS);
        if !(named || (prints_100 && decimal)) {
            continue;
        }
        let counts = grid
            .lines
            .range(..line)
            .next_back()
            .map(|(k, slots)| (grid.name(*k), slots))
            .filter(|(name, slots)| {
                !names_any(name, RATE_WORDS)
                    && !names_any(name, SHARE_WORDS)
                    && slots.values().all(|s| !s.main.percent)
                    && shares.keys().filter(|p| slots.contains_key(p)).count() * 2 >= shares.len()
            })
            .map(|(_, slots)| slots);
        out.push(ShareLine {
            grid,
            line,
            shares,
            total,
            counts,
            composition: prints_100 || names_any(name, COMPOSITION_WORDS),
        });
    }
    out
}

/// The whole the shares are of, and what it is, with its rounding and ids.
struct Whole {
    value: f64,
    half: f64,
    what: String,
    ids: Vec<u32>,
}

fn whole(sl: &ShareLine<'_, '_>, counts: &BTreeMap<u32, Slot<'_>>) -> Option<Whole> {
    let grid = sl.grid;
    let total_label = sl.total.map_or("", |p| grid.label(p));
    let count_line = counts
        .values()
        .next()
        .map_or(String::new(), |s| s.cell.header.clone());
    let named = [
        grid.name(sl.line),
        count_line.as_str(),
        total_label,
        grid.caption.as_str(),
    ];
    if let Some(n) = named.iter().find_map(|t| printed_base(t)) {
        return Some(Whole {
            value: n,
            half: 0.0,
            what: format!("n={}", fmt_num(n, 0)),
            ids: Vec::new(),
        });
    }
    if let Some(t) = sl.total.and_then(|p| counts.get(&p)) {
        return Some(Whole {
            value: t.main.value,
            half: t.main.half,
            what: format!(
                "{} {}",
                one_line(super::grid::last_segment(total_label)),
                t.main.raw
            ),
            ids: t.main.measure_id.into_iter().collect(),
        });
    }
    let items: Vec<&Slot<'_>> = counts
        .iter()
        .filter(|(p, _)| grid.role(**p).is_none())
        .map(|(_, s)| s)
        .collect();
    (items.len() >= 2).then(|| Whole {
        value: items.iter().map(|s| s.main.value).sum(),
        half: items.iter().map(|s| s.main.half).sum(),
        what: format!(
            "{} (the sum of the {} items)",
            fmt_num(items.iter().map(|s| s.main.value).sum(), 0),
            items.len()
        ),
        ids: items.iter().filter_map(|s| s.main.measure_id).collect(),
    })
}

/// `rate_vs_ratio` findings: shares that are not their count ÷ the whole.
pub fn ratio_findings(
    facts: &DocFacts<'_>,
    settings: &Settings,
    check: CheckId,
    grids: &[Grid<'_>],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for grid in grids {
        for sl in share_lines(grid) {
            out.extend(check_ratios(facts, settings, check, &sl));
        }
    }
    out
}

fn check_ratios(
    facts: &DocFacts<'_>,
    settings: &Settings,
    check: CheckId,
    sl: &ShareLine<'_, '_>,
) -> Vec<Finding> {
    let Some(counts) = sl.counts else {
        return Vec::new();
    };
    let Some(whole) = whole(sl, counts).filter(|w| w.value > 0.0) else {
        return Vec::new();
    };
    struct Eval<'s, 'a> {
        pos: u32,
        share: &'s Slot<'a>,
        count: &'s Slot<'a>,
        ratio: f64,
        tol: f64,
        off: f64,
    }
    let evals: Vec<Eval<'_, '_>> = sl
        .shares
        .iter()
        .filter(|(p, _)| Some(**p) != sl.total)
        .filter_map(|(p, share)| {
            let count = counts.get(p)?;
            let ratio = count.main.value / whole.value * 100.0;
            let slack = 100.0 * (count.main.half + ratio / 100.0 * whole.half) / whole.value;
            let tol = settings.tolerance(share.main.half + slack);
            Some(Eval {
                pos: *p,
                share,
                count,
                ratio,
                tol,
                off: (share.main.value - ratio).abs(),
            })
        })
        .collect();
    let fit = evals.iter().filter(|e| !differs(e.off, 0.0, e.tol)).count();
    if fit == 0 || fit * 2 < evals.len() {
        return Vec::new();
    }
    let items: Vec<f64> = sl.items().map(|(_, s)| s.main.value).collect();
    let adds_to_100 = items.len() >= 2 && !differs(items.iter().sum::<f64>(), 100.0, 0.0);
    let mut out = Vec::new();
    for e in evals.iter().filter(|e| differs(e.off, 0.0, e.tol)) {
        let nudged = adds_to_100 && !differs(e.off, 0.0, e.tol + e.share.main.unit());
        let label = one_line(super::grid::last_segment(sl.grid.label(e.pos)));
        let mut f = finding(
            check.id,
            if nudged {
                Severity::Warning
            } else {
                check.severity
            },
            facts.doc_id,
            e.share.cell.line,
            e.share.cell.line_col,
        );
        let subject = if label.is_empty() {
            one_line(sl.grid.name(sl.line))
        } else {
            label
        };
        f.message = format!(
            "{subject}: the share {} is not {} ÷ {}",
            e.share.main.raw, e.count.main.raw, whole.what
        );
        if nudged {
            f.message.push_str(&format!(
                "; moved by one unit of its last digit so that the shares add up to {}",
                fmt_num(100.0, e.share.main.decimals)
            ));
        }
        let pct = if e.share.main.percent { "%" } else { "" };
        f.expected = Some(format!("{}{pct}", fmt_num(e.ratio, e.share.main.decimals)));
        f.actual = Some(e.share.main.raw.clone());
        f.tolerance = Some(e.tol);
        f.evidence = format!(
            "{} ÷ {} = {}{pct} ≠ {} (printed)",
            e.count.main.raw,
            fmt_num(whole.value, 0),
            fmt_num(e.ratio, e.share.main.decimals + 1),
            e.share.main.raw
        );
        let mut list: Vec<u32> = whole.ids.clone();
        list.extend(e.share.main.measure_id);
        list.extend(e.count.main.measure_id);
        f.measure_ids = ids(list);
        out.push(f);
    }
    out
}

/// `total_vs_parts` findings: shares of one whole, with no counts beside
/// them, that do not add up to 100.
pub fn sum_findings(
    facts: &DocFacts<'_>,
    settings: &Settings,
    check: CheckId,
    grids: &[Grid<'_>],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for grid in grids {
        if names_any(&grid.caption, MULTI_ANSWER_MARKS) {
            continue;
        }
        for sl in share_lines(grid) {
            if sl.counts.is_some()
                || !sl.composition
                || names_any(grid.name(sl.line), MULTI_ANSWER_MARKS)
            {
                continue;
            }
            let items: Vec<&Slot<'_>> = sl.items().map(|(_, s)| s).collect();
            let at = sl
                .total
                .and_then(|p| sl.shares.get(&p))
                .or_else(|| items.last().copied());
            let terms: Vec<Term<'_>> = items
                .iter()
                .map(|s| Term {
                    raw: &s.main.raw,
                    value: s.main.value,
                    half: s.main.half,
                    decimals: s.main.decimals,
                    id: s.main.measure_id,
                })
                .collect();
            if let Some(at) = at {
                let name = one_line(grid.name(sl.line));
                out.extend(sum_to_100(
                    facts,
                    settings,
                    check,
                    &name,
                    &terms,
                    (at.cell.line, at.cell.line_col),
                ));
            }
        }
    }
    out.extend(key_value_sums(facts, settings, check));
    out
}

struct Term<'a> {
    raw: &'a str,
    value: f64,
    half: f64,
    decimals: u32,
    id: Option<u32>,
}

fn sum_to_100(
    facts: &DocFacts<'_>,
    settings: &Settings,
    check: CheckId,
    name: &str,
    terms: &[Term<'_>],
    at: (u32, u32),
) -> Option<Finding> {
    if terms.len() < 2 {
        return None;
    }
    let sum: f64 = terms.iter().map(|t| t.value).sum();
    let tol = settings.tolerance(terms.iter().map(|t| t.half).sum());
    if !differs(sum, 100.0, tol) {
        return None;
    }
    let decimals = terms.iter().map(|t| t.decimals).max().unwrap_or(0);
    let mut f = finding(check.id, check.severity, facts.doc_id, at.0, at.1);
    f.message = format!(
        "{name}: the {} shares of one whole add up to {}, not 100",
        terms.len(),
        fmt_num(sum, decimals)
    );
    f.expected = Some(fmt_num(100.0, decimals));
    f.actual = Some(fmt_num(sum, decimals));
    f.tolerance = Some(tol);
    let raws: Vec<&str> = terms.iter().map(|t| t.raw).collect();
    f.evidence = format!("{} = {} ≠ 100", raws.join("+"), fmt_num(sum, decimals));
    f.measure_ids = ids(terms.iter().filter_map(|t| t.id).collect());
    Some(f)
}

/// A key-value line that lists the shares of one whole (`構成比: A 17.2%、B …`).
fn key_value_sums(facts: &DocFacts<'_>, settings: &Settings, check: CheckId) -> Vec<Finding> {
    let mut out = Vec::new();
    for b in facts
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::KeyValue)
    {
        let key = b
            .key
            .as_deref()
            .unwrap_or_else(|| b.text.split([':', '：']).next().unwrap_or(""));
        if !names_any(key, COMPOSITION_WORDS) || names_any(&b.text, MULTI_ANSWER_MARKS) {
            continue;
        }
        let rates: Vec<_> = facts
            .measures
            .iter()
            .filter(|m| m.block_id == b.block_id && m.table_id.is_none())
            .filter(|m| m.measure == MeasureKind::Rate && m.unit.as_deref() == Some("%"))
            .collect();
        if rates.iter().any(|m| m.approx || m.value < 0.0) {
            continue;
        }
        let terms: Vec<Term<'_>> = rates
            .iter()
            .map(|m| Term {
                raw: &m.raw,
                value: m.value,
                half: super::common::half_unit(m),
                decimals: m.decimals,
                id: Some(m.measure_id),
            })
            .collect();
        out.extend(sum_to_100(
            facts,
            settings,
            check,
            &one_line(key),
            &terms,
            (b.line, b.col),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: CheckId = CheckId {
        id: "rate_vs_ratio",
        severity: Severity::Error,
    };
    const SUM: CheckId = CheckId {
        id: "total_vs_parts",
        severity: Severity::Error,
    };
    use crate::check::grid::grids;
    use crate::check::testutil::{facts, grid_cells};
    use crate::model::{Block, Cell};

    fn ratio(cells: &[Cell], blocks: &[Block]) -> Vec<Finding> {
        let mut f = facts(&[], &[], cells);
        f.blocks = blocks;
        ratio_findings(&f, &Settings::default(), RATE, &grids(&f))
    }

    fn sums(cells: &[Cell], blocks: &[Block]) -> Vec<Finding> {
        let mut f = facts(&[], &[], cells);
        f.blocks = blocks;
        sum_findings(&f, &Settings::default(), SUM, &grids(&f))
    }

    const HEAD: [&str; 3] = ["区分", "職員数", "構成比"];

    #[test]
    fn shares_of_the_sum_of_the_items_fit() {
        // 3 ÷ 29 = 10.34 → 10.3; 6 ÷ 29 = 20.69 → 20.7.
        let rows: [&[&str]; 3] = [
            &["A", "3人", "10.3%"],
            &["B", "6人", "20.7%"],
            &["C", "20人", "69.0%"],
        ];
        assert!(ratio(&grid_cells(5, 10, &HEAD, &rows), &[]).is_empty());
    }

    /// Five grades of 29 staff: 3, 6, 9, 4 and 7 are 10.3, 20.7, 31.0, 13.8
    /// and 24.1%, which add up to 99.9.
    fn grades(shares: [&str; 5]) -> Vec<Cell> {
        let counts = ["3人", "6人", "9人", "4人", "7人"];
        let names = ["1級", "2級", "3級", "4級", "5級"];
        let rows: Vec<[&str; 3]> = (0..5).map(|i| [names[i], counts[i], shares[i]]).collect();
        let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
        grid_cells(5, 10, &HEAD, &rows)
    }

    #[test]
    fn a_share_nudged_to_make_100_is_a_warning_and_one_further_off_an_error() {
        assert!(ratio(&grades(["10.3%", "20.7%", "31.0%", "13.8%", "24.1%"]), &[]).is_empty());
        // 10.4 makes the column print 100.0.
        let found = ratio(&grades(["10.4%", "20.7%", "31.0%", "13.8%", "24.1%"]), &[]);
        assert_eq!(found.len(), 1, "{found:#?}");
        let f = &found[0];
        assert_eq!(f.severity, Severity::Warning);
        assert!(
            f.message.contains("one unit of its last digit"),
            "{}",
            f.message
        );
        assert!(f.message.starts_with("1級: "), "{}", f.message);
        assert_eq!(f.expected.as_deref(), Some("10.3%"));
        assert_eq!((f.line, f.check.as_str()), (11, "rate_vs_ratio"));
        // Two units off, or one off in a column that does not print 100: errors.
        let found = ratio(&grades(["10.5%", "20.7%", "31.0%", "13.8%", "24.1%"]), &[]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        let found = ratio(&grades(["10.4%", "20.7%", "31.0%", "13.8%", "24.2%"]), &[]);
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|f| f.severity == Severity::Error));
    }

    #[test]
    fn the_printed_total_or_n_is_the_whole() {
        // 120 ÷ 500 = 24.0; the items alone add up to 400.
        let head = ["回答", "回答数", "割合"];
        let rows: [&[&str]; 3] = [
            &["はい", "120", "24.0"],
            &["いいえ", "280", "56.0"],
            &["全体", "500", "100.0"],
        ];
        assert!(ratio(&grid_cells(5, 10, &head, &rows), &[]).is_empty());
        let rows: [&[&str]; 3] = [
            &["はい", "120", "30.0"],
            &["いいえ", "280", "56.0"],
            &["全体", "500", "100.0"],
        ];
        let found = ratio(&grid_cells(5, 10, &head, &rows), &[]);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].expected.as_deref(), Some("24.0"));
        // No total row: the caption's n＝500.
        let rows: [&[&str]; 2] = [&["はい", "120", "24.0"], &["いいえ", "280", "56.0"]];
        let caption = block(4, BlockKind::Paragraph, "問1 利用状況（n＝500）");
        assert!(ratio(
            &grid_cells(5, 10, &head, &rows),
            std::slice::from_ref(&caption)
        )
        .is_empty());
        let rows: [&[&str]; 2] = [&["はい", "120", "30.0"], &["いいえ", "280", "56.0"]];
        assert_eq!(ratio(&grid_cells(5, 10, &head, &rows), &[caption]).len(), 1);
    }

    #[test]
    fn shares_of_another_base_are_left_alone() {
        // A multiple-answer question: shares of 200 respondents, not of 290 answers.
        let head = ["回答", "回答数", "割合"];
        let rows: [&[&str]; 3] = [
            &["A", "150", "75.0"],
            &["B", "90", "45.0"],
            &["C", "50", "25.0"],
        ];
        assert!(ratio(&grid_cells(5, 10, &head, &rows), &[]).is_empty());
        // A rate column that is no share (収支比率 of each year).
        let head = ["年度", "収入", "比率"];
        let rows: [&[&str]; 2] = [&["R5", "120", "95.0"], &["R6", "130", "98.0"]];
        assert!(ratio(&grid_cells(5, 10, &head, &rows), &[]).is_empty());
    }

    #[test]
    fn composition_shares_without_counts_add_up_to_100() {
        let head = ["区分", "構成比"];
        let rows: [&[&str]; 3] = [&["A", "17.2%"], &["B", "24.2%"], &["C", "61.9%"]];
        let found = sums(&grid_cells(5, 10, &head, &rows), &[]);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].check, "total_vs_parts");
        assert_eq!(found[0].actual.as_deref(), Some("103.3"));
        let rows: [&[&str]; 3] = [&["A", "17.2%"], &["B", "24.2%"], &["C", "58.7%"]];
        assert!(
            sums(&grid_cells(5, 10, &head, &rows), &[]).is_empty(),
            "100.1 is within 3 × 0.05"
        );
        // `割合` alone may be of different bases.
        let head = ["区分", "割合"];
        let rows: [&[&str]; 3] = [&["A", "17.2%"], &["B", "24.2%"], &["C", "61.9%"]];
        assert!(sums(&grid_cells(5, 10, &head, &rows), &[]).is_empty());
    }

    #[test]
    fn a_key_value_line_of_composition_shares() {
        use crate::check::testutil::measure;
        use crate::model::Stance;
        let mut kv = block(
            7,
            BlockKind::KeyValue,
            "1年前の構成比: A 17.2%、B 24.2%、C 61.9%",
        );
        kv.key = Some("1年前の構成比".to_string());
        let mut measures: Vec<_> = ["17.2%", "24.2%", "61.9%"]
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                let mut m = measure(i as u32 + 1, 0, i as u32, Stance::Stated, (2024, 2024), raw);
                m.table_id = None;
                m.block_id = 7;
                m
            })
            .collect();
        let run = |ms: &[crate::model::Measure], kv: &Block| {
            let mut f = facts(ms, &[], &[]);
            let blocks = [kv.clone()];
            f.blocks = &blocks;
            sum_findings(&f, &Settings::default(), SUM, &[])
        };
        assert_eq!(run(&measures, &kv).len(), 1);
        measures[2] = {
            let mut m = measure(3, 0, 2, Stance::Stated, (2024, 2024), "58.6%");
            m.table_id = None;
            m.block_id = 7;
            m
        };
        assert!(run(&measures, &kv).is_empty());
    }

    fn block(id: u32, kind: BlockKind, text: &str) -> Block {
        Block {
            doc_id: crate::check::testutil::DOC.to_string(),
            block_id: id,
            parent_id: None,
            kind,
            level: None,
            marker: None,
            text: text.to_string(),
            key: None,
            reason: None,
            line: id,
            line_end: id,
            col: 0,
            raw: text.to_string(),
        }
    }
}
