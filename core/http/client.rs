//! [`Client`] and [`get`]: HTTP/1.1 requests with the whole response read
//! into memory, over connections kept for reuse.

use super::HttpError;
use super::connection::Connection;
use super::target::{Outgoing, Target, parse_url};
use bytes::Bytes;
use hyper::{Request, Response};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

/// The response size limit of a new [`Client`]: 16 MiB.
///
/// ```
/// use aio::http::{Client, DEFAULT_MAX_RESPONSE_SIZE};
///
/// // A client for small answers; big downloads get a limit of their own.
/// let downloads = Client::new().max_response_size(4 * DEFAULT_MAX_RESPONSE_SIZE);
/// # drop(downloads);
/// assert_eq!(DEFAULT_MAX_RESPONSE_SIZE, 16 << 20);
/// ```
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 16 * 1024 * 1024;

/// How many idle connections a client keeps per server.
const MAX_IDLE_PER_SERVER: usize = 8;

/// Fetches `url` with a new [`Client`] (one connection, closed after): the
/// response with its whole body, at most
/// [`DEFAULT_MAX_RESPONSE_SIZE`] bytes. For several requests, keep a
/// `Client`: it reuses connections.
///
/// Timeouts compose: `aio::timeout!(d, { aio::http::get(url).await })`
/// abandons the request (and closes its connection) at the deadline.
///
/// ```
/// use aio::http::{get, respond, serve, StatusCode};
///
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let url = format!("http://{}/hello", listener.local_addr().unwrap());
///     aio::task_group!(|tg| {
///         let server = tg.create_task(serve(listener, |request| async move {
///             respond(StatusCode::OK, format!("you asked for {}", request.uri().path()))
///         }));
///         let response = get(&url).await.unwrap();
///         assert_eq!(response.status(), 200);
///         assert_eq!(response.body(), "you asked for /hello");
///         server.cancel();
///     })
///     .unwrap();
/// });
/// ```
pub async fn get(url: &str) -> Result<Response<Bytes>, HttpError> {
    Client::new().get(url).await
}

/// An HTTP/1.1 client over plain TCP (`http://` URLs), asyncio-script sized:
/// each call returns the response with its whole body in memory, up to a
/// size limit. Connections are kept and reused (keep-alive) for later
/// requests to the same server; an idle connection the server closed is
/// noticed and replaced. A client belongs to the loop it is used on.
///
/// Cancelling a call (a `timeout!`, a cancelled task) closes its connection.
///
/// ```
/// use aio::http::{respond, serve, Client, HttpError, StatusCode};
///
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let base = format!("http://{}", listener.local_addr().unwrap());
///     aio::task_group!(|tg| {
///         let server = tg.create_task(serve(listener, |_| async {
///             respond(StatusCode::OK, "0123456789")
///         }));
///         let client = Client::new().max_response_size(8);
///         let err = client.get(&format!("{base}/")).await.unwrap_err();
///         assert!(matches!(err, HttpError::TooLarge { limit: 8 }));
///         server.cancel();
///     })
///     .unwrap();
/// });
/// ```
pub struct Client {
    max_response_size: usize,
    idle: RefCell<HashMap<Target, Vec<Connection>>>,
}

impl Client {
    /// A client with the [`DEFAULT_MAX_RESPONSE_SIZE`] limit.
    ///
    /// ```
    /// use aio::http::{respond, serve, Client, StatusCode};
    ///
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let url = format!("http://{}/", listener.local_addr().unwrap());
    ///     aio::task_group!(|tg| {
    ///         let server = tg.create_task(serve(listener, |_| async { respond(StatusCode::OK, "hi") }));
    ///         let client = Client::new(); // one for the whole program: it keeps connections
    ///         for _ in 0..3 {
    ///             assert_eq!(client.get(&url).await.unwrap().body(), "hi");
    ///         }
    ///         server.cancel();
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn new() -> Client {
        Client {
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            idle: RefCell::new(HashMap::new()),
        }
    }

    /// Sets the largest response body accepted, in bytes; a larger one is
    /// [`HttpError::TooLarge`] (its connection is closed, the rest unread).
    ///
    /// ```
    /// use aio::http::{respond, serve, Client, HttpError, StatusCode};
    ///
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let url = format!("http://{}/", listener.local_addr().unwrap());
    ///     aio::task_group!(|tg| {
    ///         let server = tg.create_task(serve(listener, |_| async { respond(StatusCode::OK, "hi") }));
    ///         let small = Client::new().max_response_size(2);
    ///         assert_eq!(small.get(&url).await.unwrap().body(), "hi"); // 2 bytes: fits
    ///         let tiny = Client::new().max_response_size(1);
    ///         let err = tiny.get(&url).await.unwrap_err();
    ///         assert!(matches!(err, HttpError::TooLarge { limit: 1 }));
    ///         server.cancel();
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn max_response_size(mut self, bytes: usize) -> Client {
        self.max_response_size = bytes;
        self
    }

