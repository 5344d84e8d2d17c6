//! JSON pieces shared by the commands (the schema is in the crate docs of `main.rs`).

use std::net::IpAddr;

use bind_guard::BindError;
use serde::Serialize;

/// The `"error"` object: a refusal or a parse error, in the library's words.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ErrorJson {
    kind: &'static str,
    refusal: bool,
    message: String,
    problem: &'static str,
    hint: &'static str,
}

impl ErrorJson {
    pub(crate) fn new(err: &BindError) -> Self {
        let kind = err.kind();
        ErrorJson {
            kind: kind.name(),
            refusal: kind.is_refusal(),
            message: err.to_string(),
            problem: kind.problem(),
            hint: kind.hint(),
        }
    }
}

/// `ipv4` or `ipv6`.
pub(crate) fn family(ip: IpAddr) -> &'static str {
    match ip {
        IpAddr::V4(_) => "ipv4",
        IpAddr::V6(_) => "ipv6",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bind_guard::ErrorKind;

    #[test]
    fn error_json_carries_the_library_text() {
        let err = "0.0.0.0:80".parse::<bind_guard::BindAddr>().unwrap_err();
        let json = serde_json::to_value(ErrorJson::new(&err)).unwrap();
        assert_eq!(json["kind"], "wildcard");
        assert_eq!(json["refusal"], true);
        assert_eq!(json["message"], err.to_string());
        assert_eq!(json["hint"], ErrorKind::Wildcard.hint());
    }
}
