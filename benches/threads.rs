//! A round trip to the thread pool: aio's `to_thread` against tokio's
//! `spawn_blocking`.
//!
//! `cargo bench --bench threads` (add `-- --quick` for a sub-minute run).

mod common;

use common::{ns_per_op, print_table, quick, scaled, tokio_rt, Row};

fn main() {
    let rounds = if quick() { 2 } else { 5 };
    let n = scaled(100_000);
    let runner = aio::Runner::new();
    let aio = ns_per_op(n, rounds, || {
        runner.run(async {
            for i in 0..n {
                std::hint::black_box(aio::to_thread(move || i).await.unwrap());
            }
        })
    });
    let rt = tokio_rt();
    let tokio = ns_per_op(n, rounds, || {
        rt.block_on(async {
            for i in 0..n {
                std::hint::black_box(tokio::task::spawn_blocking(move || i).await.unwrap());
            }
        })
    });
    let row = Row::new(format!("{n} to_thread round trips"), "ns/call", aio)
        .peer("tokio spawn_blocking", tokio);
    print_table("threads", &[row]);
}
