//! What the model-based property tests (tests/prop_*.rs) share: a fixed-seed
//! proptest configuration, a virtual-clock loop per case, random programs of
//! tasks with random cancellation points, and a bound on virtual time that
//! turns a lost wake-up into a failure instead of a hang.
//!
//! `AIO_PROPTEST_CASES=5000` runs more cases; `AIO_PROPTEST_SEED=N` another
//! (still reproducible) sequence of programs.
#![allow(dead_code)] // each test file uses its own part

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed};
use std::future::Future;
use std::time::Duration;

/// Reproducible: the same programs on every run unless the env asks.
pub fn config(default_cases: u32) -> Config {
    let env = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok());
    Config {
        cases: env("AIO_PROPTEST_CASES").map_or(default_cases, |n| n as u32),
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(env("AIO_PROPTEST_SEED").unwrap_or(0x05ee_da10)),
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    }
}

/// Runs one case on a fresh loop with a virtual clock.
pub fn run_virtual<T>(future: impl Future<Output = T>) -> T {
    aio::Runner::with_clock(aio::Clock::Virtual).run(future)
}

/// Virtual time within which every program ends: a wait past it was lost.
/// (Short enough that a failing case, shrunk hundreds of times, is cheap.)
pub const LIMIT: Duration = Duration::from_secs(3600);

/// Awaits `future`, failing if it has not finished within [`LIMIT`] of
/// virtual time (everything that should complete does).
pub async fn finishes<T>(what: &str, future: impl std::future::IntoFuture<Output = T>) -> T {
    match aio::wait_for(future, LIMIT).await {
        Ok(value) => value,
        Err(_) => panic!("{what} never finished: a lost wake-up or a deadlock"),
    }
}

/// One step of time between operations: 0 yields within the same instant
/// (interleaving tasks of one turn), otherwise that many milliseconds.
pub async fn pause(ms: u8) {
    if ms == 0 {
        aio::yield_now().await;
    } else {
        aio::sleep(Duration::from_millis(ms.into())).await;
    }
}

pub fn pauses() -> impl Strategy<Value = u8> {
    prop_oneof![3 => Just(0u8), 2 => 1u8..4, 1 => 4u8..20]
}

/// How a waiting operation may be cut short: not at all, by a timeout, or by
/// a `select_first!` against a timer that re-polls it (a sibling) and gives
/// up after a few rounds.
#[derive(Clone, Copy, Debug)]
pub enum Patience {
    Forever,
    Timeout(u8),
    Reselect { every: u8, rounds: u8 },
}

pub fn patience() -> impl Strategy<Value = Patience> {
    prop_oneof![
        3 => Just(Patience::Forever),
        2 => (1u8..30).prop_map(Patience::Timeout),
        1 => (1u8..10, 1u8..6).prop_map(|(every, rounds)| Patience::Reselect { every, rounds }),
    ]
}

/// Awaits `future` with the given patience: `None` if it gave up (the future
/// is dropped, which cancels it).
pub async fn with_patience<F: Future>(patience: Patience, future: F) -> Option<F::Output> {
    match patience {
        Patience::Forever => Some(future.await),
        Patience::Timeout(ms) => aio::wait_for(future, ms_(ms)).await.ok(),
        Patience::Reselect { every, rounds } => {
            let future = std::pin::pin!(future);
            let mut future = future;
            for _ in 0..rounds {
                aio::select_first! {
                    biased;
                    value = &mut future => return Some(value),
                    _ = aio::sleep(ms_(every)) => {},
                }
            }
            None
        }
    }
}

fn ms_(ms: u8) -> Duration {
    Duration::from_millis(ms.into())
}

/// Random programs: for each task, its operations and, maybe, the virtual
/// time (ms) at which it is cancelled from outside.
pub fn tasks<Op: std::fmt::Debug>(
    op: impl Strategy<Value = Op> + Clone,
    max_tasks: usize,
    max_ops: usize,
) -> impl Strategy<Value = Vec<(Vec<Op>, Option<u16>)>> {
    let cancel = prop_oneof![3 => Just(None), 1 => (0u16..200).prop_map(Some)];
    prop::collection::vec(
        (prop::collection::vec(op, 1..=max_ops), cancel),
        1..=max_tasks,
    )
}

