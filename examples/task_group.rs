//! asyncio's TaskGroup example: the group waits for both children.
//! Prints the children's lines, then `Both tasks have completed now.`

use std::time::Duration;

async fn some_coro(name: &str, delay: Duration) {
    aio::sleep(delay).await;
    println!("{name} finished");
}

#[aio::main]
async fn main() -> Result<(), aio::GroupError> {
    let greeting = String::from("children may borrow this");
    aio::task_group!(|tg| {
        tg.create_task(some_coro("task1", Duration::from_millis(200)));
        tg.create_task(some_coro("task2", Duration::from_millis(100)));
        // Children borrow from the function that opened the group.
        tg.create_task(async { println!("{greeting}") });
    })?;
    println!("Both tasks have completed now.");
    Ok(())
}
