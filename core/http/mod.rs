//! HTTP on the loop: hyper 1.x with aio as its runtime (feature `hyper`).
//!
//! Holds what hyper needs from a runtime ([`Io`], [`LoopTimer`],
//! [`LoopExecutor`]) and thin helpers over it.
//!
//! Imports `net` (streams and listeners), `time` (the loop's clock), `task`
//! (spawning) and `sync`.

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
pub use client::{get, Client, DEFAULT_MAX_RESPONSE_SIZE};
pub use error::HttpError;
pub use executor::LoopExecutor;
pub use io::Io;
pub use listener::Listener;
pub use serve::{respond, serve};
pub use timer::LoopTimer;

pub use bytes::Bytes;
pub use http_body_util::{BodyExt, Empty, Full};
pub use hyper::body::Incoming;
pub use hyper::{header, Method, Request, Response, StatusCode, Uri};
