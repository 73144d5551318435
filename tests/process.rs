//! aio::process with real child processes: output, pipes as streams,
//! communicate without deadlock, signals, reaping, bad input, and the
//! virtual clock waiting for a process.

use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

use aio::process::{Command, Stdio, shell};
use aio::signal::{SIGKILL, SIGTERM, SIGUSR1};

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// True while `pid` names a process (a zombie included): `kill(pid, 0)`.
fn exists(pid: u32) -> bool {
    // SAFETY: `kill` with signal 0 sends nothing and takes no pointers.
    unsafe { libc::kill(pid as i32, 0) == 0 }
}

/// Whether `pid` has ended and waits to be reaped (state `Z` in
/// `/proc/PID/stat`).
fn is_zombie(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The state follows the command name, which is in parentheses.
    stat.rsplit_once(')')
        .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
}

#[aio::test]
async fn output_collects_stdout_stderr_and_the_exit_code() {
    let out = shell("echo out; echo err >&2; exit 3")
        .output()
        .await
        .unwrap();
    assert_eq!(out.stdout, b"out\n");
    assert_eq!(out.stderr, b"err\n");
    assert_eq!(out.status.code(), Some(3));
}

#[aio::test]
async fn output_gives_the_child_an_empty_stdin() {
    // `cat` would wait for ever on an inherited terminal.
    let out = Command::new("cat").output().await.unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"");
}

#[aio::test]
async fn arguments_environment_and_working_directory_reach_the_child() {
    let dir = std::env::temp_dir();
    let out = Command::new("/bin/sh")
        .args(["-c", "echo \"$1 $GREETING $(pwd)\"", "sh", "first-arg"])
        .env("GREETING", "hello")
        .current_dir(&dir)
        .output()
        .await
        .unwrap();
    let pwd = dir.canonicalize().unwrap();
    let want = format!("first-arg hello {}\n", pwd.display());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), want);
}

#[aio::test]
async fn a_shell_pipeline_yes_head_ends_and_is_read_line_by_line() {
    let mut child = shell("yes | head -n 1000")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut lines = 0;
    loop {
        let line = stdout.readline().await.unwrap();
        if line.is_empty() {
            break;
        }
        assert_eq!(line, b"y\n");
        lines += 1;
    }
    assert_eq!(lines, 1000);
    assert!(child.wait().await.unwrap().success());
}

#[aio::test]
async fn a_conversation_with_cat_through_its_pipes() {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    for word in ["one", "two", "three"] {
        stdin.write(format!("{word}\n").as_bytes());
        stdin.drain().await.unwrap();
        assert_eq!(
            stdout.readline().await.unwrap(),
            format!("{word}\n").as_bytes()
        );
    }
    stdin.write_eof().unwrap();
    assert!(stdin.drain().await.is_ok(), "nothing left to send");
    stdin.write(b"late");
    let late = stdin.drain().await.unwrap_err();
    assert_eq!(late.kind(), std::io::ErrorKind::BrokenPipe);
    assert_eq!(stdout.read_to_end().await.unwrap(), b"");
    assert!(stdout.at_eof());
    assert!(child.wait().await.unwrap().success());
}

#[aio::test]
async fn communicate_moves_ten_megabytes_each_way_without_deadlock() {
    const SIZE: usize = 10 * 1024 * 1024;
    let input: Vec<u8> = (0..SIZE).map(|i| (i % 251) as u8).collect();
    // Echoes its input to stdout while writing 10 MB of zeros to stderr:
    // every pipe fills up many times over while the others are still busy.
    let mut child = shell("head -c 10485760 /dev/zero >&2 & cat; wait")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.communicate(input.clone()).await.unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout.len(), SIZE);
    assert!(out.stdout == input, "stdout is the input, byte for byte");
    assert_eq!(out.stderr.len(), SIZE);
    assert!(out.stderr.iter().all(|&b| b == 0));
}

#[aio::test]
async fn communicate_tolerates_a_child_that_stops_reading_early() {
    let mut child = shell("head -c 10")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.communicate(vec![b'x'; 1 << 20]).await.unwrap();
    assert_eq!(out.stdout, b"xxxxxxxxxx");
    assert!(out.status.success());
}

