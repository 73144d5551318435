//! Bytes a stream read beyond what its caller asked for. A small read asks
//! the socket for a whole chunk, so that one which comes back short tells
//! that the socket is drained, and the next read waits for the poller
//! instead of first failing with "would block" (a system call saved per
//! message; asyncio's streams read ahead the same way). What did not fit
//! the caller's buffer is kept for the next read.

use std::cell::{Cell, RefCell};
use std::io;
use std::task::Poll;

/// Reads of at least this many bytes go straight to the caller's buffer.
const CHUNK: usize = 4096;

thread_local! {
    /// The chunk small reads land in: filled and copied out within one
    /// read, so every stream on the thread shares it. Taken out while in
    /// use (a read inside a read, were there one, makes its own).
    static SCRATCH: Cell<Option<Box<[u8]>>> = const { Cell::new(None) };
}

/// What a stream read and has not handed out yet.
#[derive(Default)]
pub(crate) struct ReadAhead {
    kept: RefCell<Vec<u8>>,
    /// Where the bytes not yet handed out start in `kept`.
    start: Cell<usize>,
}

impl ReadAhead {
    /// Reads into `buf`: kept bytes first; else `read` (a read of the
    /// socket into the buffer it is given), with a whole chunk when `buf`
    /// is small. An empty `buf` gets `Ok(0)` without a read.
    pub(crate) fn poll_read(
        &self,
        buf: &mut [u8],
        read: impl FnOnce(&mut [u8]) -> Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            // std's `Read`: an empty buffer reads nothing, at once.
            return Poll::Ready(Ok(0));
        }
        if let Some(n) = self.take(buf) {
            return Poll::Ready(Ok(n));
        }
        if buf.len() >= CHUNK {
            return read(buf);
        }
        let mut scratch = SCRATCH
            .try_with(Cell::take)
            .ok()
            .flatten()
            .unwrap_or_else(|| vec![0; CHUNK].into_boxed_slice());
        let read = read(&mut scratch);
        if let Poll::Ready(Ok(n)) = read {
            let given = n.min(buf.len());
            buf[..given].copy_from_slice(&scratch[..given]);
            self.keep(&scratch[given..n]);
        }
        // Gone only while the thread ends: then the chunk is dropped.
        let _ = SCRATCH.try_with(|cell| cell.set(Some(scratch)));
        read.map_ok(|n| n.min(buf.len()))
    }

    /// How many bytes are kept.
    pub(crate) fn len(&self) -> usize {
        self.kept.borrow().len() - self.start.get()
    }

    fn take(&self, buf: &mut [u8]) -> Option<usize> {
        let mut kept = self.kept.borrow_mut();
        let start = self.start.get();
        if start == kept.len() {
            return None;
        }
        let n = buf.len().min(kept.len() - start);
        buf[..n].copy_from_slice(&kept[start..start + n]);
        if start + n == kept.len() {
            // All handed out: an idle stream holds no memory.
            *kept = Vec::new();
            self.start.set(0);
        } else {
            self.start.set(start + n);
        }
        Some(n)
    }

    fn keep(&self, bytes: &[u8]) {
        if !bytes.is_empty() {
            self.kept.borrow_mut().extend_from_slice(bytes);
        }
    }
}
