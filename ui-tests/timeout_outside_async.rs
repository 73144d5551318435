use std::time::Duration;

fn main() {
    let _ = aio::timeout!(Duration::from_secs(1), {
        println!("inside");
    });
}
