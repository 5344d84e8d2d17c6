use super::*;
use crate::{ErrorKind, bind_addr};
use proptest::prelude::*;

fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> + use<> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| ((*k).into(), (*v).into()))
        .collect();
    move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.into())
}

fn listen() -> Listen {
    Listen::new(bind_addr!("127.0.0.1:8080")).env_prefix("APP")
}

fn flags(mut listen: Listen, bind: &[&str], expose: bool) -> Listen {
    listen.flags = Some(Flags {
        bind: bind.iter().map(|s| (*s).into()).collect(),
        expose,
        bind_from_env: false,
    });
    listen
}

fn config(mut listen: Listen, items: Option<&[&str]>, policy: Option<&str>) -> Listen {
    listen.config = Some(Ok(Config {
        listen: items.map(|items| items.iter().map(|s| (*s).into()).collect()),
        policy: policy.map(Into::into),
        listen_label: "app.toml:2: server.listen".into(),
        policy_label: "app.toml:3: server.policy".into(),
    }));
    listen
}

/// The result and the warnings, for a given environment.
fn decide(listen: &Listen, vars: &[(&str, &str)]) -> Result<(String, Vec<String>), String> {
    let lookup = env(vars);
    listen
        .decide(&Env { lookup: &lookup })
        .map(|(set, warnings)| (set.to_string(), warnings))
        .map_err(|err| err.to_string())
}

#[test]
fn env_beats_default_and_errors_name_the_variable() {
    assert_eq!(
        listen().load_from(env(&[])).unwrap().to_string(),
        "127.0.0.1:8080"
    );
    let err = listen()
        .load_from(env(&[("APP_BIND", "[::]:9000")]))
        .unwrap_err();
    assert_eq!(err.bind_error().unwrap().kind(), ErrorKind::Wildcard);
    let text = err.to_string();
    assert!(text.starts_with("APP_BIND: "), "{text}");
    assert!(text.ends_with("set APP_EXPOSE=1"), "{text}");
    assert!(
        !text.contains("Policy") && !text.contains("bind_addr"),
        "{text}"
    );
    for on in ["1", "TRUE", " yes ", "On"] {
        let set = listen()
            .load_from(env(&[("APP_BIND", "[::]:9000"), ("APP_EXPOSE", on)]))
            .unwrap();
        assert!(set.addrs()[0].is_wildcard());
    }
}

#[test]
fn env_vars_of_any_name() {
    let listen = Listen::new(bind_addr!("127.0.0.1:8080")).env_vars("SVC_ADDR", None);
    let err = listen
        .load_from(env(&[("SVC_ADDR", "0.0.0.0:1")]))
        .unwrap_err();
    // No opt-in variable: the error offers none.
    assert!(
        !err.to_string().contains("every interface on purpose"),
        "{err}"
    );
    assert!(err.to_string().starts_with("SVC_ADDR: "), "{err}");
}

#[test]
fn an_opt_in_alone_is_the_wildcard_on_the_port_below() {
    let set = listen().load_from(env(&[("APP_EXPOSE", "1")])).unwrap();
    assert!(set.iter().any(|a| a.ip().is_ipv6()));
    assert!(
        set.iter().all(|a| a.is_wildcard() && a.port() == 8080),
        "{set}"
    );
    let err = listen()
        .load_from(env(&[("APP_EXPOSE", "maybe")]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "APP_EXPOSE=\"maybe\" is not a switch; set it to 1 (or true, yes, on) to listen on \
         every interface, which allows the wildcard and nothing else, or to 0 (or false, no, \
         off, or unset it) not to"
    );
}

#[test]
fn empty_values_and_stray_commas_are_named() {
    let err = listen().load_from(env(&[("APP_BIND", "")])).unwrap_err();
    assert_eq!(err.bind_error().unwrap().kind(), ErrorKind::Empty);
    assert!(
        err.to_string()
            .starts_with("APP_BIND: bind address \"\" is empty")
    );
    let err = listen()
        .load_from(env(&[("APP_BIND", "127.0.0.1:80,")]))
        .unwrap_err();
    assert_eq!(err.bind_error().unwrap().kind(), ErrorKind::EmptyItem);
    let err = listen()
        .load_from(env(&[("APP_BIND", "8080")]))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("is a port without a host; write the host before it, such as 127.0.0.1:8080"),
        "{err}"
    );
}

