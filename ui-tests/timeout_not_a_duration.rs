async fn run() {
    let _ = aio::timeout!(5, {
        aio::sleep(std::time::Duration::from_secs(1)).await;
    });
}

fn main() {
    aio::run(run());
}
