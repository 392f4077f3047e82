//! Stage 1: bytes to text. Detects the encoding, counts what did not decode.
// OWNER: helper "decode+normalize". Interface below is fixed; fill in the bodies.

use encoding_rs::{
    DecoderResult, Encoding, EUC_JP, ISO_2022_JP, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8,
};

/// Decoded text of one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// `UTF-8`, `UTF-8-BOM`, `UTF-16LE`, `UTF-16BE`, `Shift_JIS`, `EUC-JP`, `ISO-2022-JP`.
    pub encoding: &'static str,
    /// Input bytes that did not decode (each malformed sequence counts its bytes).
    pub undecodable_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Looks like binary data (NUL bytes outside UTF-16, or mostly control bytes).
    #[error("binary file (byte {offset} looks like binary data), not text")]
    Binary { offset: u64 },
}

/// Stable id of a document: the first 16 hex digits of the BLAKE3 hash of its bytes.
pub fn doc_id(bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes);
    hash.to_hex().as_str().chars().take(16).collect()
}

/// A share of control characters above 1/CONTROL_SHARE_DENOM marks binary data.
/// Text never has that many; a single stray one (a DOS EOF byte) is not enough.
const CONTROL_SHARE_DENOM: usize = 20;

/// A file that is not valid UTF-8 is still read as UTF-8 (with replacement
/// characters) when at most 1/UTF8_BAD_SHARE_DENOM of its non-ASCII bytes are
/// malformed: Shift_JIS and EUC-JP text is malformed UTF-8 almost everywhere.
const UTF8_BAD_SHARE_DENOM: usize = 10;

/// Detect the encoding and decode.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        check_binary_bytes(rest, 3)?;
        return Ok(run(UTF_8, "UTF-8-BOM", rest));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        check_binary_utf16(rest, u16::from_le_bytes)?;
        return Ok(run(UTF_16LE, "UTF-16LE", rest));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        check_binary_utf16(rest, u16::from_be_bytes)?;
        return Ok(run(UTF_16BE, "UTF-16BE", rest));
    }
    check_binary_bytes(bytes, 0)?;
    if bytes.is_ascii() && has_iso2022jp_escape(bytes) {
        return Ok(run(ISO_2022_JP, "ISO-2022-JP", bytes));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_owned(),
            encoding: "UTF-8",
            undecodable_bytes: 0,
        });
    }
    // Read as UTF-8 without building the text: in Shift_JIS or EUC-JP
    // bytes nearly every sequence is malformed, and decoding them one
    // replacement at a time was most of the cost of scoring this candidate.
    let (utf8_bad, utf8_score) = utf8_lossy_score(bytes);
    let non_ascii = bytes.iter().filter(|b| !b.is_ascii()).count();
    let bad = usize::try_from(utf8_bad).unwrap_or(usize::MAX);
    if bad.saturating_mul(UTF8_BAD_SHARE_DENOM) <= non_ascii {
        return Ok(run(UTF_8, "UTF-8", bytes));
    }
    // Shift_JIS and EUC-JP both decode most of each other's bytes without
    // error (EUC-JP read as Shift_JIS is a stream of half-width katakana), so
    // the error count alone cannot choose; the plausibility score can.
    // On a tie the earlier candidate wins, which keeps the choice deterministic.
    let mut best: Option<Decoded> = None;
    let mut best_score = utf8_score;
    for (encoding, name) in [(SHIFT_JIS, "Shift_JIS"), (EUC_JP, "EUC-JP")] {
        let cand = run(encoding, name, bytes);
        let score = plausibility(&cand.text);
        if score > best_score {
            best_score = score;
            best = Some(cand);
        }
    }
    Ok(best.unwrap_or_else(|| run(UTF_8, "UTF-8", bytes)))
}

/// Undecodable bytes and [`plausibility`] of `bytes` read as UTF-8 with
/// replacement characters, as [`run`] with UTF-8 would give them: both
/// replace each maximal malformed subpart (the WHATWG and Unicode rule).
fn utf8_lossy_score(bytes: &[u8]) -> (u64, i64) {
    let (mut bad, mut score) = (0u64, 0i64);
    for chunk in bytes.utf8_chunks() {
        score += plausibility(chunk.valid());
        let invalid = chunk.invalid().len();
        if invalid > 0 {
            bad += invalid as u64;
            score += plausibility("\u{FFFD}");
        }
    }
    (bad, score)
}

