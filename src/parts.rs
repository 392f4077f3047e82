//! Which documents go together in a part of `out/`: checked, encoded,
//! written and carried over together.
//!
//! Parts are made by arrival, not by path order. A night keeps each part of
//! the last run whose documents are all still there unchanged (the run
//! carries it over as it is), rewrites a part that lost documents (changed
//! or removed) with the ones it kept, and puts new and changed documents
//! into new parts of their own. So documents that arrive among the old ones
//! in path order touch no old part. Small parts (the tail of each night's
//! arrivals, parts that lost documents) are merged once more than
//! [`MAX_SMALL_PARTS`] of them pile up, which bounds the part count.

/// A part holds at most this many documents.
pub const TARGET_DOCS: usize = 256;
/// A part ends once its documents reach this many input bytes (memory
/// follows the part being built).
pub const MAX_BYTES: u64 = 64 << 20;
/// A part with fewer documents than this is small.
pub const SMALL_DOCS: usize = TARGET_DOCS / 4;
/// Small parts are merged once there are more of them than this.
pub const MAX_SMALL_PARTS: usize = 8;

/// One document as the planner sees it, in output order (sorted by path).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Doc {
    /// Names the document and its bytes: equal from night to night exactly
    /// when the document is unchanged.
    pub sig: u64,
    pub bytes: u64,
}

/// Cut `docs` into parts (lists of indices into `docs`, each document in
/// exactly one), given the parts of the last run as lists of signatures.
/// With no history, parts follow path order.
pub fn plan(docs: &[Doc], history: &[Vec<u64>]) -> Vec<Vec<usize>> {
    let mut index = std::collections::HashMap::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate() {
        index.entry(d.sig).or_insert(i);
    }
    let mut placed = vec![false; docs.len()];
    let mut parts = Vec::new();
    for old in history {
        let mut kept = Vec::with_capacity(old.len());
        for sig in old {
            if let Some(&i) = index.get(sig) {
                if let Some(p) = placed.get_mut(i).filter(|p| !**p) {
                    *p = true;
                    kept.push(i);
                }
            }
        }
        if !kept.is_empty() {
            parts.push(kept);
        }
    }
    let arrivals: Vec<usize> = (0..docs.len())
        .filter(|&i| !placed.get(i).copied().unwrap_or(true))
        .collect();
    parts.extend(chunk(docs, arrivals));
    let small = parts.iter().filter(|p| p.len() < SMALL_DOCS).count();
    if small > MAX_SMALL_PARTS {
        let (small, mut big): (Vec<Vec<usize>>, Vec<Vec<usize>>) =
            parts.into_iter().partition(|p| p.len() < SMALL_DOCS);
        big.extend(chunk(docs, small.concat()));
        parts = big;
    }
    parts
}

