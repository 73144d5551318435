//! Ctrl-C and other signals on a real child process: the first SIGINT cancels
//! the main task, cleanup runs, the process exits with 130; a second one exits
//! at once; a program listening to SIGINT itself takes Ctrl-C over; when
//! nothing listens any more, a signal does what it did before.
//!
//! A plain `main` (no test harness), because signal handling is only installed
//! by `aio::run` on a process's main thread: this binary runs itself again as
//! the child that receives the signals.

use aio::signal::{SIGINT, SIGTERM, Signals};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

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

fn say(line: &str) {
    println!("{line}");
    std::io::stdout().flush().unwrap();
}

fn idle_with_cleanup(kind: &'static str) {
    aio::run(async move {
        let worker = aio::create_task(async move {
            let _cleanup = Cleanup("worker");
            aio::sleep(Duration::from_secs(3600)).await;
        });
        let _cleanup = Cleanup(kind);
        say("ready");
        aio::sleep(Duration::from_secs(3600)).await;
        drop(worker);
    });
    println!("run returned normally");
}

fn child(kind: &str) {
    match kind {
        "main" => idle_with_cleanup("main"),
        // Two loops of `run_per_core`: Ctrl-C cancels both main futures.
        "per_core" => {
            let ready = std::sync::Barrier::new(2);
            aio::run_per_core(2, |core| {
                let ready = &ready;
                async move {
                    let _cleanup = Cleanup(["loop 0", "loop 1"][core.index()]);
                    ready.wait();
                    if core.index() == 0 {
                        say("ready");
                    }
                    aio::sleep(Duration::from_secs(3600)).await;
                }
            });
            println!("run_per_core returned normally");
        }
        "stuck" => idle_with_cleanup("stuck"),
        // A nested `aio::run` on the main thread is refused (a panic, caught);
        // Ctrl-C must still reach the outer run while it idles, also when the
        // signal is handled on another thread than the loop's (here: raised
        // by a thread once the parent says so).
        "nested" => aio::run(async {
            let _cleanup = Cleanup("outer");
            let nested = std::panic::catch_unwind(|| aio::run(async {}));
            assert!(nested.is_err(), "a nested aio::run is refused");
            std::thread::spawn(|| {
                let mut line = String::new();
                let _ = std::io::stdin().read_line(&mut line);
                aio::signal::raise_signal(SIGINT).unwrap();
            });
            say("ready");
            aio::sleep(Duration::from_secs(3600)).await;
        }),
        // The program waits for Ctrl-C itself: its main task is not cancelled.
        "takes_over" => {
            aio::run(async {
                let pressed = aio::create_task(aio::signal::ctrl_c());
                aio::sleep(Duration::from_millis(10)).await;
                say("ready");
                pressed.await.unwrap().unwrap();
                say("got ctrl-c");
            });
            say("run returned normally");
        }
        // After `aio::run`, Ctrl-C ends the process as it did before.
        "after_run" => {
            aio::run(async {});
            say("ready");
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
            say("still running");
        }
        // Started with SIGINT ignored: `aio::run` leaves it ignored.
        "ignored" => {
            aio::run(async {
                say("ready");
                aio::sleep(Duration::from_millis(300)).await;
            });
            say("survived");
        }
        // SIGTERM as a stream; once the stream is dropped, SIGTERM ends the
        // process again.
        "sigterm" => aio::run(async {
            let mut signals = Signals::new([SIGTERM]).unwrap();
            say("ready");
            assert_eq!(signals.recv().await, SIGTERM);
            drop(signals);
            say("got SIGTERM");
            aio::sleep(Duration::from_secs(3600)).await;
        }),
        // Async cleanup after Ctrl-C (or SIGTERM, in the graceful mode): the
        // main task catches the cancellation, awaits a goodbye, and a worker
        // catching its shutdown cancellation awaits its own.
        "graceful" => aio::Runner::new().graceful_signals().run(graceful_body()),
        "graceful_macro" => graceful_main(),
        "graceful_stuck" => graceful_stuck(),
        other => panic!("unknown role {other}"),
    }
}

/// The same program under `#[aio::main(ctrl_c = "graceful")]`.
#[aio::main(ctrl_c = "graceful")]
async fn graceful_main() {
    graceful_body().await
}

