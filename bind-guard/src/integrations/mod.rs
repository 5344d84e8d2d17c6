//! Connections to other crates, one module per crate and feature (`serde`, `clap`,
//! `tokio`, `socket2`).

#[cfg(feature = "clap")]
#[cfg_attr(docsrs, doc(cfg(feature = "clap")))]
pub mod clap;
#[cfg(feature = "serde")]
#[cfg_attr(docsrs, doc(cfg(feature = "serde")))]
pub mod serde;
#[cfg(feature = "socket2")]
#[cfg_attr(docsrs, doc(cfg(feature = "socket2")))]
pub mod socket2;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
