//! Model-based property test of `Condition`: random programs of tasks
//! waiting (timing out, re-polled by `select_first!` siblings, cancelled)
//! and notifying, checked against a reference model: `notify(n)` wakes the
//! `n` oldest waiters and says how many, a waiter only returns once notified,
//! a waiter that leaves before being notified leaves no trace, one that
//! leaves after passes the notification on, and every notified waiter wakes
//! (no lost wake-up).

mod prop_support;

use prop_support::*;
use proptest::prelude::*;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

#[derive(Clone, Debug)]
enum Op {
    Wait { patience: Patience },
    Notify(u8),
    NotifyAll,
    Pause(u8),
    CancelPeer(u8),
}

fn op() -> impl Strategy<Value = Op> + Clone {
    prop_oneof![
        4 => patience().prop_map(|patience| Op::Wait { patience }),
        2 => (0u8..4).prop_map(Op::Notify),
        1 => Just(Op::NotifyAll),
        1 => pauses().prop_map(Op::Pause),
        1 => any::<u8>().prop_map(Op::CancelPeer),
    ]
}

#[derive(Debug, Default)]
struct Model {
    /// Waiting, not notified, oldest first.
    queue: VecDeque<usize>,
    /// Notified, not yet woken.
    notified: Vec<usize>,
}

impl Model {
    fn notify(&mut self, n: usize) -> usize {
        let n = n.min(self.queue.len());
        self.notified.extend(self.queue.drain(..n));
        n
    }

    fn returned(&mut self, id: usize) {
        let Some(pos) = self.notified.iter().position(|w| *w == id) else {
            panic!("task {id} returned from wait without being notified ({self:?})");
        };
        self.notified.swap_remove(pos);
    }

    fn abandoned(&mut self, id: usize) {
        if let Some(pos) = self.queue.iter().position(|w| *w == id) {
            self.queue.remove(pos);
        } else if let Some(pos) = self.notified.iter().position(|w| *w == id) {
            self.notified.swap_remove(pos);
            self.notify(1);
        }
    }
}

struct Shared {
    cond: aio::Condition<u32>,
    model: RefCell<Model>,
}

async fn actor(shared: Rc<Shared>, id: usize, ops: Vec<Op>) {
    let shared = &*shared;
    for op in ops {
        match op {
            Op::Wait { patience } => {
                // Nobody holds the lock across a suspension, so a notified
                // waiter takes it back in the same step it wakes: being
                // notified and returning are one step for the model.
                let guard = shared.cond.lock().await;
                shared.model.borrow_mut().queue.push_back(id);
                let mut waiting = Some(OnDrop(|| shared.model.borrow_mut().abandoned(id)));
                let woke = with_patience(patience, shared.cond.wait(guard)).await;
                let left = waiting.take().unwrap();
                match woke {
                    Some(mut guard) => {
                        std::mem::forget(left);
                        shared.model.borrow_mut().returned(id);
                        *guard += 1;
                    }
                    None => drop(left),
                }
            }
            Op::Notify(n) => {
                let woken = shared.cond.notify(n.into());
                assert_eq!(
                    woken,
                    shared.model.borrow_mut().notify(n.into()),
                    "notify({n})"
                );
            }
            Op::NotifyAll => {
                let woken = shared.cond.notify_all();
                assert_eq!(
                    woken,
                    shared.model.borrow_mut().notify(usize::MAX),
                    "notify_all"
                );
            }
            Op::Pause(ms) => pause(ms).await,
            Op::CancelPeer(peer) => cancel_peer(id, peer),
        }
        assert!(!shared.cond.locked(), "nobody holds the lock between steps");
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn condition_matches_the_model(program in tasks(op(), 6, 6)) {
        run_virtual(async {
            let shared = Rc::new(Shared {
                cond: aio::Condition::new(0),
                model: RefCell::default(),
            });
            let s = shared.clone();
            // From QUIET on, keep notifying every waiter, each time checking
            // that those notified before have woken.
            let n = shared.clone();
            let closing = move || {
                aio::create_task(async move {
                    loop {
                        {
                            let mut model = n.model.borrow_mut();
                            assert!(model.notified.is_empty(), "notified, never woken: {model:?}");
                            assert_eq!(n.cond.notify_all(), model.notify(usize::MAX));
                        }
                        aio::sleep(std::time::Duration::from_secs(10)).await;
                    }
                })
                .detach();
            };
            run_tasks(&program, move |id, ops| actor(s.clone(), id, ops), closing).await;
            let model = shared.model.borrow();
            assert!(model.queue.is_empty() && model.notified.is_empty(), "{model:?}");
            assert!(!shared.cond.locked());
        });
    }
}
