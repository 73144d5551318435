//! The future given to `run_until_complete` is polled in place, not spawned, so
//! that it may borrow from its caller. It still counts as a task: it has
//! metadata, shows in `current_task()` and can be cancelled.

use crate::runtime::loop_core::{LoopCore, Ready};
use crate::runtime::remote::Remote;
use crate::runtime::task_meta::TaskMeta;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Wake, Waker};

pub(crate) struct MainTask {
    pub(crate) meta: TaskMeta,
    wake: Arc<MainWake>,
}

/// The main future's waker: queues `Ready::Main` once per wake-up.
struct MainWake {
    scheduled: AtomicBool,
    remote: Arc<Remote>,
}

impl Wake for MainWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.scheduled.swap(true, Ordering::AcqRel) {
            self.remote.schedule(Ready::Main);
        }
    }
}

impl MainTask {
    pub(crate) fn new(id: u64, remote: Arc<Remote>) -> Rc<MainTask> {
        Rc::new(MainTask {
            meta: TaskMeta::new(id, remote.loop_id),
            wake: Arc::new(MainWake {
                scheduled: AtomicBool::new(false),
                remote,
            }),
        })
    }

    pub(crate) fn waker(&self) -> Waker {
        Waker::from(self.wake.clone())
    }

    pub(crate) fn wake(&self) {
        self.wake.wake_by_ref();
    }

    /// Called as its queue entry is taken, so the next wake-up queues it again.
    pub(crate) fn unschedule(&self) {
        self.wake.scheduled.store(false, Ordering::Release);
    }
}

impl LoopCore {
    /// Cancels the main future of the run in progress, if any, with `code`
    /// as its reason (the first request's code is kept).
    pub(crate) fn cancel_main(&self, code: u8) {
        let main = self.main.borrow().clone();
        if let Some(main) = main {
            let first = !main.meta.cancel_requested();
            if main.meta.request_cancel() {
                if first {
                    main.meta.set_cancel_code(code);
                }
                main.wake();
            }
        }
    }
}