/// Virtual time by which every program has done all it can: a task still
/// waiting then waits for something the program never provides.
pub const QUIET: Duration = Duration::from_secs(60);

/// Spawns one task per program entry, cancels those with a cancellation
/// time when it comes, calls `closing` at [`QUIET`] (to check that whatever
/// still waits has nothing to wait for, then let it go), and waits for all
/// tasks within [`LIMIT`]. Returns which tasks were cancelled.
pub async fn run_tasks<Op: Clone + 'static, F: Future<Output = ()> + 'static>(
    program: &[(Vec<Op>, Option<u16>)],
    mut body: impl FnMut(usize, Vec<Op>) -> F,
    closing: impl FnOnce(),
) -> Vec<bool> {
    let start = aio::now();
    PEERS.with(|peers| *peers.borrow_mut() = program.iter().map(|_| (None, false)).collect());
    let tasks: Vec<_> = program
        .iter()
        .enumerate()
        .map(|(id, (ops, _))| {
            let body = body(id, ops.clone());
            aio::create_task(async move {
                PEERS.with(|peers| peers.borrow_mut()[id].0 = aio::current_task());
                body.await
            })
        })
        .collect();
    let mut cancels: Vec<(u16, usize)> = program
        .iter()
        .enumerate()
        .filter_map(|(id, (_, at))| at.map(|at| (at, id)))
        .collect();
    cancels.sort();
    for (at, id) in cancels {
        aio::sleep_until(start + Duration::from_millis(at.into())).await;
        if tasks[id].cancel() {
            PEERS.with(|peers| peers.borrow_mut()[id].1 = true);
        }
    }
    aio::sleep_until(start + QUIET).await;
    closing();
    finishes("a task of the program", async {
        for (id, task) in tasks.into_iter().enumerate() {
            match task.await {
                Ok(()) => {}
                Err(aio::TaskError::Cancelled(_)) => {
                    assert!(PEERS.with(|peers| peers.borrow()[id].1), "task {id}")
                }
                Err(err) => panic!("task {id} failed: {err}"),
            }
        }
    })
    .await;
    PEERS.with(|peers| peers.borrow_mut().drain(..).map(|(_, c)| c).collect())
}

thread_local! {
    /// The tasks of the running program, and whether each was cancelled.
    static PEERS: std::cell::RefCell<Vec<(Option<aio::TaskRef>, bool)>> = const {
        std::cell::RefCell::new(Vec::new())
    };
}

/// Cancels task `peer` (modulo their number) of the running program, unless
/// it is `me`: at once, in the middle of whatever `me` just did (such as
/// handing it a lock, a permit or an item).
pub fn cancel_peer(me: usize, peer: u8) {
    PEERS.with(|peers| {
        let mut peers = peers.borrow_mut();
        let target = usize::from(peer) % peers.len();
        if target != me && peers[target].0.as_ref().is_some_and(|task| task.cancel()) {
            peers[target].1 = true;
        }
    })
}