#[test]
fn platform_port_and_host() {
    let listen = listen().platform_env();
    let set = listen.load_from(env(&[("PORT", "3000")])).unwrap();
    assert_eq!(set.to_string(), "127.0.0.1:3000");
    for host in ["::1", "[::1]", " ::1 "] {
        let set = listen
            .load_from(env(&[("PORT", "3000"), ("HOST", host)]))
            .unwrap();
        assert_eq!(set.to_string(), "[::1]:3000");
    }
    let set = listen
        .load_from(env(&[("PORT", "3000"), ("HOST", "localhost")]))
        .unwrap();
    assert_eq!(set.to_string(), "127.0.0.1:3000,[::1]:3000");
    let err = listen
        .load_from(env(&[("PORT", "3000"), ("HOST", "0.0.0.0")]))
        .unwrap_err();
    assert!(err.to_string().starts_with("HOST and PORT: "), "{err}");
    assert!(err.to_string().ends_with("set APP_EXPOSE=1"), "{err}");
    for bad in ["http", "+1", "08080", "65536", "", "-1", "1 2"] {
        let err = listen.load_from(env(&[("PORT", bad)])).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&std::format!("PORT=\"{bad}\" is not a port")),
            "{err}"
        );
    }
    assert_eq!(port("0"), Some(0));
    assert_eq!(port("65535"), Some(65535));
    // APP_BIND beats the platform's variables; HOST alone is not a source.
    let set = listen
        .load_from(env(&[("PORT", "3000"), ("APP_BIND", "[::1]:1")]))
        .unwrap();
    assert_eq!(set.to_string(), "[::1]:1");
    let set = listen.load_from(env(&[("HOST", "myhost")])).unwrap();
    assert_eq!(set.to_string(), "127.0.0.1:8080");
}

/// Issue 25 item 7: HOST is a host. Its text is never pasted into an address, so it
/// cannot add a port or a second address, and errors quote what was typed.
#[test]
fn host_is_a_host_never_a_list_or_an_address_with_a_port() {
    let listen = listen().platform_env();
    for host in [
        "[::1]:22,127.0.0.1",
        "127.0.0.1:22",
        "[::1]:22",
        "127.0.0.1,::1",
        "[127.0.0.1",
        "[127.0.0.1]",
        "myhost",
        "127.1",
        "\u{a0}127.0.0.1",
    ] {
        let err = listen
            .load_from(env(&[("PORT", "3000"), ("HOST", host)]))
            .unwrap_err();
        let quoted = error::quoted(host.trim_ascii());
        assert_eq!(
            err.to_string(),
            std::format!(
                "HOST=\"{quoted}\" is not an IP address; set HOST to the one address to listen \
                 on, such as 127.0.0.1 or ::1 (PORT gives the port), or unset it"
            ),
        );
    }
}

/// Issue 25 item 7: only ASCII white space is trimmed, as the policy text does.
#[test]
fn only_ascii_white_space_is_trimmed() {
    let set = listen()
        .load_from(env(&[("APP_BIND", " \t127.0.0.1:9000\n")]))
        .unwrap();
    assert_eq!(set.to_string(), "127.0.0.1:9000");
    for space in ["\u{a0}", "\u{3000}", "\u{2003}"] {
        let text = std::format!("{space}127.0.0.1:9000{space}");
        assert!(
            listen().load_from(env(&[("APP_BIND", &text)])).is_err(),
            "{text:?}"
        );
        let switch_text = std::format!("{space}1");
        let err = listen()
            .load_from(env(&[("APP_EXPOSE", &switch_text)]))
            .unwrap_err();
        assert!(err.to_string().contains("is not a switch"), "{err}");
    }
}

