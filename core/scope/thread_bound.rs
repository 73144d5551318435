//! A value that only the thread that made it may touch, inside a type that
//! may cross threads: how a group's error keeps a child's error value (which
//! need not be `Send`) and still is `Send + Sync`.

use std::mem::ManuallyDrop;
use std::thread::{self, ThreadId};

/// Holds `T` for the thread that made it. Elsewhere the value is out of
/// reach: [`get`](Self::get) gives `None`, and dropping it leaks the value
/// rather than touching it.
pub(crate) struct ThreadBound<T> {
    value: ManuallyDrop<T>,
    thread: ThreadId,
}

// SAFETY: the value is only reached through `get` and `Drop`, and both check
// that they run on the thread that made it (thread ids are never reused, so
// no other thread passes the check). Moving the holder to another thread, or
// sharing it, therefore never moves, reads or drops the value elsewhere.
unsafe impl<T> Send for ThreadBound<T> {}
// SAFETY: as for `Send`: a shared reference on another thread reaches only
// the thread id.
unsafe impl<T> Sync for ThreadBound<T> {}

impl<T> ThreadBound<T> {
    pub(crate) fn new(value: T) -> Self {
        ThreadBound {
            value: ManuallyDrop::new(value),
            thread: thread::current().id(),
        }
    }

    /// The value, on the thread that made it.
    pub(crate) fn get(&self) -> Option<&T> {
        (thread::current().id() == self.thread).then_some(&*self.value)
    }
}

impl<T> Drop for ThreadBound<T> {
    fn drop(&mut self) {
        if thread::current().id() == self.thread {
            // SAFETY: dropped once, here, on the thread that made it.
            unsafe { ManuallyDrop::drop(&mut self.value) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ThreadBound;
    use std::rc::Rc;

    #[test]
    fn another_thread_neither_reads_nor_drops_the_value() {
        let value = Rc::new(5);
        let bound = ThreadBound::new(value.clone());
        assert_eq!(bound.get().map(|v| **v), Some(5));
        let bound = std::thread::spawn(move || {
            assert!(bound.get().is_none());
            bound
        })
        .join()
        .unwrap();
        assert_eq!(Rc::strong_count(&value), 2);
        let elsewhere = std::thread::spawn(move || drop(bound));
        elsewhere.join().unwrap();
        // Leaked, not dropped on the other thread.
        assert_eq!(Rc::strong_count(&value), 2);
    }

    #[test]
    fn dropping_on_the_owning_thread_drops_the_value() {
        let value = Rc::new(());
        drop(ThreadBound::new(value.clone()));
        assert_eq!(Rc::strong_count(&value), 1);
    }
}
