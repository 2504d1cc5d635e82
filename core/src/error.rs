//! Errors evaluating rules against an input, and the one date parser every
//! caller uses for `YYYY-MM-DD` text.

use crate::diag::Location;
use chrono::NaiveDate;
use serde::Serialize;

/// An error evaluating rules against an input (unknown role, failing custom function ...).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EvalError {
    /// Stable code.
    pub code: &'static str,
    /// Message, Chinese first.
    pub message: String,
    /// Where in a rule file, when a custom function failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl EvalError {
    pub(crate) fn new(code: &'static str, message: String) -> Self {
        EvalError { code, message, location: None }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{l}: error[{}]: {}", self.code, self.message),
            None => write!(f, "error[{}]: {}", self.code, self.message),
        }
    }
}

impl std::error::Error for EvalError {}

/// `YYYY-MM-DD` into a calendar date; `None` for anything else (including
/// days that do not exist). Hand-written: chrono's format parser is the
/// larger part of chrono in the browser download.
pub(crate) fn ymd(s: &str) -> Option<NaiveDate> {
    let b = s.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num =
        |r: std::ops::Range<usize>| -> Option<u32> { b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))) };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

/// Parses a `YYYY-MM-DD` date (for callers that take dates as text).
pub fn parse_day(s: &str) -> Result<NaiveDate, EvalError> {
    ymd(s).ok_or_else(|| EvalError::new("date.invalid", format!("日期 \"{s}\" 无效,应写作 YYYY-MM-DD / invalid date")))
}

#[cfg(test)]
mod tests {
    use super::ymd;
    #[test]
    fn dates() {
        assert_eq!(ymd("2005-08-16").map(|d| d.to_string()), Some("2005-08-16".into()));
        assert!(ymd("2005-02-29").is_none());
        assert!(ymd("2005-8-16").is_none());
        assert!(ymd("２００５-08-16").is_none());
        assert!(ymd("2005-13-01").is_none());
    }
}
