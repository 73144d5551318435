//! Two tasks run concurrently: the shorter one finishes first.
//! Prints `Both tasks started...`, `Task Two Complete`, `Task One Complete`,
//! `All tasks done!`.

use std::time::Duration;

async fn task_one() {
    aio::sleep(Duration::from_secs(2)).await;
    println!("Task One Complete");
}

async fn task_two() {
    aio::sleep(Duration::from_secs(1)).await;
    println!("Task Two Complete");
}

#[aio::main]
async fn main() {
    let t1 = aio::create_task(task_one());
    let t2 = aio::create_task(task_two());
    println!("Both tasks started...");
    t1.await.expect("task one finishes");
    t2.await.expect("task two finishes");
    println!("All tasks done!");
}
