//! The catalogue of hostile inputs a nightly drop folder can hold. Each case
//! runs the real binary on a drop holding the bad file beside a copy of one
//! seed, then reads what it wrote: the bad file's `documents` row says what
//! is wrong and names the file, every line of it is accounted for, and the
//! seed's rows are exactly those of a run without the bad file.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use planfacts::decode;
use planfacts::model::{Document, Finding, Status};
use planfacts::write::{read_out, Datasets};

const SEED: &str = "seeds/004_0fe907d0e30b67d1.txt";

fn seed_bytes() -> Vec<u8> {
    fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(SEED)).expect("seed")
}

/// A drop folder holding a copy of the seed, and an output folder beside it.
struct Case {
    _tmp: tempfile::TempDir,
    drop: PathBuf,
    out: PathBuf,
}

/// What one run wrote.
struct Run {
    stderr: String,
    data: Datasets,
    documents_csv: String,
    elapsed: Duration,
}

impl Case {
    fn new() -> Case {
        let tmp = tempfile::tempdir().expect("tmp");
        let drop = tmp.path().join("drop");
        fs::create_dir(&drop).expect("drop dir");
        fs::write(drop.join("seed.txt"), seed_bytes()).expect("seed copy");
        let out = tmp.path().join("out");
        Case {
            _tmp: tmp,
            drop,
            out,
        }
    }

    fn add(&self, name: impl AsRef<OsStr>, bytes: &[u8]) -> PathBuf {
        let path = self.drop.join(name.as_ref());
        fs::write(&path, bytes).expect("write bad file");
        path
    }

    fn command(&self, extra: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_planfacts"));
        cmd.arg("run")
            .arg(&self.drop)
            .arg("--out")
            .arg(&self.out)
            .args(["--quiet", "--no-cache"])
            .args(extra);
        cmd
    }

    fn run(&self, extra: &[&str]) -> Run {
        self.run_command(self.command(extra))
    }

    fn run_command(&self, mut cmd: Command) -> Run {
        let started = Instant::now();
        let o = cmd.output().expect("run planfacts");
        let elapsed = started.elapsed();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(0), "planfacts failed:\n{stderr}");
        let data = read_out(&self.out).expect("out/ reads back");
        let documents_csv = planfacts::write::part_files(&self.out, "documents", "csv")
            .expect("parts")
            .iter()
            .map(|p| fs::read_to_string(p).expect("csv"))
            .collect();
        Run {
            stderr,
            data,
            documents_csv,
            elapsed,
        }
    }
}

/// The seed's rows, with what depends on where the drop is (its path) or on
/// the other documents (finding numbers) left out.
#[derive(Debug, PartialEq)]
struct SeedRows(Datasets);

fn seed_rows(data: &Datasets) -> SeedRows {
    let id = decode::doc_id(&seed_bytes());
    let mine = |d: &str| d == id;
    SeedRows(Datasets {
        documents: data
            .documents
            .iter()
            .filter(|d| mine(&d.doc_id))
            .map(|d| Document {
                source_path: String::new(),
                error: None,
                ..d.clone()
            })
            .collect(),
        blocks: data
            .blocks
            .iter()
            .filter(|r| mine(&r.doc_id))
            .cloned()
            .collect(),
        cells: data
            .cells
            .iter()
            .filter(|r| mine(&r.doc_id))
            .cloned()
            .collect(),
        measures: data
            .measures
            .iter()
            .filter(|r| mine(&r.doc_id))
            .cloned()
            .collect(),
        dates: data
            .dates
            .iter()
            .filter(|r| mine(&r.doc_id))
            .cloned()
            .collect(),
        findings: data
            .findings
            .iter()
            .filter(|r| mine(&r.doc_id))
            .map(|f| Finding {
                finding_id: 0,
                ..f.clone()
            })
            .collect(),
    })
}

