//! A config section `{ listen = [...], policy = "..." }` kept as text (judged only if it
//! decides), with where each value is in its file, and the file itself.

use core::fmt;
use core::ops::Range;
use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

use ::serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use ::serde::ser::{Serialize, SerializeMap, Serializer};

use super::ListenError;
use crate::Escaped;

/// A config section `{ listen = [...], policy = "..." }`, as written: where to listen
/// and the policy beside it, both text, judged by
/// [`Listen`](crate::listen::Listen) only if the section
/// decides (a mistake in it under a valid `--bind` is a warning, not an error); see
/// [`Listen::config_file`](crate::listen::Listen::config_file).
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
                    section.listen = Some(
                        map.next_value_seed(LocatedSeed::<ListText>::new(self.spans))?
                            .map(|t| t.0),
                    );
                }
                "policy" if section.policy.is_none() => {
                    section.policy =
                        Some(map.next_value_seed(LocatedSeed::<String>::new(self.spans))?);
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
        f.write_str(crate::integrations::serde::set::EXPECTED)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ListText, E> {
        Ok(ListText(std::vec![v.into()]))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<ListText, A::Error> {
        crate::integrations::serde::set::strings(seq).map(ListText)
    }
}

/// Every `listen` and `policy` of a config document, by the path of their table, as
/// written and with where they are: what [`Listen::config_file`] reads a section from,
/// so that an application needs no config type of its own to give it one. Parse the
/// text into it with any serde format (`toml::from_str`, `serde_json::from_str`); only
/// TOML says where values are (`app.toml:2: server.listen: …`).
///
/// Lenient by design: the rest of the document is the application's (other keys and
/// tables are skipped, a `listen` that is not text is an error only if its section is
/// the one read). To refuse unknown keys in a listen-only section, give the
/// application's own config type a [`ListenSection`] field and use
/// [`Listen::config_section`] instead.
///
/// [`Listen::config_file`]: crate::listen::Listen::config_file
/// [`Listen::config_section`]: crate::listen::Listen::config_section
///
/// ```
/// use bind_guard::serde::ConfigDocument;
///
/// let doc: ConfigDocument = toml::from_str("name = 'x'\n[server]\nworkers = 4\nlisten = ['127.0.0.1:80']\n")?;
/// let section = doc.section("server").unwrap()?;
/// assert_eq!(section.listen(), Some(&["127.0.0.1:80".to_string()][..]));
/// assert!(doc.section("admin").is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigDocument {
    tables: Vec<(String, Table)>,
}

/// The `listen` and `policy` of one table, or what they were instead of text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Table {
    listen: Option<Located<Result<Vec<String>, &'static str>>>,
    policy: Option<Located<Result<String, &'static str>>>,
}

/// How deep tables are searched: deeper ones are skipped (a config nests a few levels;
/// a hostile one could nest thousands).
const MAX_DEPTH: usize = 32;

impl ConfigDocument {
    /// The section at `path` (`"server"`, `"app.http"`; `""` for the top level), if it
    /// has `listen` or `policy`.
    ///
    /// # Errors
    ///
    /// `listen` is not a string or a list of strings, or `policy` not a string: the
    /// message says what it is.
    pub fn section(&self, path: &str) -> Option<Result<ListenSection, String>> {
        let (_, table) = self.tables.iter().find(|(p, _)| p == path)?;
        let key = |name: &str| {
            if path.is_empty() {
                String::from(name)
            } else {
                std::format!("{path}.{name}")
            }
        };
        let listen = match &table.listen {
            Some(Located {
                value: Err(what), ..
            }) => {
                return Some(Err(std::format!(
                    "{} is {what}; write a list of addresses, such as [\"127.0.0.1:8080\"]",
                    key("listen")
                )));
            }
            Some(Located {
                value: Ok(items),
                span,
            }) => Some(Located {
                value: items.clone(),
                span: span.clone(),
            }),
            None => None,
        };
        let policy = match &table.policy {
            Some(Located {
                value: Err(what), ..
            }) => {
                return Some(Err(std::format!(
                    "{} is {what}; write a policy text, such as \"default\"",
                    key("policy")
                )));
            }
            Some(Located {
                value: Ok(text),
                span,
            }) => Some(Located {
                value: text.clone(),
                span: span.clone(),
            }),
            None => None,
        };
        Some(Ok(ListenSection { listen, policy }))
    }
}

