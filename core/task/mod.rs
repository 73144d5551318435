//! Tasks: the handle of a spawned task (`Task`), the future a task really
//! runs (cancellation, panic capture, done callbacks), naming any task
//! (`TaskRef`, `current_task`, `all_tasks`), how a task ends (`TaskError`),
//! and asyncio's settable future (`Promise`).
//!
//! Imports only the kernel (`runtime`).

mod body;
mod error;
mod handle;
mod promise;
mod spawn;
mod task_ref;

pub use error::TaskError;
pub use handle::Task;
pub use promise::{Cancelled, InvalidStateError, Promise};
pub use spawn::create_task;
pub use task_ref::{all_tasks, current_task, TaskRef};

pub(crate) use error::panic_message;
pub(crate) use spawn::spawn_on;
