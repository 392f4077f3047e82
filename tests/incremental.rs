//! Nightly incremental runs, sharding and the synthetic corpus end to end:
//! a run that carries unchanged parts over holds the same rows as a full
//! rebuild and leaves the parts it did not need to touch as they were;
//! shards split the inputs without overlap; the run never reads its own
//! output; generated documents yield no error findings unless an
//! inconsistency was injected, and every injected one is found at its line.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use planfacts::cache::{self, ChangeStats};
use planfacts::check::{self, Config};
use planfacts::generate::{self, GenOptions};
use planfacts::model::Severity;
use planfacts::pipeline;
use planfacts::run::{self, RunOptions, RunSummary, Shard};
use planfacts::schema::DATASETS;
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

/// Every file below an output folder, by path inside it.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    write::files_below(dir)
        .unwrap()
        .into_iter()
        .map(|(name, _)| {
            let bytes = fs::read(dir.join(&name)).unwrap();
            (name, bytes)
        })
        .collect()
}

/// The inode of every part file below an output folder, by path inside it.
fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    let mut all = BTreeMap::new();
    for dataset in DATASETS {
        for ext in ["csv", "parquet"] {
            for path in write::part_files(dir, dataset, ext).unwrap() {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                all.insert(name, fs::metadata(&path).unwrap().ino());
            }
        }
    }
    all
}

/// Every dataset's rows (read from the Parquet parts), each as JSON, sorted.
fn sorted_rows(out: &Path) -> BTreeMap<&'static str, Vec<String>> {
    fn sorted<T: serde::Serialize>(rows: &[T]) -> Vec<String> {
        let mut rows: Vec<String> = rows
            .iter()
            .map(|r| serde_json::to_string(r).unwrap())
            .collect();
        rows.sort();
        rows
    }
    let data = write::read_out(out).unwrap();
    BTreeMap::from([
        ("documents", sorted(&data.documents)),
        ("blocks", sorted(&data.blocks)),
        ("cells", sorted(&data.cells)),
        ("measures", sorted(&data.measures)),
        ("dates", sorted(&data.dates)),
        ("findings", sorted(&data.findings)),
    ])
}

/// The CSV parts of every dataset hold the same rows as its Parquet parts
/// (line counts; the CSV text itself is tested in `write`).
fn csv_rows_match_parquet(out: &Path) {
    let data = write::read_out(out).unwrap();
    let count = |name: &str| -> usize {
        write::part_files(out, name, "csv")
            .unwrap()
            .iter()
            .map(|p| {
                let text = fs::read_to_string(p).unwrap();
                // Quoted fields may hold newlines: count records, not lines.
                text.split('\n')
                    .scan(false, |open, line| {
                        let starts = !*open;
                        if line.matches('"').count() % 2 == 1 {
                            *open = !*open;
                        }
                        Some(starts && !line.is_empty())
                    })
                    .filter(|&s| s)
                    .count()
                    - 1
            })
            .sum()
    };
    assert_eq!(count("documents"), data.documents.len());
    assert_eq!(count("measures"), data.measures.len());
    assert_eq!(count("findings"), data.findings.len());
}

/// An incremental run holds the rows of a full rebuild, dataset by dataset,
/// and the same report.
fn assert_same_rows(incremental: &Path, full: &Path) {
    let (a, b) = (sorted_rows(incremental), sorted_rows(full));
    for name in DATASETS {
        assert!(
            a[name] == b[name],
            "{name} differs between the incremental run and the full rebuild ({} and {} rows)",
            a[name].len(),
            b[name].len()
        );
    }
    assert_eq!(
        fs::read_to_string(incremental.join("report.md")).unwrap(),
        fs::read_to_string(full.join("report.md")).unwrap()
    );
    csv_rows_match_parquet(incremental);
}

/// The source path of every document in an output folder.
fn source_paths(out: &Path) -> BTreeSet<String> {
    write::read_out(out)
        .unwrap()
        .documents
        .into_iter()
        .map(|d| d.source_path)
        .collect()
}

/// A generated corpus in `<dir>/corpus`.
fn corpus(dir: &Path, docs: usize, seed: u64, inject: usize) -> generate::CorpusSummary {
    generate::write_corpus(&dir.join("corpus"), &GenOptions { docs, seed, inject }).unwrap()
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
fn incremental_run_holds_the_rows_of_a_full_rebuild() {
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
    assert_eq!(second.findings, rebuilt.findings);
    assert_same_rows(&nightly, &full);
    let a = files(&nightly);
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

    // Someone edited a part: that part is written again, from the cache.
    let measures = write::part_files(&nightly, "measures", "csv").unwrap();
    let mut edited = fs::read(&measures[0]).unwrap();
    edited.extend_from_slice(b"x\n");
    fs::write(&measures[0], edited).unwrap();
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
fn the_same_inputs_and_history_give_byte_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), 30, 3, 2);
    let docs = corpus.docs_dir.clone();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        run::run(&options(&docs, out, true, None)).unwrap();
    }
    write_doc(&docs, &generate::document(3, 30, false));
    fs::remove_file(docs.join(generate::document(3, 4, false).file)).unwrap();
    for out in [&a, &b] {
        run::run(&options(&docs, out, true, None)).unwrap();
    }
    assert!(
        files(&a) == files(&b),
        "two outputs with one history differ"
    );
}

