//! Stage 3: lines into blocks (headings, list items, key-value blocks,
//! paragraphs, tables, unparsed) and tables into cells.
// OWNER: helper "segment". Interface below is fixed; fill in the bodies.
// Split into files as you see fit (table.rs, delimited.rs, markers.rs …).

use crate::model::{Block, Cell};
use crate::normalize::NormLine;
use crate::text::MappedText;

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
}

/// One table cell with what extraction needs beyond the `cells` row.
#[derive(Debug, Clone, PartialEq)]
pub struct SegCell {
    pub cell: Cell,
    /// Normalized cell text with positions.
    pub content: MappedText,
    /// Header path parts, outermost first (`["取組期間累計", "目標値"]`).
    pub header_parts: Vec<String>,
    /// Every row-label column of this row, left to right, carried down
    /// through row groups (`["1 安定した…", "ジョブカフェ…"]`).
    pub label_parts: Vec<String>,
}

/// Segment a text document (already decoded and normalized).
pub fn segment_text(doc_id: &str, lines: &[NormLine]) -> Vec<SegBlock> {
    todo!("{doc_id}{}", lines.len())
}

/// Segment a `*.csv` / `*.tsv` file: one table block for the whole file.
/// `delimiter` is `b','` or `b'\t'`. Quoted fields may hold newlines; a cell's
/// `line` is the line its field starts on.
pub fn segment_delimited(doc_id: &str, lines: &[NormLine], delimiter: u8) -> Vec<SegBlock> {
    todo!("{doc_id}{}{delimiter}", lines.len())
}
