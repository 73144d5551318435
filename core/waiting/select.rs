//! What `select_first!` runs: poll branches in a fair (or biased) order until
//! one completes with a matching pattern.

use crate::runtime::with_current;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Races `branches` branches, as `select_first!` does: `poll_branch(i, cx)`
/// polls branch `i` and returns `Ready(Some(out))` when it completed with a
/// matching pattern, `Ready(None)` when it completed without a match (the
/// branch is then disabled) and `Pending` otherwise. Resolves to the first
/// `Some(out)`, or `None` once every branch is disabled.
///
/// Fair unless `biased`: each poll starts at a pseudo-random branch (from the
/// loop's generator, fixed-seeded on a virtual clock so runs repeat); biased
/// polls always start at the first branch. At most 64 branches.
pub fn select_first<O, P>(branches: usize, biased: bool, poll_branch: P) -> SelectFirst<P>
where
    P: FnMut(usize, &mut Context<'_>) -> Poll<Option<O>>,
{
    assert!(
        branches <= 64,
        "select_first! takes at most 64 branches; nest two selects for more"
    );
    SelectFirst {
        branches,
        biased,
        disabled: 0,
        poll_branch,
    }
}

/// The future of [`select_first`].
#[must_use = "nothing is raced unless awaited"]
pub struct SelectFirst<P> {
    branches: usize,
    biased: bool,
    disabled: u64,
    poll_branch: P,
}

impl<P> Unpin for SelectFirst<P> {}

impl<O, P> Future for SelectFirst<P>
where
    P: FnMut(usize, &mut Context<'_>) -> Poll<Option<O>>,
{
    type Output = Option<O>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<O>> {
        let this = self.get_mut();
        let n = this.branches;
        let start = if this.biased || n < 2 {
            0
        } else {
            // Multiply-shift maps the random bits onto 0..n without a division.
            with_current(|core| (((core.next_random() >> 32) * n as u64) >> 32) as usize)
                .unwrap_or(0)
        };
        for k in 0..n {
            // Wrap around without a division (this runs on every poll).
            let i = if start + k >= n {
                start + k - n
            } else {
                start + k
            };
            if this.disabled & (1 << i) != 0 {
                continue;
            }
            match (this.poll_branch)(i, cx) {
                Poll::Ready(Some(out)) => return Poll::Ready(Some(out)),
                Poll::Ready(None) => this.disabled |= 1 << i,
                Poll::Pending => {}
            }
        }
        let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
        if this.disabled & all == all {
            Poll::Ready(None)
        } else {
            Poll::Pending
        }
    }
}

/// Polls one branch's future and checks its pattern with `matches`.
#[doc(hidden)]
pub fn __poll_branch<F: Future>(
    future: Pin<&mut F>,
    cx: &mut Context<'_>,
    matches: impl FnOnce(&F::Output) -> bool,
) -> Poll<Option<F::Output>> {
    match future.poll(cx) {
        Poll::Ready(output) if matches(&output) => Poll::Ready(Some(output)),
        Poll::Ready(_) => Poll::Ready(None),
        Poll::Pending => Poll::Pending,
    }
}

/// Turns a branch's expression into its future; a compile error names the
/// expression when it is not awaitable.
#[doc(hidden)]
pub fn __branch_future<F: IntoFuture>(future: F) -> F::IntoFuture {
    future.into_future()
}
