//! asyncio's `StreamReader`: buffered reading of a connection by lines,
//! separators and exact sizes.

use crate::net::byte_stream::ByteStream;
use std::fmt;
use std::io;
use std::rc::Rc;

/// How much a reader buffers while looking for a separator (asyncio's
/// default `limit`, 64 KiB).
pub const DEFAULT_LIMIT: usize = 64 * 1024;

/// Why a [`StreamReader`] call failed.
#[derive(Debug)]
pub enum StreamError {
    /// The socket failed.
    Io(io::Error),
    /// The stream ended first (asyncio's `IncompleteReadError`): what was
    /// read, and how many bytes were wanted (`None` when a separator was).
    Incomplete {
        /// The bytes read before the end.
        partial: Vec<u8>,
        /// How many bytes were asked for; `None` when a separator was.
        expected: Option<usize>,
    },
    /// No separator within the reader's limit (asyncio's
    /// `LimitOverrunError`); the data stays buffered.
    LimitOverrun {
        /// How many bytes were searched.
        consumed: usize,
    },
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Io(e) => write!(f, "{e}"),
            StreamError::Incomplete { partial, expected } => match expected {
                Some(n) => write!(f, "stream ended after {} of {n} bytes", partial.len()),
                None => write!(
                    f,
                    "stream ended after {} bytes, before the separator",
                    partial.len()
                ),
            },
            StreamError::LimitOverrun { consumed } => {
                write!(
                    f,
                    "no separator in the first {consumed} bytes (the reader's limit)"
                )
            }
        }
    }
}

impl std::error::Error for StreamError {}

impl From<io::Error> for StreamError {
    fn from(e: io::Error) -> Self {
        StreamError::Io(e)
    }
}

/// The reading side of a connection from
/// [`open_connection`](crate::net::open_connection) or a
/// [`start_server`](crate::net::start_server) handler.
pub struct StreamReader {
    stream: Rc<dyn ByteStream>,
    buf: Vec<u8>,
    eof: bool,
    limit: usize,
}

impl StreamReader {
    pub(crate) fn new(stream: Rc<dyn ByteStream>) -> StreamReader {
        StreamReader {
            stream,
            buf: Vec::new(),
            eof: false,
            limit: DEFAULT_LIMIT,
        }
    }

    /// Changes how much [`readuntil`](Self::readuntil) and
    /// [`readline`](Self::readline) buffer before giving up.
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit.max(1);
    }

    /// Reads more into the buffer; false at end of stream.
    async fn fill(&mut self) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let mut chunk = [0u8; 8192];
        let n = std::future::poll_fn(|cx| self.stream.poll_read_bytes(cx, &mut chunk)).await?;
        self.eof = n == 0;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// Up to `n` bytes: what is buffered, or else what one read brings. Empty
    /// at end of stream.
    pub async fn read(&mut self, n: usize) -> io::Result<Vec<u8>> {
        if self.buf.is_empty() {
            self.fill().await?;
        }
        let n = n.min(self.buf.len());
        Ok(self.buf.drain(..n).collect())
    }

    /// Everything until the end of the stream (asyncio's `read(-1)`).
    pub async fn read_to_end(&mut self) -> io::Result<Vec<u8>> {
        while self.fill().await? {}
        Ok(std::mem::take(&mut self.buf))
    }

    /// Exactly `n` bytes; [`StreamError::Incomplete`] if the stream ends first.
    pub async fn readexactly(&mut self, n: usize) -> Result<Vec<u8>, StreamError> {
        while self.buf.len() < n {
            if !self.fill().await? {
                return Err(StreamError::Incomplete {
                    partial: std::mem::take(&mut self.buf),
                    expected: Some(n),
                });
            }
        }
        Ok(self.buf.drain(..n).collect())
    }

    /// Everything up to and including `separator`.
    /// [`StreamError::Incomplete`] if the stream ends first,
    /// [`StreamError::LimitOverrun`] if the limit is reached first.
    pub async fn readuntil(&mut self, separator: &[u8]) -> Result<Vec<u8>, StreamError> {
        assert!(
            !separator.is_empty(),
            "readuntil needs a non-empty separator"
        );
        let mut searched: usize = 0;
        loop {
            let from = searched.saturating_sub(separator.len() - 1);
            if let Some(at) = self.buf[from..]
                .windows(separator.len())
                .position(|w| w == separator)
            {
                let end = from + at + separator.len();
                if end - separator.len() > self.limit {
                    return Err(StreamError::LimitOverrun { consumed: end });
                }
                return Ok(self.buf.drain(..end).collect());
            }
            searched = self.buf.len();
            if searched > self.limit {
                return Err(StreamError::LimitOverrun { consumed: searched });
            }
            if !self.fill().await? {
                return Err(StreamError::Incomplete {
                    partial: std::mem::take(&mut self.buf),
                    expected: None,
                });
            }
        }
    }

    /// One line, ending in `\n`; at end of stream, whatever is left (empty
    /// when nothing is), as asyncio's `readline`.
    pub async fn readline(&mut self) -> Result<Vec<u8>, StreamError> {
        match self.readuntil(b"\n").await {
            Err(StreamError::Incomplete { partial, .. }) => Ok(partial),
            other => other,
        }
    }

    /// True once the stream ended and the buffer is empty.
    pub fn at_eof(&self) -> bool {
        self.eof && self.buf.is_empty()
    }
}

impl fmt::Debug for StreamReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamReader")
            .field("buffered", &self.buf.len())
            .field("eof", &self.eof)
            .finish()
    }
}
