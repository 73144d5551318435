//! asyncio's `StreamReader`: buffered reading of a connection by lines,
//! separators and exact sizes, and the `futures` read traits.

use crate::net::StreamError;
use crate::net::byte_stream::ByteStream;
use crate::net::read_buffer::ReadBuffer;
use std::fmt;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

/// How much a reader buffers while looking for a separator (asyncio's
/// default `limit`, 64 KiB).
///
/// ```
/// use aio::net::{StreamError, DEFAULT_LIMIT};
///
/// aio::run(async {
///     let (a, b) = aio::net::UnixStream::pair().unwrap();
///     let (mut reader, _) = b.into_streams();
///     let writing = aio::create_task(async move {
///         a.write_all(&vec![b'x'; DEFAULT_LIMIT + 1]).await.unwrap();
///     });
///     // A line longer than the limit is an error, not an unbounded buffer.
///     let err = reader.readline().await.unwrap_err();
///     assert!(matches!(err, StreamError::LimitOverrun { .. }));
///     writing.await.unwrap();
/// });
/// ```
pub const DEFAULT_LIMIT: usize = 64 * 1024;

/// A caller's buffer at least this big is read into directly, not through the
/// reader's own buffer.
const DIRECT_READ: usize = 8 * 1024;

/// The reading side of a connection from
/// [`open_connection`](crate::net::open_connection) or a
/// [`start_server`](crate::net::start_server) handler.
///
/// Every `async fn` here is cancel-safe: a read cut short (by a timeout, a
/// `select_first!` branch that lost, a cancelled task) loses no data; what
/// arrived stays buffered for the next read. It also implements the `futures`
/// traits `AsyncRead` and `AsyncBufRead`.
///
/// ```
/// use futures::io::AsyncBufReadExt;
///
/// aio::run(async {
///     let (left, right) = aio::net::UnixStream::pair().unwrap();
///     let (mut reader, _) = left.into_streams();
///     right.write_all(b"one\ntwo\n").await.unwrap();
///     drop(right);
///     let mut first = String::new();
///     reader.read_line(&mut first).await.unwrap(); // futures' read_line
///     assert_eq!(first, "one\n");
///     assert_eq!(reader.readline().await.unwrap(), b"two\n"); // asyncio's
///     assert_eq!(reader.readline().await.unwrap(), b"");
/// });
/// ```
pub struct StreamReader {
    stream: Rc<dyn ByteStream>,
    buf: ReadBuffer,
    eof: bool,
    limit: usize,
}

impl StreamReader {
    /// A reader over `stream`, with the default limit.
    pub(crate) fn new(stream: Rc<dyn ByteStream>) -> StreamReader {
        StreamReader {
            stream,
            buf: ReadBuffer::default(),
            eof: false,
            limit: DEFAULT_LIMIT,
        }
    }

    /// Changes how much [`readuntil`](Self::readuntil) and
    /// [`readline`](Self::readline) buffer before giving up.
    ///
    /// ```
    /// aio::run(async {
    ///     let (left, right) = aio::net::UnixStream::pair().unwrap();
    ///     let (mut reader, _) = left.into_streams();
    ///     reader.set_limit(4);
    ///     right.write_all(b"too long\nok\n").await.unwrap();
    ///     assert!(reader.readline().await.is_err());
    ///     assert_eq!(reader.readline().await.unwrap(), b"ok\n");
    /// });
    /// ```
    pub fn set_limit(&mut self, limit: usize) {
        self.limit = limit.max(1);
    }

