fn main() {
    aio::select_first! {
        v = async { 1 } => v,
    };
}
