//! The optional integrations, used the way an application uses them: serde with a real
//! config format (TOML), clap's derive parser, tokio and socket2 sockets on loopback,
//! the environment loader with its `log`/`tracing` warning, and interface listing.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bind_guard::clap::{ListenArgs, checked_by};
use bind_guard::listen::{ConfigFile, Listen};
use bind_guard::{BindAddr, BindSet, ErrorKind, LocalAddr, LoopbackAddr, Policy, Scope, bind_addr};
use clap::Parser;
use serde::{Deserialize, Serialize};

const TIMEOUT: Duration = Duration::from_secs(5);

// ---------------------------------------------------------------- serde + TOML

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Config {
    api: BindAddr,
    lan: LocalAddr,
    admin: LoopbackAddr,
    policy: Policy,
    listen: BindSet,
}

#[test]
fn toml_config_reads_checks_and_writes_back() {
    let text = r#"
        api = "10.1.2.3:8080"
        lan = "[fd00::5]:8080"
        admin = "[::1]:9000"
        policy = "local, deny=10.99.0.0/16, deny_port_zero"
        listen = ["localhost:8080", "192.168.1.20:8080"]
    "#;
    let config: Config = toml::from_str(text).unwrap();
    assert_eq!(config.api, "10.1.2.3:8080".parse::<BindAddr>().unwrap());
    assert_eq!(config.lan.scope(), Scope::UniqueLocal);
    assert_eq!(config.admin.port(), 9000);
    assert_eq!(
        config.policy,
        Policy::local()
            .deny_net("10.99.0.0/16".parse().unwrap())
            .deny_port_zero()
    );
    assert_eq!(
        config.listen.to_string(),
        "127.0.0.1:8080,[::1]:8080,192.168.1.20:8080"
    );

    let written = toml::to_string(&config).unwrap();
    assert!(written.contains(r#"admin = "[::1]:9000""#), "{written}");
    assert!(
        written.contains(r#"policy = "local,deny_port_zero,deny=10.99.0.0/16""#),
        "{written}"
    );
    let again: Config = toml::from_str(&written).unwrap();
    assert_eq!(again, config);
}

#[test]
fn toml_errors_name_the_field_and_the_bad_value() {
    let base = |admin: &str| {
        format!(
            "api = \"127.0.0.1:1\"\nlan = \"127.0.0.1:2\"\nadmin = \"{admin}\"\n\
             policy = \"default\"\nlisten = \"127.0.0.1:3\"\n"
        )
    };
    let text = base("0.0.0.0:9000");
    let err = toml::from_str::<Config>(&text).unwrap_err();
    let shown = err.to_string();
    // The line of the field, the value, what is wrong, and the fix.
    assert!(shown.contains("admin = \"0.0.0.0:9000\""), "{shown}");
    assert!(
        shown.contains("bind address \"0.0.0.0:9000\" is the wildcard address"),
        "{shown}"
    );
    assert!(shown.contains("use 127.0.0.1 or [::1]"), "{shown}");
    // The error points at the value itself.
    assert_eq!(err.span().map(|span| &text[span]), Some("\"0.0.0.0:9000\""));

    let err = toml::from_str::<Config>(&base("192.168.1.10:9000")).unwrap_err();
    assert!(
        err.message()
            .starts_with("bind address \"192.168.1.10:9000\" is not a loopback address"),
        "{err}"
    );

    let bad_policy = base("127.0.0.1:9").replace("\"default\"", "\"default,alow=10.0.0.0/8\"");
    let err = toml::from_str::<Config>(&bad_policy).unwrap_err();
    assert!(
        err.message()
            .starts_with("policy item \"alow=10.0.0.0/8\" is not a policy option"),
        "{err}"
    );

    let bad_list = base("127.0.0.1:9").replace("\"127.0.0.1:3\"", "[\"127.0.0.1:3\", \"[::]:3\"]");
    let err = toml::from_str::<Config>(&bad_list).unwrap_err();
    assert!(
        err.message()
            .starts_with("bind address \"[::]:3\" is the wildcard address"),
        "{err}"
    );

    // A value of the wrong type says what was expected.
    let err = toml::from_str::<Config>(&base("127.0.0.1:9").replace("\"127.0.0.1:1\"", "8080"))
        .unwrap_err();
    assert!(err.message().contains("a bind address string"), "{err}");
}

#[test]
fn json_round_trip_of_every_marker() {
    let lo: LoopbackAddr = "127.0.0.7:1".parse().unwrap();
    let json = serde_json::to_string(&lo).unwrap();
    assert_eq!(json, "\"127.0.0.7:1\"");
    assert_eq!(serde_json::from_str::<LoopbackAddr>(&json).unwrap(), lo);
    assert_eq!(
        serde_json::from_str::<LocalAddr>("\"8.8.8.8:53\"")
            .unwrap_err()
            .to_string(),
        "bind address \"8.8.8.8:53\" is not on a local network, and only loopback, link-local, \
         private, shared (CGNAT) and unique-local addresses are accepted here; use an address of \
         this machine (127.0.0.1) or of a private network (10.0.0.0/8, 172.16.0.0/12, \
         192.168.0.0/16, fc00::/7) at line 1 column 12"
    );
    let set: BindSet = serde_json::from_str("\"localhost:1\"").unwrap();
    assert_eq!(
        serde_json::to_string(&set).unwrap(),
        r#"["127.0.0.1:1","[::1]:1"]"#
    );
}

// ---------------------------------------------------------------- clap

#[derive(Debug, Parser)]
#[command(name = "app")]
struct Cli {
    #[arg(long, default_value = "127.0.0.1:9000")]
    admin: LoopbackAddr,
    #[arg(long, default_value = "default")]
    policy: Policy,
    #[arg(long, value_parser = checked_by(Policy::local()))]
    metrics: Option<BindAddr>,
    #[command(flatten)]
    listen: ListenArgs,
}

fn cli(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("app").chain(args.iter().copied()))
}

#[test]
fn clap_takes_the_types_as_values() {
    let parsed = cli(&[
        "--policy",
        "loopback,deny_port_zero",
        "--metrics",
        "10.0.0.1:9100",
    ])
    .unwrap();
    assert_eq!(
        parsed.admin,
        "127.0.0.1:9000".parse::<LoopbackAddr>().unwrap()
    );
    assert_eq!(parsed.policy, Policy::loopback().deny_port_zero());
    assert_eq!(parsed.metrics.unwrap().scope(), Scope::Private);

    let err = cli(&["--admin", "10.0.0.1:9000"]).unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
    let shown = err.to_string();
    assert!(
        shown.contains("invalid value '10.0.0.1:9000' for '--admin <ADMIN>'"),
        "{shown}"
    );
    assert!(shown.contains("is not a loopback address"), "{shown}");

    let err = cli(&["--metrics", "8.8.8.8:9100"]).unwrap_err();
    assert!(
        err.to_string().contains("is not on a local network"),
        "{err}"
    );
    let err = cli(&["--policy", "local,allow_wildcard=1"]).unwrap_err();
    assert!(err.to_string().contains("takes no value"), "{err}");
}

#[test]
fn bind_and_expose() {
    let set = |args: &[&str]| cli(args).unwrap().listen.bind_set(BindSet::localhost(8080));

    assert_eq!(set(&[]).unwrap().to_string(), "127.0.0.1:8080,[::1]:8080");
    assert_eq!(
        set(&["--bind", "127.0.0.1:1,[::1]:2", "--bind", "192.168.0.2:3"])
            .unwrap()
            .to_string(),
        "127.0.0.1:1,[::1]:2,192.168.0.2:3"
    );

    for wildcard in ["0.0.0.0:8080", "[::]:8080", "[::ffff:0.0.0.0]:8080"] {
        let err = set(&["--bind", wildcard]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ValueValidation);
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("error: --bind: bind address \"{wildcard}\"")),
            "{shown}"
        );
        assert!(
            shown.contains("; to listen on every interface on purpose, add --expose"),
            "{shown}"
        );
        assert!(
            !shown.contains("Policy::") && !shown.contains("bind_addr!"),
            "{shown}"
        );

        // --expose may come before or after --bind.
        for args in [
            ["--expose", "--bind", wildcard],
            ["--bind", wildcard, "--expose"],
        ] {
            let exposed = set(&args).unwrap();
            assert!(exposed.addrs()[0].is_wildcard());
        }
    }

    // --expose opens the wildcard only; everything else is still checked.
    let err = set(&["--expose", "--bind", "127.1:80"]).unwrap_err();
    assert!(err.to_string().contains("IPv4 shorthand"), "{err}");
    let err = set(&["--bind", "example.com:80"]).unwrap_err();
    assert!(err.to_string().contains("is a host name"), "{err}");
    // An application policy narrows; --expose still only adds the wildcard.
    let local = cli(&["--expose", "--bind", "8.8.8.8:80"])
        .unwrap()
        .listen
        .bind_set_with(&Policy::local(), BindAddr::loopback(80))
        .unwrap_err();
    assert!(
        local.to_string().contains("is not on a local network"),
        "{local}"
    );
    // A default the policy refuses is reported as the default's.
    let err = cli(&[])
        .unwrap()
        .listen
        .bind_set_with(
            &Policy::loopback(),
            "10.0.0.1:1".parse::<BindAddr>().unwrap(),
        )
        .unwrap_err();
    assert!(err.to_string().starts_with("error: the default: "), "{err}");

    // --expose alone: the wildcard on the default's port, never a silent no-op.
    let exposed = set(&["--expose"]).unwrap();
    assert!(
        exposed.iter().all(|a| a.is_wildcard() && a.port() == 8080),
        "{exposed}"
    );
    assert!(exposed.iter().any(|a| a.ip().is_ipv6()), "{exposed}");
    if bind_guard::sysctl::ipv6_v6only_default() == Some(false) {
        // [::] takes IPv4 too here, so one socket serves both: binding 0.0.0.0 as well
        // would fail.
        assert_eq!(exposed.to_string(), "[::]:8080");
    } else {
        assert_eq!(exposed.to_string(), "0.0.0.0:8080,[::]:8080");
    }
    // Stray commas and a port alone are named the same as in every source.
    let err = set(&["--bind", "127.0.0.1:1,"]).unwrap_err();
    assert!(err.to_string().contains("has an empty item"), "{err}");
    let err = set(&["--bind", "127.0.0,1:8080"]).unwrap_err();
    assert!(
        err.to_string().contains("has a comma inside an address"),
        "{err}"
    );
    let err = set(&["--bind", "8080"]).unwrap_err();
    assert!(
        err.to_string().contains("is a port without a host"),
        "{err}"
    );
}

