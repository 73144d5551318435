//! Async generators: `stream!` and `try_stream!`, on the virtual clock.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use aio::{Stream, StreamExt};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Counts the bytes held by allocations made on each thread, so that one
/// test can see whether iterating makes its memory grow.
struct CountingAllocator;

thread_local! {
    static LIVE_BYTES: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // `try_with`: the thread's counter may be gone while the thread exits.
    let _ = LIVE_BYTES.try_with(|live| live.set(live.get() + delta));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// counter is a const-initialised thread-local without a destructor, so
// touching it never allocates or re-enters the allocator.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        // SAFETY: `ptr` came from `System.alloc` with this `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn live_bytes() -> isize {
    LIVE_BYTES.with(Cell::get)
}

#[aio::test]
async fn yields_each_value_when_the_body_reaches_it() {
    let start = aio::now();
    let mut numbers = aio::stream! {
        for i in 1..=3u32 {
            aio::sleep(ms(10 * i as u64)).await;
            yield i;
        }
    };
    let mut seen = Vec::new();
    while let Some(i) = numbers.next().await {
        seen.push((i, aio::now() - start));
    }
    assert_eq!(seen, [(1, ms(10)), (2, ms(30)), (3, ms(60))]);
    assert_eq!(
        numbers.next().await,
        None,
        "a finished generator stays finished"
    );
}

#[aio::test]
async fn the_body_runs_only_while_the_stream_is_polled() {
    let steps = Rc::new(RefCell::new(Vec::new()));
    let log = steps.clone();
    let mut letters = aio::stream! {
        log.borrow_mut().push("started");
        yield 'a';
        log.borrow_mut().push("resumed");
        yield 'b';
        log.borrow_mut().push("ended");
    };
    aio::sleep(ms(5)).await;
    assert!(
        steps.borrow().is_empty(),
        "nothing runs before the first poll"
    );
    assert_eq!(letters.next().await, Some('a'));
    aio::sleep(ms(5)).await;
    assert_eq!(*steps.borrow(), ["started"], "suspended at the yield");
    assert_eq!(letters.next().await, Some('b'));
    assert_eq!(letters.next().await, None);
    assert_eq!(*steps.borrow(), ["started", "resumed", "ended"]);
}

#[aio::test]
async fn return_ends_the_stream() {
    let numbers = aio::stream! {
        let mut i = 0;
        loop {
            if i == 3 {
                return;
            }
            yield i;
            i += 1;
        }
    };
    assert_eq!(numbers.collect::<Vec<_>>().await, [0, 1, 2]);
}

#[derive(Debug, PartialEq)]
struct NotANumber(String);

fn parse_all(words: Vec<&'static str>) -> impl Stream<Item = Result<u32, NotANumber>> {
    aio::try_stream! {
        for word in words {
            aio::sleep(ms(1)).await;
            let n = word.parse::<u32>().map_err(|_| NotANumber(word.to_string()))?;
            yield n;
        }
    }
}

impl From<std::num::ParseIntError> for NotANumber {
    fn from(e: std::num::ParseIntError) -> Self {
        NotANumber(e.to_string())
    }
}

#[aio::test]
async fn try_stream_ends_with_the_first_error() {
    let items: Vec<_> = parse_all(vec!["1", "2", "x", "3", "y"]).collect().await;
    assert_eq!(items, [Ok(1), Ok(2), Err(NotANumber("x".into()))]);
    let all: Vec<_> = parse_all(vec!["4", "5"]).collect().await;
    assert_eq!(all, [Ok(4), Ok(5)]);
}

#[aio::test]
async fn try_stream_stops_at_return_without_an_error() {
    let items: Vec<Result<u8, String>> = aio::try_stream! {
        yield 1;
        return;
    }
    .collect()
    .await;
    assert_eq!(items, [Ok(1)]);
}

struct Guard(Rc<RefCell<Vec<&'static str>>>, &'static str);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.borrow_mut().push(self.1);
    }
}

#[aio::test]
async fn dropping_mid_stream_runs_the_generators_cleanup() {
    let log = Rc::new(RefCell::new(Vec::new()));

    // Dropped while suspended at a `yield`.
    let cleanup = log.clone();
    let mut at_yield = aio::stream! {
        let _guard = Guard(cleanup, "cleanup at yield");
        for i in 0.. {
            yield i;
        }
    };
    assert_eq!(at_yield.next().await, Some(0));
    assert_eq!(at_yield.next().await, Some(1));
    assert!(log.borrow().is_empty());
    drop(at_yield);
    assert_eq!(*log.borrow(), ["cleanup at yield"]);

    // Dropped while suspended at an `.await`: a timeout around `next()`.
    let cleanup = log.clone();
    let mut at_await = aio::stream! {
        let _guard = Guard(cleanup, "cleanup at await");
        yield 1;
        aio::sleep(ms(100)).await;
        yield 2;
    };
    assert_eq!(at_await.next().await, Some(1));
    assert!(aio::timeout!(ms(10), { at_await.next().await }).is_err());
    drop(at_await);
    assert_eq!(*log.borrow(), ["cleanup at yield", "cleanup at await"]);
}

