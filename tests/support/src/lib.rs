//! What the workspace's test files share, written once: the rule for a test that needs
//! an environment ([`env`](mod@env)), building an example and finding its binary ([`example`]),
//! a child process killed when it goes out of scope ([`child`]), and network
//! namespaces ([`netns`]).
#![forbid(unsafe_code)]

pub mod child;
pub mod env;
pub mod example;
pub mod logs;
pub mod netns;
