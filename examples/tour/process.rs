//! Child processes and signals: a command's output, a conversation through
//! pipes, and a signal received by the program itself.

use aio::process::{Command, Stdio, shell};
use aio::signal::{SIGUSR1, Signals, raise_signal};

pub async fn tour() -> std::io::Result<()> {
    println!("\n== processes and signals ==");
    let out = shell("echo from a shell; exit 3").output().await?;
    println!(
        "the shell said {:?} and exited with {:?}",
        String::from_utf8_lossy(&out.stdout).trim_end(),
        out.status.code()
    );

    let mut child = Command::new("tr")
        .args(["a-z", "A-Z"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let out = child.communicate("through a pipe\n").await?;
    println!(
        "tr answered {:?}",
        String::from_utf8_lossy(&out.stdout).trim_end()
    );

    let mut signals = Signals::new([SIGUSR1])?;
    raise_signal(SIGUSR1)?; // as `kill -USR1 <pid>` would from outside
    println!("received signal {} on the loop", signals.recv().await);
    Ok(())
}