// A parser with no doc comment of its own, as a quick application writes it.
#[derive(Debug, Parser)]
#[command(name = "app", mut_arg("bind", |arg| arg.env("LISTEN_TEST_APP_BIND")))]
struct Bare {
    #[command(flatten)]
    listen: ListenArgs,
}

#[test]
fn listen_args_add_only_their_flags_to_help() {
    use clap::CommandFactory;
    let help = Bare::command().render_long_help().to_string();
    assert!(help.contains("--bind <ADDR>"), "{help}");
    assert!(help.contains("--expose"), "{help}");
    // Nothing of ListenArgs' rustdoc (prose, code) reaches the application's help.
    for leaked in ["```", "flatten", "Parser", "try_parse_from", "#[command"] {
        assert!(!help.contains(leaked), "{leaked:?} in help:\n{help}");
    }
    assert!(help.contains("[env: LISTEN_TEST_APP_BIND="), "{help}");
}

#[test]
fn listen_args_say_whether_bind_was_given() {
    let given = Bare::try_parse_from(["app", "--bind", "[::1]:1"]).unwrap();
    assert!(given.listen.bind_given());
    assert!(!given.listen.bind_from_env());
    let absent = Bare::try_parse_from(["app"]).unwrap();
    assert!(!absent.listen.bind_given());
    assert!(!absent.listen.bind_from_env());
}

