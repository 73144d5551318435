//! [`ToSocketAddrs`]: what names socket addresses, as std's trait of that
//! name, except that only a host name needs the (blocking) OS lookup: literal
//! addresses are turned into socket addresses on the loop, with no thread.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};

/// Anything that names one or more socket addresses: a `SocketAddr`,
/// `"127.0.0.1:8080"`, `"localhost:8080"`, `("example.com", 443)`,
/// `(IpAddr, u16)`, a slice or `Vec` of `SocketAddr`s, or a reference to any
/// of these (the same forms as std's `ToSocketAddrs`).
///
/// A host name is looked up on the loop's thread pool (see
/// [`lookup_host`](crate::net::lookup_host)); an IP address is used as it is,
/// without leaving the loop. Implemented for those types only (sealed).
///
/// ```
/// aio::run(async {
///     let port = ("127.0.0.1", 8080);
///     let found = aio::net::lookup_host(port).await.unwrap();
///     assert_eq!(found, ["127.0.0.1:8080".parse().unwrap()]);
/// });
/// ```
pub trait ToSocketAddrs: sealed::Sealed {}

pub(crate) use sealed::Named;

pub(crate) mod sealed {
    use std::net::SocketAddr;

    /// The one method of [`ToSocketAddrs`](super::ToSocketAddrs), out of
    /// users' reach.
    pub trait Sealed {
        fn named(&self) -> Named;
    }

    /// Socket addresses as named, before any lookup.
    pub enum Named {
        Addrs(Vec<SocketAddr>),
        /// `"host:port"`, to look up.
        HostPort(String),
        /// A host and a port, to look up.
        Host(String, u16),
    }
}

impl Named {
    /// Looks up what needs it, on the loop's thread pool.
    pub(crate) async fn resolve(self) -> io::Result<Vec<SocketAddr>> {
        let addrs = match self {
            Named::Addrs(addrs) => addrs,
            Named::HostPort(name) => {
                lookup(name, |n| {
                    std::net::ToSocketAddrs::to_socket_addrs(n.as_str())
                })
                .await?
            }
            Named::Host(host, port) => {
                lookup(host, move |h| {
                    std::net::ToSocketAddrs::to_socket_addrs(&(h.as_str(), port))
                })
                .await?
            }
        };
        if addrs.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no socket address was given",
            ));
        }
        Ok(addrs)
    }
}

/// Runs the OS lookup of `name` on the loop's thread pool.
async fn lookup<I: Iterator<Item = SocketAddr>>(
    name: String,
    find: impl FnOnce(&String) -> io::Result<I> + Send + 'static,
) -> io::Result<Vec<SocketAddr>> {
    let found = crate::threads::to_thread(move || {
        let found = find(&name).map(Iterator::collect::<Vec<_>>);
        found.map_err(|e| io::Error::new(e.kind(), format!("could not look up {name:?}: {e}")))
    })
    .await
    .map_err(|e| io::Error::other(format!("address lookup failed: {e}")))??;
    Ok(found)
}

macro_rules! literal {
    ($($t:ty),*) => {$(
        impl ToSocketAddrs for $t {}
        impl sealed::Sealed for $t {
            fn named(&self) -> Named {
                Named::Addrs(vec![SocketAddr::from(*self)])
            }
        }
    )*};
}

literal!(
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16)
);

impl ToSocketAddrs for str {}
impl sealed::Sealed for str {
    fn named(&self) -> Named {
        match self.parse() {
            Ok(addr) => Named::Addrs(vec![addr]),
            Err(_) => Named::HostPort(self.to_owned()),
        }
    }
}

impl ToSocketAddrs for String {}
impl sealed::Sealed for String {
    fn named(&self) -> Named {
        self.as_str().named()
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl sealed::Sealed for (&str, u16) {
    fn named(&self) -> Named {
        let (host, port) = *self;
        match host.parse::<IpAddr>() {
            Ok(ip) => Named::Addrs(vec![SocketAddr::new(ip, port)]),
            Err(_) => Named::Host(host.to_owned(), port),
        }
    }
}

impl ToSocketAddrs for (String, u16) {}
impl sealed::Sealed for (String, u16) {
    fn named(&self) -> Named {
        (self.0.as_str(), self.1).named()
    }
}

impl ToSocketAddrs for [SocketAddr] {}
impl sealed::Sealed for [SocketAddr] {
    fn named(&self) -> Named {
        Named::Addrs(self.to_vec())
    }
}

impl<const N: usize> ToSocketAddrs for [SocketAddr; N] {}
impl<const N: usize> sealed::Sealed for [SocketAddr; N] {
    fn named(&self) -> Named {
        Named::Addrs(self.to_vec())
    }
}

impl ToSocketAddrs for Vec<SocketAddr> {}
impl sealed::Sealed for Vec<SocketAddr> {
    fn named(&self) -> Named {
        Named::Addrs(self.clone())
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrs + ?Sized> sealed::Sealed for &T {
    fn named(&self) -> Named {
        (**self).named()
    }
}
