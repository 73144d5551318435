async fn run() {
    aio::select_first! {
        v = 42 => v,
    };
}

fn main() {
    aio::run(run());
}
