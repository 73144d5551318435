//! Driving a loop by hand: `run_forever` until a task calls `stop`.
//! Prints `Hi!`.

use std::time::Duration;

fn main() {
    let lp = aio::EventLoop::new();
    let stopper = lp.clone();
    lp.create_task(async move {
        aio::sleep(Duration::from_secs(1)).await;
        println!("Hi!");
        stopper.stop(); // stop the loop after the task completes
    })
    .detach();
    lp.run_forever(); // returns once stop() was called
    lp.close();
}
