//! Threads: blocking work off the loop, and a loop fed from another thread.

use std::time::Duration;

pub async fn tour() {
    println!("\n== threads ==");
    let sum = aio::to_thread(|| (1..=1_000u64).sum::<u64>()).await;
    println!(
        "to_thread computed {:?} without blocking the loop",
        sum.map_err(|e| e.to_string())
    );

    let handle = aio::get_running_loop().handle();
    let from_thread = std::thread::spawn(move || {
        // A plain thread submits work to the loop and blocks on the answer.
        aio::run_coroutine_threadsafe(&handle, async {
            aio::sleep(Duration::from_millis(5)).await;
            "hello from the loop"
        })
        .result()
    });
    // The loop must keep running for the thread's future to finish.
    let answer = aio::to_thread(move || from_thread.join().ok()).await;
    println!(
        "a thread asked the loop and got {:?}",
        answer.ok().flatten().map(|r| r.ok())
    );
}
