//! TCP echo of 64-byte messages over many connections: in one process (aio's
//! loop against tokio's current-thread runtime), and an echo server on one
//! and two loops (`aio::run_per_core`) against tokio's multi-thread runtime
//! with as many workers, its client load in a separate process.
//!
//! `cargo bench -p aio-benches --bench tcp_echo` (add `-- --quick` for a
//! sub-minute run).

mod common;

use common::{Row, interleaved, print_table, quick, scaled, tokio_io_rt};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Instant;

const CONNECTIONS: usize = 50;
const MESSAGE: usize = 64;
/// Set in the client process: `ADDRESS,ROUND_TRIPS_PER_CONNECTION`.
const CLIENT_ENV: &str = "AIO_ECHO_CLIENT";

/// Echoes 64-byte messages until the peer closes.
async fn aio_echo(stream: aio::net::TcpStream) {
    stream.set_nodelay(true).unwrap();
    let mut buf = [0; MESSAGE];
    while stream.read_exact(&mut buf).await.is_ok() {
        stream.write_all(&buf).await.unwrap();
    }
}

/// `trips` round trips on each of `CONNECTIONS` connections at once; returns
/// the time they took (connecting excluded).
async fn aio_clients(addr: SocketAddr, trips: usize) -> std::time::Duration {
    let mut streams = Vec::new();
    for _ in 0..CONNECTIONS {
        let stream = aio::net::TcpStream::connect(addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        streams.push(stream);
    }
    let start = Instant::now();
    let clients = streams.into_iter().map(|stream| async move {
        let mut buf = [7; MESSAGE];
        for _ in 0..trips {
            stream.write_all(&buf).await.unwrap();
            stream.read_exact(&mut buf).await.unwrap();
        }
    });
    aio::gather_all(clients).await;
    start.elapsed()
}

async fn tokio_echo(mut stream: tokio::net::TcpStream) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.set_nodelay(true).unwrap();
    let mut buf = [0; MESSAGE];
    while stream.read_exact(&mut buf).await.is_ok() {
        stream.write_all(&buf).await.unwrap();
    }
}

/// Server and clients in one process, on one thread.
fn in_process(rounds: usize) -> Row {
    let trips = scaled(2_000);
    let n = CONNECTIONS * trips;
    let runner = aio::Runner::new();
    let rt = tokio_io_rt();
    let times = interleaved(
        n,
        rounds * 2,
        &mut [
            &mut || {
                runner.run(async {
                    let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    let addr = listener.local_addr().unwrap();
                    let server = aio::create_task(async move {
                        for _ in 0..CONNECTIONS {
                            let (stream, _) = listener.accept().await.unwrap();
                            aio::create_task(aio_echo(stream)).detach();
                        }
                    });
                    aio_clients(addr, trips).await;
                    server.await.unwrap();
                })
            },
            &mut || {
                rt.block_on(async {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    let addr = listener.local_addr().unwrap();
                    let server = tokio::spawn(async move {
                        for _ in 0..CONNECTIONS {
                            let (stream, _) = listener.accept().await.unwrap();
                            tokio::spawn(tokio_echo(stream));
                        }
                    });
                    let mut clients = tokio::task::JoinSet::new();
                    for _ in 0..CONNECTIONS {
                        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                        stream.set_nodelay(true).unwrap();
                        clients.spawn(async move {
                            let mut buf = [7; MESSAGE];
                            for _ in 0..trips {
                                stream.write_all(&buf).await.unwrap();
                                stream.read_exact(&mut buf).await.unwrap();
                            }
                        });
                    }
                    clients.join_all().await;
                    server.await.unwrap();
                })
            },
        ],
    );
    Row::new(
        format!("TCP echo, {CONNECTIONS} connections x {MESSAGE} B, {trips} round trips each"),
        "ns/round trip",
        times[0],
    )
    .peer("tokio", times[1])
}

