//! Networking: TCP, UDP and Unix sockets, asyncio's streams and servers, and
//! how sockets meet cancellation and the virtual clock.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use aio::net::{
    StreamError, StreamReader, StreamWriter, TcpListener, TcpStream, UdpSocket, open_connection,
    start_server,
};

async fn connected_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let client = aio::create_task(async move { TcpStream::connect(addr).await.unwrap() });
    let (server, peer) = listener.accept().await.unwrap();
    let client = client.await.unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    (client, server)
}

#[aio::test]
async fn a_megabyte_echoes_through_tcp_between_tasks_of_one_loop() {
    let (client, server) = connected_pair().await;
    // More than the socket buffers hold: writers must wait for room.
    let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let echo = aio::create_task(async move {
        let mut buf = vec![0; 4096];
        loop {
            let n = server.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            server.write_all(&buf[..n]).await.unwrap();
        }
    });
    let client = Rc::new(client);
    let writer = {
        let client = client.clone();
        let data = data.clone();
        aio::create_task(async move {
            client.write_all(&data).await.unwrap();
            client.shutdown(std::net::Shutdown::Write).unwrap();
        })
    };
    let mut back = vec![0; data.len()];
    client.read_exact(&mut back).await.unwrap();
    assert!(back == data, "the echoed bytes differ");
    let mut rest = [0; 1];
    assert_eq!(client.read(&mut rest).await.unwrap(), 0);
    writer.await.unwrap();
    echo.await.unwrap();
}

#[aio::test]
async fn a_silent_peer_times_out_at_once_on_the_virtual_clock() {
    let (client, _server) = connected_pair().await;
    let start = aio::now();
    let mut buf = [0; 8];
    let read = aio::timeout(Duration::from_secs(3600), client.read(&mut buf)).await;
    assert!(read.is_err(), "nothing was sent, so the read must time out");
    assert_eq!(aio::now() - start, Duration::from_secs(3600));
}

#[aio::test]
async fn data_already_sent_wins_over_a_timer_on_the_virtual_clock() {
    let (client, server) = connected_pair().await;
    server.write_all(b"now").await.unwrap();
    let start = aio::now();
    let mut buf = [0; 3];
    aio::timeout(Duration::from_secs(1), client.read_exact(&mut buf))
        .await
        .expect("the bytes are there already")
        .unwrap();
    assert_eq!(&buf, b"now");
    assert_eq!(aio::now(), start);
}

#[aio::test]
async fn one_task_reads_while_another_writes_the_same_stream() {
    let (client, server) = connected_pair().await;
    let client = Rc::new(client);
    let reader = {
        let client = client.clone();
        aio::create_task(async move {
            let mut got = Vec::new();
            let mut buf = [0; 1024];
            while got.len() < 300_000 {
                let n = client.read(&mut buf).await.unwrap();
                got.extend_from_slice(&buf[..n]);
            }
            got.len()
        })
    };
    // The server sends and the client sends at once: both directions of the
    // client's socket are waited on together.
    let sender = aio::create_task(async move {
        server.write_all(&vec![7; 300_000]).await.unwrap();
        let mut sink = vec![0; 300_000];
        server.read_exact(&mut sink).await.unwrap();
        sink.iter().all(|&b| b == 9)
    });
    client.write_all(&vec![9; 300_000]).await.unwrap();
    assert_eq!(reader.await.unwrap(), 300_000);
    assert!(sender.await.unwrap());
}

#[aio::test]
async fn a_cancelled_read_leaves_the_stream_usable() {
    let (client, server) = connected_pair().await;
    let client = Rc::new(client);
    let waiting = {
        let client = client.clone();
        aio::create_task(async move {
            let mut buf = [0; 4];
            client.read(&mut buf).await
        })
    };
    aio::yield_now().await;
    waiting.cancel();
    assert!(waiting.await.unwrap_err().is_cancelled());
    server.write_all(b"late").await.unwrap();
    let mut buf = [0; 4];
    client.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"late");
}

#[aio::test]
async fn the_futures_io_traits_work_on_streams() {
    use futures::io::{AsyncReadExt, AsyncWriteExt};
    let (mut client, mut server) = connected_pair().await;
    client.write_all(b"through the traits").await.unwrap();
    client.close().await.unwrap();
    let mut text = String::new();
    server.read_to_string(&mut text).await.unwrap();
    assert_eq!(text, "through the traits");
}

async fn echo_lines(mut reader: StreamReader, mut writer: StreamWriter) {
    loop {
        let line = reader.readline().await.unwrap();
        if line.is_empty() {
            break;
        }
        writer.write(b"echo: ");
        writer.write(&line);
        writer.drain().await.unwrap();
    }
    writer.close().await.unwrap();
}

