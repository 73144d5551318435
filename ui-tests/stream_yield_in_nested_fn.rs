fn main() {
    let _numbers = aio::stream! {
        fn helper() {
            yield 1;
        }
        helper();
        yield 2;
    };
}
