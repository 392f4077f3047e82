//! The nightly job: find and hash the inputs, plan the parts of `out/`
//! (`parts`), carry over the parts whose documents did not change and
//! parse, check and write the others in parallel (`write`), reusing cached
//! documents (`cache`) for inputs that did not change.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::IsTerminal;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::parts;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::cache::{self, Cache, ChangeStats, FileStat, LastRun, PartEntry, PartRecord, Seen};
use crate::check::{self, Config, DocFacts};
use crate::decode;
use crate::error::{Error, Result};
use crate::model::{DocOutput, Document, Finding, Severity, Status};
use crate::pipeline;
use crate::report;
use crate::write::{self, Datasets, PartFiles, WriteOptions};

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

/// The files and folders a run writes, which are never its inputs, wherever
/// `--out` lies (inside the input folder, say): `out/`, its staging and
/// retired folders and its lock beside it, and the cache.
#[derive(Debug, Default)]
pub struct OwnFiles {
    /// The folder holding `out/` (resolved) and `out/`'s name there.
    beside: Option<(PathBuf, String)>,
    /// The cache folder (resolved), wherever it is.
    cache: Option<PathBuf>,
}

impl OwnFiles {
    fn of(options: &RunOptions) -> Result<OwnFiles> {
        let out = write::sibling(&options.out, "")?;
        let beside = out.file_name().and_then(|name| {
            let parent = match out.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            Some((
                fs::canonicalize(parent).ok()?,
                name.to_string_lossy().into_owned(),
            ))
        });
        let cache = options
            .cache
            .as_deref()
            .and_then(|c| fs::canonicalize(c).ok());
        Ok(OwnFiles { beside, cache })
    }

    /// Whether `name` in the folder `dir` (resolved) is one of ours.
    fn owns(&self, dir: &Path, name: &str) -> bool {
        let beside_out = self.beside.as_ref().is_some_and(|(parent, out)| {
            parent == dir && write::is_beside_out(out, name, &[cache::SUFFIX])
        });
        beside_out || self.cache.as_deref() == Some(dir.join(name).as_path())
    }