#[aio::test]
async fn start_server_and_open_connection_talk_in_lines() {
    let server = start_server(echo_lines, "127.0.0.1:0").await.unwrap();
    let addr = server.local_addr().unwrap();
    let serving = aio::create_task(async move { server.serve_forever().await });
    let (mut reader, mut writer) = open_connection(addr).await.unwrap();
    assert_eq!(writer.peer_addr().unwrap(), addr);
    writer.write(b"one\ntwo\n");
    writer.drain().await.unwrap();
    assert_eq!(reader.readline().await.unwrap(), b"echo: one\n");
    assert_eq!(reader.readline().await.unwrap(), b"echo: two\n");
    writer.write_eof().unwrap();
    // The server answered every line, then closed: the stream ends.
    assert_eq!(reader.readline().await.unwrap(), b"");
    assert!(reader.at_eof());
    serving.cancel();
}

#[aio::test]
async fn the_reader_reads_exact_sizes_and_separators_and_says_what_is_missing() {
    let (client, server) = connected_pair().await;
    let (mut reader, _writer) = client.into_streams();
    server.write_all(b"header|body-of-10|tail").await.unwrap();
    server.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(reader.readuntil(b"|").await.unwrap(), b"header|");
    assert_eq!(reader.readexactly(10).await.unwrap(), b"body-of-10");
    assert_eq!(reader.read(1).await.unwrap(), b"|");
    match reader.readexactly(10).await {
        Err(StreamError::Incomplete { partial, expected }) => {
            assert_eq!((partial.as_slice(), expected), (&b"tail"[..], Some(10)));
        }
        other => panic!("expected an incomplete read, got {other:?}"),
    }
    assert!(reader.at_eof());
}

struct Cleanup(Rc<RefCell<Vec<&'static str>>>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.0.borrow_mut().push("handler cleaned up");
    }
}

#[aio::test]
async fn stopping_serve_forever_cancels_the_connection_handlers() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    let server = start_server(
        move |mut reader: StreamReader, _writer| {
            let guard = Cleanup(l.clone());
            async move {
                let _guard = guard;
                // Waits for a line that never comes.
                let _ = reader.readline().await;
            }
        },
        "127.0.0.1:0",
    )
    .await
    .unwrap();
    let addr = server.local_addr().unwrap();
    let serving = aio::create_task(async move { server.serve_forever().await });
    let (_reader, _writer) = open_connection(addr).await.unwrap();
    aio::sleep(Duration::from_millis(1)).await;
    assert!(log.borrow().is_empty(), "the handler is still waiting");
    serving.cancel();
    assert!(serving.await.unwrap_err().is_cancelled());
    aio::yield_now().await;
    assert_eq!(*log.borrow(), ["handler cleaned up"]);
}

#[aio::test]
async fn udp_datagrams_go_both_ways() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let (a_addr, b_addr) = (a.local_addr().unwrap(), b.local_addr().unwrap());
    let answer = aio::create_task(async move {
        let mut buf = [0; 64];
        let (n, from) = b.recv_from(&mut buf).await.unwrap();
        b.send_to(&buf[..n].to_ascii_uppercase(), from)
            .await
            .unwrap();
    });
    a.connect(b_addr).unwrap();
    a.send(b"ping").await.unwrap();
    let mut buf = [0; 64];
    let n = a.recv(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"PING");
    assert_eq!(a.peer_addr().unwrap(), b_addr);
    assert_ne!(a_addr, b_addr);
    answer.await.unwrap();
}

#[cfg(unix)]
#[aio::test]
async fn unix_sockets_serve_asyncio_streams() {
    let dir = std::env::temp_dir().join(format!("aio-net-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("echo.sock");
    let _ = std::fs::remove_file(&path);
    let server = aio::net::start_unix_server(echo_lines, &path).unwrap();
    let serving = aio::create_task(async move { server.serve_forever().await });
    let (mut reader, mut writer) = aio::net::open_unix_connection(&path).await.unwrap();
    writer.write(b"over unix\n");
    writer.drain().await.unwrap();
    assert_eq!(reader.readline().await.unwrap(), b"echo: over unix\n");
    serving.cancel();
    let (left, right) = aio::net::UnixStream::pair().unwrap();
    left.write_all(b"pair").await.unwrap();
    let mut buf = [0; 4];
    right.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"pair");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[aio::test]
async fn connecting_to_a_closed_port_is_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let err = TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
}

#[test]
fn a_socket_dropped_while_its_loop_is_idle_is_closed() {
    let runner = aio::Runner::new();
    let listener = runner.run(async { TcpListener::bind("127.0.0.1:0").await.unwrap() });
    let addr = listener.local_addr().unwrap();
    // Dropped between runs: it leaves the poller and closes now, and the loop
    // forgets it when it runs again.
    drop(listener);
    let again = runner.run(async move { TcpListener::bind(addr).await });
    assert!(again.is_ok(), "the port is free again: {again:?}");
}

#[aio::test]
async fn a_socket_is_served_while_other_tasks_keep_the_loop_busy() {
    let (client, server) = connected_pair().await;
    let busy = aio::create_task(async {
        // Never idle: the loop only checks sockets between turns.
        loop {
            aio::yield_now().await;
        }
    });
    server.write_all(b"through").await.unwrap();
    let mut buf = [0; 7];
    client.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"through");
    busy.cancel();
}

