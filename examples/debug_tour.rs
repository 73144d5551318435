//! Debug mode and seeing inside a running program: a slow poll, a failure
//! nobody retrieved, the task tree, and a deadlock report. With no logger
//! installed, debug mode's reports go to stderr.
//!
//! `cargo run --example debug_tour` (add `2>&1` to see the reports in
//! order with the rest).

use std::panic::catch_unwind;
use std::time::Duration;

/// A task that does blocking work on the loop's thread: every other task
/// waits meanwhile.
async fn checksum(data: Vec<u8>) -> u32 {
    std::thread::sleep(Duration::from_millis(150)); // stands for CPU work
    data.iter().map(|&b| u32::from(b)).sum()
}

#[aio::main(debug)]
async fn main() {
    println!("1. A poll that holds the loop longer than 100 ms is reported:");
    let sum = aio::create_task(checksum(vec![1, 2, 3])).await.unwrap();
    println!("   checksum {sum} (move such work to aio::to_thread)\n");

    println!("2. A task that fails while nobody holds its handle is reported:");
    aio::create_task(async { panic!("the config file is missing") as () }).detach();
    aio::sleep(Duration::from_millis(10)).await;
    println!();

    println!("3. The task tree, with what each task waits on:");
    let lock = aio::Lock::new(());
    let guard = lock.lock().await;
    let orders = aio::Queue::<u32>::new(0);
    aio::task_group!(|tg| {
        tg.create_task_named("billing", async { drop(lock.lock().await) });
        tg.create_task_named("shipping", async { orders.get().await.map(drop) });
        tg.create_task(aio::sleep(Duration::from_secs(5)));
        aio::sleep(Duration::from_millis(20)).await;
        println!("{}\n", aio::task_tree());
        drop(guard);
        orders.put_nowait(1).unwrap();
        tg.cancel();
    })
    .unwrap_err();

    println!("4. On the virtual clock, a program that can never go on panics with");
    println!("   the tree instead of hanging (here: a lock taken twice):");
    let caught = aio::to_thread(|| catch_unwind(deadlocked_test))
        .await
        .unwrap();
    let report = caught.unwrap_err();
    let report = report.downcast_ref::<String>().unwrap();
    assert!(report.contains("waiting on a lock"));
    println!("   caught the panic above; the program goes on");
}

/// What a deadlocked `#[aio::test]` runs (on a thread of its own, as a
/// test does).
fn deadlocked_test() {
    aio::Runner::with_clock(aio::Clock::Virtual).run(async {
        let lock = aio::Lock::new(());
        let _first = lock.lock().await;
        let _second = lock.lock().await;
    });
}
