//! The command line as a user meets it: determinism, exit codes, `check`,
//! `probe`, and the configuration file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn planfacts(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planfacts"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run planfacts")
}

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("out dir")
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("file"),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn two_runs_write_byte_identical_datasets() {
    let tmp = tempfile::tempdir().expect("tmp");
    let seeds = seeds();
    let seeds = seeds.to_string_lossy();
    for out in ["a", "b"] {
        let o = planfacts(
            &["run", &seeds, "--out", out, "--quiet", "--no-cache"],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let a = files(&tmp.path().join("a"));
    let b = files(&tmp.path().join("b"));
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "documents.parquet",
        "blocks.csv",
        "cells.parquet",
        "measures.csv",
        "dates.parquet",
        "findings.csv",
        "datapackage.json",
        "report.md",
    ] {
        assert!(names.contains(&want), "{want} missing: {names:?}");
    }
    assert_eq!(a, b, "the two runs differ");
}

#[test]
fn fail_on_sets_the_exit_code_and_check_reruns_without_parsing() {
    let tmp = tempfile::tempdir().expect("tmp");
    let seeds = seeds();
    let seeds = seeds.to_string_lossy();
    // The seeds have info findings only.
    let o = planfacts(
        &[
            "run",
            &seeds,
            "--out",
            "out",
            "--quiet",
            "--fail-on",
            "warning",
        ],
        tmp.path(),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = planfacts(
        &[
            "run",
            &seeds,
            "--out",
            "out",
            "--quiet",
            "--fail-on",
            "info",
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    let before = std::fs::read(tmp.path().join("out/findings.csv")).expect("findings");
    // Switching the only firing check off through planfacts.toml empties the findings.
    std::fs::write(
        tmp.path().join("planfacts.toml"),
        "[checks.implied_base_drift]\nenabled = false\n",
    )
    .expect("toml");
    let o = planfacts(&["check", "--out", "out", "--fail-on", "info"], tmp.path());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let after = std::fs::read_to_string(tmp.path().join("out/findings.csv")).expect("findings");
    assert_ne!(before, after.as_bytes());
    assert_eq!(
        after.lines().count(),
        1,
        "only the header row should remain: {after}"
    );
    // The other datasets are unchanged by `check`.
    assert!(
        std::fs::read_to_string(tmp.path().join("out/measures.csv"))
            .expect("measures")
            .lines()
            .count()
            > 100
    );
}

#[test]
fn unknown_config_key_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("planfacts.toml"),
        "[checks.rate_vs_ratio]\ntolerence = 0.1\n",
    )
    .expect("toml");
    let seeds = seeds();
    let o = planfacts(
        &["run", &seeds.to_string_lossy(), "--out", "out", "--quiet"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("tolerence") && err.contains("planfacts.toml"),
        "{err}"
    );
    assert!(
        !tmp.path().join("out").exists(),
        "nothing is written on a usage error"
    );
}

#[test]
fn probe_json_has_dates_and_quantities() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = planfacts(
        &["probe", "--json", "令和4年7月21日(木) 28,000千円 △1,234"],
        tmp.path(),
    );
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["dates"][0]["start"], "2022-07-21");
    assert_eq!(v["dates"][0]["weekday_actual"], "木");
    assert_eq!(v["quantities"][0]["value"], 28_000_000.0);
    assert_eq!(v["quantities"][0]["unit"], "円");
    assert_eq!(v["quantities"][1]["value"], -1234.0);
}

#[test]
fn missing_input_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = planfacts(&["run", "no-such-folder", "--out", "out"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no-such-folder"));
}