/// The seed's rows from a drop holding the seed alone.
fn baseline() -> &'static SeedRows {
    static BASE: OnceLock<SeedRows> = OnceLock::new();
    BASE.get_or_init(|| {
        let run = Case::new().run(&[]);
        let rows = seed_rows(&run.data);
        assert_eq!(rows.0.documents.len(), 1);
        assert!(!rows.0.measures.is_empty(), "the seed yields measures");
        rows
    })
}

impl Run {
    /// The one `documents` row of the file called `name`.
    fn doc(&self, name: &str) -> &Document {
        let rows: Vec<&Document> = self
            .data
            .documents
            .iter()
            .filter(|d| d.source_path.ends_with(name))
            .collect();
        assert_eq!(rows.len(), 1, "rows for {name}: {:#?}", self.data.documents);
        rows[0]
    }

    fn seed_intact(&self) {
        assert_eq!(&seed_rows(&self.data), baseline());
    }

    /// A row with this status whose error names the file and says `what`.
    fn says(&self, name: &str, status: Status, what: &str) -> &Document {
        let doc = self.doc(name);
        assert_eq!(doc.status, status, "{doc:#?}");
        let error = doc.error.as_deref().unwrap_or_default();
        assert!(
            error.contains(name),
            "error does not name the file: {error}"
        );
        assert!(error.contains(what), "error does not say `{what}`: {error}");
        assert!(
            self.documents_csv.contains(what),
            "documents.csv lacks `{what}`"
        );
        doc
    }

    /// Every non-blank line of `bytes` lies in some block of `doc`.
    fn covers(&self, doc: &Document, bytes: &[u8]) {
        let text = decode::decode(bytes).expect("decodes").text;
        let mut covered = vec![false; decode::split_lines(&text).len() + 1];
        for b in self.data.blocks.iter().filter(|b| b.doc_id == doc.doc_id) {
            for line in b.line..=b.line_end {
                if let Some(c) = covered.get_mut(line as usize) {
                    *c = true;
                }
            }
        }
        for (i, line) in decode::split_lines(&text).iter().enumerate() {
            if !line.trim().is_empty() {
                assert!(covered[i + 1], "line {} is in no block: {line:?}", i + 1);
            }
        }
    }

    fn measures_of<'a>(&'a self, doc: &Document) -> Vec<&'a planfacts::model::Measure> {
        self.data
            .measures
            .iter()
            .filter(|m| m.doc_id == doc.doc_id)
            .collect()
    }
}

/// One bad file beside the seed: run, check the seed, return the run.
fn with_bad_file(name: &str, bytes: &[u8], extra: &[&str]) -> Run {
    let case = Case::new();
    case.add(name, bytes);
    let run = case.run(extra);
    run.seed_intact();
    run
}

#[test]
fn empty_file() {
    let run = with_bad_file("empty.txt", b"", &[]);
    let doc = run.says("empty.txt", Status::Ok, "no text (the file is empty)");
    assert_eq!((doc.bytes, doc.lines), (0, 0));
}

#[test]
fn blank_lines_only() {
    let run = with_bad_file("blank.txt", "\n　\n \t\r\n".as_bytes(), &[]);
    run.says("blank.txt", Status::Ok, "no text (only blank lines)");
}

#[test]
fn binary_file() {
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    png.extend((0..4096u32).map(|i| (i * 7919 % 251) as u8));
    let run = with_bad_file("scan.png.txt", &png, &[]);
    let doc = run.says("scan.png.txt", Status::Failed, "binary file");
    assert_eq!(doc.bytes, png.len() as u64);
}

#[test]
fn nul_bytes_in_text() {
    let text = "令和3年度 参加者 1,234人\n目標\0値 2,000人\n".as_bytes();
    let run = with_bad_file("nul.txt", text, &[]);
    // A NUL byte never occurs in text of these encodings: the file is not
    // read (rather than read wrongly), and the row says where the NUL is.
    let at = text.iter().position(|&b| b == 0).expect("a NUL");
    run.says(
        "nul.txt",
        Status::Failed,
        &format!("binary file (byte {at} "),
    );
}

