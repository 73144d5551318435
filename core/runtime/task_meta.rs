//! What the loop knows about each task, stored inside the task's own allocation.
//!
//! Every task pays for it, so it is kept to two words, which keeps a small
//! task's allocation in the allocator's 64-byte class (with async-task's
//! 32-byte header and an 8-byte future). One word holds the state flags in
//! its low bits and, above them, either the task's id or, once the task needs
//! its rarely used parts (a name, done callbacks, a kept outcome), the address
//! of those parts, which then hold the id. The other word holds the loop's id
//! (read from other threads, so it has a half of its own that never changes)
//! and, packed in the other half, the registry key, a one-byte code saying
//! why the task was cancelled, and two more flags.
//!
//! Nothing that is not `Send` may be dropped with the metadata: the last
//! reference to a task's allocation can be a waker on another thread. The
//! rarely used parts that are not `Send` (done callbacks, the kept outcome)
//! are emptied on the loop's thread: the callbacks when the task's future
//! ends or is dropped, the outcome when the task's handle is dropped.

use crate::runtime::remote::{LoopId, Remote};
use std::any::Any;
use std::borrow::Cow;
use std::cell::Cell;
use std::ptr::{self, NonNull};

const CANCEL_REQUESTED: usize = 1;
/// Set once the task's future has been dropped and its outcome decided.
const DONE: usize = 2;
const CANCELLED: usize = 4;
/// Set on the tasks that carry a plain callback (`call_soon`, `call_later`):
/// they are not listed by `all_tasks()`.
const INTERNAL: usize = 8;
/// Set on `shield`ed tasks: `run` waits for them rather than cancelling them.
const SHIELDED: usize = 16;
/// Set once the task handle took the outcome out of the task.
const TAKEN: usize = 32;
/// Set once the word above the flags is the address of the task's `Extra`.
const HAS_EXTRA: usize = 64;
/// How many low bits of the word hold the flags above (`Extra` is aligned so
/// that its address leaves them free).
const FLAG_BITS: u32 = 7;
const FLAGS: usize = (1 << FLAG_BITS) - 1;

/// A done callback, type-erased: it receives `&Result<T, TaskError>` as `&dyn Any`.
pub(crate) type DoneCallback = Box<dyn FnOnce(&dyn Any)>;

/// Per-task bookkeeping. It lives in the `async-task` allocation (as its
/// metadata) for spawned tasks, and in the loop for the main future.
pub(crate) struct TaskMeta {
    /// The flags, below either `id << FLAG_BITS` or the address of the boxed
    /// `Extra` (aligned so that its low bits are free), as `HAS_EXTRA` says.
    word: Cell<*mut Extra>,
    /// The registry key (low `KEY_BITS`), the cancel code and the flags of
    /// `SECOND_FLAGS`.
    packed: Cell<u32>,
    /// The loop the task belongs to; read from other threads, never changed.
    loop_id: LoopId,
}

/// Bits of `packed` that hold the registry key: up to 16,777,215 live tasks
/// per loop.
const KEY_BITS: u32 = 24;
const KEY_MASK: u32 = (1 << KEY_BITS) - 1;
/// Six bits of cancel code above the key (see [`TaskMeta::cancel_code`]).
const CODE_SHIFT: u32 = KEY_BITS;
const CODE_MASK: u32 = 0x3f << CODE_SHIFT;
/// The largest cancel code.
pub(crate) const MAX_CANCEL_CODE: u8 = 0x3f;
/// Cancel codes the kernel sets itself (the cancellation machinery gives the
/// others their meaning): the loop shut down, Ctrl-C, and SIGTERM.
pub(crate) const CODE_LOOP_SHUTDOWN: u8 = 1;
pub(crate) const CODE_CTRL_C: u8 = 2;
pub(crate) const CODE_TERMINATED: u8 = 4;
/// Set once the cancellation machinery keeps state for this task (catchers
/// wait in it): it must be told when the task ends.
const HAS_SCOPE: u32 = 1 << 30;
/// Set while the task's handle is being awaited: dropping the handle then
/// cancels the task.
const AWAITED: u32 = 1 << 31;

