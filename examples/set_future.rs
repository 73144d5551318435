//! A task completes a future that `main` awaits. Prints `Future Result Ready!`.

use std::time::Duration;

async fn set_future(future: aio::Promise<&'static str>) {
    aio::sleep(Duration::from_secs(2)).await;
    future.set_result("Future Result Ready!").expect("set once");
}

#[aio::main]
async fn main() {
    let lp = aio::get_running_loop();
    let future = lp.create_future();
    aio::create_task(set_future(future.clone())).detach();
    let result = future.await.expect("set, not cancelled");
    println!("{result}");
}
