//! What a suspended task (or group child) waits on, for the task tree and
//! the deadlock report.
//!
//! A future that returns `Pending` names what it waits on with
//! [`note_wait`]. The note goes into a thread-local slot that the loop reads
//! after each poll and keeps with the task (or the group with the child).
//! Only a loop that records (debug mode, or a virtual clock) turns the slot
//! on: otherwise a note is one read of a thread-local flag.

use crate::runtime::reactor::Direction;
use std::cell::Cell;
use std::time::Instant;

/// What a task or child waits on (the last thing it noted before its poll
/// returned `Pending`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Nothing was noted.
    #[default]
    Unknown,
    /// A timer (`sleep`, a deadline, an interval) due at this instant.
    Timer(Instant),
    /// A socket or pipe becoming ready.
    Io(Direction),
    /// A synchronisation primitive or another kind of wake-up, by name
    /// ("lock", "event", "queue (get)", ...).
    On(&'static str),
    /// Another task, by id (awaiting its handle).
    Task(u64),
    /// A task group child, by id (awaiting its handle).
    Child(u64),
    /// The children of a task group, by the group's id.
    Group(u64),
}

thread_local! {
    /// True while the loop running on this thread records wait reasons.
    static RECORDING: Cell<bool> = const { Cell::new(false) };
    /// The last note of the poll in progress.
    static NOTED: Cell<Wait> = const { Cell::new(Wait::Unknown) };
}

/// Notes what the future being polled waits on; free unless the running
/// loop records.
#[inline]
pub(crate) fn note_wait(wait: Wait) {
    if RECORDING.with(Cell::get) {
        NOTED.with(|noted| noted.set(wait));
    }
}

/// True when the loop running on this thread records wait reasons (and
/// ages): what a note would need may then be worth computing.
#[inline]
pub(crate) fn recording() -> bool {
    RECORDING.with(Cell::get)
}

/// Turns recording on or off for this thread; returns what it was.
pub(super) fn set_recording(on: bool) -> bool {
    RECORDING.try_with(|r| r.replace(on)).unwrap_or(false)
}

/// Starts the poll of a node (a task, a child, a group's body): clears the
/// slot and returns the enclosing node's note, for [`end_poll`].
#[inline]
pub(crate) fn begin_poll() -> Wait {
    NOTED.with(|noted| noted.replace(Wait::Unknown))
}

/// Ends the poll that [`begin_poll`] started: returns the node's note and
/// puts the enclosing node's back.
#[inline]
pub(crate) fn end_poll(outer: Wait) -> Wait {
    NOTED.with(|noted| noted.replace(outer))
}
