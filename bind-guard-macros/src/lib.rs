//! The procedural half of [`bind-guard`](https://docs.rs/bind-guard)'s `bind_addr!` and
//! `ip_net!` macros. Use them through `bind-guard`, which re-exports them; this crate's
//! items are not meant to be called directly.
//!
//! # Design: decide at expansion, let the type system enforce the rule
//!
//! The parser, the diagnosis of malformed text, the scope table and the error sentences
//! are in `bind-guard-core`, which `bind-guard` runs at run time and this crate runs
//! while the compiler expands a macro: one copy of each rule, so the two cannot drift.
//!
//! For `bind_addr!("10.0.0.1:9000")` this crate parses the literal and finds its scope
//! (private), then expands to the address's parts and its scope as a type:
//! `bind_guard::__private::literal::<scope::Private, _>(socket_v4(0x0a000001, 9000))`,
//! `const fn`s that only assemble the value.
//! The result type `BindAddr<P>` requires `P: Allows<scope::Private>`, and `P` comes
//! from the annotated type, which a procedural macro cannot see: the type checker
//! decides, so a refusal is a trait error that `cargo check` reports, worded from the
//! same sentences as the run-time error (the `#[__refusal]` attribute below writes them
//! into `#[diagnostic::on_unimplemented]`). Text that is not an address, and a network
//! that `ip_net!` refuses, are errors this crate reports itself, at the literal.
//!
//! This crate also checks the syntax of the invocation: a non-literal argument, an
//! unknown option or a stray token is an error pointing at that token.
#![forbid(unsafe_code)]
// Library code never panics on input: no unwrap, expect, panic or indexing. (Tests may:
// see clippy.toml. The workspace's tests, examples and CLI keep ordinary lints.)
#![deny(clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::panic, clippy::indexing_slicing)]

use core::net::{IpAddr, SocketAddr};

use bind_guard_core::text::{diagnose, net_literal, parse};
use bind_guard_core::{ErrorKind, Scope};
use proc_macro::TokenStream;
use proc_macro2::{Literal, Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::parse::ParseStream;
use syn::{Ident, LitStr, Token};

/// `bind_addr!` behind `bind_guard::bind_addr!`. Its input is the runtime crate's path
/// (`$crate`), a `;`, then the user's arguments.
#[doc(hidden)]
#[proc_macro]
pub fn bind_addr_impl(input: TokenStream) -> TokenStream {
    expand(input, Kind::BindAddr)
}

/// What `bind_addr!` decides for a literal, as a value rather than code or a compile
/// error: `bind_guard::__private::Decision`, the address and the name of its scope type,
/// or the error message. For the macro/run-time agreement test; same input shape.
#[doc(hidden)]
#[proc_macro]
pub fn bind_addr_decision_impl(input: TokenStream) -> TokenStream {
    expand(input, Kind::Decision)
}

/// `ip_net!` behind `bind_guard::ip_net!`. Same input shape as `bind_addr_impl`.
#[doc(hidden)]
#[proc_macro]
pub fn ip_net_impl(input: TokenStream) -> TokenStream {
    expand(input, Kind::IpNet)
}

/// Writes the `#[diagnostic::on_unimplemented]` of one of `bind-guard`'s refusal traits
/// (`bind_guard::__private::refusal`) from the [`ErrorKind`] of the same name, so the
/// compile error of a refused scope says what the run-time error says, from the same
/// sentences. `#[__refusal(NotLoopback)] pub trait NotLoopback {}`.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn __refusal(attr: TokenStream, item: TokenStream) -> TokenStream {
    let variant = syn::parse_macro_input!(attr as Ident);
    let Some(kind) = ErrorKind::from_variant_name(&variant.to_string()) else {
        return syn::Error::new(variant.span(), "not an ErrorKind without a field")
            .to_compile_error()
            .into();
    };
    // `{` and `}` are format placeholders in these strings.
    let escape = |s: &str| s.replace('{', "{{").replace('}', "}}");
    let message = escape(kind.message());
    let item = TokenStream2::from(item);
    quote! {
        #[diagnostic::on_unimplemented(
            message = #message,
            label = "refused by the rule of the type this value goes into",
            note = "bind_addr! checks the literal against the rule of the type it is assigned or passed to: BindAddr, LocalAddr or LoopbackAddr; allow_wildcard widens only BindAddr"
        )]
        #item
    }
    .into()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    BindAddr,
    /// `bind_addr!`'s decision as a value (`bind_addr_decision_impl`).
    Decision,
    IpNet,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::BindAddr | Kind::Decision => "bind_addr!",
            Kind::IpNet => "ip_net!",
        }
    }

    /// What to use instead for text known only at run time.
    fn run_time_alternative(self) -> &'static str {
        match self {
            Kind::BindAddr | Kind::Decision => "str::parse or Policy::parse",
            Kind::IpNet => "str::parse::<ipnet::IpNet>",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Kind::BindAddr | Kind::Decision => "bind_addr!(\"127.0.0.1:8080\")",
            Kind::IpNet => "ip_net!(\"10.0.0.0/8\")",
        }
    }
}

