//! Stage 4: facts out of blocks and cells: dates, quantities, measures,
//! and the document's own title, issuer and date.

pub mod document;
pub mod measures;

use crate::budget::Budget;
use crate::model::{DateKind, DateMention, Measure, Pos};
use crate::normalize::NormLine;
use crate::segment::SegBlock;
use crate::text::MappedText;

use crate::scan::dates::{DateContext, FoundDate};

/// What extraction yields for one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    pub measures: Vec<Measure>,
    pub dates: Vec<DateMention>,
}

/// Everything extraction knows about a document before it reads the blocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocContext {
    pub doc_id: String,
    pub issuer: Option<String>,
    pub published: Option<chrono::NaiveDate>,
    /// The fiscal year the cover names: the year of a table figure that
    /// names none, and the `本年度` of a table that fixes no other.
    pub fiscal_year: Option<i32>,
    /// The stance the kind of document gives a figure that names none
    /// (a budget book's figures are budgets): the last source read.
    pub stance: Option<crate::model::Stance>,
}

impl DocContext {
    /// The context of a document from its cover and its file name; the
    /// file name names the kind of a file without a cover (a CSV export
    /// of a budget book).
    pub fn new(doc_id: String, cover: &document::Cover, source_path: &str) -> Self {
        let stem = std::path::Path::new(source_path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let stance = cover
            .title
            .as_deref()
            .and_then(crate::vocab::stance::document_stance)
            .or_else(|| crate::vocab::stance::document_stance(stem));
        DocContext {
            doc_id,
            issuer: cover.issuer.clone(),
            published: cover.published,
            fiscal_year: cover.fiscal_year,
            stance,
        }
    }
}

/// Exact source text of chars `start..end` of `content`, read back from the
/// decoded lines through the position map (several lines join with `\n`).
pub fn raw_span(lines: &[NormLine], content: &MappedText, start: usize, end: usize) -> String {
    let Some(first) = content.pos.get(start).copied() else {
        return String::new();
    };
    let last = content.pos_at(end.saturating_sub(1).max(start));
    let line_at = |line: u32| (line as usize).checked_sub(1).and_then(|i| lines.get(i));
    let mut out = String::new();
    for line in first.line..=last.line {
        let from = if line == first.line {
            first.col as usize
        } else {
            0
        };
        let to = if line == last.line {
            last.col as usize + 1
        } else {
            usize::MAX
        };
        if line != first.line {
            out.push('\n');
        }
        if let Some(l) = line_at(line) {
            out.push_str(l.raw_cols(from, to));
        }
    }
    out
}

/// Turn a found date into a `dates` row located in the source.
pub(crate) fn date_row(
    doc_id: &str,
    found: &FoundDate,
    content: &MappedText,
    lines: &[NormLine],
    block_id: u32,
) -> DateMention {
    let at: Pos = content.pos_at(found.start);
    DateMention {
        doc_id: doc_id.to_string(),
        date_id: 0,
        raw: raw_span(lines, content, found.start, found.end),
        kind: found.kind,
        era: found.era.map(str::to_string),
        era_year: found.era_year,
        start: found.date_start,
        end: found.date_end,
        weekday_stated: found.weekday_stated.clone(),
        weekday_actual: found.weekday_actual.clone(),
        inferred: found.inferred,
        western_stated: found.western_stated,
        length_stated: found.length_stated,
        sequence: found.sequence,
        problem: found.problem.clone(),
        line: at.line,
        col: at.col,
        block_id,
    }
}

/// The fiscal year a heading names on its own (`【令和５年度】`), which
/// month-days below it take their year from.
pub(crate) fn heading_fiscal_year(found: &[FoundDate]) -> Option<i32> {
    match found {
        [only] if only.kind == DateKind::FiscalYear => only.fy_start,
        _ => None,
    }
}

/// Extract dates and measures from one document's blocks.
pub fn extract(ctx: &DocContext, blocks: &[SegBlock], lines: &[NormLine]) -> Extracted {
    extract_within(ctx, blocks, lines, &Budget::unlimited()).unwrap_or_default()
}

/// [`extract`], or `None` once `budget` is spent.
pub fn extract_within(
    ctx: &DocContext,
    blocks: &[SegBlock],
    lines: &[NormLine],
    budget: &Budget,
) -> Option<Extracted> {
    let base = DateContext {
        fiscal_year: None,
        doc_date: ctx.published,
        era: None,
    };
    let dated = measures::DatedBlocks::new(blocks, base, budget)?;
    let dates = dated.date_rows(&ctx.doc_id, lines);
    let measures = measures::extract_measures(ctx, &dated, lines, budget)?;
    let mut out = Extracted { dates, measures };
    for (i, d) in out.dates.iter_mut().enumerate() {
        d.date_id = i as u32 + 1;
    }
    for (i, m) in out.measures.iter_mut().enumerate() {
        m.measure_id = i as u32 + 1;
    }
    Some(out)
}