/// A cleanup that awaits forever: the second signal ends it.
#[aio::main(ctrl_c = "graceful")]
async fn graceful_stuck() {
    say("ready");
    if aio::catch_cancel(aio::sleep(Duration::from_secs(3600)))
        .await
        .is_err()
    {
        say("cleanup awaits");
        aio::sleep(Duration::from_secs(3600)).await;
        say("cleanup finished");
    }
}

async fn graceful_body() {
    let worker = aio::create_task(async {
        if let Err(c) = aio::catch_cancel(aio::sleep(Duration::from_secs(3600))).await {
            aio::sleep(Duration::from_millis(20)).await;
            say(&format!("worker said goodbye ({})", c.reason()));
        }
    });
    say("ready");
    if let Err(c) = aio::catch_cancel(aio::sleep(Duration::from_secs(3600))).await {
        aio::sleep(Duration::from_millis(20)).await;
        say(&format!("main said goodbye ({})", c.reason()));
    }
    worker.detach();
}

fn spawn(kind: &str) -> (Child, BufReader<std::process::ChildStdout>) {
    spawn_with(Command::new(std::env::current_exe().unwrap()), kind)
}

fn spawn_with(mut command: Command, kind: &str) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut child = command
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

fn send(child: &Child, sig: i32) {
    // SAFETY: `kill` takes no pointers; it signals our own child by its pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

fn interrupt(child: &Child) {
    send(child, SIGINT);
}

/// The child's status, or a failure (and the child killed) if it has not
/// ended within ten seconds: a signal it should have acted on was lost.
fn exit_within_10s(child: &mut Child) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the child did not end within 10 s of the signal");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn rest_of(stdout: &mut BufReader<std::process::ChildStdout>) -> String {
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    rest
}

fn ctrl_c_reaches_the_outer_run_after_a_refused_nested_run() {
    let (mut child, mut stdout) = spawn("nested");
    wait_for(&mut stdout, "ready");
    let stdin = child.stdin.as_mut().unwrap();
    stdin.write_all(b"interrupt\n").unwrap();
    stdin.flush().unwrap();
    let status = exit_within_10s(&mut child);
    let rest = rest_of(&mut stdout);
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(rest.contains("cleanup outer"), "{rest}");
}

fn a_program_waiting_for_ctrl_c_takes_it_over() {
    let (mut child, mut stdout) = spawn("takes_over");
    wait_for(&mut stdout, "ready");
    interrupt(&child);
    let status = exit_within_10s(&mut child);
    let rest = rest_of(&mut stdout);
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(rest.contains("got ctrl-c"), "{rest}");
    assert!(rest.contains("run returned normally"), "{rest}");
}

fn after_run_ctrl_c_ends_the_process_again() {
    let (mut child, mut stdout) = spawn("after_run");
    wait_for(&mut stdout, "ready");
    interrupt(&child);
    let status = exit_within_10s(&mut child);
    assert_eq!(status.signal(), Some(SIGINT), "{status:?}");
    assert!(!rest_of(&mut stdout).contains("still running"));
}

fn a_process_started_with_sigint_ignored_keeps_ignoring_it() {
    let mut command = Command::new("/bin/sh");
    // The shell's `trap '' INT` sets SIGINT to ignored, which `exec` keeps.
    command.args(["-c", "trap '' INT; exec \"$0\""]);
    command.arg(std::env::current_exe().unwrap());
    let (mut child, mut stdout) = spawn_with(command, "ignored");
    wait_for(&mut stdout, "ready");
    interrupt(&child);
    let status = exit_within_10s(&mut child);
    let rest = rest_of(&mut stdout);
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(rest.contains("survived"), "{rest}");
}

fn sigterm_is_received_then_ends_the_process_once_nothing_listens() {
    let (mut child, mut stdout) = spawn("sigterm");
    wait_for(&mut stdout, "ready");
    send(&child, SIGTERM);
    wait_for(&mut stdout, "got SIGTERM");
    send(&child, SIGTERM);
    let status = exit_within_10s(&mut child);
    assert_eq!(status.signal(), Some(SIGTERM), "{status:?}");
}

