//! Barrier.

use std::rc::Rc;
use std::time::Duration;

use aio::Barrier;
use aio::sync::BrokenBarrier;

fn parties(barrier: &Rc<Barrier>, n: usize) -> Vec<aio::Task<Result<usize, BrokenBarrier>>> {
    (0..n)
        .map(|_| {
            let b = barrier.clone();
            aio::create_task(async move { b.wait().await })
        })
        .collect()
}

/// Bounds a wait that must finish: a hang fails the test at once on the
/// virtual clock.
async fn finishes<T>(fut: impl std::future::IntoFuture<Output = T>) -> T {
    aio::wait_for(fut, Duration::from_secs(3600))
        .await
        .expect("finished: nothing waits forever")
}

#[aio::test]
async fn all_pass_together_with_distinct_indices() {
    let barrier = Rc::new(Barrier::new(3));
    let tasks = parties(&barrier, 2);
    aio::sleep(Duration::from_secs(1)).await;
    assert_eq!(barrier.n_waiting(), 2);
    assert!(tasks.iter().all(|t| !t.is_done()));
    let mut indices = vec![finishes(barrier.wait()).await.unwrap()];
    for t in tasks {
        indices.push(finishes(t).await.unwrap().unwrap());
    }
    indices.sort();
    assert_eq!(indices, [0, 1, 2]);
    assert_eq!(barrier.n_waiting(), 0, "the barrier can be used again");
}

#[aio::test]
async fn reset_fails_the_waiters_and_leaves_the_barrier_usable() {
    let barrier = Rc::new(Barrier::new(3));
    let tasks = parties(&barrier, 2);
    aio::yield_now().await;
    barrier.reset();
    for t in tasks {
        assert_eq!(finishes(t).await.unwrap(), Err(BrokenBarrier));
    }
    let again = parties(&barrier, 2);
    aio::yield_now().await;
    assert_eq!(finishes(barrier.wait()).await, Ok(2), "the third to arrive");
    for t in again {
        assert!(finishes(t).await.unwrap().is_ok());
    }
}

#[aio::test]
async fn abort_breaks_the_barrier_until_reset() {
    let barrier = Rc::new(Barrier::new(2));
    let tasks = parties(&barrier, 1);
    aio::yield_now().await;
    barrier.abort();
    assert_eq!(
        finishes(tasks.into_iter().next().unwrap()).await.unwrap(),
        Err(BrokenBarrier)
    );
    assert!(barrier.broken());
    assert_eq!(finishes(barrier.wait()).await, Err(BrokenBarrier));
    barrier.reset();
    assert!(!barrier.broken());
}

#[aio::test]
async fn a_waiter_cancelled_while_waiting_gives_its_place_back() {
    let barrier = Rc::new(Barrier::new(2));
    let tasks = parties(&barrier, 1);
    aio::yield_now().await;
    tasks[0].cancel();
    aio::yield_now().await;
    assert_eq!(barrier.n_waiting(), 0);
}

#[aio::test]
async fn the_last_task_out_resets_while_the_others_re_enter() {
    const N: usize = 5;
    let barrier = Rc::new(Barrier::new(N));
    let out = Rc::new(std::cell::Cell::new(0));
    let second_waits = Rc::new(std::cell::RefCell::new(Vec::new()));
    let tasks: Vec<_> = (0..N)
        .map(|_| {
            let (barrier, out, second_waits) = (barrier.clone(), out.clone(), second_waits.clone());
            aio::create_task(async move {
                barrier.wait().await.unwrap();
                out.set(out.get() + 1);
                if out.get() == N {
                    // The last one out: everyone else has left the barrier.
                    barrier.reset();
                    barrier.wait().await.unwrap();
                } else {
                    let second = barrier.wait().await;
                    second_waits.borrow_mut().push(second);
                }
                barrier.wait().await.unwrap(); // a third pass, all together
            })
        })
        .collect();
    finishes(async {
        for t in tasks {
            finishes(t).await.unwrap();
        }
    })
    .await;
    let second_waits = second_waits.borrow();
    assert_eq!(second_waits.len(), N - 1);
    assert!(
        second_waits.iter().all(Result::is_ok),
        "tasks re-entering while the barrier drains wait for the next pass: {second_waits:?}"
    );
    assert_eq!(barrier.n_waiting(), 0);
    assert!(!barrier.broken());
}

