//! The feature table of the crate's README is made from the `##` lines of Cargo.toml's
//! `[features]`, the same lines `document-features` renders into the crate docs, so the
//! three places that list features (manifest, rustdoc, README) cannot disagree.
//!
//! `BIND_GUARD_BLESS=1 cargo test -p bind-guard --test feature_table` rewrites the
//! README's table after a feature or its description changed.

use std::path::Path;

const START: &str = "<!-- features:start -->";
const END: &str = "<!-- features:end -->";

/// Each feature of the manifest with its `##` description, in the manifest's order, and
/// whether `default` turns it on.
fn features(manifest: &str) -> Vec<(String, String, bool)> {
    let mut in_features = false;
    let mut doc: Vec<&str> = Vec::new();
    let mut defaults: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if !in_features {
            continue;
        }
        if let Some(text) = line.strip_prefix("##") {
            doc.push(text.trim());
        } else if let Some((name, value)) = line.split_once('=') {
            let name = name.trim().to_string();
            if name == "default" {
                defaults = value
                    .split(['[', ']', ',', '"'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
            } else {
                assert!(
                    !doc.is_empty(),
                    "feature `{name}` has no `##` description in Cargo.toml"
                );
                out.push((name, doc.join(" "), false));
            }
            doc.clear();
        } else if !line.starts_with('#') && !line.is_empty() {
            doc.clear();
        }
    }
    for (name, _, default) in &mut out {
        *default = defaults.contains(name);
    }
    out
}

/// Rustdoc links as plain code for a README: "[`X`](path)" and "[`X`]" become "`X`".
fn unlink(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("[`") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find("`]") else {
            out.push_str(&rest[open..]);
            return out;
        };
        out.push_str(&after[..close + 1]);
        rest = &after[close + 2..];
        if rest.starts_with('(')
            && let Some(end) = rest.find(')')
        {
            rest = &rest[end + 1..];
        }
    }
    out.push_str(rest);
    out
}

fn table(features: &[(String, String, bool)]) -> String {
    let mut table = String::from("| feature | default | adds |\n| --- | --- | --- |\n");
    for (name, doc, default) in features {
        let default = if *default { "yes" } else { "no" };
        table.push_str(&format!("| `{name}` | {default} | {} |\n", unlink(doc)));
    }
    table
}

#[test]
fn the_readme_lists_every_feature_as_cargo_toml_describes_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let features = features(&manifest);
    assert!(
        features
            .iter()
            .any(|(name, _, default)| name == "std" && *default)
    );
    assert!(
        features
            .iter()
            .any(|(name, _, default)| name == "tower" && !*default)
    );
    let start = readme.find(START).expect("the README has the start marker") + START.len();
    let end = readme.find(END).expect("the README has the end marker");
    let expected = format!("\n{}", table(&features));
    if std::env::var_os("BIND_GUARD_BLESS").is_some() {
        let updated = format!("{}{expected}{}", &readme[..start], &readme[end..]);
        std::fs::write(&readme_path, updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..end],
        expected,
        "README.md's feature table differs from Cargo.toml's `##` lines; \
         run BIND_GUARD_BLESS=1 cargo test -p bind-guard --test feature_table"
    );
}

#[test]
fn links_become_code() {
    assert_eq!(
        unlink("[`BindSet`] and [`x`](crate::y) z"),
        "`BindSet` and `x` z"
    );
    assert_eq!(unlink("no links"), "no links");
    assert_eq!(unlink("[`open"), "[`open");
}

#[test]
fn a_feature_without_a_description_is_an_error() {
    let manifest = "[features]\ndefault = [\"a\"]\n## A.\na = []\nb = []\n";
    let err = std::panic::catch_unwind(|| features(manifest)).unwrap_err();
    let message = err.downcast_ref::<String>().unwrap();
    assert!(message.contains("`b`"), "{message}");
}