    /// `GET url`. See [`get`].
    ///
    /// ```
    /// use aio::http::{respond, serve, Client, StatusCode};
    ///
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let url = format!("http://{}/", listener.local_addr().unwrap());
    ///     aio::task_group!(|tg| {
    ///         let server = tg.create_task(serve(listener, |request| async move {
    ///             match request.uri().path() {
    ///                 "/hello" => respond(StatusCode::OK, "/hello"),
    ///                 _ => respond(StatusCode::NOT_FOUND, "no such page"),
    ///             }
    ///         }));
    ///         let client = Client::new();
    ///         let found = client.get(&format!("{url}hello")).await.unwrap();
    ///         assert_eq!(found.body(), "/hello");
    ///         let missing = client.get(&format!("{url}nope")).await.unwrap();
    ///         assert_eq!(missing.status(), StatusCode::NOT_FOUND); // an answer, not an error
    ///         server.cancel();
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub async fn get(&self, url: &str) -> Result<Response<Bytes>, HttpError> {
        let request = Request::get(parse_url(url)?).body(Bytes::new());
        self.request(request.map_err(|e| HttpError::invalid_url(url, e.to_string()))?)
            .await
    }

    /// Sends `request`, whose URI is an absolute `http://` URL, and returns
    /// the response with its whole body. A `Host` header is added when
    /// missing.
    ///
    /// ```
    /// use aio::http::{read_body, respond, serve, Bytes, Client, Request, StatusCode};
    ///
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let url = format!("http://{}/echo", listener.local_addr().unwrap());
    ///     aio::task_group!(|tg| {
    ///         let server = tg.create_task(serve(listener, |request| async move {
    ///             let body = read_body(request.into_body(), 1024).await.unwrap_or_default();
    ///             respond(StatusCode::OK, body)
    ///         }));
    ///         let request = Request::post(url).body(Bytes::from("ping")).unwrap();
    ///         let response = Client::new().request(request).await.unwrap();
    ///         assert_eq!(response.body(), "ping");
    ///         server.cancel();
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub async fn request(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let outgoing = Outgoing::new(request)?;
        if let Some(mut reused) = self.take_idle(&outgoing.target).await {
            match reused
                .exchange(outgoing.to_request(), self.max_response_size)
                .await
            {
                Ok(response) => {
                    self.put_idle(&outgoing.target, reused).await;
                    return Ok(response);
                }
                // The server closed the kept connection as the request went
                // out: nothing of a response came, so sending it again on a
                // new connection is safe for an idempotent request.
                Err((HttpError::Closed { .. }, false)) if outgoing.is_idempotent() => {}
                Err((error, _)) => return Err(error),
            }
        }
        let mut fresh = Connection::open(&outgoing.target).await?;
        let response = fresh
            .exchange(outgoing.to_request(), self.max_response_size)
            .await
            .map_err(|(error, _)| error)?;
        self.put_idle(&outgoing.target, fresh).await;
        Ok(response)
    }

    /// An idle connection to `target` that is still open, if any.
    async fn take_idle(&self, target: &Target) -> Option<Connection> {
        loop {
            let mut connection = self.idle.borrow_mut().get_mut(target)?.pop()?;
            if connection.is_reusable().await {
                return Some(connection);
            }
        }
    }

    /// Keeps `connection` for the next request to `target`, if it can take
    /// one and there is room.
    async fn put_idle(&self, target: &Target, mut connection: Connection) {
        if !connection.is_reusable().await {
            return;
        }
        let mut idle = self.idle.borrow_mut();
        let kept = idle.entry(target.clone()).or_default();
        if kept.len() < MAX_IDLE_PER_SERVER {
            kept.push(connection);
        }
    }
}

impl Default for Client {
    fn default() -> Self {
        Client::new()
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let idle: usize = self.idle.borrow().values().map(Vec::len).sum();
        f.debug_struct("Client")
            .field("max_response_size", &self.max_response_size)
            .field("idle_connections", &idle)
            .finish()
    }
}
