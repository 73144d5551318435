//! A queue's receiving side as an async iterator.

use super::queue::BaseQueue;
use super::queue_order::QueueOrder;
use futures_core::Stream;

impl<T, O: QueueOrder<T>> BaseQueue<T, O> {
    /// The items as [`get`](Self::get) takes them, until the queue is shut
    /// down (and, unless immediately, drained): a consumer's
    /// `while let Some(item) = items.next().await`. As with `get`, each item
    /// is counted for [`join`](Self::join) until marked with
    /// [`task_done`](Self::task_done). Dropping the stream while it waits
    /// takes nothing from the queue.
    ///
    /// ```
    /// use aio::StreamExt;
    ///
    /// aio::run(async {
    ///     let queue = aio::Queue::new(0);
    ///     for job in ["a", "b", "c"] {
    ///         queue.put_nowait(job).unwrap();
    ///     }
    ///     queue.shutdown(false); // no more puts; gets drain what is left
    ///     let mut jobs = queue.stream();
    ///     let mut done = Vec::new();
    ///     while let Some(job) = jobs.next().await {
    ///         done.push(job);
    ///         queue.task_done().unwrap();
    ///     }
    ///     assert_eq!(done, ["a", "b", "c"]);
    ///     queue.join().await;
    /// });
    /// ```
    pub fn stream(&self) -> impl Stream<Item = T> + Unpin + '_ {
        crate::stream! {
            while let Ok(item) = self.get().await {
                yield item;
            }
        }
    }
}
