//! Property test of `Barrier`: `parties` tasks pass it round after round
//! with random pauses, waits that time out or are re-polled by
//! `select_first!` siblings and are then retried, and (sometimes) one task
//! cancelled at a random time that aborts the barrier as it goes (asyncio's
//! `finally: barrier.abort()`). Checked: the tasks go in lockstep, each
//! round's indices are exactly `0..parties` (the draining phase keeps a fast
//! task out of the pass it just left), nothing hangs, and after an abort
//! every wait fails.

mod prop_support;

use aio::sync::BrokenBarrier;
use prop_support::*;
use proptest::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Clone, Debug)]
struct Round {
    before: u8,
    patience: Patience,
}

fn round() -> impl Strategy<Value = Round> {
    (pauses(), patience()).prop_map(|(before, patience)| Round { before, patience })
}

struct Shared {
    barrier: aio::Barrier,
    /// Per round, the indices returned.
    indices: RefCell<Vec<Vec<usize>>>,
    aborted: std::cell::Cell<bool>,
}

async fn party(shared: Rc<Shared>, rounds: Vec<Round>) {
    let shared = &*shared;
    // Cancelled: break the barrier for the others, who would wait forever.
    let finally = OnDrop(|| {
        shared.aborted.set(true);
        shared.barrier.abort();
    });
    let start = aio::now();
    for (r, round) in rounds.iter().enumerate() {
        pause(round.before).await;
        let index = loop {
            // Giving up while waiting leaves no trace: try again.
            if let Some(outcome) = with_patience(round.patience, shared.barrier.wait()).await {
                break outcome;
            }
            assert!(
                aio::now() - start < QUIET,
                "round {r} never passed: a lost wake-up"
            );
        };
        match index {
            Ok(index) => {
                assert!(!shared.aborted.get(), "a wait passed after the abort");
                let mut indices = shared.indices.borrow_mut();
                if indices.len() <= r {
                    indices.resize(r + 1, Vec::new());
                }
                indices[r].push(index);
            }
            Err(BrokenBarrier) => {
                assert!(shared.aborted.get(), "broken without an abort");
                assert!(shared.barrier.broken());
                break;
            }
        }
    }
    std::mem::forget(finally);
}

proptest! {
    #![proptest_config(config(800))]

    #[test]
    fn parties_pass_in_lockstep(
        parties in 1usize..5,
        rounds in prop::collection::vec(prop::collection::vec(round(), 4), 4),
        cancel in prop_oneof![2 => Just(None), 1 => (0usize..4, 0u16..100).prop_map(Some)],
    ) {
        run_virtual(async {
            let shared = Rc::new(Shared {
                barrier: aio::Barrier::new(parties),
                indices: RefCell::default(),
                aborted: Default::default(),
            });
            // Each party runs the same number of rounds.
            let program: Vec<_> = (0..parties)
                .map(|p| {
                    let at = cancel.filter(|(who, _)| who % parties == p).map(|(_, at)| at);
                    (rounds[p % rounds.len()].clone(), at)
                })
                .collect();
            let s = shared.clone();
            run_tasks(&program, move |_, rounds| party(s.clone(), rounds), || {}).await;
            let indices = shared.indices.borrow();
            for (r, got) in indices.iter().enumerate() {
                let mut got = got.clone();
                got.sort();
                if !shared.aborted.get() {
                    assert_eq!(got, (0..parties).collect::<Vec<_>>(), "round {r}");
                } else {
                    got.dedup();
                    assert_eq!(got.len(), indices[r].len(), "round {r}: distinct indices");
                }
            }
            if !shared.aborted.get() {
                assert_eq!(indices.len(), 4, "every round passed");
                assert_eq!(shared.barrier.n_waiting(), 0);
            }
        });
    }
}
