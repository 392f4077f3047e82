//! Replacing `out/` whole: files are written and fsynced into a staging
//! directory beside it, then swapped in with one rename, so readers see
//! either the previous run or the new one, never a mix. A lock file beside
//! `out/` keeps two runs from doing this at once.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Suffixes of the folders and files a run keeps beside `out/`: the
/// staging folder of a run (`out.staging-<pid>`), the previous `out/`
/// being deleted (`out.old-<pid>`) and the lock (`out.lock`).
const STAGING: &str = ".staging-";
const OLD: &str = ".old-";
const LOCK: &str = ".lock";

/// Whether `name`, in the folder that holds `out`, is `out` itself or one
/// of the folders and files a run keeps beside it (`extra`: further
/// suffixes, such as the cache's).
pub fn is_beside_out(out_name: &str, name: &str, extra: &[&str]) -> bool {
    name.strip_prefix(out_name).is_some_and(|rest| {
        rest.is_empty()
            || rest == LOCK
            || extra.contains(&rest)
            || rest.starts_with(STAGING)
            || rest.starts_with(OLD)
    })
}

/// Kept across runs: the project tracks `out/` in git as an empty folder.
const CARRIED_OVER: &[&str] = &[".gitkeep"];

/// `<parent>/<name><suffix>` for the directory `out` (which may not exist yet).
pub fn sibling(out: &Path, suffix: &str) -> Result<PathBuf> {
    let out = match out.file_name() {
        Some(_) => out.to_path_buf(),
        // `.`, `..` or `/`: only the resolved path has a name to build on.
        None => out.canonicalize().map_err(|e| Error::io(out, e))?,
    };
    let name = out.file_name().ok_or_else(|| {
        Error::Other(format!(
            "{}: cannot write datasets to the filesystem root",
            out.display()
        ))
    })?;
    let mut sibling_name = name.to_os_string();
    sibling_name.push(suffix);
    Ok(out.with_file_name(sibling_name))
}

fn fsync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(dir, e))
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A staging directory beside `out`, filled file by file and then swapped in
/// whole by [`Staging::commit`]. Dropped without a commit (an error, a
/// panic), it removes itself, leaving the previous `out` as it was.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    /// Start replacing `out`: clear what killed runs left, create the
    /// staging directory and carry over `.gitkeep`.
    pub fn begin(out: &Path) -> Result<Staging> {
        if out.exists() && !out.is_dir() {
            return Err(Error::Other(format!(
                "{}: exists and is not a directory",
                out.display()
            )));
        }
        remove_leftovers(out)?;
        let dir = sibling(out, &format!("{STAGING}{}", std::process::id()))?;
        if dir.exists() {
            // Left by a crashed run that had our pid; nobody else writes here (we hold the lock).
            fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        fs::create_dir_all(parent_dir(&dir)).map_err(|e| Error::io(parent_dir(&dir), e))?;
        fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
        let staging = Staging {
            out: out.to_path_buf(),
            dir,
            committed: false,
        };
        for name in CARRIED_OVER {
            let old = out.join(name);
            if old.is_file() {
                let new = staging.dir.join(name);
                fs::copy(&old, &new).map_err(|e| Error::io(&old, e))?;
                File::open(&new)
                    .and_then(|f| f.sync_all())
                    .map_err(|e| Error::io(&new, e))?;
            }
        }
        Ok(staging)
    }

    /// Where a file named `name` is staged.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Write a whole small file into the staging directory, synced.
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(name);
        let mut file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io(&path, e))
    }

    /// Swap the staged files in as `out`. Files written through
    /// [`Staging::path`] must have been synced by their writer. The
    /// previous `out`, if there was one, is returned being deleted.
    pub fn commit(mut self) -> Result<Retired> {
        fsync_dir(&self.dir)?;
        let previous = swap(&self.dir, &self.out)?;
        self.committed = true;
        Ok(Retired::start(previous))
    }
}

/// The previous `out`, swapped out and being deleted on a thread of its
/// own: unlinking gigabytes of CSV takes most of a second on this machine's
/// disk (mounted with `discard`), which the caller spends on other work
/// (the cache) meanwhile. Dropped, it waits for the deletion; a run killed
/// before then leaves a folder that the next run's [`Staging::begin`]
/// removes.
#[must_use = "finish() reports a deletion that failed"]
#[derive(Debug)]
pub struct Retired {
    deleting: Option<(PathBuf, std::thread::JoinHandle<std::io::Result<()>>)>,
}

