//! The data contract: one Frictionless Table Schema per dataset, kept in
//! `schemas/` and embedded here so the binary and the published
//! `datapackage.json` can never disagree. Every DataFrame is checked against
//! its schema before it is written and after it is read back.

use std::collections::HashSet;

use polars::prelude::{AnyValue, Column, DataFrame, DataType};
use serde::Deserialize;

use crate::error::{Error, Result};

/// Dataset names, in the order they are written and listed.
pub const DATASETS: [&str; 6] = [
    "documents",
    "blocks",
    "cells",
    "measures",
    "dates",
    "findings",
];

/// The schema text shipped in `schemas/<dataset>.json`.
pub fn schema_text(dataset: &str) -> Result<&'static str> {
    match dataset {
        "documents" => Ok(include_str!("../schemas/documents.json")),
        "blocks" => Ok(include_str!("../schemas/blocks.json")),
        "cells" => Ok(include_str!("../schemas/cells.json")),
        "measures" => Ok(include_str!("../schemas/measures.json")),
        "dates" => Ok(include_str!("../schemas/dates.json")),
        "findings" => Ok(include_str!("../schemas/findings.json")),
        other => Err(Error::Other(format!("no schema for dataset `{other}`"))),
    }
}

/// The shipped schema of `dataset`, parsed.
pub fn table_schema(dataset: &str) -> Result<TableSchema> {
    TableSchema::parse(dataset, schema_text(dataset)?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    String,
    Integer,
    Number,
    Boolean,
    Date,
}

impl FieldType {
    /// The polars dtype a column of this type must have (integers are all
    /// Int64 so every client reads them as BIGINT, whatever the Rust width).
    pub fn dtype(self) -> DataType {
        match self {
            FieldType::String => DataType::String,
            FieldType::Integer => DataType::Int64,
            FieldType::Number => DataType::Float64,
            FieldType::Boolean => DataType::Boolean,
            FieldType::Date => DataType::Date,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    #[serde(default)]
    pub required: bool,
    #[serde(default, rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    #[serde(default)]
    pub minimum: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    pub description: String,
    #[serde(default)]
    pub constraints: Constraints,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub resource: String,
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignKey {
    pub fields: Vec<String>,
    pub reference: Reference,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableSchema {
    pub fields: Vec<Field>,
    pub primary_key: Vec<String>,
    #[serde(default)]
    pub foreign_keys: Vec<ForeignKey>,
    #[serde(default)]
    pub missing_values: Vec<String>,
}

fn schema_error(dataset: &str, column: &str, message: impl Into<String>) -> Error {
    Error::Schema {
        dataset: dataset.to_string(),
        column: column.to_string(),
        message: message.into(),
    }
}

impl TableSchema {
    /// Parse a schema text and check that its keys name its own fields.
    pub fn parse(dataset: &str, text: &str) -> Result<TableSchema> {
        let schema: TableSchema = serde_json::from_str(text)
            .map_err(|e| schema_error(dataset, "", format!("schema does not parse: {e}")))?;
        let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
        let keys = schema
            .primary_key
            .iter()
            .chain(schema.foreign_keys.iter().flat_map(|fk| fk.fields.iter()));
        for key in keys {
            if !names.contains(&key.as_str()) {
                return Err(schema_error(
                    dataset,
                    key,
                    "key names a column the schema does not have",
                ));
            }
        }
        Ok(schema)
    }

    /// Check column set and order, dtypes, required (no nulls; no empty
    /// strings either, since Frictionless reads an empty CSV cell as missing),
    /// enums, minimums, finite numbers and primary-key uniqueness.
    pub fn validate(&self, dataset: &str, df: &DataFrame) -> Result<()> {
        let columns = df.columns();
        if columns.len() != self.fields.len() {
            let column = columns
                .iter()
                .map(|c| c.name().as_str())
                .find(|n| !self.fields.iter().any(|f| f.name == *n))
                .or_else(|| {
                    self.fields
                        .iter()
                        .map(|f| f.name.as_str())
                        .find(|n| !columns.iter().any(|c| c.name().as_str() == *n))
                })
                .unwrap_or("");
            return Err(schema_error(
                dataset,
                column,
                format!(
                    "frame has {} columns, schema has {}",
                    columns.len(),
                    self.fields.len()
                ),
            ));
        }
        for (field, column) in self.fields.iter().zip(columns) {
            if column.name().as_str() != field.name {
                return Err(schema_error(
                    dataset,
                    &field.name,
                    format!(
                        "expected column `{}` here, found `{}`",
                        field.name,
                        column.name()
                    ),
                ));
            }
            self.validate_column(dataset, field, column)?;
        }
        self.check_unique(dataset, df)
    }

    fn validate_column(&self, dataset: &str, field: &Field, column: &Column) -> Result<()> {
        let name = field.name.as_str();
        let want = field.field_type.dtype();
        if column.dtype() != &want {
            return Err(schema_error(
                dataset,
                name,
                format!("dtype {} where the schema says {want}", column.dtype()),
            ));
        }
        let c = &field.constraints;
        if c.required && column.null_count() > 0 {
            return Err(schema_error(
                dataset,
                name,
                format!("{} null values in a required column", column.null_count()),
            ));
        }
        match field.field_type {
            FieldType::String => {
                for value in column.str()?.iter().flatten() {
                    if c.required && value.is_empty() {
                        return Err(schema_error(
                            dataset,
                            name,
                            "empty string in a required column",
                        ));
                    }
                    if let Some(allowed) = &c.enum_values {
                        if !allowed.iter().any(|a| a == value) {
                            return Err(schema_error(
                                dataset,
                                name,
                                format!("value `{value}` is not one of {allowed:?}"),
                            ));
                        }
                    }
                }
            }
            FieldType::Integer => {
                if let Some(min) = c.minimum {
                    if let Some(bad) = column.i64()?.iter().flatten().find(|v| *v < min) {
                        return Err(schema_error(
                            dataset,
                            name,
                            format!("value {bad} below the minimum {min}"),
                        ));
                    }
                }
            }
            FieldType::Number => {
                if let Some(bad) = column.f64()?.iter().flatten().find(|v| !v.is_finite()) {
                    return Err(schema_error(
                        dataset,
                        name,
                        format!("non-finite number {bad}"),
                    ));
                }
            }
            FieldType::Boolean | FieldType::Date => {}
        }
        Ok(())
    }

    fn check_unique(&self, dataset: &str, df: &DataFrame) -> Result<()> {
        let keys = row_keys(dataset, df, &self.primary_key)?;
        let mut seen = HashSet::with_capacity(keys.len());
        for key in keys {
            if !seen.insert(key.clone()) {
                return Err(schema_error(
                    dataset,
                    &self.primary_key.join(","),
                    format!("duplicate primary key {key:?}"),
                ));
            }
        }
        Ok(())
    }
}

/// The values of `fields` in each row, as text (keys are compared, never shown as data).
fn row_keys(dataset: &str, df: &DataFrame, fields: &[String]) -> Result<Vec<Vec<String>>> {
    let mut keys = vec![Vec::with_capacity(fields.len()); df.height()];
    for field in fields {
        let column = df
            .column(field)
            .map_err(|_| schema_error(dataset, field, "key column missing from the frame"))?;
        for (key, value) in keys.iter_mut().zip(column.as_materialized_series().iter()) {
            key.push(match value {
                AnyValue::Null => String::new(),
                AnyValue::String(s) => s.to_string(),
                other => other.to_string(),
            });
        }
    }
    Ok(keys)
}

/// Every foreign key of every dataset points at an existing row. Rows whose
/// key has a null part reference nothing and are skipped, as Frictionless does.
pub fn check_foreign_keys(frames: &[(&str, &TableSchema, &DataFrame)]) -> Result<()> {
    for (dataset, schema, df) in frames {
        for fk in &schema.foreign_keys {
            let column = fk.fields.join(",");
            let target = if fk.reference.resource.is_empty() {
                Some((*dataset, *df))
            } else {
                frames
                    .iter()
                    .find(|(name, _, _)| *name == fk.reference.resource)
                    .map(|(name, _, frame)| (*name, *frame))
            };
            let Some((target_name, target_df)) = target else {
                return Err(schema_error(
                    dataset,
                    &column,
                    format!("references unknown dataset `{}`", fk.reference.resource),
                ));
            };
            let known: HashSet<Vec<String>> =
                row_keys(target_name, target_df, &fk.reference.fields)?
                    .into_iter()
                    .collect();
            let nulls: Vec<bool> = {
                let mut any_null = vec![false; df.height()];
                for field in &fk.fields {
                    let col = df.column(field).map_err(|_| {
                        schema_error(dataset, field, "key column missing from the frame")
                    })?;
                    for (flag, is_null) in any_null.iter_mut().zip(col.is_null().iter()) {
                        *flag |= is_null.unwrap_or(false);
                    }
                }
                any_null
            };
            for (key, has_null) in row_keys(dataset, df, &fk.fields)?.into_iter().zip(nulls) {
                if !has_null && !known.contains(&key) {
                    return Err(schema_error(
                        dataset,
                        &column,
                        format!("{key:?} has no matching row in `{target_name}`"),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::NamedFrom;
    use polars::prelude::Series;

    fn col<T, P: ?Sized>(name: &str, values: T) -> Column
    where
        Series: NamedFrom<T, P>,
    {
        Column::from(Series::new(name.into(), values))
    }

    fn findings_frame(severity: &str, doc_id: Option<&str>) -> DataFrame {
        DataFrame::new_infer_height(vec![
            col("finding_id", [1i64]),
            col("check", ["rate_vs_ratio"]),
            col("severity", [severity]),
            col("doc_id", [doc_id]),
            col("line", [3i64]),
            col("col", [0i64]),
            col("message", ["m"]),
            col("expected", [None::<&str>]),
            col("actual", [Some("1")]),
            col("tolerance", [Some(0.05f64)]),
            col("evidence", [""]),
            col("measure_ids", ["1 2"]),
        ])
        .unwrap()
    }

    fn schema_error_parts(err: Error) -> (String, String, String) {
        match err {
            Error::Schema {
                dataset,
                column,
                message,
            } => (dataset, column, message),
            other => panic!("expected a schema error, got {other}"),
        }
    }

    #[test]
    fn every_shipped_schema_parses_and_keys_exist() {
        for name in DATASETS {
            let schema = table_schema(name).unwrap();
            assert!(!schema.fields.is_empty());
            assert!(!schema.primary_key.is_empty());
            for fk in &schema.foreign_keys {
                let target = if fk.reference.resource.is_empty() {
                    name
                } else {
                    &fk.reference.resource
                };
                let target_schema = table_schema(target).unwrap();
                for f in &fk.reference.fields {
                    assert!(
                        target_schema.fields.iter().any(|x| &x.name == f),
                        "{name}: {f}"
                    );
                }
            }
        }
        assert!(table_schema("nope").is_err());
    }

    #[test]
    fn valid_frame_passes() {
        let schema = table_schema("findings").unwrap();
        schema
            .validate("findings", &findings_frame("error", Some("abc")))
            .unwrap();
    }

    #[test]
    fn broken_schema_type_names_dataset_and_column() {
        let text = schema_text("findings").unwrap().replacen(
            "\"type\": \"number\"",
            "\"type\": \"integer\"",
            1,
        );
        let broken = TableSchema::parse("findings", &text).unwrap();
        let err = broken
            .validate("findings", &findings_frame("error", Some("abc")))
            .unwrap_err();
        let (dataset, column, message) = schema_error_parts(err);
        assert_eq!(
            (dataset.as_str(), column.as_str()),
            ("findings", "tolerance")
        );
        assert!(message.contains("dtype"), "{message}");
    }

    #[test]
    fn renamed_column_in_schema_is_caught() {
        let text = schema_text("findings")
            .unwrap()
            .replace("\"name\": \"evidence\"", "\"name\": \"proof\"");
        let broken = TableSchema::parse("findings", &text).unwrap();
        let err = broken
            .validate("findings", &findings_frame("error", Some("abc")))
            .unwrap_err();
        let (_, column, _) = schema_error_parts(err);
        assert_eq!(column, "proof");
    }

    #[test]
    fn bad_enum_and_null_required_are_caught() {
        let schema = table_schema("findings").unwrap();
        let (_, column, message) = schema_error_parts(
            schema
                .validate("findings", &findings_frame("fatal", Some("a")))
                .unwrap_err(),
        );
        assert_eq!(column, "severity");
        assert!(message.contains("fatal"));
        let (_, column, _) = schema_error_parts(
            schema
                .validate("findings", &findings_frame("info", None))
                .unwrap_err(),
        );
        assert_eq!(column, "doc_id");
        let (_, column, _) = schema_error_parts(
            schema
                .validate("findings", &findings_frame("info", Some("")))
                .unwrap_err(),
        );
        assert_eq!(column, "doc_id");
    }

    #[test]
    fn unparsable_schema_and_unknown_key_are_errors() {
        assert!(TableSchema::parse("x", "{").is_err());
        let text = r#"{"fields": [{"name": "a", "type": "string", "description": ""}], "primaryKey": ["b"]}"#;
        let (_, column, _) = schema_error_parts(TableSchema::parse("x", text).unwrap_err());
        assert_eq!(column, "b");
        let text = r#"{"fields": [{"name": "a", "type": "text", "description": ""}], "primaryKey": ["a"]}"#;
        assert!(TableSchema::parse("x", text).is_err());
    }

    #[test]
    fn duplicate_primary_key_and_dangling_foreign_key() {
        let schema = table_schema("findings").unwrap();
        let one = findings_frame("info", Some("abc"));
        let mut two = one.clone();
        two.vstack_mut(&one).unwrap();
        let (_, column, _) = schema_error_parts(schema.validate("findings", &two).unwrap_err());
        assert_eq!(column, "finding_id");

        let docs_schema = table_schema("documents").unwrap();
        let docs = DataFrame::new_infer_height(vec![
            col("doc_id", ["zzz"]),
            col("source_path", ["a.txt"]),
            col("encoding", ["UTF-8"]),
            col("bytes", [1i64]),
            col("lines", [1i64]),
            col("title", [None::<&str>]),
            col("issuer", [None::<&str>]),
            col("published_start", [None::<chrono::NaiveDate>]),
            col("status", ["ok"]),
            col("error", [None::<&str>]),
            col("undecodable_bytes", [0i64]),
        ])
        .unwrap();
        docs_schema.validate("documents", &docs).unwrap();
        let err = check_foreign_keys(&[
            ("documents", &docs_schema, &docs),
            ("findings", &schema, &one),
        ])
        .unwrap_err();
        let (dataset, column, _) = schema_error_parts(err);
        assert_eq!((dataset.as_str(), column.as_str()), ("findings", "doc_id"));
    }
}
