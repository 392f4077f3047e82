//! Results kept between nightly runs, so that a run reparses only what is
//! new or changed and rewrites unchanged batches by copying bytes.
//!
//! Two kinds of entry. A document entry is one document's [`DocOutput`],
//! keyed by the planfacts version, the cache format, the source path (it is
//! part of the output) and the BLAKE3 hash of the bytes. A batch entry
//! (`batches/`) is one whole batch as written ([`BatchEntry`]: the encoded
//! Parquet and CSV parts, and the document and finding rows the report
//! needs), keyed by the same plus every input of the batch and the check
//! settings; when it is found, none of the batch's documents is even
//! loaded. The cache lives beside the output
//! folder (`out.cache/` for `out/`), since `out/` is replaced whole on every
//! run. `index.tsv` records which path had which content at the end of the
//! last successful run, and the file's stat when it was hashed: that is
//! what tells new, changed, unchanged and removed apart, and what spares
//! reading an input whose stat has not changed ([`FileStat`]).
//!
//! A missing, stale or damaged entry is a cache miss, never an error: the
//! document is parsed again and the entry rewritten.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{DocOutput, Document, Finding};
use crate::write::{Bytes, CsvPart, EncodedBatch};

/// Bumped whenever the entry encoding or what a key covers changes.
const FORMAT: &str = "planfacts-cache-2";

/// First bytes of every document entry file.
const MAGIC: &[u8; 4] = b"PFC2";
/// First bytes of every batch entry file.
const BATCH_MAGIC: &[u8; 4] = b"PFB2";

/// One batch as written, with what the report and the summary need.
#[derive(Debug, Clone, Default)]
pub struct BatchEntry {
    pub encoded: EncodedBatch,
    pub documents: Vec<Document>,
    pub findings: Vec<Finding>,
    pub measures: u64,
    pub dates: u64,
}

/// A batch entry on disk: this, bincode, then the encoded parts as raw bytes
/// (bincode would write a large byte vector one element at a time).
#[derive(Serialize)]
struct BatchHeadRef<'a> {
    documents: &'a [Document],
    findings: &'a [Finding],
    measures: u64,
    dates: u64,
    parquet: Vec<u64>,
    csv: Vec<u64>,
}

/// [`BatchHeadRef`] read back.
#[derive(Deserialize)]
struct BatchHead {
    documents: Vec<Document>,
    findings: Vec<Finding>,
    measures: u64,
    dates: u64,
    parquet: Vec<u64>,
    csv: Vec<u64>,
}

const INDEX: &str = "index.tsv";

/// What the last successful cached run wrote (see [`LastRun`]).
const LAST_RUN: &str = "last_run.json";

/// The last successful cached run: its batches, how it wrote them, the
/// files it left in `out/` and its summary. When a run finds the same
/// batches and `out/` still holding exactly those files, nothing needs
/// writing: a quiet night keeps `out/` as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LastRun {
    pub batches: Vec<String>,
    pub csv_bom: bool,
    /// Each file of `out/`: name, bytes, modification time (ns since the epoch).
    pub files: Vec<(String, u64, u128)>,
    pub documents: usize,
    pub failed: usize,
    pub partial: usize,
    pub measures: usize,
    pub dates: usize,
    pub findings: Vec<(crate::model::Severity, usize)>,
}

impl LastRun {
    /// The files of `out` as [`LastRun::files`] lists them, sorted by name.
    pub fn files_of(out: &Path) -> std::io::Result<Vec<(String, u64, u128)>> {
        let mut files = Vec::new();
        for entry in fs::read_dir(out)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            let modified = meta
                .modified()?
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos());
            files.push((
                entry.file_name().to_string_lossy().into_owned(),
                meta.len(),
                modified,
            ));
        }
        files.sort();
        Ok(files)
    }
}

/// A fingerprint of the running program: a parser changed without a
/// version bump (any rebuild) must not be served results of the old one.
/// The executable's path, size and modification time, not its bytes: with
/// debug info it is hundreds of MB, and hashing it cost every run a second
/// and its size in memory. Every rebuild or reinstall writes a new file.
static BUILD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let Ok(exe) = std::env::current_exe() else {
        return String::new();
    };
    let Ok(meta) = fs::metadata(&exe) else {
        return String::new();
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    format!("{}:{}:{modified}", exe.display(), meta.len())
});