// ---------------------------------------------------------------- tokio

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn tokio_tcp_and_udp_on_loopback() {
    runtime().block_on(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        use tokio::time::timeout;

        let lo: LoopbackAddr = "[::1]:0".parse().unwrap();
        let listener = bind_guard::tokio::bind_tcp(lo).await.unwrap();
        let local = listener.local_addr().unwrap();
        assert_eq!(local.ip(), lo.ip());
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            stream.write_all(b"pong").await.unwrap();
        });
        let mut client = timeout(TIMEOUT, tokio::net::TcpStream::connect(local))
            .await
            .unwrap()
            .unwrap();
        let mut buf = [0; 4];
        timeout(TIMEOUT, client.read_exact(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&buf, b"pong");
        server.await.unwrap();

        let a = bind_guard::tokio::bind_udp(BindAddr::loopback(0))
            .await
            .unwrap();
        let b = bind_guard::tokio::bind_udp(BindAddr::loopback(0))
            .await
            .unwrap();
        a.send_to(b"ping", b.local_addr().unwrap()).await.unwrap();
        let mut buf = [0; 4];
        let (n, from) = timeout(TIMEOUT, b.recv_from(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((&buf[..n], from), (&b"ping"[..], a.local_addr().unwrap()));
    });
}

#[test]
fn tokio_binds_a_set_all_or_none() {
    runtime().block_on(async {
        let set = BindSet::parse(&Policy::loopback(), "localhost:0").unwrap();
        let listeners = bind_guard::tokio::bind_tcp_all(&set).await.unwrap();
        let ips: Vec<_> = listeners
            .iter()
            .map(|l| l.local_addr().unwrap().ip())
            .collect();
        assert_eq!(ips, [set.addrs()[0].ip(), set.addrs()[1].ip()]);

        // Occupy a port; the set that needs it fails, and its first socket is closed.
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let free = std::net::TcpListener::bind("127.0.0.2:0")
            .map(|l| l.local_addr().unwrap().port())
            .unwrap();
        let list = format!("127.0.0.2:{free},127.0.0.1:{port}");
        let set = BindSet::parse(&Policy::default(), &list).unwrap();
        let err = bind_guard::tokio::bind_tcp_all(&set).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::AddrInUse);
        assert!(
            err.to_string().contains(&format!("127.0.0.1:{port}")),
            "{err}"
        );
        assert!(
            std::net::TcpListener::bind(("127.0.0.2", free)).is_ok(),
            "127.0.0.2:{free} was left bound"
        );
    });
}

