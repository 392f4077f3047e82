//! `datapackage.json`: a Frictionless Tabular Data Package over the CSV
//! files, each with its Table Schema inline and its sha256, so a consumer
//! can validate what it downloaded.
//!
//! The Parquet files are listed under the custom top-level key
//! `planfacts.parquet` rather than in `resources`: Frictionless reads
//! Parquet only through an optional pandas/fastparquet plugin, which fails
//! on null dates, so listing them as resources would make `frictionless
//! validate` fail on correct data. Each entry names the CSV resource whose
//! schema it shares (`schema_of`), and carries path, format, mediatype,
//! bytes and hash.

use serde_json::{json, Value};

use crate::error::{Error, Result};
use crate::schema::schema_text;

/// Size and SHA-256 of one written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileDigest {
    pub bytes: u64,
    pub sha256: [u8; 32],
}

impl FileDigest {
    #[cfg(test)]
    fn of(bytes: &[u8]) -> FileDigest {
        use sha2::{Digest, Sha256};
        FileDigest {
            bytes: bytes.len() as u64,
            sha256: Sha256::digest(bytes).into(),
        }
    }

    /// Size and SHA-256 of the file at `path`, read back from disk (the page
    /// cache, just after writing).
    pub fn of_file(path: &std::path::Path) -> std::io::Result<FileDigest> {
        use std::io::Read;
        let mut file = std::fs::File::open(path)?;
        let mut digest = RunningDigest::default();
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = file.read(&mut buf)?;
            if n == 0 {
                break;
            }
            digest.update(buf.get(..n).unwrap_or(&buf));
        }
        Ok(digest.finish())
    }

    fn hash(&self) -> String {
        let mut hex = String::with_capacity(71);
        hex.push_str("sha256:");
        for b in self.sha256 {
            hex.push_str(&format!("{b:02x}"));
        }
        hex
    }
}

/// A [`FileDigest`] being computed over bytes given in order.
#[derive(Default)]
pub struct RunningDigest {
    sha256: sha2::Sha256,
    bytes: u64,
}

impl RunningDigest {
    pub fn update(&mut self, bytes: &[u8]) {
        use sha2::Digest;
        self.sha256.update(bytes);
        self.bytes += bytes.len() as u64;
    }

    pub fn finish(self) -> FileDigest {
        use sha2::Digest;
        FileDigest {
            bytes: self.bytes,
            sha256: self.sha256.finalize().into(),
        }
    }
}

pub struct Encoded<'a> {
    pub dataset: &'a str,
    pub csv: FileDigest,
    pub parquet: FileDigest,
}

pub fn datapackage_json(encoded: &[Encoded<'_>]) -> Result<Vec<u8>> {
    let mut resources = Vec::new();
    let mut parquet = Vec::new();
    for e in encoded {
        let schema: Value = serde_json::from_str(schema_text(e.dataset)?)
            .map_err(|err| Error::Other(format!("schema of {}: {err}", e.dataset)))?;
        resources.push(json!({
            "name": e.dataset,
            "path": format!("{}.csv", e.dataset),
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            // With or without BOM: Frictionless and DuckDB both skip it.
            "encoding": "utf-8",
            "dialect": {
                "delimiter": ",",
                "quoteChar": "\"",
                "doubleQuote": true,
                "lineTerminator": "\n",
                "header": true
            },
            "bytes": e.csv.bytes,
            "hash": e.csv.hash(),
            "schema": schema,
        }));
        parquet.push(json!({
            "name": e.dataset,
            "path": format!("{}.parquet", e.dataset),
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "compression": "zstd",
            "bytes": e.parquet.bytes,
            "hash": e.parquet.hash(),
            "schema_of": e.dataset,
        }));
    }
    let package = json!({
        "profile": "tabular-data-package",
        "name": "planfacts-out",
        "title": "planfacts datasets",
        "description": "Tidy datasets read from Japanese public-sector plan documents, and the consistency findings over them. CSV strings that a spreadsheet would run as a formula (starting with = + - @, tab or CR) carry a leading apostrophe; the Parquet files hold the text unchanged.",
        "resources": resources,
        "planfacts": {
            "version": env!("CARGO_PKG_VERSION"),
            "parquet": parquet,
        },
    });
    let mut bytes = serde_json::to_vec_pretty(&package)
        .map_err(|e| Error::Other(format!("datapackage.json: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_has_prefix_and_known_value() {
        assert_eq!(
            FileDigest::of(b"abc").hash(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_file_read_back_hashes_like_its_bytes() {
        // Longer than one read buffer, so that chunks are joined.
        let bytes: Vec<u8> = (0..(3 << 20) + 7).map(|i| (i % 251) as u8).collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(FileDigest::of_file(&path).unwrap(), FileDigest::of(&bytes));
    }

    #[test]
    fn lists_csv_resources_and_parquet_files_with_schemas() {
        let encoded = [Encoded {
            dataset: "findings",
            csv: FileDigest::of(b"x\n"),
            parquet: FileDigest::of(b"PAR1"),
        }];
        let v: Value = serde_json::from_slice(&datapackage_json(&encoded).unwrap()).unwrap();
        assert_eq!(v["profile"], "tabular-data-package");
        assert_eq!(v["resources"][0]["path"], "findings.csv");
        assert_eq!(v["resources"][0]["encoding"], "utf-8");
        assert_eq!(v["resources"][0]["bytes"], 2);
        assert_eq!(v["resources"][0]["schema"]["primaryKey"][0], "finding_id");
        assert_eq!(v["planfacts"]["parquet"][0]["path"], "findings.parquet");
        assert_eq!(v["planfacts"]["parquet"][0]["schema_of"], "findings");
        assert_eq!(
            v["planfacts"]["parquet"][0]["hash"],
            FileDigest::of(b"PAR1").hash()
        );
        let unknown = Encoded {
            dataset: "nope",
            csv: FileDigest::of(b""),
            parquet: FileDigest::of(b""),
        };
        assert!(datapackage_json(&[unknown]).is_err());
    }
}
