//! aio::interval on the virtual clock: the schedule, and each missed-tick
//! behaviour, with exact times.

use std::time::{Duration, Instant};

use aio::{MissedTickBehavior, interval, interval_at};
use futures::StreamExt;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Offsets from `start`, in milliseconds, of `n` ticks and of the loop's time
/// when each was taken; `busy` runs (virtually) after the first tick.
async fn ticks(behavior: MissedTickBehavior, busy: Duration, n: usize) -> Vec<(u128, u128)> {
    let start = aio::now();
    let mut every = interval(ms(100));
    every.set_missed_tick_behavior(behavior);
    let at = |t: Instant| (t - start).as_millis();
    let mut seen = vec![];
    for i in 0..n {
        let due = every.tick().await;
        seen.push((at(due), at(aio::now())));
        if i == 0 {
            aio::sleep(busy).await;
        }
    }
    seen
}

#[aio::test]
async fn the_first_tick_completes_at_once_then_one_per_period() {
    let start = aio::now();
    let mut every = interval(ms(250));
    assert_eq!(every.tick().await, start);
    assert_eq!(aio::now(), start, "the first tick did not wait");
    for k in 1..=4 {
        assert_eq!(every.tick().await, start + ms(250) * k);
        assert_eq!(aio::now(), start + ms(250) * k);
    }
}

#[aio::test]
async fn the_schedule_does_not_drift_with_the_work_between_ticks() {
    let start = aio::now();
    let mut every = interval(ms(100));
    every.tick().await;
    for k in 1..=3 {
        aio::sleep(ms(30)).await; // work shorter than a period
        assert_eq!(every.tick().await, start + ms(100) * k);
        assert_eq!(aio::now(), start + ms(100) * k);
    }
}

#[aio::test]
async fn burst_catches_up_at_once_then_keeps_the_schedule() {
    let seen = ticks(MissedTickBehavior::Burst, ms(350), 6).await;
    assert_eq!(
        seen,
        [
            (0, 0),
            (100, 350),
            (200, 350),
            (300, 350),
            (400, 400),
            (500, 500)
        ]
    );
}

#[aio::test]
async fn delay_restarts_the_schedule_from_the_late_tick() {
    let seen = ticks(MissedTickBehavior::Delay, ms(350), 4).await;
    assert_eq!(seen, [(0, 0), (100, 350), (450, 450), (550, 550)]);
}

#[aio::test]
async fn skip_drops_the_missed_ticks_and_keeps_the_grid() {
    let seen = ticks(MissedTickBehavior::Skip, ms(350), 4).await;
    assert_eq!(seen, [(0, 0), (100, 350), (400, 400), (500, 500)]);
}

#[aio::test]
async fn a_late_tick_that_missed_nothing_keeps_the_schedule_in_every_behavior() {
    for behavior in [
        MissedTickBehavior::Burst,
        MissedTickBehavior::Delay,
        MissedTickBehavior::Skip,
    ] {
        // 150 ms late for the tick due at 100: the one due at 200 is not missed.
        let seen = ticks(behavior, ms(150), 3).await;
        assert_eq!(seen, [(0, 0), (100, 150), (200, 200)], "{behavior:?}");
    }
}

#[aio::test]
async fn interval_at_starts_at_the_given_instant() {
    let start = aio::now() + ms(1_000);
    let mut every = interval_at(start, ms(10));
    assert_eq!(every.tick().await, start);
    assert_eq!(aio::now(), start);
    assert_eq!(every.tick().await, start + ms(10));
}

#[aio::test]
async fn reset_moves_the_next_tick_one_period_from_now() {
    let start = aio::now();
    let mut every = interval(ms(100));
    every.tick().await;
    aio::sleep(ms(30)).await;
    every.reset();
    assert_eq!(every.tick().await, start + ms(130));
    assert_eq!(every.tick().await, start + ms(230));
}

#[aio::test]
async fn an_interval_is_a_stream_of_due_instants() {
    let start = aio::now();
    let due: Vec<Instant> = interval(ms(40)).take(3).collect().await;
    assert_eq!(due, [start, start + ms(40), start + ms(80)]);
    assert_eq!(aio::now(), start + ms(80));
}

#[aio::test]
async fn a_cancelled_tick_takes_no_tick() {
    let start = aio::now();
    let mut every = interval(ms(100));
    every.tick().await;
    let cut = aio::move_on_after(ms(50), every.tick()).await;
    assert_eq!(cut, None);
    assert_eq!(every.tick().await, start + ms(100));
    assert_eq!(every.period(), ms(100));
    assert_eq!(every.missed_tick_behavior(), MissedTickBehavior::Burst);
}

#[aio::test]
async fn a_period_past_the_end_of_time_never_ticks_again() {
    let mut every = interval(Duration::MAX);
    every.tick().await;
    let second = aio::move_on_after(Duration::from_secs(3600), every.tick()).await;
    assert_eq!(second, None);
}

#[test]
#[should_panic(expected = "the period must be longer than zero")]
fn a_zero_period_is_refused_with_a_message() {
    aio::run(async {
        interval(Duration::ZERO);
    });
}
