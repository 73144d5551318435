//! Ctrl-C on a real child process: the first SIGINT cancels the main task,
//! cleanup runs, the process exits with 130; a second one exits at once.
//!
//! A plain `main` (no test harness), because signal handling is only installed
//! by `aio::run` on a process's main thread: this binary runs itself again as
//! the child that receives the signals.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::raw::c_int;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

extern "C" {
    fn kill(pid: c_int, sig: c_int) -> c_int;
}

const SIGINT: c_int = 2;
const ROLE: &str = "AIO_CTRL_C_CHILD";

struct Cleanup(&'static str);

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("cleanup {}", self.0);
        if self.0 == "stuck" {
            // Blocks until the parent sends a second Ctrl-C.
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
            println!("cleanup finished");
        }
    }
}

fn child(kind: &'static str) {
    aio::run(async move {
        let worker = aio::create_task(async move {
            let _cleanup = Cleanup("worker");
            aio::sleep(Duration::from_secs(3600)).await;
        });
        let _cleanup = Cleanup(kind);
        println!("ready");
        std::io::stdout().flush().unwrap();
        aio::sleep(Duration::from_secs(3600)).await;
        drop(worker);
    });
    println!("run returned normally");
}

fn spawn(kind: &str) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env(ROLE, kind)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    (child, stdout)
}

fn wait_for(stdout: &mut BufReader<std::process::ChildStdout>, want: &str) {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the child ended before `{want}`"
        );
        if line.trim() == want {
            return;
        }
    }
}

fn interrupt(child: &Child) {
    // SAFETY: sends SIGINT to our own child process by its pid.
    assert_eq!(unsafe { kill(child.id() as c_int, SIGINT) }, 0);
}

fn first_ctrl_c_runs_cleanup_and_exits_130() {
    let (mut child, mut stdout) = spawn("main");
    wait_for(&mut stdout, "ready");
    interrupt(&child);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(130), "stdout: {rest} stderr: {stderr}");
    assert!(rest.contains("cleanup main"), "{rest}");
    assert!(
        rest.contains("cleanup worker"),
        "every task's cleanup ran: {rest}"
    );
    assert!(!rest.contains("run returned normally"), "{rest}");
    assert!(stderr.contains("interrupted"), "a short message: {stderr}");
}

fn second_ctrl_c_during_cleanup_exits_at_once() {
    let (mut child, mut stdout) = spawn("stuck");
    wait_for(&mut stdout, "ready");
    interrupt(&child);
    wait_for(&mut stdout, "cleanup stuck");
    interrupt(&child);
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert!(!rest.contains("cleanup finished"), "{rest}");
}

fn main() {
    if let Ok(kind) = std::env::var(ROLE) {
        child(if kind == "stuck" { "stuck" } else { "main" });
        return;
    }
    let tests: [(&str, fn()); 2] = [
        (
            "first_ctrl_c_runs_cleanup_and_exits_130",
            first_ctrl_c_runs_cleanup_and_exits_130,
        ),
        (
            "second_ctrl_c_during_cleanup_exits_at_once",
            second_ctrl_c_during_cleanup_exits_at_once,
        ),
    ];
    let mut failed = 0;
    for (name, test) in tests {
        match std::panic::catch_unwind(test) {
            Ok(()) => println!("test {name} ... ok"),
            Err(_) => {
                println!("test {name} ... FAILED");
                failed += 1;
            }
        }
    }
    println!("{} passed, {failed} failed", tests.len() - failed);
    if failed > 0 {
        std::process::exit(1);
    }
}
