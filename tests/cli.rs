//! The command line as a user meets it: determinism, exit codes, `check`,
//! `export`, shards as separate processes, `probe`, and the configuration
//! file.

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

/// Every file below `dir` as (path inside it, bytes), sorted.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    planfacts::write::files_below(dir)
        .expect("out dir")
        .into_iter()
        .map(|(name, _)| {
            let bytes = std::fs::read(dir.join(&name)).expect("file");
            (name, bytes)
        })
        .collect()
}

/// One dataset of `out` (inside `dir`) as one CSV file, through `planfacts export`.
fn export_csv(dir: &Path, out: &str, dataset: &str) -> String {
    let file = format!("{dataset}-export.csv");
    let o = planfacts(&["export", dataset, "--csv", &file, "--out", out], dir);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(dir.join(file)).expect("exported")
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
    for dataset in planfacts::schema::DATASETS {
        for (prefix, ext) in [("part-", ".parquet"), ("_part-", ".csv")] {
            let want = format!("{dataset}/{prefix}");
            assert!(
                names
                    .iter()
                    .any(|n| n.starts_with(&want) && n.ends_with(ext)),
                "{want}*{ext} missing: {names:?}"
            );
        }
    }
    for want in ["datapackage.json", "report.md"] {
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
    let before = export_csv(tmp.path(), "out", "findings");
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
    let after = export_csv(tmp.path(), "out", "findings");
    assert_ne!(before, after);
    assert_eq!(
        after.lines().count(),
        1,
        "only the header row should remain: {after}"
    );
    // The other datasets are unchanged by `check`.
    assert!(export_csv(tmp.path(), "out", "measures").lines().count() > 100);
}

#[test]
fn export_writes_one_file_and_refuses_what_it_cannot() {
    let tmp = tempfile::tempdir().expect("tmp");
    let seeds = seeds();
    let o = planfacts(
        &["run", &seeds.to_string_lossy(), "--out", "out", "--quiet"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = planfacts(
        &["export", "documents", "--csv", "d.csv", "--csv-bom"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read(tmp.path().join("d.csv")).expect("csv");
    assert!(text.starts_with(b"\xEF\xBB\xBFdoc_id,source_path,"));
    assert_eq!(
        text.iter().filter(|&&b| b == b'\n').count(),
        6,
        "header and five seeds"
    );
    let o = planfacts(
        &["export", "measures", "--parquet", "m.parquet"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read(tmp.path().join("m.parquet"))
        .expect("parquet")
        .starts_with(b"PAR1"));
    // Neither or both destinations, or an unknown dataset: usage errors.
    for args in [
        &["export", "measures"][..],
        &["export", "measures", "--csv", "a", "--parquet", "b"],
        &["export", "nope", "--csv", "x.csv"],
    ] {
        let o = planfacts(args, tmp.path());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
    assert!(!tmp.path().join("x.csv").exists());
}

#[test]
fn two_shard_processes_write_one_dataset_under_one_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let seeds = seeds();
    let seeds = seeds.to_string_lossy();
    let children: Vec<_> = (0..2)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_planfacts"))
                .args(["run", &seeds, "--quiet", "--shard", &format!("{i}/2")])
                .args(["--out", &format!("parts/shard={i}")])
                .current_dir(tmp.path())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    // Together the shards hold each seed once.
    let mut documents = Vec::new();
    for i in 0..2 {
        let text = export_csv(tmp.path(), &format!("parts/shard={i}"), "documents");
        documents.extend(text.lines().skip(1).map(str::to_string));
    }
    assert_eq!(documents.len(), 5, "{documents:?}");
    let parts = files(&tmp.path().join("parts"));
    let measures: Vec<&str> = parts
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| n.contains("/measures/part-") && n.ends_with(".parquet"))
        .collect();
    assert!(measures.len() >= 2, "{measures:?}");
    assert!(measures.iter().any(|n| n.starts_with("shard=0/")));
    assert!(measures.iter().any(|n| n.starts_with("shard=1/")));
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
