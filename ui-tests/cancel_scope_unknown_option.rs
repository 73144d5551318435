async fn run() {
    let _ = aio::cancel_scope!(timeout = std::time::Duration::from_secs(1), |scope| {
        scope.cancel();
    });
}

fn main() {
    aio::run(run());
}
