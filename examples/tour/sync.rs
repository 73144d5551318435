//! Synchronisation: queues, semaphores, events.

use std::time::Duration;

pub async fn tour() {
    println!("\n== synchronisation ==");
    let queue = aio::Queue::new(1);
    let ready = aio::Event::new();
    let limit = aio::Semaphore::new(1);
    let received = aio::task_group!(|tg| {
        tg.create_task(async {
            ready.wait().await;
            for i in 0..3 {
                queue.put(i).await.expect("open"); // waits for room: maxsize is 1
            }
            queue.shutdown(false);
        });
        let consumer = tg.create_task(async {
            let mut got = Vec::new();
            while let Ok(item) = queue.get().await {
                let _permit = limit.acquire().await;
                aio::sleep(Duration::from_millis(2)).await;
                got.push(item);
            }
            Ok::<_, String>(got)
        });
        ready.set();
        consumer.await
    });
    println!(
        "queue + event + semaphore: the consumer got {:?}",
        received.ok()
    );
}
