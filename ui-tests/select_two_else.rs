async fn run() {
    aio::select_first! {
        Some(v) = async { Some(1) } => v,
        else => 0,
        else => 1,
    };
}

fn main() {
    aio::run(run());
}
