//! Tasks: the handle of a spawned task (`Task`), the future a task really
//! runs (cancellation, panic capture, done callbacks), naming any task
//! (`TaskRef`, `current_task`, `all_tasks`), how a task ends (`TaskError`),
//! asyncio's settable future (`Promise`), and the handle of a plain callback
//! scheduled on the loop (`CallbackHandle`).
//!
//! Imports only the kernel (`runtime`).

mod abort_on_drop;
mod body;
mod callback_handle;
mod error;
mod handle;
mod lost_failure;
mod main_future;
mod promise;
mod root;
mod shutdown;
mod spawn;
mod task_await;
mod task_ref;

pub use abort_on_drop::AbortOnDrop;
pub use callback_handle::CallbackHandle;
pub use error::{Panic, TaskError};
pub use handle::Task;
pub use promise::{InvalidStateError, Promise, PromiseRef, PromiseWait};
pub use spawn::create_task;
pub use task_await::{JoinTarget, TaskJoin};
pub use task_ref::{TaskRef, all_tasks, current_task};

pub(crate) use error::panic_message;
pub(crate) use main_future::MainFuture;
pub use shutdown::DEFAULT_SHUTDOWN_GRACE;
pub(crate) use shutdown::shutdown_tasks;
pub(crate) use spawn::{spawn_at, spawn_on};
