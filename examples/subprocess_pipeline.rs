//! asyncio's subprocess example, and a pipeline: run several shell commands
//! at once, gather their output, and kill the one that takes too long; then
//! pass one program's output, line by line, to another through aio streams.
//!
//! `cargo run --example subprocess_pipeline`

use aio::process::{Command, Stdio, shell};
use std::time::{Duration, Instant};

/// Runs `cmd` in a shell with a time limit and describes how it went.
async fn run(cmd: &str, limit: Duration) -> std::io::Result<String> {
    let mut child = shell(cmd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let pid = child.id().unwrap_or(0);
    match aio::wait_for(child.communicate(""), limit).await {
        Ok(out) => {
            let out = out?;
            let mut report = format!("[{cmd:?} exited with {}]", out.status);
            for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                if !bytes.is_empty() {
                    let text = String::from_utf8_lossy(bytes);
                    report += &format!("\n  [{name}] {}", text.trim_end());
                }
            }
            Ok(report)
        }
        // Dropping the child (at the end of this function) kills and reaps
        // the process: nothing is left running.
        Err(_) => Ok(format!(
            "[{cmd:?} timed out after {limit:?}; pid {pid} killed]"
        )),
    }
}

/// `seq 1 5 | sort -rn`, with aio in the middle: each line read from the
/// first process is written to the second as it comes.
async fn pipeline() -> std::io::Result<Vec<u8>> {
    let mut producer = Command::new("seq")
        .args(["1", "5"])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut consumer = Command::new("sort")
        .arg("-rn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut lines = producer.stdout.take().expect("piped");
    let mut sink = consumer.stdin.take().expect("piped");
    loop {
        let line = lines.readline().await.map_err(std::io::Error::other)?;
        if line.is_empty() {
            break;
        }
        sink.write(&line);
        sink.drain().await?;
    }
    drop(sink); // end of input: sort can answer
    producer.wait().await?;
    Ok(consumer.wait_with_output().await?.stdout)
}

#[aio::main]
async fn main() -> std::io::Result<()> {
    let started = Instant::now();
    let limit = Duration::from_secs(1);
    let commands = [
        "ls /aio-no-such-dir",
        "sleep 0.2; echo hello",
        "sleep 30; echo never printed",
        "echo $((6 * 7))",
    ];
    let reports = aio::gather(commands.iter().map(|cmd| run(cmd, limit))).await?;
    for report in reports {
        println!("{report}");
    }
    println!(
        "all {} commands done in {:.1} s (the slow one was cut at {limit:?})",
        commands.len(),
        started.elapsed().as_secs_f64()
    );
    let sorted = pipeline().await?;
    println!(
        "seq 1 5 | sort -rn through aio: {}",
        String::from_utf8_lossy(&sorted)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    );
    Ok(())
}
