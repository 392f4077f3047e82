//! Row structs to polars DataFrames and back, one explicit builder and one
//! reader per dataset. Column names and order follow `schemas/`; the
//! schema check, not these functions, is what enforces the contract.

use chrono::NaiveDate;
use polars::prelude::{
    BooleanChunked, Column, DataFrame, Float64Chunked, Int64Chunked, IntoColumn, NamedFrom,
    NewChunkedArray, Series, StringChunked,
};

use crate::error::{Error, Result};
use crate::model::{
    Block, BlockKind, Cell, DateKind, DateMention, Document, Finding, Measure, MeasureKind,
    MeasureSource, Severity, Stance, Status,
};

// Columns are built straight from the rows: no intermediate Vec per column.
fn strs<'r, R>(name: &str, rows: &'r [R], f: impl Fn(&'r R) -> &'r str) -> Column {
    StringChunked::from_iter_values(name.into(), rows.iter().map(f)).into_column()
}

fn opt_strs<'r, R>(name: &str, rows: &'r [R], f: impl Fn(&'r R) -> Option<&'r str>) -> Column {
    StringChunked::from_iter_options(name.into(), rows.iter().map(f)).into_column()
}

fn ints<R>(name: &str, rows: &[R], f: impl Fn(&R) -> i64) -> Column {
    Int64Chunked::from_iter_values(name.into(), rows.iter().map(f)).into_column()
}

fn opt_ints<R>(name: &str, rows: &[R], f: impl Fn(&R) -> Option<i64>) -> Column {
    Int64Chunked::from_iter_options(name.into(), rows.iter().map(f)).into_column()
}

fn nums<R>(name: &str, rows: &[R], f: impl Fn(&R) -> f64) -> Column {
    Float64Chunked::from_iter_values(name.into(), rows.iter().map(f)).into_column()
}

fn opt_nums<R>(name: &str, rows: &[R], f: impl Fn(&R) -> Option<f64>) -> Column {
    Float64Chunked::from_iter_options(name.into(), rows.iter().map(f)).into_column()
}

fn bools<R>(name: &str, rows: &[R], f: impl Fn(&R) -> bool) -> Column {
    BooleanChunked::from_iter_values(name.into(), rows.iter().map(f)).into_column()
}

fn opt_dates<R>(name: &str, rows: &[R], f: impl Fn(&R) -> Option<NaiveDate>) -> Column {
    Column::from(Series::new(
        name.into(),
        rows.iter().map(f).collect::<Vec<Option<NaiveDate>>>(),
    ))
}

/// u64 counts go to Int64 (the contract's one integer type); a value past
/// i64::MAX cannot come from a real file, so it is a bug worth stopping on.
fn u64_to_i64(dataset: &str, column: &str, values: impl Iterator<Item = u64>) -> Result<Vec<i64>> {
    values
        .map(|v| {
            i64::try_from(v).map_err(|_| Error::Schema {
                dataset: dataset.into(),
                column: column.into(),
                message: format!("{v} does not fit in a 64-bit signed integer"),
            })
        })
        .collect()
}

fn frame(columns: Vec<Column>) -> Result<DataFrame> {
    Ok(DataFrame::new_infer_height(columns)?)
}

pub fn documents(rows: &[Document]) -> Result<DataFrame> {
    let bytes = u64_to_i64("documents", "bytes", rows.iter().map(|r| r.bytes))?;
    let undecodable = u64_to_i64(
        "documents",
        "undecodable_bytes",
        rows.iter().map(|r| r.undecodable_bytes),
    )?;
    frame(vec![
        strs("doc_id", rows, |r| &r.doc_id),
        strs("source_path", rows, |r| &r.source_path),
        strs("encoding", rows, |r| &r.encoding),
        Int64Chunked::from_vec("bytes".into(), bytes).into_column(),
        ints("lines", rows, |r| r.lines.into()),
        opt_strs("title", rows, |r| r.title.as_deref()),
        opt_strs("issuer", rows, |r| r.issuer.as_deref()),
        opt_dates("published_start", rows, |r| r.published_start),
        strs("status", rows, |r| r.status.as_str()),
        opt_strs("error", rows, |r| r.error.as_deref()),
        Int64Chunked::from_vec("undecodable_bytes".into(), undecodable).into_column(),
    ])
}

