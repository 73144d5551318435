//! Cancellation and cleanup: the cleanup that asyncio puts in `finally:` lives
//! in a `Drop` guard. Prints `background cleanup`, then
//! `main observed cancellation`.

use std::time::Duration;

struct Cleanup;

impl Drop for Cleanup {
    fn drop(&mut self) {
        // Always runs, even on cancellation.
        println!("background cleanup");
    }
}

async fn background() {
    let _cleanup = Cleanup;
    loop {
        aio::sleep(Duration::from_secs(1)).await;
    }
}

#[aio::main]
async fn main() {
    let t = aio::create_task(background());
    aio::sleep(Duration::from_millis(100)).await;
    t.cancel(); // request cancellation
    if let Err(aio::TaskError::Cancelled(_)) = t.await {
        // wait for the task to clean up
        println!("main observed cancellation");
    }
}