/// Decode all of `bytes` with `encoding` (no BOM sniffing), replacing each
/// malformed sequence by U+FFFD and counting its bytes.
fn run(encoding: &'static Encoding, name: &'static str, bytes: &[u8]) -> Decoded {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len().saturating_mul(3) / 2 + 16);
    let mut undecodable: u64 = 0;
    let mut src = bytes;
    loop {
        let need = decoder
            .max_utf8_buffer_length_without_replacement(src.len())
            .unwrap_or(src.len().saturating_mul(3).saturating_add(16));
        text.reserve(need);
        let (result, read) = decoder.decode_to_string_without_replacement(src, &mut text, true);
        src = src.get(read..).unwrap_or_default();
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, _) => {
                undecodable += u64::from(bad);
                text.push('\u{FFFD}');
            }
        }
    }
    Decoded {
        text,
        encoding: name,
        undecodable_bytes: undecodable,
    }
}

/// ISO-2022-JP switches to JIS X 0208 or JIS-Roman with these escapes; a
/// 7-bit file without them is plain ASCII.
fn has_iso2022jp_escape(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| {
        matches!(
            w,
            [0x1B, b'$', b'@'] | [0x1B, b'$', b'B'] | [0x1B, b'(', b'J'] | [0x1B, b'(', b'I']
        )
    })
}

/// Control characters that do not occur in text. Tab, LF, CR, form feed and
/// ESC (ISO-2022-JP) do.
fn is_binary_control(unit: u32) -> bool {
    unit < 0x20 && !matches!(unit, 0x09 | 0x0A | 0x0D | 0x0C | 0x1B) || unit == 0x7F
}

fn check_binary_bytes(bytes: &[u8], base: u64) -> Result<(), DecodeError> {
    check_binary_units(bytes.iter().map(|&b| u32::from(b)), bytes.len(), 1, base)
}

fn check_binary_utf16(bytes: &[u8], from: fn([u8; 2]) -> u16) -> Result<(), DecodeError> {
    let units = bytes.chunks_exact(2).map(|c| match *c {
        [a, b] => u32::from(from([a, b])),
        // chunks_exact only yields pairs; any other shape is not a NUL/control.
        _ => 0x20,
    });
    check_binary_units(units, bytes.len() / 2, 2, 2)
}

/// `unit_len` bytes per unit, `base` bytes before the first unit (a BOM).
fn check_binary_units(
    units: impl Iterator<Item = u32>,
    count: usize,
    unit_len: u64,
    base: u64,
) -> Result<(), DecodeError> {
    let mut first_control: Option<u64> = None;
    let mut controls = 0usize;
    for (i, unit) in units.enumerate() {
        let offset = base + i as u64 * unit_len;
        if unit == 0 {
            return Err(DecodeError::Binary { offset });
        }
        if is_binary_control(unit) {
            controls += 1;
            first_control.get_or_insert(offset);
        }
    }
    match first_control {
        Some(offset) if controls > 1 && controls.saturating_mul(CONTROL_SHARE_DENOM) > count => {
            Err(DecodeError::Binary { offset })
        }
        _ => Ok(()),
    }
}

/// How much a decoding looks like Japanese text. A wrong legacy decoding
/// yields replacement characters, half-width katakana, private-use and
/// Greek/Cyrillic/Latin-1 characters; a right one yields hiragana and kanji.
fn plausibility(text: &str) -> i64 {
    text.chars()
        .map(|c| match u32::from(c) {
            0x3041..=0x309F => 3,
            0x30A1..=0x30FA | 0x30FC => 2,
            0x4E00..=0x9FFF | 0x3000..=0x303F | 0xFF01..=0xFF5E => 1,
            0xFFFD => -5,
            0xE000..=0xF8FF => -3,
            0xFF61..=0xFF9F | 0x0080..=0x00FF | 0x0370..=0x04FF => -1,
            _ => 0,
        })
        .sum()
}

/// Split decoded text into lines (`\n`, `\r\n` and lone `\r` end a line), as
/// every stage numbers them: line 1 is the first element.
pub fn split_lines(text: &str) -> Vec<&str> {
    lines(text).collect()
}

