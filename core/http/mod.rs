//! HTTP on the loop: hyper 1.x with aio as its runtime (feature `hyper`),
//! and the two things scripts do most, fetching a URL and serving requests.
//!
//! ```
//! use aio::http::{respond, serve, Client, StatusCode};
//!
//! aio::run(async {
//!     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
//!     let base = format!("http://{}", listener.local_addr().unwrap());
//!     aio::task_group!(|tg| {
//!         let server = tg.create_task(serve(listener, |request| async move {
//!             match request.uri().path() {
//!                 "/" => respond(StatusCode::OK, "home"),
//!                 _ => respond(StatusCode::NOT_FOUND, "no such page"),
//!             }
//!         }));
//!         let client = Client::new();
//!         let home = client.get(&format!("{base}/")).await.unwrap();
//!         assert_eq!((home.status(), home.body().as_ref()), (StatusCode::OK, &b"home"[..]));
//!         let missing = client.get(&format!("{base}/nope")).await.unwrap();
//!         assert_eq!(missing.status(), 404); // an answer, not an error
//!         server.cancel();
//!     })
//!     .unwrap();
//! });
//! ```
//!
//! | need | aio |
//! |---|---|
//! | fetch a URL | [`get`], [`Client`] (keep-alive, a size limit) → `Response<Bytes>` or [`HttpError`] |
//! | serve requests | [`serve`] (connections are task-group children), [`respond`], [`read_body`] |
//! | hyper's runtime pieces | [`Io`] (`rt::Read`/`rt::Write`), [`LoopTimer`] (`rt::Timer`), [`LoopExecutor`] (`rt::Executor`) |
//!
//! Everything runs on the loop's thread: handlers and hyper's futures need
//! not be `Send`, and hyper's timeouts follow the loop's clock (on
//! [`Clock::Virtual`](crate::Clock) they take no real time). Time limits on
//! requests come from aio: `aio::timeout!(d, { client.get(url).await })`.
//! Only HTTP/1.1 is built (hyper's `http1`, `client` and `server` features).
//!
//! # TLS (https)
//!
//! Not included: [`get`] refuses `https://` URLs with a message saying so.
//! A TLS library with `futures` I/O traits fits in [`Io`] as is, since aio's
//! streams have those traits. With `futures-rustls`, a server implements
//! [`Listener`] with a TLS handshake after each accept, and a client wraps
//! its stream before hyper's handshake:
//!
//! ```text
//! struct TlsListener { tcp: aio::net::TcpListener, acceptor: futures_rustls::TlsAcceptor }
//!
//! impl aio::http::Listener for TlsListener {
//!     type Stream = futures_rustls::server::TlsStream<aio::net::TcpStream>;
//!     async fn accept(&self) -> std::io::Result<Self::Stream> {
//!         let (tcp, _) = self.tcp.accept().await?;
//!         self.acceptor.accept(tcp).await
//!     }
//! }
//! // serve(TlsListener { .. }, handler) as for plain TCP; and a client:
//! let tcp = aio::net::TcpStream::connect(addr).await?;
//! let tls = connector.connect(server_name, tcp).await?; // a futures_rustls::TlsConnector
//! let (mut send, connection) = hyper::client::conn::http1::handshake(aio::http::Io::new(tls)).await?;
//! ```
//!
//! This was tried (futures-rustls 0.26 with the `ring` provider, a
//! self-signed certificate from rcgen): a request went through such a
//! server and client. It is not among aio's tests, since no TLS crate is a
//! dependency of aio.
//!
//! Imports `net` (streams and listeners), `time` (the loop's clock), `task`
//! (spawning), `sync` (an event) and `scope` (the server's task group).

mod body;
mod client;
mod connection;
mod error;
mod executor;
mod io;
mod listener;
mod serve;
mod target;
mod timer;

pub use body::read_body;
pub use client::{Client, DEFAULT_MAX_RESPONSE_SIZE, get};
pub use error::HttpError;
pub use executor::LoopExecutor;
pub use io::Io;
pub use listener::Listener;
pub use serve::{respond, serve};
pub use timer::LoopTimer;

