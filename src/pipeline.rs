//! One document through every stage: decode → normalize → segment → extract.
//! Checks run afterwards over all documents' rows (see `run`).

use crate::decode;
use crate::extract::{self, document, DocContext};
use crate::model::{Block, DocOutput, Document, Status};
use crate::normalize;
use crate::segment::{self, SegBlock};

/// How a file is read: as running text, or as one delimited table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Text,
    Delimited(u8),
}

impl Layout {
    /// `*.csv` / `*.tsv` are tables; everything else is text.
    pub fn for_path(path: &str) -> Layout {
        let lower = path.to_lowercase();
        if lower.ends_with(".csv") {
            Layout::Delimited(b',')
        } else if lower.ends_with(".tsv") {
            Layout::Delimited(b'\t')
        } else {
            Layout::Text
        }
    }
}

/// A document row for a file that could not be processed at all.
pub fn failed_document(doc_id: String, source_path: &str, bytes: u64, error: String) -> Document {
    Document {
        doc_id,
        source_path: source_path.to_string(),
        encoding: "unknown".to_string(),
        bytes,
        lines: 0,
        title: None,
        issuer: None,
        published_start: None,
        status: Status::Failed,
        error: Some(error),
        undecodable_bytes: 0,
    }
}

/// Run every per-document stage over one file's bytes.
pub fn process(source_path: &str, bytes: &[u8]) -> DocOutput {
    let doc_id = decode::doc_id(bytes);
    let decoded = match decode::decode(bytes) {
        Ok(d) => d,
        Err(e) => {
            return DocOutput {
                document: Some(failed_document(
                    doc_id,
                    source_path,
                    bytes.len() as u64,
                    format!("{source_path}: {e}"),
                )),
                ..DocOutput::default()
            }
        }
    };
    let lines = normalize::normalize_text(&decoded.text);
    let seg: Vec<SegBlock> = match Layout::for_path(source_path) {
        Layout::Text => segment::segment_text(&doc_id, &lines),
        Layout::Delimited(d) => segment::segment_delimited(&doc_id, &lines, d),
    };
    let cover = document::read_cover(&seg, &lines);
    let ctx = DocContext {
        doc_id: doc_id.clone(),
        issuer: cover.issuer.clone(),
        published: cover.published,
    };
    let extracted = extract::extract(&ctx, &seg, &lines);
    let (status, error) = if decoded.undecodable_bytes > 0 {
        (
            Status::Partial,
            Some(format!(
                "{source_path}: {} byte(s) did not decode as {} and were replaced",
                decoded.undecodable_bytes, decoded.encoding
            )),
        )
    } else {
        (Status::Ok, None)
    };
    let document = Document {
        doc_id,
        source_path: source_path.to_string(),
        encoding: decoded.encoding.to_string(),
        bytes: bytes.len() as u64,
        lines: lines.len() as u32,
        title: cover.title,
        issuer: cover.issuer,
        published_start: cover.published,
        status,
        error,
        undecodable_bytes: decoded.undecodable_bytes,
    };
    let mut blocks: Vec<Block> = Vec::with_capacity(seg.len());
    let mut cells = Vec::new();
    for sb in seg {
        blocks.push(sb.block);
        cells.extend(sb.cells.into_iter().map(|c| c.cell));
    }
    DocOutput {
        document: Some(document),
        blocks,
        cells,
        measures: extracted.measures,
        dates: extracted.dates,
    }
}
