#[aio::main(ctrl_c = graceful)]
async fn main() {}
