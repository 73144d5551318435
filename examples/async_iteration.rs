//! Async iteration, asyncio's async generators and `async for`: a generator
//! that pages through an API with a timeout per page, consumed with
//! `while let`; then the same pages served over a real TCP connection and
//! read back as lines by a second generator.
//!
//! `cargo run --example async_iteration`

use aio::net::{StreamError, StreamReader, StreamWriter, open_connection, start_server};
use aio::{Stream, StreamExt};
use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

const LAST_PAGE: u32 = 4;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// One page of the simulated API: its items and the next page's number.
struct Page {
    items: Vec<String>,
    next: Option<u32>,
}

/// The simulated API: a page takes 20 ms, except page 3, which takes 300 ms.
async fn fetch_page(number: u32) -> Page {
    aio::sleep(if number == 3 { ms(300) } else { ms(20) }).await;
    Page {
        items: (1..=2).map(|i| format!("item {number}.{i}")).collect(),
        next: (number < LAST_PAGE).then_some(number + 1),
    }
}

#[derive(Debug)]
enum FetchError {
    /// A page took longer than allowed.
    Timeout { page: u32 },
    /// The connection failed or ended mid-page.
    Connection(String),
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Timeout { page } => write!(f, "page {page} timed out"),
            FetchError::Connection(why) => write!(f, "connection failed: {why}"),
        }
    }
}

impl From<std::io::Error> for FetchError {
    fn from(e: std::io::Error) -> Self {
        FetchError::Connection(e.to_string())
    }
}

impl From<StreamError> for FetchError {
    fn from(e: StreamError) -> Self {
        FetchError::Connection(e.to_string())
    }
}

/// Every item of every page, fetching a page only once the previous one is
/// used up. A page slower than `per_page` ends the stream with the error.
fn all_items(per_page: Duration) -> impl Stream<Item = Result<String, FetchError>> + Unpin {
    aio::try_stream! {
        let mut next = Some(1);
        while let Some(number) = next {
            let page = aio::timeout!(per_page, { fetch_page(number).await })
                .map_err(|_| FetchError::Timeout { page: number })?;
            for item in page.items {
                yield item;
            }
            next = page.next;
        }
    }
}

/// The API over TCP: each request line `page N` is answered with the page's
/// items, one per line, then `next N` or `end`.
async fn serve_pages(mut reader: StreamReader, mut writer: StreamWriter) {
    let mut requests = reader.lines();
    while let Some(Ok(request)) = requests.next().await {
        let request = String::from_utf8_lossy(&request);
        let Some(Ok(number)) = request.trim_end().strip_prefix("page ").map(str::parse) else {
            break;
        };
        let page = fetch_page(number).await;
        for item in &page.items {
            writer.write(format!("{item}\n").as_bytes());
        }
        match page.next {
            Some(next) => writer.write(format!("next {next}\n").as_bytes()),
            None => writer.write(b"end\n"),
        }
        if writer.drain().await.is_err() {
            break; // the client went away
        }
    }
}

/// One page's lines, up to `next N` or `end`.
async fn read_page(
    lines: &mut (impl Stream<Item = Result<Vec<u8>, StreamError>> + Unpin),
) -> Result<Page, FetchError> {
    let mut items = Vec::new();
    while let Some(line) = lines.next().await {
        let line = String::from_utf8_lossy(&line?).trim_end().to_string();
        if line == "end" {
            return Ok(Page { items, next: None });
        }
        if let Some(next) = line.strip_prefix("next ") {
            let next = next
                .parse()
                .map_err(|_| FetchError::Connection(line.clone()))?;
            return Ok(Page {
                items,
                next: Some(next),
            });
        }
        items.push(line);
    }
    Err(FetchError::Connection("closed mid-page".into()))
}

/// The same generator as `all_items`, over a connection to `addr`.
fn remote_items(
    addr: SocketAddr,
    per_page: Duration,
) -> impl Stream<Item = Result<String, FetchError>> + Unpin {
    aio::try_stream! {
        let (mut reader, mut writer) = open_connection(addr).await?;
        let mut lines = reader.lines();
        let mut next = Some(1);
        while let Some(number) = next {
            writer.write(format!("page {number}\n").as_bytes());
            writer.drain().await?;
            let page = aio::timeout!(per_page, { read_page(&mut lines).await })
                .map_err(|_| FetchError::Timeout { page: number })??;
            for item in page.items {
                yield item;
            }
            next = page.next;
        }
    }
}

/// `async for item in items`, with the error that ends the stream.
async fn print_all(mut items: impl Stream<Item = Result<String, FetchError>> + Unpin) {
    let start = aio::now();
    while let Some(item) = items.next().await {
        let at = (aio::now() - start).as_millis();
        match item {
            Ok(item) => println!("  {at:>4} ms  {item}"),
            Err(e) => println!("  {at:>4} ms  stopped: {e}"),
        }
    }
}

#[aio::main]
async fn main() -> std::io::Result<()> {
    println!("A generator over a simulated API, 500 ms allowed per page:");
    print_all(all_items(ms(500))).await;
    println!("The same with 100 ms per page:");
    print_all(all_items(ms(100))).await;

    let server = start_server(serve_pages, "127.0.0.1:0").await?;
    let addr = server.local_addr().expect("a TCP server has an address");
    aio::select_first! {
        served = server.serve_forever() => served,
        () = async {
            println!("The pages over TCP, read as lines, 500 ms per page:");
            print_all(remote_items(addr, ms(500))).await;
            println!("The same with 100 ms per page:");
            print_all(remote_items(addr, ms(100))).await;
        } => Ok(()),
    }
}
