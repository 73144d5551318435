//! The "complete example" of loop, tasks and futures: done callbacks, a future
//! set by `call_later`, a future set from a thread, and `gather`. Prints
//! `done_cb: waiter got future-result`, `done_cb: T1 done`, then
//! `gathered: ["T1 done", "waiter got future-result", "from-thread"]`.

use std::thread;
use std::time::Duration;

async fn coroutine(name: &str, delay: Duration) -> String {
    aio::sleep(delay).await;
    format!("{name} done")
}

fn done_cb(outcome: &Result<String, aio::TaskError>) {
    match outcome {
        Ok(result) => println!("done_cb: {result}"),
        Err(exc) => println!("done_cb exception: {exc}"),
    }
}

#[aio::main]
async fn main() {
    let lp = aio::get_running_loop();

    // Create and await a Task.
    let mut t = aio::create_task(coroutine("T1", Duration::from_secs(1)));

    // Create a future and set its result using call_later.
    let future = lp.create_future::<String>();
    let setter = future.clone();
    lp.call_later(Duration::from_millis(500), move || {
        setter
            .set_result("future-result".to_string())
            .expect("set once");
    });

    // Start a task that awaits the future.
    let mut w = aio::create_task(async move {
        let result = future.await.expect("not cancelled");
        format!("waiter got {result}")
    });

    // Done callbacks.
    t.add_done_callback(done_cb);
    w.add_done_callback(done_cb);

    // A thread sets a second future through call_soon_threadsafe.
    let future2 = lp.create_future::<String>();
    let (handle, setter2) = (lp.handle(), future2.clone());
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        handle
            .call_soon_threadsafe(move || {
                setter2
                    .set_result("from-thread".to_string())
                    .expect("set once");
            })
            .expect("the loop is running");
    });

    // Await everything: tasks and the future, one error type.
    let from_thread = async { future2.await.map_err(aio::TaskError::Cancelled) };
    let (t, w, f) = aio::gather!(t, w, from_thread).expect("nothing fails");
    println!("gathered: {:?}", [t, w, f]);
}
