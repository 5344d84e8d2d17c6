//! Nothing: this package's test (`ui.rs`) is what it is for. A Cargo package needs one
//! target besides its tests.
#![forbid(unsafe_code)]
