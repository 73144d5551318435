//! Every error a user can get from aio works with the ecosystem: it is
//! `std::error::Error + Send + Sync + 'static` with a readable `Display`, so
//! `?` turns it into `Box<dyn Error + Send + Sync>` (or `anyhow::Error`).

use std::error::Error;
use std::time::Duration;

type BoxError = Box<dyn Error + Send + Sync + 'static>;

/// Compiles only for types that can travel in a boxed error across threads.
fn assert_error<E: Error + Send + Sync + 'static>() {}

#[test]
fn every_error_type_has_the_bounds_of_a_portable_error() {
    assert_error::<aio::TaskError>();
    assert_error::<aio::GroupError>();
    assert_error::<aio::Failure>();
    assert_error::<aio::Elapsed>();
    assert_error::<aio::ChildError>();
    assert_error::<aio::Cancelled>();
    assert_error::<aio::InvalidStateError>();
    assert_error::<aio::PoolShutDown>();
    assert_error::<aio::WaitTimedOut>();
    assert_error::<aio::sync::QueueFull<String>>();
    assert_error::<aio::sync::QueueEmpty>();
    assert_error::<aio::sync::QueueShutDown<String>>();
    assert_error::<aio::sync::PutError<String>>();
    assert_error::<aio::sync::TooManyTaskDone>();
    assert_error::<aio::sync::BrokenBarrier>();
    assert_error::<aio::sync::OverRelease>();
    assert_error::<aio::net::StreamError>();
}

async fn failing_steps() -> Result<(), BoxError> {
    let queue = aio::Queue::new(1);
    queue.put_nowait(1).map_err(|e| e.to_string())?;
    // A full queue refuses the item: `?` carries the error out, boxed.
    queue.put_nowait(2)?;
    Ok(())
}

#[aio::test]
async fn question_mark_boxes_each_error() {
    let err = failing_steps().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the queue is full; await put() to wait for room"
    );

    async fn task_error() -> Result<(), BoxError> {
        aio::create_task(async { panic!("worker broke") as () }).await?;
        Ok(())
    }
    let err = task_error().await.unwrap_err();
    assert_eq!(err.to_string(), "the task panicked: worker broke");
    let err = err.downcast::<aio::TaskError>().unwrap();
    assert_eq!(err.panic_message(), Some("worker broke"));

    async fn group_error() -> Result<(), BoxError> {
        aio::task_group!(|tg| {
            tg.create_task_named("fetcher", async { Err::<(), _>("404") });
        })?;
        Ok(())
    }
    let err = group_error().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "1 failure in the task group: fetcher: \"404\""
    );

    async fn elapsed() -> Result<(), BoxError> {
        aio::timeout(Duration::from_secs(2), aio::sleep(Duration::from_secs(5))).await?;
        Ok(())
    }
    let err = elapsed().await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("(2.000 s on the loop's clock)"),
        "Elapsed says when on the loop's clock: {text}"
    );
}

#[test]
fn a_group_error_crosses_threads_as_a_boxed_error() {
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    let err: BoxError = runner
        .run(async {
            aio::task_group!(|tg| {
                tg.create_task(async { panic!("child blew up") as () });
            })
        })
        .unwrap_err()
        .into();
    let text = std::thread::spawn(move || err.to_string()).join().unwrap();
    assert!(text.contains("panicked: child blew up"), "{text}");
}
