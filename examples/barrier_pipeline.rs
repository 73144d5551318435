//! A pipeline in lock step: every stage finishes step N before any starts
//! step N+1, synchronised with a `Barrier`.

use std::time::Duration;

async fn stage(id: u64, steps: u64, barrier: &aio::Barrier) {
    for step in 1..=steps {
        aio::sleep(Duration::from_millis(10 * id)).await;
        println!("stage {id} finished step {step}");
        let index = barrier.wait().await.expect("nobody aborts");
        if index == 0 {
            println!("-- everyone finished step {step}");
        }
    }
}

#[aio::main]
async fn main() -> Result<(), aio::GroupError> {
    let barrier = aio::Barrier::new(3);
    aio::task_group!(|tg| {
        for id in 1..=3 {
            tg.create_task(stage(id, 2, &barrier));
        }
    })?;
    Ok(())
}
