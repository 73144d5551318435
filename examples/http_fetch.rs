//! Fetching URLs concurrently, for real: a small HTTP server on 127.0.0.1
//! and 20 requests to it, at most 5 in flight (a `Semaphore`), each with its
//! own time limit, all in one task group whose first failure cancels the
//! rest. Then the same with a URL that is too slow, to show the failure path.
//!
//! `cargo run --example http_fetch --features hyper`

use aio::http::{Client, HttpError, Request, Response, StatusCode, respond, serve};
use aio::net::TcpListener;
use std::cell::{Cell, RefCell};
use std::time::{Duration, Instant};

const IN_FLIGHT: usize = 5;
const PER_REQUEST: Duration = Duration::from_millis(500);

/// The server: `/page/N` answers after a short, varying delay; `/slow` takes
/// longer than any client waits.
async fn handle(
    request: Request<aio::http::Incoming>,
) -> Response<aio::http::Full<aio::http::Bytes>> {
    let path = request.uri().path();
    if path == "/slow" {
        aio::sleep(Duration::from_secs(10)).await;
    }
    let Some(n) = path
        .strip_prefix("/page/")
        .and_then(|n| n.parse::<u64>().ok())
    else {
        return respond(StatusCode::NOT_FOUND, "no such page\n");
    };
    aio::sleep(Duration::from_millis(20 + (n * 37) % 80)).await;
    respond(
        StatusCode::OK,
        format!("page {n}: {}\n", "lorem ipsum ".repeat(n as usize)),
    )
}

/// One row of the summary.
struct Fetched {
    path: String,
    status: StatusCode,
    bytes: usize,
    took: Duration,
}

/// Fetches every path with at most IN_FLIGHT requests at once; the first
/// failure cancels the others (their connections close) and is returned.
async fn fetch_all(base: &str, paths: &[String]) -> Result<Vec<Fetched>, aio::GroupError> {
    let client = Client::new().max_response_size(64 * 1024);
    let slots = aio::Semaphore::new(IN_FLIGHT);
    let (in_flight, most) = (Cell::new(0), Cell::new(0));
    let fetched = RefCell::new(Vec::new());
    aio::task_group!(|tg| {
        for path in paths {
            let (client, slots, in_flight, most, fetched) =
                (&client, &slots, &in_flight, &most, &fetched);
            tg.create_task(async move {
                let _slot = slots.acquire().await;
                in_flight.set(in_flight.get() + 1);
                most.set(most.get().max(in_flight.get()));
                let start = Instant::now();
                let url = format!("{base}{path}");
                let response = aio::timeout!(PER_REQUEST, { client.get(&url).await });
                in_flight.set(in_flight.get() - 1);
                let response = response
                    .map_err(|_| format!("{path}: no answer within {PER_REQUEST:?}"))?
                    .map_err(|e: HttpError| format!("{path}: {e}"))?;
                fetched.borrow_mut().push(Fetched {
                    path: path.clone(),
                    status: response.status(),
                    bytes: response.body().len(),
                    took: start.elapsed(),
                });
                Ok::<_, String>(())
            });
        }
    })?;
    println!("(at most {} requests were in flight)", most.get());
    Ok(fetched.into_inner())
}

fn print_table(rows: &[Fetched]) {
    println!("{:<10} {:>6} {:>7} {:>8}", "path", "status", "bytes", "ms");
    for row in rows {
        println!(
            "{:<10} {:>6} {:>7} {:>8.1}",
            row.path,
            row.status.as_u16(),
            row.bytes,
            row.took.as_secs_f64() * 1000.0
        );
    }
    let bytes: usize = rows.iter().map(|r| r.bytes).sum();
    println!("{} responses, {bytes} bytes", rows.len());
}

#[aio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    println!("serving on {base}");
    aio::task_group!(|tg| {
        let server = tg.create_task(serve(listener, handle));

        let pages: Vec<String> = (1..=20).map(|n| format!("/page/{n}")).collect();
        let started = Instant::now();
        let rows = fetch_all(&base, &pages).await?;
        print_table(&rows);
        println!(
            "all 20 in {:.0} ms\n",
            started.elapsed().as_secs_f64() * 1000.0
        );

        let mut with_slow = pages[..9].to_vec();
        with_slow.insert(3, "/slow".to_string());
        match fetch_all(&base, &with_slow).await {
            Ok(rows) => print_table(&rows),
            Err(group) => println!("the second batch stopped at its first failure: {group}"),
        }

        server.cancel();
        Ok::<_, aio::GroupError>(())
    })?;
    Ok(())
}
