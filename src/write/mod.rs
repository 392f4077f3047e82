//! Stage 6: datasets to Parquet (zstd) and CSV through polars, checked
//! against `schemas/`, written aside and swapped into place whole.
//!
//! A dataset is a folder of part files (`out/measures/part-<id>.parquet`
//! and `_part-<id>.csv`, the same rows), one part per group of documents
//! ([`EncodedPart`]): each part is checked and encoded alone, so memory
//! follows the part, not the corpus, and a nightly run carries the parts
//! of unchanged documents into the new `out/` as they are
//! ([`OutWriter::carry_part`]: hard links, the bytes never read).
//!
//! Nothing here locks: the caller holds [`lock_out`] for the whole run, so
//! that reading the previous `out/` and replacing it are covered.

mod atomic;
mod datapackage;
pub mod encode;
mod export;
mod frame;

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use polars::prelude::DataFrame;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use atomic::{is_beside_out, lock_out, sibling, OutLock};
pub use datapackage::FileDigest;
pub use export::{export, ExportFormat};

use crate::error::{Error, Result};
use crate::model::{Block, Cell, DateMention, DocOutput, Document, Finding, Measure};
use crate::schema::{check_foreign_keys, table_schema, TableSchema, DATASETS};

/// Every dataset of one run (or of one part), rows sorted as
/// they will be written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Datasets {
    pub documents: Vec<Document>,
    pub blocks: Vec<Block>,
    pub cells: Vec<Cell>,
    pub measures: Vec<Measure>,
    pub dates: Vec<DateMention>,
    pub findings: Vec<Finding>,
}

