//! Any bytes through decode → normalize → segment → extract: no panic, no
//! hang (libFuzzer's -timeout), every non-blank line in some block, ids
//! that are keys, rows that point inside the document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use planfacts::model::Status;
use planfacts::{decode, pipeline};

fuzz_target!(|data: &[u8]| {
    // The first byte picks how the file is read, as its name would.
    let (path, bytes) = match data.split_first() {
        Some((b, rest)) if b % 8 == 0 => ("drop/t.csv", rest),
        Some((b, rest)) if b % 8 == 1 => ("drop/t.tsv", rest),
        _ => ("drop/t.txt", data),
    };
    let out = pipeline::process(path, bytes);
    let Some(doc) = out.document.as_ref() else {
        panic!("no documents row");
    };
    if doc.status == Status::Failed {
        assert!(doc.error.is_some() && out.blocks.is_empty() && out.measures.is_empty());
        return;
    }
    let Ok(decoded) = decode::decode(bytes) else {
        panic!("parsed, yet does not decode");
    };
    let lines = decode::split_lines(&decoded.text);
    let n = lines.len() as u32;
    assert_eq!(doc.lines, n);
    let mut covered = vec![false; lines.len() + 1];
    for (i, b) in out.blocks.iter().enumerate() {
        assert_eq!(b.block_id, i as u32 + 1);
        assert!(1 <= b.line && b.line <= b.line_end && b.line_end <= n, "{b:?}");
        for l in b.line..=b.line_end {
            covered[l as usize] = true;
        }
    }
    for (i, line) in lines.iter().enumerate() {
        assert!(line.trim().is_empty() || covered[i + 1], "line {} is in no block", i + 1);
    }
    let mut ids = std::collections::HashSet::new();
    for m in &out.measures {
        assert!((1..=n).contains(&m.line) && m.value.is_finite(), "{m:?}");
        assert!(ids.insert(m.measure_id));
    }
    let mut ids = std::collections::HashSet::new();
    for d in &out.dates {
        assert!((1..=n).contains(&d.line), "{d:?}");
        assert!(ids.insert(d.date_id));
    }
    let mut keys = std::collections::HashSet::new();
    for c in &out.cells {
        assert!((1..=n).contains(&c.line), "{c:?}");
        assert!(keys.insert((c.table_id, c.row, c.col)));
    }
});
