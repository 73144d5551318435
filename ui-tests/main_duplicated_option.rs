#[aio::main(clock = real, clock = virtual)]
async fn main() {}
