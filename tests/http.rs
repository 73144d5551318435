//! aio::http: hyper's client and server on aio's loop, against each other in
//! one process, on the virtual clock (and once on the real one), with the
//! bad inputs a script meets.
#![cfg(feature = "hyper")]

use aio::http::{
    Bytes, Client, Full, HttpError, Listener, Response, StatusCode, get, respond, serve,
};
use aio::net::{TcpListener, TcpStream};
use std::cell::Cell;
use std::time::Duration;

async fn listener() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    (listener, base)
}

/// Reads one request head from `stream` (up to the blank line).
async fn read_head(stream: &TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.unwrap() == 0 {
            break;
        }
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

/// A server that answers one connection's request with `reply`, then closes.
async fn answer_once(listener: &TcpListener, reply: &[u8]) -> std::io::Result<()> {
    let (stream, _) = listener.accept().await?;
    read_head(&stream).await;
    stream.write_all(reply).await
}

async fn hello(request: aio::http::Request<aio::http::Incoming>) -> Response<Full<Bytes>> {
    Response::new(Full::from(format!("hello {}", request.uri().path())))
}

async fn fetch_from_in_process_server() {
    let (listener, base) = listener().await;
    aio::task_group!(|tg| {
        let server = tg.create_task(serve(listener, hello));
        let response = get(&format!("{base}/a/b?c=d")).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.body(), "hello /a/b");
        assert_eq!(response.headers()["content-length"], "10");
        server.cancel();
    })
    .unwrap();
}

#[aio::test]
async fn a_get_reaches_an_in_process_server_on_the_virtual_clock() {
    fetch_from_in_process_server().await;
}

#[aio::test(clock = real)]
async fn a_get_reaches_an_in_process_server_on_the_real_clock() {
    fetch_from_in_process_server().await;
}

/// A TCP listener that counts the connections it accepted.
struct Counting(TcpListener, Cell<usize>);

impl Listener for Counting {
    type Stream = TcpStream;

    async fn accept(&self) -> std::io::Result<TcpStream> {
        let stream = Listener::accept(&self.0).await?;
        self.1.set(self.1.get() + 1);
        Ok(stream)
    }
}

#[aio::test]
async fn a_client_reuses_its_connection_for_later_requests() {
    let (listener, base) = listener().await;
    let listener = Counting(listener, Cell::new(0));
    let accepted = &listener.1;
    aio::task_group!(|tg| {
        let server = tg.create_task(serve(&listener, hello));
        let client = Client::new();
        for i in 0..5 {
            let response = client.get(&format!("{base}/{i}")).await.unwrap();
            assert_eq!(response.body(), &format!("hello /{i}")[..]);
        }
        assert_eq!(accepted.get(), 1, "all five went over one connection");
        // Separate `get` calls each open their own.
        get(&format!("{base}/")).await.unwrap();
        get(&format!("{base}/")).await.unwrap();
        assert_eq!(accepted.get(), 3);
        server.cancel();
    })
    .unwrap();
}

#[aio::test]
async fn a_kept_connection_the_server_closed_is_replaced() {
    let (listener, base) = listener().await;
    let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
    aio::task_group!(|tg| {
        tg.create_task(async {
            // Each connection answers one request and closes, though the
            // response does not say so.
            answer_once(&listener, reply).await?;
            answer_once(&listener, reply).await
        });
        let client = Client::new();
        assert_eq!(client.get(&format!("{base}/1")).await.unwrap().body(), "ok");
        aio::sleep(Duration::from_millis(1)).await;
        assert_eq!(client.get(&format!("{base}/2")).await.unwrap().body(), "ok");
    })
    .unwrap();
}

#[aio::test]
async fn an_idempotent_request_lost_on_a_kept_connection_is_sent_again_on_a_new_one() {
    let (listener, base) = listener().await;
    let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
    aio::task_group!(|tg| {
        tg.create_task(async {
            // The first connection answers one request, then takes the next
            // and closes without answering it.
            let (stream, _) = listener.accept().await?;
            read_head(&stream).await;
            stream.write_all(reply).await?;
            read_head(&stream).await;
            drop(stream);
            answer_once(&listener, reply).await?;
            // A POST is not sent twice: its loss is the caller's error.
            let (stream, _) = listener.accept().await?;
            read_head(&stream).await;
            stream.write_all(reply).await?;
            read_head(&stream).await;
            Ok::<_, std::io::Error>(())
        });
        let client = Client::new();
        for _ in 0..2 {
            assert_eq!(client.get(&format!("{base}/")).await.unwrap().body(), "ok");
        }
        let post = || {
            aio::http::Request::post(format!("{base}/"))
                .body(Bytes::new())
                .unwrap()
        };
        assert_eq!(client.request(post()).await.unwrap().body(), "ok");
        let err = client.request(post()).await.unwrap_err();
        assert!(matches!(err, HttpError::Closed { .. }), "{err:?}");
    })
    .unwrap();
}

