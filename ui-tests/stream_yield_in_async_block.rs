fn main() {
    let _numbers = aio::stream! {
        let later = async {
            yield 1;
        };
        later.await;
    };
}