    /// Whether `path` is one of ours (for paths given on the command line).
    fn owns_path(&self, path: &Path) -> bool {
        let (Some(name), Some(parent)) = (path.file_name(), path.parent()) else {
            return false;
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        fs::canonicalize(parent).is_ok_and(|dir| self.owns(&dir, &name.to_string_lossy()))
    }
}

/// Files below the given paths, sorted, each once, except the run's own
/// (`own`). Hidden files (`.gitkeep`) are skipped; symlinked folders are
/// followed once (a loop stops there).
pub fn collect_inputs(inputs: &[PathBuf], own: &OwnFiles) -> (Vec<InputFile>, Vec<InputProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut seen_dirs = HashSet::new();
    for input in inputs {
        if own.owns_path(input) {
            problems.push(InputProblem {
                display: input.to_string_lossy().into_owned(),
                message: "is planfacts' own output (--out, its cache or lock); skipped".into(),
            });
            continue;
        }
        walk(input, &mut seen_dirs, &mut files, &mut problems, true, own);
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
    own: &OwnFiles,
) {
    let display = path.to_string_lossy().into_owned();
    if hidden(path) && !explicit {
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
        if !seen_dirs.insert(canonical.clone()) {
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
        // The listing's file types spare a stat per file (100k documents:
        // 100k calls); symbolic links are followed by `walk`.
        let mut children: Vec<(PathBuf, bool)> = entries
            .filter_map(|e| {
                let e = e.ok()?;
                if own.owns(&canonical, &e.file_name().to_string_lossy()) {
                    return None;
                }
                let plain_file = e.file_type().is_ok_and(|t| t.is_file());
                Some((e.path(), plain_file))
            })
            .collect();
        children.sort();
        for (child, plain_file) in children {
            if !plain_file {
                walk(&child, seen_dirs, files, problems, false, own);
            } else if !hidden(&child) {
                files.push(InputFile {
                    display: child.to_string_lossy().into_owned(),
                    path: child,
                });
            }
        }
    } else {
        files.push(InputFile {
            display,
            path: path.to_path_buf(),
        });
    }
}

/// Dot files and folders are skipped inside folders (given by name, read).
fn hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
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
        cache::hash64(&[path.as_bytes()]) % u64::from(self.count) == u64::from(self.index)
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
    /// Nothing changed since the last cached run: `out/` was left as it was.
    pub out_kept: bool,
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

/// The time one document may take, counted from now.
fn budget(max_seconds: f64) -> pipeline::Budget {
    match std::time::Duration::try_from_secs_f64(max_seconds) {
        Ok(limit) if !limit.is_zero() => pipeline::Budget::starting_now(limit),
        _ => pipeline::Budget::unlimited(),
    }
}

/// The `failed` document of an input that cannot be read. A file we cannot
/// read has no bytes to hash: its id comes from its path.
fn unreadable(file: &InputFile, bytes: u64, msg: String) -> Box<DocOutput> {
    let id = decode::doc_id(format!("unreadable:{}", file.display).as_bytes());
    Box::new(DocOutput {
        document: Some(pipeline::failed_document(id, &file.display, bytes, msg)),
        ..DocOutput::default()
    })
}

/// The stat of one input that can be read, or the `failed` document saying
/// why it cannot.
fn stat_input(file: &InputFile, max_bytes: u64) -> std::result::Result<FileStat, Box<DocOutput>> {
    match fs::metadata(&file.path) {
        Ok(m) if m.len() > max_bytes => Err(unreadable(
            file,
            m.len(),
            format!(
                "{}: {} bytes is over the per-document limit of {max_bytes} bytes (--max-doc-bytes)",
                file.display,
                m.len()
            ),
        )),
        Ok(m) if !m.is_file() => Err(unreadable(file, 0, format!("{}: not a regular file", file.display))),
        Ok(m) => Ok(FileStat::of(&m)),
        Err(e) => Err(unreadable(file, 0, format!("{}: cannot read: {e}", file.display))),
    }
}

/// The bytes of one input, or the `failed` document saying why not.
fn read_input(file: &InputFile, max_bytes: u64) -> std::result::Result<Vec<u8>, Box<DocOutput>> {
    stat_input(file, max_bytes)?;
    read_bytes(file)
}

/// The bytes of an input already statted.
fn read_bytes(file: &InputFile) -> std::result::Result<Vec<u8>, Box<DocOutput>> {
    fs::read(&file.path)
        .map_err(|e| unreadable(file, 0, format!("{}: cannot read: {e}", file.display)))
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

/// One input, read and hashed but not yet parsed.
#[derive(Debug, Clone)]
struct Unit {
    file: InputFile,
    /// BLAKE3 of the bytes (hex); `None` when the file could not be read.
    content: Option<String>,
    bytes: u64,
    /// The `failed` document of a file that could not be read.
    unreadable: Option<DocOutput>,
    /// Later paths with the same bytes: one document, noted in its `error`.
    also: Vec<String>,
    /// The stat taken before hashing, when settled enough to record.
    stat: Option<FileStat>,
}

impl Unit {
    /// Stat and hash one input. When `cache` recorded this very stat for the
    /// path, its content hash is taken from there and the file is not read.
    /// `now` is when the run started, for [`FileStat::settled`].
    fn read(file: &InputFile, max_bytes: u64, cache: Option<&Cache>, now: SystemTime) -> Unit {
        let unit = |content: String, bytes: u64, stat: Option<FileStat>| Unit {
            file: file.clone(),
            content: Some(content),
            bytes,
            unreadable: None,
            also: Vec::new(),
            stat,
        };
        let stat = match stat_input(file, max_bytes) {
            Ok(stat) => stat,
            Err(failed) => return Unit::failed(file, *failed),
        };
        if let Some(content) = cache.and_then(|c| c.known_content(&file.display, &stat)) {
            return unit(content.to_string(), stat.len, Some(stat));
        }
        match read_bytes(file) {
            Ok(bytes) => unit(
                cache::content_hash(&bytes),
                bytes.len() as u64,
                stat.settled(now).then_some(stat),
            ),
            Err(failed) => Unit::failed(file, *failed),
        }
    }

    fn failed(file: &InputFile, failed: DocOutput) -> Unit {
        Unit {
            file: file.clone(),
            content: None,
            bytes: failed.document.as_ref().map_or(0, |d| d.bytes),
            unreadable: Some(failed),
            also: Vec::new(),
            stat: None,
        }
    }

    /// Names this input and its bytes: equal from night to night exactly
    /// when the document is unchanged (see `parts`).
    fn signature(&self) -> u64 {
        let parts: Vec<&[u8]> = self
            .key_parts()
            .into_iter()
            .flat_map(|p| [p.as_bytes(), b"\0"])
            .collect();
        cache::hash64(&parts)
    }

    /// What a part's cache key must cover for this input.
    fn key_parts(&self) -> Vec<&str> {
        let mut parts = vec![self.file.display.as_str()];
        match (&self.content, &self.unreadable) {
            (Some(content), _) => parts.push(content),
            (None, Some(failed)) => {
                parts.extend(failed.document.as_ref().and_then(|d| d.error.as_deref()))
            }
            (None, None) => {}
        }
        parts.extend(self.also.iter().map(String::as_str));
        parts
    }
}

/// Files with identical bytes are one document: keep the first path and
/// note the others on it, so `doc_id` stays a key.
fn merge_duplicates(units: Vec<Unit>) -> Vec<Unit> {
    let mut kept: Vec<Unit> = Vec::with_capacity(units.len());
    let mut first_with: BTreeMap<String, usize> = BTreeMap::new();
    for unit in units {
        let Some(content) = unit.content.clone() else {
            kept.push(unit);
            continue;
        };
        match first_with.get(&content) {
            Some(&i) => {
                if let Some(first) = kept.get_mut(i) {
                    first.also.push(unit.file.display);
                }
            }
            None => {
                first_with.insert(content, kept.len());
                kept.push(unit);
            }
        }
    }
    kept
}

/// One unit parsed (or loaded from the document cache), and checked.
struct Parsed {
    out: DocOutput,
    findings: Vec<Finding>,
    seen: Vec<Seen>,
    /// Parsed this run rather than loaded.
    reparsed: bool,
    /// False when the result must not be kept (the time limit cut it short).
    keep: bool,
    problem: Option<String>,
}

impl Parsed {
    /// `out` with its findings under `config`, checked now and numbered.
    fn checked(out: DocOutput, config: &Config) -> (DocOutput, Vec<Finding>) {
        let mut findings = check::check_output(&out, config);
        if let Some(doc) = &out.document {
            number(&mut findings, &doc.doc_id);
        }
        (out, findings)
    }
}

/// What the findings kept in a document entry were made under.
fn checks_fingerprint(config: &Config) -> String {
    format!("{config:?}")
}

/// `checks` is [`checks_fingerprint`] of `options.config`, made once per run.
fn parse_unit(unit: &Unit, options: &RunOptions, cache: Option<&Cache>, checks: &str) -> Parsed {
    let mut parsed = match (&unit.unreadable, &unit.content) {
        (Some(failed), _) => {
            let (out, findings) = Parsed::checked(failed.clone(), &options.config);
            Parsed {
                out,
                findings,
                seen: Vec::new(),
                reparsed: false,
                keep: true,
                problem: None,
            }
        }
        (None, content) => parse_readable(unit, content.as_deref(), options, cache, checks),
    };
    if let Some(doc) = parsed.out.document.as_mut() {
        for other in &unit.also {
            let note = format!("same bytes as {other}");
            doc.error = Some(match doc.error.take() {
                Some(e) => format!("{e}; {note}"),
                None => note,
            });
        }
    }
    if let (Some(content), Some(_)) = (&unit.content, cache) {
        for other in &unit.also {
            parsed.seen.push(Seen {
                path: other.clone(),
                content: content.clone(),
                key: Cache::key(other, content),
                reparsed: false,
                stat: None,
            });
        }
    }
    parsed
}

/// Parse (or load) and check one readable input. A document's checks look
/// at that document alone, so its findings are kept in its cache entry
/// with the settings they were made under: an unchanged document is not
/// checked again while the settings stay.
fn parse_readable(
    unit: &Unit,
    content: Option<&str>,
    options: &RunOptions,
    cache: Option<&Cache>,
    checks: &str,
) -> Parsed {
    // Keys only matter to the cache (and hashing the build is not free).
    let key = content
        .filter(|_| cache.is_some())
        .map(|c| Cache::key(&unit.file.display, c));
    let seen = |reparsed: bool| match (content, &key) {
        (Some(c), Some(k)) => vec![Seen {
            path: unit.file.display.clone(),
            content: c.to_string(),
            key: k.clone(),
            reparsed,
            stat: unit.stat,
        }],
        _ => Vec::new(),
    };
    // Keep `out` and its findings under the document's key.
    let store = |out: &DocOutput, findings: &[Finding]| match (cache, &key) {
        (Some(cache), Some(key)) => cache
            .store(key, out, checks, findings)
            .err()
            .map(|e| format!("cache not updated: {e}")),
        _ => None,
    };
    if let (Some(cache), Some(key)) = (cache, &key) {
        if let Some(entry) = cache.load(key) {
            let (out, findings, problem) = if entry.checked_with == checks {
                (entry.out, entry.findings, None)
            } else {
                let (out, findings) = Parsed::checked(entry.out, &options.config);
                let problem = store(&out, &findings);
                (out, findings, problem)
            };
            return Parsed {
                out,
                findings,
                seen: seen(false),
                reparsed: false,
                keep: true,
                problem,
            };
        }
    }
    // Read again: the first read only hashed, to keep memory to one file.
    let bytes = match read_input(&unit.file, options.max_doc_bytes) {
        Ok(bytes) => bytes,
        Err(failed) => {
            let (out, findings) = Parsed::checked(*failed, &options.config);
            return Parsed {
                out,
                findings,
                seen: Vec::new(),
                reparsed: true,
                keep: false,
                problem: None,
            };
        }
    };
    if content.is_some_and(|c| c != cache::content_hash(&bytes)) {
        // Changed while we ran: what we parse now is not what we hashed.
        let out = process_bytes(&unit.file, &bytes, options.max_doc_seconds)
            .unwrap_or_else(|over| *over.0);
        let (out, findings) = Parsed::checked(out, &options.config);
        return Parsed {
            out,
            findings,
            seen: Vec::new(),
            reparsed: true,
            keep: false,
            problem: None,
        };
    }
    match process_bytes(&unit.file, &bytes, options.max_doc_seconds) {
        Ok(out) => {
            let (out, findings) = Parsed::checked(out, &options.config);
            let problem = store(&out, &findings);
            Parsed {
                out,
                findings,
                seen: seen(true),
                reparsed: true,
                keep: true,
                problem,
            }
        }
        // A faster night may finish it: not kept.
        Err(over) => {
            let (out, findings) = Parsed::checked(*over.0, &options.config);
            Parsed {
                out,
                findings,
                seen: seen(true),
                reparsed: true,
                keep: false,
                problem: None,
            }
        }
    }
}

/// A 53-bit id (exact in JSON and spreadsheets) for the `index`-th finding
/// of document `doc_id`: the same finding keeps its id from night to night,
/// whatever other documents do.
pub fn finding_id(doc_id: &str, index: usize) -> u64 {
    let hash = cache::hash64(&[
        b"planfacts finding\0",
        doc_id.as_bytes(),
        &(index as u64).to_le_bytes(),
    ]);
    (hash & ((1 << 53) - 1)).max(1)
}

/// The checks over one document, findings numbered.
fn check_one(facts: &DocFacts<'_>, config: &Config) -> Vec<Finding> {
    let mut findings = check::check_document(facts, config);
    number(&mut findings, facts.doc_id);
    findings
}

/// Give one document's findings their ids, in order.
fn number(findings: &mut [Finding], doc_id: &str) {
    for (i, f) in findings.iter_mut().enumerate() {
        f.finding_id = finding_id(doc_id, i);
    }
}

/// Run the checks over every document of `data` (for `planfacts check`).
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
    let mut blocks: BTreeMap<&str, Vec<crate::model::Block>> = BTreeMap::new();
    for b in &data.blocks {
        blocks.entry(b.doc_id.as_str()).or_default().push(b.clone());
    }
    data.documents
        .par_iter()
        .flat_map_iter(|doc| {
            let id = doc.doc_id.as_str();
            let facts = DocFacts {
                doc_id: id,
                measures: measures.get(id).map_or(&[], Vec::as_slice),
                dates: dates.get(id).map_or(&[], Vec::as_slice),
                cells: cells.get(id).map_or(&[], Vec::as_slice),
                blocks: blocks.get(id).map_or(&[], Vec::as_slice),
            };
            check_one(&facts, config)
        })
        .collect()
}

/// One part of `out/`, written or carried over, with what the report, the
/// summary and the cache need of it.
struct Built {
    key: String,
    /// The part's documents, as the next night's plan needs them.
    sigs: Vec<u64>,
    entry: PartEntry,
    /// The entry is in the cache (a part with a document cut short by the
    /// time limit is not: a later night may finish it, so such a night is
    /// never "nothing changed" either).
    cached: bool,
    seen: Vec<Seen>,
    reparsed: usize,
    problems: Vec<String>,
}

/// What the run's settings add to every part's key: a part's bytes depend
/// on the check settings, the CSV BOM and the data contract too.
fn run_fingerprint(options: &RunOptions, checks: &str) -> String {
    format!(
        "{checks} bom={} schema={}",
        options.write.csv_bom,
        crate::schema::SCHEMA_VERSION
    )
}

/// The key of the part made of `units`: everything its files depend on.
fn part_key(units: &[&Unit], fingerprint: &str) -> String {
    let mut parts = vec![fingerprint];
    for unit in units {
        parts.extend(unit.key_parts());
        // Separates units, so that parts cannot shift between them.
        parts.push("\n");
    }
    Cache::key_of(&parts)
}

/// A part's file names take the first 16 hex digits of its key.
fn part_id(key: &str) -> &str {
    key.get(..16).unwrap_or(key)
}

/// The inputs of `units` as the cache index records them, none parsed.
fn seen_unparsed(units: &[&Unit]) -> Vec<Seen> {
    let mut seen = Vec::new();
    for unit in units {
        if let Some(content) = &unit.content {
            // The stat is the first path's; the others are read next time.
            let stats = std::iter::once(unit.stat).chain(std::iter::repeat(None));
            for (path, stat) in std::iter::once(&unit.file.display)
                .chain(&unit.also)
                .zip(stats)
            {
                seen.push(Seen {
                    path: path.clone(),
                    content: content.clone(),
                    key: Cache::key(path, content),
                    reparsed: false,
                    stat,
                });
            }
        }
    }
    seen
}

/// What the last cached run left, for carrying its parts over.
struct Previous {
    last: LastRun,
    /// The keys of the last run's parts.
    keys: FxHashSet<String>,
    /// Each file of the last run's `out/`: bytes and modification time.
    files: FxHashMap<String, (u64, u128)>,
}

impl Previous {
    fn of(cache: Option<&Cache>) -> Option<Previous> {
        let last = cache?.last_run()?;
        let files = last
            .files
            .iter()
            .map(|(name, bytes, mtime)| (name.clone(), (*bytes, *mtime)))
            .collect();
        let keys = last.parts.iter().map(|p| p.key.clone()).collect();
        Some(Previous { last, keys, files })
    }

    /// The entry of part `key` when `out` still holds its files as the last
    /// run left them (same size and modification time: a link keeps both,
    /// any rewrite changes the time).
    fn carriable(&self, out: &Path, cache: &Cache, key: &str) -> Option<PartEntry> {
        if !self.keys.contains(key) {
            return None;
        }
        let entry = cache.load_part(key)?;
        let intact = entry.files.files().all(|(name, digest)| {
            let on_disk = fs::metadata(out.join(&name))
                .ok()
                .map(|m| (m.len(), cache::mtime_ns(&m)));
            on_disk.is_some_and(|(bytes, mtime)| {
                bytes == digest.bytes && self.files.get(&name) == Some(&(bytes, mtime))
            })
        });
        intact.then_some(entry)
    }
}

/// Everything one part needs to be carried or built.
struct PartJob<'a> {
    units: Vec<&'a Unit>,
    sigs: Vec<u64>,
    key: String,
}

fn carry_or_build(
    job: &PartJob<'_>,
    writer: &write::OutWriter,
    previous: Option<&Previous>,
    options: &RunOptions,
    cache: Option<&Cache>,
    checks: &str,
    bar: &ProgressBar,
) -> Result<Built> {
    if let (Some(previous), Some(cache)) = (previous, cache) {
        if let Some(entry) = previous.carriable(&options.out, cache, &job.key) {
            writer.carry_part(&entry.files)?;
            bar.inc(job.units.len() as u64);
            return Ok(Built {
                key: job.key.clone(),
                sigs: job.sigs.clone(),
                entry,
                cached: true,
                seen: seen_unparsed(&job.units),
                reparsed: 0,
                problems: Vec::new(),
            });
        }
    }
    let parsed: Vec<Parsed> = job
        .units
        .par_iter()
        .map(|unit| {
            let parsed = parse_unit(unit, options, cache, checks);
            bar.inc(1);
            parsed
        })
        .collect();
    let mut data = Datasets::default();
    let mut built = Built {
        key: job.key.clone(),
        sigs: job.sigs.clone(),
        entry: PartEntry {
            files: PartFiles {
                id: String::new(),
                csv: Vec::new(),
                parquet: Vec::new(),
            },
            documents: Vec::new(),
            findings: Vec::new(),
            measures: 0,
            dates: 0,
        },
        cached: false,
        seen: Vec::new(),
        reparsed: 0,
        problems: Vec::new(),
    };
    let mut keep = true;
    for p in parsed {
        data.findings.extend(p.findings);
        keep &= p.keep;
        built.reparsed += usize::from(p.reparsed);
        built.seen.extend(p.seen);
        built.problems.extend(p.problem);
        data.push(p.out);
    }
    let files = writer.write_part(part_id(&job.key), &write::encode_part(&data)?)?;
    built.entry = PartEntry {
        files,
        measures: data.measures.len() as u64,
        dates: data.dates.len() as u64,
        documents: data.documents,
        findings: data.findings,
    };
    if let (Some(cache), true) = (cache, keep) {
        match cache.store_part(&job.key, &built.entry) {
            Ok(()) => built.cached = true,
            Err(e) => built.problems.push(format!("cache not updated: {e}")),
        }
    }
    Ok(built)
}

fn summarize(
    documents: &[Document],
    findings: &[Finding],
    measures: u64,
    dates: u64,
    problems: &[InputProblem],
) -> RunSummary {
    let mut by_severity = BTreeMap::new();
    for f in findings {
        *by_severity.entry(f.severity).or_insert(0) += 1;
    }
    RunSummary {
        documents: documents.len(),
        failed: documents
            .iter()
            .filter(|d| d.status == Status::Failed)
            .count(),
        partial: documents
            .iter()
            .filter(|d| d.status == Status::Partial)
            .count(),
        measures: measures as usize,
        dates: dates as usize,
        findings: by_severity,
        input_problems: problems
            .iter()
            .map(|p| format!("{}: {}", p.display, p.message))
            .collect(),
        changes: None,
        out_kept: false,
    }
}

/// A quiet night: when every part is the one the last cached run wrote
/// (same inputs, same settings, in the cache) and `out/` still holds
/// exactly the files it left there (paths, sizes, modification times),
/// the datasets would come out byte for byte the same, so `out/` is kept
/// as it is. `None`: write.
fn keep_out(
    options: &RunOptions,
    cache: Option<&Cache>,
    previous: Option<&Previous>,
    jobs: &[PartJob<'_>],
    problems: &[InputProblem],
) -> Option<RunSummary> {
    let (cache, last) = (cache?, &previous?.last);
    let same = jobs.len() == last.parts.len()
        && jobs
            .iter()
            .zip(&last.parts)
            .all(|(job, part)| part.cached && job.key == part.key);
    if !same || LastRun::files_of(&options.out).ok()? != last.files {
        return None;
    }
    let seen: Vec<Seen> = jobs.iter().flat_map(|j| seen_unparsed(&j.units)).collect();
    Some(RunSummary {
        documents: last.documents,
        failed: last.failed,
        partial: last.partial,
        measures: last.measures,
        dates: last.dates,
        findings: last.findings.iter().copied().collect(),
        input_problems: problems
            .iter()
            .map(|p| format!("{}: {}", p.display, p.message))
            .collect(),
        // Same parts, same inputs: the cache index already says so.
        changes: Some(cache.compare(&seen)),
        out_kept: true,
    })
}

/// The whole nightly job: read and hash every input, plan the parts (by
/// arrival, from the last run's), carry over each part whose documents
/// did not change and build the others a few at a time, then swap the new
/// `out/` in.
pub fn run(options: &RunOptions) -> Result<RunSummary> {
    let _lock = write::lock_out(&options.out)?;
    let own = OwnFiles::of(options)?;
    let (mut files, mut problems) = collect_inputs(&options.inputs, &own);
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
    let cache = options.cache.as_deref().map(Cache::open);
    let previous = Previous::of(cache.as_ref());
    let now = SystemTime::now();
    let units: Vec<Unit> = files
        .par_iter()
        .map(|f| Unit::read(f, options.max_doc_bytes, cache.as_ref(), now))
        .collect();
    let units = merge_duplicates(units);
    let docs: Vec<parts::Doc> = units
        .iter()
        .map(|u| parts::Doc {
            sig: u.signature(),
            bytes: u.bytes,
        })
        .collect();
    let history: Vec<Vec<u64>> = previous
        .as_ref()
        .map(|p| p.last.parts.iter().map(|part| part.docs.clone()).collect())
        .unwrap_or_default();
    let checks = checks_fingerprint(&options.config);
    let fingerprint = run_fingerprint(options, &checks);
    let jobs: Vec<PartJob<'_>> = parts::plan(&docs, &history)
        .into_iter()
        .map(|members| {
            let units: Vec<&Unit> = members.iter().filter_map(|&i| units.get(i)).collect();
            let sigs = members
                .iter()
                .filter_map(|&i| docs.get(i).map(|d| d.sig))
                .collect();
            let key = part_key(&units, &fingerprint);
            PartJob { units, sigs, key }
        })
        .collect();

    let bar = if options.progress && std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(units.len() as u64);
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} docs {msg}",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    if let Some(summary) = keep_out(options, cache.as_ref(), previous.as_ref(), &jobs, &problems) {
        bar.finish_and_clear();
        return Ok(summary);
    }
    let writer = write::OutWriter::begin(&options.out, &options.write)?;
    // A few parts at a time, in parallel (documents within a part are
    // parallel too): enough to keep every thread busy, few enough that
    // memory stays a handful of parts.
    let window = 2 * rayon::current_num_threads().max(1);
    let mut built = Vec::with_capacity(jobs.len());
    for group in jobs.chunks(window) {
        let done: Vec<Result<Built>> = group
            .par_iter()
            .map(|job| {
                carry_or_build(
                    job,
                    &writer,
                    previous.as_ref(),
                    options,
                    cache.as_ref(),
                    &checks,
                    &bar,
                )
            })
            .collect();
        for b in done {
            built.push(b?);
        }
    }
    bar.finish_and_clear();
    let mut documents = Vec::new();
    let mut findings = Vec::new();
    let (mut measures, mut dates, mut reparsed) = (0, 0, 0);
    let mut seen = Vec::new();
    let mut part_files = Vec::with_capacity(built.len());
    let mut records = Vec::with_capacity(built.len());
    for b in built {
        measures += b.entry.measures;
        dates += b.entry.dates;
        reparsed += b.reparsed;
        documents.extend(b.entry.documents);
        findings.extend(b.entry.findings);
        seen.extend(b.seen);
        part_files.push(b.entry.files);
        records.push(PartRecord {
            key: b.key,
            docs: b.sigs,
            cached: b.cached,
        });
        if let Some(dir) = options.cache.as_deref() {
            problems.extend(b.problems.into_iter().map(|message| InputProblem {
                display: dir.to_string_lossy().into_owned(),
                message,
            }));
        }
    }
    write::check_finding_ids(&findings)?;
    let report = report::render(&documents, &findings);
    let retired = writer.finish(&part_files, &report)?;
    let mut summary = summarize(&documents, &findings, measures, dates, &problems);
    if let (Some(cache), Some(dir)) = (cache, options.cache.as_deref()) {
        let live: Vec<String> = records
            .iter()
            .filter(|r| r.cached)
            .map(|r| r.key.clone())
            .collect();
        let recorded = LastRun::files_of(&options.out)
            .map_err(|e| Error::io(&options.out, e))
            .and_then(|files| {
                cache.record_run(&LastRun {
                    parts: records,
                    csv_bom: options.write.csv_bom,
                    files,
                    documents: summary.documents,
                    failed: summary.failed,
                    partial: summary.partial,
                    measures: summary.measures,
                    dates: summary.dates,
                    findings: summary.findings.iter().map(|(s, n)| (*s, *n)).collect(),
                })
            });
        if let Err(e) = recorded {
            summary
                .input_problems
                .push(format!("{}: last run not recorded: {e}", dir.display()));
        }
        match cache.finish(&seen, &live) {
            Ok(mut stats) => {
                stats.reparsed = reparsed;
                summary.changes = Some(stats);
            }
            Err(e) => summary
                .input_problems
                .push(format!("{}: cache index not updated: {e}", dir.display())),
        }
    }
    retired.finish()?;
    Ok(summary)
}

/// Re-run the checks over an existing `out/` without re-parsing.
pub fn recheck(out: &Path, config: &Config, write_options: &WriteOptions) -> Result<RunSummary> {
    let _lock = write::lock_out(out)?;
    let mut data = write::read_out(out)?;
    data.findings = check_all(&data, config);
    let report = report::render(&data.documents, &data.findings);
    write::write_out(out, &data, &report, write_options)?;
    Ok(summarize(
        &data.documents,
        &data.findings,
        data.measures.len() as u64,
        data.dates.len() as u64,
        &[],
    ))
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
    fn an_input_whose_stat_was_recorded_is_not_read_again() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.txt");
        fs::write(&path, "令和5年度 100人\n").unwrap();
        let file = InputFile {
            display: "a.txt".into(),
            path: path.clone(),
        };
        let later = SystemTime::now() + std::time::Duration::from_secs(60);
        let dir = tmp.path().join("cache");
        let stat = Unit::read(&file, u64::MAX, None, later)
            .stat
            .expect("a file untouched for a minute has a settled stat");
        let recorded = Seen {
            path: "a.txt".into(),
            content: "recorded-hash".into(),
            key: Cache::key("a.txt", "recorded-hash"),
            reparsed: false,
            stat: Some(stat),
        };
        Cache::open(&dir).finish(&[recorded], &[]).unwrap();
        let cache = Cache::open(&dir);

        // Same stat: the recorded hash stands, the bytes are not read.
        let trusted = Unit::read(&file, u64::MAX, Some(&cache), later);
        assert_eq!(trusted.content.as_deref(), Some("recorded-hash"));
        assert_eq!(trusted.bytes, stat.len);

        // Rewritten with as many bytes: the times differ (set here, since
        // this test runs within one tick of the clock), so it is hashed.
        let text = "令和5年度 200人\n";
        fs::write(&path, text).unwrap();
        let old = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
        fs::File::options()
            .write(true)
            .open(&path)
            .and_then(|f| f.set_modified(old))
            .unwrap();
        let changed = Unit::read(&file, u64::MAX, Some(&cache), later);
        assert_eq!(changed.content, Some(cache::content_hash(text.as_bytes())));

        // Just written, as of now: hashed, and its stat not worth keeping.
        let fresh = Unit::read(&file, u64::MAX, None, SystemTime::now());
        assert!(fresh.stat.is_none());
    }

