//! Measures of machine exports read as text (JSON): each object is a
//! record of fields. A field's name gives its figures their stance
//! (`target_r8`, `actual_value_text`, or the object's own name:
//! `evaluation_baseline`), sometimes their period (`_r8`, `_2030`) and
//! unit (`_thousand_yen`); sibling fields give the rest when their names
//! pair up (`actual_value_text` ↔ `actual_period_text`, `baseline_value` ↔
//! `baseline_year`, `budget_amount_text` ↔ `budget_amount_thousand_yen`),
//! as do a `unit` field and an indicator name that prints the unit
//! (`農業産出額（億円）`).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::key_value::tokens;
use super::section::{section_of, Sections};
use super::{
    dated_period, kind_of, period_after_value, period_notes, period_of_value, unit_in_label,
    DatedBlocks, Period, PeriodNote,
};
use crate::extract::{raw_span, DocContext};
use crate::model::{Measure, MeasureSource, Stance};
use crate::normalize::NormLine;
use crate::scan::dates::{self, DateContext};
use crate::scan::keywords::stance_of;
use crate::scan::numbers::{self, Quantity};
use crate::segment::{cell_type, JsonPair, JsonScalar};
use crate::vocab::eras::era_named;
use crate::vocab::fields::{self, is_in};
use crate::vocab::units;

/// Longest indicator name taken from a record's name field, in chars.
const MAX_NAME_CHARS: usize = 80;

/// Longest unit read from the parentheses closing a name (`万t-CO2`).
const MAX_NAME_UNIT_CHARS: usize = 10;

/// A unit and its scale (`億円` → `円`, 1e8).
type UnitScale = (String, f64);

/// The indicator a record names, and the unit its name prints.
type Named = (String, Option<UnitScale>);

/// One field of a record and what its name says.
struct Field<'a> {
    block: usize,
    pair: &'a JsonPair,
    stance: Option<Stance>,
    /// The name without its form and period words: what pairs siblings.
    stem: Vec<String>,
    /// A period named in the field name (`target_r8` → 2026).
    key_period: Option<Period>,
    /// A unit named in the field name (`cost_thousand_yen`, `事業費（千円）`).
    key_unit: Option<(String, f64)>,
    role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Holds figures.
    Value,
    /// Holds when a sibling's figure holds (`actual_period_text`).
    Period { meta: bool },
    /// Holds its siblings' unit (`unit_original`).
    Unit,
    /// An identifier, code or place in the source (`source_pdf_page`).
    Identifier,
}

impl<'a> Field<'a> {
    fn new(block: usize, pair: &'a JsonPair, ctx: &DateContext) -> Self {
        let key: &str = &pair.key;
        let words = fields::words(key);
        let has = |list: &[&str]| words.iter().any(|w| is_in(list, w));
        let key_period_word = words.iter().find_map(|w| word_period(w));
        let role = if has(fields::IDENTIFIER) {
            Role::Identifier
        } else if has(fields::PERIOD) || japanese_period_key(key) {
            Role::Period {
                meta: has(fields::META_PERIOD),
            }
        } else if has(fields::UNIT) || key == "単位" {
            Role::Unit
        } else {
            Role::Value
        };
        let stem = words
            .iter()
            .filter(|w| {
                !is_in(fields::FORM, w) && !is_in(fields::PERIOD, w) && word_period(w).is_none()
            })
            .cloned()
            .collect();
        // Japanese keys carry their period in the key (`令和6年度予算額`).
        let key_period = key_period_word.or_else(|| {
            (words.is_empty())
                .then(|| {
                    dates::find_dates(key, ctx)
                        .iter()
                        .find_map(|d| dated_period(d, &d.raw))
                })
                .flatten()
        });
        Field {
            block,
            pair,
            stance: fields::stance_of_words(&words).or_else(|| stance_of(key)),
            stem,
            key_period,
            key_unit: unit_in_label(key),
            role,
        }
    }
}

/// `年度`, `期間`, `対象年度`: a Japanese field name naming a period.
fn japanese_period_key(key: &str) -> bool {
    ["年度", "期間", "年次", "時点"]
        .iter()
        .any(|w| key.ends_with(w))
}