pub fn blocks(rows: &[Block]) -> Result<DataFrame> {
    frame(vec![
        strs("doc_id", rows, |r| &r.doc_id),
        ints("block_id", rows, |r| r.block_id.into()),
        opt_ints("parent_id", rows, |r| r.parent_id.map(i64::from)),
        strs("kind", rows, |r| r.kind.as_str()),
        opt_ints("level", rows, |r| r.level.map(i64::from)),
        opt_strs("marker", rows, |r| r.marker.as_deref()),
        strs("text", rows, |r| &r.text),
        opt_strs("key", rows, |r| r.key.as_deref()),
        opt_strs("reason", rows, |r| r.reason.as_deref()),
        ints("line", rows, |r| r.line.into()),
        ints("line_end", rows, |r| r.line_end.into()),
        ints("col", rows, |r| r.col.into()),
        strs("raw", rows, |r| &r.raw),
    ])
}

pub fn cells(rows: &[Cell]) -> Result<DataFrame> {
    frame(vec![
        strs("doc_id", rows, |r| &r.doc_id),
        ints("table_id", rows, |r| r.table_id.into()),
        ints("row", rows, |r| r.row.into()),
        ints("col", rows, |r| r.col.into()),
        bools("is_header", rows, |r| r.is_header),
        strs("header", rows, |r| &r.header),
        strs("row_label", rows, |r| &r.row_label),
        strs("text", rows, |r| &r.text),
        opt_nums("value", rows, |r| r.value),
        opt_strs("unit", rows, |r| r.unit.as_deref()),
        ints("line", rows, |r| r.line.into()),
        ints("line_col", rows, |r| r.line_col.into()),
        strs("raw", rows, |r| &r.raw),
    ])
}

pub fn measures(rows: &[Measure]) -> Result<DataFrame> {
    frame(vec![
        strs("doc_id", rows, |r| &r.doc_id),
        ints("measure_id", rows, |r| r.measure_id.into()),
        opt_strs("entity", rows, |r| r.entity.as_deref()),
        opt_strs("section", rows, |r| r.section.as_deref()),
        opt_strs("indicator", rows, |r| r.indicator.as_deref()),
        strs("stance", rows, |r| r.stance.as_str()),
        strs("measure", rows, |r| r.measure.as_str()),
        opt_strs("period_label", rows, |r| r.period_label.as_deref()),
        opt_ints("fy_start", rows, |r| r.fy_start.map(i64::from)),
        opt_ints("fy_end", rows, |r| r.fy_end.map(i64::from)),
        bools("cumulative", rows, |r| r.cumulative),
        nums("value", rows, |r| r.value),
        opt_strs("unit", rows, |r| r.unit.as_deref()),
        nums("scale", rows, |r| r.scale),
        ints("decimals", rows, |r| r.decimals.into()),
        bools("approx", rows, |r| r.approx),
        opt_strs("qualifier", rows, |r| r.qualifier.as_deref()),
        strs("source", rows, |r| r.source.as_str()),
        strs("raw", rows, |r| &r.raw),
        ints("line", rows, |r| r.line.into()),
        ints("col", rows, |r| r.col.into()),
        ints("block_id", rows, |r| r.block_id.into()),
        opt_ints("table_id", rows, |r| r.table_id.map(i64::from)),
        opt_ints("table_row", rows, |r| r.table_row.map(i64::from)),
        opt_ints("table_col", rows, |r| r.table_col.map(i64::from)),
    ])
}

pub fn dates(rows: &[DateMention]) -> Result<DataFrame> {
    frame(vec![
        strs("doc_id", rows, |r| &r.doc_id),
        ints("date_id", rows, |r| r.date_id.into()),
        strs("raw", rows, |r| &r.raw),
        strs("kind", rows, |r| r.kind.as_str()),
        opt_strs("era", rows, |r| r.era.as_deref()),
        opt_ints("era_year", rows, |r| r.era_year.map(i64::from)),
        opt_dates("start", rows, |r| r.start),
        opt_dates("end", rows, |r| r.end),
        opt_strs("weekday_stated", rows, |r| r.weekday_stated.as_deref()),
        opt_strs("weekday_actual", rows, |r| r.weekday_actual.as_deref()),
        bools("inferred", rows, |r| r.inferred),
        opt_ints("western_stated", rows, |r| r.western_stated.map(i64::from)),
        opt_ints("length_stated", rows, |r| r.length_stated.map(i64::from)),
        opt_ints("sequence", rows, |r| r.sequence.map(i64::from)),
        opt_strs("problem", rows, |r| r.problem.as_deref()),
        ints("line", rows, |r| r.line.into()),
        ints("col", rows, |r| r.col.into()),
        ints("block_id", rows, |r| r.block_id.into()),
    ])
}