// ---------------------------------------------------------------- socket2

#[test]
fn socket2_listener_serves_std_and_tokio() {
    use bind_guard::socket2::{SocketOptions, tcp_listener};

    let socket = tcp_listener(BindAddr::loopback(0), &SocketOptions::new().backlog(8)).unwrap();
    assert_eq!(socket.reuse_address().unwrap(), cfg!(not(windows)));
    let listener: std::net::TcpListener = socket.into();
    let local = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.write_all(b"ok").unwrap();
    });
    let mut client = TcpStream::connect_timeout(&local, TIMEOUT).unwrap();
    client.set_read_timeout(Some(TIMEOUT)).unwrap();
    let mut buf = [0; 2];
    client.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ok");
    server.join().unwrap();

    // Into tokio: non-blocking first.
    runtime().block_on(async {
        let socket =
            tcp_listener(BindAddr::loopback_v6(0), &SocketOptions::new().v6_only()).unwrap();
        socket.set_nonblocking(true).unwrap();
        let listener = tokio::net::TcpListener::from_std(socket.into()).unwrap();
        assert!(listener.local_addr().unwrap().ip().is_loopback());
    });
}

// ---------------------------------------------------------------- env + log + tracing

static LOGS: bind_guard_test_support::logs::LogCapture =
    bind_guard_test_support::logs::LogCapture::new();

fn env<'a>(
    vars: &'a [(&'static str, &'static str)],
) -> impl Fn(&str) -> Option<std::ffi::OsString> + 'a {
    move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.into())
}

