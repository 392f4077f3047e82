//! The per-document pipeline on the seeds: coverage, structure, encodings,
//! and bad files that must not disturb the rest.

use std::path::Path;

use planfacts::decode;
use planfacts::model::{BlockKind, DocOutput, Status};
use planfacts::pipeline;

fn seed_paths() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("seeds/")
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

fn seed(prefix: &str) -> (String, DocOutput) {
    let path = seed_paths()
        .into_iter()
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .expect("seed");
    let text = std::fs::read_to_string(&path).expect("utf-8 seed");
    let out = pipeline::process(&path.to_string_lossy(), text.as_bytes());
    (text, out)
}

/// Every non-blank line lies inside exactly one block.
fn assert_covered(name: &str, text: &str, out: &DocOutput) {
    let lines = decode::split_lines(text);
    let mut owner = vec![0u32; lines.len() + 1];
    for b in &out.blocks {
        assert!(
            b.line >= 1 && b.line <= b.line_end,
            "{name}: block {} spans {}..{}",
            b.block_id,
            b.line,
            b.line_end
        );
        for l in b.line..=b.line_end {
            let slot = owner
                .get_mut(l as usize)
                .unwrap_or_else(|| panic!("{name}: block past the end"));
            assert_eq!(
                *slot, 0,
                "{name}: line {l} in blocks {} and {}",
                slot, b.block_id
            );
            *slot = b.block_id;
        }
    }
    for (i, line) in lines.iter().enumerate() {
        if !line.trim().is_empty() {
            assert_ne!(
                owner[i + 1],
                0,
                "{name}: line {} not in any block: {line:?}",
                i + 1
            );
        }
    }
}

#[test]
fn every_seed_line_is_in_exactly_one_block() {
    for p in seed_paths() {
        let text = std::fs::read_to_string(&p).expect("seed");
        let out = pipeline::process(&p.to_string_lossy(), text.as_bytes());
        assert_covered(&p.to_string_lossy(), &text, &out);
        assert_eq!(out.document.as_ref().map(|d| d.status), Some(Status::Ok));
    }
}

#[test]
fn seed_002_kpi_headers_and_row_groups() {
    let (_, out) = seed("002");
    let kpi = out
        .cells
        .iter()
        .filter(|c| c.line == 7)
        .map(|c| c.table_id)
        .next()
        .expect("KPI table");
    let headers: Vec<&str> = out
        .cells
        .iter()
        .filter(|c| c.table_id == kpi)
        .map(|c| c.header.as_str())
        .collect();
    for want in [
        "取組期間累計 / 目標値",
        "取組期間累計 / 進捗率",
        "令和2年度 / 取組状況",
        "令和2年度 / 進捗率",
        "令和5年度 / 進捗率",
    ] {
        assert!(
            headers.contains(&want),
            "missing header {want}: {headers:?}"
        );
    }
    let group7 = out
        .cells
        .iter()
        .find(|c| c.line == 7 && !c.is_header)
        .map(|c| c.row_label.clone())
        .expect("row 7");
    assert!(group7.starts_with("1 安定した就職に向けた取組"), "{group7}");
    let row8: Vec<_> = out.cells.iter().filter(|c| c.line == 8).collect();
    assert!(!row8.is_empty());
    assert!(
        row8.iter().all(|c| c.row_label == group7),
        "row 8 labels: {:?}",
        row8.iter().map(|c| &c.row_label).collect::<Vec<_>>()
    );
}

#[test]
fn seed_004_has_six_year_tables() {
    let (_, out) = seed("004");
    let tables: Vec<u32> = out
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Table)
        .map(|b| b.block_id)
        .collect();
    assert_eq!(tables.len(), 6, "tables: {tables:?}");
    for t in tables {
        let header: Vec<&str> = out
            .cells
            .iter()
            .filter(|c| c.table_id == t && c.is_header)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(
            header.get(..4),
            Some(&["R4", "R5", "R6", "R7"][..]),
            "table {t}"
        );
    }
}

