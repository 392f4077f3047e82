//! Throughput of each pipeline stage on one thread, over generated
//! documents (`planfacts generate`'s shapes), in MB of input per second.
//!
//! `bench/run.sh` times whole runs; this says where a run's time goes, so
//! that a target such as "50 MB/s per core" can be held against each stage
//! alone. `cargo bench --bench stages [-- DOCS]` (default 2000 documents,
//! best of 5 rounds per stage). Under `cargo test` it runs once over a few
//! documents, so that it keeps working.

use std::time::{Duration, Instant};

use planfacts::check::{check_document, Config, DocFacts};
use planfacts::extract::{self, document, DocContext};
use planfacts::pipeline::{self, Budget};
use planfacts::write::{self, encode, Datasets};
use planfacts::{decode, generate, normalize, parts, segment};

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const STAGES: [&str; 9] = [
    "decode",
    "normalize",
    "segment",
    "extract",
    "check",
    "frames",
    "validate",
    "Parquet",
    "CSV",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let benching = args.iter().any(|a| a == "--bench");
    let docs = match args.iter().find_map(|a| a.parse::<usize>().ok()) {
        Some(n) => n,
        None if benching => 2000,
        None => 20,
    };
    let rounds = if benching { 5 } else { 1 };
    let corpus: Vec<generate::GeneratedDoc> =
        (0..docs).map(|i| generate::document(1, i, false)).collect();
    let input: usize = corpus.iter().map(|d| d.bytes.len()).sum();

    // Whole per-document outputs, in parts: the input of the part stages.
    let docs_of: Vec<parts::Doc> = corpus
        .iter()
        .enumerate()
        .map(|(i, d)| parts::Doc {
            sig: i as u64,
            bytes: d.bytes.len() as u64,
        })
        .collect();
    let parts_data: Vec<Datasets> = parts::plan(&docs_of, &[])
        .into_iter()
        .map(|members| {
            let mut data = Datasets::default();
            for d in members.iter().filter_map(|&i| corpus.get(i)) {
                data.push(pipeline::process(&d.file, &d.bytes));
            }
            data
        })
        .collect();

    let mut best = [Duration::MAX; STAGES.len()];
    let mut output_bytes = 0usize;
    for _ in 0..rounds {
        let mut took = [Duration::ZERO; STAGES.len()];
        let mut timed = |stage: usize, start: Instant| {
            if let Some(t) = took.get_mut(stage) {
                *t += start.elapsed();
            }
            Instant::now()
        };
        let config = Config::default();
        for d in &corpus {
            // As in `pipeline::process_within`, but timed stage by stage.
            let t = Instant::now();
            let doc_id = decode::doc_id(&d.bytes);
            let decoded = decode::decode(&d.bytes)?;
            let t = timed(0, t);
            let lines = normalize::normalize_text(&decoded.text);
            let t = timed(1, t);
            let seg = segment::segment_text_within(&doc_id, &lines, &Budget::unlimited())
                .ok_or("segmenting ran out of time")?;
            let t = timed(2, t);
            let cover = document::read_cover(&seg, &lines);
            let ctx = DocContext::new(doc_id, &cover, &d.file);
            let extracted = extract::extract(&ctx, &seg, &lines);
            timed(3, t);
            let blocks: Vec<_> = seg.iter().map(|b| b.block.clone()).collect();
            let cells: Vec<_> = seg
                .into_iter()
                .flat_map(|b| b.cells)
                .map(|c| c.cell)
                .collect();
            let t = Instant::now();
            let findings = check_document(
                &DocFacts {
                    doc_id: &ctx.doc_id,
                    measures: &extracted.measures,
                    dates: &extracted.dates,
                    cells: &cells,
                    blocks: &blocks,
                },
                &config,
            );
            timed(4, t);
            std::hint::black_box(findings);
        }
        output_bytes = 0;
        for data in &parts_data {
            let t = Instant::now();
            let frames = write::frames(data)?;
            let t = timed(5, t);
            write::validate(&frames)?;
            let mut t = timed(6, t);
            for (_, df) in &frames {
                output_bytes += encode::parquet_bytes(df)?.len();
                t = timed(7, t);
                output_bytes += encode::csv_rows(df)?.len();
                t = timed(8, t);
            }
        }
        for (b, t) in best.iter_mut().zip(took) {
            *b = (*b).min(t);
        }
    }

    let mb = input as f64 / 1e6;
    let total: Duration = best.iter().sum();
    println!(
        "{docs} generated documents, {mb:.1} MB in, {:.1} MB out; one thread, best of {rounds}",
        output_bytes as f64 / 1e6
    );
    println!("| stage | s | MB/s | share |");
    println!("| --- | ---: | ---: | ---: |");
    for (name, t) in STAGES.iter().zip(best) {
        println!(
            "| {name} | {:.3} | {:.1} | {:.0}% |",
            t.as_secs_f64(),
            mb / t.as_secs_f64(),
            100.0 * t.as_secs_f64() / total.as_secs_f64()
        );
    }
    println!(
        "| all | {:.3} | {:.1} | 100% |",
        total.as_secs_f64(),
        mb / total.as_secs_f64()
    );
    Ok(())
}
