//! Stress: many tasks cancelled in a random order, wake-up storms from
//! threads, big task groups with panicking children, deep nesting. Every
//! future is counted when dropped: each exactly once, none twice.
//!
//! Sizes are cut so that `cargo test` takes seconds; `AIO_STRESS_FULL=1`
//! runs the full ones (1M tasks, 8 threads x 1M wake-ups, 100k children,
//! 100k nested calls).

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, Once};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::task::AtomicWaker;

fn size(cut: usize, full: usize) -> usize {
    match std::env::var("AIO_STRESS_FULL").as_deref() {
        Ok("1") => full,
        _ => cut,
    }
}

/// A reproducible shuffle (splitmix64).
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    let mut next = || {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        items.swap(i, (next() % (i as u64 + 1)) as usize);
    }
}

/// How many times each of `n` things was dropped.
#[derive(Clone)]
struct Drops(Arc<[AtomicU8]>);

impl Drops {
    fn new(n: usize) -> Self {
        Drops((0..n).map(|_| AtomicU8::new(0)).collect())
    }

    fn guard(&self, i: usize) -> DropGuard {
        DropGuard(self.clone(), i)
    }

    fn assert_each_once(&self) {
        for (i, count) in self.0.iter().enumerate() {
            let count = count.load(Ordering::SeqCst);
            assert_eq!(count, 1, "future {i} dropped {count} times");
        }
    }
}

struct DropGuard(Drops, usize);

impl Drop for DropGuard {
    fn drop(&mut self) {
        (self.0).0[self.1].fetch_add(1, Ordering::SeqCst);
    }
}

/// Panics whose message starts with "stress:" are expected: keep them quiet.
fn quiet_expected_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let expected = info
                .payload()
                .downcast_ref::<&str>()
                .is_some_and(|m| m.starts_with("stress:"));
            if !expected {
                default(info);
            }
        }));
    });
}

#[aio::test]
async fn tasks_cancelled_in_random_order_are_each_dropped_once() {
    let n = size(20_000, 1_000_000);
    let drops = Drops::new(n);
    let mut tasks: Vec<_> = (0..n)
        .map(|i| {
            let guard = drops.guard(i);
            aio::create_task(async move {
                let _guard = guard;
                aio::sleep(Duration::from_secs(3600)).await;
                unreachable!("cancelled long before");
            })
        })
        .collect();
    aio::yield_now().await; // every task started and is sleeping
    shuffle(&mut tasks, 0x5eed);
    for (k, task) in tasks.iter().enumerate() {
        assert!(task.cancel(), "task {k} of the shuffle was still running");
        if k % 1000 == 0 {
            aio::yield_now().await; // some cancellations complete meanwhile
        }
    }
    for task in tasks {
        assert!(matches!(task.await, Err(aio::TaskError::Cancelled(_))));
    }
    drops.assert_each_once();
}

/// A future woken only from another thread: it counts what it has seen,
/// acknowledges it, and checks it is polled on the loop's thread.
struct Storm {
    sent: Arc<AtomicU64>,
    seen: u64,
    until: u64,
    waker: Arc<AtomicWaker>,
    ack: Arc<(Mutex<u64>, Condvar)>,
    loop_thread: std::thread::ThreadId,
}

impl Future for Storm {
    type Output = u64;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u64> {
        assert_eq!(
            std::thread::current().id(),
            self.loop_thread,
            "polled off the loop thread"
        );
        self.waker.register(cx.waker());
        let sent = self.sent.load(Ordering::SeqCst);
        if sent > self.seen {
            self.seen = sent;
            let (acked, cond) = &*self.ack;
            *acked.lock().unwrap() = sent;
            cond.notify_one();
        }
        if self.seen == self.until {
            Poll::Ready(self.seen)
        } else {
            Poll::Pending
        }
    }
}