impl Datasets {
    /// Append one document's rows (findings are added by the checks).
    pub fn push(&mut self, out: DocOutput) {
        self.documents.extend(out.document);
        self.blocks.extend(out.blocks);
        self.cells.extend(out.cells);
        self.measures.extend(out.measures);
        self.dates.extend(out.dates);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Start each CSV with a UTF-8 BOM (for Excel).
    pub csv_bom: bool,
}

/// One frame per dataset, in `DATASETS` order.
pub fn frames(data: &Datasets) -> Result<Vec<(&'static str, DataFrame)>> {
    Ok(vec![
        ("documents", frame::documents(&data.documents)?),
        ("blocks", frame::blocks(&data.blocks)?),
        ("cells", frame::cells(&data.cells)?),
        ("measures", frame::measures(&data.measures)?),
        ("dates", frame::dates(&data.dates)?),
        ("findings", frame::findings(&data.findings)?),
    ])
}

/// Check every frame against its schema, then the keys between them.
pub fn validate(frames: &[(&'static str, DataFrame)]) -> Result<()> {
    let schemas = frames
        .iter()
        .map(|(name, df)| {
            let schema = table_schema(name)?;
            schema.validate(name, df)?;
            Ok(schema)
        })
        .collect::<Result<Vec<TableSchema>>>()?;
    let all: Vec<(&str, &TableSchema, &DataFrame)> = frames
        .iter()
        .zip(&schemas)
        .map(|((name, df), schema)| (*name, schema, df))
        .collect();
    check_foreign_keys(&all)
}

/// One part of every dataset, checked and encoded: per dataset (in
/// `DATASETS` order) a whole Parquet file and the CSV lines without header.
#[derive(Debug, Clone, Default)]
pub struct EncodedPart {
    pub parquet: Vec<Vec<u8>>,
    pub csv: Vec<Vec<u8>>,
}

/// Validate and encode the rows of one part. Keys are checked within the
/// part: every key starts with `doc_id` except `finding_id`, and a document
/// lies in one part, so [`check_finding_ids`] covers the rest.
pub fn encode_part(data: &Datasets) -> Result<EncodedPart> {
    let frames = frames(data)?;
    validate(&frames)?;
    let mut part = EncodedPart::default();
    for (_, df) in &frames {
        part.parquet.push(encode::parquet_bytes(df)?);
        part.csv.push(encode::csv_rows(df)?);
    }
    Ok(part)
}

/// `finding_id` is the one key that does not start with `doc_id`: it must
/// not repeat across parts.
pub fn check_finding_ids<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Result<()> {
    let mut seen = BTreeSet::new();
    for f in findings {
        if !seen.insert(f.finding_id) {
            return Err(Error::Schema {
                dataset: "findings".into(),
                column: "finding_id".into(),
                message: format!(
                    "finding_id {} repeats (doc_id {}, line {}): primary key must be unique",
                    f.finding_id, f.doc_id, f.line
                ),
            });
        }
    }
    Ok(())
}

/// The files of one part as written: for each dataset (in `DATASETS`
/// order), its CSV and Parquet files (see [`part_path`]) with their digests.
/// Kept by the cache, so that a later run can carry the part over and list
/// it in `datapackage.json` without reading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartFiles {
    pub id: String,
    pub csv: Vec<FileDigest>,
    pub parquet: Vec<FileDigest>,
}

impl PartFiles {
    /// Every file of the part as (path inside `out/`, digest).
    pub fn files(&self) -> impl Iterator<Item = (String, &FileDigest)> {
        DATASETS
            .iter()
            .zip(&self.csv)
            .map(|(d, f)| (part_path(d, &self.id, "csv"), f))
            .chain(
                DATASETS
                    .iter()
                    .zip(&self.parquet)
                    .map(|(d, f)| (part_path(d, &self.id, "parquet"), f)),
            )
    }
}

/// `<dataset>/part-<id>.parquet` and `<dataset>/_part-<id>.csv`, relative
/// to `out/`. The CSV parts start with `_` because pyarrow, pandas and
/// Spark, reading a dataset's folder as Parquet, skip such files (as they
/// skip `_SUCCESS`) and would fail on any other file that is not Parquet.
pub fn part_path(dataset: &str, id: &str, ext: &str) -> String {
    format!("{dataset}/{}", part_name(id, ext))
}

fn part_name(id: &str, ext: &str) -> String {
    format!("{}{id}.{ext}", part_prefix(ext))
}

fn part_prefix(ext: &str) -> &'static str {
    if ext == "parquet" {
        "part-"
    } else {
        "_part-"
    }
}

/// Writes a new `out/` part by part; nothing is visible until
/// [`OutWriter::finish`] swaps it in. Dropped unfinished, it leaves the
/// previous `out/` untouched and no staging directory. Parts are
/// independent files: several can be written at once.
pub struct OutWriter {
    staging: atomic::Staging,
    out: PathBuf,
    /// Each dataset's CSV header (after a BOM when asked).
    headers: Vec<Vec<u8>>,
}

impl OutWriter {
    pub fn begin(out: &Path, options: &WriteOptions) -> Result<OutWriter> {
        let staging = atomic::Staging::begin(out)?;
        let mut headers = Vec::with_capacity(DATASETS.len());
        for (name, df) in frames(&Datasets::default())? {
            let dir = staging.path(name);
            fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
            headers.push(encode::csv_header(&df, options.csv_bom)?);
        }
        Ok(OutWriter {
            staging,
            out: out.to_path_buf(),
            headers,
        })
    }

    /// Write the files of part `id`.
    pub fn write_part(&self, id: &str, part: &EncodedPart) -> Result<PartFiles> {
        if part.parquet.len() != DATASETS.len() || part.csv.len() != DATASETS.len() {
            return Err(Error::Other(format!(
                "part {id}: {} Parquet and {} CSV files for {} datasets",
                part.parquet.len(),
                part.csv.len(),
                DATASETS.len()
            )));
        }
        let mut files = PartFiles {
            id: id.to_string(),
            csv: Vec::with_capacity(DATASETS.len()),
            parquet: Vec::with_capacity(DATASETS.len()),
        };
        for (((dataset, header), csv), parquet) in DATASETS
            .iter()
            .zip(&self.headers)
            .zip(&part.csv)
            .zip(&part.parquet)
        {
            files
                .csv
                .push(self.write_file(&part_path(dataset, id, "csv"), &[header, csv])?);
            files
                .parquet
                .push(self.write_file(&part_path(dataset, id, "parquet"), &[parquet])?);
        }
        Ok(files)
    }