/// An address where nothing listens.
async fn closed_port() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

#[aio::test]
async fn connect_tries_each_address_in_turn_until_one_accepts() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let good = listener.local_addr().unwrap();
    let closed = closed_port().await;
    let stream = TcpStream::connect([closed, good]).await.unwrap();
    assert_eq!(stream.peer_addr().unwrap(), good);
    let (_reader, writer) = open_connection(vec![closed, closed, good]).await.unwrap();
    assert_eq!(writer.peer_addr().unwrap(), good);
}

#[aio::test]
async fn when_every_address_refuses_the_error_names_the_last_one() {
    let (first, last) = (closed_port().await, closed_port().await);
    let err = TcpStream::connect(&[first, last][..]).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    assert!(err.to_string().contains(&last.to_string()), "{err}");
}

#[aio::test]
async fn an_unreachable_address_is_an_error_naming_it() {
    let err = TcpStream::connect("255.255.255.255:9").await.unwrap_err();
    assert!(err.to_string().contains("255.255.255.255:9"), "{err}");
}

#[aio::test]
async fn a_name_is_looked_up_and_each_of_its_addresses_tried() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let found = aio::net::lookup_host(("localhost", port)).await.unwrap();
    assert!(found.contains(&std::net::SocketAddr::from(([127, 0, 0, 1], port))));
    let name = format!("localhost:{port}");
    let (_reader, writer) = open_connection(name.as_str()).await.unwrap();
    assert_eq!(writer.peer_addr().unwrap().port(), port);
    let err = aio::net::lookup_host("no-such-host.invalid:80")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no-such-host.invalid"), "{err}");
}

#[test]
fn literal_addresses_are_resolved_and_connected_without_a_thread() {
    let lp = aio::EventLoop::with_clock(aio::Clock::Virtual);
    // No thread pool at all: only what needs one fails.
    let pool = aio::ThreadPool::new(1, "unused");
    pool.shutdown();
    lp.set_default_executor(pool);
    lp.run_until_complete(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let text = addr.to_string();
        assert_eq!(aio::net::lookup_host(text.as_str()).await.unwrap(), [addr]);
        let ip_port = (std::net::Ipv4Addr::LOCALHOST, addr.port());
        let stream = TcpStream::connect(ip_port).await.unwrap();
        let (accepted, peer) = listener.accept().await.unwrap();
        assert_eq!(peer, stream.local_addr().unwrap());
        drop(accepted);
        assert!(aio::net::lookup_host("localhost:80").await.is_err());
    });
    lp.close();
}

#[aio::test]
async fn sockets_convert_to_and_from_the_standard_librarys() {
    use std::io::{Read, Write};
    use std::os::fd::{AsFd, AsRawFd};
    let (client, server) = connected_pair().await;
    let fd = client.as_raw_fd();
    assert_eq!(client.as_fd().as_raw_fd(), fd);
    // A read that waits: the socket is now in the loop's poller.
    let mut buf = [0; 8];
    let waited = aio::timeout(Duration::from_millis(1), client.read(&mut buf)).await;
    assert!(waited.is_err());
    // Off the loop: a plain blocking std socket, the same descriptor.
    let mut plain = client.into_std().unwrap();
    assert_eq!(plain.as_raw_fd(), fd);
    plain.set_nonblocking(false).unwrap();
    plain.write_all(b"from std").unwrap();
    server.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"from std");
    server.write_all(b"back").await.unwrap();
    let mut back = [0; 4];
    plain.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"back");
    // And onto the loop again: waiting registers it anew, which only works
    // if `into_std` took it out of the poller.
    let again = TcpStream::from_std(plain).unwrap();
    let echo = aio::create_task(async move {
        aio::sleep(Duration::from_millis(1)).await;
        server.write_all(b"!").await.unwrap();
        server
    });
    again.read_exact(&mut buf[..1]).await.unwrap();
    assert_eq!(buf[0], b'!');
    drop(echo.await.unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let std_listener = listener.into_std().unwrap();
    assert_eq!(std_listener.local_addr().unwrap(), addr);
    let udp = UdpSocket::from_std(std::net::UdpSocket::bind("127.0.0.1:0").unwrap()).unwrap();
    assert!(udp.as_raw_fd() >= 0);
    assert!(udp.into_std().is_ok());
}
