//! The event loop against tokio's current-thread runtime and async-executor's
//! LocalExecutor: spawn+join, yield, timers, cancellation, memory per task.
//!
//! `cargo bench --bench executor` (add `-- --quick` for a sub-minute run).

mod common;

use common::{Row, interleaved, ns_per_op, print_table, quick, scaled, tokio_rt};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

// Each runtime is built once per workload and reused across rounds.

/// A yield that works on any executor (async-executor has none of its own).
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

fn local_block_on<T>(f: impl FnOnce(&async_executor::LocalExecutor<'static>) -> T) -> T {
    let ex: &'static async_executor::LocalExecutor<'static> =
        Box::leak(Box::new(async_executor::LocalExecutor::new()));
    f(ex)
}

fn spawn_join(rounds: usize) -> Row {
    let n = scaled(1_000_000);
    let runner = aio::Runner::new();
    let aio = ns_per_op(n, rounds, || {
        runner.run(async {
            let tasks: Vec<_> = (0..n).map(|i| aio::create_task(async move { i })).collect();
            for t in tasks {
                t.await.unwrap();
            }
        })
    });
    let rt = tokio_rt();
    let tokio = ns_per_op(n, rounds, || {
        rt.block_on(async {
            let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(async move { i })).collect();
            for t in tasks {
                t.await.unwrap();
            }
        })
    });
    let ae = local_block_on(|ex| {
        ns_per_op(n, rounds, || {
            futures::executor::block_on(ex.run(async {
                let tasks: Vec<_> = (0..n).map(|i| ex.spawn(async move { i })).collect();
                for t in tasks {
                    t.await;
                }
            }))
        })
    });
    Row::new(format!("spawn + join, {n} tasks"), "ns/task", aio)
        .peer("tokio", tokio)
        .peer("async-executor", ae)
}

fn yields(rounds: usize) -> Row {
    let tasks = 1_000;
    let each = scaled(1_000);
    let ops = tasks * each;
    let runner = aio::Runner::new();
    let aio = ns_per_op(ops, rounds, || {
        runner.run(async {
            let ts: Vec<_> = (0..tasks)
                .map(|_| {
                    aio::create_task(async move {
                        for _ in 0..each {
                            aio::yield_now().await;
                        }
                    })
                })
                .collect();
            for t in ts {
                t.await.unwrap();
            }
        })
    });
    let rt = tokio_rt();
    let tokio = ns_per_op(ops, rounds, || {
        rt.block_on(async {
            let ts: Vec<_> = (0..tasks)
                .map(|_| {
                    tokio::spawn(async move {
                        for _ in 0..each {
                            tokio::task::yield_now().await;
                        }
                    })
                })
                .collect();
            for t in ts {
                t.await.unwrap();
            }
        })
    });
    let ae = local_block_on(|ex| {
        ns_per_op(ops, rounds, || {
            futures::executor::block_on(ex.run(async {
                let ts: Vec<_> = (0..tasks)
                    .map(|_| {
                        ex.spawn(async move {
                            for _ in 0..each {
                                YieldOnce(false).await;
                            }
                        })
                    })
                    .collect();
                for t in ts {
                    t.await;
                }
            }))
        })
    });
    Row::new(format!("{tasks} tasks x {each} yields"), "ns/yield", aio)
        .peer("tokio", tokio)
        .peer("async-executor", ae)
}

/// A seeded xorshift: the same delays for every runtime.
fn delays(n: usize) -> Vec<Duration> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_millis(x % 101)
        })
        .collect()
}

/// Wall time beyond the longest sleep (100 ms), per timer: the overhead;
/// aio's and tokio's rounds taken in turns. With `fixed`, every deadline is
/// set before the tasks are spawned (`sleep_until(start + d)`): the timers
/// alone. Without, each task sleeps `d` from when it starts running, on
/// both runtimes (asyncio's `create_task(sleep(d))`): starting 100,000
/// tasks is part of what is measured.
fn timers(rounds: usize, fixed: bool) -> Row {
    let n = scaled(100_000);
    let ds = delays(n);
    let runner = aio::Runner::new();
    let rt = tokio_rt();
    let times = interleaved(
        n,
        rounds * 2,
        &mut [
            &mut || {
                runner.run(async {
                    let start = aio::now();
                    let ts: Vec<_> = ds
                        .iter()
                        .map(|&d| {
                            aio::create_task(async move {
                                match fixed {
                                    true => aio::sleep_until(start + d).await,
                                    false => aio::sleep(d).await,
                                }
                            })
                        })
                        .collect();
                    for t in ts {
                        t.await.unwrap();
                    }
                })
            },
            &mut || {
                rt.block_on(async {
                    let start = tokio::time::Instant::now();
                    let ts: Vec<_> = ds
                        .iter()
                        .map(|&d| {
                            tokio::spawn(async move {
                                match fixed {
                                    true => tokio::time::sleep_until(start + d).await,
                                    false => tokio::time::sleep(d).await,
                                }
                            })
                        })
                        .collect();
                    for t in ts {
                        t.await.unwrap();
                    }
                })
            },
        ],
    );
    let sleep = Duration::from_millis(100).as_nanos() as f64 / n as f64;
    let workload = match fixed {
        true => format!("{n} sleeps until start + 0-100 ms (time beyond 100 ms)"),
        false => format!("{n} tasks sleeping 0-100 ms (time beyond 100 ms)"),
    };
    Row::new(workload, "ns/timer", times[0] - sleep).peer("tokio", times[1] - sleep)
}

