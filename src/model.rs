//! The rows of every dataset, in the open. Each stage produces or consumes
//! these; the writer turns them into columns named exactly as in SPEC.md.
//!
//! Ids are small integers, unique within one document (`doc_id` + id is the
//! key), assigned in document order so that output is deterministic.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a row starts in the decoded text: 1-based line, 0-based char column.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Partial,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Partial => "partial",
            Status::Failed => "failed",
        }
    }
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable hash of the bytes (first 16 hex digits of BLAKE3).
    pub doc_id: String,
    pub source_path: String,
    /// Encoding name as detected (`UTF-8`, `UTF-8-BOM`, `UTF-16LE`, `Shift_JIS`, `EUC-JP`, `ISO-2022-JP`, `binary`).
    pub encoding: String,
    pub bytes: u64,
    pub lines: u32,
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub published_start: Option<NaiveDate>,
    pub status: Status,
    pub error: Option<String>,
    /// Bytes that did not decode (replaced by U+FFFD).
    pub undecodable_bytes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Heading,
    Paragraph,
    ListItem,
    KeyValue,
    Table,
    Unparsed,
}

impl BlockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Heading => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::ListItem => "list_item",
            BlockKind::KeyValue => "key_value",
            BlockKind::Table => "table",
            BlockKind::Unparsed => "unparsed",
        }
    }
}

/// A structural element. Every non-blank input line lies in exactly one block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub doc_id: String,
    pub block_id: u32,
    /// The enclosing heading (section tree); `None` at top level.
    pub parent_id: Option<u32>,
    pub kind: BlockKind,
    /// Heading depth (1 = outermost); list items carry their nesting depth.
    pub level: Option<u32>,
    /// The marker as printed (`１．`, `（１）`, `【`, `■`, `#`…), if any.
    pub marker: Option<String>,
    /// Normalized text (markers stripped for headings/list items; key-value: `key: value`).
    pub text: String,
    /// For key-value blocks: the key, normalized.
    pub key: Option<String>,
    /// For unparsed blocks: why.
    pub reason: Option<String>,
    pub line: u32,
    pub line_end: u32,
    pub col: u32,
    /// Exact source text of the block's lines, joined with `\n`.
    pub raw: String,
}

/// One table cell (header cells included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub doc_id: String,
    /// The `block_id` of the table block.
    pub table_id: u32,
    /// 0-based row within the table (header rows included).
    pub row: u32,
    /// 0-based column within the table.
    pub col: u32,
    pub is_header: bool,
    /// Full header path, parts joined with ` / ` (`令和2年度 / 進捗率`).
    pub header: String,
    /// The row's label (first label column, carried down through a row group).
    pub row_label: String,
    /// Normalized cell text.
    pub text: String,
    /// Numeric value in base units, when the cell is a quantity.
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub line: u32,
    /// 0-based char offset of the cell in its line (provenance `col`).
    pub line_col: u32,
    pub raw: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    Planned,
    Achieved,
    Stated,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Planned => "planned",
            Stance::Achieved => "achieved",
            Stance::Stated => "stated",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    Count,
    Amount,
    Rate,
}

impl MeasureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureKind::Count => "count",
            MeasureKind::Amount => "amount",
            MeasureKind::Rate => "rate",
        }
    }
}

/// Where a measure was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureSource {
    Table,
    KeyValue,
    Prose,
}

impl MeasureSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureSource::Table => "table",
            MeasureSource::KeyValue => "key_value",
            MeasureSource::Prose => "prose",
        }
    }
}

/// One numeric fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    pub doc_id: String,
    pub measure_id: u32,
    pub entity: Option<String>,
    /// The heading path of the enclosing section (or the table's row group).
    pub section: Option<String>,
    pub indicator: Option<String>,
    pub stance: Stance,
    pub measure: MeasureKind,
    /// The period as printed (`令和2年度`, `R4～R7`, `取組期間累計`).
    pub period_label: Option<String>,
    pub fy_start: Option<i32>,
    pub fy_end: Option<i32>,
    pub cumulative: bool,
    /// Value in base units (円, 人, 件, %).
    pub value: f64,
    pub unit: Option<String>,
    /// Multiplier applied to the printed number (1000 for 千円).
    pub scale: f64,
    /// Digits printed after the decimal point (drives check tolerances).
    pub decimals: u32,
    /// Printed as approximate (`約3割`).
    pub approx: bool,
    /// The qualifier words as printed, space-separated in reading order
    /// (`約`, `以上`, `約 以上`): `approx` says only that there was one, and
    /// a reader must tell a bound (`以上`) from an estimate (`約`).
    pub qualifier: Option<String>,
    pub source: MeasureSource,
    pub raw: String,
    pub line: u32,
    pub col: u32,
    pub block_id: u32,
    pub table_id: Option<u32>,
    pub table_row: Option<u32>,
    pub table_col: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateKind {
    Date,
    Month,
    Year,
    FiscalYear,
    FiscalRange,
    DateRange,
}

impl DateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DateKind::Date => "date",
            DateKind::Month => "month",
            DateKind::Year => "year",
            DateKind::FiscalYear => "fiscal_year",
            DateKind::FiscalRange => "fiscal_range",
            DateKind::DateRange => "date_range",
        }
    }
}

/// One date or period mention.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DateMention {
    pub doc_id: String,
    pub date_id: u32,
    pub raw: String,
    pub kind: DateKind,
    /// Era name in kanji (`令和`) when the mention used an era.
    pub era: Option<String>,
    pub era_year: Option<i32>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    /// Weekday as printed (`木`), and the real one for `start`.
    pub weekday_stated: Option<String>,
    pub weekday_actual: Option<String>,
    pub inferred: bool,
    /// A western year printed beside an era year (`2021（令和3）`): the western one.
    pub western_stated: Option<i32>,
    /// A stated length in years (`（4年間）`).
    pub length_stated: Option<i32>,
    /// A step number printed with the period (`2年目（2020年度）` → 2).
    pub sequence: Option<i32>,
    /// Why the mention does not denote a real date (`令和0年`, `2月30日`,
    /// `平成32年度` past the era's end); `None` when it is valid.
    pub problem: Option<String>,
    pub line: u32,
    pub col: u32,
    pub block_id: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// One check result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub finding_id: u64,
    pub check: String,
    pub severity: Severity,
    pub doc_id: String,
    pub line: u32,
    pub col: u32,
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    pub tolerance: Option<f64>,
    /// The raw text involved, and the arithmetic (`781+896+972+1,033 = 3,682`).
    pub evidence: String,
    /// Ids of the measures involved, space-separated (`3 5 7`).
    pub measure_ids: String,
}

/// Everything one document yields before the checks run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocOutput {
    pub document: Option<Document>,
    pub blocks: Vec<Block>,
    pub cells: Vec<Cell>,
    pub measures: Vec<Measure>,
    pub dates: Vec<DateMention>,
}