#[aio::test]
async fn communicate_with_input_but_no_stdin_pipe_is_an_error() {
    let mut child = Command::new("true").spawn().unwrap();
    let err = child.communicate("data").await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("not piped"), "{err}");
    assert!(err.to_string().contains("`true`"), "{err}");
    assert!(child.wait().await.unwrap().success());
}

#[aio::test]
async fn wait_with_output_reads_what_is_piped_and_skips_the_rest() {
    let child = shell("printf abc; printf def >&2")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.wait_with_output().await.unwrap();
    assert_eq!(out.stdout, b"abc");
    assert_eq!(out.stderr, b"");
}

#[aio::test]
async fn id_is_none_once_reaped_and_wait_keeps_the_status() {
    let mut child = shell("exit 5").spawn().unwrap();
    let pid = child.id().unwrap();
    assert!(pid > 0);
    let status = child.wait().await.unwrap();
    assert_eq!(status.code(), Some(5));
    assert_eq!(child.id(), None);
    assert!(!exists(pid), "reaped: no zombie left");
    assert_eq!(child.wait().await.unwrap(), status);
    assert_eq!(child.try_wait().unwrap(), Some(status));
    // Signalling a reaped child does nothing.
    child.kill().unwrap();
    assert!(format!("{child:?}").contains("Child"));
}

#[aio::test]
async fn try_wait_does_not_wait() {
    let mut child = Command::new("sleep").arg("30").spawn().unwrap();
    assert_eq!(child.try_wait().unwrap(), None);
    child.kill().unwrap();
    let status = child.wait().await.unwrap();
    assert_eq!(status.signal(), Some(SIGKILL));
}

#[aio::test]
async fn send_signal_reaches_the_child() {
    let mut child =
        shell("trap 'echo usr1; exit 0' USR1; echo ready; while :; do sleep 0.01; done")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    assert_eq!(stdout.readline().await.unwrap(), b"ready\n");
    child.send_signal(SIGUSR1).unwrap();
    assert_eq!(stdout.readline().await.unwrap(), b"usr1\n");
    assert!(child.wait().await.unwrap().success());
}

#[aio::test]
async fn sending_a_number_that_is_no_signal_is_an_error_naming_the_program() {
    let mut child = Command::new("sleep").arg("30").spawn().unwrap();
    let err = child.send_signal(12345).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("`sleep`"), "{err}");
}

/// On the real clock: the child outlives the timeout by design.
#[aio::test(clock = real)]
async fn a_child_that_ignores_sigterm_is_ended_by_kill() {
    let mut child = shell("trap '' TERM; echo ready; exec sleep 30")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    assert_eq!(stdout.readline().await.unwrap(), b"ready\n");
    child.terminate().unwrap();
    let waited = aio::wait_for(child.wait(), Duration::from_millis(300)).await;
    assert!(waited.is_err(), "SIGTERM was ignored: still running");
    assert_eq!(child.try_wait().unwrap(), None);
    child.kill().unwrap();
    let status = child.wait().await.unwrap();
    assert_eq!(status.signal(), Some(SIGKILL));
    assert_ne!(status.signal(), Some(SIGTERM));
}

#[aio::test]
async fn a_dropped_child_is_killed_and_reaped() {
    let child = Command::new("sleep").arg("30").spawn().unwrap();
    let pid = child.id().unwrap();
    assert!(exists(pid));
    drop(child);
    assert!(!exists(pid), "killed and reaped: not even a zombie is left");
}

#[aio::test(clock = real)]
async fn cancelling_a_task_kills_the_process_it_waits_for() {
    let pid = std::rc::Rc::new(std::cell::Cell::new(0));
    let p = pid.clone();
    let task = aio::create_task(async move {
        let mut child = Command::new("sleep").arg("30").spawn().unwrap();
        p.set(child.id().unwrap());
        child.wait().await
    });
    while pid.get() == 0 {
        aio::sleep(Duration::from_millis(1)).await;
    }
    assert!(exists(pid.get()));
    task.cancel();
    assert!(task.await.is_err());
    assert!(
        !exists(pid.get()),
        "the cancelled task left no process behind"
    );
}

