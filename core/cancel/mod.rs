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
pub use cancelled_future::{CancelledFuture, cancelled};
pub use catch_cancel::{CatchCancel, catch_cancel};
pub use reraise::Reraise;

pub(crate) use catcher::{CatcherSlot, current_root_of, request_of, reraise, take_catchable};
pub(crate) use codes::{IN_STATE, encode as encode_code, encode_site};
pub(crate) use frames::{enter, enter_with_deadline, find_scope_deadline};
pub(crate) use registry::CancelRegistry;
pub(crate) use state::CancelState;
pub(crate) use tree::ScopeKey;
