//! TCP: [`TcpListener`] (asyncio's `loop.create_server`) and [`TcpStream`]
//! (`loop.create_connection`).

use crate::net::ToSocketAddrs;
use crate::net::byte_stream::byte_stream_api;
use crate::net::nonblocking;
use crate::net::resolve::resolve;
use crate::net::std_conversions::std_conversions;
use crate::runtime::Direction;
use crate::runtime::IoSource;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::task::Poll;

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
    /// loop's thread pool; with several addresses, the first that binds wins.
    /// Cancel-safe.
    ///
    /// ```
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    ///     let addr = listener.local_addr().unwrap();
    ///     assert!(addr.ip().is_loopback());
    ///     assert_ne!(addr.port(), 0);
    /// });
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        let addrs = resolve(addr).await?;
        TcpListener::from_std(std::net::TcpListener::bind(&addrs[..])?)
    }

    /// Binds to `addr` with `SO_REUSEPORT` (Unix), so that several listeners,
    /// one per loop of [`run_per_core`](crate::run_per_core), accept on the
    /// same port and the kernel spreads the connections among them. Every
    /// listener of the port must be bound this way (by the same user).
    /// Cancel-safe.
    ///
    /// ```
    /// aio::run(async {
    ///     let a = aio::net::TcpListener::bind_reuseport("127.0.0.1:0").await.unwrap();
    ///     let addr = a.local_addr().unwrap();
    ///     let b = aio::net::TcpListener::bind_reuseport(addr).await.unwrap();
    ///     assert_eq!(b.local_addr().unwrap(), addr);
    /// });
    /// ```
    #[cfg(unix)]
    pub async fn bind_reuseport(addr: impl ToSocketAddrs) -> io::Result<TcpListener> {
        let mut last = None;
        for addr in resolve(addr).await? {
            match nonblocking::reuseport_listener(addr) {
                Ok(listener) => return TcpListener::from_std(listener),
                Err(e) => last = Some(io::Error::new(e.kind(), format!("{addr}: {e}"))),
            }
        }
        Err(last.unwrap_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "no address to bind to")
        }))
    }

    /// Waits for the next connection; returns it and the peer's address.
    /// Cancel-safe: cut short, it accepted nothing.
    ///
    /// ```
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let client = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (stream, peer) = listener.accept().await.unwrap();
    ///     assert_eq!(peer, client.local_addr().unwrap());
    ///     assert_eq!(stream.peer_addr().unwrap(), peer);
    /// });
    /// ```
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (stream, peer) = std::future::poll_fn(|cx| {
            self.source
                .poll_io(cx, Direction::Read, nonblocking::accept)
        })
        .await?;
        let source = IoSource::new(stream)?;
        Ok((
            TcpStream {
                source,
                ahead: Default::default(),
            },
            peer,
        ))
    }

    /// The address the listener is bound to (the real port, when bound to 0).
    ///
    /// ```
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = listener.local_addr().unwrap();
    ///     assert_ne!(addr.port(), 0);
    ///     aio::net::TcpStream::connect(addr).await.unwrap();
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.source.get_ref().local_addr()
    }
}

std_conversions!(
    TcpListener,
    std::net::TcpListener,
    "    let socket = std::net::TcpListener::bind(\"127.0.0.1:0\").unwrap();"
);

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
///
/// ```
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     let echo = aio::create_task(async move {
///         let (stream, _) = listener.accept().await.unwrap();
///         let mut buf = [0; 64];
///         let n = stream.read(&mut buf).await.unwrap();
///         stream.write_all(&buf[..n]).await.unwrap();
///     });
///     let stream = aio::net::TcpStream::connect(addr).await.unwrap();
///     stream.write_all(b"echo?").await.unwrap();
///     let mut buf = [0; 5];
///     stream.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"echo?");
///     echo.await.unwrap();
/// });
/// ```
pub struct TcpStream {
    source: IoSource<std::net::TcpStream>,
    ahead: crate::net::read_ahead::ReadAhead,
}

impl TcpStream {
    /// Connects to `addr`, trying each address it names in turn until one
    /// accepts (a name is looked up on the loop's thread pool; an address
    /// is connected to without leaving the loop). If none does, the error is
    /// the last one, naming its address. Cancel-safe: cancelling abandons
    /// the attempt and closes its socket.
    ///
    /// ```
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let port = listener.local_addr().unwrap().port();
    ///     let stream = aio::net::TcpStream::connect(("localhost", port)).await.unwrap();
    ///     assert_eq!(stream.peer_addr().unwrap().port(), port);
    /// });
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let mut last = None;
        for addr in resolve(addr).await? {
            match TcpStream::connect_one(addr).await {
                Ok(stream) => return Ok(stream),
                Err(e) => {
                    last = Some(io::Error::new(
                        e.kind(),
                        format!("could not connect to {addr}: {e}"),
                    ))
                }
            }
        }
        Err(last.expect("resolve gives at least one address"))
    }

    /// A non-blocking connect: started at once, finished when the socket
    /// becomes writable.
    async fn connect_one(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = nonblocking::tcp_socket(addr)?;
        let in_progress = match socket.connect(&addr.into()) {
            Ok(()) => false,
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => true,
            Err(e) => return Err(e),
        };
        let stream = TcpStream {
            ahead: Default::default(),
            source: IoSource::new(std::net::TcpStream::from(socket))?,
        };
        // The connect goes on while the loop's other ready tasks take a turn
        // (on loopback, the acceptor); one that finished by then needs no
        // round trip through the poller, which costs several system calls.
        let mut yielded = !in_progress;
        std::future::poll_fn(|cx| {
            if !std::mem::replace(&mut yielded, true) {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            stream.source.poll_io(cx, Direction::Write, connected)
        })
        .await?;
        Ok(stream)
    }

    /// Turns Nagle's algorithm off (`true`) or on.
    ///
    /// ```
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let stream = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     stream.set_nodelay(true).unwrap();
    /// });
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.source.get_ref().set_nodelay(nodelay)
    }
}

/// Whether a connect in progress finished: its error if it failed, "would
/// block" while it goes on (the task may be polled before the poller
/// reported the socket).
fn connected(stream: &std::net::TcpStream) -> io::Result<()> {
    match stream.peer_addr() {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotConnected => match stream.take_error()? {
            Some(e) => Err(e),
            None => Err(io::ErrorKind::WouldBlock.into()),
        },
        Err(e) => Err(e),
    }
}

byte_stream_api!(
    TcpStream,
    std::net::TcpStream,
    SocketAddr,
    "    let listener = aio::net::TcpListener::bind(\"127.0.0.1:0\").await.unwrap();
    let a = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    let (b, _) = listener.accept().await.unwrap();",
    "    assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    assert_eq!(b.peer_addr().unwrap(), a.local_addr().unwrap());",
    "    let listener = std::net::TcpListener::bind(\"127.0.0.1:0\").unwrap();
    let socket = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();"
);

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpStream")
            .field("local_addr", &self.local_addr().ok())
            .field("peer_addr", &self.peer_addr().ok())
            .finish()
    }
}
