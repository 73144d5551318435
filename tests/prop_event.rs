//! Model-based property test of `Event`: random programs of tasks waiting
//! (timing out, re-polled by `select_first!` siblings, cancelled), setting
//! and clearing, checked against a reference model: a wait returns at once
//! while the flag is up, otherwise only after a `set()` that came while it
//! waited (even if a `clear()` followed, as in asyncio), and every waiter a
//! `set()` released wakes (no lost wake-up).

mod prop_support;

use prop_support::*;
use proptest::prelude::*;
use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use std::task::Poll;

#[derive(Clone, Debug)]
enum Op {
    Wait { patience: Patience },
    Set,
    Clear,
    Pause(u8),
    CancelPeer(u8),
}

fn op() -> impl Strategy<Value = Op> + Clone {
    prop_oneof![
        4 => patience().prop_map(|patience| Op::Wait { patience }),
        2 => Just(Op::Set),
        2 => Just(Op::Clear),
        1 => pauses().prop_map(Op::Pause),
        1 => any::<u8>().prop_map(Op::CancelPeer),
    ]
}

#[derive(Debug, Default)]
struct Model {
    flag: bool,
    /// How many times the flag went up.
    raised: u64,
    /// Waiting tasks, with `raised` when they began.
    waiting: HashMap<usize, u64>,
}

struct Shared {
    event: aio::Event,
    model: RefCell<Model>,
}

async fn actor(shared: Rc<Shared>, id: usize, ops: Vec<Op>) {
    let shared = &*shared;
    for op in ops {
        match op {
            Op::Wait { patience } => {
                let up = shared.model.borrow().flag;
                let mut wait = std::pin::pin!(shared.event.wait());
                // The first poll: ready exactly when the flag is up.
                let first = std::future::poll_fn(|cx| Poll::Ready(wait.as_mut().poll(cx))).await;
                assert_eq!(
                    first.is_ready(),
                    up,
                    "a wait returns at once iff the flag is up"
                );
                if up {
                    continue;
                }
                let since = shared.model.borrow().raised;
                shared.model.borrow_mut().waiting.insert(id, since);
                let _leave = OnDrop(|| {
                    shared.model.borrow_mut().waiting.remove(&id);
                });
                if with_patience(patience, wait).await.is_some() {
                    let model = shared.model.borrow();
                    assert!(
                        model.raised > since,
                        "task {id} woke without a set(): {model:?}"
                    );
                }
            }
            Op::Set => {
                shared.event.set();
                let mut model = shared.model.borrow_mut();
                if !model.flag {
                    model.flag = true;
                    model.raised += 1;
                }
            }
            Op::Clear => {
                shared.event.clear();
                shared.model.borrow_mut().flag = false;
            }
            Op::Pause(ms) => pause(ms).await,
            Op::CancelPeer(peer) => cancel_peer(id, peer),
        }
        assert_eq!(shared.event.is_set(), shared.model.borrow().flag);
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn event_matches_the_model(program in tasks(op(), 6, 6)) {
        run_virtual(async {
            let shared = Rc::new(Shared {
                event: aio::Event::new(),
                model: RefCell::default(),
            });
            let s = shared.clone();
            // From QUIET on, keep the flag up, each time checking that the
            // waiters released before have woken.
            let n = shared.clone();
            let closing = move || {
                aio::create_task(async move {
                    loop {
                        {
                            let mut model = n.model.borrow_mut();
                            let raised = model.raised;
                            assert!(
                                model.waiting.values().all(|since| *since == raised),
                                "released by a set() and never woken: {model:?}"
                            );
                            n.event.set();
                            if !model.flag {
                                model.flag = true;
                                model.raised += 1;
                            }
                        }
                        aio::sleep(std::time::Duration::from_secs(10)).await;
                    }
                })
                .detach();
            };
            run_tasks(&program, move |id, ops| actor(s.clone(), id, ops), closing).await;
            assert!(shared.model.borrow().waiting.is_empty());
        });
    }
}
