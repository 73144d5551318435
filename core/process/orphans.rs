//! Detached children: reaped when they end, so none stays a zombie. A task
//! of the loop waits for each; one still running when its loop closes (or
//! detached with no loop running) is reaped by a later spawn.

use crate::process::exit_watch::ExitWatch;
use crate::runtime::with_current;
use crate::task::spawn_on;
use std::io;
use std::sync::Mutex;

/// Pids of detached children whose loop is gone.
static LEFT: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// A detached child not reaped yet; if dropped so, it is left to `reap_left`.
struct Orphan(Option<u32>);

impl Orphan {
    /// Reaps the child if it ended: `Some(())` once it is gone.
    fn try_reap(&mut self) -> io::Result<Option<()>> {
        let Some(pid) = self.0 else {
            return Ok(Some(()));
        };
        let reaped = try_reap(pid)?;
        if reaped.is_some() {
            self.0 = None;
        }
        Ok(reaped)
    }
}

impl Drop for Orphan {
    fn drop(&mut self) {
        if let Some(pid) = self.0 {
            LEFT.lock().unwrap_or_else(|e| e.into_inner()).push(pid);
        }
    }
}

/// `waitpid(pid, WNOHANG)`: `Some(())` once the child is reaped (or is no
/// child of ours any more).
fn try_reap(pid: u32) -> io::Result<Option<()>> {
    let Some(pid) = rustix::process::Pid::from_raw(pid as i32) else {
        return Ok(Some(()));
    };
    match rustix::process::waitpid(Some(pid), rustix::process::WaitOptions::NOHANG) {
        Ok(Some(_)) | Err(rustix::io::Errno::CHILD) => Ok(Some(())),
        Ok(None) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Takes over a detached child still running: a task of the running loop
/// reaps it when it ends.
pub(crate) fn adopt(pid: u32, watch: ExitWatch) {
    let mut orphan = Orphan(Some(pid));
    with_current(move |core| {
        let reaper = async move {
            let _ = std::future::poll_fn(|cx| watch.poll_exit(cx, || orphan.try_reap())).await;
        };
        spawn_on(core, reaper).mark_internal();
    });
}

/// Reaps the detached children left by loops that closed, those that ended.
pub(crate) fn reap_left() {
    let mut left = LEFT.lock().unwrap_or_else(|e| e.into_inner());
    left.retain(|&pid| matches!(try_reap(pid), Ok(None)));
}
