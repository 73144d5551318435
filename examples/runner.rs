//! Several top-level calls on one loop with `Runner`. Prints `hello` twice; the
//! task started by the first run is still there for the second.

use std::time::Duration;

async fn hello() {
    aio::sleep(Duration::from_millis(100)).await;
    println!("hello");
}

// Returning a task from one run to await it in the next is the point here.
#[allow(clippy::async_yields_async)]
fn main() {
    let runner = aio::Runner::new();
    runner.run(hello());
    let background = runner.run(async { aio::create_task(hello()) });
    runner
        .run(background)
        .expect("the task started in the first run finishes");
    runner.close();
}
