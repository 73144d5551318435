//! A round trip to the thread pool: aio's `to_thread` against tokio's
//! `spawn_blocking`.
//!
//! `cargo bench --bench threads` (add `-- --quick` for a sub-minute run).

mod common;

use common::{Row, interleaved, print_table, quick, scaled, tokio_rt};

fn main() {
    let rounds = if quick() { 2 } else { 5 };
    let n = scaled(100_000);
    let runner = aio::Runner::new();
    let rt = tokio_rt();
    let times = interleaved(
        n,
        rounds * 2,
        &mut [
            &mut || {
                runner.run(async {
                    for i in 0..n {
                        std::hint::black_box(aio::to_thread(move || i).await.unwrap());
                    }
                })
            },
            &mut || {
                rt.block_on(async {
                    for i in 0..n {
                        let v = tokio::task::spawn_blocking(move || i).await.unwrap();
                        std::hint::black_box(v);
                    }
                })
            },
        ],
    );
    let row = Row::new(format!("{n} to_thread round trips"), "ns/call", times[0])
        .peer("tokio spawn_blocking", times[1]);
    print_table("threads", &[row]);
}
