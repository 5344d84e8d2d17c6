//! Config files next to the code, each read by a real parser of its format.
//!
//! | file | read by | module |
//! | --- | --- | --- |
//! | any `.yml`/`.yaml`: Compose (by name or content), Kubernetes, an app's config | `saphyr-parser` | [`compose`], [`kubernetes`], [`keys`] |
//! | `Rocket.toml`, any other `.toml` config | `toml` | [`rocket`], [`keys`] |
//! | `*config*.json`, `*settings*.json` | `saphyr-parser` (JSON is YAML 1.2) | [`keys`] |
//! | `.env`, `.env.*`, `*.env` | dotenv's rules | [`dotenv`] |
//! | `*.socket`, `*.service` | systemd's unit syntax | [`systemd`] |
//! | `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile` | Dockerfile syntax | [`dockerfile`] |
//! | a block of text under a key that names a config file (a ConfigMap's `app.toml: \|`) | the parser of the file it names | [`embedded`] |
//!
//! A YAML file with templates (Helm's `{{ … }}`) is read with them blanked
//! ([`embedded::blank_templates`]).
//!
//! A value is the wildcard when the library's parser says so
//! ([`classify::literal`](super::classify::literal)), after `${VAR:-default}` takes
//! its default ([`value`]). Every value keeps its line and column. Tool and package
//! manifests (`Cargo.toml`, `package.json`, lock files, CI workflows) are not read.

mod args;
mod compose;
mod dockerfile;
mod dotenv;
mod embedded;
mod keys;
mod kubernetes;
mod systemd;
mod tree;
mod value;

use std::path::Path;

use super::{Confidence, Finding, Position, RuleId, shorten};

/// The kinds of config file `scan` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConfigKind {
    /// `Rocket.toml`: `address` in any profile.
    Rocket,
    /// `.env`, `.env.production`, `prod.env`: `KEY=VALUE` lines.
    DotEnv,
    /// A YAML file named as Compose's (`docker-compose*.yml`, `compose*.yaml`).
    ComposeYaml,
    /// Any other YAML file: Compose by content, Kubernetes, or an app's config.
    Yaml,
    /// A TOML config other than Rocket's and the tools' own.
    Toml,
    /// A JSON file whose name says config or settings.
    Json,
    /// A systemd `.socket` unit.
    SystemdSocket,
    /// A systemd `.service` unit.
    SystemdService,
    Dockerfile,
}

/// Files that are tools' and package managers' own, never a server's config.
const NOT_CONFIGS: &[&str] = &[
    "Cargo.toml",
    "rust-toolchain.toml",
    "rustfmt.toml",
    ".rustfmt.toml",
    "clippy.toml",
    ".clippy.toml",
    "deny.toml",
    "pyproject.toml",
    "book.toml",
    "Cross.toml",
    "typos.toml",
    "_typos.toml",
    ".typos.toml",
    "release.toml",
    "release-plz.toml",
    "cliff.toml",
    "taplo.toml",
    ".taplo.toml",
    "dist-workspace.toml",
    "pnpm-lock.yaml",
    "pnpm-workspace.yaml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
    ".gitlab-ci.yml",
    ".travis.yml",
    "codecov.yml",
    ".codecov.yml",
    "mkdocs.yml",
    "action.yml",
    "action.yaml",
    "Chart.yaml",
    ".goreleaser.yml",
    ".goreleaser.yaml",
    ".clang-format",
    "tsconfig.json",
    "jsconfig.json",
];

/// What [`ConfigKind::scan`] read of a file.
#[derive(Debug, Default)]
pub(crate) struct Scanned {
    pub(crate) findings: Vec<Finding>,
    /// Parts of the file that were not read, each with its line and why: reported
    /// beside the findings, never skipped in silence.
    pub(crate) unread: Vec<String>,
}

