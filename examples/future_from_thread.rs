//! A future set from another thread through `call_soon_threadsafe`.
//! Prints `from thread`.

use std::thread;
use std::time::Duration;

#[aio::main]
async fn main() {
    let lp = aio::get_running_loop();
    let future = lp.create_future();
    let handle = lp.handle();
    let setter = future.clone();
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(500));
        handle
            .call_soon_threadsafe(move || {
                setter.set_result("from thread").expect("set once");
            })
            .expect("the loop is running");
    });
    println!("{}", future.await.expect("set, not cancelled"));
}
