//! Issue 25 item 7: with both the `log` and `tracing` features on and no tracing
//! subscriber, tracing's `log` feature hands every event to `log` too; the one
//! wildcard warning must still reach a `log` logger once. (Its own test binary: a
//! tracing subscriber set by another test would change what this one checks.)

use std::sync::Mutex;

use bind_guard::BindAddr;
use bind_guard::listen::Listen;

struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "bind_guard"
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(format!("{} {}", record.level(), record.args()));
        }
    }
    fn flush(&self) {}
}

static LOGS: Capture = Capture(Mutex::new(Vec::new()));

#[test]
fn the_wildcard_warning_reaches_log_once_without_a_tracing_subscriber() {
    assert!(log::set_logger(&LOGS).is_ok());
    log::set_max_level(log::LevelFilter::Warn);
    assert!(!tracing::dispatcher::has_been_set());
    let listen = Listen::new(BindAddr::loopback(7201)).env_vars("SVC_BIND", Some("SVC_EXPOSE"));
    let set = listen
        .load_from(|name| match name {
            "SVC_BIND" => Some("0.0.0.0:7202".into()),
            "SVC_EXPOSE" => Some("1".into()),
            _ => None,
        })
        .map_err(|err| err.to_string());
    assert_eq!(
        set.map(|set| set.to_string()),
        Ok("0.0.0.0:7202".to_owned())
    );
    let logs = LOGS
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert!(
        logs[0].starts_with("WARN listening on the wildcard address 0.0.0.0:7202"),
        "{logs:?}"
    );
}
