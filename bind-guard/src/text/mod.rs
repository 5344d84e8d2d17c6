//! The text layer: bind-address and network text to parsed values, and on the error
//! path, the diagnosis of what was wrong. Nothing here knows about scopes or policies.

pub(crate) mod diagnose;
pub(crate) mod host_name;
pub(crate) mod net_literal;
pub(crate) mod parse;
