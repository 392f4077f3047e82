//! `report.md`: a summary table (checks × severities), then each finding by
//! document with the quoted evidence and the arithmetic.
//!
//! Deterministic by construction: no clock, documents by source path
//! (whatever order the parts of `out/` hold them in), findings by position
//! within each document.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::check::catalogue;
use crate::model::{Document, Finding, Severity, Status};

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

pub fn render(documents: &[Document], findings: &[Finding]) -> String {
    let mut documents: Vec<&Document> = documents.iter().collect();
    documents.sort_by(|a, b| (&a.source_path, &a.doc_id).cmp(&(&b.source_path, &b.doc_id)));
    let documents = &documents[..];
    let mut md = String::new();
    md.push_str("# planfacts report\n\n");
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        md,
        "{} documents, {} findings: {} errors, {} warnings, {} info.\n",
        documents.len(),
        findings.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    unread_section(&mut md, documents);
    summary_section(&mut md, findings);
    findings_section(&mut md, documents, findings);
    md
}

fn unread_section(md: &mut String, documents: &[&Document]) {
    let unread: Vec<&Document> = documents
        .iter()
        .copied()
        .filter(|d| d.status != Status::Ok)
        .collect();
    if unread.is_empty() {
        return;
    }
    md.push_str("## Documents not fully read\n\n");
    md.push_str("| document | doc_id | status | error |\n| --- | --- | --- | --- |\n");
    for d in unread {
        let error = match (&d.error, d.undecodable_bytes) {
            (Some(e), _) => e.clone(),
            (None, n) if n > 0 => format!("{n} undecodable bytes"),
            (None, _) => String::new(),
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} |",
            code(&d.source_path),
            code(&d.doc_id),
            d.status.as_str(),
            escape(&error)
        );
    }
    md.push('\n');
}

fn summary_section(md: &mut String, findings: &[Finding]) {
    md.push_str("## Summary\n\n");
    md.push_str("| | check | error | warning | info | total | what it verifies |\n");
    md.push_str("| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
    let mut rows: Vec<(String, String)> = catalogue()
        .into_iter()
        .map(|(id, _, why)| (id.to_string(), why.to_string()))
        .collect();
    // A check the catalogue does not know (findings read back from an older out/) still counts.
    let known: BTreeSet<String> = rows.iter().map(|r| r.0.clone()).collect();
    let extra: BTreeSet<&str> = findings
        .iter()
        .map(|f| f.check.as_str())
        .filter(|c| !known.contains(*c))
        .collect();
    rows.extend(extra.into_iter().map(|c| (c.to_string(), String::new())));
    for (id, why) in &rows {
        let n = |s: Severity| {
            findings
                .iter()
                .filter(|f| &f.check == id && f.severity == s)
                .count()
        };
        let total: usize = SEVERITIES.iter().map(|s| n(*s)).sum();
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} |",
            if total == 0 { "✓" } else { "✗" },
            code(id),
            n(Severity::Error),
            n(Severity::Warning),
            n(Severity::Info),
            total,
            escape(why)
        );
    }
    let n = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let _ = writeln!(
        md,
        "| | **total** | {} | {} | {} | {} | |\n",
        n(Severity::Error),
        n(Severity::Warning),
        n(Severity::Info),
        findings.len()
    );
}

fn findings_section(md: &mut String, documents: &[&Document], findings: &[Finding]) {
    md.push_str("## Findings\n\n");
    let mut by_doc: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_doc.entry(f.doc_id.as_str()).or_default().push(f);
    }
    for list in by_doc.values_mut() {
        list.sort_by(|a, b| {
            (a.line, a.col, &a.check, &a.measure_ids, &a.message).cmp(&(
                b.line,
                b.col,
                &b.check,
                &b.measure_ids,
                &b.message,
            ))
        });
    }
    let mut clean = 0;
    let mut listed = BTreeSet::new();
    for d in documents {
        listed.insert(d.doc_id.as_str());
        match by_doc.get(d.doc_id.as_str()) {
            Some(list) if !list.is_empty() => {
                let _ = writeln!(md, "### {} ({})\n", code(&d.source_path), code(&d.doc_id));
                for f in list {
                    finding_item(md, f);
                }
                md.push('\n');
            }
            _ => clean += 1,
        }
    }
    for (doc_id, list) in by_doc.iter().filter(|(id, _)| !listed.contains(**id)) {
        let _ = writeln!(md, "### {} (not among the documents)\n", code(doc_id));
        for f in list {
            finding_item(md, f);
        }
        md.push('\n');
    }
    if findings.is_empty() {
        md.push_str("No findings.\n");
    } else if clean > 0 {
        let _ = writeln!(
            md,
            "No findings in {clean} document{}.",
            if clean == 1 { "" } else { "s" }
        );
    }
}

fn finding_item(md: &mut String, f: &Finding) {
    let _ = writeln!(
        md,
        "- ✗ **{}:{}** {} {}: {}",
        f.line,
        f.col,
        f.severity.as_str(),
        code(&f.check),
        escape(&f.message)
    );
    if !f.evidence.is_empty() {
        let _ = writeln!(md, "  - evidence: {}", code(&f.evidence));
    }
    let mut detail = Vec::new();
    if let Some(e) = &f.expected {
        detail.push(format!("expected {}", code(e)));
    }
    if let Some(a) = &f.actual {
        detail.push(format!("actual {}", code(a)));
    }
    if let Some(t) = f.tolerance {
        detail.push(format!("tolerance ±{}", number(t)));
    }
    if !f.measure_ids.is_empty() {
        detail.push(format!("measures {}", f.measure_ids));
    }
    if !detail.is_empty() {
        let _ = writeln!(md, "  - {}", detail.join(", "));
    }
}

