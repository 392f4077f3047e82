//! A document's own title, issuer and date, read from its first lines the
//! way a reader skims a cover page.

use chrono::NaiveDate;

use crate::model::{BlockKind, DateKind};
use crate::normalize::NormLine;
use crate::scan::dates::{self, DateContext};
use crate::segment::SegBlock;

/// How far into a document the cover page may reach, in blocks.
const COVER_BLOCKS: usize = 12;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cover {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub published: Option<NaiveDate>,
    /// The one fiscal year a cover line up to the title names
    /// (`令和８年度` over `一般会計予算書`): the year the document is for.
    pub fiscal_year: Option<i32>,
}

/// Words an issuing body's name ends with.
const ISSUER_ENDINGS: &[&str] = &[
    "都",
    "道",
    "府",
    "県",
    "市",
    "区",
    "町",
    "村",
    "庁",
    "省",
    "局",
    "部",
    "課",
    "室",
    "チーム",
    "委員会",
    "協議会",
    "センター",
    "本部",
];

fn looks_like_issuer(text: &str) -> bool {
    let t = text.trim();
    let n = t.chars().count();
    (2..=30).contains(&n)
        && !t.contains(['。', '、', ':', '：', '「'])
        && ISSUER_ENDINGS.iter().any(|e| t.ends_with(e))
}

/// Read the cover line by line (a cover's date and issuer often stand on
/// consecutive lines that segmentation joins into one paragraph): the first
/// dated line gives the date (a month or a day, not a fiscal year: plans
/// name many years, but one issue date); the first short line that is
/// neither date nor issuer is the title.
pub fn read_cover(blocks: &[SegBlock], lines: &[NormLine]) -> Cover {
    let mut cover = Cover::default();
    let cover_lines = blocks
        .iter()
        .take(COVER_BLOCKS)
        .filter(|sb| sb.block.kind != BlockKind::Table)
        .flat_map(|sb| {
            let from = (sb.block.line as usize).saturating_sub(1);
            let to = (sb.block.line_end as usize).min(lines.len());
            lines.get(from..to).unwrap_or(&[]).iter()
        });
    for line in cover_lines {
        let text = line
            .norm
            .text
            .trim()
            .trim_start_matches(|c: char| "#>-*".contains(c))
            .trim();
        if text.is_empty() {
            continue;
        }
        let found = dates::find_dates(text, &DateContext::default());
        if cover.published.is_none() {
            cover.published = found
                .iter()
                .filter(|d| {
                    matches!(d.kind, DateKind::Date | DateKind::Month) && d.problem.is_none()
                })
                .find_map(|d| d.date_start);
        }
        // Lines after the title date its parts, not the document.
        if cover.title.is_none() && cover.fiscal_year.is_none() {
            if let [only] = found.as_slice() {
                if only.kind == DateKind::FiscalYear && only.problem.is_none() {
                    cover.fiscal_year = only.fy_start;
                }
            }
        }
        let only_date = found.len() == 1
            && found
                .first()
                .is_some_and(|d| d.raw.chars().count() + 2 >= text.chars().count());
        if only_date {
            continue;
        }
        if cover.issuer.is_none() && looks_like_issuer(text) {
            cover.issuer = Some(text.to_string());
            continue;
        }
        if cover.title.is_none() && text.chars().count() <= 80 && !text.ends_with('。') {
            cover.title = Some(text.to_string());
        }
    }
    cover
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuer_words() {
        assert!(looks_like_issuer("青森県企画政策部人づくり戦略チーム"));
        assert!(looks_like_issuer("由利本荘市"));
        assert!(!looks_like_issuer("人財育成に係る取組について"));
        assert!(!looks_like_issuer("市民と共に歩む職員を育成します。"));
    }

    fn cover_of(text: &str) -> Cover {
        let lines = crate::normalize::normalize_text(text);
        let blocks = crate::segment::segment_text("d", &lines);
        read_cover(&blocks, &lines)
    }

    #[test]
    fn the_fiscal_year_over_or_in_the_title_dates_the_document() {
        let c = cover_of("令和７年度\n\n観光振興予算書\n\n令和７年２月１日\n");
        assert_eq!(c.title.as_deref(), Some("観光振興予算書"));
        assert_eq!(c.fiscal_year, Some(2025));
        let c = cover_of("# 令和5年度 北見市交通計画\n\n本文です。\n");
        assert_eq!(c.fiscal_year, Some(2023));
        // A year after the title dates a part; a range is a plan period.
        let c = cover_of("# 北見市交通計画\n\n令和5年度の取組\n");
        assert_eq!(c.fiscal_year, None);
        let c = cover_of("# 令和5年度～令和9年度 北見市交通計画\n");
        assert_eq!(c.fiscal_year, None);
    }
}
