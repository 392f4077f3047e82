//! Results kept between nightly runs, so that a run reparses only what is
//! new or changed and carries the parts of unchanged documents over.
//!
//! Two kinds of entry. A document entry is one document's [`DocOutput`],
//! keyed by the planfacts version, the cache format, the source path (it is
//! part of the output) and the BLAKE3 hash of the bytes. A part entry
//! (`parts/`) is what the run needs of one part of `out/` without reading
//! it ([`PartEntry`]: its files' digests for `datapackage.json`, and the
//! document and finding rows the report needs), keyed by the same plus
//! every input of the part and the check settings. The part files
//! themselves are not kept here: the previous `out/` holds them, and a run
//! links them into the new one. The cache lives beside the output folder
//! (`out.cache/` for `out/`), since `out/` is replaced whole on every run.
//! `index.tsv` records which path had which content at the end of the
//! last successful run, and the file's stat when it was hashed: that is
//! what tells new, changed, unchanged and removed apart, and what spares
//! reading an input whose stat has not changed ([`FileStat`]).
//! `last_run.json` records the parts of the last run and their documents
//! ([`LastRun`]), from which the next run plans its parts.
//!
//! A missing, stale or damaged entry is a cache miss, never an error: the
//! document is parsed again and the entry rewritten.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{DocOutput, Document, Finding};
use crate::write::PartFiles;

/// Bumped whenever the entry encoding or what a key covers changes.
const FORMAT: &str = "planfacts-cache-3";

/// First bytes of every document entry file.
const MAGIC: &[u8; 4] = b"PFC3";
/// First bytes of every part entry file.
const PART_MAGIC: &[u8; 4] = b"PFP3";

/// One document's entry: its parse, and its findings under the check
/// settings `checked_with` names (a document's checks see that document
/// alone, so they need not run again while it and the settings stay).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DocEntry {
    pub out: DocOutput,
    pub checked_with: String,
    pub findings: Vec<Finding>,
}

/// [`DocEntry`] as written, borrowing what it holds.
#[derive(Serialize)]
struct DocEntryRef<'a> {
    out: &'a DocOutput,
    checked_with: &'a str,
    findings: &'a [Finding],
}

/// What a run needs of one part without reading its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartEntry {
    pub files: PartFiles,
    pub documents: Vec<Document>,
    pub findings: Vec<Finding>,
    pub measures: u64,
    pub dates: u64,
}

const INDEX: &str = "index.tsv";

/// What the last successful cached run wrote (see [`LastRun`]).
const LAST_RUN: &str = "last_run.json";

/// The last successful cached run: its parts, how it wrote them, the
/// files it left in `out/` and its summary. A run carries over a part
/// whose files `out/` still holds as that run left them; when it finds
/// the same parts and `out/` holding exactly those files, nothing needs
/// writing: a quiet night keeps `out/` as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LastRun {
    pub parts: Vec<PartRecord>,
    pub csv_bom: bool,
    /// Each file below `out/`: path inside it, bytes, modification time
    /// (ns since the epoch).
    pub files: Vec<(String, u64, u128)>,
    pub documents: usize,
    pub failed: usize,
    pub partial: usize,
    pub measures: usize,
    pub dates: usize,
    pub findings: Vec<(crate::model::Severity, usize)>,
}

/// One part of the last run: its cache key and, in order, the signature
/// of each of its documents (see `run`), which tells the next run whether
/// the document is still there unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartRecord {
    pub key: String,
    pub docs: Vec<u64>,
    /// Its entry was stored: it can be carried over as it is.
    pub cached: bool,
}

impl LastRun {
    /// The files below `out` as [`LastRun::files`] lists them, sorted by path.
    pub fn files_of(out: &Path) -> std::io::Result<Vec<(String, u64, u128)>> {
        Ok(crate::write::files_below(out)?
            .into_iter()
            .map(|(name, meta)| {
                let (len, mtime) = (meta.len(), mtime_ns(&meta));
                (name, len, mtime)
            })
            .collect())
    }
}

