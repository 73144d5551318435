//! Synchronisation primitives against tokio's and async-channel's.
//!
//! `cargo bench --bench sync` (add `-- --quick` for a sub-minute run).

mod common;

use common::{Row, ns_per_op, print_table, quick, scaled, tokio_rt};
use std::rc::Rc;
use std::sync::Arc;

fn ping_pong(rounds: usize) -> Row {
    let n = scaled(1_000_000);
    let aio = ns_per_op(n, rounds, || {
        aio::run(async {
            let (ping, pong) = (Rc::new(aio::Queue::new(1)), Rc::new(aio::Queue::new(1)));
            let (p, q) = (ping.clone(), pong.clone());
            let echo = aio::create_task(async move {
                for _ in 0..n {
                    let v: usize = p.get().await.unwrap();
                    q.put(v).await.unwrap();
                }
            });
            for i in 0..n {
                ping.put(i).await.unwrap();
                pong.get().await.unwrap();
            }
            echo.await.unwrap();
        })
    });
    let rt = tokio_rt();
    let tokio = ns_per_op(n, rounds, || {
        rt.block_on(async {
            let (ping_tx, mut ping_rx) = tokio::sync::mpsc::channel::<usize>(1);
            let (pong_tx, mut pong_rx) = tokio::sync::mpsc::channel::<usize>(1);
            let echo = tokio::spawn(async move {
                while let Some(v) = ping_rx.recv().await {
                    pong_tx.send(v).await.unwrap();
                }
            });
            for i in 0..n {
                ping_tx.send(i).await.unwrap();
                pong_rx.recv().await.unwrap();
            }
            drop(ping_tx);
            echo.await.unwrap();
        })
    });
    let channel = ns_per_op(n, rounds, || {
        rt.block_on(async {
            let (ping_tx, ping_rx) = async_channel::bounded::<usize>(1);
            let (pong_tx, pong_rx) = async_channel::bounded::<usize>(1);
            let echo = tokio::spawn(async move {
                while let Ok(v) = ping_rx.recv().await {
                    pong_tx.send(v).await.unwrap();
                }
            });
            for i in 0..n {
                ping_tx.send(i).await.unwrap();
                pong_rx.recv().await.unwrap();
            }
            drop(ping_tx);
            echo.await.unwrap();
        })
    });
    Row::new("Queue ping-pong, capacity 1", "ns/round trip", aio)
        .peer("tokio mpsc", tokio)
        .peer("async-channel", channel)
}

fn contended_lock(rounds: usize) -> Row {
    let tasks = 100;
    let each = scaled(10_000);
    let ops = tasks * each;
    let aio = ns_per_op(ops, rounds, || {
        aio::run(async {
            let lock = Rc::new(aio::Lock::new(0u64));
            let ts: Vec<_> = (0..tasks)
                .map(|_| {
                    let lock = lock.clone();
                    aio::create_task(async move {
                        for _ in 0..each {
                            *lock.lock().await += 1;
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
            let lock = Arc::new(tokio::sync::Mutex::new(0u64));
            let ts: Vec<_> = (0..tasks)
                .map(|_| {
                    let lock = lock.clone();
                    tokio::spawn(async move {
                        for _ in 0..each {
                            *lock.lock().await += 1;
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
    Row::new(format!("Lock, {tasks} tasks x {each}"), "ns/acquire", aio).peer("tokio Mutex", tokio)
}

fn semaphore(rounds: usize) -> Row {
    let n = scaled(1_000_000);
    let aio = ns_per_op(n, rounds, || {
        aio::run(async {
            let sem = aio::Semaphore::new(1);
            for _ in 0..n {
                drop(sem.acquire().await);
            }
        })
    });
    let rt = tokio_rt();
    let tokio = ns_per_op(n, rounds, || {
        rt.block_on(async {
            let sem = tokio::sync::Semaphore::new(1);
            for _ in 0..n {
                drop(sem.acquire().await.unwrap());
            }
        })
    });
    Row::new("Semaphore acquire + release", "ns/pair", aio).peer("tokio Semaphore", tokio)
}

fn main() {
    let rounds = if quick() { 2 } else { 5 };
    let rows = vec![ping_pong(rounds), contended_lock(rounds), semaphore(rounds)];
    print_table("synchronisation", &rows);
}