fn expand(input: TokenStream, kind: Kind) -> TokenStream {
    let parsed = syn::parse::Parser::parse(
        |stream: ParseStream<'_>| Invocation::parse_for(stream, kind),
        input,
    );
    match parsed {
        Ok(invocation) => match invocation.expand() {
            Ok(tokens) => tokens.into(),
            Err(err) => err.to_compile_error().into(),
        },
        Err(err) => err.to_compile_error().into(),
    }
}

/// `$crate ; "literal" [, allow_wildcard] [,]`
struct Invocation {
    krate: TokenStream2,
    kind: Kind,
    literal: LitStr,
    allow_wildcard: bool,
}

impl Invocation {
    fn parse_for(input: ParseStream<'_>, kind: Kind) -> syn::Result<Self> {
        // The runtime crate's path, as its macro_rules front passed it (`$crate`).
        let mut krate = TokenStream2::new();
        while !input.peek(Token![;]) {
            let tt: proc_macro2::TokenTree = input.parse()?;
            krate.extend([tt]);
        }
        input.parse::<Token![;]>()?;

        if input.is_empty() {
            // Call-site span: the whole `bind_addr!()` invocation.
            return Err(syn::Error::new(
                Span::call_site(),
                format!(
                    "{} needs a string literal, such as {}",
                    kind.name(),
                    kind.example()
                ),
            ));
        }
        let StringLiteral(literal) = StringLiteral::parse_for(input, kind)?;

        let mut allow_wildcard = false;
        while input.parse::<Option<Token![,]>>()?.is_some() {
            if input.is_empty() {
                break; // a trailing comma
            }
            let Some(option) = input.parse::<Option<Ident>>()? else {
                return Err(input.error(format!(
                    "expected an option name after the comma; {}",
                    options_message(kind)
                )));
            };
            match (kind, option.to_string().as_str()) {
                (Kind::BindAddr | Kind::Decision, "allow_wildcard") if !allow_wildcard => {
                    allow_wildcard = true;
                }
                (Kind::BindAddr | Kind::Decision, "allow_wildcard") => {
                    return Err(syn::Error::new(
                        option.span(),
                        "`allow_wildcard` is given twice; remove this one",
                    ));
                }
                _ => {
                    return Err(syn::Error::new(
                        option.span(),
                        format!("unknown option `{option}`; {}", options_message(kind)),
                    ));
                }
            }
        }
        if !input.is_empty() {
            return Err(input.error(format!(
                "unexpected token; {} takes a string literal{}",
                kind.name(),
                match kind {
                    Kind::BindAddr | Kind::Decision => ", then optionally `, allow_wildcard`, as in bind_addr!(\"0.0.0.0:8080\", allow_wildcard)",
                    Kind::IpNet => " and nothing else, as in ip_net!(\"10.0.0.0/8\")",
                }
            )));
        }
        Ok(Invocation {
            krate,
            kind,
            literal,
            allow_wildcard,
        })
    }