/// A period written as a word of a field name: an era letter with its
/// year (`r8`, `h30`), a western year (`2030`), `fy2024`.
fn word_period(word: &str) -> Option<Period> {
    let word = word.strip_prefix("fy").unwrap_or(word);
    let mut chars = word.chars();
    let first = chars.next()?;
    let year = if first.is_ascii_digit() {
        let y: i32 = word.parse().ok()?;
        (word.len() == 4 && (1900..=2100).contains(&y)).then_some(y)?
    } else {
        let digits = chars.as_str();
        if digits.is_empty() || digits.len() > 2 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let era = era_named(&first.to_ascii_uppercase().to_string())?;
        // Only the eras plans are written in: `m1`, `t2` are no years.
        if !matches!(era.letter, 'S' | 'H' | 'R') {
            return None;
        }
        era.offset() + digits.parse::<i32>().ok()?
    };
    Some(Period {
        fy_start: Some(year),
        fy_end: Some(year),
        label: word.to_string(),
    })
}

/// Measures of every record in the document's JSON pairs.
pub(super) fn record_measures(
    ctx: &DocContext,
    dated: &DatedBlocks<'_>,
    lines: &[NormLine],
    sections: &mut Sections,
    out: &mut Vec<Measure>,
) {
    let mut all: Vec<Field> = Vec::new();
    for (i, sb) in dated.blocks.iter().enumerate() {
        let date_ctx = dated.contexts.get(i).copied().unwrap_or_default();
        all.extend(sb.pairs.iter().map(|p| Field::new(i, p, &date_ctx)));
    }
    if all.is_empty() {
        return;
    }
    // Fields by the object holding them, objects in document order.
    let mut objects: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (k, f) in all.iter().enumerate() {
        objects
            .entry(f.pair.object().unwrap_or(0))
            .or_default()
            .push(k);
    }
    let mut names: FxHashMap<u32, Option<Named>> = FxHashMap::default();
    for members in objects.values() {
        let record = Record {
            all: &all,
            members,
            objects: &objects,
        };
        let mut read: Vec<(usize, Measure)> = Vec::new();
        for &k in members {
            let Some(f) = all.get(k) else { continue };
            if f.role != Role::Value || f.pair.scalar == JsonScalar::Literal {
                continue;
            }
            let name = record.name(f, &mut names);
            let date_ctx = dated.contexts.get(f.block).copied().unwrap_or_default();
            let section = section_of(dated, f.block, ctx, sections);
            for m in record.field_measures(f, name.as_ref(), &date_ctx, lines, ctx, dated) {
                let mut m = m;
                m.entity.clone_from(&section.entity);
                read.push((k, m));
            }
        }
        // A figure given both as text and as a number (`"value": 1939` and
        // `"value_text": "1,939"`) is one figure: the text is kept.
        let texts: Vec<f64> = read
            .iter()
            .filter(|(k, _)| {
                all.get(*k)
                    .is_some_and(|f| f.pair.scalar == JsonScalar::String)
            })
            .map(|(_, m)| m.value)
            .collect();
        for (k, m) in read {
            let number = all
                .get(k)
                .is_some_and(|f| f.pair.scalar == JsonScalar::Number);
            if number && texts.iter().any(|v| same_value(*v, m.value)) {
                continue;
            }
            out.push(m);
        }
    }
}

fn same_value(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The fields of one object, with the others to look up enclosing ones.
struct Record<'r, 'a> {
    all: &'r [Field<'a>],
    members: &'r [usize],
    objects: &'r BTreeMap<u32, Vec<usize>>,
}

