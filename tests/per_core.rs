//! `run_per_core`: share-nothing loops on their own threads, each running its
//! own copy of the main future; listeners bound with `bind_reuseport` let
//! every loop accept on one port.

use aio::net::TcpListener;
use std::cell::RefCell;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

thread_local! {
    /// Set on a loop's thread (through its handle) when the server stops.
    static STOP: std::rc::Rc<aio::Event> = std::rc::Rc::new(aio::Event::new());
}

const CONNECTIONS: usize = 64;

#[test]
fn connections_to_one_port_are_served_by_more_than_one_loop() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let bound = std::sync::Barrier::new(3);
    let (tx, rx) = std::sync::mpsc::channel();
    let (served, seen) = std::thread::scope(|s| {
        let server = s.spawn(|| {
            aio::run_per_core(2, |core| {
                let (bound, tx) = (&bound, tx.clone());
                async move {
                    let listener = TcpListener::bind_reuseport(("127.0.0.1", port))
                        .await
                        .unwrap();
                    // The loops' handles, for stopping them from outside.
                    tx.send(core.clone()).unwrap();
                    bound.wait();
                    let served = std::cell::Cell::new(0);
                    let accept = async {
                        loop {
                            let (stream, _) = listener.accept().await.unwrap();
                            // Tells the client which loop served it.
                            stream.write_all(&[core.index() as u8]).await.unwrap();
                            served.set(served.get() + 1);
                        }
                    };
                    let stop_event = STOP.with(std::rc::Rc::clone);
                    let stop = async move { stop_event.wait().await };
                    aio::select_first! {
                        _ = accept => {},
                        _ = stop => {},
                    }
                    (core.index(), served.get())
                }
            })
        });
        bound.wait();
        // A plain blocking client: each connection from its own port, so the
        // kernel's hash spreads them.
        let mut seen = [0; 2];
        for _ in 0..CONNECTIONS {
            let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
            let mut which = [0];
            stream.read_exact(&mut which).unwrap();
            seen[which[0] as usize] += 1;
        }
        let core: aio::PerCore = rx.recv().unwrap();
        for i in 0..core.count() {
            core.handle(i)
                .call_soon_threadsafe(|| STOP.with(|stop| stop.set()))
                .expect("the loops run until stopped");
        }
        (server.join().unwrap(), seen)
    });
    assert_eq!(served, [(0, seen[0]), (1, seen[1])]);
    assert_eq!(seen.iter().sum::<usize>(), CONNECTIONS);
    assert!(
        seen.iter().all(|&n| n > 0),
        "one loop served every connection: {seen:?}"
    );
}

#[test]
fn a_panic_in_one_loop_cancels_the_others_and_is_raised() {
    let cleaned = AtomicUsize::new(0);
    struct Cleanup<'a>(&'a AtomicUsize);
    impl Drop for Cleanup<'_> {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        aio::run_per_core(3, |core| {
            let cleaned = &cleaned;
            async move {
                if core.index() == 1 {
                    aio::yield_now().await;
                    panic!("loop 1 fails");
                }
                let _cleanup = Cleanup(cleaned);
                std::future::pending::<()>().await;
            }
        })
    }));
    let payload = outcome.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"loop 1 fails"));
    assert_eq!(cleaned.load(Ordering::SeqCst), 2);
}

#[test]
fn zero_loops_means_one_per_core() {
    let cores = std::thread::available_parallelism().unwrap().get();
    let indices = aio::run_per_core(0, |core| async move { core.index() });
    assert_eq!(indices, (0..cores).collect::<Vec<_>>());
}

/// Sets its flag when dropped: with a thread's thread-locals, as it exits.
struct SetOnExit(Arc<AtomicBool>);

impl Drop for SetOnExit {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

thread_local! {
    static ON_EXIT: RefCell<Option<SetOnExit>> = const { RefCell::new(None) };
}

#[test]
fn each_loops_default_pool_has_ended_its_threads_when_run_per_core_returns() {
    let exited: Vec<_> = (0..2).map(|_| Arc::new(AtomicBool::new(false))).collect();
    aio::run_per_core(2, |core| {
        let flag = exited[core.index()].clone();
        async move {
            let set = move || ON_EXIT.with(|e| *e.borrow_mut() = Some(SetOnExit(flag)));
            aio::to_thread(set).await.unwrap();
        }
    });
    for flag in &exited {
        assert!(
            flag.load(Ordering::SeqCst),
            "a pool thread outlived its loop"
        );
    }
}
