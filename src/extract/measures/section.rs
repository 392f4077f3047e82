//! The section a block belongs to: the entity, stance words and heading it
//! inherits from its enclosing headings.

use regex::Regex;
use rustc_hash::FxHashMap;
use std::ops::Deref;
use std::rc::Rc;
use std::sync::LazyLock;

use super::{point_in_time_fy, DatedBlocks};
use crate::extract::DocContext;
use crate::model::{BlockKind, Stance};
use crate::scan::keywords::stance_of;
use crate::vocab::places;

pub(super) static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\[【(（<＜]\s*([^\]】)）>＞\s]{1,10}?(?:都|道|府|県|市|区|町|村))\s*[\]】)）>＞]")
        .unwrap_or_else(|e| panic!("entity pattern: {e}"))
});

/// A municipality or prefecture named as a section label: in brackets
/// (`[松江市]`, `【北山村】`, `＜東町＞`) or as the whole heading after a
/// symbol marker (`■北山市`, `◆東町`).
pub(super) fn entity_in(text: &str) -> Option<String> {
    let first_line = text.lines().next()?;
    if !opens_label(first_line) {
        return place_heading(first_line);
    }
    let caps = ENTITY.captures(first_line)?;
    let m = caps.get(0)?;
    // Only a label at the start of the heading names the section's entity.
    if first_line.get(..m.start())?.trim().chars().count() > 1 {
        return None;
    }
    Some(caps.get(1)?.as_str().to_string())
}

/// A heading that is only a place name after a marker (`■北山市`, `## 東町`).
fn place_heading(line: &str) -> Option<String> {
    let line = line.trim();
    // The marker: symbols or Markdown `#`s, not a word.
    let name = line
        .trim_start_matches(|c: char| !c.is_alphanumeric() && !c.is_whitespace())
        .trim();
    if name.len() == line.len() {
        return None;
    }
    let n = name.chars().count();
    let last = name.chars().next_back()?;
    let plain = name
        .chars()
        .all(|c| c.is_alphabetic() && !c.is_ascii() && !"・、。".contains(c));
    ((2..=places::MAX_NAME_CHARS).contains(&n)
        && plain
        && places::SUFFIXES.contains(&last)
        && !places::NOT_PLACES.contains(&name))
    .then(|| name.to_string())
}

/// Whether an opening bracket stands where `entity_in` accepts a label: at
/// most one char before it. Most headings have none there, and the regex
/// need not run.
pub(super) fn opens_label(line: &str) -> bool {
    let is_open = |c: char| matches!(c, '[' | '【' | '(' | '（' | '<' | '＜');
    let mut chars = line.trim_start().chars();
    match chars.next() {
        Some(c) if is_open(c) => true,
        Some(_) => chars.as_str().trim_start().starts_with(is_open),
        None => false,
    }
}

/// What the blocks of a section inherit from it: entity, stance words, heading.
#[derive(Debug)]
pub(super) struct Inherited {
    pub(super) entity: Option<String>,
    pub(super) stance: Option<Stance>,
    pub(super) heading: Option<String>,
    /// The fiscal year of the day an enclosing heading dates its section by
    /// (`職員の状況（令和6年4月1日現在）`): the period of a figure below that
    /// names none.
    pub(super) as_of: Option<i32>,
}

/// A block's section: what it inherits, shared with the other blocks under
/// the same parent, and the fiscal year its own date context gives.
#[derive(Debug)]
pub(super) struct Section {
    pub(super) inherited: Rc<Inherited>,
    pub(super) fiscal_year: Option<i32>,
    /// The era bare years in the block read in (`30年度` in a 平成 text).
    pub(super) era: Option<&'static str>,
}

impl Deref for Section {
    type Target = Inherited;

    fn deref(&self) -> &Inherited {
        &self.inherited
    }
}

/// Sections already read: the blocks of a section share their ancestors,
/// and reading them (a regex per heading) per block was a large share of
/// extraction.
#[derive(Default)]
pub(super) struct Sections {
    /// By parent and the place label a block follows at its own level.
    pub(super) by_parent: FxHashMap<(Option<u32>, Option<u32>), Rc<Inherited>>,
    /// Per block: the nearest heading before it under the same parent.
    pub(super) prev_heading: Option<Vec<Option<usize>>>,
    /// `entity_in` by block id: a heading is an ancestor of every section
    /// below it.
    pub(super) entities: FxHashMap<u32, Option<String>>,
}

pub(super) fn section_of(
    dated: &DatedBlocks<'_>,
    i: usize,
    ctx: &DocContext,
    seen: &mut Sections,
) -> Section {
    let fiscal_year = dated.contexts.get(i).and_then(|c| c.fiscal_year);
    let era = dated.contexts.get(i).and_then(|c| c.era);
    let parent = dated.blocks.get(i).and_then(|b| b.block.parent_id);
    // A place label a key of the same family closed (`【北山市】` then
    // `【予算額】1,234千円`, peers) still names the place of what follows it.
    let label = previous_heading(dated, i, seen).and_then(|b| {
        let place = seen
            .entities
            .entry(b.block.block_id)
            .or_insert_with(|| entity_in(&b.block.raw))
            .clone()?;
        Some((b.block.block_id, place))
    });
    let key = (parent, label.as_ref().map(|l| l.0));
    if let Some(s) = seen.by_parent.get(&key) {
        return Section {
            inherited: Rc::clone(s),
            fiscal_year,
            era,
        };
    }
    let ancestors = dated.ancestors(i);
    let entity = label
        .map(|l| l.1)
        .or_else(|| {
            ancestors.iter().find_map(|b| {
                seen.entities
                    .entry(b.block.block_id)
                    .or_insert_with(|| entity_in(&b.block.raw))
                    .clone()
            })
        })
        .or_else(|| ctx.issuer.clone());
    let stance = ancestors.iter().find_map(|b| stance_of(&b.block.text));
    let heading = ancestors.first().map(|b| b.block.text.trim().to_string());
    let as_of = ancestors.iter().find_map(|b| {
        let j = dated.index.get(&b.block.block_id)?;
        point_in_time_fy(dated.block_dates.get(*j)?)
    });
    let inherited = Rc::new(Inherited {
        entity,
        stance,
        heading,
        as_of,
    });
    seen.by_parent.insert(key, Rc::clone(&inherited));
    Section {
        inherited,
        fiscal_year,
        era,
    }
}

/// The nearest heading before block `i` under the same parent.
fn previous_heading<'a>(
    dated: &DatedBlocks<'a>,
    i: usize,
    seen: &mut Sections,
) -> Option<&'a crate::segment::SegBlock> {
    let prev = seen.prev_heading.get_or_insert_with(|| {
        let mut last: FxHashMap<Option<u32>, usize> = FxHashMap::default();
        dated
            .blocks
            .iter()
            .enumerate()
            .map(|(j, b)| {
                let before = last.get(&b.block.parent_id).copied();
                if b.block.kind == BlockKind::Heading {
                    last.insert(b.block.parent_id, j);
                }
                before
            })
            .collect()
    });
    let j = prev.get(i).copied().flatten()?;
    dated.blocks.get(j)
}
