//! The event loop: tasks, cancellation with cleanup, callbacks, the clock.

use std::time::Duration;

struct Cleanup;

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("  (the cancelled task's cleanup ran)");
    }
}

pub async fn tour() {
    println!("== the event loop ==");
    let lp = aio::get_running_loop();
    let t1 = aio::create_task(async {
        aio::sleep(Duration::from_millis(20)).await;
        "Task One Complete"
    });
    let t2 = aio::create_task(async {
        aio::sleep(Duration::from_millis(10)).await;
        "Task Two Complete"
    });
    println!("Both tasks started...");
    let (one, two) = (t1.await.unwrap(), t2.await.unwrap());
    println!("{two}\n{one}\nAll tasks done!");

    let mut sleeper = aio::create_task(async {
        let _cleanup = Cleanup;
        aio::sleep(Duration::from_secs(3600)).await;
    });
    sleeper.add_done_callback(|outcome| println!("  done callback saw: {outcome:?}"));
    aio::yield_now().await;
    sleeper.cancel();
    println!("cancelled a sleeping task: {:?}", sleeper.await);

    lp.call_soon(|| println!("Callback says: soon"));
    lp.call_later(Duration::from_millis(5), || {
        println!("Callback says: after 5 ms")
    });
    aio::sleep(Duration::from_millis(10)).await;
}

/// A loop on the virtual clock: an hour of sleeping takes no time at all.
pub fn virtual_clock() {
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    let wall = std::time::Instant::now();
    let slept = runner.run(async {
        let lp = aio::get_running_loop();
        let start = lp.time();
        aio::sleep(Duration::from_secs(3600)).await;
        lp.time() - start
    });
    println!(
        "virtual clock: slept {slept} s of loop time in {:?} of wall time",
        wall.elapsed()
    );
}
