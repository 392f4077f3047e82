//! Measures from key-value blocks: the key names the figure, its unit and
//! stance; a period on the line dates it.

use super::prose::{date_spans, prose_measures, Spans};
use super::section::{section_of, Sections};
use super::{
    kind_of, period_after_value, period_in, period_notes, period_of, unit_in_label, DatedBlocks,
};
use crate::extract::{raw_span, DocContext};
use crate::model::{Measure, MeasureSource, Stance};
use crate::normalize::NormLine;
use crate::scan::keywords::{self, stance_of};
use crate::scan::numbers;

/// Whitespace-separated tokens of a text with their char ranges.
pub(crate) fn tokens(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    let mut current = String::new();
    let mut n = 0;
    for (i, c) in text.chars().enumerate() {
        n = i + 1;
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, i, std::mem::take(&mut current)));
            }
        } else {
            start.get_or_insert(i);
            current.push(c);
        }
    }
    if let Some(s) = start {
        out.push((s, n, current));
    }
    out
}

pub(super) fn kv_measures(
    ctx: &DocContext,
    dated: &DatedBlocks<'_>,
    i: usize,
    lines: &[NormLine],
    sections: &mut Sections,
    out: &mut Vec<Measure>,
) {
    let Some(sb) = dated.blocks.get(i) else {
        return;
    };
    let section = section_of(dated, i, ctx, sections);
    let (key, value_from) = match (&sb.block.key, bullet_key(&sb.content.text)) {
        (Some(k), _) => (k.clone(), 0),
        (None, Some((k, from))) => (k, from),
        (None, None) => (String::new(), 0),
    };
    // `事業費(千円): 1,500` — the unit printed with the key.
    let key_unit = unit_in_label(&key);
    let found = dated.block_dates.get(i).map(Vec::as_slice).unwrap_or(&[]);
    let date_ctx = dated.contexts.get(i).copied().unwrap_or_default();
    // A period in the value, else in the key (`令和6年度予算額: …`).
    let period = found
        .iter()
        .find_map(|d| period_of(d, &d.raw))
        .or_else(|| period_in(&key, &date_ctx));
    let stance = stance_of(&key).or(section.stance).unwrap_or(Stance::Stated);
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let notes = period_notes(&sb.content.text, &date_ctx);
    let in_date = Spans::new(
        date_spans(found).chain(notes.iter().map(|n| (n.start, n.end))),
        sb.content.pos.len(),
    );
    for (start, end, token) in tokens(&sb.content.text) {
        let Some(q) = numbers::parse_quantity(&token) else {
            continue;
        };
        if start < value_from || in_date.touches(start, end) {
            continue;
        }
        taken.push((start, end));
        // `73.7% （R3年度）`: the note dates this value.
        let note = period_after_value(&sb.content.text, end, &date_ctx);
        let (unit, value, scale) = match (&q.unit, &key_unit) {
            (None, Some((u, s))) => (Some(u.clone()), q.number * s, *s),
            _ => (
                q.unit
                    .clone()
                    .or_else(|| keywords::unit_from_indicator(&key).map(str::to_string)),
                q.value,
                q.scale,
            ),
        };
        let own = note.as_ref().and_then(|n| n.period.as_ref());
        let (fy_start, fy_end, period_label) = match own.or(period.as_ref()) {
            Some(p) => (p.fy_start, p.fy_end, Some(p.label.clone())),
            None => (section.fiscal_year, section.fiscal_year, None),
        };
        let at = sb.content.pos_at(start);
        out.push(Measure {
            doc_id: ctx.doc_id.clone(),
            measure_id: 0,
            entity: section.entity.clone(),
            section: section.heading.clone(),
            indicator: Some(key.clone()).filter(|k| !k.is_empty()),
            stance,
            measure: kind_of(unit.as_deref()),
            period_label,
            fy_start,
            fy_end,
            cumulative: note.as_ref().map_or(
                matches!((fy_start, fy_end), (Some(a), Some(b)) if b > a),
                |n| n.cumulative,
            ),
            value,
            unit,
            scale,
            decimals: q.decimals,
            approx: q.approx,
            qualifier: q.qualifier.clone(),
            source: MeasureSource::KeyValue,
            raw: raw_span(lines, &sb.content, start, end),
            line: at.line,
            col: at.col,
            block_id: sb.block.block_id,
            table_id: None,
            table_row: None,
            table_col: None,
        });
    }
    // A period note is no figure of its own (`（５年間累計）`).
    taken.extend(notes.iter().map(|n| (n.start, n.end)));
    prose_measures(
        ctx,
        &section,
        &sb.content,
        lines,
        sb.block.block_id,
        None,
        &taken,
        out,
    );
}

/// A bullet written as a key-value pair (`- 令和4年度概算要求額（百万円）: 542632`):
/// the key and the char index where the value starts.
pub(super) fn bullet_key(text: &str) -> Option<(String, usize)> {
    let (i, _) = text.char_indices().find(|(_, c)| *c == ':')?;
    let key = text.get(..i)?.trim();
    let n = key.chars().count();
    if n == 0 || n > 30 || key.contains('。') {
        return None;
    }
    Some((key.to_string(), text.get(..i)?.chars().count() + 1))
}
