//! A loop running on a second thread, fed from the main thread with
//! `run_coroutine_threadsafe`.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

fn main() {
    let (tx, rx) = mpsc::channel();
    let loop_thread = thread::Builder::new()
        .name("loop".into())
        .spawn(move || {
            let lp = aio::EventLoop::new();
            tx.send(lp.handle())
                .expect("the main thread waits for the handle");
            lp.run_forever();
            lp.close();
        })
        .expect("a thread for the loop");
    let handle = rx.recv().expect("the loop thread sends its handle");

    let jobs: Vec<_> = (1..=3u64)
        .map(|i| {
            aio::run_coroutine_threadsafe(&handle, async move {
                aio::sleep(Duration::from_millis(100 * (4 - i))).await;
                format!("job {i} done on {:?}", thread::current().name())
            })
        })
        .collect();
    for job in jobs {
        println!("{}", job.result().expect("the job finishes"));
    }

    let slow = aio::run_coroutine_threadsafe(&handle, aio::sleep(Duration::from_secs(60)));
    slow.cancel();
    println!("cancelled from the main thread: {:?}", slow.result());

    handle.stop();
    loop_thread.join().expect("the loop thread ends");
}
