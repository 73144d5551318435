#[aio::main]
struct App;

fn main() {}
