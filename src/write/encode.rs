//! DataFrame to file bytes: Parquet (zstd, full statistics) and CSV (UTF-8,
//! header, ISO dates, plain decimals, spreadsheet-formula-safe strings).

use std::io::{Cursor, Write};

use polars::io::parquet::write::BatchedWriter;
use polars::prelude::{
    Column, CsvWriter, DataFrame, DataType, ParquetCompression, ParquetReader, ParquetWriter,
    SerReader, SerWriter, StatisticsOptions,
};
use polars_parquet::parquet::page::CompressedPage;
use polars_parquet::parquet::read::{get_page_iterator, read_metadata};

use crate::error::{Error, Result};

fn parquet_options<W: Write>(w: W) -> ParquetWriter<W> {
    ParquetWriter::new(w)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::full())
}

/// `df` as a whole Parquet file (one row group for a part-sized frame).
pub fn parquet_bytes(df: &DataFrame) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut df = df.clone();
    parquet_options(&mut buf).finish(&mut df)?;
    Ok(buf)
}

/// A Parquet writer with the schema of `df` that takes row groups one by one.
pub fn parquet_writer<W: Write>(w: W, df: &DataFrame) -> Result<BatchedWriter<W>> {
    Ok(parquet_options(w).batched(df.schema())?)
}

/// Pages bigger than this in a part file are refused as damaged.
const MAX_PAGE_BYTES: usize = 1 << 30;

/// Append the row groups of the Parquet file `bytes` (written by
/// [`parquet_bytes`] for the same schema) to `writer`, copying the
/// compressed pages as they are: no decoding, no recompression.
pub fn copy_row_groups<W: Write>(
    writer: &mut BatchedWriter<W>,
    buffer: &polars_buffer::Buffer<u8>,
) -> Result<()> {
    let damaged = |e: polars_parquet::parquet::error::ParquetError| {
        Error::Other(format!("a part is not valid Parquet: {e}"))
    };
    let metadata = read_metadata(&mut Cursor::new(buffer.clone())).map_err(damaged)?;
    for group in &metadata.row_groups {
        let mut columns = Vec::with_capacity(group.n_columns());
        for column in group.parquet_columns() {
            let pages = get_page_iterator(
                column,
                Cursor::new(buffer.clone()),
                Vec::new(),
                MAX_PAGE_BYTES,
            )
            .map_err(damaged)?;
            let mut copied = Vec::new();
            for page in pages {
                let mut page = page.map_err(damaged)?;
                if let CompressedPage::Data(data) = &mut page {
                    // Every column is flat: one value per row. The reader
                    // leaves this unset; the writer needs it.
                    data.num_rows = Some(data.num_values());
                }
                copied.push(page);
            }
            columns.push(copied);
        }
        writer.write_row_group(group.num_rows() as u64, &columns)?;
    }
    Ok(())
}

pub fn read_parquet(bytes: Vec<u8>) -> Result<DataFrame> {
    Ok(ParquetReader::new(Cursor::new(bytes)).finish()?)
}