fn ctrl_c_cancels_every_loop_of_run_per_core() {
    let (mut child, mut stdout) = spawn("per_core");
    wait_for(&mut stdout, "ready");
    interrupt(&child);
    let status = exit_within_10s(&mut child);
    let rest = rest_of(&mut stdout);
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(rest.contains("cleanup loop 0"), "{rest}");
    assert!(rest.contains("cleanup loop 1"), "{rest}");
    assert!(!rest.contains("returned normally"), "{rest}");
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

fn graceful_exit(role: &str, sig: i32, code: i32) {
    let (mut child, mut stdout) = spawn(role);
    wait_for(&mut stdout, "ready");
    send(&child, sig);
    let status = exit_within_10s(&mut child);
    let rest = rest_of(&mut stdout);
    assert_eq!(status.code(), Some(code), "{rest}");
    let reason = if sig == SIGTERM {
        "terminated (SIGTERM)"
    } else {
        "interrupted (Ctrl-C)"
    };
    assert!(
        rest.contains(&format!("main said goodbye ({reason})")),
        "the main task awaited its cleanup and knows why: {rest}"
    );
    assert!(
        rest.contains("worker said goodbye (the event loop shut down)"),
        "the worker awaited its cleanup at shutdown: {rest}"
    );
}

fn graceful_ctrl_c_lets_cleanup_await_then_exits_130() {
    graceful_exit("graceful", SIGINT, 130);
}

fn graceful_sigterm_lets_cleanup_await_then_exits_143() {
    graceful_exit("graceful", SIGTERM, 143);
}

fn main_attribute_graceful_sigterm_lets_cleanup_await_then_exits_143() {
    graceful_exit("graceful_macro", SIGTERM, 143);
}

fn main_attribute_graceful_ctrl_c_lets_cleanup_await_then_exits_130() {
    graceful_exit("graceful_macro", SIGINT, 130);
}

fn graceful_second_signal_during_an_awaiting_cleanup_exits_130_at_once() {
    let (mut child, mut stdout) = spawn("graceful_stuck");
    wait_for(&mut stdout, "ready");
    send(&child, SIGTERM);
    wait_for(&mut stdout, "cleanup awaits");
    send(&child, SIGINT);
    let status = exit_within_10s(&mut child);
    let rest = rest_of(&mut stdout);
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(!rest.contains("cleanup finished"), "{rest}");
}

fn main() {
    if let Ok(kind) = std::env::var(ROLE) {
        child(&kind);
        return;
    }
    let tests: [(&str, fn()); 13] = [
        (
            "main_attribute_graceful_sigterm_lets_cleanup_await_then_exits_143",
            main_attribute_graceful_sigterm_lets_cleanup_await_then_exits_143,
        ),
        (
            "main_attribute_graceful_ctrl_c_lets_cleanup_await_then_exits_130",
            main_attribute_graceful_ctrl_c_lets_cleanup_await_then_exits_130,
        ),
        (
            "graceful_second_signal_during_an_awaiting_cleanup_exits_130_at_once",
            graceful_second_signal_during_an_awaiting_cleanup_exits_130_at_once,
        ),
        (
            "graceful_ctrl_c_lets_cleanup_await_then_exits_130",
            graceful_ctrl_c_lets_cleanup_await_then_exits_130,
        ),
        (
            "graceful_sigterm_lets_cleanup_await_then_exits_143",
            graceful_sigterm_lets_cleanup_await_then_exits_143,
        ),
        (
            "ctrl_c_cancels_every_loop_of_run_per_core",
            ctrl_c_cancels_every_loop_of_run_per_core,
        ),
        (
            "first_ctrl_c_runs_cleanup_and_exits_130",
            first_ctrl_c_runs_cleanup_and_exits_130,
        ),
        (
            "second_ctrl_c_during_cleanup_exits_at_once",
            second_ctrl_c_during_cleanup_exits_at_once,
        ),
        (
            "ctrl_c_reaches_the_outer_run_after_a_refused_nested_run",
            ctrl_c_reaches_the_outer_run_after_a_refused_nested_run,
        ),
        (
            "a_program_waiting_for_ctrl_c_takes_it_over",
            a_program_waiting_for_ctrl_c_takes_it_over,
        ),
        (
            "after_run_ctrl_c_ends_the_process_again",
            after_run_ctrl_c_ends_the_process_again,
        ),
        (
            "a_process_started_with_sigint_ignored_keeps_ignoring_it",
            a_process_started_with_sigint_ignored_keeps_ignoring_it,
        ),
        (
            "sigterm_is_received_then_ends_the_process_once_nothing_listens",
            sigterm_is_received_then_ends_the_process_once_nothing_listens,
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
