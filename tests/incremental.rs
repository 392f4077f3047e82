//! Nightly incremental runs, sharding and the synthetic corpus end to end:
//! a run that reuses cached documents writes the same bytes as a full
//! rebuild; shards split the inputs without overlap; generated documents
//! yield no error findings unless an inconsistency was injected, and every
//! injected one is found at its line.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use planfacts::cache::{self, ChangeStats};
use planfacts::check::{self, Config, DocFacts};
use planfacts::generate::{self, GenOptions};
use planfacts::model::Severity;
use planfacts::pipeline;
use planfacts::run::{self, RunOptions, RunSummary, Shard};
use planfacts::write::{self, WriteOptions};

fn options(inputs: &Path, out: &Path, cache: bool, shard: Option<Shard>) -> RunOptions {
    RunOptions {
        inputs: vec![inputs.to_path_buf()],
        out: out.to_path_buf(),
        config: Config::default(),
        write: WriteOptions::default(),
        progress: false,
        max_doc_bytes: 1 << 30,
        max_doc_seconds: 0.0,
        shard,
        cache: cache.then(|| cache::dir_for(out)),
    }
}

/// Every file of an output folder, by name.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// A generated corpus in `<dir>/corpus`.
fn corpus(dir: &Path, docs: usize, seed: u64, inject: usize) -> generate::CorpusSummary {
    generate::write_corpus(&dir.join("corpus"), &GenOptions { docs, seed, inject }).unwrap()
}

/// The incremental run's files are the full rebuild's, byte for byte.
fn assert_same_files(incremental: &BTreeMap<String, Vec<u8>>, full: &BTreeMap<String, Vec<u8>>) {
    assert_eq!(
        incremental.keys().collect::<Vec<_>>(),
        full.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in incremental {
        assert!(
            bytes == &full[name],
            "{name} differs between the incremental run and the full rebuild"
        );
    }
}

fn write_doc(docs: &Path, doc: &generate::GeneratedDoc) -> PathBuf {
    let path = docs.join(&doc.file);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, &doc.bytes).unwrap();
    path
}

fn changes(summary: &RunSummary) -> ChangeStats {
    summary.changes.expect("the cache was on")
}

#[test]
fn incremental_run_is_byte_identical_to_a_full_rebuild() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), 40, 21, 4);
    let docs = corpus.docs_dir.clone();
    let nightly = tmp.path().join("out");

    let first = run::run(&options(&docs, &nightly, true, None)).unwrap();
    assert_eq!(
        changes(&first),
        ChangeStats {
            new: 40,
            reparsed: 40,
            ..ChangeStats::default()
        }
    );

    // A night's drop: two new files, one edited, one deleted.
    let mut edited = generate::document(99, 1, false);
    edited.file = generate::document(21, 1, false).file;
    write_doc(&docs, &edited);
    let extra = generate::document(21, 40, false);
    write_doc(&docs, &extra);
    let mut renamed = generate::document(21, 41, false);
    renamed.file = renamed.file.replace(".txt", "_late.txt");
    write_doc(&docs, &renamed);
    let removed = generate::document(21, 7, false);
    fs::remove_file(docs.join(&removed.file)).unwrap();

    let second = run::run(&options(&docs, &nightly, true, None)).unwrap();
    let c = changes(&second);
    assert_eq!(
        (c.new, c.changed, c.removed, c.reparsed),
        (2, 1, 1, 3),
        "{c:?}"
    );
    assert_eq!(c.unchanged, 38);

    let full = tmp.path().join("full");
    let rebuilt = run::run(&options(&docs, &full, false, None)).unwrap();
    assert!(rebuilt.changes.is_none());
    assert_eq!(second.documents, rebuilt.documents);
    let (a, b) = (files(&nightly), files(&full));
    assert_same_files(&a, &b);

    assert!(!second.out_kept);

    // Nothing changed: nothing is parsed or written, the outputs stay.
    let third = run::run(&options(&docs, &nightly, true, None)).unwrap();
    assert_eq!(
        changes(&third),
        ChangeStats {
            unchanged: 41,
            ..ChangeStats::default()
        }
    );
    assert!(third.out_kept);
    assert_eq!(
        (third.documents, third.measures, &third.findings),
        (second.documents, second.measures, &second.findings)
    );
    assert_eq!(files(&nightly), a);

    // Someone edited a dataset: it is written again, from the cache.
    let measures = nightly.join("measures.csv");
    let mut edited = fs::read(&measures).unwrap();
    edited.extend_from_slice(b"x\n");
    fs::write(&measures, edited).unwrap();
    let fourth = run::run(&options(&docs, &nightly, true, None)).unwrap();
    assert!(!fourth.out_kept);
    assert_eq!(changes(&fourth).reparsed, 0);
    assert_eq!(files(&nightly), a);

    // Other check settings: the findings are made again.
    let mut stricter = options(&docs, &nightly, true, None);
    stricter.config = Config::from_toml("[checks.period_length]\nenabled = false\n").unwrap();
    let fifth = run::run(&stricter).unwrap();
    assert!(!fifth.out_kept);
    let back = run::run(&options(&docs, &nightly, true, None)).unwrap();
    assert!(!back.out_kept);
    assert_eq!(files(&nightly), a);
}

