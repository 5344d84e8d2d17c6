//! Hostile inputs: what a config file, an environment variable or an attacker can put
//! where a bind address is expected. Every row says what should happen: either `std`
//! parses the text (then bind-guard must give the same address), or bind-guard refuses
//! it with the named [`ErrorKind`]. No row may panic, and no error text may echo a
//! control or bidirectional-formatting character raw (a terminal would act on it).
//!
//! Only the paths that never touch DNS are used: `Policy::parse` and `FromStr`.

use std::net::SocketAddr;
use std::time::Instant;

use bind_guard::{BindAddr, BindError, ErrorKind, LocalAddr, LoopbackAddr, Policy};

use ErrorKind::*;

/// What a row should give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// `std` parses it; bind-guard must give the same address.
    Std,
    /// bind-guard refuses it with this kind (and `std` refuses it too).
    Err(ErrorKind),
}

use Expect::Std;

const MB: usize = 1 << 20;

/// The table: at least 100 rows, grouped by the trick they try.
fn table() -> Vec<(String, Expect)> {
    let fixed: &[(&str, Expect)] = &[
        // ---- empty and white space ----
        ("", Expect::Err(Empty)),
        (" ", Expect::Err(Whitespace)),
        ("\t", Expect::Err(Whitespace)),
        ("\r\n", Expect::Err(Whitespace)),
        (" 127.0.0.1:80", Expect::Err(Whitespace)),
        ("127.0.0.1:80 ", Expect::Err(Whitespace)),
        ("127.0.0.1:80\n", Expect::Err(Whitespace)),
        ("127.0.0.1:80\r\n", Expect::Err(Whitespace)),
        ("127.0.0.1 :80", Expect::Err(Whitespace)),
        ("[::1] :80", Expect::Err(Whitespace)),
        ("[fe80::1%1;rm -rf /]:80", Expect::Err(Whitespace)),
        // ---- control characters and escape sequences ----
        ("\0", Expect::Err(ControlCharacter)),
        ("127.0.0.1:80\0", Expect::Err(ControlCharacter)),
        ("\u{0}127.0.0.1:80", Expect::Err(ControlCharacter)),
        ("127.0.0.1\0:80", Expect::Err(ControlCharacter)),
        (
            "\u{1b}[31m127.0.0.1:80\u{1b}[0m",
            Expect::Err(ControlCharacter),
        ),
        (
            "\u{1b}]0;pwned\u{7}127.0.0.1:80",
            Expect::Err(ControlCharacter),
        ),
        ("127.0.0.1:80\u{7}", Expect::Err(ControlCharacter)),
        ("\u{7f}127.0.0.1:80", Expect::Err(ControlCharacter)),
        ("127.0.0.1:80\u{8}\u{8}81", Expect::Err(ControlCharacter)),
        (
            "127.0.0.1:80\r\u{1b}[2K0.0.0.0:80",
            Expect::Err(ControlCharacter),
        ),
        // A control character wins over a non-ASCII one: it is the bigger danger.
        ("１\0", Expect::Err(ControlCharacter)),
        // Backslash escapes written out are just characters.
        ("127.0.0.1\\x00:80", Expect::Err(Invalid)),
        ("%00127.0.0.1:80", Expect::Err(Invalid)),
        ("127.0.0.1%0a:80", Expect::Err(Invalid)),
        ("127.0.0.1:80%0a", Expect::Err(InvalidPort)),
        // ---- non-ASCII: full-width and other-script digits, look-alike punctuation ----
        ("１２７.0.0.1:80", Expect::Err(NonAscii)),
        ("127.0.0.1:８０", Expect::Err(NonAscii)),
        ("١٢٧.0.0.1:80", Expect::Err(NonAscii)),
        ("१२७.0.0.1:80", Expect::Err(NonAscii)),
        ("𝟏𝟐𝟕.0.0.1:80", Expect::Err(NonAscii)),
        ("127。0.0.1:80", Expect::Err(NonAscii)),
        ("127．0．0．1:80", Expect::Err(NonAscii)),
        ("127‧0.0.1:80", Expect::Err(NonAscii)),
        ("127.0.0.1：80", Expect::Err(NonAscii)),
        ("127.0.0.1∶80", Expect::Err(NonAscii)),
        ("[::1]꞉80", Expect::Err(NonAscii)),
        ("［::1］:80", Expect::Err(NonAscii)),
        ("[::１]:80", Expect::Err(NonAscii)),
        ("[fe80::1%eth０]:80", Expect::Err(NonAscii)),
        ("ⅼocalhost:80", Expect::Err(NonAscii)),
        ("lоcalhost:80", Expect::Err(NonAscii)),
        ("\u{a0}127.0.0.1:80", Expect::Err(NonAscii)),
        ("127.0.0.1:80\u{3000}", Expect::Err(NonAscii)),
        ("127.0.0.1\u{200b}:80", Expect::Err(NonAscii)),
        ("\u{feff}127.0.0.1:80", Expect::Err(NonAscii)),
        ("127.0.0.1:\u{85}80", Expect::Err(NonAscii)),
        ("\u{9b}31m127.0.0.1:80", Expect::Err(NonAscii)),
        // ---- bidirectional formatting (Trojan Source) ----
        ("\u{200f}127.0.0.1:80", Expect::Err(NonAscii)),
        ("127.0.0.1:80\u{202e}", Expect::Err(NonAscii)),
        ("\u{202e}08:1.0.0.721", Expect::Err(NonAscii)),
        ("\u{2066}127.0.0.1:80\u{2069}", Expect::Err(NonAscii)),
        ("\u{61c}127.0.0.1:80", Expect::Err(NonAscii)),
        // ---- IPv6 zones: injection through the interface name ----
        ("[fe80::1%eth0;rm]:80", Expect::Err(ZoneName)),
        ("[fe80::1%eth0]:80", Expect::Err(ZoneName)),
        ("[fe80::1%$(reboot)]:80", Expect::Err(ZoneName)),
        ("[fe80::1%`id`]:80", Expect::Err(ZoneName)),
        ("[fe80::1%%2]:80", Expect::Err(ZoneName)),
        ("[fe80::1%2%3]:80", Expect::Err(ZoneName)),
        ("[fe80::1%-1]:80", Expect::Err(ZoneName)),
        ("[fe80::1%+1]:80", Expect::Err(ZoneName)),
        ("[fe80::1%0x2]:80", Expect::Err(ZoneName)),
        ("[fe80::1%]:80", Expect::Err(EmptyZone)),
        ("[fe80::1%../../etc]:80", Expect::Err(Invalid)),
        ("[fe80::1%4294967296]:80", Expect::Err(InvalidScopeId)),
        (
            "[fe80::1%99999999999999999999]:80",
            Expect::Err(InvalidScopeId),
        ),
        ("[fe80::1]%2:80", Expect::Err(Invalid)),
        ("[fe80::1%2]:80", Std),
        ("[fe80::1%00002]:80", Std),
        ("[fe80::1%4294967295]:80", Std),
        ("[::1%2]", Expect::Err(MissingPort)),
        // ---- brackets: nested, unbalanced, misplaced ----
        ("[[::1]]:80", Expect::Err(Invalid)),
        ("[[::1]:80", Expect::Err(Invalid)),
        ("[::1]]:80", Expect::Err(Invalid)),
        ("[::1][::2]:80", Expect::Err(Invalid)),
        ("[]:80", Expect::Err(InvalidIpv6)),
        ("[:80", Expect::Err(InvalidIpv6)),
        ("[[[[", Expect::Err(InvalidIpv6)),
        ("]:80", Expect::Err(Invalid)),
        ("[127.0.0.1]:80", Expect::Err(Ipv4InBrackets)),
        ("[::ffff:127.0.0.1]:80", Std),
        ("[::ffff:0.0.0.0]:80", Std),
        // ---- URLs and paths ----
        ("http://127.0.0.1:80", Expect::Err(Url)),
        ("https://[::1]:443/", Expect::Err(Url)),
        ("tcp://0.0.0.0:80", Expect::Err(Url)),
        ("HTTP://127.0.0.1:80", Expect::Err(Url)),
        ("file:///etc/passwd", Expect::Err(Url)),
        ("//127.0.0.1:80", Expect::Err(Invalid)),
        ("127.0.0.1:80/", Expect::Err(Invalid)),
        ("127.0.0.1/32", Expect::Err(Cidr)),
        ("::1/128", Expect::Err(Cidr)),
        ("[::1]/128", Expect::Err(Invalid)),
        ("user@127.0.0.1:80", Expect::Err(Invalid)),
        ("127.0.0.1:80?x=1", Expect::Err(InvalidPort)),
        ("127.0.0.1:80#frag", Expect::Err(InvalidPort)),
        ("127.0.0.1:80,[::1]:80", Expect::Err(List)),
        // ---- trailing and doubled dots ----
        ("127.0.0.1.:80", Expect::Err(InvalidIpv4)),
        (".127.0.0.1:80", Expect::Err(InvalidIpv4)),
        ("127..0.1:80", Expect::Err(InvalidIpv4)),
        ("127.0.0.1..:80", Expect::Err(InvalidIpv4)),
        ("localhost.:80", Expect::Err(Localhost)),
        ("example.com.:443", Expect::Err(Hostname)),
        // ---- the wildcard in other programs' spellings ----
        ("*:80", Expect::Err(StarHost)),
        ("*", Expect::Err(StarHost)),
        ("*:*", Expect::Err(StarHost)),
        ("**:80", Expect::Err(Invalid)),
        ("*.*.*.*:80", Expect::Err(Invalid)),
        (":80", Expect::Err(EmptyHost)),
        (":", Expect::Err(EmptyHost)),
        ("::80", Expect::Err(MissingBrackets)),
        (":::80", Expect::Err(MissingBrackets)),
        // Shorthands of 0.0.0.0 are named as the wildcard (`0` alone is a port).
        ("0:80", Expect::Err(WildcardShorthand)),
        ("0", Expect::Err(PortWithoutHost)),
        ("00:80", Expect::Err(WildcardShorthand)),
        ("0x0:80", Expect::Err(WildcardShorthand)),
        ("0.0.0.0", Expect::Err(MissingPort)),
        ("0.0.0.0:80", Std),
        ("[::]:80", Std),
        ("[0:0:0:0:0:0:0:0]:80", Std),
        // ---- signs and number forms ----
        ("127.0.0.1:+80", Expect::Err(InvalidPort)),
        ("127.0.0.1:-80", Expect::Err(InvalidPort)),
        ("+127.0.0.1:80", Expect::Err(Invalid)),
        // A label may not start with a hyphen: not a host name.
        ("-1.0.0.1:80", Expect::Err(Invalid)),
        ("127.0.0.1:8_0", Expect::Err(InvalidPort)),
        ("127.0.0.1:1e3", Expect::Err(InvalidPort)),
        ("127.0.0.1:0x50", Expect::Err(InvalidPort)),
        ("127.0.0.1:65536", Expect::Err(PortOutOfRange)),
        (
            "127.0.0.1:99999999999999999999",
            Expect::Err(PortOutOfRange),
        ),
        ("127.0.0.1:080", Std),
        ("127.0.0.1:000000000080", Std),
        // ---- C shorthands ----
        ("127.1:80", Expect::Err(Ipv4Shorthand)),
        ("0x7f000001:80", Expect::Err(Ipv4Shorthand)),
        ("2130706433:80", Expect::Err(Ipv4Shorthand)),
        ("0x7F.1:80", Expect::Err(Ipv4Shorthand)),
        ("0177.0.0.1:80", Expect::Err(LeadingZero)),
        ("127.0.0.01:80", Expect::Err(LeadingZero)),
        ("1.2.3.4.5:80", Expect::Err(InvalidIpv4)),
        ("256.256.256.256:80", Expect::Err(InvalidIpv4)),
        ("999.0.0.1:80", Expect::Err(InvalidIpv4)),
        // ---- IPv6 without brackets, or broken ----
        ("::1:80", Expect::Err(MissingBrackets)),
        ("fe80::1", Expect::Err(MissingBrackets)),
        ("2001:db8::1:443", Expect::Err(MissingBrackets)),
        ("::ffff:127.0.0.1:80", Expect::Err(MissingBrackets)),
        ("fe80::1%2:80", Expect::Err(MissingBrackets)),
        ("fe80::1%eth0:80", Expect::Err(Invalid)),
        ("[::g]:80", Expect::Err(InvalidIpv6)),
        ("[1:2:3:4:5:6:7:8:9]:80", Expect::Err(InvalidIpv6)),
        ("[1::2::3]:80", Expect::Err(InvalidIpv6)),
        ("[:1]:80", Expect::Err(InvalidIpv6)),
        ("[1:]:80", Expect::Err(InvalidIpv6)),
        ("[12345::]:80", Expect::Err(InvalidIpv6)),
        ("[::1.2.3]:80", Expect::Err(InvalidIpv6)),
        ("[::256.0.0.1]:80", Expect::Err(InvalidIpv6)),
        ("[1.2.3.4::]:80", Expect::Err(InvalidIpv6)),
        ("[::1]:", Expect::Err(MissingPort)),
        ("[::1]", Expect::Err(MissingPort)),
        ("[::1]:http", Expect::Err(InvalidPort)),
        ("[::1]:70000", Expect::Err(PortOutOfRange)),
        // ---- names, which parsing never resolves ----
        ("localhost:8080", Expect::Err(Localhost)),
        ("LOCALHOST:80", Expect::Err(Localhost)),
        ("localhost", Expect::Err(Localhost)),
        ("a.localhost:80", Expect::Err(Localhost)),
        ("localhost.localdomain:80", Expect::Err(Hostname)),
        ("example.com:443", Expect::Err(Hostname)),
        ("xn--n3h.com:80", Expect::Err(Hostname)),
        // Host names are letters, digits and hyphens (RFC 1123): no underscore.
        ("my_host:80", Expect::Err(Invalid)),
        // A name followed by something that is not a port: the port is named.
        ("mailto:a@b", Expect::Err(InvalidPort)),
        ("0.0.0.0.nip.io:80", Expect::Err(Hostname)),
        ("127.0.0.1.nip.io:80", Expect::Err(Hostname)),
    ];
    let mut rows: Vec<(String, Expect)> =
        fixed.iter().map(|(s, e)| ((*s).to_owned(), *e)).collect();
    // ---- very long input (1 MiB): no quadratic work, no unbounded echo ----
    let long: Vec<(String, Expect)> = vec![
        ("1".repeat(MB), Expect::Err(Ipv4Shorthand)),
        // Longer than a name can be (253 bytes).
        ("a".repeat(MB), Expect::Err(Invalid)),
        ("x".repeat(MB) + ":80", Expect::Err(Invalid)),
        ("\0".repeat(MB), Expect::Err(ControlCharacter)),
        ("é".repeat(MB / 2), Expect::Err(NonAscii)),
        ("[".repeat(MB), Expect::Err(InvalidIpv6)),
        (":".repeat(MB), Expect::Err(MissingBrackets)),
        (
            "127.0.0.1:80".to_owned() + &" ".repeat(MB),
            Expect::Err(Whitespace),
        ),
        (
            "127.0.0.1:".to_owned() + &"9".repeat(MB),
            Expect::Err(PortOutOfRange),
        ),
        // std reads any number of leading zeros: these are addresses.
        ("127.0.0.1:".to_owned() + &"0".repeat(MB) + "80", Std),
        ("[fe80::1%".to_owned() + &"0".repeat(MB) + "7]:80", Std),
        (
            "[".to_owned() + &"0:".repeat(MB / 2) + "]:80",
            Expect::Err(InvalidIpv6),
        ),
        // A valid IPv4 host before the first colon: the rest is a bad port.
        ("127.0.0.1:80".repeat(MB / 12), Expect::Err(InvalidPort)),
        ("http://".to_owned() + &"a".repeat(MB), Expect::Err(Url)),
    ];
    rows.extend(long);
    rows
}

