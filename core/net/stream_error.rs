//! Why a [`StreamReader`](crate::net::StreamReader) call failed: asyncio's
//! `IncompleteReadError` and `LimitOverrunError`, or the socket's error.

use std::fmt;
use std::io;

/// Why a [`StreamReader`](crate::net::StreamReader) call failed.
///
/// ```
/// aio::run(async {
///     let (left, right) = aio::net::UnixStream::pair().unwrap();
///     let (mut reader, _) = left.into_streams();
///     right.write_all(b"abc").await.unwrap();
///     drop(right);
///     let err = reader.readexactly(5).await.unwrap_err();
///     assert_eq!(err.to_string(), "stream ended after 3 of 5 bytes");
/// });
/// ```
#[derive(Debug)]
pub enum StreamError {
    /// The socket failed.
    Io(io::Error),
    /// The stream ended first (asyncio's `IncompleteReadError`): what was
    /// read, and how many bytes were wanted (`None` when a separator was).
    Incomplete {
        /// The bytes read before the end.
        partial: Vec<u8>,
        /// How many bytes were asked for; `None` when a separator was.
        expected: Option<usize>,
    },
    /// No separator within the reader's limit (asyncio's
    /// `LimitOverrunError`). `readuntil` leaves the data buffered;
    /// `readline` discards the over-long line.
    LimitOverrun {
        /// Where the separator starts, or how far it was searched for.
        consumed: usize,
    },
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Io(e) => write!(f, "{e}"),
            StreamError::Incomplete { partial, expected } => match expected {
                Some(n) => write!(f, "stream ended after {} of {n} bytes", partial.len()),
                None => write!(
                    f,
                    "stream ended after {} bytes, before the separator",
                    partial.len()
                ),
            },
            StreamError::LimitOverrun { consumed } => {
                write!(
                    f,
                    "no separator in the first {consumed} bytes (the reader's limit)"
                )
            }
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for StreamError {
    fn from(e: io::Error) -> Self {
        StreamError::Io(e)
    }
}