/// A code span that survives backticks and line breaks in its content.
fn code(s: &str) -> String {
    let flat = s.replace("\r\n", "\n").replace(['\n', '\r'], " ⏎ ");
    let longest = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// Plain text made inert in Markdown (and in a table cell).
fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.replace(['\n', '\r'], " ").chars() {
        if "\\`*_[]<>|#".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A tolerance without float noise (`0.25`, not `0.25000000000000006`).
fn number(v: f64) -> String {
    let text = format!("{v:.10}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, path: &str, status: Status, error: Option<&str>) -> Document {
        Document {
            doc_id: id.to_string(),
            source_path: path.to_string(),
            encoding: "UTF-8".to_string(),
            bytes: 100,
            lines: 10,
            title: None,
            issuer: None,
            published_start: None,
            status,
            error: error.map(str::to_string),
            undecodable_bytes: 0,
        }
    }

    fn total_finding() -> Finding {
        Finding {
            finding_id: 1,
            check: "total_vs_parts".to_string(),
            severity: Severity::Error,
            doc_id: "16346fbf1c1c4aaf".to_string(),
            line: 7,
            col: 38,
            message: "正社員就職件数: the FY2020–2023 total is not the sum of its 4 yearly figures"
                .to_string(),
            expected: Some("3,682".to_string()),
            actual: Some("3,700".to_string()),
            tolerance: Some(0.0),
            evidence: "781+896+972+1,033 = 3,682 ≠ 3,700 (printed)".to_string(),
            measure_ids: "2 4 6 8 10".to_string(),
        }
    }

    #[test]
    fn documents_are_listed_by_path_whatever_order_they_come_in() {
        let mut finding = total_finding();
        let docs = vec![
            doc(
                "b1",
                "drop/b.txt",
                Status::Partial,
                Some("2 undecodable bytes"),
            ),
            doc("a1", "drop/a.txt", Status::Failed, Some("binary")),
        ];
        finding.doc_id = "b1".into();
        let mut other = finding.clone();
        other.doc_id = "a1".into();
        other.finding_id = 2;
        let findings = [finding, other];
        let md = render(&docs, &findings);
        let reversed: Vec<Document> = docs.iter().rev().cloned().collect();
        assert_eq!(md, render(&reversed, &findings));
        let (a, b) = (
            md.find("drop/a.txt").unwrap(),
            md.find("drop/b.txt").unwrap(),
        );
        assert!(a < b, "{md}");
    }

    #[test]
    fn renders_summary_and_evidence() {
        let docs = vec![
            doc(
                "1985a3782499f554",
                "seeds/000_1985a3782499f554.txt",
                Status::Ok,
                None,
            ),
            doc(
                "16346fbf1c1c4aaf",
                "seeds/002_16346fbf1c1c4aaf.txt",
                Status::Ok,
                None,
            ),
        ];
        let md = render(&docs, &[total_finding()]);
        assert!(
            md.contains("2 documents, 1 findings: 1 errors, 0 warnings, 0 info."),
            "{md}"
        );
        assert!(
            md.contains("| ✗ | `total_vs_parts` | 1 | 0 | 0 | 1 |"),
            "{md}"
        );
        assert!(
            md.contains("| ✓ | `rate_vs_ratio` | 0 | 0 | 0 | 0 |"),
            "{md}"
        );
        assert!(md.contains("| | **total** | 1 | 0 | 0 | 1 | |"), "{md}");
        assert!(
            md.contains("### `seeds/002_16346fbf1c1c4aaf.txt` (`16346fbf1c1c4aaf`)"),
            "{md}"
        );
        assert!(
            md.contains("- ✗ **7:38** error `total_vs_parts`: 正社員就職件数"),
            "{md}"
        );
        assert!(
            md.contains("evidence: `781+896+972+1,033 = 3,682 ≠ 3,700 (printed)`"),
            "{md}"
        );
        assert!(
            md.contains("expected `3,682`, actual `3,700`, tolerance ±0, measures 2 4 6 8 10"),
            "{md}"
        );
        assert!(md.contains("No findings in 1 document."), "{md}");
        assert!(!md.contains("Documents not fully read"));
        assert_eq!(md, render(&docs, &[total_finding()]));
    }

    #[test]
    fn unread_documents_are_listed_first() {
        let docs = vec![
            doc(
                "aaaa",
                "drop/broken.txt",
                Status::Failed,
                Some("table | not closed"),
            ),
            doc("bbbb", "drop/sjis.txt", Status::Partial, None),
        ];
        let mut docs = docs;
        docs[1].undecodable_bytes = 3;
        let md = render(&docs, &[]);
        let unread = md.find("## Documents not fully read").unwrap_or(usize::MAX);
        assert!(unread < md.find("## Summary").unwrap_or(0), "{md}");
        assert!(
            md.contains("| `drop/broken.txt` | `aaaa` | failed | table \\| not closed |"),
            "{md}"
        );
        assert!(
            md.contains("| `drop/sjis.txt` | `bbbb` | partial | 3 undecodable bytes |"),
            "{md}"
        );
        assert!(md.contains("No findings."));
    }

    #[test]
    fn awkward_text_stays_inside_its_span() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("3,300\n機関"), "`3,300 ⏎ 機関`");
        assert_eq!(escape("*注* <li>"), "\\*注\\* \\<li\\>");
        assert_eq!(number(0.25000000000000006), "0.25");
        assert_eq!(number(2500.0), "2500");
    }

    #[test]
    fn empty_run() {
        let md = render(&[], &[]);
        assert!(md.contains("0 documents, 0 findings"));
        assert!(md.contains("| ✓ | `invalid_date` |"));
    }
}
