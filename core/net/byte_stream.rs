//! What TCP and Unix streams share: reading and writing bytes through the
//! loop, as inherent `async fn`s and as the `futures` I/O traits.

use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

/// A connected byte stream (a socket, a pipe), read and written through the
/// loop: what [`StreamReader`](crate::net::StreamReader) and
/// [`StreamWriter`](crate::net::StreamWriter) are built on.
pub(crate) trait ByteStream {
    fn poll_read_bytes(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>;
    fn poll_write_bytes(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>;
    /// Shuts down reading, writing or both.
    fn shutdown(&self, how: std::net::Shutdown) -> io::Result<()>;
    /// The peer's IP address, for a stream that has one.
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        Err(no_ip_address())
    }
    /// This end's IP address, for a stream that has one.
    fn local_addr(&self) -> io::Result<SocketAddr> {
        Err(no_ip_address())
    }
}

fn no_ip_address() -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        "this stream has no IP address (it is not a TCP connection)",
    )
}

/// Reads until `buf` is full; `UnexpectedEof` if the stream ends first.
pub(crate) async fn read_exact(
    stream: &(impl ByteStream + ?Sized),
    mut buf: &mut [u8],
) -> io::Result<()> {
    while !buf.is_empty() {
        let n = std::future::poll_fn(|cx| stream.poll_read_bytes(cx, buf)).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
    }
    Ok(())
}

/// Writes all of `buf`; `WriteZero` if the socket stops taking bytes.
pub(crate) async fn write_all(
    stream: &(impl ByteStream + ?Sized),
    mut buf: &[u8],
) -> io::Result<()> {
    while !buf.is_empty() {
        let n = std::future::poll_fn(|cx| stream.poll_write_bytes(cx, buf)).await?;
        if n == 0 {
            return Err(io::ErrorKind::WriteZero.into());
        }
        buf = &buf[n..];
    }
    Ok(())
}

/// A socket's address as an IP address, if it is one.
pub(crate) trait IpAddress {
    fn ip_address(self) -> io::Result<SocketAddr>;
}

impl IpAddress for SocketAddr {
    fn ip_address(self) -> io::Result<SocketAddr> {
        Ok(self)
    }
}

#[cfg(unix)]
impl IpAddress for std::os::unix::net::SocketAddr {
    fn ip_address(self) -> io::Result<SocketAddr> {
        Err(no_ip_address())
    }
}