fn cancel(rounds: usize) -> Row {
    let n = scaled(100_000);
    let hour = Duration::from_secs(3600);
    let measure = |f: &mut dyn FnMut() -> Duration| {
        (0..rounds.max(1))
            .map(|_| f().as_nanos() as f64 / n as f64)
            .fold(f64::INFINITY, f64::min)
    };
    let runner = aio::Runner::new();
    let aio = measure(&mut || {
        runner.run(async {
            let ts: Vec<_> = (0..n).map(|_| aio::create_task(aio::sleep(hour))).collect();
            aio::yield_now().await;
            let start = Instant::now();
            for t in &ts {
                t.cancel();
            }
            for t in ts {
                assert!(t.await.is_err());
            }
            start.elapsed()
        })
    });
    let rt = tokio_rt();
    let tokio = measure(&mut || {
        rt.block_on(async {
            let ts: Vec<_> = (0..n)
                .map(|_| tokio::spawn(tokio::time::sleep(hour)))
                .collect();
            tokio::task::yield_now().await;
            let start = Instant::now();
            for t in &ts {
                t.abort();
            }
            for t in ts {
                assert!(t.await.is_err());
            }
            start.elapsed()
        })
    });
    let ae = local_block_on(|ex| {
        measure(&mut || {
            futures::executor::block_on(ex.run(async {
                // async-executor has no timer: park on a future that never ends.
                let ts: Vec<_> = (0..n)
                    .map(|_| ex.spawn(std::future::pending::<()>()))
                    .collect();
                YieldOnce(false).await;
                let start = Instant::now();
                for t in ts {
                    t.cancel().await;
                }
                start.elapsed()
            }))
        })
    });
    Row::new(format!("cancel {n} sleeping tasks"), "ns/task", aio)
        .peer("tokio", tokio)
        .peer("async-executor", ae)
}

fn rss_bytes() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0
}

/// Parks tasks on `runtime` in two equal batches and prints the RSS growth
/// per task of the second batch (run in a child process so that no earlier
/// workload's freed memory is reused). The first batch pays what is paid
/// once (the runtime's start, code and tables first touched), so the second
/// shows what one more parked task costs, its handle included.
fn rss_child(runtime: &str) {
    let batch = 50_000;
    let mut samples = Vec::new();
    match runtime {
        "aio" => aio::run(async {
            let mut ts = Vec::with_capacity(2 * batch);
            for _ in 0..2 {
                ts.extend((0..batch).map(|_| aio::create_task(std::future::pending::<()>())));
                aio::yield_now().await;
                samples.push(rss_bytes());
            }
        }),
        "tokio" => tokio_rt().block_on(async {
            let mut ts = Vec::with_capacity(2 * batch);
            for _ in 0..2 {
                ts.extend((0..batch).map(|_| tokio::spawn(std::future::pending::<()>())));
                tokio::task::yield_now().await;
                samples.push(rss_bytes());
            }
        }),
        _ => local_block_on(|ex| {
            futures::executor::block_on(ex.run(async {
                let mut ts = Vec::with_capacity(2 * batch);
                for _ in 0..2 {
                    ts.extend((0..batch).map(|_| ex.spawn(std::future::pending::<()>())));
                    YieldOnce(false).await;
                    samples.push(rss_bytes());
                }
                for t in ts {
                    t.detach();
                }
            }))
        }),
    }
    println!("{}", (samples[1] - samples[0]) / batch as f64);
}

/// The peak RSS (VmHWM) in bytes.
fn peak_rss_bytes() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb * 1024.0)
}

/// Spawns 1M tasks on `runtime`, keeping their handles, then joins them all,
/// and prints the peak RSS growth per task (in a child process of its own).
fn peak_child(runtime: &str) {
    let n = 1_000_000;
    let before = rss_bytes();
    match runtime {
        "aio" => aio::run(async {
            let ts: Vec<_> = (0..n).map(|i| aio::create_task(async move { i })).collect();
            for t in ts {
                std::hint::black_box(t.await.unwrap());
            }
        }),
        "tokio" => tokio_rt().block_on(async {
            let ts: Vec<_> = (0..n).map(|i| tokio::spawn(async move { i })).collect();
            for t in ts {
                std::hint::black_box(t.await.unwrap());
            }
        }),
        _ => local_block_on(|ex| {
            futures::executor::block_on(ex.run(async {
                let ts: Vec<_> = (0..n).map(|i| ex.spawn(async move { i })).collect();
                for t in ts {
                    std::hint::black_box(t.await);
                }
            }))
        }),
    }
    println!("{}", (peak_rss_bytes() - before) / n as f64);
}

/// Runs this benchmark again as a child with `args` and reads the number it
/// prints.
fn child_number(args: &[&str]) -> f64 {
    let exe = std::env::current_exe().expect("own path");
    let out = std::process::Command::new(exe)
        .args(args)
        .output()
        .expect("run the child");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or(f64::NAN)
}

fn peak_rss() -> Row {
    let measure = |runtime: &str| child_number(&["--peak-child", runtime]);
    Row::new(
        "peak RSS after 1M spawned tasks",
        "bytes/task",
        measure("aio"),
    )
    .peer("tokio", measure("tokio"))
    .peer("async-executor", measure("async-executor"))
}

fn rss() -> Row {
    let measure = |runtime: &str| child_number(&["--rss-child", runtime]);
    Row::new("memory per parked task (RSS)", "bytes", measure("aio"))
        .peer("tokio", measure("tokio"))
        .peer("async-executor", measure("async-executor"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--rss-child") {
        rss_child(&args[i + 1]);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--peak-child") {
        peak_child(&args[i + 1]);
        return;
    }
    let rounds = if quick() { 2 } else { 5 };
    let rows = vec![
        spawn_join(rounds),
        yields(rounds),
        timers(rounds, false),
        timers(rounds, true),
        cancel(rounds),
        rss(),
        peak_rss(),
    ];
    print_table("event loop", &rows);
}
