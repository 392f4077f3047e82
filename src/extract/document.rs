//! A document's own title, issuer and date, read from its first lines the
//! way a reader skims a cover page.

use chrono::NaiveDate;

use super::dates::{self, DateContext};
use crate::model::{BlockKind, DateKind};
use crate::normalize::NormLine;
use crate::segment::SegBlock;

/// How far into a document the cover page may reach, in blocks.
const COVER_BLOCKS: usize = 12;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cover {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub published: Option<NaiveDate>,
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
}
