//! TCP sockets made non-blocking by the very system call that makes them
//! (`SOCK_NONBLOCK` with `socket`/`accept4`) on Linux, which saves a system
//! call per connection; elsewhere, set so right after.

pub(crate) use imp::{accept, tcp_socket};

/// A listening TCP socket bound to `addr` with `SO_REUSEPORT`, so that other
/// listeners (other loops) can bind the same port.
#[cfg(unix)]
pub(crate) fn reuseport_listener(
    addr: std::net::SocketAddr,
) -> std::io::Result<std::net::TcpListener> {
    let socket = tcp_socket(addr)?;
    socket.set_reuse_address(true)?;
    socket.set_reuse_port(true)?;
    socket.bind(&addr.into())?;
    // The standard library's backlog.
    socket.listen(128)?;
    Ok(socket.into())
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod imp {
    use socket2::{Domain, Protocol, SockRef, Socket, Type};
    use std::io;
    use std::net::SocketAddr;

    /// A new non-blocking TCP socket for connecting to `addr`.
    pub(crate) fn tcp_socket(addr: SocketAddr) -> io::Result<Socket> {
        let kind = Type::STREAM.nonblocking();
        Socket::new(Domain::for_address(addr), kind, Some(Protocol::TCP))
    }

    /// Accepts a connection on `listener` as a non-blocking stream.
    pub(crate) fn accept(
        listener: &std::net::TcpListener,
    ) -> io::Result<(std::net::TcpStream, SocketAddr)> {
        let flags = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
        let (socket, peer) = SockRef::from(listener).accept4(flags)?;
        let peer = peer
            .as_socket()
            .ok_or_else(|| io::Error::other("a TCP listener accepted a peer with no IP address"))?;
        Ok((socket.into(), peer))
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
mod imp {
    use socket2::{Domain, Protocol, Socket, Type};
    use std::io;
    use std::net::SocketAddr;

    /// A new non-blocking TCP socket for connecting to `addr`.
    pub(crate) fn tcp_socket(addr: SocketAddr) -> io::Result<Socket> {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        socket.set_nonblocking(true)?;
        Ok(socket)
    }

    /// Accepts a connection on `listener` as a non-blocking stream.
    pub(crate) fn accept(
        listener: &std::net::TcpListener,
    ) -> io::Result<(std::net::TcpStream, SocketAddr)> {
        let (stream, peer) = listener.accept()?;
        stream.set_nonblocking(true)?;
        Ok((stream, peer))
    }
}
