async fn run() {
    let _numbers = aio::stream! {
        let _ = aio::timeout!(std::time::Duration::from_secs(1), {
            yield 1;
        });
    };
}

fn main() {
    aio::run(run());
}
