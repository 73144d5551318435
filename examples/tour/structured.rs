//! Structured concurrency: task groups, timeouts, shield.

use std::time::Duration;

pub async fn tour() {
    println!("\n== structured concurrency ==");
    let names = ["alpha", "beta", "gamma"];
    let lengths = std::cell::RefCell::new(Vec::new());
    // Children borrow `names` and `lengths`: no 'static, no Arc.
    aio::task_group!(|tg| {
        for (i, name) in names.iter().enumerate() {
            let lengths = &lengths;
            tg.create_task(async move {
                aio::sleep(Duration::from_millis(10 * (3 - i as u64))).await;
                lengths.borrow_mut().push((*name, name.len()));
            });
        }
    })
    .expect("nothing fails");
    println!(
        "task group finished in completion order: {:?}",
        lengths.borrow()
    );

    let failed = aio::task_group!(|tg| {
        tg.create_task(async {
            aio::sleep(Duration::from_millis(5)).await;
            Err::<(), _>("disk full")
        });
        tg.create_task(aio::sleep(Duration::from_secs(60)));
    });
    println!(
        "a failing child cancels its siblings: {}",
        failed.unwrap_err()
    );

    let slow = aio::timeout!(Duration::from_millis(20), {
        aio::sleep(Duration::from_secs(60)).await;
    });
    println!(
        "timeout! around slow work: {:?}",
        slow.map_err(|e| e.to_string())
    );

    let mut saved = aio::shield(async {
        aio::sleep(Duration::from_millis(30)).await;
        "saved anyway"
    });
    let gave_up = aio::move_on_after(Duration::from_millis(10), &mut saved).await;
    println!(
        "shield: the waiter gave up ({gave_up:?}), the work went on: {:?}",
        saved.await
    );
}
