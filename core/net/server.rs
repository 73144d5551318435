//! asyncio's `start_server`: accept connections and run a handler for each.

use crate::net::ToSocketAddrs;
use crate::net::split;
use crate::net::{StreamReader, StreamWriter, TcpListener};
use crate::task::Task;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

type Handler = Box<dyn Fn(StreamReader, StreamWriter) -> Pin<Box<dyn Future<Output = ()>>>>;

enum Listener {
    Tcp(TcpListener),
    #[cfg(unix)]
    Unix(crate::net::UnixListener),
}

/// A listening socket with a handler for each connection, made by
/// [`start_server`] or [`start_unix_server`]. Connections are accepted while
/// [`serve_forever`](Self::serve_forever) runs.
///
/// ```
/// use aio::net::{StreamReader, StreamWriter};
///
/// async fn greet(_reader: StreamReader, mut writer: StreamWriter) {
///     writer.write(b"welcome\n");
///     writer.close().await.unwrap();
/// }
///
/// aio::run(async {
///     let server = aio::net::start_server(greet, "127.0.0.1:0").await.unwrap();
///     let addr = server.local_addr().unwrap();
///     // Serve in a task of its own; cancelling it stops the server.
///     let serving = aio::create_task(async move { server.serve_forever().await });
///     let (mut reader, _) = aio::net::open_connection(addr).await.unwrap();
///     assert_eq!(reader.readline().await.unwrap(), b"welcome\n");
///     serving.cancel();
///     assert!(serving.await.unwrap_err().is_cancelled());
/// });
/// ```
pub struct Server {
    listener: Listener,
    handler: Handler,
}

/// Listens on `addr` and calls `handler(reader, writer)` in a new task for
/// each connection once [`Server::serve_forever`] runs (asyncio's
/// `asyncio.start_server`). Cancel-safe: cancelled while looking the address
/// up, it has bound nothing.
///
/// ```
/// use aio::net::{StreamReader, StreamWriter};
///
/// async fn echo(mut reader: StreamReader, mut writer: StreamWriter) {
///     while let Ok(line) = reader.readline().await {
///         if line.is_empty() {
///             break; // the client closed the connection
///         }
///         writer.write(&line);
///         writer.drain().await.unwrap();
///     }
/// }
///
/// aio::run(async {
///     let server = aio::net::start_server(echo, "127.0.0.1:0").await.unwrap();
///     let addr = server.local_addr().unwrap();
///     let serving = aio::create_task(async move { server.serve_forever().await });
///     let (mut reader, mut writer) = aio::net::open_connection(addr).await.unwrap();
///     writer.write(b"one\ntwo\n");
///     writer.drain().await.unwrap();
///     assert_eq!(reader.readline().await.unwrap(), b"one\n");
///     assert_eq!(reader.readline().await.unwrap(), b"two\n");
///     serving.cancel();
/// });
/// ```
pub async fn start_server<F, Fut>(handler: F, addr: impl ToSocketAddrs) -> io::Result<Server>
where
    F: Fn(StreamReader, StreamWriter) -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    Ok(Server {
        listener: Listener::Tcp(TcpListener::bind(addr).await?),
        handler: Box::new(move |r, w| Box::pin(handler(r, w))),
    })
}

/// As [`start_server`], on a Unix socket at `path` (asyncio's
/// `start_unix_server`).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("aio-doc-{}-start-unix-server", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// use aio::net::{StreamReader, StreamWriter};
///
/// async fn upper(mut reader: StreamReader, mut writer: StreamWriter) {
///     let line = reader.readline().await.unwrap();
///     writer.write(&line.to_ascii_uppercase());
///     writer.drain().await.unwrap();
/// }
///
/// let path = dir.join("upper.sock");
/// aio::run(async {
///     let server = aio::net::start_unix_server(upper, &path).unwrap();
///     assert_eq!(server.local_addr(), None); // no TCP address
///     let serving = aio::create_task(async move { server.serve_forever().await });
///     let (mut reader, mut writer) = aio::net::open_unix_connection(&path).await.unwrap();
///     writer.write(b"quiet\n");
///     writer.drain().await.unwrap();
///     assert_eq!(reader.readline().await.unwrap(), b"QUIET\n");
///     serving.cancel();
/// });
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[cfg(unix)]
pub fn start_unix_server<F, Fut>(
    handler: F,
    path: impl AsRef<std::path::Path>,
) -> io::Result<Server>
where
    F: Fn(StreamReader, StreamWriter) -> Fut + 'static,
    Fut: Future<Output = ()> + 'static,
{
    Ok(Server {
        listener: Listener::Unix(crate::net::UnixListener::bind(path)?),
        handler: Box::new(move |r, w| Box::pin(handler(r, w))),
    })
}

