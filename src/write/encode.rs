//! DataFrame to file bytes: Parquet (zstd, full statistics) and CSV (UTF-8,
//! header, ISO dates, plain decimals, spreadsheet-formula-safe strings).

use std::io::Cursor;

use polars::prelude::{
    Column, CsvWriter, DataFrame, DataType, ParquetCompression, ParquetReader, ParquetWriter,
    SerReader, SerWriter, StatisticsOptions,
};

use crate::error::Result;

pub fn parquet_bytes(df: &DataFrame) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut df = df.clone();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::full())
        .finish(&mut df)?;
    Ok(buf)
}

pub fn read_parquet(bytes: Vec<u8>) -> Result<DataFrame> {
    Ok(ParquetReader::new(Cursor::new(bytes)).finish()?)
}

/// A spreadsheet runs a cell starting with one of these as a formula
/// (OWASP "CSV injection"); a leading `'` makes it plain text.
fn formula_safe(s: &str) -> std::borrow::Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}").into(),
        _ => s.into(),
    }
}

/// Only string columns are escaped: numbers such as -3 must stay numbers.
fn csv_safe(df: &DataFrame) -> Result<DataFrame> {
    let columns = df
        .columns()
        .iter()
        .map(|c| -> Result<Column> {
            if c.dtype() != &DataType::String {
                return Ok(c.clone());
            }
            let values: Vec<Option<std::borrow::Cow<'_, str>>> =
                c.str()?.iter().map(|v| v.map(formula_safe)).collect();
            Ok(Column::new(c.name().clone(), values))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(DataFrame::new(df.height(), columns)?)
}

pub fn csv_bytes(df: &DataFrame, bom: bool) -> Result<Vec<u8>> {
    let mut safe = csv_safe(df)?;
    let mut buf = Vec::new();
    CsvWriter::new(&mut buf)
        .include_bom(bom)
        .include_header(true)
        .with_date_format(Some("%Y-%m-%d".into()))
        // Positional floats: `28000000`, never `2.8e7`.
        .with_float_scientific(Some(false))
        .with_line_terminator("\n".into())
        .n_threads(1)
        .finish(&mut safe)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{NamedFrom, Series};

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
}
