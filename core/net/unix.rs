//! Unix domain sockets: [`UnixListener`] and [`UnixStream`], asyncio's
//! `loop.create_unix_server` and `loop.create_unix_connection`.

use crate::net::byte_stream::byte_stream_api;
use crate::net::std_conversions::std_conversions;
use crate::runtime::Direction;
use crate::runtime::IoSource;
use crate::threads::to_thread;
use std::fmt;
use std::io;
use std::os::unix::net::SocketAddr;
use std::path::Path;

/// A Unix socket listening for connections at a path.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("aio-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("echo.sock");
/// # let _ = std::fs::remove_file(&path);
/// aio::run(async move {
///     let listener = aio::net::UnixListener::bind(&path).unwrap();
///     let client = aio::create_task(async move {
///         let stream = aio::net::UnixStream::connect(path).await.unwrap();
///         stream.write_all(b"hi").await.unwrap();
///     });
///     let (stream, _) = listener.accept().await.unwrap();
///     let mut buf = [0; 2];
///     stream.read_exact(&mut buf).await.unwrap();
///     assert_eq!(&buf, b"hi");
///     client.await.unwrap();
/// });
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub struct UnixListener {
    source: IoSource<std::os::unix::net::UnixListener>,
}

impl UnixListener {
    /// Binds to `path`, which must not exist yet.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("aio-doc-{}-unix-bind", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("app.sock");
    /// aio::run(async {
    ///     let listener = aio::net::UnixListener::bind(&path).unwrap();
    ///     assert!(path.exists());
    ///     // A second listener cannot take the same path.
    ///     assert!(aio::net::UnixListener::bind(&path).is_err());
    ///     drop(listener); // the file stays: remove it to bind again
    ///     std::fs::remove_file(&path).unwrap();
    ///     aio::net::UnixListener::bind(&path).unwrap();
    /// });
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn bind(path: impl AsRef<Path>) -> io::Result<UnixListener> {
        UnixListener::from_std(std::os::unix::net::UnixListener::bind(path)?)
    }

    /// Waits for the next connection. Cancel-safe: cut short, it accepted
    /// nothing.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("aio-doc-{}-unix-accept", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("app.sock");
    /// aio::run(async move {
    ///     let listener = aio::net::UnixListener::bind(&path).unwrap();
    ///     let client = aio::net::UnixStream::connect(&path).await.unwrap();
    ///     let (stream, _peer) = listener.accept().await.unwrap();
    ///     client.write_all(b"hi").await.unwrap();
    ///     let mut buf = [0; 2];
    ///     stream.read_exact(&mut buf).await.unwrap();
    ///     assert_eq!(&buf, b"hi");
    /// });
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (stream, peer) =
            std::future::poll_fn(|cx| self.source.poll_io(cx, Direction::Read, |l| l.accept()))
                .await?;
        Ok((UnixStream::from_std(stream)?, peer))
    }

    /// The address the listener is bound to.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("aio-doc-{}-unix-local-addr", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("app.sock");
    /// aio::run(async {
    ///     let listener = aio::net::UnixListener::bind(&path).unwrap();
    ///     assert_eq!(listener.local_addr().unwrap().as_pathname(), Some(path.as_path()));
    /// });
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.source.get_ref().local_addr()
    }
}

std_conversions!(
    UnixListener,
    std::os::unix::net::UnixListener,
    "#   let name = format!(\"aio-{}-{:?}\", std::process::id(), std::thread::current().id());
#   let path = std::env::temp_dir().join(name.replace(|c: char| !c.is_alphanumeric(), \"-\"));
#   let _ = std::fs::remove_file(&path);
    let socket = std::os::unix::net::UnixListener::bind(&path).unwrap();
#   std::fs::remove_file(&path).unwrap();"
);

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixListener")
            .field("local_addr", &self.local_addr().ok())
            .finish()
    }
}

/// A Unix socket connection, used as a [`TcpStream`](crate::net::TcpStream)
/// is.
///
/// ```
/// aio::run(async {
///     let (parent, child) = aio::net::UnixStream::pair().unwrap();
///     let worker = aio::create_task(async move {
///         let mut buf = [0; 4];
///         child.read_exact(&mut buf).await.unwrap();
///         child.write_all(&u32::from_be_bytes(buf).pow(2).to_be_bytes()).await.unwrap();
///     });
///     parent.write_all(&7u32.to_be_bytes()).await.unwrap();
///     let mut buf = [0; 4];
///     parent.read_exact(&mut buf).await.unwrap();
///     assert_eq!(u32::from_be_bytes(buf), 49);
///     worker.await.unwrap();
/// });
/// ```
pub struct UnixStream {
    source: IoSource<std::os::unix::net::UnixStream>,
    ahead: crate::net::read_ahead::ReadAhead,
}

impl UnixStream {
    /// Connects to the listener at `path` (on the loop's thread pool: a full
    /// backlog makes the connect block). Cancel-safe in that cancelling
    /// abandons the wait: a connection made meanwhile is closed.
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("aio-doc-{}-unix-connect", std::process::id()));
    /// # std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("app.sock");
    /// aio::run(async {
    ///     // Nothing listens yet.
    ///     assert!(aio::net::UnixStream::connect(&path).await.is_err());
    ///     let listener = aio::net::UnixListener::bind(&path).unwrap();
    ///     let stream = aio::net::UnixStream::connect(&path).await.unwrap();
    ///     let (accepted, _) = listener.accept().await.unwrap();
    ///     assert_eq!(stream.peer_addr().unwrap().as_pathname(), Some(path.as_path()));
    /// #   drop(accepted);
    /// });
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub async fn connect(path: impl AsRef<Path>) -> io::Result<UnixStream> {
        let path = path.as_ref().to_path_buf();
        let stream = to_thread(move || std::os::unix::net::UnixStream::connect(path))
            .await
            .map_err(|e| io::Error::other(format!("connect failed: {e}")))??;
        UnixStream::from_std(stream)
    }

    /// Two connected sockets, as `socketpair(2)` makes them.
    ///
    /// ```
    /// aio::run(async {
    ///     let (a, b) = aio::net::UnixStream::pair().unwrap();
    ///     a.write_all(b"ping").await.unwrap();
    ///     let mut buf = [0; 4];
    ///     b.read_exact(&mut buf).await.unwrap();
    ///     assert_eq!(&buf, b"ping");
    /// });
    /// ```
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = std::os::unix::net::UnixStream::pair()?;
        Ok((UnixStream::from_std(a)?, UnixStream::from_std(b)?))
    }
}

byte_stream_api!(
    UnixStream,
    std::os::unix::net::UnixStream,
    SocketAddr,
    "    let (a, b) = aio::net::UnixStream::pair().unwrap();",
    "    // The sockets of a pair have no path.
    assert!(a.local_addr().unwrap().as_pathname().is_none());
    assert!(b.peer_addr().unwrap().as_pathname().is_none());",
    "    let (socket, _peer) = std::os::unix::net::UnixStream::pair().unwrap();"
);

impl fmt::Debug for UnixStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixStream").finish_non_exhaustive()
    }
}
