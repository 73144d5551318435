#[aio::test(ctrl_c = "graceful")]
async fn shuts_down() {}

fn main() {}
