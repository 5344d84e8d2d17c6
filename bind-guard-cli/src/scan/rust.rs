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

use std::collections::{HashMap, HashSet, VecDeque};

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprMethodCall, ExprStruct, Lit, LitStr, Macro, Member, Meta, Pat};

use super::classify::{self, Spelling};
use super::{Confidence, Finding, Position, RuleId, shorten};

/// Deepest bracket nesting accepted. Parsing recurses once per level, so a file of a
/// million `(` must be refused before `syn` sees it; real code stays far below this.
const MAX_NESTING: usize = 256;

/// Deepest expression nesting the walk descends into (long operator chains such as
/// `a + a + … + a` nest without brackets).
const MAX_EXPR_DEPTH: usize = 512;

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
    let mut walker = Walker::default();
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

/// What a look at the tokens alone tells.
#[derive(Debug, Default)]
struct Survey {
    /// The deepest bracket nesting.
    deepest: usize,
    /// Whether any token can start a finding: a string literal that spells the
    /// wildcard, a name of the wildcard constants or of `Ipv4Addr`/`Ipv6Addr`, or an
    /// array that starts with `0`. Every finding of the walk needs one of these, so a
    /// file without any has no finding.
    candidate: bool,
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

/// Surveys a token stream without recursion.
fn survey(tokens: &TokenStream) -> Survey {
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
        classify::literal(&value).is_some() || classify::format_string(&value).is_some()
    })
}

/// Where the value of the expression being visited goes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Flow {
    /// Nowhere the scanner follows: a constant that may end up anywhere.
    Unknown,
    /// Into the address argument of a bind-like call, named for the message.
    Sink(String),
    /// Into a `let` binding or a `const`/`static` item: `(scope, name)`.
    Var(usize, String),
    /// Into a comparison (`==`, `assert_eq!`, `.contains()`): a check, not a bind.
    Compare,
}

/// A wildcard seen in the tree, before names are followed to their use.
#[derive(Debug)]
struct Seen {
    rule: RuleId,
    what: String,
    position: Position,
    flow: Flow,
    /// Reported only if it reaches a bind-like call: `"::"` is far more often Rust's
    /// path separator (`.join("::")`) than the IPv6 wildcard.
    weak: bool,
}

/// The scope of items (`const`, `static`); functions get scopes from 1.
const ITEM_SCOPE: usize = 0;

#[derive(Debug, Default)]
struct Walker {
    flow: Option<Flow>,
    /// Inside `SocketAddr::from(…)`, a two-element tuple or an address constructor:
    /// where `[0, 0, 0, 0]` is an IPv4 address rather than any array of zeros.
    address_context: bool,
    scope: usize,
    scopes: usize,
    depth: usize,
    seen: Vec<Seen>,
    /// The value of name `.0` flows into name `.1`.
    edges: HashMap<(usize, String), Vec<(usize, String)>>,
    /// Names used in a bind-like call's argument, with the call.
    sinks: HashMap<(usize, String), String>,
    /// Where the current function's (or closure's) `return` values go.
    returns: Option<Flow>,
}

/// Types whose constructors and `From` conversions pass an address through.
const ADDRESS_TYPES: &[&str] = &[
    "SocketAddr",
    "SocketAddrV4",
    "SocketAddrV6",
    "IpAddr",
    "Ipv4Addr",
    "Ipv6Addr",
    "SockAddr",
    "BindAddr",
];

/// Path calls that bind their argument (`TcpListener::bind`, `Server::bind`,
/// `axum_server::bind`, `socket2::Socket::bind(&s, …)`).
const SINK_FUNCTIONS: &[&str] = &["bind", "try_bind", "bind_with_graceful_shutdown"];

/// Methods that bind their argument: actix `HttpServer::bind*`, tokio `TcpSocket::bind`,
/// socket2 `Socket::bind`, warp `Server::bind*`, tide `Server::listen`, clap's builder
/// `Arg::default_value`.
const SINK_METHODS: &[&str] = &[
    "bind",
    "try_bind",
    "bind_ephemeral",
    "try_bind_ephemeral",
    "bind_with_graceful_shutdown",
    "try_bind_with_graceful_shutdown",
    "bind_rustls",
    "bind_rustls_021",
    "bind_rustls_0_22",
    "bind_rustls_0_23",
    "bind_openssl",
    "bind_auto_h2c",
    "listen",
    "default_value",
    "default_missing_value",
];

