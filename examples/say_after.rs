//! `say_after` from asyncio's documentation. Prints `One`, then `Two`.

use std::time::Duration;

async fn say_after(delay: Duration, msg: &str) {
    aio::sleep(delay).await;
    println!("{msg}");
}

#[aio::main]
async fn main() {
    let t1 = aio::create_task(say_after(Duration::from_secs(1), "One"));
    let t2 = aio::create_task(say_after(Duration::from_secs(2), "Two"));
    t1.await.expect("t1 finishes");
    t2.await.expect("t2 finishes");
}
