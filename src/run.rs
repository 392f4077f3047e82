//! The nightly job: find the inputs, process documents in parallel, run the
//! checks, write every dataset at once.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::IsTerminal;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::cache::{self, Cache, ChangeStats, Seen};
use crate::check::{self, Config, DocFacts};
use crate::decode;
use crate::error::{Error, Result};
use crate::model::{DocOutput, Finding, Severity, Status};
use crate::pipeline;
use crate::report;
use crate::write::{self, Datasets, WriteOptions};

/// One file to process.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// Path as shown in outputs (lossy UTF-8 for names that are not UTF-8).
    pub display: String,
    pub path: PathBuf,
}

/// An input path that could not be listed (missing, a symlink loop…).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    pub display: String,
    pub message: String,
}

/// Files below the given paths, sorted, each once. Hidden files (`.gitkeep`)
/// are skipped; symlinked folders are followed once (a loop stops there).
pub fn collect_inputs(inputs: &[PathBuf]) -> (Vec<InputFile>, Vec<InputProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut seen_dirs = HashSet::new();
    for input in inputs {
        walk(input, &mut seen_dirs, &mut files, &mut problems, true);
    }
    files.sort();
    files.dedup_by(|a, b| a.path == b.path);
    (files, problems)
}

fn walk(
    path: &Path,
    seen_dirs: &mut HashSet<PathBuf>,
    files: &mut Vec<InputFile>,
    problems: &mut Vec<InputProblem>,
    explicit: bool,
) {
    let display = path.to_string_lossy().into_owned();
    let hidden = path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'));
    if hidden && !explicit {
        return;
    }
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            problems.push(InputProblem {
                display,
                message: format!("cannot read: {e}"),
            });
            return;
        }
    };
    if meta.is_dir() {
        let canonical = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !seen_dirs.insert(canonical) {
            problems.push(InputProblem {
                display,
                message: "folder already visited (symlink loop or repeated input); skipped".into(),
            });
            return;
        }
        let entries = match fs::read_dir(path) {
            Ok(e) => e,
            Err(e) => {
                problems.push(InputProblem {
                    display,
                    message: format!("cannot list folder: {e}"),
                });
                return;
            }
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for child in children {
            walk(&child, seen_dirs, files, problems, false);
        }
    } else {
        files.push(InputFile {
            display,
            path: path.to_path_buf(),
        });
    }
}

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub config: Config,
    pub write: WriteOptions,
    /// Show a progress bar (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Files larger than this are recorded as failed instead of read.
    pub max_doc_bytes: u64,
    /// Seconds one document may take before it is recorded as failed; 0: no limit.
    pub max_doc_seconds: f64,
    /// Process only this share of the inputs (scale-out over machines).
    pub shard: Option<Shard>,
    /// Per-document results kept between runs (see `cache`); `None`
    /// parses every document.
    pub cache: Option<PathBuf>,
}

/// `--shard i/n`: share `i` (0-based) of `n`. A file belongs to the share
/// given by the hash of its path as listed, so every machine given the
/// same input paths picks a disjoint part and together they cover all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub fn owns(&self, path: &str) -> bool {
        let hash = blake3::hash(path.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(hash.as_bytes().get(..8).unwrap_or(&[0; 8]));
        u64::from_le_bytes(first) % u64::from(self.count) == u64::from(self.index)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("`{s}`: expected i/n with 0 <= i < n (e.g. 0/2)");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What a run did, for the command line to report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub documents: usize,
    pub failed: usize,
    pub partial: usize,
    pub measures: usize,
    pub dates: usize,
    pub findings: BTreeMap<Severity, usize>,
    pub input_problems: Vec<String>,
    /// New / changed / unchanged / removed inputs, when the cache is on.
    pub changes: Option<ChangeStats>,
}

impl RunSummary {
    /// The most severe finding, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, _)| *s)
            .max()
    }
}

/// Read and process one file; never panics and never fails: problems become
/// a `failed` document naming the file.
pub fn process_file(file: &InputFile, max_bytes: u64, max_seconds: f64) -> DocOutput {
    match read_input(file, max_bytes) {
        Ok(bytes) => process_bytes(file, &bytes, max_seconds).unwrap_or_else(|over| *over.0),
        Err(failed) => failed,
    }
}

/// The time one document may take, counted from now.
fn budget(max_seconds: f64) -> pipeline::Budget {
    match std::time::Duration::try_from_secs_f64(max_seconds) {
        Ok(limit) if !limit.is_zero() => pipeline::Budget::starting_now(limit),
        _ => pipeline::Budget::unlimited(),
    }
}

