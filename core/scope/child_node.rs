//! A task group child as the loop sees it (`all_tasks()`, the task tree):
//! its name, place, wait and state, and cancelling it alone.

use crate::cancel::{CancelReason, Cancelled};
use crate::runtime::ChildNode;
use crate::scope::child::ChildCell;
use std::borrow::Cow;
use std::panic::Location;

impl<T: 'static> ChildNode for ChildCell<T> {
    fn id(&self) -> u64 {
        ChildCell::id(self)
    }

    fn number(&self) -> u64 {
        self.number
    }

    fn name(&self) -> String {
        ChildCell::name(self)
    }

    fn set_name(&self, name: Cow<'static, str>) {
        ChildCell::set_name(self, name);
    }

    fn location(&self) -> &'static Location<'static> {
        self.location
    }

    fn is_done(&self) -> bool {
        ChildCell::is_done(self)
    }

    fn is_cancelled(&self) -> bool {
        ChildCell::is_cancelled(self)
    }

    fn cancel_requested(&self) -> bool {
        self.state.is_requested()
    }

    fn cancel(&self, message: Option<String>, location: &'static Location<'static>) -> bool {
        self.request_cancel(Cancelled::new(CancelReason::Explicit { message, location }))
    }
}
