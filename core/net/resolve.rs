//! asyncio's `getaddrinfo`: turning a name into socket addresses.

use crate::net::ToSocketAddrs;
use std::io;
use std::net::SocketAddr;

/// Every socket address `host` names, as asyncio's `loop.getaddrinfo` (and
/// tokio's `lookup_host`): a host name is looked up by the OS on the loop's
/// thread pool, since the lookup blocks; an IP address is returned at once.
/// An error names what could not be found. Cancel-safe (an abandoned lookup
/// finishes on its thread and is dropped).
///
/// ```
/// aio::run(async {
///     let found = aio::net::lookup_host("localhost:80").await.unwrap();
///     assert!(found.iter().all(|a| a.port() == 80 && a.ip().is_loopback()));
///     let err = aio::net::lookup_host("no-such-host.invalid:80").await.unwrap_err();
///     assert!(err.to_string().contains("no-such-host.invalid"));
/// });
/// ```
pub async fn lookup_host(host: impl ToSocketAddrs) -> io::Result<Vec<SocketAddr>> {
    resolve(host).await
}

/// Every address `addr` names, looked up on the loop's thread pool if it is
/// a name; never empty.
pub(crate) async fn resolve(addr: impl ToSocketAddrs) -> io::Result<Vec<SocketAddr>> {
    addr.named().resolve().await
}
