//! Changes between two periods printed beside their levels, for two checks:
//! - `total_vs_parts`: a change line (a column, or a row read across,
//!   named `増減`, `対前年比較`, `差引` …) right after level lines named by
//!   periods (`令和5年 | 令和6年`, `前年度 | 本年度`, in either order) must
//!   equal the later level minus the earlier one, in every position, total
//!   lines too. With three or more periods the change may be over the last
//!   year or over the whole series (`過去5年間の増減数`): the reading that
//!   most positions agree with is taken. A second figure in brackets
//!   (`61 [69]`) is a second series and is compared the same way.
//! - `rate_vs_ratio`: a rate of change printed with the change
//!   (`△3(△10.7%)`) or in a rate line right after it (`増減率`) must equal
//!   the change ÷ the earlier level.
//!
//! Nothing is compared unless at least half the positions agree with the
//! reading (a line named `比較` that holds something else is not this
//! shape). Tolerance: half a unit of each figure involved (whole counts
//! are exact); for a rate, half a unit of its last digit widened by the
//! rounding of the change and the base.

use std::collections::BTreeMap;

use super::common::{differs, finding, fmt_num, ids, one_line, CheckId, Settings};
use super::grid::{last_segment, names_any, period_of, Figure, Grid, Slot};
use super::DocFacts;
use crate::model::Finding;
use crate::vocab::table_words::{
    CHANGE_RATE_WORDS, CHANGE_WORDS, NOT_CHANGE_WORDS, RATE_WORDS, SHARE_WORDS,
};

type Line<'g, 'a> = (u32, &'g BTreeMap<u32, Slot<'a>>);

/// A change line with the two level lines it compares.
struct ChangeLine<'g, 'a> {
    grid: &'g Grid<'a>,
    line: u32,
    changes: &'g BTreeMap<u32, Slot<'a>>,
    earlier: Line<'g, 'a>,
    later: Line<'g, 'a>,
}

fn is_change_name(name: &str) -> bool {
    let seg = last_segment(name);
    names_any(seg, CHANGE_WORDS)
        && !names_any(seg, NOT_CHANGE_WORDS)
        && !names_any(seg, RATE_WORDS)
        && !names_any(seg, SHARE_WORDS)
}

/// Whether a printed change is `later − earlier` within rounding.
fn fits(settings: &Settings, change: &Figure, earlier: &Figure, later: &Figure) -> bool {
    let tol = settings.tolerance(change.half + earlier.half + later.half);
    !differs(change.value, later.value - earlier.value, tol)
}

fn change_lines<'g, 'a>(grid: &'g Grid<'a>, settings: &Settings) -> Vec<ChangeLine<'g, 'a>> {
    let mut out = Vec::new();
    for (&line, changes) in &grid.lines {
        if !is_change_name(grid.name(line)) {
            continue;
        }
        let mut levels = Vec::new();
        for (k, slots) in grid.lines.range(..line).rev() {
            let name = grid.name(*k);
            match period_of(name).filter(|_| !is_change_name(name)) {
                Some(p) => levels.push((p, (*k, slots))),
                None => break,
            }
        }
        levels.sort_by_key(|(p, _)| *p);
        let same_kind = levels.windows(2).all(|w| match w {
            [(a, _), (b, _)] => a.0 == b.0 && a.1 < b.1,
            _ => true,
        });
        let Some(&(_, last)) = levels.last().filter(|_| levels.len() >= 2 && same_kind) else {
            continue;
        };
        // Over the last step, or over the whole series.
        let mut readings = Vec::new();
        if let Some(&(_, prev)) = levels.len().checked_sub(2).and_then(|i| levels.get(i)) {
            readings.push(prev);
        }
        if let Some(&(_, first)) = levels.first().filter(|_| levels.len() >= 3) {
            readings.push(first);
        }
        let score = |earlier: &Line<'_, '_>| {
            let (mut fit, mut all) = (0, 0);
            for (p, c) in changes {
                if let (Some(a), Some(b)) = (earlier.1.get(p), last.1.get(p)) {
                    if c.main.percent != a.main.percent {
                        continue;
                    }
                    all += 1;
                    if fits(settings, &c.main, &a.main, &b.main) {
                        fit += 1;
                    }
                }
            }
            (fit, all)
        };
        let mut best: Option<(Line<'g, 'a>, usize, usize)> = None;
        for earlier in readings {
            let (fit, all) = score(&earlier);
            if best.as_ref().is_none_or(|b| fit > b.1) {
                best = Some((earlier, fit, all));
            }
        }
        if let Some((earlier, _, _)) = best.filter(|b| b.1 >= 1 && b.1 * 2 >= b.2) {
            out.push(ChangeLine {
                grid,
                line,
                changes,
                earlier,
                later: last,
            });
        }
    }
    out
}

