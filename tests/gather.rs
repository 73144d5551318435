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

#[aio::test]
async fn tasks_passed_in_keep_running_after_a_failure() {
    let survivor = aio::create_task(async {
        aio::sleep(secs(5)).await;
        Ok::<_, String>(5)
    });
    let failing = aio::create_task(async {
        aio::sleep(secs(1)).await;
        Err::<u64, _>("bad".to_string())
    });
    let flat =
        |t: aio::Task<Result<u64, String>>| async move { t.await.map_err(|e| e.to_string())? };
    // gather owns only the wrapper futures; dropping them detaches the tasks.
    let out = aio::gather(vec![
        Box::pin(flat(failing)) as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>,
        Box::pin(flat(survivor)),
    ])
    .await;
    assert_eq!(out, Err("bad".to_string()));
    aio::sleep(secs(5)).await;
    let names: Vec<String> = aio::all_tasks().iter().map(|t| t.name()).collect();
    assert_eq!(
        names.len(),
        1,
        "the survivor finished on its own: {names:?}"
    );
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
