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

pub use bytes::Bytes;
pub use http_body_util::{BodyExt, Empty, Full};
pub use hyper;
pub use hyper::body::Incoming;
pub use hyper::{Method, Request, Response, StatusCode, Uri, header};
