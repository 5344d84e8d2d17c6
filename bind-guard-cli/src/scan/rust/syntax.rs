//! Small readers of syntax nodes, shared by the walk.

use proc_macro2::Span;
use syn::{Expr, Lit, Pat};

use crate::scan::Position;

pub(super) fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The last two segments, `(type, name)` (the type empty for a one-segment path).
pub(super) fn last_two(segments: &[String]) -> (&str, &str) {
    match segments {
        [.., ty, name] => (ty.as_str(), name.as_str()),
        [name] => ("", name.as_str()),
        [] => ("", ""),
    }
}

pub(super) fn is_zero(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(lit) => matches!(&lit.lit, Lit::Int(int) if int.base10_digits() == "0"),
        Expr::Paren(inner) => is_zero(&inner.expr),
        Expr::Group(inner) => is_zero(&inner.expr),
        Expr::Cast(cast) => is_zero(&cast.expr),
        _ => false,
    }
}

pub(super) fn int_value(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(int) => int.base10_parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn position(span: Span) -> Position {
    let (start, end) = (span.start(), span.end());
    Position {
        line: start.line,
        column: start.column + 1,
        end_line: end.line,
        end_column: end.column + 1,
    }
}

/// Whether a method chain's receiver contains a call to a path or method named `name`
/// (`warp::serve(routes)` before `.run(addr)`, `Server::builder()` before `.serve(addr)`).
pub(super) fn receiver_calls(mut expr: &Expr, name: &str) -> bool {
    for _ in 0..64 {
        match expr {
            Expr::MethodCall(m) => {
                if m.method == name {
                    return true;
                }
                expr = &m.receiver;
            }
            Expr::Call(c) => {
                return matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name));
            }
            Expr::Paren(p) => expr = &p.expr,
            _ => return false,
        }
    }
    false
}

/// The name a `let` pattern binds, when it binds one name (`addr`, `mut addr`, `addr: T`).
pub(super) fn binding_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(p) => Some(p.ident.to_string()),
        Pat::Type(p) => binding_name(&p.pat),
        _ => None,
    }
}
