//! gather (results in input order) and as_completed (in completion order).
//! Prints `gather: [0, 1, 2, 3, 4]`, then five `one done:` lines in the order
//! the work finished.

use std::time::Duration;

/// Sleeps a pseudo-random time (a seeded xorshift: the run repeats).
async fn work(i: u64, seed: u64) -> Result<u64, aio::TaskError> {
    let mut x = seed ^ (i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    aio::sleep(Duration::from_millis(x % 1000)).await;
    Ok(i)
}

#[aio::main]
async fn main() {
    let tasks: Vec<_> = (0..5).map(|i| aio::create_task(work(i, 1))).collect();
    // A Task's output is Result<T, TaskError>; flatten to gather the values.
    let gathered = aio::gather(tasks.into_iter().map(|t| async { t.await? })).await;
    println!("gather: {:?}", gathered.expect("no task fails")); // results in input order

    let tasks: Vec<_> = (0..5).map(|i| aio::create_task(work(i, 2))).collect();
    let mut finished = aio::as_completed(tasks);
    while let Some(result) = finished.next().await {
        println!(
            "one done: {}",
            result.expect("no task fails").expect("no work fails")
        );
    }
}
