fn main() {
    let _nothing = aio::stream!();
}
