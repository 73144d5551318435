//! What TCP and Unix streams share: reading and writing bytes through the
//! loop, as inherent `async fn`s and as the `futures` I/O traits.

use std::io;
use std::task::{Context, Poll};

/// A connected stream socket, read and written through the loop.
pub(crate) trait ByteStream {
    fn poll_read_bytes(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>>;
    fn poll_write_bytes(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>;
    /// Shuts down reading, writing or both.
    fn shutdown(&self, how: std::net::Shutdown) -> io::Result<()>;
    /// The peer's address, as text (asyncio's `get_extra_info("peername")`).
    fn peer_name(&self) -> Option<String>;
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

/// An address that names a peer as text.
pub(crate) trait PeerName {
    fn peer_name(&self) -> String;
}

impl PeerName for std::net::SocketAddr {
    fn peer_name(&self) -> String {
        self.to_string()
    }
}

#[cfg(unix)]
impl PeerName for std::os::unix::net::SocketAddr {
    fn peer_name(&self) -> String {
        format!("{self:?}")
    }
}

/// Everything a stream type `$t` holding `source: IoSource<$std>` shares with
/// the others: adopting a std stream, reading and writing (`async fn`s, the
/// `futures` I/O traits for `$t` and `&$t`, [`ByteStream`]), shutting down,
/// its peer's address (`$addr`) and asyncio's reader and writer.
macro_rules! byte_stream_api {
    ($t:ident, $std:ty, $addr:ty) => {
        impl $t {
            /// Adopts a connected stream made with the standard library.
            pub fn from_std(stream: $std) -> std::io::Result<$t> {
                stream.set_nonblocking(true)?;
                Ok($t {
                    source: $crate::runtime::IoSource::new(stream)?,
                })
            }

            /// Reads what is available (at least one byte, waiting for it),
            /// into `buf`; `Ok(0)` at end of stream.
            pub async fn read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                std::future::poll_fn(|cx| {
                    $crate::net::byte_stream::ByteStream::poll_read_bytes(self, cx, buf)
                })
                .await
            }

            /// Reads exactly `buf.len()` bytes (asyncio's `readexactly`);
            /// an `UnexpectedEof` error if the stream ends first.
            pub async fn read_exact(&self, buf: &mut [u8]) -> std::io::Result<()> {
                $crate::net::byte_stream::read_exact(self, buf).await
            }

            /// Writes some of `buf`, waiting for room; returns how much.
            pub async fn write(&self, buf: &[u8]) -> std::io::Result<usize> {
                std::future::poll_fn(|cx| {
                    $crate::net::byte_stream::ByteStream::poll_write_bytes(self, cx, buf)
                })
                .await
            }

            /// Writes all of `buf`, waiting for room as needed.
            pub async fn write_all(&self, buf: &[u8]) -> std::io::Result<()> {
                $crate::net::byte_stream::write_all(self, buf).await
            }

            /// Shuts down reading, writing or both; after `Shutdown::Write`
            /// the peer reads end-of-file (asyncio's `write_eof`).
            pub fn shutdown(&self, how: std::net::Shutdown) -> std::io::Result<()> {
                self.source.get_ref().shutdown(how)
            }

            /// The address of the other end.
            pub fn peer_addr(&self) -> std::io::Result<$addr> {
                self.source.get_ref().peer_addr()
            }

            /// Wraps the connection in asyncio's reader and writer (what
            /// `open_connection` returns), for a stream connected some other
            /// way.
            pub fn into_streams(self) -> ($crate::net::StreamReader, $crate::net::StreamWriter) {
                $crate::net::open_connection::split(std::rc::Rc::new(self))
            }
        }

        impl $crate::net::byte_stream::ByteStream for $t {
            fn poll_read_bytes(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &mut [u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                use std::io::Read;
                self.source
                    .poll_io(cx, $crate::runtime::Direction::Read, |mut s| s.read(buf))
            }

            fn poll_write_bytes(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                use std::io::Write;
                self.source
                    .poll_io(cx, $crate::runtime::Direction::Write, |mut s| s.write(buf))
            }

            fn shutdown(&self, how: std::net::Shutdown) -> std::io::Result<()> {
                $t::shutdown(self, how)
            }

            fn peer_name(&self) -> Option<String> {
                let addr = self.peer_addr().ok()?;
                Some($crate::net::byte_stream::PeerName::peer_name(&addr))
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
