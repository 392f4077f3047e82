//! The `planfacts` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

use planfacts::check::Config;
use planfacts::model::Severity;
use planfacts::run::{self, RunOptions, RunSummary, Shard};
use planfacts::write::WriteOptions;

/// Parsing makes many short-lived strings; glibc's allocator spent a
/// quarter of a run's time on them (perf), mimalloc far less.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "planfacts",
    version,
    about = "Japanese public-sector plan documents in; tidy datasets and contradicting figures out",
    after_help = "Examples:\n  planfacts run                      # the shipped seeds/ into out/\n  planfacts run drops/ --out out/    # a drop folder\n  planfacts run drops/ --fail-on error && echo consistent\n  planfacts check --out out/         # re-run the checks on an existing out/\n  planfacts probe '令和4年7月21日(木) 28,000千円'\n  planfacts export measures --csv measures.csv   # one file of one dataset\n  planfacts run drops/ --shard 0/2 --out parts/shard=0   # half of the inputs\n  planfacts generate --docs 1000 --seed 7 --out corpus/   # synthetic corpus"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Parse every input, run the checks, write the datasets to --out.
    Run {
        /// Files or folders (default: seeds/).
        inputs: Vec<PathBuf>,
        /// Output folder, replaced whole at the end of the run.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Exit 1 when a finding of this severity or worse is found.
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// Check settings (default: planfacts.toml when it exists).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Start CSV files with a UTF-8 BOM (for Excel).
        #[arg(long)]
        csv_bom: bool,
        /// No progress bar.
        #[arg(long, short)]
        quiet: bool,
        /// Documents larger than this many bytes are recorded as failed
        /// (parsing takes about 50 bytes of memory per input byte).
        #[arg(long, default_value_t = 64 * 1024 * 1024)]
        max_doc_bytes: u64,
        /// Documents taking longer than this many seconds to parse are
        /// recorded as failed (0: no limit).
        #[arg(long, default_value_t = 60.0, value_name = "SECONDS")]
        max_doc_seconds: f64,
        /// Process only share I of N of the inputs (0-based), e.g. `--shard 0/2`
        /// on one machine and `--shard 1/2` on another, each with its own
        /// --out below one folder (parts/shard=0, parts/shard=1): the parts
        /// read as one hive-partitioned dataset.
        #[arg(long, value_name = "I/N")]
        shard: Option<Shard>,
        /// Parse every document again instead of reusing the results kept in
        /// <OUT>.cache/ for files whose bytes did not change.
        #[arg(long)]
        no_cache: bool,
    },
    /// Write a synthetic corpus in the shapes of the seeds (for benchmarks and tests).
    Generate {
        /// Number of documents.
        #[arg(long, default_value_t = 1000)]
        docs: usize,
        /// Same seed, same corpus, byte for byte.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Folder to write DIR/docs/… and DIR/manifest.tsv into.
        #[arg(long)]
        out: PathBuf,
        /// Put one inconsistency into each of K documents, listed in manifest.tsv.
        #[arg(long, default_value_t = 0, value_name = "K")]
        inject: usize,
    },
    /// Re-run the checks over an existing output folder (no re-parsing).
    Check {
        #[arg(long, default_value = "out")]
        out: PathBuf,
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long)]
        csv_bom: bool,
    },
    /// Write one dataset of an output folder as a single CSV or Parquet file.
    #[command(group(clap::ArgGroup::new("dest").required(true).args(["csv", "parquet"])))]
    Export {
        /// documents, blocks, cells, measures, dates or findings.
        dataset: String,
        /// Write CSV (as in out/: formula-safe) to FILE.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Write Parquet (zstd) to FILE.
        #[arg(long, value_name = "FILE")]
        parquet: Option<PathBuf>,
        /// Start the CSV with a UTF-8 BOM (for Excel).
        #[arg(long)]
        csv_bom: bool,
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Show the dates and quantities planfacts reads in TEXT.
    Probe {
        /// Print JSON: {"dates":[…],"quantities":[…]}.
        #[arg(long)]
        json: bool,
        text: String,
    },
}

fn load_config(path: Option<PathBuf>) -> Result<Config> {
    let (path, required) = match path {
        Some(p) => (p, true),
        None => (PathBuf::from("planfacts.toml"), false),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            Config::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
        }
        Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn report(summary: &RunSummary, out: &std::path::Path, fail_on: Option<FailOn>) -> ExitCode {
    for p in &summary.input_problems {
        eprintln!("warning: {p}");
    }
    let count = |s| summary.findings.get(&s).copied().unwrap_or(0);
    eprintln!(
        "{} documents ({} failed, {} partial), {} measures, {} dates; findings: {} error, {} warning, {} info → {}",
        summary.documents,
        summary.failed,
        summary.partial,
        summary.measures,
        summary.dates,
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
        out.display()
    );
    if summary.out_kept {
        eprintln!(
            "nothing changed since the last run: {} kept as it was",
            out.display()
        );
    }
    if let Some(c) = &summary.changes {
        eprintln!(
            "inputs: {} new, {} changed, {} unchanged, {} removed; {} parsed, {} from the cache",
            c.new,
            c.changed,
            c.unchanged,
            c.removed,
            c.reparsed,
            (c.new + c.changed + c.unchanged).saturating_sub(c.reparsed)
        );
    }
    match (fail_on, summary.worst()) {
        (Some(f), Some(w)) if w >= f.severity() => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn execute(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run {
            inputs,
            out,
            fail_on,
            config,
            csv_bom,
            quiet,
            max_doc_bytes,
            max_doc_seconds,
            shard,
            no_cache,
        } => {
            let inputs = if inputs.is_empty() {
                vec![PathBuf::from("seeds")]
            } else {
                inputs
            };
            let options = RunOptions {
                inputs,
                out: out.clone(),
                config: load_config(config)?,
                write: WriteOptions { csv_bom },
                progress: !quiet,
                max_doc_bytes,
                max_doc_seconds,
                shard,
                cache: (!no_cache).then(|| planfacts::cache::dir_for(&out)),
            };
            let summary = run::run(&options)?;
            Ok(report(&summary, &out, fail_on))
        }
        Command::Check {
            out,
            fail_on,
            config,
            csv_bom,
        } => {
            let summary = run::recheck(&out, &load_config(config)?, &WriteOptions { csv_bom })?;
            Ok(report(&summary, &out, fail_on))
        }
        Command::Generate {
            docs,
            seed,
            out,
            inject,
        } => {
            let options = planfacts::generate::GenOptions { docs, seed, inject };
            let s = planfacts::generate::write_corpus(&out, &options)?;
            eprintln!(
                "{} documents ({} Shift_JIS), {} bytes → {}; {} injected → {}",
                s.docs,
                s.shift_jis,
                s.bytes,
                s.docs_dir.display(),
                s.injections,
                s.manifest.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export {
            dataset,
            csv,
            parquet,
            csv_bom,
            out,
        } => {
            use planfacts::write::ExportFormat;
            let (format, dest) = match (csv, parquet) {
                (Some(file), _) => (ExportFormat::Csv { bom: csv_bom }, file),
                (None, Some(file)) => (ExportFormat::Parquet, file),
                (None, None) => anyhow::bail!("give --csv FILE or --parquet FILE"),
            };
            let _lock = planfacts::write::lock_out(&out)?;
            let parts = planfacts::write::export(&out, &dataset, format, &dest)?;
            eprintln!(
                "{dataset}: {parts} parts of {} → {}",
                out.display(),
                dest.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Probe { json, text } => {
            let p = planfacts::probe::probe(&text);
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                print!("{}", planfacts::probe::render_text(&p));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
