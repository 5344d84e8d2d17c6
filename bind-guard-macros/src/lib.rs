//! The procedural half of [`bind-guard`](https://docs.rs/bind-guard)'s `bind_addr!` and
//! `ip_net!` macros. Use them through `bind-guard`, which re-exports them; this crate's
//! items are not meant to be called directly.
//!
//! # Design: the macro holds no rule
//!
//! The parser, the scope table and the policy rules are `const fn`s in `bind-guard`.
//! This crate only reads the macro's arguments (a string literal and an optional
//! `allow_wildcard`) and expands to an inline `const { … }` block that calls those
//! functions; a refusal becomes a `const` panic, which the compiler reports as an error
//! at the literal. So the compile-time and run-time checks cannot drift, and the rule
//! is picked by the annotated type (`const A: LoopbackAddr = bind_addr!(…)`), which a
//! procedural macro could not see.
//!
//! What this crate does check itself is the syntax of the invocation: a non-literal
//! argument, an unknown option or a stray token is an error pointing at that token.
#![forbid(unsafe_code)]
// Library code never panics on input: no unwrap, expect, panic or indexing. (Tests may:
// see clippy.toml. The workspace's tests, examples and CLI keep ordinary lints.)
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
#![deny(missing_docs)]

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
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

/// `ip_net!` behind `bind_guard::ip_net!`. Same input shape as `bind_addr_impl`.
#[doc(hidden)]
#[proc_macro]
pub fn ip_net_impl(input: TokenStream) -> TokenStream {
    expand(input, Kind::IpNet)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    BindAddr,
    IpNet,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::BindAddr => "bind_addr!",
            Kind::IpNet => "ip_net!",
        }
    }

    /// What to use instead for text known only at run time.
    fn run_time_alternative(self) -> &'static str {
        match self {
            Kind::BindAddr => "str::parse or Policy::parse",
            Kind::IpNet => "str::parse::<ipnet::IpNet>",
        }
    }

    fn example(self) -> &'static str {
        match self {
            Kind::BindAddr => "bind_addr!(\"127.0.0.1:8080\")",
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
        Ok(invocation) => invocation.expand().into(),
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
        let Literal(literal) = Literal::parse_for(input, kind)?;

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
                (Kind::BindAddr, "allow_wildcard") if !allow_wildcard => allow_wildcard = true,
                (Kind::BindAddr, "allow_wildcard") => {
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
                    Kind::BindAddr => ", then optionally `, allow_wildcard`, as in bind_addr!(\"0.0.0.0:8080\", allow_wildcard)",
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

    fn expand(&self) -> TokenStream2 {
        let Invocation {
            krate,
            literal,
            allow_wildcard,
            ..
        } = self;
        // Every token gets the literal's span, so a refusal (a `const` panic inside a
        // `#[track_caller]` function) is reported at the literal rather than inside the
        // macro. The expansion binds no names, so nothing at the call site can shadow
        // them (tests/ui/pass/hygiene_shadowed_names.rs).
        let span = literal.span();
        let body = match self.kind {
            Kind::BindAddr => quote_spanned! {span=>
                const { #krate::__private::bind_addr::<_>(#literal, #allow_wildcard) }
            },
            Kind::IpNet => quote_spanned! {span=>
                const { #krate::__private::ip_net(#literal) }
            },
        };
        quote! { #body }
    }
}

fn options_message(kind: Kind) -> &'static str {
    match kind {
        Kind::BindAddr => {
            "the only option is `allow_wildcard`, as in bind_addr!(\"0.0.0.0:8080\", allow_wildcard)"
        }
        Kind::IpNet => {
            "ip_net! takes no options: write only the network, as in ip_net!(\"10.0.0.0/8\")"
        }
    }
}

/// A string literal, with an error that says what was found instead.
struct Literal(LitStr);

impl Literal {
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
            return Ok(Literal(literal));
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