    /// Reads more into the buffer; `false` at end of stream.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<bool>> {
        if self.eof {
            return Poll::Ready(Ok(false));
        }
        let n = ready!(self.stream.poll_read_bytes(cx, self.buf.spare()))?;
        self.buf.filled(n);
        self.eof = n == 0;
        Poll::Ready(Ok(n > 0))
    }

    async fn fill(&mut self) -> io::Result<bool> {
        std::future::poll_fn(|cx| self.poll_fill(cx)).await
    }

    /// Up to `n` bytes: what is buffered, or else what one read brings. Empty
    /// at end of stream, and at once when `n` is 0. Cancel-safe.
    ///
    /// ```
    /// aio::run(async {
    ///     let (left, right) = aio::net::UnixStream::pair().unwrap();
    ///     let (mut reader, _) = left.into_streams();
    ///     right.write_all(b"hello").await.unwrap();
    ///     assert_eq!(reader.read(3).await.unwrap(), b"hel");
    ///     assert_eq!(reader.read(100).await.unwrap(), b"lo");
    /// });
    /// ```
    pub async fn read(&mut self, n: usize) -> io::Result<Vec<u8>> {
        if n > 0 && self.buf.is_empty() {
            self.fill().await?;
        }
        Ok(self.buf.take(n))
    }

    /// Reads what is available (at least one byte, waiting for it) into the
    /// caller's `buf`, without allocating; returns how much, `Ok(0)` at end
    /// of stream. Cancel-safe.
    ///
    /// ```
    /// aio::run(async {
    ///     let (left, right) = aio::net::UnixStream::pair().unwrap();
    ///     let (mut reader, _) = left.into_streams();
    ///     right.write_all(b"bytes").await.unwrap();
    ///     let mut buf = [0; 16];
    ///     let n = reader.read_into(&mut buf).await.unwrap();
    ///     assert_eq!(&buf[..n], b"bytes");
    /// });
    /// ```
    pub async fn read_into(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.poll_read_into(cx, buf)).await
    }

    fn poll_read_into(&mut self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        if self.buf.is_empty() && !self.eof && buf.len() >= DIRECT_READ {
            let n = ready!(self.stream.poll_read_bytes(cx, buf))?;
            self.eof = n == 0;
            return Poll::Ready(Ok(n));
        }
        if self.buf.is_empty() {
            ready!(self.poll_fill(cx))?;
        }
        Poll::Ready(Ok(self.buf.copy_to(buf)))
    }

    /// Everything until the end of the stream (asyncio's `read(-1)`).
    /// Cancel-safe: what was read so far stays buffered.
    ///
    /// ```
    /// aio::run(async {
    ///     let (left, right) = aio::net::UnixStream::pair().unwrap();
    ///     let (mut reader, _) = left.into_streams();
    ///     right.write_all(b"all of it").await.unwrap();
    ///     drop(right);
    ///     assert_eq!(reader.read_to_end().await.unwrap(), b"all of it");
    /// });
    /// ```
    pub async fn read_to_end(&mut self) -> io::Result<Vec<u8>> {
        while self.fill().await? {}
        Ok(self.buf.take(usize::MAX))
    }

    /// Exactly `n` bytes; [`StreamError::Incomplete`] if the stream ends
    /// first. Cancel-safe: what arrived stays buffered.
    ///
    /// ```
    /// aio::run(async {
    ///     let (left, right) = aio::net::UnixStream::pair().unwrap();
    ///     let (mut reader, _) = left.into_streams();
    ///     right.write_all(b"\x00\x03abc").await.unwrap();
    ///     let len = reader.readexactly(2).await.unwrap();
    ///     let body = reader.readexactly(len[1] as usize).await.unwrap();
    ///     assert_eq!(body, b"abc");
    /// });
    /// ```
    pub async fn readexactly(&mut self, n: usize) -> Result<Vec<u8>, StreamError> {
        while self.buf.len() < n {
            if !self.fill().await? {
                return Err(StreamError::Incomplete {
                    partial: self.buf.take(usize::MAX),
                    expected: Some(n),
                });
            }
        }
        Ok(self.buf.take(n))
    }

    /// Everything up to and including `separator`.
    /// [`StreamError::Incomplete`] if the stream ends first;
    /// [`StreamError::LimitOverrun`] if more than the limit comes before the
    /// separator, and then the data stays buffered (asyncio's behaviour).
    /// Cancel-safe. Panics if `separator` is empty.
    ///
    /// ```
    /// aio::run(async {
    ///     let (left, right) = aio::net::UnixStream::pair().unwrap();
    ///     let (mut reader, _) = left.into_streams();
    ///     right.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    ///     assert_eq!(reader.readuntil(b"\r\n").await.unwrap(), b"GET / HTTP/1.1\r\n");
    ///     assert!(!reader.at_eof());
    /// });
    /// ```
    pub async fn readuntil(&mut self, separator: &[u8]) -> Result<Vec<u8>, StreamError> {
        assert!(
            !separator.is_empty(),
            "StreamReader::readuntil needs a non-empty separator"
        );
        // Where the separator cannot start any more: no need to search again.
        let mut searched: usize = 0;
        loop {
            let data = self.buf.as_slice();
            if let Some(at) = data[searched..]
                .windows(separator.len())
                .position(|w| w == separator)
            {
                let at = searched + at;
                if at > self.limit {
                    return Err(StreamError::LimitOverrun { consumed: at });
                }
                return Ok(self.buf.take(at + separator.len()));
            }
            searched = (data.len() + 1).saturating_sub(separator.len());
            if searched > self.limit {
                return Err(StreamError::LimitOverrun { consumed: searched });
            }
            if !self.fill().await? {
                return Err(StreamError::Incomplete {
                    partial: self.buf.take(usize::MAX),
                    expected: None,
                });
            }
        }
    }

    /// One line, ending in `\n`; at end of stream, whatever is left (empty
    /// when nothing is), as asyncio's `readline`. A line longer than the
    /// limit is an error, and is discarded (up to and including its `\n` if
    /// that arrived, else everything buffered), so the next call reads on.
    /// Cancel-safe.
    ///
    /// ```
    /// aio::run(async {
    ///     let (left, right) = aio::net::UnixStream::pair().unwrap();
    ///     let (mut reader, _) = left.into_streams();
    ///     right.write_all(b"a line\n").await.unwrap();
    ///     assert_eq!(reader.readline().await.unwrap(), b"a line\n");
    /// });
    /// ```
    pub async fn readline(&mut self) -> Result<Vec<u8>, StreamError> {
        match self.readuntil(b"\n").await {
            Err(StreamError::Incomplete { partial, .. }) => Ok(partial),
            Err(StreamError::LimitOverrun { consumed }) => {
                if self.buf.as_slice().get(consumed) == Some(&b'\n') {
                    self.buf.consume(consumed + 1);
                } else {
                    self.buf.consume(usize::MAX);
                }
                Err(StreamError::LimitOverrun { consumed })
            }
            other => other,
        }
    }

    /// True once the stream ended and the buffer is empty.
    ///
    /// ```
    /// aio::run(async {
    ///     let (a, b) = aio::net::UnixStream::pair().unwrap();
    ///     let (mut reader, _) = b.into_streams();
    ///     a.write_all(b"last line\n").await.unwrap();
    ///     drop(a);
    ///     assert!(!reader.at_eof()); // nothing read yet
    ///     assert_eq!(reader.readline().await.unwrap(), b"last line\n");
    ///     assert_eq!(reader.readline().await.unwrap(), b""); // finds the end
    ///     assert!(reader.at_eof());
    /// });
    /// ```
    pub fn at_eof(&self) -> bool {
        self.eof && self.buf.is_empty()
    }
}

impl futures_io::AsyncRead for StreamReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut().poll_read_into(cx, buf)
    }
}

impl futures_io::AsyncBufRead for StreamReader {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.buf.is_empty() {
            ready!(this.poll_fill(cx))?;
        }
        Poll::Ready(Ok(this.buf.as_slice()))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_mut().buf.consume(amt);
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
