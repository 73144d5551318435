//! Limiting concurrent downloads with a `Semaphore`: at most 3 at a time.

use std::cell::Cell;
use std::time::Duration;

async fn download(
    url: &str,
    limit: &aio::Semaphore,
    active: &Cell<usize>,
) -> Result<usize, String> {
    let _permit = limit.acquire().await;
    active.set(active.get() + 1);
    println!("downloading {url} ({} in flight)", active.get());
    aio::sleep(Duration::from_millis(50)).await;
    active.set(active.get() - 1);
    Ok(url.len())
}

#[aio::main]
async fn main() -> Result<(), aio::GroupError> {
    let urls = [
        "a.example",
        "b.example",
        "c.example",
        "d.example",
        "e.example",
        "f.example",
    ];
    let limit = aio::Semaphore::new(3);
    let active = Cell::new(0);
    let total = Cell::new(0);
    aio::task_group!(|tg| {
        for url in urls {
            let (limit, active, total) = (&limit, &active, &total);
            tg.create_task(async move {
                let bytes = download(url, limit, active).await?;
                total.set(total.get() + bytes);
                Ok::<_, String>(())
            });
        }
    })?;
    println!("downloaded {} bytes", total.get());
    Ok(())
}
