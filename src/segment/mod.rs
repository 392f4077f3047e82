//! Stage 3: lines into blocks (headings, list items, key-value blocks,
//! paragraphs, tables, unparsed) and tables into cells.
// OWNER: helper "segment". Interface below is fixed; fill in the bodies.
// Split into files as you see fit (table.rs, delimited.rs, markers.rs …).

mod aligned;
pub(crate) mod cell_type;
mod delimited;
mod document;
mod html_table;
mod json_pairs;
mod lines;
mod markers;
mod stacked;
mod table;
#[cfg(test)]
mod tests;

use std::rc::Rc;

use crate::budget::Budget;
use crate::model::{Block, BlockKind, Cell};
use crate::normalize::NormLine;
use crate::scan::numbers::Quantity;
use crate::text::MappedText;

pub use json_pairs::{JsonPair, JsonScalar, JsonScope};

/// A block and the normalized text it holds, with positions.
#[derive(Debug, Clone, PartialEq)]
pub struct SegBlock {
    pub block: Block,
    /// The block's normalized content: marker stripped for headings and list
    /// items; lines of a paragraph joined (no separator between CJK chars, one
    /// space between ASCII words) so a number wrapped onto the next line reads
    /// whole; for key-value blocks, the value part (including a value that
    /// stands on a later line).
    pub content: MappedText,
    /// Table blocks only: the cells, in row-major order.
    pub cells: Vec<SegCell>,
    /// Key-value blocks of a JSON document only: the pairs on the block's
    /// lines (`content` then holds the lines as printed).
    pub pairs: Vec<JsonPair>,
}

/// One table cell with what extraction needs beyond the `cells` row.
#[derive(Debug, Clone, PartialEq)]
pub struct SegCell {
    pub cell: Cell,
    /// Normalized cell text with positions.
    pub content: MappedText,
    /// Header path parts, outermost first (`["取組期間累計", "目標値"]`);
    /// one copy shared by the cells of a column.
    pub header_parts: Rc<[String]>,
    /// Every row-label column of this row, left to right, carried down
    /// through row groups (`["1 安定した…", "ジョブカフェ…"]`); one copy
    /// shared by the cells of a row.
    pub label_parts: Rc<[String]>,
    /// Data cells only: the quantity the whole cell reads as, which gave
    /// `cell.value` (kept so extraction does not parse the text again).
    pub quantity: Option<Quantity>,
}

/// Segment a text document (already decoded and normalized).
///
/// Every non-blank line lands in exactly one block; blocks are in line
/// order with ids 1, 2, 3…. Table blocks carry their cells and leave
/// `content` empty (read the cells instead).
pub fn segment_text(doc_id: &str, lines: &[NormLine]) -> Vec<SegBlock> {
    segment_text_within(doc_id, lines, &Budget::unlimited()).unwrap_or_default()
}

/// [`segment_text`], or `None` once `budget` is spent.
pub fn segment_text_within(
    doc_id: &str,
    lines: &[NormLine],
    budget: &Budget,
) -> Option<Vec<SegBlock>> {
    match json_pairs::json_blocks(doc_id, lines, budget) {
        Ok(Some(blocks)) => Some(blocks),
        Ok(None) => document::segment(doc_id, lines, budget),
        Err(()) => None,
    }
}

/// Segment a `*.csv` / `*.tsv` file: one table block for the whole file.
/// `delimiter` is `b','` or `b'\t'`. Quoted fields may hold newlines; a cell's
/// `line` is the line its field starts on.
/// The first record is the header row; empty fields make no cells.
pub fn segment_delimited(doc_id: &str, lines: &[NormLine], delimiter: u8) -> Vec<SegBlock> {
    let first = lines.iter().position(|l| !lines::is_blank(&l.raw));
    let last = lines.iter().rposition(|l| !lines::is_blank(&l.raw));
    let (Some(first), Some(last)) = (first, last) else {
        return vec![];
    };
    let covered = lines.get(first..=last).unwrap_or_default();
    let grid = delimited::parse(covered, delimiter);
    let (cells, text) = table::grid_to_cells(doc_id, 1, grid);
    let (line, line_end) = (
        covered.first().map_or(0, |l| l.line),
        covered.last().map_or(0, |l| l.line),
    );
    let block = Block {
        doc_id: doc_id.to_string(),
        block_id: 1,
        parent_id: None,
        kind: BlockKind::Table,
        level: None,
        marker: None,
        text,
        key: None,
        reason: None,
        line,
        line_end,
        col: covered.first().map_or(0, |l| lines::lead_col(&l.raw)),
        raw: lines::raw_join(covered),
    };
    vec![SegBlock {
        block,
        content: MappedText::new(),
        cells,
        pairs: Vec::new(),
    }]
}
