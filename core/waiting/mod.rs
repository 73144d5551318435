//! Waiting on several futures at once: `gather` (and its tuple form behind
//! `gather!`), `wait`, `as_completed`, and the engine of `select_first!`.
//!
//! Imports the kernel, `task`, `time` and `scope` (for `Elapsed`).

mod as_completed;
mod gather;
mod select;
mod tuple_gather;
mod wait;

pub use as_completed::{AsCompleted, as_completed};
pub use gather::{FailFast, Gather, ReturnAll, gather, gather_all};
pub use select::{SelectFirst, select_first};
pub use wait::{ReturnWhen, Wait, wait};

pub use select::{__branch_future, __poll_branch};
pub use tuple_gather::{__gather_poll, GatherSlot};