#[aio::test]
async fn a_cancelled_consumer_drops_the_generator_with_its_cleanup() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let cleanup = log.clone();
    let consumer = aio::create_task(async move {
        let mut ticks = aio::stream! {
            let _guard = Guard(cleanup, "generator cleaned up");
            loop {
                aio::sleep(ms(10)).await;
                yield ();
            }
        };
        while ticks.next().await.is_some() {}
    });
    aio::sleep(ms(35)).await;
    consumer.cancel();
    assert!(consumer.await.is_err());
    assert_eq!(*log.borrow(), ["generator cleaned up"]);
}

#[aio::test]
async fn a_generator_borrows_a_local() {
    let words = vec![String::from("alpha"), String::from("beta")];
    let total = Cell::new(0);
    {
        let (words, total) = (&words, &total);
        let mut lengths = aio::stream! {
            for word in words {
                aio::yield_now().await;
                total.set(total.get() + word.len());
                yield word.as_str();
            }
        };
        assert_eq!(lengths.next().await, Some("alpha"));
        assert_eq!(lengths.next().await, Some("beta"));
        assert_eq!(lengths.next().await, None);
    }
    assert_eq!(total.get(), 9);
    assert_eq!(words.len(), 2, "the local is still the caller's");
}

#[aio::test]
async fn ten_thousand_yields_do_not_grow_memory() {
    let mut numbers = aio::stream! {
        let mut i: u64 = 0;
        loop {
            if i % 100 == 0 {
                aio::yield_now().await;
            }
            yield i;
            i += 1;
        }
    };
    let mut sum = 0;
    for _ in 0..100 {
        sum += numbers.next().await.unwrap();
    }
    let before = live_bytes();
    for _ in 100..10_000 {
        sum += numbers.next().await.unwrap();
    }
    assert_eq!(live_bytes(), before, "memory grew while iterating");
    assert_eq!(sum, (0..10_000).sum());
}

#[aio::test]
async fn stream_ext_adapters_work_with_one_import() {
    let evens: Vec<u32> = aio::stream! {
        for i in 0.. {
            yield i;
        }
    }
    .filter(|i| std::future::ready(i % 2 == 0))
    .map(|i| i * 10)
    .take(3)
    .collect()
    .await;
    assert_eq!(evens, [0, 20, 40]);
}

#[aio::test]
async fn generators_nest_and_each_keeps_its_own_items() {
    let outer = aio::stream! {
        for row in 0..2u32 {
            let mut cells = aio::stream! {
                for col in 0..2u32 {
                    yield (row, col);
                }
            };
            while let Some(cell) = cells.next().await {
                yield format!("{cell:?}");
            }
        }
    };
    assert_eq!(
        outer.collect::<Vec<_>>().await,
        ["(0, 0)", "(0, 1)", "(1, 0)", "(1, 1)"]
    );
}

#[aio::test]
async fn a_queue_stream_waits_for_items_and_ends_on_shutdown() {
    let queue = Rc::new(aio::Queue::new(0));
    let producer = {
        let queue = queue.clone();
        aio::create_task(async move {
            for job in 1..=3 {
                aio::sleep(ms(10)).await;
                queue.put(job).await.unwrap();
            }
            aio::sleep(ms(10)).await;
            queue.shutdown(false);
        })
    };
    let start = aio::now();
    let mut jobs = queue.stream();
    let mut seen = Vec::new();
    while let Some(job) = jobs.next().await {
        seen.push((job, aio::now() - start));
    }
    assert_eq!(seen, [(1, ms(10)), (2, ms(20)), (3, ms(30))]);
    assert_eq!(aio::now() - start, ms(40), "ended when the queue shut down");
    producer.await.unwrap();
}

#[aio::test]
async fn a_queue_stream_abandoned_while_waiting_loses_no_item() {
    let queue = aio::Queue::new(0);
    {
        let mut items = queue.stream();
        assert!(aio::timeout!(ms(10), { items.next().await }).is_err());
    }
    queue.put_nowait("kept").unwrap();
    assert_eq!(queue.get().await.unwrap(), "kept");
}

#[aio::test]
async fn lines_end_with_an_over_long_line_as_the_error() {
    let (ours, theirs) = aio::net::UnixStream::pair().unwrap();
    theirs
        .write_all(b"short\nthis line is too long\nnext\n")
        .await
        .unwrap();
    drop(theirs);
    let (mut reader, _writer) = ours.into_streams();
    reader.set_limit(10);
    let items: Vec<_> = reader.lines().collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().unwrap(), b"short\n");
    assert!(matches!(
        items[1],
        Err(aio::net::StreamError::LimitOverrun { .. })
    ));
    // The reader is usable again once the stream is dropped.
    assert_eq!(reader.readexactly(4).await.unwrap(), b"this");
}

#[aio::test]
async fn try_stream_converts_errors_with_from_as_question_mark_does() {
    let items: Vec<Result<u8, NotANumber>> = aio::try_stream! {
        yield "7".parse::<u8>()?;
        yield "300".parse::<u8>()?;
        yield 9;
    }
    .collect()
    .await;
    assert_eq!(
        items,
        [
            Ok(7),
            Err(NotANumber("number too large to fit in target type".into()))
        ]
    );
}