#[test]
fn invalid_utf8_inside_a_utf8_file() {
    let mut bytes = "令和3年度 参加者 1,234人\n".as_bytes().to_vec();
    bytes.extend(b"\xff\xfe\x80\n");
    bytes.extend("目標値 2,000人\n".as_bytes());
    let run = with_bad_file("broken.txt", &bytes, &[]);
    let doc = run.says(
        "broken.txt",
        Status::Partial,
        "3 byte(s) did not decode as UTF-8",
    );
    assert_eq!(doc.undecodable_bytes, 3);
    run.covers(doc, &bytes);
    let values: Vec<f64> = run.measures_of(doc).iter().map(|m| m.value).collect();
    assert!(
        values.contains(&1234.0) && values.contains(&2000.0),
        "{values:?}"
    );
}

#[test]
fn a_file_mixing_encodings() {
    let mut bytes = Vec::new();
    for i in 0..10 {
        bytes.extend(format!("令和{i}年度の参加者は{i}00人であった。\n").as_bytes());
    }
    for i in 0..10 {
        let line = format!("平成31年2月の目標値は{i},300人とする。\n");
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&line);
        bytes.extend(sjis.iter());
    }
    let run = with_bad_file("mixed.txt", &bytes, &[]);
    let doc = run.says("mixed.txt", Status::Partial, "did not decode as");
    assert!(doc.undecodable_bytes > 0);
    run.covers(doc, &bytes);
}

