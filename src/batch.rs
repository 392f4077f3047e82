//! Which documents are checked, encoded, written and cached together.
//!
//! Documents are taken in output order (sorted by path) and a batch ends
//! after a document whose path hashes to 0 modulo [`TARGET_DOCS`]: the
//! boundaries depend on the paths themselves, not on positions (as in
//! content-defined chunking), so adding or removing a few documents changes
//! only the batches they fall into and a nightly run finds every other
//! batch in its cache. A batch also ends at [`MAX_DOCS`] documents or
//! [`MAX_BYTES`] input bytes, which bounds the memory one batch takes.

use std::ops::Range;

/// Average batch size aimed at, in documents.
pub const TARGET_DOCS: u64 = 256;
/// No batch holds more documents than this.
pub const MAX_DOCS: usize = 1024;
/// A batch ends once its documents reach this many input bytes.
pub const MAX_BYTES: u64 = 64 << 20;

/// Does a batch end after the document at `path`? Hashed with its own
/// prefix so that batch boundaries are independent of `--shard` shares
/// (which hash the bare path): a shard must still get boundaries.
fn ends_batch(path: &str) -> bool {
    crate::cache::hash64(&[b"planfacts batch boundary\0", path.as_bytes()])
        .is_multiple_of(TARGET_DOCS)
}

/// Cut documents, given in output order as (path, input bytes), into
/// batches: ranges of indices that cover them all, in order.
pub fn plan<'a>(docs: impl IntoIterator<Item = (&'a str, u64)>) -> Vec<Range<usize>> {
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    let mut n = 0;
    for (i, (path, size)) in docs.into_iter().enumerate() {
        n = i + 1;
        bytes = bytes.saturating_add(size);
        if ends_batch(path) || n - start >= MAX_DOCS || bytes >= MAX_BYTES {
            batches.push(start..n);
            start = n;
            bytes = 0;
        }
    }
    if start < n {
        batches.push(start..n);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(range: Range<usize>) -> Vec<String> {
        range.map(|i| format!("drop/{i:06}.txt")).collect()
    }

    fn batches(paths: &[String], size: u64) -> Vec<Vec<String>> {
        plan(paths.iter().map(|p| (p.as_str(), size)))
            .into_iter()
            .map(|r| paths.get(r).unwrap_or(&[]).to_vec())
            .collect()
    }

    #[test]
    fn batches_cover_every_document_once_in_order() {
        let all = paths(0..5000);
        let cut = batches(&all, 1000);
        assert_eq!(cut.concat(), all);
        assert!(cut.iter().all(|b| !b.is_empty() && b.len() <= MAX_DOCS));
        // Boundaries come from the hashes: about 5000 / 256 batches.
        assert!((8..=40).contains(&cut.len()), "{}", cut.len());
        assert!(plan(std::iter::empty()).is_empty());
    }

    #[test]
    fn adding_documents_at_the_end_keeps_earlier_batches() {
        let old = batches(&paths(0..3000), 1000);
        let new = batches(&paths(0..3030), 1000);
        let kept = old.iter().filter(|b| new.contains(b)).count();
        assert!(kept + 1 >= old.len(), "{kept} of {}", old.len());
    }

    #[test]
    fn inserting_one_document_changes_one_batch() {
        let mut all = paths(0..3000);
        let old = batches(&all, 1000);
        all.insert(1500, "drop/001499b.txt".into());
        let new = batches(&all, 1000);
        let changed = new.iter().filter(|b| !old.contains(b)).count();
        assert!(changed <= 2, "{changed}");
    }

    #[test]
    fn caps_bound_documents_and_bytes() {
        let all = paths(0..3000);
        let big = batches(&all, MAX_BYTES / 4);
        assert!(big.iter().all(|b| b.len() <= 4));
        let one = batches(&all[..1], u64::MAX);
        assert_eq!(one.len(), 1);
    }
}