/// A file's modification time in ns since the epoch (0 when unknown).
pub fn mtime_ns(meta: &fs::Metadata) -> u128 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos())
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

/// What the cache folder adds to the output folder's name.
pub const SUFFIX: &str = ".cache";

/// The cache folder that goes with an output folder: `out` → `out.cache`.
pub fn dir_for(out: &Path) -> PathBuf {
    match out.file_name() {
        Some(name) => {
            let mut name = name.to_os_string();
            name.push(SUFFIX);
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
/// order: a well-spread number for shares, document signatures and ids.
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
        Self::key_of(&[path, content])
    }

    /// The key of an entry: everything its bytes depend on, given as
    /// `parts` (inputs, settings), under this build. Each part is
    /// length-prefixed, so parts cannot shift into one another.
    pub fn key_of(parts: &[&str]) -> String {
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
        let bytes = serde_json::to_vec(run)
            .map_err(|e| Error::Other(format!("cannot encode {LAST_RUN}: {e}")))?;
        write_aside(&self.dir.join(LAST_RUN), &bytes)
    }

    fn part_dir(&self) -> PathBuf {
        self.dir.join("parts")
    }

    fn part_path(&self, key: &str) -> PathBuf {
        self.part_dir().join(format!("{key}.bin"))
    }

    /// The part entry for `key`, if present and intact.
    pub fn load_part(&self, key: &str) -> Option<PartEntry> {
        let bytes = fs::read(self.part_path(key)).ok()?;
        decode(&bytes, PART_MAGIC)
    }

    /// Keep `entry` under `key`, written aside and renamed.
    pub fn store_part(&self, key: &str, entry: &PartEntry) -> Result<()> {
        write_aside(&self.part_path(key), &encode(entry, PART_MAGIC)?)
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        let shard = key.get(..2).unwrap_or("00");
        self.dir
            .join("entries")
            .join(shard)
            .join(format!("{key}.bin"))
    }

    /// The cached entry for `key`, if present and intact.
    pub fn load(&self, key: &str) -> Option<DocEntry> {
        let bytes = fs::read(self.entry_path(key)).ok()?;
        decode(&bytes, MAGIC)
    }

    /// Keep `out` and its `findings`, made under the check settings
    /// `checked_with`, under `key`.
    pub fn store(
        &self,
        key: &str,
        out: &DocOutput,
        checked_with: &str,
        findings: &[Finding],
    ) -> Result<()> {
        let entry = DocEntryRef {
            out,
            checked_with,
            findings,
        };
        write_aside(&self.entry_path(key), &encode(&entry, MAGIC)?)
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
    /// entries not in `seen`, part entries not in `parts`). Call after
    /// the outputs were written, so that a failed run leaves the old index.
    pub fn finish(self, seen: &[Seen], parts: &[String]) -> Result<ChangeStats> {
        let live_parts: BTreeSet<String> = parts.iter().map(|k| format!("{k}.bin")).collect();
        if let Ok(entries) = fs::read_dir(self.part_dir()) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if !live_parts.contains(&name) {
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

fn encode<T: Serialize>(value: &T, magic: &[u8; 4]) -> Result<Vec<u8>> {
    let mut bytes = magic.to_vec();
    bincode::serde::encode_into_std_write(value, &mut bytes, bincode_config())
        .map_err(|e| Error::Other(format!("cannot encode a cache entry: {e}")))?;
    Ok(bytes)
}

/// An entry that does not decode whole is treated as absent.
fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8], magic: &[u8; 4]) -> Option<T> {
    let body = bytes.strip_prefix(magic.as_slice())?;
    let (value, used) = bincode::serde::decode_from_slice::<T, _>(body, bincode_config()).ok()?;
    (used == body.len()).then_some(value)
}

/// Write `bytes` to `path` aside and rename, so that a reader (or a crash)
/// never sees half an entry.
fn write_aside(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
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
        let finding = crate::model::Finding {
            finding_id: 7,
            check: "period_length".into(),
            severity: crate::model::Severity::Error,
            doc_id: "d".into(),
            line: 1,
            col: 0,
            message: "m".into(),
            expected: None,
            actual: None,
            tolerance: None,
            evidence: "e".into(),
            measure_ids: "1".into(),
        };
        assert!(cache.load("k1").is_none());
        cache
            .store("k1", &out, "config A", std::slice::from_ref(&finding))
            .unwrap();
        let entry = cache.load("k1").unwrap();
        assert_eq!(
            (entry.out, entry.checked_with.as_str(), entry.findings),
            (out.clone(), "config A", vec![finding])
        );
        let empty = DocOutput::default();
        cache.store("k2", &empty, "", &[]).unwrap();
        assert_eq!(cache.load("k2").unwrap().out, empty);
    }

    #[test]
    fn damaged_entries_are_misses() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        cache.store("abc", &sample(), "", &[]).unwrap();
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
            cache.store(&s.key, &DocOutput::default(), "", &[]).unwrap();
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
            cache.store(&s.key, &DocOutput::default(), "", &[]).unwrap();
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

    fn part() -> PartEntry {
        let out = sample();
        let digest = crate::write::FileDigest {
            bytes: 3,
            sha256: [7; 32],
        };
        PartEntry {
            files: PartFiles {
                id: "0123456789abcdef".into(),
                csv: vec![digest; 6],
                parquet: vec![digest; 6],
            },
            documents: out.document.into_iter().collect(),
            findings: Vec::new(),
            measures: out.measures.len() as u64,
            dates: out.dates.len() as u64,
        }
    }

    #[test]
    fn part_entries_round_trip_and_damage_is_a_miss() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        let key = Cache::key_of(&["drop/a.txt", "abc"]);
        assert_ne!(key, Cache::key_of(&["drop/a.txt", "abd"]));
        assert_ne!(Cache::key_of(&["ab", "c"]), Cache::key_of(&["a", "bc"]));
        assert!(cache.load_part(&key).is_none());
        cache.store_part(&key, &part()).unwrap();
        assert_eq!(cache.load_part(&key), Some(part()));
        let path = cache.part_path(&key);
        let bytes = fs::read(&path).unwrap();
        for cut in [0, 4, 12, bytes.len() - 1] {
            fs::write(&path, &bytes[..cut]).unwrap();
            assert!(cache.load_part(&key).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        fs::write(&path, &longer).unwrap();
        assert!(cache.load_part(&key).is_none());
    }

    #[test]
    fn finish_drops_parts_no_longer_used() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache::open(tmp.path());
        let (old, kept) = (Cache::key_of(&["old"]), Cache::key_of(&["kept"]));
        cache.store_part(&old, &part()).unwrap();
        cache.store_part(&kept, &part()).unwrap();
        cache.finish(&[], std::slice::from_ref(&kept)).unwrap();
        let cache = Cache::open(tmp.path());
        assert!(cache.load_part(&old).is_none());
        assert_eq!(cache.load_part(&kept), Some(part()));
    }

    #[test]
    fn out_files_are_listed_below_every_folder() {
        let tmp = tempfile::tempdir().unwrap();
        fs::create_dir_all(tmp.path().join("measures")).unwrap();
        fs::write(tmp.path().join("measures/part-1.csv"), "ab").unwrap();
        fs::write(tmp.path().join("report.md"), "r").unwrap();
        let files = LastRun::files_of(tmp.path()).unwrap();
        let names: Vec<(&str, u64)> = files.iter().map(|(n, b, _)| (n.as_str(), *b)).collect();
        assert_eq!(names, [("measures/part-1.csv", 2), ("report.md", 1)]);
    }
}
