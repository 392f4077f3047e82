//! Readers of one string, below the pipeline's stages: the dates and
//! quantities in a text (`dates`, `numbers`) and the words that give a
//! figure its meaning (`keywords`), over the vocabulary in `vocab`.
//! Segment types table cells with them and extract reads facts with them,
//! so they sit under both: imports flow decode → normalize → segment →
//! extract → check → write, with `scan` and `vocab` beneath.

pub mod dates;
pub mod keywords;
pub mod numbers;
