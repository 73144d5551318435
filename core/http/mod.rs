//! HTTP on the loop: hyper 1.x with aio as its runtime (feature `hyper`).
//!
//! Holds what hyper needs from a runtime ([`Io`], [`LoopTimer`],
//! [`LoopExecutor`]) and thin helpers over it.
//!
//! Imports `net` (streams and listeners), `time` (the loop's clock), `task`
//! (spawning) and `sync`.

mod executor;
mod io;
mod timer;

pub use executor::LoopExecutor;
pub use io::Io;
pub use timer::LoopTimer;

pub use bytes::Bytes;
pub use http_body_util::{BodyExt, Empty, Full};
pub use hyper::body::Incoming;
pub use hyper::{header, Method, Request, Response, StatusCode, Uri};