#[test]
fn a_damaged_cache_costs_a_reparse_not_a_wrong_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), 12, 4, 0);
    let out = tmp.path().join("out");
    run::run(&options(&corpus.docs_dir, &out, true, None)).unwrap();
    let before = files(&out);
    let cache_dir = cache::dir_for(&out);
    // Damaged batch entries (and record of the last run, which would
    // otherwise keep out/ as it is): the documents come from their entries.
    assert!(scribble(&cache_dir.join("batches")) >= 1);
    fs::write(cache_dir.join("last_run.json"), b"{ not json").unwrap();
    let again = run::run(&options(&corpus.docs_dir, &out, true, None)).unwrap();
    assert!(!again.out_kept);
    assert_eq!(
        changes(&again),
        ChangeStats {
            unchanged: 12,
            ..ChangeStats::default()
        }
    );
    assert_eq!(files(&out), before);
    // Every entry damaged: everything is parsed again.
    assert_eq!(scribble(&cache_dir.join("entries")), 12);
    scribble(&cache_dir.join("batches"));
    fs::write(cache_dir.join("last_run.json"), b"").unwrap();
    let again = run::run(&options(&corpus.docs_dir, &out, true, None)).unwrap();
    assert_eq!(
        changes(&again),
        ChangeStats {
            unchanged: 12,
            reparsed: 12,
            ..ChangeStats::default()
        }
    );
    assert_eq!(files(&out), before);
}

/// Overwrite every file below `dir` with garbage; how many there were.
fn scribble(dir: &Path) -> usize {
    let mut stack = vec![dir.to_path_buf()];
    let mut scribbled = 0;
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                fs::write(&p, b"PFC2 not an entry").unwrap();
                scribbled += 1;
            }
        }
    }
    scribbled
}

