//! HTTP/1.1 over keep-alive connections: the same hyper hello-world server
//! on aio (`aio::http::serve`) and on tokio's current-thread runtime
//! (hyper-util's `TokioIo` and `TokioTimer`, a task per connection), each
//! loaded by the same generator: a hyper client on tokio in another thread.
//! Two numbers per workload: wall time per request (the generator's view),
//! and the CPU time the serving thread spent per request, which a loaded
//! machine moves less.
//!
//! `cargo bench -p aio-benches --bench http` (add `-- --quick` for a
//! sub-minute run).

mod common;

use bytes::Bytes;
use common::{Row, print_table, quick, scaled};
use http_body_util::{BodyExt, Empty, Full};
use hyper::{Request, Response};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const HELLO: &[u8] = b"Hello, World!";

fn hello_response() -> Response<Full<Bytes>> {
    Response::new(Full::new(Bytes::from_static(HELLO)))
}

/// The load: `connections` keep-alive connections to `addr`, each sending
/// `per_connection` GET requests one after another and reading each whole
/// response. Returns the time from the first request to the last answer.
fn load(addr: SocketAddr, connections: usize, per_connection: usize) -> Duration {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let mut senders = Vec::new();
        for _ in 0..connections {
            let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            let io = hyper_util::rt::TokioIo::new(stream);
            let (send, conn) = hyper::client::conn::http1::handshake(io).await.unwrap();
            tokio::spawn(conn);
            senders.push(send);
        }
        let start = Instant::now();
        let clients: Vec<_> = senders
            .into_iter()
            .map(|mut send| {
                tokio::spawn(async move {
                    for _ in 0..per_connection {
                        let request = Request::get("/")
                            .header("host", "bench")
                            .body(Empty::<Bytes>::new())
                            .unwrap();
                        let response = send.send_request(request).await.unwrap();
                        assert_eq!(response.status(), 200);
                        let body = response.into_body().collect().await.unwrap();
                        assert_eq!(body.to_bytes(), HELLO);
                    }
                })
            })
            .collect();
        for client in clients {
            client.await.unwrap();
        }
        start.elapsed()
    })
}

/// CPU time (user + system) the calling thread has used.
fn thread_cpu() -> Duration {
    // SAFETY: `clock_gettime` writes into the zeroed `timespec` (a plain C
    // struct, valid as all zeroes) that lives on this stack for the call.
    let time = unsafe {
        let mut time: libc::timespec = std::mem::zeroed();
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time);
        time
    };
    Duration::new(time.tv_sec as u64, time.tv_nsec as u32)
}

/// The wall time of a load and the serving thread's CPU time meanwhile.
struct Measured {
    wall: Duration,
    server_cpu: Duration,
}

/// Runs `serve_under_load` (which returns the load's wall time) and adds the
/// CPU time of this thread, the one serving.
fn measured(serve_under_load: impl FnOnce() -> Duration) -> Measured {
    let cpu = thread_cpu();
    let wall = serve_under_load();
    Measured {
        wall,
        server_cpu: thread_cpu() - cpu,
    }
}

/// Serves with aio until the load (on aio's thread pool) is done.
fn on_aio(runner: &aio::Runner, connections: usize, per_connection: usize) -> Duration {
    runner.run(async {
        let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        aio::select_first! {
            served = aio::http::serve(listener, |_| async { hello_response() }) => {
                panic!("the server stopped: {served:?}")
            },
            took = aio::to_thread(move || load(addr, connections, per_connection)) => took.unwrap(),
        }
    })
}

/// Serves with hyper on tokio until the load (on a blocking thread) is done.
fn on_tokio(rt: &tokio::runtime::Runtime, connections: usize, per_connection: usize) -> Duration {
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = async move {
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(hyper_util::rt::TokioTimer::new());
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let connection = builder.serve_connection(
                    hyper_util::rt::TokioIo::new(stream),
                    hyper::service::service_fn(|_| async { Ok::<_, Infallible>(hello_response()) }),
                );
                tokio::spawn(connection);
            }
        };
        tokio::select! {
            () = server => unreachable!(),
            took = tokio::task::spawn_blocking(move || load(addr, connections, per_connection)) => {
                took.unwrap()
            }
        }
    })
}

/// ns per request on aio and on tokio, measured in alternation (best of
/// `rounds` each, after a warm-up of each): wall time, then the server's CPU.
fn keep_alive(connections: usize, requests: usize, rounds: usize) -> [Row; 2] {
    let per_connection = requests / connections;
    let total = (per_connection * connections) as f64;
    let runner = aio::Runner::new();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    on_aio(&runner, connections, per_connection);
    on_tokio(&rt, connections, per_connection);
    let per_request = |d: Duration| d.as_nanos() as f64 / total;
    let mut best = [[f64::INFINITY; 2]; 2]; // [aio, tokio] x [wall, cpu]
    for _ in 0..rounds {
        let runs = [
            measured(|| on_aio(&runner, connections, per_connection)),
            measured(|| on_tokio(&rt, connections, per_connection)),
        ];
        for (best, run) in best.iter_mut().zip(runs) {
            best[0] = best[0].min(per_request(run.wall));
            best[1] = best[1].min(per_request(run.server_cpu));
        }
    }
    let workload = format!(
        "hello world, {connections} keep-alive connection{}, {total} requests",
        if connections == 1 { "" } else { "s" },
    );
    [
        Row::new(workload, "ns/request", best[0][0]).peer("hyper on tokio", best[1][0]),
        Row::new(
            "the same: CPU time of the server thread",
            "ns/request",
            best[0][1],
        )
        .peer("hyper on tokio", best[1][1]),
    ]
}

fn main() {
    let rounds = if quick() { 2 } else { 5 };
    let mut rows = Vec::new();
    rows.extend(keep_alive(1, scaled(20_000), rounds));
    rows.extend(keep_alive(16, scaled(50_000), rounds));
    print_table("HTTP (hyper)", &rows);
}
