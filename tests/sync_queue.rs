//! Queue, LifoQueue and PriorityQueue.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aio::sync::{PutError, QueueEmpty, QueueShutDown, TooManyTaskDone};
use aio::{LifoQueue, PriorityQueue, Queue};

#[aio::test]
async fn getters_and_putters_are_served_first_in_first_out() {
    let q = Rc::new(Queue::new(1));
    let log = Rc::new(RefCell::new(Vec::new()));
    let getters: Vec<_> = (0..3)
        .map(|i| {
            let (q, log) = (q.clone(), log.clone());
            aio::create_task(async move {
                let item = q.get().await.unwrap();
                log.borrow_mut().push(format!("getter {i} got {item}"));
            })
        })
        .collect();
    aio::yield_now().await;
    for item in ["x", "y", "z"] {
        q.put(item).await.unwrap();
    }
    for g in getters {
        g.await.unwrap();
    }
    assert_eq!(
        *log.borrow(),
        ["getter 0 got x", "getter 1 got y", "getter 2 got z"]
    );

    // Putters on a full queue, served in order.
    q.put("first").await.unwrap();
    let putters: Vec<_> = (0..3)
        .map(|i| {
            let q = q.clone();
            aio::create_task(async move { q.put(["p0", "p1", "p2"][i]).await.unwrap() })
        })
        .collect();
    aio::yield_now().await;
    let mut got = Vec::new();
    for _ in 0..4 {
        got.push(q.get().await.unwrap());
    }
    for p in putters {
        p.await.unwrap();
    }
    assert_eq!(got, ["first", "p0", "p1", "p2"]);
}

#[aio::test]
async fn a_getter_cancelled_after_an_item_was_meant_for_it_passes_it_on() {
    let q: Rc<Queue<u32>> = Rc::new(Queue::new(0));
    let (q1, q2) = (q.clone(), q.clone());
    let a = aio::create_task(async move { q1.get().await });
    let b = aio::create_task(async move { q2.get().await });
    aio::yield_now().await;
    q.put_nowait(7).unwrap(); // meant for `a`...
    a.cancel(); // ...cancelled before it ran
    assert_eq!(b.await.unwrap(), Ok(7));
}

#[aio::test]
async fn nowait_variants_report_full_and_empty() {
    let q = Queue::new(1);
    assert_eq!(q.get_nowait(), Err(QueueEmpty));
    q.put_nowait(1).unwrap();
    assert!(matches!(q.put_nowait(2), Err(PutError::Full(_))));
    assert_eq!((q.qsize(), q.full(), q.empty()), (1, true, false));
}

#[aio::test]
async fn join_returns_only_after_as_many_task_done_as_puts() {
    let q = Rc::new(Queue::new(0));
    for i in 0..3 {
        q.put(i).await.unwrap();
    }
    let q2 = q.clone();
    let joiner = aio::create_task(async move { q2.join().await });
    for _ in 0..3 {
        q.get().await.unwrap();
        aio::sleep(Duration::from_secs(1)).await;
        assert!(!joiner.is_done());
        q.task_done().unwrap();
    }
    let joined = aio::wait_for(joiner, Duration::from_secs(3600)).await;
    joined.expect("join() returned").unwrap();
    assert_eq!(q.task_done(), Err(TooManyTaskDone));
}

#[aio::test]
async fn shutdown_wakes_blocked_getters_and_putters_with_errors() {
    let q: Rc<Queue<u32>> = Rc::new(Queue::new(1));
    let g = q.clone();
    let getter = aio::create_task(async move { g.get().await });
    aio::yield_now().await;
    q.shutdown(false);
    assert_eq!(getter.await.unwrap(), Err(QueueShutDown(())));
    assert_eq!(q.put(1).await, Err(QueueShutDown(1)));

    let q: Rc<Queue<u32>> = Rc::new(Queue::new(1));
    q.put(1).await.unwrap();
    let p = q.clone();
    let putter = aio::create_task(async move { p.put(2).await });
    aio::yield_now().await;
    q.shutdown(false);
    assert_eq!(putter.await.unwrap(), Err(QueueShutDown(2)));
    // A plain shutdown lets the queue drain, then gets fail.
    assert_eq!(q.get().await, Ok(1));
    assert_eq!(q.get().await, Err(QueueShutDown(())));
}

#[aio::test]
async fn shutdown_immediate_drops_pending_items_and_releases_join() {
    let q = Rc::new(Queue::new(0));
    for i in 0..3 {
        q.put(i).await.unwrap();
    }
    let q2 = q.clone();
    let joiner = aio::create_task(async move { q2.join().await });
    aio::yield_now().await;
    q.shutdown(true);
    assert_eq!(q.qsize(), 0);
    assert_eq!(q.get().await, Err(QueueShutDown(())));
    let joined = aio::wait_for(joiner, Duration::from_secs(3600)).await;
    joined.expect("join() returned").unwrap();
}

