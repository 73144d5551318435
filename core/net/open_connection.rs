//! asyncio's `open_connection`: a connection as a reader and a writer.

use crate::net::byte_stream::ByteStream;
use crate::net::{StreamReader, StreamWriter, TcpStream, ToSocketAddrs};
use std::io;
use std::rc::Rc;

/// Connects to `addr` and returns the connection's reader and writer,
/// trying each address `addr` names in turn (see
/// [`TcpStream::connect`](crate::net::TcpStream::connect)). Cancel-safe:
/// cancelling abandons the attempt and closes its socket.
///
/// ```
/// use aio::net::{open_connection, start_server, StreamReader, StreamWriter};
///
/// async fn shout(mut reader: StreamReader, mut writer: StreamWriter) {
///     let line = reader.readline().await.unwrap();
///     writer.write(&line.to_ascii_uppercase());
///     writer.drain().await.unwrap();
/// }
///
/// aio::run(async {
///     let server = start_server(shout, "127.0.0.1:0").await.unwrap();
///     let addr = server.local_addr().unwrap();
///     let serving = aio::create_task(async move { server.serve_forever().await });
///     let (mut reader, mut writer) = open_connection(addr).await.unwrap();
///     writer.write(b"hello\n");
///     writer.drain().await.unwrap();
///     assert_eq!(reader.readline().await.unwrap(), b"HELLO\n");
///     serving.cancel();
/// });
/// ```
pub async fn open_connection(addr: impl ToSocketAddrs) -> io::Result<(StreamReader, StreamWriter)> {
    Ok(split(Rc::new(TcpStream::connect(addr).await?)))
}

/// Connects to the Unix socket at `path` and returns the connection's reader
/// and writer (asyncio's `open_unix_connection`). Cancel-safe, as
/// [`UnixStream::connect`](crate::net::UnixStream::connect).
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("aio-doc-{}-open-unix-connection", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("app.sock");
/// aio::run(async {
///     let listener = aio::net::UnixListener::bind(&path).unwrap();
///     let (mut reader, mut writer) = aio::net::open_unix_connection(&path).await.unwrap();
///     let (peer, _) = listener.accept().await.unwrap();
///     writer.write(b"hello\n");
///     writer.drain().await.unwrap();
///     let mut line = [0; 6];
///     peer.read_exact(&mut line).await.unwrap();
///     peer.write_all(b"hi\n").await.unwrap();
///     assert_eq!((&line, reader.readline().await.unwrap()), (b"hello\n", b"hi\n".to_vec()));
/// });
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[cfg(unix)]
pub async fn open_unix_connection(
    path: impl AsRef<std::path::Path>,
) -> io::Result<(StreamReader, StreamWriter)> {
    Ok(split(Rc::new(crate::net::UnixStream::connect(path).await?)))
}

/// One connection, shared by its reader and writer.
pub(crate) fn split(stream: Rc<dyn ByteStream>) -> (StreamReader, StreamWriter) {
    (StreamReader::new(stream.clone()), StreamWriter::new(stream))
}
