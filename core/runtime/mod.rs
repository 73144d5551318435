//! The kernel: the loop's core (run queue, registry of tasks, the wake-up
//! path from other threads, which loop runs on this thread), its clock and
//! timers, the reactor and I/O sources, the signal plumbing, and what lets a
//! running program be seen from inside (debug mode's records and reports,
//! the task tree, the deadlock check).
//!
//! Only the crate sees it, and it imports nothing user-facing: its modules
//! import each other freely (they form one circle), and the rest of the crate
//! reaches them only through the items re-exported below. `Clock` is the one
//! public type defined here (a loop setting, re-exported by `lib.rs`).

mod child_wake;
mod clock;
mod ctrl_c;
mod current;
mod deadlock;
mod inspect;
mod io_source;
mod loop_core;
mod loop_locals;
mod loop_signals;
mod main_task;
mod park;
mod poller;
mod reactor;
mod recorded_poll;
mod registry;
mod remote;
mod report;
mod run_queue;
mod scope_nodes;
mod shutdown;
mod signal_hub;
mod snapshot;
mod snapshot_text;
mod task_meta;
mod timers;
mod wait_reason;

pub use clock::Clock;

pub(crate) use child_wake::{ChildWake, ReadyList};
pub(crate) use ctrl_c::CtrlC;
pub(crate) use current::{expect_current, in_a_loop, with_current};
pub(crate) use io_source::IoSource;
pub(crate) use loop_core::{Interrupted, LoopCore, RawTask, Ready};
pub(crate) use loop_locals::LoopLocal;
pub(crate) use loop_signals::SignalListener;
pub(crate) use main_task::MainTask;
pub(crate) use reactor::Direction;
pub(crate) use remote::{LoopId, Remote, RemoteItem};
pub(crate) use task_meta::{
    CODE_CTRL_C, CODE_LOOP_SHUTDOWN, CODE_TERMINATED, MAX_CANCEL_CODE, TaskMeta,
};
pub(crate) use timers::{Call as TimerCall, TimerKey};

pub(crate) use report::{Level as ReportLevel, emit as report, spawned_at};
pub(crate) use scope_nodes::{ChildNode, ChildSource, GroupNode, Polling};
pub(crate) use snapshot::{Node, NodeKind, Snapshot};
pub(crate) use snapshot_text::line as draw_node;
pub(crate) use wait_reason::{Wait, begin_poll, end_poll, note_wait, recording};
