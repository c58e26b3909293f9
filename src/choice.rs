//! A name outside a fixed set of choices (a sort, an interval, a format),
//! the error every such setting's `FromStr` gives: clap, serde and the
//! HTTP parameters print it as it is.

/// `what` was given as `value`, which is none of `expected`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{value}`; expected {expected}")]
pub struct UnknownChoice {
    /// What the setting is (`sort`, `histogram interval`).
    pub what: &'static str,
    /// What was given.
    pub value: String,
    /// The choices, in words (`day, week or month`).
    pub expected: &'static str,
}

impl UnknownChoice {
    /// `value` refused as a `what`, which is one of `expected`.
    pub fn new(what: &'static str, value: &str, expected: &'static str) -> UnknownChoice {
        UnknownChoice {
            what,
            value: value.to_string(),
            expected,
        }
    }
}
