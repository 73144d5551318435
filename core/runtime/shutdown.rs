//! The end of a loop: shielded work finishes, every task still alive is
//! cancelled and its cleanup runs, then the loop refuses further work.

use crate::runtime::current::{Enter, with_current};
use crate::runtime::loop_core::{LoopCore, Ready};
use crate::runtime::task_meta::CODE_LOOP_SHUTDOWN;
use std::ptr;
use std::task::Poll;

/// How many rounds of cancelling the tasks still alive shutdown runs before it
/// gives up on tasks whose cleanup keeps starting new ones.
const SHUTDOWN_ROUNDS: usize = 100;

impl LoopCore {
    pub(crate) fn shield_started(&self) {
        self.shielded.set(self.shielded.get() + 1);
    }

    pub(crate) fn shield_done(&self) {
        self.shielded.set(self.shielded.get().saturating_sub(1));
        if let Some(waker) = self.shield_waiter.borrow_mut().take() {
            waker.wake();
        }
    }

    /// Runs the loop until every shielded task finished (before shutdown).
    pub(crate) fn wait_shielded(&self) {
        // Not from inside another running loop (a runner dropped in a task):
        // this loop cannot run there; its shielded work is cancelled instead.
        if self.shielded.get() == 0 || self.closed.get() || with_current(|_| ()).is_some() {
            return;
        }
        let until_done = std::future::poll_fn(|cx| {
            if self.shielded.get() == 0 {
                Poll::Ready(())
            } else {
                *self.shield_waiter.borrow_mut() = Some(cx.waker().clone());
                Poll::Pending
            }
        });
        let _ = self.block_on(Some(std::pin::pin!(until_done)), "aio::run");
    }

    /// Runs what is ready, without waiting for timers or I/O, until nothing is.
    pub(super) fn run_ready(&self) {
        loop {
            self.take_remote();
            let Some(item) = self.ready.borrow_mut().pop() else {
                break;
            };
            if let Ready::Task(runnable) = item {
                self.current.set(runnable.metadata());
                runnable.run();
                self.current.set(ptr::null());
            }
        }
    }

    /// Cancels every task still alive and lets their cleanup run, as asyncio's
    /// `run()` does on the way out. Cleanup that starts new tasks is given
    /// [`SHUTDOWN_ROUNDS`] rounds; past them, the tasks still alive are
    /// reported and left (false), rather than cancelled for ever.
    pub(crate) fn cancel_all(&self) -> bool {
        let _enter = Enter::nested(self);
        for _ in 0..SHUTDOWN_ROUNDS {
            let wakers: Vec<_> = self
                .registry
                .borrow()
                .iter()
                .map(|(waker, meta)| {
                    if meta.request_cancel() && meta.cancel_code() == 0 {
                        meta.set_cancel_code(CODE_LOOP_SHUTDOWN);
                    }
                    waker.clone()
                })
                .collect();
            if wakers.is_empty() {
                return true;
            }
            for waker in wakers {
                waker.wake();
            }
            self.run_ready();
        }
        let alive = self.registry.borrow().iter().count();
        if alive == 0 {
            return true;
        }
        eprintln!(
            "aio: the event loop stopped cancelling tasks at shutdown after {SHUTDOWN_ROUNDS} \
             rounds: cancelling them keeps starting new ones (a Drop that calls create_task?); \
             {alive} task(s) are left without their cleanup"
        );
        false
    }

    /// Cancels what is left, drops every queued entry and refuses further work.
    pub(crate) fn close(&self) {
        if self.closed.get() {
            return;
        }
        // What is left is dropped now, whatever catches inside it.
        self.forcing.set(true);
        let settled = self.cancel_all();
        let _enter = Enter::nested(self);
        self.remote.close();
        let mut items = Vec::new();
        self.remote.take(&mut items);
        let queued = self.ready.borrow_mut().take_all();
        if settled {
            drop((items, queued));
        } else {
            // Dropping these would run cleanup that starts tasks again: the
            // tasks given up on are leaked, not dropped.
            std::mem::forget((items, queued));
        }
        self.closed.set(true);
        // What other parts keep with the loop ends with it (no pool thread
        // outlives the loop: asyncio's shutdown_default_executor).
        self.locals.close_all();
    }
}