/// The bytes of one input, or the `failed` document saying why not.
fn read_input(file: &InputFile, max_bytes: u64) -> std::result::Result<Vec<u8>, DocOutput> {
    let fail = |id: String, bytes: u64, msg: String| DocOutput {
        document: Some(pipeline::failed_document(id, &file.display, bytes, msg)),
        ..DocOutput::default()
    };
    // A file we cannot read has no bytes to hash: its id comes from its path.
    let path_id = || decode::doc_id(format!("unreadable:{}", file.display).as_bytes());
    match fs::metadata(&file.path) {
        Ok(m) if m.len() > max_bytes => {
            return Err(fail(
                path_id(),
                m.len(),
                format!(
                    "{}: {} bytes is over the per-document limit of {max_bytes} bytes (--max-doc-bytes)",
                    file.display,
                    m.len()
                ),
            ))
        }
        Ok(m) if !m.is_file() => return Err(fail(path_id(), 0, format!("{}: not a regular file", file.display))),
        Ok(_) => {}
        Err(e) => return Err(fail(path_id(), 0, format!("{}: cannot read: {e}", file.display))),
    }
    fs::read(&file.path)
        .map_err(|e| fail(path_id(), 0, format!("{}: cannot read: {e}", file.display)))
}

/// Parse one input's bytes; a panic in a stage becomes a `failed` document.
fn process_bytes(
    file: &InputFile,
    bytes: &[u8],
    max_seconds: f64,
) -> std::result::Result<DocOutput, pipeline::OverBudget> {
    let fail = |id: String, bytes: u64, msg: String| DocOutput {
        document: Some(pipeline::failed_document(id, &file.display, bytes, msg)),
        ..DocOutput::default()
    };
    let budget = budget(max_seconds);
    match catch_unwind(AssertUnwindSafe(|| {
        pipeline::process_within(&file.display, bytes, &budget)
    })) {
        Ok(out) => out,
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Ok(fail(
                decode::doc_id(bytes),
                bytes.len() as u64,
                format!(
                    "{}: internal error while parsing (please report): {what}",
                    file.display
                ),
            ))
        }
    }
}

/// [`process_file`] through the cache: the stored output when this path had
/// these bytes before, else a fresh parse that is then stored. Inputs that
/// cannot be read are not cached (they have no bytes to key on).
fn process_cached(
    file: &InputFile,
    max_bytes: u64,
    max_seconds: f64,
    cache: &Cache,
) -> (DocOutput, Option<Seen>, Option<String>) {
    let bytes = match read_input(file, max_bytes) {
        Ok(b) => b,
        Err(failed) => return (failed, None, None),
    };
    let content = cache::content_hash(&bytes);
    let key = Cache::key(&file.display, &content);
    let (out, reparsed, problem) = match cache.load(&key) {
        Some(out) => (out, false, None),
        None => {
            match process_bytes(file, &bytes, max_seconds) {
                Ok(out) => {
                    let problem = cache
                        .store(&key, &out)
                        .err()
                        .map(|e| format!("cache not updated: {e}"));
                    (out, true, problem)
                }
                // A faster night may finish it: not kept.
                Err(over) => (*over.0, true, None),
            }
        }
    };
    let seen = Seen {
        path: file.display.clone(),
        content,
        key,
        reparsed,
    };
    (out, Some(seen), problem)
}

/// Files with identical bytes are one document: keep the first path, note
/// the others, so `doc_id` stays a key.
fn merge_duplicates(outputs: Vec<DocOutput>) -> Vec<DocOutput> {
    let mut kept: Vec<DocOutput> = Vec::with_capacity(outputs.len());
    let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
    for out in outputs {
        let Some(doc) = out.document.as_ref() else {
            continue;
        };
        if let Some(&i) = by_id.get(&doc.doc_id) {
            let also = doc.source_path.clone();
            if let Some(first) = kept.get_mut(i).and_then(|k| k.document.as_mut()) {
                let note = format!("same bytes as {also}");
                first.error = Some(match first.error.take() {
                    Some(e) => format!("{e}; {note}"),
                    None => note,
                });
            }
            continue;
        }
        by_id.insert(doc.doc_id.clone(), kept.len());
        kept.push(out);
    }
    kept
}

/// Run the checks over every document, then number the findings.
pub fn check_all(data: &Datasets, config: &Config) -> Vec<Finding> {
    let mut measures: BTreeMap<&str, Vec<crate::model::Measure>> = BTreeMap::new();
    for m in &data.measures {
        measures
            .entry(m.doc_id.as_str())
            .or_default()
            .push(m.clone());
    }
    let mut dates: BTreeMap<&str, Vec<crate::model::DateMention>> = BTreeMap::new();
    for d in &data.dates {
        dates.entry(d.doc_id.as_str()).or_default().push(d.clone());
    }
    let mut cells: BTreeMap<&str, Vec<crate::model::Cell>> = BTreeMap::new();
    for c in &data.cells {
        cells.entry(c.doc_id.as_str()).or_default().push(c.clone());
    }
    let empty_m = Vec::new();
    let empty_d = Vec::new();
    let empty_c = Vec::new();
    let mut findings: Vec<Finding> = data
        .documents
        .par_iter()
        .flat_map_iter(|doc| {
            let id = doc.doc_id.as_str();
            let facts = DocFacts {
                doc_id: id,
                measures: measures.get(id).unwrap_or(&empty_m),
                dates: dates.get(id).unwrap_or(&empty_d),
                cells: cells.get(id).unwrap_or(&empty_c),
            };
            check::check_document(&facts, config)
        })
        .collect();
    for (i, f) in findings.iter_mut().enumerate() {
        f.finding_id = i as u32 + 1;
    }
    findings
}

