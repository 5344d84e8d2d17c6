//! The compile-time macros and the run-time parser agree, literal by literal.
//!
//! `bind_addr!` and `ip_net!` call the same `const fn`s as `FromStr` and [`Policy`], so
//! they should accept and refuse the same texts with the same words. This test holds
//! them to it on two tables, each kept in exactly one place:
//!
//! - **Accepted literals** are the tables in this file, grouped by the narrowest type
//!   that accepts them. `macro_rules!` turns each literal into `const` items built by
//!   `bind_addr!` (typed `BindAddr`, and `LocalAddr`/`LoopbackAddr` where the group
//!   allows) and compares each with the same literal parsed at run time by `str::parse`
//!   for that type, and with `std`'s own `SocketAddr` parser. If the macro refused one,
//!   this file would not compile; if it built a different value, the test fails. The
//!   group is checked too: a literal in the "local" group must be refused at run time as
//!   a `LoopbackAddr`, and so on, so a table cannot drift into a wider group than needed.
//! - **Refused literals** live in `tests/ui/fail/agreement_refused.rs`, one `const` per
//!   line, and the compiler's errors for them in the checked-in snapshot
//!   `agreement_refused.stderr` beside it (which `tests/ui.rs` keeps equal to what the
//!   pinned compiler prints). This test parses the literals *out of that file*, checks
//!   each one at run time with the equivalent call (`str::parse::<TYPE>`, or
//!   `Policy::default().allow_wildcard().parse` for `allow_wildcard` into a `BindAddr`),
//!   and asserts that the run-time call refuses it and that the snapshot has, on that
//!   very line, a compile error whose text is exactly the run-time error's
//!   [`ErrorKind::message`], with its note pointing at the literal's column. It also
//!   asserts that the snapshot has no other error, so every error belongs to one
//!   literal.
//!
//! Networks go through `bind_guard::parse_net`, the run-time parser with `ip_net!`'s
//! rules; accepted networks are also compared with `ipnet`'s own parser (which keeps
//! host bits, so the test checks there are none).
//!
//! After editing `agreement_refused.rs`, refresh its snapshot first:
//! `TRYBUILD=overwrite cargo test --test ui` (see `tests/ui.rs`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;

use bind_guard::{BindAddr, ErrorKind, LocalAddr, LoopbackAddr, Policy, bind_addr, ip_net};
use ipnet::IpNet;

/// Loopback literals: accepted by every type.
macro_rules! loopback_table {
    ($check:ident) => {
        $check! {
            "127.0.0.1:8080", "127.0.0.1:0", "127.0.0.1:65535", "127.255.255.254:1",
            "127.1.2.3:80", "[::1]:8080", "[::1]:0", "[0:0:0:0:0:0:0:1]:80",
            "[::ffff:127.0.0.1]:80", "[::ffff:7f00:1]:80", "[::1%1]:80",
        }
    };
}

/// Local-network literals that are not loopback: `BindAddr` and `LocalAddr`.
macro_rules! local_table {
    ($check:ident) => {
        $check! {
            "10.0.0.1:80", "10.255.255.255:65535", "172.16.0.1:80", "172.31.255.255:80",
            "192.168.1.10:8080", "100.64.0.1:80", "169.254.1.1:80", "[fe80::1]:80",
            "[fe80::1%2]:8080", "[fd00::1]:80", "[fc00::1]:80", "[::ffff:192.168.1.1]:80",
            "[::ffff:10.0.0.1]:80",
        }
    };
}

/// Everything else that is not the wildcard: `BindAddr` only.
macro_rules! other_table {
    ($check:ident) => {
        $check! {
            "8.8.8.8:53", "1.1.1.1:853", "192.0.2.1:80", "198.51.100.7:80", "203.0.113.7:443",
            "224.0.0.1:5353", "255.255.255.255:67", "240.0.0.1:80", "0.0.0.1:80",
            "198.18.0.1:80", "192.88.99.1:80", "[2001:db8::1]:80", "[2606:4700::1111]:443",
            "[2001:4860:4860::8888]:53", "[ff02::1]:80", "[::ffff:8.8.8.8]:53",
            "[64:ff9b::7f00:1]:80", "[::127.0.0.1]:80", "[2002::1]:80", "[100::1]:80",
        }
    };
}

/// The wildcard in every spelling std accepts: only `BindAddr` with `allow_wildcard`.
macro_rules! wildcard_table {
    ($check:ident) => {
        $check! {
            "0.0.0.0:8080", "0.0.0.0:0", "[::]:8080", "[::0]:80", "[0:0:0:0:0:0:0:0]:80",
            "[::ffff:0.0.0.0]:80", "[::ffff:0:0]:80", "[::0.0.0.0]:80", "[::%1]:80",
        }
    };
}