/// The parts few tasks use. Its alignment leaves `FLAG_BITS` low bits of its
/// address free for the flags.
#[repr(align(128))]
struct Extra {
    id: u64,
    name: Option<Cow<'static, str>>,
    callbacks: Vec<DoneCallback>,
    /// The outcome, kept once the task handle took it out of the raw task for
    /// `result()` (a `Box<Result<T, TaskError>>`). Only the handle touches it.
    outcome: Option<Box<dyn Any>>,
    /// The payload of the panic that ended the task, until the handle takes it.
    panic: Option<Box<dyn Any + Send>>,
    /// Why the task was cancelled, when six bits could not say it (a
    /// `Cancelled` the kernel does not look into), until the handle takes it.
    cancel_value: Option<Box<dyn Any + Send>>,
}

impl TaskMeta {
    /// Ids are unique within a loop; they wrap after 2^57 tasks (2^25 where
    /// pointers have 32 bits).
    pub(crate) fn new(id: u64, loop_id: LoopId) -> Self {
        TaskMeta {
            word: Cell::new(ptr::without_provenance_mut((id as usize) << FLAG_BITS)),
            packed: Cell::new(KEY_MASK),
            loop_id,
        }
    }

    /// The `Extra`, if the task has one.
    /// True when the task has extra parts (done callbacks, a kept outcome
    /// or reason, ...).
    #[inline]
    pub(crate) fn has_extra(&self) -> bool {
        self.word.get().addr() & HAS_EXTRA != 0
    }

    #[inline]
    fn extra_ptr(&self) -> Option<NonNull<Extra>> {
        let word = self.word.get();
        if word.addr() & HAS_EXTRA == 0 {
            return None;
        }
        NonNull::new(word.map_addr(|a| a & !FLAGS))
    }

    pub(crate) fn id(&self) -> u64 {
        match self.extra_ptr() {
            // SAFETY: see `with_extra`; the read ends before anything else
            // can reach the `Extra`.
            Some(extra) => unsafe { extra.as_ref() }.id,
            None => (self.word.get().addr() >> FLAG_BITS) as u64,
        }
    }

    pub(crate) fn loop_id(&self) -> LoopId {
        self.loop_id
    }

    fn has(&self, flag: usize) -> bool {
        self.word.get().addr() & flag != 0
    }

    fn set(&self, flags: usize) {
        self.word.set(self.word.get().map_addr(|a| a | flags));
    }

    pub(crate) fn request_cancel(&self) -> bool {
        if self.has(DONE) {
            return false;
        }
        self.set(CANCEL_REQUESTED);
        true
    }

    pub(crate) fn cancel_requested(&self) -> bool {
        self.has(CANCEL_REQUESTED)
    }

    pub(crate) fn is_done(&self) -> bool {
        self.has(DONE)
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.has(CANCELLED)
    }

    pub(crate) fn mark_done(&self, cancelled: bool) {
        self.set(if cancelled { DONE | CANCELLED } else { DONE });
    }

    pub(crate) fn mark_internal(&self) {
        self.set(INTERNAL);
    }

    pub(crate) fn is_internal(&self) -> bool {
        self.has(INTERNAL)
    }

    pub(crate) fn mark_shielded(&self) {
        self.set(SHIELDED);
    }

    pub(crate) fn is_shielded(&self) -> bool {
        self.has(SHIELDED)
    }

    pub(crate) fn mark_taken(&self) {
        self.set(TAKEN);
    }

    pub(crate) fn is_taken(&self) -> bool {
        self.has(TAKEN)
    }

    /// Where this task sits in the loop's registry.
    pub(crate) fn registry_key(&self) -> usize {
        (self.packed.get() & KEY_MASK) as usize
    }