    #[test]
    fn folders_list_files_in_order_without_dot_files_and_follow_links() {
        let tmp = tempfile::tempdir().unwrap();
        let drop = tmp.path().join("drop");
        for f in [
            "b.txt",
            ".hidden.txt",
            "sub/a.txt",
            ".git/x.txt",
            "sub/deep/c.csv",
        ] {
            let path = drop.join(f);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, f).unwrap();
        }
        std::os::unix::fs::symlink(drop.join("b.txt"), drop.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(drop.join("sub/deep"), drop.join("linked")).unwrap();
        let explicit = drop.join(".hidden.txt");
        let (files, problems) = collect_inputs(&[drop.clone(), explicit], &OwnFiles::default());
        // A folder linked from two places is read once; the second visit
        // is reported.
        let problems: Vec<&str> = problems.iter().map(|p| p.display.as_str()).collect();
        assert_eq!(problems, [drop.join("sub/deep").to_string_lossy()]);
        let listed: Vec<String> = files
            .iter()
            .map(|f| f.path.strip_prefix(&drop).unwrap().display().to_string())
            .collect();
        assert_eq!(
            listed,
            [
                ".hidden.txt",
                "b.txt",
                "link.txt",
                "linked/c.csv",
                "sub/a.txt"
            ]
        );
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
        let (files, problems) = collect_inputs(
            &[PathBuf::from("/nonexistent/planfacts-test")],
            &OwnFiles::default(),
        );
        assert!(files.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.contains("cannot read"));
    }
}
