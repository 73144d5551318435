//! A stream reads a whole chunk for a small read and keeps what its caller
//! did not take: the bytes come out once and in order however they are read
//! next, and a stream holding some gives itself back rather than its socket.

use aio::net::{TcpListener, TcpStream, UnixStream};

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
    let b = error.into_stream().expect("the stream comes back");
    let mut rest = [0; 4];
    b.read_exact(&mut rest).await.unwrap();
    assert_eq!(&rest, b"ello");
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