/// Issue 25 item 7: the refusal of an opt-in alone names the opt-in that was given.
#[test]
fn an_opt_in_alone_is_blamed_by_its_own_name() {
    let deny = Policy::new().deny_net("::/0".parse().unwrap());
    let listen = listen().policy(deny.clone());
    let err = listen.load_from(env(&[("APP_EXPOSE", "1")])).unwrap_err();
    assert!(err.to_string().starts_with("APP_EXPOSE: "), "{err}");
    let err = flags(listen, &[], true).load_from(env(&[])).unwrap_err();
    assert!(err.to_string().starts_with("--expose: "), "{err}");
}

/// Issue 25 item 6: the README's opt-in for the default works.
#[test]
fn a_wildcard_default_is_its_own_opt_in() {
    let listen = Listen::new(bind_addr!("0.0.0.0:8080", allow_wildcard)).env_prefix("APP");
    let set = listen.load_from(env(&[])).unwrap();
    assert_eq!(set.to_string(), "0.0.0.0:8080");
    // It opens the default only: a wildcard APP_BIND still needs APP_EXPOSE.
    let err = listen
        .load_from(env(&[("APP_BIND", "[::]:1")]))
        .unwrap_err();
    assert!(err.to_string().ends_with("set APP_EXPOSE=1"), "{err}");
    // And a policy that refuses something else still refuses it.
    let err = Listen::new(bind_addr!("0.0.0.0:8080", allow_wildcard))
        .policy(Policy::new().deny_net("0.0.0.0/32".parse().unwrap()))
        .load_from(env(&[]))
        .unwrap_err();
    assert!(err.to_string().starts_with("the default: "), "{err}");
}

/// Issue 21 item 1: a losing source's mistake is a warning, never a failure.
#[test]
fn only_the_deciding_source_is_judged() {
    let bad_config = config(listen(), Some(&["*:80"]), None);
    let (set, warnings) =
        decide(&flags(bad_config.clone(), &["127.0.0.1:9001"], false), &[]).unwrap();
    assert_eq!(set, "127.0.0.1:9001");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "not used, as --bind decides: app.toml:2: server.listen: bind address \"*:80\" uses * as the host"
        ),
        "{warnings:?}"
    );
    // Without the flag, the config decides and its mistake is the error.
    let err = decide(&bad_config, &[]).unwrap_err();
    assert!(
        err.starts_with("app.toml:2: server.listen: bind address \"*:80\""),
        "{err}"
    );
    // A bad switch, a bad HOST or a bad policy under a deciding flag: warnings too.
    let all_bad = flags(
        config(
            listen().platform_env(),
            Some(&["127.0.0.1:1"]),
            Some("nope"),
        ),
        &["127.0.0.1:9001"],
        false,
    );
    let (set, warnings) = decide(
        &all_bad,
        &[
            ("APP_EXPOSE", "maybe"),
            ("HOST", "x"),
            ("PORT", "1"),
            ("APP_BIND", "\u{1b}"),
        ],
    )
    .unwrap();
    assert_eq!(set, "127.0.0.1:9001");
    assert_eq!(warnings.len(), 4, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("APP_EXPOSE=\"maybe\" is not a switch")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("APP_BIND: bind address \"\\u{1b}\"")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("HOST=\"x\" is not an IP address")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("app.toml:3: server.policy: ")),
        "{warnings:?}"
    );
    // Nothing to say when the others are fine.
    let (_, warnings) = decide(
        &flags(listen(), &["127.0.0.1:1"], false),
        &[("APP_BIND", "127.0.0.1:2")],
    )
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// Issue 25 item 5: an opt-in never replaces an address a source named.
#[test]
fn an_opt_in_opens_its_own_source_and_never_replaces_a_named_address() {
    let listen = listen().platform_env();
    let vars = [("HOST", "127.0.0.1"), ("PORT", "8080"), ("APP_EXPOSE", "1")];
    assert_eq!(decide(&listen, &vars).unwrap().0, "127.0.0.1:8080");
    let (set, warnings) = decide(&flags(listen.clone(), &[], true), &vars[..2]).unwrap();
    assert_eq!(set, "127.0.0.1:8080");
    assert_eq!(
        warnings,
        [
            "--expose is ignored: it opens only its own source's address, and HOST and PORT \
          names the address to listen on"
        ]
    );
    let in_config = config(listen.clone(), Some(&["198.18.0.1:7000"]), None);
    assert_eq!(
        decide(&in_config, &[("APP_EXPOSE", "1")]).unwrap().0,
        "198.18.0.1:7000"
    );
    let loopback = config(listen, Some(&["198.18.0.1:7000"]), Some("loopback"));
    let err = decide(&loopback, &[("APP_EXPOSE", "1")]).unwrap_err();
    assert!(err.contains("is not a loopback address"), "{err}");
}

