//! Rust source: a `syn` syntax tree walked with the way each value is used.
//!
//! Every expression is visited with a [`Flow`]: where its value goes. A wildcard found
//! in an argument of a bind-like call (directly or through address constructors,
//! `.into()`, `.parse()`, `format!`, tuples, references) is a high-confidence finding;
//! one stored in a `let` or a `const` is high when that name later reaches a bind-like
//! call in the same function (or file, for items); so is one set as a struct field
//! (`Settings { host: … }`) whose field is read into a bind call (`s.host`), and one
//! returned by a function whose call is (`bind(default_addr())`), both matched by name
//! within the file. One compared (`==`, `assert_eq!`, `.contains`, match patterns) is
//! no finding; anything else is low.
//!
//! The modules: [`prefilter`] looks at the tokens alone and skips files that cannot
//! hold a finding; [`vocabulary`] lists the names of calls, methods and macros whose
//! shape says where a value goes; [`walker`] walks the tree with that vocabulary;
//! [`syntax`] holds small readers of syntax nodes.

mod prefilter;
mod prepass;
mod syntax;
mod vocabulary;
mod walker;

use proc_macro2::{Span, TokenStream};
use syn::visit::Visit;

use super::Finding;
use prefilter::survey;
use walker::Walker;

/// Deepest bracket nesting accepted. Parsing recurses once per level, so a file of a
/// million `(` must be refused before `syn` sees it; real code stays far below this.
pub(super) const MAX_NESTING: usize = 256;

/// The scanned result of one Rust file.
pub(crate) fn scan(source: &str) -> Result<Vec<Finding>, String> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let blanked;
    let source = match shebang_len(source) {
        // Keep the line (as spaces) so that every position stays where it was.
        Some(len) => {
            blanked = format!("{}{}", " ".repeat(len), source.get(len..).unwrap_or(""));
            blanked.as_str()
        }
        None => source,
    };
    let tokens: TokenStream = source
        .parse()
        .map_err(|err: proc_macro2::LexError| format!("{}: {err}", at(err.span())))?;
    let survey = survey(&tokens);
    if survey.deepest > MAX_NESTING {
        return Err(format!(
            "brackets nested more than {MAX_NESTING} deep; not scanned"
        ));
    }
    if !survey.candidate {
        // Nothing the walk reports can come from these tokens: skip the syntax tree,
        // which costs most of the time of a scan.
        return Ok(Vec::new());
    }
    let file: syn::File =
        syn::parse2(tokens).map_err(|err| format!("{}: {err}", at(err.span())))?;
    let mut walker = Walker::new(prepass::Prepass::of(&file));
    walker.visit_file(&file);
    Ok(walker.finish())
}

/// `line:column` of a span, for parse errors.
fn at(span: Span) -> String {
    let start = span.start();
    format!("{}:{}", start.line, start.column + 1)
}

