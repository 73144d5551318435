//! asyncio's streams over sockets: cancel-safe draining and closing, what
//! `readline` does with an over-long line, the `futures` I/O traits, and a
//! stream's read-ahead (a small read takes a whole chunk and keeps the rest:
//! the bytes come out once and in order however they are read next, and a
//! stream holding some gives itself back rather than its socket).

use std::time::Duration;

use aio::net::{StreamError, StreamReader, StreamWriter, TcpListener, TcpStream, UnixStream};
use futures::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

async fn connected_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let client = aio::create_task(async move { TcpStream::connect(addr).await.unwrap() });
    let (server, _) = listener.accept().await.unwrap();
    (client.await.unwrap(), server)
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

/// Reads `stream` to its end in a task.
fn read_all(mut reader: StreamReader) -> aio::Task<Vec<u8>> {
    aio::create_task(async move { reader.read_to_end().await.unwrap() })
}

#[aio::test]
async fn a_drain_cut_short_and_retried_sends_every_byte_exactly_once() {
    let (client, server) = connected_pair().await;
    let (_, mut writer) = client.into_streams();
    let data = pattern(8 << 20);
    writer.write(&data);
    // Nobody reads yet: the socket fills up and the timeout cuts the drain.
    let cut = aio::timeout(Duration::from_millis(10), writer.drain()).await;
    assert!(cut.is_err(), "8 MiB do not fit in the socket buffers");
    assert!(writer.buffered() > 0 && writer.buffered() < data.len());
    let (server_reader, _) = server.into_streams();
    let received = read_all(server_reader);
    writer.drain().await.unwrap();
    assert_eq!(writer.buffered(), 0);
    writer.close().await.unwrap();
    let received = received.await.unwrap();
    assert_eq!(received.len(), data.len(), "no byte sent twice or lost");
    assert!(received == data);
}

#[aio::test]
async fn a_close_cut_short_and_retried_sends_the_rest_once_and_closes() {
    let (client, server) = connected_pair().await;
    let (_, mut writer) = client.into_streams();
    let data = pattern(4 << 20);
    writer.write(&data);
    let cut = aio::timeout(Duration::from_millis(10), writer.close()).await;
    assert!(cut.is_err());
    let (server_reader, _) = server.into_streams();
    let received = read_all(server_reader);
    writer.close().await.unwrap();
    writer.close().await.unwrap();
    assert!(
        received.await.unwrap() == data,
        "every byte once, then the end"
    );
    writer.write(b"late");
    let err = writer.drain().await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotConnected);
}

fn unix_streams() -> ((StreamReader, StreamWriter), UnixStream) {
    let (left, right) = UnixStream::pair().unwrap();
    (left.into_streams(), right)
}

#[aio::test]
async fn readline_discards_a_line_longer_than_the_limit_and_reads_on() {
    let ((mut reader, _w), peer) = unix_streams();
    reader.set_limit(16);
    peer.write_all(&[b'x'; 40]).await.unwrap();
    peer.write_all(b"\nnext\n").await.unwrap();
    match reader.readline().await {
        Err(StreamError::LimitOverrun { consumed }) => assert_eq!(consumed, 40),
        other => panic!("expected the limit to stop the read, got {other:?}"),
    }
    // A "log and retry" loop makes progress: the long line is gone.
    assert_eq!(reader.readline().await.unwrap(), b"next\n");
}

#[aio::test]
async fn readline_discards_what_it_buffered_when_the_end_of_the_line_is_not_there_yet() {
    let ((mut reader, _w), peer) = unix_streams();
    reader.set_limit(16);
    peer.write_all(&[b'x'; 40]).await.unwrap();
    assert!(matches!(
        reader.readline().await,
        Err(StreamError::LimitOverrun { .. })
    ));
    peer.write_all(b"tail\n").await.unwrap();
    // As asyncio: what was buffered is dropped, the rest reads as a line.
    assert_eq!(reader.readline().await.unwrap(), b"tail\n");
}

#[aio::test]
async fn readuntil_keeps_the_data_when_the_limit_stops_it() {
    let ((mut reader, _w), peer) = unix_streams();
    reader.set_limit(8);
    peer.write_all(b"0123456789|rest").await.unwrap();
    assert!(matches!(
        reader.readuntil(b"|").await,
        Err(StreamError::LimitOverrun { consumed: 10 })
    ));
    reader.set_limit(64);
    assert_eq!(reader.readuntil(b"|").await.unwrap(), b"0123456789|");
}

