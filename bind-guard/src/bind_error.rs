//! [`BindError`], [`NetError`] and [`Source`]: an [`ErrorKind`] together with the input
//! it is about and who set it.
//!
//! The kinds and their sentences live in `bind-guard-core` (shared with the macros);
//! this file adds what only the run time has: the input, kept and escaped, and its
//! source.

use alloc::boxed::Box;
use core::fmt;
use core::net::SocketAddr;

use crate::ErrorKind;

/// The longest input an error keeps; longer input is cut (at a character boundary).
const MAX_KEPT_INPUT: usize = 96;

/// `kind()` and `input()`, which [`BindError`] and [`NetError`] both have.
macro_rules! kind_and_input {
    () => {
        /// What was wrong.
        #[must_use]
        pub fn kind(&self) -> ErrorKind {
            self.kind
        }

        /// The input as given (cut after 96 bytes).
        #[must_use]
        pub fn input(&self) -> &str {
            &self.input.text
        }
    };
}

/// A bind address that was not accepted: the input, what was wrong with it, how to fix
/// it, and (when known) who set it.
///
/// `Display` prints one sentence with the input (escaped, so control characters in a
/// hostile config never reach a terminal raw), the problem and the hint. The hint is for
/// whoever set the value and names no Rust API; the [`Source`] an error was given with
/// [`with_source`](BindError::with_source) adds its name and its own wildcard opt-in
/// (`add --expose`, `set APP_EXPOSE=1`). `Debug` prints the same sentence, so
/// `fn main() -> Result<(), Box<dyn Error>>` shows it rather than the struct:
///
/// ```
/// use bind_guard::{BindAddr, ErrorKind, Source};
///
/// let err = "0.0.0.0:8080".parse::<BindAddr>().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Wildcard);
/// assert!(err.to_string().starts_with("bind address \"0.0.0.0:8080\" is the wildcard address"));
/// assert!(!err.to_string().contains("allow_wildcard")); // an operator reads this
/// assert_eq!(format!("{err:?}"), err.to_string());
///
/// let err = err.with_source(Source::env("APP_BIND").with_wildcard_opt_in("set APP_EXPOSE=1"));
/// assert!(err.to_string().starts_with("APP_BIND: bind address \"0.0.0.0:8080\" is the wildcard"));
/// assert!(err.to_string().ends_with("to listen on every interface on purpose, set APP_EXPOSE=1"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct BindError {
    input: Input,
    kind: ErrorKind,
    // Boxed: most errors have no resolved address or host detail.
    extra: Extra,
    // Boxed: most errors have no source, and an error stays two words smaller.
    origin: Option<Box<Source>>,
}

impl BindError {
    /// An error for `input`. Costs one allocation, for the kept copy of the input.
    #[must_use]
    pub fn new(input: &str, kind: ErrorKind) -> Self {
        BindError {
            input: Input::keep(input),
            kind,
            extra: Extra(None),
            origin: None,
        }
    }

