async fn run() {
    let _ = aio::timeout!(std::time::Duration::from_secs(1) { 1 });
}

fn main() {
    aio::run(run());
}
