//! `--format` for `check` and `explain`, with `--json` kept as its alias. Every command
//! takes `--format` (`audit` adds `openmetrics`, `scan` adds `sarif`: each declares its
//! own list) and `--json`, the older spelling, which cannot be combined with `--format`.

/// The formats of `check` and `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TextOrJson {
    /// Sentences for people
    Text,
    /// One JSON object on stdout (schema in JSON.md)
    Json,
}

/// `--format text|json` and its alias `--json`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct FormatArgs {
    /// Output format: text, or json (one JSON object on stdout)
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = TextOrJson::Text)]
    format: TextOrJson,
    /// The same as --format json
    #[arg(long, conflicts_with = "format")]
    json: bool,
}

impl FormatArgs {
    /// Whether the output is JSON, by either spelling.
    pub(crate) fn is_json(&self) -> bool {
        self.json || self.format == TextOrJson::Json
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Probe {
        #[command(flatten)]
        format: FormatArgs,
    }

    fn parse(args: &[&str]) -> Result<bool, clap::Error> {
        let argv = std::iter::once("probe").chain(args.iter().copied());
        Probe::try_parse_from(argv).map(|probe| probe.format.is_json())
    }

    #[test]
    fn json_by_either_spelling_and_text_by_default() {
        assert!(!parse(&[]).unwrap());
        assert!(!parse(&["--format", "text"]).unwrap());
        assert!(parse(&["--format", "json"]).unwrap());
        assert!(parse(&["--json"]).unwrap());
    }

    #[test]
    fn the_alias_and_the_flag_do_not_combine() {
        assert!(parse(&["--json", "--format", "text"]).is_err());
        assert!(parse(&["--format", "yaml"]).is_err());
    }
}