impl<'r, 'a> Record<'r, 'a> {
    fn siblings(&self) -> impl Iterator<Item = &'r Field<'a>> + '_ {
        self.members.iter().filter_map(|&k| self.all.get(k))
    }

    /// Fields of the objects enclosing `f`'s, nearest first.
    fn enclosing(&self, f: &Field<'a>) -> impl Iterator<Item = &'r Field<'a>> + '_ {
        let scopes = f.pair.scopes.clone();
        let objects = self.objects;
        let all = self.all;
        scopes
            .iter()
            .rev()
            .skip(1)
            .map(|s| s.object)
            .collect::<Vec<_>>()
            .into_iter()
            .filter_map(move |o| objects.get(&o))
            .flat_map(move |ks| ks.iter().filter_map(move |&k| all.get(k)))
    }

    /// The indicator this record names, and the unit its name prints:
    /// the first name field of the object or the objects around it.
    fn name(&self, f: &Field<'a>, seen: &mut FxHashMap<u32, Option<Named>>) -> Option<Named> {
        let object = f.pair.object().unwrap_or(0);
        if let Some(n) = seen.get(&object) {
            return n.clone();
        }
        let is_name = |g: &&Field| {
            g.pair.scalar == JsonScalar::String
                && g.role == Role::Value
                && (fields::words(&g.pair.key)
                    .iter()
                    .any(|w| is_in(fields::NAME, w))
                    || g.pair.key.ends_with("名"))
        };
        let names: Vec<&Field> = self
            .siblings()
            .filter(is_name)
            .chain(self.enclosing(f).filter(is_name))
            .collect();
        let unit = names.iter().find_map(|g| name_unit(&g.pair.value.text));
        let found = names
            .first()
            .map(|g| g.pair.value.text.trim().to_string())
            .filter(|n| !n.is_empty() && n.chars().count() <= MAX_NAME_CHARS)
            .map(|n| (n, unit));
        seen.insert(object, found.clone());
        found
    }

    /// The stance of `f`'s figures from names: its own, else the name of
    /// the object it sits in or of those around it (`evaluation_baseline`).
    fn stance(&self, f: &Field<'a>) -> Option<Stance> {
        f.stance.or_else(|| {
            f.pair.scopes.iter().rev().find_map(|s| {
                fields::stance_of_words(&fields::words(&s.key)).or_else(|| stance_of(&s.key))
            })
        })
    }

    /// The unit a figure of `f` printed without one is in.
    fn unit(&self, f: &Field<'a>, name_unit: Option<&(String, f64)>) -> Option<(String, f64)> {
        if let Some(u) = &f.key_unit {
            return Some(u.clone());
        }
        // A sibling of the same name that states the unit in its own:
        // `budget_amount_text` beside `budget_amount_thousand_yen`.
        let paired = self
            .siblings()
            .filter(|g| g.stem == f.stem && !std::ptr::eq(*g, f))
            .find_map(|g| g.key_unit.clone());
        paired
            .or_else(|| {
                self.siblings()
                    .filter(|g| g.role == Role::Unit)
                    .find_map(|g| unit_word(&g.pair.value.text))
            })
            .or_else(|| name_unit.cloned())
    }

    /// The period a sibling field gives `f`: one whose name pairs with it
    /// (`actual_value_text` ↔ `actual_period_text`), else the one period
    /// its record states for no figure in particular.
    fn paired_period(&self, f: &Field<'a>, ctx: &DateContext) -> Option<Period> {
        let periods = || {
            self.siblings()
                .filter(|g| g.role == Role::Period { meta: false })
                .filter_map(|g| period_of_value(&g.pair.value.text, ctx).map(|p| (g, p)))
        };
        if let Some((_, p)) = periods().find(|(g, _)| g.stem == f.stem) {
            return Some(p);
        }
        // The periods no figure of the record pairs with by name date its
        // other figures (`value_text` beside `measurement_period`), when
        // they agree.
        let claimed = |g: &Field| {
            self.siblings()
                .any(|v| v.role == Role::Value && v.stem == g.stem)
        };
        // A period named for a stance (`target_year`) belongs to that
        // stance's figure even when the record prints none.
        let mut found = periods()
            .filter(|(g, _)| !claimed(g) && fields::stance_of_words(&g.stem).is_none())
            .map(|(_, p)| p);
        let first = found.next()?;
        found
            .all(|p| p.fy_start == first.fy_start && p.fy_end == first.fy_end)
            .then_some(first)
    }

    fn field_measures(
        &self,
        f: &Field<'a>,
        name: Option<&Named>,
        date_ctx: &DateContext,
        lines: &[NormLine],
        ctx: &DocContext,
        dated: &DatedBlocks<'_>,
    ) -> Vec<Measure> {
        let value = &f.pair.value;
        let text = value.text.as_str();
        let stance = self.stance(f);
        let quantities: Vec<Quantity> = match f.pair.scalar {
            JsonScalar::String => field_quantities(text, stance.is_some(), date_ctx),
            // A bare number is a figure only where the name says what it is.
            JsonScalar::Number if stance.is_some() || f.key_unit.is_some() => {
                numbers::parse_quantity(text).into_iter().collect()
            }
            _ => Vec::new(),
        };
        if quantities.is_empty() {
            return Vec::new();
        }
        let notes = period_notes(text, date_ctx);
        let found = dates::find_dates(text, date_ctx);
        let name_unit = name.and_then(|n| n.1.as_ref());
        let block_id = dated.blocks.get(f.block).map_or(0, |b| b.block.block_id);
        let mut out = Vec::new();
        let mut last_end = 0;
        for q in quantities {
            let start_of_label = last_end;
            last_end = q.end;
            if notes.iter().any(|n| n.start <= q.start && q.end <= n.end) {
                continue;
            }
            // What stands between the previous figure and this one labels
            // it (`令和9年度目標2,210億円`, `2030年度：3,500戸`).
            // A sentence end or a cell bar (`… | 60%`) ends a label.
            let label: String = text
                .chars()
                .skip(start_of_label)
                .take(q.start.saturating_sub(start_of_label))
                .collect();
            let label = label
                .rsplit(['。', ';', '；', '|'])
                .next()
                .unwrap_or_default();
            let label_start = q.start.saturating_sub(label.chars().count());
            let mut label_dates = found.iter().filter(|d| {
                d.start >= label_start
                    && d.end <= q.start
                    && !notes.iter().any(|n| n.start <= d.start && d.end <= n.end)
            });
            let stance = stance
                .or_else(|| stance_of(label))
                .unwrap_or(Stance::Stated);
            let note: Option<PeriodNote> =
                period_after_value(text, q.end, date_ctx).or_else(|| {
                    // A field is one statement: a period note later in it
                    // dates the figures before it (`65.9％に向上（2032年）`).
                    notes
                        .iter()
                        .find(|n| n.start >= q.end && n.period.is_some())
                        .cloned()
                });
            let period = note
                .as_ref()
                .and_then(|n| n.period.clone())
                .or_else(|| {
                    label_dates
                        .next_back()
                        .and_then(|d| dated_period(d, &d.raw))
                })
                .or_else(|| f.key_period.clone())
                .or_else(|| self.paired_period(f, date_ctx));
            let (unit, value_base, scale) = match (&q.unit, self.unit(f, name_unit)) {
                (None, Some((u, s))) => (Some(u), q.value * s, q.scale * s),
                _ => (q.unit.clone(), q.value, q.scale),
            };
            let (fy_start, fy_end, period_label) = match &period {
                Some(p) => (p.fy_start, p.fy_end, Some(p.label.clone())),
                None => (None, None, None),
            };
            let span = matches!((fy_start, fy_end), (Some(a), Some(b)) if b > a);
            let at = value.pos_at(q.start);
            out.push(Measure {
                doc_id: ctx.doc_id.clone(),
                measure_id: 0,
                entity: None,
                section: None,
                indicator: Some(name.map_or_else(|| f.pair.key.to_string(), |(n, _)| n.clone())),
                stance,
                measure: kind_of(unit.as_deref()),
                period_label,
                fy_start,
                fy_end,
                cumulative: note.as_ref().map_or(span, |n| n.cumulative),
                value: value_base,
                unit,
                scale,
                decimals: q.decimals,
                approx: q.approx,
                qualifier: q.qualifier.clone(),
                source: MeasureSource::KeyValue,
                raw: raw_span(lines, value, q.start, q.end),
                line: at.line,
                col: at.col,
                block_id,
                table_id: None,
                table_row: None,
                table_col: None,
            });
        }
        out
    }
}

