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
#![deny(missing_docs)]

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
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
            return Err(syn::Error::new(
                Span::call_site(),
                format!(
                    "{} needs a string literal, such as {}",
                    kind.name(),
                    kind.example()
                ),
            ));
        }
        let literal: LitStr = match input.parse::<Literal>() {
            Ok(Literal(lit)) => lit,
            Err(err) => return Err(err),
        };

        let mut allow_wildcard = false;
        while input.parse::<Option<Token![,]>>()?.is_some() {
            if input.is_empty() {
                break;
            }
            let option: Ident = input.parse().map_err(|err| {
                syn::Error::new(err.span(), unknown_option_message(kind))
            })?;
            match (kind, option.to_string().as_str()) {
                (Kind::BindAddr, "allow_wildcard") if !allow_wildcard => allow_wildcard = true,
                (Kind::BindAddr, "allow_wildcard") => {
                    return Err(syn::Error::new(
                        option.span(),
                        "allow_wildcard is given twice",
                    ));
                }
                _ => {
                    return Err(syn::Error::new(
                        option.span(),
                        format!("unknown option `{option}`; {}", unknown_option_message(kind)),
                    ));
                }
            }
        }
        if !input.is_empty() {
            return Err(input.error(format!(
                "unexpected tokens; {} takes a string literal{}",
                kind.name(),
                match kind {
                    Kind::BindAddr => " and, optionally, `, allow_wildcard`",
                    Kind::IpNet => "",
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
        // Every token gets the literal's span, so a refusal (a `const` panic) is reported
        // at the literal rather than inside the macro.
        let span = literal.span();
        let call = match self.kind {
            Kind::BindAddr => quote_spanned! {span=>
                #krate::__private::bind_addr::<_>(#literal, #allow_wildcard)
            },
            Kind::IpNet => quote_spanned! {span=> #krate::__private::ip_net(#literal) },
        };
        let body = quote_spanned! {span=>
            const {
                match #call {
                    #krate::__private::Ok(value) => value,
                    #krate::__private::Err(kind) => #krate::__private::panic!("{}", kind.message()),
                }
            }
        };
        quote! { #body }
    }
}

fn unknown_option_message(kind: Kind) -> String {
    match kind {
        Kind::BindAddr => {
            "the only option is `allow_wildcard`, as in bind_addr!(\"0.0.0.0:8080\", allow_wildcard)"
                .to_owned()
        }
        Kind::IpNet => "ip_net! takes no options".to_owned(),
    }
}

/// A string literal, with an error that says what was found instead.
struct Literal(LitStr);

impl Parse for Literal {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.peek(LitStr) {
            return input.parse().map(Literal);
        }
        let what = if input.peek(syn::Lit) {
            "a literal of another type"
        } else if input.peek(Ident) {
            "a name"
        } else {
            "an expression"
        };
        let tt: proc_macro2::TokenTree = input.parse()?;
        Err(syn::Error::new(
            tt.span(),
            format!(
                "expected a string literal, found {what}; the address is checked at compile time, so it must be written out, such as \"127.0.0.1:8080\" (for a run-time value use `str::parse` or `Policy::parse`)"
            ),
        ))
    }
}
