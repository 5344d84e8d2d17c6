//! The walk: every expression visited with a [`Flow`], where its value goes, and the
//! names followed to bind-like calls when the file is done.

use std::collections::{HashMap, HashSet, VecDeque};

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprMethodCall, ExprStruct, Lit, LitStr, Macro, Member, Meta, Pat};

use super::MAX_NESTING;
use super::prepass::Prepass;
use super::syntax::{
    binding_name, int_value, is_zero, last_two, path_segments, position, receiver_calls,
};
use super::vocabulary::{
    ADDRESS_TYPES, CASE_ATTRIBUTES, CLAP_ATTRIBUTES, CLAP_DEFAULTS, COMPARE_MACROS,
    COMPARE_METHODS, FORMAT_MACROS, LAZY_TYPES, LOG_MACROS, PASS_METHODS, Role, SINK_FUNCTIONS,
    SINK_METHODS, VALUE_MACROS, role_of,
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
    /// Into a use that is provably not a bind: a comparison (`==`, `assert_eq!`,
    /// `.contains()`), a log line, or a call, field or function whose name says the
    /// address is a peer's, a connection's target, a mock or protocol data.
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
    /// The wildcard comes with a port (`"0.0.0.0:80"`, `SocketAddr::new(…, port)`,
    /// `/ip4/0.0.0.0/tcp/0`): a socket address, which only a listener has a use for.
    socket: bool,
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
    /// Inside the address argument of a constructor that also takes a port
    /// (`SocketAddr::new(ip, port)`, `(ip, port).into()`).
    port_context: bool,
    /// Names used where the value is provably not bound (compared, logged, a peer's).
    negatives: HashSet<(usize, String)>,
    /// Names used where the scanner does not know what happens to the value.
    unknowns: HashSet<(usize, String)>,
    /// The struct field whose attributes are being read (clap's `default_value`).
    field: Option<String>,
    /// What the whole file says before the walk: aliases, zero constants, arrays.
    prepass: Prepass,
}

impl Walker {
    pub(super) fn new(prepass: Prepass) -> Walker {
        Walker {
            prepass,
            ..Walker::default()
        }
    }

    fn flow(&self) -> Flow {
        self.flow.clone().unwrap_or(Flow::Unknown)
    }

    /// Visits `expr` with `flow`, `address_context` as given, then restores both.
    fn with(&mut self, flow: Flow, address_context: bool, expr: &Expr) {
        self.with_port(flow, address_context, false, expr);
    }

    /// [`Walker::with`], saying whether a port comes with this address.
    fn with_port(&mut self, flow: Flow, address_context: bool, port: bool, expr: &Expr) {
        // A use that is provably not a bind stays so for everything inside it
        // (`Remote(ServerAddr(…))`, `assert_eq!(addr, SocketAddr::new(…))`).
        let flow = if self.flow() == Flow::Compare {
            Flow::Compare
        } else {
            flow
        };
        self.with_exactly(flow, address_context, port, expr);
    }

    /// Visits `expr` with exactly this flow: the argument of a call that binds
    /// (`UdpSocket::bind(addr)`) is bound whatever its result is used for.
    fn with_exactly(&mut self, flow: Flow, address_context: bool, port: bool, expr: &Expr) {
        let saved = (
            self.flow.replace(flow),
            self.address_context,
            self.port_context,
        );
        self.address_context = address_context;
        self.port_context = port;
        self.visit_expr(expr);
        self.flow = saved.0;
        self.address_context = saved.1;
        self.port_context = saved.2;
    }

    /// Runs `f` with `flow` and no address context, then restores both.
    fn within(&mut self, flow: Flow, f: impl FnOnce(&mut Self)) {
        let saved = (
            self.flow.replace(flow),
            self.address_context,
            self.port_context,
        );
        self.address_context = false;
        self.port_context = false;
        f(self);
        self.flow = saved.0;
        self.address_context = saved.1;
        self.port_context = saved.2;
    }

    fn record(&mut self, rule: RuleId, what: String, span: Span) {
        let socket = self.port_context;
        self.record_seen(rule, what, position(span), false, socket);
    }

    fn record_seen(
        &mut self,
        rule: RuleId,
        what: String,
        position: Position,
        weak: bool,
        socket: bool,
    ) {
        let flow = self.flow();
        if flow == Flow::Compare {
            return;
        }
        self.seen.push(Seen {
            rule,
            what,
            position,
            flow,
            weak,
            socket,
        });
    }