/// The lines of [`split_lines`], one at a time.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        // Both terminators are ASCII, so a byte search finds char boundaries.
        let Some(i) = rest.bytes().position(|b| b == b'\n' || b == b'\r') else {
            return Some(std::mem::take(&mut rest));
        };
        let line = rest.get(..i).unwrap_or_default();
        let after = rest.get(i..).unwrap_or_default();
        let skip = if after.starts_with("\r\n") { 2 } else { 1 };
        rest = after.get(skip..).unwrap_or_default();
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn seeds() -> Vec<(String, String)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.retain(|p| p.extension().is_some_and(|e| e == "txt"));
        paths.sort();
        let out: Vec<(String, String)> = paths
            .iter()
            .filter_map(|p| {
                let text = std::fs::read_to_string(p).ok()?;
                Some((p.display().to_string(), text))
            })
            .collect();
        assert_eq!(out.len(), 5, "seed files missing from {}", dir.display());
        out
    }

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        let mut out = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in text.encode_utf16() {
            out.extend_from_slice(&if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        out
    }

    /// Decoding the encoder's output with the known encoding is the reference:
    /// the encoder replaces characters the encoding lacks by `&#N;`.
    fn check_legacy(enc: &'static Encoding, name: &str, text: &str, label: &str) {
        let (bytes, _, _) = enc.encode(text);
        let (expected, _) = enc.decode_without_bom_handling(&bytes);
        let got = decode(&bytes).unwrap_or_else(|e| panic!("{label} as {name}: {e}"));
        assert_eq!(got.encoding, name, "{label}");
        assert_eq!(got.undecodable_bytes, 0, "{label} as {name}");
        assert!(got.text == expected, "{label} as {name}: text differs");
    }

    #[test]
    fn seeds_in_every_encoding_decode_to_the_same_text() {
        for (path, text) in seeds() {
            check_legacy(SHIFT_JIS, "Shift_JIS", &text, &path);
            check_legacy(EUC_JP, "EUC-JP", &text, &path);
            check_legacy(ISO_2022_JP, "ISO-2022-JP", &text, &path);
            for (little, name) in [(true, "UTF-16LE"), (false, "UTF-16BE")] {
                let got = decode(&utf16(&text, little)).map_err(|e| e.to_string());
                assert_eq!(got.as_ref().map(|d| d.encoding), Ok(name), "{path}");
                assert!(got.is_ok_and(|d| d.text == text && d.undecodable_bytes == 0));
            }
            let mut bom = b"\xEF\xBB\xBF".to_vec();
            bom.extend_from_slice(text.as_bytes());
            let got = decode(&bom);
            assert_eq!(got.as_ref().map(|d| d.encoding), Ok("UTF-8-BOM"));
            assert!(got.is_ok_and(|d| d.text == text));
            let got = decode(text.as_bytes());
            assert_eq!(got.as_ref().map(|d| d.encoding), Ok("UTF-8"));
            assert!(got.is_ok_and(|d| d.text == text));
        }
    }

    /// Short documents are the hard case for SJIS vs EUC-JP; every seed line
    /// with a few Japanese characters must still be told apart.
    #[test]
    fn single_seed_lines_detect_sjis_and_euc() {
        let mut tried = 0;
        for (path, text) in seeds() {
            for (i, line) in split_lines(&text).into_iter().enumerate() {
                if line.chars().filter(|c| !c.is_ascii()).count() < 4 {
                    continue;
                }
                tried += 1;
                let label = format!("{path}:{}", i + 1);
                check_legacy(SHIFT_JIS, "Shift_JIS", line, &label);
                check_legacy(EUC_JP, "EUC-JP", line, &label);
            }
        }
        assert!(tried > 300, "only {tried} lines tried");
    }

    #[test]
    fn sjis_only_characters_and_cp932_extensions() {
        // NEC row 13 and IBM extensions are CP932, which encoding_rs SHIFT_JIS covers.
        check_legacy(
            SHIFT_JIS,
            "Shift_JIS",
            "①②③ ㈱ 髙橋 ～ 人数３，３００人",
            "cp932",
        );
        check_legacy(EUC_JP, "EUC-JP", "①②③ 令和４年度の取組状況 △1,234", "eucjp");
    }

    #[test]
    fn invalid_bytes_inside_utf8_stay_utf8() {
        let (_, text) = seeds().into_iter().next().unwrap_or_default();
        let cut: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .skip(5)
            .step_by(60)
            .collect();
        let (a, b) = (cut[0], cut[1]);
        let mut bytes = text.as_bytes()[..a].to_vec();
        bytes.push(0xFF);
        bytes.extend_from_slice(&text.as_bytes()[a..b]);
        bytes.push(0xC0);
        bytes.extend_from_slice(&text.as_bytes()[b..]);
        bytes.extend_from_slice(&"年度".as_bytes()[..4]); // cut inside the last char
        let got = decode(&bytes);
        assert_eq!(got.as_ref().map(|d| d.encoding), Ok("UTF-8"));
        let got = got.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.undecodable_bytes, 3);
        assert_eq!(got.text.matches('\u{FFFD}').count(), 3);
        assert!(got.text.contains("人づくり"));
    }

    #[test]
    fn invalid_bytes_inside_sjis_are_counted() {
        let mut bytes = SHIFT_JIS
            .encode("令和４年度の取組状況について報告します。")
            .0
            .into_owned();
        bytes.push(0xFF);
        let got = decode(&bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got.encoding, "Shift_JIS");
        assert_eq!(got.undecodable_bytes, 1);
        assert!(got.text.ends_with("報告します。\u{FFFD}"));
    }

    #[test]
    fn empty_and_ascii() {
        let empty = decode(b"");
        assert_eq!(
            empty,
            Ok(Decoded {
                text: String::new(),
                encoding: "UTF-8",
                undecodable_bytes: 0
            })
        );
        assert_eq!(decode(b"KPI 3,682\n").map(|d| d.encoding), Ok("UTF-8"));
        // An ANSI escape is not an ISO-2022-JP shift.
        assert_eq!(
            decode(b"\x1b[1mbold\x1b[0m").map(|d| d.encoding),
            Ok("UTF-8")
        );
        assert_eq!(decode(b"\xFF\xFE").map(|d| d.text), Ok(String::new()));
    }

    #[test]
    fn binary_inputs_are_rejected_with_offset() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
        assert_eq!(decode(png), Err(DecodeError::Binary { offset: 8 }));
        assert_eq!(
            decode(b"abc\x00def"),
            Err(DecodeError::Binary { offset: 3 })
        );
        let (sjis, _, _) = SHIFT_JIS.encode("計画\0");
        assert_eq!(decode(&sjis), Err(DecodeError::Binary { offset: 4 }));
        let noisy: Vec<u8> = (0u8..200)
            .map(|i| if i % 5 == 0 { 0x01 } else { b'a' })
            .collect();
        assert_eq!(decode(&noisy), Err(DecodeError::Binary { offset: 0 }));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(b"ab\x00");
        assert_eq!(decode(&bom), Err(DecodeError::Binary { offset: 5 }));
        let e = DecodeError::Binary { offset: 8 }.to_string();
        assert!(e.contains("byte 8"), "{e}");
    }

    #[test]
    fn utf16_nul_is_binary_but_zero_high_bytes_are_not() {
        // ASCII in UTF-16 is half zero bytes; only a NUL code unit is binary.
        assert_eq!(
            decode(&utf16("KPI 計画", true)).map(|d| d.text),
            Ok("KPI 計画".into())
        );
        assert_eq!(
            decode(&utf16("ab\0", false)),
            Err(DecodeError::Binary { offset: 6 })
        );
        let mut odd = utf16("計画", true);
        odd.push(0x41);
        let got = decode(&odd).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (got.text.as_str(), got.undecodable_bytes),
            ("計画\u{FFFD}", 1)
        );
    }

    #[test]
    fn a_few_control_bytes_are_still_text() {
        let text = "第1章\x0c\n概要\tKPI\x1a";
        assert_eq!(decode(text.as_bytes()).map(|d| d.text), Ok(text.to_owned()));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut state: u32 = 0x1234_5678;
        for len in 0..300usize {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (state >> 16) as u8
                })
                .collect();
            if let Ok(d) = decode(&bytes) {
                assert!(d.undecodable_bytes <= len as u64);
            }
        }
    }

    #[test]
    fn utf8_score_matches_decoding_with_replacements() {
        let mut state: u32 = 0x9E37_79B9;
        let mut inputs: Vec<Vec<u8>> = (0..400usize)
            .map(|len| {
                (0..len % 97)
                    .map(|_| {
                        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                        (state >> 16) as u8
                    })
                    .collect()
            })
            .collect();
        for (_, text) in seeds() {
            inputs.push(SHIFT_JIS.encode(&text).0.into_owned());
            inputs.push(EUC_JP.encode(&text).0.into_owned());
            let mut cut = text.into_bytes();
            cut.truncate(cut.len().saturating_sub(1));
            cut.insert(7, 0xE3);
            inputs.push(cut);
        }
        for bytes in inputs {
            let full = run(UTF_8, "UTF-8", &bytes);
            assert_eq!(
                utf8_lossy_score(&bytes),
                (full.undecodable_bytes, plausibility(&full.text)),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn split_lines_handles_all_terminators() {
        assert_eq!(split_lines(""), Vec::<&str>::new());
        assert_eq!(split_lines("a"), vec!["a"]);
        assert_eq!(split_lines("a\n"), vec!["a"]);
        assert_eq!(split_lines("a\r\nb\rc\nd"), vec!["a", "b", "c", "d"]);
        assert_eq!(split_lines("\n\n"), vec!["", ""]);
        assert_eq!(split_lines("a\r\r\nb\r"), vec!["a", "", "b"]);
        assert_eq!(split_lines("計画\n\n目標"), vec!["計画", "", "目標"]);
    }

    #[test]
    fn doc_id_is_stable_and_content_based() {
        assert_eq!(doc_id(b"abc"), doc_id(b"abc"));
        assert_ne!(doc_id(b"abc"), doc_id(b"abd"));
        assert_eq!(doc_id(b""), "af1349b9f5f9a1a6");
        assert_eq!(doc_id(b"x").len(), 16);
    }
}
