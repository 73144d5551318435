//! With the `tracing` feature, debug mode's reports are `tracing` events
//! (target `aio`) too. `cargo test --features tracing --test debug_tracing`.
#![cfg(feature = "tracing")]

use std::fmt::Write;
use std::sync::Mutex;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// "LEVEL target: message" of every event.
static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        }
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        let meta = event.metadata();
        let line = format!("{} {}: {}", meta.level(), meta.target(), message.0);
        EVENTS.lock().unwrap().push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

#[test]
fn reports_are_tracing_events() {
    tracing::subscriber::set_global_default(Capture).unwrap();
    let runner = aio::Runner::with_clock(aio::Clock::Virtual);
    runner.get_loop().set_debug(true);
    runner.run(async {
        let task = aio::create_task(async { panic!("traced") as () });
        task.set_name("traced-task");
        drop(task);
        aio::yield_now().await;
    });
    let events = EVENTS.lock().unwrap();
    let report = events
        .iter()
        .find(|e| e.contains("traced-task"))
        .unwrap_or_else(|| panic!("no event: {events:?}"));
    assert!(
        report.starts_with("ERROR aio: task failure never retrieved: traced-task"),
        "{report}"
    );
    assert!(report.ends_with("panicked: traced"), "{report}");
}
