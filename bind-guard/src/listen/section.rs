//! A config section `{ listen = [...], policy = "..." }` kept as text (judged only if it
//! decides), with where each value is in its file, and the file itself.

use core::fmt;
use core::ops::Range;
use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use ::serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use ::serde::ser::{Serialize, SerializeMap, Serializer};

use super::ListenError;
use crate::Escaped;

/// A config section `{ listen = [...], policy = "..." }`, as written: where to listen
/// and the policy beside it, both text, judged by
/// [`Listen::config_file`](crate::listen::Listen::config_file) only if the section
/// decides (a mistake in it under a valid `--bind` is a warning, not an error).
///
/// `listen` is a list of strings (or one comma-separated string), each an address or
/// `localhost:PORT`; `policy` is a [`Policy`](crate::Policy) text (`"loopback"`,
/// `"default,allow_wildcard"`: the config's opt-in to the wildcard). Both may be
/// absent; other keys are refused, so a misspelt `lisen` is an error rather than a
/// silent default. Read from TOML, the section keeps where each value is (TOML's
/// spans), so errors name the line: `app.toml:2: server.listen: …`.
///
/// ```
/// use bind_guard::serde::ListenSection;
/// use serde::de::{value::{Error, MapDeserializer}, Deserialize};
///
/// let section = |pairs: Vec<(&'static str, &'static str)>| {
///     ListenSection::deserialize(MapDeserializer::<_, Error>::new(pairs.into_iter()))
/// };
/// let open = section(vec![("listen", "0.0.0.0:8080"), ("policy", "default,allow_wildcard")])?;
/// assert_eq!(open.listen(), Some(&["0.0.0.0:8080".to_string()][..]));
/// assert_eq!(open.policy(), Some("default,allow_wildcard"));
/// let typo = section(vec![("lisen", "127.0.0.1:8080")]).unwrap_err();
/// assert!(typo.to_string().starts_with("unknown field `lisen`"));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListenSection {
    listen: Option<Located<Vec<String>>>,
    policy: Option<Located<String>>,
}

/// A value and, when the format says, the bytes of the file it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Located<T> {
    value: T,
    span: Option<Range<usize>>,
}

impl ListenSection {
    /// The `listen` values as written (one comma-separated string is one item), if the
    /// section has `listen`.
    #[must_use]
    pub fn listen(&self) -> Option<&[String]> {
        self.listen.as_ref().map(|l| l.value.as_slice())
    }

    /// The section's policy text, if it has one.
    #[must_use]
    pub fn policy(&self) -> Option<&str> {
        self.policy.as_ref().map(|p| p.value.as_str())
    }

    pub(super) fn listen_span(&self) -> Option<Range<usize>> {
        self.listen.as_ref().and_then(|l| l.span.clone())
    }

    pub(super) fn policy_span(&self) -> Option<Range<usize>> {
        self.policy.as_ref().and_then(|p| p.span.clone())
    }
}

impl Serialize for ListenSection {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = usize::from(self.listen.is_some()) + usize::from(self.policy.is_some());
        let mut map = serializer.serialize_map(Some(len))?;
        if let Some(listen) = &self.listen {
            map.serialize_entry("listen", &listen.value)?;
        }
        if let Some(policy) = &self.policy {
            map.serialize_entry("policy", &policy.value)?;
        }
        map.end()
    }
}

// The span protocol of `serde_spanned`, which `toml` implements: a struct with this
// name and these three fields is answered, by a deserializer that knows it, with a map
// of the value's start and end byte offsets and the value. These names are that crate's
// (facts, not code); `tests/integrations.rs` proves `toml` still answers them.
const SPANNED: &str = "$__serde_spanned_private_Spanned";
const START: &str = "$__serde_spanned_private_start";
const END: &str = "$__serde_spanned_private_end";
const VALUE: &str = "$__serde_spanned_private_value";
const SPANNED_FIELDS: &[&str] = &[START, END, VALUE];

const FIELDS: &[&str] = &["listen", "policy"];

impl<'de> Deserialize<'de> for ListenSection {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Asking for the section's span tells a format that has spans (TOML) from one
        // that has none: only the first answers with the protocol's keys, and only
        // then are its values asked for their spans too. (Asked of a JSON string,
        // the same question would be an error, so values are asked only when the
        // section's answer shows the format knows it.) Other formats see a struct
        // and answer with the section's map.
        deserializer.deserialize_struct(SPANNED, SPANNED_FIELDS, SectionVisitor { spans: false })
    }
}