/// `total_vs_parts` findings: changes that are not later − earlier.
pub fn sum_findings(
    facts: &DocFacts<'_>,
    settings: &Settings,
    check: CheckId,
    grids: &[Grid<'_>],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for grid in grids {
        for cl in change_lines(grid, settings) {
            for (p, c) in cl.changes {
                let (Some(a), Some(b)) = (cl.earlier.1.get(p), cl.later.1.get(p)) else {
                    continue;
                };
                let mut pairs = vec![(&c.main, &a.main, &b.main)];
                if let (Some(ci), Some(ai), Some(bi)) = (&c.inner, &a.inner, &b.inner) {
                    if !ci.percent {
                        pairs.push((ci, ai, bi));
                    }
                }
                for (change, earlier, later) in pairs {
                    if change.percent != earlier.percent || fits(settings, change, earlier, later) {
                        continue;
                    }
                    out.push(change_finding(
                        facts,
                        settings,
                        check,
                        &cl,
                        *p,
                        c,
                        (change, earlier, later),
                    ));
                }
            }
        }
    }
    out
}

fn change_finding(
    facts: &DocFacts<'_>,
    settings: &Settings,
    check: CheckId,
    cl: &ChangeLine<'_, '_>,
    pos: u32,
    at: &Slot<'_>,
    (change, earlier, later): (&Figure, &Figure, &Figure),
) -> Finding {
    let decimals = change.decimals.max(earlier.decimals).max(later.decimals);
    let expected = later.value - earlier.value;
    let mut f = finding(
        check.id,
        check.severity,
        facts.doc_id,
        at.cell.line,
        at.cell.line_col,
    );
    let grid = cl.grid;
    let subject = one_line(last_segment(grid.label(pos)));
    f.message = format!(
        "{}: the change {} is not {} − {} ({} − {})",
        if subject.is_empty() {
            one_line(grid.name(cl.line))
        } else {
            subject
        },
        change.raw,
        one_line(last_segment(grid.name(cl.later.0))),
        one_line(last_segment(grid.name(cl.earlier.0))),
        later.raw,
        earlier.raw
    );
    f.expected = Some(fmt_num(expected, decimals));
    f.actual = Some(change.raw.clone());
    f.tolerance = Some(settings.tolerance(change.half + earlier.half + later.half));
    f.evidence = format!(
        "{} − {} = {} ≠ {} (printed)",
        later.raw,
        earlier.raw,
        fmt_num(expected, decimals),
        change.raw
    );
    f.measure_ids = ids([change, earlier, later]
        .iter()
        .filter_map(|x| x.measure_id)
        .collect());
    f
}

