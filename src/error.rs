//! Typed errors of the library; the binary reports them with anyhow.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Input { path: PathBuf, message: String },
    #[error("schema mismatch in dataset `{dataset}`, column `{column}`: {message}")]
    Schema {
        dataset: String,
        column: String,
        message: String,
    },
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("polars: {0}")]
    Polars(#[from] polars::error::PolarsError),
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// Name the file an error without a path of its own happened in.
    pub fn within(self, path: &std::path::Path) -> Self {
        match self {
            Error::Polars(e) => Error::Input {
                path: path.to_path_buf(),
                message: format!("polars: {e}"),
            },
            Error::Other(message) => Error::Input {
                path: path.to_path_buf(),
                message,
            },
            other => other,
        }
    }
}
