//! gather, gather_all, gather! and gather_all!.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

struct Cleanup(Rc<RefCell<Vec<String>>>, String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.0.borrow_mut().push(self.1.clone());
    }
}

#[aio::test]
async fn results_are_in_input_order_whatever_the_completion_order() {
    let work = [3u64, 1, 2].map(|s| async move {
        aio::sleep(secs(s)).await;
        Ok::<_, String>(s)
    });
    let start = aio::now();
    assert_eq!(aio::gather(work).await, Ok(vec![3, 1, 2]));
    assert_eq!(aio::now() - start, secs(3), "they ran concurrently");
}

#[aio::test]
async fn the_first_failure_returns_at_once_and_cancels_owned_siblings() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let work: Vec<_> = (0..3u64)
        .map(|i| {
            let log = log.clone();
            async move {
                let _cleanup = Cleanup(log, format!("cleanup {i}"));
                aio::sleep(secs(i + 1)).await;
                if i == 0 {
                    Err(format!("item {i} failed"))
                } else {
                    Ok(i)
                }
            }
        })
        .collect();
    let start = aio::now();
    assert_eq!(aio::gather(work).await, Err("item 0 failed".to_string()));
    assert_eq!(aio::now() - start, secs(1));
    let mut seen = log.borrow().clone();
    seen.sort();
    assert_eq!(seen, ["cleanup 0", "cleanup 1", "cleanup 2"]);
}

/// A task that records whether it ran to its end or was cancelled.
fn recorded_task(log: &Rc<RefCell<Vec<String>>>) -> aio::Task<Result<u64, String>> {
    let log = log.clone();
    aio::create_task(async move {
        let _cleanup = Cleanup(log.clone(), "survivor dropped".to_string());
        aio::sleep(secs(5)).await;
        log.borrow_mut().push("survivor finished".to_string());
        Ok(5)
    })
}

fn failing_task() -> aio::Task<Result<u64, String>> {
    aio::create_task(async {
        aio::sleep(secs(1)).await;
        Err("bad".to_string())
    })
}

#[aio::test]
async fn tasks_passed_by_value_are_cancelled_with_a_failing_gather() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let survivor = recorded_task(&log);
    let out = aio::gather_all(vec![failing_task(), survivor]).await;
    assert!(out[0].is_ok(), "gather_all reports each outcome");
    // The same two tasks under gather: the failure drops the survivor's await.
    let survivor = recorded_task(&log);
    let flat =
        |t: aio::Task<Result<u64, String>>| async move { t.await.map_err(|e| e.to_string())? };
    let out = aio::gather(vec![
        Box::pin(flat(failing_task())) as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>,
        Box::pin(flat(survivor)),
    ])
    .await;
    assert_eq!(out, Err("bad".to_string()));
    aio::yield_now().await; // the cancelled task ends at its next step
    assert_eq!(
        *log.borrow(),
        ["survivor finished", "survivor dropped", "survivor dropped"],
        "the second survivor was cancelled at t=1 with the gather's failure"
    );
}

/// Awaits a task by reference: giving the await up leaves the task running.
async fn flat_ref(t: &mut aio::Task<Result<u64, String>>) -> Result<u64, String> {
    t.await.map_err(|e| e.to_string())?
}

#[aio::test]
async fn tasks_passed_by_reference_keep_running_after_a_failure() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let mut survivor = recorded_task(&log);
    let mut failing = failing_task();
    let out = aio::gather(vec![
        Box::pin(flat_ref(&mut failing)) as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>,
        Box::pin(flat_ref(&mut survivor)),
    ])
    .await;
    assert_eq!(out, Err("bad".to_string()));
    aio::yield_now().await;
    assert!(log.borrow().is_empty(), "still running at t=1");
    assert_eq!(survivor.await.unwrap(), Ok(5));
    assert_eq!(*log.borrow(), ["survivor finished", "survivor dropped"]);
}

#[aio::test]
async fn gather_all_reports_each_outcome_in_its_slot() {
    let work = [1u64, 2, 3].map(|i| async move {
        aio::sleep(secs(4 - i)).await;
        if i == 2 {
            Err(format!("{i} failed"))
        } else {
            Ok(i)
        }
    });
    let outcomes = aio::gather_all(work).await;
    assert_eq!(outcomes, vec![Ok(1), Err("2 failed".to_string()), Ok(3)]);
}

#[aio::test]
async fn the_macro_forms_take_futures_of_different_types() {
    let (a, b) = aio::gather!(
        async {
            aio::sleep(secs(2)).await;
            Ok::<_, String>("text")
        },
        async {
            aio::sleep(secs(1)).await;
            Ok(42)
        }
    )
    .unwrap();
    assert_eq!((a, b), ("text", 42));

    let failed = aio::gather!(async { Ok::<u8, &str>(1) }, async {
        aio::sleep(secs(1)).await;
        Err::<(), _>("no")
    });
    assert_eq!(failed, Err("no"));

    let (x, y) = aio::gather_all!(async { 1 }, async { Err::<(), _>("kept") });
    assert_eq!((x, y), (1, Err("kept")));
}