impl<'de> Deserialize<'de> for ConfigDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut doc = ConfigDocument::default();
        // As for `ListenSection`: asking the root for its span tells whether the format
        // has spans; only then are values asked for theirs.
        deserializer.deserialize_struct(
            SPANNED,
            SPANNED_FIELDS,
            Walk {
                doc: &mut doc,
                path: String::new(),
                depth: 0,
                spans: false,
                root: true,
            },
        )?;
        Ok(doc)
    }
}

/// Walks one value of the document: a table is searched for `listen` and `policy`,
/// and its tables walked in turn; anything else is skipped.
struct Walk<'a> {
    doc: &'a mut ConfigDocument,
    path: String,
    depth: usize,
    /// The format answered the span protocol.
    spans: bool,
    /// This is the root's span question, not a table.
    root: bool,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.depth > MAX_DEPTH {
            return de::IgnoredAny::deserialize(deserializer).map(|_| ());
        }
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a config document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut key = map.next_key::<String>()?;
        if self.root && key.as_deref() == Some(START) {
            // The root's span: the format has spans; walk its value with them.
            while let Some(name) = key {
                if name == VALUE {
                    return map.next_value_seed(Walk {
                        root: false,
                        spans: true,
                        ..self
                    });
                }
                map.next_value::<de::IgnoredAny>()?;
                key = map.next_key::<String>()?;
            }
            return Ok(());
        }
        let mut table = Table::default();
        while let Some(name) = key {
            match name.as_str() {
                "listen" if table.listen.is_none() => {
                    table.listen = Some(
                        map.next_value_seed(LocatedSeed::<Lenient<ListText>>::new(self.spans))?
                            .map(|l| l.0.map(|t| t.0)),
                    );
                }
                "policy" if table.policy.is_none() => {
                    table.policy = Some(
                        map.next_value_seed(LocatedSeed::<Lenient<String>>::new(self.spans))?
                            .map(|l| l.0),
                    );
                }
                _ => {
                    let path = if self.path.is_empty() {
                        name.clone()
                    } else {
                        std::format!("{}.{name}", self.path)
                    };
                    map.next_value_seed(Spanned(Walk {
                        doc: &mut *self.doc,
                        path,
                        depth: self.depth + 1,
                        spans: self.spans,
                        root: false,
                    }))?;
                }
            }
            key = map.next_key::<String>()?;
        }
        if table.listen.is_some() || table.policy.is_some() {
            self.doc.tables.push((self.path, table));
        }
        Ok(())
    }

    // Everything that is not a table is skipped.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A value of a format with spans is asked for its span first (and the span is
/// dropped: only `listen` and `policy` keep theirs).
struct Spanned<S>(S);

impl<'de, 'a> DeserializeSeed<'de> for Spanned<Walk<'a>> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if !self.0.spans || self.0.depth > MAX_DEPTH {
            return self.0.deserialize(deserializer);
        }
        deserializer.deserialize_struct(SPANNED, SPANNED_FIELDS, self)
    }
}

impl<'de, 'a> Visitor<'de> for Spanned<Walk<'a>> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value with its place in the file")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut walk = Some(self.0);
        while let Some(key) = map.next_key::<String>()? {
            match (key.as_str(), walk.take()) {
                (VALUE, Some(inner)) => map.next_value_seed(inner)?,
                (_, inner) => {
                    walk = inner;
                    map.next_value::<de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A value read as `T`, or what it was instead: a wrong type is not an error of the
/// document, only of the section that is read.
struct Lenient<T>(Result<T, &'static str>);

impl<'de> Deserialize<'de> for Lenient<String> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor::<String>(core::marker::PhantomData))
    }
}

impl<'de> Deserialize<'de> for Lenient<ListText> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LenientVisitor::<ListText>(core::marker::PhantomData))
    }
}

