//! Cancellation: the `Cancelled` value and its reasons, catching it
//! (`catch_cancel`, `cancelled()`) and passing it on (`reraise`), and the
//! machinery every cancellable scope shares: its state, the frames that say
//! which scopes enclose the code being polled, and the per-loop tree of
//! scopes and catchers that decides between dropping a cancelled body at
//! once (nothing inside catches) and waking its catchers.
//!
//! Imports only the kernel (`runtime`).

mod cancelled;
mod cancelled_future;
mod catch_cancel;
mod catcher;
mod codes;
mod frames;
mod registry;
mod reraise;
mod state;
mod tree;

pub use cancelled::{CancelReason, Cancelled};
pub use cancelled_future::{cancelled, CancelledFuture};
pub use catch_cancel::{catch_cancel, CatchCancel};
pub use reraise::Reraise;

pub(crate) use catcher::{current_root_of, request_of, reraise, take_catchable, CatcherSlot};
pub(crate) use codes::{encode as encode_code, IN_STATE};
pub(crate) use frames::{enter, find_scope};
pub(crate) use registry::CancelRegistry;
pub(crate) use state::CancelState;
pub(crate) use tree::ScopeKey;
