//! [`BindError`]: an [`ErrorKind`] together with the input it is about.
//!
//! The kinds and their sentences live in `bind-guard-core` (shared with the macros);
//! this file adds what only the run time has: the input, kept and escaped.

use alloc::boxed::Box;
use core::fmt;
use core::net::SocketAddr;

use crate::ErrorKind;

/// The longest input an error keeps; longer input is cut (at a character boundary).
const MAX_KEPT_INPUT: usize = 96;

/// A bind address that was not accepted: the input, what was wrong with it, and how to
/// fix it.
///
/// `Display` prints one sentence with the input (escaped, so control characters in a
/// hostile config never reach a terminal raw), the problem and the hint:
///
/// ```
/// use bind_guard::{BindAddr, ErrorKind};
///
/// let err = "0.0.0.0:8080".parse::<BindAddr>().unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Wildcard);
/// assert!(err.to_string().starts_with("bind address \"0.0.0.0:8080\" is the wildcard address"));
/// assert!(err.to_string().contains("allow_wildcard"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bind address {input}{resolved} {kind}")]
pub struct BindError {
    input: Input,
    resolved: Resolved,
    kind: ErrorKind,
}

impl BindError {
    /// An error for `input`. Costs one allocation, for the kept copy of the input.
    #[must_use]
    pub fn new(input: &str, kind: ErrorKind) -> Self {
        BindError {
            input: Input::keep(input),
            resolved: Resolved(None),
            kind,
        }
    }

    /// An error about `addr`, which `input` (a host name) resolved to.
    #[must_use]
    #[cfg_attr(not(feature = "std"), allow(dead_code))]
    pub(crate) fn resolved(input: &str, addr: SocketAddr, kind: ErrorKind) -> Self {
        BindError {
            resolved: Resolved(Some(addr)),
            ..BindError::new(input, kind)
        }
    }

    /// An error about an address that was given as a value, not as text. The address is
    /// formatted on the stack first, so this too costs a single allocation.
    #[must_use]
    pub(crate) fn for_addr(addr: SocketAddr, kind: ErrorKind) -> Self {
        use core::fmt::Write;
        let mut text = StackText::new();
        // The longest socket address text is 55 bytes ("[ffff:…:ffff%4294967295]:65535"),
        // within StackText's room; should that ever fail, the error keeps what was written.
        let _ = write!(text, "{addr}");
        BindError::new(text.as_str(), kind)
    }

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

    /// For a host name, the resolved address that was refused.
    #[must_use]
    pub fn resolved_addr(&self) -> Option<SocketAddr> {
        self.resolved.0
    }

    /// How to fix it (the hint sentence alone).
    #[must_use]
    pub fn hint(&self) -> &'static str {
        self.kind.hint()
    }
}

/// A small text buffer on the stack, for formatting an address without allocating.
struct StackText {
    bytes: [u8; 64],
    len: usize,
}

impl StackText {
    fn new() -> Self {
        StackText {
            bytes: [0; 64],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        self.bytes
            .get(..self.len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let slot = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
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
        let mut end = input.len().min(MAX_KEPT_INPUT);
        while !input.is_char_boundary(end) {
            end -= 1;
        }
        let kept = input.get(..end).unwrap_or_default();
        Input {
            text: kept.into(),
            cut: end < input.len(),
        }
    }
}

impl fmt::Display for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Debug formatting quotes the text and escapes control characters.
        write!(f, "{:?}", self.text)?;
        if self.cut {
            f.write_str(" (cut)")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Resolved(Option<SocketAddr>);

impl fmt::Display for Resolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(addr) => write!(f, " (resolved to {addr})"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

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
