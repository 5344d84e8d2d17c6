//! The guard's warnings through `log`: at most one per refused host (and reason), the
//! host escaped and cut, never the raw header.

use std::net::SocketAddr;
use std::sync::Mutex;

use bind_guard::host_guard::{Field, HostGuard, RequestHead};

/// Keeps every record of target `bind_guard::host_guard`.
struct Recorder(Mutex<Vec<String>>);

impl log::Log for Recorder {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        metadata.target() == "bind_guard::host_guard"
    }
    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            self.0.lock().unwrap().push(record.args().to_string());
        }
    }
    fn flush(&self) {}
}

static RECORDER: Recorder = Recorder(Mutex::new(Vec::new()));

#[test]
fn one_escaped_warning_per_refused_host() {
    log::set_logger(&RECORDER).unwrap();
    log::set_max_level(log::LevelFilter::Warn);
    let guard = HostGuard::builder()
        .bound("127.0.0.1:8080".parse::<SocketAddr>().unwrap())
        .build()
        .unwrap();
    let check = |host: &[u8]| {
        let req = RequestHead {
            host: Field::One(host),
            ..RequestHead::default()
        };
        guard.check(&req).is_ok()
    };
    let hostile = b"evil\x1b[2K\r.example";
    let long = [b'a'; 5000];
    for _ in 0..100 {
        assert!(check(b"localhost"));
        assert!(!check(b"rebind.test"));
        assert!(!check(b"REBIND.test"));
        assert!(!check(hostile));
        assert!(!check(&long));
    }
    let records = RECORDER.0.lock().unwrap().clone();
    assert_eq!(records.len(), 3, "{records:#?}");
    assert!(records[0].contains("`rebind.test`"), "{records:#?}");
    for record in &records {
        assert!(!record.chars().any(|c| c.is_control()), "{record:?}");
        assert!(record.len() < 400, "{}", record.len());
    }
    assert!(
        records[1].contains(r"evil\u{1b}[2K\r.example"),
        "{records:#?}"
    );
}