/// Runs the client load in a new process of this benchmark and returns the
/// time per round trip it measured.
fn client_process(addr: SocketAddr, trips: usize) -> f64 {
    let exe = std::env::current_exe().expect("the benchmark's own path");
    let out = std::process::Command::new(exe)
        .env(CLIENT_ENV, format!("{addr},{trips}"))
        .output()
        .expect("the client process");
    assert!(
        out.status.success(),
        "client: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let nanos: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("client's time");
    nanos / (CONNECTIONS * trips) as f64
}

/// The client process: one aio loop driving every connection.
fn run_client(spec: &str) {
    let (addr, trips) = spec.split_once(',').expect("ADDRESS,TRIPS");
    let addr: SocketAddr = addr.parse().expect("address");
    let trips: usize = trips.parse().expect("trips");
    let took = aio::run(aio_clients(addr, trips));
    println!("{}", took.as_nanos());
}

thread_local! {
    /// Set (through a loop's handle) when every connection was served.
    static STOP: std::rc::Rc<aio::Event> = std::rc::Rc::new(aio::Event::new());
}

/// An echo server on `loops` loops of `run_per_core`, each accepting on the
/// same port; ns per round trip as the client process saw it.
fn aio_server(loops: usize, trips: usize) -> f64 {
    let port = free_port();
    let addr: SocketAddr = ([127, 0, 0, 1], port).into();
    let bound = Barrier::new(loops + 1);
    let served = Arc::new(AtomicUsize::new(0));
    let per_loop = std::thread::scope(|s| {
        let server = s.spawn(|| {
            aio::run_per_core(loops, |core| {
                let (bound, served) = (&bound, served.clone());
                async move {
                    let listener = aio::net::TcpListener::bind_reuseport(addr).await.unwrap();
                    bound.wait();
                    let accepted = std::rc::Rc::new(std::cell::Cell::new(0));
                    let count = accepted.clone();
                    let accept = async move {
                        loop {
                            let (stream, _) = listener.accept().await.unwrap();
                            count.set(count.get() + 1);
                            let (core, served) = (core.clone(), served.clone());
                            aio::create_task(async move {
                                aio_echo(stream).await;
                                if served.fetch_add(1, Ordering::SeqCst) + 1 == CONNECTIONS {
                                    for i in 0..core.count() {
                                        // A loop that already stopped needs no signal.
                                        let _ = core
                                            .handle(i)
                                            .call_soon_threadsafe(|| STOP.with(|s| s.set()));
                                    }
                                }
                            })
                            .detach();
                        }
                    };
                    let stop_event = STOP.with(std::rc::Rc::clone);
                    let stop = async move { stop_event.wait().await };
                    aio::select_first! {
                        _ = accept => {},
                        _ = stop => {},
                    }
                    accepted.get()
                }
            })
        });
        bound.wait();
        let ns = client_process(addr, trips);
        (ns, server.join().expect("server"))
    });
    let (ns, accepted) = per_loop;
    assert_eq!(accepted.iter().sum::<usize>(), CONNECTIONS);
    ns
}

/// The same server on tokio's multi-thread runtime with `workers` threads.
fn tokio_server(workers: usize, trips: usize) -> f64 {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let done = Arc::new(tokio::sync::Notify::new());
    let served = Arc::new(AtomicUsize::new(0));
    let stop = done.clone();
    let server = rt.spawn(async move {
        let accept = async {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let (done, served) = (done.clone(), served.clone());
                tokio::spawn(async move {
                    tokio_echo(stream).await;
                    if served.fetch_add(1, Ordering::SeqCst) + 1 == CONNECTIONS {
                        done.notify_one();
                    }
                });
            }
        };
        tokio::select! {
            _ = accept => {},
            _ = stop.notified() => {},
        }
    });
    let ns = client_process(addr, trips);
    rt.block_on(server).unwrap();
    ns
}

fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

fn across_processes(rounds: usize) -> Vec<Row> {
    let trips = scaled(2_000);
    [1, 2]
        .into_iter()
        .map(|loops| {
            let (mut aio, mut tokio) = (f64::INFINITY, f64::INFINITY);
            for _ in 0..rounds.max(1) {
                aio = aio.min(aio_server(loops, trips));
                tokio = tokio.min(tokio_server(loops, trips));
            }
            Row::new(
                format!("TCP echo server on {loops} loop(s), client in another process"),
                "ns/round trip",
                aio,
            )
            .peer("tokio multi-thread", tokio)
        })
        .collect()
}

fn main() {
    if let Ok(spec) = std::env::var(CLIENT_ENV) {
        return run_client(&spec);
    }
    let rounds = if quick() { 2 } else { 5 };
    let mut rows = vec![in_process(rounds)];
    rows.extend(across_processes(rounds));
    print_table("TCP echo", &rows);
}