/// How the inputs of this run compare with those of the last run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeStats {
    /// Paths not seen by the last run.
    pub new: usize,
    /// Paths whose bytes differ from the last run's.
    pub changed: usize,
    /// Paths with the same bytes as in the last run.
    pub unchanged: usize,
    /// Paths of the last run that are gone.
    pub removed: usize,
    /// Documents actually parsed this run (new, changed, and cache misses).
    pub reparsed: usize,
}

/// One input as this run saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub path: String,
    /// BLAKE3 of the bytes, hex.
    pub content: String,
    pub key: String,
    /// Parsed this run (not loaded from the cache).
    pub reparsed: bool,
    /// What `stat` said when the bytes were hashed, if worth recording
    /// ([`FileStat::settled`]).
    pub stat: Option<FileStat>,
}

/// What `stat` says about an input. When the size, inode, modification and
/// change times all match the ones recorded at the last run, the bytes are
/// taken to be the ones hashed then and the file is not read again, as git
/// and rsync do: reading and hashing every input cost a nightly run about a
/// second per 100k documents. The change time is the one a writer cannot
/// set back (`touch -d`, `rsync -t` and tar restore modification times).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    pub len: u64,
    pub dev: u64,
    pub ino: u64,
    /// Modification and change times, ns since the epoch.
    pub mtime: i128,
    pub ctime: i128,
}

/// A write lands on the clock's current tick, which can be coarse (FAT:
/// 2 s). A file changed again within the tick it was hashed in would keep
/// its stat, so only a stat older than this is recorded.
const SETTLE_NS: i128 = 2_000_000_000;

impl FileStat {
    pub fn of(meta: &fs::Metadata) -> FileStat {
        use std::os::unix::fs::MetadataExt;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        FileStat {
            len: meta.len(),
            dev: meta.dev(),
            ino: meta.ino(),
            mtime: ns(meta.mtime(), meta.mtime_nsec()),
            ctime: ns(meta.ctime(), meta.ctime_nsec()),
        }
    }

    /// Whether this stat, taken before reading the bytes at `now`, may
    /// stand for them next time: the file had not changed for a while (a
    /// change between this stat and the read shows as a different stat).
    /// Filesystems that keep no times report zero, which vouches for nothing.
    pub fn settled(&self, now: std::time::SystemTime) -> bool {
        let now = now
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i128::try_from(d.as_nanos()).unwrap_or(i128::MAX));
        self.mtime != 0 && self.ctime != 0 && self.mtime.max(self.ctime) < now - SETTLE_NS
    }

    fn field(&self) -> String {
        format!(
            "{}:{}:{}:{}:{}",
            self.len, self.dev, self.ino, self.mtime, self.ctime
        )
    }

    fn parse(field: &str) -> Option<FileStat> {
        let mut f = field.split(':');
        let stat = FileStat {
            len: f.next()?.parse().ok()?,
            dev: f.next()?.parse().ok()?,
            ino: f.next()?.parse().ok()?,
            mtime: f.next()?.parse().ok()?,
            ctime: f.next()?.parse().ok()?,
        };
        f.next().is_none().then_some(stat)
    }
}

/// What the index says about one path of the last run.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Recorded {
    content: String,
    key: String,
    stat: Option<FileStat>,
}

/// The cache folder that goes with an output folder: `out` → `out.cache`.
pub fn dir_for(out: &Path) -> PathBuf {
    match out.file_name() {
        Some(name) => {
            let mut name = name.to_os_string();
            name.push(".cache");
            out.with_file_name(name)
        }
        // `.` or `/`: no sibling to name; keep it inside (lost on each swap,
        // which only costs a full reparse).
        None => out.join(".planfacts-cache"),
    }
}

