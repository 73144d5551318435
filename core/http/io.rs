//! [`Io`]: any stream with the `futures` I/O traits (aio's TCP and Unix
//! streams, a TLS stream over them) as hyper's `rt::Read` and `rt::Write`.

use futures_io::{AsyncRead, AsyncWrite};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// A byte stream as hyper's I/O: wraps anything with the `futures` I/O
/// traits, such as [`TcpStream`](crate::net::TcpStream),
/// [`UnixStream`](crate::net::UnixStream) or a TLS stream built over one, so
/// that hyper's connection builders can drive it on the loop.
///
/// ```
/// use aio::http::{Bytes, Empty, Io, Request};
///
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     aio::task_group!(|tg| {
///         tg.create_task(async {
///             // A server that answers one request by hand.
///             let (stream, _) = listener.accept().await?;
///             let mut request = [0; 4];
///             stream.read_exact(&mut request).await?;
///             stream.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await
///         });
///         // hyper's own client over an aio stream.
///         let stream = aio::net::TcpStream::connect(addr).await.unwrap();
///         let (mut send, conn) = hyper::client::conn::http1::handshake(Io::new(stream))
///             .await
///             .unwrap();
///         let request = Request::get("/").header("host", "x").body(Empty::<Bytes>::new());
///         let response = aio::select_first! {
///             r = send.send_request(request.unwrap()) => r.unwrap(),
///             _ = conn => panic!("the connection ended first"),
///         };
///         assert_eq!(response.status(), 204);
///     })
///     .unwrap();
/// });
/// ```
#[derive(Debug)]
pub struct Io<S> {
    stream: S,
}

impl<S> Io<S> {
    /// Wraps `stream`.
    pub fn new(stream: S) -> Self {
        Io { stream }
    }

    /// The stream inside.
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The stream inside, by value.
    pub fn into_inner(self) -> S {
        self.stream
    }
}

impl<S: AsyncRead + Unpin> hyper::rt::Read for Io<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        // `futures` readers take initialised bytes: zero what hyper left
        // uninitialised (only the first time a buffer is used).
        let unfilled = buf.initialize_unfilled();
        let room = unfilled.len();
        let n = ready!(Pin::new(&mut self.stream).poll_read(cx, unfilled))?;
        if n > room {
            return Poll::Ready(Err(io::Error::other(
                "the stream reported reading more bytes than it was given room for",
            )));
        }
        // SAFETY: `initialize_unfilled` initialised every unfilled byte and
        // `n` is within them (checked above), so `n` more bytes are
        // initialised, which is all `advance` requires.
        unsafe { buf.advance(n) };
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> hyper::rt::Write for Io<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_close(cx)
    }
}