    fn write_file(&self, name: &str, chunks: &[&[u8]]) -> Result<FileDigest> {
        let path = self.staging.path(name);
        let mut file = File::create(&path).map_err(|e| Error::io(&path, e))?;
        let mut digest = datapackage::RunningDigest::default();
        for chunk in chunks {
            file.write_all(chunk).map_err(|e| Error::io(&path, e))?;
            digest.update(chunk);
        }
        file.sync_all().map_err(|e| Error::io(&path, e))?;
        Ok(digest.finish())
    }

    /// Carry the files of a part the previous `out/` holds into the new one
    /// as they are: hard links (the bytes are neither read nor written), or
    /// a copy inside the kernel where the filesystem has no links.
    pub fn carry_part(&self, files: &PartFiles) -> Result<()> {
        for (name, _) in files.files() {
            let (from, to) = (self.out.join(&name), self.staging.path(&name));
            if fs::hard_link(&from, &to).is_err() {
                fs::copy(&from, &to).map_err(|e| Error::io(&from, e))?;
            }
        }
        Ok(())
    }

    /// Add `datapackage.json` (listing `parts` in order) and `report.md`,
    /// and swap the whole folder in.
    pub fn finish(self, parts: &[PartFiles], report_md: &str) -> Result<atomic::Retired> {
        // A dataset is a folder of parts: an empty run still gets one
        // (empty) part, so that every folder reads as a table.
        let empty;
        let parts = if parts.is_empty() {
            empty = [self.write_part("empty", &encode_part(&Datasets::default())?)?];
            &empty[..]
        } else {
            parts
        };
        self.staging
            .write("datapackage.json", &datapackage::datapackage_json(parts)?)?;
        self.staging.write("report.md", report_md.as_bytes())?;
        for name in DATASETS {
            fsync_dir(&self.staging.path(name))?;
        }
        self.staging.commit()
    }
}

fn fsync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(dir, e))
}

/// Split `data` into parts of documents with [`crate::parts::plan`] (no
/// history: document order); each part holds the rows of its documents.
fn parts_of(data: &Datasets) -> Vec<Datasets> {
    let docs: Vec<crate::parts::Doc> = data
        .documents
        .iter()
        .map(|d| crate::parts::Doc {
            sig: crate::cache::hash64(&[d.doc_id.as_bytes()]),
            bytes: d.bytes,
        })
        .collect();
    let plan = crate::parts::plan(&docs, &[]);
    let mut part_of = std::collections::HashMap::new();
    for (i, members) in plan.iter().enumerate() {
        for doc in members.iter().filter_map(|&m| data.documents.get(m)) {
            part_of.insert(doc.doc_id.as_str(), i);
        }
    }
    let mut out = vec![Datasets::default(); plan.len().max(1)];
    let last = out.len() - 1;
    // Rows of a document not listed (invalid data) go to the last part,
    // where validation names them.
    let index = |doc_id: &str| part_of.get(doc_id).copied().unwrap_or(last);
    macro_rules! spread {
        ($field:ident) => {
            for row in &data.$field {
                if let Some(b) = out.get_mut(index(&row.doc_id)) {
                    b.$field.push(row.clone());
                }
            }
        };
    }
    spread!(documents);
    spread!(blocks);
    spread!(cells);
    spread!(measures);
    spread!(dates);
    spread!(findings);
    out
}

/// The id of a part written from rows alone: a hash of its documents.
fn rows_part_id(data: &Datasets, options: &WriteOptions) -> String {
    let mut parts: Vec<&[u8]> = vec![
        b"planfacts rows part\0",
        if options.csv_bom { b"bom" } else { b"" },
    ];
    parts.extend(data.documents.iter().map(|d| d.doc_id.as_bytes()));
    format!("{:016x}", crate::cache::hash64(&parts))
}

