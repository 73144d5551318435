//! select_first! against tokio::select!, gather against join_all and JoinSet.
//!
//! `cargo bench --bench waiting` (add `-- --quick` for a sub-minute run).

mod common;

use common::{Row, interleaved, ns_per_op, print_table, quick, scaled, tokio_rt};

fn select(rounds: usize) -> Row {
    let n = scaled(1_000_000);
    let runner = aio::Runner::new();
    let rt = tokio_rt();
    let times = interleaved(
        n,
        rounds * 2,
        &mut [
            &mut || {
                runner.run(async {
                    let mut sum = 0u64;
                    for i in 0..n as u64 {
                        sum += aio::select_first! {
                            a = async { i } => a,
                            b = std::future::pending::<u64>() => b,
                        };
                    }
                    std::hint::black_box(sum);
                })
            },
            &mut || {
                rt.block_on(async {
                    let mut sum = 0u64;
                    for i in 0..n as u64 {
                        sum += tokio::select! {
                            a = async { i } => a,
                            b = std::future::pending::<u64>() => b,
                        };
                    }
                    std::hint::black_box(sum);
                })
            },
        ],
    );
    Row::new("select of 2 branches", "ns/select", times[0]).peer("tokio::select!", times[1])
}

fn gather(rounds: usize) -> Row {
    let n = 1_000;
    let reps = scaled(1_000);
    let ops = n * reps;
    let aio = ns_per_op(ops, rounds, || {
        aio::run(async {
            for _ in 0..reps {
                let v = aio::gather((0..n).map(|i| async move {
                    aio::yield_now().await;
                    Ok::<_, ()>(i)
                }))
                .await
                .unwrap();
                std::hint::black_box(v);
            }
        })
    });
    let rt = tokio_rt();
    let join_all = ns_per_op(ops, rounds, || {
        rt.block_on(async {
            for _ in 0..reps {
                let v = futures::future::join_all((0..n).map(|i| async move {
                    tokio::task::yield_now().await;
                    i
                }))
                .await;
                std::hint::black_box(v);
            }
        })
    });
    let joinset = ns_per_op(ops, rounds, || {
        rt.block_on(async {
            for _ in 0..reps {
                let mut set = tokio::task::JoinSet::new();
                for i in 0..n {
                    set.spawn(async move {
                        tokio::task::yield_now().await;
                        i
                    });
                }
                std::hint::black_box(set.join_all().await);
            }
        })
    });
    Row::new(format!("gather of {n} futures"), "ns/future", aio)
        .peer("futures join_all", join_all)
        .peer("tokio JoinSet", joinset)
}

fn main() {
    let rounds = if quick() { 2 } else { 5 };
    let rows = vec![select(rounds), gather(rounds)];
    print_table("waiting", &rows);
}
