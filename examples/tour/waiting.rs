//! Waiting utilities: gather, wait, as_completed, select_first!.

use std::time::Duration;

async fn work(i: u64) -> Result<u64, String> {
    aio::sleep(Duration::from_millis(10 * (4 - i))).await;
    Ok(i * i)
}

pub async fn tour() {
    println!("\n== waiting ==");
    println!(
        "gather (input order): {:?}",
        aio::gather((1..=3).map(work)).await
    );

    let mut completed = aio::as_completed((1..=3).map(work));
    let mut order = Vec::new();
    while let Some(value) = completed.next().await {
        order.push(value.unwrap_or_default());
    }
    println!("as_completed (completion order): {order:?}");

    let tasks: Vec<_> = (1..=3).map(|i| aio::create_task(work(i))).collect();
    let (done, pending) = aio::wait(tasks, aio::ReturnWhen::FirstCompleted, None).await;
    println!(
        "wait(FirstCompleted): {} done, {} still running",
        done.len(),
        pending.len()
    );

    let winner = aio::select_first! {
        v = work(1) => format!("work(1) won with {v:?}"),
        _ = aio::sleep(Duration::from_millis(15)) => "the 15 ms timer won".to_string(),
    };
    println!("select_first!: {winner}");
}
