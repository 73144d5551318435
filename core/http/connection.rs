//! One client connection: hyper's HTTP/1.1 handshake over an aio TCP stream,
//! driven by whoever awaits an exchange on it (no task of its own).

use super::target::Target;
use super::{HttpError, Io};
use crate::net::TcpStream;
use bytes::Bytes;
use http_body_util::Full;
use hyper::client::conn::http1;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::Poll;

type Driver = http1::Connection<Io<TcpStream>, Full<Bytes>>;

/// A client connection: the handle that sends requests and the future that
/// reads and writes the socket. The future is polled only while a request
/// awaits it, so an idle connection costs no task; dropping it closes the
/// socket.
pub(crate) struct Connection {
    pub(crate) send: http1::SendRequest<Full<Bytes>>,
    /// `None` once the connection ended (its future is dropped then, so that
    /// a request still waiting on it gets an error instead of waiting).
    driver: Option<Pin<Box<Driver>>>,
}

impl Connection {
    /// Connects to `target` and does hyper's (local) handshake.
    pub(crate) async fn open(target: &Target) -> Result<Connection, HttpError> {
        let stream = TcpStream::connect((target.host.clone(), target.port))
            .await
            .map_err(|source| HttpError::Connect {
                addr: target.addr(),
                source,
            })?;
        // A request is written in one go; waiting for more to send with it
        // would only delay it.
        let _ = stream.set_nodelay(true);
        let (send, driver) = http1::handshake(Io::new(stream))
            .await
            .map_err(HttpError::from_hyper)?;
        Ok(Connection {
            send,
            driver: Some(Box::pin(driver)),
        })
    }

    /// Runs `work` (which uses `self.send`, or a body from it) while driving
    /// the connection's I/O.
    pub(crate) async fn drive<T>(
        driver: &mut Option<Pin<Box<Driver>>>,
        work: impl Future<Output = T>,
    ) -> T {
        let mut work = pin!(work);
        poll_fn(|cx| {
            if let Some(running) = driver {
                if running.as_mut().poll(cx).is_ready() {
                    *driver = None;
                }
            }
            work.as_mut().poll(cx)
        })
        .await
    }

    /// Sends `request` and reads its response, the body whole up to `limit`
    /// bytes. `Err((error, sent))`: `sent` is false when the connection
    /// failed before any of the response arrived.
    pub(crate) async fn exchange(
        &mut self,
        request: hyper::Request<Full<Bytes>>,
        limit: usize,
    ) -> Result<hyper::Response<Bytes>, (HttpError, bool)> {
        let head = Self::drive(&mut self.driver, self.send.send_request(request))
            .await
            .map_err(|e| (HttpError::from_hyper(e), false))?;
        let (parts, body) = head.into_parts();
        let body = Self::drive(&mut self.driver, super::read_body(body, limit))
            .await
            .map_err(|e| (e, true))?;
        Ok(hyper::Response::from_parts(parts, body))
    }

    /// True when the connection can take another request: the server has
    /// not closed it and the last exchange left it idle.
    pub(crate) async fn is_reusable(&mut self) -> bool {
        let (send, driver) = (&mut self.send, &mut self.driver);
        poll_fn(|cx| {
            let Some(running) = driver else {
                return Poll::Ready(false);
            };
            if running.as_mut().poll(cx).is_ready() {
                *driver = None;
                return Poll::Ready(false);
            }
            Poll::Ready(matches!(send.poll_ready(cx), Poll::Ready(Ok(()))))
        })
        .await
    }
}