/// The unit an indicator's name prints last: `農業産出額（億円）`,
/// `温室効果ガス排出量(万t-CO2)` (a scale word and a long unit).
/// Only units of the vocabulary: a name's parentheses also hold words
/// that read as a unit elsewhere (`（設備容量）`, `（カロリーベース）`).
fn name_unit(name: &str) -> Option<(String, f64)> {
    let known = |u: &(String, f64)| units::UNITS.iter().any(|x| x.base == u.0);
    let inner = || {
        let inner = name.trim().strip_suffix(')')?.rsplit_once('(')?.1.trim();
        if inner.is_empty() || inner.chars().count() > MAX_NAME_UNIT_CHARS {
            return None;
        }
        let q = numbers::parse_quantity(&format!("1{inner}"))?;
        Some((q.unit?, q.scale))
    };
    inner()
        .filter(known)
        .or_else(|| unit_in_label(name).filter(known))
}

/// The figures of a string field. A field whose name says what its
/// figures are (a stance) holds them bare too, word by word (`2,230`,
/// `48.2% （2024年） | 60% | 65%`), as does a field that is one figure;
/// other text holds the figures prose does (with a unit).
fn field_quantities(text: &str, named: bool, ctx: &DateContext) -> Vec<Quantity> {
    let mut out: Vec<Quantity> = Vec::new();
    let words = tokens(text);
    if named || words.len() == 1 {
        let found = dates::find_dates(text, ctx);
        for (start, end, word) in &words {
            if found.iter().any(|d| d.start < *end && *start < d.end) {
                continue;
            }
            if let Some(mut q) = numbers::parse_quantity(word) {
                q.start += start;
                q.end += start;
                out.push(q);
            }
        }
    }
    for q in numbers::find_quantities(text) {
        if !out.iter().any(|t| t.start < q.end && q.start < t.end) {
            out.push(q);
        }
    }
    out.sort_by_key(|q| q.start);
    out
}

