//! A document's time budget: the one thing every stage (segment, extract)
//! shares with the pipeline that runs them. Kept apart from `pipeline` so
//! that the stages need not reach up to the module that calls them.

use std::time::{Duration, Instant};

/// How long one document may take. Stages look at it between steps (every
/// line or block), so one pathological file fails alone instead of
/// stalling the night; making each stage linear is the first defence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    limit: Option<Duration>,
    deadline: Option<Instant>,
}

impl Budget {
    pub fn unlimited() -> Budget {
        Budget {
            limit: None,
            deadline: None,
        }
    }

    /// `limit` from now on.
    pub fn starting_now(limit: Duration) -> Budget {
        Budget {
            limit: Some(limit),
            deadline: Instant::now().checked_add(limit),
        }
    }

    pub fn exceeded(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    pub fn limit(&self) -> Option<Duration> {
        self.limit
    }
}
