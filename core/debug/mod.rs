//! Seeing inside a running program: debug mode (`AIO_DEBUG=1`,
//! `#[aio::main(debug)]`, [`EventLoop::set_debug`](crate::EventLoop::set_debug)),
//! the task tree ([`task_tree`], [`LoopHandle::task_tree`](crate::LoopHandle::task_tree)),
//! and the test utilities of [`testing`].
//!
//! What the loop records and reports is the kernel's (`runtime`): it must
//! work from inside the loop's turn (a slow poll, a deadlock). This folder
//! is the user's side of it. It imports the kernel, `event_loop` and
//! `threads`; only `lib.rs` imports it.

mod mode;
pub mod testing;
mod tree;

pub use tree::{NodeKind, TaskTree, TreeNode, task_tree};
