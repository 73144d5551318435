fn main() {
    let _numbers = aio::stream! {
        let n: u32 = "12".parse()?;
        yield n;
    };
}