/// A cheaply cloned byte buffer (the `bytes` crate's): the body of
/// [`Client`] responses and of [`respond`].
///
/// ```
/// use aio::http::Bytes;
///
/// let body = Bytes::from("hello world");
/// let hello = body.slice(..5); // shares the memory, copies nothing
/// assert_eq!(hello, "hello");
/// ```
pub use bytes::Bytes;
/// Adapters on any body (`http-body-util`'s), such as `collect()` to read it
/// whole; [`read_body`] does that with a size limit.
///
/// ```
/// use aio::http::{BodyExt, Bytes, Full};
///
/// aio::run(async {
///     let body = Full::new(Bytes::from("all of it"));
///     let collected = body.collect().await.unwrap().to_bytes();
///     assert_eq!(collected, "all of it");
/// });
/// ```
pub use http_body_util::BodyExt;
/// A body with nothing in it, for requests such as `GET`.
///
/// ```
/// use aio::http::hyper::body::Body;
/// use aio::http::{Bytes, Empty, Request};
///
/// let request = Request::get("http://example.com/").body(Empty::<Bytes>::new()).unwrap();
/// assert!(request.body().is_end_stream());
/// ```
pub use http_body_util::Empty;
/// A body of one chunk, known in full: what [`respond`] answers with.
///
/// ```
/// use aio::http::{read_body, Bytes, Full, Response};
///
/// aio::run(async {
///     let response = Response::new(Full::new(Bytes::from("{\"ok\":true}")));
///     assert_eq!(read_body(response.into_body(), 1024).await.unwrap(), "{\"ok\":true}");
/// });
/// ```
pub use http_body_util::Full;
/// hyper itself (1.x), for what [`serve`] and [`Client`] do not cover: its
/// connection builders run on aio with [`Io`], [`LoopTimer`] and
/// [`LoopExecutor`].
///
/// ```
/// use aio::http::hyper::client::conn::http1;
/// use aio::http::{respond, serve, Bytes, Empty, Io, Request, StatusCode};
///
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let addr = listener.local_addr().unwrap();
///     aio::task_group!(|tg| {
///         let server = tg.create_task(serve(listener, |_| async { respond(StatusCode::OK, "hi") }));
///         let stream = aio::net::TcpStream::connect(addr).await.unwrap();
///         let (mut send, connection) = http1::handshake(Io::new(stream)).await.unwrap();
///         tg.create_task(async move { connection.await.unwrap() });
///         let request = Request::get("/").header("host", "local").body(Empty::<Bytes>::new()).unwrap();
///         assert_eq!(send.send_request(request).await.unwrap().status(), 200);
///         drop(send);
///         server.cancel();
///     })
///     .unwrap();
/// });
/// ```
pub use hyper;
/// An HTTP method (`GET`, `POST`, ...), as a handler matches on it.
///
/// ```
/// use aio::http::{respond, Method, Request, StatusCode};
///
/// let handle = |method: &Method| match *method {
///     Method::GET | Method::HEAD => respond(StatusCode::OK, "page"),
///     _ => respond(StatusCode::METHOD_NOT_ALLOWED, ""),
/// };
/// let delete = Request::delete("/page").body(()).unwrap();
/// assert_eq!(handle(delete.method()).status(), 405);
/// ```
pub use hyper::Method;
/// An HTTP request: built for [`Client::request`], received by [`serve`]
/// handlers.
///
/// ```
/// use aio::http::{header, Bytes, Request};
///
/// let request = Request::post("http://example.com/items")
///     .header(header::CONTENT_TYPE, "application/json")
///     .body(Bytes::from("{}"))
///     .unwrap();
/// assert_eq!(request.uri().path(), "/items");
/// assert_eq!(request.headers()[header::CONTENT_TYPE], "application/json");
/// ```
pub use hyper::Request;
/// An HTTP response: from [`Client`] (with a [`Bytes`] body), or built by a
/// [`serve`] handler ([`respond`] makes the simple ones).
///
/// ```
/// use aio::http::{header, Bytes, Full, Response, StatusCode};
///
/// let created = Response::builder()
///     .status(StatusCode::CREATED)
///     .header(header::LOCATION, "/items/7")
///     .body(Full::new(Bytes::from("created")))
///     .unwrap();
/// assert_eq!(created.status(), 201);
/// assert_eq!(created.headers()[header::LOCATION], "/items/7");
/// ```
pub use hyper::Response;
/// An HTTP status code; it compares with plain numbers.
///
/// ```
/// use aio::http::StatusCode;
///
/// let status = StatusCode::NOT_FOUND;
/// assert_eq!(status, 404);
/// assert!(status.is_client_error());
/// assert_eq!(status.canonical_reason(), Some("Not Found"));
/// ```
pub use hyper::StatusCode;
/// A URI: a request's target, parsed.
///
/// ```
/// use aio::http::Uri;
///
/// let uri: Uri = "http://example.com:8080/search?q=aio".parse().unwrap();
/// assert_eq!(uri.host(), Some("example.com"));
/// assert_eq!(uri.port_u16(), Some(8080));
/// assert_eq!((uri.path(), uri.query()), ("/search", Some("q=aio")));
/// ```
pub use hyper::Uri;
/// The body of a request a [`serve`] handler receives, streamed as it
/// arrives: read it with [`read_body`].
///
/// ```
/// use aio::http::{read_body, respond, Bytes, Client, Incoming, Request, Response, Full, StatusCode};
///
/// async fn shout(request: Request<Incoming>) -> Response<Full<Bytes>> {
///     match read_body(request.into_body(), 1024).await {
///         Ok(body) => respond(StatusCode::OK, body.to_ascii_uppercase()),
///         Err(_) => respond(StatusCode::PAYLOAD_TOO_LARGE, "too long"),
///     }
/// }
///
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let url = format!("http://{}/", listener.local_addr().unwrap());
///     aio::task_group!(|tg| {
///         let server = tg.create_task(aio::http::serve(listener, shout));
///         let request = Request::post(url).body(Bytes::from("hey")).unwrap();
///         assert_eq!(Client::new().request(request).await.unwrap().body(), "HEY");
///         server.cancel();
///     })
///     .unwrap();
/// });
/// ```
pub use hyper::body::Incoming;
/// Header names (`header::CONTENT_TYPE`, ...) and values.
///
/// ```
/// use aio::http::{header, respond, StatusCode};
///
/// let mut response = respond(StatusCode::OK, "<p>hi</p>");
/// response.headers_mut().insert(header::CONTENT_TYPE, "text/html".parse().unwrap());
/// assert_eq!(response.headers()[header::CONTENT_TYPE], "text/html");
/// ```
pub use hyper::header;
