//! A test logger that keeps aio's `log` records, for the tests that check
//! what the loop reports (debug mode, the default executor's shutdown).

use std::sync::Mutex;

/// Every record of target `aio`, as "LEVEL message".
static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct TestLogger;

impl log::Log for TestLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "aio"
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            let line = format!("{} {}", record.level(), record.args());
            RECORDS.lock().unwrap().push(line);
        }
    }

    fn flush(&self) {}
}

/// Installs the logger; every test calls it, the first one does it.
pub fn install_logger() {
    static LOGGER: TestLogger = TestLogger;
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(log::LevelFilter::Warn);
}

/// The records that mention every one of `markers` (tests run in parallel;
/// each looks for marks of its own).
pub fn records_with(markers: &[&str]) -> Vec<String> {
    RECORDS
        .lock()
        .unwrap()
        .iter()
        .filter(|r| markers.iter().all(|m| r.contains(m)))
        .cloned()
        .collect()
}
