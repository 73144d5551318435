//! `TaskGroup`: the `tg` of a [`task_group!`](macro@crate::task_group) body,
//! which starts children in the group's state (`group.rs`).

use crate::scope::child_handle::ChildHandle;
use crate::scope::child_outcome::ChildOutcome;
use crate::scope::group::GroupState;
use crate::scope::group_handle::GroupHandle;
use std::borrow::Cow;
use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::panic::Location;
use std::rc::Rc;
use std::time::Duration;

/// Ties a group to the block that opened it: a [`GroupHandle`] (or a
/// `TaskGroup`) kept outside that block is a compile error, even if unused,
/// since dropping it needs the anchor's borrow alive.
#[doc(hidden)]
pub struct GroupAnchor;

/// A task group, made by [`task_group!`](macro@crate::task_group): children started
/// with [`create_task`](Self::create_task) run concurrently with the group's
/// body, and the group ends only when all of them have.
///
/// `'g` is what children may borrow: anything that outlives the group.
///
/// ```
/// use std::time::Duration;
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// runner.run(async {
///     let n = aio::task_group!(|tg| {
///         tg.create_task(aio::sleep(Duration::from_secs(1)));
///         tg.create_task(aio::sleep(Duration::from_secs(2)));
///         tg.running()
///     });
///     assert_eq!(n.unwrap(), 2);
///     assert_eq!(aio::get_running_loop().time(), 2.0);
/// });
/// ```
pub struct TaskGroup<'g> {
    pub(crate) state: Rc<GroupState<'g>>,
    _anchor: PhantomData<&'g GroupAnchor>,
}

impl<'g> TaskGroup<'g> {
    /// A group opened at `location` (the `task_group!` call).
    pub(crate) fn new(
        _anchor: &'g GroupAnchor,
        supervise: bool,
        grace: Option<Duration>,
        location: &'static Location<'static>,
    ) -> Self {
        TaskGroup {
            state: GroupState::new(supervise, grace, location),
            _anchor: PhantomData,
        }
        .listed()
    }

    /// Starts `future` as a child of the group and returns its handle.
    ///
    /// The child starts once the body (or the child calling this) next
    /// suspends. It may borrow anything that outlives the group. Its output is
    /// `()` or a `Result`: an `Err` (or a panic) fails the group. It is named
    /// `<group name>/<n>` (see [`ChildHandle::name`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let config = String::from("shared"); // outlives the group: children may borrow it
    ///     let (a, b) = aio::task_group!(|tg| {
    ///         let a = tg.create_task(async {
    ///             aio::sleep(Duration::from_secs(1)).await;
    ///             Ok::<_, std::io::Error>(config.len())
    ///         });
    ///         let b = tg.create_task(aio::sleep(Duration::from_secs(2))); // `()` output
    ///         (a, b)
    ///     })
    ///     .unwrap();
    ///     assert_eq!(a.await.unwrap(), 6);
    ///     assert_eq!(b.await, Ok(()));
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

    /// Starts a child named `name`, as [`create_task`](Self::create_task):
    /// the name shows in [`all_tasks`](crate::all_tasks), the task tree and
    /// the group's failures.
    ///
    /// ```
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// let err = runner
    ///     .run(async {
    ///         aio::task_group!(|tg| {
    ///             tg.create_task_named("fetch users", async { Err::<(), _>("timed out") });
    ///         })
    ///     })
    ///     .unwrap_err();
    /// assert_eq!(err.failures()[0].task(), "fetch users");
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

    /// The group's name: `<name of the task or child that opened it>/group`.
    ///
    /// ```
    /// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    /// runner.run(async {
    ///     aio::task_group!(|tg| assert_eq!(tg.name(), "Task-1/group")).unwrap();
    /// });
    /// ```
    pub fn name(&self) -> &str {
        &self.state.node.name
    }

    /// A handle that children can hold to start more children. Like `tg`, it
    /// cannot leave the group's block.
    ///
    /// ```
    /// aio::run(async {
    ///     let n = aio::task_group!(|tg| {
    ///         let group = tg.handle();
    ///         tg.create_task(async move {
    ///             // A child that starts a sibling.
    ///             group.create_task(async {});
    ///         });
    ///         aio::yield_now().await;
    ///         tg.running()
    ///     });
    ///     assert_eq!(n.unwrap(), 1); // the sibling, started by the first child
    /// });
    /// ```
    pub fn handle(&self) -> GroupHandle<'g> {
        GroupHandle {
            state: self.state.clone(),
        }
    }

    /// Stops the whole group: every child and the body are cancelled (their
    /// cleanup runs) and the group ends with a cancelled [`GroupError`](crate::GroupError)
    /// whose reason is [`CancelReason::GroupCancelled`](crate::CancelReason::GroupCancelled).
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     let err = aio::task_group!(|tg| {
    ///         tg.create_task(aio::sleep(Duration::from_secs(3600)));
    ///         aio::sleep(Duration::from_secs(1)).await;
    ///         tg.cancel(); // enough: stop everything
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

    /// How many children are still running.
    ///
    /// ```
    /// use std::time::Duration;
    /// aio::Runner::with_clock(aio::Clock::Virtual).run(async {
    ///     aio::task_group!(|tg| {
    ///         assert_eq!(tg.running(), 0);
    ///         tg.create_task(aio::sleep(Duration::from_secs(1)));
    ///         assert_eq!(tg.running(), 1);
    ///         aio::sleep(Duration::from_secs(2)).await;
    ///         assert_eq!(tg.running(), 0);
    ///     })
    ///     .unwrap();
    /// });
    /// ```
    pub fn running(&self) -> usize {
        self.state.live.get()
    }
}

impl Drop for TaskGroup<'_> {
    fn drop(&mut self) {
        self.state.closed.set(true);
        self.state.drop_children();
    }
}

impl fmt::Debug for TaskGroup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("running", &self.running())
            .finish()
    }
}
