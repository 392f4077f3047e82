//! `planfacts export`: one dataset of an `out/` as a single file, for
//! those who want one (Excel, a one-off upload). The parts are joined
//! without decoding them: Parquet row groups are copied page by page, CSV
//! lines byte for byte after one header.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{encode, frames, part_files, Datasets};
use crate::error::{Error, Result};

/// The single file to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CSV as in `out/` (formula-safe), with a UTF-8 BOM when `bom`.
    Csv {
        bom: bool,
    },
    Parquet,
}

/// Write dataset `dataset` of `out` into `dest` as one file; returns the
/// number of part files joined. `dest` appears whole or not at all.
pub fn export(out: &Path, dataset: &str, format: ExportFormat, dest: &Path) -> Result<usize> {
    let empty = frames(&Datasets::default())?;
    let Some((name, schema)) = empty.iter().find(|(name, _)| *name == dataset) else {
        let known: Vec<&str> = empty.iter().map(|(n, _)| *n).collect();
        return Err(Error::Other(format!(
            "no dataset `{dataset}` (one of: {})",
            known.join(", ")
        )));
    };
    let ext = match format {
        ExportFormat::Csv { .. } => "csv",
        ExportFormat::Parquet => "parquet",
    };
    let parts = part_files(out, name, ext)?;
    if parts.is_empty() {
        return Err(Error::Input {
            path: out.join(name),
            message: format!("no {ext} part files"),
        });
    }
    let tmp = temp_beside(dest)?;
    let written = File::create(&tmp)
        .map_err(|e| Error::io(&tmp, e))
        .and_then(|file| {
            let mut w = BufWriter::with_capacity(1 << 20, file);
            match format {
                ExportFormat::Csv { bom } => {
                    w.write_all(&encode::csv_header(schema, bom)?)
                        .map_err(|e| Error::io(&tmp, e))?;
                    for part in &parts {
                        append_csv_rows(part, &mut w, &tmp)?;
                    }
                }
                ExportFormat::Parquet => {
                    let mut writer = encode::parquet_writer(&mut w, schema)?;
                    for part in &parts {
                        let bytes = fs::read(part).map_err(|e| Error::io(part, e))?;
                        encode::copy_row_groups(&mut writer, &bytes.into())
                            .map_err(|e| e.within(part))?;
                    }
                    writer.finish()?;
                }
            }
            let file = w
                .into_inner()
                .map_err(|e| Error::io(&tmp, e.into_error()))?;
            file.sync_all().map_err(|e| Error::io(&tmp, e))
        })
        .and_then(|()| fs::rename(&tmp, dest).map_err(|e| Error::io(dest, e)));
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written.map(|()| parts.len())
}

/// The lines of one CSV part after its header line (BOM included).
fn append_csv_rows(part: &Path, w: &mut impl Write, w_path: &Path) -> Result<()> {
    let file = File::open(part).map_err(|e| Error::io(part, e))?;
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut header = Vec::new();
    r.read_until(b'\n', &mut header)
        .map_err(|e| Error::io(part, e))?;
    std::io::copy(&mut r, w).map_err(|e| Error::io(w_path, e))?;
    Ok(())
}

/// A temporary name in `dest`'s folder, so that the final rename stays on
/// one filesystem.
fn temp_beside(dest: &Path) -> Result<PathBuf> {
    let name = dest.file_name().ok_or_else(|| Error::Input {
        path: dest.to_path_buf(),
        message: "not a file name".into(),
    })?;
    let mut tmp = name.to_os_string();
    tmp.push(format!(".tmp-{}", std::process::id()));
    Ok(dest.with_file_name(tmp))
}