fn summarize(data: &Datasets, problems: &[InputProblem]) -> RunSummary {
    let mut findings = BTreeMap::new();
    for f in &data.findings {
        *findings.entry(f.severity).or_insert(0) += 1;
    }
    RunSummary {
        documents: data.documents.len(),
        failed: data
            .documents
            .iter()
            .filter(|d| d.status == Status::Failed)
            .count(),
        partial: data
            .documents
            .iter()
            .filter(|d| d.status == Status::Partial)
            .count(),
        measures: data.measures.len(),
        dates: data.dates.len(),
        findings,
        input_problems: problems
            .iter()
            .map(|p| format!("{}: {}", p.display, p.message))
            .collect(),
        changes: None,
    }
}

/// The whole nightly job.
pub fn run(options: &RunOptions) -> Result<RunSummary> {
    let _lock = write::lock_out(&options.out)?;
    let (mut files, mut problems) = collect_inputs(&options.inputs);
    if let Some(shard) = options.shard {
        files.retain(|f| shard.owns(&f.display));
    }
    if files.is_empty() && !problems.is_empty() {
        let listed: Vec<String> = problems
            .iter()
            .map(|p| format!("{}: {}", p.display, p.message))
            .collect();
        return Err(Error::Other(format!(
            "no input could be read: {}",
            listed.join("; ")
        )));
    }
    let bar = if options.progress && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(files.len() as u64);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} docs {msg}",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let cache = options.cache.as_deref().map(Cache::open);
    let processed: Vec<(DocOutput, Option<Seen>, Option<String>)> = files
        .par_iter()
        .map(|f| {
            let out = match &cache {
                Some(c) => process_cached(f, options.max_doc_bytes, options.max_doc_seconds, c),
                None => (
                    process_file(f, options.max_doc_bytes, options.max_doc_seconds),
                    None,
                    None,
                ),
            };
            bar.inc(1);
            out
        })
        .collect();
    bar.finish_and_clear();
    let mut seen = Vec::new();
    let mut outputs = Vec::with_capacity(processed.len());
    for (out, s, problem) in processed {
        outputs.push(out);
        seen.extend(s);
        if let (Some(p), Some(dir)) = (problem, options.cache.as_deref()) {
            problems.push(InputProblem {
                display: dir.to_string_lossy().into_owned(),
                message: p,
            });
        }
    }
    let mut data = Datasets::default();
    for out in merge_duplicates(outputs) {
        data.documents.extend(out.document);
        data.blocks.extend(out.blocks);
        data.cells.extend(out.cells);
        data.measures.extend(out.measures);
        data.dates.extend(out.dates);
    }
    data.findings = check_all(&data, &options.config);
    let report = report::render(&data.documents, &data.findings);
    write::write_out(&options.out, &data, &report, &options.write)?;
    let mut summary = summarize(&data, &problems);
    if let (Some(cache), Some(dir)) = (cache, options.cache.as_deref()) {
        match cache.finish(&seen) {
            Ok(stats) => summary.changes = Some(stats),
            Err(e) => summary
                .input_problems
                .push(format!("{}: cache index not updated: {e}", dir.display())),
        }
    }
    Ok(summary)
}

/// Re-run the checks over an existing `out/` without re-parsing.
pub fn recheck(out: &Path, config: &Config, write_options: &WriteOptions) -> Result<RunSummary> {
    let _lock = write::lock_out(out)?;
    let mut data = write::read_out(out)?;
    data.findings = check_all(&data, config);
    let report = report::render(&data.documents, &data.findings);
    write::write_out(out, &data, &report, write_options)?;
    Ok(summarize(&data, &[]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_by_extension() {
        assert_eq!(
            pipeline::Layout::for_path("a/b.CSV"),
            pipeline::Layout::Delimited(b',')
        );
        assert_eq!(
            pipeline::Layout::for_path("x.tsv"),
            pipeline::Layout::Delimited(b'\t')
        );
        assert_eq!(pipeline::Layout::for_path("x.txt"), pipeline::Layout::Text);
    }

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("1/3".parse::<Shard>(), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "0/0", "1", "a/2", "-1/2", "1/2/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (0..3).map(|i| Shard { index: i, count: 3 }).collect();
        let paths: Vec<String> = (0..300).map(|i| format!("drop/{i:04}.txt")).collect();
        let mut sizes = [0usize; 3];
        for p in &paths {
            let owners: Vec<usize> = (0..3).filter(|&i| shards[i].owns(p)).collect();
            assert_eq!(owners.len(), 1, "{p}");
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| n > 60), "{sizes:?}");
        assert!(Shard { index: 0, count: 1 }.owns("anything"));
    }

    #[test]
    fn missing_input_is_a_problem_not_a_panic() {
        let (files, problems) = collect_inputs(&[PathBuf::from("/nonexistent/planfacts-test")]);
        assert!(files.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("cannot read"));
    }
}
