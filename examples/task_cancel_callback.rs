//! Cancelling one task while another reports through a done callback.
//! Prints `t2 was cancelled`, `Callback result: A done`, `res1: A done`.

use std::time::Duration;

async fn worker(name: &str, delay: Duration) -> String {
    aio::sleep(delay).await;
    format!("{name} done")
}

#[aio::main]
async fn main() {
    let mut t1 = aio::create_task(worker("A", Duration::from_secs(1)));
    let t2 = aio::create_task(worker("B", Duration::from_secs(2)));

    t1.add_done_callback(|outcome| match outcome {
        Ok(result) => println!("Callback result: {result}"),
        Err(error) => println!("Callback exception: {error}"),
    });

    // Cancel t2 before it finishes.
    aio::sleep(Duration::from_millis(500)).await;
    t2.cancel();
    if let Err(aio::TaskError::Cancelled(_)) = t2.await {
        println!("t2 was cancelled");
    }

    let res1 = t1.await.expect("t1 finishes");
    println!("res1: {res1}");
}
