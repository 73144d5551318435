//! Producer/consumer workers with a bounded `Queue`, `task_done` and `join`.

use std::rc::Rc;
use std::time::Duration;

async fn worker(name: String, queue: Rc<aio::Queue<u64>>) {
    // Runs until the queue is shut down and drained.
    while let Ok(job) = queue.get().await {
        aio::sleep(Duration::from_millis(job)).await;
        println!("{name} finished a {job} ms job");
        queue.task_done().expect("one task_done per get");
    }
}

#[aio::main]
async fn main() {
    let queue = Rc::new(aio::Queue::new(2));
    let workers: Vec<_> = (1..=3)
        .map(|i| aio::create_task(worker(format!("worker-{i}"), queue.clone())))
        .collect();
    for job in [30, 10, 20, 50, 40, 10] {
        queue.put(job).await.expect("the queue is open"); // waits while 2 are queued
    }
    queue.join().await;
    println!("all jobs done");
    queue.shutdown(false);
    for w in workers {
        w.await.expect("workers end cleanly");
    }
}