#[test]
fn a_damaged_cache_costs_a_reparse_not_a_wrong_answer() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), 12, 4, 0);
    let out = tmp.path().join("out");
    run::run(&options(&corpus.docs_dir, &out, true, None)).unwrap();
    let before = files(&out);
    let cache_dir = cache::dir_for(&out);
    // Damaged part entries (and record of the last run, which would
    // otherwise keep out/ as it is): the documents come from their entries.
    assert!(scribble(&cache_dir.join("parts")) >= 1);
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
    scribble(&cache_dir.join("parts"));
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
                fs::write(&p, b"PFC3 not an entry").unwrap();
                scribbled += 1;
            }
        }
    }
    scribbled
}

#[test]
fn a_night_over_many_parts_rewrites_only_what_changed() {
    let tmp = tempfile::tempdir().unwrap();
    // Three parts: 256, 256 and 188 documents.
    let total = 700;
    let corpus = corpus(tmp.path(), total, 5, 3);
    let docs = corpus.docs_dir.clone();
    let nightly = tmp.path().join("out");
    run::run(&options(&docs, &nightly, true, None)).unwrap();
    let before = inodes(&nightly);
    assert_eq!(before.len(), 3 * 2 * DATASETS.len());

    // One document edited in the middle (the second part); five new ones
    // scattered among the old ones in path order.
    let middle = generate::document(5, 350, false);
    let mut edited = generate::document(77, 350, true);
    edited.file = middle.file.clone();
    write_doc(&docs, &edited);
    for (n, after) in [10, 150, 300, 450, 650].into_iter().enumerate() {
        let mut new = generate::document(6, n, false);
        new.file = generate::document(5, after, false)
            .file
            .replace(".txt", "_new.txt");
        write_doc(&docs, &new);
    }
    let second = run::run(&options(&docs, &nightly, true, None)).unwrap();
    let c = changes(&second);
    assert_eq!(
        (c.new, c.changed, c.unchanged, c.reparsed),
        (5, 1, total - 1, 6),
        "{c:?}"
    );
    // The first and third parts are the very files of the night before;
    // the second lost a document and was rewritten; the new and the
    // changed documents are a part of their own.
    let after = inodes(&nightly);
    let kept = after
        .iter()
        .filter(|(name, ino)| before.get(*name) == Some(ino))
        .count();
    assert_eq!(kept, 2 * 2 * DATASETS.len(), "{before:#?}\n{after:#?}");
    assert_eq!(after.len(), 4 * 2 * DATASETS.len());
    let entries = fs::read_dir(cache::dir_for(&nightly).join("parts"))
        .unwrap()
        .count();
    assert_eq!(entries, 4, "unused part entries are dropped");

    let full = tmp.path().join("full");
    run::run(&options(&docs, &full, false, None)).unwrap();
    assert_same_rows(&nightly, &full);
    // `planfacts check` reads every part back and writes the same rows.
    run::recheck(&full, &Config::default(), &WriteOptions::default()).unwrap();
    assert_same_rows(&nightly, &full);
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
    let all: BTreeSet<String> = source_paths(&whole);
    let mut union = BTreeSet::new();
    let mut total = 0;
    let mut part_names = BTreeSet::new();
    for index in 0..2 {
        let out = tmp.path().join("parts").join(format!("shard={index}"));
        let shard = Shard { index, count: 2 };
        let summary = run::run(&options(&corpus.docs_dir, &out, true, Some(shard))).unwrap();
        let part: BTreeSet<String> = source_paths(&out);
        assert!(
            !part.is_empty() && part.len() < all.len(),
            "shard {index}: {}",
            part.len()
        );
        assert_eq!(summary.documents, part.len());
        total += part.len();
        union.extend(part);
        for path in write::part_files(&out, "measures", "parquet").unwrap() {
            assert!(part_names.insert(path.file_name().unwrap().to_owned()));
        }
    }
    assert_eq!(total, all.len(), "shards overlap");
    assert_eq!(union, all);
}

#[test]
fn the_run_never_reads_its_own_output() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus(tmp.path(), 6, 9, 0);
    let drops = corpus.docs_dir.clone();
    // --out inside the input folder, and what a killed run leaves beside it.
    let out = drops.join("out");
    let first = run::run(&options(&drops, &out, true, None)).unwrap();
    assert_eq!(first.documents, 6);
    fs::create_dir_all(drops.join("out.staging-4242/measures")).unwrap();
    fs::write(
        drops.join("out.staging-4242/measures/_part-1.csv"),
        "a,b\n1,2\n",
    )
    .unwrap();
    fs::create_dir_all(drops.join("out.old-4242")).unwrap();
    fs::write(drops.join("out.old-4242/report.md"), "# old\n").unwrap();
    for night in 0..2 {
        let again = run::run(&options(&drops, &out, true, None)).unwrap();
        assert_eq!(again.documents, 6, "night {night}");
        let c = changes(&again);
        assert_eq!((c.new, c.unchanged, c.removed), (0, 6, 0), "{c:?}");
    }
    // Without the cache too, and with out/ given as an input itself.
    let mut plain = options(&drops, &out, false, None);
    plain.inputs.push(out.clone());
    let summary = run::run(&plain).unwrap();
    assert_eq!(summary.documents, 6);
    assert!(summary
        .input_problems
        .iter()
        .any(|p| p.contains("own output")));
    let sources: BTreeSet<String> = source_paths(&out);
    assert!(
        sources
            .iter()
            .all(|s| s.ends_with(".txt") && !s.contains("/out")),
        "{sources:?}"
    );
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
        by_file.insert(file, check::check_output(&out, &Config::default()));
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
    assert_same_rows(&nightly, &full);
}
