//! asyncio's `StreamWriter`: `write` buffers, `drain` sends.

use crate::net::byte_stream::{write_all, ByteStream};
use std::fmt;
use std::io;
use std::net::Shutdown;
use std::rc::Rc;

/// The writing side of a connection from
/// [`open_connection`](crate::net::open_connection) or a
/// [`start_server`](crate::net::start_server) handler.
///
/// As in asyncio, [`write`](Self::write) only buffers and
/// [`drain`](Self::drain) waits until the socket took everything.
pub struct StreamWriter {
    stream: Rc<dyn ByteStream>,
    pending: Vec<u8>,
}

impl StreamWriter {
    pub(crate) fn new(stream: Rc<dyn ByteStream>) -> StreamWriter {
        StreamWriter {
            stream,
            pending: Vec::new(),
        }
    }

    /// Buffers `data` to be sent by the next [`drain`](Self::drain).
    pub fn write(&mut self, data: &[u8]) {
        self.pending.extend_from_slice(data);
    }

    /// Sends everything buffered, waiting while the socket is full.
    pub async fn drain(&mut self) -> io::Result<()> {
        write_all(&*self.stream, &self.pending).await?;
        self.pending.clear();
        Ok(())
    }

    /// Ends the writing half: the peer reads end-of-file, and can still
    /// answer (asyncio's `write_eof`). Send what is buffered first.
    pub fn write_eof(&self) -> io::Result<()> {
        self.stream.shutdown(Shutdown::Write)
    }

    /// Sends what is buffered, then closes the connection both ways (asyncio's
    /// `close()` followed by `await wait_closed()`).
    pub async fn close(mut self) -> io::Result<()> {
        self.drain().await?;
        match self.stream.shutdown(Shutdown::Both) {
            // The peer closed first: the connection is closed either way.
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
            done => done,
        }
    }

    /// The peer's address, as text (asyncio's `get_extra_info("peername")`).
    pub fn peer_name(&self) -> Option<String> {
        self.stream.peer_name()
    }
}

impl fmt::Debug for StreamWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamWriter")
            .field("peer", &self.peer_name())
            .field("buffered", &self.pending.len())
            .finish()
    }
}
