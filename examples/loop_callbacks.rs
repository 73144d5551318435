//! Plain callbacks scheduled on the loop with `call_soon` and `call_later`.
//! Prints `Callback says: soon`, then `Callback says: after 1 second`.

use std::time::Duration;

fn plain_callback(msg: &str) {
    println!("Callback says: {msg}");
}

#[aio::main]
async fn main() {
    let lp = aio::get_running_loop();
    lp.call_soon(|| plain_callback("soon"));
    lp.call_later(Duration::from_secs(1), || plain_callback("after 1 second"));
    // Keep the loop alive long enough.
    aio::sleep(Duration::from_millis(1500)).await;
}
