//! Model-based property test of `task_group!`: random groups of children
//! that sleep, succeed, fail or panic, some catching their cancellation and
//! awaiting a cleanup (which may itself fail), with a random outside
//! cancellation or `tg.cancel()`; checked against a reference model of when
//! the group stops, when it ends, what it reports, and that every child is
//! dropped exactly once. Virtual clock, exact times.
//!
//! `AIO_PROPTEST_CASES` sets how many programs run (default 400).

use proptest::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq)]
enum End {
    Ok,
    Err,
    Panic,
}

#[derive(Clone, Copy, Debug)]
struct Child {
    /// When it ends by itself, in ms (distinct across the program).
    at: u64,
    end: End,
    /// Catches a cancellation and cleans up for this long; then fails
    /// (true) or passes the cancellation on (false).
    cleanup: Option<(u64, bool)>,
}

#[derive(Clone, Copy, Debug)]
enum Stop {
    None,
    /// The task running the group is cancelled at this time.
    Outside(u64),
    /// `tg.cancel()` from the body at this time.
    Group(u64),
}

#[derive(Clone, Debug)]
struct Program {
    children: Vec<Child>,
    stop: Stop,
    grace: Option<u64>,
}

fn program() -> impl Strategy<Value = Program> {
    let child = (
        1u64..40,
        prop_oneof![6 => Just(End::Ok), 2 => Just(End::Err), 1 => Just(End::Panic)],
        proptest::option::of((1u64..30, any::<bool>())),
    );
    (
        proptest::collection::vec(child, 0..7),
        prop_oneof![
            2 => Just(Stop::None),
            1 => (1u64..40).prop_map(Stop::Outside),
            1 => (1u64..40).prop_map(Stop::Group),
        ],
        proptest::option::of(5u64..40),
    )
        .prop_map(|(children, stop, grace)| Program {
            // Distinct times (ties are ordered by insertion, a detail the
            // model does not need): child i ends at 10*at + i + 1 ms, a stop
            // at 10*t ms, cleanups take 10*c + 5 ms.
            children: children
                .into_iter()
                .enumerate()
                .map(|(i, (at, end, cleanup))| Child {
                    at: 10 * at + i as u64 + 1,
                    end,
                    cleanup: cleanup.map(|(c, fail)| (10 * c + 5, fail)),
                })
                .collect(),
            stop: match stop {
                Stop::None => Stop::None,
                Stop::Outside(t) => Stop::Outside(10 * t),
                Stop::Group(t) => Stop::Group(10 * t),
            },
            grace: grace.map(|g| 10 * g + 7),
        })
}

/// What the model expects.
#[derive(Debug, PartialEq)]
struct Expected {
    /// When the group's outcome is known, in ms.
    ends_at: u64,
    /// The children whose failure is reported, in order.
    failed: Vec<usize>,
    /// The group ended cancelled from outside (no failure).
    outside_cancelled: bool,
    /// The group ended with `tg.cancel()` (no failure).
    group_cancelled: bool,
}

fn model(p: &Program) -> Expected {
    let first_failure = p
        .children
        .iter()
        .filter(|c| c.end != End::Ok)
        .map(|c| c.at)
        .min();
    // An outside cancellation after the group ended (nothing failed, every
    // child finished) reaches nothing.
    let natural_end = p.children.iter().map(|c| c.at).max().unwrap_or(0);
    let stop_kind = match p.stop {
        Stop::Outside(t) if first_failure.is_none() && t > natural_end => Stop::None,
        other => other,
    };
    let stop_at = match stop_kind {
        Stop::Outside(t) | Stop::Group(t) => Some(t),
        Stop::None => None,
    };
    let stop = match (first_failure, stop_at) {
        (Some(f), Some(s)) => Some(f.min(s)),
        (f, s) => f.or(s),
    };
    let mut failed: Vec<(u64, usize)> = Vec::new();
    let mut ends_at = 0;
    for (i, c) in p.children.iter().enumerate() {
        match stop {
            Some(s) if c.at > s => {
                // Cancelled at `s`: dropped, or cleaning up (bounded by the
                // grace) first.
                let end = match c.cleanup {
                    None => s,
                    Some((cleanup, fails)) => {
                        let cut = p.grace.is_some_and(|g| g < cleanup);
                        if fails && !cut {
                            failed.push((s + cleanup, i));
                        }
                        s + p.grace.map_or(cleanup, |g| g.min(cleanup))
                    }
                };
                ends_at = ends_at.max(end);
            }
            _ => {
                if c.end != End::Ok {
                    failed.push((c.at, i));
                }
                ends_at = ends_at.max(c.at);
            }
        }
    }
    if let Some(s) = stop {
        ends_at = ends_at.max(s);
    }
    failed.sort();
    let failed: Vec<usize> = failed.into_iter().map(|(_, i)| i).collect();
    let stopped_by = |t: Option<u64>| stop.is_some() && stop == t && first_failure != stop;
    Expected {
        ends_at,
        outside_cancelled: failed.is_empty()
            && matches!(stop_kind, Stop::Outside(t) if stopped_by(Some(t))),
        group_cancelled: failed.is_empty()
            && matches!(stop_kind, Stop::Group(t) if stopped_by(Some(t))),
        failed,
    }
}

