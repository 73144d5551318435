//! What every socket type shares with the standard library's: adopting one
//! (`from_std`), giving it back (`into_std`), and its file descriptor.

/// `from_std`, `into_std`, `AsFd` and `AsRawFd` for a socket type `$t`
/// holding `source: IoSource<$std>` (and, with `ahead`, a stream's
/// `ahead: ReadAhead`); `$std_new` is example code that makes a `$std` named
/// `socket` (in an async block).
macro_rules! std_conversions {
    // A stream that reads ahead: `into_std` hands the stream back rather
    // than lose the bytes it holds.
    ($t:ident, $std:ty, $std_new:literal, ahead) => {
        $crate::net::std_conversions::std_conversions!(@from $t, $std, $std_new, ahead);

        impl $t {
            /// Gives the socket back as the standard library's type, taken off
            /// the loop; it stays in non-blocking mode (call
            /// `set_nonblocking(false)` to block on it). A stream that still
            /// holds bytes it read ahead of its caller (see `read`) is handed
            /// back in the error instead, so that nothing is lost: read them
            /// first.
            ///
            #[doc = concat!("```
use std::os::fd::AsRawFd;

aio::run(async {
", $std_new, "
    let socket = aio::net::", stringify!($t), "::from_std(socket).unwrap();
    let fd = socket.as_raw_fd();
    let socket = socket.into_std().unwrap();
    socket.set_nonblocking(false).unwrap(); // to block on it off the loop
    assert_eq!(socket.as_raw_fd(), fd);
});
```")]
            pub fn into_std(self) -> Result<$std, $crate::net::IntoStdError<$t>> {
                let kept = self.ahead.len();
                if kept > 0 {
                    return Err($crate::net::IntoStdError::new(self, kept));
                }
                self.source
                    .into_inner()
                    .map_err(|error| $crate::net::IntoStdError::failed(error))
            }
        }
    };
    ($t:ident, $std:ty, $std_new:literal) => {
        $crate::net::std_conversions::std_conversions!(@from $t, $std, $std_new);

        impl $t {
            /// Gives the socket back as the standard library's type, taken off
            /// the loop; it stays in non-blocking mode (call
            /// `set_nonblocking(false)` to block on it).
            ///
            #[doc = concat!("```
use std::os::fd::AsRawFd;

aio::run(async {
", $std_new, "
    let socket = aio::net::", stringify!($t), "::from_std(socket).unwrap();
    let fd = socket.as_raw_fd();
    let socket = socket.into_std().unwrap();
    socket.set_nonblocking(false).unwrap(); // to block on it off the loop
    assert_eq!(socket.as_raw_fd(), fd);
});
```")]
            pub fn into_std(self) -> std::io::Result<$std> {
                self.source.into_inner()
            }
        }
    };
    (@from $t:ident, $std:ty, $std_new:literal $(, $field:ident)*) => {
        impl $t {
            /// Adopts a socket made with the standard library (it is put in
            /// non-blocking mode and registered with the running loop).
            ///
            #[doc = concat!("```
use std::os::fd::AsRawFd;

aio::run(async {
", $std_new, "
    let fd = socket.as_raw_fd();
    let socket = aio::net::", stringify!($t), "::from_std(socket).unwrap();
    assert_eq!(socket.as_raw_fd(), fd); // the same socket, now on the loop
});
```")]
            pub fn from_std(socket: $std) -> std::io::Result<$t> {
                socket.set_nonblocking(true)?;
                Ok($t {
                    source: $crate::runtime::IoSource::new(socket)?,
                    $($field: Default::default(),)*
                })
            }
        }

        #[cfg(unix)]
        impl std::os::fd::AsFd for $t {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                self.source.get_ref().as_fd()
            }
        }

        #[cfg(unix)]
        impl std::os::fd::AsRawFd for $t {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                self.source.get_ref().as_raw_fd()
            }
        }
    };
}

pub(crate) use std_conversions;
