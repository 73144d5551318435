//! asyncio's `StreamWriter`: `write` buffers, `drain` sends; and the `futures`
//! write trait.

use crate::net::byte_stream::ByteStream;
use std::fmt;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

/// The writing side of a connection from
/// [`open_connection`](crate::net::open_connection) or a
/// [`start_server`](crate::net::start_server) handler.
///
/// As in asyncio, [`write`](Self::write) only buffers and
/// [`drain`](Self::drain) waits until the socket took everything. The writer
/// keeps count of what the socket took, so [`drain`](Self::drain) and
/// [`close`](Self::close) are cancel-safe: cut short (by a timeout, say) and
/// called again, they send the rest, never a byte twice. It also implements
/// the `futures` trait `AsyncWrite` (a write there goes out at once, after
/// whatever was buffered).
///
/// ```
/// use futures::io::AsyncWriteExt;
///
/// aio::run(async {
///     let (left, right) = aio::net::UnixStream::pair().unwrap();
///     let (_, mut writer) = left.into_streams();
///     writer.write(b"buffered, ");
///     AsyncWriteExt::write_all(&mut writer, b"then written").await.unwrap();
///     let mut buf = [0; 22];
///     right.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"buffered, then written");
/// });
/// ```
pub struct StreamWriter {
    stream: Rc<dyn ByteStream>,
    pending: Vec<u8>,
    /// How much of `pending` the socket already took.
    sent: usize,
    closed: bool,
}

impl StreamWriter {
    /// A writer over `stream`.
    pub(crate) fn new(stream: Rc<dyn ByteStream>) -> StreamWriter {
        StreamWriter {
            stream,
            pending: Vec::new(),
            sent: 0,
            closed: false,
        }
    }

    /// Buffers `data` to be sent by the next [`drain`](Self::drain).
    ///
    /// ```
    /// aio::run(async {
    ///     let (left, right) = aio::net::UnixStream::pair().unwrap();
    ///     let (_, mut writer) = left.into_streams();
    ///     writer.write(b"two ");
    ///     writer.write(b"parts");
    ///     writer.drain().await.unwrap();
    ///     writer.write_eof().unwrap();
    ///     let (mut reader, _) = right.into_streams();
    ///     assert_eq!(reader.read_to_end().await.unwrap(), b"two parts");
    /// });
    /// ```
    pub fn write(&mut self, data: &[u8]) {
        self.pending.extend_from_slice(data);
    }

    /// How many bytes are buffered and not yet taken by the socket (asyncio's
    /// `transport.get_write_buffer_size()`).
    ///
    /// ```
    /// aio::run(async {
    ///     let (left, _right) = aio::net::UnixStream::pair().unwrap();
    ///     let (_, mut writer) = left.into_streams();
    ///     writer.write(b"four");
    ///     assert_eq!(writer.buffered(), 4);
    ///     writer.drain().await.unwrap();
    ///     assert_eq!(writer.buffered(), 0);
    /// });
    /// ```
    pub fn buffered(&self) -> usize {
        self.pending.len() - self.sent
    }

    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.pending.len() {
            if self.closed {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::NotConnected,
                    "StreamWriter: the writer was closed; nothing more can be sent",
                )));
            }
            let n = ready!(self.stream.poll_write_bytes(cx, &self.pending[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.pending.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }

    /// Sends everything buffered, waiting while the socket is full.
    /// Cancel-safe: what the socket took is not sent again by the next call.
    ///
    /// ```
    /// aio::run(async {
    ///     let (a, b) = aio::net::UnixStream::pair().unwrap();
    ///     let (_, mut writer) = a.into_streams();
    ///     writer.write(b"one ");
    ///     writer.write(b"two");
    ///     assert_eq!(writer.buffered(), 7); // nothing sent yet
    ///     writer.drain().await.unwrap();
    ///     assert_eq!(writer.buffered(), 0);
    ///     let mut buf = [0; 7];
    ///     b.read_exact(&mut buf).await.unwrap();
    ///     assert_eq!(&buf, b"one two");
    /// });
    /// ```
    pub async fn drain(&mut self) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_drain(cx)).await
    }

    /// Ends the writing half: the peer reads end-of-file, and can still
    /// answer (asyncio's `write_eof`). Send what is buffered first.
    ///
    /// ```
    /// aio::run(async {
    ///     let (a, b) = aio::net::UnixStream::pair().unwrap();
    ///     let (mut reader, mut writer) = a.into_streams();
    ///     let (mut peer_reader, mut peer_writer) = b.into_streams();
    ///     writer.write(b"request");
    ///     writer.drain().await.unwrap();
    ///     writer.write_eof().unwrap();
    ///     // The peer reads to the end, then answers on the other half.
    ///     assert_eq!(peer_reader.read_to_end().await.unwrap(), b"request");
    ///     peer_writer.write(b"answer");
    ///     peer_writer.close().await.unwrap();
    ///     assert_eq!(reader.read_to_end().await.unwrap(), b"answer");
    /// });
    /// ```
    pub fn write_eof(&self) -> io::Result<()> {
        self.stream.shutdown(Shutdown::Write)
    }

    /// Sends what is buffered, then closes the connection both ways (asyncio's
    /// `close()` followed by `await wait_closed()`). Cancel-safe, and a second
    /// call does nothing.
    ///
    /// ```
    /// aio::run(async {
    ///     let (left, right) = aio::net::UnixStream::pair().unwrap();
    ///     let (_, mut writer) = left.into_streams();
    ///     writer.write(b"bye");
    ///     writer.close().await.unwrap();
    ///     writer.close().await.unwrap();
    ///     let (mut reader, _) = right.into_streams();
    ///     assert_eq!(reader.read_to_end().await.unwrap(), b"bye");
    /// });
    /// ```
    pub async fn close(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        self.drain().await?;
        self.closed = true;
        match self.stream.shutdown(Shutdown::Both) {
            // The peer closed first: the connection is closed either way.
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
            done => done,
        }
    }

    /// The peer's address (asyncio's `get_extra_info("peername")`); an
    /// `Unsupported` error for a stream that has no IP address (a Unix socket).
    ///
    /// ```
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = listener.local_addr().unwrap();
    ///     let (_, writer) = aio::net::open_connection(addr).await.unwrap();
    ///     assert_eq!(writer.peer_addr().unwrap(), addr);
    ///     assert!(writer.local_addr().unwrap().ip().is_loopback());
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.stream.peer_addr()
    }

    /// This end's address (asyncio's `get_extra_info("sockname")`), as
    /// [`peer_addr`](Self::peer_addr).
    ///
    /// ```
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let (_, writer) = aio::net::open_connection(listener.local_addr().unwrap()).await.unwrap();
    ///     let (accepted, peer) = listener.accept().await.unwrap();
    ///     assert_eq!(writer.local_addr().unwrap(), peer);
    ///     assert_eq!(accepted.peer_addr().unwrap(), peer);
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.stream.local_addr()
    }
}

impl futures_io::AsyncWrite for StreamWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        this.stream.poll_write_bytes(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().poll_drain(cx)
    }

    /// Sends what is buffered and ends the writing half (as `write_eof`):
    /// the reading half stays open.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Poll::Ready(this.write_eof())
    }
}

impl fmt::Debug for StreamWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamWriter")
            .field("peer", &self.peer_addr().ok())
            .field("buffered", &self.buffered())
            .finish()
    }
}