#[test]
fn a_50_mb_single_line() {
    let unit = "令和3年度の参加者は1,234人で、目標値2,000人に対し61.7%であった。本事業は地域の活性化を図る。";
    let line = unit.repeat(50 * 1024 * 1024 / unit.len());
    // No time limit: this shows the stages are linear, not that the limit fires.
    let run = with_bad_file("long.txt", line.as_bytes(), &["--max-doc-seconds", "0"]);
    let doc = run.doc("long.txt");
    assert_eq!((doc.status, doc.lines), (Status::Ok, 1), "{doc:#?}");
    run.covers(doc, line.as_bytes());
    let per_unit = run.measures_of(doc).len() / (line.len() / unit.len());
    assert_eq!(per_unit, 3, "three quantities in every sentence");
    assert!(
        run.elapsed < Duration::from_secs(240),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn hundred_thousand_lines_of_headings() {
    let text: String = (1..=100_000)
        .map(|i| format!("（{i}）施策{i}の推進\n"))
        .collect();
    let run = with_bad_file("headings.txt", text.as_bytes(), &[]);
    let doc = run.doc("headings.txt");
    assert_eq!((doc.status, doc.lines), (Status::Ok, 100_000));
    run.covers(doc, text.as_bytes());
    assert!(
        run.elapsed < Duration::from_secs(120),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn a_table_with_ragged_rows() {
    let text = "指標\t令和3年度\t令和4年度\t令和5年度\n参加者数\t100\n相談件数\t10\t20\t30\t40\t50\t60\n\t\t\n来場者数\t\t300\n";
    let run = with_bad_file("ragged.txt", text.as_bytes(), &[]);
    let doc = run.doc("ragged.txt");
    assert_eq!(doc.status, Status::Ok);
    run.covers(doc, text.as_bytes());
    let lines: Vec<&str> = text.lines().collect();
    let cells: Vec<_> = run
        .data
        .cells
        .iter()
        .filter(|c| c.doc_id == doc.doc_id)
        .collect();
    for want in ["100", "60", "300"] {
        assert!(
            cells.iter().any(|c| c.text == want),
            "no cell {want}: {cells:#?}"
        );
    }
    for c in cells {
        let raw = lines.get(c.line as usize - 1).copied().unwrap_or_default();
        let from: String = raw.chars().skip(c.line_col as usize).collect();
        assert!(
            from.starts_with(&c.text),
            "cell {:?} is not at line {} col {}",
            c.text,
            c.line,
            c.line_col
        );
    }
}

#[test]
fn a_cell_after_ten_thousand_tabs() {
    let text = format!(
        "事業実績\n区分\t参加者数\n実績{}100人\n",
        "\t".repeat(10_000)
    );
    let run = with_bad_file("tabs.txt", text.as_bytes(), &[]);
    let doc = run.doc("tabs.txt");
    assert_eq!(doc.status, Status::Ok);
    run.covers(doc, text.as_bytes());
    let m = run.measures_of(doc);
    assert!(
        m.iter().any(|m| m.value == 100.0
            && m.unit.as_deref() == Some("人")
            && m.line == 3
            && m.col == 10_002),
        "{m:#?}"
    );
}

#[test]
fn numbers_too_large_for_i64_and_f64() {
    let text = format!(
        "人口 999999999999999999999人\n予算 {}円\n９９９９９９９９９９９９９９９９９９９９億円\n参加者 1,234人\n令和{}年度\n",
        "9".repeat(400),
        "9".repeat(30)
    );
    let run = with_bad_file("huge.txt", text.as_bytes(), &[]);
    let doc = run.doc("huge.txt");
    assert_eq!(doc.status, Status::Ok);
    run.covers(doc, text.as_bytes());
    let values: Vec<f64> = run.measures_of(doc).iter().map(|m| m.value).collect();
    // Only the figure an f64 holds exactly is a measure; the rest stay text
    // in their blocks rather than becoming a value the document never printed.
    assert_eq!(values, [1234.0]);
}

/// The dates rows and findings of `doc`.
fn date_problems(run: &Run, doc: &Document) -> (Vec<(String, Option<String>)>, Vec<String>) {
    let dates = run
        .data
        .dates
        .iter()
        .filter(|d| d.doc_id == doc.doc_id)
        .map(|d| (d.raw.clone(), d.problem.clone()))
        .collect();
    let findings = run
        .data
        .findings
        .iter()
        .filter(|f| f.doc_id == doc.doc_id)
        .map(|f| f.check.clone())
        .collect();
    (dates, findings)
}

#[test]
fn reiwa_year_zero() {
    let run = with_bad_file("r0.txt", "計画期間 令和0年4月1日から\n".as_bytes(), &[]);
    let doc = run.doc("r0.txt");
    assert_eq!(doc.status, Status::Ok);
    let (dates, findings) = date_problems(&run, doc);
    assert_eq!(dates.len(), 1, "{dates:?}");
    assert!(
        dates[0]
            .1
            .as_deref()
            .is_some_and(|p| p.contains("era year 0")),
        "{dates:?}"
    );
    assert!(!findings.is_empty(), "令和0年 is reported");
}

#[test]
fn february_30() {
    let run = with_bad_file(
        "feb30.txt",
        "説明会 令和4年2月30日(水)開催\n".as_bytes(),
        &[],
    );
    let doc = run.doc("feb30.txt");
    let (dates, findings) = date_problems(&run, doc);
    assert_eq!(dates.len(), 1, "{dates:?}");
    assert!(dates[0].1.is_some(), "{dates:?}");
    assert!(findings.iter().any(|c| c == "invalid_date"), "{findings:?}");
}

#[test]
fn heisei_99() {
    let run = with_bad_file("h99.txt", "目標年次 平成99年度\n".as_bytes(), &[]);
    let doc = run.doc("h99.txt");
    let rows: Vec<_> = run
        .data
        .dates
        .iter()
        .filter(|d| d.doc_id == doc.doc_id)
        .collect();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    // Converted as printed (plans drafted before 2019 wrote such years), and reported.
    assert_eq!(
        rows[0].start.map(|d| d.to_string()).as_deref(),
        Some("2087-04-01")
    );
    assert!(rows[0].problem.is_some());
    assert!(
        !date_problems(&run, doc).1.is_empty(),
        "平成99年 is reported"
    );
}

#[test]
fn an_unreadable_file() {
    let case = Case::new();
    let path = case.add("secret.txt", "令和3年度 100人\n".as_bytes());
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).expect("chmod");
    let mut cmd = case.command(&[]);
    if unsafe { libc::geteuid() } == 0 {
        // Root reads any file: run without the two capabilities that allow it.
        use std::os::unix::process::CommandExt;
        unsafe {
            cmd.pre_exec(|| {
                for cap in [1, 2] {
                    // CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
                    if libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                }
                Ok(())
            });
        }
    }
    let run = case.run_command(cmd);
    run.seed_intact();
    let doc = run.says(
        "secret.txt",
        Status::Failed,
        "cannot read: Permission denied",
    );
    assert_eq!(doc.bytes, 0);
}

#[test]
fn a_named_pipe_does_not_hang_the_run() {
    let case = Case::new();
    let fifo = case.drop.join("pipe.txt");
    let c = std::ffi::CString::new(fifo.as_os_str().as_bytes()).expect("path");
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
    let run = case.run(&[]);
    run.seed_intact();
    run.says("pipe.txt", Status::Failed, "not a regular file");
}

#[test]
fn symlink_loops_in_an_input_folder() {
    let case = Case::new();
    let sub = case.drop.join("sub");
    fs::create_dir(&sub).expect("sub");
    std::os::unix::fs::symlink(&case.drop, sub.join("back")).expect("loop to ancestor");
    std::os::unix::fs::symlink(case.drop.join("self"), case.drop.join("self")).expect("self loop");
    let run = case.run(&[]);
    run.seed_intact();
    assert_eq!(run.data.documents.len(), 1, "{:#?}", run.data.documents);
    assert!(
        run.stderr.contains("back: folder already visited"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("self: cannot read"), "{}", run.stderr);
}

#[test]
fn a_file_name_that_is_not_utf8() {
    let case = Case::new();
    let text = "令和3年度 参加者 1,234人\n";
    case.add(OsStr::from_bytes(b"report-\xff\xfe.txt"), text.as_bytes());
    let run = case.run(&[]);
    run.seed_intact();
    let doc = run.doc("report-\u{FFFD}\u{FFFD}.txt");
    assert_eq!(doc.status, Status::Ok);
    run.covers(doc, text.as_bytes());
    assert_eq!(run.measures_of(doc).len(), 1);
}

#[test]
fn duplicate_files_under_two_names() {
    let case = Case::new();
    case.add("copy-of-seed.txt", &seed_bytes());
    let run = case.run(&[]);
    // One document (doc_id stays a key), rows once, the other path noted.
    run.seed_intact();
    let doc = run.doc("copy-of-seed.txt");
    let error = doc.error.as_deref().unwrap_or_default();
    assert!(
        error.contains("same bytes as") && error.ends_with("seed.txt"),
        "{error}"
    );
    assert_eq!(doc.status, Status::Ok);
}

#[test]
fn a_file_over_the_size_limit() {
    let big = "令和3年度 参加者 1,234人\n".repeat(10_000);
    let run = with_bad_file("big.txt", big.as_bytes(), &["--max-doc-bytes", "100000"]);
    let doc = run.says(
        "big.txt",
        Status::Failed,
        "over the per-document limit of 100000 bytes (--max-doc-bytes)",
    );
    assert_eq!(doc.bytes, big.len() as u64);
}

#[test]
fn a_document_over_the_time_limit() {
    let slow: String = (0..400_000)
        .map(|i| {
            format!(
                "（{i}）令和{}年度の参加者は{i}人、目標値{}人。\n",
                i % 9 + 1,
                i * 2
            )
        })
        .collect();
    let run = with_bad_file("slow.txt", slow.as_bytes(), &["--max-doc-seconds", "0.5"]);
    run.says(
        "slow.txt",
        Status::Failed,
        "took longer than the per-document limit of 0.5 s (--max-doc-seconds)",
    );
    assert!(run.measures_of(run.doc("slow.txt")).is_empty());
}
