//! Signals received on the loop: `Signals`, `ctrl_c`, `add_signal_handler`.
//!
//! Each test raises a signal of its own (tests run in parallel in one process,
//! and a signal reaches every loop listening to it), and only while
//! something listens to it, or it would end the test process.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use aio::signal::{SIGALRM, SIGHUP, SIGINT, SIGKILL, SIGSTOP, SIGUSR1, Signals, raise_signal};
use aio::signal::{SIGUSR2, SIGWINCH};
use futures::StreamExt;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

#[aio::test]
async fn a_raised_signal_is_received_once() {
    let mut signals = Signals::new([SIGUSR1]).unwrap();
    raise_signal(SIGUSR1).unwrap();
    assert_eq!(signals.recv().await, SIGUSR1);
    // Nothing more arrived: the stream waits (and the virtual clock moves).
    assert_eq!(aio::move_on_after(secs(1), signals.recv()).await, None);
    raise_signal(SIGUSR1).unwrap();
    assert_eq!(signals.recv().await, SIGUSR1);
}

#[aio::test]
async fn a_signal_received_twice_before_it_is_taken_is_taken_once() {
    let mut signals = Signals::new([SIGWINCH]).unwrap();
    raise_signal(SIGWINCH).unwrap();
    raise_signal(SIGWINCH).unwrap();
    aio::yield_now().await;
    assert_eq!(signals.recv().await, SIGWINCH);
    assert_eq!(aio::move_on_after(secs(1), signals.recv()).await, None);
}

#[aio::test]
async fn signals_is_a_stream_of_every_signal_listened_to() {
    let mut signals = Signals::new([SIGUSR2, aio::signal::SIGCONT]).unwrap();
    raise_signal(aio::signal::SIGCONT).unwrap();
    raise_signal(SIGUSR2).unwrap();
    let mut got = vec![signals.next().await.unwrap(), signals.next().await.unwrap()];
    got.sort();
    let mut want = vec![SIGUSR2, aio::signal::SIGCONT];
    want.sort();
    assert_eq!(got, want);
    assert!(format!("{signals:?}").contains("Signals"));
}

#[aio::test]
async fn a_signal_handled_on_another_thread_wakes_the_parked_loop() {
    let mut signals = Signals::new([SIGALRM]).unwrap();
    let raiser = std::thread::spawn(|| {
        std::thread::sleep(Duration::from_millis(20));
        // `raise` runs the handler on this thread, not the loop's.
        raise_signal(SIGALRM).unwrap();
    });
    assert_eq!(signals.recv().await, SIGALRM);
    raiser.join().unwrap();
}

#[test]
fn every_loop_listening_to_a_signal_receives_it() {
    let sig = libc::SIGURG;
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(3));
    let loops: Vec<_> = (0..2)
        .map(|_| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                aio::run(async move {
                    let mut signals = Signals::new([sig]).unwrap();
                    barrier.wait();
                    signals.recv().await
                })
            })
        })
        .collect();
    barrier.wait();
    raise_signal(sig).unwrap();
    for each in loops {
        assert_eq!(each.join().unwrap(), sig);
    }
}

#[aio::test]
async fn add_signal_handler_runs_the_callback_on_the_loop_for_each_signal() {
    let lp = aio::get_running_loop();
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    lp.add_signal_handler(SIGHUP, move || l.borrow_mut().push("first"))
        .unwrap();
    raise_signal(SIGHUP).unwrap();
    aio::sleep(secs(1)).await;
    raise_signal(SIGHUP).unwrap();
    aio::sleep(secs(1)).await;
    assert_eq!(*log.borrow(), ["first", "first"]);

    // A second handler replaces the first, as in asyncio.
    let l = log.clone();
    lp.add_signal_handler(SIGHUP, move || l.borrow_mut().push("second"))
        .unwrap();
    raise_signal(SIGHUP).unwrap();
    aio::sleep(secs(1)).await;
    assert_eq!(*log.borrow(), ["first", "first", "second"]);

    assert!(lp.remove_signal_handler(SIGHUP));
    assert!(!lp.remove_signal_handler(SIGHUP), "removed already");
}

#[aio::test]
async fn a_panicking_signal_handler_does_not_take_the_loop_down() {
    let lp = aio::get_running_loop();
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    lp.add_signal_handler(libc::SIGVTALRM, move || {
        c.set(c.get() + 1);
        panic!("handler failed");
    })
    .unwrap();
    raise_signal(libc::SIGVTALRM).unwrap();
    aio::sleep(secs(1)).await;
    raise_signal(libc::SIGVTALRM).unwrap();
    aio::sleep(secs(1)).await;
    assert_eq!(calls.get(), 2);
    assert!(lp.remove_signal_handler(libc::SIGVTALRM));
}

#[aio::test]
async fn ctrl_c_completes_at_the_next_sigint() {
    let pressed = aio::create_task(aio::signal::ctrl_c());
    aio::sleep(secs(1)).await;
    assert!(!pressed.is_done());
    raise_signal(SIGINT).unwrap();
    pressed.await.unwrap().unwrap();
}

#[aio::test]
async fn signals_that_cannot_be_listened_to_are_refused_with_a_message() {
    let err = Signals::new([]).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("at least one signal"), "{err}");
    for sig in [SIGKILL, SIGSTOP, libc::SIGSEGV] {
        let err = Signals::new([sig]).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("cannot be listened to"), "{err}");
    }
    let name = Signals::new([SIGKILL]).unwrap_err().to_string();
    assert!(name.contains("SIGKILL"), "{name}");
    for sig in [0, -3, 65, 1000] {
        let err = Signals::new([sig]).unwrap_err();
        assert!(err.to_string().contains("not a signal number"), "{err}");
    }
    let lp = aio::get_running_loop();
    assert!(lp.add_signal_handler(SIGSTOP, || ()).is_err());
    assert!(!lp.remove_signal_handler(SIGSTOP));
}

#[test]
#[should_panic(expected = "needs a running aio event loop")]
fn signals_outside_a_loop_panic_with_the_fix() {
    let _ = Signals::new([SIGUSR1]);
}
