//! Stage 6: datasets to Parquet (zstd) and CSV through polars, checked
//! against `schemas/`, written aside and swapped into place whole.
//!
//! Rows are written in batches of documents ([`EncodedBatch`]): each batch
//! is checked and encoded alone (one Parquet row group and a run of CSV
//! lines per dataset), then streamed into the output files, so memory
//! follows the batch, not the corpus. An encoded batch is also what the
//! run cache keeps: a nightly run copies the batches of unchanged documents
//! into the new files as they are (Parquet pages included, without
//! decoding them), which is why a full rebuild and an incremental run give
//! the same bytes.
//!
//! Nothing here locks: the caller holds [`lock_out`] for the whole run, so
//! that reading the previous `out/` and replacing it are covered.

mod atomic;
mod datapackage;
pub mod encode;
mod frame;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc};

use polars::io::parquet::write::BatchedWriter;
use polars::prelude::DataFrame;
use rayon::prelude::*;

pub use atomic::{lock_out, OutLock};

use crate::error::{Error, Result};
use crate::model::{Block, Cell, DateMention, DocOutput, Document, Finding, Measure};
use crate::schema::{check_foreign_keys, table_schema, TableSchema, DATASETS};

/// Every dataset of one run (or of one batch of documents), rows sorted as
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

/// One batch of documents, checked and encoded, ready to be appended to the
/// output files: per dataset (in `DATASETS` order) a one-row-group Parquet
/// file and the CSV lines without header.
#[derive(Debug, Clone, Default)]
pub struct EncodedBatch {
    pub parquet: Vec<Bytes>,
    pub csv: Vec<CsvPart>,
}

/// Shared, cheaply sliced bytes.
pub type Bytes = polars_buffer::Buffer<u8>;

/// The CSV lines of one dataset in a batch. CSV is most of what a run
/// writes (over 90% of the bytes), and a nightly run takes most batches
/// from the cache: those lines are left in the cache file and copied file
/// to file by the kernel (`copy_file_range`), several times faster than
/// reading them in and writing them out.
#[derive(Debug, Clone)]
pub enum CsvPart {
    /// Just encoded.
    Memory(Bytes),
    /// `len` bytes at `offset` of an open cache file, whose position
    /// belongs to this part alone.
    File {
        file: Arc<File>,
        path: Arc<Path>,
        offset: u64,
        len: u64,
    },
}

