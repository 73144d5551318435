// A group's handle cannot leave the group's block: it would name a group
// that has ended.
async fn run() {
    let mut kept = None;
    let _ = aio::task_group!(|tg| {
        kept = Some(tg.handle());
    });
    let _ = kept;
}

fn main() {
    aio::run(run());
}
