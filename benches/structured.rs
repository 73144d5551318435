//! Task groups and timeouts against tokio's JoinSet and tokio::time::timeout.
//!
//! `cargo bench --bench structured` (add `-- --quick` for a sub-minute run).

mod common;

use common::{Row, interleaved, ns_per_op, print_table, quick, scaled, tokio_rt};
use std::time::{Duration, Instant};

fn group_children(rounds: usize) -> [Row; 2] {
    let n = scaled(100_000);
    let group = ns_per_op(n, rounds, || {
        aio::run(async {
            aio::task_group!(|tg| {
                for _ in 0..n {
                    tg.create_task(async {});
                }
            })
            .unwrap();
        })
    });
    let spawn = ns_per_op(n, rounds, || {
        aio::run(async {
            let ts: Vec<_> = (0..n).map(|_| aio::create_task(async {})).collect();
            for t in ts {
                t.await.unwrap();
            }
        })
    });
    let rt = tokio_rt();
    let joinset = ns_per_op(n, rounds, || {
        rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..n {
                set.spawn(async {});
            }
            while set.join_next().await.is_some() {}
        })
    });
    [
        Row::new(format!("task_group! with {n} children"), "ns/child", group)
            .peer("tokio JoinSet", joinset),
        // For reference: the same work as plain loop tasks.
        Row::new(
            format!("aio spawn+join of {n} tasks (reference)"),
            "ns/task",
            spawn,
        )
        .peer("tokio JoinSet", joinset),
    ]
}

/// `timeout(10 s)` around a future that is ready at once: the commonest
/// helper's cost when it does not fire. async-io's `Timer` raced with the
/// future is the smallest peer (futures-lite's `or`).
fn timeout_ready(rounds: usize) -> Row {
    use futures_lite::FutureExt;
    let n = scaled(1_000_000);
    let ten = Duration::from_secs(10);
    let runner = aio::Runner::new();
    let rt = tokio_rt();
    let times = interleaved(
        n,
        rounds * 2,
        &mut [
            &mut || {
                runner.run(async {
                    for i in 0..n {
                        let v = aio::timeout(ten, async { i }).await.unwrap();
                        std::hint::black_box(v);
                    }
                })
            },
            &mut || {
                futures_lite::future::block_on(async {
                    for i in 0..n {
                        // Made before the race starts, as a timeout's deadline is.
                        let timer = async_io::Timer::after(ten);
                        let timer = async move {
                            timer.await;
                            Err(())
                        };
                        let v = async { Ok(i) }.or(timer).await.unwrap();
                        std::hint::black_box(v);
                    }
                })
            },
            &mut || {
                rt.block_on(async {
                    for i in 0..n {
                        let v = tokio::time::timeout(ten, async { i }).await.unwrap();
                        std::hint::black_box(v);
                    }
                })
            },
        ],
    );
    Row::new("timeout(10 s) around a ready future", "ns/call", times[0])
        .peer("async-io Timer", times[1])
        .peer("tokio::time::timeout", times[2])
}

/// `timeout(10 s)` around a future that yields once: the timeout is armed
/// (its timer set) and dropped unfired.
fn timeout_yield(rounds: usize) -> Row {
    use futures_lite::FutureExt;
    let n = scaled(100_000);
    let ten = Duration::from_secs(10);
    let runner = aio::Runner::new();
    let rt = tokio_rt();
    let times = interleaved(
        n,
        rounds * 2,
        &mut [
            &mut || {
                runner.run(async {
                    for i in 0..n {
                        let body = async {
                            aio::yield_now().await;
                            i
                        };
                        std::hint::black_box(aio::timeout(ten, body).await.unwrap());
                    }
                })
            },
            &mut || {
                futures_lite::future::block_on(async {
                    for i in 0..n {
                        let timer = async_io::Timer::after(ten);
                        let timer = async move {
                            timer.await;
                            Err(())
                        };
                        let body = async {
                            futures_lite::future::yield_now().await;
                            Ok(i)
                        };
                        std::hint::black_box(body.or(timer).await.unwrap());
                    }
                })
            },
            &mut || {
                rt.block_on(async {
                    for i in 0..n {
                        let body = async {
                            tokio::task::yield_now().await;
                            i
                        };
                        let v = tokio::time::timeout(ten, body).await.unwrap();
                        std::hint::black_box(v);
                    }
                })
            },
        ],
    );
    Row::new(
        "timeout(10 s) around a future that yields once",
        "ns/call",
        times[0],
    )
    .peer("async-io Timer", times[1])
    .peer("tokio::time::timeout", times[2])
}