#[aio::test]
async fn priority_queue_gives_the_smallest_first_and_ties_in_order() {
    let q = PriorityQueue::new(0);
    for item in [(2, "b1"), (1, "a"), (2, "b2"), (3, "c"), (2, "b3")] {
        q.put(item).await.unwrap();
    }
    let mut out = Vec::new();
    while let Ok((_, name)) = q.get_nowait() {
        out.push(name);
    }
    assert_eq!(out, ["a", "b1", "b2", "b3", "c"]);
}

#[aio::test]
async fn lifo_queue_gives_the_last_first() {
    let q = LifoQueue::new(0);
    for i in 0..3 {
        q.put(i).await.unwrap();
    }
    assert_eq!(q.get().await, Ok(2));
    assert_eq!(q.get().await, Ok(1));
}

type PutTask = aio::Task<Result<(), QueueShutDown<&'static str>>>;

/// A full queue of capacity one ("first" in it) and two putters waiting, `a`
/// then `b`.
async fn full_queue_with_two_putters() -> (Rc<Queue<&'static str>>, PutTask, PutTask) {
    let q = Rc::new(Queue::new(1));
    q.put("first").await.unwrap();
    let (q1, q2) = (q.clone(), q.clone());
    let a = aio::create_task(async move { q1.put("a").await });
    let b = aio::create_task(async move { q2.put("b").await });
    aio::yield_now().await;
    (q, a, b)
}

#[aio::test]
async fn a_putter_cancelled_after_being_given_room_passes_it_on() {
    let (q, a, b) = full_queue_with_two_putters().await;
    assert_eq!(q.get_nowait(), Ok("first")); // room meant for `a`...
    a.cancel(); // ...cancelled before it ran
    let b = aio::wait_for(b, Duration::from_secs(60)).await;
    assert_eq!(b.expect("`b` got the room").unwrap(), Ok(()));
    assert_eq!(q.get_nowait(), Ok("b"));
}

#[aio::test]
async fn a_putter_cancelled_while_waiting_leaves_no_trace() {
    let (q, a, b) = full_queue_with_two_putters().await;
    a.cancel();
    assert!(a.await.is_err());
    assert_eq!(q.get().await, Ok("first"));
    b.await.unwrap().unwrap();
    assert_eq!(q.get_nowait(), Ok("b"));
    assert!(q.empty());
}

#[aio::test]
async fn debug_and_the_errors_describe_the_queue() {
    let q = Queue::new(2);
    q.put_nowait("a").unwrap();
    assert_eq!(
        format!("{q:?}"),
        "Queue { qsize: 1, maxsize: 2, shut_down: false }"
    );
    assert_eq!(q.maxsize(), 2);
    q.shutdown(false);
    assert_eq!(
        format!("{q:?}"),
        "Queue { qsize: 1, maxsize: 2, shut_down: true }"
    );
    assert!(
        aio::sync::QueueFull(1)
            .to_string()
            .contains("the queue is full")
    );
    assert!(QueueEmpty.to_string().contains("the queue is empty"));
    assert_eq!(QueueShutDown(()).to_string(), "the queue was shut down");
    assert!(TooManyTaskDone.to_string().contains("once per get()"));
    // A put's error says which of the two it is, as the error it wraps.
    let full = Queue::new(1);
    full.put_nowait(1).unwrap();
    let err = full.put_nowait(2).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the queue is full; await put() to wait for room"
    );
    full.shutdown(false);
    assert_eq!(
        full.put_nowait(3).unwrap_err().to_string(),
        "the queue was shut down"
    );
}

/// A job ordered by its priority alone: jobs of equal priority are equal.
#[derive(Debug, PartialEq, Eq)]
struct Job(u8, &'static str);

impl PartialOrd for Job {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Job {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

#[aio::test]
async fn priority_queue_gives_equal_items_in_the_order_put() {
    let q = PriorityQueue::new(0);
    let jobs = [(2, "z"), (1, "a"), (2, "y"), (3, "c"), (2, "x"), (2, "w")];
    for (priority, name) in jobs {
        q.put(Job(priority, name)).await.unwrap();
    }
    let mut out = Vec::new();
    while let Ok(Job(_, name)) = q.get_nowait() {
        out.push(name);
    }
    assert_eq!(out, ["a", "z", "y", "x", "w", "c"]);
}