impl Server {
    /// What the server listens on, for messages.
    fn name(&self) -> String {
        match &self.listener {
            Listener::Tcp(l) => l
                .local_addr()
                .map_or_else(|_| "a TCP socket".into(), |a| a.to_string()),
            #[cfg(unix)]
            Listener::Unix(l) => l
                .local_addr()
                .map_or_else(|_| "a Unix socket".into(), |a| format!("{a:?}")),
        }
    }

    /// The TCP address the server listens on (`None` for a Unix socket).
    ///
    /// ```
    /// aio::run(async {
    ///     let server = aio::net::start_server(|_, _| async {}, "127.0.0.1:0").await.unwrap();
    ///     let addr = server.local_addr().unwrap();
    ///     assert!(addr.ip().is_loopback());
    ///     assert_ne!(addr.port(), 0); // the port the system picked
    /// });
    /// ```
    pub fn local_addr(&self) -> Option<SocketAddr> {
        match &self.listener {
            Listener::Tcp(l) => l.local_addr().ok(),
            #[cfg(unix)]
            Listener::Unix(_) => None,
        }
    }

    /// Accepts connections, each handled in its own task, until cancelled or
    /// until accepting fails. When it stops, the handlers still running are
    /// cancelled (and their cleanup runs): no connection outlives its server's
    /// serving. A connection that failed while waiting to be accepted is
    /// skipped. When the process or system runs out of file descriptors or
    /// memory, the server says so on stderr and accepts again a second later
    /// (on the loop's clock), as asyncio does. Cancel-safe.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let server = aio::net::start_server(
    ///         |_reader, mut writer: aio::net::StreamWriter| async move {
    ///             writer.write(b"hi\n");
    ///             writer.drain().await.unwrap();
    ///             aio::sleep(Duration::from_secs(3600)).await; // a long-lived connection
    ///         },
    ///         "127.0.0.1:0",
    ///     )
    ///     .await
    ///     .unwrap();
    ///     let addr = server.local_addr().unwrap();
    ///     // Serve for one minute: the handler still running is cancelled then.
    ///     let serving = aio::create_task(async move {
    ///         aio::move_on_after(Duration::from_secs(60), server.serve_forever()).await
    ///     });
    ///     let (mut reader, _writer) = aio::net::open_connection(addr).await.unwrap();
    ///     assert_eq!(reader.readline().await.unwrap(), b"hi\n");
    ///     assert!(serving.await.unwrap().is_none()); // stopped by the deadline
    ///     assert_eq!(reader.readline().await.unwrap(), b""); // connection closed
    /// });
    /// ```
    pub async fn serve_forever(&self) -> io::Result<()> {
        let mut handlers = Handlers(Vec::new(), PRUNE_AT);
        loop {
            let accepted = match &self.listener {
                Listener::Tcp(l) => l.accept().await.map(|(s, _)| split(Rc::new(s))),
                #[cfg(unix)]
                Listener::Unix(l) => l.accept().await.map(|(s, _)| split(Rc::new(s))),
            };
            let (reader, writer) = match accepted {
                Ok(pair) => pair,
                Err(e) if is_transient(&e) => continue,
                Err(e) if is_out_of_resources(&e) => {
                    eprintln!(
                        "aio: the server on {} could not accept a connection ({e}); \
                         accepting again in {} s",
                        self.name(),
                        ACCEPT_BACKOFF.as_secs()
                    );
                    crate::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            handlers.prune();
            handlers
                .0
                .push(crate::create_task((self.handler)(reader, writer)));
        }
    }
}

/// Errors about one connection rather than the listening socket.
fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// Errors that pass once connections close or memory frees up: out of file
/// descriptors (for the process or the system), buffers or memory.
fn is_out_of_resources(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

/// How long a server waits before accepting again after running out of
/// resources (asyncio's `ACCEPT_RETRY_DELAY`).
const ACCEPT_BACKOFF: Duration = Duration::from_secs(1);

/// How many handlers are kept before finished ones are first dropped.
const PRUNE_AT: usize = 64;

/// The running handlers of one `serve_forever`, cancelled when it ends, and
/// the count at which finished ones are next dropped.
struct Handlers(Vec<Task<()>>, usize);

impl Handlers {
    /// Drops finished handlers once the list doubled since the last time, so
    /// accepting costs O(1) amortised however many connections are open.
    fn prune(&mut self) {
        if self.0.len() >= self.1 {
            self.0.retain(|t| !t.is_done());
            self.1 = (self.0.len() * 2).max(PRUNE_AT);
        }
    }
}

impl Drop for Handlers {
    fn drop(&mut self) {
        for task in &self.0 {
            task.cancel();
        }
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr())
            .finish_non_exhaustive()
    }
}
