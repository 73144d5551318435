//! Fetching several URLs concurrently with tasks and gather. Prints the three
//! `Fetching from` lines, then the three `Data from` lines in input order.

use std::time::Duration;

async fn fetch_data(url: &str) -> Result<String, aio::TaskError> {
    println!("Fetching from {url}");
    aio::sleep(Duration::from_secs(1)).await;
    Ok(format!("Data from {url}"))
}

#[aio::main]
async fn main() {
    let urls = ["site1.com", "site2.com", "site3.com"];
    let tasks: Vec<_> = urls
        .iter()
        .map(|url| aio::create_task(fetch_data(url)))
        .collect();
    let results = aio::gather(tasks.into_iter().map(|t| async { t.await? }))
        .await
        .expect("every fetch succeeds");
    for result in results {
        println!("{result}");
    }
}
