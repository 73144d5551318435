//! UDP: [`UdpSocket`], asyncio's `loop.create_datagram_endpoint`.

use crate::net::ToSocketAddrs;
use crate::net::resolve::resolve;
use crate::net::std_conversions::std_conversions;
use crate::runtime::Direction;
use crate::runtime::IoSource;
use std::fmt;
use std::io;
use std::net::SocketAddr;

/// A UDP socket: datagrams in and out.
///
/// ```
/// aio::run(async {
///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
///     a.send_to(b"hello", b.local_addr().unwrap()).await.unwrap();
///     let mut buf = [0; 16];
///     let (n, from) = b.recv_from(&mut buf).await.unwrap();
///     assert_eq!((&buf[..n], from), (&b"hello"[..], a.local_addr().unwrap()));
/// });
/// ```
pub struct UdpSocket {
    source: IoSource<std::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds to `addr`; port 0 picks a free port. Cancel-safe.
    ///
    /// ```
    /// aio::run(async {
    ///     let socket = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert_ne!(socket.local_addr().unwrap().port(), 0);
    /// });
    /// ```
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        let addrs = resolve(addr).await?;
        UdpSocket::from_std(std::net::UdpSocket::bind(&addrs[..])?)
    }

    /// Sends one datagram to `target`; returns the bytes sent. Cancel-safe:
    /// cut short, it sent nothing.
    ///
    /// ```
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let n = a.send_to(b"ping", b.local_addr().unwrap()).await.unwrap();
    ///     assert_eq!(n, 4);
    ///     let mut buf = [0; 8];
    ///     assert_eq!(b.recv_from(&mut buf).await.unwrap().0, 4);
    /// });
    /// ```
    pub async fn send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        std::future::poll_fn(|cx| {
            self.source
                .poll_io(cx, Direction::Write, |s| s.send_to(buf, target))
        })
        .await
    }

    /// Waits for one datagram; returns its length and sender. A datagram
    /// longer than `buf` is cut to fit. Cancel-safe: cut short, it took no
    /// datagram.
    ///
    /// ```
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.send_to(b"hello", b.local_addr().unwrap()).await.unwrap();
    ///     let mut small = [0; 4];
    ///     let (n, from) = b.recv_from(&mut small).await.unwrap();
    ///     assert_eq!((&small[..n], from), (&b"hell"[..], a.local_addr().unwrap()));
    /// });
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        std::future::poll_fn(|cx| {
            self.source
                .poll_io(cx, Direction::Read, |s| s.recv_from(buf))
        })
        .await
    }

    /// Sets the only peer: [`send`](Self::send) goes there and
    /// [`recv`](Self::recv) takes datagrams only from there.
    ///
    /// ```
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(b.local_addr().unwrap()).unwrap();
    ///     assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    ///     a.send(b"to b").await.unwrap();
    ///     let mut buf = [0; 8];
    ///     assert_eq!(b.recv_from(&mut buf).await.unwrap().0, 4);
    /// });
    /// ```
    pub fn connect(&self, peer: SocketAddr) -> io::Result<()> {
        self.source.get_ref().connect(peer)
    }

    /// Sends one datagram to the connected peer. Cancel-safe, as
    /// [`send_to`](Self::send_to).
    ///
    /// ```
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(b.local_addr().unwrap()).unwrap();
    ///     b.connect(a.local_addr().unwrap()).unwrap();
    ///     assert_eq!(a.send(b"ping").await.unwrap(), 4);
    ///     let mut buf = [0; 8];
    ///     assert_eq!(b.recv(&mut buf).await.unwrap(), 4);
    /// });
    /// ```
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.source.poll_io(cx, Direction::Write, |s| s.send(buf))).await
    }

    /// Waits for one datagram from the connected peer. Cancel-safe, as
    /// [`recv_from`](Self::recv_from).
    ///
    /// ```
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     a.connect(b.local_addr().unwrap()).unwrap();
    ///     b.connect(a.local_addr().unwrap()).unwrap();
    ///     b.send(b"pong").await.unwrap();
    ///     let mut buf = [0; 8];
    ///     let n = a.recv(&mut buf).await.unwrap();
    ///     assert_eq!(&buf[..n], b"pong");
    /// });
    /// ```
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.source.poll_io(cx, Direction::Read, |s| s.recv(buf))).await
    }

    /// The address the socket is bound to.
    ///
    /// ```
    /// aio::run(async {
    ///     let socket = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = socket.local_addr().unwrap();
    ///     assert!(addr.ip().is_loopback());
    ///     assert_ne!(addr.port(), 0); // the port the system picked
    /// });
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.source.get_ref().local_addr()
    }

    /// The connected peer's address; a `NotConnected` error before
    /// [`connect`](Self::connect).
    ///
    /// ```
    /// aio::run(async {
    ///     let a = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     let b = aio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    ///     assert!(a.peer_addr().is_err());
    ///     a.connect(b.local_addr().unwrap()).unwrap();
    ///     assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());
    /// });
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.source.get_ref().peer_addr()
    }
}

std_conversions!(
    UdpSocket,
    std::net::UdpSocket,
    "    let socket = std::net::UdpSocket::bind(\"127.0.0.1:0\").unwrap();"
);

impl fmt::Debug for UdpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UdpSocket")
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}
