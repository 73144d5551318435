async fn run() {
    let _: () = aio::select_first! {};
}

fn main() {
    aio::run(run());
}
