//! Waiting on several futures at once: `gather` (and its tuple form behind
//! `gather!`), `wait`, `as_completed`, and the engine of `select_first!`.
//!
//! Imports the kernel, `task`, `time` and `scope` (for `Elapsed`).

mod as_completed;
mod gather;
mod select;
mod tuple_gather;
mod wait;

pub use as_completed::{as_completed, AsCompleted};
pub use gather::{gather, gather_all, FailFast, Gather, ReturnAll};
pub use select::{select_first, SelectFirst};
pub use wait::{wait, ReturnWhen, Wait};

pub use select::{__branch_future, __poll_branch};
pub use tuple_gather::{__gather_poll, GatherSlot};