fn cancel_group(rounds: usize) -> Row {
    let n = scaled(100_000);
    let hour = Duration::from_secs(3600);
    let best = |f: &mut dyn FnMut() -> Duration| {
        (0..rounds.max(1))
            .map(|_| f().as_nanos() as f64 / n as f64)
            .fold(f64::INFINITY, f64::min)
    };
    let aio = best(&mut || {
        aio::run(async {
            let mut started = None;
            let _ = aio::task_group!(|tg| {
                for _ in 0..n {
                    tg.create_task(aio::sleep(hour));
                }
                aio::yield_now().await;
                started = Some(Instant::now());
                tg.cancel();
            });
            started.expect("set").elapsed()
        })
    });
    let rt = tokio_rt();
    let tokio = best(&mut || {
        rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for _ in 0..n {
                set.spawn(tokio::time::sleep(hour));
            }
            tokio::task::yield_now().await;
            let start = Instant::now();
            set.abort_all();
            while set.join_next().await.is_some() {}
            start.elapsed()
        })
    });
    Row::new(
        format!("cancel a group of {n} sleeping children"),
        "ns/child",
        aio,
    )
    .peer("tokio JoinSet abort_all", tokio)
}

/// Each task catches its cancellation and awaits a cleanup step (a yield)
/// before it ends: aio's `catch_cancel` against tokio's `CancellationToken`
/// raced with the work in `select!`, the pattern tokio users write.
fn cancel_with_cleanup(rounds: usize) -> Row {
    let n = scaled(100_000);
    let hour = Duration::from_secs(3600);
    let best = |f: &mut dyn FnMut() -> Duration| {
        (0..rounds.max(1))
            .map(|_| f().as_nanos() as f64 / n as f64)
            .fold(f64::INFINITY, f64::min)
    };
    let aio = best(&mut || {
        aio::run(async {
            let ts: Vec<_> = (0..n)
                .map(|_| {
                    aio::create_task(async move {
                        if aio::catch_cancel(aio::sleep(hour)).await.is_err() {
                            aio::yield_now().await; // async cleanup
                        }
                    })
                })
                .collect();
            aio::yield_now().await;
            let start = Instant::now();
            for t in &ts {
                t.cancel();
            }
            for t in ts {
                t.await.unwrap();
            }
            start.elapsed()
        })
    });
    let rt = tokio_rt();
    let tokio = best(&mut || {
        rt.block_on(async {
            let tokens: Vec<_> = (0..n)
                .map(|_| tokio_util::sync::CancellationToken::new())
                .collect();
            let ts: Vec<_> = tokens
                .iter()
                .map(|token| {
                    let token = token.clone();
                    tokio::spawn(async move {
                        tokio::select! {
                            _ = token.cancelled() => tokio::task::yield_now().await,
                            _ = tokio::time::sleep(hour) => {}
                        }
                    })
                })
                .collect();
            tokio::task::yield_now().await;
            let start = Instant::now();
            for token in &tokens {
                token.cancel();
            }
            for t in ts {
                t.await.unwrap();
            }
            start.elapsed()
        })
    });
    Row::new(
        format!("cancel {n} tasks that await a cleanup step"),
        "ns/task",
        aio,
    )
    .peer("tokio CancellationToken + select!", tokio)
}

fn main() {
    let rounds = if quick() { 2 } else { 5 };
    let mut rows = Vec::from(group_children(rounds));
    rows.push(timeout_ready(rounds));
    rows.push(timeout_yield(rounds));
    rows.push(cancel_group(rounds));
    rows.push(cancel_with_cleanup(rounds));
    print_table("structured concurrency", &rows);
}