/// Write every dataset (Parquet + CSV parts), `datapackage.json` and
/// `report.md` into `out`, atomically: all of it appears at once or
/// nothing changes (for `planfacts check`, which has rows but no inputs).
pub fn write_out(
    out: &Path,
    data: &Datasets,
    report_md: &str,
    options: &WriteOptions,
) -> Result<()> {
    check_finding_ids(&data.findings)?;
    let writer = OutWriter::begin(out, options)?;
    let parts = parts_of(data)
        .par_iter()
        .map(|part| writer.write_part(&rows_part_id(part, options), &encode_part(part)?))
        .collect::<Result<Vec<_>>>()?;
    writer.finish(&parts, report_md)?.finish()
}

/// Every file below `dir`, as (path inside `dir`, metadata), sorted by path:
/// what a run leaves in `out/`.
pub fn files_below(dir: &Path) -> std::io::Result<Vec<(String, fs::Metadata)>> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in fs::read_dir(&d)? {
            let entry = entry?;
            let meta = entry.metadata()?;
            let path = entry.path();
            if meta.is_dir() {
                dirs.push(path);
            } else {
                let name = path.strip_prefix(dir).unwrap_or(&path);
                files.push((name.to_string_lossy().into_owned(), meta));
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The part files of `dataset` in `out`, sorted by name.
pub fn part_files(out: &Path, dataset: &str, ext: &str) -> Result<Vec<PathBuf>> {
    let dir = out.join(dataset);
    let suffix = format!(".{ext}");
    let mut files = Vec::new();
    for entry in fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
        let entry = entry.map_err(|e| Error::io(&dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let id = name
            .strip_suffix(&suffix)
            .and_then(|stem| stem.strip_prefix(part_prefix(ext)));
        if id.is_some_and(|id| !id.is_empty()) {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// One dataset of an existing `out`, all its Parquet parts read as one frame.
fn read_dataset(out: &Path, dataset: &'static str) -> Result<DataFrame> {
    let mut whole: Option<DataFrame> = None;
    for path in part_files(out, dataset, "parquet")? {
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let df = encode::read_parquet(bytes).map_err(|e| e.within(&path))?;
        table_schema(dataset)?.validate(dataset, &df)?;
        match whole.as_mut() {
            Some(w) => {
                w.vstack_mut(&df)
                    .map_err(|e| Error::from(e).within(&path))?;
            }
            None => whole = Some(df),
        }
    }
    match whole {
        Some(df) => Ok(df),
        None => Err(Error::Input {
            path: out.join(dataset),
            message: "no part files".into(),
        }),
    }
}

/// Read the datasets back from an existing `out` (for `planfacts check`).
pub fn read_out(out: &Path) -> Result<Datasets> {
    let frames = DATASETS
        .iter()
        .map(|name| Ok((*name, read_dataset(out, name)?)))
        .collect::<Result<Vec<_>>>()?;
    validate(&frames)?;
    let frame_of = |name: &str| {
        frames
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, df)| df)
            .ok_or_else(|| Error::Other(format!("dataset `{name}` missing")))
    };
    let data = Datasets {
        documents: frame::read_documents(frame_of("documents")?)?,
        blocks: frame::read_blocks(frame_of("blocks")?)?,
        cells: frame::read_cells(frame_of("cells")?)?,
        measures: frame::read_measures(frame_of("measures")?)?,
        dates: frame::read_dates(frame_of("dates")?)?,
        findings: frame::read_findings(frame_of("findings")?)?,
    };
    check_finding_ids(&data.findings)?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fs;

    use chrono::NaiveDate;

    use super::*;
    use crate::model::*;

    fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    /// Rows exercising nulls, dates, Japanese text, negatives and formula-like text.
    fn sample() -> Datasets {
        let doc = "0123456789abcdef".to_string();
        Datasets {
            documents: vec![
                Document {
                    doc_id: doc.clone(),
                    source_path: "seeds/松江市_計画.txt".into(),
                    encoding: "Shift_JIS".into(),
                    bytes: 12_345,
                    lines: 40,
                    title: Some("第２期 総合戦略".into()),
                    issuer: None,
                    published_start: date(2021, 3, 31),
                    status: Status::Partial,
                    error: Some("3 undecodable bytes".into()),
                    undecodable_bytes: 3,
                },
                Document {
                    doc_id: "fedcba9876543210".into(),
                    source_path: "drop/empty.txt".into(),
                    encoding: "UTF-8".into(),
                    bytes: 0,
                    lines: 0,
                    title: None,
                    issuer: None,
                    published_start: None,
                    status: Status::Ok,
                    error: None,
                    undecodable_bytes: 0,
                },
            ],
            blocks: vec![
                Block {
                    doc_id: doc.clone(),
                    block_id: 0,
                    parent_id: None,
                    kind: BlockKind::Heading,
                    level: Some(1),
                    marker: Some("１．".into()),
                    text: "基本目標".into(),
                    key: None,
                    reason: None,
                    line: 1,
                    line_end: 1,
                    col: 0,
                    raw: "１．基本目標".into(),
                },
                Block {
                    doc_id: doc.clone(),
                    block_id: 1,
                    parent_id: Some(0),
                    kind: BlockKind::Table,
                    level: None,
                    marker: None,
                    text: "".into(),
                    key: None,
                    reason: None,
                    line: 2,
                    line_end: 4,
                    col: 0,
                    raw: "項目\t目標値\n=1+2\t△1,234\n-\t@x".into(),
                },
            ],
            cells: vec![
                Cell {
                    doc_id: doc.clone(),
                    table_id: 1,
                    row: 0,
                    col: 1,
                    is_header: true,
                    header: "令和2年度 / 目標値".into(),
                    row_label: "".into(),
                    text: "目標値".into(),
                    value: None,
                    unit: None,
                    line: 2,
                    line_col: 3,
                    raw: "目標値".into(),
                },
                Cell {
                    doc_id: doc.clone(),
                    table_id: 1,
                    row: 1,
                    col: 1,
                    is_header: false,
                    header: "令和2年度 / 目標値".into(),
                    row_label: "=1+2".into(),
                    text: "-1234".into(),
                    value: Some(-1234.0),
                    unit: Some("千円".into()),
                    line: 3,
                    line_col: 5,
                    raw: "△1,234".into(),
                },
            ],
            measures: vec![Measure {
                doc_id: doc.clone(),
                measure_id: 0,
                entity: Some("松江市".into()),
                section: Some("基本目標".into()),
                indicator: Some("+支援件数".into()),
                stance: Stance::Planned,
                measure: MeasureKind::Amount,
                period_label: Some("令和2年度".into()),
                fy_start: Some(2020),
                fy_end: Some(2020),
                cumulative: false,
                value: -1_234_000.0,
                unit: Some("円".into()),
                scale: 1000.0,
                decimals: 0,
                // A qualifier of two words, so that the column's round trip
                // covers the separator too.
                approx: true,
                qualifier: Some("約 以上".into()),
                source: MeasureSource::Table,
                raw: "△1,234".into(),
                line: 3,
                col: 5,
                block_id: 1,
                table_id: Some(1),
                table_row: Some(1),
                table_col: Some(1),
            }],
            dates: vec![DateMention {
                doc_id: doc.clone(),
                date_id: 0,
                raw: "令和4年7月21日(木)".into(),
                kind: DateKind::Date,
                era: Some("令和".into()),
                era_year: Some(4),
                start: date(2022, 7, 21),
                end: date(2022, 7, 21),
                weekday_stated: Some("木".into()),
                weekday_actual: Some("木".into()),
                inferred: false,
                western_stated: None,
                length_stated: None,
                sequence: Some(-1),
                problem: None,
                line: 1,
                col: 2,
                block_id: 0,
            }],
            findings: vec![Finding {
                finding_id: 0,
                check: "weekday_vs_date".into(),
                severity: Severity::Warning,
                doc_id: doc,
                line: 1,
                col: 2,
                message: "-曜日が違う".into(),
                expected: Some("木".into()),
                actual: None,
                tolerance: Some(0.05),
                evidence: "@令和4年7月21日(木)".into(),
                measure_ids: "".into(),
            }],
        }
    }

    /// Every file below `dir` as (relative path, bytes), sorted.
    fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
        files_below(dir)
            .unwrap()
            .into_iter()
            .map(|(name, _)| {
                let bytes = fs::read(dir.join(&name)).unwrap();
                (name, bytes)
            })
            .collect()
    }

    /// The one part file of `dataset` with extension `ext`.
    fn only_part(out: &Path, dataset: &str, ext: &str) -> PathBuf {
        let parts = part_files(out, dataset, ext).unwrap();
        assert_eq!(parts.len(), 1, "{parts:?}");
        parts[0].clone()
    }

    #[test]
    fn schema_columns_are_the_struct_fields() {
        let data = sample();
        let rows: [(&str, serde_json::Value); 6] = [
            (
                "documents",
                serde_json::to_value(&data.documents[0]).unwrap(),
            ),
            ("blocks", serde_json::to_value(&data.blocks[0]).unwrap()),
            ("cells", serde_json::to_value(&data.cells[0]).unwrap()),
            ("measures", serde_json::to_value(&data.measures[0]).unwrap()),
            ("dates", serde_json::to_value(&data.dates[0]).unwrap()),
            ("findings", serde_json::to_value(&data.findings[0]).unwrap()),
        ];
        for (name, row) in rows {
            let fields: BTreeSet<String> = row.as_object().unwrap().keys().cloned().collect();
            let schema: BTreeSet<String> = table_schema(name)
                .unwrap()
                .fields
                .into_iter()
                .map(|f| f.name)
                .collect();
            assert_eq!(fields, schema, "{name}");
        }
    }

    #[test]
    fn round_trip_through_parquet() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let data = sample();
        write_out(&out, &data, "# report\n", &WriteOptions::default()).unwrap();
        assert_eq!(read_out(&out).unwrap(), data);
        let empty = Datasets::default();
        write_out(&out, &empty, "", &WriteOptions::default()).unwrap();
        assert_eq!(read_out(&out).unwrap(), empty);
    }

    #[test]
    fn same_input_gives_byte_identical_files() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        write_out(&a, &sample(), "r", &WriteOptions::default()).unwrap();
        write_out(&b, &sample(), "r", &WriteOptions::default()).unwrap();
        let (fa, fb) = (read_all(&a), read_all(&b));
        let names: Vec<&str> = fa.iter().map(|(n, _)| n.as_str()).collect();
        // Each dataset a folder holding one part, CSV and Parquet.
        assert_eq!(names.len(), 14, "{names:?}");
        assert!(names
            .iter()
            .any(|n| n.starts_with("measures/part-") && n.ends_with(".parquet")));
        assert!(names.contains(&"datapackage.json") && names.contains(&"report.md"));
        assert_eq!(fa, fb);
    }

    #[test]
    fn csv_is_formula_safe_dated_and_bom_optional() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write_out(&out, &sample(), "", &WriteOptions { csv_bom: true }).unwrap();
        let cells = fs::read(only_part(&out, "cells", "csv")).unwrap();
        assert!(cells.starts_with(b"\xEF\xBB\xBFdoc_id,table_id,row,col,is_header,"));
        let cells = String::from_utf8(cells).unwrap();
        assert!(
            cells.contains(",'=1+2,'-1234,-1234,千円,3,5,△1,234")
                || cells.contains(",'=1+2,'-1234,-1234,千円,3,5,\"△1,234\""),
            "{cells}"
        );
        let dates = fs::read_to_string(only_part(&out, "dates", "csv")).unwrap();
        assert!(
            dates.contains(",2022-07-21,2022-07-21,木,木,false,,,-1,,1,2,0"),
            "{dates}"
        );
        let measures = fs::read_to_string(only_part(&out, "measures", "csv")).unwrap();
        assert!(
            measures.contains(",'+支援件数,")
                && measures.contains(",-1234000,円,1000,0,true,約 以上,table,"),
            "{measures}"
        );
        // Parquet keeps the text as printed.
        assert_eq!(read_out(&out).unwrap().cells[1].row_label, "=1+2");
        write_out(&out, &sample(), "", &WriteOptions::default()).unwrap();
        assert!(fs::read(only_part(&out, "cells", "csv"))
            .unwrap()
            .starts_with(b"doc_id,"));
    }

    #[test]
    fn datapackage_hashes_match_the_files() {
        use sha2::Digest;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write_out(&out, &sample(), "", &WriteOptions::default()).unwrap();
        let package: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("datapackage.json")).unwrap()).unwrap();
        let parts = package["planfacts"]["parts"].as_array().unwrap();
        let resources = package["resources"].as_array().unwrap();
        assert_eq!(resources.len(), 6);
        assert_eq!(parts.len(), 12);
        for r in resources {
            for path in r["path"].as_array().unwrap() {
                assert!(parts.iter().any(|p| p["path"] == *path), "{path}");
            }
        }
        for entry in parts {
            let bytes = fs::read(out.join(entry["path"].as_str().unwrap())).unwrap();
            assert_eq!(entry["bytes"], bytes.len());
            let hex: String = sha2::Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(entry["hash"], format!("sha256:{hex}"));
        }
    }

    #[test]
    fn invalid_data_fails_loudly_and_leaves_previous_out() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join(".gitkeep"), "").unwrap();
        write_out(&out, &sample(), "first", &WriteOptions::default()).unwrap();
        let before = read_all(&out);

        let mut bad = sample();
        bad.findings[0].doc_id = "no-such-doc".into();
        match write_out(&out, &bad, "second", &WriteOptions::default()).unwrap_err() {
            Error::Schema {
                dataset, column, ..
            } => assert_eq!((dataset.as_str(), column.as_str()), ("findings", "doc_id")),
            other => panic!("{other}"),
        }
        let mut bad = sample();
        bad.blocks[1].raw = String::new();
        bad.documents[0].encoding = String::new();
        match write_out(&out, &bad, "second", &WriteOptions::default()).unwrap_err() {
            Error::Schema {
                dataset, column, ..
            } => assert_eq!(
                (dataset.as_str(), column.as_str()),
                ("documents", "encoding")
            ),
            other => panic!("{other}"),
        }
        let mut bad = sample();
        bad.measures[0].value = f64::NAN;
        assert!(matches!(
            write_out(&out, &bad, "x", &WriteOptions::default()),
            Err(Error::Schema { .. })
        ));

        assert_eq!(read_all(&out), before);
        assert!(before.iter().any(|(n, _)| n == ".gitkeep"));
        let mut names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["out"]);
    }

    #[test]
    fn read_out_rejects_missing_or_foreign_files() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        assert!(matches!(read_out(&out), Err(Error::Io { .. })));
        write_out(&out, &sample(), "", &WriteOptions::default()).unwrap();
        // A Parquet file from some other table in place of `dates`.
        let dates = only_part(&out, "dates", "parquet");
        fs::copy(only_part(&out, "findings", "parquet"), &dates).unwrap();
        match read_out(&out).unwrap_err() {
            Error::Schema { dataset, .. } => assert_eq!(dataset, "dates"),
            other => panic!("{other}"),
        }
        fs::write(&dates, b"not parquet").unwrap();
        let err = read_out(&out).unwrap_err().to_string();
        assert!(err.contains("part-"), "names the part: {err}");
        fs::remove_file(&dates).unwrap();
        assert!(read_out(&out)
            .unwrap_err()
            .to_string()
            .contains("no part files"));
    }

    /// The sample's two documents in two parts.
    fn two_parts(writer: &OutWriter) -> Vec<PartFiles> {
        let data = sample();
        let (first, second) = data.documents.split_at(1);
        let mut a = data.clone();
        a.documents = first.to_vec();
        let b = Datasets {
            documents: second.to_vec(),
            ..Datasets::default()
        };
        vec![
            writer.write_part("a", &encode_part(&a).unwrap()).unwrap(),
            writer.write_part("b", &encode_part(&b).unwrap()).unwrap(),
        ]
    }

    #[test]
    fn carried_parts_are_the_previous_files_themselves() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let writer = OutWriter::begin(&out, &WriteOptions::default()).unwrap();
        let parts = two_parts(&writer);
        writer.finish(&parts, "r").unwrap().finish().unwrap();
        let first = read_all(&out);
        let inode = |p: &Path| fs::metadata(p).unwrap().ino();
        let before = inode(&out.join(part_path("measures", "a", "parquet")));

        let writer = OutWriter::begin(&out, &WriteOptions::default()).unwrap();
        for part in &parts {
            writer.carry_part(part).unwrap();
        }
        writer.finish(&parts, "r").unwrap().finish().unwrap();
        assert_eq!(
            inode(&out.join(part_path("measures", "a", "parquet"))),
            before
        );
        assert_eq!(read_all(&out), first);
        assert_eq!(read_out(&out).unwrap(), sample());

        // A part dropped from the list is gone from the new out/.
        let writer = OutWriter::begin(&out, &WriteOptions::default()).unwrap();
        writer.carry_part(&parts[1]).unwrap();
        writer.finish(&parts[1..], "r").unwrap().finish().unwrap();
        assert_eq!(read_out(&out).unwrap().documents, sample().documents[1..]);
        assert!(!out.join(part_path("measures", "a", "csv")).exists());
    }

    #[test]
    fn an_empty_run_still_has_a_part_per_dataset() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write_out(&out, &Datasets::default(), "", &WriteOptions::default()).unwrap();
        for name in DATASETS {
            assert_eq!(
                part_files(&out, name, "parquet").unwrap().len(),
                1,
                "{name}"
            );
            assert_eq!(part_files(&out, name, "csv").unwrap().len(), 1, "{name}");
        }
        assert_eq!(read_out(&out).unwrap(), Datasets::default());
    }

    #[test]
    fn export_joins_the_parts_into_one_file() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let writer = OutWriter::begin(&out, &WriteOptions { csv_bom: true }).unwrap();
        let parts = two_parts(&writer);
        writer.finish(&parts, "r").unwrap().finish().unwrap();

        let csv = tmp.path().join("documents.csv");
        let joined = export(&out, "documents", ExportFormat::Csv { bom: false }, &csv).unwrap();
        assert_eq!(joined, 2);
        let text = fs::read_to_string(&csv).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("doc_id,source_path,"), "{text}");
        assert_eq!(lines.len(), 3, "one header, two documents: {text}");
        assert!(lines[1].contains("seeds/松江市_計画.txt") && lines[2].contains("drop/empty.txt"));

        let parquet = tmp.path().join("measures.parquet");
        export(&out, "measures", ExportFormat::Parquet, &parquet).unwrap();
        let df = encode::read_parquet(fs::read(&parquet).unwrap()).unwrap();
        let back = frame::read_measures(&df).unwrap();
        assert_eq!(back, sample().measures);

        let err = export(&out, "nope", ExportFormat::Parquet, &parquet).unwrap_err();
        assert!(err.to_string().contains("measures"), "{err}");
        let names: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains(".tmp"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    /// Writes the sample rows to `$PLANFACTS_OUT` for the client checks in
    /// tests/clients (until `planfacts run` produces a real out/):
    /// `PLANFACTS_OUT=/tmp/o cargo test --lib write::tests::sample_out -- --ignored`
    #[test]
    #[ignore]
    fn sample_out() {
        let out = std::env::var_os("PLANFACTS_OUT").expect("set PLANFACTS_OUT");
        write_out(
            Path::new(&out),
            &sample(),
            "# sample\n",
            &WriteOptions::default(),
        )
        .unwrap();
    }
}
