//! State that the crate's user-facing parts keep per loop (the default thread
//! pool, ...), so the kernel need not know their types. Each value lives as
//! long as the loop and is closed with it.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::rc::Rc;

/// A value kept with a loop; `close` runs when the loop closes.
pub(crate) trait LoopLocal: 'static {
    /// Releases what the value holds (threads, descriptors) as the loop closes.
    fn close(&self) {}
}

type Entry = (TypeId, Rc<dyn Any>, Rc<dyn LoopLocal>);

/// One value per type, in the order they were first asked for.
#[derive(Default)]
pub(crate) struct LoopLocals {
    entries: RefCell<Vec<Entry>>,
}

impl LoopLocals {
    /// The value of type `T`, if one was made.
    pub(crate) fn get<T: LoopLocal>(&self) -> Option<Rc<T>> {
        let entries = self.entries.borrow();
        let (_, any, _) = entries.iter().find(|(id, ..)| *id == TypeId::of::<T>())?;
        any.clone().downcast().ok()
    }

    /// The value of type `T`, made with `init` on first use. `init` may itself
    /// use the loop's locals.
    pub(crate) fn get_or_insert<T: LoopLocal>(&self, init: impl FnOnce() -> T) -> Rc<T> {
        if let Some(value) = self.get::<T>() {
            return value;
        }
        let value = Rc::new(init());
        self.replace_rc(value.clone());
        value
    }

    /// Sets the value of type `T`, returning the one it replaces (not closed).
    pub(crate) fn replace<T: LoopLocal>(&self, value: T) -> Option<Rc<T>> {
        self.replace_rc(Rc::new(value))
    }

    fn replace_rc<T: LoopLocal>(&self, value: Rc<T>) -> Option<Rc<T>> {
        let entry: Entry = (TypeId::of::<T>(), value.clone(), value);
        let mut entries = self.entries.borrow_mut();
        match entries.iter_mut().find(|(id, ..)| *id == TypeId::of::<T>()) {
            Some(slot) => {
                let old = std::mem::replace(slot, entry);
                old.1.downcast().ok()
            }
            None => {
                entries.push(entry);
                None
            }
        }
    }

    /// Closes and forgets every value, in the order they were made.
    pub(crate) fn close_all(&self) {
        let entries = self.entries.take();
        for (_, _, local) in &entries {
            local.close();
        }
    }
}
