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
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<UdpSocket> {
        let addrs = resolve(addr).await?;
        UdpSocket::from_std(std::net::UdpSocket::bind(&addrs[..])?)
    }

    /// Sends one datagram to `target`; returns the bytes sent. Cancel-safe:
    /// cut short, it sent nothing.
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
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        std::future::poll_fn(|cx| {
            self.source
                .poll_io(cx, Direction::Read, |s| s.recv_from(buf))
        })
        .await
    }

    /// Sets the only peer: [`send`](Self::send) goes there and
    /// [`recv`](Self::recv) takes datagrams only from there.
    pub fn connect(&self, peer: SocketAddr) -> io::Result<()> {
        self.source.get_ref().connect(peer)
    }

    /// Sends one datagram to the connected peer. Cancel-safe, as
    /// [`send_to`](Self::send_to).
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.source.poll_io(cx, Direction::Write, |s| s.send(buf))).await
    }

    /// Waits for one datagram from the connected peer. Cancel-safe, as
    /// [`recv_from`](Self::recv_from).
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        std::future::poll_fn(|cx| self.source.poll_io(cx, Direction::Read, |s| s.recv(buf))).await
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.source.get_ref().local_addr()
    }

    /// The connected peer's address.
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