/// Hex BLAKE3 of a document's bytes.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// The first 8 bytes (little-endian) of the BLAKE3 hash of `parts` fed in
/// order: a well-spread number for shares, batch boundaries and ids.
pub fn hash64(parts: &[&[u8]]) -> u64 {
    let mut h = blake3::Hasher::new();
    for part in parts {
        h.update(part);
    }
    let mut first = [0u8; 8];
    first.copy_from_slice(h.finalize().as_bytes().get(..8).unwrap_or(&[0; 8]));
    u64::from_le_bytes(first)
}

#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// Last run, by path.
    previous: BTreeMap<String, Recorded>,
}

impl Cache {
    /// Open (or start) the cache in `dir`. An unreadable index means no
    /// previous run: everything counts as new.
    pub fn open(dir: &Path) -> Cache {
        let previous = fs::read_to_string(dir.join(INDEX))
            .map(|text| parse_index(&text))
            .unwrap_or_default();
        Cache {
            dir: dir.to_path_buf(),
            previous,
        }
    }

    /// The content hash the last run recorded for `path`, if `stat` is the
    /// very stat recorded with it.
    pub fn known_content(&self, path: &str, stat: &FileStat) -> Option<&str> {
        self.previous
            .get(path)
            .filter(|r| r.stat.as_ref() == Some(stat))
            .map(|r| r.content.as_str())
    }

    /// The entry key of `path` with content `content` under this build.
    pub fn key(path: &str, content: &str) -> String {
        Self::batch_key(&[path, content])
    }

    /// The key of a batch entry: everything the batch's bytes depend on,
    /// given as `parts` (inputs, settings), under this build. Each part is
    /// length-prefixed, so parts cannot shift into one another.
    pub fn batch_key(parts: &[&str]) -> String {
        let mut h = blake3::Hasher::new();
        for part in [FORMAT, env!("CARGO_PKG_VERSION"), BUILD.as_str()]
            .into_iter()
            .chain(parts.iter().copied())
        {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().to_hex().to_string()
    }

    /// The record of the last successful cached run, if readable.
    pub fn last_run(&self) -> Option<LastRun> {
        let text = fs::read(self.dir.join(LAST_RUN)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// Record `run` as the last successful one (written aside and renamed).
    pub fn record_run(&self, run: &LastRun) -> Result<()> {
        fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let path = self.dir.join(LAST_RUN);
        let tmp = self
            .dir
            .join(format!("{LAST_RUN}.tmp{}", std::process::id()));
        let bytes = serde_json::to_vec(run)
            .map_err(|e| Error::Other(format!("cannot encode {LAST_RUN}: {e}")))?;
        fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }

    fn batch_dir(&self) -> PathBuf {
        self.dir.join("batches")
    }

    fn batch_path(&self, key: &str) -> PathBuf {
        self.batch_dir().join(format!("{key}.bin"))
    }

    /// The cached batch for `key`, if present and intact.
    pub fn load_batch(&self, key: &str) -> Option<BatchEntry> {
        open_batch(&self.batch_path(key)).ok().flatten()
    }

    /// Keep `entry` under `key`, written aside and renamed.
    /// Returns the entry's CSV parts as parts of the stored file: the caller
    /// can drop its own bytes and have the kernel copy them from there.
    pub fn store_batch(&self, key: &str, entry: &BatchEntry) -> Result<Vec<CsvPart>> {
        let dir = self.batch_dir();
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let path = self.batch_path(key);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        let file = fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        let csv_at = write_batch(entry, &mut std::io::BufWriter::new(file), &tmp)?;
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        let lens: Vec<u64> = entry.encoded.csv.iter().map(CsvPart::len).collect();
        csv_parts(&path, csv_at, &lens).map_err(|e| Error::io(&path, e))
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        let shard = key.get(..2).unwrap_or("00");
        self.dir
            .join("entries")
            .join(shard)
            .join(format!("{key}.bin"))
    }

    /// The cached output for `key`, if present and intact.
    pub fn load(&self, key: &str) -> Option<DocOutput> {
        let bytes = fs::read(self.entry_path(key)).ok()?;
        decode_entry(&bytes)
    }

    /// Keep `out` under `key`. Written aside and renamed, so that a reader
    /// (or a crash) never sees half an entry.
    pub fn store(&self, key: &str, out: &DocOutput) -> Result<()> {
        let path = self.entry_path(key);
        let parent = path.parent().unwrap_or(&self.dir);
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let bytes = encode_entry(out)?;
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }

    /// How this run's inputs compare with the last run's.
    pub fn compare(&self, seen: &[Seen]) -> ChangeStats {
        let mut stats = ChangeStats::default();
        let current: BTreeSet<&str> = seen.iter().map(|s| s.path.as_str()).collect();
        for s in seen {
            match self.previous.get(&s.path) {
                None => stats.new += 1,
                Some(r) if r.content == s.content => stats.unchanged += 1,
                Some(_) => stats.changed += 1,
            }
            stats.reparsed += usize::from(s.reparsed);
        }
        stats.removed = self
            .previous
            .keys()
            .filter(|p| !current.contains(p.as_str()))
            .count();
        stats
    }

    /// Compare this run's inputs with the last run's, record them as the new
    /// index and delete the entries no input uses any more (document
    /// entries not in `seen`, batch entries not in `batches`). Call after
    /// the outputs were written, so that a failed run leaves the old index.
    pub fn finish(self, seen: &[Seen], batches: &[String]) -> Result<ChangeStats> {
        let live_batches: BTreeSet<String> = batches.iter().map(|k| format!("{k}.bin")).collect();
        if let Ok(entries) = fs::read_dir(self.batch_dir()) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !live_batches.contains(&name) {
                    let _ = fs::remove_file(entry.path());
                }
            }
        }
        let stats = self.compare(seen);
        let live: BTreeSet<&str> = seen.iter().map(|s| s.key.as_str()).collect();
        for r in self.previous.values() {
            if !live.contains(r.key.as_str()) {
                // Already gone is fine: the goal is that it is gone.
                let _ = fs::remove_file(self.entry_path(&r.key));
            }
        }
        let mut index = String::new();
        let mut rows: Vec<&Seen> = seen.iter().collect();
        rows.sort_by(|a, b| a.path.cmp(&b.path));
        for s in rows {
            if s.path.contains(['\t', '\n']) {
                // Such a path cannot be a TSV field; it will count as new next time.
                continue;
            }
            let stat = s.stat.map(|st| st.field()).unwrap_or_default();
            index.push_str(&format!("{}\t{}\t{}\t{stat}\n", s.path, s.content, s.key));
        }
        fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))?;
        let path = self.dir.join(INDEX);
        let tmp = self.dir.join(format!("{INDEX}.tmp{}", std::process::id()));
        fs::write(&tmp, index).map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        Ok(stats)
    }
}

