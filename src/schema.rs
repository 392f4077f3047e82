//! The data contract: one Frictionless Table Schema per dataset, kept in
//! `schemas/` and embedded here so the binary and the published
//! `datapackage.json` can never disagree. Every DataFrame is checked against
//! its schema before it is written and after it is read back.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::OnceLock;

use polars::prelude::{
    AnyValue, ChunkAgg, ChunkedArray, Column, DataFrame, DataType, Int64Type, PlHashMap,
    PlSeedableRandomStateQuality, PolarsDataType, SeedableFromU64SeedExt, StaticArray,
    StringChunked, StringType,
};
use serde::Deserialize;

use crate::error::{Error, Result};

/// Dataset names, in the order they are written and listed.
/// The data contract's version (SPEC.md): 2 made each dataset a folder of
/// part files.
pub const SCHEMA_VERSION: u32 = 2;

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
    shipped_schema(dataset).cloned()
}

/// Each shipped schema is parsed once per process: writers ask for the same
/// six schemas again for every chunk of documents.
fn shipped_schema(dataset: &str) -> Result<&'static TableSchema> {
    static PARSED: [OnceLock<TableSchema>; DATASETS.len()] =
        [const { OnceLock::new() }; DATASETS.len()];
    let slot = DATASETS
        .iter()
        .position(|name| *name == dataset)
        .and_then(|i| PARSED.get(i));
    let Some(slot) = slot else {
        return Err(Error::Other(format!("no schema for dataset `{dataset}`")));
    };
    if let Some(schema) = slot.get() {
        return Ok(schema);
    }
    let parsed = TableSchema::parse(dataset, schema_text(dataset)?)?;
    Ok(slot.get_or_init(|| parsed))
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
            let row = column.is_null().iter().position(|n| n == Some(true));
            return Err(schema_error(
                dataset,
                name,
                format!(
                    "{} null values in a required column, the first in row {}",
                    column.null_count(),
                    row.unwrap_or(0)
                ),
            ));
        }
        match field.field_type {
            FieldType::String => {
                let values = column.str()?;
                if c.required {
                    // No nulls are left here, so a zero length is an empty string.
                    let mut lengths = values
                        .downcast_iter()
                        .flat_map(|arr| arr.views().iter().map(|view| view.length));
                    if let Some(row) = lengths.position(|len| len == 0) {
                        return Err(schema_error(
                            dataset,
                            name,
                            format!("row {row}: empty string in a required column"),
                        ));
                    }
                }
                if let Some(allowed) = &c.enum_values {
                    check_enum(dataset, name, values, allowed)?;
                }
            }
            FieldType::Integer => {
                if let Some(min) = c.minimum {
                    let values = column.i64()?;
                    if values.min().is_some_and(|lowest| lowest < min) {
                        let bad = values
                            .iter()
                            .enumerate()
                            .find_map(|(row, v)| v.filter(|v| *v < min).map(|v| (row, v)));
                        let (row, value) = bad.unwrap_or((0, min));
                        return Err(schema_error(
                            dataset,
                            name,
                            format!("row {row}: value {value} below the minimum {min}"),
                        ));
                    }
                }
            }
            FieldType::Number => {
                let mut row = 0;
                for arr in column.f64()?.downcast_iter() {
                    // Null slots hold arbitrary numbers: look at validity only
                    // for the rare non-finite value.
                    let bad = arr.values().iter().enumerate().find(|(i, v)| {
                        !v.is_finite() && arr.validity().is_none_or(|valid| valid.get_bit(*i))
                    });
                    if let Some((i, value)) = bad {
                        return Err(schema_error(
                            dataset,
                            name,
                            format!("row {}: non-finite number {value}", row + i),
                        ));
                    }
                    row += arr.len();
                }
            }
            FieldType::Boolean | FieldType::Date => {}
        }
        Ok(())
    }

    fn check_unique(&self, dataset: &str, df: &DataFrame) -> Result<()> {
        let keys = Keys::new(dataset, df, &self.primary_key)?;
        let mut index = KeyIndex::with_capacity(keys.hashes.len());
        for (row, &hash) in keys.hashes.iter().enumerate() {
            if let Some(first) = index.insert(hash, row, |other| keys.same(row, &keys, other))? {
                return Err(schema_error(
                    dataset,
                    &self.primary_key.join(","),
                    format!(
                        "row {row}: duplicate primary key {:?}, first in row {first}",
                        keys.show(row)?
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Enum columns hold long runs of the same few values, so each value is
/// first compared with the last one accepted.
fn check_enum(dataset: &str, name: &str, values: &StringChunked, allowed: &[String]) -> Result<()> {
    let mut last_ok: Option<&str> = None;
    for (row, value) in values.iter().enumerate() {
        let Some(value) = value else { continue };
        if last_ok == Some(value) {
            continue;
        }
        if !allowed.iter().any(|a| a == value) {
            return Err(schema_error(
                dataset,
                name,
                format!("row {row}: value `{value}` is not one of {allowed:?}"),
            ));
        }
        last_ok = Some(value);
    }
    Ok(())
}

/// Key hashes of two frames are compared with each other, so every frame
/// hashes with the same fixed seed.
const KEY_SEED: u64 = 0x5eed_0f6b_e75c;

/// The key columns of one frame, downcast once, with one hash per row so
/// rows are compared as typed values only when their hashes agree.
struct Keys<'a> {
    columns: Vec<(&'a Column, Typed<'a>)>,
    hashes: Vec<u64>,
}

/// The key dtypes of the shipped schemas, in one chunk as the frame
/// builders make them, get a typed fast path; anything else is compared
/// through `AnyValue`.
enum Typed<'a> {
    Str(&'a <StringType as PolarsDataType>::Array),
    Int(&'a <Int64Type as PolarsDataType>::Array),
    Other,
}

fn single_chunk<T: PolarsDataType>(values: &ChunkedArray<T>) -> Option<&T::Array> {
    let mut chunks = values.downcast_iter();
    match (chunks.next(), chunks.next()) {
        (Some(array), None) => Some(array),
        _ => None,
    }
}

impl<'a> Keys<'a> {
    fn new(dataset: &str, df: &'a DataFrame, fields: &[String]) -> Result<Keys<'a>> {
        let seed = PlSeedableRandomStateQuality::seed_from_u64(KEY_SEED);
        let mut hashes = vec![0; df.height()];
        let mut columns = Vec::with_capacity(fields.len());
        for field in fields {
            let column = df
                .column(field)
                .map_err(|_| schema_error(dataset, field, "key column missing from the frame"))?;
            column.vec_hash_combine(seed.clone(), &mut hashes)?;
            let typed = match column.dtype() {
                DataType::String => single_chunk(column.str()?).map(Typed::Str),
                DataType::Int64 => single_chunk(column.i64()?).map(Typed::Int),
                _ => None,
            };
            let typed = typed.unwrap_or(Typed::Other);
            columns.push((column, typed));
        }
        Ok(Keys { columns, hashes })
    }

    /// Whether row `row` here and row `other_row` of `other` hold the same key.
    fn same(&self, row: usize, other: &Keys<'_>, other_row: usize) -> Result<bool> {
        for ((a, a_typed), (b, b_typed)) in self.columns.iter().zip(&other.columns) {
            let equal = match (a_typed, b_typed) {
                (Typed::Str(x), Typed::Str(y)) => x.get(row) == y.get(other_row),
                (Typed::Int(x), Typed::Int(y)) => x.get(row) == y.get(other_row),
                _ => a.get(row)? == b.get(other_row)?,
            };
            if !equal {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn has_null(&self, row: usize) -> Result<bool> {
        for (column, _) in &self.columns {
            if column.null_count() > 0 && column.get(row)?.is_null() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The key of `row` as text, for error messages.
    fn show(&self, row: usize) -> Result<Vec<String>> {
        self.columns
            .iter()
            .map(|(column, _)| {
                Ok(match column.get(row)? {
                    AnyValue::Null => String::new(),
                    AnyValue::String(s) => s.to_string(),
                    other => other.to_string(),
                })
            })
            .collect()
    }
}

/// Rows by key hash. Different keys sharing a hash are rare, so the later
/// ones go to a side list searched linearly.
struct KeyIndex {
    first: PlHashMap<u64, usize>,
    more: Vec<(u64, usize)>,
}

impl KeyIndex {
    fn with_capacity(rows: usize) -> KeyIndex {
        let mut first = PlHashMap::default();
        first.reserve(rows);
        KeyIndex {
            first,
            more: Vec::new(),
        }
    }

    /// A row already indexed whose key `same` accepts, among those with `hash`.
    fn find(
        &self,
        hash: u64,
        mut same: impl FnMut(usize) -> Result<bool>,
    ) -> Result<Option<usize>> {
        let Some(&row) = self.first.get(&hash) else {
            return Ok(None);
        };
        if same(row)? {
            return Ok(Some(row));
        }
        for &(h, row) in &self.more {
            if h == hash && same(row)? {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }

    /// Index `row` unless an equal key is already there; that row is returned.
    fn insert(
        &mut self,
        hash: u64,
        row: usize,
        same: impl FnMut(usize) -> Result<bool>,
    ) -> Result<Option<usize>> {
        if !self.first.contains_key(&hash) {
            self.first.insert(hash, row);
            return Ok(None);
        }
        if let Some(found) = self.find(hash, same)? {
            return Ok(Some(found));
        }
        self.more.push((hash, row));
        Ok(None)
    }
}

/// The keys of `fields` in `df`, indexed for lookups.
fn indexed_keys<'a>(
    dataset: &str,
    df: &'a DataFrame,
    fields: &[String],
) -> Result<(Keys<'a>, KeyIndex)> {
    let keys = Keys::new(dataset, df, fields)?;
    let mut index = KeyIndex::with_capacity(keys.hashes.len());
    for (row, &hash) in keys.hashes.iter().enumerate() {
        index.insert(hash, row, |other| keys.same(row, &keys, other))?;
    }
    Ok((keys, index))
}

/// Every foreign key of every dataset points at an existing row. Rows whose
/// key has a null part reference nothing and are skipped, as Frictionless does.
pub fn check_foreign_keys(frames: &[(&str, &TableSchema, &DataFrame)]) -> Result<()> {
    // Several foreign keys reference the same target key (documents.doc_id,
    // blocks.(doc_id, block_id)): each target is indexed once.
    let mut targets: HashMap<(&str, &[String]), (Keys<'_>, KeyIndex)> = HashMap::new();
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
            let fields = fk.reference.fields.as_slice();
            let (target_keys, index) = match targets.entry((target_name, fields)) {
                Entry::Occupied(entry) => entry.into_mut(),
                Entry::Vacant(entry) => entry.insert(indexed_keys(target_name, target_df, fields)?),
            };
            let source = Keys::new(dataset, df, &fk.fields)?;
            for (row, &hash) in source.hashes.iter().enumerate() {
                let found = index.find(hash, |other| source.same(row, target_keys, other))?;
                if found.is_none() && !source.has_null(row)? {
                    return Err(schema_error(
                        dataset,
                        &column,
                        format!(
                            "row {row}: {:?} has no matching row in `{target_name}`",
                            source.show(row)?
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

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

    /// A parent table keyed by (doc, id) and a child pointing at it with a
    /// nullable part, small enough to write by hand.
    fn parent_child() -> (TableSchema, TableSchema) {
        let parent = TableSchema::parse(
            "parent",
            r#"{"fields": [
                {"name": "doc", "type": "string", "description": ""},
                {"name": "id", "type": "integer", "description": ""},
                {"name": "flag", "type": "boolean", "description": ""}],
              "primaryKey": ["doc", "id", "flag"]}"#,
        )
        .unwrap();
        let child = TableSchema::parse(
            "child",
            r#"{"fields": [
                {"name": "doc", "type": "string", "description": ""},
                {"name": "ref", "type": "integer", "description": ""},
                {"name": "flag", "type": "boolean", "description": ""}],
              "primaryKey": ["doc"],
              "foreignKeys": [{"fields": ["doc", "ref", "flag"],
                "reference": {"resource": "parent", "fields": ["doc", "id", "flag"]}}]}"#,
        )
        .unwrap();
        (parent, child)
    }

    #[test]
    fn composite_foreign_keys_skip_null_parts_and_name_the_row() {
        let (parent_schema, child_schema) = parent_child();
        let parent = DataFrame::new_infer_height(vec![
            col("doc", ["x", "x", "y"]),
            col("id", [1i64, 2, 1]),
            col("flag", [true, false, true]),
        ])
        .unwrap();
        parent_schema.validate("parent", &parent).unwrap();
        let child = |docs: [&str; 3], refs: [Option<i64>; 3], flags: [bool; 3]| {
            DataFrame::new_infer_height(vec![
                col("doc", docs),
                col("ref", refs),
                col("flag", flags),
            ])
            .unwrap()
        };
        let ok = child(
            ["x", "y", "z"],
            [Some(2), Some(1), None],
            [false, true, true],
        );
        check_foreign_keys(&[
            ("parent", &parent_schema, &parent),
            ("child", &child_schema, &ok),
        ])
        .unwrap();
        for bad in [
            child(
                ["x", "y", "y"],
                [Some(2), Some(1), Some(2)],
                [false, true, true],
            ),
            child(
                ["x", "y", "x"],
                [Some(2), Some(1), Some(1)],
                [false, true, false],
            ),
        ] {
            let (dataset, column, message) = schema_error_parts(
                check_foreign_keys(&[
                    ("parent", &parent_schema, &parent),
                    ("child", &child_schema, &bad),
                ])
                .unwrap_err(),
            );
            assert_eq!(
                (dataset.as_str(), column.as_str()),
                ("child", "doc,ref,flag")
            );
            assert!(message.starts_with("row 2:"), "{message}");
        }
    }

    #[test]
    fn duplicate_key_names_both_rows() {
        let (parent_schema, _) = parent_child();
        let parent = DataFrame::new_infer_height(vec![
            col("doc", ["x", "x", "y", "x"]),
            col("id", [1i64, 1, 1, 1]),
            col("flag", [true, false, true, false]),
        ])
        .unwrap();
        let (_, column, message) =
            schema_error_parts(parent_schema.validate("parent", &parent).unwrap_err());
        assert_eq!(column, "doc,id,flag");
        assert!(
            message.contains("row 3") && message.contains("row 1"),
            "{message}"
        );
        assert!(message.contains(r#"["x", "1", "false"]"#), "{message}");
    }

    #[test]
    fn keys_sharing_a_hash_are_told_apart() {
        let df = DataFrame::new_infer_height(vec![col("k", ["a", "b", "a", "c"])]).unwrap();
        let keys = Keys::new("x", &df, &["k".to_string()]).unwrap();
        let mut index = KeyIndex::with_capacity(4);
        // Every row filed under one hash, as if they all collided.
        for (row, earlier) in [(0, None), (1, None), (2, Some(0))] {
            let found = index.insert(7, row, |other| keys.same(row, &keys, other));
            assert_eq!(found.unwrap(), earlier);
        }
        let find = |row| index.find(7, |other| keys.same(row, &keys, other)).unwrap();
        assert_eq!((find(1), find(3)), (Some(1), None));
    }

    #[test]
    fn minimum_empty_and_non_finite_name_column_and_row() {
        let schema = table_schema("findings").unwrap();
        let cases = [
            (
                col("line", [-1i64]),
                "line",
                "row 0: value -1 below the minimum 0",
            ),
            (
                col("tolerance", [Some(f64::NAN)]),
                "tolerance",
                "row 0: non-finite",
            ),
            (col("check", [""]), "check", "row 0: empty string"),
            (col("message", [None::<&str>]), "message", "first in row 0"),
        ];
        for (replacement, want_column, want_message) in cases {
            let mut df = findings_frame("info", Some("a"));
            df.with_column(replacement).unwrap();
            let (dataset, column, message) =
                schema_error_parts(schema.validate("findings", &df).unwrap_err());
            assert_eq!(
                (dataset.as_str(), column.as_str()),
                ("findings", want_column)
            );
            assert!(message.contains(want_message), "{message}");
        }
    }

    #[test]
    fn nulls_in_optional_columns_pass() {
        let schema = table_schema("findings").unwrap();
        let mut df = findings_frame("info", Some("a"));
        df.with_column(col("tolerance", [None::<f64>])).unwrap();
        schema.validate("findings", &df).unwrap();
    }

    fn key_frame(id: &str, rows: &[(u8, i64, bool)]) -> DataFrame {
        let docs: Vec<&str> = rows
            .iter()
            .map(|r| ["x", "xy", ""][usize::from(r.0 % 3)])
            .collect();
        DataFrame::new_infer_height(vec![
            col("doc", docs),
            col(id, rows.iter().map(|r| r.1).collect::<Vec<_>>()),
            col("flag", rows.iter().map(|r| r.2).collect::<Vec<_>>()),
        ])
        .unwrap()
    }

    fn first_error_row(result: Result<()>) -> Option<String> {
        result.err().map(|e| {
            let (_, _, message) = schema_error_parts(e);
            message.split(':').next().unwrap_or("").to_string()
        })
    }

    proptest::proptest! {
        #[test]
        fn keys_agree_with_a_plain_set(
            parent_rows in proptest::collection::vec((0u8..3, 0i64..3, proptest::bool::ANY), 0..10),
            child_rows in proptest::collection::vec((0u8..3, 0i64..3, proptest::bool::ANY), 0..10),
        ) {
            let (parent_schema, child_schema) = parent_child();
            let parent = key_frame("id", &parent_rows);
            let mut seen = HashSet::new();
            let duplicate = parent_rows.iter().position(|r| !seen.insert((r.0, r.1, r.2)));
            proptest::prop_assert_eq!(
                first_error_row(parent_schema.validate("parent", &parent)),
                duplicate.map(|row| format!("row {row}"))
            );
            let child = key_frame("ref", &child_rows);
            let known: HashSet<_> = parent_rows.iter().collect();
            let dangling = child_rows.iter().position(|r| !known.contains(r));
            let frames = [("parent", &parent_schema, &parent), ("child", &child_schema, &child)];
            proptest::prop_assert_eq!(
                first_error_row(check_foreign_keys(&frames)),
                dangling.map(|row| format!("row {row}"))
            );
        }
    }
}
