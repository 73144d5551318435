async fn run() {
    aio::select_first! {
        v = async { 1 } => v,
        biased;
        w = async { 2 } => w,
    };
}

fn main() {
    aio::run(run());
}
