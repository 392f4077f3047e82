//! `datapackage.json`: a Frictionless Tabular Data Package over the CSV
//! parts, one multipart resource per dataset with its Table Schema inline,
//! and every part file (CSV and Parquet) with its size and sha256, so a
//! consumer can validate what it downloaded.
//!
//! The Parquet parts are listed under the custom top-level key
//! `planfacts.parts` rather than in `resources`: Frictionless reads
//! Parquet only through an optional pandas/fastparquet plugin, which fails
//! on null dates, so listing them as resources would make `frictionless
//! validate` fail on correct data.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{part_path, PartFiles};
use crate::error::{Error, Result};
use crate::schema::{schema_text, DATASETS, SCHEMA_VERSION};

/// Size and SHA-256 of one written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

/// The package over `parts`, listed in order: each dataset one multipart
/// CSV resource (`path` lists its parts; Frictionless reads the header of
/// the first and skips the others'), and every part file, CSV and Parquet,
/// under `planfacts.parts` with its size and hash. A resource-level hash
/// would be over the joined stream, which no file on disk has.
pub fn datapackage_json(parts: &[PartFiles]) -> Result<Vec<u8>> {
    let mut resources = Vec::new();
    let mut listed = Vec::new();
    for (i, dataset) in DATASETS.iter().enumerate() {
        let schema: Value = serde_json::from_str(schema_text(dataset)?)
            .map_err(|err| Error::Other(format!("schema of {dataset}: {err}")))?;
        let mut paths = Vec::with_capacity(parts.len());
        for part in parts {
            let (Some(csv), Some(parquet)) = (part.csv.get(i), part.parquet.get(i)) else {
                return Err(Error::Other(format!(
                    "part {} has no files for dataset {dataset}",
                    part.id
                )));
            };
            for (ext, digest, mediatype) in [
                ("csv", csv, "text/csv"),
                ("parquet", parquet, "application/vnd.apache.parquet"),
            ] {
                let path = part_path(dataset, &part.id, ext);
                if ext == "csv" {
                    paths.push(path.clone());
                }
                listed.push(json!({
                    "dataset": dataset,
                    "path": path,
                    "format": ext,
                    "mediatype": mediatype,
                    "bytes": digest.bytes,
                    "hash": digest.hash(),
                }));
            }
        }
        resources.push(json!({
            "name": dataset,
            "path": paths,
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
            "schema": schema,
        }));
    }
    let package = json!({
        "profile": "tabular-data-package",
        "name": "planfacts-out",
        "title": "planfacts datasets",
        "description": "Tidy datasets read from Japanese public-sector plan documents, and the consistency findings over them. Each dataset is a folder of part files: <dataset>/part-<id>.parquet (zstd) and the same rows in <dataset>/_part-<id>.csv (the leading underscore makes pyarrow, pandas and Spark skip the CSV when they read the folder as Parquet). CSV strings that a spreadsheet would run as a formula (starting with = + - @, tab or CR) carry a leading apostrophe; the Parquet files hold the text unchanged.",
        "resources": resources,
        "planfacts": {
            "version": env!("CARGO_PKG_VERSION"),
            "schema_version": SCHEMA_VERSION,
            "parts": listed,
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
    fn lists_multipart_csv_resources_and_every_part_with_schemas() {
        let digests = |tag: &[u8]| DATASETS.iter().map(|_| FileDigest::of(tag)).collect();
        let parts = [
            PartFiles {
                id: "a1".into(),
                csv: digests(b"x\n"),
                parquet: digests(b"PAR1"),
            },
            PartFiles {
                id: "b2".into(),
                csv: digests(b"y\n"),
                parquet: digests(b"PAR2"),
            },
        ];
        let v: Value = serde_json::from_slice(&datapackage_json(&parts).unwrap()).unwrap();
        assert_eq!(v["profile"], "tabular-data-package");
        assert_eq!(v["planfacts"]["schema_version"], 2);
        let findings = &v["resources"][5];
        assert_eq!(findings["name"], "findings");
        assert_eq!(
            findings["path"],
            json!(["findings/_part-a1.csv", "findings/_part-b2.csv"])
        );
        assert_eq!(findings["encoding"], "utf-8");
        assert!(findings.get("hash").is_none());
        assert_eq!(findings["schema"]["primaryKey"][0], "finding_id");
        let listed = v["planfacts"]["parts"].as_array().unwrap();
        assert_eq!(listed.len(), 2 * 2 * DATASETS.len());
        let b2 = listed
            .iter()
            .find(|p| p["path"] == "findings/part-b2.parquet")
            .unwrap();
        assert_eq!(b2["hash"], FileDigest::of(b"PAR2").hash());
        assert_eq!(
            (b2["bytes"].as_u64(), &b2["dataset"]),
            (Some(4), &json!("findings"))
        );
        let short = PartFiles {
            id: "c".into(),
            csv: Vec::new(),
            parquet: Vec::new(),
        };
        assert!(datapackage_json(&[short]).is_err());
    }
}
