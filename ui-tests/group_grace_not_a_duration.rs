async fn run() {
    let _ = aio::task_group!(grace = 5, |tg| {
        tg.create_task(async {});
    });
}

fn main() {
    aio::run(run());
}
