//! Awaiting one coroutine from another: `main` waits for `greet` to finish.
//! Prints `Hello...`, `...World!`, `Done!`.

use std::time::Duration;

async fn greet() -> &'static str {
    println!("Hello...");
    aio::sleep(Duration::from_secs(1)).await;
    println!("...World!");
    "Done!"
}

#[aio::main]
async fn main() {
    let result = greet().await;
    println!("{result}");
}
