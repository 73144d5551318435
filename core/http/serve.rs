//! [`serve`]: an HTTP/1.1 server whose connections are the children of a
//! task group.

use super::{HttpError, Io, Listener, LoopTimer};
use crate::sync::Event;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::{Body, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use std::convert::Infallible;
use std::error::Error;
use std::future::{Future, poll_fn};
use std::io;
use std::pin::pin;

/// Serves HTTP/1.1 on `listener`, calling `handler` for each request, until
/// cancelled; it returns only with an error (accepting failed, a handler
/// panicked).
///
/// Each connection is a child of a [`task_group!`](crate::task_group) that
/// the server owns; its requests (one at a time, as HTTP/1.1 has them) run
/// inside it. So handlers may borrow what outlives the call (no `'static`,
/// no `Send`), and they end with the server: cancelling `serve` cancels every
/// connection, and the cancellation completes once their cleanup ran. A handler in the middle
/// of a request can catch that cancellation with
/// [`catch_cancel`](crate::catch_cancel) to finish gracefully: its response is
/// still sent, and its connection then closes.
///
/// A connection's own failure (a client that sends garbage or goes away)
/// ends that connection only; a handler that panics stops the server, as a
/// failing child stops a task group ([`HttpError::Server`] carries the
/// panic): answer errors you expect with an error response. hyper's timer is
/// the loop's ([`LoopTimer`]): a client has 30 s (on the loop's clock) to
/// send a request's headers.
///
/// ```
/// use aio::http::{get, respond, serve, StatusCode};
/// use std::cell::Cell;
///
/// aio::run(async {
///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     let url = format!("http://{}/", listener.local_addr().unwrap());
///     let hits = Cell::new(0); // borrowed by the handler: no Rc, no Arc
///     aio::task_group!(|tg| {
///         let server = tg.create_task(serve(listener, |_request| async {
///             hits.set(hits.get() + 1);
///             respond(StatusCode::OK, format!("visitor {}", hits.get()))
///         }));
///         assert_eq!(get(&url).await.unwrap().body(), "visitor 1");
///         assert_eq!(get(&url).await.unwrap().body(), "visitor 2");
///         server.cancel();
///     })
///     .unwrap();
/// });
/// ```
pub async fn serve<L, H, F, B>(listener: L, handler: H) -> Result<(), HttpError>
where
    L: Listener,
    H: Fn(Request<Incoming>) -> F,
    F: Future<Output = Response<B>>,
    B: Body + 'static,
    B::Error: Into<Box<dyn Error + Send + Sync>>,
{
    let mut builder = http1::Builder::new();
    builder.timer(LoopTimer);
    let (builder, handler) = (&builder, &handler);
    let stopping = Event::new();
    let stopping = &stopping;
    let listener = &listener;
    let served = crate::task_group!(|tg| {
        let group = tg.handle();
        // Accepting is a child rather than the body: a group polls its body
        // whenever a child wakes, and each poll of an accept is a system call.
        tg.create_task(async move {
            // However the accepting ends (cancelled, failed), the connections
            // still open finish the request they are in and close.
            let _stop = SetOnDrop(stopping);
            loop {
                let stream = match listener.accept().await {
                    Ok(stream) => stream,
                    Err(e) if is_transient(&e) => continue,
                    Err(e) => return Err::<(), _>(e),
                };
                group.create_task(async move {
                    let service = service_fn(|request| {
                        let response = handler(request);
                        async move { Ok::<_, Infallible>(response.await) }
                    });
                    let mut connection = pin!(builder.serve_connection(Io::new(stream), service));
                    let mut stop = pin!(stopping.wait());
                    let mut closing = false;
                    // A failed connection (a client that sent garbage or
                    // went away) concerns that client only.
                    let _ = poll_fn(|cx| {
                        if !closing && stop.as_mut().poll(cx).is_ready() {
                            // Finish the request in progress, then close.
                            closing = true;
                            connection.as_mut().graceful_shutdown();
                        }
                        connection.as_mut().poll(cx)
                    })
                    .await;
                });
            }
        });
    });
    served.map_err(HttpError::Server)
}

/// A response with `status` and `body`, for handlers:
/// `respond(StatusCode::NOT_FOUND, "no such page")`.
///
/// ```
/// use aio::http::{respond, StatusCode};
///
/// let response = respond(StatusCode::NOT_FOUND, "no such page");
/// assert_eq!(response.status(), 404);
/// ```
pub fn respond(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response
}

/// Errors about one connection rather than the listening socket.
fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// Sets the event when dropped.
struct SetOnDrop<'a>(&'a Event);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.set();
    }
}
