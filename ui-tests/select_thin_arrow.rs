async fn run() {
    aio::select_first! {
        v = async { 1 } -> v,
    };
}

fn main() {
    aio::run(run());
}
