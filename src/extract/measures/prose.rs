//! Measures in running text.

use super::kind_of;
use super::section::Section;
use crate::extract::dates::FoundDate;
use crate::extract::numbers;
use crate::extract::{raw_span, DocContext};
use crate::model::{Measure, MeasureSource, Stance};
use crate::normalize::NormLine;
use crate::segment::SegCell;
use crate::text::MappedText;

/// Char ranges of one text, asked whether `[a, b)` touches any of them in
/// constant time: a scan of every range per number made a line holding many
/// numbers and dates quadratic.
pub(super) struct Spans {
    /// `covered[i]`: how many chars before `i` lie in some range.
    pub(super) covered: Vec<usize>,
}

impl Spans {
    pub(super) fn new(ranges: impl IntoIterator<Item = (usize, usize)>, len: usize) -> Spans {
        let mut delta = vec![0i64; len + 1];
        for (a, b) in ranges {
            let (a, b) = (a.min(len), b.min(len));
            if a < b {
                if let Some(d) = delta.get_mut(a) {
                    *d += 1;
                }
                if let Some(d) = delta.get_mut(b) {
                    *d -= 1;
                }
            }
        }
        let mut covered = Vec::with_capacity(len + 1);
        let (mut depth, mut count) = (0i64, 0usize);
        covered.push(0);
        for d in delta.iter().take(len) {
            depth += d;
            if depth > 0 {
                count += 1;
            }
            covered.push(count);
        }
        Spans { covered }
    }

    pub(super) fn touches(&self, a: usize, b: usize) -> bool {
        let at = |i: usize| {
            self.covered
                .get(i)
                .or(self.covered.last())
                .copied()
                .unwrap_or(0)
        };
        a < b && at(b) > at(a)
    }
}

/// Where dates stand in a text, with the spans of their stated lengths (`（4年間）`).
pub(super) fn date_spans(found: &[FoundDate]) -> impl Iterator<Item = (usize, usize)> + '_ {
    found
        .iter()
        .flat_map(|d| std::iter::once((d.start, d.end)).chain(d.length_span))
}

/// Quantities with units inside running text: `stated` figures.
#[allow(clippy::too_many_arguments)]
pub(super) fn prose_measures(
    ctx: &DocContext,
    section: &Section,
    content: &MappedText,
    lines: &[NormLine],
    block_id: u32,
    cell: Option<&SegCell>,
    skip: &[(usize, usize)],
    out: &mut Vec<Measure>,
) {
    // find_quantities already leaves out figures inside dates and stated lengths.
    let taken = Spans::new(skip.iter().copied(), content.pos.len());
    for q in numbers::find_quantities(&content.text) {
        if taken.touches(q.start, q.end) {
            continue;
        }
        let at = content.pos_at(q.start);
        out.push(Measure {
            doc_id: ctx.doc_id.clone(),
            measure_id: 0,
            entity: section.entity.clone(),
            section: section.heading.clone(),
            indicator: None,
            stance: Stance::Stated,
            measure: kind_of(q.unit.as_deref()),
            period_label: None,
            fy_start: None,
            fy_end: None,
            cumulative: false,
            value: q.value,
            unit: q.unit.clone(),
            scale: q.scale,
            decimals: q.decimals,
            approx: q.approx,
            qualifier: q.qualifier.clone(),
            source: MeasureSource::Prose,
            raw: raw_span(lines, content, q.start, q.end),
            line: at.line,
            col: at.col,
            block_id,
            table_id: cell.map(|c| c.cell.table_id),
            table_row: cell.map(|c| c.cell.row),
            table_col: cell.map(|c| c.cell.col),
        });
    }
}
