//! Every program in examples/ runs and prints its key lines (the seeds'
//! expected output, where the seeds give one).
//!
//! `cargo test` builds the examples next to this test's executable
//! (target/<profile>/examples/NAME). They run on the real clock, all at
//! once, so the whole takes about as long as the slowest (`say_after`, 3 s).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Each example with the lines it must print, in this order (a line matches
/// if it contains the text: some print ports, timings or thread names).
const EXAMPLES: &[(&str, &[&str])] = &[
    (
        "async_iteration",
        &["item 1.1", "item 4.2", "stopped: page 3 timed out"],
    ),
    (
        "barrier_pipeline",
        &["-- everyone finished step 1", "-- everyone finished step 2"],
    ),
    ("blocking", &["result 1", "result 1"]),
    (
        "cancel_cleanup",
        &["background cleanup", "main observed cancellation"],
    ),
    ("cpu_fan_out", &["8 jobs: sequential", "speed-up"]),
    (
        "create_task_order",
        &[
            "Both tasks started...",
            "Task Two Complete",
            "Task One Complete",
            "All tasks done!",
        ],
    ),
    (
        "debug_tour",
        &[
            "checksum 6",
            "billing [child] waiting on a lock",
            "shipping [child] waiting on a queue (get)",
            "caught the panic above; the program goes on",
        ],
    ),
    (
        "fetch_all",
        &[
            "item 4: timed out, skipped",
            "fetched 4 items: [\"item 1: 1001 bytes\", \"item 2: 1002 bytes\", \"item 3: 1003 bytes\", \"item 5: 1005 bytes\"]",
            "\"item 7: server said 500\"",
        ],
    ),
    (
        "fetch_urls",
        &[
            "Fetching from site1.com",
            "Fetching from site2.com",
            "Fetching from site3.com",
            "Data from site1.com",
            "Data from site2.com",
            "Data from site3.com",
        ],
    ),
    (
        "future_call_later",
        &["Waiting for future...", "Future done, result: done"],
    ),
    ("future_from_thread", &["from thread"]),
    (
        "gather_as_completed",
        &["gather: [0, 1, 2, 3, 4]", "one done:"],
    ),
    (
        "graceful_server",
        &[
            "listening on 127.0.0.1:",
            "said bye",
            "said bye",
            "got \"bye\"",
            "stopped:",
        ],
    ),
    (
        "graceful_shutdown",
        &[
            "sending SIGTERM to myself",
            "stopping:",
            "saved progress:",
            "bye",
        ],
    ),
    ("greet", &["Hello...", "...World!", "Done!"]),
    (
        "happy_eyeballs",
        &[
            "ms: trying 2001:db8::1 (IPv6)",
            "ms: trying 192.0.2.1 (IPv4)",
            "connected to 192.0.2.1 (IPv4); the other attempts were cancelled",
        ],
    ),
    (
        "http_fetch",
        &[
            "20 responses",
            "the second batch stopped at its first failure",
        ],
    ),
    (
        "limit_downloads",
        &["downloading a.example (1 in flight)", "downloaded 54 bytes"],
    ),
    (
        "loop_callbacks",
        &["Callback says: soon", "Callback says: after 1 second"],
    ),
    (
        "loop_in_thread",
        &[
            "job 1 done on Some(\"loop\")",
            "job 3 done on Some(\"loop\")",
            "cancelled from the main thread: Err(Cancelled(",
        ],
    ),
    (
        "loop_tasks_futures",
        &["gathered: [\"T1 done\", \"waiter got future-result\", \"from-thread\"]"],
    ),
    (
        "producer_consumer",
        &["finished a 10 ms job", "all jobs done"],
    ),
    ("run_forever", &["Hi!"]),
    ("runner", &["hello", "hello"]),
    ("say_after", &["One", "Two"]),
    ("set_future", &["Future Result Ready!"]),
    (
        "subprocess_pipeline",
        &[
            "timed out after 1s",
            "seq 1 5 | sort -rn through aio: 5 4 3 2 1",
        ],
    ),
    (
        "task_cancel_callback",
        &[
            "t2 was cancelled",
            "Callback result: A done",
            "res1: A done",
        ],
    ),
    (
        "task_group",
        &[
            "children may borrow this",
            "task2 finished",
            "task1 finished",
            "Both tasks have completed now.",
        ],
    ),
    (
        "tcp_echo",
        &[
            "Serving on 127.0.0.1:",
            "Send: \"Hello World!\"",
            "Received: \"Hello World!\"",
            "Close the connection",
        ],
    ),
    (
        "timeout",
        &[
            "The long operation timed out, but we've handled it.",
            "This statement will run regardless.",
        ],
    ),
    (
        "tour",
        &[
            "virtual clock: slept 3600 s of loop time",
            "== the event loop ==",
            "== structured concurrency ==",
            "== waiting ==",
            "== synchronisation ==",
            "queue + event + semaphore: the consumer got Some([0, 1, 2])",
            "== threads ==",
            "to_thread computed Ok(500500)",
            "== networking ==",
            "udp carried \"one datagram\"",
        ],
    ),
];

/// The exit status each example ends with: 0, but 143 for the one that
/// stops itself with SIGTERM.
fn exit_code(name: &str) -> i32 {
    match name {
        "graceful_shutdown" => 143,
        _ => 0,
    }
}

/// target/<profile>/examples, beside target/<profile>/deps/<this test>.
fn examples_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>")
        .join("examples")
}

/// Lines of `output` matching `expected` in order: the first one missing.
fn first_missing<'a>(output: &str, expected: &[&'a str]) -> Option<&'a str> {
    let mut lines = output.lines();
    expected
        .iter()
        .find(|want| !lines.any(|line| line.contains(**want)))
        .copied()
}

#[test]
fn every_example_is_checked() {
    let mut on_disk: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
            .unwrap()
            .map(|entry| {
                let name = entry.unwrap().file_name().into_string().unwrap();
                name.trim_end_matches(".rs").to_string()
            })
            .collect();
    on_disk.sort();
    let checked: Vec<&str> = EXAMPLES.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        on_disk, checked,
        "examples/ and the list above must match (sorted)"
    );
}

#[test]
fn every_example_runs_and_prints_its_key_lines() {
    let dir = examples_dir();
    // `http_fetch` needs the `hyper` feature to be built at all.
    let examples: Vec<_> = EXAMPLES
        .iter()
        .filter(|(name, _)| cfg!(feature = "hyper") || *name != "http_fetch")
        .collect();
    let children: Vec<_> = examples
        .iter()
        .map(|(name, _)| {
            let path = dir.join(name);
            assert!(
                path.exists(),
                "{} is missing: run `cargo test` (it builds the examples) or `cargo build --examples`",
                path.display()
            );
            Command::new(&path)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("starting {name}: {e}"))
        })
        .collect();
    // A watchdog: an example that hangs is killed and reported.
    let started = Instant::now();
    let mut failures = Vec::new();
    for ((name, expected), mut child) in examples.into_iter().zip(children) {
        while child.try_wait().unwrap().is_none() && started.elapsed() < Duration::from_secs(120) {
            std::thread::sleep(Duration::from_millis(20));
        }
        if child.try_wait().unwrap().is_none() {
            child.kill().ok();
            failures.push(format!("{name}: still running after 120 s"));
            continue;
        }
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        if output.status.code() != Some(exit_code(name)) {
            failures.push(format!(
                "{name}: {}\n{stdout}{}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ));
        } else if let Some(missing) = first_missing(&stdout, expected) {
            failures.push(format!(
                "{name}: no line with {missing:?} (in order) in:\n{stdout}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
