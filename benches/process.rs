//! Child processes: spawning `true` and waiting for it to end, aio against
//! tokio::process on tokio's current-thread runtime (both learn of the end
//! through a pidfd on Linux).
//!
//! Besides wall-clock time, each workload reports the CPU time of the
//! benchmark process alone: the children's fork and exec cost the same under
//! every runtime, and on a busy machine they dominate the wall-clock time.
//!
//! `cargo bench -p aio-benches --bench process` (add `-- --quick` for a
//! sub-minute run).

mod common;

use common::{Row, print_table, quick, scaled};
use std::time::Instant;

/// tokio's current-thread runtime with its I/O and signal drivers.
fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// What one run costs per process, in nanoseconds.
#[derive(Clone, Copy)]
struct Cost {
    wall: f64,
    cpu: f64,
}

/// CPU time (user + system) this process has used, in nanoseconds.
fn cpu_ns() -> f64 {
    // SAFETY: `getrusage` writes into the zeroed `rusage` (a plain C struct,
    // valid as all zeroes) that lives on this stack for the call.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let ns = |t: libc::timeval| t.tv_sec as f64 * 1e9 + t.tv_usec as f64 * 1e3;
    ns(usage.ru_utime) + ns(usage.ru_stime)
}

/// Best cost per process of `aio` and of `tokio` (each running `n`),
/// measured in alternation after a warm-up of each: spawning is slow and the
/// machine's load moves, so both see the same conditions.
fn alternating(
    n: usize,
    rounds: usize,
    mut aio: impl FnMut(),
    mut tokio: impl FnMut(),
) -> [Cost; 2] {
    aio();
    tokio();
    let mut best = [Cost {
        wall: f64::INFINITY,
        cpu: f64::INFINITY,
    }; 2];
    for _ in 0..rounds {
        for (run, best) in [&mut aio as &mut dyn FnMut(), &mut tokio]
            .into_iter()
            .zip(&mut best)
        {
            let (start, cpu) = (Instant::now(), cpu_ns());
            run();
            best.wall = best.wall.min(start.elapsed().as_nanos() as f64 / n as f64);
            best.cpu = best.cpu.min((cpu_ns() - cpu) / n as f64);
        }
    }
    best
}

/// The wall-clock row and the CPU-time row of one workload.
fn rows(workload: String, [aio, tokio]: [Cost; 2]) -> [Row; 2] {
    [
        Row::new(workload.clone(), "ns/process", aio.wall).peer("tokio::process", tokio.wall),
        Row::new(
            format!("{workload}: CPU time of the parent"),
            "ns/process",
            aio.cpu,
        )
        .peer("tokio::process", tokio.cpu),
    ]
}

/// `n` processes, one after another: spawn, wait.
fn one_after_another(rounds: usize) -> [Row; 2] {
    let n = scaled(1_000);
    let runner = aio::Runner::new();
    let rt = tokio_rt();
    let costs = alternating(
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
    rows(format!("spawn + wait of {n} `true`, one at a time"), costs)
}

/// `n` processes at once: spawn all, then wait for each.
fn all_at_once(rounds: usize) -> [Row; 2] {
    let n = scaled(1_000);
    let runner = aio::Runner::new();
    let rt = tokio_rt();
    let costs = alternating(
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
    rows(
        format!("spawn {n} `true` at once, then wait for each"),
        costs,
    )
}

fn main() {
    let rounds = if quick() { 2 } else { 5 };
    let mut table = Vec::new();
    table.extend(one_after_another(rounds));
    table.extend(all_at_once(rounds));
    print_table("processes", &table);
}
