//! Issue 25 item 7: with both the `log` and `tracing` features on and no tracing
//! subscriber, tracing's `log` feature hands every event to `log` too; the one
//! wildcard warning must still reach a `log` logger once. (Its own test binary: a
//! tracing subscriber set by another test would change what this one checks.)

use bind_guard::BindAddr;
use bind_guard::listen::Listen;

static LOGS: bind_guard_test_support::logs::LogCapture =
    bind_guard_test_support::logs::LogCapture::new();

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
    let logs = LOGS.lines();
    assert_eq!(logs.len(), 1, "{logs:?}");
    assert!(
        logs[0].starts_with("WARN listening on the wildcard address 0.0.0.0:7202"),
        "{logs:?}"
    );
}
