async fn run() {
    let _ = aio::gather!(async { Ok::<u8, ()>(1) }, "not a future");
}

fn main() {
    aio::run(run());
}
