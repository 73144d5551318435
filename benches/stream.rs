//! Async generators: aio's `stream!` against async-stream's `stream!` and a
//! hand-written `Stream`, each yielding integers to a `while let` loop.
//!
//! `cargo bench -p aio-benches --bench stream` (add `-- --quick` for a
//! sub-minute run).

mod common;

use aio::{Stream, StreamExt};
use common::{Row, ns_per_op, print_table, quick, scaled};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

/// The baseline: the same sequence as a state machine written by hand.
struct Count {
    next: u64,
    end: u64,
}

impl Stream for Count {
    type Item = u64;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u64>> {
        if self.next == self.end {
            return Poll::Ready(None);
        }
        self.next += 1;
        Poll::Ready(Some(self.next - 1))
    }
}

/// Sums what `stream` yields, on aio's loop.
fn sum_on_loop<S: Stream<Item = u64>>(make: impl FnOnce() -> S) {
    aio::run(async {
        let mut stream = pin!(make());
        let mut sum = 0u64;
        while let Some(i) = stream.next().await {
            sum = sum.wrapping_add(i);
        }
        std::hint::black_box(sum);
    })
}

/// Best time per item of each contender, measured in turns (one round of
/// each, then the next round) so that a busy machine slows all alike.
fn best_ns_per_item(n: usize, rounds: usize, contenders: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    let mut best = vec![f64::INFINITY; contenders.len()];
    for round in 0..=rounds {
        for (run, best) in contenders.iter_mut().zip(&mut best) {
            let ns = ns_per_op(n, 0, &mut **run); // one warm-up, one timed run
            if round > 0 {
                *best = best.min(ns);
            }
        }
    }
    best
}

fn yield_integers(rounds: usize) -> Row {
    let n = scaled(1_000_000);
    let end = std::hint::black_box(n as u64);
    let best = best_ns_per_item(
        n,
        rounds,
        &mut [
            &mut || {
                sum_on_loop(|| {
                    aio::stream! {
                        for i in 0..end {
                            yield i;
                        }
                    }
                })
            },
            &mut || {
                sum_on_loop(|| {
                    async_stream::stream! {
                        for i in 0..end {
                            yield i;
                        }
                    }
                })
            },
            &mut || sum_on_loop(|| Count { next: 0, end }),
        ],
    );
    let [aio, async_stream, by_hand] = best[..] else {
        unreachable!("three contenders")
    };
    println!(
        "yielding {n} integers: aio stream! {:.1} M items/s, async-stream {:.1} M items/s, \
         hand-written {:.1} M items/s; aio / async-stream = {:.2}",
        1e3 / aio,
        1e3 / async_stream,
        1e3 / by_hand,
        aio / async_stream
    );
    Row::new(format!("yield {n} integers"), "ns/item", aio)
        .peer("async-stream stream!", async_stream)
        .peer("hand-written Stream", by_hand)
}

fn main() {
    let rounds = if quick() { 5 } else { 30 };
    let rows = vec![yield_integers(rounds)];
    print_table("async generators", &rows);
}
