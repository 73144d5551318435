//! Model-based property test of `Queue`, `LifoQueue` and `PriorityQueue`:
//! random programs of tasks putting and getting (waiting, timing out,
//! re-polled by `select_first!` siblings, cancelled), the non-waiting
//! variants, and a shutdown (plain or immediate) at a random time, checked
//! against a reference model: every item handed out is the one the queue's
//! order says, items are conserved (put = got + dropped by shutdown + left),
//! a shut-down queue refuses puts and gives the items back, and nothing
//! waits for something that is there (no lost wake-up).

mod prop_support;

use aio::sync::{BaseQueue, PutError, QueueOrder, QueueShutDown};
use prop_support::*;
use proptest::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Clone, Debug)]
enum Op {
    Put { item: u8, patience: Patience },
    Get { patience: Patience },
    PutNowait(u8),
    GetNowait,
    Pause(u8),
    CancelPeer(u8),
}

fn op() -> impl Strategy<Value = Op> + Clone {
    prop_oneof![
        3 => (0u8..8, patience()).prop_map(|(item, patience)| Op::Put { item, patience }),
        3 => patience().prop_map(|patience| Op::Get { patience }),
        1 => (0u8..8).prop_map(Op::PutNowait),
        1 => Just(Op::GetNowait),
        1 => pauses().prop_map(Op::Pause),
        2 => any::<u8>().prop_map(Op::CancelPeer),
    ]
}

#[derive(Clone, Copy, Debug)]
enum Order {
    Fifo,
    Lifo,
    Priority,
}

/// The reference queue: items with the sequence number of their put.
#[derive(Debug)]
struct Model {
    order: Order,
    maxsize: usize,
    items: Vec<(u8, u64)>,
    next: u64,
    shut_down: bool,
    put: usize,
    got: usize,
    dropped: usize,
    /// Puts and gets begun and not finished: at QUIET, they are blocked.
    putting: usize,
    getting: usize,
}

impl Model {
    fn full(&self) -> bool {
        self.maxsize > 0 && self.items.len() >= self.maxsize
    }

    fn push(&mut self, item: u8) {
        assert!(!self.shut_down, "an item was put into a shut-down queue");
        self.next += 1;
        self.items.push((item, self.next));
        self.put += 1;
    }

    fn pop(&mut self) -> u8 {
        let key = |&(item, seq): &(u8, u64)| match self.order {
            Order::Fifo => (0, seq as i64),
            Order::Lifo => (0, -(seq as i64)),
            Order::Priority => (item, seq as i64),
        };
        let (pos, _) = self
            .items
            .iter()
            .enumerate()
            .min_by_key(|(_, x)| key(x))
            .expect("an item");
        self.got += 1;
        self.items.remove(pos).0
    }

    fn shutdown(&mut self, immediate: bool) {
        self.shut_down = true;
        if immediate {
            self.dropped += self.items.len();
            self.items.clear();
        }
    }
}

struct Shared<O: QueueOrder<u8>> {
    queue: BaseQueue<u8, O>,
    model: RefCell<Model>,
}

impl<O: QueueOrder<u8>> Shared<O> {
    fn check(&self) {
        let model = self.model.borrow();
        assert_eq!(self.queue.qsize(), model.items.len(), "{model:?}");
        assert_eq!(self.queue.empty(), model.items.is_empty(), "{model:?}");
        assert_eq!(self.queue.maxsize(), model.maxsize);
        assert_eq!(self.queue.full(), model.full(), "{model:?}");
        assert_eq!(self.queue.is_shut_down(), model.shut_down);
    }

    fn got(&self, got: Result<u8, QueueShutDown>) {
        let mut model = self.model.borrow_mut();
        match got {
            Ok(item) => {
                let expected = model.pop();
                assert_eq!(item, expected, "the queue's order: {model:?}");
            }
            Err(QueueShutDown(())) => assert!(
                model.shut_down && model.items.is_empty(),
                "a get failed with items left or before shutdown: {model:?}"
            ),
        }
    }
}

