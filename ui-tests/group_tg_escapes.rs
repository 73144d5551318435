async fn run() {
    let mut kept = None;
    let _ = aio::task_group!(|tg| {
        kept = Some(tg);
    });
    let _ = kept;
}

fn main() {
    aio::run(run());
}
