async fn run() {
    let second = std::time::Duration::from_secs(2);
    let _ = aio::task_group!(grace = second, grace = second, |tg| {
        tg.create_task(async {});
    });
}

fn main() {
    aio::run(run());
}
