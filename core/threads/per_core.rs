//! One loop per core: `run_per_core` starts share-nothing loops on their own
//! threads, each running its own copy of the main future, for servers that
//! outgrow one core (sockets bound with `TcpListener::bind_reuseport` let
//! every loop accept on the same port).

use crate::runtime::{Clock, CtrlC, LoopCore};
use crate::task::{DEFAULT_SHUTDOWN_GRACE, MainFuture, shutdown_tasks};
use crate::threads::LoopHandle;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::pin;
use std::rc::Rc;
use std::sync::{Arc, mpsc};
use std::thread;

/// What each loop of [`run_per_core`] is told: which one it is, and a
/// [`LoopHandle`] to every loop, for the rare message between them
/// (`call_soon_threadsafe`, `run_coroutine_threadsafe`).
///
/// ```
/// let sums = aio::run_per_core(2, |core| async move {
///     assert_eq!(core.count(), 2);
///     core.index() * 10
/// });
/// assert_eq!(sums, [0, 10]);
/// ```
#[derive(Clone, Debug)]
pub struct PerCore {
    index: usize,
    loops: Arc<[LoopHandle]>,
}

impl PerCore {
    /// This loop's place, from 0 to `count() - 1`.
    ///
    /// ```
    /// let ids = aio::run_per_core(3, |core| async move { core.index() });
    /// assert_eq!(ids, [0, 1, 2]);
    /// ```
    pub fn index(&self) -> usize {
        self.index
    }

    /// How many loops run.
    ///
    /// ```
    /// assert_eq!(aio::run_per_core(2, |core| async move { core.count() }), [2, 2]);
    /// ```
    pub fn count(&self) -> usize {
        self.loops.len()
    }

    /// The handle of loop `index` (this one's too); panics past `count()`.
    ///
    /// ```
    /// use std::sync::{Arc, Barrier};
    ///
    /// let both_done = Arc::new(Barrier::new(2));
    /// let answers = aio::run_per_core(2, |core| {
    ///     let both_done = both_done.clone();
    ///     async move {
    ///         let mine = match core.index() {
    ///             // Work sent to the other loop, run on its thread.
    ///             0 => aio::run_coroutine_threadsafe(core.handle(1), async { 6 * 7 }).await.unwrap(),
    ///             _ => 0,
    ///         };
    ///         // Both loops stay up until loop 0 has its answer.
    ///         aio::to_thread(move || drop(both_done.wait())).await.unwrap();
    ///         mine
    ///     }
    /// });
    /// assert_eq!(answers, [42, 0]);
    /// ```
    pub fn handle(&self, index: usize) -> &LoopHandle {
        assert!(
            index < self.loops.len(),
            "PerCore::handle({index}): there are only {} loops (indices 0 to {})",
            self.loops.len(),
            self.loops.len() - 1
        );
        &self.loops[index]
    }
}

/// How a loop's run ended.
enum Ended<T> {
    Done(T),
    /// Ctrl-C cancelled the main future; cleanup ran.
    Interrupted,
    /// Cancelled because another loop panicked.
    Cancelled,
    /// Never started: another loop, or its thread, could not be made.
    NotStarted,
}