#[aio::test]
async fn a_separator_split_across_reads_is_found() {
    let ((mut reader, _w), peer) = unix_streams();
    let sending = aio::create_task(async move {
        peer.write_all(b"head\r").await.unwrap();
        aio::sleep(Duration::from_millis(1)).await;
        peer.write_all(b"\nbody").await.unwrap();
        peer
    });
    assert_eq!(reader.readuntil(b"\r\n").await.unwrap(), b"head\r\n");
    drop(sending.await.unwrap());
    assert_eq!(reader.read_to_end().await.unwrap(), b"body");
}

#[aio::test]
async fn a_cancelled_readexactly_keeps_what_arrived() {
    let ((mut reader, _w), peer) = unix_streams();
    peer.write_all(b"half").await.unwrap();
    let cut = aio::timeout(Duration::from_secs(1), reader.readexactly(8)).await;
    assert!(cut.is_err());
    peer.write_all(b"more").await.unwrap();
    assert_eq!(reader.readexactly(8).await.unwrap(), b"halfmore");
}

#[aio::test]
async fn the_reader_and_writer_implement_the_futures_io_traits() {
    let ((mut reader, mut writer), peer) = unix_streams();
    let (mut peer_reader, mut peer_writer) = peer.into_streams();
    AsyncWriteExt::write_all(&mut writer, b"line one\nline two\n")
        .await
        .unwrap();
    AsyncWriteExt::flush(&mut writer).await.unwrap();
    AsyncWriteExt::close(&mut writer).await.unwrap();
    let mut first = String::new();
    peer_reader.read_line(&mut first).await.unwrap();
    assert_eq!(first, "line one\n");
    let mut rest = String::new();
    AsyncReadExt::read_to_string(&mut peer_reader, &mut rest)
        .await
        .unwrap();
    assert_eq!(rest, "line two\n");
    // After `close` through the trait, the other direction still works.
    peer_writer.write(b"answer");
    peer_writer.drain().await.unwrap();
    let mut buf = [0; 6];
    AsyncReadExt::read_exact(&mut reader, &mut buf)
        .await
        .unwrap();
    assert_eq!(&buf, b"answer");
}

#[aio::test]
async fn read_into_fills_the_callers_buffer_from_the_reader_buffer_first() {
    let ((mut reader, _w), peer) = unix_streams();
    peer.write_all(b"abc\ndefgh").await.unwrap();
    assert_eq!(reader.readline().await.unwrap(), b"abc\n");
    let mut small = [0; 3];
    assert_eq!(reader.read_into(&mut small).await.unwrap(), 3);
    assert_eq!(&small, b"def");
    // A large buffer, with nothing buffered, is read into directly.
    let mut large = vec![0; 64 * 1024];
    assert_eq!(reader.read_into(&mut large).await.unwrap(), 2);
    assert_eq!(&large[..2], b"gh");
    peer.write_all(&pattern(20_000)).await.unwrap();
    drop(peer);
    let mut got = Vec::new();
    loop {
        let n = reader.read_into(&mut large).await.unwrap();
        if n == 0 {
            break;
        }
        got.extend_from_slice(&large[..n]);
    }
    assert!(got == pattern(20_000));
    assert!(reader.at_eof());
    assert_eq!(reader.read(10).await.unwrap(), b"");
}

#[aio::test]
async fn the_writer_reports_socket_addresses_not_text() {
    let (client, server) = connected_pair().await;
    let (client_addr, server_addr) = (client.local_addr().unwrap(), server.local_addr().unwrap());
    let (_, writer) = client.into_streams();
    assert_eq!(writer.peer_addr().unwrap(), server_addr);
    assert_eq!(writer.local_addr().unwrap(), client_addr);
    let ((_, unix_writer), _peer) = unix_streams();
    let err = unix_writer.peer_addr().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::Unsupported);
}

#[aio::test]
async fn small_and_large_reads_get_every_byte_once_and_in_order() {
    let (a, b) = connected_pair().await;
    let sent = pattern(50_000);
    let writer = {
        let sent = sent.clone();
        aio::create_task(async move {
            a.write_all(&sent).await.unwrap();
            a
        })
    };
    let mut got = Vec::new();
    let mut turn = 0;
    while got.len() < sent.len() {
        // Small reads (which read ahead), and now and then one large enough
        // to go straight to its buffer: kept bytes come first either way.
        let mut buf = vec![
            0;
            if turn % 4 == 3 {
                10_000
            } else {
                100 + turn % 7
            }
        ];
        let n = b.read(&mut buf).await.unwrap();
        assert!(n > 0, "the stream ended early");
        got.extend_from_slice(&buf[..n]);
        turn += 1;
    }
    assert_eq!(got, sent);
    drop(writer.await.unwrap());
    // Nothing more was sent: the next read waits for the end of stream.
    assert_eq!(b.read(&mut [0; 8]).await.unwrap(), 0);
}

