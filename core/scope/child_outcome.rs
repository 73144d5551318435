//! What a task group child (or body) may return, and what counts as its
//! failure.

use std::fmt::Debug;

/// The output of a [`task_group!`](macro@crate::task_group) child or body:
/// `()` or a `Result`. An `Err` fails the group, as an exception does in
/// asyncio's `TaskGroup`; the `Ok` value is what the child's handle (or the
/// group, for the body) gives.
///
/// ```
/// let runner = aio::Runner::with_clock(aio::Clock::Virtual);
/// let total = runner.run(async {
///     aio::task_group!(|tg| {
///         let a = tg.create_task(async { Ok::<_, String>(2) });
///         let b = tg.create_task(async { Ok::<_, String>(3) });
///         Ok::<_, String>(a.await.unwrap() + b.await.unwrap())
///     })
/// });
/// assert_eq!(total.unwrap(), 5);
/// ```
#[diagnostic::on_unimplemented(
    message = "a task_group! child or body returns `()` or `Result<T, E>`, not `{Self}`",
    label = "this output is `{Self}`",
    note = "return `Ok::<_, std::convert::Infallible>(value)` to hand a value back"
)]
pub trait ChildOutcome: 'static {
    /// What the child's handle gives when the child succeeds.
    type Value: 'static;
    /// Splits the output into its value, or the failure's description and the
    /// error itself.
    ///
    /// ```
    /// use aio::ChildOutcome;
    /// assert_eq!(Ok::<_, String>(3).into_outcome().ok(), Some(3));
    /// let (message, _error) = Err::<u8, _>("no").into_outcome().unwrap_err();
    /// assert_eq!(message, "\"no\""); // the error's `Debug` text
    /// ```
    fn into_outcome(self) -> Result<Self::Value, (String, Box<dyn std::any::Any>)>;
}

impl ChildOutcome for () {
    type Value = ();
    fn into_outcome(self) -> Result<(), (String, Box<dyn std::any::Any>)> {
        Ok(())
    }
}

impl<T: 'static, E: Debug + 'static> ChildOutcome for Result<T, E> {
    type Value = T;
    fn into_outcome(self) -> Result<T, (String, Box<dyn std::any::Any>)> {
        self.map_err(|e| (format!("{e:?}"), Box::new(e) as Box<dyn std::any::Any>))
    }
}