/// Networks accepted by `ip_net!`.
macro_rules! net_table {
    ($check:ident) => {
        $check! {
            "10.0.0.0/8", "0.0.0.0/0", "::/0", "fd00::/8", "192.0.2.1/32", "::1/128",
            "172.16.0.0/12", "fe80::/10", "127.0.0.0/8", "2001:db8::/32", "100.64.0.0/10",
        }
    };
}

/// `std`'s parse of `text`, which every accepted literal must also pass unchanged.
fn std_parse(text: &str) -> SocketAddr {
    text.parse()
        .unwrap_or_else(|err| panic!("std refuses {text:?}: {err}"))
}

/// Checks a run-time value against the macro's, and returns how many were checked.
macro_rules! check_loopback {
    ($($lit:literal),* $(,)?) => {{
        let mut count = 0;
        $({
            const ANY: BindAddr = bind_addr!($lit);
            const LOCAL: LocalAddr = bind_addr!($lit);
            const LOOPBACK: LoopbackAddr = bind_addr!($lit);
            assert_eq!(ANY, $lit.parse::<BindAddr>().unwrap(), "{}", $lit);
            assert_eq!(LOCAL, $lit.parse::<LocalAddr>().unwrap(), "{}", $lit);
            assert_eq!(LOOPBACK, $lit.parse::<LoopbackAddr>().unwrap(), "{}", $lit);
            assert_eq!(*LOOPBACK.as_socket_addr(), std_parse($lit), "{}", $lit);
            count += 1;
        })*
        count
    }};
}

macro_rules! check_local {
    ($($lit:literal),* $(,)?) => {{
        let mut count = 0;
        $({
            const ANY: BindAddr = bind_addr!($lit);
            const LOCAL: LocalAddr = bind_addr!($lit);
            assert_eq!(ANY, $lit.parse::<BindAddr>().unwrap(), "{}", $lit);
            assert_eq!(LOCAL, $lit.parse::<LocalAddr>().unwrap(), "{}", $lit);
            assert_eq!(*LOCAL.as_socket_addr(), std_parse($lit), "{}", $lit);
            let narrower = $lit.parse::<LoopbackAddr>().unwrap_err();
            assert_eq!(narrower.kind(), ErrorKind::NotLoopback, "{}: in the wrong table", $lit);
            count += 1;
        })*
        count
    }};
}

macro_rules! check_other {
    ($($lit:literal),* $(,)?) => {{
        let mut count = 0;
        $({
            const ANY: BindAddr = bind_addr!($lit);
            assert_eq!(ANY, $lit.parse::<BindAddr>().unwrap(), "{}", $lit);
            assert_eq!(*ANY.as_socket_addr(), std_parse($lit), "{}", $lit);
            let narrower = $lit.parse::<LocalAddr>().unwrap_err();
            assert_eq!(narrower.kind(), ErrorKind::NotLocalNetwork, "{}: in the wrong table", $lit);
            count += 1;
        })*
        count
    }};
}

macro_rules! check_wildcard {
    ($($lit:literal),* $(,)?) => {{
        let mut count = 0;
        let opted_in = Policy::default().allow_wildcard();
        $({
            const ANY: BindAddr = bind_addr!($lit, allow_wildcard);
            assert!(ANY.is_wildcard(), "{}", $lit);
            assert_eq!(ANY, opted_in.parse($lit).unwrap(), "{}", $lit);
            assert_eq!(*ANY.as_socket_addr(), std_parse($lit), "{}", $lit);
            let without = $lit.parse::<BindAddr>().unwrap_err();
            assert_eq!(without.kind(), ErrorKind::Wildcard, "{}: in the wrong table", $lit);
            count += 1;
        })*
        count
    }};
}

macro_rules! check_net {
    ($($lit:literal),* $(,)?) => {{
        let mut count = 0;
        $({
            const NET: IpNet = ip_net!($lit);
            let parsed: IpNet = $lit.parse().unwrap();
            assert_eq!(NET, parsed, "{}", $lit);
            assert_eq!(NET, bind_guard::parse_net($lit).unwrap(), "{}", $lit);
            assert_eq!(NET, parsed.trunc(), "{}: has host bits", $lit);
            count += 1;
        })*
        count
    }};
}

#[test]
fn accepted_literals_build_the_run_time_value() {
    let counts = [
        loopback_table!(check_loopback),
        local_table!(check_local),
        other_table!(check_other),
        wildcard_table!(check_wildcard),
        net_table!(check_net),
    ];
    assert!(counts.iter().all(|&n| n >= 9), "{counts:?}");
    println!(
        "accepted: {} literals (loopback, local, other, wildcard, nets: {counts:?})",
        counts.iter().sum::<usize>()
    );
}