/// Issue 25 item 7: with clap's `env` fallback, the variable's opt-in opens it.
#[test]
fn a_flag_from_its_variable_is_opened_by_the_variables_opt_in() {
    let mut listen = listen();
    listen.flags = Some(Flags {
        bind: std::vec!["0.0.0.0:1".into()],
        expose: false,
        bind_from_env: true,
    });
    let err = listen.load_from(env(&[])).unwrap_err();
    assert!(err.to_string().starts_with("APP_BIND: "), "{err}");
    assert!(err.to_string().ends_with("set APP_EXPOSE=1"), "{err}");
    let set = listen.load_from(env(&[("APP_EXPOSE", "1")])).unwrap();
    assert_eq!(set.to_string(), "0.0.0.0:1");
}

#[test]
fn the_policy_applies_to_every_source() {
    let listen = listen().policy(Policy::loopback());
    let err = listen
        .load_from(env(&[("APP_BIND", "10.0.0.1:80"), ("APP_EXPOSE", "1")]))
        .unwrap_err();
    assert_eq!(err.bind_error().unwrap().kind(), ErrorKind::NotLoopback);
    let err = Listen::new(bind_addr!("10.0.0.1:80"))
        .policy(Policy::loopback())
        .load_from(env(&[]))
        .unwrap_err();
    assert!(err.to_string().starts_with("the default: "), "{err}");
    // A config's policy can open the wildcard, not widen the application's.
    let open = config(
        listen.clone(),
        Some(&["10.0.0.1:80"]),
        Some("local,allow_wildcard"),
    );
    let err = decide(&open, &[]).unwrap_err();
    assert!(err.contains("is not a loopback address"), "{err}");
    let open = config(listen, Some(&["0.0.0.0:80"]), Some("local,allow_wildcard"));
    assert_eq!(decide(&open, &[]).unwrap().0, "0.0.0.0:80");
}

#[test]
fn a_config_names_its_own_opt_in() {
    let err = decide(&config(listen(), Some(&["0.0.0.0:80"]), None), &[]).unwrap_err();
    assert!(
        err.ends_with("set policy = \"default,allow_wildcard\" beside it"),
        "{err}"
    );
    let err = decide(&config(listen(), Some(&["0.0.0.0:80"]), Some("local")), &[]).unwrap_err();
    assert!(
        err.ends_with("change policy to \"local,allow_wildcard\" beside it"),
        "{err}"
    );
    let err = decide(&config(listen(), Some(&[]), None), &[]).unwrap_err();
    assert!(
        err.starts_with("app.toml:2: server.listen: bind address \"\" is empty"),
        "{err}"
    );
    // A section without listen says nothing.
    assert_eq!(
        decide(&config(listen(), None, Some("loopback")), &[])
            .unwrap()
            .0,
        "127.0.0.1:8080"
    );
}