/// A spreadsheet runs a cell starting with one of these as a formula
/// (OWASP "CSV injection"); a leading `'` makes it plain text.
fn formula_like(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

fn formula_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(s) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// Only string columns are escaped: numbers such as -3 must stay numbers.
fn csv_safe(df: &DataFrame) -> Result<DataFrame> {
    let columns = df
        .columns()
        .iter()
        .map(|c| -> Result<Column> {
            // Most columns hold no such value: keep them as they are.
            if c.dtype() != &DataType::String || !c.str()?.iter().flatten().any(formula_like) {
                return Ok(c.clone());
            }
            let values: Vec<Option<std::borrow::Cow<'_, str>>> =
                c.str()?.iter().map(|v| v.map(formula_safe)).collect();
            Ok(Column::new(c.name().clone(), values))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DataFrame::new(df.height(), columns)?)
}

fn csv_writer<W: Write>(w: W) -> CsvWriter<W> {
    CsvWriter::new(w)
        .with_date_format(Some("%Y-%m-%d".into()))
        // Positional floats: `28000000`, never `2.8e7`.
        .with_float_scientific(Some(false))
        .with_line_terminator("\n".into())
        .n_threads(1)
}

/// The header line of `df`'s CSV, after a UTF-8 BOM when asked.
pub fn csv_header(df: &DataFrame, bom: bool) -> Result<Vec<u8>> {
    let mut empty = df.clear();
    let mut buf = Vec::new();
    csv_writer(&mut buf)
        .include_bom(bom)
        .include_header(true)
        .finish(&mut empty)?;
    Ok(buf)
}

/// The rows of `df` as CSV lines, without header.
pub fn csv_rows(df: &DataFrame) -> Result<Vec<u8>> {
    let mut safe = csv_safe(df)?;
    let mut buf = Vec::new();
    csv_writer(&mut buf)
        .include_header(false)
        .finish(&mut safe)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{NamedFrom, Series};

    fn csv_bytes(df: &DataFrame, bom: bool) -> Result<Vec<u8>> {
        let mut bytes = csv_header(df, bom)?;
        bytes.extend(csv_rows(df)?);
        Ok(bytes)
    }

    fn frame() -> DataFrame {
        DataFrame::new_infer_height(vec![
            Column::from(Series::new(
                "s".into(),
                [
                    Some("=SUM(A1)"),
                    Some("+1"),
                    Some("-2"),
                    Some("@x"),
                    Some("\tx"),
                    Some("a=b"),
                    None,
                    Some(""),
                ],
            )),
            Column::from(Series::new(
                "n".into(),
                [
                    Some(-3.0f64),
                    Some(28_000_000.0),
                    Some(0.1),
                    Some(1e-7),
                    Some(111.6),
                    None,
                    Some(1e21),
                    Some(-0.5),
                ],
            )),
            Column::from(Series::new("i".into(), [-1i64, 2, 3, 4, 5, 6, 7, 8])),
        ])
        .unwrap()
    }

    #[test]
    fn formula_like_strings_are_quoted_and_numbers_untouched() {
        let text = String::from_utf8(csv_bytes(&frame(), false).unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "s,n,i");
        assert_eq!(lines[1], "'=SUM(A1),-3,-1");
        assert_eq!(lines[2], "'+1,28000000,2");
        assert_eq!(lines[3], "'-2,0.1,3");
        assert_eq!(lines[4], "'@x,0.0000001,4");
        assert_eq!(lines[5], "'\tx,111.6,5");
        assert_eq!(lines[6], "a=b,,6");
        assert!(
            lines[7].starts_with(",1000000000000000000000,7"),
            "{:?}",
            lines[7]
        );
        assert!(!text.contains('e'), "no exponent: {text}");
    }

    #[test]
    fn bom_only_when_asked() {
        let with = csv_bytes(&frame(), true).unwrap();
        let without = csv_bytes(&frame(), false).unwrap();
        assert!(with.starts_with(b"\xEF\xBB\xBFs,n,i\n"));
        assert!(without.starts_with(b"s,n,i\n"));
        assert_eq!(&with[3..], &without[..]);
    }

    #[test]
    fn parquet_keeps_text_as_is() {
        let df = frame();
        let back = read_parquet(parquet_bytes(&df).unwrap()).unwrap();
        assert!(back.equals_missing(&df));
        assert_eq!(parquet_bytes(&df).unwrap(), parquet_bytes(&back).unwrap());
    }

    #[test]
    fn copied_row_groups_read_back_as_the_stacked_frames() {
        let df = frame();
        let (head, tail) = (df.slice(0, 3), df.slice(3, 5));
        let mut file = Vec::new();
        let mut writer = parquet_writer(&mut file, &df).unwrap();
        for part in [&head, &df.clear(), &tail] {
            copy_row_groups(&mut writer, &parquet_bytes(part).unwrap().into()).unwrap();
        }
        writer.finish().unwrap();
        drop(writer);
        let back = read_parquet(file.clone()).unwrap();
        assert!(back.equals_missing(&df), "{back}");
        let damaged = b"PAR1 no".to_vec().into();
        let mut writer = parquet_writer(Vec::new(), &df).unwrap();
        assert!(copy_row_groups(&mut writer, &damaged).is_err());
    }
}
