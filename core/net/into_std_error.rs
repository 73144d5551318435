//! Why a stream did not give its socket back: it held bytes it had read
//! ahead of its caller (handed back with the stream, so nothing is lost),
//! or the socket could not be taken off the loop.

use std::fmt;
use std::io;

/// The error of a stream's `into_std`
/// ([`TcpStream`](crate::net::TcpStream),
/// [`UnixStream`](crate::net::UnixStream)). A stream that read a chunk for
/// a small read keeps what its caller did not take; those bytes cannot go
/// back into the socket, so the stream comes back instead: read them, then
/// try again. Converts into an `io::Error` for `?` (the stream is then
/// dropped).
///
/// ```
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let a = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
///     let (b, _) = listener.accept().await.unwrap();
///     a.write_all(b"hello").await.unwrap();
///     let mut first = [0; 1];
///     b.read_exact(&mut first).await.unwrap(); // reads ahead: "ello" is kept
///     let error = b.into_std().unwrap_err();
///     assert_eq!(error.buffered(), 4);
///     let b = error.into_stream().unwrap();
///     let mut rest = [0; 4];
///     b.read_exact(&mut rest).await.unwrap();
///     assert_eq!(&rest, b"ello");
///     assert!(b.into_std().is_ok());
/// });
/// ```
pub struct IntoStdError<S> {
    kind: Kind<S>,
}

enum Kind<S> {
    Buffered { stream: S, bytes: usize },
    Io(io::Error),
}

impl<S> IntoStdError<S> {
    pub(crate) fn new(stream: S, bytes: usize) -> Self {
        IntoStdError {
            kind: Kind::Buffered { stream, bytes },
        }
    }

    pub(crate) fn failed(error: io::Error) -> Self {
        IntoStdError {
            kind: Kind::Io(error),
        }
    }

    /// The stream, when it was handed back because it held bytes read
    /// ahead; `None` when the socket could not be taken off the loop.
    ///
    /// ```
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let a = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (b, _) = listener.accept().await.unwrap();
    ///     a.write_all(b"ab").await.unwrap();
    ///     b.read_exact(&mut [0; 1]).await.unwrap();
    ///     assert!(b.into_std().unwrap_err().into_stream().is_some());
    /// });
    /// ```
    pub fn into_stream(self) -> Option<S> {
        match self.kind {
            Kind::Buffered { stream, .. } => Some(stream),
            Kind::Io(_) => None,
        }
    }

    /// How many bytes the stream held (0 when the socket could not be taken
    /// off the loop).
    ///
    /// ```
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let a = aio::net::TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
    ///     let (b, _) = listener.accept().await.unwrap();
    ///     a.write_all(b"abc").await.unwrap();
    ///     b.read_exact(&mut [0; 1]).await.unwrap();
    ///     assert_eq!(b.into_std().unwrap_err().buffered(), 2);
    /// });
    /// ```
    pub fn buffered(&self) -> usize {
        match &self.kind {
            Kind::Buffered { bytes, .. } => *bytes,
            Kind::Io(_) => 0,
        }
    }
}

impl<S> fmt::Display for IntoStdError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Buffered { bytes, .. } => write!(
                f,
                "the stream holds {bytes} bytes it read ahead of its caller, which the socket \
                 cannot take back: read them first (into_stream() gives the stream back)"
            ),
            Kind::Io(error) => write!(f, "the socket could not be taken off the loop: {error}"),
        }
    }
}

impl<S> fmt::Debug for IntoStdError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Buffered { bytes, .. } => f
                .debug_struct("IntoStdError")
                .field("buffered", bytes)
                .finish_non_exhaustive(),
            Kind::Io(error) => f.debug_tuple("IntoStdError").field(error).finish(),
        }
    }
}

impl<S> std::error::Error for IntoStdError<S> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            Kind::Io(error) => Some(error),
            Kind::Buffered { .. } => None,
        }
    }
}

impl<S> From<IntoStdError<S>> for io::Error {
    fn from(error: IntoStdError<S>) -> io::Error {
        let message = error.to_string();
        match error.kind {
            Kind::Io(error) => error,
            Kind::Buffered { .. } => io::Error::new(io::ErrorKind::InvalidInput, message),
        }
    }
}
