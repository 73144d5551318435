// A child cannot hold `tg` itself (it lives only in the body); it holds
// `tg.handle()` to start siblings.
async fn run() {
    let _ = aio::task_group!(|tg| {
        tg.create_task(async {
            tg.create_task(async {});
        });
    });
}

fn main() {
    aio::run(run());
}