#[test]
fn the_wildcard_warning_goes_to_tracing_once_when_a_subscriber_is_set() {
    let _ = log::set_logger(&LOGS);
    log::set_max_level(log::LevelFilter::Warn);

    // tracing: the process-wide subscriber, writing into a buffer. (A subscriber for this
    // thread alone misses events when a test on another thread reaches the same callsite
    // first: tracing caches a callsite's interest process-wide.) Other tests may warn too,
    // so only the lines about this test's ports count.
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();

    let config = Listen::new(BindAddr::loopback(7001)).env_vars("SVC_BIND", Some("SVC_EXPOSE"));
    tracing::subscriber::set_global_default(subscriber).unwrap();
    {
        // No wildcard: no warning.
        config.load_from(env(&[])).unwrap();
        // Wildcard with the opt-in: one warning.
        let set = config
            .load_from(env(&[("SVC_BIND", "0.0.0.0:7002"), ("SVC_EXPOSE", "yes")]))
            .unwrap();
        assert!(set.addrs()[0].is_wildcard());
        // Without it: an error that names the opt-in variable.
        let err = config
            .load_from(env(&[("SVC_BIND", "0.0.0.0:7003")]))
            .unwrap_err();
        assert!(err.to_string().contains("set SVC_EXPOSE=1"), "{err}");
    }

    // A tracing subscriber is set: the warning goes there, and not to log as well
    // (`tests/listen_log_once.rs` checks the other case: log alone).
    let logs: Vec<String> = LOGS
        .lines()
        .into_iter()
        .filter(|line| line.contains(":700"))
        .collect();
    assert!(logs.is_empty(), "{logs:?}");

    let traced = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    let traced: String = traced
        .lines()
        .filter(|line| line.contains(":700"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(
        traced.matches("listening on the wildcard").count(),
        1,
        "{traced}"
    );
    assert!(
        traced.contains(" WARN bind_guard: listening on the wildcard address 0.0.0.0:7002"),
        "{traced}"
    );
    // The concrete addresses (if-addrs): at least loopback, with the port.
    assert!(traced.contains("127.0.0.1:7002"), "{traced}");
}

#[test]
fn env_reads_the_process_environment() {
    // A variable nobody sets: the default applies (no mutation of the environment,
    // which is unsafe in edition 2024 and racy in tests).
    let set = Listen::new(BindAddr::loopback_v6(7100))
        .env_vars("BIND_GUARD_TEST_SURELY_UNSET_VAR", None)
        .load()
        .unwrap();
    assert_eq!(set.to_string(), "[::1]:7100");
}

// ---------------------------------------------------------------- if-addrs

#[test]
fn reachable_lists_the_interfaces_behind_a_bound_wildcard() {
    use bind_guard::reachable::{DualStack, reachable};

    let any = Policy::default()
        .allow_wildcard()
        .parse("0.0.0.0:0")
        .unwrap();
    let listener = any.bind_tcp().unwrap();
    let bound = listener.local_addr().unwrap();
    let addrs = reachable(bound, DualStack::No).unwrap();
    assert!(
        addrs
            .iter()
            .all(|a| a.port() == bound.port() && a.is_ipv4())
    );
    assert_eq!(
        addrs.first(),
        Some(&SocketAddr::from(([127, 0, 0, 1], bound.port())))
    );
    // Reachable really means reachable: connect through the loopback entry.
    let first = addrs[0];
    TcpStream::connect_timeout(&first, TIMEOUT).unwrap();
    drop(listener);

    let specific = BindAddr::loopback(4321);
    assert_eq!(
        reachable(specific, DualStack::SystemDefault).unwrap(),
        [*specific.as_socket_addr()]
    );
    assert_eq!(
        ErrorKind::Wildcard,
        "0.0.0.0:1".parse::<BindAddr>().unwrap_err().kind()
    );
}

// ---------------------------------------------------------------- Listen + TOML

#[derive(Debug, Deserialize)]
struct AppToml {
    server: Option<bind_guard::serde::ListenSection>,
}

/// A section is read as text and judged by `Listen` only when it decides, with its own
/// policy; TOML's spans put the file, key and line in the error.
#[test]
fn listen_section_is_text_judged_with_its_own_policy_at_its_line() {
    let judge = |text: &str| -> Result<BindSet, String> {
        let file = ConfigFile::from_text("app.toml", text);
        let config: AppToml = file.parse(toml::from_str).map_err(|e| e.to_string())?;
        Listen::new(BindAddr::loopback(1))
            .config_section(&file, "server", config.server.as_ref())
            .load_from(|_| None)
            .map_err(|e| e.to_string())
    };
    let open =
        judge("[server]\nlisten = [\"0.0.0.0:8080\"]\npolicy = \"default,allow_wildcard\"\n")
            .unwrap();
    assert!(open.addrs()[0].is_wildcard());
    // The policy may come first or last.
    judge("[server]\npolicy = \"default,allow_wildcard\"\nlisten = \"[::]:1\"\n").unwrap();
    // Reading never judges: a refused value is read, and refused when judged.
    let section: AppToml = toml::from_str("[server]\nlisten = [\"0.0.0.0:8080\"]\n").unwrap();
    assert_eq!(section.server.unwrap().listen().unwrap(), ["0.0.0.0:8080"]);
    let err = judge("[server]\nlisten = [\"0.0.0.0:8080\"]\n").unwrap_err();
    assert!(
        err.starts_with("app.toml:2: server.listen: bind address \"0.0.0.0:8080\" is the wildcard"),
        "{err}"
    );
    assert!(
        err.ends_with("to listen on every interface on purpose, set policy = \"default,allow_wildcard\" beside it"),
        "{err}"
    );
    let err =
        judge("\n\n[server]\npolicy = \"loopback\"\nlisten = [\n\"10.0.0.1:80\"]\n").unwrap_err();
    assert!(err.starts_with("app.toml:5: server.listen: "), "{err}");
    assert!(err.contains("is not a loopback address"), "{err}");
    let err = judge("[server]\nlisten = \"127.0.0.1:1\"\npolicy = \"loopbak\"\n").unwrap_err();
    assert!(
        err.starts_with("app.toml:3: server.policy: policy item \"loopbak\""),
        "{err}"
    );
    // The strict section still refuses a typo while reading.
    let err = judge("[server]\nlisen = [\"127.0.0.1:80\"]\n").unwrap_err();
    assert!(err.contains("unknown field `lisen`"), "{err}");
}

/// `config_file` reads a section of any document: TOML with lines, JSON without (a
/// JSON string is read too: only a format that answers with spans is asked for them).
#[test]
fn config_documents_of_any_format() {
    let doc: bind_guard::serde::ConfigDocument = toml::from_str(
        "name = 'svc'\nports = [1, 2]\n[[workers]]\nn = 1\n[app.http]\nworkers = 4\nlisten = 80\n[server]\nlisten = '*:1'\n",
    )
    .unwrap();
    assert!(doc.section("app.http").unwrap().is_err());
    assert_eq!(
        doc.section("server").unwrap().unwrap().listen().unwrap(),
        ["*:1"]
    );
    assert!(doc.section("workers").is_none());
    let json: bind_guard::serde::ConfigDocument = serde_json::from_str(
        r#"{"server": {"listen": "127.0.0.1:1,[::1]:1", "x": [null, {}]}, "n": 1.5}"#,
    )
    .unwrap();
    assert_eq!(
        json.section("server").unwrap().unwrap().listen().unwrap(),
        ["127.0.0.1:1,[::1]:1"]
    );
    let top: bind_guard::serde::ConfigDocument =
        serde_json::from_str(r#"{"listen": ["127.0.0.1:2"]}"#).unwrap();
    assert!(top.section("").is_some());

    let dir = std::env::temp_dir().join(format!("bind-guard-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("svc.toml");
    std::fs::write(&path, "[server]\n\nlisten = ['127.0.0.1:0', '8080']\n").unwrap();
    let err = Listen::new(BindAddr::loopback(1))
        .config_file(&path, "server", |t| toml::from_str(t))
        .load_from(|_| None)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "{}:3: server.listen: bind address \"8080\" is a port",
            path.display()
        )),
        "{err}"
    );
    // A missing file is no config.
    let set = Listen::new(BindAddr::loopback(1))
        .config_file(dir.join("missing.toml"), "server", |t| toml::from_str(t))
        .load_from(|_| None)
        .unwrap();
    assert_eq!(set.to_string(), "127.0.0.1:1");
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------- issue 25: opt-ins

fn vars(
    pairs: &'static [(&'static str, &'static str)],
) -> impl Fn(&str) -> Option<std::ffi::OsString> {
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.into())
    }
}

/// Item 5: an opt-in opens its own source's value and never replaces a named address
/// with the wildcard.
#[test]
fn an_opt_in_never_replaces_an_address_a_source_named() {
    let listen = Listen::new(bind_addr!("127.0.0.1:9"))
        .env_prefix("APP")
        .platform_env();
    let set = listen
        .load_from(vars(&[
            ("HOST", "127.0.0.1"),
            ("PORT", "8080"),
            ("APP_EXPOSE", "1"),
        ]))
        .unwrap();
    assert_eq!(set.to_string(), "127.0.0.1:8080");
    let set = listen
        .load_from(vars(&[
            ("APP_BIND", "198.18.0.1:7000"),
            ("APP_EXPOSE", "1"),
        ]))
        .unwrap();
    assert_eq!(set.to_string(), "198.18.0.1:7000");
    let cli = Cli::try_parse_from(["app", "--expose"]).unwrap();
    let set = listen
        .clone()
        .args(&cli.listen)
        .load_from(vars(&[("HOST", "127.0.0.1"), ("PORT", "8080")]))
        .unwrap();
    assert_eq!(set.to_string(), "127.0.0.1:8080");
    // Alone, it is the wildcard on the default's port.
    let set = listen.load_from(vars(&[("APP_EXPOSE", "1")])).unwrap();
    assert!(
        set.iter().all(|a| a.is_wildcard() && a.port() == 9),
        "{set}"
    );
}

/// Item 6: the README's opt-in for the default.
#[test]
fn a_wildcard_default_written_with_its_opt_in_is_used() {
    let set = Listen::new(bind_addr!("0.0.0.0:8080", allow_wildcard))
        .load_from(|_| None)
        .unwrap();
    assert_eq!(set.to_string(), "0.0.0.0:8080");
}

/// Item 7: messages blame the source that was set and quote what was typed.
#[test]
fn messages_blame_the_right_source_and_quote_what_was_typed() {
    let listen = Listen::new(bind_addr!("127.0.0.1:9"))
        .env_prefix("APP")
        .platform_env()
        .policy(Policy::default().deny_net("::/0".parse().unwrap()));
    let err = listen
        .load_from(vars(&[("APP_EXPOSE", "1")]))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("APP_EXPOSE: "), "{err}");
    let listen = Listen::new(bind_addr!("127.0.0.1:9"))
        .env_prefix("APP")
        .platform_env();
    let err = listen
        .load_from(vars(&[("HOST", "[::1]:22,127.0.0.1"), ("PORT", "8080")]))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("HOST=\"[::1]:22,127.0.0.1\" is not an IP address"),
        "{err}"
    );
    assert!(!err.contains("[127.0.0.1\""), "{err}");
    // A no-break space is not trimmed (one rule: ASCII white space, as the policy text).
    assert!(
        listen
            .load_from(vars(&[("APP_BIND", "\u{a0}127.0.0.1:1")]))
            .is_err()
    );
    assert!("\u{a0}default".parse::<Policy>().is_err());
}