/// Rows of `path, content, key, stat`; the stat may be empty (not settled
/// when hashed, or an index from before stats were kept).
fn parse_index(text: &str) -> BTreeMap<String, Recorded> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split('\t');
            let (path, content, key) = (f.next()?, f.next()?, f.next()?);
            let stat = f.next().and_then(FileStat::parse);
            f.next().is_none().then(|| {
                let (content, key) = (content.to_string(), key.to_string());
                (path.to_string(), Recorded { content, key, stat })
            })
        })
        .collect()
}

fn bincode_config() -> bincode::config::Configuration {
    bincode::config::standard()
}

fn encode_entry(out: &DocOutput) -> Result<Vec<u8>> {
    let mut bytes = MAGIC.to_vec();
    bincode::serde::encode_into_std_write(out, &mut bytes, bincode_config())
        .map_err(|e| Error::Other(format!("cannot encode a cache entry: {e}")))?;
    Ok(bytes)
}

/// Write `entry` to `w` in the batch entry format; returns where the CSV
/// parts start.
fn write_batch(
    entry: &BatchEntry,
    w: &mut std::io::BufWriter<fs::File>,
    w_path: &Path,
) -> Result<u64> {
    let head = BatchHeadRef {
        documents: &entry.documents,
        findings: &entry.findings,
        measures: entry.measures,
        dates: entry.dates,
        parquet: entry
            .encoded
            .parquet
            .iter()
            .map(|p| p.len() as u64)
            .collect(),
        csv: entry.encoded.csv.iter().map(CsvPart::len).collect(),
    };
    let head = bincode::serde::encode_to_vec(&head, bincode_config())
        .map_err(|e| Error::Other(format!("cannot encode a cache entry: {e}")))?;
    let io = |e| Error::io(w_path, e);
    w.write_all(BATCH_MAGIC).map_err(io)?;
    w.write_all(&(head.len() as u64).to_le_bytes())
        .map_err(io)?;
    w.write_all(&head).map_err(io)?;
    let mut csv_at = (BATCH_MAGIC.len() + 8 + head.len()) as u64;
    for part in &entry.encoded.parquet {
        w.write_all(part).map_err(io)?;
        csv_at += part.len() as u64;
    }
    for part in &entry.encoded.csv {
        part.write_to(w, w_path)?;
    }
    w.flush().map_err(io)?;
    Ok(csv_at)
}