    /// The same error with a sentence about this host appended (the interfaces found, the
    /// addresses that matched). The caller escapes what it quotes.
    #[must_use]
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) fn with_detail(mut self, detail: alloc::string::String) -> Self {
        self.extra.parts().detail = Some(detail.into_boxed_str());
        self
    }

    /// What the error found on this host, when that helps to fix it: for the `iface:`
    /// forms, the interfaces and their addresses.
    #[must_use]
    pub fn detail(&self) -> Option<&str> {
        self.extra
            .0
            .as_ref()
            .and_then(|parts| parts.detail.as_deref())
    }

    /// An error about `addr`, which `input` (a host name) resolved to.
    #[must_use]
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) fn resolved(input: &str, addr: SocketAddr, kind: ErrorKind) -> Self {
        let mut err = BindError::new(input, kind);
        err.extra.parts().resolved = Some(addr);
        err
    }

    /// An error about an address that was given as a value, not as text. The text is
    /// measured first and then written into a buffer of exactly that size, so this too
    /// costs a single allocation.
    #[must_use]
    pub(crate) fn for_addr(addr: SocketAddr, kind: ErrorKind) -> Self {
        use core::fmt::Write;
        let mut len = Measure(0);
        // Neither writer ever fails (`Measure` only counts, `String` only grows), and
        // `SocketAddr`'s `Display` fails only when its writer does.
        let _ = write!(len, "{addr}");
        let mut text = alloc::string::String::with_capacity(len.0);
        let _ = write!(text, "{addr}");
        BindError {
            // At most 55 bytes ("[ffff:…:ffff%4294967295]:65535"): never cut.
            input: Input {
                text: text.into_boxed_str(),
                cut: false,
            },
            extra: Extra(None),
            kind,
            origin: None,
        }
    }

    /// The same error, said to whoever set the value at `source`: `Display` starts with
    /// the source's name and, for a refused wildcard, ends with the source's opt-in.
    #[must_use]
    pub fn with_source(mut self, source: Source) -> Self {
        self.origin = Some(Box::new(source));
        self
    }

    kind_and_input!();

    /// For a host name, the resolved address that was refused.
    #[must_use]
    pub fn resolved_addr(&self) -> Option<SocketAddr> {
        self.extra.0.as_ref().and_then(|parts| parts.resolved)
    }

    /// Who set the value, when the error was given a [`Source`].
    #[must_use]
    pub fn value_source(&self) -> Option<&Source> {
        self.origin.as_deref()
    }

    /// How to fix it (the hint sentence alone, for an operator).
    #[must_use]
    pub fn hint(&self) -> &'static str {
        self.kind.hint()
    }
}

impl fmt::Display for BindError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = self.origin.as_deref();
        if let Some(source) = source {
            write!(f, "{}: ", source.label)?;
        }
        write!(f, "bind address {}{} ", self.input, self.extra.resolved())?;
        match self.kind {
            ErrorKind::ScopeNotAllowed(scope) => {
                write!(f, "has scope {scope}, which is not allowed here")?;
            }
            kind => f.write_str(kind.problem())?,
        }
        let opt_in = source
            .and_then(|s| s.wildcard_opt_in.as_deref())
            .filter(|_| self.kind.is_about_the_wildcard());
        match opt_in {
            Some(_) => write!(f, "; {}", self.kind.hint_beside_an_opt_in())?,
            None => write!(f, "; {}", self.kind.hint())?,
        }
        write!(f, "{}", self.extra.detail())?;
        match opt_in {
            // `:8080` with `add --expose` alone would be refused again: the wildcard
            // is written in full, and opted in.
            Some(opt_in) if self.kind.spells_the_wildcard_otherwise() => write!(
                f,
                "; to listen on every interface on purpose, write 0.0.0.0:PORT and {opt_in}"
            )?,
            Some(opt_in) => write!(f, "; to listen on every interface on purpose, {opt_in}")?,
            None => {}
        }
        Ok(())
    }
}

impl core::error::Error for BindError {}

/// The rule for every public error type of this crate (and `bind_guard_core`'s
/// `ParseScopeError`): `Display` is the sentence, and `Debug` prints that same
/// sentence, because `fn main() -> Result<(), E>` reports its error through `Debug`
/// and the operator should read the sentence there, not a struct. The structure is
/// read through each type's accessors (`kind()`, `input()`, …), not through `Debug`.
/// Each error type states it once, through this macro.
macro_rules! debug_is_display {
    ($($ty:ty),+ $(,)?) => {$(
        /// The sentence, as `Display` writes it: what `main` returning this error prints.
        impl core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::Display::fmt(self, f)
            }
        }
    )+};
}
pub(crate) use debug_is_display;

debug_is_display!(BindError, NetError);

/// Who set a value, named the way they know it: a flag (`--bind`), an environment
/// variable (`APP_BIND`), a config key (`server.listen in app.toml`) or the
/// application's default. A [`BindError`] given a source says where to look, and for a
/// refused wildcard how *that* source opts in (`add --expose`, `set APP_EXPOSE=1`,
/// `set policy = "default,allow_wildcard" next to it`), never a Rust API.
///
/// ```
/// use bind_guard::Source;
///
/// assert_eq!(Source::flag("--bind").to_string(), "--bind");
/// assert_eq!(Source::config("server.listen", Some("app.toml")).to_string(), "server.listen in app.toml");
/// assert_eq!(Source::default_value().to_string(), "the default");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    label: Box<str>,
    wildcard_opt_in: Option<Box<str>>,
}

