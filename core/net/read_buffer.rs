//! The buffer of a [`StreamReader`](crate::net::StreamReader): bytes read from
//! the stream and not yet handed out. Reads land in the space after the data,
//! and consuming only moves the start, so steady reading neither allocates
//! nor shifts bytes on every call.

/// How much room a read asks for at least.
const CHUNK: usize = 8 * 1024;

/// `data[start..end]` is what was read and not yet consumed; `data[end..]` is
/// room for the next read (zeroed once, when the buffer grows).
#[derive(Default)]
pub(crate) struct ReadBuffer {
    data: Vec<u8>,
    start: usize,
    end: usize,
}

impl ReadBuffer {
    /// The bytes not yet consumed.
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.data[self.start..self.end]
    }

    pub(crate) fn len(&self) -> usize {
        self.end - self.start
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Marks the first `n` bytes as handed out.
    pub(crate) fn consume(&mut self, n: usize) {
        self.start += n.min(self.len());
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Hands out the first `n` bytes (fewer if fewer are buffered).
    pub(crate) fn take(&mut self, n: usize) -> Vec<u8> {
        let n = n.min(self.len());
        let out = self.data[self.start..self.start + n].to_vec();
        self.consume(n);
        out
    }

    /// Copies as much as fits into `buf` and consumes it; returns how much.
    pub(crate) fn copy_to(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.len());
        buf[..n].copy_from_slice(&self.data[self.start..self.start + n]);
        self.consume(n);
        n
    }

    /// Room for the next read after the data: at least a chunk, moving the
    /// data to the front or growing the buffer (doubling) when short of room.
    pub(crate) fn spare(&mut self) -> &mut [u8] {
        if self.data.len() - self.end < CHUNK {
            if self.start > 0 {
                self.data.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            }
            if self.data.len() - self.end < CHUNK {
                let grown = (self.end + CHUNK).max(self.data.len() * 2);
                self.data.resize(grown, 0);
            }
        }
        &mut self.data[self.end..]
    }

    /// Records that a read put `n` bytes into [`spare`](Self::spare).
    pub(crate) fn filled(&mut self, n: usize) {
        self.end += n;
    }
}