#[test]
fn seed_001_roster_carries_its_group_down() {
    let (_, out) = seed("001");
    for line in 181..=187 {
        let labels: Vec<&str> = out
            .cells
            .iter()
            .filter(|c| c.line == line)
            .map(|c| c.row_label.as_str())
            .collect();
        assert!(!labels.is_empty(), "line {line} has no cells");
        assert!(
            labels.iter().all(|l| *l == "委員"),
            "line {line}: {labels:?}"
        );
    }
}

/// What one document looks like with the byte-level details left out.
fn shape(out: &DocOutput) -> Vec<String> {
    let mut v: Vec<String> = out
        .blocks
        .iter()
        .map(|b| {
            format!(
                "B {} {} {}-{} {:?} {}",
                b.block_id,
                b.kind.as_str(),
                b.line,
                b.line_end,
                b.level,
                b.text
            )
        })
        .collect();
    v.extend(out.cells.iter().map(|c| {
        format!(
            "C {} {} {} {} {} {:?}",
            c.table_id, c.row, c.col, c.header, c.text, c.value
        )
    }));
    v
}

#[test]
fn japanese_encodings_give_the_same_blocks_and_cells() {
    let encodings: [(&'static encoding_rs::Encoding, &str); 3] = [
        (encoding_rs::SHIFT_JIS, "Shift_JIS"),
        (encoding_rs::EUC_JP, "EUC-JP"),
        (encoding_rs::ISO_2022_JP, "ISO-2022-JP"),
    ];
    for p in seed_paths() {
        let text = std::fs::read_to_string(&p).expect("seed");
        for (enc, name) in encodings {
            let (bytes, _, _) = enc.encode(&text);
            // Characters the encoding lacks come back as references: the
            // reference text is what the original should be compared with.
            let (expected, _, _) = enc.decode(&bytes);
            let want = pipeline::process("x.txt", expected.as_bytes());
            let got = pipeline::process("x.txt", &bytes);
            assert_eq!(
                got.document.as_ref().map(|d| d.encoding.as_str()),
                Some(name),
                "{p:?}"
            );
            assert_eq!(shape(&got), shape(&want), "{p:?} as {name}");
        }
        for (bom, utf16) in [(vec![0xFF, 0xFE], true), (vec![0xFE, 0xFF], false)] {
            let mut bytes = bom;
            for u in text.encode_utf16() {
                let b = if utf16 {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                };
                bytes.extend_from_slice(&b);
            }
            let got = pipeline::process("x.txt", &bytes);
            let want = pipeline::process("x.txt", text.as_bytes());
            assert_eq!(shape(&got), shape(&want), "{p:?} as UTF-16");
            let enc = got
                .document
                .as_ref()
                .map(|d| d.encoding.clone())
                .unwrap_or_default();
            assert!(enc.starts_with("UTF-16"), "{enc}");
        }
    }
}

#[test]
fn binary_and_empty_files_are_recorded_not_fatal() {
    let binary: Vec<u8> = (0u8..=255).cycle().take(4096).collect();
    let out = pipeline::process("drop/image.png", &binary);
    let doc = out.document.expect("document row");
    assert_eq!(doc.status, Status::Failed);
    let err = doc.error.unwrap_or_default();
    assert!(
        err.contains("drop/image.png") && err.contains("binary"),
        "{err}"
    );
    assert!(out.blocks.is_empty());

    let out = pipeline::process("drop/empty.txt", b"");
    let doc = out.document.expect("document row");
    assert_eq!(doc.status, Status::Ok);
    assert!(out.blocks.is_empty());
}

#[test]
fn invalid_bytes_make_a_partial_document_with_the_count() {
    let mut bytes = "令和4年度の事業費は28,000千円。\n".as_bytes().to_vec();
    bytes.extend_from_slice(&[0xFF, 0xFE, 0xFD]);
    bytes.extend_from_slice("\n実績は3,682件。\n".as_bytes());
    let out = pipeline::process("drop/broken.txt", &bytes);
    let doc = out.document.expect("document row");
    assert_eq!(doc.status, Status::Partial);
    assert_eq!(doc.encoding, "UTF-8");
    assert_eq!(doc.undecodable_bytes, 3);
    assert!(out.measures.iter().any(|m| m.value == 3682.0));
}