impl ConfigKind {
    /// The kind of a file, from its path (`None`: not a config `scan` reads).
    pub(crate) fn of(path: &Path) -> Option<ConfigKind> {
        let name = path.file_name()?.to_str()?;
        if NOT_CONFIGS.contains(&name) {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        let has = |ext: &str| lower.ends_with(ext);
        if name == "Rocket.toml" {
            Some(ConfigKind::Rocket)
        } else if name == ".env" || name.starts_with(".env.") || has(".env") {
            Some(ConfigKind::DotEnv)
        } else if has(".yml") || has(".yaml") {
            // CI workflows and their actions describe builds, not deployments.
            if path.components().any(|c| c.as_os_str() == ".github") {
                None
            } else if lower.starts_with("docker-compose") || lower.starts_with("compose") {
                Some(ConfigKind::ComposeYaml)
            } else {
                Some(ConfigKind::Yaml)
            }
        } else if has(".toml") {
            Some(ConfigKind::Toml)
        } else if has(".json") {
            let stem = lower.trim_end_matches(".json");
            let configish = ["config", "settings"].iter().any(|w| stem.contains(w))
                && !stem.starts_with("tsconfig")
                && !stem.contains("devcontainer");
            configish.then_some(ConfigKind::Json)
        } else if has(".socket") {
            Some(ConfigKind::SystemdSocket)
        } else if has(".service") {
            Some(ConfigKind::SystemdService)
        } else if name == "Dockerfile"
            || name == "Containerfile"
            || name.starts_with("Dockerfile.")
            || has(".dockerfile")
        {
            Some(ConfigKind::Dockerfile)
        } else {
            None
        }
    }

    /// The format's name, for a parse error.
    fn format(self) -> &'static str {
        match self {
            ConfigKind::Rocket | ConfigKind::Toml => "TOML",
            ConfigKind::ComposeYaml | ConfigKind::Yaml => "YAML",
            ConfigKind::Json => "JSON",
            ConfigKind::DotEnv => ".env",
            ConfigKind::SystemdSocket | ConfigKind::SystemdService => "a systemd unit",
            ConfigKind::Dockerfile => "a Dockerfile",
        }
    }

    /// Findings in a file of this kind, with what in it was not read (a config file
    /// carried inside it that does not parse, [`embedded`]); or why the file was not
    /// scanned at all (it does not parse, or its aliases and merge keys expand past the
    /// budget).
    pub(crate) fn scan(self, text: &str) -> Result<Scanned, String> {
        self.scan_at(text, 0)
    }

    /// [`scan`](ConfigKind::scan) of a file `depth` files deep in another
    /// ([`embedded`]).
    fn scan_at(self, text: &str, depth: usize) -> Result<Scanned, String> {
        let mut findings = Vec::new();
        let mut unread = Vec::new();
        // The text the tree is parsed from: the file's own, or, for a template that does
        // not parse as it is, the file with its templates blanked (same positions).
        let blanked: String;
        let mut parsed = text;
        let tree = match self {
            ConfigKind::DotEnv => {
                dotenv::scan(text, &mut findings);
                None
            }
            ConfigKind::SystemdSocket => {
                systemd::socket(text, &mut findings);
                None
            }
            ConfigKind::SystemdService => {
                systemd::service(text, &mut findings);
                None
            }
            ConfigKind::Dockerfile => {
                dockerfile::scan(text, &mut findings);
                None
            }
            ConfigKind::Rocket | ConfigKind::Toml => Some(tree::toml(text)),
            ConfigKind::ComposeYaml | ConfigKind::Yaml | ConfigKind::Json => {
                match (tree::yaml(text), embedded::blank_templates(text)) {
                    (Err(err), Some(without)) => {
                        blanked = without;
                        parsed = &blanked;
                        Some(tree::yaml(parsed).map_err(|_| err))
                    }
                    (tree, _) => Some(tree),
                }
            }
        };
        if let Some(tree) = tree {
            let tree =
                tree.map_err(|err| format!("not parsed as {}, skipped: {err}", self.format()))?;
            self.scan_tree(&tree, &mut findings);
            if matches!(
                self,
                ConfigKind::ComposeYaml | ConfigKind::Yaml | ConfigKind::Json
            ) {
                embedded::scan(&tree, parsed, depth, &mut findings, &mut unread);
            }
            if tree.exhausted() {
                return Err(format!(
                    "its anchors and merge keys expand past what a config needs; not scanned \
                     ({} nodes)",
                    tree.nodes.len()
                ));
            }
        }
        // A node reached twice (an anchor merged into several services, a value that
        // two rules see) is one finding, the first rule's.
        findings.sort_by_key(|f| (f.position.line, f.position.column));
        findings.dedup_by_key(|f| (f.position.line, f.position.column));
        Ok(Scanned { findings, unread })
    }

    fn scan_tree(self, tree: &tree::Tree<'_>, findings: &mut Vec<Finding>) {
        match self {
            ConfigKind::Rocket => rocket(tree, findings),
            ConfigKind::ComposeYaml | ConfigKind::Yaml | ConfigKind::Json => {
                let mut manifests = false;
                let mut app = false;
                for root in &tree.docs {
                    if self == ConfigKind::ComposeYaml || compose::is_compose(tree, *root) {
                        compose::scan(tree, *root, findings);
                    } else if kubernetes::is_manifest(tree, *root) {
                        manifests = true;
                        app = true;
                    } else {
                        app = true;
                    }
                }
                if manifests {
                    kubernetes::scan(tree, findings);
                }
                if app {
                    keys::scan(tree, findings);
                }
            }
            _ => keys::scan(tree, findings),
        }
    }
}