/// A unit as a field states it: `億円`, `(千人)`, `件数` (a count of 件),
/// or an English word (`percent`).
fn unit_word(text: &str) -> Option<(String, f64)> {
    let t = text.trim();
    if let Some(u) = cell_type::unit_of(t) {
        return Some(u);
    }
    if let Some(counted) = t.strip_suffix('数') {
        if let Some(u) = cell_type::unit_of(counted) {
            return Some(u);
        }
    }
    let lower = t.to_ascii_lowercase();
    fields::UNIT_WORDS
        .iter()
        .find(|(w, _)| *w == lower)
        .map(|(_, u)| ((*u).to_string(), 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(text: &str, end: usize) -> Option<(Option<i32>, Option<i32>, bool)> {
        let n = period_after_value(text, end, &DateContext::default())?;
        let p = n.period.as_ref();
        Some((
            p.and_then(|p| p.fy_start),
            p.and_then(|p| p.fy_end),
            n.cumulative,
        ))
    }

    #[test]
    fn a_note_in_parentheses_dates_the_value_before_it() {
        assert_eq!(
            note("73.7% (R3年度)", 5),
            Some((Some(2021), Some(2021), false))
        );
        assert_eq!(
            note("426万人泊 (R1年)", 6),
            Some((Some(2019), Some(2019), false))
        );
        assert_eq!(
            note("1,361組 (H29～R2年度)", 6),
            Some((Some(2017), Some(2020), true))
        );
        assert_eq!(note("13,000人 (5年間累計)", 7), Some((None, None, true)));
        assert_eq!(note("84.4ha (累計)", 6), Some((None, None, true)));
        assert_eq!(
            note("7,000万円 以下 (R7年)", 7),
            Some((Some(2025), Some(2025), false))
        );
        assert_eq!(
            note("50%以上(2031～2035年平均)", 5),
            Some((Some(2031), Some(2035), false))
        );
        assert_eq!(
            note("△70人 (R2年10月～R3年9月)", 4),
            Some((Some(2020), Some(2021), true))
        );
        assert_eq!(
            note("650万TEU(2030年代)", 7),
            Some((Some(2030), Some(2039), false))
        );
        assert_eq!(note("218 (2022)", 3), Some((Some(2022), Some(2022), false)));
        // Not a period: a base year, a unit, another figure, text between.
        assert_eq!(note("▲27.6% (2013年度比)", 6), None);
        assert_eq!(note("1,500 (千円)", 5), None);
        assert_eq!(note("2.31% (3.5%)", 5), None);
        assert_eq!(note("35件の実績 (R3年度)", 3), None);
    }

    #[test]
    fn periods_of_period_fields() {
        let p =
            |t: &str| period_of_value(t, &DateContext::default()).map(|p| (p.fy_start, p.fy_end));
        assert_eq!(p("R6年度"), Some((Some(2024), Some(2024))));
        assert_eq!(p("R4 (2022)"), Some((Some(2022), Some(2022))));
        assert_eq!(p("r5 (2023)"), Some((Some(2023), Some(2023))));
        assert_eq!(p("2023～27年 の5年累計"), Some((Some(2023), Some(2027))));
        assert_eq!(p("2022"), Some((Some(2022), Some(2022))));
        assert_eq!(p("未定"), None);
    }

    #[test]
    fn periods_in_field_names() {
        let y = |w: &str| word_period(w).and_then(|p| p.fy_start);
        assert_eq!(y("r8"), Some(2026));
        assert_eq!(y("h30"), Some(2018));
        assert_eq!(y("2030"), Some(2030));
        assert_eq!(y("fy2024"), Some(2024));
        assert_eq!(y("r"), None);
        assert_eq!(y("m1"), None);
        assert_eq!(y("x8"), None);
        assert_eq!(y("123"), None);
        assert_eq!(y("r123"), None);
    }

    #[test]
    fn units_as_fields_state_them() {
        assert_eq!(unit_word("億円"), Some(("円".to_string(), 1e8)));
        assert_eq!(unit_word("件数").map(|u| u.0), Some("件".to_string()));
        assert_eq!(unit_word("percent").map(|u| u.0), Some("%".to_string()));
        assert_eq!(unit_word("milestone"), None);
    }

    #[test]
    fn a_name_states_a_known_unit_only() {
        assert_eq!(
            name_unit(
                "農業産出額（億円）"
                    .replace('（', "(")
                    .replace('）', ")")
                    .as_str()
            ),
            Some(("円".to_string(), 1e8))
        );
        assert_eq!(
            name_unit("排出量(万t-CO2)"),
            Some(("t-CO2".to_string(), 1e4))
        );
        assert_eq!(name_unit("導入量(設備容量)"), None);
        assert_eq!(name_unit("食料自給率(カロリーベース)"), None);
        assert_eq!(name_unit("利用者数"), None);
    }
}