#[test]
fn a_night_over_many_batches_rebuilds_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), 700, 5, 3);
    let docs = corpus.docs_dir.clone();
    let listed = |docs: &Path| -> Vec<(String, u64)> {
        let (files, _) = run::collect_inputs(&[docs.to_path_buf()]);
        files
            .iter()
            .map(|f| (f.display.clone(), fs::metadata(&f.path).unwrap().len()))
            .collect()
    };
    // Batch boundaries hash the paths, which include the temporary
    // folder's random name: grow the corpus until it spans three batches.
    let mut total = 700;
    while planfacts::batch::plan(listed(&docs).iter().map(|(p, b)| (p.as_str(), *b))).len() < 3 {
        assert!(total < 5000, "5000 documents in fewer than three batches");
        for i in total..total + 100 {
            write_doc(&docs, &generate::document(5, i, false));
        }
        total += 100;
    }

    let nightly = tmp.path().join("out");
    run::run(&options(&docs, &nightly, true, None)).unwrap();
    // One document edited in the middle, five new at the end.
    let middle = generate::document(5, 350, false);
    let mut edited = generate::document(77, 350, true);
    edited.file = middle.file.clone();
    write_doc(&docs, &edited);
    for i in total..total + 5 {
        write_doc(&docs, &generate::document(5, i, false));
    }
    let second = run::run(&options(&docs, &nightly, true, None)).unwrap();
    let c = changes(&second);
    assert_eq!(
        (c.new, c.changed, c.unchanged, c.reparsed),
        (5, 1, total - 1, 6),
        "{c:?}"
    );
    let batches = fs::read_dir(cache::dir_for(&nightly).join("batches"))
        .unwrap()
        .count();
    let after = planfacts::batch::plan(listed(&docs).iter().map(|(p, b)| (p.as_str(), *b)));
    assert_eq!(batches, after.len(), "unused batch entries are dropped");

    let full = tmp.path().join("full");
    run::run(&options(&docs, &full, false, None)).unwrap();
    let (a, b) = (files(&nightly), files(&full));
    assert_same_files(&a, &b);
    // `planfacts check` batches the rows it reads back the same way.
    run::recheck(&full, &Config::default(), &WriteOptions::default()).unwrap();
    assert!(files(&full) == b, "check rewrote the datasets differently");
    // The datasets hold every batch: one document row per input.
    let data = write::read_out(&nightly).unwrap();
    assert_eq!(data.documents.len(), total + 5);
    assert_eq!(second.documents, total + 5);
}

#[test]
fn shards_split_the_inputs_and_cover_them_all() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), 30, 8, 0);
    let whole = tmp.path().join("whole");
    run::run(&options(&corpus.docs_dir, &whole, false, None)).unwrap();
    let all: BTreeSet<String> = write::read_out(&whole)
        .unwrap()
        .documents
        .into_iter()
        .map(|d| d.source_path)
        .collect();
    let mut union = BTreeSet::new();
    let mut total = 0;
    for index in 0..2 {
        let out = tmp.path().join("parts").join(format!("shard={index}"));
        let shard = Shard { index, count: 2 };
        let summary = run::run(&options(&corpus.docs_dir, &out, true, Some(shard))).unwrap();
        let part: BTreeSet<String> = write::read_out(&out)
            .unwrap()
            .documents
            .into_iter()
            .map(|d| d.source_path)
            .collect();
        assert!(
            !part.is_empty() && part.len() < all.len(),
            "shard {index}: {}",
            part.len()
        );
        assert_eq!(summary.documents, part.len());
        total += part.len();
        union.extend(part);
    }
    assert_eq!(total, all.len(), "shards overlap");
    assert_eq!(union, all);
}

/// Generated documents through the per-document pipeline and the checks.
/// Findings by file, and the (file, line, check) of every injection.
type FindingsAndInjections = (
    BTreeMap<String, Vec<planfacts::model::Finding>>,
    Vec<(String, u32, String)>,
);

fn findings_by_file(seed: u64, inject: usize, docs: usize) -> FindingsAndInjections {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = generate::write_corpus(tmp.path(), &GenOptions { docs, seed, inject }).unwrap();
    let manifest = generate::read_manifest(&corpus.manifest).unwrap();
    let mut by_file = BTreeMap::new();
    for index in 0..docs {
        let file = generate::document(seed, index, false).file;
        let bytes = fs::read(corpus.docs_dir.join(&file)).unwrap();
        let out = pipeline::process(&file, &bytes);
        let doc_id = out.document.as_ref().unwrap().doc_id.clone();
        let facts = DocFacts {
            doc_id: &doc_id,
            measures: &out.measures,
            dates: &out.dates,
            cells: &out.cells,
        };
        by_file.insert(file, check::check_document(&facts, &Config::default()));
    }
    (by_file, manifest)
}

