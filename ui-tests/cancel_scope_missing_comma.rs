async fn run() {
    let deadline = aio::now();
    let _ = aio::cancel_scope!(deadline = deadline |scope| {
        scope.cancel();
    });
}

fn main() {
    aio::run(run());
}