// ---------------------------------------------------------------------------------------
// Refused literals, read from tests/ui/fail/agreement_refused.rs and its snapshot.

const REFUSED_RS: &str = "tests/ui/fail/agreement_refused.rs";
const REFUSED_STDERR: &str = "tests/ui/fail/agreement_refused.stderr";

/// One `const NAME: TYPE = MACRO!("LITERAL"[, allow_wildcard]);` line of the fail file.
#[derive(Debug)]
struct Refused {
    /// 1-based, as in compiler messages.
    line: usize,
    /// 1-based column of the literal's opening quote.
    column: usize,
    ty: String,
    is_net: bool,
    allow_wildcard: bool,
    text: String,
}

impl Refused {
    /// The run-time equivalent of this line's macro call.
    fn run_time_error(&self) -> Result<ErrorKind, String> {
        let kind = if self.is_net {
            bind_guard::parse_net(&self.text)
                .map(|net| net.to_string())
                .map_err(|err| err.kind())
        } else {
            let text = self.text.as_str();
            // `allow_wildcard` widens only `BindAddr`: the narrower types ignore it.
            match (self.ty.as_str(), self.allow_wildcard) {
                ("BindAddr", false) => text.parse::<BindAddr>().map(|a| a.to_string()),
                ("BindAddr", true) => Policy::default()
                    .allow_wildcard()
                    .parse(text)
                    .map(|a| a.to_string()),
                ("LocalAddr", _) => text.parse::<LocalAddr>().map(|a| a.to_string()),
                ("LoopbackAddr", _) => text.parse::<LoopbackAddr>().map(|a| a.to_string()),
                (other, _) => return Err(format!("unknown type {other}")),
            }
            .map_err(|err| err.kind())
        };
        match kind {
            Ok(value) => Err(format!("the run-time parser accepts it, as {value}")),
            Err(kind) => Ok(kind),
        }
    }
}

/// Parses the `const` lines of the fail file; any other line that mentions a macro
/// call is an error, so a literal cannot hide from this test in an odd format.
fn refused_literals(source: &str) -> Vec<Refused> {
    let mut out = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let line_no = index + 1;
        if !line.starts_with("const ") {
            assert!(
                !line.contains("addr!(") && !line.contains("net!("),
                "{REFUSED_RS}:{line_no}: a macro call outside the `const NAME: TYPE = …;` format"
            );
            continue;
        }
        let (_, rest) = line.split_once(": ").expect("const NAME: TYPE");
        let (ty, call) = rest.split_once(" = ").expect("TYPE = CALL");
        let (is_net, args) = if let Some(args) = call.strip_prefix("bind_addr!(") {
            (false, args)
        } else if let Some(args) = call.strip_prefix("ip_net!(") {
            (true, args)
        } else {
            panic!("{REFUSED_RS}:{line_no}: expected bind_addr!( or ip_net!(, found {call}");
        };
        let args = args
            .strip_suffix(");")
            .unwrap_or_else(|| panic!("{REFUSED_RS}:{line_no}: the line must end with `);`"));
        let (text, after) = unescape_string_literal(args)
            .unwrap_or_else(|err| panic!("{REFUSED_RS}:{line_no}: {err}"));
        let allow_wildcard = match after {
            "" => false,
            ", allow_wildcard" => true,
            other => panic!("{REFUSED_RS}:{line_no}: unexpected {other:?} after the literal"),
        };
        // `args` is the end of `line` without its `);`, and starts at the opening quote.
        let quote_byte = line.len() - ");".len() - args.len();
        let column = line[..quote_byte].chars().count() + 1;
        out.push(Refused {
            line: line_no,
            column,
            ty: ty.to_owned(),
            is_net,
            allow_wildcard,
            text,
        });
    }
    out
}

/// Reads one Rust string literal (`"…"` with the usual escapes) from the start of `s`;
/// returns its value and what follows it.
fn unescape_string_literal(s: &str) -> Result<(String, &str), String> {
    let body = s.strip_prefix('"').ok_or("expected a string literal")?;
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &body[i + 1..])),
            '\\' => {
                let (_, escape) = chars.next().ok_or("unfinished escape")?;
                match escape {
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    '0' => value.push('\0'),
                    '\\' => value.push('\\'),
                    '"' => value.push('"'),
                    '\'' => value.push('\''),
                    'x' => {
                        let hex: String = chars.by_ref().take(2).map(|(_, c)| c).collect();
                        let byte = u8::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                        value.push(char::from(byte));
                    }
                    'u' => {
                        let hex: String = chars
                            .by_ref()
                            .map(|(_, c)| c)
                            .skip_while(|&c| c == '{')
                            .take_while(|&c| c != '}')
                            .collect();
                        let code = u32::from_str_radix(&hex, 16).map_err(|e| e.to_string())?;
                        value.push(char::from_u32(code).ok_or("not a char")?);
                    }
                    other => return Err(format!("unsupported escape \\{other}")),
                }
            }
            c => value.push(c),
        }
    }
    Err("unterminated string literal".to_owned())
}

