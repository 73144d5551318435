//! A server that runs out of file descriptors keeps serving: accepting fails
//! with EMFILE, the server backs off and accepts again once connections
//! close (it used to return the error from `serve_forever` for good).
//!
//! A plain `main` (no test harness) that runs itself again as a child: the
//! child lowers its limit on open files, which must not reach other tests,
//! and the parent checks what it said on stderr.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

/// Connections waiting in the listener's backlog.
const CLIENTS: usize = 24;
/// File descriptors left free once the limit is lowered.
const ROOM: u64 = 6;

/// The limit on open files that leaves exactly `room` descriptor numbers
/// free below it (new descriptors take the lowest free number; those open
/// above the limit stay usable).
#[cfg(target_os = "linux")]
fn limit_leaving(room: u64) -> u64 {
    let open: std::collections::BTreeSet<u64> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let mut free = 0;
    let mut fd = 0;
    loop {
        if !open.contains(&fd) {
            free += 1;
            if free == room {
                return fd + 1;
            }
        }
        fd += 1;
    }
}

/// Lowers the soft limit on open files to `max`.
#[cfg(target_os = "linux")]
fn limit_open_files(max: u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes the struct we pass, and setrlimit reads it;
    // neither keeps a pointer to it.
    let done = unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit)
        } else {
            -1
        }
    };
    assert_eq!(done, 0, "setrlimit: {}", std::io::Error::last_os_error());
}

const CHILD: &str = "AIO_ACCEPT_BACKOFF_CHILD";

#[cfg(target_os = "linux")]
fn main() {
    if std::env::var_os(CHILD).is_some() {
        return serve_out_of_descriptors();
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the child failed:\n{stderr}");
    assert!(
        stderr.contains("could not accept a connection (")
            && stderr.contains("accepting again in 1 s"),
        "the server says why it backs off:\n{stderr}"
    );
    println!("accept_backoff: ok");
}

#[cfg(target_os = "linux")]
fn serve_out_of_descriptors() {
    let accepted = Rc::new(Cell::new(0));
    let release = Rc::new(aio::Event::new());
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    let (a, r) = (accepted.clone(), release.clone());
    runner.run(async move {
        let server = aio::net::start_server(
            move |reader, writer| {
                a.set(a.get() + 1);
                let release = r.clone();
                async move {
                    // Holds the connection's descriptor until released.
                    release.wait().await;
                    drop((reader, writer));
                }
            },
            "127.0.0.1:0",
        )
        .await
        .unwrap();
        let addr = server.local_addr().unwrap();
        // Blocking clients, connected through the listener's backlog.
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| std::net::TcpStream::connect(addr).unwrap())
            .collect();
        limit_open_files(limit_leaving(ROOM));
        let serving = aio::create_task(async move { server.serve_forever().await });
        aio::sleep(Duration::from_secs(10)).await;
        if serving.is_done() {
            panic!("serve_forever stopped: {:?}", serving.await);
        }
        let before = accepted.get();
        assert!(
            before > 0 && before < CLIENTS,
            "out of descriptors after {before} connections"
        );
        // Connections close: the server accepts the rest.
        release.set();
        for _ in 0..60 {
            if accepted.get() == CLIENTS {
                break;
            }
            aio::sleep(Duration::from_secs(1)).await;
        }
        assert_eq!(accepted.get(), CLIENTS, "every client was accepted");
        assert!(!serving.is_done());
        serving.cancel();
        drop(clients);
    });
}

#[cfg(not(target_os = "linux"))]
fn main() {
    println!("accept_backoff: skipped (needs /proc/self/fd)");
}
