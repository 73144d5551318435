//! The orders a queue keeps its items in: first in first out, last in first
//! out, smallest first.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// The order in which a queue hands out its items: implement it to give a
/// [`BaseQueue`](super::BaseQueue) an order of your own.
///
/// ```
/// use aio::sync::{BaseQueue, QueueOrder};
///
/// /// Largest first.
/// #[derive(Default)]
/// struct Largest(std::collections::BinaryHeap<u32>);
///
/// impl QueueOrder<u32> for Largest {
///     fn push(&mut self, item: u32) { self.0.push(item) }
///     fn pop(&mut self) -> Option<u32> { self.0.pop() }
///     fn len(&self) -> usize { self.0.len() }
/// }
///
/// let bids = BaseQueue::<u32, Largest>::new(0);
/// for bid in [3, 9, 5] {
///     bids.put_nowait(bid).unwrap();
/// }
/// assert_eq!(bids.get_nowait(), Ok(9));
/// ```
pub trait QueueOrder<T>: Default {
    /// Stores an item.
    ///
    /// ```
    /// use aio::sync::{Lifo, QueueOrder};
    ///
    /// let mut stack = Lifo::default();
    /// stack.push("a");
    /// assert_eq!(stack.len(), 1);
    /// ```
    fn push(&mut self, item: T);
    /// Takes the next item out.
    ///
    /// ```
    /// use aio::sync::{Lifo, QueueOrder};
    ///
    /// let mut stack = Lifo::default();
    /// stack.push("a");
    /// stack.push("b");
    /// assert_eq!(stack.pop(), Some("b"));
    /// ```
    fn pop(&mut self) -> Option<T>;
    /// How many items are stored.
    ///
    /// ```
    /// use aio::sync::{Fifo, QueueOrder};
    ///
    /// let mut order = Fifo::default();
    /// order.push(1);
    /// order.push(2);
    /// assert_eq!(order.len(), 2);
    /// ```
    fn len(&self) -> usize;
    /// True with no items.
    ///
    /// ```
    /// use aio::sync::{Fifo, QueueOrder};
    ///
    /// let mut order = Fifo::<u8>::default();
    /// assert!(order.is_empty());
    /// order.push(1);
    /// assert!(!order.is_empty());
    /// ```
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out ([`Queue`](super::Queue)).
///
/// ```
/// let queue: aio::sync::BaseQueue<_, aio::sync::Fifo<_>> = aio::Queue::new(0);
/// queue.put_nowait(1).unwrap();
/// queue.put_nowait(2).unwrap();
/// assert_eq!(queue.get_nowait(), Ok(1));
/// ```
pub struct Fifo<T>(VecDeque<T>);
/// Last in, first out ([`LifoQueue`](super::LifoQueue)).
///
/// ```
/// let queue: aio::sync::BaseQueue<_, aio::sync::Lifo<_>> = aio::LifoQueue::new(0);
/// queue.put_nowait(1).unwrap();
/// queue.put_nowait(2).unwrap();
/// assert_eq!(queue.get_nowait(), Ok(2));
/// ```
pub struct Lifo<T>(Vec<T>);
/// Smallest first, equal items in the order put
/// ([`PriorityQueue`](super::PriorityQueue)).
///
/// ```
/// let queue: aio::sync::BaseQueue<_, aio::sync::Priority<_>> = aio::PriorityQueue::new(0);
/// queue.put_nowait((2, "later")).unwrap();
/// queue.put_nowait((1, "urgent")).unwrap();
/// assert_eq!(queue.get_nowait(), Ok((1, "urgent")));
/// ```
pub struct Priority<T: Ord> {
    heap: BinaryHeap<Reverse<(T, u64)>>,
    next: u64,
}

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Priority {
            heap: BinaryHeap::new(),
            next: 0,
        }
    }
}

impl<T> QueueOrder<T> for Fifo<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> QueueOrder<T> for Lifo<T> {
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> QueueOrder<T> for Priority<T> {
    fn push(&mut self, item: T) {
        self.next += 1;
        self.heap.push(Reverse((item, self.next)));
    }
    fn pop(&mut self) -> Option<T> {
        self.heap.pop().map(|Reverse((item, _))| item)
    }
    fn len(&self) -> usize {
        self.heap.len()
    }
}
