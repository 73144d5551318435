//! Child processes: spawning `true` and waiting for it to end, aio against
//! tokio::process on tokio's current-thread runtime (both learn of the end
//! through a pidfd on Linux).
//!
//! `cargo bench -p aio-benches --bench process` (add `-- --quick` for a
//! sub-minute run).

mod common;

use common::{print_table, quick, scaled, Row};
use std::time::Instant;

/// Best ns per process of `aio` and of `tokio` (each running `n`), measured
/// in alternation after a warm-up of each: spawning is slow and the
/// machine's load moves, so both see the same conditions.
fn alternating(
    n: usize,
    rounds: usize,
    mut aio: impl FnMut(),
    mut tokio: impl FnMut(),
) -> (f64, f64) {
    aio();
    tokio();
    let mut best = (f64::INFINITY, f64::INFINITY);
    let time = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        f();
        start.elapsed().as_nanos() as f64 / n as f64
    };
    for _ in 0..rounds {
        best.0 = best.0.min(time(&mut aio));
        best.1 = best.1.min(time(&mut tokio));
    }
    best
}

/// tokio's current-thread runtime with its I/O and signal drivers.
fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// `n` processes, one after another: spawn, wait.
fn one_after_another(rounds: usize) -> Row {
    let n = scaled(1_000);
    let runner = aio::Runner::new();
    let rt = tokio_rt();
    let (aio, tokio) = alternating(
        n,
        rounds,
        || {
            runner.run(async {
                for _ in 0..n {
                    let status = aio::process::Command::new("true").status().await;
                    assert!(status.unwrap().success());
                }
            })
        },
        || {
            rt.block_on(async {
                for _ in 0..n {
                    let status = tokio::process::Command::new("true").status().await;
                    assert!(status.unwrap().success());
                }
            })
        },
    );
    Row::new(
        format!("spawn + wait of {n} `true`, one at a time"),
        "ns/process",
        aio,
    )
    .peer("tokio::process", tokio)
}

/// `n` processes at once: spawn all, then wait for each.
fn all_at_once(rounds: usize) -> Row {
    let n = scaled(1_000);
    let runner = aio::Runner::new();
    let rt = tokio_rt();
    let (aio, tokio) = alternating(
        n,
        rounds,
        || {
            runner.run(async {
                let mut children: Vec<_> = (0..n)
                    .map(|_| aio::process::Command::new("true").spawn().unwrap())
                    .collect();
                for child in &mut children {
                    assert!(child.wait().await.unwrap().success());
                }
            })
        },
        || {
            rt.block_on(async {
                let mut children: Vec<_> = (0..n)
                    .map(|_| tokio::process::Command::new("true").spawn().unwrap())
                    .collect();
                for child in &mut children {
                    assert!(child.wait().await.unwrap().success());
                }
            })
        },
    );
    Row::new(
        format!("spawn {n} `true` at once, then wait for each"),
        "ns/process",
        aio,
    )
    .peer("tokio::process", tokio)
}

fn main() {
    let rounds = if quick() { 2 } else { 5 };
    let rows = [one_after_another(rounds), all_at_once(rounds)];
    print_table("processes", &rows);
}
