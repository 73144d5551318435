//! Turning `"host:port"` into socket addresses off the loop's thread, since
//! the OS lookup blocks (asyncio runs `getaddrinfo` in its executor too).

use crate::threads::to_thread;
use std::io;
use std::net::{SocketAddr, ToSocketAddrs};

/// Every address `addr` names, looked up on the loop's thread pool.
pub(crate) async fn resolve(
    addr: impl ToSocketAddrs + Send + 'static,
) -> io::Result<Vec<SocketAddr>> {
    let found = to_thread(move || addr.to_socket_addrs().map(Iterator::collect))
        .await
        .map_err(|e| io::Error::other(format!("address lookup failed: {e}")))??;
    if Vec::is_empty(&found) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the address names no socket address",
        ));
    }
    Ok(found)
}
