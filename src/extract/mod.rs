//! Stage 4: facts out of blocks and cells: dates, quantities, measures,
//! and the document's own title, issuer and date.

pub mod dates;
pub mod numbers;
