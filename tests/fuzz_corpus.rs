//! Replays the fuzz seed corpus (`fuzz/corpus/seed/`) through the fuzz target's own
//! check, so every `cargo test` runs the `parse_roundtrip` assertions without a nightly
//! toolchain or libFuzzer. A crash the fuzzer finds is minimised and added to the seed
//! corpus, and stays checked here from then on.

#[path = "../fuzz/check.rs"]
mod check;

use std::path::Path;

#[test]
fn fuzz_seed_corpus_passes_the_roundtrip_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/seed");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    entries.sort();
    // The corpus is checked in; an empty or missing one would make this test vacuous.
    assert!(
        entries.len() >= 50,
        "only {} seed files in {}",
        entries.len(),
        dir.display()
    );
    for path in &entries {
        let data = std::fs::read(path).unwrap();
        check::check_bytes(&data);
    }
}
