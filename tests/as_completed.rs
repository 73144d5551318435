//! as_completed: completion order, the Stream form, the timeout.

use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn work(delays: &[u64]) -> Vec<impl std::future::Future<Output = u64>> {
    delays
        .iter()
        .map(|&s| async move {
            aio::sleep(secs(s)).await;
            s
        })
        .collect()
}

#[aio::test]
async fn yields_in_completion_order_at_the_right_times() {
    let start = aio::now();
    let mut results = aio::as_completed(work(&[3, 1, 2]));
    let mut seen = Vec::new();
    while let Some(s) = results.next().await {
        assert_eq!(
            aio::now() - start,
            secs(s),
            "yielded as soon as it finished"
        );
        seen.push(s);
    }
    assert_eq!(seen, [1, 2, 3]);
}

#[aio::test]
async fn it_is_a_stream() {
    use futures::StreamExt;
    let seen: Vec<u64> = aio::as_completed(work(&[2, 1])).collect().await;
    assert_eq!(seen, [1, 2]);
}

#[aio::test]
async fn the_timeout_ends_the_iteration_with_elapsed() {
    let start = aio::now();
    let mut results = aio::as_completed(work(&[1, 5, 2])).with_timeout(secs(3));
    let mut seen = Vec::new();
    while let Some(item) = results.next_within().await {
        match item {
            Ok(s) => seen.push(s),
            Err(elapsed) => {
                assert_eq!(elapsed.deadline() - start, secs(3));
                seen.push(0);
            }
        }
    }
    assert_eq!(seen, [1, 2, 0]);
    assert_eq!(aio::now() - start, secs(3));
}