#[aio::test(clock = real)]
async fn a_detached_child_runs_on_and_is_reaped_when_it_ends() {
    let marker = std::env::temp_dir().join(format!("aio-detached-{}", std::process::id()));
    let _ = std::fs::remove_file(&marker);
    let child = shell(format!("sleep 0.1; touch '{}'", marker.display()))
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    child.detach();
    assert!(exists(pid), "detaching does not kill");
    let mut waited = Duration::ZERO;
    while exists(pid) && waited < secs(10) {
        aio::sleep(Duration::from_millis(10)).await;
        waited += Duration::from_millis(10);
    }
    assert!(marker.exists(), "the detached child finished its work");
    assert!(!exists(pid), "and was reaped");
    std::fs::remove_file(&marker).unwrap();
}

#[aio::test]
async fn many_children_at_once() {
    let runs = (0..50).map(|i| async move { shell(format!("exit {}", i % 7)).status().await });
    let statuses = aio::gather(runs).await.unwrap();
    for (i, status) in statuses.into_iter().enumerate() {
        assert_eq!(status.code(), Some(i as i32 % 7));
    }
}

#[aio::test]
async fn on_the_virtual_clock_the_clock_waits_for_the_process() {
    let start = aio::now();
    // A timeout on the virtual clock would jump at once; the wait holds it.
    let status = aio::wait_for(async { shell("sleep 0.2; exit 4").status().await }, secs(1))
        .await
        .expect("the clock waited for the process instead of jumping to the timeout");
    assert_eq!(status.unwrap().code(), Some(4));
    assert_eq!(aio::now(), start, "a process takes no virtual time");
    let out = aio::wait_for(
        async { shell("sleep 0.2; echo late").output().await },
        secs(1),
    )
    .await
    .expect("communicate holds the clock too");
    assert_eq!(out.unwrap().stdout, b"late\n");
}

#[aio::test]
async fn a_missing_program_is_an_error_naming_it() {
    let err = Command::new("aio-no-such-program").spawn().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    assert!(err.to_string().contains("aio-no-such-program"), "{err}");
    let err = Command::new("aio-no-such-program")
        .output()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("aio-no-such-program"), "{err}");
}

#[aio::test]
async fn a_file_that_is_not_executable_is_an_error_naming_it() {
    let path = std::env::temp_dir().join(format!("aio-not-executable-{}", std::process::id()));
    std::fs::write(&path, "echo hi\n").unwrap();
    let err = Command::new(&path).spawn().unwrap_err();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
    assert!(err.to_string().contains("aio-not-executable"), "{err}");
}

#[aio::test]
async fn a_missing_working_directory_is_an_error_naming_it_and_the_program() {
    let err = Command::new("true")
        .current_dir("/aio/no/such/dir")
        .spawn()
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`true`"), "{text}");
    assert!(text.contains("/aio/no/such/dir"), "{text}");
    assert!(text.contains("working directory"), "{text}");
}

#[test]
#[should_panic(expected = "needs a running aio event loop")]
fn spawning_outside_a_loop_panics_with_the_fix() {
    let _ = Command::new("true").spawn();
}

#[test]
fn a_detached_child_outliving_its_loop_is_reaped_by_a_later_spawn() {
    let pid = aio::run(async {
        let child = Command::new("sleep").arg("0.05").spawn().unwrap();
        let pid = child.id().unwrap();
        child.detach();
        pid
    });
    // The loop is gone; the child ends (a zombie: nobody waited for it yet).
    let mut polls = 0;
    while !is_zombie(pid) {
        polls += 1;
        assert!(polls < 6000, "the child never ended");
        std::thread::sleep(Duration::from_millis(5));
    }
    aio::run(async {
        assert!(Command::new("true").status().await.unwrap().success());
    });
    assert!(!exists(pid), "reaped by the next spawn");
}
