fn main() {
    let _numbers = aio::stream! {
        yield 1;
        2
    };
}
