//! A future (aio's `Promise`) completed by a `call_later` callback.
//! Prints `Waiting for future...`, then `Future done, result: done`.

use std::time::Duration;

async fn waiter(future: aio::Promise<&'static str>) {
    println!("Waiting for future...");
    let result = future.await.expect("the promise is set, not cancelled");
    println!("Future done, result: {result}");
}

#[aio::main]
async fn main() {
    let lp = aio::get_running_loop();
    let future = lp.create_future();
    let setter = future.clone();
    lp.call_later(Duration::from_secs(1), move || {
        setter.set_result("done").expect("set once");
    });
    waiter(future).await;
}