/// Methods whose result carries their receiver's or argument's value.
const PASS_METHODS: &[&str] = &[
    "into",
    "try_into",
    "parse",
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "or",
    "or_else",
    "ok",
    "to_string",
    "to_owned",
    "as_str",
    "as_ref",
    "clone",
    "to_socket_addrs",
    "context",
    "with_context",
    "map_err",
];

/// Methods that compare their receiver with their argument.
/// String searches are here too: their argument is a pattern, not an address.
const COMPARE_METHODS: &[&str] = &[
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "contains",
    "starts_with",
    "ends_with",
    "strip_prefix",
    "strip_suffix",
    "split",
    "rsplit",
    "splitn",
    "rsplitn",
    "split_once",
    "rsplit_once",
    "find",
    "rfind",
    "matches",
    "replace",
];

/// Macros that compare their arguments.
const COMPARE_MACROS: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "matches",
    "assert_matches",
];

/// Macros whose result is built from their arguments (`format!("0.0.0.0:{port}")`).
const VALUE_MACROS: &[&str] = &["format", "format_args", "concat", "vec"];

/// Macros whose first argument is a format string (the value ones above, and those
/// that print or log it).
const FORMAT_MACROS: &[&str] = &[
    "format",
    "format_args",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "panic",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
];

/// Attributes of clap and structopt derives, whose `default_value` becomes the value.
const CLAP_ATTRIBUTES: &[&str] = &["arg", "clap", "structopt"];
const CLAP_DEFAULTS: &[&str] = &[
    "default_value",
    "default_value_t",
    "default_values",
    "default_values_t",
    "default_missing_value",
];

fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The last two segments, `(type, name)` (the type empty for a one-segment path).
fn last_two(segments: &[String]) -> (&str, &str) {
    match segments {
        [.., ty, name] => (ty.as_str(), name.as_str()),
        [name] => ("", name.as_str()),
        [] => ("", ""),
    }
}

fn is_zero(expr: &Expr) -> bool {
    match expr {
        Expr::Lit(lit) => matches!(&lit.lit, Lit::Int(int) if int.base10_digits() == "0"),
        Expr::Paren(inner) => is_zero(&inner.expr),
        Expr::Group(inner) => is_zero(&inner.expr),
        Expr::Cast(cast) => is_zero(&cast.expr),
        _ => false,
    }
}

