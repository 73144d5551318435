//! A [`StreamReader`] as an async iterator: asyncio's
//! `async for line in reader`.

use crate::net::{StreamError, StreamReader};
use futures_core::Stream;

impl StreamReader {
    /// The stream's lines, each ending in `\n` except perhaps the last,
    /// until the end of the stream: asyncio's `async for line in reader`.
    /// An error (the socket's, or a line longer than the reader's limit) is
    /// the last item; the data stays buffered.
    ///
    /// ```
    /// use aio::StreamExt;
    ///
    /// aio::run(async {
    ///     let listener = aio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    ///     let addr = listener.local_addr().unwrap();
    ///     let (mut reader, _writer) = aio::net::open_connection(addr).await.unwrap();
    ///     let (peer, _) = listener.accept().await.unwrap();
    ///     peer.write_all(b"GET /\r\nHost: here\r\n\r\nbody").await.unwrap();
    ///     drop(peer); // the end of the stream
    ///
    ///     let mut lines = reader.lines();
    ///     let mut count = 0;
    ///     while let Some(line) = lines.next().await {
    ///         let line = line.unwrap();
    ///         println!("{}", String::from_utf8_lossy(&line).trim_end());
    ///         count += 1;
    ///     }
    ///     assert_eq!(count, 4);
    /// });
    /// ```
    pub fn lines(&mut self) -> impl Stream<Item = Result<Vec<u8>, StreamError>> + Unpin + '_ {
        self.split(b"\n")
    }

    /// The stream cut after each `separator` (which each piece keeps, as
    /// [`readuntil`](Self::readuntil) does), the last piece being whatever
    /// follows the last separator. Ends at the end of the stream; an error
    /// is the last item.
    ///
    /// Panics if `separator` is empty: give at least one byte.
    ///
    /// ```
    /// use aio::StreamExt;
    ///
    /// aio::run(async {
    ///     let (ours, theirs) = aio::net::UnixStream::pair().unwrap();
    ///     theirs.write_all(b"a;b;c").await.unwrap();
    ///     drop(theirs);
    ///     let (mut reader, _writer) = ours.into_streams();
    ///     let pieces: Vec<Vec<u8>> = reader.split(b";").map(Result::unwrap).collect().await;
    ///     assert_eq!(pieces, [&b"a;"[..], b"b;", b"c"]);
    /// });
    /// ```
    pub fn split(
        &mut self,
        separator: impl Into<Vec<u8>>,
    ) -> impl Stream<Item = Result<Vec<u8>, StreamError>> + Unpin + '_ {
        let separator = separator.into();
        assert!(
            !separator.is_empty(),
            "StreamReader::split needs a non-empty separator"
        );
        crate::stream! {
            loop {
                match self.readuntil(&separator).await {
                    Ok(piece) => yield Ok(piece),
                    Err(StreamError::Incomplete { partial, .. }) => {
                        if !partial.is_empty() {
                            yield Ok(partial);
                        }
                        return;
                    }
                    Err(error) => {
                        yield Err(error);
                        return;
                    }
                }
            }
        }
    }
}