#[derive(Clone, Copy)]
struct SectionVisitor {
    /// Whether the format answered the span protocol (its values will too).
    spans: bool,
}

impl<'de> DeserializeSeed<'de> for SectionVisitor {
    type Value = ListenSection;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<ListenSection, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SectionVisitor {
    type Value = ListenSection;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a listen section with listen = [\"127.0.0.1:8080\"] and an optional policy")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ListenSection, A::Error> {
        let mut section = ListenSection::default();
        let mut key = map.next_key::<String>()?;
        if !self.spans && key.as_deref() == Some(START) {
            // The section's own span: not needed; its value is the section.
            let _start: usize = map.next_value()?;
            let mut section = None;
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    END => {
                        let _end: usize = map.next_value()?;
                    }
                    VALUE => {
                        section = Some(map.next_value_seed(SectionVisitor { spans: true })?);
                    }
                    _ => return Err(de::Error::unknown_field(&key, SPANNED_FIELDS)),
                }
            }
            return section.ok_or_else(|| de::Error::missing_field(VALUE));
        }
        while let Some(name) = key {
            match name.as_str() {
                "listen" if section.listen.is_none() => {
                    section.listen = Some(map.next_value_seed(LocatedSeed::<ListText>::new(self.spans))?.map(|t| t.0));
                }
                "policy" if section.policy.is_none() => {
                    section.policy = Some(map.next_value_seed(LocatedSeed::<String>::new(self.spans))?);
                }
                "listen" | "policy" => {
                    return Err(de::Error::custom(std::format!("duplicate key {name}")));
                }
                other => return Err(de::Error::unknown_field(other, FIELDS)),
            }
            key = map.next_key::<String>()?;
        }
        Ok(section)
    }
}

impl<T> Located<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Located<U> {
        Located {
            value: f(self.value),
            span: self.span,
        }
    }
}

/// Reads a `T`, with its span when `spans` (the format answered the protocol).
struct LocatedSeed<T> {
    spans: bool,
    value: core::marker::PhantomData<fn() -> T>,
}

impl<T> LocatedSeed<T> {
    fn new(spans: bool) -> Self {
        LocatedSeed {
            spans,
            value: core::marker::PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for LocatedSeed<T> {
    type Value = Located<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Located<T>, D::Error> {
        if !self.spans {
            return T::deserialize(deserializer).map(|value| Located { value, span: None });
        }
        deserializer.deserialize_struct(SPANNED, SPANNED_FIELDS, self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for LocatedSeed<T> {
    type Value = Located<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value with its place in the file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Located<T>, A::Error> {
        let (mut start, mut end, mut value) = (None, None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                START => start = Some(map.next_value::<usize>()?),
                END => end = Some(map.next_value::<usize>()?),
                VALUE => value = Some(map.next_value::<T>()?),
                _ => return Err(de::Error::unknown_field(&key, SPANNED_FIELDS)),
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field(VALUE))?;
        let span = match (start, end) {
            (Some(start), Some(end)) => Some(start..end),
            _ => None,
        };
        Ok(Located { value, span })
    }
}

/// The `listen` value as written: a string (one item) or a list of strings.
struct ListText(Vec<String>);

impl<'de> Deserialize<'de> for ListText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ListTextVisitor)
    }
}

struct ListTextVisitor;

impl<'de> Visitor<'de> for ListTextVisitor {
    type Value = ListText;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "a list of bind addresses, such as [\"127.0.0.1:8080\", \"[::1]:8080\"] or \
             \"localhost:8080\"",
        )
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ListText, E> {
        Ok(ListText(std::vec![v.into()]))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ListText, A::Error> {
        let mut items: Vec<String> = Vec::new();
        while let Some(item) = seq.next_element::<String>()? {
            items.push(item);
        }
        Ok(ListText(items))
    }
}

/// A config file's name and text, for errors that say where a value is
/// (`app.toml:2: server.listen: …`). The application parses the text with its own
/// format and types; [`parse`](ConfigFile::parse) names the file in the format's
/// errors.
///
/// ```
/// use bind_guard::{bind_addr, listen::{ConfigFile, Listen}, serde::ListenSection};
///
/// #[derive(serde::Deserialize)]
/// struct Config { server: Option<ListenSection> }
///
/// let file = ConfigFile::from_text("app.toml", "[server]\nlisten = \"*:80\"\n");
/// let config: Config = file.parse(toml::from_str)?;
/// let err = Listen::new(bind_addr!("127.0.0.1:8080"))
///     .config_key("server")
///     .config_file(&file, config.server.as_ref())
///     .load_from(|_| None)
///     .unwrap_err();
/// assert!(err.to_string().starts_with("app.toml:2: server.listen: bind address \"*:80\" has no host"));
/// # Ok::<(), bind_guard::listen::ListenError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigFile {
    path: String,
    text: String,
}

impl ConfigFile {
    /// Reads the file at `path`.
    ///
    /// # Errors
    ///
    /// The file cannot be read (missing, not UTF-8, …): the error names it.
    pub fn read(path: impl AsRef<Path>) -> Result<Self, ListenError> {
        let path = path.as_ref();
        std::fs::read_to_string(path)
            .map(|text| ConfigFile::from_text(&path.to_string_lossy(), text))
            .map_err(|err| ListenError::Config {
                file: Escaped::new(&path.to_string_lossy()).to_string(),
                message: err.to_string(),
            })
    }

    /// Reads the file at `path`; a file that does not exist is an empty one (no
    /// config).
    ///
    /// # Errors
    ///
    /// The file exists and cannot be read.
    pub fn read_if_present(path: impl AsRef<Path>) -> Result<Self, ListenError> {
        let path = path.as_ref();
        match std::fs::metadata(path) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Ok(ConfigFile::from_text(&path.to_string_lossy(), String::new()))
            }
            _ => ConfigFile::read(path),
        }
    }

