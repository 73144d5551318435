// A future holding an `Rc` across an await is not `Send`: it cannot cross
// to the loop's thread. Build it there with a closure instead.
fn main() {
    let lp = aio::EventLoop::new();
    let handle = lp.handle();
    let _ = aio::run_coroutine_threadsafe(&handle, async {
        let shared = std::rc::Rc::new(1);
        aio::yield_now().await;
        *shared
    });
}