/// Counts a child's drops.
struct Counted(Rc<Cell<u32>>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

async fn child(c: Child, drops: Rc<Cell<u32>>) -> Result<(), String> {
    let _counted = Counted(drops);
    let work = async {
        aio::sleep(ms(c.at)).await;
        match c.end {
            End::Ok => Ok(()),
            End::Err => Err("failed".to_string()),
            End::Panic => panic!("panicked"),
        }
    };
    match c.cleanup {
        None => work.await,
        Some((cleanup, fails)) => match aio::catch_cancel(work).await {
            Ok(outcome) => outcome,
            Err(cancelled) => {
                aio::sleep(ms(cleanup)).await;
                if fails {
                    Err("cleanup failed".to_string())
                } else {
                    match cancelled.reraise().await {}
                }
            }
        },
    }
}

/// Runs the program; returns what happened in the model's terms and the
/// drop counts.
fn run(p: &Program) -> (Expected, Vec<u32>) {
    let drops: Vec<_> = p.children.iter().map(|_| Rc::new(Cell::new(0))).collect();
    let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    let start = lp.now();
    let (children, stop, grace) = (p.children.clone(), p.stop, p.grace);
    let drops_in = drops.clone();
    let outcome = lp.run_until_complete(async move {
        let group = aio::create_task(async move {
            let run = aio::task_group!(grace = grace.map_or(Duration::MAX, ms), |tg| {
                for (c, d) in children.iter().zip(&drops_in) {
                    tg.create_task(child(*c, d.clone()));
                }
                if let Stop::Group(t) = stop {
                    aio::sleep(ms(t)).await;
                    tg.cancel();
                }
            });
            (run, aio::now())
        });
        if let Stop::Outside(t) = stop {
            aio::sleep(ms(t)).await;
            group.cancel();
        }
        let outcome = group.await;
        (outcome, aio::now())
    });
    let (result, ended) = outcome;
    let (failed, outside, group_cancelled, ends_at) = match result {
        Err(err) => {
            assert!(err.is_cancelled(), "the group's task panicked: {err}");
            (Vec::new(), true, false, ended)
        }
        Ok((Ok(()), at)) => (Vec::new(), false, false, at),
        Ok((Err(err), at)) => {
            let failed = err
                .failures()
                .iter()
                .map(|f| {
                    // Children are named `<group name>/<n>`.
                    f.task()
                        .rsplit('/')
                        .next()
                        .unwrap_or_default()
                        .parse::<usize>()
                        .expect("a child's failure")
                        - 1
                })
                .collect();
            let cancelled = err.is_cancelled();
            (failed, false, cancelled, at)
        }
    };
    let got = Expected {
        ends_at: (ends_at - start).as_millis() as u64,
        failed,
        outside_cancelled: outside,
        group_cancelled,
    };
    (got, drops.iter().map(|d| d.get()).collect())
}

fn cases() -> u32 {
    std::env::var("AIO_PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(400)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x7a5c_9e11),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_group_stops_ends_and_reports_as_the_model_says(p in program()) {
        let (got, drops) = run(&p);
        prop_assert!(drops.iter().all(|&d| d == 1), "drops {:?} for {:?}", drops, p);
        prop_assert_eq!(got, model(&p), "program {:?}", p);
    }
}
