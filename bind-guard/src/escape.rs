//! Text from other people, made safe to print.
//!
//! Whatever a program echoes back — a `--bind` value, an environment variable, a
//! process name from `/proc`, a `Host` header — may have been written by someone else:
//! another local user, a web page, a config generator. Printed raw to a terminal, an
//! escape sequence in it can erase lines, move the cursor or rewrite what the reader
//! sees (`"\x1b[2K\r\x1b[1A"` deletes the line above). Every message of this crate and
//! of its CLI that quotes such text goes through [`Escaped`], the one escaping rule.

use core::fmt;

/// Displays text with every character that could change how a terminal shows it
/// escaped, and cuts it after a number of bytes.
///
/// Escaped are the C0 and C1 control characters (`\x1b`, `\r`, `\u{9b}`, …, written as
/// `\n`, `\r`, `\t` or `\u{…}`), `DEL`, the Unicode bidirectional overrides and
/// isolates (`U+202A`–`U+202E`, `U+2066`–`U+2069`, which reorder what follows them) and
/// marks (`U+200E`, `U+200F`, `U+061C`), the line and paragraph separators, and
/// invisible characters (zero-width characters, the soft hyphen, invisible operators,
/// tag characters, the byte-order mark).
/// A backslash is doubled, so an escaped text cannot pass for an escape. Other
/// characters, including non-ASCII letters, are kept.
///
/// ```
/// use bind_guard::Escaped;
///
/// let name = "evil\x1b[2K\r\u{202e}txt";
/// assert_eq!(Escaped::new(name).to_string(), r"evil\u{1b}[2K\r\u{202e}txt");
/// assert_eq!(Escaped::new("a\\b").to_string(), r"a\\b");
/// assert_eq!(Escaped::cut("abcdef", 3).to_string(), "abc…");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Escaped<'a> {
    text: &'a str,
    cut: bool,
}

impl<'a> Escaped<'a> {
    /// All of `text`, escaped.
    #[must_use]
    pub const fn new(text: &'a str) -> Self {
        Escaped { text, cut: false }
    }

    /// The first `max_bytes` bytes of `text` (never splitting a character), escaped,
    /// followed by `…` if anything was cut.
    #[must_use]
    pub fn cut(text: &'a str, max_bytes: usize) -> Self {
        if text.len() <= max_bytes {
            return Escaped::new(text);
        }
        let mut end = max_bytes;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        Escaped {
            text: text.get(..end).unwrap_or_default(),
            cut: true,
        }
    }

    /// Whether `c` is printed as an escape.
    #[must_use]
    pub const fn needs_escape(c: char) -> bool {
        matches!(c,
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
            // Bidirectional embeddings, overrides and isolates; marks (the Arabic letter
            // mark too).
            | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            // Line and paragraph separators.
            | '\u{2028}' | '\u{2029}'
            // Invisible characters: soft hyphen, zero-width characters, word joiner and
            // invisible operators, deprecated format characters, the byte-order mark,
            // interlinear annotations and tag characters.
            | '\u{ad}' | '\u{180e}' | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}'
            | '\u{206a}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
            | '\u{e0001}' | '\u{e0020}'..='\u{e007f}')
    }
}

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        for c in self.text.chars() {
            match c {
                '\\' => f.write_str("\\\\")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if Escaped::needs_escape(c) => write!(f, "\\u{{{:x}}}", u32::from(c))?,
                c => f.write_char(c)?,
            }
        }
        if self.cut {
            f.write_char('…')?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use alloc::string::ToString;

    use super::*;

    #[test]
    fn terminal_controls_never_pass_through() {
        let hostile = "a\x1b[2K\r\x1b[1A\x07\u{9b}31m\u{202e}\u{2066}\u{200b}\u{feff}\u{2028}z";
        let shown = Escaped::new(hostile).to_string();
        assert!(
            !shown.chars().any(Escaped::needs_escape),
            "control character survived: {shown:?}"
        );
        assert_eq!(
            shown,
            r"a\u{1b}[2K\r\u{1b}[1A\u{7}\u{9b}31m\u{202e}\u{2066}\u{200b}\u{feff}\u{2028}z"
        );
    }

    #[test]
    fn invisible_and_bidi_marks_are_escaped() {
        for c in [
            '\u{61c}',
            '\u{ad}',
            '\u{180e}',
            '\u{2064}',
            '\u{206f}',
            '\u{fffb}',
            '\u{e0041}',
        ] {
            let text = alloc::format!("a{c}b");
            let shown = Escaped::new(&text).to_string();
            assert_eq!(shown, alloc::format!("a\\u{{{:x}}}b", u32::from(c)));
        }
    }

    #[test]
    fn printable_text_is_kept_and_backslashes_doubled() {
        assert_eq!(
            Escaped::new("Zürich 東京 :8080").to_string(),
            "Zürich 東京 :8080"
        );
        assert_eq!(Escaped::new(r"\u{1b}").to_string(), r"\\u{1b}");
    }

    #[test]
    fn cut_keeps_whole_characters() {
        assert_eq!(Escaped::cut("ééé", 3).to_string(), "é…");
        assert_eq!(Escaped::cut("abc", 3).to_string(), "abc");
        assert_eq!(Escaped::cut("abc", 0).to_string(), "…");
    }
}

/// Every error type that quotes someone else's text prints it through [`Escaped`].
#[cfg(all(test, feature = "std"))]
mod every_error {
    use alloc::format;
    use alloc::string::ToString;

    use super::Escaped;
    use crate::Policy;

    /// Erases the line above, then reverses what follows; with a quote and a backslash,
    /// which a different escaping (such as `{:?}`) would show differently.
    const HOSTILE: &str = "x\"\\\x1b[2K\r\x1b[1A\u{202e}\u{2028}y";

    #[test]
    fn policy_text_errors() {
        let err = format!("default,{HOSTILE}").parse::<Policy>().unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("policy item \"{}\" ", Escaped::new(HOSTILE))),
            "{text}"
        );
        assert!(!text.chars().any(Escaped::needs_escape), "{text:?}");
    }

    #[test]
    fn env_errors() {
        let config = crate::listen::Listen::new(crate::BindAddr::loopback(1)).env_prefix("APP");
        let err = config
            .load_from(|name| (name == "APP_EXPOSE").then(|| HOSTILE.into()))
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with(&format!("APP_EXPOSE=\"{}\" ", Escaped::new(HOSTILE))),
            "{text}"
        );
        let err = config
            .load_from(|name| (name == "APP_BIND").then(|| HOSTILE.into()))
            .unwrap_err();
        assert!(!err.to_string().chars().any(Escaped::needs_escape), "{err}");
    }
}