/// Runs `f` when dropped: a task's bookkeeping that must happen however it
/// ends (finished, timed out, cancelled).
pub struct OnDrop<F: FnMut()>(pub F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

/// The reference model of a lock or semaphore with hand-off: permits are
/// conserved and served first in first out.
#[derive(Debug, Default)]
pub struct PermitModel {
    /// Free permits (not handed to anyone).
    pub available: usize,
    /// Waiting for a permit, oldest first.
    pub queue: std::collections::VecDeque<usize>,
    /// Handed a permit, not yet woken to take it up.
    pub granted: Vec<usize>,
    /// Permits held by tasks.
    pub held: usize,
}

impl PermitModel {
    pub fn new(permits: usize) -> Self {
        PermitModel {
            available: permits,
            ..PermitModel::default()
        }
    }

    /// Would a newcomer get a permit at once?
    pub fn free_for_newcomer(&self) -> bool {
        self.queue.is_empty() && self.available > 0
    }

    /// A request was polled for the first time; `ready` says whether it got a
    /// permit at once.
    pub fn requested(&mut self, id: usize, ready: bool) {
        assert_eq!(
            ready,
            self.free_for_newcomer(),
            "task {id}: served at once only with a free permit and nobody waiting ({self:?})"
        );
        if ready {
            self.available -= 1;
            self.held += 1;
        } else {
            self.queue.push_back(id);
        }
    }

    /// A waiting request completed.
    pub fn acquired(&mut self, id: usize) {
        let Some(pos) = self.granted.iter().position(|g| *g == id) else {
            panic!("task {id} took a permit out of turn ({self:?})");
        };
        self.granted.swap_remove(pos);
        self.held += 1;
    }

    /// A waiting request was dropped (timed out, cancelled).
    pub fn abandoned(&mut self, id: usize) {
        if let Some(pos) = self.queue.iter().position(|q| *q == id) {
            self.queue.remove(pos); // leaves no trace
        } else if let Some(pos) = self.granted.iter().position(|g| *g == id) {
            self.granted.swap_remove(pos);
            self.hand_on(); // passes it on
        } else {
            panic!("task {id} abandoned a request the model does not know ({self:?})");
        }
    }

    /// A held permit was given back.
    pub fn released(&mut self) {
        assert!(
            self.held > 0,
            "a permit released that nobody held ({self:?})"
        );
        self.held -= 1;
        self.hand_on();
    }

    /// A permit comes in: to the oldest waiter, else to the free ones.
    pub fn hand_on(&mut self) {
        match self.queue.pop_front() {
            Some(next) => self.granted.push(next),
            None => self.available += 1,
        }
    }

    /// Nothing waits, nothing is held or in flight.
    pub fn assert_idle(&self) {
        assert!(
            self.queue.is_empty() && self.granted.is_empty() && self.held == 0,
            "left behind: {self:?}"
        );
    }
}

/// A request for a permit (`lock()`, `acquire()`) reported to the model as
/// it goes: whether its first poll was served at once, when a waiting one
/// completes, and when it is dropped unfinished (after the request itself is
/// dropped, so the model follows what the real primitive did). After every
/// step the real count of free permits must equal the model's.
pub struct Tracked<'a, F> {
    future: Option<std::pin::Pin<Box<F>>>,
    model: &'a std::cell::RefCell<PermitModel>,
    available: &'a dyn Fn() -> usize,
    id: usize,
    waiting: bool,
}

impl<'a, F: Future> Tracked<'a, F> {
    pub fn new(
        model: &'a std::cell::RefCell<PermitModel>,
        available: &'a dyn Fn() -> usize,
        id: usize,
        future: F,
    ) -> Self {
        Tracked {
            future: Some(Box::pin(future)),
            model,
            available,
            id,
            waiting: false,
        }
    }

    fn check(&self) {
        let model = self.model.borrow();
        assert_eq!(
            (self.available)(),
            model.available,
            "free permits: {model:?}"
        );
    }
}

impl<F: Future> Future for Tracked<'_, F> {
    type Output = F::Output;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let polled = self
            .future
            .as_mut()
            .expect("polled after completion")
            .as_mut()
            .poll(cx);
        let id = self.id;
        match (self.waiting, polled.is_ready()) {
            (false, ready) => self.model.borrow_mut().requested(id, ready),
            (true, true) => self.model.borrow_mut().acquired(id),
            (true, false) => {}
        }
        self.waiting = polled.is_pending();
        if polled.is_ready() {
            self.future = None;
        }
        self.check();
        polled
    }
}

impl<F> Drop for Tracked<'_, F> {
    fn drop(&mut self) {
        let unfinished = self.future.take();
        if unfinished.is_some() && self.waiting {
            drop(unfinished); // the real request leaves first
            self.model.borrow_mut().abandoned(self.id);
            let model = self.model.borrow();
            assert_eq!(
                (self.available)(),
                model.available,
                "free permits: {model:?}"
            );
        }
    }
}

/// A held guard or permit; when dropped (released, or its task cancelled)
/// it is given back, then the model follows and is checked.
pub struct Holding<'a, G> {
    pub guard: Option<G>,
    pub model: &'a std::cell::RefCell<PermitModel>,
    pub available: &'a dyn Fn() -> usize,
}

impl<G> Drop for Holding<'_, G> {
    fn drop(&mut self) {
        drop(self.guard.take());
        self.model.borrow_mut().released();
        let model = self.model.borrow();
        assert_eq!(
            (self.available)(),
            model.available,
            "free permits: {model:?}"
        );
    }
}