/// The CSV parts of lengths `lens` stored one after another from `offset`
/// of the batch file `path`, each with its own open file: the parts are
/// copied in parallel, each from its own file position.
fn csv_parts(path: &Path, mut offset: u64, lens: &[u64]) -> std::io::Result<Vec<CsvPart>> {
    let shared: Arc<Path> = Arc::from(path);
    let mut parts = Vec::with_capacity(lens.len());
    for &len in lens {
        parts.push(CsvPart::File {
            file: Arc::new(fs::File::open(path)?),
            path: Arc::clone(&shared),
            offset,
            len,
        });
        offset += len;
    }
    Ok(parts)
}

/// Open the batch entry at `path`: documents, findings and Parquet parts
/// are read, CSV parts stay in the file (see [`CsvPart`]). `Ok(None)` when
/// the entry does not decode whole or its parts do not fill the file
/// exactly: a damaged entry is a miss.
fn open_batch(path: &Path) -> std::io::Result<Option<BatchEntry>> {
    let mut file = fs::File::open(path)?;
    let total = file.metadata()?.len();
    // Checked against the file as opened; a part opened below is the same
    // file, since only this run, holding the out/ lock, writes the cache.
    let mut start = [0u8; BATCH_MAGIC.len() + 8];
    if file.read_exact(&mut start).is_err() {
        return Ok(None);
    }
    let Some((len, _)) = start
        .strip_prefix(BATCH_MAGIC.as_slice())
        .and_then(|rest| rest.split_first_chunk::<8>())
    else {
        return Ok(None);
    };
    let len = u64::from_le_bytes(*len);
    if len > total {
        return Ok(None);
    }
    let mut head = vec![0u8; usize::try_from(len).map_err(std::io::Error::other)?];
    if file.read_exact(&mut head).is_err() {
        return Ok(None);
    }
    let Ok((head, used)) =
        bincode::serde::decode_from_slice::<BatchHead, _>(&head, bincode_config())
    else {
        return Ok(None);
    };
    if used as u64 != len {
        return Ok(None);
    }
    let parquet_len = head
        .parquet
        .iter()
        .try_fold(0u64, |sum, &n| sum.checked_add(n));
    let csv_len = head.csv.iter().try_fold(0u64, |sum, &n| sum.checked_add(n));
    let at = start.len() as u64 + len;
    let end = parquet_len
        .zip(csv_len)
        .and_then(|(p, c)| at.checked_add(p)?.checked_add(c));
    let (Some(parquet_len), Some(end)) = (parquet_len, end) else {
        return Ok(None);
    };
    if end != total {
        return Ok(None);
    }
    let mut parquet_bytes = vec![0u8; usize::try_from(parquet_len).map_err(std::io::Error::other)?];
    file.read_exact(&mut parquet_bytes)?;
    let buffer = Bytes::from(parquet_bytes);
    let mut from = 0usize;
    let mut parquet = Vec::with_capacity(head.parquet.len());
    for &n in &head.parquet {
        let to = from + usize::try_from(n).map_err(std::io::Error::other)?;
        parquet.push(buffer.clone().sliced(from..to));
        from = to;
    }
    let csv = csv_parts(path, at + parquet_len, &head.csv)?;
    Ok(Some(BatchEntry {
        encoded: EncodedBatch { parquet, csv },
        documents: head.documents,
        findings: head.findings,
        measures: head.measures,
        dates: head.dates,
    }))
}

