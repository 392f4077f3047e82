//! planfacts: Japanese public-sector plan documents in, tidy datasets and
//! consistency findings out. Each module is one pipeline stage:
//! decode → normalize → segment → extract → check → write.

pub mod budget;
pub mod cache;
pub mod check;
pub mod decode;
pub mod error;
pub mod extract;
pub mod generate;
pub mod model;
pub mod normalize;
pub mod parts;
pub mod pipeline;
pub mod probe;
pub mod report;
pub mod run;
pub mod scan;
pub mod schema;
pub mod segment;
pub mod text;
pub mod vocab;
pub mod write;
