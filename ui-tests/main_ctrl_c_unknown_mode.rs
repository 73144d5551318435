#[aio::main(ctrl_c = "fast")]
async fn main() {}