    fn string(&mut self, lit: &LitStr, spelling: Option<Spelling>) {
        let value = lit.value();
        if value.contains('\n') {
            self.embedded_config(lit);
            return;
        }
        if let Some(spelling) = spelling {
            let what = format!("\"{}\" is {}", shorten(&value, 80), spelling.describe());
            let weak = value == "::" && !self.address_context;
            let socket = spelling.has_port(&value) || self.port_context;
            self.record_seen(
                RuleId::WildcardString,
                what,
                position(lit.span()),
                weak,
                socket,
            );
        }
    }

    /// A multi-line string that holds a config (YAML, TOML) parsed by the program or
    /// its tests: each `key: value` / `key = value` line whose key says listen, bind or
    /// address and whose value is the wildcard is a listen setting.
    fn embedded_config(&mut self, lit: &LitStr) {
        // The token as written keeps the source's lines (a raw string is the source).
        let text = lit.token().to_string();
        let first = lit.span().start().line;
        for (i, line) in text.lines().enumerate() {
            let Some((key, value)) = config_setting(line) else {
                continue;
            };
            if role_of(key) != Role::Bind || classify::literal(value).is_none() {
                continue;
            }
            let indent = line.len() - line.trim_start().len();
            let what = format!(
                "the embedded config setting `{}` is the wildcard address \"{}\"",
                shorten(key, 40),
                shorten(value, 80)
            );
            let position = Position {
                line: first + i,
                column: line.get(..indent).map_or(1, |s| s.chars().count() + 1),
                end_line: first + i,
                end_column: line.chars().count() + 1,
            };
            let saved = self.flow.clone();
            if self.flow() != Flow::Compare {
                self.flow = Some(Flow::Sink(format!("the listen setting `{key}`")));
            }
            self.record_seen(RuleId::WildcardString, what, position, false, true);
            self.flow = saved;
        }
    }

    /// Code inside a string (`#[builder(default = r#"String::from("::")"#)]`): walked
    /// as an expression, its findings placed on the string.
    fn embedded_expr(&mut self, lit: &LitStr, flow: Flow) {
        let Ok(expr) = lit.parse::<Expr>() else {
            return;
        };
        let mut inner = Walker::new(self.prepass.clone());
        inner.depth = self.depth;
        inner.with(flow, false, &expr);
        for mut seen in inner.seen {
            seen.position = position(lit.span());
            if self.flow() != Flow::Compare {
                self.seen.push(seen);
            }
        }
    }

    /// The path's segments, with `use … as` aliases of this file resolved.
    fn segments(&self, path: &syn::Path) -> Vec<String> {
        // An alias is a name in scope: only a path's first segment can be one.
        let mut segments = path_segments(path);
        if let Some(first) = segments.first_mut()
            && let Some(original) = self.prepass.aliases.get(first.as_str())
        {
            first.clone_from(original);
        }
        segments
    }

    /// Whether `expr` is the integer zero, or a constant of this file that is.
    fn is_zero(&self, expr: &Expr) -> bool {
        is_zero(expr)
            || matches!(expr, Expr::Path(p) if p.path.get_ident().is_some_and(|i| self.prepass.zero_consts.contains(&i.to_string())))
    }

    /// The flow into a call, method, field or function named `name`, judged by what
    /// its name says: `None` when it says nothing.
    fn role_flow(name: &str, sink: impl FnOnce() -> String) -> Option<Flow> {
        match role_of(name) {
            Role::Bind => Some(Flow::Sink(sink())),
            Role::NotBind => Some(Flow::Compare),
            Role::Neutral => None,
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
            Flow::Compare => self.negatives.extend(keys),
            Flow::Unknown => self.unknowns.extend(keys),
        }
    }