fn int_value(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Int(int) => int.base10_parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

fn position(span: Span) -> Position {
    let (start, end) = (span.start(), span.end());
    Position {
        line: start.line,
        column: start.column + 1,
        end_line: end.line,
        end_column: end.column + 1,
    }
}

impl Walker {
    fn flow(&self) -> Flow {
        self.flow.clone().unwrap_or(Flow::Unknown)
    }

    /// Visits `expr` with `flow`, `address_context` as given, then restores both.
    fn with(&mut self, flow: Flow, address_context: bool, expr: &Expr) {
        let saved = (self.flow.replace(flow), self.address_context);
        self.address_context = address_context;
        self.visit_expr(expr);
        self.flow = saved.0;
        self.address_context = saved.1;
    }

    /// Runs `f` with `flow` and no address context, then restores both.
    fn within(&mut self, flow: Flow, f: impl FnOnce(&mut Self)) {
        let saved = (self.flow.replace(flow), self.address_context);
        self.address_context = false;
        f(self);
        self.flow = saved.0;
        self.address_context = saved.1;
    }

    fn record(&mut self, rule: RuleId, what: String, span: Span) {
        self.record_seen(rule, what, span, false);
    }

    fn record_seen(&mut self, rule: RuleId, what: String, span: Span, weak: bool) {
        let flow = self.flow();
        if flow == Flow::Compare {
            return;
        }
        self.seen.push(Seen {
            rule,
            what,
            position: position(span),
            flow,
            weak,
        });
    }

    fn string(&mut self, lit: &LitStr, spelling: Option<Spelling>) {
        if let Some(spelling) = spelling {
            let value = lit.value();
            let what = format!("\"{}\" is {}", shorten(&value, 80), spelling.describe());
            let weak = value == "::" && !self.address_context;
            self.record_seen(RuleId::WildcardString, what, lit.span(), weak);
        }
    }

    /// A name used where the value goes: links it to a sink or to another name.
    fn name_used(&mut self, name: &str, only_items: bool) {
        let keys = if only_items {
            vec![(ITEM_SCOPE, name.to_owned())]
        } else {
            vec![(self.scope, name.to_owned()), (ITEM_SCOPE, name.to_owned())]
        };
        match self.flow() {
            Flow::Sink(sink) => {
                for key in keys {
                    self.sinks.entry(key).or_insert_with(|| sink.clone());
                }
            }
            Flow::Var(scope, var) => {
                for key in keys {
                    self.edges
                        .entry(key)
                        .or_default()
                        .push((scope, var.clone()));
                }
            }
            Flow::Unknown | Flow::Compare => {}
        }
    }

    fn path_expr(&mut self, path: &syn::Path) {
        let segments = path_segments(path);
        match last_two(&segments) {
            ("Ipv4Addr" | "Ipv6Addr", "UNSPECIFIED") => {
                let what = format!(
                    "{}::UNSPECIFIED is the wildcard address",
                    last_two(&segments).0
                );
                self.record(RuleId::WildcardConstant, what, path.span());
            }
            (_, name @ ("INADDR_ANY" | "IN6ADDR_ANY_INIT" | "in6addr_any")) => {
                let what = format!("{name} is the wildcard address");
                self.record(RuleId::WildcardConstant, what, path.span());
            }
            (_, name) => {
                let name = name.to_owned();
                self.name_used(&name, segments.len() > 1);
            }
        }
    }

    fn call(&mut self, call: &ExprCall) {
        let Expr::Path(func) = &*call.func else {
            self.within(Flow::Unknown, |w| visit::visit_expr_call(w, call));
            return;
        };
        let segments = path_segments(&func.path);
        let (ty, name) = last_two(&segments);
        let args: Vec<&Expr> = call.args.iter().collect();
        // Atoms: an address made of zeros.
        let zero_address = match (ty, name) {
            ("Ipv4Addr", "new") => args.len() == 4 && args.iter().all(|a| is_zero(a)),
            ("Ipv6Addr", "new") => args.len() == 8 && args.iter().all(|a| is_zero(a)),
            ("Ipv4Addr" | "Ipv6Addr", "from" | "from_bits") => {
                matches!(args.as_slice(), [arg] if is_zero(arg))
            }
            _ => false,
        };
        if zero_address {
            let what = format!("{ty}::{name}(0…) is the wildcard address");
            self.record(RuleId::WildcardConstructed, what, call.span());
            return;
        }
        let flow = self.flow();
        if SINK_FUNCTIONS.contains(&name) || (ty == "TcpListener" && name == "new") {
            // `TcpListener::new(addr)` is salvo's listener, bound by a later `.bind()`.
            let sink = segments.join("::");
            for arg in &args {
                self.with(Flow::Sink(sink.clone()), false, arg);
            }
            return;
        }
        let passes = match (ty, name) {
            (ty, "new" | "from" | "try_from" | "from_str" | "V4" | "V6")
                if ADDRESS_TYPES.contains(&ty) =>
            {
                Some(true)
            }
            ("From" | "TryFrom" | "String" | "Cow", "from") => Some(true),
            ("Box" | "Arc" | "Rc", "new") | ("", "Some" | "Ok") => Some(false),
            _ => None,
        };
        match passes {
            Some(address_context) => {
                for arg in &args {
                    self.with(flow.clone(), address_context, arg);
                }
            }
            None => {
                // A function of this file whose value reaches here: `bind(default_addr())`.
                self.name_used(&format!("{name}()"), true);
                for arg in &args {
                    self.with(Flow::Unknown, false, arg);
                }
            }
        }
    }

    fn method_call(&mut self, call: &ExprMethodCall) {
        let method = call.method.to_string();
        let method = method.as_str();
        let flow = self.flow();
        let (receiver_flow, arg_flow) = if COMPARE_METHODS.contains(&method) {
            (Flow::Compare, Flow::Compare)
        } else if PASS_METHODS.contains(&method) {
            (flow.clone(), flow)
        } else if SINK_METHODS.contains(&method) {
            (Flow::Unknown, Flow::Sink(format!(".{method}()")))
        } else if method == "run" && receiver_calls(&call.receiver, "serve") {
            (Flow::Unknown, Flow::Sink("warp::serve(…).run()".to_owned()))
        } else if method.starts_with("serve") && receiver_calls(&call.receiver, "builder") {
            (
                Flow::Unknown,
                Flow::Sink(format!("tonic Server::builder()….{method}()")),
            )
        } else {
            // A method of this file whose value reaches here: `bind(self.listen_addr())`.
            self.name_used(&format!("{method}()"), true);
            (Flow::Unknown, Flow::Unknown)
        };
        self.with(receiver_flow, false, &call.receiver);
        for arg in &call.args {
            self.with(arg_flow.clone(), false, arg);
        }
    }

    fn struct_expr(&mut self, expr: &ExprStruct) {
        let segments = path_segments(&expr.path);
        let config = segments.last().is_some_and(|s| s == "Config");
        for field in &expr.fields {
            let flow = match &field.member {
                Member::Named(name) if config && name == "address" => {
                    Flow::Sink("rocket::Config { address }".to_owned())
                }
                // Read back as `value.name` (Expr::Field), anywhere in the file.
                Member::Named(name) => Flow::Var(ITEM_SCOPE, format!(".{name}")),
                Member::Unnamed(_) => Flow::Unknown,
            };
            self.with(flow, false, &field.expr);
        }
        if let Some(rest) = &expr.rest {
            self.with(Flow::Unknown, false, rest);
        }
    }

    fn tuple(&mut self, elems: &Punctuated<Expr, syn::Token![,]>) {
        let flow = self.flow();
        // `([0, 0, 0, 0], port)` is an address where a value is expected to be one
        // (`SocketAddr::from`, a bind call, a named binding), not in a destructuring
        // `let (buf, len) = ([0; 4], 0)`.
        let pair = elems.len() == 2 && (self.address_context || flow != Flow::Unknown);
        // Rocket's figment: `.merge(("address", value))`.
        let rocket = matches!(elems.first(), Some(Expr::Lit(l)) if matches!(&l.lit, Lit::Str(s) if s.value() == "address"));
        for (i, elem) in elems.iter().enumerate() {
            let flow = if rocket && i == 1 {
                Flow::Sink("Rocket figment \"address\"".to_owned())
            } else {
                flow.clone()
            };
            // The address is the first element: `(ip, port)`.
            self.with(flow, pair && i == 0, elem);
        }
    }

    /// An array of `zeros` zeros where an address is expected: `[0; 4]` (IPv4 octets),
    /// `[0; 8]` (IPv6 segments) or `[0; 16]` (IPv6 octets).
    fn array(&mut self, span: Span, zeros: Option<usize>) -> bool {
        let what = match zeros {
            Some(4) => "[0, 0, 0, 0] as an IPv4 address is the wildcard",
            Some(8 | 16) => "an IPv6 address of zeros is the wildcard",
            _ => return false,
        };
        if !self.address_context {
            return false;
        }
        self.record(RuleId::WildcardConstructed, what.to_owned(), span);
        true
    }

    /// The statements of a block, the last one (the block's value) with the current flow.
    fn block(&mut self, block: &syn::Block) {
        let flow = self.flow();
        let count = block.stmts.len();
        for (i, stmt) in block.stmts.iter().enumerate() {
            match stmt {
                syn::Stmt::Expr(expr, None) if i + 1 == count => {
                    self.with(flow.clone(), false, expr);
                }
                _ => self.within(Flow::Unknown, |w| w.visit_stmt(stmt)),
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        let flow = self.flow();
        let address_context = self.address_context;
        match expr {
            Expr::Lit(lit) => {
                if let Lit::Str(s) = &lit.lit {
                    self.string(s, classify::literal(&s.value()));
                }
            }
            Expr::Path(path) => self.path_expr(&path.path),
            Expr::Paren(e) => self.with(flow, address_context, &e.expr),
            Expr::Group(e) => self.with(flow, address_context, &e.expr),
            Expr::Reference(e) => self.with(flow, address_context, &e.expr),
            Expr::Try(e) => self.with(flow, address_context, &e.expr),
            Expr::Await(e) => self.with(flow, address_context, &e.base),
            Expr::Cast(e) => self.with(flow, address_context, &e.expr),
            Expr::Tuple(t) => self.tuple(&t.elems),
            Expr::Array(a) => {
                let zeros = a.elems.iter().all(is_zero).then_some(a.elems.len());
                if !self.array(a.span(), zeros) {
                    for elem in &a.elems {
                        self.with(flow.clone(), false, elem);
                    }
                }
            }
            Expr::Repeat(r) => {
                let zeros = if is_zero(&r.expr) {
                    int_value(&r.len)
                } else {
                    None
                };
                let zeros = zeros.and_then(|n| usize::try_from(n).ok());
                if !self.array(r.span(), zeros) {
                    self.within(Flow::Unknown, |w| visit::visit_expr_repeat(w, r));
                }
            }
            Expr::Binary(b) => {
                use syn::BinOp::{Eq, Ge, Gt, Le, Lt, Ne};
                let flow = if matches!(b.op, Eq(_) | Ne(_) | Lt(_) | Le(_) | Gt(_) | Ge(_)) {
                    Flow::Compare
                } else {
                    flow
                };
                self.with(flow.clone(), false, &b.left);
                self.with(flow, false, &b.right);
            }
            Expr::Call(c) => self.call(c),
            Expr::MethodCall(m) => self.method_call(m),
            Expr::Macro(m) => self.mac(&m.mac),
            Expr::Struct(s) => self.struct_expr(s),
            Expr::Block(b) => self.block(&b.block),
            Expr::Unsafe(b) => self.block(&b.block),
            Expr::If(e) => {
                self.with(Flow::Unknown, false, &e.cond);
                self.block(&e.then_branch);
                if let Some((_, other)) = &e.else_branch {
                    self.with(flow, false, other);
                }
            }
            Expr::Match(m) => {
                self.with(Flow::Unknown, false, &m.expr);
                for arm in &m.arms {
                    self.with(flow.clone(), false, &arm.body);
                }
            }
            Expr::Closure(c) => {
                let saved = self.returns.replace(flow.clone());
                self.with(flow, false, &c.body);
                self.returns = saved;
            }
            Expr::Return(r) => {
                if let Some(value) = &r.expr {
                    let flow = self.returns.clone().unwrap_or(Flow::Unknown);
                    self.with(flow, false, value);
                }
            }
            Expr::Field(f) => {
                // `settings.host` where a `Settings { host: … }` literal set it.
                if let Member::Named(name) = &f.member {
                    self.name_used(&format!(".{name}"), true);
                }
                self.with(Flow::Unknown, false, &f.base);
            }
            Expr::Assign(a) => {
                let target = match &*a.left {
                    Expr::Path(p) => p
                        .path
                        .get_ident()
                        .map(|i| Flow::Var(self.scope, i.to_string())),
                    _ => None,
                };
                self.with(Flow::Unknown, false, &a.left);
                self.with(target.unwrap_or(Flow::Unknown), false, &a.right);
            }
            _ => self.within(Flow::Unknown, |w| visit::visit_expr(w, expr)),
        }
    }

    fn mac(&mut self, mac: &Macro) {
        let segments = path_segments(&mac.path);
        let name = segments.last().map(String::as_str).unwrap_or_default();
        let flow = self.flow();
        let args = mac.parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated);
        if args.is_err() && COMPARE_MACROS.contains(&name) {
            // `matches!(ip, IpAddr::V4(v4) if v4 == Ipv4Addr::UNSPECIFIED)`: a pattern.
            return;
        }
        let Ok(args) = args else {
            // Not a list of expressions (`json!({…})`, `quote!`, a DSL): look at its
            // tokens for string literals and `Ipv4Addr::UNSPECIFIED`.
            self.tokens(mac.tokens.clone());
            return;
        };
        let arg_flow = if COMPARE_MACROS.contains(&name) {
            Flow::Compare
        } else if VALUE_MACROS.contains(&name) {
            flow
        } else {
            Flow::Unknown
        };
        let format = FORMAT_MACROS.contains(&name);
        let mut format_seen = false;
        for arg in &args {
            // `write!(f, "…")`: the format string is the first string literal.
            if let (true, false, Expr::Lit(lit)) = (format, format_seen, arg)
                && let Lit::Str(s) = &lit.lit
            {
                format_seen = true;
                let saved = self.flow.replace(arg_flow.clone());
                self.string(s, classify::format_string(&s.value()));
                self.flow = saved;
                continue;
            }
            match arg {
                // Named format arguments: `format!("{host}", host = "0.0.0.0")`.
                Expr::Assign(a) if format => self.with(arg_flow.clone(), false, &a.right),
                _ => self.with(arg_flow.clone(), false, arg),
            }
        }
    }

    /// String literals and `Ipv4Addr::UNSPECIFIED` in tokens that are not expressions.
    fn tokens(&mut self, tokens: TokenStream) {
        let mut stack = vec![tokens.into_iter()];
        let mut recent: Vec<String> = Vec::new();
        while let Some(mut iter) = stack.pop() {
            let Some(tree) = iter.next() else { continue };
            stack.push(iter);
            match tree {
                TokenTree::Group(group) => {
                    recent.clear();
                    if group.delimiter() != Delimiter::None || stack.len() < MAX_NESTING {
                        stack.push(group.stream().into_iter());
                    }
                }
                TokenTree::Literal(literal) => {
                    recent.clear();
                    if let Ok(lit) = syn::parse2::<LitStr>(TokenTree::Literal(literal).into()) {
                        self.within(Flow::Unknown, |w| {
                            w.string(&lit, classify::literal(&lit.value()))
                        });
                    }
                }
                TokenTree::Ident(ident) => {
                    let text = ident.to_string();
                    let prior: Vec<&str> =
                        recent.iter().rev().take(3).map(String::as_str).collect();
                    if text == "UNSPECIFIED"
                        && matches!(prior.as_slice(), [":", ":", "Ipv4Addr" | "Ipv6Addr"])
                    {
                        let what = format!(
                            "{}::UNSPECIFIED is the wildcard address",
                            prior.get(2).copied().unwrap_or_default()
                        );
                        self.within(Flow::Unknown, |w| {
                            w.record(RuleId::WildcardConstant, what, ident.span())
                        });
                    }
                    recent.push(text);
                }
                TokenTree::Punct(punct) => recent.push(punct.as_char().to_string()),
            }
            if recent.len() > 8 {
                recent.drain(..4);
            }
        }
    }

    /// Follows names to bind-like calls and turns what was seen into findings.
    fn finish(self) -> Vec<Finding> {
        let Walker {
            seen, edges, sinks, ..
        } = self;
        let mut findings = Vec::with_capacity(seen.len());
        for seen in seen {
            let reached = match &seen.flow {
                Flow::Sink(sink) => Some(format!("flows into {sink}")),
                Flow::Var(scope, name) => reach(&edges, &sinks, (*scope, name.clone()))
                    .map(|sink| format!("flows into {sink} through `{name}`")),
                Flow::Unknown | Flow::Compare => None,
            };
            let (confidence, how) = match reached {
                Some(how) => (Confidence::High, how),
                None if seen.weak => continue,
                None => (
                    Confidence::Low,
                    "is not seen reaching a bind call".to_owned(),
                ),
            };
            findings.push(Finding {
                rule: seen.rule,
                confidence,
                position: seen.position,
                message: format!("{} and {how}", seen.what),
            });
        }
        findings
    }
}

/// Whether a method chain's receiver contains a call to a path or method named `name`
/// (`warp::serve(routes)` before `.run(addr)`, `Server::builder()` before `.serve(addr)`).
fn receiver_calls(mut expr: &Expr, name: &str) -> bool {
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

/// The bind-like call a name's value reaches, following `let b = a;` links.
fn reach(
    edges: &HashMap<(usize, String), Vec<(usize, String)>>,
    sinks: &HashMap<(usize, String), String>,
    start: (usize, String),
) -> Option<String> {
    let mut queue = VecDeque::from([start]);
    let mut visited = HashSet::new();
    while let Some(key) = queue.pop_front() {
        if !visited.insert(key.clone()) {
            continue;
        }
        if let Some(sink) = sinks.get(&key) {
            return Some(sink.clone());
        }
        if let Some(next) = edges.get(&key) {
            queue.extend(next.iter().cloned());
        }
    }
    None
}

impl<'ast> Visit<'ast> for Walker {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        if self.depth >= MAX_EXPR_DEPTH {
            return;
        }
        self.depth += 1;
        self.expr(expr);
        self.depth -= 1;
    }

    // Patterns only match values (`Ipv4Addr::UNSPECIFIED => …`): a comparison.
    fn visit_pat(&mut self, _: &'ast Pat) {}

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let Some(init) = &local.init else { return };
        let flow = match binding_name(&local.pat) {
            Some(name) => Flow::Var(self.scope, name),
            None => Flow::Unknown,
        };
        self.with(flow, false, &init.expr);
        if let Some((_, diverge)) = &init.diverge {
            self.with(Flow::Unknown, false, diverge);
        }
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.with(
            Flow::Var(ITEM_SCOPE, item.ident.to_string()),
            false,
            &item.expr,
        );
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        self.with(
            Flow::Var(ITEM_SCOPE, item.ident.to_string()),
            false,
            &item.expr,
        );
    }

    fn visit_impl_item_const(&mut self, item: &'ast syn::ImplItemConst) {
        self.with(
            Flow::Var(ITEM_SCOPE, item.ident.to_string()),
            false,
            &item.expr,
        );
    }

    fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
        self.function(&item.attrs, &item.sig, Some(&item.block));
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        self.function(&item.attrs, &item.sig, Some(&item.block));
    }

    fn visit_trait_item_fn(&mut self, item: &'ast syn::TraitItemFn) {
        self.function(&item.attrs, &item.sig, item.default.as_ref());
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.within(Flow::Unknown, |w| w.block(block));
    }

    fn visit_macro(&mut self, mac: &'ast Macro) {
        self.within(Flow::Unknown, |w| w.mac(mac));
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        let is_clap = attr
            .path()
            .get_ident()
            .is_some_and(|i| CLAP_ATTRIBUTES.iter().any(|a| i == a));
        if !is_clap {
            // Doc comments and other attributes hold prose and names, not addresses.
            return;
        }
        let Ok(metas) = attr.parse_args_with(Punctuated::<Meta, syn::Token![,]>::parse_terminated)
        else {
            return;
        };
        for meta in metas {
            let Meta::NameValue(nv) = meta else { continue };
            if let Some(name) = nv
                .path
                .get_ident()
                .filter(|i| CLAP_DEFAULTS.iter().any(|d| *i == d))
            {
                let sink = format!("clap {name}");
                self.with(Flow::Sink(sink), false, &nv.value);
            }
        }
    }
}

impl Walker {
    /// A function: a scope of its own for `let` names, and its value (the body's last
    /// expression and every `return`) flowing into the name `NAME()`, which a call
    /// `NAME(…)` or `.NAME(…)` in a bind-like call's argument reaches.
    fn function(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        body: Option<&syn::Block>,
    ) {
        for attr in attrs {
            self.visit_attribute(attr);
        }
        let Some(body) = body else { return };
        self.scopes += 1;
        let saved_scope = std::mem::replace(&mut self.scope, self.scopes);
        let value = Flow::Var(ITEM_SCOPE, format!("{}()", sig.ident));
        let saved_returns = self.returns.replace(value.clone());
        self.within(value, |w| w.block(body));
        self.returns = saved_returns;
        self.scope = saved_scope;
    }
}

/// The name a `let` pattern binds, when it binds one name (`addr`, `mut addr`, `addr: T`).
fn binding_name(pat: &Pat) -> Option<String> {
    match pat {
        Pat::Ident(p) => Some(p.ident.to_string()),
        Pat::Type(p) => binding_name(&p.pat),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let source = "fn a() { let addr = \"0.0.0.0:1\"; }\nfn b() { TcpListener::bind(addr); }\n";
        assert_eq!(rules(source), [(1, "wildcard-string", Confidence::Low)]);
        let source = "fn a() { let ip = Ipv4Addr::UNSPECIFIED; let sa = SocketAddr::new(ip.into(), 1); let l = TcpListener::bind(sa); }";
        assert_eq!(rules(source), [(1, "wildcard-constant", Confidence::High)]);
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