impl Source {
    /// A source named `label` as is.
    #[must_use]
    pub fn new(label: &str) -> Self {
        Source {
            label: label.into(),
            wildcard_opt_in: None,
        }
    }

    /// A command-line flag, such as `--bind`.
    #[must_use]
    pub fn flag(flag: &str) -> Self {
        Source::new(flag)
    }

    /// An environment variable, such as `APP_BIND`.
    #[must_use]
    pub fn env(var: &str) -> Self {
        Source::new(var)
    }

    /// A key of a config file: `server.listen in app.toml`, or the key alone.
    #[must_use]
    pub fn config(key: &str, file: Option<&str>) -> Self {
        match file {
            Some(file) => Source::new(&alloc::format!("{key} in {file}")),
            None => Source::new(key),
        }
    }

    /// The application's default (its `bind_addr!` value).
    #[must_use]
    pub fn default_value() -> Self {
        Source::new("the default")
    }

    /// How this source opts in to the wildcard, said as an instruction that completes
    /// "to listen on every interface on purpose, …": `add --expose`, `set APP_EXPOSE=1`.
    /// Without one (a loopback-only field, or an opt-in already given), an error
    /// suggests no wildcard at all.
    #[must_use]
    pub fn with_wildcard_opt_in(mut self, instruction: &str) -> Self {
        self.wildcard_opt_in = Some(instruction.into());
        self
    }

    /// The name of the source, as errors print it.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The wildcard opt-in instruction, if this source has one.
    #[must_use]
    pub fn wildcard_opt_in(&self) -> Option<&str> {
        self.wildcard_opt_in.as_deref()
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// A network (`ADDRESS/LENGTH`, for policy allow and deny lists) that was not accepted:
/// the input and what was wrong with it. Returned by [`parse_net`](crate::parse_net);
/// `ip_net!` reports the same sentences at compile time.
///
/// ```
/// use bind_guard::{parse_net, ErrorKind};
///
/// let err = parse_net("10.0.0.1/8").unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::HostBits);
/// assert!(err.to_string().starts_with("network \"10.0.0.1/8\" has host bits set"));
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("network {input} {kind}")]
pub struct NetError {
    input: Input,
    kind: ErrorKind,
}

impl NetError {
    /// An error for `input`. Costs one allocation, for the kept copy of the input.
    #[must_use]
    pub fn new(input: &str, kind: ErrorKind) -> Self {
        NetError {
            input: Input::keep(input),
            kind,
        }
    }

    kind_and_input!();
}

/// Counts the bytes written to it.
struct Measure(usize);

impl fmt::Write for Measure {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

/// `input` cut to [`MAX_KEPT_INPUT`] bytes at a character boundary, and whether it was
/// cut: the one rule for how much of a hostile input an error keeps (bind addresses and
/// policy items alike).
pub(crate) fn kept(input: &str) -> (&str, bool) {
    let mut end = input.len().min(MAX_KEPT_INPUT);
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    match input.split_at_checked(end) {
        Some((kept, rest)) => (kept, !rest.is_empty()),
        // `end` is a character boundary within `input` (0 always is), so this is
        // unreachable; keeping nothing and saying so is the safe answer.
        None => ("", !input.is_empty()),
    }
}

/// The input an error keeps, cut to [`MAX_KEPT_INPUT`] bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Input {
    text: Box<str>,
    cut: bool,
}

impl Input {
    fn keep(input: &str) -> Self {
        let (text, cut) = kept(input);
        Input {
            text: text.into(),
            cut,
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Quoted, through the crate's one escaping rule (terminal controls, bidi, …).
        write!(f, "\"{}\"", crate::Escaped::new(&self.text))?;
        if self.cut {
            f.write_str(" (cut)")?;
        }
        Ok(())
    }
}

/// What only some errors carry, boxed so that every `Result<_, BindError>` stays small:
/// the address a name resolved to, and a sentence about this host.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Extra(Option<Box<ExtraParts>>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ExtraParts {
    resolved: Option<SocketAddr>,
    detail: Option<Box<str>>,
}

impl Extra {
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    fn parts(&mut self) -> &mut ExtraParts {
        self.0.get_or_insert_with(Box::default)
    }

