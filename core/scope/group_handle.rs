//! `GroupHandle`: what a task group's children hold to start siblings.

use crate::scope::child_handle::ChildHandle;
use crate::scope::child_outcome::ChildOutcome;
use crate::scope::group::GroupState;
use std::borrow::Cow;
use std::fmt;
use std::future::IntoFuture;
use std::panic::Location;
use std::rc::Rc;

/// A clonable handle to a task group, for children that start more children.
/// It cannot leave the block of the group (a compile error), so it never
/// reaches a group that ended.
///
/// ```
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     aio::task_group!(|tg| {
///         let group = tg.handle();
///         tg.create_task(async move {
///             group.create_task(async { println!("started by a child") });
///         });
///     })
///     .unwrap();
/// });
/// ```
pub struct GroupHandle<'g> {
    pub(crate) state: Rc<GroupState<'g>>,
}

impl<'g> GroupHandle<'g> {
    /// Starts a child, as [`TaskGroup::create_task`](crate::TaskGroup::create_task). After the group
    /// decided to stop, the child is cancelled at once.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     aio::task_group!(|tg| {
    ///         let group = tg.handle();
    ///         tg.create_task(async move {
    ///             for page in 1..=3 {
    ///                 // The crawler starts one fetcher per page it finds.
    ///                 group.create_task(aio::sleep(Duration::from_secs(page)));
    ///             }
    ///         });
    ///     })
    ///     .unwrap();
    ///     assert_eq!(aio::get_running_loop().time(), 3.0);
    /// });
    /// ```
    #[track_caller]
    pub fn create_task<F>(&self, future: F) -> ChildHandle<<F::Output as ChildOutcome>::Value>
    where
        F: IntoFuture,
        F::IntoFuture: 'g,
        F::Output: ChildOutcome,
    {
        self.state.create_task(future, None, Location::caller())
    }

    /// Starts a named child, as [`TaskGroup::create_task_named`](crate::TaskGroup::create_task_named).
    ///
    /// ```
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     aio::task_group!(|tg| {
    ///         let group = tg.handle();
    ///         let child = group.create_task_named("helper", async {});
    ///         assert_eq!(child.name(), "helper");
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    #[track_caller]
    pub fn create_task_named<F>(
        &self,
        name: impl Into<Cow<'static, str>>,
        future: F,
    ) -> ChildHandle<<F::Output as ChildOutcome>::Value>
    where
        F: IntoFuture,
        F::IntoFuture: 'g,
        F::Output: ChildOutcome,
    {
        self.state
            .create_task(future, Some(name.into()), Location::caller())
    }

    /// Stops the whole group, as [`TaskGroup::cancel`](crate::TaskGroup::cancel).
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let err = aio::task_group!(|tg| {
    ///         tg.create_task(aio::sleep(Duration::from_secs(3600)));
    ///         let group = tg.handle();
    ///         tg.create_task(async move {
    ///             aio::sleep(Duration::from_secs(1)).await;
    ///             group.cancel(); // a child decides the work is done
    ///         });
    ///     })
    ///     .unwrap_err();
    ///     assert!(err.is_cancelled());
    ///     assert_eq!(aio::get_running_loop().time(), 1.0);
    /// });
    /// ```
    #[track_caller]
    pub fn cancel(&self) {
        self.state.cancel(Location::caller());
    }
}

impl Clone for GroupHandle<'_> {
    fn clone(&self) -> Self {
        GroupHandle {
            state: self.state.clone(),
        }
    }
}

impl fmt::Debug for GroupHandle<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupHandle").finish()
    }
}
