//! [`Listener`]: what [`serve`](super::serve) accepts connections from.

use futures_io::{AsyncRead, AsyncWrite};
use std::future::Future;
use std::io;

/// A source of connections for [`serve`](super::serve): aio's TCP and Unix
/// listeners, or your own (a TLS acceptor wrapping one of them, say).
///
/// ```
/// use aio::http::Listener;
///
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let client = aio::create_task(aio::net::TcpStream::connect(addr));
///     let stream = Listener::accept(&listener).await.unwrap();
///     assert_eq!(stream.peer_addr().unwrap(), client.await.unwrap().unwrap().local_addr().unwrap());
/// });
/// ```
pub trait Listener {
    /// A connection.
    type Stream: AsyncRead + AsyncWrite + Unpin;

    /// Waits for the next connection.
    ///
    /// ```
    /// use aio::http::{respond, serve, Client, Listener, StatusCode};
    /// use aio::net::{TcpListener, TcpStream};
    /// use std::cell::Cell;
    ///
    /// /// A listener that counts the connections it accepted.
    /// struct Counting(TcpListener, Cell<usize>);
    ///
    /// impl Listener for Counting {
    ///     type Stream = TcpStream;
    ///     async fn accept(&self) -> std::io::Result<TcpStream> {
    ///         let (stream, _) = self.0.accept().await?;
    ///         self.1.set(self.1.get() + 1);
    ///         Ok(stream)
    ///     }
    /// }
    ///
    /// aio::run(async {
    ///     let listener = Counting(TcpListener::bind("127.0.0.1:0").await.unwrap(), Cell::new(0));
    ///     let url = format!("http://{}/", listener.0.local_addr().unwrap());
    ///     aio::task_group!(|tg| {
    ///         let server = tg.create_task(serve(&listener, |_| async { respond(StatusCode::OK, "hi") }));
    ///         let client = Client::new();
    ///         client.get(&url).await.unwrap();
    ///         client.get(&url).await.unwrap();
    ///         server.cancel();
    ///     })
    ///     .unwrap();
    ///     assert_eq!(listener.1.get(), 1); // the client kept its connection
    /// });
    /// ```
    fn accept(&self) -> impl Future<Output = io::Result<Self::Stream>>;
}

impl Listener for crate::net::TcpListener {
    type Stream = crate::net::TcpStream;

    async fn accept(&self) -> io::Result<Self::Stream> {
        let (stream, _) = crate::net::TcpListener::accept(self).await?;
        Ok(stream)
    }
}

#[cfg(unix)]
impl Listener for crate::net::UnixListener {
    type Stream = crate::net::UnixStream;

    async fn accept(&self) -> io::Result<Self::Stream> {
        let (stream, _) = crate::net::UnixListener::accept(self).await?;
        Ok(stream)
    }
}

impl<L: Listener> Listener for &L {
    type Stream = L::Stream;

    fn accept(&self) -> impl Future<Output = io::Result<Self::Stream>> {
        (**self).accept()
    }
}
