//! The `log` records of the library (target `bind_guard`), kept for a test to read.

use std::sync::{Mutex, PoisonError};

/// A `log` logger that keeps `LEVEL message` of every record of target `bind_guard`;
/// a `static` handed to `log::set_logger`.
#[derive(Debug)]
pub struct LogCapture(Mutex<Vec<String>>);

impl LogCapture {
    /// An empty capture, for a `static`.
    pub const fn new() -> Self {
        LogCapture(Mutex::new(Vec::new()))
    }

    /// The records kept so far.
    pub fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Default for LogCapture {
    fn default() -> Self {
        Self::new()
    }
}

impl log::Log for LogCapture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "bind_guard"
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(format!("{} {}", record.level(), record.args()));
        }
    }
    fn flush(&self) {}
}
