//! asyncio's timeout example. Prints
//! `The long operation timed out, but we've handled it.`, then
//! `This statement will run regardless.`

use std::time::Duration;

async fn long_running_task() {
    aio::sleep(Duration::from_secs(3600)).await;
}

#[aio::main]
async fn main() {
    let outcome = aio::timeout!(Duration::from_millis(200), {
        long_running_task().await;
    });
    if outcome.is_err() {
        println!("The long operation timed out, but we've handled it.");
    }
    println!("This statement will run regardless.");
}