/// `rate_vs_ratio` findings: rates of change that are not change ÷ earlier level.
pub fn rate_findings(
    facts: &DocFacts<'_>,
    settings: &Settings,
    check: CheckId,
    grids: &[Grid<'_>],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for grid in grids {
        for cl in change_lines(grid, settings) {
            // The rate printed with the change, or in the next line.
            let next = grid
                .lines
                .range(cl.line + 1..)
                .next()
                .filter(|(k, _)| names_any(last_segment(grid.name(**k)), CHANGE_RATE_WORDS))
                .map(|(_, slots)| slots);
            let mut evals = Vec::new();
            for (p, c) in cl.changes {
                let Some(base) = cl.earlier.1.get(p).filter(|b| b.main.value > 0.0) else {
                    continue;
                };
                let rate = match (&c.inner, next.and_then(|n| n.get(p))) {
                    (Some(r), _) if r.percent && !c.main.percent => (r, c),
                    (None, Some(r)) if r.inner.is_none() && !r.main.other_unit => (&r.main, r),
                    _ => continue,
                };
                let ratio = c.main.value / base.main.value * 100.0;
                let slack =
                    100.0 * (c.main.half + ratio.abs() / 100.0 * base.main.half) / base.main.value;
                let tol = settings.tolerance(rate.0.half + slack);
                evals.push((*p, rate, &c.main, &base.main, ratio, tol));
            }
            let fit = evals
                .iter()
                .filter(|e| !differs(e.1 .0.value, e.4, e.5))
                .count();
            if fit == 0 || fit * 2 < evals.len() {
                continue;
            }
            for (p, (rate, at), change, base, ratio, tol) in evals {
                if !differs(rate.value, ratio, tol) {
                    continue;
                }
                let mut f = finding(
                    check.id,
                    check.severity,
                    facts.doc_id,
                    at.cell.line,
                    at.cell.line_col,
                );
                let subject = one_line(last_segment(grid.label(p)));
                let pct = if rate.percent { "%" } else { "" };
                f.message = format!(
                    "{}: the rate of change {} is not the change {} ÷ the {} level {}",
                    if subject.is_empty() {
                        one_line(grid.name(cl.line))
                    } else {
                        subject
                    },
                    rate.raw,
                    change.raw,
                    one_line(last_segment(grid.name(cl.earlier.0))),
                    base.raw
                );
                f.expected = Some(format!("{}{pct}", fmt_num(ratio, rate.decimals)));
                f.actual = Some(rate.raw.clone());
                f.tolerance = Some(tol);
                f.evidence = format!(
                    "{} ÷ {} = {}{pct} ≠ {} (printed)",
                    change.raw,
                    base.raw,
                    fmt_num(ratio, rate.decimals + 1),
                    rate.raw
                );
                f.measure_ids = ids([rate, change, base]
                    .iter()
                    .filter_map(|x| x.measure_id)
                    .collect());
                out.push(f);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::Severity;

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
    use crate::model::Cell;

    fn sums(cells: &[Cell]) -> Vec<Finding> {
        let f = facts(&[], &[], cells);
        sum_findings(&f, &Settings::default(), SUM, &grids(&f))
    }

    fn rates(cells: &[Cell]) -> Vec<Finding> {
        let f = facts(&[], &[], cells);
        rate_findings(&f, &Settings::default(), RATE, &grids(&f))
    }

    const HEAD: [&str; 4] = ["部門", "令和5年", "令和6年", "対前年増減数"];

    #[test]
    fn a_change_that_is_later_minus_earlier_is_silent() {
        let rows: [&[&str]; 3] = [
            &["総務", "11", "10", "△1"],
            &["税務", "2", "3", "1"],
            &["計", "13", "13", "0"],
        ];
        assert!(sums(&grid_cells(3, 20, &HEAD, &rows)).is_empty());
    }

    #[test]
    fn a_zero_change_between_different_levels_fires_on_total_rows_too() {
        let rows: [&[&str]; 4] = [
            &["総務", "11", "10", "△1"],
            &["税務", "2", "3", "1"],
            &["衛生", "5", "4", "0"],
            &["計", "18", "17", "0"],
        ];
        let found = sums(&grid_cells(3, 20, &HEAD, &rows));
        assert_eq!(found.len(), 2, "{found:#?}");
        assert_eq!(found[0].check, "total_vs_parts");
        assert_eq!(
            (found[0].line, found[0].expected.as_deref()),
            (23, Some("-1"))
        );
        assert!(found[1].message.starts_with("計: "), "{}", found[1].message);
    }

    #[test]
    fn levels_in_either_order_and_a_bracketed_second_series() {
        let head = ["区分", "本年度", "前年度", "比較"];
        let rows: [&[&str]; 3] = [
            &["給料", "120", "100", "20"],
            &["手当", "30", "35", "△5"],
            &["計", "61 [69]", "61 [69]", "1 [0]"],
        ];
        let found = sums(&grid_cells(3, 20, &head, &rows));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].actual.as_deref(), Some("1"));
    }

    #[test]
    fn a_line_named_change_that_holds_something_else_is_left_alone() {
        // Most rows disagree: this 比較 column is not later − earlier.
        let head = ["区分", "令和5年度", "令和6年度", "比較"];
        let rows: [&[&str]; 3] = [
            &["A", "100", "120", "120.0"],
            &["B", "50", "40", "80.0"],
            &["C", "10", "10", "100.0"],
        ];
        assert!(sums(&grid_cells(3, 20, &head, &rows)).is_empty());
        // Levels that are not periods.
        let head = ["区分", "男性", "女性", "増減"];
        let rows: [&[&str]; 2] = [&["A", "10", "12", "1"], &["B", "5", "4", "1"]];
        assert!(sums(&grid_cells(3, 20, &head, &rows)).is_empty());
    }

    #[test]
    fn over_a_series_the_change_and_its_rate_are_of_the_first_year() {
        let head = [
            "部門",
            "令和2年",
            "令和3年",
            "令和4年",
            "過去2年間の増減数(率)",
        ];
        let rows: [&[&str]; 3] = [
            &["一般行政", "30", "28", "27", "△3(△10.7%)"],
            &["教育", "29", "29", "30", "1(3.4%)"],
            &["計", "59", "57", "57", "△2(△3.4%)"],
        ];
        let cells = grid_cells(3, 20, &head, &rows);
        assert!(sums(&cells).is_empty(), "changes are over the whole series");
        let found = rates(&cells);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].check, "rate_vs_ratio");
        assert_eq!(found[0].expected.as_deref(), Some("-10.0%"));
        assert_eq!(found[0].line, 21);
    }

    #[test]
    fn a_rate_line_after_the_change() {
        let head = ["区分", "令和5年度", "令和6年度", "増減", "増減率"];
        let rows: [&[&str]; 2] = [
            &["A", "200", "210", "10", "5.0%"],
            &["B", "50", "40", "△10", "△20.0%"],
        ];
        assert!(rates(&grid_cells(3, 20, &head, &rows)).is_empty());
        let rows: [&[&str]; 3] = [
            &["A", "200", "210", "10", "5.0%"],
            &["B", "50", "40", "△10", "△25.0%"],
            &["C", "10", "11", "1", "10.0%"],
        ];
        assert_eq!(rates(&grid_cells(3, 20, &head, &rows)).len(), 1);
    }

    #[test]
    fn rows_of_levels_and_a_letter_spaced_change_row() {
        // Read across: 本年度 and 前年度 rows, then `比 較` split over two cells.
        let head = ["区分", "", "給料", "手当", "旅費"];
        let table = |last: &str| {
            let rows: [&[&str]; 3] = [
                &["", "本年度", "120", "30", "12"],
                &["", "前年度", "100", "35", "10"],
                &["比", "較", "20", "△5", last],
            ];
            grid_cells(3, 20, &head, &rows)
        };
        assert!(sums(&table("2")).is_empty());
        let found = sums(&table("3"));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(
            (found[0].line, found[0].expected.as_deref()),
            (23, Some("2"))
        );
    }
}
