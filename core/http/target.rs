//! Where a request goes: the host and port of an `http://` URL, and the
//! request rewritten for the wire (origin-form target, `Host` header).

use super::HttpError;
use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HOST, HeaderValue};
use hyper::{Request, Uri};

/// The server a request is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    /// As `connect` takes it: no brackets around an IPv6 address.
    pub(crate) host: String,
    pub(crate) port: u16,
}

impl Target {
    /// The target of an absolute URL (`url` is how the user wrote it, for
    /// messages).
    pub(crate) fn of(uri: &Uri, url: &str) -> Result<Target, HttpError> {
        match uri.scheme_str() {
            Some("http") => {}
            Some("https") => {
                return Err(HttpError::invalid_url(
                    url,
                    "https needs TLS, which aio::http does not include (the aio::http docs say how to add it)",
                ));
            }
            Some(other) => {
                return Err(HttpError::invalid_url(
                    url,
                    format!("the scheme {other:?} is not supported; use http://"),
                ));
            }
            None => {
                return Err(HttpError::invalid_url(
                    url,
                    "no scheme: write a full URL such as http://example.com/path",
                ));
            }
        }
        let host = match uri.host() {
            Some(host) if !host.is_empty() => host,
            _ => return Err(HttpError::invalid_url(url, "no host")),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        Ok(Target {
            host: host.to_string(),
            port: uri.port_u16().unwrap_or(80),
        })
    }

    /// `host:port`, as messages show it.
    pub(crate) fn addr(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Parses `url` as an absolute URL.
pub(crate) fn parse_url(url: &str) -> Result<Uri, HttpError> {
    url.parse::<Uri>().map_err(|e| {
        if url.contains("://") {
            HttpError::invalid_url(url, e.to_string())
        } else {
            HttpError::invalid_url(
                url,
                format!("{e}: write a full URL such as http://example.com/path"),
            )
        }
    })
}

/// The parts of a request kept to send it again (on a new connection when a
/// reused one turned out closed).
#[derive(Clone, Debug)]
pub(crate) struct Outgoing {
    pub(crate) target: Target,
    method: hyper::Method,
    /// Origin-form: path and query.
    path: Uri,
    headers: hyper::HeaderMap,
    body: Bytes,
}

impl Outgoing {
    /// Checks `request`'s absolute URL and prepares it for the wire.
    pub(crate) fn new(request: Request<Bytes>) -> Result<Outgoing, HttpError> {
        let (parts, body) = request.into_parts();
        let url = parts.uri.to_string();
        let target = Target::of(&parts.uri, &url)?;
        let path = match parts.uri.path_and_query() {
            Some(pq) => Uri::from(pq.clone()),
            None => Uri::from_static("/"),
        };
        let mut headers = parts.headers;
        if !headers.contains_key(HOST) {
            let authority = parts.uri.authority().map(|a| a.as_str()).unwrap_or("");
            let host = HeaderValue::from_str(authority)
                .map_err(|e| HttpError::invalid_url(&url, e.to_string()))?;
            headers.insert(HOST, host);
        }
        Ok(Outgoing {
            target,
            method: parts.method,
            path,
            headers,
            body,
        })
    }

    /// True when sending it twice does what sending it once does (RFC 9110
    /// 9.2.2), so a request lost with a closing connection can be resent.
    pub(crate) fn is_idempotent(&self) -> bool {
        use hyper::Method;
        [
            Method::GET,
            Method::HEAD,
            Method::PUT,
            Method::DELETE,
            Method::OPTIONS,
            Method::TRACE,
        ]
        .contains(&self.method)
    }

    /// The request as hyper sends it.
    pub(crate) fn to_request(&self) -> Request<Full<Bytes>> {
        let mut request = Request::new(Full::new(self.body.clone()));
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.path.clone();
        *request.headers_mut() = self.headers.clone();
        request
    }
}