pub fn findings(rows: &[Finding]) -> Result<DataFrame> {
    let finding_ids = u64_to_i64("findings", "finding_id", rows.iter().map(|r| r.finding_id))?;
    frame(vec![
        Int64Chunked::from_vec("finding_id".into(), finding_ids).into_column(),
        strs("check", rows, |r| &r.check),
        strs("severity", rows, |r| r.severity.as_str()),
        strs("doc_id", rows, |r| &r.doc_id),
        ints("line", rows, |r| r.line.into()),
        ints("col", rows, |r| r.col.into()),
        strs("message", rows, |r| &r.message),
        opt_strs("expected", rows, |r| r.expected.as_deref()),
        opt_strs("actual", rows, |r| r.actual.as_deref()),
        opt_nums("tolerance", rows, |r| r.tolerance),
        strs("evidence", rows, |r| &r.evidence),
        strs("measure_ids", rows, |r| &r.measure_ids),
    ])
}

/// Typed column access for the readers: each column comes out as an
/// iterator of options over the frame's own arrays, and `req`/`u32`/... turn
/// its next value into a struct field, naming dataset and column when a
/// value does not fit.
struct Reader<'a> {
    dataset: &'static str,
    df: &'a DataFrame,
}

impl<'a> Reader<'a> {
    fn err(&self, column: &str, message: impl Into<String>) -> Error {
        Error::Schema {
            dataset: self.dataset.into(),
            column: column.into(),
            message: message.into(),
        }
    }

    fn column(&self, name: &str) -> Result<&'a Column> {
        self.df
            .column(name)
            .map_err(|_| self.err(name, "column missing"))
    }

    fn str(&self, name: &str) -> Result<impl Iterator<Item = Option<String>> + 'a> {
        Ok(self
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.map(str::to_string)))
    }

    fn int(&self, name: &str) -> Result<impl Iterator<Item = Option<i64>> + 'a> {
        Ok(self.column(name)?.i64()?.iter())
    }

    fn num(&self, name: &str) -> Result<impl Iterator<Item = Option<f64>> + 'a> {
        Ok(self.column(name)?.f64()?.iter())
    }

    fn bool(&self, name: &str) -> Result<impl Iterator<Item = Option<bool>> + 'a> {
        Ok(self.column(name)?.bool()?.iter())
    }

    fn date(&self, name: &str) -> Result<impl Iterator<Item = Option<NaiveDate>> + 'a> {
        Ok(self.column(name)?.date()?.as_date_iter())
    }
}

/// Each call pulls the next value of one column; every column has the frame's height.
impl Reader<'_> {
    fn opt<T>(&self, it: &mut impl Iterator<Item = Option<T>>) -> Option<T> {
        it.next().flatten()
    }

    fn req<T>(&self, it: &mut impl Iterator<Item = Option<T>>, column: &str) -> Result<T> {
        self.opt(it)
            .ok_or_else(|| self.err(column, "null in a column that is never null"))
    }

    fn u32(&self, it: &mut impl Iterator<Item = Option<i64>>, column: &str) -> Result<u32> {
        let v = self.req(it, column)?;
        self.to_u32(v, column)
    }

    fn opt_u32(
        &self,
        it: &mut impl Iterator<Item = Option<i64>>,
        column: &str,
    ) -> Result<Option<u32>> {
        self.opt(it).map(|v| self.to_u32(v, column)).transpose()
    }

    fn to_u32(&self, v: i64, column: &str) -> Result<u32> {
        u32::try_from(v).map_err(|_| self.err(column, format!("{v} is out of range")))
    }

    fn u64(&self, it: &mut impl Iterator<Item = Option<i64>>, column: &str) -> Result<u64> {
        let v = self.req(it, column)?;
        u64::try_from(v).map_err(|_| self.err(column, format!("{v} is out of range")))
    }

    fn opt_i32(
        &self,
        it: &mut impl Iterator<Item = Option<i64>>,
        column: &str,
    ) -> Result<Option<i32>> {
        self.opt(it)
            .map(|v| i32::try_from(v).map_err(|_| self.err(column, format!("{v} is out of range"))))
            .transpose()
    }

    fn parsed<T>(
        &self,
        it: &mut impl Iterator<Item = Option<String>>,
        column: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Result<T> {
        let v = self.req(it, column)?;
        parse(&v).ok_or_else(|| self.err(column, format!("unknown value `{v}`")))
    }
}

