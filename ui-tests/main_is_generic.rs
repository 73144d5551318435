#[aio::main]
async fn main<T>() {}
