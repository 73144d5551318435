//! TCP: [`TcpListener`] (asyncio's `loop.create_server`) and [`TcpStream`]
//! (`loop.create_connection`).

use crate::net::byte_stream::byte_stream_api;
use crate::net::resolve::resolve;
use crate::net::std_conversions::std_conversions;
use crate::runtime::Direction;
use crate::runtime::IoSource;
use crate::threads::to_thread;
use std::fmt;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

/// A TCP socket listening for connections.
///
/// ```
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let client = aio::create_task(async move {
///         let stream = aio::net::TcpStream::connect(addr).await.unwrap();
///         stream.write_all(b"ping").await.unwrap();
///     });
///     let (stream, _peer) = listener.accept().await.unwrap();
///     let mut buf = [0; 4];
///     stream.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"ping");
///     client.await.unwrap();
/// });
/// ```
pub struct TcpListener {
    source: IoSource<std::net::TcpListener>,
}

impl TcpListener {
    /// Binds to `addr` (`"127.0.0.1:8080"`, `("localhost", 0)`, a
    /// `SocketAddr`...); port 0 picks a free port. A name is looked up on the
    /// loop's thread pool.
    pub async fn bind(addr: impl ToSocketAddrs + Send + 'static) -> io::Result<TcpListener> {
        let addrs = resolve(addr).await?;
        TcpListener::from_std(std::net::TcpListener::bind(&addrs[..])?)
    }

    /// Waits for the next connection; returns it and the peer's address.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) =
            std::future::poll_fn(|cx| self.source.poll_io(cx, Direction::Read, |l| l.accept()))
                .await?;
        Ok((TcpStream::from_std(stream)?, peer))
    }

    /// The address the listener is bound to (the real port, when bound to 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.source.get_ref().local_addr()
    }
}

std_conversions!(TcpListener, std::net::TcpListener);

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpListener")
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}

/// A TCP connection.
///
/// Read and write it with its `async fn`s (`read`, `read_exact`, `write`,
/// `write_all`), or through the `futures` I/O traits (`AsyncRead`,
/// `AsyncWrite`), which `&TcpStream` implements too, so one task can read
/// while another writes. [`open_connection`](crate::net::open_connection)
/// wraps it in asyncio's reader and writer.
pub struct TcpStream {
    source: IoSource<std::net::TcpStream>,
}

impl TcpStream {
    /// Connects to `addr`. The connect (and any name lookup) runs on the
    /// loop's thread pool; cancelling the await abandons the attempt.
    pub async fn connect(addr: impl ToSocketAddrs + Send + 'static) -> io::Result<TcpStream> {
        let stream = to_thread(move || std::net::TcpStream::connect(addr))
            .await
            .map_err(|e| io::Error::other(format!("connect failed: {e}")))??;
        TcpStream::from_std(stream)
    }

    /// Turns Nagle's algorithm off (`true`) or on.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.source.get_ref().set_nodelay(nodelay)
    }
}

byte_stream_api!(TcpStream, std::net::TcpStream, SocketAddr);

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .finish()
    }
}
