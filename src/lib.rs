//! Helpers shared by the workspace's examples and integration tests. Not published.
#![forbid(unsafe_code)]
