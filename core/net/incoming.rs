//! Listeners as async iterators of connections: `async for` over what a
//! server accepts.

use crate::net::TcpListener;
#[cfg(unix)]
use crate::net::UnixListener;
use futures_core::Stream;
use std::future::Future;
use std::io;

impl TcpListener {
    /// The connections as they arrive, forever (as the standard library's
    /// `incoming`); a failed accept is an item and the stream goes on.
    /// The peer's address is the connection's
    /// [`peer_addr`](crate::net::TcpStream::peer_addr).
    ///
    /// ```
    /// use aio::StreamExt;
    ///
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = listener.local_addr().unwrap();
    ///     let clients = aio::create_task(async move {
    ///         for word in [&b"one"[..], b"two"] {
    ///             let stream = aio::net::TcpStream::connect(addr).await.unwrap();
    ///             stream.write_all(word).await.unwrap();
    ///         }
    ///     });
    ///     let mut heard = Vec::new();
    ///     let mut incoming = listener.incoming().take(2);
    ///     while let Some(stream) = incoming.next().await {
    ///         let (mut reader, _writer) = stream.unwrap().into_streams();
    ///         heard.push(reader.read_to_end().await.unwrap());
    ///     }
    ///     clients.await.unwrap();
    ///     assert_eq!(heard, [&b"one"[..], b"two"]);
    /// });
    /// ```
    pub fn incoming(&self) -> impl Stream<Item = io::Result<crate::net::TcpStream>> + Unpin + '_ {
        connections(move || self.accept())
    }
}

#[cfg(unix)]
impl UnixListener {
    /// The connections as they arrive, forever; a failed accept is an item
    /// and the stream goes on.
    ///
    /// ```
    /// use aio::StreamExt;
    ///
    /// aio::run(async {
    ///     let path = std::env::temp_dir().join(format!("aio-incoming-{}.sock", std::process::id()));
    ///     let _ = std::fs::remove_file(&path);
    ///     let listener = aio::net::UnixListener::bind(&path).unwrap();
    ///     let client = aio::net::UnixStream::connect(&path).await.unwrap();
    ///     let served = listener.incoming().next().await.unwrap().unwrap();
    ///     client.write_all(b"hi").await.unwrap();
    ///     let mut buf = [0; 2];
    ///     served.read_exact(&mut buf).await.unwrap();
    ///     assert_eq!(&buf, b"hi");
    ///     std::fs::remove_file(&path).unwrap();
    /// });
    /// ```
    pub fn incoming(&self) -> impl Stream<Item = io::Result<crate::net::UnixStream>> + Unpin + '_ {
        connections(move || self.accept())
    }
}

/// The streams `accept` returns, one per call, forever.
fn connections<'a, S, A, F>(
    mut accept: impl FnMut() -> F + 'a,
) -> impl Stream<Item = io::Result<S>> + Unpin + 'a
where
    F: Future<Output = io::Result<(S, A)>> + 'a,
    S: 'a,
    A: 'a,
{
    crate::stream! {
        loop {
            yield accept().await.map(|(stream, _peer)| stream);
        }
    }
}