async fn actor<O: QueueOrder<u8>>(shared: Rc<Shared<O>>, id: usize, ops: Vec<Op>) {
    let shared = &*shared;
    for op in ops {
        match op {
            Op::Put { item, patience } => {
                shared.model.borrow_mut().putting += 1;
                let _done = OnDrop(|| shared.model.borrow_mut().putting -= 1);
                match with_patience(patience, shared.queue.put(item)).await {
                    Some(Ok(())) => shared.model.borrow_mut().push(item),
                    Some(Err(QueueShutDown(back))) => {
                        assert_eq!(back, item, "the refused item comes back");
                        assert!(shared.model.borrow().shut_down);
                    }
                    None => {}
                }
            }
            Op::Get { patience } => {
                shared.model.borrow_mut().getting += 1;
                let _done = OnDrop(|| shared.model.borrow_mut().getting -= 1);
                if let Some(got) = with_patience(patience, shared.queue.get()).await {
                    shared.got(got);
                }
            }
            Op::PutNowait(item) => {
                let (shut_down, full) = {
                    let model = shared.model.borrow();
                    (model.shut_down, model.full())
                };
                match shared.queue.put_nowait(item) {
                    Ok(()) => {
                        assert!(!shut_down && !full);
                        shared.model.borrow_mut().push(item);
                    }
                    Err(PutError::ShutDown(QueueShutDown(back))) => {
                        assert!(shut_down);
                        assert_eq!(back, item);
                    }
                    Err(PutError::Full(full_err)) => {
                        assert!(full && !shut_down);
                        assert_eq!(full_err.0, item);
                    }
                }
            }
            Op::GetNowait => {
                let empty = shared.model.borrow().items.is_empty();
                match shared.queue.get_nowait() {
                    Ok(item) => {
                        assert!(!empty);
                        shared.got(Ok(item));
                    }
                    Err(_) => assert!(
                        empty,
                        "get_nowait found nothing: {:?}",
                        shared.model.borrow()
                    ),
                }
            }
            Op::Pause(ms) => pause(ms).await,
            Op::CancelPeer(peer) => cancel_peer(id, peer),
        }
        shared.check();
    }
}

type Program = Vec<(Vec<Op>, Option<u16>)>;

fn check<O: QueueOrder<u8> + 'static>(
    order: Order,
    program: Program,
    maxsize: usize,
    shutdown: Option<(u16, bool)>,
) {
    run_virtual(async {
        let shared = Rc::new(Shared {
            queue: BaseQueue::<u8, O>::new(maxsize),
            model: RefCell::new(Model {
                order,
                maxsize,
                items: Vec::new(),
                next: 0,
                shut_down: false,
                put: 0,
                got: 0,
                dropped: 0,
                putting: 0,
                getting: 0,
            }),
        });
        if let Some((at, immediate)) = shutdown {
            let s = shared.clone();
            aio::get_running_loop().call_later(
                std::time::Duration::from_millis(at.into()),
                move || {
                    s.queue.shutdown(immediate);
                    s.model.borrow_mut().shutdown(immediate);
                    s.check();
                },
            );
        }
        let s = shared.clone();
        let closing = || {
            let model = shared.model.borrow();
            assert!(
                model.getting == 0 || model.items.is_empty(),
                "a get waits while an item is there: {model:?}"
            );
            assert!(
                model.putting == 0 || model.full() || model.shut_down,
                "a put waits while there is room: {model:?}"
            );
            drop(model);
            // Let the rest go: blocked getters and putters fail.
            shared.queue.shutdown(false);
            shared.model.borrow_mut().shutdown(false);
        };
        run_tasks(&program, move |id, ops| actor(s.clone(), id, ops), closing).await;
        shared.check();
        let mut model = shared.model.borrow_mut();
        assert_eq!(model.putting + model.getting, 0);
        let left = model.items.len();
        assert_eq!(
            model.put,
            model.got + model.dropped + left,
            "items conserved"
        );
        while let Ok(item) = shared.queue.get_nowait() {
            assert_eq!(item, model.pop(), "what is left, in order");
        }
        assert!(model.items.is_empty());
    });
}

fn programs() -> impl Strategy<Value = (Program, usize, Option<(u16, bool)>)> {
    let shutdown = prop_oneof![2 => Just(None), 1 => (0u16..150, any::<bool>()).prop_map(Some)];
    (
        tasks(op(), 6, 6),
        prop_oneof![1 => Just(0usize), 4 => 1usize..3],
        shutdown,
    )
}

proptest! {
    #![proptest_config(config(600))]

    #[test]
    fn fifo_queue_matches_the_model((program, maxsize, shutdown) in programs()) {
        check::<aio::sync::Fifo<u8>>(Order::Fifo, program, maxsize, shutdown);
    }

    #[test]
    fn lifo_queue_matches_the_model((program, maxsize, shutdown) in programs()) {
        check::<aio::sync::Lifo<u8>>(Order::Lifo, program, maxsize, shutdown);
    }

    #[test]
    fn priority_queue_matches_the_model((program, maxsize, shutdown) in programs()) {
        check::<aio::sync::Priority<u8>>(Order::Priority, program, maxsize, shutdown);
    }
}
