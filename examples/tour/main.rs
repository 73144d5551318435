//! A guided run through aio's concepts, one section per file. Each section
//! prints what it shows; run it with `cargo run --example tour`.

mod event_loop;
mod iteration;
mod net;
mod process;
mod structured;
mod sync;
mod threads;
mod waiting;

fn main() {
    event_loop::virtual_clock();
    aio::run(async {
        event_loop::tour().await;
        structured::tour().await;
        waiting::tour().await;
        iteration::tour().await;
        sync::tour().await;
        threads::tour().await;
        if let Err(e) = net::tour().await {
            println!("networking is not available here: {e}");
        }
        if let Err(e) = process::tour().await {
            println!("processes are not available here: {e}");
        }
    });
}
