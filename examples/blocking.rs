//! Blocking code off the loop: asyncio's `run_in_executor` and `to_thread`.
//! Prints `result 1` twice.

use std::time::Duration;

fn blocking(n: u64) -> u64 {
    std::thread::sleep(Duration::from_secs(n)); // a blocking sleep
    n
}

#[aio::main]
async fn main() {
    // run_in_executor with a pool of our own...
    let pool = aio::ThreadPool::new(4, "blocking");
    let result = aio::run_in_executor(&pool, || blocking(1)).await.unwrap();
    println!("result {result}");
    pool.shutdown();

    // ...and to_thread on the loop's default pool.
    let result = aio::to_thread(|| blocking(1)).await.unwrap();
    println!("result {result}");
}