fn status(s: &str) -> Option<Status> {
    [Status::Ok, Status::Partial, Status::Failed]
        .into_iter()
        .find(|v| v.as_str() == s)
}

fn block_kind(s: &str) -> Option<BlockKind> {
    use BlockKind::*;
    [Heading, Paragraph, ListItem, KeyValue, Table, Unparsed]
        .into_iter()
        .find(|v| v.as_str() == s)
}

fn stance(s: &str) -> Option<Stance> {
    [Stance::Planned, Stance::Achieved, Stance::Stated]
        .into_iter()
        .find(|v| v.as_str() == s)
}

fn measure_kind(s: &str) -> Option<MeasureKind> {
    [MeasureKind::Count, MeasureKind::Amount, MeasureKind::Rate]
        .into_iter()
        .find(|v| v.as_str() == s)
}

fn measure_source(s: &str) -> Option<MeasureSource> {
    [
        MeasureSource::Table,
        MeasureSource::KeyValue,
        MeasureSource::Prose,
    ]
    .into_iter()
    .find(|v| v.as_str() == s)
}

fn date_kind(s: &str) -> Option<DateKind> {
    use DateKind::*;
    [Date, Month, Year, FiscalYear, FiscalRange, DateRange]
        .into_iter()
        .find(|v| v.as_str() == s)
}

pub fn read_documents(df: &DataFrame) -> Result<Vec<Document>> {
    let r = Reader {
        dataset: "documents",
        df,
    };
    let (mut doc_id, mut source_path, mut encoding) =
        (r.str("doc_id")?, r.str("source_path")?, r.str("encoding")?);
    let (mut bytes, mut lines, mut title, mut issuer) = (
        r.int("bytes")?,
        r.int("lines")?,
        r.str("title")?,
        r.str("issuer")?,
    );
    let (mut published_start, mut st, mut error) = (
        r.date("published_start")?,
        r.str("status")?,
        r.str("error")?,
    );
    let mut undecodable_bytes = r.int("undecodable_bytes")?;
    (0..df.height())
        .map(|_| {
            Ok(Document {
                doc_id: r.req(&mut doc_id, "doc_id")?,
                source_path: r.req(&mut source_path, "source_path")?,
                encoding: r.req(&mut encoding, "encoding")?,
                bytes: r.u64(&mut bytes, "bytes")?,
                lines: r.u32(&mut lines, "lines")?,
                title: r.opt(&mut title),
                issuer: r.opt(&mut issuer),
                published_start: r.opt(&mut published_start),
                status: r.parsed(&mut st, "status", status)?,
                error: r.opt(&mut error),
                undecodable_bytes: r.u64(&mut undecodable_bytes, "undecodable_bytes")?,
            })
        })
        .collect()
}

pub fn read_blocks(df: &DataFrame) -> Result<Vec<Block>> {
    let r = Reader {
        dataset: "blocks",
        df,
    };
    let (mut doc_id, mut block_id, mut parent_id, mut kind) = (
        r.str("doc_id")?,
        r.int("block_id")?,
        r.int("parent_id")?,
        r.str("kind")?,
    );
    let (mut level, mut marker, mut text, mut key) = (
        r.int("level")?,
        r.str("marker")?,
        r.str("text")?,
        r.str("key")?,
    );
    let (mut reason, mut line, mut line_end) =
        (r.str("reason")?, r.int("line")?, r.int("line_end")?);
    let (mut col, mut raw) = (r.int("col")?, r.str("raw")?);
    (0..df.height())
        .map(|_| {
            Ok(Block {
                doc_id: r.req(&mut doc_id, "doc_id")?,
                block_id: r.u32(&mut block_id, "block_id")?,
                parent_id: r.opt_u32(&mut parent_id, "parent_id")?,
                kind: r.parsed(&mut kind, "kind", block_kind)?,
                level: r.opt_u32(&mut level, "level")?,
                marker: r.opt(&mut marker),
                text: r.req(&mut text, "text")?,
                key: r.opt(&mut key),
                reason: r.opt(&mut reason),
                line: r.u32(&mut line, "line")?,
                line_end: r.u32(&mut line_end, "line_end")?,
                col: r.u32(&mut col, "col")?,
                raw: r.req(&mut raw, "raw")?,
            })
        })
        .collect()
}

