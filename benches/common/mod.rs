//! Shared by the benchmark binaries: quick mode, timing, and the table they
//! print. Run one with `cargo bench -p aio-benches --bench NAME` (add `-- --quick` for a
//! sub-minute run).
#![allow(dead_code)]

mod chart;
mod results;

use std::fmt::Write;
use std::time::Instant;

/// tokio's current-thread runtime with its timer, the peer of every workload.
pub fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("tokio runtime")
}

/// tokio's current-thread runtime with its I/O driver, the peer of the
/// socket workloads.
pub fn tokio_io_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// True with `--quick` on the command line or `AIO_BENCH_QUICK=1`.
pub fn quick() -> bool {
    std::env::args().any(|a| a == "--quick")
        || std::env::var("AIO_BENCH_QUICK").is_ok_and(|v| v == "1")
}

/// `full` normally, `full / 10` (at least 1) in quick mode.
pub fn scaled(full: usize) -> usize {
    if quick() { (full / 10).max(1) } else { full }
}

/// Runs `f` (which performs `ops` operations) `rounds` times after one warm-up
/// and returns the best time per operation in nanoseconds.
pub fn ns_per_op(ops: usize, rounds: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut best = f64::INFINITY;
    for _ in 0..rounds.max(1) {
        let start = Instant::now();
        f();
        let ns = start.elapsed().as_nanos() as f64 / ops as f64;
        best = best.min(ns);
    }
    best
}

/// The best time per operation of each of `runs` (each doing `ops`
/// operations per call), their rounds taken in turns so that all see the same
/// load on a shared machine; one warm-up call each first.
pub fn interleaved(ops: usize, rounds: usize, runs: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    for run in runs.iter_mut() {
        run();
    }
    let mut best = vec![f64::INFINITY; runs.len()];
    for _ in 0..rounds.max(1) {
        for (run, best) in runs.iter_mut().zip(&mut best) {
            let start = Instant::now();
            run();
            *best = best.min(start.elapsed().as_nanos() as f64 / ops as f64);
        }
    }
    best
}

/// One measured workload: aio's number and the peers', in the same unit.
pub struct Row {
    pub workload: String,
    pub unit: &'static str,
    pub aio: f64,
    pub peers: Vec<(&'static str, f64)>,
}

impl Row {
    pub fn new(workload: impl Into<String>, unit: &'static str, aio: f64) -> Row {
        Row {
            workload: workload.into(),
            unit,
            aio,
            peers: Vec::new(),
        }
    }

    pub fn peer(mut self, name: &'static str, value: f64) -> Row {
        self.peers.push((name, value));
        self
    }
}

/// Prints the rows as a Markdown table: aio, each peer, and aio's ratio to the
/// best peer (below 1.0 means aio is ahead); a full run (not `--quick`) also
/// records it in `benches/RESULTS.md` and redraws `benches/results.svg`.
pub fn print_table(title: &str, rows: &[Row]) {
    let mut table = String::new();
    let _ = writeln!(table, "| workload | unit | aio | peers | aio / best peer |");
    let _ = writeln!(table, "|---|---|---:|---|---:|");
    for row in rows {
        let peers: Vec<String> = row
            .peers
            .iter()
            .map(|(name, v)| format!("{name} {v:.1}"))
            .collect();
        let best = row
            .peers
            .iter()
            .map(|(_, v)| *v)
            .fold(f64::INFINITY, f64::min);
        let ratio = if best.is_finite() && best > 0.0 {
            format!("{:.2}", row.aio / best)
        } else {
            "-".to_string()
        };
        let _ = writeln!(
            table,
            "| {} | {} | {:.1} | {} | {} |",
            row.workload,
            row.unit,
            row.aio,
            peers.join(", "),
            ratio
        );
    }
    println!("\n### {title}\n\n{table}");
    if !quick()
        && let Err(e) = results::record(title, &table)
    {
        eprintln!("could not write benches/RESULTS.md: {e}");
    }
}
