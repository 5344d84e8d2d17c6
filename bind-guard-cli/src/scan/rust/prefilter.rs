//! The prefilter: what a look at the tokens alone tells, before any syntax tree.
//!
//! Building the tree costs most of a scan; a file whose tokens hold nothing that can
//! start a finding is answered without it.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::LitStr;

use super::MAX_NESTING;
use crate::scan::classify;

/// What a look at the tokens alone tells.
#[derive(Debug, Default)]
pub(super) struct Survey {
    /// The deepest bracket nesting.
    pub(super) deepest: usize,
    /// Whether any token can start a finding: a string literal that spells the
    /// wildcard, a name of the wildcard constants or of `Ipv4Addr`/`Ipv6Addr`, or an
    /// array that starts with `0`. Every finding of the walk needs one of these, so a
    /// file without any has no finding.
    pub(super) candidate: bool,
}

/// Idents without which no constant or constructor finding exists.
const CANDIDATE_IDENTS: &[&str] = &[
    "UNSPECIFIED",
    "INADDR_ANY",
    "IN6ADDR_ANY_INIT",
    "in6addr_any",
    "Ipv4Addr",
    "Ipv6Addr",
];

/// Pieces of text that can make a string hold a wildcard inside a config or code.
const EMBEDDED: &[&str] = &["0.0.0.0", "[::]", "\"::\"", "UNSPECIFIED"];

/// Surveys a token stream without recursion.
pub(super) fn survey(tokens: &TokenStream) -> Survey {
    let mut survey = Survey::default();
    let mut stack: Vec<(proc_macro2::token_stream::IntoIter, usize)> =
        vec![(tokens.clone().into_iter(), 0)];
    while let Some((mut iter, depth)) = stack.pop() {
        survey.deepest = survey.deepest.max(depth);
        if survey.deepest > MAX_NESTING {
            break;
        }
        let Some(tree) = iter.next() else { continue };
        stack.push((iter, depth));
        match tree {
            TokenTree::Group(group) => {
                let stream = group.stream();
                if group.delimiter() == Delimiter::Bracket && starts_with_zero(&stream) {
                    survey.candidate = true;
                }
                stack.push((stream.into_iter(), depth + 1));
            }
            TokenTree::Ident(ident) => {
                if !survey.candidate && CANDIDATE_IDENTS.iter().any(|c| ident == c) {
                    survey.candidate = true;
                }
            }
            TokenTree::Literal(literal) => {
                if !survey.candidate && is_wildcard_literal(literal) {
                    survey.candidate = true;
                }
            }
            TokenTree::Punct(_) => {}
        }
    }
    survey
}

fn starts_with_zero(stream: &TokenStream) -> bool {
    match stream.clone().into_iter().next() {
        Some(TokenTree::Literal(literal)) => {
            syn::parse2::<syn::LitInt>(TokenTree::Literal(literal).into())
                .is_ok_and(|int| int.base10_digits() == "0")
        }
        _ => false,
    }
}

/// A string literal token whose value is the wildcard, alone or as a format string.
fn is_wildcard_literal(literal: proc_macro2::Literal) -> bool {
    let text = literal.to_string();
    // Only string literals (`"…"`, `r"…"`, `r#"…"#`) can hold an address.
    if !(text.starts_with('"') || text.starts_with('r')) {
        return false;
    }
    syn::parse2::<LitStr>(TokenTree::Literal(literal).into()).is_ok_and(|lit| {
        let value = lit.value();
        classify::literal(&value).is_some()
            || classify::format_string(&value).is_some()
            // A config or code held in a string (`"bind: 0.0.0.0\n…"`,
            // `r#"String::from("::")"#`).
            || EMBEDDED.iter().any(|piece| value.contains(piece))
    })
}