pub fn read_cells(df: &DataFrame) -> Result<Vec<Cell>> {
    let r = Reader {
        dataset: "cells",
        df,
    };
    let (mut doc_id, mut table_id, mut row_n, mut col) = (
        r.str("doc_id")?,
        r.int("table_id")?,
        r.int("row")?,
        r.int("col")?,
    );
    let (mut is_header, mut header, mut row_label) =
        (r.bool("is_header")?, r.str("header")?, r.str("row_label")?);
    let (mut text, mut value, mut unit) = (r.str("text")?, r.num("value")?, r.str("unit")?);
    let (mut line, mut line_col, mut raw) = (r.int("line")?, r.int("line_col")?, r.str("raw")?);
    (0..df.height())
        .map(|_| {
            Ok(Cell {
                doc_id: r.req(&mut doc_id, "doc_id")?,
                table_id: r.u32(&mut table_id, "table_id")?,
                row: r.u32(&mut row_n, "row")?,
                col: r.u32(&mut col, "col")?,
                is_header: r.req(&mut is_header, "is_header")?,
                header: r.req(&mut header, "header")?,
                row_label: r.req(&mut row_label, "row_label")?,
                text: r.req(&mut text, "text")?,
                value: r.opt(&mut value),
                unit: r.opt(&mut unit),
                line: r.u32(&mut line, "line")?,
                line_col: r.u32(&mut line_col, "line_col")?,
                raw: r.req(&mut raw, "raw")?,
            })
        })
        .collect()
}

pub fn read_measures(df: &DataFrame) -> Result<Vec<Measure>> {
    let r = Reader {
        dataset: "measures",
        df,
    };
    let (mut doc_id, mut measure_id, mut entity) =
        (r.str("doc_id")?, r.int("measure_id")?, r.str("entity")?);
    let (mut section, mut indicator, mut st, mut kind) = (
        r.str("section")?,
        r.str("indicator")?,
        r.str("stance")?,
        r.str("measure")?,
    );
    let (mut period_label, mut fy_start, mut fy_end) =
        (r.str("period_label")?, r.int("fy_start")?, r.int("fy_end")?);
    let (mut cumulative, mut value, mut unit, mut scale) = (
        r.bool("cumulative")?,
        r.num("value")?,
        r.str("unit")?,
        r.num("scale")?,
    );
    let (mut decimals, mut approx, mut qualifier, mut source, mut raw) = (
        r.int("decimals")?,
        r.bool("approx")?,
        r.str("qualifier")?,
        r.str("source")?,
        r.str("raw")?,
    );
    let (mut line, mut col, mut block_id) = (r.int("line")?, r.int("col")?, r.int("block_id")?);
    let (mut table_id, mut table_row, mut table_col) =
        (r.int("table_id")?, r.int("table_row")?, r.int("table_col")?);
    (0..df.height())
        .map(|_| {
            Ok(Measure {
                doc_id: r.req(&mut doc_id, "doc_id")?,
                measure_id: r.u32(&mut measure_id, "measure_id")?,
                entity: r.opt(&mut entity),
                section: r.opt(&mut section),
                indicator: r.opt(&mut indicator),
                stance: r.parsed(&mut st, "stance", stance)?,
                measure: r.parsed(&mut kind, "measure", measure_kind)?,
                period_label: r.opt(&mut period_label),
                fy_start: r.opt_i32(&mut fy_start, "fy_start")?,
                fy_end: r.opt_i32(&mut fy_end, "fy_end")?,
                cumulative: r.req(&mut cumulative, "cumulative")?,
                value: r.req(&mut value, "value")?,
                unit: r.opt(&mut unit),
                scale: r.req(&mut scale, "scale")?,
                decimals: r.u32(&mut decimals, "decimals")?,
                approx: r.req(&mut approx, "approx")?,
                qualifier: r.opt(&mut qualifier),
                source: r.parsed(&mut source, "source", measure_source)?,
                raw: r.req(&mut raw, "raw")?,
                line: r.u32(&mut line, "line")?,
                col: r.u32(&mut col, "col")?,
                block_id: r.u32(&mut block_id, "block_id")?,
                table_id: r.opt_u32(&mut table_id, "table_id")?,
                table_row: r.opt_u32(&mut table_row, "table_row")?,
                table_col: r.opt_u32(&mut table_col, "table_col")?,
            })
        })
        .collect()
}