/// What the snapshot says about one line of the fail file.
#[derive(Debug, Default)]
struct Reported {
    messages: Vec<String>,
    /// Columns of the "erroneous constant encountered" notes on that line.
    note_columns: Vec<usize>,
}

/// Reads the snapshot: each `error…` line, and each `note: erroneous constant
/// encountered`, with the `--> FILE:LINE:COL` line that follows it.
fn reported_errors(stderr: &str) -> (BTreeMap<usize, Reported>, usize) {
    let mut by_line: BTreeMap<usize, Reported> = BTreeMap::new();
    let mut errors = 0;
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        let is_error = line.starts_with("error");
        let is_note = line == "note: erroneous constant encountered";
        if !is_error && !is_note {
            continue;
        }
        let location = lines
            .next()
            .and_then(|l| l.trim_start().strip_prefix("--> "))
            .unwrap_or_else(|| panic!("{REFUSED_STDERR}: no location after {line:?}"));
        let location = location
            .strip_prefix(REFUSED_RS)
            .and_then(|l| l.strip_prefix(':'))
            .unwrap_or_else(|| {
                panic!("{REFUSED_STDERR}: a location outside {REFUSED_RS}: {location}")
            });
        let (line_no, column) = location.split_once(':').expect("LINE:COL");
        let line_no: usize = line_no.parse().unwrap();
        let column: usize = column.parse().unwrap();
        let entry = by_line.entry(line_no).or_default();
        if is_error {
            errors += 1;
            let message = line
                .strip_prefix("error[E0080]: evaluation panicked: ")
                .unwrap_or_else(|| {
                    panic!("{REFUSED_STDERR}: an error that is not a refused literal: {line}")
                });
            entry.messages.push(message.to_owned());
        } else {
            entry.note_columns.push(column);
        }
    }
    (by_line, errors)
}

#[test]
fn refused_literals_fail_with_the_run_time_message_at_the_literal() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let source = std::fs::read_to_string(root.join(REFUSED_RS)).unwrap();
    let stderr = std::fs::read_to_string(root.join(REFUSED_STDERR)).unwrap_or_else(|err| {
        panic!("{REFUSED_STDERR}: {err}; run `TRYBUILD=overwrite cargo test --test ui` first")
    });
    let refused = refused_literals(&source);
    let (reported, errors) = reported_errors(&stderr);
    assert!(
        refused.len() >= 50,
        "only {} refused literals",
        refused.len()
    );

    let mut problems = Vec::new();
    for literal in &refused {
        let where_ = format!("{REFUSED_RS}:{} {:?}", literal.line, literal.text);
        let kind = match literal.run_time_error() {
            Ok(kind) => kind,
            Err(why) => {
                problems.push(format!("{where_}: refused at compile time, but {why}"));
                continue;
            }
        };
        let Some(report) = reported.get(&literal.line) else {
            problems.push(format!(
                "{where_}: no compile error on this line of the snapshot"
            ));
            continue;
        };
        if report.messages != [kind.message()] {
            problems.push(format!(
                "{where_}: run time says {:?}, the compiler said {:?}",
                kind.message(),
                report.messages
            ));
        }
        if !report.note_columns.contains(&literal.column) {
            problems.push(format!(
                "{where_}: no note at the literal (column {}), only at {:?}",
                literal.column, report.note_columns
            ));
        }
    }
    let lines: Vec<usize> = refused.iter().map(|r| r.line).collect();
    for line in reported.keys() {
        if !lines.contains(line) {
            problems.push(format!(
                "{REFUSED_STDERR}: an error on line {line}, which holds no refused literal"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        errors,
        refused.len(),
        "one compile error per refused literal"
    );
    println!(
        "refused: {} literals agree with the run-time errors",
        refused.len()
    );
}

#[test]
fn the_string_literal_reader_handles_the_escapes_in_use() {
    assert_eq!(
        unescape_string_literal(r#""a\n\0\u{1b}\x41\"b", x"#),
        Ok(("a\n\0\u{1b}A\"b".to_owned(), ", x"))
    );
    assert!(unescape_string_literal(r#""open"#).is_err());
}
