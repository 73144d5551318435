fn main() {
    let _numbers = aio::try_stream! {
        yield 1;
        return Err::<(), std::io::Error>(std::io::Error::other("boom"));
    };
}