#[test]
fn consistent_generated_documents_have_no_error_findings() {
    let (by_file, manifest) = findings_by_file(31, 0, 30);
    assert!(manifest.is_empty());
    for (file, findings) in &by_file {
        let errors: Vec<_> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
    }
}

#[test]
fn every_injected_inconsistency_is_found_at_its_line() {
    let (by_file, manifest) = findings_by_file(32, 15, 30);
    assert_eq!(manifest.len(), 15);
    let injected: BTreeSet<&str> = manifest.iter().map(|(f, _, _)| f.as_str()).collect();
    let missed: Vec<String> = manifest
        .iter()
        .filter(|(file, line, check)| {
            !by_file[file]
                .iter()
                .any(|f| f.line == *line && f.check == *check)
        })
        .map(|(file, line, check)| {
            let got: Vec<String> = by_file[file]
                .iter()
                .map(|f| format!("{}:{} {}", f.line, f.check, f.message))
                .collect();
            format!("{file}:{line}: no `{check}` finding; got {got:?}")
        })
        .collect();
    assert!(
        missed.is_empty(),
        "{} of {} injections missed:\n{}",
        missed.len(),
        manifest.len(),
        missed.join("\n")
    );
    for (file, findings) in &by_file {
        if !injected.contains(file.as_str()) {
            let errors: Vec<_> = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{file}: {errors:#?}");
        }
    }
}

#[test]
fn a_night_cut_short_by_the_time_limit_is_never_nothing_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), 3, 2, 0);
    let out = tmp.path().join("out");
    let mut hurried = options(&corpus.docs_dir, &out, true, None);
    hurried.max_doc_seconds = 1e-9;
    let first = run::run(&hurried).unwrap();
    assert_eq!(first.failed, 3, "every document runs out of time");
    let second = run::run(&hurried).unwrap();
    assert!(!second.out_kept);
    assert_eq!(changes(&second).reparsed, 3, "a later night tries again");
    let relaxed = run::run(&options(&corpus.docs_dir, &out, true, None)).unwrap();
    assert_eq!((relaxed.failed, relaxed.out_kept), (0, false));
}

#[test]
fn inputs_trusted_by_their_stat_still_show_an_edit_that_kept_size_and_time() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), 12, 5, 0);
    let docs = corpus.docs_dir.clone();
    let nightly = tmp.path().join("out");
    // Only a stat older than the clock's tick is recorded (see
    // `cache::FileStat::settled`): let the drop settle first.
    std::thread::sleep(std::time::Duration::from_millis(2_500));
    run::run(&options(&docs, &nightly, true, None)).unwrap();
    let quiet = run::run(&options(&docs, &nightly, true, None)).unwrap();
    assert!(quiet.out_kept);
    assert_eq!(changes(&quiet).unchanged, 12);

    // One digit changed in place, the modification time put back: only the
    // change time (which no one can set back) tells.
    let path = generate::document(5, 3, false).file;
    let path = docs.join(path);
    let before = fs::metadata(&path).unwrap().modified().unwrap();
    let mut bytes = fs::read(&path).unwrap();
    let digit = bytes.iter().position(u8::is_ascii_digit).unwrap();
    bytes[digit] = if bytes[digit] == b'9' {
        b'8'
    } else {
        bytes[digit] + 1
    };
    fs::write(&path, &bytes).unwrap();
    fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(before))
        .unwrap();

    let edited = run::run(&options(&docs, &nightly, true, None)).unwrap();
    let c = changes(&edited);
    assert_eq!((c.changed, c.unchanged, c.reparsed), (1, 11, 1), "{c:?}");
    let full = tmp.path().join("full");
    run::run(&options(&docs, &full, false, None)).unwrap();
    assert_same_files(&files(&nightly), &files(&full));
}
