//! parse → scope → policy → Display → parse, against `std`, for arbitrary bytes.
//! The assertions live in `../check.rs`, which `tests/fuzz_corpus.rs` replays on the
//! seed corpus in every `cargo test`.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../check.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    check::check_bytes(data);
});
