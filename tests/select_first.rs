//! select_first!: the first to complete wins, the rest are cancelled first.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

type Log = Rc<RefCell<Vec<String>>>;

struct Cleanup(Log, &'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.0.borrow_mut().push(format!("cleanup {}", self.1));
    }
}

async fn after(log: Log, name: &'static str, s: u64) -> &'static str {
    let _cleanup = Cleanup(log, name);
    aio::sleep(secs(s)).await;
    name
}

#[aio::test]
async fn the_first_to_complete_wins_and_the_losers_are_cancelled_before_the_handler() {
    let log: Log = Rc::default();
    let l = log.clone();
    let winner = aio::select_first! {
        v = after(log.clone(), "slow", 5) => v,
        v = after(log.clone(), "fast", 1) => {
            l.borrow_mut().push("handler".to_string());
            v
        },
    };
    assert_eq!(winner, "fast");
    let seen = log.borrow().clone();
    assert_eq!(
        seen.last().unwrap(),
        "handler",
        "cleanup ran before the handler: {seen:?}"
    );
    assert!(seen.contains(&"cleanup slow".to_string()));
}

#[aio::test]
async fn biased_polls_in_order() {
    // Both are ready at once: biased always picks the first.
    for _ in 0..10 {
        let got = aio::select_first! {
            biased;
            a = async { "first" } => a,
            b = async { "second" } => b,
        };
        assert_eq!(got, "first");
    }
}

#[aio::test]
async fn unbiased_selection_varies_among_ready_branches() {
    let mut firsts = 0;
    for _ in 0..50 {
        let got = aio::select_first! {
            a = async { 1 } => a,
            b = async { 2 } => b,
        };
        if got == 1 {
            firsts += 1;
        }
    }
    assert!(firsts > 5 && firsts < 45, "fair: {firsts} of 50");
}

#[aio::test]
async fn a_branch_whose_pattern_fails_is_disabled_and_the_rest_go_on() {
    let start = aio::now();
    let got = aio::select_first! {
        Some(v) = async { aio::sleep(secs(1)).await; None::<u32> } => v,
        Some(v) = async { aio::sleep(secs(2)).await; Some(7u32) } => v,
    };
    assert_eq!(got, 7);
    assert_eq!(aio::now() - start, secs(2));
}

#[aio::test]
async fn else_runs_when_every_branch_is_disabled() {
    let got = aio::select_first! {
        Ok(v) = async { Err::<u32, &str>("a") } => v,
        Ok(v) = async { Err::<u32, &str>("b") } => v,
        else => 0,
    };
    assert_eq!(got, 0);
}

#[aio::test]
async fn handlers_can_return_from_the_enclosing_function() {
    async fn pick() -> &'static str {
        aio::select_first! {
            _ = aio::sleep(secs(1)) => return "timer",
            _ = std::future::pending::<()>() => {},
        }
        "unreachable"
    }
    assert_eq!(pick().await, "timer");
}

#[test]
fn the_same_seed_replays_the_same_choices() {
    let choices = |seed: u64| {
        let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
        lp.seed_random(seed);
        lp.run_until_complete(async {
            let mut picks = Vec::new();
            for _ in 0..32 {
                picks.push(aio::select_first! {
                    a = async { 0 } => a,
                    b = async { 1 } => b,
                    c = async { 2 } => c,
                });
            }
            picks
        })
    };
    assert_eq!(choices(7), choices(7));
    assert_ne!(choices(7), choices(8));
}
