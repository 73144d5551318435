//! The event loop: tasks, sleeping, the loop's clock and callbacks.

use std::time::Duration;

pub async fn tour() {
    println!("== the event loop ==");
    let lp = aio::get_running_loop();
    let t1 = aio::create_task(async {
        aio::sleep(Duration::from_millis(20)).await;
        "Task One Complete"
    });
    let t2 = aio::create_task(async {
        aio::sleep(Duration::from_millis(10)).await;
        "Task Two Complete"
    });
    println!("Both tasks started...");
    let (one, two) = (t1.await.unwrap(), t2.await.unwrap());
    println!("{two}\n{one}\nAll tasks done!");
    lp.call_soon(|| println!("Callback says: soon"));
    aio::sleep(Duration::from_millis(1)).await;
}
