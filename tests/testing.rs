//! The test utilities: moving the virtual clock by hand, waiting until
//! every other task is blocked, and replaying a run's fair choices with a
//! seed.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

#[aio::test]
async fn advance_fires_each_timer_at_its_own_deadline() {
    let start = aio::now();
    let woke = RefCell::new(Vec::new());
    aio::task_group!(|tg| {
        for delay in [3.0, 1.0, 2.0] {
            let woke = &woke;
            tg.create_task(async move {
                aio::sleep(secs(delay)).await;
                woke.borrow_mut().push(aio::now() - start);
            });
        }
        aio::testing::advance(secs(2.5)).await;
        assert_eq!(*woke.borrow(), [secs(1.0), secs(2.0)]);
        assert_eq!(aio::now() - start, secs(2.5));
        aio::testing::advance(secs(1.0)).await;
        assert_eq!(*woke.borrow(), [secs(1.0), secs(2.0), secs(3.0)]);
        assert_eq!(aio::now() - start, secs(3.5));
    })
    .unwrap();
}

#[aio::test]
async fn a_task_woken_on_the_way_runs_before_the_clock_moves_on() {
    let start = aio::now();
    let seen = Rc::new(RefCell::new(Vec::new()));
    let log = seen.clone();
    let ticker = aio::create_task(async move {
        for _ in 0..3 {
            aio::sleep(secs(1.0)).await;
            log.borrow_mut().push(aio::now() - start);
        }
    });
    aio::testing::advance_to(start + secs(10.0)).await;
    assert_eq!(*seen.borrow(), [secs(1.0), secs(2.0), secs(3.0)]);
    assert_eq!(aio::now(), start + secs(10.0));
    assert!(ticker.is_done());
}

#[aio::test]
async fn advance_to_the_past_leaves_the_clock_where_it_is() {
    aio::sleep(secs(5.0)).await;
    let now = aio::now();
    aio::testing::advance_to(now - secs(1.0)).await;
    assert_eq!(aio::now(), now);
}

#[aio::test]
async fn a_timeout_around_advance_ends_it_at_its_deadline() {
    let start = aio::now();
    let outcome = aio::timeout(secs(1.0), aio::testing::advance(secs(5.0))).await;
    assert!(outcome.is_err());
    assert_eq!(aio::now() - start, secs(1.0));
}

#[aio::test(clock = real)]
#[should_panic(expected = "needs a loop on the virtual clock")]
async fn advance_refuses_a_real_clock() {
    aio::testing::advance(secs(1.0)).await;
}

#[aio::test]
async fn wait_all_tasks_blocked_waits_for_every_other_task_to_block() {
    let start = aio::now();
    let steps = Rc::new(Cell::new(0));
    let go = Rc::new(aio::Event::new());
    let (counter, gate) = (steps.clone(), go.clone());
    let worker = aio::create_task(async move {
        for _ in 0..10 {
            counter.set(counter.get() + 1);
            aio::yield_now().await;
        }
        gate.wait().await;
        aio::sleep(secs(60.0)).await;
    });
    aio::testing::wait_all_tasks_blocked().await;
    assert_eq!(
        steps.get(),
        10,
        "the worker ran until it blocked on the event"
    );
    go.set();
    aio::testing::wait_all_tasks_blocked().await;
    // Blocked on a timer: the clock did not move to it.
    assert_eq!(aio::now(), start);
    assert!(!worker.is_done());
    worker.cancel();
}

#[aio::test]
async fn several_waiters_resume_together() {
    let resumed = Rc::new(Cell::new(0));
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let resumed = resumed.clone();
            aio::create_task(async move {
                aio::testing::wait_all_tasks_blocked().await;
                resumed.set(resumed.get() + 1);
            })
        })
        .collect();
    aio::testing::wait_all_tasks_blocked().await;
    for waiter in waiters {
        waiter.await.unwrap();
    }
    assert_eq!(resumed.get(), 3);
}

/// Which branch wins each of 32 selects of three ready branches: the fair
/// start branch comes from the loop's pseudo-random sequence.
async fn winners() -> Vec<u8> {
    let mut won = Vec::new();
    for _ in 0..32 {
        won.push(aio::select_first! {
            _ = std::future::ready(()) => 0,
            _ = std::future::ready(()) => 1,
            _ = std::future::ready(()) => 2,
        });
    }
    won
}

/// The winners of a fresh loop seeded with `seed` (or not seeded).
fn winners_on_a_new_loop(seed: Option<u64>) -> Vec<u8> {
    std::thread::spawn(move || {
        let runner = aio::Runner::with_clock(aio::Clock::Virtual);
        if let Some(seed) = seed {
            runner.get_loop().seed_random(seed);
        }
        runner.run(winners())
    })
    .join()
    .unwrap()
}

#[aio::test(seed = 7)]
async fn a_seed_replays_the_fair_choices_of_a_run() {
    let run = winners().await;
    assert!((0..3).all(|b| run.contains(&b)), "fair: {run:?}");
    assert_eq!(winners_on_a_new_loop(Some(7)), run);
    assert_ne!(winners_on_a_new_loop(Some(8)), run);
    assert_ne!(winners_on_a_new_loop(None), run);
}

#[aio::test(debug)]
async fn the_debug_option_turns_debug_mode_on() {
    assert!(aio::get_running_loop().get_debug());
}
