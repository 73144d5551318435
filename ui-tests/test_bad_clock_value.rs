#[aio::test(clock = fast)]
async fn bad_clock() {}

fn main() {}
