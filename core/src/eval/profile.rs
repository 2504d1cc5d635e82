//! Who is checking and what they have done: the input of a checklist and of
//! a requirement's custom `check` function. It sits below both so that
//! neither imports the other.

use serde::{Deserialize, Serialize};

/// Who is checking, and what they have done so far.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Role name, as declared in the rules.
    pub role: String,
    /// Unit type (for due dates taken from step windows).
    #[serde(default)]
    pub unit: Option<String>,
    /// Batch (批次) the member's unit belongs to, when the rules have batches
    /// and the entry file does not name one.
    #[serde(default)]
    pub batch: Option<String>,
    /// Personal conditions (年老体弱, 书写困难 ...).
    #[serde(default)]
    pub conditions: Vec<String>,
    /// Requirement id → a number reached (学时, 篇 ...), true when done, or,
    /// for requirements counted by session, a list of sessions
    /// `[{ "date": "2005-01-20", "hours": 3 }, …]`.
    #[serde(default)]
    pub progress: serde_json::Map<String, serde_json::Value>,
}
