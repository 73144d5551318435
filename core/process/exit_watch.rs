//! Knowing when a child process ended, without a process-wide race: a pidfd
//! registered with the loop's poller where the kernel has one (Linux 5.3 and
//! later), else SIGCHLD. Either way the child is reaped by its own pid
//! (`waitpid(pid)`), never by "any child" (`waitpid(-1)`), so aio takes no
//! other library's children.

use crate::runtime::{Direction, IoSource, LoopCore, SignalListener};
use std::cell::RefCell;
use std::io;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

/// Set once pidfds turned out to be missing (an old kernel, a sandbox).
static NO_PIDFD: AtomicBool = AtomicBool::new(false);

/// How a loop learns that one child ended.
pub(crate) enum ExitWatch {
    /// Readable once the process has ended.
    #[cfg(target_os = "linux")]
    Pidfd(IoSource<std::os::fd::OwnedFd>),
    /// Woken at every SIGCHLD the loop receives; the task then asks its own
    /// child again.
    Sigchld {
        waker: Rc<RefCell<Option<Waker>>>,
        _listener: SignalListener,
    },
}

impl ExitWatch {
    /// Watches the child `pid` (not yet reaped) from `core`'s loop.
    pub(crate) fn new(core: &LoopCore, pid: u32) -> io::Result<ExitWatch> {
        #[cfg(target_os = "linux")]
        if !NO_PIDFD.load(Ordering::Relaxed) {
            if let Some(pid) = rustix::process::Pid::from_raw(pid as i32) {
                match rustix::process::pidfd_open(pid, rustix::process::PidfdFlags::empty()) {
                    Ok(pidfd) => return Ok(ExitWatch::Pidfd(IoSource::new(pidfd)?)),
                    Err(rustix::io::Errno::NOSYS) | Err(rustix::io::Errno::PERM) => {
                        NO_PIDFD.store(true, Ordering::Relaxed)
                    }
                    // Out of descriptors, ...: SIGCHLD still works.
                    Err(_) => {}
                }
            }
        }
        Self::sigchld(core)
    }

    /// The SIGCHLD watch, also where pidfds exist (tests force it).
    pub(crate) fn sigchld(core: &LoopCore) -> io::Result<ExitWatch> {
        let waker: Rc<RefCell<Option<Waker>>> = Rc::default();
        let wake = waker.clone();
        let listener = core.listen_signal(
            signal_hook::consts::SIGCHLD,
            Rc::new(move |_: &LoopCore, _| {
                if let Some(waker) = wake.borrow_mut().take() {
                    waker.wake();
                }
            }),
        )?;
        Ok(ExitWatch::Sigchld {
            waker,
            _listener: listener,
        })
    }

    /// Asks `reap` (a non-blocking wait for this child) until it returns the
    /// exit status, waiting for the child's end in between.
    pub(crate) fn poll_exit<S>(
        &self,
        cx: &mut Context<'_>,
        mut reap: impl FnMut() -> io::Result<Option<S>>,
    ) -> Poll<io::Result<S>> {
        match self {
            #[cfg(target_os = "linux")]
            ExitWatch::Pidfd(pidfd) => pidfd.poll_io(cx, Direction::Read, |_| match reap()? {
                Some(status) => Ok(status),
                None => Err(io::ErrorKind::WouldBlock.into()),
            }),
            ExitWatch::Sigchld { waker, .. } => {
                // The waker is in place before asking: a SIGCHLD from now on
                // wakes this task.
                *waker.borrow_mut() = Some(cx.waker().clone());
                match reap()? {
                    Some(status) => Poll::Ready(Ok(status)),
                    None => {
                        crate::runtime::note_wait(crate::runtime::Wait::On("a process"));
                        Poll::Pending
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ExitWatch;
    use crate::runtime::expect_current;

    /// The fallback for kernels without pidfds, on a real child.
    #[test]
    fn the_sigchld_watch_sees_its_child_end() {
        crate::run(async {
            let watch = expect_current("test", ExitWatch::sigchld).unwrap();
            let mut child = std::process::Command::new("/bin/sh")
                .args(["-c", "sleep 0.05; exit 7"])
                .spawn()
                .unwrap();
            let exit = std::future::poll_fn(|cx| watch.poll_exit(cx, || child.try_wait()));
            // Without the SIGCHLD wake-up this would wait for ever.
            let status = crate::wait_for(exit, std::time::Duration::from_secs(10))
                .await
                .expect("SIGCHLD woke the waiting task")
                .unwrap();
            assert_eq!(status.code(), Some(7));
        });
    }
}
