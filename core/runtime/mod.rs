//! The kernel: the loop's core (run queue, registry of tasks, the wake-up
//! path from other threads, which loop runs on this thread), its clock and
//! timers, the reactor and I/O sources, and the signal plumbing.
//!
//! Only the crate sees it, and it imports nothing user-facing: its modules
//! import each other freely (they form one circle), and the rest of the crate
//! reaches them only through the items re-exported below. `Clock` is the one
//! public type defined here (a loop setting, re-exported by `lib.rs`).

mod child_wake;
mod clock;
mod ctrl_c;
mod current;
mod io_source;
mod loop_core;
mod loop_locals;
mod loop_signals;
mod main_task;
mod park;
mod poller;
mod reactor;
mod registry;
mod remote;
mod run_queue;
mod shutdown;
mod signal_hub;
mod task_meta;
mod timers;

pub use clock::Clock;

pub(crate) use child_wake::{ChildWake, ReadyList};
pub(crate) use ctrl_c::CtrlC;
pub(crate) use current::{expect_current, with_current};
pub(crate) use io_source::IoSource;
pub(crate) use loop_core::{Interrupted, LoopCore, RawTask, Ready};
pub(crate) use loop_locals::LoopLocal;
pub(crate) use loop_signals::SignalListener;
pub(crate) use main_task::MainTask;
pub(crate) use reactor::Direction;
pub(crate) use remote::{LoopId, Remote, RemoteItem};
pub(crate) use task_meta::{TaskMeta, CODE_CTRL_C, CODE_LOOP_SHUTDOWN, MAX_CANCEL_CODE};
pub(crate) use timers::{Call as TimerCall, TimerKey};
