//! What a group's body returns: a `Result` whose `Err` is a failure of the
//! group (asyncio: an exception in the `async with` block), or any other
//! value, which becomes the group's. `task_group!` tells the two apart at
//! compile time by method resolution on the body's output type (for a
//! `Result`, the first trait's method is found before the second's).

use crate::scope::group_error::Failure;
use std::cell::Cell;
use std::fmt::Debug;

/// The body's output, on its way to being classified.
#[doc(hidden)]
pub struct BodyOut<T>(pub Cell<Option<T>>);

/// A `Result` body: `Err` fails the group.
#[doc(hidden)]
pub trait ResultBody {
    type Value;
    fn __classify(&self) -> Result<Self::Value, Failure>;
}

impl<T, E: Debug + 'static> ResultBody for BodyOut<Result<T, E>> {
    type Value = T;
    fn __classify(&self) -> Result<T, Failure> {
        match self.0.take().expect("classified once") {
            Ok(value) => Ok(value),
            Err(error) => Err(Failure::returned(
                "body".to_string(),
                format!("{error:?}"),
                Box::new(error),
            )),
        }
    }
}

/// Any other body: its value is the group's.
#[doc(hidden)]
pub trait PlainBody {
    type Value;
    fn __classify(&self) -> Result<Self::Value, Failure>;
}

impl<T> PlainBody for &BodyOut<T> {
    type Value = T;
    fn __classify(&self) -> Result<T, Failure> {
        Ok(self.0.take().expect("classified once"))
    }
}
