//! The walk: every expression visited with a [`Flow`], where its value goes, and the
//! names followed to bind-like calls when the file is done.

use std::collections::{HashMap, HashSet, VecDeque};

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprMethodCall, ExprStruct, Lit, LitStr, Macro, Member, Meta, Pat};

use super::MAX_NESTING;
use super::syntax::{
    binding_name, int_value, is_zero, last_two, path_segments, position, receiver_calls,
};
use super::vocabulary::{
    ADDRESS_TYPES, CLAP_ATTRIBUTES, CLAP_DEFAULTS, COMPARE_MACROS, COMPARE_METHODS, FORMAT_MACROS,
    PASS_METHODS, SINK_FUNCTIONS, SINK_METHODS, VALUE_MACROS,
};
use crate::scan::classify::{self, Spelling};
use crate::scan::{Confidence, Finding, Position, RuleId, shorten};

/// Deepest expression nesting the walk descends into (long operator chains such as
/// `a + a + … + a` nest without brackets).
const MAX_EXPR_DEPTH: usize = 512;

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
pub(super) struct Walker {
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
    pub(super) fn finish(self) -> Vec<Finding> {
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
