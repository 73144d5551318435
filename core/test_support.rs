//! What `#[aio::test]` expands to besides running the loop.

use std::fmt::Debug;

/// Turns a test's `Result` into a test failure that shows the error.
pub fn report_test_outcome<E: Debug>(outcome: Result<(), E>) {
    if let Err(error) = outcome {
        panic!("the test returned an error: {error:?}");
    }
}
