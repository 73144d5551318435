//! A task group child as the loop sees it (`all_tasks()`, the task tree):
//! its name, place, wait and state, and cancelling it alone.

use crate::cancel::{CancelReason, Cancelled};
use crate::runtime::ChildNode;
use crate::scope::child::{ChildCell, Ended};
use std::borrow::Cow;
use std::panic::Location;

impl<T: 'static> ChildNode for ChildCell<T> {
    fn id(&self) -> u64 {
        ChildCell::id(self)
    }

    fn number(&self) -> u64 {
        self.who.number
    }

    fn name(&self) -> String {
        ChildCell::name(self)
    }

    fn set_name(&self, name: Cow<'static, str>) {
        self.who.name.set(Some(Box::new(name)));
    }

    fn location(&self) -> &'static Location<'static> {
        self.who.location
    }

    fn is_done(&self) -> bool {
        self.ended.get() != Ended::Running
    }

    fn is_cancelled(&self) -> bool {
        self.ended.get() == Ended::Cancelled
    }

    fn cancel_requested(&self) -> bool {
        self.state.is_requested()
    }

    fn cancel(&self, message: Option<String>, location: &'static Location<'static>) -> bool {
        self.request_cancel(Cancelled::new(CancelReason::Explicit { message, location }))
    }
}
