async fn run() {
    let _ = aio::task_group!(|tg| {
        let name = String::from("local to the body");
        tg.create_task(async {
            println!("{}", name);
        });
    });
}

fn main() {
    aio::run(run());
}