/// Everything a stream type `$t` holding `source: IoSource<$std>` shares with
/// the others: adopting and giving back a std stream (see `std_conversions!`), reading and writing
/// (`async fn`s, the `futures` I/O traits for `$t` and `&$t`, [`ByteStream`]),
/// shutting down, its addresses (`$addr`), its file descriptor and asyncio's
/// reader and writer.
///
/// `$pair` is the example code that makes two connected streams `a` and `b`
/// in an async block, `$addrs` an example of the address methods.
macro_rules! byte_stream_api {
    ($t:ident, $std:ty, $addr:ty, $pair:literal, $addrs:literal, $std_new:literal) => {
        impl $t {
            /// Reads what is available (at least one byte, waiting for it),
            /// into `buf`; `Ok(0)` at end of stream, and at once for an empty
            /// `buf`. Cancel-safe: cut short, it read nothing.
            ///
            /// A read into a buffer under 4 KiB asks the socket for 4 KiB and
            /// keeps what does not fit for the next reads (asyncio's streams
            /// read ahead too): a chunk that comes back short says the socket
            /// is drained, so the next read waits for the poller instead of
            /// first failing with "would block", one system call fewer per
            /// message. Bytes kept that way are why `into_std` can hand the
            /// stream back instead of its socket.
            ///
            #[doc = concat!("```\naio::run(async {\n", $pair, "
    a.write_all(b\"ping\").await.unwrap();
    let mut buf = [0; 16];
    let n = b.read(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b\"ping\");
});\n```")]
            pub async fn read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                std::future::poll_fn(|cx| {
                    $crate::net::byte_stream::ByteStream::poll_read_bytes(self, cx, buf)
                })
                .await
            }

            /// Reads exactly `buf.len()` bytes (asyncio's `readexactly`);
            /// an `UnexpectedEof` error if the stream ends first. Not
            /// cancel-safe: cut short, some bytes may have been read into
            /// `buf` and are not read again (use a
            /// [`StreamReader`]($crate::net::StreamReader) to keep them).
            ///
            #[doc = concat!("```\naio::run(async {\n", $pair, "
    a.write_all(b\"head:body\").await.unwrap();
    let mut head = [0; 5];
    b.read_exact(&mut head).await.unwrap();
    assert_eq!(&head, b\"head:\");
});\n```")]
            pub async fn read_exact(&self, buf: &mut [u8]) -> std::io::Result<()> {
                $crate::net::byte_stream::read_exact(self, buf).await
            }

            /// Writes some of `buf`, waiting for room; returns how much.
            /// Cancel-safe: cut short, it wrote nothing.
            ///
            #[doc = concat!("```\naio::run(async {\n", $pair, "
    let n = a.write(b\"hi\").await.unwrap();
    assert_eq!(n, 2); // a small write fits in an empty socket buffer
    let mut buf = [0; 2];
    b.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b\"hi\");
});\n```")]
            pub async fn write(&self, buf: &[u8]) -> std::io::Result<usize> {
                std::future::poll_fn(|cx| {
                    $crate::net::byte_stream::ByteStream::poll_write_bytes(self, cx, buf)
                })
                .await
            }

            /// Writes all of `buf`, waiting for room as needed. Not
            /// cancel-safe: cut short, some of `buf` may have been sent (a
            /// [`StreamWriter`]($crate::net::StreamWriter) keeps count).
            ///
            #[doc = concat!("```\naio::run(async {\n", $pair, "
    let reading = aio::create_task(async move {
        let mut all = vec![0; 1 << 20];
        b.read_exact(&mut all).await.unwrap();
        all
    });
    // Bigger than the socket's buffer: it waits while the reader catches up.
    a.write_all(&vec![7; 1 << 20]).await.unwrap();
    assert!(reading.await.unwrap().iter().all(|&x| x == 7));
});\n```")]
            pub async fn write_all(&self, buf: &[u8]) -> std::io::Result<()> {
                $crate::net::byte_stream::write_all(self, buf).await
            }

            /// Shuts down reading, writing or both; after `Shutdown::Write`
            /// the peer reads end-of-file (asyncio's `write_eof`).
            ///
            #[doc = concat!("```\naio::run(async {\n", $pair, "
    a.write_all(b\"bye\").await.unwrap();
    a.shutdown(std::net::Shutdown::Write).unwrap();
    let mut buf = [0; 8];
    assert_eq!(b.read(&mut buf).await.unwrap(), 3);
    assert_eq!(b.read(&mut buf).await.unwrap(), 0); // end of stream
});\n```")]
            pub fn shutdown(&self, how: std::net::Shutdown) -> std::io::Result<()> {
                self.source.get_ref().shutdown(how)
            }

            /// The address of the other end.
            ///
            #[doc = concat!("```\naio::run(async {\n", $pair, "\n", $addrs, "\n});\n```")]
            pub fn peer_addr(&self) -> std::io::Result<$addr> {
                self.source.get_ref().peer_addr()
            }

            /// This end's address.
            ///
            #[doc = concat!("```\naio::run(async {\n", $pair, "\n", $addrs, "\n});\n```")]
            pub fn local_addr(&self) -> std::io::Result<$addr> {
                self.source.get_ref().local_addr()
            }

            /// Wraps the connection in asyncio's reader and writer (what
            /// `open_connection` returns), for a stream connected some other
            /// way.
            ///
            #[doc = concat!("```\naio::run(async {\n", $pair, "
    let (mut reader, mut writer) = b.into_streams();
    a.write_all(b\"ping\\n\").await.unwrap();
    assert_eq!(reader.readline().await.unwrap(), b\"ping\\n\");
    writer.write(b\"pong\");
    writer.drain().await.unwrap();
    let mut buf = [0; 4];
    a.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b\"pong\");
});\n```")]
            pub fn into_streams(self) -> ($crate::net::StreamReader, $crate::net::StreamWriter) {
                $crate::net::split(std::rc::Rc::new(self))
            }
        }

        $crate::net::std_conversions::std_conversions!($t, $std, $std_new, ahead);

        impl $crate::net::byte_stream::ByteStream for $t {
            fn poll_read_bytes(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                use std::io::Read;
                let read = $crate::runtime::Direction::Read;
                self.ahead.poll_read(buf, |into| {
                    self.source
                        .poll_bytes(cx, read, into.len(), |mut s| s.read(into))
                })
            }

            fn poll_write_bytes(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                use std::io::Write;
                let write = $crate::runtime::Direction::Write;
                self.source
                    .poll_bytes(cx, write, buf.len(), |mut s| s.write(buf))
            }

            fn shutdown(&self, how: std::net::Shutdown) -> std::io::Result<()> {
                $t::shutdown(self, how)
            }

            fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
                $crate::net::byte_stream::IpAddress::ip_address($t::peer_addr(self)?)
            }

            fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
                $crate::net::byte_stream::IpAddress::ip_address($t::local_addr(self)?)
            }
        }

        impl futures_io::AsyncRead for &$t {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                $crate::net::byte_stream::ByteStream::poll_read_bytes(*self, cx, buf)
            }
        }

        impl futures_io::AsyncRead for $t {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                std::pin::Pin::new(&mut &*self).poll_read(cx, buf)
            }
        }

        impl futures_io::AsyncWrite for &$t {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                $crate::net::byte_stream::ByteStream::poll_write_bytes(*self, cx, buf)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                // Writes go straight to the socket: nothing is buffered here.
                std::task::Poll::Ready(Ok(()))
            }

            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(self.shutdown(std::net::Shutdown::Write))
            }
        }

        impl futures_io::AsyncWrite for $t {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                std::pin::Pin::new(&mut &*self).poll_write(cx, buf)
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::pin::Pin::new(&mut &*self).poll_flush(cx)
            }

            fn poll_close(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::pin::Pin::new(&mut &*self).poll_close(cx)
            }
        }
    };
}

pub(crate) use byte_stream_api;
