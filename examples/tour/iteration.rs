//! Async iteration: generators (`stream!`, `try_stream!`) and streams.

use aio::StreamExt;
use std::num::ParseIntError;
use std::time::Duration;

pub async fn tour() {
    println!("\n== async iteration ==");
    let mut countdown = aio::stream! {
        for i in (1..=3).rev() {
            aio::sleep(Duration::from_millis(5)).await;
            yield i;
        }
    };
    let mut seen = Vec::new();
    while let Some(i) = countdown.next().await {
        seen.push(i);
    }
    println!("stream! yields between awaits: {seen:?}");

    let parsed: Vec<Result<u32, ParseIntError>> = aio::try_stream! {
        for word in ["1", "2", "x", "4"] {
            yield word.parse::<u32>()?;
        }
    }
    .collect()
    .await;
    println!("try_stream! ends with the first error: {parsed:?}");

    let queue = aio::Queue::new(0);
    for job in ["a", "b"] {
        queue.put_nowait(job).expect("the queue has room");
    }
    queue.shutdown(false);
    let jobs: Vec<_> = queue.stream().collect().await;
    println!("a queue's stream, until shutdown: {jobs:?}");

    let squares: Vec<u64> = aio::stream! {
        for i in 1.. {
            yield i;
        }
    }
    .map(|i| i * i)
    .take(4)
    .collect()
    .await;
    println!("StreamExt adapters on a generator: {squares:?}");
}