#[aio::test]
async fn a_read_into_an_empty_buffer_returns_at_once_and_takes_nothing() {
    let (a, b) = connected_pair().await;
    // Nothing to read yet: an empty buffer still gets its `Ok(0)` at once
    // (std's `Read` says so), rather than waiting for bytes it cannot take.
    let at_once = aio::timeout(Duration::from_secs(1), b.read(&mut [])).await;
    assert_eq!(at_once.expect("an empty read returns at once").unwrap(), 0);
    a.write_all(b"xy").await.unwrap();
    assert_eq!(b.read(&mut []).await.unwrap(), 0);
    let mut both = [0; 2];
    b.read_exact(&mut both).await.unwrap();
    assert_eq!(&both, b"xy");
    assert!(b.into_std().is_ok(), "an empty read kept nothing");
}

#[aio::test]
async fn messages_that_arrive_together_are_read_one_by_one() {
    let (a, b) = connected_pair().await;
    a.write_all(b"one\ntwo\nsix\n").await.unwrap();
    for expected in [b"one\n", b"two\n", b"six\n"] {
        let mut message = [0; 4];
        b.read_exact(&mut message).await.unwrap();
        assert_eq!(&message, expected);
    }
    // Then a reply in the other direction, and a new message after it.
    b.write_all(b"ok").await.unwrap();
    let mut reply = [0; 2];
    a.read_exact(&mut reply).await.unwrap();
    assert_eq!(&reply, b"ok");
    a.write_all(b"ten\n").await.unwrap();
    let mut message = [0; 4];
    b.read_exact(&mut message).await.unwrap();
    assert_eq!(&message, b"ten\n");
}

#[aio::test]
async fn a_stream_holding_bytes_read_ahead_gives_itself_back_not_its_socket() {
    let (a, b) = connected_pair().await;
    a.write_all(b"hello").await.unwrap();
    b.read_exact(&mut [0; 1]).await.unwrap();
    let error = b.into_std().unwrap_err();
    assert_eq!(error.buffered(), 4);
    assert!(error.to_string().contains("4 bytes"), "{error}");
    assert!(format!("{error:?}").contains("buffered: 4"), "{error:?}");
    let b = error.into_stream().expect("the stream comes back");
    // Part read: the count is what is left.
    b.read_exact(&mut [0; 1]).await.unwrap();
    let error = b.into_std().unwrap_err();
    assert_eq!(error.buffered(), 3);
    let b = error.into_stream().unwrap();
    let mut rest = [0; 3];
    b.read_exact(&mut rest).await.unwrap();
    assert_eq!(&rest, b"llo");
    // Read out, it gives its socket back.
    let plain = b.into_std().unwrap();
    drop(plain);

    // With `?`, the error is an `io::Error` that says the same.
    fn give_back(stream: TcpStream) -> std::io::Result<std::net::TcpStream> {
        Ok(stream.into_std()?)
    }
    let (c, d) = connected_pair().await;
    c.write_all(b"xyz").await.unwrap();
    d.read_exact(&mut [0; 2]).await.unwrap();
    let error = give_back(d).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
    assert!(error.to_string().contains("1 bytes"), "{error}");
}

#[aio::test]
async fn asyncios_reader_starts_with_the_bytes_a_stream_read_ahead() {
    let (a, b) = connected_pair().await;
    a.write_all(b"hello world\nbye\n").await.unwrap();
    let mut first = [0; 1];
    b.read_exact(&mut first).await.unwrap();
    assert_eq!(&first, b"h");
    let (mut reader, _writer) = b.into_streams();
    assert_eq!(reader.readline().await.unwrap(), b"ello world\n");
    assert_eq!(reader.readline().await.unwrap(), b"bye\n");
}

#[aio::test]
async fn unix_streams_read_ahead_the_same_way() {
    let (a, b) = UnixStream::pair().unwrap();
    a.write_all(&pattern(9_000)).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0; 1_000];
    while got.len() < 9_000 {
        let n = b.read(&mut buf).await.unwrap();
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, pattern(9_000));
    a.write_all(b"ab").await.unwrap();
    b.read_exact(&mut [0; 1]).await.unwrap();
    assert_eq!(b.into_std().unwrap_err().buffered(), 1);
}
