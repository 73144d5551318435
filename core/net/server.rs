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
pub struct Server {
    listener: Listener,
    handler: Handler,
}

/// Listens on `addr` and calls `handler(reader, writer)` in a new task for
/// each connection once [`Server::serve_forever`] runs (asyncio's
/// `asyncio.start_server`). See [`open_connection`](crate::net::open_connection)
/// for an example. Cancel-safe: cancelled while looking the address up, it
/// has bound nothing.
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