/// `Rocket.toml`: `address` in a profile (`[release]`, `release = { address = … }`,
/// `release.address = …`, quoted keys alike: the parser reads them all).
fn rocket(tree: &tree::Tree<'_>, findings: &mut Vec<Finding>) {
    let Some(root) = tree.docs.first() else {
        return;
    };
    for (profile, table) in tree.entries(*root) {
        let Some(address) = tree.get(table, "address") else {
            continue;
        };
        let Some(text) = tree.scalar(address) else {
            continue;
        };
        if let Some(spelling) = value::wildcard(text, false) {
            findings.push(finding(
                RuleId::ConfigWildcard,
                Confidence::High,
                tree.position(address),
                format!(
                    "Rocket's `{}.address` is {}: the server listens on every interface",
                    shorten(profile, 40),
                    spelling.describe()
                ),
            ));
        }
    }
}

fn finding(rule: RuleId, confidence: Confidence, position: Position, message: String) -> Finding {
    Finding {
        rule,
        confidence,
        position,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str) -> Option<ConfigKind> {
        ConfigKind::of(Path::new(path))
    }

    #[test]
    fn kinds_from_paths() {
        assert_eq!(kind("Rocket.toml"), Some(ConfigKind::Rocket));
        assert_eq!(kind(".env.production"), Some(ConfigKind::DotEnv));
        assert_eq!(kind("deploy/prod.env"), Some(ConfigKind::DotEnv));
        assert_eq!(
            kind("docker-compose.prod.yml"),
            Some(ConfigKind::ComposeYaml)
        );
        assert_eq!(kind("compose.override.yml"), Some(ConfigKind::ComposeYaml));
        assert_eq!(kind("testing-docker-compose.yml"), Some(ConfigKind::Yaml));
        assert_eq!(kind("config/app.toml"), Some(ConfigKind::Toml));
        assert_eq!(kind("appsettings.json"), Some(ConfigKind::Json));
        assert_eq!(kind("package.json"), None);
        assert_eq!(kind("tsconfig.json"), None);
        assert_eq!(kind("Cargo.toml"), None);
        assert_eq!(kind(".github/workflows/ci.yml"), None);
        assert_eq!(kind("app.socket"), Some(ConfigKind::SystemdSocket));
        assert_eq!(kind("Dockerfile.release"), Some(ConfigKind::Dockerfile));
        assert_eq!(kind("environment"), None);
    }

    fn lines(kind: ConfigKind, text: &str) -> Vec<usize> {
        kind.scan(text)
            .unwrap()
            .findings
            .iter()
            .map(|f| f.position.line)
            .collect()
    }

    #[test]
    fn compose_by_content_and_name() {
        let text = "services:\n  web:\n    image: x\n    ports: [\"80:80\"]\n";
        assert_eq!(lines(ConfigKind::Yaml, text), [4]);
        let partial = "services:\n  web:\n    ports:\n      - 80:80\n";
        assert_eq!(lines(ConfigKind::ComposeYaml, partial), [4]);
        let workflow = "on: push\njobs:\n  t:\n    services:\n      db:\n        image: x\n        ports: [\"5432:5432\"]\n";
        assert_eq!(lines(ConfigKind::Yaml, workflow), [] as [usize; 0]);
    }

    #[test]
    fn parse_errors_and_budgets_are_reported() {
        let err = ConfigKind::Yaml.scan("a: [unclosed\n").unwrap_err();
        assert!(err.starts_with("not parsed as YAML"), "{err}");
        let err = ConfigKind::Toml.scan("a = \n").unwrap_err();
        assert!(err.starts_with("not parsed as TOML"), "{err}");
        let mut bomb = String::from("a0: &a0 {k: v}\n");
        for i in 1..40 {
            bomb.push_str(&format!("a{i}: &a{i}\n  <<: [*a{}, *a{}]\n", i - 1, i - 1));
        }
        bomb.push_str("services:\n  web:\n    <<: *a39\n    image: x\n");
        let err = ConfigKind::ComposeYaml.scan(&bomb).unwrap_err();
        assert!(err.contains("merge keys"), "{err}");
    }

    proptest::proptest! {
        /// Any text in any config kind: findings or a reported error, never a panic.
        #[test]
        fn any_config_text_gets_an_answer(text in "[ -~\n\u{e9}\u{202e}]{0,300}") {
            for kind in [
                ConfigKind::Rocket, ConfigKind::DotEnv, ConfigKind::ComposeYaml, ConfigKind::Yaml,
                ConfigKind::Toml, ConfigKind::Json, ConfigKind::SystemdSocket,
                ConfigKind::SystemdService, ConfigKind::Dockerfile,
            ] {
                let _ = kind.scan(&text);
            }
        }
    }
}
