//! `bind_addr!` and `ip_net!` where programs write them: every position (`const`,
//! `static`, `const fn`, `let`), through the caller's own `macro_rules!`, with the
//! wildcard opted in, and under hostile scopes (no prelude, a local module named
//! `bind_guard`, the caller's own `Ok`, `Some`, `panic!`, `core`, …).
//!
//! Each file of `tests/macro_positions/` is one case: a module whose items must
//! compile, and whose `main` checks the values the macros built. They were once
//! trybuild pass cases, a crate each; as modules of this test they cost one build.
//! What must *not* compile is in `tests/ui/` (trybuild snapshots) and
//! `tests/compile_check.rs`.

/// One test per case module: `name::main()`.
macro_rules! cases {
    ($($name:ident in $file:literal),* $(,)?) => {
        $(
            #[path = $file]
            mod $name;

            #[test]
            fn $name() {
                self::$name::main();
            }
        )*
    };
}

cases! {
    allow_wildcard in "macro_positions/allow_wildcard.rs",
    compile_time in "macro_positions/compile_time.rs",
    const_and_static in "macro_positions/const_and_static.rs",
    const_fn_and_let in "macro_positions/const_fn_and_let.rs",
    forwarded_by_macro_rules in "macro_positions/forwarded_by_macro_rules.rs",
    hygiene_local_module in "macro_positions/hygiene_local_module.rs",
    hygiene_no_prelude in "macro_positions/hygiene_no_prelude.rs",
    hygiene_shadowed_names in "macro_positions/hygiene_shadowed_names.rs",
}