/// `members` in order, cut after [`TARGET_DOCS`] documents or
/// [`MAX_BYTES`] input bytes.
fn chunk(docs: &[Doc], members: Vec<usize>) -> Vec<Vec<usize>> {
    let mut parts = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0u64;
    for i in members {
        current.push(i);
        bytes = bytes.saturating_add(docs.get(i).map_or(0, |d| d.bytes));
        if current.len() >= TARGET_DOCS || bytes >= MAX_BYTES {
            parts.push(std::mem::take(&mut current));
            bytes = 0;
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(sigs: impl IntoIterator<Item = u64>) -> Vec<Doc> {
        sigs.into_iter()
            .map(|sig| Doc { sig, bytes: 1000 })
            .collect()
    }

    /// The parts as signatures, as the next night's history.
    fn history(docs: &[Doc], parts: &[Vec<usize>]) -> Vec<Vec<u64>> {
        parts
            .iter()
            .map(|p| p.iter().map(|&i| docs[i].sig).collect())
            .collect()
    }

    fn covers_each_once(docs: &[Doc], parts: &[Vec<usize>]) {
        let mut all: Vec<usize> = parts.concat();
        all.sort();
        assert_eq!(all, (0..docs.len()).collect::<Vec<_>>());
        assert!(parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= TARGET_DOCS));
    }

    #[test]
    fn without_history_parts_follow_path_order() {
        let d = docs(0..1000);
        let parts = plan(&d, &[]);
        covers_each_once(&d, &parts);
        assert_eq!(parts.len(), 4);
        assert_eq!(parts.concat(), (0..1000).collect::<Vec<_>>());
        assert!(plan(&[], &[]).is_empty());
    }

    #[test]
    fn a_part_ends_at_the_byte_limit() {
        let d: Vec<Doc> = (0..10)
            .map(|sig| Doc {
                sig,
                bytes: MAX_BYTES / 3 + 1,
            })
            .collect();
        let sizes: Vec<usize> = plan(&d, &[]).iter().map(Vec::len).collect();
        assert_eq!(sizes, [3, 3, 3, 1]);
    }

    #[test]
    fn documents_new_among_the_old_leave_every_old_part_as_it_was() {
        // Old documents have even signatures; one in ten gets a new odd
        // neighbour, which sorts right after it in path order.
        let old = docs((0..2000).map(|i| 2 * i));
        let first = plan(&old, &[]);
        let mut sigs: Vec<u64> = old.iter().map(|d| d.sig).collect();
        sigs.extend((0..2000).step_by(10).map(|i| 2 * i + 1));
        sigs.sort();
        let new = docs(sigs);
        let second = plan(&new, &history(&old, &first));
        covers_each_once(&new, &second);
        let old_parts = history(&old, &first);
        let new_parts = history(&new, &second);
        for p in &old_parts {
            assert!(new_parts.contains(p), "an old part was cut");
        }
        assert_eq!(new_parts.len(), old_parts.len() + 1);
    }

    #[test]
    fn a_changed_or_removed_document_leaves_its_part_and_the_rest_stays() {
        let old = docs(0..1000);
        let first = history(&old, &plan(&old, &[]));
        // Document 5 changes (new signature 5000), document 300 is removed.
        let sigs: Vec<u64> = (0..1000)
            .filter(|&s| s != 300)
            .map(|s| if s == 5 { 5000 } else { s })
            .collect();
        let new = docs(sigs);
        let second = plan(&new, &first);
        covers_each_once(&new, &second);
        let second = history(&new, &second);
        assert_eq!(second[2], first[2]);
        assert_eq!(second[3], first[3]);
        assert_eq!(second[0].len(), 255);
        assert!(!second[0].contains(&5));
        assert!(!second[1].contains(&300));
        assert_eq!(second.last().unwrap(), &vec![5000]);
    }

    #[test]
    fn small_parts_are_merged_once_they_pile_up() {
        let mut sigs: Vec<u64> = (0..300).collect();
        let mut d = docs(sigs.clone());
        let mut parts = plan(&d, &[]);
        let mut most = 0;
        for night in 0..40u64 {
            // Ten new documents a night.
            sigs.extend((0..10).map(|i| 10_000 + night * 10 + i));
            let next = docs(sigs.clone());
            parts = plan(&next, &history(&d, &parts));
            covers_each_once(&next, &parts);
            most = most.max(parts.len());
            d = next;
        }
        let small = parts.iter().filter(|p| p.len() < SMALL_DOCS).count();
        assert!(small <= MAX_SMALL_PARTS, "{small} small parts");
        // 700 documents: a few full parts and a bounded tail.
        assert!(
            most <= 700 / TARGET_DOCS + 2 + MAX_SMALL_PARTS,
            "{most} parts"
        );
    }

    #[test]
    fn the_same_history_gives_the_same_plan() {
        let d = docs((0..700).rev());
        let h = history(&d, &plan(&d, &[]));
        assert_eq!(plan(&d, &h), plan(&d, &h));
        assert_eq!(history(&d, &plan(&d, &h)), h);
    }
}