    fn resolved(&self) -> ExtraText<'_> {
        ExtraText::Resolved(self.0.as_ref().and_then(|p| p.resolved))
    }

    fn detail(&self) -> ExtraText<'_> {
        ExtraText::Detail(self.0.as_ref().and_then(|p| p.detail.as_deref()))
    }
}

enum ExtraText<'a> {
    Resolved(Option<SocketAddr>),
    Detail(Option<&'a str>),
}

impl fmt::Display for ExtraText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtraText::Resolved(Some(addr)) => write!(f, " (resolved to {addr})"),
            ExtraText::Detail(Some(detail)) => write!(f, "; {detail}"),
            ExtraText::Resolved(None) | ExtraText::Detail(None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    /// The rule of `debug_is_display!`, for the error types every build has.
    #[test]
    fn debug_is_the_display_sentence() {
        use alloc::format;
        let policy_err = "alow=10.0.0.0/8"
            .parse::<crate::Policy>()
            .expect_err("not a policy");
        let scope_err = crate::Policy::nothing()
            .allow_scope(crate::Scope::Unspecified)
            .expect_err("the wildcard has its own opt-in");
        let shown: [(alloc::string::String, alloc::string::String); 4] = [
            {
                let e = BindError::new("127.1:80", ErrorKind::Ipv4Shorthand);
                (format!("{e:?}"), e.to_string())
            },
            {
                let e = NetError::new("10.0.0.1/8", ErrorKind::HostBits);
                (format!("{e:?}"), e.to_string())
            },
            (format!("{policy_err:?}"), policy_err.to_string()),
            (format!("{scope_err:?}"), scope_err.to_string()),
        ];
        for (debug, display) in shown {
            assert_eq!(debug, display);
        }
    }

    #[test]
    fn display_is_one_sentence_with_the_input() {
        let err = BindError::new("127.1:80", ErrorKind::Ipv4Shorthand);
        let text = err.to_string();
        assert!(text.starts_with("bind address \"127.1:80\" uses an IPv4 shorthand"));
        assert!(text.contains("; write all four octets"));
    }

    #[test]
    fn control_characters_are_escaped_and_long_input_is_cut() {
        let err = BindError::new("1.2.3.4:80\u{1b}[31m\0", ErrorKind::ControlCharacter);
        let text = err.to_string();
        assert!(!text.chars().any(char::is_control), "{text:?}");
        let long = "é".repeat(200);
        let err = BindError::new(&long, ErrorKind::NonAscii);
        assert!(err.input().len() <= MAX_KEPT_INPUT);
        assert!(err.to_string().contains("(cut)"));
    }

    #[test]
    fn the_input_is_shown_through_the_one_escaping_rule() {
        // A hostile value that erases the line above and reverses what follows.
        let input = "\"0.0.0.0:80\x1b[2K\r\x1b[1A\u{202e}\u{2028}\\";
        let err = BindError::new(input, ErrorKind::ControlCharacter);
        let text = err.to_string();
        let escaped = alloc::format!("\"{}\"", crate::Escaped::new(input));
        assert!(
            text.starts_with(&alloc::format!("bind address {escaped} ")),
            "{text}"
        );
        assert!(!text.chars().any(crate::Escaped::needs_escape), "{text:?}");
    }

    #[test]
    fn errors_about_values_show_the_whole_address() {
        let addr: SocketAddr = "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff%4294967295]:65535"
            .parse()
            .unwrap();
        let err = BindError::for_addr(addr, ErrorKind::NotLoopback);
        assert_eq!(err.input(), addr.to_string());
    }

    #[test]
    fn resolved_address_is_shown() {
        let addr: SocketAddr = "192.0.2.1:80".parse().unwrap();
        let err = BindError::resolved("example.test:80", addr, ErrorKind::NotLoopback);
        assert!(err.to_string().contains("(resolved to 192.0.2.1:80)"));
        assert_eq!(err.resolved_addr(), Some(addr));
    }
}
