//! A worker service that stops cleanly on SIGTERM, as systemd, Docker and
//! Kubernetes stop services. `#[aio::main(ctrl_c = "graceful")]` turns the
//! first SIGTERM (or Ctrl-C) into a cancellation of the main task that the
//! program can catch: the workers stop, and the cleanup awaits (the progress
//! is saved) within the runner's grace (5 s). Then the process exits with
//! 143 (130 after Ctrl-C). A second signal exits at once.
//!
//! `cargo run --example graceful_shutdown` sends itself SIGTERM after half a
//! second, as `kill` would. Run it with `-- wait` to stop it yourself
//! (`kill -TERM <pid>` or Ctrl-C).

use aio::signal::SIGTERM;
use std::cell::RefCell;
use std::time::Duration;

/// Takes jobs until it is stopped.
async fn worker(jobs: &aio::Queue<u32>, done: &RefCell<Vec<u32>>) {
    while let Ok(job) = jobs.get().await {
        aio::sleep(Duration::from_millis(40)).await; // the work
        done.borrow_mut().push(job);
    }
}

/// The cleanup: it awaits, as writing a file or telling a peer does.
async fn save_progress(done: &[u32]) {
    aio::sleep(Duration::from_millis(100)).await;
    println!("saved progress: {} jobs done", done.len());
}

#[aio::main(ctrl_c = "graceful")]
async fn main() {
    let jobs = aio::Queue::new(10);
    let done = RefCell::new(Vec::new());
    println!(
        "pid {}: working (stop with SIGTERM or Ctrl-C)",
        std::process::id()
    );
    if std::env::args().nth(1).as_deref() != Some("wait") {
        aio::create_task(async {
            aio::sleep(Duration::from_millis(500)).await;
            println!("sending SIGTERM to myself");
            aio::signal::raise_signal(SIGTERM).expect("raising SIGTERM");
        })
        .detach();
    }
    // asyncio's `try: async with TaskGroup() ... except CancelledError:`.
    let stopped = aio::catch_cancel(async {
        aio::task_group!(|tg| {
            for _ in 0..3 {
                tg.create_task(worker(&jobs, &done));
            }
            for job in 1.. {
                jobs.put(job).await.expect("the queue is open");
            }
        })
    })
    .await;
    // The signal cancelled the group: its workers stopped, and the main task
    // awaits its cleanup.
    if let Err(cancelled) = stopped {
        println!("stopping: {}", cancelled.reason());
        let done = done.take();
        save_progress(&done).await;
        println!("bye");
    }
}
