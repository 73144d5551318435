//! `CallbackHandle`: the handle of a plain callback scheduled on the loop
//! (`call_soon`, `call_later`, `call_at`), which can cancel it until it runs.

use crate::runtime::{LoopCore, LoopId, TimerCall, TimerKey, with_current};
use std::cell::Cell;
use std::rc::Rc;

/// A scheduled callback, asyncio's `Handle`/`TimerHandle`: it can be cancelled
/// until it has run.
///
/// ```
/// use std::time::Duration;
/// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
/// let handle = lp.call_later(Duration::from_secs(1), || unreachable!());
/// assert!(handle.cancel());
/// lp.run_until_complete(aio::sleep(Duration::from_secs(2)));
/// assert!(handle.is_cancelled() && handle.is_done());
/// ```
#[derive(Debug)]
pub struct CallbackHandle {
    state: Rc<CallbackState>,
}

#[derive(Debug, Default)]
struct CallbackState {
    /// Pending, ran, or cancelled.
    phase: Cell<CallbackPhase>,
    /// The timer of a `call_at`/`call_later`, removed on cancel.
    timer: Cell<Option<TimerKey>>,
    loop_id: Cell<LoopId>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum CallbackPhase {
    #[default]
    Pending,
    Ran,
    Cancelled,
}

impl CallbackHandle {
    /// A handle and the call that runs `callback` unless cancelled first.
    /// In debug mode the call says where it was scheduled, for the report
    /// of a slow callback.
    #[track_caller]
    pub(crate) fn new(
        core: &LoopCore,
        callback: impl FnOnce() + 'static,
    ) -> (CallbackHandle, TimerCall) {
        let state = Rc::new(CallbackState::default());
        state.loop_id.set(core.id);
        let shared = state.clone();
        let here = std::panic::Location::caller();
        let scheduled = core.inspect.debug().then_some(here);
        let call: TimerCall = Box::new(Box::new(move || {
            if shared.phase.get() == CallbackPhase::Pending {
                shared.phase.set(CallbackPhase::Ran);
                if let Some(at) = scheduled {
                    with_current(|core| core.inspect.callback_scheduled_at(at));
                }
                callback();
            }
        }));
        (CallbackHandle { state }, call)
    }

    /// The timer of a `call_at`/`call_later`, for `cancel` to remove.
    pub(crate) fn set_timer(&self, key: TimerKey) {
        self.state.timer.set(Some(key));
    }

    /// Stops the callback from running; `false` if it already ran.
    ///
    /// ```
    /// use std::time::Duration;
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let reminder = lp.call_later(Duration::from_secs(60), || unreachable!("cancelled"));
    /// assert!(reminder.cancel());
    /// assert!(!reminder.cancel()); // already done
    /// lp.run_until_complete(aio::sleep(Duration::from_secs(61)));
    /// ```
    pub fn cancel(&self) -> bool {
        if self.state.phase.get() != CallbackPhase::Pending {
            return false;
        }
        self.state.phase.set(CallbackPhase::Cancelled);
        if let Some(key) = self.state.timer.take() {
            let loop_id = self.state.loop_id.get();
            with_current(|core| {
                if core.id == loop_id {
                    core.timers.borrow_mut().remove(key);
                }
            });
        }
        true
    }

    /// True if the callback was cancelled before it ran.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let handle = lp.call_soon(|| ());
    /// assert!(!handle.is_cancelled());
    /// handle.cancel();
    /// assert!(handle.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.state.phase.get() == CallbackPhase::Cancelled
    }

    /// True once the callback ran or was cancelled.
    ///
    /// ```
    /// let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    /// let handle = lp.call_soon(|| ());
    /// assert!(!handle.is_done());
    /// lp.run_until_complete(aio::yield_now());
    /// assert!(handle.is_done() && !handle.is_cancelled());
    /// ```
    pub fn is_done(&self) -> bool {
        self.state.phase.get() != CallbackPhase::Pending
    }
}
