//! Row accounting shared by every reader of filled-in forms (scores, votes,
//! exams): a rejected row with its field and reason, the counts (read =
//! scored + rejected), and the rounding of every output figure.

use serde::Serialize;

/// A sheet that was not scored, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Rejection {
    /// 1-based line number in the input (the header is line 1).
    pub row: usize,
    /// Field at fault, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Why, in Chinese.
    pub reason: String,
}

/// Counts of rows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RowCounts {
    /// Data rows read.
    pub read: usize,
    /// Rows scored.
    pub scored: usize,
    /// Rows rejected.
    pub rejected: usize,
}

/// Rounds for output: 4 decimals, so results are stable across platforms.
pub(crate) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}
