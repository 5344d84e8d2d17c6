//! serde support (`serde` feature): addresses and policies are strings in every format.
//!
//! | type | serialized as | deserializing checks |
//! | --- | --- | --- |
//! | [`BindAddr<P>`](crate::BindAddr) (all markers) | `"127.0.0.1:8080"` | the marker's rule, as `FromStr` does |
//! | [`Policy`] | `"local,deny=10.99.0.0/16"` (the text form of its `FromStr`) | the text form |
//! | [`UnixAddr`](crate::UnixAddr), [`ListenAddr<P>`](crate::ListenAddr) | `"unix:/run/app.sock"`, `"127.0.0.1:8080"` | the default policy for `unix:` (abstract names refused), the marker's rule for IP |
//! | [`BindSet`](crate::BindSet) (`std`) | `["127.0.0.1:8080", "[::1]:8080", "unix:/run/app.sock"]` | the default policy, per item; a string `"a,b"` is read too |
//!
//! A refused value is a deserialization error whose message is the [`BindError`]
//! sentence (the value, what is wrong, how to fix it); formats such as TOML add where
//! it was:
//!
//! ```
//! use bind_guard::{LoopbackAddr, Policy};
//! use serde::de::{value::Error, Deserialize, IntoDeserializer};
//!
//! let admin = LoopbackAddr::deserialize("[::1]:9000".into_deserializer())?;
//! assert_eq!(admin.port(), 9000);
//! let policy = Policy::deserialize("local,deny_port_zero".into_deserializer())?;
//! assert_eq!(policy, Policy::local().deny_port_zero());
//!
//! let err: Error = LoopbackAddr::deserialize("0.0.0.0:9000".into_deserializer()).unwrap_err();
//! assert!(err.to_string().starts_with("bind address \"0.0.0.0:9000\" is the wildcard address"));
//! # Ok::<(), Error>(())
//! ```
//!
//! With `#[derive(Deserialize)]` and a format such as TOML, the error also names the
//! field and where it was (see `examples/toml_config.rs` in the repository).
//!
//! **A listen section.** [`ListenSection`] (`std`) is a config section
//! `{ listen = [...], policy = "..." }`, kept as text with where each value is in its
//! file, and judged by [`Listen::config_file`](crate::listen::Listen::config_file)
//! only if it decides; `policy = "default,allow_wildcard"` is how a config file opts in
//! to `0.0.0.0`.
//!
//! Strings are used even by binary formats, so every format goes through the same parser
//! and the same checks (a binary `SocketAddr` would skip the diagnosis of the text).
//! To check addresses with an application's own [`Policy`], deserialize them as strings
//! and pass them to [`Policy::parse`] or [`BindSet::parse_items`](crate::BindSet::parse_items).
//!
//! [`BindError`]: crate::BindError

use core::fmt;
use core::marker::PhantomData;

use ::serde::de::{self, Deserialize, Deserializer, Visitor};
use ::serde::ser::{Serialize, Serializer};

use crate::marker::Rule;
use crate::{BindAddr, ListenAddr, Policy, UnixAddr};

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<P> Serialize for BindAddr<P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de, P: Rule> Deserialize<'de> for BindAddr<P> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor::<Self>::new(
            "a bind address string such as \"127.0.0.1:8080\"",
        ))
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor::<Self>::new(
            "a policy string such as \"default\" or \"local,deny=10.0.0.0/8\"",
        ))
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl Serialize for UnixAddr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de> Deserialize<'de> for UnixAddr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor::<Self>::new(
            "a Unix socket string such as \"unix:/run/app.sock\"",
        ))
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<P> Serialize for ListenAddr<P> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
impl<'de, P: Rule> Deserialize<'de> for ListenAddr<P> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FromStrVisitor::<Self>::new(
            "a listen address string such as \"127.0.0.1:8080\" or \"unix:/run/app.sock\"",
        ))
    }
}

/// Reads a string with `T::from_str`; the error's `Display` becomes the message.
struct FromStrVisitor<T> {
    expecting: &'static str,
    target: PhantomData<fn() -> T>,
}

impl<T> FromStrVisitor<T> {
    const fn new(expecting: &'static str) -> Self {
        FromStrVisitor {
            expecting,
            target: PhantomData,
        }
    }
}

impl<T> Visitor<'_> for FromStrVisitor<T>
where
    T: core::str::FromStr,
    T::Err: fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

#[cfg(feature = "std")]
pub use crate::listen::{ConfigDocument, ListenSection};

#[cfg(feature = "std")]
pub(crate) mod set {
    use std::fmt;
    use std::string::String;
    use std::vec::Vec;

    use ::serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
    use ::serde::ser::{Serialize, SerializeSeq, Serializer};

    use crate::{BindSet, Policy};

    #[cfg_attr(docsrs, doc(cfg(all(feature = "serde", feature = "std"))))]
    impl Serialize for BindSet {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut seq = serializer.serialize_seq(Some(self.len()))?;
            for addr in self.endpoints() {
                seq.serialize_element(addr)?;
            }
            seq.end()
        }
    }

    #[cfg_attr(docsrs, doc(cfg(all(feature = "serde", feature = "std"))))]
    impl<'de> Deserialize<'de> for BindSet {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(SetVisitor)
        }
    }

    /// What a list of addresses (a `BindSet`, a config's `listen`) is written as.
    pub(crate) const EXPECTED: &str = "a list of bind addresses, such as \
        [\"127.0.0.1:8080\", \"[::1]:8080\"] or \"localhost:8080\"";

    /// The strings of a list, in order; an item that is not a string is an error.
    pub(crate) fn strings<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<Vec<String>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<String>()? {
            items.push(item);
        }
        Ok(items)
    }

    struct SetVisitor;

    impl<'de> Visitor<'de> for SetVisitor {
        type Value = BindSet;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(EXPECTED)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<BindSet, E> {
            BindSet::parse(&Policy::default(), v).map_err(E::custom)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<BindSet, A::Error> {
            let items = strings(seq)?;
            BindSet::parse_items(&Policy::default(), items.iter().map(String::as_str))
                .map_err(de::Error::custom)
        }
    }
}
