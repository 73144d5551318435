//! The cost of debug mode: the same workloads with it off and on. In the
//! table, the aio column is debug mode on and the peer is debug mode off,
//! so the ratio is what debug mode costs.
//!
//! `cargo bench -p aio-benches --bench debug` (add `-- --quick` for a
//! sub-minute run).

mod common;

use common::{Row, ns_per_op, print_table, quick, scaled};

fn runner(debug: bool) -> aio::Runner {
    let runner = aio::Runner::new();
    runner.get_loop().set_debug(debug);
    runner
}

fn spawn_join(rounds: usize) -> Row {
    let n = scaled(1_000_000);
    let measure = |debug| {
        let runner = runner(debug);
        ns_per_op(n, rounds, || {
            runner.run(async {
                let tasks: Vec<_> = (0..n).map(|i| aio::create_task(async move { i })).collect();
                for t in tasks {
                    t.await.unwrap();
                }
            })
        })
    };
    let (off, on) = (measure(false), measure(true));
    Row::new(format!("spawn + join, {n} tasks"), "ns/task", on).peer("debug off", off)
}

fn yields(rounds: usize) -> Row {
    let tasks = 1_000;
    let each = scaled(1_000);
    let measure = |debug| {
        let runner = runner(debug);
        ns_per_op(tasks * each, rounds, || {
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
        })
    };
    let (off, on) = (measure(false), measure(true));
    Row::new(format!("{tasks} tasks x {each} yields"), "ns/yield", on).peer("debug off", off)
}

fn group_children(rounds: usize) -> Row {
    let n = scaled(100_000);
    let measure = |debug| {
        let runner = runner(debug);
        ns_per_op(n, rounds, || {
            runner.run(async {
                aio::task_group!(|tg| {
                    for _ in 0..n {
                        tg.create_task(aio::yield_now());
                    }
                })
                .unwrap();
            })
        })
    };
    let (off, on) = (measure(false), measure(true));
    Row::new(format!("task_group! with {n} children"), "ns/child", on).peer("debug off", off)
}

fn main() {
    let rounds = if quick() { 2 } else { 5 };
    let rows = vec![spawn_join(rounds), yields(rounds), group_children(rounds)];
    print_table("debug mode on (aio) against off (peer)", &rows);
}
