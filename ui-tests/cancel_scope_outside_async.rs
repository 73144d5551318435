fn main() {
    let _ = aio::cancel_scope!(|scope| {
        scope.cancel();
    });
}