    fn path_expr(&mut self, path: &syn::Path) {
        let segments = self.segments(path);
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
            ("", name) if self.address_context && self.prepass.zero_arrays.contains_key(name) => {
                // `let zeros = [0u8; 4]; IpAddr::from(zeros)`.
                let what = format!("`{name}`, an array of zeros, as an address is the wildcard");
                self.record(RuleId::WildcardConstructed, what, path.span());
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
        let segments = self.segments(&func.path);
        let (ty, name) = last_two(&segments);
        let args: Vec<&Expr> = call.args.iter().collect();
        // Atoms: an address made of zeros.
        let zero_address = match (ty, name) {
            ("Ipv4Addr", "new") => args.len() == 4 && args.iter().all(|a| self.is_zero(a)),
            ("Ipv6Addr", "new") => args.len() == 8 && args.iter().all(|a| self.is_zero(a)),
            ("Ipv4Addr" | "Ipv6Addr", "from" | "from_bits") => {
                matches!(args.as_slice(), [arg] if self.is_zero(arg))
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
                self.with_exactly(Flow::Sink(sink.clone()), false, false, arg);
            }
            return;
        }
        // `SocketAddr::new(ip, port)`, `SocketAddrV4::new(ip, port)`: an address and
        // its port, the first argument a socket address's host.
        let with_port = matches!(
            (ty, name),
            ("SocketAddr" | "SocketAddrV4" | "SocketAddrV6", "new")
        ) && args.len() >= 2;
        let passes = match (ty, name) {
            (ty, "new" | "from" | "try_from" | "from_str" | "V4" | "V6")
                if ADDRESS_TYPES.contains(&ty) =>
            {
                Some(true)
            }
            // Conversions, and libp2p's `Protocol::Ip4(…)`/`Ip6(…)` multiaddr parts.
            (_, "from" | "try_from" | "Ip4" | "Ip6") => Some(true),
            (ty, "new") if LAZY_TYPES.contains(&ty) => Some(false),
            ("Box" | "Arc" | "Rc", "new") | ("", "Some" | "Ok") => Some(false),
            _ => None,
        };
        let role = if passes.is_some() {
            None
        } else {
            // `ServerName::IpAddress(…)`: a name that says not-bind wins over one
            // that says bind, in either part of the path.
            let path = segments.join("::");
            match (role_of(name), role_of(ty)) {
                (Role::NotBind, _) | (_, Role::NotBind) => Some(Flow::Compare),
                (Role::Bind, _) | (_, Role::Bind) => Some(Flow::Sink(format!("{path}(…)"))),
                _ => None,
            }
        };
        match (passes, role) {
            (Some(address_context), _) => {
                // `SocketAddr::new(IpAddr::V4(ip), port)`: the port reaches `ip` through
                // the conversions around it.
                let inherited = self.port_context && address_context;
                for (i, arg) in args.iter().enumerate() {
                    let port = (with_port && i == 0) || inherited;
                    self.with_port(flow.clone(), address_context, port, arg);
                }
            }
            (None, Some(role)) => {
                self.name_used(&format!("{name}()"), true);
                for arg in &args {
                    self.with(role.clone(), false, arg);
                }
            }
            (None, None) => {
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
            // `([0, 0, 0, 0], port).into()`: a tuple converted is an address; so is
            // `[0, 0, 0, 0].into()` where an address is expected (`SocketAddr::new`).
            if matches!(method, "into" | "try_into")
                && (self.address_context || matches!(strip_parens(&call.receiver), Expr::Tuple(_)))
            {
                let port = self.port_context;
                self.with_port(flow, true, port, &call.receiver);
                return;
            }
            (flow.clone(), flow)
        } else if method == "arg" && receiver_arg_is_flag(&call.receiver) {
            // `.arg("--host").arg("0.0.0.0")`: a spawned server's command line.
            (
                Flow::Unknown,
                Flow::Sink("a command-line argument".to_owned()),
            )
        } else if SINK_METHODS.contains(&method) {
            (Flow::Unknown, Flow::Sink(format!(".{method}()")))
        } else if method == "run" && receiver_calls(&call.receiver, "serve") {
            (Flow::Unknown, Flow::Sink("warp::serve(…).run()".to_owned()))
        } else if method.starts_with("serve") && receiver_calls(&call.receiver, "builder") {
            (
                Flow::Unknown,
                Flow::Sink(format!("tonic Server::builder()….{method}()")),
            )
        } else if let Some(role) = Self::role_flow(method, || format!(".{method}()")) {
            // A method whose name says what it does: `add_tcp`, `listen_on`,
            // `connect`, `join_multicast_v4`.
            self.name_used(&format!("{method}()"), true);
            (Flow::Unknown, role)
        } else {
            // A method of this file whose value reaches here: `bind(self.listen_addr())`.
            self.name_used(&format!("{method}()"), true);
            (Flow::Unknown, Flow::Unknown)
        };
        // A "::" in a call's arguments is not an address unless the call says so.
        let strong = matches!(arg_flow, Flow::Sink(_));
        // A call that binds by its own name binds whatever its result is for.
        let binds = SINK_METHODS.contains(&method);
        self.with(receiver_flow, false, &call.receiver);
        for arg in &call.args {
            if binds {
                self.with_exactly(arg_flow.clone(), strong, false, arg);
            } else {
                self.with(arg_flow.clone(), strong, arg);
            }
        }
    }

    fn struct_expr(&mut self, expr: &ExprStruct) {
        // `Route { addr: … }`, `PeerInfo { addr: … }`: the struct's name says whose
        // address its fields hold.
        let whose = expr
            .path
            .segments
            .last()
            .is_some_and(|s| role_of(&s.ident.to_string()) == Role::NotBind);
        for field in &expr.fields {
            let flow = match &field.member {
                _ if whose => Flow::Compare,
                // A field whose name says listen, bind or address (`bind_addr`,
                // `listen`, rocket's `address`), or a peer's (`peer_addr`).
                Member::Named(name) => {
                    let name = name.to_string();
                    Self::role_flow(&name, || format!("the `{name}` field"))
                        // Read back as `value.name` (Expr::Field), anywhere in the file.
                        .unwrap_or_else(|| Flow::Var(ITEM_SCOPE, format!(".{name}")))
                }
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
            self.with_port(flow, pair && i == 0, pair && i == 0, elem);
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
                let zeros = a
                    .elems
                    .iter()
                    .all(|e| self.is_zero(e))
                    .then_some(a.elems.len());
                if !self.array(a.span(), zeros) {
                    self.arguments(a.elems.iter(), &flow);
                }
            }
            Expr::Repeat(r) => {
                let zeros = if self.is_zero(&r.expr) {
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
        let arg_flow = if COMPARE_MACROS.contains(&name) || LOG_MACROS.contains(&name) {
            // Checked or printed: not a bind.
            Flow::Compare
        } else if VALUE_MACROS.contains(&name) {
            flow
        } else {
            Flow::Unknown
        };
        if name == "concat" && self.concat(mac, &args, &arg_flow) {
            return;
        }
        if name == "vec" {
            // `vec!["--host", "0.0.0.0"]`: arguments like an array's.
            self.within(arg_flow, |w| {
                let flow = w.flow();
                w.arguments(args.iter(), &flow)
            });
            return;
        }
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
                // Inline captures: `format!("{host}:8080")` uses the name `host`.
                for captured in captures(&s.value()) {
                    self.name_used(captured, false);
                }
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
            seen,
            edges,
            sinks,
            negatives,
            unknowns,
            ..
        } = self;
        let mut findings = Vec::with_capacity(seen.len());
        for seen in seen {
            let reached = match &seen.flow {
                Flow::Sink(sink) => Some(format!("flows into {sink}")),
                Flow::Var(scope, name) => reach(&edges, &sinks, (*scope, name.clone()))
                    .map(|sink| format!("flows into {sink} through `{name}`")),
                Flow::Unknown | Flow::Compare => None,
            };
            // A name whose every use is a comparison or a log line (`const ZERO: IpAddr
            // = …; if ip == ZERO`) is not bound.
            let only_checked = match &seen.flow {
                Flow::Var(scope, name) => {
                    let key = (*scope, name.clone());
                    negatives.contains(&key)
                        && !unknowns.contains(&key)
                        && !edges.contains_key(&key)
                }
                _ => false,
            };
            let (confidence, how) = match reached {
                Some(how) => (Confidence::High, how),
                None if seen.weak || only_checked => continue,
                None if seen.socket => (
                    Confidence::High,
                    "is a socket address: only a listener has a use for the wildcard with a port"
                        .to_owned(),
                ),
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
            // `let peer = …`, `let connect_info = …`: the name says whose address it is.
            Some(name) if role_of(&name) == Role::NotBind => Flow::Compare,
            Some(name) => Flow::Var(self.scope, name),
            None => Flow::Unknown,
        };
        self.with(flow, false, &init.expr);
        if let Some((_, diverge)) = &init.diverge {
            self.with(Flow::Unknown, false, diverge);
        }
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.item(&item.ident, &item.expr);
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        self.item(&item.ident, &item.expr);
    }

    fn visit_impl_item_const(&mut self, item: &'ast syn::ImplItemConst) {
        self.item(&item.ident, &item.expr);
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        let saved = std::mem::replace(
            &mut self.field,
            field.ident.as_ref().map(ToString::to_string),
        );
        for attr in &field.attrs {
            self.visit_attribute(attr);
        }
        self.field = saved;
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
        let Some(name) = attr.path().get_ident().map(ToString::to_string) else {
            return;
        };
        let name = name.as_str();
        if CASE_ATTRIBUTES.contains(&name) {
            // `#[case(server(&["-b", "0.0.0.0"]))]`: test inputs, walked as code.
            if let Ok(args) =
                attr.parse_args_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated)
            {
                for arg in &args {
                    self.with(Flow::Unknown, false, arg);
                }
            }
            return;
        }
        if name == "default" {
            // smart-default's `#[default(IpAddr::V4(Ipv4Addr::new(0, 0, 0, 0)))]`.
            if let Ok(value) = attr.parse_args::<Expr>() {
                self.with(Flow::Sink("a #[default] value".to_owned()), false, &value);
            }
            return;
        }
        // Doc comments and other attributes hold prose and names, not addresses;
        // only `default = …` settings (clap, serde, derive_builder) hold values.
        let Ok(metas) = attr.parse_args_with(Punctuated::<Meta, syn::Token![,]>::parse_terminated)
        else {
            return;
        };
        for meta in metas {
            let Meta::NameValue(nv) = meta else { continue };
            let Some(key) = nv.path.get_ident().map(ToString::to_string) else {
                continue;
            };
            if CLAP_ATTRIBUTES.contains(&name) && CLAP_DEFAULTS.contains(&key.as_str()) {
                // Judged by what the argument feeds: `--listen` or `--agent-host`.
                let flow = match &self.field {
                    Some(field) => Self::role_flow(field, || format!("the default of `--{field}`"))
                        .unwrap_or(Flow::Unknown),
                    None => Flow::Sink(format!("clap {key}")),
                };
                self.with(flow, false, &nv.value);
            } else if key == "default"
                && let Expr::Lit(syn::ExprLit {
                    lit: Lit::Str(value),
                    ..
                }) = &nv.value
            {
                if name == "serde" {
                    // `#[serde(default = "default_addr")]`: that function's value is
                    // the config's default.
                    let function = value.value();
                    let function = function.rsplit("::").next().unwrap_or_default();
                    self.sinks
                        .entry((ITEM_SCOPE, format!("{function}()")))
                        .or_insert_with(|| "a serde default".to_owned());
                } else {
                    // derive_builder's `default = "code"`.
                    self.embedded_expr(value, Flow::Sink(format!("a #[{name}] default")));
                }
            }
        }
    }
}

impl Walker {
    /// A `const` or `static`: its value flows into its name, which says what it is
    /// (`DEFAULT_LISTEN_ADDR`) or is followed to its uses.
    fn item(&mut self, ident: &syn::Ident, expr: &Expr) {
        let name = ident.to_string();
        let flow = match role_of(&name) {
            Role::Bind => Flow::Sink(format!("the constant `{name}`")),
            _ => Flow::Var(ITEM_SCOPE, name),
        };
        self.with(flow, false, expr);
    }

    /// The elements of an array or `vec!`: a wildcard right after a string that is a
    /// flag (`["-i", "::"]`, `["--host", "0.0.0.0"]`) is a command-line argument.
    fn arguments<'e>(&mut self, elems: impl Iterator<Item = &'e Expr>, flow: &Flow) {
        let mut flag: Option<String> = None;
        for elem in elems {
            let this = string_literal(elem);
            match (&flag, this) {
                (Some(name), Some(_)) => {
                    let sink = Flow::Sink(format!("the command-line flag `{name}`"));
                    self.with(sink, true, elem);
                }
                _ => self.with(flow.clone(), false, elem),
            }
            flag = this
                .map(|s| s.value())
                .filter(|v| v.starts_with('-') && v.len() > 1 && !v.contains(char::is_whitespace));
        }
    }

    /// `concat!("0.0.0.0", ":", 8080)`: the pieces joined as the compiler does. Returns
    /// whether the result is the wildcard (and so was recorded).
    fn concat(
        &mut self,
        mac: &Macro,
        args: &Punctuated<Expr, syn::Token![,]>,
        flow: &Flow,
    ) -> bool {
        let mut text = String::new();
        for arg in args {
            let Expr::Lit(lit) = arg else { return false };
            match &lit.lit {
                Lit::Str(s) => text.push_str(&s.value()),
                Lit::Int(i) => text.push_str(i.base10_digits()),
                Lit::Char(c) => text.push(c.value()),
                _ => return false,
            }
        }
        let Some(spelling) = classify::literal(&text) else {
            return false;
        };
        let what = format!(
            "concat! of \"{}\" is {}",
            shorten(&text, 80),
            spelling.describe()
        );
        let saved = self.flow.replace(flow.clone());
        let socket = spelling.has_port(&text);
        self.record_seen(
            RuleId::WildcardString,
            what,
            position(mac.span()),
            false,
            socket,
        );
        self.flow = saved;
        true
    }

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
        let name = sig.ident.to_string();
        // What a function returns is judged by its name: `default()` (of
        // `impl Default`) and `default_addr()` give defaults, `listen_addr()` a
        // listening address, `peer_addr()` somebody else's. Otherwise its calls are
        // followed by name.
        let value = if name == "default" || name.starts_with("default_") {
            Flow::Sink(format!("the default from `{name}()`"))
        } else {
            Self::role_flow(&name, || format!("`{name}()`"))
                .unwrap_or_else(|| Flow::Var(ITEM_SCOPE, format!("{name}()")))
        };
        let saved_returns = self.returns.replace(value.clone());
        self.within(value, |w| w.block(body));
        self.returns = saved_returns;
        self.scope = saved_scope;
    }
}

/// The string literal `expr` is, if it is one.
fn string_literal(expr: &Expr) -> Option<&LitStr> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s),
        _ => None,
    }
}

