//! Interrupted and concurrent runs: a run killed with SIGKILL at any moment
//! leaves the previous `out/` as it was, byte for byte, and readable; the
//! next run succeeds; a second run on the same `out/` is refused, naming
//! the run that holds it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use planfacts::write::{lock_out, read_out};

fn planfacts() -> Command {
    Command::new(env!("CARGO_BIN_EXE_planfacts"))
}

fn checked(o: Output) -> Output {
    assert!(
        o.status.success(),
        "planfacts failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// A synthetic drop of `docs` documents (`planfacts generate`).
fn generate(dir: &Path, docs: usize, seed: u64) -> PathBuf {
    checked(
        planfacts()
            .args([
                "generate",
                "--docs",
                &docs.to_string(),
                "--seed",
                &seed.to_string(),
                "--out",
            ])
            .arg(dir)
            .output()
            .expect("generate"),
    );
    dir.join("docs")
}

fn run_to_end(drop: &Path, out: &Path, extra: &[&str]) {
    checked(
        planfacts()
            .arg("run")
            .arg(drop)
            .arg("--out")
            .arg(out)
            .arg("--quiet")
            .args(extra)
            .output()
            .expect("run"),
    );
}

/// Every file under `dir`, by relative name.
/// Every file below `dir` (datasets are folders of parts), by path inside it.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    planfacts::write::files_below(dir)
        .expect("list out/")
        .into_iter()
        .map(|(name, _)| {
            let bytes = fs::read(dir.join(&name)).expect("read");
            (name, bytes)
        })
        .collect()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// When to pull the plug.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// Once the run holds the lock and is parsing.
    Parsing,
    /// Once the run has begun writing the new datasets beside `out/`.
    Writing,
}

fn wait_for(child: &mut Child, what: &str, ready: impl Fn() -> bool) {
    let started = Instant::now();
    while !ready() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the run ended ({status}) before {what}: make the drop larger");
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "never saw {what}"
        );
        sleep(Duration::from_micros(500));
    }
}

fn kill_at(drop: &Path, out: &Path, moment: Moment) {
    let mut child = planfacts()
        .arg("run")
        .arg(drop)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn run");
    let pid = child.id();
    let lock = out.with_file_name("out.lock");
    let staging = out.with_file_name(format!("out.staging-{pid}"));
    match moment {
        Moment::Parsing => {
            wait_for(&mut child, "it took the lock", || {
                fs::read_to_string(&lock).is_ok_and(|s| s.starts_with(&format!("{pid}\n")))
            });
            sleep(Duration::from_millis(100));
        }
        Moment::Writing => wait_for(&mut child, "it began writing", || staging.exists()),
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("reap");
    assert!(
        !status.success(),
        "{moment:?}: the run was not killed ({status})"
    );
}

#[test]
fn a_run_killed_midway_leaves_the_previous_out_intact() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let before = generate(&tmp.path().join("night1"), 1500, 7);
    run_to_end(&before, &out, &[]);
    let previous = snapshot(&out);
    let previous_data = read_out(&out).expect("previous out/ reads");
    assert_eq!(previous_data.documents.len(), 1500);

    // The next night's drop is another corpus, so any mix would show.
    let next = generate(&tmp.path().join("night2"), 1500, 8);
    for moment in [Moment::Parsing, Moment::Writing, Moment::Writing] {
        kill_at(&next, &out, moment);
        assert!(snapshot(&out) == previous, "{moment:?}: out/ changed");
        let data = read_out(&out).unwrap_or_else(|e| panic!("{moment:?}: out/ unreadable: {e}"));
        assert_eq!(data, previous_data, "{moment:?}");
    }

    // The next run is not blocked by what the killed ones left, and cleans it up.
    run_to_end(&next, &out, &[]);
    let after = read_out(&out).expect("new out/ reads");
    assert_eq!(after.documents.len(), 1500);
    assert_ne!(after.documents, previous_data.documents);
    let leftovers: Vec<String> = names_in(tmp.path())
        .into_iter()
        .filter(|n| n.contains(".staging-") || n.contains(".old-"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");

    // What the killed runs put in the cache is either whole or absent: a
    // cached run gives exactly what a fresh parse gives.
    let fresh = tmp.path().join("fresh");
    run_to_end(&next, &fresh, &["--no-cache"]);
    assert!(
        snapshot(&out) == snapshot(&fresh),
        "cached run differs from a fresh parse"
    );
}

#[test]
fn a_second_run_on_the_same_out_is_refused_naming_the_holder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    run_to_end(&seeds, &out, &["--no-cache"]);
    let previous = snapshot(&out);

    // This test process plays the run in progress: it holds the OS lock.
    let held = lock_out(&out).expect("lock");
    let o = planfacts()
        .arg("run")
        .arg(&seeds)
        .arg("--out")
        .arg(&out)
        .args(["--quiet", "--no-cache"])
        .output()
        .expect("second run");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("pid {}", std::process::id())),
        "the holder's pid is not named: {stderr}"
    );
    assert!(stderr.contains("out.lock"), "{stderr}");
    assert!(snapshot(&out) == previous, "the refused run changed out/");
    let check = planfacts()
        .args(["check", "--out"])
        .arg(&out)
        .output()
        .expect("check");
    assert_eq!(
        check.status.code(),
        Some(2),
        "`check` writes out/ too: refused"
    );

    // The lock is the OS's, not the file's existence: once released (or
    // its holder dead), the next run goes ahead although the file remains.
    drop(held);
    assert!(out.with_file_name("out.lock").exists());
    run_to_end(&seeds, &out, &["--no-cache"]);
    assert!(snapshot(&out) == previous, "same inputs, same bytes");
}

#[test]
fn a_lock_left_by_a_killed_run_does_not_block_the_next() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let drop = generate(&tmp.path().join("drop"), 1000, 3);
    kill_at(&drop, &out, Moment::Parsing);
    assert!(!out.exists(), "a killed first run leaves no out/");
    run_to_end(&drop, &out, &[]);
    assert_eq!(read_out(&out).expect("reads").documents.len(), 1000);
}