    #[inline]
    pub(crate) fn set_registry_key(&self, key: usize) {
        let Some(key) = u32::try_from(key).ok().filter(|&k| k < KEY_MASK) else {
            too_many_tasks();
        };
        self.packed.set(self.packed.get() & !KEY_MASK | key);
    }

    /// Why the task was cancelled, as a small code whose meaning the
    /// cancellation machinery keeps (0: not said).
    pub(crate) fn cancel_code(&self) -> u8 {
        ((self.packed.get() & CODE_MASK) >> CODE_SHIFT) as u8
    }

    pub(crate) fn set_cancel_code(&self, code: u8) {
        debug_assert!(code <= MAX_CANCEL_CODE);
        let code = (u32::from(code) << CODE_SHIFT) & CODE_MASK;
        self.packed.set(self.packed.get() & !CODE_MASK | code);
    }

    fn set_packed_flag(&self, flag: u32, on: bool) {
        let packed = self.packed.get();
        self.packed
            .set(if on { packed | flag } else { packed & !flag });
    }

    /// True once the cancellation machinery keeps state for this task.
    pub(crate) fn has_scope(&self) -> bool {
        self.packed.get() & HAS_SCOPE != 0
    }

    pub(crate) fn set_has_scope(&self, on: bool) {
        self.set_packed_flag(HAS_SCOPE, on);
    }

    /// True when the task finished and its outcome is untouched in the raw
    /// task: not taken, nothing kept aside (a panic's payload, a reason, an
    /// outcome put back) and no await of it registered as a catch point.
    #[inline]
    pub(crate) fn outcome_in_place(&self) -> bool {
        self.word.get().addr() & (DONE | TAKEN | HAS_EXTRA) == DONE
            && self.packed.get() & AWAITED == 0
    }

    /// True while the task's handle is being awaited.
    pub(crate) fn is_awaited(&self) -> bool {
        self.packed.get() & AWAITED != 0
    }

    pub(crate) fn set_awaited(&self, on: bool) {
        self.set_packed_flag(AWAITED, on);
    }

    /// Wakes the task so that it sees a cancel request: directly when its loop
    /// runs on this thread, else through the loop's injection queue.
    pub(crate) fn wake_to_cancel(&self) {
        let key = self.registry_key();
        // A loop that is gone has already cancelled every task it had.
        Remote::on_loop(self.loop_id, move |core| core.wake_task(key));
    }

    /// Runs `f` on the rarely used parts, allocating them on first use.
    /// `f` must not call back into this metadata (none of the callers run
    /// user code inside it).
    fn with_extra<R>(&self, f: impl FnOnce(&mut Extra) -> R) -> R {
        let mut extra = match self.extra_ptr() {
            Some(extra) => extra,
            None => {
                let boxed = Box::new(Extra {
                    id: self.id(),
                    name: None,
                    callbacks: Vec::new(),
                    outcome: None,
                    panic: None,
                    cancel_value: None,
                });
                let flags = self.word.get().addr() & FLAGS;
                let raw = Box::into_raw(boxed);
                self.word.set(raw.map_addr(|a| a | flags | HAS_EXTRA));
                // SAFETY: `Box::into_raw` never returns null.
                unsafe { NonNull::new_unchecked(raw) }
            }
        };
        // SAFETY: the `Extra` was boxed above and is freed only by `Drop`, so
        // it is valid; the metadata is `!Sync` and `f` does not reach back into
        // it, so this is the only reference for the duration of the call.
        f(unsafe { extra.as_mut() })
    }

    /// Reads the rarely used parts without allocating them.
    fn read_extra<R>(&self, f: impl FnOnce(Option<&Extra>) -> R) -> R {
        // SAFETY: as in `with_extra`; `f` only reads plain data.
        f(self.extra_ptr().map(|extra| unsafe { extra.as_ref() }))
    }

    /// The task's name: the one it was given, or asyncio's `Task-<id>`.
    pub(crate) fn name(&self) -> String {
        let given = self.read_extra(|extra| extra.and_then(|e| e.name.clone()));
        match given {
            Some(name) => name.into_owned(),
            None => format!("Task-{}", self.id()),
        }
    }

