//! Promise: asyncio's settable Future.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aio::{Cancelled, InvalidStateError, Promise};

/// Awaits what must finish: a hang fails at once on the virtual clock.
async fn finishes<T>(fut: impl std::future::IntoFuture<Output = T>) -> T {
    aio::wait_for(fut, Duration::from_secs(3600))
        .await
        .expect("finished: nothing waits forever")
}

#[aio::test]
async fn every_awaiter_gets_the_value_once_it_is_set() {
    let promise: Promise<String> = Promise::new();
    let awaiters: Vec<_> = (0..3).map(|_| aio::create_task(promise.clone())).collect();
    aio::sleep(Duration::from_secs(1)).await;
    assert!(awaiters.iter().all(|a| !a.is_done()), "nothing set yet");
    assert!(!promise.is_done());
    assert_eq!(promise.result(), None);
    promise.set_result("value".to_string()).unwrap();
    for a in awaiters {
        assert_eq!(finishes(a).await.unwrap(), Ok("value".to_string()));
    }
    assert!(promise.is_done() && !promise.is_cancelled());
    assert_eq!(promise.result(), Some(Ok("value".to_string())));
    assert_eq!(
        promise.clone().await,
        Ok("value".to_string()),
        "awaited again"
    );
}

#[aio::test]
async fn a_result_is_set_once() {
    let promise = Promise::new();
    assert_eq!(promise.set_result(1), Ok(()));
    assert_eq!(promise.set_result(2), Err(InvalidStateError));
    assert!(!promise.cancel(), "too late to cancel");
    assert_eq!(promise.result(), Some(Ok(1)));
    assert_eq!((&promise).await, Ok(1), "awaited by reference");
    assert!(
        InvalidStateError
            .to_string()
            .contains("can be set only once")
    );
}

#[aio::test]
async fn cancel_with_hands_its_message_to_the_awaiters_once() {
    let promise: Promise<u32> = Promise::new();
    let awaiter = aio::create_task(promise.clone());
    aio::yield_now().await;
    assert!(promise.cancel_with("no reply will come"));
    assert!(!promise.cancel_with("again"), "cancelled once");
    let got: Result<u32, Cancelled> = finishes(awaiter).await.unwrap();
    assert!(matches!(
        got.unwrap_err().reason(),
        aio::CancelReason::Explicit { message: Some(m), .. } if m == "no reply will come"
    ));
    let done = Promise::new();
    done.set_result(1).unwrap();
    assert!(!done.cancel_with("late"), "too late to cancel");
}

#[aio::test]
async fn cancel_fails_the_awaiters_and_ends_the_promise() {
    let promise: Promise<u32> = Promise::new();
    let awaiter = aio::create_task(promise.clone());
    aio::yield_now().await;
    assert!(promise.cancel());
    assert!(!promise.cancel(), "cancelled once");
    let got: Result<u32, Cancelled> = finishes(awaiter).await.unwrap();
    assert!(matches!(
        got.unwrap_err().reason(),
        aio::CancelReason::Explicit { message: None, .. }
    ));
    assert!(promise.is_done() && promise.is_cancelled());
    let cancelled = promise.result().unwrap().unwrap_err();
    assert!(
        cancelled
            .to_string()
            .starts_with("cancelled at tests/promise.rs:")
    );
    assert_eq!(promise.set_result(1), Err(InvalidStateError));
}

#[aio::test]
async fn done_callbacks_run_soon_after_with_the_outcome() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let promise: Promise<u32> = aio::get_running_loop().create_future();
    let s = seen.clone();
    promise.add_done_callback(move |outcome| s.borrow_mut().push(outcome));
    aio::sleep(Duration::from_secs(1)).await;
    assert!(seen.borrow().is_empty(), "not before the promise is done");
    promise.set_result(7).unwrap();
    assert!(
        seen.borrow().is_empty(),
        "scheduled, not called inside set_result"
    );
    aio::yield_now().await;
    aio::yield_now().await;
    assert_eq!(*seen.borrow(), [Ok(7)]);

    // On a promise already done, and on a cancelled one.
    let s = seen.clone();
    promise.add_done_callback(move |outcome| s.borrow_mut().push(outcome));
    let cancelled: Promise<u32> = Promise::default();
    let s = seen.clone();
    cancelled.add_done_callback(move |outcome| s.borrow_mut().push(outcome));
    cancelled.cancel();
    aio::sleep(Duration::from_secs(1)).await;
    let seen = seen.borrow();
    assert_eq!(seen[..2], [Ok(7), Ok(7)]);
    assert!(seen[2].is_err());
}

#[test]
fn add_done_callback_outside_a_loop_panics_naming_the_function() {
    let promise: Promise<u32> = Promise::new();
    let err = std::panic::catch_unwind(|| promise.add_done_callback(|_| {})).unwrap_err();
    let message = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    assert!(message.contains("Promise::add_done_callback"), "{message}");
}

// The real clock: the loop cannot know of the plain thread and must wait for it.
#[aio::test(clock = real)]
async fn a_thread_can_set_it_and_wake_the_loop() {
    let promise: Promise<u64> = Promise::new();
    let setter = promise.clone();
    let thread = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(5));
        setter.set_result(42).unwrap();
    });
    // A watchdog only: a lost wake-up fails instead of hanging.
    let got = aio::wait_for(promise, Duration::from_secs(60)).await;
    assert_eq!(got.expect("the thread's set_result woke the loop"), Ok(42));
    thread.join().unwrap();
}

#[aio::test]
async fn debug_shows_the_state() {
    let promise: Promise<u8> = Promise::new();
    assert!(format!("{promise:?}").contains("pending"));
    promise.set_result(1).unwrap();
    assert!(format!("{promise:?}").contains("done"));
    let cancelled: Promise<u8> = Promise::new();
    cancelled.cancel();
    assert!(format!("{cancelled:?}").contains("cancelled"));
}

#[aio::test]
async fn an_awaiter_dropped_while_waiting_leaves_the_others_waiting() {
    let promise: Promise<u8> = Promise::new();
    // The first awaiter gives up (its await is dropped, not cancelled).
    let p = promise.clone();
    let first = aio::create_task(async move {
        aio::select_first! {
            v = p => Some(v),
            _ = aio::sleep(Duration::from_secs(1)) => None,
        }
    });
    let second = aio::create_task(promise.clone());
    assert_eq!(finishes(first).await.unwrap(), None);
    assert!(
        !promise.is_done(),
        "giving up on a wait does not cancel the promise"
    );
    promise.set_result(3).unwrap();
    assert_eq!(finishes(second).await.unwrap(), Ok(3));
}

#[aio::test]
async fn cancelling_an_awaiter_cancels_the_promise_for_every_awaiter() {
    // asyncio forwards cancel() to the awaited future.
    let promise: Promise<u8> = Promise::new();
    let first = aio::create_task(promise.clone());
    let second = aio::create_task(promise.clone());
    aio::yield_now().await;
    first.cancel();
    assert!(first.await.unwrap_err().is_cancelled());
    assert!(promise.is_cancelled());
    assert!(finishes(second).await.unwrap().is_err());
}