    /// Decides the literal with `bind-guard-core`'s parser and scope table, the code the
    /// run-time `FromStr` runs, and builds the value from its parts.
    fn expand(&self) -> syn::Result<TokenStream2> {
        let Invocation {
            krate,
            literal,
            allow_wildcard,
            ..
        } = self;
        let text = literal.value();
        // Every token gets the literal's span, so an error the type checker finds (a
        // rule that refuses the scope) is reported at the literal rather than inside the
        // macro. The expansion binds no names, so nothing at the call site can shadow
        // them (tests/macro_positions/hygiene_shadowed_names.rs).
        let span = literal.span();
        // A parse error is decided here, whatever the annotated type; its message is the
        // run-time one (ErrorKind::message).
        let refuse = |kind: ErrorKind| syn::Error::new(span, kind.message());
        let body = match self.kind {
            Kind::BindAddr | Kind::Decision => {
                let parsed = parse::socket_addr(text.as_bytes());
                let decided = parsed.map(|addr| (addr, Scope::of(addr.ip())));
                let Some((addr, scope)) = decided else {
                    let kind = diagnose::diagnose(text.as_bytes());
                    if self.kind == Kind::Decision {
                        let message = kind.message();
                        return Ok(quote_spanned! {span=> #krate::__private::refused(#message) });
                    }
                    return Err(refuse(kind));
                };
                // The scope, as a type of `bind_guard::__private::scope`: the type
                // checker decides whether the annotated type's rule accepts it.
                let scope = if *allow_wildcard && scope == Scope::Unspecified {
                    Ident::new("OptedInWildcard", span)
                } else {
                    // `Scope`'s variant names are the type names (rule/table.rs).
                    Ident::new(&format!("{scope:?}"), span)
                };
                let port = Literal::u16_suffixed(addr.port());
                let addr = match addr {
                    SocketAddr::V4(v4) => {
                        let bits = Literal::u32_suffixed(v4.ip().to_bits());
                        quote_spanned! {span=> #krate::__private::socket_v4(#bits, #port) }
                    }
                    SocketAddr::V6(v6) => {
                        let bits = Literal::u128_suffixed(v6.ip().to_bits());
                        let scope_id = Literal::u32_suffixed(v6.scope_id());
                        quote_spanned! {span=> #krate::__private::socket_v6(#bits, #port, #scope_id) }
                    }
                };
                if self.kind == Kind::Decision {
                    let name = scope.to_string();
                    return Ok(quote_spanned! {span=> #krate::__private::decided(#addr, #name) });
                }
                quote_spanned! {span=>
                    #krate::__private::literal::<#krate::__private::scope::#scope, _>(#addr)
                }
            }
            Kind::IpNet => {
                let net = net_literal::parse(text.as_bytes()).map_err(refuse)?;
                let len = Literal::u8_suffixed(net.prefix_len());
                match net.addr() {
                    IpAddr::V4(ip) => {
                        let bits = Literal::u32_suffixed(ip.to_bits());
                        quote_spanned! {span=> const { #krate::__private::ip_net_v4(#bits, #len) } }
                    }
                    IpAddr::V6(ip) => {
                        let bits = Literal::u128_suffixed(ip.to_bits());
                        quote_spanned! {span=> const { #krate::__private::ip_net_v6(#bits, #len) } }
                    }
                }
            }
        };
        Ok(quote! { #body })
    }
}

fn options_message(kind: Kind) -> &'static str {
    match kind {
        Kind::BindAddr | Kind::Decision => {
            "the only option is `allow_wildcard`, as in bind_addr!(\"0.0.0.0:8080\", allow_wildcard)"
        }
        Kind::IpNet => {
            "ip_net! takes no options: write only the network, as in ip_net!(\"10.0.0.0/8\")"
        }
    }
}

/// A string literal, with an error that says what was found instead.
struct StringLiteral(LitStr);

impl StringLiteral {
    fn parse_for(input: ParseStream<'_>, kind: Kind) -> syn::Result<Self> {
        let example = kind.example();
        if input.peek(LitStr) {
            let literal: LitStr = input.parse()?;
            if !literal.suffix().is_empty() {
                return Err(syn::Error::new(
                    literal.span(),
                    format!(
                        "unexpected suffix `{}` after the string literal; remove it, as in {example}",
                        literal.suffix()
                    ),
                ));
            }
            return Ok(StringLiteral(literal));
        }
        // Say what was found, and why only a literal will do: the text is checked while
        // compiling, before any name, constant or macro call has a value.
        let found = if input.peek(syn::LitByteStr) || input.peek(syn::LitCStr) {
            "a byte or C string; write a plain string literal, without the b or c prefix"
        } else if input.peek(syn::Lit) {
            "a literal that is not a string; write the text in double quotes"
        } else if input.peek(Ident) && input.peek2(Token![!]) {
            "a macro call; its result is not known when the text is checked, so write the whole text as one string literal"
        } else if input.peek(Ident) || input.peek(Token![::]) {
            "a name; the text is checked while compiling, before any constant or variable has a value, so write the text itself"
        } else {
            "an expression; write the text itself as a string literal"
        };
        let tt: proc_macro2::TokenTree = input.parse()?;
        Err(syn::Error::new(
            tt.span(),
            format!(
                "{} expects a string literal, found {found}, as in {example} (to check a value known only at run time, use {})",
                kind.name(),
                kind.run_time_alternative()
            ),
        ))
    }
}
