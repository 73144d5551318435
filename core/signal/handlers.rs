//! asyncio's `loop.add_signal_handler` / `remove_signal_handler`: one
//! callback per signal and loop, run as a callback on the loop each time the
//! signal arrives.

use crate::runtime::{LoopCore, LoopLocal, SignalListener};
use crate::task::spawn_on;
use std::cell::RefCell;
use std::io;
use std::rc::Rc;

/// The handlers of one loop, by signal.
#[derive(Default)]
struct Handlers {
    by_signal: RefCell<Vec<(i32, SignalListener)>>,
}

impl LoopLocal for Handlers {}

pub(crate) fn add_signal_handler(
    core: &LoopCore,
    sig: i32,
    callback: Rc<dyn Fn()>,
) -> io::Result<()> {
    let on_signal = Rc::new(move |core: &LoopCore, count: u64| {
        for _ in 0..count {
            let callback = callback.clone();
            // A callback of the loop (asyncio's `call_soon`): a panic in it is
            // reported as a task's, never tearing the loop down.
            spawn_on(core, async move { callback() }).mark_internal();
        }
    });
    let listener = core.listen_signal(sig, on_signal)?;
    let handlers = core.locals.get_or_insert(Handlers::default);
    let mut by_signal = handlers.by_signal.borrow_mut();
    // The new listener is in place before the old one goes: no delivery is
    // lost in between.
    let replaced = match by_signal.iter_mut().find(|(s, _)| *s == sig) {
        Some((_, old)) => Some(std::mem::replace(old, listener)),
        None => {
            by_signal.push((sig, listener));
            None
        }
    };
    drop(by_signal);
    drop(replaced);
    Ok(())
}

pub(crate) fn remove_signal_handler(core: &LoopCore, sig: i32) -> bool {
    let Some(handlers) = core.locals.get::<Handlers>() else {
        return false;
    };
    let mut by_signal = handlers.by_signal.borrow_mut();
    let Some(at) = by_signal.iter().position(|(s, _)| *s == sig) else {
        return false;
    };
    let (_, listener) = by_signal.swap_remove(at);
    drop(by_signal);
    drop(listener);
    true
}
