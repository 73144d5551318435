// `tg` cannot leave the group's body, even into a variable never read.
async fn run() {
    let mut kept = None;
    let _ = aio::task_group!(|tg| {
        kept = Some(tg);
    });
}

fn main() {
    aio::run(run());
}
