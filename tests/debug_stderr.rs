//! Debug mode turned on by the environment (`AIO_DEBUG=1`), with no logger
//! installed: reports go to stderr, and SIGQUIT prints the task tree
//! without stopping the program. Each scenario runs in a child process (this
//! test binary again), whose stderr is read.

use std::process::Command;
use std::time::Duration;

/// Set in the child process: run the scenario instead of spawning it.
const CHILD: &str = "AIO_DEBUG_STDERR_SCENARIO";

/// Runs `scenario` (a test of this file) in a child process with
/// `AIO_DEBUG=1`; returns its stderr once it exited successfully.
fn stderr_of(scenario: &str) -> String {
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", scenario, "--nocapture", "--test-threads=1"])
        .env(CHILD, scenario)
        .env("AIO_DEBUG", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "the scenario failed: {stderr}");
    stderr
}

fn in_child(scenario: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|s| s == scenario)
}

#[test]
fn lost_failure_scenario() {
    if !in_child("lost_failure_scenario") {
        return;
    }
    aio::run(async {
        assert!(
            aio::get_running_loop().get_debug(),
            "AIO_DEBUG=1 turns it on"
        );
        let task = aio::create_task(async { panic!("nobody looks") as () });
        task.set_name("forgotten");
        drop(task);
        aio::sleep(Duration::from_millis(10)).await;
    });
}

#[test]
fn with_aio_debug_and_no_logger_reports_go_to_stderr() {
    let stderr = stderr_of("lost_failure_scenario");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("aio error: task failure never retrieved: forgotten"))
        .unwrap_or_else(|| panic!("no report in: {stderr}"));
    assert!(line.ends_with("panicked: nobody looks"), "{line}");
    assert!(
        line.contains("(spawned at tests/debug_stderr.rs:"),
        "{line}"
    );
}

#[test]
#[cfg(unix)]
fn sigquit_scenario() {
    if !in_child("sigquit_scenario") {
        return;
    }
    aio::run(async {
        let sleeper = aio::create_task(aio::sleep(Duration::from_secs(3600)));
        sleeper.set_name("sleeper");
        aio::yield_now().await;
        aio::signal::raise_signal(aio::signal::SIGQUIT).unwrap();
        aio::sleep(Duration::from_millis(10)).await;
        eprintln!("still running");
        sleeper.cancel();
    });
}

#[test]
#[cfg(unix)]
fn sigquit_prints_the_task_tree_and_the_program_goes_on() {
    let stderr = stderr_of("sigquit_scenario");
    let tree = stderr
        .find("event loop ")
        .map(|at| &stderr[at..])
        .unwrap_or_else(|| panic!("no tree in: {stderr}"));
    assert!(tree.contains("sleeper [task] waiting on a timer"), "{tree}");
    assert!(tree.contains("Task-1 [task] waiting on a timer"), "{tree}");
    assert!(stderr.contains("still running"), "{stderr}");
}
