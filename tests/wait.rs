//! wait with each ReturnWhen, and its timeout.

use std::time::Duration;

use aio::ReturnWhen;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn sleepers(delays: &[u64]) -> Vec<aio::Task<u64>> {
    delays
        .iter()
        .map(|&s| {
            aio::create_task(async move {
                aio::sleep(secs(s)).await;
                if s == 99 {
                    panic!("task {s} broke");
                }
                s
            })
        })
        .collect()
}

#[aio::test]
async fn first_completed_returns_at_the_first_completion_and_cancels_nothing() {
    let start = aio::now();
    let (done, pending) = aio::wait(sleepers(&[3, 1, 2]), ReturnWhen::FirstCompleted, None).await;
    assert_eq!(aio::now() - start, secs(1));
    assert_eq!(done.len(), 1);
    assert_eq!(pending.len(), 2);
    let mut done = done;
    assert_eq!(done[0].result().unwrap().as_ref().unwrap(), &1);
    for t in pending {
        assert!(t.await.is_ok(), "pending tasks were not cancelled");
    }
}

#[aio::test]
async fn first_exception_returns_when_a_task_panics() {
    let mut tasks = sleepers(&[5, 10]);
    tasks.push(aio::create_task(async {
        aio::sleep(secs(2)).await;
        if aio::now() > aio::now() - secs(1) {
            panic!("broke");
        }
        0
    }));
    let start = aio::now();
    let (done, pending) = aio::wait(tasks, ReturnWhen::FirstException, None).await;
    assert_eq!(aio::now() - start, secs(2));
    assert_eq!((done.len(), pending.len()), (1, 2));
}

#[aio::test]
async fn first_exception_without_one_waits_for_all() {
    let start = aio::now();
    let (done, pending) = aio::wait(sleepers(&[1, 3]), ReturnWhen::FirstException, None).await;
    assert_eq!(aio::now() - start, secs(3));
    assert_eq!((done.len(), pending.len()), (2, 0));
}

#[aio::test]
async fn all_completed_waits_for_every_task_or_the_timeout() {
    let start = aio::now();
    let (done, pending) = aio::wait(sleepers(&[1, 2]), ReturnWhen::AllCompleted, None).await;
    assert_eq!(aio::now() - start, secs(2));
    assert_eq!((done.len(), pending.len()), (2, 0));

    let start = aio::now();
    let (done, pending) = aio::wait(
        sleepers(&[1, 5, 9]),
        ReturnWhen::AllCompleted,
        Some(secs(3)),
    )
    .await;
    assert_eq!(aio::now() - start, secs(3));
    assert_eq!((done.len(), pending.len()), (1, 2));
}