#[aio::test]
async fn a_reset_while_draining_fails_those_not_yet_out() {
    let barrier = Rc::new(Barrier::new(3));
    let tasks = parties(&barrier, 2);
    aio::yield_now().await;
    assert_eq!(finishes(barrier.wait()).await, Ok(2)); // the two are released, not yet out
    barrier.reset();
    for t in tasks {
        assert_eq!(
            finishes(t).await.unwrap(),
            Err(BrokenBarrier),
            "asyncio's reset"
        );
    }
    // Everyone has left: the barrier is usable again.
    let again = parties(&barrier, 2);
    aio::yield_now().await;
    assert_eq!(finishes(barrier.wait()).await, Ok(2));
    for t in again {
        assert!(finishes(t).await.unwrap().is_ok());
    }
}

#[aio::test]
async fn a_released_waiter_cancelled_before_it_left_still_lets_the_barrier_drain() {
    let barrier = Rc::new(Barrier::new(2));
    let tasks = parties(&barrier, 1);
    aio::yield_now().await;
    assert_eq!(finishes(barrier.wait()).await, Ok(1));
    tasks[0].cancel(); // released, dropped before it ran
    let again = parties(&barrier, 1);
    assert_eq!(finishes(barrier.wait()).await.map(|_| ()), Ok(()));
    assert!(
        finishes(again.into_iter().next().unwrap())
            .await
            .unwrap()
            .is_ok()
    );
}

#[aio::test]
async fn one_party_passes_at_once_every_time() {
    let barrier = Barrier::new(1);
    for _ in 0..3 {
        assert_eq!(finishes(barrier.wait()).await, Ok(0));
        assert_eq!(barrier.n_waiting(), 0);
    }
    assert_eq!(barrier.parties(), 1);
}

#[aio::test]
async fn indices_stay_distinct_when_a_waiter_leaves_before_the_pass() {
    let barrier = Rc::new(Barrier::new(3));
    let b = barrier.clone();
    let impatient =
        aio::create_task(async move { aio::wait_for(b.wait(), Duration::from_secs(1)).await });
    aio::yield_now().await; // arrives first: index 0 for now
    let tasks = parties(&barrier, 1); // index 1
    assert!(impatient.await.unwrap().is_err(), "timed out, left");
    let late = parties(&barrier, 1);
    aio::yield_now().await;
    let mut indices = vec![finishes(barrier.wait()).await.unwrap()];
    for t in tasks.into_iter().chain(late) {
        indices.push(finishes(t).await.unwrap().unwrap());
    }
    indices.sort();
    assert_eq!(indices, [0, 1, 2], "one index each");
}

#[aio::test]
async fn parties_and_debug_describe_the_barrier() {
    let barrier = Rc::new(Barrier::new(3));
    assert_eq!(barrier.parties(), 3);
    let tasks = parties(&barrier, 2);
    aio::yield_now().await;
    assert_eq!(
        format!("{barrier:?}"),
        "Barrier { parties: 3, state: Filling, count: 2 }"
    );
    barrier.abort();
    assert_eq!(
        format!("{barrier:?}"),
        "Barrier { parties: 3, state: Broken, count: 2 }"
    );
    for t in tasks {
        assert_eq!(finishes(t).await.unwrap(), Err(BrokenBarrier));
    }
    assert_eq!(barrier.n_waiting(), 0);
    assert!(BrokenBarrier.to_string().contains("reset or aborted"));
}