/// An entry that does not decode whole is treated as absent.
fn decode_entry(bytes: &[u8]) -> Option<DocOutput> {
    let body = bytes.strip_prefix(MAGIC.as_slice())?;
    let (out, used) =
        bincode::serde::decode_from_slice::<DocOutput, _>(body, bincode_config()).ok()?;
    (used == body.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline;

    fn sample() -> DocOutput {
        let text =
            "【事業費】 R4～R7（4年間）\n\n28,000千円\n\n日時 : 令和4年7月21日(木) 15:00~17:00\n";
        pipeline::process("drop/a.txt", text.as_bytes())
    }

    fn seen(path: &str, bytes: &[u8], reparsed: bool) -> Seen {
        let content = content_hash(bytes);
        Seen {
            path: path.into(),
            key: Cache::key(path, &content),
            content,
            reparsed,
            stat: None,
        }
    }

    #[test]
    fn cache_dir_is_beside_out() {
        assert_eq!(dir_for(Path::new("out")), PathBuf::from("out.cache"));
        assert_eq!(
            dir_for(Path::new("/x/y/out/")),
            PathBuf::from("/x/y/out.cache")
        );
        assert_eq!(dir_for(Path::new("/")), PathBuf::from("/.planfacts-cache"));
    }

    #[test]
    fn keys_depend_on_path_and_content() {
        let a = Cache::key("a.txt", &content_hash(b"x"));
        assert_eq!(a, Cache::key("a.txt", &content_hash(b"x")));
        assert_ne!(a, Cache::key("b.txt", &content_hash(b"x")));
        assert_ne!(a, Cache::key("a.txt", &content_hash(b"y")));
        // Length-prefixed parts: moving a character between path and content differs.
        assert_ne!(Cache::key("ab", "c"), Cache::key("a", "bc"));
    }

    #[test]
    fn entries_round_trip_exactly() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        let out = sample();
        assert!(cache.load("k1").is_none());
        cache.store("k1", &out).unwrap();
        assert_eq!(cache.load("k1"), Some(out.clone()));
        let empty = DocOutput::default();
        cache.store("k2", &empty).unwrap();
        assert_eq!(cache.load("k2"), Some(empty));
    }

    #[test]
    fn damaged_entries_are_misses() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        cache.store("abc", &sample()).unwrap();
        let path = cache.entry_path("abc");
        let good = fs::read(&path).unwrap();
        for bad in [
            Vec::new(),
            b"PFC1".to_vec(),
            good[..good.len() / 2].to_vec(),
            [good.as_slice(), b"x"].concat(),
            {
                let mut v = good.clone();
                v[0] = b'X';
                v
            },
        ] {
            fs::write(&path, bad).unwrap();
            assert!(cache.load("abc").is_none());
        }
    }

    #[test]
    fn recorded_stats_vouch_for_content_only_when_identical() {
        let tmp = tempfile::tempdir().unwrap();
        let stat = FileStat {
            len: 5,
            dev: 1,
            ino: 42,
            mtime: 1_700_000_000_123_456_789,
            ctime: -3,
        };
        let mut a = seen("a", b"alpha", true);
        a.stat = Some(stat);
        let b = seen("b", b"beta", true);
        Cache::open(tmp.path())
            .finish(&[a.clone(), b], &[])
            .unwrap();

        let cache = Cache::open(tmp.path());
        assert_eq!(cache.known_content("a", &stat), Some(a.content.as_str()));
        for other in [
            FileStat { len: 6, ..stat },
            FileStat { ino: 43, ..stat },
            FileStat { dev: 2, ..stat },
            FileStat {
                mtime: stat.mtime + 1,
                ..stat
            },
            FileStat { ctime: 0, ..stat },
        ] {
            assert_eq!(cache.known_content("a", &other), None, "{other:?}");
        }
        // Hashed without a stat worth keeping: read again next time.
        assert_eq!(cache.known_content("b", &stat), None);
        assert_eq!(cache.known_content("c", &stat), None);
    }

    #[test]
    fn an_index_without_stats_still_tells_unchanged_apart() {
        let tmp = tempfile::tempdir().unwrap();
        let a = seen("a", b"alpha", false);
        fs::write(
            tmp.path().join(INDEX),
            format!("a\t{}\t{}\n", a.content, a.key),
        )
        .unwrap();
        let cache = Cache::open(tmp.path());
        assert_eq!(cache.compare(&[a]).unchanged, 1);
    }

    #[test]
    fn only_a_stat_older_than_the_clock_tick_is_settled() {
        let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_000);
        let at = |secs: i128| FileStat {
            len: 1,
            dev: 1,
            ino: 1,
            mtime: secs * 1_000_000_000,
            ctime: secs * 1_000_000_000,
        };
        assert!(at(990).settled(now));
        assert!(!at(999).settled(now));
        // A modification time set back does not hide a recent change.
        assert!(!FileStat {
            mtime: 1,
            ..at(999)
        }
        .settled(now));
        assert!(!FileStat {
            ctime: 1,
            ..at(2_000)
        }
        .settled(now));
        // No times kept at all (some FUSE and network filesystems).
        assert!(!FileStat {
            mtime: 0,
            ..at(990)
        }
        .settled(now));
        assert!(!FileStat {
            ctime: 0,
            ..at(990)
        }
        .settled(now));
    }

    #[test]
    fn counts_new_changed_unchanged_removed_and_collects_garbage() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        let first = vec![
            seen("a", b"1", true),
            seen("b", b"2", true),
            seen("c", b"3", true),
        ];
        for s in &first {
            cache.store(&s.key, &DocOutput::default()).unwrap();
        }
        let stats = cache.finish(&first, &[]).unwrap();
        assert_eq!(
            stats,
            ChangeStats {
                new: 3,
                reparsed: 3,
                ..ChangeStats::default()
            }
        );

        let cache = Cache::open(tmp.path());
        let second = vec![
            seen("a", b"1", false),
            seen("b", b"2 changed", true),
            seen("d", b"4", true),
        ];
        for s in &second[1..] {
            cache.store(&s.key, &DocOutput::default()).unwrap();
        }
        let stats = cache.finish(&second, &[]).unwrap();
        assert_eq!(
            stats,
            ChangeStats {
                new: 1,
                changed: 1,
                unchanged: 1,
                removed: 1,
                reparsed: 2
            }
        );
        let cache = Cache::open(tmp.path());
        // The old `b` and the removed `c` are gone; the live ones stay.
        assert!(cache.load(&first[1].key).is_none());
        assert!(cache.load(&first[2].key).is_none());
        for s in &second {
            assert!(cache.load(&s.key).is_some(), "{}", s.path);
        }
    }

    #[test]
    fn damaged_index_means_everything_is_new() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(
            tmp.path().join(INDEX),
            "garbage\nno\ttabs enough\n\u{0}\t\t\t\t\n",
        )
        .unwrap();
        let cache = Cache::open(tmp.path());
        let stats = cache.finish(&[seen("a", b"1", true)], &[]).unwrap();
        assert_eq!((stats.new, stats.removed), (1, 0));
    }

    fn batch() -> BatchEntry {
        let out = sample();
        BatchEntry {
            encoded: EncodedBatch {
                parquet: vec![b"PAR1 one".to_vec().into(), Bytes::default()],
                csv: vec![
                    CsvPart::Memory(b"a,b\n".to_vec().into()),
                    CsvPart::Memory(b"\xff".to_vec().into()),
                ],
            },
            documents: out.document.into_iter().collect(),
            findings: Vec::new(),
            measures: out.measures.len() as u64,
            dates: out.dates.len() as u64,
        }
    }

    type Contents = (
        Vec<Vec<u8>>,
        Vec<Vec<u8>>,
        Vec<Document>,
        Vec<Finding>,
        u64,
        u64,
    );

    /// Everything an entry holds, file parts read in: comparable.
    /// The bytes a CSV part stands for, wherever they are.
    fn part_bytes(part: &CsvPart) -> Vec<u8> {
        let mut bytes = Vec::new();
        part.write_to(&mut bytes, Path::new("memory")).unwrap();
        bytes
    }

    fn contents(entry: Option<BatchEntry>) -> Option<Contents> {
        let entry = entry?;
        let csv = entry.encoded.csv.iter().map(part_bytes).collect();
        Some((
            entry
                .encoded
                .parquet
                .iter()
                .map(|p| p.as_slice().to_vec())
                .collect(),
            csv,
            entry.documents,
            entry.findings,
            entry.measures,
            entry.dates,
        ))
    }

    #[test]
    fn loaded_csv_parts_stay_in_the_file_and_copy_back_out() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        let (first, second) = (Cache::batch_key(&["1"]), Cache::batch_key(&["2"]));
        let stored = cache.store_batch(&first, &batch()).unwrap();
        let read = |parts: &[CsvPart]| -> Vec<Vec<u8>> { parts.iter().map(part_bytes).collect() };
        assert_eq!(read(&stored), read(&batch().encoded.csv));
        let loaded = cache.load_batch(&first).unwrap();
        assert!(loaded
            .encoded
            .csv
            .iter()
            .all(|p| matches!(p, CsvPart::File { .. })));
        // Stored again from file parts: the same bytes.
        cache.store_batch(&second, &loaded).unwrap();
        assert_eq!(
            fs::read(cache.batch_path(&first)).unwrap(),
            fs::read(cache.batch_path(&second)).unwrap()
        );
        // A file cut short after loading is an error naming it, not short data.
        let path = cache.batch_path(&first);
        let len = fs::metadata(&path).unwrap().len();
        fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(len - 1)
            .unwrap();
        let last = loaded.encoded.csv.last().unwrap();
        let err = last
            .write_to(&mut Vec::new(), Path::new("out/x.csv"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(&*path.to_string_lossy()), "{err}");
    }

    #[test]
    fn parts_of_one_entry_copy_in_parallel() {
        // The writer copies a batch's datasets on several threads at once.
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        let key = Cache::batch_key(&["parallel"]);
        let parts: Vec<Vec<u8>> = (0..6u8)
            .map(|p| (0..(1 << 20)).map(|i| (i as u8) ^ p).collect())
            .collect();
        let mut entry = batch();
        entry.encoded.parquet = vec![Bytes::default(); parts.len()];
        entry.encoded.csv = parts
            .iter()
            .map(|p| CsvPart::Memory(p.clone().into()))
            .collect();
        cache.store_batch(&key, &entry).unwrap();
        for _ in 0..4 {
            let loaded = cache.load_batch(&key).unwrap();
            let copied: Vec<Vec<u8>> = std::thread::scope(|scope| {
                let handles: Vec<_> = loaded
                    .encoded
                    .csv
                    .iter()
                    .map(|part| scope.spawn(move || part_bytes(part)))
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            assert!(copied == parts);
        }
    }

    #[test]
    fn batch_entries_round_trip_and_damage_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        let key = Cache::batch_key(&["drop/a.txt", "abc"]);
        assert_ne!(key, Cache::batch_key(&["drop/a.txt", "abd"]));
        assert_ne!(
            Cache::batch_key(&["ab", "c"]),
            Cache::batch_key(&["a", "bc"])
        );
        assert!(cache.load_batch(&key).is_none());
        cache.store_batch(&key, &batch()).unwrap();
        assert_eq!(contents(cache.load_batch(&key)), contents(Some(batch())));
        let path = cache.batch_path(&key);
        let bytes = fs::read(&path).unwrap();
        for cut in [0, 4, 12, bytes.len() - 1] {
            fs::write(&path, &bytes[..cut]).unwrap();
            assert!(cache.load_batch(&key).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        fs::write(&path, &longer).unwrap();
        assert!(cache.load_batch(&key).is_none());
    }

    #[test]
    fn finish_drops_batches_no_longer_used() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        let (old, kept) = (Cache::batch_key(&["old"]), Cache::batch_key(&["kept"]));
        cache.store_batch(&old, &batch()).unwrap();
        cache.store_batch(&kept, &batch()).unwrap();
        cache.finish(&[], std::slice::from_ref(&kept)).unwrap();
        let cache = Cache::open(tmp.path());
        assert!(cache.load_batch(&old).is_none());
        assert_eq!(contents(cache.load_batch(&kept)), contents(Some(batch())));
    }
}