/// The length of a `#!…` first line that is a shebang (`#![attr]` is not one).
fn shebang_len(source: &str) -> Option<usize> {
    let rest = source.strip_prefix("#!")?;
    if rest.trim_start().starts_with('[') {
        return None;
    }
    Some(source.find('\n').unwrap_or(source.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::Confidence;

    fn rules(source: &str) -> Vec<(usize, &'static str, Confidence)> {
        scan(source)
            .unwrap()
            .iter()
            .map(|f| (f.position.line, f.rule.name(), f.confidence))
            .collect()
    }

    #[test]
    fn a_file_without_candidates_is_not_parsed() {
        // Not valid Rust past the tokens, but nothing in it can be a finding: the
        // survey answers without building the tree (so no parse error either).
        assert_eq!(scan("fn f() -> { let = 1; }").map(|f| f.len()), Ok(0));
        // With a candidate, the tree is built and the parse error reported.
        assert!(scan("fn f() -> { let = \"0.0.0.0\"; }").is_err());
    }

    #[test]
    fn shebang_and_bom_keep_positions() {
        let found = rules(
            "#!/usr/bin/env run-cargo-script\nfn main() { TcpListener::bind(\"0.0.0.0:1\"); }\n",
        );
        assert_eq!(found, [(2, "wildcard-string", Confidence::High)]);
        let found = rules("\u{feff}fn main() { TcpListener::bind(\"[::]:1\"); }");
        assert_eq!(found, [(1, "wildcard-string", Confidence::High)]);
        assert_eq!(
            rules("#![allow(dead_code)]\nconst A: &str = \"0.0.0.0\";"),
            [(2, "wildcard-string", Confidence::Low)]
        );
    }

    #[test]
    fn names_are_followed_across_lets_only_within_their_function() {
        // A host without a port: only its use can make it high.
        let source = "fn a() { let addr = \"0.0.0.0\"; }\nfn b() { TcpListener::bind(addr); }\n";
        assert_eq!(rules(source), [(1, "wildcard-string", Confidence::Low)]);
        let source = "fn a() { let ip = Ipv4Addr::UNSPECIFIED; let sa = SocketAddr::new(ip.into(), 1); let l = TcpListener::bind(sa); }";
        assert_eq!(rules(source), [(1, "wildcard-constant", Confidence::High)]);
    }

    #[test]
    fn the_port_makes_a_wildcard_high_and_a_not_bind_use_drops_it() {
        assert_eq!(
            rules("fn f() { let a = \"0.0.0.0\"; let b = \"0.0.0.0:9\"; }"),
            [
                (1, "wildcard-string", Confidence::Low),
                (1, "wildcard-string", Confidence::High)
            ]
        );
        // Passed through conversions, the port still counts.
        assert_eq!(
            rules(
                "fn f(p: u16) { let a = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), p); }"
            ),
            [(1, "wildcard-constant", Confidence::High)]
        );
        // Not-bind names win, also over bind words in the same path.
        assert_eq!(rules("fn f() { connect(\"0.0.0.0:9\"); }"), []);
        assert_eq!(
            rules("fn f() { ServerName::IpAddress(Ipv4Addr::UNSPECIFIED); }"),
            []
        );
        assert_eq!(rules("fn f() { Remote(ServerAddr(\"0.0.0.0:9\")); }"), []);
        // An explicit bind call binds whatever its result is for.
        assert_eq!(
            rules("fn f() { let send_socket = UdpSocket::bind(\"0.0.0.0\"); }"),
            [(1, "wildcard-string", Confidence::High)]
        );
        // A name used only in checks is no finding; used anywhere else, it is.
        assert_eq!(
            rules("const Z: IpAddr = Ipv4Addr::UNSPECIFIED; fn f(i: IpAddr) -> bool { i == Z }"),
            []
        );
        assert_eq!(
            rules(
                "const Z: IpAddr = Ipv4Addr::UNSPECIFIED; fn f(i: IpAddr) -> bool { g(Z); i == Z }"
            ),
            [(1, "wildcard-constant", Confidence::Low)]
        );
    }

    proptest::proptest! {
        /// Any text, Rust or not: findings or an error, never a panic.
        #[test]
        fn any_source_gets_an_answer(source in "[ -~\n]{0,200}") {
            let _ = scan(&source);
            proc_macro2::extra::invalidate_current_thread_spans();
        }

        /// Fragments of real Rust around wildcard spellings, shuffled together.
        #[test]
        fn rust_like_sources_get_an_answer(parts in proptest::collection::vec(proptest::sample::select(vec![
            "fn f() {", "}", "let a = ", "TcpListener::bind(", ")", "(", "\"0.0.0.0:1\"", "\"::\"",
            "Ipv4Addr::UNSPECIFIED", "[0, 0, 0, 0]", "[0; 4]", ", ", ";", "format!(", "json!({", "== ",
            "Ipv4Addr::new(0, 0, 0, 0)", "#[arg(default_value = ", "]", "match x { ", " => ", "|| ",
        ]), 0..40)) {
            let _ = scan(&parts.concat());
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    }
}