#[test]
fn typed_fields_say_what_they_accept_and_never_suggest_the_wildcard() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Admin {
        admin: LoopbackAddr,
        lan: Option<LocalAddr>,
    }
    for text in [
        "admin = \"0.0.0.0:9000\"",
        "admin = \"[::]:9000\"",
        "admin = \"127.0.0.1:1\"\nlan = \"0.0.0.0:9000\"",
    ] {
        let err = toml::from_str::<Admin>(text).unwrap_err().to_string();
        assert!(err.contains("is the wildcard address"), "{err}");
        assert!(err.contains("use 127.0.0.1 or [::1]"), "{err}");
        for wider in ["allow_wildcard", "on purpose", "--expose", "Policy::"] {
            assert!(!err.contains(wider), "{wider}: {err}");
        }
    }
}

#[test]
fn main_returning_the_error_prints_the_sentence() {
    // What `fn main() -> Result<(), Box<dyn Error>>` prints after "Error: ", as in the
    // README tour run with BIND_ADDR=0.0.0.0:8080.
    let err: Box<dyn std::error::Error> = "0.0.0.0:8080".parse::<BindAddr>().unwrap_err().into();
    let shown = format!("{err:?}");
    assert!(
        shown.starts_with("bind address \"0.0.0.0:8080\" is the wildcard address"),
        "{shown}"
    );
    assert!(!shown.contains("BindError {"), "{shown}");
    assert!(!shown.contains("Policy::"), "{shown}");
}