impl CsvPart {
    pub fn len(&self) -> u64 {
        match self {
            CsvPart::Memory(bytes) => bytes.len() as u64,
            CsvPart::File { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Add the lines to `digest`, reading a file part at its own offsets
    /// (so that it can be hashed while it is being copied).
    fn hash_into(&self, digest: &mut datapackage::RunningDigest, buf: &mut Vec<u8>) -> Result<()> {
        use std::os::unix::fs::FileExt;
        match self {
            CsvPart::Memory(bytes) => digest.update(bytes),
            CsvPart::File {
                file,
                path,
                offset,
                len,
            } => {
                buf.resize(1 << 20, 0);
                let (mut at, end) = (*offset, offset.saturating_add(*len));
                while at < end {
                    let n = usize::try_from(end - at).map_or(buf.len(), |n| n.min(buf.len()));
                    let chunk = buf.get_mut(..n).unwrap_or_default();
                    file.read_exact_at(chunk, at)
                        .map_err(|e| Error::io(&**path, e))?;
                    digest.update(chunk);
                    at += n as u64;
                }
            }
        }
        Ok(())
    }

    /// Append the lines to `w`; `w_path` names `w` in errors. A file part
    /// goes through `std::io::copy`, which uses `copy_file_range` between
    /// files (flushing `w`'s buffer first) and falls back to reading and
    /// writing elsewhere.
    pub fn write_to<W: Write>(&self, w: &mut W, w_path: &Path) -> Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        match self {
            CsvPart::Memory(bytes) => w.write_all(bytes).map_err(|e| Error::io(w_path, e)),
            CsvPart::File {
                file,
                path,
                offset,
                len,
            } => {
                let mut from = &**file;
                from.seek(SeekFrom::Start(*offset))
                    .map_err(|e| Error::io(&**path, e))?;
                let copied = std::io::copy(&mut from.take(*len), w).map_err(|e| {
                    Error::Other(format!(
                        "copying {} into {}: {e}",
                        path.display(),
                        w_path.display()
                    ))
                })?;
                if copied == *len {
                    Ok(())
                } else {
                    Err(Error::Other(format!(
                        "{}: {copied} bytes where {len} were recorded at offset {offset} (cache file cut short while in use)",
                        path.display()
                    )))
                }
            }
        }
    }
}

/// Validate and encode one batch. Keys are checked within the batch: every
/// key starts with `doc_id` except `finding_id`, and a document lies in one
/// batch, so [`OutWriter`] only has to check `finding_id` across batches.
pub fn encode_batch(data: &Datasets) -> Result<EncodedBatch> {
    let frames = frames(data)?;
    validate(&frames)?;
    let mut batch = EncodedBatch::default();
    for (_, df) in &frames {
        batch.parquet.push(encode::parquet_bytes(df)?.into());
        batch
            .csv
            .push(CsvPart::Memory(encode::csv_rows(df)?.into()));
    }
    Ok(batch)
}

fn create(path: &Path) -> Result<BufWriter<File>> {
    let file = File::create(path).map_err(|e| Error::io(path, e))?;
    Ok(BufWriter::with_capacity(1 << 20, file))
}

/// The two files of one dataset being written.
struct DatasetFiles {
    name: &'static str,
    parquet: BatchedWriter<BufWriter<File>>,
    parquet_path: PathBuf,
    csv: BufWriter<File>,
    csv_path: PathBuf,
    csv_digest: CsvDigest,
}

/// The SHA-256 of one CSV file, computed on a thread of its own from the
/// parts as they are appended. CSV is over 90% of the bytes, and on a night
/// that takes most batches from the cache the kernel copies them while the
/// process itself has little else to do: hashing them meanwhile, rather
/// than reading the files back at the end, takes that time off the night.
struct CsvDigest {
    parts: mpsc::SyncSender<CsvPart>,
    done: std::thread::JoinHandle<Result<datapackage::FileDigest>>,
}

impl CsvDigest {
    fn start() -> CsvDigest {
        // A few batches may wait; more would hold their bytes in memory.
        let (parts, queue) = mpsc::sync_channel::<CsvPart>(16);
        let done = std::thread::spawn(move || {
            let mut digest = datapackage::RunningDigest::default();
            let mut buf = Vec::new();
            for part in queue {
                part.hash_into(&mut digest, &mut buf)?;
            }
            Ok(digest.finish())
        });
        CsvDigest { parts, done }
    }

    fn add(&self, part: &CsvPart) {
        // Refused only when the thread has stopped on an error, which
        // `finish` reports.
        let _ = self.parts.send(part.clone());
    }

    fn finish(self, path: &Path) -> Result<datapackage::FileDigest> {
        drop(self.parts);
        self.done
            .join()
            .map_err(|_| Error::Other(format!("{}: hashing stopped", path.display())))?
    }
}

/// Writes a new `out/` batch by batch; nothing is visible until
/// [`OutWriter::finish`] swaps it in. Dropped unfinished, it leaves the
/// previous `out/` untouched and no staging directory.
pub struct OutWriter {
    staging: atomic::Staging,
    files: Vec<DatasetFiles>,
    finding_ids: BTreeSet<u64>,
}

impl OutWriter {
    pub fn begin(out: &Path, options: &WriteOptions) -> Result<OutWriter> {
        let staging = atomic::Staging::begin(out)?;
        let empty = frames(&Datasets::default())?;
        let mut files = Vec::with_capacity(empty.len());
        for (name, df) in &empty {
            let parquet_path = staging.path(&format!("{name}.parquet"));
            let parquet = encode::parquet_writer(create(&parquet_path)?, df)?;
            let csv_path = staging.path(&format!("{name}.csv"));
            let mut csv = create(&csv_path)?;
            let header = CsvPart::Memory(encode::csv_header(df, options.csv_bom)?.into());
            header.write_to(&mut csv, &csv_path)?;
            let csv_digest = CsvDigest::start();
            csv_digest.add(&header);
            files.push(DatasetFiles {
                name,
                parquet,
                parquet_path,
                csv,
                csv_path,
                csv_digest,
            });
        }
        Ok(OutWriter {
            staging,
            files,
            finding_ids: BTreeSet::new(),
        })
    }

    /// Append one encoded batch; `findings` are its findings rows, whose
    /// ids must not repeat any earlier batch's.
    pub fn append(&mut self, batch: &EncodedBatch, findings: &[Finding]) -> Result<()> {
        for f in findings {
            if !self.finding_ids.insert(f.finding_id) {
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
        if batch.parquet.len() != self.files.len() || batch.csv.len() != self.files.len() {
            return Err(Error::Other(format!(
                "an encoded batch has {} Parquet and {} CSV parts for {} datasets",
                batch.parquet.len(),
                batch.csv.len(),
                self.files.len()
            )));
        }
        // The files are independent: a nightly run that copies most batches
        // from the cache spends its time here, on every thread.
        self.files
            .par_iter_mut()
            .zip(&batch.parquet)
            .zip(&batch.csv)
            .try_for_each(|((files, parquet), csv)| {
                encode::copy_row_groups(&mut files.parquet, parquet)
                    .map_err(|e| e.within(&files.parquet_path))?;
                csv.write_to(&mut files.csv, &files.csv_path)?;
                files.csv_digest.add(csv);
                Ok(())
            })
    }

    /// Close the datasets, add `datapackage.json` and `report.md`, and
    /// swap the whole folder in.
    pub fn finish(self, report_md: &str) -> Result<atomic::Retired> {
        let mut closed = Vec::with_capacity(self.files.len());
        for files in self.files {
            files
                .parquet
                .finish()
                .map_err(|e| Error::from(e).within(&files.parquet_path))?;
            let mut csv = files.csv;
            csv.flush().map_err(|e| Error::io(&files.csv_path, e))?;
            closed.push((
                files.name,
                files.parquet_path,
                files.csv_path,
                files.csv_digest,
            ));
        }
        // Polars writes the Parquet files itself: they are read back (a
        // tenth of the bytes), each dataset on its own thread.
        let digests = closed
            .into_par_iter()
            .map(|(dataset, parquet_path, csv_path, csv_digest)| {
                let csv = csv_digest.finish(&csv_path)?;
                let parquet = datapackage::FileDigest::of_file(&parquet_path)
                    .map_err(|e| Error::io(&parquet_path, e))?;
                for path in [&parquet_path, &csv_path] {
                    File::open(path)
                        .and_then(|f| f.sync_all())
                        .map_err(|e| Error::io(path, e))?;
                }
                Ok(datapackage::Encoded {
                    dataset,
                    csv,
                    parquet,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        self.staging.write(
            "datapackage.json",
            &datapackage::datapackage_json(&digests)?,
        )?;
        self.staging.write("report.md", report_md.as_bytes())?;
        self.staging.commit()
    }
}

/// Split `data` into batches of documents with [`crate::batch::plan`], in
/// document order; each batch holds the rows of its documents.
fn batches_of(data: &Datasets) -> Vec<Datasets> {
    let plan = crate::batch::plan(
        data.documents
            .iter()
            .map(|d| (d.source_path.as_str(), d.bytes)),
    );
    let mut batch_of = std::collections::HashMap::new();
    for (i, range) in plan.iter().enumerate() {
        for doc in data.documents.get(range.clone()).unwrap_or(&[]) {
            batch_of.insert(doc.doc_id.as_str(), i);
        }
    }
    let mut out = vec![Datasets::default(); plan.len().max(1)];
    let last = out.len() - 1;
    // Rows of a document not listed (invalid data) go to the last batch,
    // where validation names them.
    let index = |doc_id: &str| batch_of.get(doc_id).copied().unwrap_or(last);
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

/// Write every dataset (Parquet + CSV), `datapackage.json` and `report.md`
/// into `out`, atomically: all of it appears at once or nothing changes.
/// Batches as a run over the same documents would, so `planfacts check`
/// and `planfacts run` write the same bytes for the same rows.
pub fn write_out(
    out: &Path,
    data: &Datasets,
    report_md: &str,
    options: &WriteOptions,
) -> Result<()> {
    let mut writer = OutWriter::begin(out, options)?;
    for batch in batches_of(data) {
        writer.append(&encode_batch(&batch)?, &batch.findings)?;
    }
    writer.finish(report_md)?.finish()
}

/// Read the datasets back from an existing `out` (for `planfacts check`).
pub fn read_out(out: &Path) -> Result<Datasets> {
    let frames = DATASETS
        .iter()
        .map(|name| {
            let path = out.join(format!("{name}.parquet"));
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            Ok((*name, encode::read_parquet(bytes)?))
        })
        .collect::<Result<Vec<_>>>()?;
    validate(&frames)?;
    let frame_of = |name: &str| {
        frames
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, df)| df)
            .ok_or_else(|| Error::Other(format!("dataset `{name}` missing")))
    };
    Ok(Datasets {
        documents: frame::read_documents(frame_of("documents")?)?,
        blocks: frame::read_blocks(frame_of("blocks")?)?,
        cells: frame::read_cells(frame_of("cells")?)?,
        measures: frame::read_measures(frame_of("measures")?)?,
        dates: frame::read_dates(frame_of("dates")?)?,
        findings: frame::read_findings(frame_of("findings")?)?,
    })
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
                approx: false,
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

    fn read_all(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
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
        assert_eq!(names.len(), 14, "{names:?}");
        assert!(names.contains(&"datapackage.json") && names.contains(&"report.md"));
        assert_eq!(fa, fb);
    }

    #[test]
    fn csv_is_formula_safe_dated_and_bom_optional() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write_out(&out, &sample(), "", &WriteOptions { csv_bom: true }).unwrap();
        let cells = fs::read(out.join("cells.csv")).unwrap();
        assert!(cells.starts_with(b"\xEF\xBB\xBFdoc_id,table_id,row,col,is_header,"));
        let cells = String::from_utf8(cells).unwrap();
        assert!(
            cells.contains(",'=1+2,'-1234,-1234,千円,3,5,△1,234")
                || cells.contains(",'=1+2,'-1234,-1234,千円,3,5,\"△1,234\""),
            "{cells}"
        );
        let dates = fs::read_to_string(out.join("dates.csv")).unwrap();
        assert!(
            dates.contains(",2022-07-21,2022-07-21,木,木,false,,,-1,,1,2,0"),
            "{dates}"
        );
        let measures = fs::read_to_string(out.join("measures.csv")).unwrap();
        assert!(
            measures.contains(",'+支援件数,") && measures.contains(",-1234000,円,1000,"),
            "{measures}"
        );
        // Parquet keeps the text as printed.
        assert_eq!(read_out(&out).unwrap().cells[1].row_label, "=1+2");
        write_out(&out, &sample(), "", &WriteOptions::default()).unwrap();
        assert!(fs::read(out.join("cells.csv"))
            .unwrap()
            .starts_with(b"doc_id,"));
    }

    #[test]
    fn a_file_part_hashes_like_its_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("batch.bin");
        // Longer than the read buffer, at an offset, not to the file's end.
        let bytes: Vec<u8> = (0..(2 << 20) + 300).map(|i| (i % 253) as u8).collect();
        fs::write(&path, &bytes).unwrap();
        let (offset, len) = (100u64, (2 << 20) + 100);
        let part = CsvPart::File {
            file: Arc::new(File::open(&path).unwrap()),
            path: Arc::from(path.as_path()),
            offset,
            len,
        };
        let mut digest = datapackage::RunningDigest::default();
        part.hash_into(&mut digest, &mut Vec::new()).unwrap();
        let mut expected = datapackage::RunningDigest::default();
        expected.update(&bytes[100..100 + len as usize]);
        assert_eq!(digest.finish(), expected.finish());
        // Past the end of the file: an error, not a short hash.
        let short = CsvPart::File {
            file: Arc::new(File::open(&path).unwrap()),
            path: Arc::from(path.as_path()),
            offset,
            len: bytes.len() as u64,
        };
        let mut digest = datapackage::RunningDigest::default();
        let err = short
            .hash_into(&mut digest, &mut Vec::new())
            .unwrap_err()
            .to_string();
        assert!(err.contains(&*path.to_string_lossy()), "{err}");
    }

    #[test]
    fn datapackage_hashes_match_the_files() {
        use sha2::Digest;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        write_out(&out, &sample(), "", &WriteOptions::default()).unwrap();
        let package: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("datapackage.json")).unwrap()).unwrap();
        let parquet = package["planfacts"]["parquet"].as_array().unwrap();
        let resources = package["resources"].as_array().unwrap();
        assert_eq!(resources.len(), 6);
        for entry in resources.iter().chain(parquet) {
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
        fs::copy(out.join("findings.parquet"), out.join("dates.parquet")).unwrap();
        match read_out(&out).unwrap_err() {
            Error::Schema { dataset, .. } => assert_eq!(dataset, "dates"),
            other => panic!("{other}"),
        }
        fs::write(out.join("dates.parquet"), b"not parquet").unwrap();
        assert!(read_out(&out).is_err());
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
