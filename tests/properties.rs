//! Properties of one document through every stage, over generated text made
//! of what plan documents are made of (era names, markers, digits of both
//! widths, tabs, units, ranges, broken bytes): no input panics, every
//! non-blank line lands in a block, ids are keys, and every row points
//! inside the document.

use std::collections::HashSet;

use proptest::prelude::*;

use planfacts::decode;
use planfacts::model::{DocOutput, Status};
use planfacts::pipeline;

const FRAGMENTS: &[&str] = &[
    "令和",
    "平成",
    "昭和",
    "元",
    "年",
    "年度",
    "月",
    "日",
    "(木)",
    "（金）",
    "～",
    "〜",
    "~",
    "から",
    "まで",
    "△",
    "▲",
    "－",
    "―",
    "…",
    "-",
    "①",
    "⑳",
    "（１）",
    "(1)",
    "１．",
    "1.",
    "【",
    "】",
    "＜",
    "＞",
    "[松江市]",
    "■",
    "□",
    "○",
    "●",
    "★",
    "◆",
    "・",
    "A)",
    "第１回",
    "ア",
    "\t",
    "\t\t",
    "\n",
    "\n",
    "\r\n",
    "\r",
    " ",
    "　",
    "0",
    "1",
    "2",
    "3",
    "9",
    "12",
    "30",
    "99",
    "2021",
    "０",
    "１",
    "３",
    "９",
    "，",
    ",",
    ".",
    "．",
    "％",
    "%",
    "千円",
    "万",
    "億",
    "兆",
    "人",
    "件",
    "回",
    "円",
    "約",
    "割",
    "二〇二一",
    "三千五百",
    "四年間",
    "年間",
    "（4年間）",
    "年目",
    "|",
    "| ",
    "---",
    "<ul><li>",
    "</li>",
    "R4",
    "R",
    "H30",
    "S",
    "目標値",
    "実績",
    "進捗率",
    "取組状況",
    "再掲",
    "合計",
    "累計",
    "(単位：千円)",
    "単位:人",
    "\"",
    "\"\"",
    "ｶﾞ",
    "ﾊﾞ",
    "゛",
    "\u{3099}",
    "\u{FFFD}",
    "\u{FEFF}",
    "\u{0C}",
    "- 1 -",
    "K P I",
    "支 援",
    "㈱",
    "Ⅳ",
    "ｱｲｳ",
    "ＡＢＣ",
    "。",
    "、",
    "：",
    ":",
    "=",
    "/",
    "・・・",
    "計画",
    "事業",
    "の",
];

/// Text built from the fragments, with now and then any char at all.
fn document_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        8 => proptest::sample::select(FRAGMENTS).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

/// The text as bytes in one of the encodings a drop holds, sometimes broken.
fn document_bytes() -> impl Strategy<Value = (String, Vec<u8>)> {
    (document_text(), 0u8..6, any::<u16>()).prop_map(|(text, encoding, noise)| {
        let bytes = match encoding {
            0 | 1 => text.as_bytes().to_vec(),
            2 => [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat(),
            3 => encoding_rs::SHIFT_JIS.encode(&text).0.into_owned(),
            4 => {
                let mut b = vec![0xFF, 0xFE];
                b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                b
            }
            _ => {
                // A stray byte somewhere in UTF-8: invalid inside valid.
                let mut b = text.as_bytes().to_vec();
                let at = usize::from(noise) % (b.len() + 1);
                b.insert(at, 0x80 | (noise >> 8) as u8);
                b
            }
        };
        (text, bytes)
    })
}

fn path_strategy() -> impl Strategy<Value = &'static str> {
    prop_oneof![8 => Just("drop/doc.txt"), 1 => Just("drop/table.csv"), 1 => Just("drop/table.tsv")]
}

