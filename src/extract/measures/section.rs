//! The section a block belongs to: the entity, stance words and heading it
//! inherits from its enclosing headings.

use regex::Regex;
use rustc_hash::FxHashMap;
use std::ops::Deref;
use std::rc::Rc;
use std::sync::LazyLock;

use super::DatedBlocks;
use crate::extract::keywords::stance_of;
use crate::extract::DocContext;
use crate::model::Stance;

pub(super) static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\[【(（<＜]\s*([^\]】)）>＞\s]{1,10}?(?:都|道|府|県|市|区|町|村))\s*[\]】)）>＞]")
        .unwrap_or_else(|e| panic!("entity pattern: {e}"))
});

/// A municipality or prefecture named as a section label (`[松江市]`).
pub(super) fn entity_in(text: &str) -> Option<String> {
    let first_line = text.lines().next()?;
    if !opens_label(first_line) {
        return None;
    }
    let caps = ENTITY.captures(first_line)?;
    let m = caps.get(0)?;
    // Only a label at the start of the heading names the section's entity.
    if first_line.get(..m.start())?.trim().chars().count() > 1 {
        return None;
    }
    Some(caps.get(1)?.as_str().to_string())
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
    pub(super) by_parent: FxHashMap<Option<u32>, Rc<Inherited>>,
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
    if let Some(s) = seen.by_parent.get(&parent) {
        return Section {
            inherited: Rc::clone(s),
            fiscal_year,
            era,
        };
    }
    let ancestors = dated.ancestors(i);
    let entity = ancestors
        .iter()
        .find_map(|b| {
            seen.entities
                .entry(b.block.block_id)
                .or_insert_with(|| entity_in(&b.block.raw))
                .clone()
        })
        .or_else(|| ctx.issuer.clone());
    let stance = ancestors.iter().find_map(|b| stance_of(&b.block.text));
    let heading = ancestors.first().map(|b| b.block.text.trim().to_string());
    let inherited = Rc::new(Inherited {
        entity,
        stance,
        heading,
    });
    seen.by_parent.insert(parent, Rc::clone(&inherited));
    Section {
        inherited,
        fiscal_year,
        era,
    }
}
