//! The one table of the type-level rules: for each marker, the verdict on each scope.
//!
//! The table below generates both halves of each rule:
//!
//! - the run-time scope set ([`ScopeRule::DEFAULT`], [`ScopeRule::LOCAL_NETWORK`],
//!   [`ScopeRule::LOOPBACK`]), which `FromStr`, `TryFrom`, `narrow` and [`Policy`]
//!   check with [`ScopeRule::check`];
//! - the compile-time rule: for every (marker, scope) pair an impl of
//!   [`Verdict<Marker>`](Verdict) for the scope's type (through which the marker
//!   implements [`Allows<S>`]), unconditional where the cell says `ok`, and otherwise
//!   conditioned on a bound that never holds (`S: refusal::Kind`), so the type checker
//!   reports the refusal with the sentences of that [`ErrorKind`](crate::ErrorKind).
//!
//! `bind_addr!` decides the literal's scope while it expands, names it with a type of
//! [`scope`], and builds the value with a function that requires `P: Allows<S>`; the
//! annotated type picks `P`. A refusal is therefore an E0277 that `cargo check` reports,
//! in every position (`const`, `static`, `let`, function argument, struct field).
//!
//! The test below checks that every cell names the error kind that
//! [`ScopeRule::check`] gives at run time for that pair.
//!
//! [`Policy`]: crate::Policy

use crate::Scope;
use crate::marker::{Checked, LocalNetwork, Loopback, Rule};
use crate::rule::{Expect, ScopeRule};

/// The rule of marker `P` accepts an address of scope `S` (a type of [`scope`]). Not a
/// public API: `bind_addr!` expands to a call that requires it.
pub trait Allows<S>: Rule {}

/// The refusals the type-level rules report. Nothing implements these traits: a bound
/// `S: refusal::NotLoopback` in an impl of [`Allows`] makes that pair an error, and the
/// `#[diagnostic::on_unimplemented]` that `bind_guard_macros::__refusal` writes from the
/// [`ErrorKind`](crate::ErrorKind) of the same name is the error's message.
pub mod refusal {
    /// See [`ErrorKind::Wildcard`](crate::ErrorKind::Wildcard).
    #[bind_guard_macros::__refusal(Wildcard)]
    pub trait Wildcard {}
    /// See [`ErrorKind::NotLoopback`](crate::ErrorKind::NotLoopback).
    #[bind_guard_macros::__refusal(NotLoopback)]
    pub trait NotLoopback {}
    /// See [`ErrorKind::NotLocalNetwork`](crate::ErrorKind::NotLocalNetwork).
    #[bind_guard_macros::__refusal(NotLocalNetwork)]
    pub trait NotLocalNetwork {}
    /// See [`ErrorKind::Multicast`](crate::ErrorKind::Multicast).
    #[bind_guard_macros::__refusal(Multicast)]
    pub trait Multicast {}
    /// See [`ErrorKind::Broadcast`](crate::ErrorKind::Broadcast).
    #[bind_guard_macros::__refusal(Broadcast)]
    pub trait Broadcast {}
}

/// A scope as a type: what [`Allows`] is generic over.
pub trait ScopeType {
    /// The scope of the addresses this type stands for (`Unspecified` for
    /// [`scope::OptedInWildcard`]).
    const SCOPE: Scope;
}

