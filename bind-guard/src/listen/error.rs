//! Why no address to listen on was found: one sentence for whoever set the value.

use std::string::{String, ToString};

use crate::{BindError, Escaped, ParsePolicyError};

/// The longest piece of a value an error quotes.
const MAX_QUOTED: usize = 96;

/// A value from someone else, escaped and cut for an error message.
pub(super) fn quoted(value: &str) -> String {
    Escaped::cut(value, MAX_QUOTED).to_string()
}

/// A system's message (which may quote an interface name), escaped, not cut.
#[cfg(feature = "tokio")]
pub(super) fn quoted_long(value: &str) -> String {
    Escaped::new(value).to_string()
}

/// Why [`Listen::load`](super::Listen::load) found no address to listen on. `Display`
/// (and `Debug`, which `main` prints) is one sentence for whoever set the value.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ListenError {
    /// The value of the deciding source was refused; the error names the source
    /// ([`BindError::value_source`]) and its fix.
    #[error("{0}")]
    Address(BindError),
    /// An opt-in variable holds something that is not a switch.
    #[error(
        "{var}=\"{value}\" is not a switch; set it to 1 (or true, yes, on) to listen on every \
         interface, which allows the wildcard and nothing else, or to 0 (or false, no, off, or \
         unset it) not to"
    )]
    Switch {
        /// The variable.
        var: String,
        /// Its value, escaped.
        value: String,
    },
    /// `PORT` is not a port number.
    #[error(
        "{var}=\"{value}\" is not a port; set it to a number from 0 to 65535 in plain digits, \
         such as {var}=8080"
    )]
    Port {
        /// The variable.
        var: String,
        /// Its value, escaped.
        value: String,
    },
    /// `HOST` (beside `PORT`) is not a host: not an IP address nor `localhost` (a list,
    /// an address with a port, a name).
    #[error(
        "HOST=\"{value}\" is not an IP address; set HOST to the one address to listen on, \
         such as 127.0.0.1 or ::1 (PORT gives the port), or unset it"
    )]
    Host {
        /// Its value, escaped.
        value: String,
    },
    /// A variable's value is not UTF-8.
    #[error("{var} is not valid UTF-8; set it to an address such as 127.0.0.1:8080")]
    NotUnicode {
        /// The variable.
        var: String,
    },
    /// A config section's `policy` is not a policy text.
    #[error("{label}: {error}")]
    Policy {
        /// Where it is (`app.toml:3: server.policy`).
        label: String,
        /// What is wrong with it.
        error: ParsePolicyError,
    },
    /// An address could not be bound ([`Listen::bind_tcp`](super::Listen::bind_tcp)).
    #[error("{message}")]
    Bind {
        /// The system's reason (`AddrInUse`, `PermissionDenied`, …).
        kind: std::io::ErrorKind,
        /// The address and the system's message.
        message: String,
    },
    /// A config file cannot be read or parsed.
    #[error("{file}: {message}")]
    Config {
        /// The file, as the application named it.
        file: String,
        /// The error of reading or parsing it.
        message: String,
    },
}

impl ListenError {
    /// The refused address, for [`ListenError::Address`].
    #[must_use]
    pub fn bind_error(&self) -> Option<&BindError> {
        match self {
            ListenError::Address(err) => Some(err),
            _ => None,
        }
    }
}

crate::bind_error::debug_is_display!(ListenError);