/// Every property of one document's output; `Err` says which failed.
fn check(bytes: &[u8], out: &DocOutput) -> Result<(), String> {
    let doc = out.document.as_ref().ok_or("no documents row")?;
    if doc.doc_id != decode::doc_id(bytes) {
        return Err("doc_id is not the hash of the bytes".into());
    }
    if doc.status == Status::Failed {
        if !(out.blocks.is_empty() && out.measures.is_empty() && out.dates.is_empty()) {
            return Err("a failed document has rows".into());
        }
        return doc
            .error
            .is_some()
            .then_some(())
            .ok_or("failed without a reason".into());
    }
    let text = decode::decode(bytes)
        .map_err(|e| format!("parsed, yet does not decode: {e}"))?
        .text;
    let lines = decode::split_lines(&text);
    let n = lines.len() as u32;
    if doc.lines != n {
        return Err(format!("documents.lines = {}, text has {n}", doc.lines));
    }
    // Coverage: every non-blank line in some block.
    let mut covered = vec![false; lines.len() + 1];
    let mut ids = HashSet::new();
    for (i, b) in out.blocks.iter().enumerate() {
        if b.block_id != i as u32 + 1 || !ids.insert(b.block_id) {
            return Err(format!("block ids are not 1..n: {} at {i}", b.block_id));
        }
        if b.parent_id.is_some_and(|p| p >= b.block_id) {
            return Err(format!(
                "block {} has parent {:?} after it",
                b.block_id, b.parent_id
            ));
        }
        if !(1 <= b.line && b.line <= b.line_end && b.line_end <= n) {
            return Err(format!(
                "block {} spans lines {}..={} of {n}",
                b.block_id, b.line, b.line_end
            ));
        }
        for l in b.line..=b.line_end {
            covered[l as usize] = true;
        }
    }
    for (i, line) in lines.iter().enumerate() {
        if !line.trim().is_empty() && !covered[i + 1] {
            return Err(format!("line {} is in no block: {line:?}", i + 1));
        }
    }
    let within = |what: &str, line: u32| {
        (1..=n)
            .contains(&line)
            .then_some(())
            .ok_or(format!("{what} on line {line} of {n}"))
    };
    let mut ids = HashSet::new();
    for m in &out.measures {
        within("measure", m.line)?;
        if !ids.insert(m.measure_id) || !m.value.is_finite() || m.raw.is_empty() {
            return Err(format!("bad measure {m:?}"));
        }
    }
    let mut ids = HashSet::new();
    for d in &out.dates {
        within("date", d.line)?;
        if !ids.insert(d.date_id) || d.raw.is_empty() {
            return Err(format!("bad date {d:?}"));
        }
    }
    let mut keys = HashSet::new();
    for c in &out.cells {
        within("cell", c.line)?;
        if !keys.insert((c.table_id, c.row, c.col)) || c.value.is_some_and(|v| !v.is_finite()) {
            return Err(format!("bad cell {c:?}"));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_document_parses_whole_and_consistent(
        (_text, bytes) in document_bytes(),
        path in path_strategy(),
    ) {
        let out = pipeline::process(path, &bytes);
        if let Err(e) = check(&bytes, &out) {
            prop_assert!(false, "{path}: {e}");
        }
        // Deterministic: the same bytes give the same rows.
        prop_assert_eq!(&out, &pipeline::process(path, &bytes));
    }

    #[test]
    fn probe_never_panics_and_points_inside_its_text(text in document_text()) {
        let p = planfacts::probe::probe(&text);
        let chars = text.chars().count() as u32;
        for d in &p.dates {
            prop_assert!(d.col <= chars, "{d:?}");
        }
        for q in &p.quantities {
            prop_assert!(q.value.is_finite() && q.col <= chars, "{q:?}");
        }
    }
}

/// What the generator found once stays checked.
#[test]
fn regressions() {
    let cases = [
        "一".repeat(3000),
        "\u{FEFF}\n".to_string(),
        "\t\n\t\t\n".to_string(),
        "| |\n|---|\n".to_string(),
    ];
    for text in cases {
        let out = pipeline::process("drop/doc.txt", text.as_bytes());
        if let Err(e) = check(text.as_bytes(), &out) {
            panic!("{text:?}: {e}");
        }
    }
}
