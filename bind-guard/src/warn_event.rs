//! One warning, logged once, whichever of the `log` and `tracing` features are on.
//!
//! With both features on, `tracing` without a subscriber hands its events to `log` as
//! well (its `log` feature, which feature unification may turn on), so emitting through
//! both would log one warning twice. The rule, written once: through `tracing` when a
//! subscriber is set (or `log` is off), else through `log`.

/// `warn_event!("target", [tracing fields,], "format", args…)`: see the module docs.
/// The fields (such as `reason = name,`) go to `tracing` only; `log` gets the message.
macro_rules! warn_event {
    ($target:literal, [$($field:tt)*], $($arg:tt)+) => {{
        #[cfg(all(feature = "log", feature = "tracing"))]
        if tracing::dispatcher::has_been_set() {
            tracing::warn!(target: $target, $($field)* $($arg)+);
        } else {
            log::warn!(target: $target, $($arg)+);
        }
        #[cfg(all(feature = "log", not(feature = "tracing")))]
        log::warn!(target: $target, $($arg)+);
        #[cfg(all(feature = "tracing", not(feature = "log")))]
        tracing::warn!(target: $target, $($field)* $($arg)+);
    }};
}

#[allow(unused_imports, reason = "used by the log and tracing features")]
pub(crate) use warn_event;
