//! [`Io`]: any stream with the `futures` I/O traits (aio's TCP and Unix
//! streams, a TLS stream over them) as hyper's `rt::Read` and `rt::Write`.

use futures_io::{AsyncRead, AsyncWrite};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

/// A byte stream as hyper's I/O: wraps anything with the `futures` I/O
/// traits, such as [`TcpStream`](crate::net::TcpStream),
/// [`UnixStream`](crate::net::UnixStream) or a TLS stream built over one, so
/// that hyper's connection builders can drive it on the loop.
///
/// ```
/// use aio::http::hyper::client::conn::http1;
/// use aio::http::{respond, serve, Bytes, Empty, Io, Request, StatusCode};
///
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     aio::task_group!(|tg| {
///         let server = tg.create_task(serve(listener, |_| async { respond(StatusCode::OK, "hi") }));
///         // hyper's own client over an aio stream; its connection is a child.
///         let stream = aio::net::TcpStream::connect(addr).await?;
///         let (mut send, connection) = http1::handshake(Io::new(stream)).await?;
///         tg.create_task(connection);
///         let request = Request::get("/").header("host", "example").body(Empty::<Bytes>::new())?;
///         let response = send.send_request(request).await?;
///         assert_eq!(response.status(), 200);
///         drop(send); // the connection ends once nothing can send on it
///         server.cancel();
///         Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
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
    ///
    /// ```
    /// use aio::http::hyper::server::conn::http1;
    /// use aio::http::hyper::service::service_fn;
    /// use aio::http::{respond, Client, Io, StatusCode};
    ///
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let url = format!("http://{}/", listener.local_addr().unwrap());
    ///     let server = aio::create_task(async move {
    ///         // One connection served by hyper's own server builder.
    ///         let (stream, _) = listener.accept().await.unwrap();
    ///         let service = service_fn(|_| async { Ok::<_, std::convert::Infallible>(respond(StatusCode::OK, "hi")) });
    ///         http1::Builder::new().serve_connection(Io::new(stream), service).await
    ///     });
    ///     assert_eq!(Client::new().get(&url).await.unwrap().body(), "hi");
    ///     server.await.unwrap().unwrap(); // the client closed the connection
    /// });
    /// ```
    pub fn new(stream: S) -> Self {
        Io { stream }
    }

    /// The stream inside.
    ///
    /// ```
    /// aio::run(async {
    ///     let (a, _b) = aio::net::UnixStream::pair().unwrap();
    ///     let io = aio::http::Io::new(a);
    ///     assert!(io.get_ref().peer_addr().unwrap().as_pathname().is_none());
    /// });
    /// ```
    pub fn get_ref(&self) -> &S {
        &self.stream
    }

    /// The stream inside, by value.
    ///
    /// ```
    /// aio::run(async {
    ///     let (a, b) = aio::net::UnixStream::pair().unwrap();
    ///     let a = aio::http::Io::new(a).into_inner();
    ///     a.write_all(b"raw").await.unwrap(); // used without hyper again
    ///     let mut buf = [0; 3];
    ///     b.read_exact(&mut buf).await.unwrap();
    ///     assert_eq!(&buf, b"raw");
    /// });
    /// ```
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
