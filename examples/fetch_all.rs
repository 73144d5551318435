//! A realistic script: fetch N items with at most LIMIT in flight, a timeout
//! per item and one for the whole batch. One item fails: the group cancels the
//! rest and reports the failure cleanly. Fetching is simulated with sleeps.

use std::time::Duration;

const LIMIT: usize = 3;

/// Pretends to download item `id`: item 7 is broken, item 4 is slow.
async fn fetch(id: u64) -> Result<String, String> {
    let delay = if id == 4 { 5_000 } else { 100 + 30 * id };
    aio::sleep(Duration::from_millis(delay)).await;
    if id == 7 {
        return Err(format!("item {id}: server said 500"));
    }
    Ok(format!("item {id}: {} bytes", 1000 + id))
}

async fn fetch_all(ids: &[u64]) -> Result<Vec<String>, String> {
    // A slot per fetch in flight: waiters are woken in turn as slots free
    // up, with no polling.
    let slots = aio::Semaphore::new(LIMIT);
    let results = std::cell::RefCell::new(Vec::new());
    let batch = aio::timeout!(Duration::from_secs(3), {
        aio::task_group!(|tg| {
            for &id in ids {
                let (slots, results) = (&slots, &results);
                tg.create_task(async move {
                    // Given back when dropped: after the fetch, or if the
                    // group cancels this child while it waits or fetches.
                    let _slot = slots.acquire().await;
                    match aio::timeout(Duration::from_secs(1), fetch(id)).await {
                        Ok(Ok(body)) => {
                            results.borrow_mut().push(body);
                            Ok(())
                        }
                        Ok(Err(e)) => Err(e),
                        Err(_) => {
                            println!("item {id}: timed out, skipped");
                            Ok(())
                        }
                    }
                });
            }
        })
    });
    match batch {
        Err(_) => Err("the whole batch took too long".to_string()),
        Ok(Err(group)) => Err(format!("the batch failed: {group}")),
        Ok(Ok(())) => Ok(results.into_inner()),
    }
}

#[aio::main]
async fn main() {
    for ids in [&[1u64, 2, 3, 4, 5][..], &[1, 2, 7, 8, 9][..]] {
        match fetch_all(ids).await {
            Ok(items) => println!("fetched {} items: {items:?}", items.len()),
            Err(e) => println!("{e}"),
        }
    }
}
