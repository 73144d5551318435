// A group's handle cannot leave the group's block, even into a variable
// never read.
async fn run() {
    let mut kept = None;
    let _ = aio::task_group!(|tg| {
        kept = Some(tg.handle());
    });
}

fn main() {
    aio::run(run());
}
