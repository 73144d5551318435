fn main() {
    let _ = aio::task_group!(|tg| {
        tg.create_task(async {});
    });
}
