//! Model-based property test of `Semaphore` and `BoundedSemaphore`: random
//! programs of tasks acquiring (waiting, timing out, re-polled by
//! `select_first!` siblings, cancelled), trying, forgetting and releasing,
//! checked against the reference model: permits conserved, never more
//! holders than permits, FIFO service, no lost wake-up, and a bounded
//! semaphore refusing to pass its bound.

mod prop_support;

use prop_support::*;
use proptest::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

#[derive(Clone, Debug)]
enum Op {
    Acquire {
        patience: Patience,
        hold: u8,
    },
    TryAcquire {
        hold: u8,
    },
    /// Acquire, `forget` the permit, later `release()` it.
    ForgetThenRelease {
        patience: Patience,
        hold: u8,
    },
    /// A `release()` without an acquire: grows a plain semaphore, refused by
    /// a full bounded one.
    Release,
    Pause(u8),
    CancelPeer(u8),
}

fn op() -> impl Strategy<Value = Op> + Clone {
    prop_oneof![
        4 => (patience(), pauses()).prop_map(|(patience, hold)| Op::Acquire { patience, hold }),
        1 => pauses().prop_map(|hold| Op::TryAcquire { hold }),
        1 => (patience(), pauses())
            .prop_map(|(patience, hold)| Op::ForgetThenRelease { patience, hold }),
        1 => Just(Op::Release),
        1 => pauses().prop_map(Op::Pause),
        1 => any::<u8>().prop_map(Op::CancelPeer),
    ]
}

struct Shared {
    sem: aio::Semaphore,
    bound: Option<usize>,
    model: RefCell<PermitModel>,
    /// Permits the semaphore has in all (held, handed over or free).
    total: Cell<usize>,
    holders: Cell<usize>,
}

async fn hold_for(shared: &Shared, hold: u8) {
    let holders = shared.holders.get() + 1;
    assert!(holders <= shared.total.get(), "more holders than permits");
    shared.holders.set(holders);
    let _leave = OnDrop(|| shared.holders.set(shared.holders.get() - 1));
    pause(hold).await;
}

async fn actor(shared: Rc<Shared>, id: usize, ops: Vec<Op>) {
    let shared = &*shared;
    let available = || shared.sem.available();
    let holding = |permit| Holding {
        guard: Some(permit),
        model: &shared.model,
        available: &available,
    };
    for op in ops {
        match op {
            Op::Acquire { patience, hold } => {
                let acquire = Tracked::new(&shared.model, &available, id, shared.sem.acquire());
                if let Some(permit) = with_patience(patience, acquire).await {
                    let _held = holding(permit);
                    hold_for(shared, hold).await;
                }
            }
            Op::TryAcquire { hold } => {
                let expected = shared.model.borrow().free_for_newcomer();
                assert_eq!(
                    !shared.sem.locked(),
                    expected,
                    "locked(): {:?}",
                    shared.model.borrow()
                );
                let got = shared.sem.try_acquire();
                assert_eq!(
                    got.is_some(),
                    expected,
                    "try_acquire: {:?}",
                    shared.model.borrow()
                );
                if let Some(permit) = got {
                    shared.model.borrow_mut().requested(id, true);
                    let _held = holding(permit);
                    hold_for(shared, hold).await;
                }
            }
            Op::ForgetThenRelease { patience, hold } => {
                let acquire = Tracked::new(&shared.model, &available, id, shared.sem.acquire());
                if let Some(permit) = with_patience(patience, acquire).await {
                    permit.forget();
                    // Released however the task ends, as a `finally:` would.
                    let _held = Holding {
                        guard: Some(ReleaseOnDrop(&shared.sem)),
                        model: &shared.model,
                        available: &available,
                    };
                    hold_for(shared, hold).await;
                }
            }
            Op::Release => {
                let full = shared.model.borrow().available >= shared.bound.unwrap_or(usize::MAX);
                if shared.bound.is_some() && !full {
                    continue; // a bounded semaphore's release pairs with an acquire
                }
                let released = shared.sem.release();
                assert_eq!(
                    released.is_err(),
                    full,
                    "release(): {:?}",
                    shared.model.borrow()
                );
                if released.is_ok() {
                    shared.total.set(shared.total.get() + 1);
                    shared.model.borrow_mut().hand_on();
                }
                assert_eq!(shared.sem.available(), shared.model.borrow().available);
            }
            Op::Pause(ms) => pause(ms).await,
            Op::CancelPeer(peer) => cancel_peer(id, peer),
        }
    }
}

/// A forgotten permit, given back with `release()`.
struct ReleaseOnDrop<'a>(&'a aio::Semaphore);

impl Drop for ReleaseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.release().expect("releasing a forgotten permit");
    }
}

fn check(program: Vec<(Vec<Op>, Option<u16>)>, permits: usize, bounded: bool) {
    run_virtual(async {
        let shared = Rc::new(Shared {
            sem: if bounded {
                aio::BoundedSemaphore::new(permits)
            } else {
                aio::Semaphore::new(permits)
            },
            bound: bounded.then_some(permits),
            model: RefCell::new(PermitModel::new(permits)),
            total: Cell::new(permits),
            holders: Cell::new(0),
        });
        let s = shared.clone();
        run_tasks(&program, move |id, ops| actor(s.clone(), id, ops), || {}).await;
        shared.model.borrow().assert_idle();
        assert_eq!(
            shared.sem.available(),
            shared.total.get(),
            "permits conserved"
        );
        assert_eq!(shared.sem.locked(), shared.total.get() == 0);
    });
}

proptest! {
    #![proptest_config(config(800))]

    #[test]
    fn semaphore_matches_the_model(program in tasks(op(), 6, 6), permits in 1usize..4) {
        check(program, permits, false);
    }

    #[test]
    fn bounded_semaphore_matches_the_model(program in tasks(op(), 6, 6), permits in 1usize..4) {
        check(program, permits, true);
    }
}