#[cfg(unix)]
#[test]
fn non_unicode_values_are_refused() {
    use std::os::unix::ffi::OsStringExt;
    let err = listen()
        .load_from(|_| Some(OsString::from_vec(std::vec![0xff])))
        .unwrap_err();
    assert_eq!(
        err,
        ListenError::NotUnicode {
            var: "APP_BIND".into()
        }
    );
}

/// One combination of sources and opt-ins, for the property test.
#[derive(Debug, Clone)]
struct Case {
    flag: Option<&'static str>,
    expose: bool,
    app_bind: Option<&'static str>,
    app_expose: Option<&'static str>,
    host: Option<&'static str>,
    port: Option<&'static str>,
    config: Option<&'static str>,
    config_opt_in: bool,
}

fn value(addr: &'static str) -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![Just(None), Just(Some(addr)), Just(Some("0.0.0.0:7"))]
}

fn cases() -> impl Strategy<Value = Case> {
    (
        (value("127.0.0.1:1"), any::<bool>(), value("127.0.0.2:2")),
        prop_oneof![Just(None), Just(Some("1")), Just(Some("0"))],
        prop_oneof![Just(None), Just(Some("127.0.0.3")), Just(Some("0.0.0.0"))],
        prop_oneof![Just(None), Just(Some("3"))],
        (value("127.0.0.4:4"), any::<bool>()),
    )
        .prop_map(
            |((flag, expose, app_bind), app_expose, host, port, (config, config_opt_in))| Case {
                flag,
                expose,
                app_bind,
                app_expose,
                host,
                port,
                config,
                config_opt_in,
            },
        )
}

