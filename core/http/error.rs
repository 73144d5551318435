//! [`HttpError`]: what can go wrong with a request or a server, each case
//! with a message that says what happened.

use crate::GroupError;
use std::error::Error;
use std::fmt;
use std::io;

/// Why an HTTP request (or [`serve`](super::serve)) gave no result.
///
/// `Send + Sync + 'static`, so `?` turns it into `Box<dyn Error + Send +
/// Sync>`. A response with an error status (404, 500) is not an error: it is
/// an `Ok` response whose [`status`](hyper::Response::status) says so.
///
/// ```
/// aio::run(async {
///     let err = aio::http::get("htp:/nowhere").await.unwrap_err();
///     assert!(matches!(err, aio::http::HttpError::InvalidUrl { .. }));
///     assert!(err.to_string().starts_with("invalid URL \"htp:/nowhere\""));
/// });
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum HttpError {
    /// The URL cannot be fetched: it does not parse, is not `http://`, or
    /// names no host.
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Connecting to the server failed: refused, unreachable, or its name
    /// did not resolve.
    Connect {
        /// The host and port connected to.
        addr: String,
        /// The system's error.
        source: io::Error,
    },
    /// The server closed the connection before the whole response arrived.
    Closed {
        /// hyper's report.
        source: hyper::Error,
    },
    /// The body is larger than the limit (see
    /// [`Client::max_response_size`](super::Client::max_response_size)).
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// Any other failure of the exchange: a malformed response, an I/O error
    /// part-way.
    Protocol(hyper::Error),
    /// Reading a body of another kind than hyper's failed (see
    /// [`read_body`](super::read_body)).
    Body(Box<dyn Error + Send + Sync>),
    /// A server stopped: accepting a connection failed, or a handler
    /// panicked (the failures of its task group).
    Server(GroupError),
}

impl HttpError {
    /// Sorts hyper's error: a connection that ended early (before the
    /// response head or part-way through the body) is [`HttpError::Closed`].
    pub(crate) fn from_hyper(error: hyper::Error) -> HttpError {
        if error.is_incomplete_message() || ends_early(&error) {
            HttpError::Closed { source: error }
        } else {
            HttpError::Protocol(error)
        }
    }

    pub(crate) fn invalid_url(url: &str, reason: impl Into<String>) -> HttpError {
        HttpError::InvalidUrl {
            url: url.to_string(),
            reason: reason.into(),
        }
    }
}

/// True when an unexpected end of file caused `error` (a body cut short).
fn ends_early(error: &hyper::Error) -> bool {
    let mut cause = error.source();
    while let Some(e) = cause {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            if io.kind() == io::ErrorKind::UnexpectedEof {
                return true;
            }
        }
        cause = e.source();
    }
    false
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::InvalidUrl { url, reason } => write!(f, "invalid URL {url:?}: {reason}"),
            HttpError::Connect { addr, source } => write!(f, "cannot connect to {addr}: {source}"),
            HttpError::Closed { source } => write!(
                f,
                "the server closed the connection before the response was complete ({source})"
            ),
            HttpError::TooLarge { limit } => {
                write!(f, "the body is larger than the limit of {limit} bytes")
            }
            HttpError::Protocol(source) => write!(f, "HTTP exchange failed: {source}"),
            HttpError::Body(source) => write!(f, "reading the body failed: {source}"),
            HttpError::Server(group) => write!(f, "the HTTP server stopped: {group}"),
        }
    }
}

impl Error for HttpError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            HttpError::Connect { source, .. } => Some(source),
            HttpError::Closed { source } | HttpError::Protocol(source) => Some(source),
            HttpError::Body(source) => Some(&**source),
            HttpError::Server(group) => Some(group),
            HttpError::InvalidUrl { .. } | HttpError::TooLarge { .. } => None,
        }
    }
}
