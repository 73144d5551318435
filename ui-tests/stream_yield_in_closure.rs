fn main() {
    let _numbers = aio::stream! {
        let items = vec![1, 2, 3];
        items.iter().for_each(|i| {
            yield *i;
        });
    };
}