/// The table of the module docs, written out as an oracle: `Ok(addresses)` or
/// `Err(label of the refusing source)`.
fn oracle(case: &Case) -> Result<Vec<String>, String> {
    let app_expose = case.app_expose == Some("1");
    let host_port = match (case.host, case.port) {
        (Some(host), Some(port)) => Some(std::format!("{host}:{port}")),
        _ => None,
    };
    let named: [(Option<String>, bool, &str); 4] = [
        (case.flag.map(Into::into), case.expose, "--bind"),
        (case.app_bind.map(Into::into), app_expose, "APP_BIND"),
        (host_port, app_expose, "HOST and PORT"),
        (
            case.config.map(Into::into),
            case.config_opt_in,
            "app.toml:2: server.listen",
        ),
    ];
    for (value, opted, label) in named {
        if let Some(value) = value {
            return if value.starts_with("0.0.0.0") && !opted {
                Err(label.into())
            } else {
                Ok(std::vec![value])
            };
        }
    }
    let port = case.port.unwrap_or("8080");
    if case.expose || app_expose {
        let dual = crate::sysctl::ipv6_v6only_default() == Some(false);
        let mut all = std::vec![std::format!("[::]:{port}")];
        if !dual {
            all.insert(0, std::format!("0.0.0.0:{port}"));
        }
        Ok(all)
    } else {
        Ok(std::vec![std::format!("127.0.0.1:{port}")])
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Issue 25 item 5: every combination of sources and opt-ins follows the table.
    #[test]
    fn every_combination_follows_the_table(case in cases()) {
        let mut listen = flags(listen().platform_env(), case.flag.as_slice(), case.expose);
        listen = config(listen, case.config.as_ref().map(core::slice::from_ref), case.config_opt_in.then_some("default,allow_wildcard"));
        let mut vars: Vec<(&str, &str)> = Vec::new();
        for (name, value) in [("APP_BIND", case.app_bind), ("APP_EXPOSE", case.app_expose), ("HOST", case.host), ("PORT", case.port)] {
            if let Some(value) = value {
                vars.push((name, value));
            }
        }
        let got = decide(&listen, &vars);
        match oracle(&case) {
            Ok(addrs) => {
                let (set, _) = got.map_err(TestCaseError::fail)?;
                prop_assert_eq!(set, addrs.join(","));
            }
            Err(label) => {
                let err = got.err().unwrap_or_default();
                prop_assert!(err.starts_with(&std::format!("{label}: bind address")), "{}", err);
                prop_assert!(err.contains("is the wildcard"), "{}", err);
            }
        }
    }
}

/// Issue 21 item 8: a refusal offers the wildcard once, written in full with the opt-in;
/// `localhost` without a port is offered `localhost:8080`.
#[test]
fn hints_for_the_usual_mistakes() {
    let err = flags(listen(), &[":8080"], false)
        .load_from(env(&[]))
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with(
            "write 127.0.0.1:PORT to listen on this machine only; to listen on every interface \
             on purpose, write 0.0.0.0:PORT and add --expose"
        ),
        "{err}"
    );
    assert_eq!(err.matches("0.0.0.0").count(), 1, "{err}");
    let err = listen()
        .load_from(env(&[("APP_BIND", "*:80")]))
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("write 0.0.0.0:PORT and set APP_EXPOSE=1"),
        "{err}"
    );
    let err = listen()
        .load_from(env(&[("APP_BIND", "0.0.0.0:80")]))
        .unwrap_err()
        .to_string();
    assert!(err.ends_with("on purpose, set APP_EXPOSE=1"), "{err}");
    let err = flags(listen(), &["localhost"], false)
        .load_from(env(&[]))
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("; localhost:PORT is both loopback addresses, such as localhost:8080"),
        "{err}"
    );
    // Only for localhost: another address without a port is not offered a name.
    let err = flags(listen(), &["127.0.0.1"], false)
        .load_from(env(&[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("has no port"), "{err}");
    assert!(!err.contains("localhost:PORT"), "{err}");
}

/// A Unix socket in a source is kept, never dropped (it would run the service
/// elsewhere than the operator asked); `PORT` and an opt-in alone leave it as it is.
#[test]
fn unix_sockets_are_kept() {
    let set = listen()
        .load_from(env(&[("APP_BIND", "unix:/run/app.sock,127.0.0.1:1")]))
        .unwrap();
    assert_eq!(set.to_string(), "unix:/run/app.sock,127.0.0.1:1");
    let default: BindSet = BindSet::parse(&Policy::new(), "unix:/run/d.sock,127.0.0.1:80").unwrap();
    let listen = Listen::new(default).env_prefix("APP").platform_env();
    let set = listen.load_from(env(&[("PORT", "81")])).unwrap();
    assert_eq!(set.to_string(), "unix:/run/d.sock,127.0.0.1:81");
    let set = listen.load_from(env(&[("APP_EXPOSE", "1")])).unwrap();
    assert_eq!(set.unix().count(), 1, "{set}");
    assert!(
        set.iter().all(|a| a.is_wildcard() && a.port() == 80),
        "{set}"
    );
}

/// `--help` names the opt-in variable and the config keys only where the application
/// has them (two cargo-mutants survivors of the library's own tests).
#[test]
fn help_names_the_opt_in_variable_and_the_config_keys_that_exist() {
    let plain = Listen::new(bind_addr!("127.0.0.1:8080"));
    assert_eq!(plain.help().expose_var(), None);
    assert_eq!(plain.help().config_keys(), None);
    let listen = listen().config_key("server");
    let help = listen.help();
    assert_eq!(help.expose_var(), Some("APP_EXPOSE"));
    let keys = help.config_keys().unwrap();
    assert!(
        keys.starts_with("server.listen = [\"ADDR\", …] and server.policy = \"POLICY\""),
        "{keys}"
    );
    let custom = Listen::new(bind_addr!("127.0.0.1:8080")).env_vars("SVC_ADDR", None);
    assert_eq!(custom.help().expose_var(), None);
}