#[aio::test]
async fn a_malformed_or_unsupported_url_is_an_invalid_url_error() {
    for (url, says) in [
        ("not a url", "invalid uri character"),
        (
            "example.com/page",
            "write a full URL such as http://example.com/path",
        ),
        ("https://example.com/", "https needs TLS"),
        ("ftp://example.com/", "the scheme \"ftp\" is not supported"),
        ("/just/a/path", "no scheme"),
    ] {
        let err = get(url).await.unwrap_err();
        assert!(
            matches!(&err, HttpError::InvalidUrl { url: u, .. } if u == url),
            "{url}: {err:?}"
        );
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("invalid URL {url:?}: ")),
            "{text}"
        );
        assert!(text.contains(says), "{url}: {text}");
    }
}

#[aio::test]
async fn a_refused_connection_is_a_connect_error_naming_the_address() {
    let (listener, base) = listener().await;
    let addr = listener.local_addr().unwrap();
    drop(listener); // nobody listens there now
    let err = get(&format!("{base}/")).await.unwrap_err();
    let HttpError::Connect { source, .. } = &err else {
        panic!("expected a connect error, got {err:?}");
    };
    assert_eq!(source.kind(), std::io::ErrorKind::ConnectionRefused);
    assert!(
        err.to_string()
            .starts_with(&format!("cannot connect to {addr}: ")),
        "{err}"
    );
}

#[aio::test]
async fn a_server_closing_before_or_during_the_response_is_a_closed_error() {
    let (listener, base) = listener().await;
    let replies: [&[u8]; 3] = [
        b"",
        b"HTTP/1.1 200 OK\r\ncontent-le",
        b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly this much",
    ];
    for reply in replies {
        let ((), fetched) = aio::gather!(answer_once(&listener, reply), async {
            Ok::<_, std::io::Error>(get(&format!("{base}/")).await)
        })
        .unwrap();
        let err = fetched.unwrap_err();
        assert!(matches!(err, HttpError::Closed { .. }), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("the server closed the connection before the response was complete"),
            "{err}"
        );
    }
}

