//! Barrier.

use std::rc::Rc;
use std::time::Duration;

use aio::sync::BrokenBarrier;
use aio::Barrier;

fn parties(barrier: &Rc<Barrier>, n: usize) -> Vec<aio::Task<Result<usize, BrokenBarrier>>> {
    (0..n)
        .map(|_| {
            let b = barrier.clone();
            aio::create_task(async move { b.wait().await })
        })
        .collect()
}

#[aio::test]
async fn all_pass_together_with_distinct_indices() {
    let barrier = Rc::new(Barrier::new(3));
    let tasks = parties(&barrier, 2);
    aio::sleep(Duration::from_secs(1)).await;
    assert_eq!(barrier.n_waiting(), 2);
    assert!(tasks.iter().all(|t| !t.is_done()));
    let mut indices = vec![barrier.wait().await.unwrap()];
    for t in tasks {
        indices.push(t.await.unwrap().unwrap());
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
        assert_eq!(t.await.unwrap(), Err(BrokenBarrier));
    }
    let again = parties(&barrier, 2);
    aio::yield_now().await;
    assert_eq!(barrier.wait().await, Ok(2), "the third to arrive");
    for t in again {
        assert!(t.await.unwrap().is_ok());
    }
}

#[aio::test]
async fn abort_breaks_the_barrier_until_reset() {
    let barrier = Rc::new(Barrier::new(2));
    let tasks = parties(&barrier, 1);
    aio::yield_now().await;
    barrier.abort();
    assert_eq!(
        tasks.into_iter().next().unwrap().await.unwrap(),
        Err(BrokenBarrier)
    );
    assert!(barrier.broken());
    assert_eq!(barrier.wait().await, Err(BrokenBarrier));
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