pub fn read_dates(df: &DataFrame) -> Result<Vec<DateMention>> {
    let r = Reader {
        dataset: "dates",
        df,
    };
    let (mut doc_id, mut date_id, mut raw, mut kind) = (
        r.str("doc_id")?,
        r.int("date_id")?,
        r.str("raw")?,
        r.str("kind")?,
    );
    let (mut era, mut era_year, mut start, mut end) = (
        r.str("era")?,
        r.int("era_year")?,
        r.date("start")?,
        r.date("end")?,
    );
    let (mut weekday_stated, mut weekday_actual, mut inferred) = (
        r.str("weekday_stated")?,
        r.str("weekday_actual")?,
        r.bool("inferred")?,
    );
    let (mut western_stated, mut length_stated, mut sequence) = (
        r.int("western_stated")?,
        r.int("length_stated")?,
        r.int("sequence")?,
    );
    let (mut problem, mut line, mut col, mut block_id) = (
        r.str("problem")?,
        r.int("line")?,
        r.int("col")?,
        r.int("block_id")?,
    );
    (0..df.height())
        .map(|_| {
            Ok(DateMention {
                doc_id: r.req(&mut doc_id, "doc_id")?,
                date_id: r.u32(&mut date_id, "date_id")?,
                raw: r.req(&mut raw, "raw")?,
                kind: r.parsed(&mut kind, "kind", date_kind)?,
                era: r.opt(&mut era),
                era_year: r.opt_i32(&mut era_year, "era_year")?,
                start: r.opt(&mut start),
                end: r.opt(&mut end),
                weekday_stated: r.opt(&mut weekday_stated),
                weekday_actual: r.opt(&mut weekday_actual),
                inferred: r.req(&mut inferred, "inferred")?,
                western_stated: r.opt_i32(&mut western_stated, "western_stated")?,
                length_stated: r.opt_i32(&mut length_stated, "length_stated")?,
                sequence: r.opt_i32(&mut sequence, "sequence")?,
                problem: r.opt(&mut problem),
                line: r.u32(&mut line, "line")?,
                col: r.u32(&mut col, "col")?,
                block_id: r.u32(&mut block_id, "block_id")?,
            })
        })
        .collect()
}

pub fn read_findings(df: &DataFrame) -> Result<Vec<Finding>> {
    let r = Reader {
        dataset: "findings",
        df,
    };
    let (mut finding_id, mut check, mut severity) =
        (r.int("finding_id")?, r.str("check")?, r.str("severity")?);
    let (mut doc_id, mut line, mut col, mut message) = (
        r.str("doc_id")?,
        r.int("line")?,
        r.int("col")?,
        r.str("message")?,
    );
    let (mut expected, mut actual, mut tolerance) =
        (r.str("expected")?, r.str("actual")?, r.num("tolerance")?);
    let (mut evidence, mut measure_ids) = (r.str("evidence")?, r.str("measure_ids")?);
    (0..df.height())
        .map(|_| {
            Ok(Finding {
                finding_id: r.u64(&mut finding_id, "finding_id")?,
                check: r.req(&mut check, "check")?,
                severity: r.parsed(&mut severity, "severity", Severity::parse)?,
                doc_id: r.req(&mut doc_id, "doc_id")?,
                line: r.u32(&mut line, "line")?,
                col: r.u32(&mut col, "col")?,
                message: r.req(&mut message, "message")?,
                expected: r.opt(&mut expected),
                actual: r.opt(&mut actual),
                tolerance: r.opt(&mut tolerance),
                evidence: r.req(&mut evidence, "evidence")?,
                measure_ids: r.req(&mut measure_ids, "measure_ids")?,
            })
        })
        .collect()
}
