//! Sockets on the loop: TCP ping-pong over loopback and connection set-up,
//! aio against tokio's current-thread runtime (async-executor has no I/O of
//! its own).
//!
//! `cargo bench --bench net` (add `-- --quick` for a sub-minute run).

mod common;

use common::{Row, interleaved, print_table, quick, scaled, tokio_io_rt};

const MESSAGE: usize = 64;

fn ping_pong(rounds: usize) -> Row {
    let n = scaled(50_000);
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
                    let echo = aio::create_task(async move {
                        let (stream, _) = listener.accept().await.unwrap();
                        let mut buf = [0; MESSAGE];
                        for _ in 0..n {
                            stream.read_exact(&mut buf).await.unwrap();
                            stream.write_all(&buf).await.unwrap();
                        }
                    });
                    let stream = aio::net::TcpStream::connect(addr).await.unwrap();
                    stream.set_nodelay(true).unwrap();
                    let mut buf = [7; MESSAGE];
                    for _ in 0..n {
                        stream.write_all(&buf).await.unwrap();
                        stream.read_exact(&mut buf).await.unwrap();
                    }
                    echo.await.unwrap();
                })
            },
            &mut || {
                rt.block_on(async {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    let addr = listener.local_addr().unwrap();
                    let echo = tokio::spawn(async move {
                        let (mut stream, _) = listener.accept().await.unwrap();
                        let mut buf = [0; MESSAGE];
                        for _ in 0..n {
                            stream.read_exact(&mut buf).await.unwrap();
                            stream.write_all(&buf).await.unwrap();
                        }
                    });
                    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                    stream.set_nodelay(true).unwrap();
                    let mut buf = [7; MESSAGE];
                    for _ in 0..n {
                        stream.write_all(&buf).await.unwrap();
                        stream.read_exact(&mut buf).await.unwrap();
                    }
                    echo.await.unwrap();
                })
            },
        ],
    );
    Row::new(
        format!("TCP ping-pong, {MESSAGE} bytes, {n} round trips"),
        "ns/round trip",
        times[0],
    )
    .peer("tokio", times[1])
}

fn connect_accept(rounds: usize) -> Row {
    let n = scaled(2_000);
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
                    let acceptor = aio::create_task(async move {
                        for _ in 0..n {
                            drop(listener.accept().await.unwrap());
                        }
                    });
                    for _ in 0..n {
                        drop(aio::net::TcpStream::connect(addr).await.unwrap());
                    }
                    acceptor.await.unwrap();
                })
            },
            &mut || {
                rt.block_on(async {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                    let addr = listener.local_addr().unwrap();
                    let acceptor = tokio::spawn(async move {
                        for _ in 0..n {
                            drop(listener.accept().await.unwrap());
                        }
                    });
                    for _ in 0..n {
                        drop(tokio::net::TcpStream::connect(addr).await.unwrap());
                    }
                    acceptor.await.unwrap();
                })
            },
        ],
    );
    Row::new(
        format!("{n} TCP connects + accepts"),
        "ns/connection",
        times[0],
    )
    .peer("tokio", times[1])
}

fn main() {
    let rounds = if quick() { 2 } else { 5 };
    let rows = vec![ping_pong(rounds), connect_accept(rounds)];
    print_table("networking", &rows);
}
