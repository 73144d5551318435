//! Model-based property test of `Lock`: random programs of tasks locking,
//! trying, holding across suspensions, timing out, being re-polled by
//! `select_first!` siblings and cancelled, checked against the reference
//! model: one holder at a time, FIFO service, a waiter that leaves leaves no
//! trace (or passes the lock on), and no lost wake-up.

mod prop_support;

use prop_support::*;
use proptest::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

#[derive(Clone, Debug)]
enum Op {
    Lock { patience: Patience, hold: u8 },
    TryLock { hold: u8 },
    Pause(u8),
    CancelPeer(u8),
}

fn op() -> impl Strategy<Value = Op> + Clone {
    prop_oneof![
        4 => (patience(), pauses()).prop_map(|(patience, hold)| Op::Lock { patience, hold }),
        1 => pauses().prop_map(|hold| Op::TryLock { hold }),
        1 => pauses().prop_map(Op::Pause),
        1 => any::<u8>().prop_map(Op::CancelPeer),
    ]
}

struct Shared {
    lock: aio::Lock<Vec<usize>>,
    model: RefCell<PermitModel>,
    /// Tasks inside the critical section now.
    inside: Cell<usize>,
    /// Acquisitions, to check against the protected value.
    entries: Cell<usize>,
}

async fn critical_section(
    shared: &Shared,
    id: usize,
    hold: u8,
    guard: &mut aio::sync::LockGuard<'_, Vec<usize>>,
) {
    assert_eq!(shared.inside.replace(1), 0, "two holders at once");
    let _leave = OnDrop(|| shared.inside.set(0)); // finished or cancelled
    shared.entries.set(shared.entries.get() + 1);
    guard.push(id);
    pause(hold).await;
}

async fn actor(shared: Rc<Shared>, id: usize, ops: Vec<Op>) {
    let shared = &*shared;
    let available = || usize::from(!shared.lock.locked());
    let holding = |guard| Holding {
        guard: Some(guard),
        model: &shared.model,
        available: &available,
    };
    for op in ops {
        match op {
            Op::Lock { patience, hold } => {
                let acquire = Tracked::new(&shared.model, &available, id, shared.lock.lock());
                if let Some(guard) = with_patience(patience, acquire).await {
                    let mut held = holding(guard);
                    critical_section(shared, id, hold, held.guard.as_mut().unwrap()).await;
                }
            }
            Op::TryLock { hold } => {
                let expected = shared.model.borrow().free_for_newcomer();
                let got = shared.lock.try_lock();
                assert_eq!(
                    got.is_some(),
                    expected,
                    "try_lock: {:?}",
                    shared.model.borrow()
                );
                if let Some(guard) = got {
                    shared.model.borrow_mut().requested(id, true);
                    let mut held = holding(guard);
                    critical_section(shared, id, hold, held.guard.as_mut().unwrap()).await;
                }
            }
            Op::Pause(ms) => pause(ms).await,
            Op::CancelPeer(peer) => cancel_peer(id, peer),
        }
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn lock_matches_the_model(program in tasks(op(), 6, 6)) {
        run_virtual(async {
            let shared = Rc::new(Shared {
                lock: aio::Lock::new(Vec::new()),
                model: RefCell::new(PermitModel::new(1)),
                inside: Cell::new(0),
                entries: Cell::new(0),
            });
            let s = shared.clone();
            run_tasks(&program, move |id, ops| actor(s.clone(), id, ops), || {}).await;
            shared.model.borrow().assert_idle();
            assert!(!shared.lock.locked(), "the lock is free at the end");
            assert_eq!(shared.lock.try_lock().unwrap().len(), shared.entries.get());
        });
    }
}
