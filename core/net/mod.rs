//! Networking on the loop: TCP, UDP and Unix sockets, and asyncio's streams.
//!
//! Each socket is registered with the poller of the loop that made it and is
//! used from that loop's tasks. A task waiting on a socket parks until the OS
//! reports it ready. On a virtual clock, I/O takes no time: a socket that is
//! ready now is served before time moves on, and a socket that is not ready
//! does not hold the clock back (so a read that times out takes no real time).
//!
//! | asyncio | aio |
//! |---|---|
//! | `asyncio.open_connection` | [`open_connection`] → ([`StreamReader`], [`StreamWriter`]) |
//! | `asyncio.start_server` | [`start_server`] → [`Server`] |
//! | `open_unix_connection`, `start_unix_server` | [`open_unix_connection`], [`start_unix_server`] |
//! | `loop.create_connection`, `create_server` | [`TcpStream::connect`], [`TcpListener::bind`] |
//! | `loop.create_datagram_endpoint` | [`UdpSocket::bind`] |
//! | `loop.getaddrinfo` | [`lookup_host`] |
//! | `loop.create_unix_connection`, `create_unix_server` | [`UnixStream::connect`], [`UnixListener::bind`] |
//!
//! ```
//! use aio::net::{StreamReader, StreamWriter};
//!
//! async fn handle(mut reader: StreamReader, mut writer: StreamWriter) {
//!     let name = reader.readline().await.unwrap();
//!     writer.write(b"hello, ");
//!     writer.write(&name);
//!     writer.drain().await.unwrap();
//! }
//!
//! aio::run(async {
//!     let server = aio::net::start_server(handle, "127.0.0.1:0").await.unwrap();
//!     let addr = server.local_addr().unwrap();
//!     let serving = aio::create_task(async move { server.serve_forever().await });
//!     let (mut reader, mut writer) = aio::net::open_connection(addr).await.unwrap();
//!     writer.write(b"aio\n");
//!     writer.drain().await.unwrap();
//!     assert_eq!(reader.readline().await.unwrap(), b"hello, aio\n");
//!     serving.cancel();
//! });
//! ```

pub(crate) mod byte_stream;
mod incoming;
mod into_std_error;
mod nonblocking;
mod open_connection;
pub(crate) mod read_ahead;
mod read_buffer;
mod resolve;
mod server;
pub(crate) mod std_conversions;
mod stream_error;
mod stream_lines;
mod stream_reader;
mod stream_writer;
mod tcp;
mod to_socket_addrs;
mod udp;
#[cfg(unix)]
mod unix;

pub use into_std_error::IntoStdError;
pub use open_connection::open_connection;
#[cfg(unix)]
pub use open_connection::open_unix_connection;
pub(crate) use open_connection::split;
pub use resolve::lookup_host;
#[cfg(unix)]
pub use server::start_unix_server;
pub use server::{Server, start_server};
pub use stream_error::StreamError;
pub use stream_reader::{DEFAULT_LIMIT, StreamReader};
pub use stream_writer::StreamWriter;
pub use tcp::{TcpListener, TcpStream};
pub use to_socket_addrs::ToSocketAddrs;
pub use udp::UdpSocket;
#[cfg(unix)]
pub use unix::{UnixListener, UnixStream};