/// Control characters and the bidi formatting characters a terminal would act on.
fn is_unsafe_to_echo(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// A short, printable label for a row in assertion messages.
fn label(s: &str) -> String {
    let shown: String = s.chars().take(40).collect();
    format!("{shown:?} ({} bytes)", s.len())
}

fn check_error_text(input: &str, err: &BindError) {
    let text = err.to_string();
    if let Some(c) = text.chars().find(|c| is_unsafe_to_echo(*c)) {
        panic!("{}: error text echoes {c:?} raw: {text:?}", label(input));
    }
    assert!(input.starts_with(err.input()), "{}", label(input));
    assert!(err.input().len() <= 96, "{}", label(input));
    if input.len() > 96 {
        assert!(text.contains("(cut)"), "{}: {text:?}", label(input));
    }
    assert!(
        text.len() < 1000,
        "{}: {} bytes of error text",
        label(input),
        text.len()
    );
}

#[test]
fn hostile_inputs_get_the_expected_answer() {
    let rows = table();
    assert!(rows.len() >= 100, "only {} rows", rows.len());
    let open = Policy::default().allow_wildcard();
    let mut wrong = Vec::new();
    for (input, expect) in &rows {
        let start = Instant::now();
        let std_addr = input.parse::<SocketAddr>().ok();
        let ours = open.parse(input);
        let got = match &ours {
            Ok(addr) => {
                assert_eq!(Some(*addr.as_socket_addr()), std_addr, "{}", label(input));
                Std
            }
            Err(err) => {
                assert_eq!(std_addr, None, "{}: std parses it", label(input));
                check_error_text(input, err);
                Expect::Err(err.kind())
            }
        };
        if got != *expect {
            wrong.push(format!(
                "{}: expected {expect:?}, got {got:?}",
                label(input)
            ));
        }
        let elapsed = start.elapsed();
        if elapsed.as_millis() > 50 {
            eprintln!("{}: {elapsed:?}", label(input));
        }
        assert!(
            elapsed.as_secs() < 5,
            "{}: took {elapsed:?} (quadratic?)",
            label(input)
        );
    }
    assert!(
        wrong.is_empty(),
        "{} rows differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn hostile_inputs_through_every_text_entry_point() {
    for (input, _) in table() {
        let std_addr = input.parse::<SocketAddr>().ok();
        // What loopback_only must decide, from std's own view of the address.
        let loopback_expected = std_addr.map(|addr| {
            let ip = addr.ip().to_canonical();
            if ip.is_unspecified() {
                Err(Wildcard)
            } else if ip.is_loopback() {
                Ok(())
            } else {
                Err(NotLoopback)
            }
        });
        let parse_kind = Policy::default()
            .allow_wildcard()
            .parse(&input)
            .err()
            .map(|e| e.kind());
        // The 1 MiB rows go through the loopback paths only: each path costs about half
        // a second per row in a debug build, and the other paths share their code.
        let long = input.len() > 4096;
        type Path = fn(&str) -> Result<(), BindError>;
        let paths: [(&str, Path); 7] = [
            ("Policy::default", |s| Policy::default().parse(s).map(drop)),
            ("Policy::loopback", |s| {
                Policy::loopback().parse(s).map(drop)
            }),
            ("Policy::local", |s| Policy::local().parse(s).map(drop)),
            ("Policy::nothing", |s| Policy::nothing().parse(s).map(drop)),
            ("BindAddr", |s| s.parse::<BindAddr>().map(drop)),
            ("LoopbackAddr", |s| s.parse::<LoopbackAddr>().map(drop)),
            ("LocalAddr", |s| s.parse::<LocalAddr>().map(drop)),
        ];
        for (path, parse) in paths {
            if long && !path.contains("oopback") {
                continue;
            }
            let result = parse(&input);
            if let Err(err) = &result {
                check_error_text(&input, err);
            }
            match (parse_kind, &result) {
                // A parse error is the same parse error everywhere.
                (Some(kind), _) => {
                    assert_eq!(
                        result.as_ref().map(|_| ()).map_err(|e| e.kind()),
                        Err(kind),
                        "{path} {}",
                        label(&input)
                    )
                }
                // An address is only ever refused by a rule, never as unparsable.
                (None, Err(err)) => assert!(err.kind().is_refusal(), "{path} {}", label(&input)),
                (None, Ok(())) => {}
            }
            if let (Some(expected), true) = (loopback_expected, path.contains("oopback")) {
                let got = result.map_err(|e| e.kind());
                assert_eq!(got, expected, "{path} {}", label(&input));
            }
        }
    }
}