macro_rules! rule_table {
    (
        scopes $scopes:tt, opted_in $opted_in:ident;
        $($marker:ident = $const:ident, $expect:ident: [$($cell:ident)*] opted_in: $opt_cell:ident;)*
    ) => {
        rule_table!(@scope_types $scopes $opted_in);

        /// Implemented for every (scope, marker) pair: unconditionally where the rule
        /// accepts the scope, under a never-true bound where it does not.
        pub trait Verdict<P>: ScopeType {}

        $(rule_table!(@row $marker $const $expect $scopes [$($cell)*] $opted_in $opt_cell);)*
        impl<P: Rule, S: Verdict<P>> Allows<S> for P {}

        /// Every row of the table: the marker's rule, the verdict per scope (in
        /// [`ALL_SCOPES`](crate::scope::ALL_SCOPES) order), and the verdict on the
        /// opted-in wildcard.
        #[cfg(test)]
        pub(crate) const VERDICTS: &[(&str, ScopeRule, &[(Scope, Result<(), crate::ErrorKind>)], Result<(), crate::ErrorKind>)] = &[
            $((
                <$marker as Rule>::NAME,
                ScopeRule::$const,
                &rule_table!(@verdicts $scopes [$($cell)*]),
                rule_table!(@verdict $opt_cell),
            ),)*
        ];
    };
    (@scope_types [$($scope:ident)*] $opted_in:ident) => {
        /// One uninhabited type per [`Scope`], named like its variant, and
        /// `OptedInWildcard`: the scope of `bind_addr!`'s literal, as a type.
        pub mod scope {
            use crate::Scope;
            $(
                #[doc = concat!("[`Scope::", stringify!($scope), "`] as a type.")]
                #[derive(Debug)]
                pub enum $scope {}
                impl super::ScopeType for $scope {
                    const SCOPE: Scope = Scope::$scope;
                }
            )*
            /// The wildcard, with `bind_addr!(…, allow_wildcard)`: only the default
            /// rule ([`BindAddr`](crate::BindAddr)) accepts it.
            #[derive(Debug)]
            pub enum $opted_in {}
            impl super::ScopeType for $opted_in {
                const SCOPE: Scope = Scope::Unspecified;
            }
            // A new `Scope` needs a column: the table must cover them all.
            const _: () = assert!([$(Scope::$scope),*].len() == crate::scope::ALL_SCOPES.len());
        }
    };
    (@row $marker:ident $const:ident $expect:ident [$($scope:ident)*] [$($cell:ident)*] $opted_in:ident $opt_cell:ident) => {
        impl ScopeRule {
            #[doc = concat!("The rule of [`", stringify!($marker), "`](crate::marker::", stringify!($marker), "), from the table in `rule/table.rs`.")]
            pub const $const: ScopeRule =
                ScopeRule::new(0 $(| rule_table!(@bit $scope $cell))*, Expect::$expect);
        }
        $(rule_table!(@pair $marker $scope $cell);)*
        rule_table!(@pair $marker $opted_in $opt_cell);
    };
    (@bit $scope:ident ok) => { Scope::$scope.bit() };
    (@bit $scope:ident $refusal:ident) => { 0 };
    (@pair $marker:ident $scope:ident ok) => {
        impl Verdict<$marker> for scope::$scope {}
    };
    // `for<'a>` keeps the never-true bound from being rejected where it is written (a
    // bound without generic parameters would be checked, and fail, right here).
    (@pair $marker:ident $scope:ident $refusal:ident) => {
        impl Verdict<$marker> for scope::$scope where for<'a> scope::$scope: refusal::$refusal {}
    };
    (@verdicts [$($scope:ident)*] [$($cell:ident)*]) => {
        [$((Scope::$scope, rule_table!(@verdict $cell))),*]
    };
    (@verdict ok) => { Ok(()) };
    (@verdict $refusal:ident) => { Err(crate::ErrorKind::$refusal) };
}

// Each cell is `ok` or the refusal (an `ErrorKind` and `refusal` trait of that name).
// The last column is the wildcard opted in with `bind_addr!(…, allow_wildcard)`.
rule_table! {
    scopes [Unspecified Loopback LinkLocal Private Shared UniqueLocal Documentation Benchmarking Multicast Broadcast Reserved Global],
    opted_in OptedInWildcard;
    //                                         Unspecified Loopback LinkLocal      Private         Shared          UniqueLocal     Documentation   Benchmarking    Multicast       Broadcast       Reserved        Global
    Checked = DEFAULT, Any:                   [Wildcard    ok       ok             ok              ok              ok              ok              ok              Multicast       Broadcast       ok              ok             ] opted_in: ok;
    LocalNetwork = LOCAL_NETWORK, LocalNetwork: [Wildcard  ok       ok             ok              ok              ok              NotLocalNetwork NotLocalNetwork NotLocalNetwork NotLocalNetwork NotLocalNetwork NotLocalNetwork] opted_in: Wildcard;
    Loopback = LOOPBACK, Loopback:            [Wildcard    ok       NotLoopback    NotLoopback     NotLoopback     NotLoopback     NotLoopback     NotLoopback     NotLoopback     NotLoopback     NotLoopback     NotLoopback    ] opted_in: Wildcard;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scope::ALL_SCOPES;

    #[test]
    fn every_cell_agrees_with_the_run_time_check() {
        for (name, rule, verdicts, opted_in) in VERDICTS {
            let scopes: alloc::vec::Vec<Scope> = verdicts.iter().map(|(s, _)| *s).collect();
            assert_eq!(scopes, ALL_SCOPES, "{name}: one column per scope, in order");
            for (scope, verdict) in *verdicts {
                assert_eq!(rule.check(*scope), *verdict, "{name}, {scope}");
                assert_eq!(rule.allows(*scope), verdict.is_ok(), "{name}, {scope}");
            }
            // What `allow_wildcard` does to the rule, and the table's last column.
            assert_eq!(
                rule.opt_in_wildcard().check(Scope::Unspecified),
                *opted_in,
                "{name}, opted-in wildcard"
            );
        }
    }

    #[test]
    fn the_markers_carry_the_table_rows() {
        assert_eq!(Checked::SCOPES, ScopeRule::DEFAULT);
        assert_eq!(LocalNetwork::SCOPES, ScopeRule::LOCAL_NETWORK);
        assert_eq!(Loopback::SCOPES, ScopeRule::LOOPBACK);
        assert_eq!(VERDICTS.len(), 3);
    }
}