    /// A file whose text the application read itself.
    #[must_use]
    pub fn from_text(path: &str, text: impl Into<String>) -> Self {
        ConfigFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// The file's name, as given.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The file's text.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Parses the text with `parse` (such as `toml::from_str`); its error is prefixed
    /// with the file's name, each line escaped.
    ///
    /// # Errors
    ///
    /// `parse`'s error.
    pub fn parse<T, E: fmt::Display>(
        &self,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, ListenError> {
        parse(&self.text).map_err(|err| {
            let message = err.to_string();
            let lines: Vec<String> = message
                .trim_end()
                .lines()
                .map(|line| Escaped::new(line).to_string())
                .collect();
            ListenError::Config {
                file: Escaped::new(&self.path).to_string(),
                message: lines.join("\n"),
            }
        })
    }

    /// How an error names `key` read from `span`: `app.toml:2: server.listen`, or
    /// `app.toml: server.listen` without a span.
    pub(super) fn place(&self, span: Option<Range<usize>>, key: &str) -> String {
        let file = Escaped::new(&self.path);
        let line = span
            .and_then(|span| self.text.get(..span.start))
            .map(|before| before.bytes().filter(|&b| b == b'\n').count() + 1);
        match line {
            Some(line) => std::format!("{file}:{line}: {key}"),
            None => std::format!("{file}: {key}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::serde::de::value::{Error, MapDeserializer};

    #[test]
    fn a_section_holds_text_that_is_not_checked_while_reading() {
        let pairs = std::vec![("listen", "*:80"), ("policy", "not a policy")];
        let section = ListenSection::deserialize(MapDeserializer::<_, Error>::new(pairs.into_iter())).unwrap();
        assert_eq!(section.listen(), Some(&[String::from("*:80")][..]));
        assert_eq!(section.policy(), Some("not a policy"));
        assert_eq!(section.listen_span(), None);
        let pairs = std::vec![("listen", "a"), ("listen", "b")];
        let err = ListenSection::deserialize(MapDeserializer::<_, Error>::new(pairs.into_iter())).unwrap_err();
        assert_eq!(err.to_string(), "duplicate key listen");
    }

    #[test]
    fn a_place_is_the_line_of_the_span() {
        let file = ConfigFile::from_text("a\u{1b}.toml", "[s]\n\nlisten = 1\n");
        assert_eq!(file.place(Some(9..19), "s.listen"), "a\\u{1b}.toml:3: s.listen");
        assert_eq!(file.place(Some(0..1), "k"), "a\\u{1b}.toml:1: k");
        assert_eq!(file.place(None, "k"), "a\\u{1b}.toml: k");
        // A span outside the text (another text than the one parsed) names no line.
        assert_eq!(file.place(Some(99..100), "k"), "a\\u{1b}.toml: k");
        let err = file.parse(|_| Err::<(), _>("line one\nline \u{7} two\n")).unwrap_err();
        assert_eq!(err.to_string(), "a\\u{1b}.toml: line one\nline \\u{7} two");
    }
}