    pub(crate) fn set_name(&self, name: Cow<'static, str>) {
        self.with_extra(|extra| extra.name = Some(name));
    }

    pub(crate) fn push_callback(&self, callback: DoneCallback) {
        self.with_extra(|extra| extra.callbacks.push(callback));
    }

    /// Runs the done callbacks, in the order they were added.
    #[inline]
    pub(crate) fn run_callbacks(&self, outcome: &dyn Any) {
        // Most tasks have no callbacks and no extra parts: nothing to allocate.
        if self.extra_ptr().is_some() {
            self.run_kept_callbacks(outcome);
        }
    }

    #[cold]
    fn run_kept_callbacks(&self, outcome: &dyn Any) {
        let callbacks = self.with_extra(|extra| std::mem::take(&mut extra.callbacks));
        for callback in callbacks {
            // A panicking callback is reported by the panic hook; the others
            // still run and the task still completes.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| callback(outcome)));
        }
    }

    /// Drops the done callbacks unrun (the task's future was dropped before
    /// it finished); on the loop's thread, as they need not be `Send`.
    pub(crate) fn drop_callbacks(&self) {
        if self.extra_ptr().is_some() {
            drop(self.with_extra(|extra| std::mem::take(&mut extra.callbacks)));
        }
    }

    /// Keeps the outcome the handle took out of the raw task.
    pub(crate) fn keep_outcome(&self, outcome: Box<dyn Any>) {
        self.with_extra(|extra| extra.outcome = Some(outcome));
    }

    /// Where the kept outcome is. It stays at that address until
    /// [`take_outcome`](Self::take_outcome) or the end of the metadata.
    pub(crate) fn kept_outcome(&self) -> Option<NonNull<dyn Any>> {
        self.read_extra(|extra| extra.and_then(|e| e.outcome.as_deref()).map(NonNull::from))
    }

    #[inline]
    pub(crate) fn take_outcome(&self) -> Option<Box<dyn Any>> {
        self.extra_ptr()?;
        self.with_extra(|extra| extra.outcome.take())
    }
}

impl TaskMeta {
    /// Keeps the payload of the panic that ended the task for its handle (the
    /// raw task's output only says "no value", which keeps it small).
    pub(crate) fn keep_panic(&self, payload: Box<dyn Any + Send>) {
        self.with_extra(|extra| extra.panic = Some(payload));
    }

    #[inline]
    pub(crate) fn take_panic(&self) -> Option<Box<dyn Any + Send>> {
        self.extra_ptr()?;
        self.with_extra(|extra| extra.panic.take())
    }

    /// Keeps why the task was cancelled for its handle.
    pub(crate) fn keep_cancel_value(&self, value: Box<dyn Any + Send>) {
        self.with_extra(|extra| extra.cancel_value = Some(value));
    }

    /// Reads the kept cancel value without taking it.
    pub(crate) fn with_cancel_value<R>(&self, f: impl FnOnce(Option<&(dyn Any + Send)>) -> R) -> R {
        self.read_extra(|extra| f(extra.and_then(|e| e.cancel_value.as_deref())))
    }
}

#[cold]
fn too_many_tasks() -> ! {
    panic!("more than 16 million live tasks on one aio event loop");
}

impl Drop for TaskMeta {
    fn drop(&mut self) {
        if let Some(extra) = self.extra_ptr() {
            // SAFETY: as in `with_extra`; nothing else reaches the metadata
            // while it is dropped.
            let parts = unsafe { extra.as_ref() };
            // This may run on any thread (see the module's comment): what is
            // not `Send` was emptied on the loop's thread before.
            debug_assert!(parts.callbacks.is_empty() && parts.outcome.is_none());
            // SAFETY: the `Extra` came from `Box::into_raw` in `with_extra` and
            // is freed only here, once.
            drop(unsafe { Box::from_raw(extra.as_ptr()) });
        }
    }
}
