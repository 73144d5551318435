//! CPU-bound work fanned out across the thread pool: on a machine with two or
//! more cores the pool finishes in a fraction of the sequential time.

use std::time::Instant;

/// Deliberately slow: counts the primes below `n`.
fn count_primes(n: u64) -> usize {
    (2..n)
        .filter(|&k| (2..).take_while(|d| d * d <= k).all(|d| k % d != 0))
        .count()
}

#[aio::main]
async fn main() {
    const JOBS: u64 = 8;
    const N: u64 = 60_000;

    let start = Instant::now();
    let sequential: usize = (0..JOBS).map(|_| count_primes(N)).sum();
    let alone = start.elapsed();

    let start = Instant::now();
    let jobs: Vec<_> = (0..JOBS)
        .map(|_| aio::to_thread(|| count_primes(N)))
        .collect();
    let mut fanned = 0;
    for job in jobs {
        fanned += job.await.expect("no job panics");
    }
    let pooled = start.elapsed();

    assert_eq!(sequential, fanned);
    println!("{JOBS} jobs: sequential {alone:.2?}, across the pool {pooled:.2?}");
    println!(
        "speed-up {:.1}x on {} cores",
        alone.as_secs_f64() / pooled.as_secs_f64(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
}