/// `expr` without the parentheses around it.
fn strip_parens(mut expr: &Expr) -> &Expr {
    while let Expr::Paren(inner) = expr {
        expr = &inner.expr;
    }
    expr
}

/// Whether `expr` is `….arg("--flag")`: the next `.arg(…)` is that flag's value.
fn receiver_arg_is_flag(expr: &Expr) -> bool {
    matches!(expr, Expr::MethodCall(m) if m.method == "arg"
        && m.args.first().and_then(string_literal).is_some_and(|s| s.value().starts_with('-')))
}

/// The names captured by a format string: `{host}`, `{host:>8}` (not `{}`, `{0}`,
/// `{{`).
fn captures(format: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = format;
    while let Some(at) = rest.find('{') {
        let after = rest.get(at + 1..).unwrap_or_default();
        if let Some(tail) = after.strip_prefix('{') {
            rest = tail;
            continue;
        }
        let end = after.find(['}', ':']).unwrap_or(after.len());
        let name = after.get(..end).unwrap_or_default();
        if name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            names.push(name);
        }
        rest = after.get(end..).unwrap_or_default();
    }
    names
}

/// A `key: value` (YAML) or `key = value` (TOML, INI) line: the key and the value
/// without quotes, a trailing comma or a comment.
fn config_setting(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    let at = line.find([':', '='])?;
    let key = line.get(..at)?.trim().trim_matches(['"', '\'']);
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return None;
    }
    let value = line.get(at + 1..)?.trim();
    let value = match value.find(" #") {
        Some(comment) => value.get(..comment)?.trim(),
        None => value,
    };
    let value = value.trim_end_matches(',').trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    Some((key, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_captures() {
        assert_eq!(captures("{host}:{port:>5}"), ["host", "port"]);
        assert_eq!(captures("{}:{0}:{{host}}:{_x}"), ["_x"]);
        assert_eq!(captures("{"), Vec::<&str>::new());
    }

    #[test]
    fn config_settings() {
        assert_eq!(
            config_setting("  bind_addr = \"[::]:3901\" # rpc"),
            Some(("bind_addr", "[::]:3901"))
        );
        assert_eq!(config_setting("bind: 0.0.0.0"), Some(("bind", "0.0.0.0")));
        assert_eq!(config_setting("\"host\": '::',"), Some(("host", "::")));
        assert_eq!(config_setting("a b = 1"), None);
        assert_eq!(config_setting("= 1"), None);
        assert_eq!(config_setting("no separator"), None);
    }
}