#[aio::test]
async fn a_garbled_response_is_a_protocol_error() {
    let (listener, base) = listener().await;
    let (_, fetched) = aio::gather!(answer_once(&listener, b"SMTP ready\r\n\r\n"), async {
        Ok::<_, std::io::Error>(get(&format!("{base}/")).await)
    })
    .unwrap();
    let err = fetched.unwrap_err();
    assert!(matches!(err, HttpError::Protocol(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("HTTP exchange failed: "),
        "{err}"
    );
}

#[aio::test]
async fn a_response_over_the_limit_is_too_large_whether_its_length_is_declared_or_not() {
    let (listener, base) = listener().await;
    let declared = b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello world".as_slice();
    let chunked =
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
            .as_slice();
    for reply in [declared, chunked] {
        for (limit, fits) in [(11, true), (10, false)] {
            let client = Client::new().max_response_size(limit);
            let (_, fetched) = aio::gather!(answer_once(&listener, reply), async {
                Ok::<_, std::io::Error>(client.get(&format!("{base}/")).await)
            })
            .unwrap();
            match fetched {
                Ok(response) => {
                    assert!(fits);
                    assert_eq!(response.body(), "hello world");
                }
                Err(err) => {
                    assert!(!fits, "{err:?}");
                    assert!(matches!(err, HttpError::TooLarge { limit: 10 }), "{err:?}");
                    assert_eq!(
                        err.to_string(),
                        "the body is larger than the limit of 10 bytes"
                    );
                }
            }
        }
    }
}

#[aio::test]
async fn a_timeout_abandons_a_request_and_the_server_sees_its_connection_close() {
    let (listener, base) = listener().await;
    let start = aio::now();
    aio::task_group!(|tg| {
        tg.create_task(async {
            let (stream, _) = listener.accept().await?;
            read_head(&stream).await;
            // Never answer; the client's leaving shows as the end of the stream.
            let mut rest = [0; 16];
            assert_eq!(stream.read(&mut rest).await?, 0);
            assert_eq!(aio::now() - start, Duration::from_secs(5));
            Ok::<_, std::io::Error>(())
        });
        let fetched = aio::timeout!(Duration::from_secs(5), {
            get(&format!("{base}/slow")).await
        });
        assert!(fetched.is_err(), "the request timed out");
    })
    .unwrap();
}

#[aio::test]
async fn a_cancelled_request_task_closes_its_connection() {
    let (listener, base) = listener().await;
    let client = std::rc::Rc::new(Client::new());
    let request = {
        let client = client.clone();
        aio::create_task(async move { client.get(&format!("{base}/")).await })
    };
    let (stream, _) = listener.accept().await.unwrap();
    read_head(&stream).await;
    request.cancel();
    assert!(request.await.unwrap_err().is_cancelled());
    let mut rest = [0; 16];
    assert_eq!(
        stream.read(&mut rest).await.unwrap(),
        0,
        "the connection closed"
    );
    assert_eq!(
        format!("{client:?}"),
        "Client { max_response_size: 16777216, idle_connections: 0 }"
    );
}

/// Sets the flag when dropped: shows that a cancelled handler's cleanup ran.
struct Cleanup<'a>(&'a Cell<bool>);

impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[aio::test]
async fn cancelling_the_server_cancels_a_handler_in_progress_and_runs_its_cleanup() {
    let (listener, base) = listener().await;
    let cleaned = Cell::new(false);
    let started = aio::Event::new();
    aio::task_group!(|tg| {
        let server = tg.create_task(serve(listener, |_| async {
            let _cleanup = Cleanup(&cleaned);
            started.set();
            aio::sleep(Duration::from_secs(3600)).await;
            respond(StatusCode::OK, "too late")
        }));
        tg.create_task(async { get(&format!("{base}/")).await.map(|_| ()) });
        started.wait().await;
        server.cancel();
        aio::yield_now().await;
        assert!(cleaned.get(), "the handler was dropped with the server");
        assert!(server.is_done());
    })
    .map_err(|group| {
        let err = group.failures()[0].error::<HttpError>().unwrap();
        assert!(matches!(err, HttpError::Closed { .. }), "{err:?}");
    })
    .unwrap_err();
}

#[aio::test]
async fn a_handler_that_catches_the_cancellation_still_answers_then_the_connection_closes() {
    let (listener, base) = listener().await;
    let started = aio::Event::new();
    let served = Cell::new(0);
    let client = Client::new();
    aio::task_group!(|tg| {
        let server = tg.create_task(serve(listener, |_| async {
            served.set(served.get() + 1);
            started.set();
            let body = match aio::catch_cancel(aio::sleep(Duration::from_secs(3600))).await {
                Ok(()) => "finished",
                Err(_cancelled) => {
                    aio::sleep(Duration::from_secs(1)).await; // async cleanup
                    "the server is stopping"
                }
            };
            respond(StatusCode::OK, body)
        }));
        let fetch = tg.create_task(async {
            let first = client.get(&format!("{base}/")).await?;
            // The connection closed after the answer: the next request
            // finds nobody listening.
            let second = client.get(&format!("{base}/")).await;
            Ok::<_, HttpError>((first, second))
        });
        started.wait().await;
        let stopped_at = aio::now();
        server.cancel();
        let (first, second) = fetch.await.unwrap();
        assert_eq!(first.body(), "the server is stopping");
        assert_eq!(aio::now() - stopped_at, Duration::from_secs(1));
        assert!(
            matches!(second, Err(HttpError::Connect { .. })),
            "{second:?}"
        );
        assert_eq!(served.get(), 1);
    })
    .unwrap();
}

#[aio::test]
async fn a_panicking_handler_stops_the_server_with_the_panic() {
    let (listener, base) = listener().await;
    let outcome = aio::task_group!(|tg| {
        tg.create_task(async {
            let err = get(&format!("{base}/")).await.unwrap_err();
            assert!(matches!(err, HttpError::Closed { .. }), "{err:?}");
        });
        let served = serve(listener, |_| async {
            panic!("handler bug");
            #[allow(unreachable_code)]
            respond(StatusCode::OK, "")
        })
        .await;
        Ok::<_, std::convert::Infallible>(served)
    })
    .unwrap();
    let err = outcome.unwrap_err();
    let HttpError::Server(group) = &err else {
        panic!("expected the server's failure, got {err:?}");
    };
    assert!(group.failures()[0].is_panic());
    assert!(
        err.to_string().starts_with("the HTTP server stopped: "),
        "{err}"
    );
    assert!(err.to_string().contains("handler bug"), "{err}");
}

#[aio::test]
async fn a_client_sending_garbage_loses_its_connection_and_the_server_serves_on() {
    let (listener, base) = listener().await;
    let addr = listener.local_addr().unwrap();
    aio::task_group!(|tg| {
        let server = tg.create_task(serve(listener, hello));
        let rude = TcpStream::connect(addr).await.unwrap();
        rude.write_all(b"\x00\x01 not http at all\r\n\r\n")
            .await
            .unwrap();
        let mut reply = Vec::new();
        let mut buf = [0; 256];
        loop {
            let n = rude.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            reply.extend_from_slice(&buf[..n]);
        }
        assert!(reply.starts_with(b"HTTP/1.1 400 Bad Request"), "{reply:?}");
        assert_eq!(
            get(&format!("{base}/still")).await.unwrap().body(),
            "hello /still"
        );
        server.cancel();
    })
    .unwrap();
}

#[aio::test]
async fn a_client_that_sends_no_request_is_closed_after_30_s_of_the_loops_clock() {
    let (listener, _) = listener().await;
    let addr = listener.local_addr().unwrap();
    aio::task_group!(|tg| {
        let server = tg.create_task(serve(listener, hello));
        let silent = TcpStream::connect(addr).await.unwrap();
        let start = aio::now();
        let mut buf = [0; 256];
        while silent.read(&mut buf).await.unwrap() != 0 {}
        assert_eq!(aio::now() - start, Duration::from_secs(30));
        server.cancel();
    })
    .unwrap();
}

#[cfg(unix)]
#[aio::test]
async fn hyper_runs_over_unix_sockets_too() {
    use aio::http::{Empty, Io, Request};
    let dir = std::env::temp_dir().join(format!("aio-http-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("http.sock");
    let _ = std::fs::remove_file(&path);
    let listener = aio::net::UnixListener::bind(&path).unwrap();
    aio::task_group!(|tg| {
        let server = tg.create_task(serve(listener, hello));
        let stream = aio::net::UnixStream::connect(&path).await.unwrap();
        let (mut send, conn) = aio::http::hyper::client::conn::http1::handshake(Io::new(stream))
            .await
            .unwrap();
        let conn = tg.create_task(conn);
        let request = Request::get("/over/unix").header("host", "local");
        let response = send
            .send_request(request.body(Empty::<Bytes>::new()).unwrap())
            .await
            .unwrap();
        let body = aio::http::read_body(response.into_body(), 100)
            .await
            .unwrap();
        assert_eq!(body, "hello /over/unix");
        drop(send); // the connection ends once nothing can send on it
        conn.await.unwrap();
        server.cancel();
    })
    .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[aio::test]
async fn the_timer_sleeps_on_the_loops_clock_and_can_be_moved() {
    use aio::http::hyper::rt::Timer;
    let timer = aio::http::LoopTimer;
    let start = aio::now();
    let mut sleep = timer.sleep(Duration::from_secs(10));
    timer.reset(&mut sleep, start + Duration::from_secs(3));
    sleep.await;
    assert_eq!(aio::now() - start, Duration::from_secs(3));
    let mut sleep = timer.sleep_until(start + Duration::from_secs(4));
    (&mut sleep).await;
    timer.reset(&mut sleep, start + Duration::from_secs(9));
    sleep.await;
    assert_eq!(timer.now() - start, Duration::from_secs(9));
    // Duration::MAX is "never": it does not overflow the clock.
    let never = timer.sleep(Duration::MAX);
    assert!(aio::timeout(Duration::from_secs(1), never).await.is_err());
}

/// A reader that writes `data` and reports `claimed` bytes read.
struct Reader {
    data: &'static [u8],
    claimed: usize,
}

impl futures_io::AsyncRead for Reader {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut [u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        buf[..self.data.len()].copy_from_slice(self.data);
        std::task::Poll::Ready(Ok(self.claimed))
    }
}

#[test]
fn io_hands_hyper_the_bytes_read_and_refuses_a_reader_claiming_more_than_its_room() {
    use aio::http::hyper::rt::{Read, ReadBuf};
    use std::mem::MaybeUninit;
    let poll = |reader: Reader, room: usize| {
        let mut storage = vec![MaybeUninit::<u8>::uninit(); room];
        let mut buf = ReadBuf::uninit(&mut storage);
        let mut io = aio::http::Io::new(reader);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        let polled = std::pin::Pin::new(&mut io).poll_read(&mut cx, buf.unfilled());
        let std::task::Poll::Ready(result) = polled else {
            panic!("a ready reader gave Pending");
        };
        result.map(|()| buf.filled().to_vec())
    };
    let read = poll(
        Reader {
            data: b"abc",
            claimed: 3,
        },
        8,
    )
    .unwrap();
    assert_eq!(read, b"abc");
    let err = poll(
        Reader {
            data: b"abc",
            claimed: 9,
        },
        8,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("more bytes than it was given room for"),
        "{err}"
    );
}