struct LenientVisitor<T>(core::marker::PhantomData<fn() -> T>);

/// The visits of values that are never text: a table (read to its end) and the
/// scalars, each kept as what it is.
macro_rules! not_text {
    () => {
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map
                .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                .is_some()
            {}
            Ok(Lenient(Err("a table")))
        }

        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Lenient(Err("a boolean")))
        }

        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Lenient(Err("a number")))
        }

        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Lenient(Err("a number")))
        }

        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Lenient(Err("a number")))
        }
    };
}

impl<'de> Visitor<'de> for LenientVisitor<String> {
    type Value = Lenient<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Lenient(Ok(v.into())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Lenient(Err("a list")))
    }

    not_text!();
}

impl<'de> Visitor<'de> for LenientVisitor<ListText> {
    type Value = Lenient<ListText>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ListTextVisitor.expecting(f)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Lenient(Ok(ListText(std::vec![v.into()]))))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items: Vec<String> = Vec::new();
        let mut wrong = None;
        while let Some(item) = seq.next_element::<Lenient<String>>()? {
            match item.0 {
                Ok(text) => items.push(text),
                Err(what) => wrong = wrong.or(Some(what)),
            }
        }
        Ok(Lenient(match wrong {
            Some(_) => Err("a list with an item that is not a string"),
            None => Ok(ListText(items)),
        }))
    }

    not_text!();
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
///     .config_section(&file, "server", config.server.as_ref())
///     .load_from(|_| None)
///     .unwrap_err();
/// assert!(err.to_string().starts_with("app.toml:2: server.listen: bind address \"*:80\" uses * as the host"), "{err}");
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
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::from_text(
                &path.to_string_lossy(),
                String::new(),
            )),
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
    pub fn parse<'t, T, E: fmt::Display>(
        &'t self,
        parse: impl FnOnce(&'t str) -> Result<T, E>,
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

    /// An error about this file.
    pub(super) fn error(&self, message: String) -> ListenError {
        ListenError::Config {
            file: Escaped::new(&self.path).to_string(),
            message,
        }
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
        let section =
            ListenSection::deserialize(MapDeserializer::<_, Error>::new(pairs.into_iter()))
                .unwrap();
        assert_eq!(section.listen(), Some(&[String::from("*:80")][..]));
        assert_eq!(section.policy(), Some("not a policy"));
        assert_eq!(section.listen_span(), None);
        let pairs = std::vec![("listen", "a"), ("listen", "b")];
        let err = ListenSection::deserialize(MapDeserializer::<_, Error>::new(pairs.into_iter()))
            .unwrap_err();
        assert_eq!(err.to_string(), "duplicate key listen");
    }

    #[test]
    fn a_place_is_the_line_of_the_span() {
        let file = ConfigFile::from_text("a\u{1b}.toml", "[s]\n\nlisten = 1\n");
        assert_eq!(
            file.place(Some(9..19), "s.listen"),
            "a\\u{1b}.toml:3: s.listen"
        );
        assert_eq!(file.place(Some(0..1), "k"), "a\\u{1b}.toml:1: k");
        assert_eq!(file.place(None, "k"), "a\\u{1b}.toml: k");
        // A span outside the text (another text than the one parsed) names no line.
        assert_eq!(file.place(Some(99..100), "k"), "a\\u{1b}.toml: k");
        let err = file
            .parse(|_| Err::<(), _>("line one\nline \u{7} two\n"))
            .unwrap_err();
        assert_eq!(err.to_string(), "a\\u{1b}.toml: line one\nline \\u{7} two");
    }
}