/// Runs `n` share-nothing event loops, each on its own thread with its own
/// copy of the main future (`main(core)`), and returns each loop's result in
/// loop order. `n == 0` means one loop per core. Futures need not be `Send`:
/// each is made on the thread that runs it; only the results cross threads.
///
/// Each loop is as [`run`](crate::run) makes it: tasks left when its main
/// future returns are cancelled. Ctrl-C cancels every loop's main future and,
/// once every loop's cleanup ran, exits with status 130, as `run` does. A
/// panic in one loop's main future cancels the other loops' and is then
/// raised here. No loop starts unless every loop and its thread could be
/// made; otherwise the reason (the OS poller or the thread it could not
/// create, as with a full fd table) is raised here once the others closed.
///
/// A server per core binds its listener in every loop with
/// [`TcpListener::bind_reuseport`](crate::net::TcpListener::bind_reuseport):
/// the kernel then spreads the connections over the loops.
///
/// ```
/// use std::{cell::Cell, rc::Rc};
///
/// let sums = aio::run_per_core(3, |core| async move {
///     // Each loop runs its own tasks on its own thread: `Rc` is fine.
///     let sum = Rc::new(Cell::new(0));
///     aio::task_group!(|tg| {
///         for n in 1..=10 {
///             let sum = sum.clone();
///             tg.create_task(async move { sum.set(sum.get() + n) });
///         }
///     })
///     .unwrap();
///     (core.index(), sum.get())
/// });
/// assert_eq!(sums, [(0, 55), (1, 55), (2, 55)]);
/// ```
pub fn run_per_core<T, Fut, F>(n: usize, main: F) -> Vec<T>
where
    F: Fn(PerCore) -> Fut + Sync,
    Fut: Future<Output = T>,
    T: Send,
{
    let n = match n {
        0 => thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    run_loops(
        n,
        main,
        |index| thread::Builder::new().name(format!("aio-loop-{index}")),
        |_| LoopCore::new(Clock::Real),
    )
}

/// [`run_per_core`] with `n` loops, each on a thread from `builder` and made
/// by `make_loop` (tests make either fail).
fn run_loops<T, Fut, F>(
    n: usize,
    main: F,
    builder: impl Fn(usize) -> thread::Builder,
    make_loop: impl Fn(usize) -> Rc<LoopCore> + Sync,
) -> Vec<T>
where
    F: Fn(PerCore) -> Fut + Sync,
    Fut: Future<Output = T>,
    T: Send,
{
    // Ctrl-C reaches the loops only when the program's main thread waits here,
    // as `run` takes it only there.
    let ctrl_c = thread::current().name() == Some("main");
    // Each loop is made on its thread and sends its handle back; none starts
    // until every one was made and has every handle. When a loop or its
    // thread cannot be made, the others are told so and close, unstarted.
    let (ended, spawn_error) = thread::scope(|s| {
        let mut started = Vec::with_capacity(n);
        let mut spawn_error = None;
        for index in 0..n {
            let (made_tx, made) = mpsc::sync_channel::<LoopHandle>(1);
            let (start, start_rx) = mpsc::sync_channel::<Arc<[LoopHandle]>>(1);
            let (main, make_loop) = (&main, &make_loop);
            let thread = builder(index).spawn_scoped(s, move || {
                let core = make_loop(index);
                // The parent keeps its end until it sent (or gave up on) the
                // start, so this send cannot fail.
                let _ = made_tx.send(LoopHandle::new(core.remote.clone()));
                let Ok(loops) = start_rx.recv() else {
                    return Ok(Ended::NotStarted);
                };
                let this = PerCore { index, loops };
                let others = this.loops.clone();
                let ended = catch_unwind(AssertUnwindSafe(|| run_one(&core, ctrl_c, main(this))));
                if ended.is_err() {
                    // The other loops' main futures are cancelled, so
                    // that the panic can be raised once they ended.
                    for (i, handle) in others.iter().enumerate() {
                        if i != index {
                            handle.cancel_main();
                        }
                    }
                }
                ended
            });
            match thread {
                Ok(thread) => started.push((thread, made, start)),
                Err(e) => {
                    spawn_error = Some(e);
                    break;
                }
            }
        }
        // A thread whose loop could not be made ended without sending.
        let handles: Option<Arc<[LoopHandle]>> = started
            .iter()
            .map(|(_, made, _)| made.recv().ok())
            .collect();
        if let (Some(handles), None) = (handles, &spawn_error) {
            for (_, _, start) in &started {
                let _ = start.send(handles.clone());
            }
        }
        let ended: Vec<thread::Result<Ended<T>>> = started
            .into_iter()
            .map(|(thread, _, start)| {
                drop(start);
                thread.join().unwrap_or_else(Err)
            })
            .collect();
        (ended, spawn_error)
    });
    let mut results = Vec::with_capacity(n);
    let mut interrupted = false;
    let mut panic = None;
    let mut cancelled = false;
    for ended in ended {
        match ended {
            Ok(Ended::Done(value)) => results.push(value),
            Ok(Ended::Interrupted) => interrupted = true,
            // Raised below unless a panic elsewhere caused it.
            Ok(Ended::Cancelled) => cancelled = true,
            // Another loop or its thread could not be made: raised below.
            Ok(Ended::NotStarted) => {}
            Err(payload) => {
                panic.get_or_insert(payload);
            }
        }
    }
    if let Some(payload) = panic {
        resume_unwind(payload);
    }
    if let Some(e) = spawn_error {
        panic!("aio::run_per_core: could not start a loop thread: {e}");
    }
    if interrupted {
        CtrlC::exit_interrupted(signal_hook::consts::SIGINT);
    }
    if cancelled {
        panic!("aio::run_per_core: a loop's main task was cancelled");
    }
    results
}

/// Runs one loop's main future to its end and closes the loop.
fn run_one<Fut: Future>(core: &LoopCore, ctrl_c: bool, main: Fut) -> Ended<Fut::Output> {
    let ctrl_c = ctrl_c
        .then(|| CtrlC::install_any_thread(core, false))
        .flatten();
    let main = MainFuture::new(main, Some(DEFAULT_SHUTDOWN_GRACE));
    let outcome = core.block_on(Some(pin!(main)), "aio::run_per_core");
    let pressed = ctrl_c.as_ref().is_some_and(|c| c.pressed().is_some());
    drop(ctrl_c);
    core.wait_shielded();
    shutdown_tasks(core, DEFAULT_SHUTDOWN_GRACE);
    core.close();
    match outcome {
        _ if pressed => Ended::Interrupted,
        Ok(Ok(value)) => Ended::Done(value),
        Ok(Err(_cancelled)) => Ended::Cancelled,
        Err(_stopped) => {
            panic!("aio::run_per_core: a loop was stopped before its main future completed")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The panic of `run_loops` with three loops, the second made by
    /// `builder` or `make_loop` failing; no loop may have run.
    fn panic_when_the_second(
        builder: impl Fn(usize) -> thread::Builder,
        make_loop: impl Fn(usize) -> Rc<LoopCore> + Sync,
    ) -> String {
        let ran = std::sync::atomic::AtomicUsize::new(0);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            run_loops(
                3,
                |_| async { ran.fetch_add(1, std::sync::atomic::Ordering::SeqCst) },
                builder,
                make_loop,
            )
        }));
        assert_eq!(ran.into_inner(), 0, "a loop started");
        let payload = outcome.expect_err("a loop could not be made");
        payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default()
    }

    #[test]
    fn a_loop_that_cannot_be_made_is_raised_and_no_other_loop_waits_for_it() {
        let message = panic_when_the_second(
            |_| thread::Builder::new(),
            |index| {
                assert!(index != 1, "no poller for loop {index}");
                LoopCore::new(Clock::Real)
            },
        );
        assert_eq!(message, "no poller for loop 1");
    }

    #[test]
    fn a_loop_thread_that_cannot_start_is_raised_and_no_other_loop_waits_for_it() {
        let message = panic_when_the_second(
            |index| match index {
                1 => crate::threads::unstartable_thread(),
                _ => thread::Builder::new(),
            },
            |_| LoopCore::new(Clock::Real),
        );
        assert!(
            message.starts_with("aio::run_per_core: could not start a loop thread: "),
            "{message}"
        );
    }
}