// The real clock: the loop waits for plain threads it cannot know of.
#[aio::test(clock = real)]
async fn wake_ups_from_threads_are_never_lost_and_polls_stay_on_the_loop() {
    const THREADS: usize = 8;
    let n = size(20_000, 1_000_000) as u64;
    let drops = Drops::new(THREADS);
    let mut threads = Vec::new();
    let mut tasks = Vec::new();
    for t in 0..THREADS {
        let sent = Arc::new(AtomicU64::new(0));
        let waker = Arc::new(AtomicWaker::new());
        let ack = Arc::new((Mutex::new(0u64), Condvar::new()));
        let storm = Storm {
            sent: sent.clone(),
            seen: 0,
            until: n,
            waker: waker.clone(),
            ack: ack.clone(),
            loop_thread: std::thread::current().id(),
        };
        let guard = drops.guard(t);
        tasks.push(aio::create_task(async move {
            let _guard = guard;
            storm.await
        }));
        threads.push(std::thread::spawn(move || {
            for i in 1..=n {
                sent.store(i, Ordering::SeqCst);
                waker.wake();
                // Every wake-up must reach the task: wait until it saw this one.
                let (acked, cond) = &*ack;
                let mut seen = acked.lock().unwrap();
                while *seen < i {
                    let (next, timeout) = cond.wait_timeout(seen, Duration::from_secs(60)).unwrap();
                    assert!(!timeout.timed_out(), "wake-up {i} of {n} was lost");
                    seen = next;
                }
            }
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), n);
    }
    for thread in threads {
        thread.join().unwrap();
    }
    drops.assert_each_once();
}

#[aio::test]
async fn a_supervised_group_reports_every_panicking_child() {
    quiet_expected_panics();
    let n = size(5_000, 100_000);
    let drops = Drops::new(n);
    let finished = Cell::new(0);
    let (_, failures) = aio::task_group!(
        supervise | tg | {
            for i in 0..n {
                let guard = drops.guard(i);
                let finished = &finished;
                tg.create_task(async move {
                    let _guard = guard;
                    aio::yield_now().await;
                    if i % 10 == 0 {
                        panic!("stress: child panics");
                    }
                    finished.set(finished.get() + 1);
                });
            }
        }
    )
    .unwrap();
    assert_eq!(failures.len(), n.div_ceil(10), "every panic reported");
    assert!(
        failures
            .iter()
            .all(|f| f.is_panic() && f.message().contains("stress: child panics"))
    );
    assert_eq!(
        finished.get(),
        n - n.div_ceil(10),
        "the others ran to their end"
    );
    drops.assert_each_once();
}

#[aio::test]
async fn a_failing_group_cancels_the_rest_and_drops_every_child_once() {
    quiet_expected_panics();
    let n = size(5_000, 100_000);
    let drops = Drops::new(n);
    let result = aio::task_group!(|tg| {
        for i in 0..n {
            let guard = drops.guard(i);
            tg.create_task(async move {
                let _guard = guard;
                aio::sleep(Duration::from_millis((i % 100) as u64)).await;
                if i % 10 == 7 {
                    panic!("stress: child panics");
                }
            });
        }
    });
    let err = result.unwrap_err();
    // Children due at the same instant fail together; the rest are cancelled.
    assert!(!err.failures().is_empty());
    assert!(err.failures().iter().all(|f| f.is_panic()));
    drops.assert_each_once();
}

fn nest(
    depth: usize,
    drops: Drops,
    reached: Rc<Cell<usize>>,
) -> Pin<Box<dyn Future<Output = usize>>> {
    Box::pin(async move {
        let _guard = drops.guard(depth);
        if depth == 0 {
            reached.set(reached.get() + 1);
            aio::sleep(Duration::from_secs(1)).await;
            return 0;
        }
        nest(depth - 1, drops.clone(), reached).await + 1
    })
}

#[test]
fn deeply_nested_async_fns_complete_or_cancel_dropping_each_level_once() {
    let depth = size(2_000, 100_000);
    // Each level is polled through the one above it: give the loop's
    // thread the stack for that.
    let run = move || {
        aio::Runner::with_clock(aio::Clock::Virtual).run(async move {
            let drops = Drops::new(depth + 1);
            let reached = Rc::new(Cell::new(0));
            assert_eq!(nest(depth, drops.clone(), reached.clone()).await, depth);
            drops.assert_each_once();

            let drops = Drops::new(depth + 1);
            let task = aio::create_task(nest(depth, drops.clone(), reached.clone()));
            aio::sleep(Duration::from_millis(500)).await; // at the bottom
            assert_eq!(reached.get(), 2);
            task.cancel();
            assert!(task.await.is_err());
            drops.assert_each_once();
        })
    };
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(run)
        .unwrap()
        .join()
        .unwrap();
}
