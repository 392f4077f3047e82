//! One document through every stage: decode → normalize → segment → extract.
//! Checks run afterwards over all documents' rows (see `run`).

pub use crate::budget::Budget;
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

/// A document that ran out of its [`Budget`]: the `failed` row to record.
/// Kept apart from other failures because it depends on the machine's speed
/// (a cache must not keep it).
#[derive(Debug, Clone, PartialEq)]
pub struct OverBudget(pub Box<DocOutput>);

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
    process_within(source_path, bytes, &Budget::unlimited()).unwrap_or_else(|over| *over.0)
}

/// [`process`], giving up once `budget` is spent.
pub fn process_within(
    source_path: &str,
    bytes: &[u8],
    budget: &Budget,
) -> Result<DocOutput, OverBudget> {
    let doc_id = decode::doc_id(bytes);
    let over = || {
        let seconds = budget.limit().map_or(0.0, |l| l.as_secs_f64());
        OverBudget(Box::new(DocOutput {
            document: Some(failed_document(
                doc_id.clone(),
                source_path,
                bytes.len() as u64,
                format!(
                    "{source_path}: took longer than the per-document limit of {seconds} s (--max-doc-seconds)"
                ),
            )),
            ..DocOutput::default()
        }))
    };
    let decoded = match decode::decode(bytes) {
        Ok(d) => d,
        Err(e) => {
            return Ok(DocOutput {
                document: Some(failed_document(
                    doc_id,
                    source_path,
                    bytes.len() as u64,
                    format!("{source_path}: {e}"),
                )),
                ..DocOutput::default()
            })
        }
    };
    if budget.exceeded() {
        return Err(over());
    }
    let lines = normalize::normalize_text(&decoded.text);
    if budget.exceeded() {
        return Err(over());
    }
    let seg: Vec<SegBlock> = match Layout::for_path(source_path) {
        Layout::Text => segment::segment_text_within(&doc_id, &lines, budget).ok_or_else(over)?,
        Layout::Delimited(d) => segment::segment_delimited(&doc_id, &lines, d),
    };
    if budget.exceeded() {
        return Err(over());
    }
    let cover = document::read_cover(&seg, &lines);
    let ctx = DocContext::new(doc_id.clone(), &cover, source_path);
    let extracted = extract::extract_within(&ctx, &seg, &lines, budget).ok_or_else(over)?;
    // Nothing to parse is no failure, but it usually means a PDF whose text
    // extraction failed: said in `error` rather than a silent `ok`.
    let empty = lines.iter().all(|l| l.raw.trim().is_empty());
    let (status, error) = if empty {
        let what = if bytes.is_empty() {
            "the file is empty"
        } else {
            "only blank lines"
        };
        (Status::Ok, Some(format!("{source_path}: no text ({what})")))
    } else if decoded.undecodable_bytes > 0 {
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
    Ok(DocOutput {
        document: Some(document),
        blocks,
        cells,
        measures: extracted.measures,
        dates: extracted.dates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const TEXT: &str = "（１）令和3年度の参加者\n目標値 1,200人\n";

    #[test]
    fn a_spent_budget_fails_the_document_naming_file_and_limit() {
        let spent = Budget::starting_now(Duration::ZERO);
        assert!(spent.exceeded());
        let over = match process_within("drop/a.txt", TEXT.as_bytes(), &spent) {
            Err(over) => over,
            Ok(out) => panic!("no time left, yet parsed: {out:?}"),
        };
        let over = *over.0;
        let doc = over.document.unwrap_or_else(|| panic!("no document row"));
        assert_eq!(doc.status, Status::Failed);
        assert_eq!(doc.doc_id, decode::doc_id(TEXT.as_bytes()));
        let error = doc.error.unwrap_or_default();
        assert!(
            error.starts_with("drop/a.txt: took longer than the per-document limit of 0 s"),
            "{error}"
        );
        assert!(error.contains("--max-doc-seconds"), "{error}");
        assert!(over.blocks.is_empty() && over.measures.is_empty());
    }

    #[test]
    fn an_ample_budget_changes_nothing() {
        let ample = Budget::starting_now(Duration::from_secs(3600));
        assert!(!ample.exceeded() && !Budget::unlimited().exceeded());
        let within = process_within("a.txt", TEXT.as_bytes(), &ample);
        assert_eq!(within, Ok(process("a.txt", TEXT.as_bytes())));
        let out = process("a.txt", TEXT.as_bytes());
        assert_eq!(out.document.map(|d| d.status), Some(Status::Ok));
        assert!(!out.measures.is_empty());
    }

    #[test]
    fn a_file_without_text_says_so() {
        for (bytes, why) in [
            (&b""[..], "the file is empty"),
            (b" \n\r\n\t\n", "only blank lines"),
        ] {
            let out = process("drop/blank.txt", bytes);
            let doc = out.document.unwrap_or_else(|| panic!("no document row"));
            assert_eq!(doc.status, Status::Ok);
            assert_eq!(
                doc.error.as_deref(),
                Some(format!("drop/blank.txt: no text ({why})").as_str())
            );
            assert!(out.blocks.is_empty());
        }
    }
}