impl Retired {
    fn start(previous: Option<PathBuf>) -> Retired {
        Retired {
            deleting: previous.map(|dir| {
                let doomed = dir.clone();
                (dir, std::thread::spawn(move || fs::remove_dir_all(doomed)))
            }),
        }
    }

    /// Wait for the deletion and report how it went.
    pub fn finish(mut self) -> Result<()> {
        let Some((dir, deleting)) = self.deleting.take() else {
            return Ok(());
        };
        match deleting.join() {
            Ok(done) => done.map_err(|e| Error::io(&dir, e)),
            Err(_) => Err(Error::Other(format!("{}: deletion stopped", dir.display()))),
        }
    }
}

impl Drop for Retired {
    fn drop(&mut self) {
        if let Some((_, deleting)) = self.deleting.take() {
            let _ = deleting.join();
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed && self.dir.exists() {
            // The first error is the one worth reporting; cleanup is best effort.
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Write `files` (name, bytes) as the new content of `out`, atomically.
/// On any error the previous `out` is left as it was and no staging
/// directory remains.
#[cfg(test)]
pub fn replace_dir(out: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    let staging = Staging::begin(out)?;
    for (name, bytes) in files {
        staging.write(name, bytes)?;
    }
    staging.commit()?.finish()
}

/// Staging and set-aside folders (`out.staging-<pid>`, `out.old-<pid>`) of
/// runs killed before they cleaned up. The caller holds the lock, so none
/// of them is in use; removing them is best effort (they only take space).
fn remove_leftovers(out: &Path) -> Result<()> {
    let out = sibling(out, "")?;
    let Some(name) = out.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Ok(());
    };
    let Ok(entries) = fs::read_dir(parent_dir(&out)) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let entry_name = entry.file_name().to_string_lossy().into_owned();
        let left_by_a_run = [STAGING, OLD].iter().any(|kind| {
            entry_name
                .strip_prefix(name.as_str())
                .and_then(|rest| rest.strip_prefix(kind))
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        });
        if left_by_a_run && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
    Ok(())
}

/// Put `staging` in place of `out`; returns where the previous `out` now is.
fn swap(staging: &Path, out: &Path) -> Result<Option<PathBuf>> {
    if !out.exists() {
        fs::rename(staging, out).map_err(|e| Error::io(out, e))?;
        fsync_dir(parent_dir(out))?;
        return Ok(None);
    }
    if exchange(staging, out).map_err(|e| Error::io(out, e))? {
        // `staging` now holds the previous run.
        fsync_dir(parent_dir(out))?;
        return Ok(Some(staging.to_path_buf()));
    }
    swap_aside(staging, out).map(Some)
}

/// Without an atomic exchange: move the old one aside first. Between the two
/// renames `out` is briefly absent, never half-written.
fn swap_aside(staging: &Path, out: &Path) -> Result<PathBuf> {
    let old = sibling(out, &format!("{OLD}{}", std::process::id()))?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
    }
    fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
    if let Err(e) = fs::rename(staging, out) {
        let _ = fs::rename(&old, out);
        return Err(Error::io(out, e));
    }
    fsync_dir(parent_dir(out))?;
    Ok(old)
}

/// Swap two directories in one step. `Ok(false)` when the platform or the
/// filesystem cannot, so the caller falls back.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;

    let to_c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(std::io::Error::other);
    let (a, b) = (to_c(a)?, to_c(b)?);
    // SAFETY: both pointers are valid NUL-terminated paths for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP) => Ok(false),
        _ => Err(err),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// Exclusive right to write one `out` directory; released on drop or when
/// the process dies (an OS file lock, not the file's existence).
#[derive(Debug)]
pub struct OutLock {
    path: PathBuf,
    _file: File,
}

impl OutLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Lock `<out>.lock` beside `out`, recording our pid and command line in
/// it. Fails at once, naming the holder, when another run has it.
pub fn lock_out(out: &Path) -> Result<OutLock> {
    let path = sibling(out, LOCK)?;
    fs::create_dir_all(parent_dir(&path)).map_err(|e| Error::io(parent_dir(&path), e))?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            let holder = if holder.is_empty() {
                "unknown holder".to_string()
            } else {
                holder.replace('\n', ", command: ")
            };
            return Err(Error::Other(format!(
                "{}: another planfacts run is writing {} (pid {holder}); wait for it to finish",
                path.display(),
                out.display()
            )));
        }
        Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
    }
    let command: Vec<String> = std::env::args().collect();
    let record = format!("{}\n{}\n", std::process::id(), command.join(" "));
    file.set_len(0)
        .and_then(|()| file.write_all(record.as_bytes()))
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::io(&path, e))?;
    Ok(OutLock { path, _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(pairs: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        pairs
            .iter()
            .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
            .collect()
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn creates_then_replaces_and_keeps_gitkeep() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        replace_dir(&out, &files(&[("a.csv", "1"), ("b.csv", "2")])).unwrap();
        assert_eq!(listing(&out), ["a.csv", "b.csv"]);
        fs::write(out.join(".gitkeep"), "").unwrap();
        fs::write(out.join("stray.txt"), "x").unwrap();
        replace_dir(&out, &files(&[("a.csv", "3")])).unwrap();
        assert_eq!(listing(&out), [".gitkeep", "a.csv"]);
        assert_eq!(fs::read_to_string(out.join("a.csv")).unwrap(), "3");
        assert_eq!(
            listing(tmp.path()),
            ["out"],
            "no staging or old directory left behind"
        );
    }

    #[test]
    fn failure_midway_leaves_previous_out_and_no_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        replace_dir(&out, &files(&[("a.csv", "old")])).unwrap();
        // The second file cannot be created (its directory does not exist).
        let err =
            replace_dir(&out, &files(&[("a.csv", "new"), ("missing/b.csv", "x")])).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert_eq!(fs::read_to_string(out.join("a.csv")).unwrap(), "old");
        assert_eq!(listing(tmp.path()), ["out"]);
    }

    #[test]
    fn rename_aside_fallback_swaps_too() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let staging = tmp.path().join("staged");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("a"), "old").unwrap();
        fs::create_dir(&staging).unwrap();
        fs::write(staging.join("a"), "new").unwrap();
        let old = swap_aside(&staging, &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "new");
        assert_eq!(fs::read_to_string(old.join("a")).unwrap(), "old");
        Retired::start(Some(old)).finish().unwrap();
        assert_eq!(listing(tmp.path()), ["out"]);
    }

    #[test]
    fn exchange_swaps_both_directories_or_declines() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("f"), "a").unwrap();
        fs::write(b.join("f"), "b").unwrap();
        let swapped = exchange(&a, &b).unwrap();
        let (in_a, in_b) = if swapped { ("b", "a") } else { ("a", "b") };
        assert_eq!(fs::read_to_string(a.join("f")).unwrap(), in_a);
        assert_eq!(fs::read_to_string(b.join("f")).unwrap(), in_b);
        #[cfg(target_os = "linux")]
        eprintln!("renameat2(RENAME_EXCHANGE) supported here: {swapped}");
        assert!(exchange(&a, &tmp.path().join("missing")).is_err());
    }

    #[test]
    fn leftovers_of_killed_runs_are_removed_and_nothing_else() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        for dir in [
            "out.staging-12345",
            "out.old-7",
            "out.staging-x",
            "output.staging-1",
            "out.cache",
        ] {
            fs::create_dir(tmp.path().join(dir)).unwrap();
        }
        fs::write(tmp.path().join("out.staging-99"), "a file, not ours").unwrap();
        replace_dir(&out, &files(&[("a.csv", "1")])).unwrap();
        assert_eq!(
            listing(tmp.path()),
            [
                "out",
                "out.cache",
                "out.staging-99",
                "out.staging-x",
                "output.staging-1"
            ]
        );
    }

    #[test]
    fn out_that_is_a_file_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::write(&out, "not a dir").unwrap();
        assert!(replace_dir(&out, &files(&[("a", "1")])).is_err());
        assert_eq!(fs::read_to_string(&out).unwrap(), "not a dir");
    }

    #[test]
    fn sibling_names() {
        assert_eq!(
            sibling(Path::new("out"), ".lock").unwrap(),
            PathBuf::from("out.lock")
        );
        assert_eq!(
            sibling(Path::new("/a/out/"), ".lock").unwrap(),
            PathBuf::from("/a/out.lock")
        );
        assert!(sibling(Path::new("/"), ".lock").is_err());
        let here = sibling(Path::new("."), ".lock").unwrap();
        assert!(here.is_absolute());
    }

    #[test]
    fn second_lock_fails_naming_the_holder() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let lock = lock_out(&out).unwrap();
        assert_eq!(lock.path(), tmp.path().join("out.lock"));
        let msg = lock_out(&out).unwrap_err().to_string();
        assert!(
            msg.contains(&format!("pid {}", std::process::id())),
            "{msg}"
        );
        assert!(msg.contains("out.lock"), "{msg}");
        drop(lock);
        let again = lock_out(&out).unwrap();
        drop(again);
    }
}
