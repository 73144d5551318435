async fn run() {
    let _ = aio::task_group!(|tg| {
        tg.create_task(async { 42 });
    });
}

fn main() {
    aio::run(run());
}
