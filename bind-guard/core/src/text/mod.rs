//! The text layer: bind-address and network text to parsed values, and on the error
//! path, the diagnosis of what was wrong. Nothing here knows about scopes or policies.

pub mod diagnose;
pub mod host_name;
pub mod net_literal;
pub mod parse;
